//! Several files at once: the buffers are the app's views, one per open document, each with
//! its own cursor, marks, selection, jumps, search, line index and undo history (the
//! document's); the register, the settings, the prompts' histories and the message log are
//! the app's and shared, so bytes copied in one buffer paste in another.
//!
//! The commands follow vim: `:e PATH` opens another file (or goes to it when it is open
//! already: the same device and inode, so also by another name), `:ls` lists the buffers,
//! `:b N`, `:bn`, `:bp` switch, `:bd [N]` closes one (asking, as quit does, when it has
//! unsaved edits; `:bd!` drops them), `:wa`, `:qa`, `:qa!`, `:wqa`. As in vim, `:q` quits
//! every buffer when none has unsaved edits and otherwise names the ones that do, `:q!`
//! drops the current buffer's edits and, when another buffer still has some, goes there
//! instead of quitting (vim's "the first changed hidden buffer becomes the current one"),
//! and `:wq` refuses while another buffer has unsaved edits. Unlike vim, the last buffer
//! cannot be closed (there is no empty buffer): `:q` leaves.
//!
//! Worker reports carry the id of the view they were started for ([`ViewId`]) and are
//! handled as if that view had focus ([`App::in_view`]), with messages muted when it has not:
//! switching buffers mid-search never mixes results.

use crate::core::document::SaveReport;
use crate::tui::app::{App, Effect, InputMode, open_message};
use crate::tui::msg::{Loaded, Then};
use crate::tui::view::ViewId;

/// What refuses switching or closing buffers while it runs.
const SUBST_BUSY: &str = "a substitution is running or asking: finish it (Esc cancels) first";

impl App {
    /// The name a buffer is shown by: its path as opened.
    pub fn buffer_name(&self, i: usize) -> String {
        self.views()[i].doc().path().display().to_string()
    }

    /// `buffer 2 (b.bin)`, for messages.
    fn buffer_label(&self, i: usize) -> String {
        format!("buffer {} ({})", i + 1, self.buffer_name(i))
    }

    /// The buffers with unsaved edits, in order.
    pub fn dirty_buffers(&self) -> Vec<usize> {
        (0..self.views().len())
            .filter(|&i| self.views()[i].doc().is_dirty())
            .collect()
    }

    fn ids(&self, buffers: &[usize]) -> Vec<ViewId> {
        buffers.iter().map(|&i| self.views()[i].id()).collect()
    }

    /// `buffer 2 (b.bin), buffer 3 (c.bin)`.
    fn labels(&self, buffers: &[usize]) -> String {
        let names: Vec<String> = buffers.iter().map(|&i| self.buffer_label(i)).collect();
        names.join(", ")
    }

    /// The overlay's text for `:ls`: number (`%` marks the current one), name, mode, size
    /// and `[+]` for unsaved edits.
    pub fn buffer_lines(&self) -> Vec<(String, String)> {
        (0..self.views().len())
            .map(|i| {
                let doc = self.views()[i].doc();
                let current = if i == self.focus_index() { " %" } else { "  " };
                let dirty = if doc.is_dirty() { "  [+]" } else { "" };
                (
                    format!("{}{current}", i + 1),
                    format!(
                        "{}  {}  {} bytes{dirty}",
                        self.buffer_name(i),
                        doc.mode().label(),
                        doc.len()
                    ),
                )
            })
            .collect()
    }

    /// Gives buffer `i` focus: edit mode ends, the screen scrolls to its cursor, its line
    /// index is built if the line view needs it, and its file is looked at on disk at once
    /// (a change found while it was in the background is said now).
    pub(crate) fn switch_to(&mut self, i: usize) {
        self.leave_edit();
        self.wildmenu = None;
        self.set_focus(i);
        self.scroll_to_cursor();
        if self.settings.line_view {
            self.ensure_line_index();
        }
        *self.disk_note_mut() = None;
        self.emit(Effect::CheckDisk);
        let n = self.views().len();
        let doc = self.doc();
        let dirty = if doc.is_dirty() { " [+]" } else { "" };
        let m = format!(
            "buffer {}/{n}: {}{dirty} ({}, {} bytes)",
            i + 1,
            doc.path().display(),
            doc.mode().label(),
            doc.len()
        );
        self.info(m);
    }

