//! The status bar: file, mode, dirty mark, cursor offset, byte under the cursor, percent, size,
//! and search progress.

use ratatui::buffer::Buffer;

use crate::core::source::ByteSource;
use crate::tui::app::{App, InputMode};
use crate::tui::layout::Layout;
use crate::tui::theme::Theme;
use crate::tui::ui::put;

fn len_of(app: &App) -> u64 {
    app.doc().len()
}

/// Draws the status bar.
pub fn render(buf: &mut Buffer, app: &App, l: &Layout, theme: Theme) {
    let Some(y) = l.status_y else { return };
    let y = usize::from(y);
    let width = usize::from(l.width);
    put(buf, 0, y, &" ".repeat(width), theme.status());
    let doc = app.doc();
    let mode = doc.mode();
    let label = format!(" {} ", mode.label());
    put(buf, 0, y, &label, theme.mode(mode));
    let x = label.chars().count();
    let dirty = if doc.is_dirty() { " [+]" } else { "" };
    let edit = match app.mode {
        InputMode::Edit { .. } => " -- EDIT --".to_string(),
        _ => app
            .selection()
            .map(|r| format!(" -- SELECT {} bytes --", r.end - r.start))
            .unwrap_or_default(),
    };
    let view = if app.settings.line_view {
        match app.cursor_line() {
            Some(n) => format!("  line {n}"),
            None if app.view().lines.building => {
                let pct = if len_of(app) == 0 {
                    100
                } else {
                    u128::from(app.view().lines.progress) * 100 / u128::from(len_of(app))
                };
                format!("  line ? (indexing {pct}%)")
            }
            None => "  line ?".to_string(),
        }
    } else {
        String::new()
    };

    let len = doc.len();
    let byte = doc
        .read(app.cursor()..app.cursor() + 1)
        .first()
        .map_or_else(|| "--".to_string(), |b| format!("{b:02x}"));
    // Of the way from the first byte to the last: the last byte is 100 %.
    let pct = if len <= 1 {
        100
    } else {
        (u128::from(app.cursor().min(len - 1)) * 100 / u128::from(len - 1)) as u64
    };
    // The right part (where the cursor is) matters most: it is never cut; the path gives way,
    // shortened from the left, then the mode notes.
    let mut right = format!(
        "{}0x{:x} ({})  byte {byte}  {pct}%  {len} bytes ",
        app.view()
            .search
            .status_short()
            .map(|s| format!("{s}  "))
            .unwrap_or_default(),
        app.cursor(),
        app.cursor()
    );
    if right.chars().count() + x > width {
        right = format!("0x{:x}  {byte}  {len} B ", app.cursor());
    }
    let rlen = right.chars().count();
    let room = width.saturating_sub(x + rlen + 1);
    let notes = format!("{dirty}{edit}{view}");
    let notes: String = if notes.chars().count() + 4 <= room {
        notes
    } else {
        dirty.to_string()
    };
    let name_room = room.saturating_sub(notes.chars().count() + 1);
    let name = doc.path().display().to_string();
    let n = name.chars().count();
    let name = if n <= name_room {
        name
    } else if name_room >= 2 {
        let tail: String = name.chars().skip(n - (name_room - 1)).collect();
        format!("…{tail}")
    } else {
        String::new()
    };
    let left = format!(" {name}{notes}");
    put(buf, x, y, &left, theme.status());
    if x + rlen > width {
        // Too narrow for the position: the mode label is all there is room for.
        return;
    }
    let rx = width.saturating_sub(rlen);
    put(buf, rx, y, &right, theme.status());
}
