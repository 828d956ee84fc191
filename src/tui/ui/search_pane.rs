//! The search pane: the list of matches with offset, length and a hex + text preview.

use ratatui::buffer::Buffer;

use crate::tui::search::preview;
use crate::tui::ui::model::Screen;
use crate::tui::ui::{put, title_rule};

/// Draws the pane below the data rows.
pub fn render(buf: &mut Buffer, sc: &Screen) {
    let (l, theme) = (&sc.layout, sc.theme);
    let y0 = l.rows;
    let height = sc.panels.0;
    if height == 0 {
        return;
    }
    let search = &sc.view.search;
    let width = usize::from(l.width);
    let focus = if search.pane_focus {
        "j/k move, Enter jumps, Tab back"
    } else {
        "s hides"
    };
    let mut title = format!(
        "─ matches: {} ─ {focus} ",
        search
            .status_line()
            .unwrap_or_else(|| "no search yet".into())
    );
    if search.long_matches() > 0 {
        title.push_str("─ matches longer than 64 MiB are cut ");
    }
    title_rule(buf, y0, width, &title, theme.frame());
    let rows = height - 1;
    let n = search.index.len();
    let top = if search.pane_sel >= rows {
        search.pane_sel + 1 - rows
    } else {
        0
    };
    for r in 0..rows.min(n.saturating_sub(top)) {
        let i = top + r;
        let Some(m) = search.index.get(i) else { break };
        let (hex, text) = preview(sc.doc, m, 12);
        let row = format!(
            "{:>7}  {}  {:>6}  {:<36} {}",
            i + 1,
            l.offset_label(m.start),
            m.len,
            hex,
            text,
        );
        let st = if i == search.pane_sel && search.pane_focus {
            theme.cursor_active(ratatui::style::Style::new())
        } else if i == search.pane_sel {
            theme.cursor_passive(ratatui::style::Style::new())
        } else {
            ratatui::style::Style::new()
        };
        put(buf, 0, y0 + 1 + r, &row, st);
    }
}