    /// Closes buffer `i` as it is (its unsaved edits are dropped) and stops its workers.
    pub(crate) fn close_buffer(&mut self, i: usize) {
        let name = self.buffer_name(i);
        let was_focused = i == self.focus_index();
        if was_focused {
            self.leave_edit();
        }
        let view = self.remove_view(i);
        self.emit(Effect::Forget(view.id()));
        self.diff_closed(view.id());
        if was_focused {
            self.switch_to(self.focus_index());
        }
        let n = self.views().len();
        self.info(format!(
            "closed {name}; buffer {}/{n}: {}",
            self.focus_index() + 1,
            self.buffer_name(self.focus_index())
        ));
    }

    /// Messages of a fresh open: an interrupted save, kept edits (of buffer `i`).
    pub(crate) fn on_opened(&mut self, i: usize, journal: bool, recovery: bool) {
        let (what, fix) = if journal {
            (
                "a save of this file was interrupted",
                ":recover rollback restores the bytes from before it, :recover keep keeps the file as it is",
            )
        } else if recovery {
            (
                "unsaved edits from an earlier session were kept",
                ":recover apply loads them, :recover discard deletes them",
            )
        } else {
            return;
        };
        if i == self.focus_index() {
            self.error(format!("{what}: {fix}"));
        } else {
            let label = self.buffer_label(i);
            self.error(format!("{label}: {what}; :b {} then {fix}", i + 1));
        }
    }

    /// What `:e PATH` found.
    pub(crate) fn on_loaded(&mut self, path: &str, result: Result<Loaded, String>) {
        match result {
            Ok(Loaded::New(doc)) => {
                let i = self.push_view(*doc);
                let id = self.views()[i].id();
                self.switch_to(i);
                if let Some(m) = open_message(self.doc()) {
                    self.info(format!("buffer {}: {m}", i + 1));
                }
                self.emit(Effect::SideFiles(id));
            }
            Ok(Loaded::Open(id)) => {
                if let Some(i) = self.index_of(id) {
                    self.switch_to(i);
                    let name = self.buffer_name(i);
                    self.info(format!(
                        "{path} is open already as buffer {} ({name})",
                        i + 1
                    ));
                }
            }
            Err(e) => self.error(format!("{e} (:e PATH opens another file)")),
        }
    }

    /// What saving some buffers did (`:wa`, `:wqa`, the questions' save).
    pub(crate) fn on_saved_views(
        &mut self,
        results: Vec<(ViewId, Result<SaveReport, String>)>,
        then: Then,
    ) -> Option<Effect> {
        let mut failed = Vec::new();
        let mut saved = Vec::new();
        let only_focused =
            results.len() == 1 && self.index_of(results[0].0) == Some(self.focus_index());
        for (id, r) in results {
            let Some(i) = self.index_of(id) else { continue };
            match r {
                Ok(report) => {
                    self.in_view(i, |app| app.after_save(&report));
                    saved.push(i);
                }
                Err(e) => failed.push(format!("cannot save {}: {e}", self.buffer_name(i))),
            }
        }
        if !failed.is_empty() {
            self.errors(&failed);
            return None;
        }
        match then {
            Then::Quit => Some(Effect::Quit),
            Then::Close(id) => {
                if let Some(i) = self.index_of(id) {
                    self.close_buffer(i);
                }
                None
            }
            Then::Stay => {
                if saved.is_empty() {
                    self.info("no buffer has unsaved edits");
                } else if !only_focused {
                    let n = saved.len();
                    self.info(format!("saved {n}: {}", self.labels(&saved)));
                }
                None
            }
        }
    }

    /// What keeping some buffers' edits in recovery files did.
    pub(crate) fn on_kept(
        &mut self,
        results: Vec<(ViewId, Result<Option<std::path::PathBuf>, String>)>,
        then: Then,
    ) -> Option<Effect> {
        let mut notes = Vec::new();
        let mut failed = Vec::new();
        for (id, r) in results {
            let Some(i) = self.index_of(id) else { continue };
            match r {
                Ok(Some(p)) => notes.push(format!(
                    "maphex: the unsaved edits of {} were kept in {}; open the file again and :recover apply restores them",
                    self.buffer_name(i),
                    p.display()
                )),
                Ok(None) => {}
                Err(e) => failed.push(format!(
                    "could not keep the edits of {}: {e}; :w PATH saves a copy",
                    self.buffer_name(i)
                )),
            }
        }
        if !failed.is_empty() {
            self.errors(&failed);
            return None;
        }
        match then {
            Then::Quit => {
                if !notes.is_empty() {
                    self.emit(Effect::ExitNote(notes.join("\n")));
                }
                Some(Effect::Quit)
            }
            Then::Close(id) => {
                if let Some(i) = self.index_of(id) {
                    self.close_buffer(i);
                }
                if let Some(n) = notes.first() {
                    let n = n.trim_start_matches("maphex: ").to_string();
                    self.info(n);
                }
                None
            }
            Then::Stay => None,
        }
    }

