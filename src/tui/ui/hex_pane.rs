//! The offset column and the hex pane.

use ratatui::buffer::Buffer;

use crate::core::classify::{HEX, classify};
use crate::tui::app::{InputMode, Pane};
use crate::tui::layout::hex_cell_x;
use crate::tui::ui::model::Screen;
use crate::tui::ui::{Visible, byte_style, put, put_char};

/// Draws offsets and hex digits for every data row.
pub fn render(buf: &mut Buffer, s: &Screen, vis: &Visible) {
    let (l, theme) = (&s.layout, s.theme);
    let len = s.doc.len();
    let editing = matches!(s.mode, InputMode::Edit { .. });
    let low_nibble = matches!(
        s.mode,
        InputMode::Edit {
            low_nibble: true,
            ..
        }
    );
    let cols = l.cols as u64;
    for row in 0..l.rows {
        let row_off = vis.start + row as u64 * cols;
        // Rows past the end are blank, except row 0 (an empty file still shows offset 0) and
        // the row of the append position while editing.
        if row_off >= len && row_off != 0 && !(editing && row_off == s.cursor) {
            continue;
        }
        put(buf, 0, row, &l.offset_label(row_off), theme.offset());
        let Some(hex_x) = l.hex_x else { continue };
        for i in 0..l.cols {
            let at = row_off + i as u64;
            let x = hex_x + hex_cell_x(i, l.group);
            let idx = usize::try_from(at - vis.start).unwrap_or(usize::MAX);
            let Some(&b) = vis.bytes.get(idx) else {
                // The append position in edit mode gets a placeholder cell.
                if editing && at == s.cursor && at == len {
                    let st = if s.pane == Pane::Hex {
                        theme.cursor_active(theme.dim())
                    } else {
                        theme.cursor_passive(theme.dim())
                    };
                    put(buf, x, row, "__", st);
                }
                continue;
            };
            let flags = vis.flags_at(at);
            let st = byte_style(theme, theme.class(classify(b)), flags);
            let pair = HEX[usize::from(b)];
            let digits = [char::from(pair[0]), char::from(pair[1])];
            let (high, low) = if at == s.cursor {
                let cur = if s.pane == Pane::Hex {
                    theme.cursor_active(st)
                } else {
                    theme.cursor_passive(st)
                };
                // With the high nibble typed, only the low one is under the cursor.
                if low_nibble && s.pane == Pane::Hex {
                    (st, cur)
                } else {
                    (cur, cur)
                }
            } else {
                (st, st)
            };
            put_char(buf, x, row, digits[0], high);
            put_char(buf, x + 1, row, digits[1], low);
            // The space after the pair takes the pair's colour (nothing else: no background,
            // so highlights keep their shape). It looks the same, and a frame then runs on
            // without a cursor move at every gap and a colour change at every pair.
            if i + 1 < l.cols {
                let gap = ratatui::style::Style {
                    fg: st.fg,
                    ..ratatui::style::Style::default()
                };
                for g in x + 2..hex_x + hex_cell_x(i + 1, l.group) {
                    put_char(buf, g, row, ' ', gap);
                }
            }
        }
    }
}
