//! The session's effects on files and buffers: saving (one buffer, several), discarding,
//! recovering, keeping edits in recovery files (every dirty buffer on SIGTERM or a panic),
//! opening another file (`:e`), and what is done per buffer when one opens or closes.

use std::path::Path;

use crate::core::document::Document;
use crate::tui::hint;
use crate::tui::msg::{Effect, Loaded, Msg, Recover};
use crate::tui::runtime::Session;
use crate::tui::view::ViewId;

impl Session {
    /// Carries out an effect on files or buffers (the others are `Session::effect`'s).
    pub(super) fn file_effect(&mut self, effect: Effect) {
        match effect {
            Effect::Keep { views, then } => {
                let results =
                    self.each_doc(&views, |d| d.write_recovery().map_err(|e| e.to_string()));
                self.update(Msg::Kept { results, then });
            }
            Effect::SaveViews { views, then } => {
                let results = self.each_doc(&views, |d| d.save(false).map_err(|e| hint::save(&e)));
                self.update(Msg::SavedViews { results, then });
            }
            Effect::Open(path) => self.open(path),
            Effect::SideFiles(view) => {
                if let Some(i) = self.app.index_of(view) {
                    let doc = self.app.views()[i].doc();
                    let opened = Msg::Opened {
                        view,
                        journal: doc.pending_journal(),
                        recovery: doc.pending_recovery(),
                    };
                    self.update(opened);
                }
            }
            Effect::Forget(view) => {
                self.workers.forget(view);
                if view == self.stdin_view {
                    self.stdin = None;
                }
            }
            Effect::CheckDisk => {
                self.last_disk_check = None;
                self.check_disk();
            }
            Effect::Save { force, quit } => {
                let result = self.app.doc_mut().save(force).map_err(|e| hint::save(&e));
                self.update(Msg::Saved { result, quit });
            }
            Effect::SaveAs { path, force } => {
                let result = self
                    .app
                    .doc_mut()
                    .save_to(Path::new(&path), force)
                    .map_err(|e| hint::save(&e));
                self.update(Msg::SavedTo { path, result });
            }
            Effect::Discard => {
                let result = self.app.doc_mut().discard().map_err(|e| hint::discard(&e));
                self.update(Msg::Discarded(result));
            }
            Effect::Recover(action) => {
                let doc = self.app.doc_mut();
                let result = match action {
                    Recover::Rollback => doc.rollback_journal(),
                    Recover::Keep => doc.keep_journal(),
                    Recover::Apply => doc.apply_recovery(),
                    Recover::Discard => doc.discard_recovery(),
                }
                .map_err(|e| hint::recover(&e));
                self.update(Msg::Recovered { action, result });
            }
            _ => {}
        }
    }

    /// Runs `f` on the document of each of `views` still open, with its id.
    fn each_doc<R>(
        &mut self,
        views: &[ViewId],
        mut f: impl FnMut(&mut Document) -> R,
    ) -> Vec<(ViewId, R)> {
        let mut out = Vec::new();
        for &id in views {
            if let Some(i) = self.app.index_of(id) {
                out.push((id, f(self.app.view_at_mut(i).doc_mut())));
            }
        }
        out
    }

    /// `:e PATH`: the view that has the file open already (the same device and inode), or
    /// the file opened as the command line opened the others.
    fn open(&mut self, path: String) {
        let target = Path::new(&path);
        let open = self
            .app
            .views()
            .iter()
            .find(|v| v.doc().is_open_file(target))
            .map(crate::tui::view::View::id);
        let result = match open {
            Some(id) => Ok(Loaded::Open(id)),
            None => Document::open(target, self.open_config)
                .map(|d| Loaded::New(Box::new(d)))
                .map_err(|e| e.to_string()),
        };
        self.update(Msg::Loaded { path, result });
    }

    /// Writes the unsaved copy-on-write edits of every buffer to its recovery file (maphex
    /// is being killed or crashed); returns the lines to print once the terminal is restored.
    pub fn save_recovery(&mut self) -> Option<String> {
        self.recover_on_drop = false;
        let several = self.app.views().len() > 1;
        let lines: Vec<String> = self
            .app
            .views()
            .iter()
            .filter(|v| v.doc().is_dirty())
            .filter_map(|v| {
                let of = if several {
                    format!(" of {}", v.doc().path().display())
                } else {
                    String::new()
                };
                match v.doc().write_recovery() {
                    Ok(Some(p)) => Some(format!(
                        "maphex: unsaved edits{of} were kept in {}; open the file again to restore them",
                        p.display()
                    )),
                    Ok(None) => None,
                    Err(e) => Some(format!("maphex: could not keep the unsaved edits{of}: {e}")),
                }
            })
            .collect();
        (!lines.is_empty()).then(|| lines.join("\n"))
    }
}
