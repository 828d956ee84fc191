//! App state and `update`: the only place state changes. No terminal I/O here; what must touch
//! the outside world (saving, quitting, starting a search) is returned as an [`Effect`] for
//! the runtime to carry out, so a bug report reproduces as "these inputs on these bytes".

use crate::core::document::{Document, Mode};

use crate::tui::keymap::Keymap;
use crate::tui::layout::{Cols, Layout};
use crate::tui::prompt::{History, LineEdit};
use crate::tui::view::View;

/// Messages the log keeps for `:messages`.
pub const LOG_LEN: usize = 500;

/// Rows of the data inspector panel (title included).
pub const INSPECTOR_ROWS: usize = 7;

pub use crate::tui::view::Pane;

/// What the keyboard is doing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputMode {
    /// Moving around.
    Normal,
    /// Typing bytes at the cursor: overwriting them (OVR) or inserting before it (INS, the
    /// `Insert` key toggles); `low_nibble` is true after the first hex digit of a byte.
    Edit {
        /// The next hex digit sets the low nibble.
        low_nibble: bool,
        /// Typed bytes are inserted, not written over the ones at the cursor.
        insert: bool,
    },
    /// Typing into the command line or search prompt.
    Prompt(Prompt),
    /// Asked what to do with unsaved edits on quit.
    ConfirmQuit,
    /// Asked what to do with the unsaved edits of a buffer `:bd` closes.
    ConfirmClose(crate::tui::view::ViewId),
}

/// What a prompt is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PromptKind {
    /// `:` commands and offsets.
    Command,
    /// `/` search, with the kind of pattern.
    Search(crate::core::search::QueryKind),
}

/// A line being typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prompt {
    /// What it is for.
    pub kind: PromptKind,
    /// The text so far, with its cursor.
    pub line: LineEdit,
}

impl Prompt {
    /// An empty prompt for `kind`.
    pub fn new(kind: PromptKind) -> Self {
        Self {
            kind,
            line: LineEdit::new(),
        }
    }

    /// The text so far.
    pub fn text(&self) -> &str {
        self.line.text()
    }
}

/// The lines entered at each prompt this session, for Up and Down.
#[derive(Clone, Debug, Default)]
pub struct Histories {
    /// The `:` prompt's.
    pub command: History,
    /// The `/` prompt's (every kind of pattern).
    pub search: History,
}

impl Histories {
    /// The history of prompts of `kind`.
    pub fn of(&self, kind: PromptKind) -> &History {
        match kind {
            PromptKind::Command => &self.command,
            PromptKind::Search(_) => &self.search,
        }
    }

    /// The history of prompts of `kind`, to add to.
    pub fn of_mut(&mut self, kind: PromptKind) -> &mut History {
        match kind {
            PromptKind::Command => &mut self.command,
            PromptKind::Search(_) => &mut self.search,
        }
    }
}

/// How a message should look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// Information.
    Info,
    /// Something was refused or failed.
    Error,
}

pub use crate::tui::msg::{Effect, Msg};

