//! Text-pane cells: what to draw in each byte's column, one cell per byte, so the hex and
//! text columns stay aligned whatever the file holds.
//!
//! Three encodings: ASCII (the classic pane, [`ascii_glyph`]), UTF-8 and Latin-1. Every cell
//! draws exactly one printable character (or nothing, for the second column of a wide
//! character), so nothing from the file reaches the terminal as a control, and nothing can
//! shift later columns: ratatui silently drops control characters, terminals join combining
//! marks onto the previous cell, bidi overrides reorder what follows (`notes/platform.md`
//! §7), and terminals whose width tables do not know a character give it another width or
//! none. [`is_safe_to_draw`] (in `unicode.rs`, with its tables) is the rule for what may be
//! drawn as itself; everything else is a one-column placeholder.
//!
//! Layout in the byte grid (hex and text panes): the sum of [`Cell::width`] over a row is the
//! number of bytes in the row. A UTF-8 character is drawn at its first byte; its continuation
//! bytes get [`CONTINUATION_GLYPH`]. A wide character (two columns by `unicode-width`; all of
//! them take at least three bytes in UTF-8) takes its next byte's column too, and that cell is
//! [`CellKind::Covered`] (draw nothing). When that next byte starts a new row (or is not on
//! screen) the character is drawn as [`CLIPPED_GLYPH`] instead, so nothing spills over the
//! pane edge. The line view uses the same cells with [`Cell::flow_width`], where continuation
//! bytes take no column (see `core::lines::wrap`).
//!
//! A consequence worth knowing: in the grid, every non-ASCII character is followed by at
//! least one continuation glyph, so two decoded characters are never adjacent on screen and
//! cannot fuse (regional-indicator flags, emoji with skin tones).

use std::fmt;
use std::str::FromStr;

use unicode_width::UnicodeWidthChar;

use crate::core::classify::{ByteClass, ascii_glyph, classify};
use crate::core::source::ByteSource;

mod unicode;
pub use unicode::is_safe_to_draw;

/// Bytes of context the caller passes on each side of the visible range so that a UTF-8
/// character cut by the range is recognised (a character is at most four bytes).
pub const MAX_CONTEXT: usize = 3;

/// Drawn for a UTF-8 continuation byte of the character drawn at an earlier cell.
pub const CONTINUATION_GLYPH: char = '·';
/// Drawn for each byte that is not part of a valid character (`std::str::from_utf8` rules).
pub const INVALID_GLYPH: char = '\u{fffd}';
/// Drawn for a character that is invisible, zero-width, a format character, private use, a
/// noncharacter, unassigned (or assigned after Unicode 10.0), or of a width terminals
/// disagree on: anything [`is_safe_to_draw`] rejects that is not a control.
pub const HIDDEN_GLYPH: char = '◌';
/// Drawn for a wide character whose second column would fall past the end of its row.
pub const CLIPPED_GLYPH: char = '…';

/// How the text pane reads bytes. All three agree on 0x00..=0x7f.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// One byte, one character; bytes >= 0x80 are drawn as `×` (the classic pane).
    #[default]
    Ascii,
    /// UTF-8, invalid bytes drawn one replacement glyph each.
    Utf8,
    /// ISO-8859-1: byte `b` is `U+00bb`; 0x80..=0x9f are C1 controls.
    Latin1,
}

impl Encoding {
    /// Every encoding, in the order [`Encoding::next`] cycles through.
    pub const ALL: [Encoding; 3] = [Encoding::Ascii, Encoding::Utf8, Encoding::Latin1];

    /// The next encoding in the cycle (a key steps through them).
    #[must_use]
    pub fn next(self) -> Self {
        // UTF-8 (the default), then ASCII, then Latin-1, as the `E` key's help says.
        match self {
            Encoding::Utf8 => Encoding::Ascii,
            Encoding::Ascii => Encoding::Latin1,
            Encoding::Latin1 => Encoding::Utf8,
        }
    }

    /// Short human label for the status bar: `ASCII`, `UTF-8`, `Latin-1`.
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Ascii => "ASCII",
            Encoding::Utf8 => "UTF-8",
            Encoding::Latin1 => "Latin-1",
        }
    }

    /// The canonical name for `--encoding` and config files; [`FromStr`] accepts it back.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Ascii => "ascii",
            Encoding::Utf8 => "utf8",
            Encoding::Latin1 => "latin1",
        }
    }

    /// Bytes of context needed on each side of a visible range: 3 for UTF-8, 0 otherwise.
    pub fn context(self) -> usize {
        match self {
            Encoding::Utf8 => MAX_CONTEXT,
            Encoding::Ascii | Encoding::Latin1 => 0,
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// An `--encoding` value that names no encoding.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown encoding `{0}`; use ascii, utf8 or latin1")]
pub struct UnknownEncoding(pub String);

impl FromStr for Encoding {
    type Err = UnknownEncoding;

    /// Case-insensitive: `ascii`, `utf8`/`utf-8`, `latin1`/`latin-1`/`iso-8859-1`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ascii" => Ok(Encoding::Ascii),
            "utf8" | "utf-8" => Ok(Encoding::Utf8),
            "latin1" | "latin-1" | "iso-8859-1" | "iso8859-1" => Ok(Encoding::Latin1),
            _ => Err(UnknownEncoding(s.to_owned())),
        }
    }
}

