//! App state and `update`: the only place state changes. No terminal I/O here; what must touch
//! the outside world (saving, quitting, starting a search) is returned as an [`Effect`] for
//! the runtime to carry out, so a bug report reproduces as "these inputs on these bytes".

use crate::core::document::{Document, Mode};
use crate::tui::action::{Action, KeyMode};
use crate::tui::input::{Input, Key, KeyCode, Mouse};
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
    /// Overwriting bytes; `low_nibble` is true after the first hex digit of a byte.
    Edit {
        /// The next hex digit sets the low nibble.
        low_nibble: bool,
    },
    /// Typing into the command line or search prompt.
    Prompt(Prompt),
    /// Asked what to do with unsaved edits on quit.
    ConfirmQuit,
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

impl App {
    /// A new app on a document, for a terminal of `size`.
    pub fn new(doc: Document, size: (u16, u16)) -> Self {
        // No I/O here: side files of an earlier session are looked for by the runtime and
        // come in as `Msg::Opened`.
        let message = doc
            .open_notes()
            .first()
            .map(|n| (crate::tui::hint::open_note(n), Severity::Info));
        let message = message.or_else(|| {
            doc.is_empty().then(|| {
                let hint = if doc.mode() == Mode::ReadOnly {
                    ""
                } else {
                    "; i then type to append"
                };
                (format!("empty file{hint}"), Severity::Info)
            })
        });
        Self {
            views: vec![View::new(doc)],
            focus: 0,
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
            disk_note: None,
            settings: ViewOpts::default(),
            register: Vec::new(),
            pending: None,
            colors: crate::tui::theme::Colors::default(),
            histories: Histories::default(),
            wildmenu: None,
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
        let (w, h) = self.size;
        Layout::new(w, h, self.doc().len(), self.cols, &self.settings)
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

    fn cols_now(&self) -> u64 {
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
        if let InputMode::Edit { low_nibble } = &mut self.mode {
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

    fn scroll_rows(&mut self, delta: i64) {
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

    /// Handles one input. Returns work for the runtime, if any.
    pub(crate) fn input(&mut self, input: Input) -> Option<Effect> {
        match input {
            Input::Resize(w, h) => {
                self.size = (w, h);
                self.scroll_to_cursor();
                None
            }
            Input::Mouse(m) => {
                self.mouse(m);
                None
            }
            Input::Paste(text) => match &mut self.mode {
                InputMode::Prompt(p) => {
                    p.line.insert_str(&text);
                    None
                }
                InputMode::Edit { .. } => {
                    for c in text.chars() {
                        self.type_char(c);
                    }
                    None
                }
                _ => None,
            },
            Input::Key(key) => self.key(key),
        }
    }

    fn mouse(&mut self, m: Mouse) {
        match m {
            Mouse::ScrollUp if self.settings.line_view => self.line_move(-3),
            Mouse::ScrollDown if self.settings.line_view => self.line_move(3),
            Mouse::ScrollUp => self.scroll_rows(-3),
            Mouse::ScrollDown => self.scroll_rows(3),
            Mouse::Click(x, y) => {
                let l = self.layout();
                if usize::from(y) >= l.rows {
                    return;
                }
                if self.settings.line_view {
                    let rows = self.visible_rows(usize::from(y) + 1);
                    if let Some(row) = rows.get(usize::from(y)) {
                        let col = usize::from(x).saturating_sub(l.off_digits + 2);
                        let off = crate::tui::line_geom::byte_at_column(row, col);
                        self.goto(off);
                    }
                    return;
                }
                if let Some((i, text)) = l.hit(x) {
                    let off = self.view().top + u64::from(y) * l.cols as u64 + i as u64;
                    if off <= self.max_cursor() {
                        self.view_mut().pane = if text { Pane::Text } else { Pane::Hex };
                        self.goto(off);
                    }
                }
            }
        }
    }

    fn key(&mut self, key: Key) -> Option<Effect> {
        // A terminal sends Esc followed quickly by a key as Alt+key; in edit mode and prompts,
        // where Alt chords mean nothing, read it as the two keys the user typed (vim does too).
        if key.alt
            && !key.ctrl
            && matches!(key.code, KeyCode::Char(_))
            && matches!(self.mode, InputMode::Edit { .. } | InputMode::Prompt(_))
        {
            let first = self.key(Key::plain(KeyCode::Esc));
            let second = self.key(Key { alt: false, ..key });
            return match (first, second) {
                (Some(a), Some(b)) => Some(Effect::Batch(vec![a, b])),
                (a, b) => b.or(a),
            };
        }
        let mode = self.key_mode();
        let action = self.keymap.lookup_in(mode, key);
        // What no binding takes: typed (a prompt, edit mode, a mark's letter), passed on to
        // normal mode (the search pane), or it ends the mode (help, a mark, the quit question).
        let typed = match key.code {
            KeyCode::Char(c) if !key.ctrl && !key.alt => Some(c),
            _ => None,
        };
        match (mode, action) {
            (_, Some(action)) => self.action(action),
            (KeyMode::Help, None) => {
                self.close_help();
                None
            }
            (KeyMode::Mark, None) => {
                match (self.pending.take(), typed) {
                    (Some('m'), Some(c)) => self.set_mark(c),
                    (Some(_), Some(c)) => self.jump_mark(c),
                    _ => self.info("mark cancelled"),
                }
                None
            }
            (KeyMode::ConfirmQuit, None) => self.action(Action::ConfirmCancel),
            (KeyMode::Prompt, None) => {
                if let (Some(c), InputMode::Prompt(p)) = (typed, &mut self.mode) {
                    p.line.insert(c);
                }
                None
            }
            (KeyMode::Edit, None) => {
                match typed {
                    Some(c) => self.type_char(c),
                    None => self.error(format!(
                        "{} does nothing in edit mode; Esc leaves it",
                        key.display()
                    )),
                }
                None
            }
            (KeyMode::SearchPane | KeyMode::Normal, None) => {
                if let Some(action) = self.keymap.lookup(key) {
                    self.action(action)
                } else {
                    self.error(format!("{} is not bound; ? shows the keys", key.display()));
                    None
                }
            }
        }
    }

    /// The keyboard mode a key is looked up in.
    pub fn key_mode(&self) -> KeyMode {
        if self.show_help {
            return KeyMode::Help;
        }
        if self.pending.is_some() {
            return KeyMode::Mark;
        }
        match self.mode {
            InputMode::Prompt(_) => KeyMode::Prompt,
            InputMode::ConfirmQuit => KeyMode::ConfirmQuit,
            InputMode::Edit { .. } => KeyMode::Edit,
            InputMode::Normal if self.view().search.pane_open && self.view().search.pane_focus => {
                KeyMode::SearchPane
            }
            InputMode::Normal => KeyMode::Normal,
        }
    }

    pub(crate) fn close_help(&mut self) {
        self.show_help = false;
        self.show_log = false;
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

    /// Runs an action (of any mode: each mode's actions have their handler).
    pub fn action(&mut self, action: Action) -> Option<Effect> {
        match action.binding().mode {
            KeyMode::Normal => {}
            KeyMode::Help => {
                self.help_action(action);
                return None;
            }
            KeyMode::Prompt => return self.prompt_action(action),
            KeyMode::SearchPane => {
                self.pane_action(action);
                return None;
            }
            KeyMode::Mark => {
                self.pending = None;
                self.info("mark cancelled");
                return None;
            }
            KeyMode::ConfirmQuit => return self.confirm_action(action),
            KeyMode::Edit => {
                self.edit_action(action);
                return None;
            }
        }
        let cols = self.cols_now();
        let page = (self.layout().rows.max(1) as u64) * cols;
        if self.settings.line_view {
            let rows = i64::try_from(self.layout().rows.max(1)).unwrap_or(1);
            match action {
                Action::MoveUp => return self.line_move_action(-1),
                Action::MoveDown => return self.line_move_action(1),
                Action::PageUp => return self.line_move_action(-rows),
                Action::PageDown => return self.line_move_action(rows),
                Action::RowStart => {
                    let s = self.row_start(self.cursor());
                    self.goto(s);
                    return None;
                }
                Action::RowEnd => {
                    let (start, end, _) =
                        crate::tui::line_geom::line_bounds(self.doc(), self.cursor());
                    let _ = start;
                    self.goto(end.saturating_sub(1).max(self.row_start(self.cursor())));
                    return None;
                }
                _ => {}
            }
        }
        match action {
            Action::MoveLeft => self.goto(self.cursor().saturating_sub(1)),
            Action::MoveRight => self.goto(self.cursor().saturating_add(1)),
            Action::MoveUp => {
                if self.cursor() >= cols {
                    self.goto(self.cursor() - cols);
                }
            }
            Action::MoveDown => {
                if self.cursor().saturating_add(cols) <= self.max_cursor() {
                    self.goto(self.cursor() + cols);
                } else if self.cursor() / cols < self.max_cursor() / cols {
                    self.goto(self.max_cursor());
                }
            }
            Action::PageUp => {
                self.view_mut().top = self.view().top.saturating_sub(page);
                self.goto(self.cursor().saturating_sub(page));
            }
            Action::PageDown => {
                let to = self.cursor().saturating_add(page).min(self.max_cursor());
                let rows = self.layout().rows.max(1) as u64;
                let last_top = (self.max_cursor() / cols).saturating_sub(rows - 1) * cols;
                self.view_mut().top = self.view().top.saturating_add(page).min(last_top);
                self.goto(to);
            }
            Action::RowStart => self.goto(self.cursor() - self.cursor() % cols),
            Action::RowEnd => self.goto(self.cursor() - self.cursor() % cols + cols - 1),
            Action::FileStart => self.jump_to(0),
            Action::FileEnd => self.jump_to(self.max_cursor()),
            Action::SwitchPane => {
                if self.settings.line_view {
                    self.info("the line view edits as text; T returns to the hex view");
                    return None;
                }
                if !(self.settings.show_hex && self.settings.show_text) {
                    let (shown, hidden) = if self.settings.show_hex {
                        ("hex", "text")
                    } else {
                        ("text", "hex")
                    };
                    self.info(format!(
                        "only the {shown} pane is shown; :set {hidden} on shows the {hidden} pane"
                    ));
                    return None;
                }
                self.view_mut().pane = match self.view().pane {
                    Pane::Hex => Pane::Text,
                    Pane::Text => Pane::Hex,
                };
                if let InputMode::Edit { low_nibble } = &mut self.mode {
                    *low_nibble = false;
                }
            }
            Action::CommandLine => self.mode = InputMode::Prompt(Prompt::new(PromptKind::Command)),
            Action::ToggleHelp => {
                self.show_help = !self.show_help;
                self.show_log = false;
            }
            Action::Quit => {
                if self.doc().is_dirty() {
                    self.mode = InputMode::ConfirmQuit;
                    if self.doc().detached().is_some() {
                        self.info("edits not in the file at this path: (k)eep for :recover, (d)iscard, (c)ancel");
                    } else if self.doc().mode() == Mode::WriteThrough {
                        self.info("edits are already in the file (write-through): (s) flush and quit, (d) quit, (c)ancel; u undoes");
                    } else {
                        self.info("unsaved edits: (s)ave and quit, (d)iscard and quit, (c)ancel");
                    }
                } else {
                    return Some(Effect::Quit);
                }
            }
            Action::EditMode => {
                if self.doc().mode() == Mode::ReadOnly {
                    self.error(crate::tui::hint::edit(
                        &crate::core::document::EditError::ReadOnly,
                    ));
                } else {
                    self.doc_mut().begin_group();
                    self.mode = InputMode::Edit { low_nibble: false };
                    self.message = None;
                }
            }
            Action::Undo | Action::Redo => {
                let undo = action == Action::Undo;
                self.leave_edit();
                let r = if undo {
                    self.doc_mut().undo()
                } else {
                    self.doc_mut().redo()
                };
                match r {
                    Ok(Some(at)) => {
                        let (u, r) = self.doc().history_len();
                        self.info(format!(
                            "{}; {u} to undo, {r} to redo",
                            if undo { "undone" } else { "redone" }
                        ));
                        self.goto(at);
                        return self.search_after_edit(self.doc().last_change());
                    }
                    Ok(None) => self.info(if undo {
                        "nothing to undo"
                    } else {
                        "nothing to redo"
                    }),
                    Err(e) => self.error(crate::tui::hint::edit(&e)),
                }
            }
            Action::Save => {
                return Some(Effect::Save {
                    force: false,
                    quit: false,
                });
            }
            Action::Search => {
                self.mode =
                    InputMode::Prompt(Prompt::new(PromptKind::Search(self.view().search.kind)));
            }
            Action::SearchNext => self.step_match(true),
            Action::SearchPrev => self.step_match(false),
            Action::ToggleSearchPane => {
                self.view_mut().search.pane_open = !self.view().search.pane_open;
                self.view_mut().search.pane_focus = self.view().search.pane_open;
                self.scroll_to_cursor();
            }
            Action::Select => self.toggle_selection(),
            Action::Yank => return self.yank(CopyFormat::Hex),
            Action::Paste => {
                if self.doc().mode() == Mode::ReadOnly {
                    self.error(crate::tui::hint::edit(
                        &crate::core::document::EditError::ReadOnly,
                    ));
                    return None;
                }
                return self.paste();
            }
            Action::SetMark => self.pending = Some('m'),
            Action::JumpMark => self.pending = Some('\''),
            Action::JumpBack => self.jump_back(),
            Action::ToggleInspector => {
                self.settings.inspector = !self.settings.inspector;
                self.scroll_to_cursor();
            }
            Action::ToggleLineView => return self.toggle_line_view(),
            Action::CycleEncoding => {
                self.settings.encoding = self.settings.encoding.next();
                self.info(format!("text pane: {}", self.settings.encoding.label()));
            }
            // The other modes' actions, handled above.
            Action::EditBack
            | Action::EditNewline
            | Action::PromptCancel
            | Action::PromptAccept
            | Action::PromptComplete
            | Action::PromptLeft
            | Action::PromptRight
            | Action::PromptHome
            | Action::PromptEnd
            | Action::PromptDeleteBack
            | Action::PromptDelete
            | Action::PromptDeleteWord
            | Action::PromptDeleteToStart
            | Action::PromptDeleteToEnd
            | Action::PromptHistoryPrev
            | Action::PromptHistoryNext
            | Action::PromptToggleCase
            | Action::PromptToggleUnicode
            | Action::PaneDown
            | Action::PaneUp
            | Action::PanePageDown
            | Action::PanePageUp
            | Action::PaneFirst
            | Action::PaneLast
            | Action::PaneJump
            | Action::PaneLeave
            | Action::HelpDown
            | Action::HelpUp
            | Action::HelpPageDown
            | Action::HelpPageUp
            | Action::HelpTop
            | Action::HelpBottom
            | Action::HelpClose
            | Action::MarkCancel
            | Action::ConfirmSave
            | Action::ConfirmKeep
            | Action::ConfirmDiscard
            | Action::ConfirmCancel => {}
            Action::Cancel => {
                if matches!(self.mode, InputMode::Edit { .. }) {
                    self.leave_edit();
                    let span = self.view_mut().edit_span.take();
                    return self.search_after_edit(span);
                }
                if self.view().search.running {
                    return Some(self.cancel_search());
                }
                if self.view_mut().anchor.take().is_some() {
                    self.message = None;
                    return None;
                }
                if self.view().search.pane_open {
                    self.view_mut().search.pane_open = false;
                    self.view_mut().search.pane_focus = false;
                }
                self.message = None;
            }
        }
        None
    }

    /// Ends edit mode: closes the undo group and pulls the cursor back from the append spot.
    fn line_move_action(&mut self, n: i64) -> Option<Effect> {
        self.line_move(n);
        None
    }

    pub(crate) fn start_search(
        &mut self,
        kind: crate::core::search::QueryKind,
        text: &str,
    ) -> Option<Effect> {
        if text.is_empty() {
            self.error(crate::core::search::SearchError::EmptyPattern.to_string());
            return None;
        }
        let (search, doc, at) = self.view_mut().search_parts();
        let prepared = search.prepare(kind, text, at, doc);
        match prepared {
            Ok(req) => {
                self.info(format!("searching for {} /{text}/", kind.label()));
                Some(Effect::Search(req))
            }
            Err(e) => {
                // `prepare` forgot the old search; its worker has nothing left to do.
                self.error(e);
                Some(Effect::StopSearch)
            }
        }
    }

    /// After an edit, search the changed region again so highlights are never stale.
    /// Standard input grew from `before` bytes to the document's length (the viewer from a
    /// pipe): the search takes in the new bytes; the line index is rebuilt when
    /// `refresh_lines` (the runtime asks at the end of the input and now and then before).
    pub fn input_grew(&mut self, before: u64, refresh_lines: bool) -> Option<Effect> {
        if refresh_lines {
            self.lines_after_edit();
        }
        let len = self.doc().len();
        self.view_mut()
            .search_after_edit(Some(before..len))
            .map(Effect::Search)
    }

    pub(crate) fn search_after_edit(
        &mut self,
        span: Option<std::ops::Range<u64>>,
    ) -> Option<Effect> {
        self.lines_after_edit();
        self.view_mut().search_after_edit(span).map(Effect::Search)
    }

    fn step_match(&mut self, forward: bool) {
        let (search, doc, at) = self.view_mut().search_parts();
        let stepped = search.step(doc, at, forward);
        match stepped {
            Ok((off, msg)) => {
                self.jump_to(off);
                match msg {
                    Some(m) => self.info(m),
                    None => self.message = None,
                }
            }
            Err(m) => self.error(m),
        }
    }

    /// The focused search pane's actions.
    fn pane_action(&mut self, action: Action) {
        let rows = {
            let full = self.full_layout();
            i64::try_from(self.panel_rows(&full).0.saturating_sub(1))
                .unwrap_or(1)
                .max(1)
        };
        let search = &mut self.view_mut().search;
        match action {
            Action::PaneDown => search.pane_move(1),
            Action::PaneUp => search.pane_move(-1),
            Action::PanePageDown => search.pane_move(rows),
            Action::PanePageUp => search.pane_move(-rows),
            Action::PaneFirst => search.pane_move(i64::MIN),
            Action::PaneLast => search.pane_move(i64::MAX),
            Action::PaneJump => {
                if let Some(off) = search.pane_selected_offset() {
                    search.pane_focus = false;
                    self.jump_to(off);
                    self.message = self
                        .view()
                        .search
                        .status_line()
                        .map(|s| (s, Severity::Info));
                }
            }
            _ => search.pane_focus = false,
        }
    }
}
