//! The message line: the prompt while typing, otherwise the last message or a hint.

use ratatui::buffer::Buffer;

use crate::tui::app::{InputMode, PromptKind, Severity};
use crate::tui::ui::model::Screen;
use crate::tui::ui::put;

/// The part of a prompt's `text` to draw in `room` cells so that the cursor (at byte `at`)
/// is visible: each character with its width, then a space for the cursor at the end, and
/// which of them has the cursor. A line that fits is shown whole; a longer one shows its end
/// while the cursor is near it, and otherwise scrolls so the cursor sits a quarter of the
/// room from the left edge.
fn visible(text: &str, at: usize, room: usize) -> (Vec<(String, usize)>, usize) {
    use unicode_width::UnicodeWidthChar;
    let mut all: Vec<(usize, String, usize)> = text
        .char_indices()
        .map(|(i, c)| (i, c.to_string(), c.width().unwrap_or(0)))
        .collect();
    all.push((text.len(), " ".to_string(), 1));
    let cursor = all
        .iter()
        .position(|(i, _, _)| *i >= at)
        .unwrap_or(all.len() - 1);
    let col = |k: usize| all[..k].iter().map(|c| c.2).sum::<usize>();
    let total = col(all.len());
    let cursor_col = col(cursor);
    let start = total
        .saturating_sub(room)
        .min(cursor_col.saturating_sub(room / 4));
    let mut out = Vec::new();
    let mut shown_cursor = 0;
    let mut x = 0;
    for (k, (_, s, w)) in all.into_iter().enumerate() {
        let c0 = x;
        x += w;
        if c0 < start {
            continue;
        }
        if x - start > room {
            break;
        }
        if k == cursor {
            shown_cursor = out.len();
        }
        out.push((s, w));
    }
    (out, shown_cursor)
}

/// Draws the message line.
pub fn render(buf: &mut Buffer, sc: &Screen) {
    let (l, theme) = (&sc.layout, sc.theme);
    let Some(y) = l.message_y else { return };
    let y = usize::from(y);
    match sc.mode {
        InputMode::Prompt(p) => {
            let lead = match p.kind {
                PromptKind::Command => ":".to_string(),
                PromptKind::Search(k) => {
                    use crate::core::search::QueryKind;
                    let case = if sc.view.search.ignore_case && k != QueryKind::Hex {
                        " -i"
                    } else {
                        ""
                    };
                    // Byte or Unicode semantics: only a regex has the choice.
                    let mode = match (k, sc.view.search.unicode) {
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
            let lead_w = unicode_width::UnicodeWidthStr::width(lead.as_str());
            put(buf, 0, y, &lead, ratatui::style::Style::new());
            let room = usize::from(l.width).saturating_sub(lead_w);
            let (cells, cursor) = visible(p.line.text(), p.line.cursor(), room);
            let mut x = lead_w;
            for (i, (s, w)) in cells.iter().enumerate() {
                let style = if i == cursor {
                    theme.cursor_active(ratatui::style::Style::new())
                } else {
                    ratatui::style::Style::new()
                };
                put(buf, x, y, s, style);
                x += w;
            }
            // The candidates of the last Tab, while the text is still what Tab left.
            let end = x + 1;
            if let Some(w) = sc.wildmenu.filter(|w| w.line == p.text()) {
                let room = usize::from(l.width).saturating_sub(end + 2);
                put(buf, end + 2, y, &w.display(room), theme.dim());
            }
        }
        _ => match sc.message {
            Some((m, Severity::Error)) => put(buf, 0, y, &fit(m, l.width), theme.error()),
            Some((m, Severity::Info)) => {
                put(buf, 0, y, &fit(m, l.width), ratatui::style::Style::new());
            }
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

/// A message that fits `width` columns: whole, or cut with a pointer to the log, where it is
/// kept whole (`:messages`).
fn fit(m: &str, width: u16) -> String {
    const MORE: &str = "… (:messages)";
    let width = usize::from(width);
    if unicode_width::UnicodeWidthStr::width(m) <= width {
        return m.to_string();
    }
    let room = width.saturating_sub(MORE.chars().count());
    let mut out = String::new();
    let mut used = 0;
    for c in m.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > room {
            break;
        }
        used += w;
        out.push(c);
    }
    out + MORE
}

#[cfg(test)]
mod tests {
    use super::visible;

    fn shown(text: &str, at: usize, room: usize) -> (String, usize) {
        let (cells, cursor) = visible(text, at, room);
        (cells.into_iter().map(|(s, _)| s).collect(), cursor)
    }

    #[test]
    fn a_short_line_is_shown_whole_with_the_cursor_where_it_is() {
        assert_eq!(shown("0x20", 4, 20), ("0x20 ".into(), 4));
        assert_eq!(shown("0x20", 0, 20), ("0x20 ".into(), 0));
    }

    #[test]
    fn a_long_line_scrolls_to_keep_the_cursor_visible() {
        let text = "abcdefghijklmnopqrstuvwxyz";
        // At the end: the end is shown.
        assert_eq!(shown(text, 26, 8), ("tuvwxyz ".into(), 7));
        // At the start: the start is shown.
        assert_eq!(shown(text, 0, 8), ("abcdefgh".into(), 0));
        // In the middle: the cursor two cells from the left.
        let (s, c) = shown(text, 10, 8);
        assert_eq!((s.as_str(), c), ("ijklmnop", 2));
    }

    #[test]
    fn wide_characters_count_two_cells() {
        let (cells, cursor) = visible("中中中中中", 15, 5);
        let w: usize = cells.iter().map(|c| c.1).sum();
        assert!(w <= 5, "{cells:?}");
        assert_eq!(cells[cursor].0, " ");
    }
}