/// The whole UI state: the views (one per open document) and which has focus, and what is
/// global: the keyboard mode, the message line, help, the terminal size, the keymap, the
/// register, the settings and the colours.
pub struct App {
    /// The open documents, each with its cursor, search and marks (at least one).
    views: Vec<View>,
    /// Which view has focus.
    focus: usize,
    /// The id the next view opened gets.
    next_view: u64,
    /// Messages are not shown (a background view's worker report is being handled).
    muted: bool,
    /// The overlay lists the buffers (`:ls`) instead of the keys.
    pub show_buffers: bool,
    /// Bytes-per-row setting.
    pub cols: Cols,
    /// Keyboard mode.
    pub mode: InputMode,
    /// Message for the message line.
    pub message: Option<(String, Severity)>,
    /// Help overlay shown.
    pub show_help: bool,
    /// The overlay shows the message log (`:messages`) instead of the keys.
    pub show_log: bool,
    /// Every message shown this session, newest last (bounded), for `:messages`.
    log: std::collections::VecDeque<(String, Severity)>,
    /// First help line shown (the overlay scrolls on small screens).
    pub help_scroll: u16,
    /// Terminal size.
    pub size: (u16, u16),
    /// Bindings.
    pub keymap: Keymap,
    /// Colours off (`NO_COLOR`).
    pub no_color: bool,
    /// Effects asked for while handling the current message (returned by `update`).
    outbox: Vec<Effect>,
    /// A `:s` running in the background or asking about each match.
    pub(crate) subst: Option<crate::tui::subst_worker::Subst>,
    /// The generation of the latest background `:s`.
    pub(crate) subst_generation: u64,
    /// The last change on disk reported on the message line (said once per change).
    disk_note: Option<String>,
    /// View options (`:set`, config, flags).
    pub settings: ViewOpts,
    /// The last bytes copied (shared by every view).
    pub register: Vec<u8>,
    /// A key that waits for a second one (`m` or `'`).
    pub pending: Option<char>,
    /// Colours set in the config file.
    pub colors: crate::tui::theme::Colors,
    /// The prompts' histories.
    pub histories: Histories,
    /// The candidates of the last Tab in the `:` prompt (`tui::complete`).
    pub wildmenu: Option<crate::tui::wildmenu::Wildmenu>,
    /// Each view's template tree (`tui::structure`).
    pub(crate) structures: crate::tui::structure::Structures,
    /// The compare view (`tui::diff_view`).
    pub diff: crate::tui::diff_state::DiffState,
}

/// How bytes are copied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CopyFormat {
    /// `de ad be ef`.
    Hex,
    /// The bytes as text.
    Text,
    /// A C array.
    CArray,
}

impl CopyFormat {
    /// A name for messages.
    pub fn label(self) -> &'static str {
        match self {
            CopyFormat::Hex => "hex",
            CopyFormat::Text => "text",
            CopyFormat::CArray => "a C array",
        }
    }
}

pub use crate::tui::options::ViewOpts;

/// The first message a freshly opened document shows: a note of the open, or how to fill
/// an empty file.
pub fn open_message(doc: &Document) -> Option<String> {
    if let Some(n) = doc.open_notes().first() {
        return Some(crate::tui::hint::open_note(n));
    }
    doc.is_empty().then(|| {
        let hint = if doc.mode() == Mode::ReadOnly {
            ""
        } else {
            "; i then type to append"
        };
        format!("empty file{hint}")
    })
}

impl App {
    /// A new app on a document, for a terminal of `size`.
    pub fn new(doc: Document, size: (u16, u16)) -> Self {
        // No I/O here: side files of an earlier session are looked for by the runtime and
        // come in as `Msg::Opened`.
        let message = open_message(&doc).map(|m| (m, Severity::Info));
        let mut view = View::new(doc);
        view.set_id(crate::tui::view::ViewId(1));
        Self {
            views: vec![view],
            focus: 0,
            next_view: 2,
            muted: false,
            show_buffers: false,
            cols: Cols::Auto,
            mode: InputMode::Normal,
            message,
            show_help: false,
            show_log: false,
            log: std::collections::VecDeque::new(),
            help_scroll: 0,
            size,
            keymap: Keymap::default(),
            no_color: false,
            outbox: Vec::new(),
            subst: None,
            subst_generation: 0,
            disk_note: None,
            settings: ViewOpts::default(),
            register: Vec::new(),
            pending: None,
            colors: crate::tui::theme::Colors::default(),
            histories: Histories::default(),
            wildmenu: None,
            structures: crate::tui::structure::Structures::default(),
            diff: crate::tui::diff_state::DiffState::default(),
        }
    }

    /// The view with focus.
    pub fn view(&self) -> &View {
        &self.views[self.focus]
    }

    /// The view with focus, to change it.
    pub fn view_mut(&mut self) -> &mut View {
        &mut self.views[self.focus]
    }

    /// Every view, in order.
    pub fn views(&self) -> &[View] {
        &self.views
    }