    /// Shows several errors: each in the log, the first on the message line with a count.
    fn errors(&mut self, errors: &[String]) {
        if errors.len() > 1 {
            for e in errors {
                self.error(e.clone());
            }
            let more = errors.len() - 1;
            self.error(format!(
                "{} (+{more} more: :messages lists them)",
                errors[0]
            ));
        } else if let Some(e) = errors.first() {
            self.error(e.clone());
        }
    }

    /// Refuses (and says so) while a substitution holds the focused document.
    fn busy(&mut self) -> bool {
        if self.subst.is_some() {
            self.error(SUBST_BUSY);
            return true;
        }
        false
    }

    /// `:e PATH`.
    pub(crate) fn edit_command(&mut self, path: &str) -> Option<Effect> {
        if path.is_empty() {
            self.error(":e PATH opens a file as another buffer (Tab completes it); :e! drops this buffer's edits");
            return None;
        }
        if self.busy() {
            return None;
        }
        Some(Effect::Open(path.to_string()))
    }

    /// `:ls`: the buffers in the overlay.
    pub(crate) fn list_buffers(&mut self) -> Option<Effect> {
        self.show_help = true;
        self.show_log = false;
        self.show_buffers = true;
        self.help_scroll = 0;
        None
    }

    /// The buffer `arg` names: its number, or a unique part of its name; says why not.
    pub(crate) fn buffer_arg(&mut self, arg: &str) -> Option<usize> {
        let n = self.views().len();
        if let Ok(k) = arg.parse::<usize>() {
            if (1..=n).contains(&k) {
                return Some(k - 1);
            }
            let there = if n == 1 {
                "there is 1".to_string()
            } else {
                format!("there are {n}")
            };
            self.error(format!("no buffer {k}: {there} (:ls lists them)"));
            return None;
        }
        let found: Vec<usize> = (0..n)
            .filter(|&i| self.buffer_name(i).contains(arg))
            .collect();
        match found[..] {
            [i] => Some(i),
            [] => {
                self.error(format!("no buffer named like '{arg}' (:ls lists them)"));
                None
            }
            _ => {
                self.error(format!(
                    "'{arg}' names several buffers: {}; :b N picks one",
                    self.labels(&found)
                ));
                None
            }
        }
    }

    /// `:b N`.
    pub(crate) fn buffer_command(&mut self, arg: &str) -> Option<Effect> {
        if arg.is_empty() {
            self.error(
                ":b N goes to buffer N (:ls lists them), :bn and :bp to the next and previous",
            );
            return None;
        }
        if let Some(i) = self.buffer_arg(arg)
            && !self.busy()
        {
            self.switch_to(i);
        }
        None
    }

    /// `:bn` (`step` 1) and `:bp` (-1), wrapping around as in vim.
    pub(crate) fn buffer_step(&mut self, step: isize) -> Option<Effect> {
        let n = self.views().len();
        if n == 1 {
            self.info("only one buffer is open; :e PATH opens another");
            return None;
        }
        if self.busy() {
            return None;
        }
        let i = self.focus_index().cast_signed() + step;
        self.switch_to(i.rem_euclid(n.cast_signed()).cast_unsigned());
        None
    }

    /// `:bd [N]` (`force`: `:bd!`, dropping unsaved edits).
    pub(crate) fn delete_buffer(&mut self, arg: &str, force: bool) -> Option<Effect> {
        let i = if arg.is_empty() {
            self.focus_index()
        } else {
            self.buffer_arg(arg)?
        };
        if self.views().len() == 1 {
            self.error("cannot close the only buffer: :q quits, :e PATH opens another first");
            return None;
        }
        if self.busy() {
            return None;
        }
        if force || !self.views()[i].doc().is_dirty() {
            self.close_buffer(i);
            return None;
        }
        self.mode = InputMode::ConfirmClose(self.views()[i].id());
        let label = self.buffer_label(i);
        self.info(format!(
            "{label} has unsaved edits: (s)ave and close, (k)eep for :recover and close, (d)iscard and close, (c)ancel"
        ));
        None
    }

