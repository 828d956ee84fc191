//! The message line: the prompt while typing, otherwise the last message or a hint.

use ratatui::buffer::Buffer;

use crate::tui::app::{App, InputMode, PromptKind, Severity};
use crate::tui::layout::Layout;
use crate::tui::theme::Theme;
use crate::tui::ui::put;

/// Draws the message line.
pub fn render(buf: &mut Buffer, app: &App, l: &Layout, theme: Theme) {
    let Some(y) = l.message_y else { return };
    let y = usize::from(y);
    match &app.mode {
        InputMode::Prompt(p) => {
            let lead = match p.kind {
                PromptKind::Command => ":".to_string(),
                PromptKind::Search(k) => {
                    use crate::core::search::QueryKind;
                    let case = if app.view().search.ignore_case && k != QueryKind::Hex {
                        " -i"
                    } else {
                        ""
                    };
                    // Byte or Unicode semantics: only a regex has the choice.
                    let mode = match (k, app.view().search.unicode) {
                        (QueryKind::Regex, false) => " bytes",
                        (QueryKind::Regex, true) => " unicode",
                        _ => "",
                    };
                    format!(
                        "/{}{mode}{case} (Tab kind, C-t case, C-x unicode) ",
                        k.label()
                    )
                }
            };
            // Show the end of a long input.
            let room = usize::from(l.width).saturating_sub(lead.chars().count() + 1);
            let chars: Vec<char> = p.text.chars().collect();
            let shown: String = chars[chars.len().saturating_sub(room)..].iter().collect();
            put(
                buf,
                0,
                y,
                &format!("{lead}{shown}"),
                ratatui::style::Style::new(),
            );
            put(
                buf,
                lead.chars().count() + shown.chars().count(),
                y,
                " ",
                theme.cursor_active(ratatui::style::Style::new()),
            );
            // The candidates of the last Tab, while the text is still what Tab left.
            let end = lead.chars().count() + shown.chars().count() + 1;
            if let Some(w) = app.wildmenu.as_ref().filter(|w| w.line == p.text) {
                let room = usize::from(l.width).saturating_sub(end + 2);
                put(buf, end + 2, y, &w.display(room), theme.dim());
            }
        }
        _ => match &app.message {
            Some((m, Severity::Error)) => put(buf, 0, y, m, theme.error()),
            Some((m, Severity::Info)) => put(buf, 0, y, m, ratatui::style::Style::new()),
            None => put(
                buf,
                0,
                y,
                "? help  : goto/command  / search  i edit  q quit",
                theme.dim(),
            ),
        },
    }
}
