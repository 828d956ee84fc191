//! The compare view's screen: each side drawn by the usual hex and text panes and status bar
//! into its own region (a buffer of the region's size, copied in), with the differences
//! marked in the visible bytes' flags; a `│` between the sides when they are side by side;
//! then the comparison's status line and the message line across the whole width.
//!
//! Differences are styled in both sides: bytes that differ ([`DIFF`]), bytes on one side
//! only ([`ONLY`]), and on the other side the byte before which those would go ([`GAP`]):
//! see `tui::diff_view` for why a marker and not blank cells.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::core::diff::Side;
use crate::tui::app::{App, InputMode};
use crate::tui::diff_layout::Region;
use crate::tui::diff_view::{other, range_of};
use crate::tui::layout::Layout;
use crate::tui::ui::model::Screen;
use crate::tui::ui::{
    DIFF, GAP, ONLY, help, hex_pane, inspector, mark, message, put, search_pane, status, text_pane,
    visible,
};

/// The mode the unfocused side is drawn in.
static NORMAL: InputMode = InputMode::Normal;

/// Draws the compare view when it is shown; false when it is not (the usual screen then).
pub fn render(buf: &mut Buffer, app: &App) -> bool {
    let (Some((cmp, focused)), Some(geo)) = (app.compare(), app.diff_geometry()) else {
        return false;
    };
    for side in [Side::A, Side::B] {
        let Some(vi) = app.index_of(cmp.id(side)) else {
            continue;
        };
        let Some(layout) = app.diff_layout_of(side) else {
            continue;
        };
        let mut s = Screen::of(app);
        let view = &app.views()[vi];
        let is_focused = side == focused;
        if !is_focused {
            s.view = view;
            s.doc = view.doc();
            s.cursor = view.cursor();
            s.selection = view.selection();
            s.full = layout;
            s.layout = layout;
            s.panels = (0, 0);
            s.mode = &NORMAL;
            s.buffers = (vi + 1, app.views().len());
        }
        let r = geo.of(side);
        let mut tmp = Buffer::empty(Rect::new(0, 0, r.w, r.h));
        let mut vis = visible(&s);
        let end = vis.start + vis.bytes.len() as u64;
        for d in cmp.index.in_range(side, vis.start..end.max(vis.start + 1)) {
            let (mine, theirs) = (range_of(d, side), range_of(d, other(side)));
            if mine.is_empty() {
                mark(&mut vis.flags, vis.start, mine.start..mine.start + 1, GAP);
            } else if theirs.is_empty() {
                mark(&mut vis.flags, vis.start, mine, ONLY);
            } else {
                mark(&mut vis.flags, vis.start, mine, DIFF);
            }
        }
        // The unfocused side shows no cursor in its panes (its status bar says where the
        // focused cursor maps to).
        let cursor = s.cursor;
        if !is_focused {
            s.cursor = u64::MAX;
        }
        hex_pane::render(&mut tmp, &s, &vis);
        text_pane::render(&mut tmp, &s, &vis);
        s.cursor = cursor;
        if is_focused {
            if s.view.search.pane_open {
                search_pane::render(&mut tmp, &s);
            }
            if s.settings.inspector {
                inspector::render(&mut tmp, &s);
            }
        }
        status::render(&mut tmp, &s);
        blit(buf, &tmp, r);
    }
    let theme = Screen::of(app).theme;
    if geo.side_by_side {
        let x = usize::from(geo.sides[0].w);
        for y in 0..usize::from(geo.sides[0].h) {
            put(buf, x, y, "│", theme.offset());
        }
    }
    let width = usize::from(app.size.0);
    let line = app.diff_status().unwrap_or_default();
    let line: String = line
        .chars()
        .chain(std::iter::repeat(' '))
        .take(width)
        .collect();
    put(buf, 0, usize::from(geo.status_y), &line, theme.status());
    // The message line (and the prompt) across the whole width.
    let mut s = Screen::of(app);
    let whole = Layout::new(app.size.0, app.size.1, s.doc.len(), app.cols, &app.settings);
    s.layout = whole;
    s.full = whole;
    message::render(buf, &s);
    match (s.help, &s.log) {
        (Some(scroll), Some((title, log))) => {
            help::render_text(buf, scroll, s.theme, title, log.clone());
        }
        (Some(scroll), None) => help::render(buf, scroll, s.theme),
        _ => {}
    }
    true
}

/// Copies `from` into `buf` at the region's corner, clipped to `buf`.
fn blit(buf: &mut Buffer, from: &Buffer, r: Region) {
    for y in 0..r.h {
        for x in 0..r.w {
            let at = (buf.area.x + r.x + x, buf.area.y + r.y + y);
            if let (Some(dst), Some(src)) = (buf.cell_mut(at), from.cell((x, y))) {
                *dst = src.clone();
            }
        }
    }
}