    /// Which view has focus (an index into [`App::views`]).
    pub fn focus_index(&self) -> usize {
        self.focus
    }

    /// View `i`, to change it.
    pub(crate) fn view_at_mut(&mut self, i: usize) -> &mut View {
        &mut self.views[i]
    }

    /// The index of the view `id`, if it is open.
    pub fn index_of(&self, id: crate::tui::view::ViewId) -> Option<usize> {
        self.views.iter().position(|v| v.id() == id)
    }

    /// Adds a view of `doc` after the others (focus stays); returns its index.
    pub(crate) fn push_view(&mut self, doc: Document) -> usize {
        let mut view = View::new(doc);
        view.set_id(crate::tui::view::ViewId(self.next_view));
        self.next_view += 1;
        self.views.push(view);
        self.views.len() - 1
    }

    /// Removes view `i` (never the last one) and returns it; focus stays on the same view, or
    /// moves to the one before when it was `i` (as vim goes to the alternate buffer).
    pub(crate) fn remove_view(&mut self, i: usize) -> View {
        let v = self.views.remove(i);
        if self.focus > i || self.focus == self.views.len() {
            self.focus = self.focus.saturating_sub(1);
        }
        v
    }

    /// Gives view `i` focus (state only: see `App::switch_to`).
    pub(crate) fn set_focus(&mut self, i: usize) {
        self.focus = i.min(self.views.len() - 1);
    }

    /// Runs `f` as if view `i` had focus, in normal mode and without showing messages: a
    /// background view's worker report is handled by the same code as the focused one's.
    pub(crate) fn in_view<R>(&mut self, i: usize, f: impl FnOnce(&mut Self) -> R) -> R {
        if i == self.focus {
            return f(self);
        }
        let focus = std::mem::replace(&mut self.focus, i);
        let mode = std::mem::replace(&mut self.mode, InputMode::Normal);
        let muted = std::mem::replace(&mut self.muted, true);
        let r = f(self);
        self.muted = muted;
        self.mode = mode;
        self.focus = focus;
        r
    }

    /// The focused view's document.
    pub fn doc(&self) -> &Document {
        self.view().doc()
    }

    /// The focused view's document, to edit.
    pub fn doc_mut(&mut self) -> &mut Document {
        self.view_mut().doc_mut()
    }

    /// The focused view's cursor offset.
    pub fn cursor(&self) -> u64 {
        self.view().cursor()
    }

    /// Puts the focused view's cursor at `off` as it is (no clamping, no scrolling: see
    /// [`App::goto`]).
    pub fn set_cursor(&mut self, off: u64) {
        self.view_mut().seek(off);
    }

    /// The layout for the whole screen, before panels take their rows.
    pub fn full_layout(&self) -> Layout {
        // The compare view: the focused side's pane.
        if let Some(l) = self.diff_layout() {
            return l;
        }
        let (w, h) = self.size;
        // The structure pane takes columns on the right of the data rows only (or, on a
        // narrow terminal, covers them while it has the keys).
        let data_w = w - self.structure_beside();
        Layout {
            width: w,
            ..Layout::new(data_w, h, self.doc().len(), self.cols, &self.settings)
        }
    }

    /// The layout of the data rows: the full layout less the rows the panels take.
    pub fn layout(&self) -> Layout {
        let l = self.full_layout();
        let (search, inspector) = self.panel_rows(&l);
        Layout {
            rows: l.rows - search - inspector,
            ..l
        }
    }

    /// Rows taken by the search pane and the inspector (titles included). Panels give way
    /// when the screen is too short to keep at least three data rows.
    pub fn panel_rows(&self, full: &Layout) -> (usize, usize) {
        let mut left = full.rows.saturating_sub(3);
        let inspector = if self.settings.inspector && left >= INSPECTOR_ROWS {
            INSPECTOR_ROWS
        } else {
            0
        };
        left -= inspector;
        let search = if self.view().search.pane_open {
            (full.rows / 3).max(4).min(left)
        } else {
            0
        };
        (if search >= 2 { search } else { 0 }, inspector)
    }