/// Why a cell looks the way it does, for the theme to colour. The first four match
/// [`ByteClass`] so ASCII bytes colour the same in the hex and text panes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CellKind {
    /// Printable ASCII (0x21..=0x7e), drawn as itself.
    Printable,
    /// ASCII whitespace: space drawn as itself, tab/newline/CR/VT/FF as `_`.
    Whitespace,
    /// NUL, drawn as `⋄`.
    Null,
    /// A C0 control, DEL, or a C1 control (UTF-8 `c2 80..=c2 9f`, Latin-1 0x80..=0x9f),
    /// drawn as `•`.
    Control,
    /// A byte >= 0x80 in the ASCII encoding, drawn as `×`.
    NonAscii,
    /// A non-ASCII character drawn as itself, one column.
    Char,
    /// A non-ASCII character drawn as itself, two columns; the next cell is [`CellKind::Covered`].
    WideChar,
    /// A character that must not be drawn raw (see [`is_safe_to_draw`]), drawn as [`HIDDEN_GLYPH`].
    Hidden,
    /// A wide character with no room for its second column in this row, drawn as
    /// [`CLIPPED_GLYPH`].
    Clipped,
    /// A continuation byte of a character drawn earlier, drawn as [`CONTINUATION_GLYPH`].
    Continuation,
    /// The second column of the [`CellKind::WideChar`] in the previous cell: draw nothing.
    Covered,
    /// A byte that is not part of a valid character, drawn as [`INVALID_GLYPH`].
    Invalid,
}

/// What to draw in one byte's column: a glyph and why (for the theme).
///
/// Invariants (checked by tests): the glyph is safe to draw ([`is_safe_to_draw`]) and its
/// display width is [`Cell::width`]; only [`CellKind::WideChar`] is two columns, and only
/// [`CellKind::Covered`] is zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Cell {
    glyph: char,
    kind: CellKind,
}

const CONTINUATION: Cell = Cell {
    glyph: CONTINUATION_GLYPH,
    kind: CellKind::Continuation,
};
const COVERED: Cell = Cell {
    glyph: ' ',
    kind: CellKind::Covered,
};
const INVALID: Cell = Cell {
    glyph: INVALID_GLYPH,
    kind: CellKind::Invalid,
};

impl Cell {
    /// Why the cell looks as it does.
    pub fn kind(self) -> CellKind {
        self.kind
    }

    /// The character to draw, or `None` for a [`CellKind::Covered`] cell (leave it to the
    /// wide character on its left).
    pub fn glyph(self) -> Option<char> {
        (self.kind != CellKind::Covered).then_some(self.glyph)
    }

    /// Columns this cell takes in the byte grid: 2 for a wide character, 0 for the cell it
    /// covers, 1 otherwise. A row's widths add up to its byte count.
    pub fn width(self) -> usize {
        match self.kind {
            CellKind::WideChar => 2,
            CellKind::Covered => 0,
            _ => 1,
        }
    }

    /// Columns this cell takes in flowing text (the line view), where continuation bytes
    /// take none: 2 for a wide character, 0 for continuation and covered cells, 1 otherwise.
    pub fn flow_width(self) -> usize {
        match self.kind {
            CellKind::WideChar => 2,
            CellKind::Covered | CellKind::Continuation => 0,
            _ => 1,
        }
    }

    /// True when the glyph is the file's own character (printable ASCII, space, a decoded
    /// character), false for placeholders.
    pub fn is_literal(self) -> bool {
        match self.kind {
            CellKind::Printable | CellKind::Char | CellKind::WideChar => true,
            CellKind::Whitespace => self.glyph == ' ',
            _ => false,
        }
    }

    /// The cell as it must be drawn when its second column is not available: a wide
    /// character becomes [`CellKind::Clipped`], the cell it covered a continuation.
    pub(crate) fn clipped(self) -> Cell {
        match self.kind {
            CellKind::WideChar => Cell {
                glyph: CLIPPED_GLYPH,
                kind: CellKind::Clipped,
            },
            CellKind::Covered => CONTINUATION,
            _ => self,
        }
    }
}

