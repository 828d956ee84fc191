//! The structure pane: a template's tree beside the hex pane, one row per field (name,
//! offset, size, type, value), drawn from the rows `tui::structure` made for this frame.
//! Names, types and values come escaped (`structure::escape`): no byte of the file reaches
//! the terminal as a control character or as anything terminals disagree on the width of.

use ratatui::buffer::Buffer;
use ratatui::style::Style;

use crate::tui::structure::{Fold, Structure};
use crate::tui::ui::model::Screen;

/// Writes `s` at (x, y) in at most `w` columns.
fn put_w(buf: &mut Buffer, x: usize, y: usize, s: &str, w: usize, style: Style) {
    let area = buf.area;
    let (Ok(x16), Ok(y16)) = (u16::try_from(x), u16::try_from(y)) else {
        return;
    };
    if y16 >= area.height || x16 >= area.width || w == 0 {
        return;
    }
    let w = w.min(usize::from(area.width - x16));
    buf.set_stringn(area.x + x16, area.y + y16, s, w, style);
}

/// Draws the pane in the `width` columns right of the data rows.
pub fn render(buf: &mut Buffer, sc: &Screen, st: &Structure, width: u16) {
    let (l, theme) = (&sc.layout, sc.theme);
    let x0 = usize::from(l.width.saturating_sub(width));
    let w = usize::from(width);
    let rows = l.rows;
    if rows == 0 || w < 2 {
        return;
    }
    // Blank the pane and draw the rule on its left.
    for y in 0..rows {
        put_w(buf, x0, y, "│", 1, theme.frame());
        put_w(buf, x0 + 1, y, &" ".repeat(w - 1), w - 1, Style::new());
    }
    let (x, cw) = (x0 + 1, w - 1);
    let keys = if st.focus {
        "j/k l/h e Tab"
    } else {
        "t focuses"
    };
    let title = format!("─ {}: {} ─ {keys} ", st.name, st.path);
    let title: String = title
        .chars()
        .chain(std::iter::repeat('─'))
        .take(cw)
        .collect();
    put_w(buf, x, 0, &title, cw, theme.frame());
    let show_type = cw >= 56;
    // The name column is as wide as the longest name on screen needs, up to 2/5 of the pane.
    let longest = st
        .rows
        .iter()
        .map(|r| r.depth * 2 + 2 + r.name.chars().count())
        .max()
        .unwrap_or(0);
    let name_w = longest.clamp(8, (cw * 2 / 5).max(8));
    let off_w = crate::tui::layout::offset_digits(sc.doc.len()).min(16) - 2;
    let type_w = if show_type { 11 } else { 0 };
    for (i, r) in st.rows.iter().enumerate() {
        let y = i + 1;
        if y >= rows {
            break;
        }
        let base = if r.selected && st.focus {
            theme.cursor_active(Style::new())
        } else if r.selected {
            theme.cursor_passive(Style::new())
        } else {
            Style::new()
        };
        let marker = match r.fold {
            Fold::Leaf => ' ',
            Fold::Folded => '▸',
            Fold::Open => '▾',
        };
        let indent = (r.depth * 2).min(name_w.saturating_sub(4));
        let name = format!("{}{marker} {}", " ".repeat(indent), r.name);
        put_w(buf, x, y, &format!("{name:<name_w$}"), name_w, base);
        let mut cx = x + name_w + 1;
        let off = r
            .offset
            .map_or_else(|| "-".to_string(), |o| format!("{o:x}"));
        put_w(
            buf,
            cx,
            y,
            &format!("{off:>off_w$}"),
            off_w,
            base.patch(theme.offset()),
        );
        cx += off_w + 1;
        put_w(buf, cx, y, &format!("{:>5}", r.size), 5, base);
        cx += 6;
        if show_type {
            put_w(
                buf,
                cx,
                y,
                &format!("{:<type_w$}", r.type_name),
                type_w,
                base.patch(theme.dim()),
            );
            cx += type_w + 1;
        }
        let vst = if r.error {
            base.patch(theme.error())
        } else {
            base
        };
        put_w(buf, cx, y, &r.value, (x + cw).saturating_sub(cx), vst);
    }
}
