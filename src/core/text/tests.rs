//! Unit tests of the parent module.

use super::*;

fn utf8(bytes: &[u8], row_width: usize) -> Vec<Cell> {
    cells(bytes, 0, 0, bytes.len(), row_width, Encoding::Utf8)
}

fn kinds(cells: &[Cell]) -> Vec<CellKind> {
    cells.iter().map(|c| c.kind()).collect()
}

fn glyphs(cells: &[Cell]) -> String {
    cells.iter().filter_map(|c| c.glyph()).collect()
}

use CellKind as K;

#[test]
fn encoding_names_round_trip_and_cycle() {
    for enc in Encoding::ALL {
        assert_eq!(enc.name().parse::<Encoding>(), Ok(enc));
        assert_eq!(enc.next().next().next(), enc);
    }
    for (s, e) in [
        ("UTF-8", Encoding::Utf8),
        ("utf8", Encoding::Utf8),
        ("Latin-1", Encoding::Latin1),
        ("iso-8859-1", Encoding::Latin1),
        ("ASCII", Encoding::Ascii),
    ] {
        assert_eq!(s.parse::<Encoding>(), Ok(e), "{s}");
    }
    let err = "ebcdic".parse::<Encoding>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown encoding `ebcdic`; use ascii, utf8 or latin1"
    );
    assert_eq!(Encoding::Utf8.to_string(), "UTF-8");
}

#[test]
fn ascii_encoding_matches_the_classic_pane() {
    let bytes: Vec<u8> = (0..=255).collect();
    let cells = cells(&bytes, 0, 0, 256, 16, Encoding::Ascii);
    for (b, cell) in bytes.iter().zip(&cells) {
        assert_eq!(cell.glyph(), Some(ascii_glyph(*b)));
    }
    assert_eq!(cells[0x80].kind(), K::NonAscii);
    assert_eq!(cells[b'\t' as usize].kind(), K::Whitespace);
}

#[test]
fn latin1_c1_is_control_and_soft_hyphen_hidden() {
    let cells = cells(b"\x85\xe9\xad\xa0\xff", 0, 0, 5, 0, Encoding::Latin1);
    assert_eq!(
        kinds(&cells),
        [K::Control, K::Char, K::Hidden, K::Char, K::Char]
    );
    assert_eq!(glyphs(&cells), "•é◌\u{a0}ÿ");
}

#[test]
fn multibyte_character_then_continuations() {
    let cells = utf8("é€".as_bytes(), 0);
    assert_eq!(
        kinds(&cells),
        [
            K::Char,
            K::Continuation,
            K::Char,
            K::Continuation,
            K::Continuation
        ]
    );
    assert_eq!(glyphs(&cells), "é·€··");
}

#[test]
fn wide_character_covers_the_next_cell() {
    let cells = utf8("日".as_bytes(), 0);
    assert_eq!(kinds(&cells), [K::WideChar, K::Covered, K::Continuation]);
    assert_eq!(cells.iter().map(|c| c.width()).sum::<usize>(), 3);
    assert_eq!(cells[1].glyph(), None);
}

#[test]
fn wide_character_at_the_row_end_is_clipped() {
    // "ab日": 日 starts at column 2 of a 3-wide row.
    let cells = utf8("ab日".as_bytes(), 3);
    assert_eq!(
        kinds(&cells),
        [
            K::Printable,
            K::Printable,
            K::Clipped,
            K::Continuation,
            K::Continuation
        ]
    );
    // Same bytes, rows of 4: room for both columns.
    assert_eq!(utf8("ab日".as_bytes(), 4)[2].kind(), K::WideChar);
    // Row width 1: never room.
    assert_eq!(utf8("日".as_bytes(), 1)[0].kind(), K::Clipped);
}

#[test]
fn wide_character_cut_by_the_visible_end_is_clipped() {
    let bytes = "a日".as_bytes();
    let cells = cells(bytes, 0, 0, 2, 0, Encoding::Utf8);
    assert_eq!(kinds(&cells), [K::Printable, K::Clipped]);
}

#[test]
fn combining_and_format_characters_get_placeholders() {
    // e + COMBINING ACUTE, ZWSP, RLO, BOM, VS16, tag A, private use, U+2028.
    let s = "e\u{301}\u{200b}\u{202e}\u{feff}\u{fe0f}\u{e0041}\u{e000}\u{2028}";
    let cells = utf8(s.as_bytes(), 0);
    let leads: Vec<_> = cells
        .iter()
        .filter(|c| c.kind() != K::Continuation)
        .map(|c| c.kind())
        .collect();
    assert_eq!(leads[0], K::Printable);
    assert!(leads[1..].iter().all(|&k| k == K::Hidden), "{leads:?}");
}

#[test]
fn c1_controls_in_utf8_are_controls() {
    let cells = utf8(b"\xc2\x85\xc2\x9b", 0);
    assert_eq!(
        kinds(&cells),
        [K::Control, K::Continuation, K::Control, K::Continuation]
    );
}

