//! The text pane: one glyph per byte, never a raw byte (see `core::classify`).

use ratatui::buffer::Buffer;

use crate::core::classify::{ascii_glyph, classify};
use crate::tui::app::{App, InputMode, Pane};
use crate::tui::layout::Layout;
use crate::tui::theme::Theme;
use crate::tui::ui::{CHANGED, CURRENT, MATCH, Visible, put};

/// Draws the text column of every data row.
pub fn render(buf: &mut Buffer, app: &App, l: &Layout, vis: &Visible, theme: Theme) {
    let len = app.doc.len();
    let editing = matches!(app.mode, InputMode::Edit { .. });
    let cols = l.cols as u64;
    for row in 0..l.rows {
        let row_off = vis.start + row as u64 * cols;
        for i in 0..l.cols {
            let at = row_off + i as u64;
            let x = l.text_x + i;
            let idx = usize::try_from(at - vis.start).unwrap_or(usize::MAX);
            let Some(&b) = vis.bytes.get(idx) else {
                if editing && at == app.cursor && at == len {
                    let st = if app.pane == Pane::Text {
                        theme.cursor_active(theme.dim())
                    } else {
                        theme.cursor_passive(theme.dim())
                    };
                    put(buf, x, row, "_", st);
                }
                break;
            };
            let flags = vis.flags_at(at);
            let mut st = theme.class(classify(b));
            if flags & MATCH != 0 {
                st = theme.matched(st);
            }
            if flags & CURRENT != 0 {
                st = theme.current_match(st);
            }
            if flags & CHANGED != 0 {
                st = theme.changed(st);
            }
            if at == app.cursor {
                st = if app.pane == Pane::Text {
                    theme.cursor_active(st)
                } else {
                    theme.cursor_passive(st)
                };
            }
            let mut s = [0u8; 4];
            put(buf, x, row, ascii_glyph(b).encode_utf8(&mut s), st);
        }
    }
}
