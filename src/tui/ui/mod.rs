//! Drawing: one widget per file, each drawing a frame's view model ([`model::Screen`]) into a
//! `Buffer`.
//! A frame reads only the bytes on screen.

pub mod diff_pane;
pub mod help;
pub mod hex_pane;
pub mod inspector;
pub mod line_pane;
pub mod message;
pub mod model;
pub mod search_pane;
pub mod status;
pub mod structure_pane;
pub mod text_pane;

use std::ops::Range;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::style::Style;

use crate::core::source::ByteSource;
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::tui::ui::model::Screen;

/// The byte changed and is not saved.
pub const CHANGED: u8 = 1;
/// The byte is inside a search match.
pub const MATCH: u8 = 2;
/// The byte is inside the current match.
pub const CURRENT: u8 = 4;
/// The byte is selected.
pub const SELECTED: u8 = 8;
/// The byte is in the field selected in the structure pane.
pub const FIELD: u8 = 16;
/// Compare view: the byte differs from the other side's.
pub const DIFF: u8 = 32;
/// Compare view: the byte is on this side only.
pub const ONLY: u8 = 64;
/// Compare view: the other side has bytes before this one that this side lacks.
pub const GAP: u8 = 128;

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
pub fn visible<'a>(s: &Screen<'a>) -> Visible<'a> {
    let layout = &s.layout;
    let span = (layout.rows as u64).saturating_mul(layout.cols as u64);
    let start = s.view.top;
    let end = start.saturating_add(span);
    let bytes = s.doc.read(start..end);
    let mut flags = vec![0u8; bytes.len() + 1];
    for r in s.doc.changed_in(start..end) {
        mark(&mut flags, start, r, CHANGED);
    }
    for (m, len) in s.view.search.matches_in(s.doc, start..end) {
        mark(&mut flags, start, m..m + len, MATCH);
    }
    if let Some((m, len)) = s.view.search.current_match() {
        mark(&mut flags, start, m..m + len, CURRENT);
    }
    if let Some(sel) = s.selection.clone() {
        mark(&mut flags, start, sel, SELECTED);
    }
    if let Some(r) = s.structure.and_then(|(st, _)| st.field.clone()) {
        mark(&mut flags, start, r, FIELD);
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
    if flags & DIFF != 0 {
        st = theme.diff_changed(st);
    }
    if flags & ONLY != 0 {
        st = theme.diff_only(st);
    }
    if flags & GAP != 0 {
        st = theme.diff_gap(st);
    }
    if flags & MATCH != 0 {
        st = theme.matched(st);
    }
    if flags & CURRENT != 0 {
        st = theme.current_match(st);
    }
    if flags & FIELD != 0 {
        st = theme.field(st);
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

/// Writes one character at (x, y) in `style`, clipped to the buffer: the cheap way for the
/// cell-by-cell panes (no string to lay out).
pub fn put_char(buf: &mut Buffer, x: usize, y: usize, c: char, style: Style) {
    let (Ok(x), Ok(y)) = (u16::try_from(x), u16::try_from(y)) else {
        return;
    };
    let at = (buf.area.x.saturating_add(x), buf.area.y.saturating_add(y));
    if let Some(cell) = buf.cell_mut(at) {
        cell.set_char(c).set_style(style);
    }
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
    if diff_pane::render(buf, app) {
        return;
    }
    render_screen(buf, &Screen::of(app));
}

/// Draws a frame's view model.
pub fn render_screen(buf: &mut Buffer, s: &Screen) {
    if s.settings.line_view {
        line_pane::render(buf, s);
    } else {
        let vis = visible(s);
        hex_pane::render(buf, s, &vis);
        text_pane::render(buf, s, &vis);
    }
    if let Some((st, width)) = s.structure {
        structure_pane::render(buf, s, st, width);
    }
    if s.view.search.pane_open {
        search_pane::render(buf, s);
    }
    if s.settings.inspector {
        inspector::render(buf, s);
    }
    status::render(buf, s);
    message::render(buf, s);
    match (s.help, &s.log) {
        (Some(scroll), Some((title, log))) => {
            help::render_text(buf, scroll, s.theme, title, log.clone());
        }
        (Some(scroll), None) => help::render(buf, scroll, s.theme),
        _ => {}
    }
}