#[test]
fn invalid_bytes_one_replacement_each() {
    // bad lead, stray continuation, truncated 3-byte, overlong 2-byte, surrogate.
    let bytes = b"\xff\x80\xe2\x82A\xc0\xaf\xed\xa0\x80";
    let cells = utf8(bytes, 0);
    let k = kinds(&cells);
    assert_eq!(k[4], K::Printable);
    assert!(
        k.iter()
            .enumerate()
            .all(|(i, &k)| i == 4 || k == K::Invalid),
        "{k:?}"
    );
}

#[test]
fn a_character_begun_above_the_screen_shows_continuations() {
    let bytes = "x€y".as_bytes(); // x e2 82 ac y
    // Visible from the 82: the window has one byte of context before it.
    let cells = cells(bytes, 0, 2, 3, 16, Encoding::Utf8);
    assert_eq!(
        kinds(&cells),
        [K::Continuation, K::Continuation, K::Printable]
    );
    // Without the context the same bytes are invalid.
    let cut = cells_no_context(&bytes[2..]);
    assert_eq!(kinds(&cut), [K::Invalid, K::Invalid, K::Printable]);
}

fn cells_no_context(bytes: &[u8]) -> Vec<Cell> {
    cells(bytes, 0, 0, bytes.len(), 16, Encoding::Utf8)
}

#[test]
fn a_character_cut_at_the_bottom_decodes_with_after_context() {
    let bytes = "ab€".as_bytes();
    let cells = cells(bytes, 0, 0, 3, 3, Encoding::Utf8);
    assert_eq!(kinds(&cells), [K::Printable, K::Printable, K::Char]);
}

#[test]
fn window_and_visible_range_need_not_agree() {
    let bytes = b"hello";
    assert!(cells(bytes, 10, 0, 5, 4, Encoding::Utf8).is_empty());
    assert_eq!(cells(bytes, 10, 8, 4, 4, Encoding::Utf8).len(), 2);
    assert_eq!(cells(bytes, 0, 3, usize::MAX, 4, Encoding::Utf8).len(), 2);
    assert_eq!(
        cells(bytes, u64::MAX - 2, u64::MAX, 9, 4, Encoding::Utf8).len(),
        0
    );
    assert!(cells(b"", 0, 0, 10, 0, Encoding::Latin1).is_empty());
}

#[test]
fn read_cells_reads_its_own_context() {
    let src = "x€y".as_bytes().to_vec();
    let got = read_cells(&src, 3, 2, 16, Encoding::Utf8);
    assert_eq!(kinds(&got), [K::Continuation, K::Printable]);
}

#[test]
fn safety_rule_examples() {
    for c in ['a', ' ', 'é', '€', '日', '😀', '\u{a0}', '\u{1f1e6}'] {
        assert!(is_safe_to_draw(c), "{c:?}");
    }
    for c in [
        '\0',
        '\t',
        '\n',
        '\x1b',
        '\x7f',
        '\u{85}',
        '\u{9f}',
        '\u{ad}',
        '\u{300}',
        '\u{301}',
        '\u{61c}',
        '\u{200b}',
        '\u{200d}',
        '\u{200e}',
        '\u{202a}',
        '\u{202e}',
        '\u{2066}',
        '\u{2069}',
        '\u{2028}',
        '\u{2029}',
        '\u{feff}',
        '\u{fe0f}',
        '\u{e0001}',
        '\u{e007f}',
        '\u{e0100}',
        '\u{e000}',
        '\u{f8ff}',
        '\u{10fffd}',
        '\u{fdd0}',
        '\u{fffe}',
        '\u{1fffe}',
        '\u{600}',
        '\u{115f}',
        '\u{3164}',
        '\u{1f3fb}',
        '\u{ff9e}',
        '\u{378}',
    ] {
        assert!(!is_safe_to_draw(c), "{:x}", u32::from(c));
    }
}

#[test]
fn every_placeholder_is_safe_and_one_column() {
    for g in [
        CONTINUATION_GLYPH,
        INVALID_GLYPH,
        HIDDEN_GLYPH,
        CLIPPED_GLYPH,
        ascii_glyph(0),
        ascii_glyph(1),
        ascii_glyph(b'\n'),
        ascii_glyph(0x80),
    ] {
        assert!(is_safe_to_draw(g), "{g:?}");
        assert_eq!(g.width(), Some(1), "{g:?}");
    }
}

#[test]
fn every_char_cell_is_safe_with_its_declared_width() {
    // Every scalar value through the single-character path.
    for u in 0..=0x10_FFFF_u32 {
        let Some(c) = char::from_u32(u) else { continue };
        for room in [false, true] {
            let cell = char_cell(c, room);
            let g = cell.glyph().unwrap_or(' ');
            assert!(is_safe_to_draw(g), "U+{u:04X}");
            assert_eq!(g.width(), Some(cell.width()), "U+{u:04X}");
            assert_eq!(cell.is_literal(), g == c, "U+{u:04X}");
        }
    }
}
