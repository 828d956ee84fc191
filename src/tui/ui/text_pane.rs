//! The text pane: one cell per byte from `core::text` (UTF-8, ASCII or Latin-1), so columns
//! stay aligned with the hex pane and no byte of the file reaches the terminal raw.

use ratatui::buffer::Buffer;

use crate::core::source::ByteSource;
use crate::core::text::{CellKind, MAX_CONTEXT, cells};
use crate::tui::app::{InputMode, Pane};
use crate::tui::ui::model::Screen;
use crate::tui::ui::{Visible, byte_style, put, put_char};

/// Draws the text column of every data row.
pub fn render(buf: &mut Buffer, s: &Screen, vis: &Visible) {
    let (l, theme) = (&s.layout, s.theme);
    let len = s.doc.len();
    let editing = matches!(s.mode, InputMode::Edit { .. });
    let cols = l.cols as u64;
    let Some(text_x) = l.text_x else { return };
    // Decode the visible bytes with a little context on each side, so a character that
    // starts above the first row or ends below the last one is recognised.
    let ctx = MAX_CONTEXT as u64;
    let wstart = vis.start.saturating_sub(ctx);
    let wend = vis.start + vis.bytes.len() as u64 + ctx;
    let window = s.doc.read(wstart..wend);
    let cells = cells(
        &window,
        wstart,
        vis.start,
        vis.bytes.len(),
        l.cols,
        s.settings.encoding,
    );
    for row in 0..l.rows {
        let row_off = vis.start + row as u64 * cols;
        for i in 0..l.cols {
            let at = row_off + i as u64;
            let x = text_x + i;
            let idx = usize::try_from(at - vis.start).unwrap_or(usize::MAX);
            let (Some(cell), Some(&b)) = (cells.get(idx), vis.bytes.get(idx)) else {
                if editing && at == s.cursor && at == len {
                    let st = if s.pane == Pane::Text {
                        theme.cursor_active(theme.dim())
                    } else {
                        theme.cursor_passive(theme.dim())
                    };
                    put(buf, x, row, "_", st);
                }
                break;
            };
            let Some(glyph) = cell.glyph() else {
                // The second column of a wide character: it is drawn by the cell on the left.
                // The cursor on this byte marks the wide character's cell instead.
                continue;
            };
            let flags = vis.flags_at(at);
            let mut st = byte_style(theme, theme.cell(cell.kind(), b), flags);
            let covers_cursor =
                at == s.cursor || (cell.kind() == CellKind::WideChar && at + 1 == s.cursor);
            if covers_cursor {
                st = if s.pane == Pane::Text {
                    theme.cursor_active(st)
                } else {
                    theme.cursor_passive(st)
                };
            }
            if glyph.is_ascii() {
                put_char(buf, x, row, glyph, st);
            } else {
                // Laid out as a string: a wide character also takes the next cell.
                let mut s = [0u8; 4];
                put(buf, x, row, glyph.encode_utf8(&mut s), st);
            }
        }
    }
}
