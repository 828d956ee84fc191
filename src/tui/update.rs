//! `App::update`: every message in, the effects out. The handlers of what the workers and the
//! runtime's effects report live here (they used to change the app from the runtime).

use std::time::Duration;

use crate::core::document::{DiskChange, Mode, SaveReport, SaveTo, human_size};
use crate::tui::app::{App, InputMode, Severity};
use crate::tui::msg::{Effect, Msg, Recover};
use crate::tui::search_worker::WorkerMsg;
use crate::tui::stdin_worker::StdinMsg;

/// How often the line index is rebuilt while standard input is still arriving.
pub const STDIN_LINES_EVERY: Duration = Duration::from_secs(2);

impl App {
    /// Handles one message; returns the work it asks of the runtime, in order.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        // Edits the runtime made (a reload, recovered edits) move offsets before anything
        // looks at them; edits this message makes, after (see `tui::follow`).
        self.follow_edits();
        let direct = match msg {
            Msg::Input(input) => match self.substitution_input(&input) {
                (true, effect) => effect,
                (false, _) => self.input(input),
            },
            Msg::Opened {
                view,
                journal,
                recovery,
            } => {
                if let Some(i) = self.index_of(view) {
                    self.on_opened(i, journal.is_some(), recovery.is_some());
                }
                None
            }
            Msg::Search(view, m) => {
                if let Some(i) = self.index_of(view) {
                    self.in_view(i, |app| app.on_search(m));
                }
                None
            }
            Msg::Loaded { path, result } => {
                let ok = result.is_ok();
                self.on_loaded(&path, result);
                self.diff_loaded(ok);
                None
            }
            Msg::Diff(m) => {
                self.on_diff(m);
                None
            }
            Msg::SavedViews { results, then } => self.on_saved_views(results, then),
            Msg::Substitute(m) => self.on_substitute(m),
            Msg::Lines(view, m) => {
                if let Some(i) = self.index_of(view) {
                    self.in_view(i, |app| app.on_lines_msg(m));
                }
                None
            }
            Msg::Stdin {
                report,
                refresh_lines,
            } => Some(Effect::MapInput {
                report,
                refresh_lines,
            }),
            Msg::InputMapped {
                view,
                grew_from,
                report,
                refresh_lines,
                error,
            } => self.index_of(view).and_then(|i| {
                self.in_view(i, |app| {
                    app.on_input_mapped(grew_from, &report, refresh_lines || report.done, error)
                })
            }),
            Msg::Disk { change, faulted } => {
                self.on_disk(change, faulted);
                None
            }
            Msg::Saved { result, quit } => self.on_saved(result, quit),
            Msg::SavedTo { path, result } => {
                self.on_saved_to(&path, result);
                None
            }
            Msg::Discarded(result) => {
                match result {
                    Ok(()) => {
                        self.info("edits discarded; showing the file as it is on disk");
                        self.reloaded();
                    }
                    Err(e) => self.error(e),
                }
                None
            }
            Msg::Recovered { action, result } => self.on_recovered(action, result),
            Msg::Kept { results, then } => self.on_kept(results, then),
            Msg::Template { view, result, auto } => {
                self.on_template(view, result, auto);
                None
            }
            Msg::Terminate => Some(Effect::Shutdown),
        };
        self.follow_edits();
        self.structure_refresh();
        self.diff_sync();
        let mut out = Vec::new();
        if let Some(e) = direct {
            out.push(e);
        }
        out.extend(self.take_effects());
        out
    }

    /// A report of the search worker.
    fn on_search(&mut self, msg: WorkerMsg) {
        let done = matches!(msg, WorkerMsg::Done { .. });
        let jump = self.view_mut().search.on_msg(msg);
        if self.view_mut().search.take_cancel_request() {
            self.emit(Effect::StopSearch(self.view().id()));
        }
        if let Some(off) = jump {
            self.jump_to(off);
            if let Some(s) = self.view().search.status_line() {
                self.info(s);
            }
        }
        if done && !self.view().search.running {
            if self.view_mut().search.take_stale() {
                if let Some(req) = self.view_mut().search_restart() {
                    self.emit(Effect::Search(self.view().id(), req));
                }
            } else if let Some(s) = self.view().search.status_line() {
                let replace = self.message.as_ref().is_none_or(|(m, sev)| {
                    *sev == Severity::Info
                        && (m.starts_with("searching") || m.starts_with("match "))
                });
                if replace {
                    self.info(s);
                }
            }
        }
    }

    /// The user cancelled the running search (Esc).
    pub(crate) fn cancel_search(&mut self) -> Effect {
        self.view_mut().search.mark_cancelled();
        let n = self.view().search.total();
        self.info(format!("search cancelled; {n} matches kept"));
        Effect::StopSearch(self.view().id())
    }

    /// More of standard input is mapped.
    fn on_input_mapped(
        &mut self,
        grew_from: Option<u64>,
        report: &StdinMsg,
        refresh_lines: bool,
        error: Option<String>,
    ) -> Option<Effect> {
        if let Some(e) = error {
            self.error(format!("cannot map the spooled standard input: {e}"));
            return None;
        }
        let effect = grew_from.and_then(|before| self.input_grew(before, refresh_lines));
        let size = human_size(report.len);
        match (&report.error, report.done) {
            (Some(e), _) => self.error(format!("{e}; showing the {size} that arrived")),
            (None, true) => self.info(crate::tui::hint::open_note(
                &crate::core::document::Note::Spooled { size: report.len },
            )),
            (None, false) => {
                let ours = self
                    .message
                    .as_ref()
                    .is_none_or(|(t, _)| t.starts_with("standard input: reading"));
                if ours {
                    self.info(format!("standard input: reading… {size} so far"));
                }
            }
        }
        effect
    }

    /// What the look at the disk found; said once per change, so that it never hides the
    /// message of what the user does next.
    fn on_disk(&mut self, change: Option<DiskChange>, faulted: bool) {
        let wt = self.doc().mode() == Mode::WriteThrough;
        let note = match (change, faulted) {
            (Some(change), true) => Some(format!(
                "{change}; the view past the new end shows zeros: :e! reloads, :w PATH saves a copy with your edits"
            )),
            (None, true) => Some(
                "the file was truncated on disk while open; :e! reloads, :w PATH saves a copy with your edits".to_string(),
            ),
            (Some(DiskChange::Replaced), false) if wt => Some(
                "file replaced on disk: edits refused; :e! opens it, :w PATH saves a copy"
                    .to_string(),
            ),
            (Some(DiskChange::Removed), false) if wt => {
                Some("file removed from disk: edits refused; :w PATH saves a copy".to_string())
            }
            (Some(change), false) => Some(format!(
                "{change}; :e! reloads (unsaved edits are lost), :w PATH saves a copy"
            )),
            (None, false) => None,
        };
        if note != *self.disk_note_mut() {
            if let Some(m) = &note {
                self.error(m.clone());
            }
            *self.disk_note_mut() = note;
        }
    }

    /// What a save in place did.
    fn on_saved(&mut self, result: Result<SaveReport, String>, quit: bool) -> Option<Effect> {
        match result {
            Ok(r) => {
                self.after_save(&r);
                quit.then_some(Effect::Quit)
            }
            Err(e) => {
                self.error(e);
                None
            }
        }
    }

    /// After a save in place: the message, and (still in edit mode) a new undo step, since
    /// saving closed the group.
    pub(crate) fn after_save(&mut self, r: &SaveReport) {
        if matches!(self.mode, InputMode::Edit { .. }) {
            self.doc_mut().begin_group();
        }
        let path = self.doc().path().display().to_string();
        let note = self
            .doc_mut()
            .take_save_note()
            .map_or_else(String::new, |n| format!("; {n}"));
        self.info(format!(
            "saved {path}: {} written in {}{note}",
            plural(r.bytes_written, "byte"),
            plural(r.ranges as u64, "range")
        ));
    }

    /// What `:w PATH` did.
    fn on_saved_to(&mut self, path: &str, result: Result<SaveTo, String>) {
        match result {
            Ok(SaveTo::InPlace(r)) => self.after_save(&r),
            Ok(SaveTo::Copy { report, reopened }) => {
                let n = plural(report.bytes_written, "byte");
                if reopened {
                    self.info(format!(
                        "wrote {n} to {path} and reopened it: the edits are saved there (the undo history starts anew)"
                    ));
                    self.reloaded();
                } else {
                    self.info(format!("wrote {n} to {path}"));
                }
            }
            Err(e) => self.error(e),
        }
    }

    /// The document shows the file anew (discard, reopen): the cursor stays in it, and the
    /// line index and the search are done again.
    fn reloaded(&mut self) {
        self.goto(self.cursor());
        self.lines_after_edit();
        if let Some(req) = self.view_mut().search_restart() {
            self.emit(Effect::Search(self.view().id(), req));
        }
    }

    /// What `:recover` did.
    fn on_recovered(&mut self, action: Recover, result: Result<(), String>) -> Option<Effect> {
        match result {
            Ok(()) => {
                self.info(match action {
                    Recover::Rollback => {
                        "rolled back: the file is as it was before the interrupted save"
                    }
                    Recover::Keep => "kept the file as it is; the journal is deleted",
                    Recover::Apply => "recovered the unsaved edits (u undoes them, :w saves them)",
                    Recover::Discard => "deleted the recovery file",
                });
                self.goto(self.cursor());
                let len = self.doc().len();
                self.search_after_edit(Some(0..len))
            }
            Err(e) => {
                self.error(e);
                None
            }
        }
    }
}

/// `1 byte`, `2 bytes`.
pub fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