/// The cell for an ASCII byte (or, in the ASCII encoding, any byte), as the classic pane draws it.
fn ascii_cell(b: u8) -> Cell {
    let kind = match classify(b) {
        ByteClass::Null => CellKind::Null,
        ByteClass::Printable => CellKind::Printable,
        ByteClass::Whitespace => CellKind::Whitespace,
        ByteClass::Control => CellKind::Control,
        ByteClass::NonAscii => CellKind::NonAscii,
    };
    Cell {
        glyph: ascii_glyph(b),
        kind,
    }
}

/// The cell for a decoded character at its first byte. `room_for_two` says whether the next
/// column belongs to the same row and holds a byte of this character.
fn char_cell(c: char, room_for_two: bool) -> Cell {
    if c.is_ascii() {
        return ascii_cell(c as u8);
    }
    if c.is_control() {
        return Cell {
            glyph: ascii_glyph(0x01),
            kind: CellKind::Control,
        };
    }
    if !is_safe_to_draw(c) {
        return Cell {
            glyph: HIDDEN_GLYPH,
            kind: CellKind::Hidden,
        };
    }
    match (c.width(), room_for_two) {
        (Some(2), true) => Cell {
            glyph: c,
            kind: CellKind::WideChar,
        },
        (Some(2), false) => Cell {
            glyph: CLIPPED_GLYPH,
            kind: CellKind::Clipped,
        },
        _ => Cell {
            glyph: c,
            kind: CellKind::Char,
        },
    }
}

/// The character starting at `window[p]`, if the bytes there (up to four) begin a valid
/// UTF-8 sequence by `std::str::from_utf8` rules.
fn decode_at(window: &[u8], p: usize) -> Option<char> {
    let end = window.len().min(p.saturating_add(4));
    let bytes = window.get(p..end)?;
    bytes.utf8_chunks().next()?.valid().chars().next()
}

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// Where to start decoding so that the byte at `vs` is seen as whole-buffer decoding would
/// see it: the lead byte of a valid character that spans `vs`, or `vs` itself.
///
/// A byte that is not a continuation byte always starts a fresh decode attempt (no valid
/// sequence contains one after its first byte), so the nearest such byte within three
/// bytes before `vs` is a synchronisation point; if there is none, no character started
/// before `vs` can reach it.
fn sync_start(window: &[u8], vs: usize) -> usize {
    for k in 1..=MAX_CONTEXT.min(vs) {
        let q = vs - k;
        if !is_continuation(window[q]) {
            return match decode_at(window, q) {
                Some(c) if q + c.len_utf8() > vs => q,
                _ => vs,
            };
        }
    }
    vs
}

/// Row geometry: rows start at `first` and every `row_width` bytes after (0: one row).
#[derive(Clone, Copy)]
struct Rows {
    window_start: u64,
    first: u64,
    row_width: u64,
}

impl Rows {
    /// Does window index `i` (at or after `first`) start a row?
    fn starts_row(self, i: usize) -> bool {
        if self.row_width == 0 {
            return false;
        }
        let abs = self
            .window_start
            .saturating_add(u64::try_from(i).unwrap_or(u64::MAX));
        abs.saturating_sub(self.first)
            .is_multiple_of(self.row_width)
    }
}

/// The window indexes of `first..first + count` that the window holds.
fn visible(window_len: usize, window_start: u64, first: u64, count: usize) -> (usize, usize) {
    let len = u64::try_from(window_len).unwrap_or(u64::MAX);
    let window_end = window_start.saturating_add(len);
    let count = u64::try_from(count).unwrap_or(u64::MAX);
    let start = first.max(window_start).min(window_end);
    let end = first.saturating_add(count).clamp(start, window_end);
    let to_index = |abs: u64| usize::try_from(abs - window_start).unwrap_or(window_len);
    (to_index(start), to_index(end))
}

/// The cells of the visible bytes `first..first + count`, one per byte.
///
/// `window` holds the bytes at `window_start..`; for UTF-8 it should include up to
/// [`MAX_CONTEXT`] bytes before `first` and after the visible range (fewer only at the ends
/// of the data), so that characters cut by the range decode as they do in the whole file.
/// Visible bytes the window does not hold get no cell: the result has one cell per byte of
/// the overlap of the two ranges.
///
/// Rows begin at `first` and every `row_width` bytes after it (`row_width` 0: a single
/// unbounded row). A wide character whose next byte starts a new row or is past the visible
/// range is drawn clipped, so the visible range should end at a row end or at the end of
/// the data for the cells to match decoding the whole buffer. Cost: O(visible bytes).
pub fn cells(
    window: &[u8],
    window_start: u64,
    first: u64,
    count: usize,
    row_width: usize,
    enc: Encoding,
) -> Vec<Cell> {
    let mut out = Vec::new();
    cells_into(window, window_start, first, count, row_width, enc, &mut out);
    out
}

