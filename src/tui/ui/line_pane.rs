//! The line view's pane: wrapped text lines with the line-start offset on the left (on a
//! line's first row), the cursor, selection, matches and changed bytes marked as in the hex
//! view.

use ratatui::buffer::Buffer;

use crate::core::source::ByteSource;
use crate::tui::ui::model::Screen;
use crate::tui::ui::{CHANGED, CURRENT, MATCH, SELECTED, byte_style, mark as mark_flags, put};

/// Draws the line view into the data rows.
pub fn render(buf: &mut Buffer, s: &Screen) {
    let (l, theme) = (&s.layout, s.theme);
    let rows = &s.line_rows;
    let span = crate::tui::line_geom::span_of(rows, s.view.top, s.doc.len());
    let x0 = l.off_digits + 2;
    let bytes = s.doc.read(span.clone());
    // Flags for the span, as the hex view computes them.
    let mut flags = vec![0u8; bytes.len() + 1];
    let start = span.start;
    let mut mark = |r: std::ops::Range<u64>, bit: u8| mark_flags(&mut flags, start, r, bit);
    for r in s.doc.changed_in(span.clone()) {
        mark(r, CHANGED);
    }
    for (s, n) in s.view.search.matches_in(s.doc, span.clone()) {
        mark(s..s + n, MATCH);
    }
    if let Some((s, n)) = s.view.search.current_match() {
        mark(s..s + n, CURRENT);
    }
    if let Some(sel) = s.selection.clone() {
        mark(sel, SELECTED);
    }
    let mut prev_end: Option<u64> = None;
    for (y, row) in rows.iter().enumerate() {
        // The offset on the first row of each line; wrapped rows are blank there.
        if prev_end != Some(row.bytes.start) || y == 0 {
            put(buf, 0, y, &l.offset_label(row.bytes.start), theme.offset());
        }
        prev_end = Some(row.bytes.end);
        let mut x = x0;
        for (i, cell) in row.cells.iter().enumerate() {
            let at = row.bytes.start + i as u64;
            let cols = cell.flow_width();
            let idx = usize::try_from(at - span.start).unwrap_or(usize::MAX);
            let on_cursor = at == s.cursor;
            if cols == 0 {
                continue;
            }
            let Some(glyph) = cell.glyph() else { continue };
            let byte = bytes.get(idx).copied().unwrap_or(0);
            let mut st = byte_style(
                theme,
                theme.cell(cell.kind(), byte),
                flags.get(idx).copied().unwrap_or(0),
            );
            // The cursor on a continuation byte marks its character.
            let char_end = row.cells[i + 1..]
                .iter()
                .position(|c| c.flow_width() > 0)
                .map_or(row.cells.len(), |p| i + 1 + p);
            let covers =
                on_cursor || (s.cursor > at && s.cursor < row.bytes.start + char_end as u64);
            if covers {
                st = theme.cursor_active(st);
            }
            let mut s = [0u8; 4];
            put(buf, x, y, glyph.encode_utf8(&mut s), st);
            x += cols;
        }
        // The cursor on the newline (or the end of the file) shows after the text.
        if s.cursor == row.bytes.end
            && rows
                .get(y + 1)
                .is_none_or(|n| n.bytes.start != row.bytes.end)
        {
            put(
                buf,
                x,
                y,
                " ",
                theme.cursor_active(ratatui::style::Style::new()),
            );
        }
    }
}
