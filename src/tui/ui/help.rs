//! The help overlay, generated from the action table (never a hand-written string). Long
//! descriptions wrap; on a small screen it scrolls with j/k.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use crate::tui::action::ACTIONS;
use crate::tui::app::App;
use crate::tui::theme::Theme;

/// Lines of the help text: (keys, description).
pub fn lines() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = ACTIONS
        .iter()
        .map(|b| (b.keys.join(" "), b.doc.to_string()))
        .collect();
    out.push((String::new(), String::new()));
    out.push((
        "edit mode".into(),
        "hex digits in the hex pane, any character in the text pane".into(),
    ));
    out.push((
        "search prompt".into(),
        "Tab kind, C-t case, C-x Unicode. A regex means bytes: \\xNN is a byte, . any byte \
         but \\n, \\w \\d \\s \\b and (?i) are ASCII, é its UTF-8 bytes; (?u) or C-x for \
         Unicode"
            .into(),
    ));
    out.push((
        "commands".into(),
        ":w  :w!  :w PATH  :wq  :q  :q!  :e!  :OFFSET  :line N".into(),
    ));
    out.push((
        String::new(),
        ":set cols|group|offsets|hex|text|inspector|endian|encoding VALUE".into(),
    ));
    out.push((String::new(), ":y hex|text|c  :fill HEX  :recover".into()));
    out
}

/// Draws the overlay centred over the screen.
pub fn render(buf: &mut Buffer, app: &App, theme: Theme) {
    let area = buf.area;
    let text = lines();
    let keys_w = text
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let doc_w = text
        .iter()
        .map(|(_, d)| d.chars().count())
        .max()
        .unwrap_or(0);
    let w = u16::try_from(keys_w + doc_w + 5)
        .unwrap_or(u16::MAX)
        .min(area.width);
    let h = u16::try_from(text.len() + 2)
        .unwrap_or(u16::MAX)
        .min(area.height);
    let rect = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    Clear.render(rect, buf);
    let body: Vec<Line> = text
        .into_iter()
        .map(|(k, d)| {
            Line::from(vec![
                Span::styled(format!("{k:<keys_w$} "), theme.frame()),
                Span::raw(d),
            ])
        })
        .collect();
    let title = if usize::from(h) < body.len() + 2 {
        " maphex keys · j/k scroll · any other key closes "
    } else {
        " maphex keys · any key closes "
    };
    Paragraph::new(body)
        .wrap(Wrap { trim: false })
        .scroll((app.help_scroll, 0))
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(title)
                .border_style(theme.frame()),
        )
        .render(rect, buf);
}
