//! Input dispatch: an input (a key, the mouse, a paste, a resize) becomes an action through
//! the keymap of the current mode, and an action changes the state. Part of `App`; `app.rs`
//! holds the state and needs nothing from here.

use crate::core::document::Mode;
use crate::tui::action::{Action, KeyMode};
use crate::tui::app::{App, CopyFormat, Effect, InputMode, Pane, Prompt, PromptKind, Severity};
use crate::tui::input::{Input, Key, KeyCode, Mouse};

impl App {
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

    pub(crate) fn mouse(&mut self, m: Mouse) {
        // The structure pane over the whole screen: the wheel moves in the tree, a click
        // does not reach the hex view under it.
        if self.structure_covers() {
            let step = match m {
                Mouse::ScrollUp => Some(Action::TreeUp),
                Mouse::ScrollDown => Some(Action::TreeDown),
                Mouse::Click(..) => None,
            };
            if let Some(a) = step {
                for _ in 0..3 {
                    self.structure_action(a);
                }
            }
            return;
        }
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

    pub(crate) fn key(&mut self, key: Key) -> Option<Effect> {
        // The second key of `]c`, `[c`, `do`, `dp` in the compare view.
        if self.diff.chord.is_some() {
            return self.diff_chord_key(key);
        }
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
            (KeyMode::SearchPane | KeyMode::Structure | KeyMode::Normal, None) => {
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
            InputMode::ConfirmQuit | InputMode::ConfirmClose(_) => KeyMode::ConfirmQuit,
            InputMode::Edit { .. } => KeyMode::Edit,
            InputMode::Normal if self.view().search.pane_open && self.view().search.pane_focus => {
                KeyMode::SearchPane
            }
            InputMode::Normal if self.structure_focused() => KeyMode::Structure,
            InputMode::Normal => KeyMode::Normal,
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
            KeyMode::Structure => return self.structure_action(action),
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
            Action::SwitchPane if self.compare().is_some() => self.diff_switch_side(),
            Action::DiffNext | Action::DiffPrev => {
                let first = if action == Action::DiffNext { ']' } else { '[' };
                if !self.diff_chord_start(first) {
                    self.error(
                        "]c and [c go through the differences of the compare view: :diff PATH or :diff N opens it",
                    );
                }
            }
            Action::DeleteSelection
                if self.view().anchor.is_none() && self.diff_chord_start('d') => {}
            Action::SwitchPane => {
                if self.tab_to_structure() {
                    return None;
                }
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
                if let InputMode::Edit { low_nibble, .. } = &mut self.mode {
                    *low_nibble = false;
                }
            }
            Action::CommandLine => self.mode = InputMode::Prompt(Prompt::new(PromptKind::Command)),
            Action::ToggleHelp => {
                self.show_help = !self.show_help;
                self.show_log = false;
            }
            Action::Quit => return self.ask_quit(),
            Action::EditMode | Action::InsertMode => self.enter_edit(action == Action::InsertMode),
            Action::DeleteByte | Action::DeleteSelection | Action::PasteBefore => {
                return self.normal_edit(action);
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
                        // Offsets follow what the undo moved before the cursor goes to it.
                        let moved = self.follow_edits();
                        let (u, r) = self.doc().history_len();
                        self.info(format!(
                            "{}; {u} to undo, {r} to redo",
                            if undo { "undone" } else { "redone" }
                        ));
                        self.goto(at);
                        if moved {
                            return None;
                        }
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
            Action::ToggleStructure => return self.toggle_structure(),
            Action::CycleEncoding => {
                self.settings.encoding = self.settings.encoding.next();
                self.info(format!("text pane: {}", self.settings.encoding.label()));
            }
            // The other modes' actions, handled above.
            Action::EditBack
            | Action::EditDelete
            | Action::EditToggleInsert
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
            | Action::TreeDown
            | Action::TreeUp
            | Action::TreePageDown
            | Action::TreePageUp
            | Action::TreeFirst
            | Action::TreeLast
            | Action::TreeUnfold
            | Action::TreeFold
            | Action::TreeToggle
            | Action::TreeEdit
            | Action::TreeLeave
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
                if self.diff_cancel() {
                    return None;
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
    pub(crate) fn line_move_action(&mut self, n: i64) -> Option<Effect> {
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
                Some(Effect::Search(self.view().id(), req))
            }
            Err(e) => {
                // `prepare` forgot the old search; its worker has nothing left to do.
                self.error(e);
                Some(Effect::StopSearch(self.view().id()))
            }
        }
    }

    /// After an edit, search the changed region again so highlights are never stale.
    /// Standard input grew from `before` bytes to the document's length (the viewer from a
    /// pipe): the search takes in the new bytes; the line index is rebuilt when
    /// `refresh_lines` (the runtime asks at the end of the input and now and then before).
    pub fn input_grew(&mut self, before: u64, refresh_lines: bool) -> Option<Effect> {
        if refresh_lines {
            let lines = &mut self.view_mut().lines;
            lines.dirty_from = Some(lines.dirty_from.map_or(before, |d| d.min(before)));
            self.lines_after_edit();
        }
        let len = self.doc().len();
        let id = self.view().id();
        self.view_mut()
            .search_after_edit(Some(before..len))
            .map(|req| Effect::Search(id, req))
    }

    pub(crate) fn search_after_edit(
        &mut self,
        span: Option<std::ops::Range<u64>>,
    ) -> Option<Effect> {
        self.lines_after_edit();
        let id = self.view().id();
        self.view_mut()
            .search_after_edit(span)
            .map(|req| Effect::Search(id, req))
    }

    pub(crate) fn step_match(&mut self, forward: bool) {
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
    pub(crate) fn pane_action(&mut self, action: Action) {
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
