//! The status bar: file, mode, dirty mark, cursor offset, byte under the cursor, percent, size,
//! and search progress.

use ratatui::buffer::Buffer;

use crate::core::document::Mode;
use crate::core::source::ByteSource;
use crate::tui::app::{App, InputMode};
use crate::tui::layout::Layout;
use crate::tui::theme::Theme;
use crate::tui::ui::put;

/// Draws the status bar.
pub fn render(buf: &mut Buffer, app: &App, l: &Layout, theme: Theme) {
    let Some(y) = l.status_y else { return };
    let y = usize::from(y);
    let width = usize::from(l.width);
    put(buf, 0, y, &" ".repeat(width), theme.status());
    let doc = &app.doc;
    let mode = doc.mode();
    let label = format!(" {} ", mode.label());
    put(buf, 0, y, &label, theme.mode(mode));
    let mut x = label.chars().count();
    let name = doc.path().display().to_string();
    let dirty = if doc.is_dirty() { " [+]" } else { "" };
    let edit = match app.mode {
        InputMode::Edit { .. } => " -- EDIT --",
        _ => "",
    };
    let left = format!(" {name}{dirty}{edit}");
    put(buf, x, y, &left, theme.status());
    x += left.chars().count();

    let len = doc.len();
    let byte = doc
        .read(app.cursor..app.cursor + 1)
        .first()
        .map_or_else(|| "--".to_string(), |b| format!("{b:02x}"));
    let pct = if len == 0 {
        100
    } else {
        (u128::from(app.cursor) * 100 / u128::from(len)) as u64
    };
    let mut right = format!(
        "{}0x{:x} ({})  byte {byte}  {pct}%  {len} bytes ",
        app.search
            .status_short()
            .map(|s| format!("{s}  "))
            .unwrap_or_default(),
        app.cursor,
        app.cursor
    );
    if mode == Mode::WriteThrough && width > 60 {
        right = format!("writes go to disk  {right}");
    }
    let rlen = right.chars().count();
    let rx = width.saturating_sub(rlen).max(x + 1);
    put(buf, rx, y, &right, theme.status());
}
