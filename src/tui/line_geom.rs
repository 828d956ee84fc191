//! The line view's geometry, pure (it reads only the document): where the line holding an
//! offset starts and ends, which visual row holds a byte, columns within a row, the bytes a
//! screen of rows covers, and the line index's state for a view. `line_view` (the app's
//! line-view actions) and the widgets build on it.

use std::ops::Range;

use memchr::{memchr, memrchr};

use crate::core::lines::{LineIndex, VisualRow};
use crate::core::source::ByteSource;

/// Longest line segment the view handles as one line: past it a line is cut into segments at
/// multiples of this offset (both when searching back and forward, so the cut is stable).
pub const MAX_LINE: u64 = 64 << 10;

/// The line index and its background build.
#[derive(Default)]
pub struct LineState {
    /// The index so far (partial while building).
    pub index: Option<LineIndex>,
    /// A build is running.
    pub building: bool,
    /// Build generation: messages of older builds are dropped.
    pub generation: u64,
    /// A `:line N` waiting for the index to reach it.
    pub pending_line: Option<u64>,
    /// Bytes indexed so far, for the status bar.
    pub progress: u64,
    /// The document's version the index (or its build) is for.
    pub version: u64,
    /// The lowest offset edited since: the index is good before it.
    pub dirty_from: Option<u64>,
}

/// The bytes of the (segment of the) line holding `off`: start, end without the newline, and
/// where the next line starts.
pub fn line_bounds<S: ByteSource + ?Sized>(src: &S, off: u64) -> (u64, u64, u64) {
    let len = src.len();
    let off = off.min(len);
    let seg = off - off % MAX_LINE;
    let back = src.read(seg..off);
    let start = memrchr(b'\n', &back).map_or(seg, |p| seg + p as u64 + 1);
    let limit = (seg + MAX_LINE).min(len);
    let fwd = src.read(off..limit);
    match memchr(b'\n', &fwd) {
        Some(p) => (start, off + p as u64, off + p as u64 + 1),
        None => (start, limit, limit),
    }
}

/// The index of the row holding `off` (the newline of a line belongs to its last row).
pub fn row_index(rows: &[VisualRow], off: u64) -> usize {
    rows.iter()
        .position(|r| off < r.bytes.end)
        .unwrap_or(rows.len().saturating_sub(1))
}

/// Display column of `off` within `row` (the column after the row for its newline).
pub fn column_of(row: &VisualRow, off: u64) -> usize {
    let upto = usize::try_from(off.saturating_sub(row.bytes.start))
        .unwrap_or(usize::MAX)
        .min(row.cells.len());
    row.cells[..upto].iter().map(|c| c.flow_width()).sum()
}

/// The byte of `row` at display column `col` (or the row's last byte).
pub fn byte_at_column(row: &VisualRow, col: usize) -> u64 {
    let mut x = 0;
    let mut last = row.bytes.start;
    for (i, c) in row.cells.iter().enumerate() {
        let w = c.flow_width();
        if w == 0 {
            continue;
        }
        last = row.bytes.start + i as u64;
        if x + w > col {
            return last;
        }
        x += w;
    }
    if row.cells.is_empty() {
        row.bytes.start
    } else {
        last
    }
}

/// The bytes that `rows` (the line view from `top`) cover, in a document of `len` bytes.
pub fn span_of(rows: &[VisualRow], top: u64, len: u64) -> Range<u64> {
    let start = rows.first().map_or(top, |r| r.bytes.start);
    let end = rows.last().map_or(top, |r| r.bytes.end + 1);
    start..end.min(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_find_lines_and_cut_long_ones() {
        let text = b"ab\ncd\n\nlast".to_vec();
        assert_eq!(line_bounds(&text, 0), (0, 2, 3));
        assert_eq!(line_bounds(&text, 2), (0, 2, 3));
        assert_eq!(line_bounds(&text, 4), (3, 5, 6));
        assert_eq!(line_bounds(&text, 6), (6, 6, 7));
        assert_eq!(line_bounds(&text, 9), (7, 11, 11));
        let long = vec![b'x'; (MAX_LINE * 2 + 10) as usize];
        assert_eq!(
            line_bounds(&long, MAX_LINE + 5),
            (MAX_LINE, 2 * MAX_LINE, 2 * MAX_LINE)
        );
        assert_eq!(line_bounds(&long, 3), (0, MAX_LINE, MAX_LINE));
    }
}
