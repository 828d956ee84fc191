//! Which characters the text pane may send to a terminal as themselves: the Unicode tables
//! behind [`is_safe_to_draw`], apart from the cell layout in `core::text`.

use unicode_width::UnicodeWidthChar;

/// Characters drawn as [`HIDDEN_GLYPH`](super::HIDDEN_GLYPH) although `unicode-width` may
/// give them a width: inclusive ranges, sorted, disjoint (a test checks). They are
/// - general category Cf (format: soft hyphen, Arabic number signs, zero-width space and
///   joiners, LRM/RLM, bidi embeddings/overrides U+202A..=U+202E and isolates
///   U+2066..=U+2069, U+061C, word joiner and invisible operators, U+FEFF, interlinear
///   annotation, Egyptian and shorthand format controls, musical symbol formatting, tags);
/// - line and paragraph separators U+2028, U+2029 (some terminals break the line);
/// - the other default-ignorable code points (Hangul fillers, Khmer inherent vowels,
///   Mongolian variation selectors, variation selectors, U+FFF0..=U+FFF8, U+E0000..=U+E0FFF);
/// - grapheme extenders and prepends that `unicode-width` counts as one column
///   (`Other_Grapheme_Extend`, `Grapheme_Cluster_Break=Prepend`, emoji skin-tone modifiers
///   U+1F3FB..=U+1F3FF): a grapheme-aware terminal draws them fused with their neighbour,
///   which would shift the columns after them.
///
/// Spacing combining marks (Mc) in general are not listed: there are hundreds, and
/// per-codepoint terminals (xterm, VTE, tmux) draw them in their own column.
static HIDDEN_RANGES: &[(u32, u32)] = &[
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x09BE, 0x09BE),
    (0x09D7, 0x09D7),
    (0x0B3E, 0x0B3E),
    (0x0B57, 0x0B57),
    (0x0BBE, 0x0BBE),
    (0x0BD7, 0x0BD7),
    (0x0CC2, 0x0CC2),
    (0x0CD5, 0x0CD6),
    (0x0D3E, 0x0D3E),
    (0x0D4E, 0x0D4E),
    (0x0D57, 0x0D57),
    (0x0DCF, 0x0DCF),
    (0x0DDF, 0x0DDF),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x1B35, 0x1B35),
    (0x200B, 0x200F),
    (0x2028, 0x202E),
    (0x2060, 0x206F),
    (0x302E, 0x302F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFF9E, 0xFFA0),
    (0xFFF0, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x111C2, 0x111C3),
    (0x1133E, 0x1133E),
    (0x11357, 0x11357),
    (0x114B0, 0x114B0),
    (0x114BD, 0x114BD),
    (0x115AF, 0x115AF),
    (0x11930, 0x11930),
    (0x1193F, 0x1193F),
    (0x11941, 0x11941),
    (0x11A3A, 0x11A3A),
    (0x11A84, 0x11A89),
    (0x11D46, 0x11D46),
    (0x11F02, 0x11F02),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D165, 0x1D165),
    (0x1D16E, 0x1D17A),
    (0x1F3FB, 0x1F3FF),
    (0xE0000, 0xE0FFF),
];

fn in_hidden_ranges(u: u32) -> bool {
    let i = HIDDEN_RANGES.partition_point(|&(_, hi)| hi < u);
    HIDDEN_RANGES.get(i).is_some_and(|&(lo, _)| lo <= u)
}

/// Private use: U+E000..=U+F8FF and planes 15 and 16. Drawn as placeholders because their
/// width is whatever the user's font says (Nerd Font icons are often two columns while
/// `unicode-width` says one), which would shift the columns after them.
fn is_private_use(u: u32) -> bool {
    (0xE000..=0xF8FF).contains(&u) || u >= 0xF_0000
}

/// The 66 noncharacters: U+FDD0..=U+FDEF and the last two code points of every plane.
fn is_noncharacter(u: u32) -> bool {
    (0xFDD0..=0xFDEF).contains(&u) || u & 0xFFFE == 0xFFFE
}

/// May `c` be drawn as itself in a terminal cell without hiding, moving or fusing anything?
///
/// True for printable ASCII and space, and for other characters that are not controls
/// (C0, DEL, C1), are one or two columns wide by `unicode-width` (so not combining marks,
/// zero-width characters or variation selectors), and are not in the hidden set: format
/// characters (category Cf, including bidi embeddings, overrides and isolates, zero-width
/// space and joiners, U+061C, U+FEFF, U+00AD, tags), U+2028/U+2029, the other
/// default-ignorable code points, the few grapheme extenders and prepends that are not zero
/// width (emoji skin-tone modifiers, halfwidth sound marks, some Indic vowel-length marks),
/// private use (width unknown: fonts decide) and noncharacters.
///
/// Unassigned code points pass (the terminal draws a box); East Asian Ambiguous characters
/// pass and count one column, as `unicode-width` and ratatui count them.
pub fn is_safe_to_draw(c: char) -> bool {
    if c.is_ascii() {
        return !c.is_ascii_control();
    }
    if c.is_control() || !matches!(c.width(), Some(1 | 2)) {
        return false;
    }
    let u = u32::from(c);
    !(in_hidden_ranges(u) || is_private_use(u) || is_noncharacter(u))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_ranges_are_sorted_and_disjoint() {
        for pair in HIDDEN_RANGES.windows(2) {
            assert!(pair[0].0 <= pair[0].1 && pair[0].1 < pair[1].0, "{pair:x?}");
        }
    }
}
