//! The help overlay (its text and geometry come from `tui::help`). On a small screen it
//! scrolls with j/k, and stops at its end.

use ratatui::buffer::Buffer;
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Clear, Widget};

use crate::tui::help::HelpLayout;
use crate::tui::theme::Theme;

/// Draws the keys overlay centred over the screen, scrolled by `scroll` lines (clamped).
pub fn render(buf: &mut Buffer, scroll: u16, theme: Theme) {
    render_text(buf, scroll, theme, "maphex keys", crate::tui::help::lines());
}

/// Draws an overlay of `text` titled `name` (the keys, or the message log).
pub fn render_text(
    buf: &mut Buffer,
    scroll: u16,
    theme: Theme,
    name: &str,
    text: Vec<(String, String)>,
) {
    let help = HelpLayout::with_text(buf.area, text);
    Clear.render(help.rect, buf);
    let title = if help.scrolls() {
        format!(" {name} · j/k scroll · any other key closes ")
    } else {
        format!(" {name} · any key closes ")
    };
    let frame = theme.frame();
    help.paragraph(|k| Span::styled(k, frame))
        .scroll((scroll.min(help.max_scroll), 0))
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(title)
                .border_style(frame),
        )
        .render(help.rect, buf);
}
