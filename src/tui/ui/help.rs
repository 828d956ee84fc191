//! The help overlay, generated from the action table (never a hand-written string).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use crate::tui::action::ACTIONS;
use crate::tui::app::App;
use crate::tui::theme::Theme;

/// Lines of the help text.
pub fn lines() -> Vec<String> {
    let mut out = Vec::with_capacity(ACTIONS.len() + 4);
    for b in ACTIONS {
        out.push(format!("{:<16} {}", b.keys.join(" "), b.doc));
    }
    out.push(String::new());
    out.push("edit mode: hex digits in the hex pane, any character in the text pane".into());
    out.push("commands: :w  :w!  :w PATH  :wq  :q  :q!  :e!  :OFFSET".into());
    out.push("any key closes this help".into());
    out
}

/// Draws the overlay centred over the screen.
pub fn render(buf: &mut Buffer, _app: &App, theme: Theme) {
    let area = buf.area;
    let text = lines();
    let want_w = text.iter().map(|l| l.chars().count()).max().unwrap_or(0) as u16 + 4;
    let want_h = text.len() as u16 + 2;
    let w = want_w.min(area.width);
    let h = want_h.min(area.height);
    let rect = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    Clear.render(rect, buf);
    let para = Paragraph::new(text.into_iter().map(Line::from).collect::<Vec<_>>()).block(
        Block::default()
            .borders(Borders::ALL)
            .title(" maphex keys ")
            .border_style(theme.frame()),
    );
    para.render(rect, buf);
}
