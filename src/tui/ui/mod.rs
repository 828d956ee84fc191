//! Drawing: one widget per file, each reading `&App` and writing into a `Buffer`.
//! A frame reads only the bytes on screen.

mod help;
mod hex_pane;
pub mod inspector;
mod line_pane;
mod message;
mod search_pane;
mod status;
mod text_pane;

use std::ops::Range;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::style::Style;

use crate::core::source::ByteSource;
use crate::tui::app::App;
use crate::tui::layout::Layout;
use crate::tui::theme::Theme;

/// The byte changed and is not saved.
pub const CHANGED: u8 = 1;
/// The byte is inside a search match.
pub const MATCH: u8 = 2;
/// The byte is inside the current match.
pub const CURRENT: u8 = 4;
/// The byte is selected.
pub const SELECTED: u8 = 8;

/// The bytes on screen and what is special about each.
pub struct Visible<'a> {
    /// First offset shown.
    pub start: u64,
    /// The bytes (clipped to the file).
    pub bytes: std::borrow::Cow<'a, [u8]>,
    /// One flag set per byte (plus one for the append position).
    pub flags: Vec<u8>,
}

impl Visible<'_> {
    /// Flags of the byte at `off` (0 past what is shown).
    pub fn flags_at(&self, off: u64) -> u8 {
        off.checked_sub(self.start)
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| self.flags.get(i).copied())
            .unwrap_or(0)
    }
}

/// Sets `bit` in the flags of the bytes of `r` (flags[0] is the byte at `start`).
pub(crate) fn mark(flags: &mut [u8], start: u64, r: Range<u64>, bit: u8) {
    let s = r.start.saturating_sub(start);
    let e = r.end.saturating_sub(start);
    let (s, e) = (
        usize::try_from(s).unwrap_or(usize::MAX),
        usize::try_from(e).unwrap_or(usize::MAX),
    );
    let e = e.min(flags.len());
    if s < e {
        for f in &mut flags[s..e] {
            *f |= bit;
        }
    }
}

/// Reads the visible bytes and marks changed bytes and matches.
pub fn visible<'a>(app: &'a App, layout: &Layout) -> Visible<'a> {
    let span = (layout.rows as u64).saturating_mul(layout.cols as u64);
    let start = app.view().top;
    let end = start.saturating_add(span);
    let bytes = app.doc().read(start..end);
    let mut flags = vec![0u8; bytes.len() + 1];
    for r in app.doc().changed_in(start..end) {
        mark(&mut flags, start, r, CHANGED);
    }
    for (s, len) in app.view().search.matches_in(app.doc(), start..end) {
        mark(&mut flags, start, s..s + len, MATCH);
    }
    if let Some((s, len)) = app.view().search.current_match() {
        mark(&mut flags, start, s..s + len, CURRENT);
    }
    if let Some(sel) = app.selection() {
        mark(&mut flags, start, sel, SELECTED);
    }
    Visible {
        start,
        bytes,
        flags,
    }
}

/// The style of a byte from its class and flags (cursor aside).
pub fn byte_style(theme: Theme, base: Style, flags: u8) -> Style {
    let mut st = base;
    if flags & MATCH != 0 {
        st = theme.matched(st);
    }
    if flags & CURRENT != 0 {
        st = theme.current_match(st);
    }
    if flags & SELECTED != 0 {
        st = theme.selected(st);
    }
    if flags & CHANGED != 0 {
        st = theme.changed(st);
    }
    st
}

/// A panel's title line: the title, then a rule to the right edge.
pub fn title_rule(buf: &mut Buffer, y: usize, width: usize, title: &str, style: Style) {
    let line: String = title
        .chars()
        .chain(std::iter::repeat('─'))
        .take(width)
        .collect();
    put(buf, 0, y, &line, style);
}

/// Writes `s` at (x, y), clipped to the buffer.
pub fn put(buf: &mut Buffer, x: usize, y: usize, s: &str, style: Style) {
    let area = buf.area;
    let (Ok(x), Ok(y)) = (u16::try_from(x), u16::try_from(y)) else {
        return;
    };
    if y >= area.height || x >= area.width {
        return;
    }
    let width = usize::from(area.width - x);
    buf.set_stringn(area.x + x, area.y + y, s, width, style);
}

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let buf = frame.buffer_mut();
    render(buf, app, area.width, area.height);
}

/// Draws into a buffer of the given size (the frame's); also used by benches and tests.
pub fn render(buf: &mut Buffer, app: &App, width: u16, height: u16) {
    let _ = (width, height);
    let layout = app.layout();
    let theme = Theme::with_colors(!app.no_color, app.colors);
    if app.settings.line_view {
        line_pane::render(buf, app, &layout, theme);
    } else {
        let vis = visible(app, &layout);
        hex_pane::render(buf, app, &layout, &vis, theme);
        text_pane::render(buf, app, &layout, &vis, theme);
    }
    if app.view().search.pane_open {
        search_pane::render(buf, app, &layout, theme);
    }
    if app.settings.inspector {
        inspector::render(buf, app, &layout, theme);
    }
    status::render(buf, app, &layout, theme);
    message::render(buf, app, &layout, theme);
    if app.show_help {
        help::render(buf, app.help_scroll, theme);
    }
}
