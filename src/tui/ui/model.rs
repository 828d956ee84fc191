//! The view model a frame is drawn from: what the widgets need to know, gathered once per
//! frame from the app (the focused view, the settings, the layout, the mode, the message).
//! Widgets take this, never the whole `App`, so each can be drawn and tested alone.

use std::ops::Range;

use crate::core::document::Document;
use crate::core::lines::VisualRow;
use crate::tui::app::{App, InputMode, Severity, ViewOpts};
use crate::tui::layout::Layout;
use crate::tui::theme::Theme;
use crate::tui::view::{Pane, View};

/// Everything one frame shows.
pub struct Screen<'a> {
    /// The focused view.
    pub view: &'a View,
    /// Its document.
    pub doc: &'a Document,
    /// Its cursor.
    pub cursor: u64,
    /// The pane typing goes to.
    pub pane: Pane,
    /// The selected bytes.
    pub selection: Option<Range<u64>>,
    /// View options.
    pub settings: &'a ViewOpts,
    /// The whole screen's layout, before panels take their rows.
    pub full: Layout,
    /// The data rows' layout.
    pub layout: Layout,
    /// Rows of the search pane and of the inspector.
    pub panels: (usize, usize),
    /// The keyboard mode.
    pub mode: &'a InputMode,
    /// The message line.
    pub message: Option<&'a (String, Severity)>,
    /// The candidates of the last Tab in the `:` prompt.
    pub wildmenu: Option<&'a crate::tui::wildmenu::Wildmenu>,
    /// Colours.
    pub theme: Theme,
    /// The line view's rows on screen (empty in the hex view).
    pub line_rows: Vec<VisualRow>,
    /// The cursor's line number, when the line index has reached it.
    pub cursor_line: Option<u64>,
    /// The help overlay's scroll, when it is shown.
    pub help: Option<u16>,
    /// The overlay shows the message log or the buffers, not the keys: its title and text.
    pub log: Option<(&'static str, Vec<(String, String)>)>,
    /// The focused buffer's number (from 1) and how many are open.
    pub buffers: (usize, usize),
    /// The structure pane, when shown, and its width.
    pub structure: Option<(&'a crate::tui::structure::Structure, u16)>,
}

impl<'a> Screen<'a> {
    /// The frame of `app` as it is now.
    pub fn of(app: &'a App) -> Self {
        let full = app.full_layout();
        let layout = app.layout();
        let line_rows = if app.settings.line_view {
            app.visible_rows(layout.rows)
        } else {
            Vec::new()
        };
        Self {
            view: app.view(),
            doc: app.doc(),
            cursor: app.cursor(),
            pane: app.edit_pane(),
            selection: app.selection(),
            settings: &app.settings,
            panels: app.panel_rows(&full),
            full,
            layout,
            mode: &app.mode,
            message: app.message.as_ref(),
            wildmenu: app.wildmenu.as_ref(),
            theme: Theme::with_colors(!app.no_color, app.colors),
            line_rows,
            cursor_line: app.cursor_line(),
            help: app.show_help.then_some(app.help_scroll),
            log: (app.show_help && (app.show_log || app.show_buffers)).then(|| {
                let title = if app.show_buffers {
                    "buffers"
                } else {
                    "messages"
                };
                (title, app.overlay_text())
            }),
            buffers: (app.focus_index() + 1, app.views().len()),
            structure: app.structure().zip(app.structure_width()),
        }
    }

    /// True in edit mode.
    pub fn editing(&self) -> bool {
        matches!(self.mode, InputMode::Edit { .. })
    }
}