/// [`cells`] into a reused buffer (cleared first), to draw frames without allocating.
pub fn cells_into(
    window: &[u8],
    window_start: u64,
    first: u64,
    count: usize,
    row_width: usize,
    enc: Encoding,
    out: &mut Vec<Cell>,
) {
    out.clear();
    let (vs, ve) = visible(window.len(), window_start, first, count);
    let shown = &window[vs..ve];
    out.reserve(shown.len());
    match enc {
        Encoding::Ascii => out.extend(shown.iter().map(|&b| ascii_cell(b))),
        Encoding::Latin1 => out.extend(shown.iter().map(|&b| char_cell(char::from(b), false))),
        Encoding::Utf8 => {
            let rows = Rows {
                window_start,
                first,
                row_width: u64::try_from(row_width).unwrap_or(u64::MAX),
            };
            utf8_cells(window, vs, ve, rows, out);
        }
    }
    let shown_start = window_start.saturating_add(u64::try_from(vs).unwrap_or(u64::MAX));
    let row_width = u64::try_from(row_width).unwrap_or(u64::MAX);
    hide_grapheme_extenders(out, |i| {
        let abs = shown_start.saturating_add(u64::try_from(i).unwrap_or(u64::MAX));
        row_width != 0 && abs.saturating_sub(first) % row_width == 0
    });
}

/// Hides a character that would join the glyph drawn before it into one grapheme cluster
/// (a spacing mark after its base, a skin-tone modifier after an emoji, the second of two
/// regional indicators): terminals that cluster graphemes would draw the pair in fewer
/// columns than counted and shift the rest of the row. Continuation and covered cells are
/// skipped, since the line view does not draw them, so the rule holds in both views. Only
/// glyphs on one row can join: the rule starts afresh where `row_start(i)` says a row starts.
fn hide_grapheme_extenders(out: &mut [Cell], row_start: impl Fn(usize) -> bool) {
    use unicode_segmentation::UnicodeSegmentation;
    let mut prev: Option<char> = None;
    let mut i = 0;
    while i < out.len() {
        let cell = out[i];
        if row_start(i) {
            prev = None;
        }
        match cell.kind {
            CellKind::Continuation | CellKind::Covered => {}
            CellKind::Char | CellKind::WideChar => {
                if let Some(p) = prev {
                    let mut pair = String::with_capacity(8);
                    pair.push(p);
                    pair.push(cell.glyph);
                    if pair.graphemes(true).nth(1).is_none() {
                        out[i] = Cell {
                            glyph: HIDDEN_GLYPH,
                            kind: CellKind::Hidden,
                        };
                        // A hidden wide character is one column: its covered cell gets one.
                        if let Some(next) = out.get_mut(i + 1).filter(|n| {
                            cell.kind == CellKind::WideChar && n.kind == CellKind::Covered
                        }) {
                            *next = CONTINUATION;
                        }
                        prev = Some(HIDDEN_GLYPH);
                        i += 1;
                        continue;
                    }
                }
                prev = Some(cell.glyph);
            }
            _ => prev = Some(cell.glyph),
        }
        i += 1;
    }
}

fn utf8_cells(window: &[u8], vs: usize, ve: usize, rows: Rows, out: &mut Vec<Cell>) {
    let mut p = sync_start(window, vs);
    while p < ve {
        let b = window[p];
        if b.is_ascii() {
            out.push(ascii_cell(b));
            p += 1;
            continue;
        }
        let Some(c) = decode_at(window, p) else {
            if p >= vs {
                out.push(INVALID);
            }
            p += 1;
            continue;
        };
        let end = p + c.len_utf8();
        let lead = if p >= vs {
            let room_for_two = p + 1 < ve && !rows.starts_row(p + 1);
            let lead = char_cell(c, room_for_two);
            out.push(lead);
            lead
        } else {
            // The lead is above the visible range, so in an earlier row: whatever it was
            // drawn as, its continuation bytes here are plain continuations.
            CONTINUATION
        };
        for q in (p + 1).max(vs)..end.min(ve) {
            let covered = q == p + 1 && lead.kind == CellKind::WideChar;
            out.push(if covered { COVERED } else { CONTINUATION });
        }
        p = end;
    }
}

/// [`cells`] for `first..first + count` of a source, reading the context itself.
pub fn read_cells<S: ByteSource + ?Sized>(
    src: &S,
    first: u64,
    count: usize,
    row_width: usize,
    enc: Encoding,
) -> Vec<Cell> {
    let ctx = u64::try_from(enc.context()).unwrap_or(0);
    let start = first.saturating_sub(ctx);
    let count_u64 = u64::try_from(count).unwrap_or(u64::MAX);
    let end = first.saturating_add(count_u64).saturating_add(ctx);
    let window = src.read(start..end);
    cells(&window, start, first, count, row_width, enc)
}

#[cfg(test)]
mod tests;