    pub(crate) fn cols_now(&self) -> u64 {
        self.layout().cols as u64
    }

    /// The largest cursor position in the current mode.
    pub(crate) fn max_cursor(&self) -> u64 {
        let len = self.doc().len();
        if matches!(self.mode, InputMode::Edit { .. }) && self.doc().mode() != Mode::ReadOnly {
            len
        } else {
            len.saturating_sub(1)
        }
    }

    /// Sets an info message.
    pub fn info(&mut self, m: impl Into<String>) {
        self.say(m.into(), Severity::Info);
    }

    /// Shows a message and keeps it in the log.
    fn say(&mut self, m: String, sev: Severity) {
        if self.muted {
            return;
        }
        if self.log.back().is_none_or(|(last, _)| *last != m) {
            if self.log.len() == LOG_LEN {
                self.log.pop_front();
            }
            self.log.push_back((m.clone(), sev));
        }
        self.message = Some((m, sev));
    }

    /// The message log, oldest first.
    pub fn log(&self) -> impl Iterator<Item = &(String, Severity)> {
        self.log.iter()
    }

    /// `:messages`: the log in the overlay (it scrolls; any other key closes it).
    pub fn show_messages(&mut self) {
        self.show_help = true;
        self.show_log = true;
        self.help_scroll = 0;
    }

    /// Sets an error message.
    pub fn error(&mut self, m: impl Into<String>) {
        self.say(m.into(), Severity::Error);
    }

    /// Moves the cursor to `to` (clamped) and scrolls so it is visible.
    pub fn goto(&mut self, to: u64) {
        self.set_cursor(to.min(self.max_cursor()));
        if let InputMode::Edit { low_nibble, .. } = &mut self.mode {
            *low_nibble = false;
        }
        self.scroll_to_cursor();
    }

    /// Scrolls so the cursor row is on screen, keeping `top` row-aligned.
    pub fn scroll_to_cursor(&mut self) {
        if self.settings.line_view {
            self.scroll_lines_to_cursor();
            return;
        }
        let cols = self.cols_now();
        let rows = self.layout().rows.max(1) as u64;
        let row = self.cursor() / cols;
        let top_row = self.view().top / cols;
        let top_row = if row < top_row {
            row
        } else if row >= top_row + rows {
            row + 1 - rows
        } else {
            top_row
        };
        self.view_mut().top = top_row * cols;
    }

    pub(crate) fn scroll_rows(&mut self, delta: i64) {
        let cols = self.cols_now();
        let rows = self.layout().rows.max(1) as u64;
        let last_row = self.max_cursor() / cols;
        let top_row = (self.view().top / cols)
            .saturating_add_signed(delta)
            .min(last_row.saturating_sub(rows - 1));
        self.view_mut().top = top_row * cols;
        // Keep the cursor on screen, in the same column.
        let col = self.cursor() % cols;
        let cur_row = (self.cursor() / cols).clamp(top_row, top_row + rows - 1);
        self.set_cursor((cur_row * cols + col).min(self.max_cursor()));
    }

    /// Asks the runtime for `effect` (returned by the `update` in progress).
    pub(crate) fn emit(&mut self, effect: Effect) {
        self.outbox.push(effect);
    }

    /// The last change on disk reported (for `update`, which says each change once).
    pub(crate) fn disk_note_mut(&mut self) -> &mut Option<String> {
        &mut self.disk_note
    }

    /// Takes the effects asked for so far (for `update`).
    pub(crate) fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.outbox)
    }

    pub(crate) fn close_help(&mut self) {
        self.show_help = false;
        self.show_log = false;
        self.show_buffers = false;
        self.help_scroll = 0;
    }

    /// The pane that typing goes to: the one with the cursor when both are on screen, else
    /// the one that is; the line view is text.
    pub fn edit_pane(&self) -> Pane {
        if self.settings.line_view || !self.settings.show_hex {
            Pane::Text
        } else if !self.settings.show_text {
            Pane::Hex
        } else {
            self.view().pane
        }
    }
}