    /// Says which other buffers have unsaved edits, for a refused `:q` or `:wq`; false when
    /// none has (`except` is left out).
    fn refuse_for_others(&mut self, except: Option<usize>) -> bool {
        let others: Vec<usize> = self
            .dirty_buffers()
            .into_iter()
            .filter(|&i| Some(i) != except)
            .collect();
        let Some(&first) = others.first() else {
            return false;
        };
        self.error(format!(
            "unsaved edits in {}: :b {} goes there, :wqa saves all and quits, :qa! quits without saving",
            self.labels(&others),
            first + 1
        ));
        true
    }

    /// `:q`: quits every buffer when none has unsaved edits (vim with one window).
    pub(crate) fn quit_command(&mut self) -> Option<Effect> {
        if self.doc().is_dirty() {
            let more = if self.views().len() > 1 {
                ", :wqa saves every buffer and quits"
            } else {
                ""
            };
            self.error(format!(
                "unsaved edits: :w saves, :q! quits without saving, :wq does both{more}"
            ));
            return None;
        }
        if self.refuse_for_others(None) {
            return None;
        }
        Some(Effect::Quit)
    }

    /// `:q!`: drops this buffer's edits; quits unless another buffer has unsaved edits, in
    /// which case that buffer is shown (as vim's `:q!` does with a changed hidden buffer).
    pub(crate) fn quit_bang(&mut self) -> Option<Effect> {
        let others: Vec<usize> = self
            .dirty_buffers()
            .into_iter()
            .filter(|&i| i != self.focus_index())
            .collect();
        let Some(&first) = others.first() else {
            return Some(Effect::Quit);
        };
        let first_id = self.views()[first].id();
        self.close_buffer(self.focus_index());
        if let Some(i) = self.index_of(first_id) {
            self.switch_to(i);
            self.error(format!(
                "{} has unsaved edits: :w saves them, :q! drops them too, :qa! quits without saving any",
                self.buffer_label(i)
            ));
        }
        None
    }

    /// `:wq`: saves this buffer and quits, refused while another has unsaved edits.
    pub(crate) fn write_quit(&mut self, force: bool) -> Option<Effect> {
        if self.refuse_for_others(Some(self.focus_index())) {
            return None;
        }
        Some(Effect::Save { force, quit: true })
    }

    /// `:qa`: quits unless a buffer has unsaved edits (then says which).
    pub(crate) fn quit_all(&mut self) -> Option<Effect> {
        let dirty = self.dirty_buffers();
        if dirty.is_empty() {
            return Some(Effect::Quit);
        }
        self.error(format!(
            "unsaved edits in {}: :wqa saves all and quits, :qa! quits without saving",
            self.labels(&dirty)
        ));
        None
    }

    /// `:wa` (`then` Stay) and `:wqa` (`then` Quit): saves every buffer with unsaved edits.
    pub(crate) fn write_all(&mut self, then: Then) -> Effect {
        let dirty = self.dirty_buffers();
        if dirty.is_empty() && then == Then::Quit {
            return Effect::Quit;
        }
        self.leave_edit();
        Effect::SaveViews {
            views: self.ids(&dirty),
            then,
        }
    }

    /// `q`: quits, or asks when any buffer has unsaved edits (naming them when several are
    /// open).
    pub(crate) fn ask_quit(&mut self) -> Option<Effect> {
        let dirty = self.dirty_buffers();
        if dirty.is_empty() {
            return Some(Effect::Quit);
        }
        self.mode = InputMode::ConfirmQuit;
        if self.views().len() > 1 {
            self.info(format!(
                "unsaved edits in {}: (s)ave and quit, (k)eep for :recover, (d)iscard and quit, (c)ancel",
                self.labels(&dirty)
            ));
            return None;
        }
        if self.doc().detached().is_some() {
            self.info(
                "edits not in the file at this path: (k)eep for :recover, (d)iscard, (c)ancel",
            );
        } else if self.doc().mode() == crate::core::document::Mode::WriteThrough {
            self.info("edits are already in the file (write-through): (s) flush and quit, (d) quit, (c)ancel; u undoes");
        } else {
            self.info("unsaved edits: (s)ave and quit, (d)iscard and quit, (c)ancel");
        }
        None
    }

    /// The buffers the question is about and what follows an answer: every buffer with
    /// unsaved edits and quitting, or the one `:bd` closes.
    pub(crate) fn confirm_target(&self, closing: Option<ViewId>) -> (Vec<ViewId>, Then) {
        match closing {
            Some(id) => (vec![id], Then::Close(id)),
            None => (self.ids(&self.dirty_buffers()), Then::Quit),
        }
    }
}
