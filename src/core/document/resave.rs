//! Saving a new layout of the file (its length may change): the document's checks, then
//! [`crate::core::relayout`], then the document reloads what the file holds now.

use std::fs::OpenOptions;
use std::io;
use std::sync::Arc;

use super::{Document, Mode, SaveError, SaveReport, SourceKind, Stamp, idx};
use crate::core::layout::Layout;
use crate::core::patch::{ManyEdit, Step};
use crate::core::pieces::{Piece, Tree};
use crate::core::relayout::{self, Outcome};

impl Document {
    /// Makes the file `layout`, where [`crate::core::layout::Source::Old`] ranges are the
    /// file's bytes as on disk now, crash-safely, and reloads it (the document is clean after).
    /// Refuses what [`Document::save`] refuses: read-only, a file changed or replaced on disk
    /// (unless `force`, and never when replaced), a pending journal. Unsaved edits of the
    /// document itself are not part of `layout` and are refused too.
    pub fn save_layout(
        &mut self,
        layout: &Layout,
        force: bool,
        opts: &relayout::Options,
    ) -> Result<Outcome, SaveError> {
        self.end_group();
        if self.mode != Mode::CopyOnWrite || self.kind != SourceKind::File {
            return Err(SaveError::ReadOnly);
        }
        self.check_disk_for_save(force)?;
        if let Some(j) = self.pending_journal() {
            return Err(SaveError::JournalPending(j));
        }
        let path = self.path.clone();
        let file = self.file.as_ref().ok_or(SaveError::ReadOnly)?;
        // The mappings stay open while the file changes under them: they are dropped and made
        // again by the reload below, and nothing reads them in between.
        let outcome =
            relayout::save(&path, file, self.disk_len(), layout, opts).map_err(|source| {
                SaveError::Relayout {
                    path: path.clone(),
                    source,
                }
            })?;
        self.reload()
            .map_err(|source| SaveError::Io { path, source })?;
        Ok(outcome)
    }

    /// Bytes of the file as mapped at open or the last save.
    fn disk_len(&self) -> u64 {
        self.disk.as_slice().len() as u64
    }
}

/// The most bytes of the old file that undo history may copy into memory when a save moves
/// them: beyond it, the history before the save is dropped (and the save says so).
pub const HISTORY_KEEP_LIMIT: u64 = 64 << 20;

impl Document {
    /// The document as a layout of the file on disk: file pieces split around their
    /// same-length edits (those become bytes), inserted bytes shared, fills as patterns.
    pub fn layout(&self) -> Layout {
        let mut out = Layout::new();
        self.pieces.visit(0..self.len, &mut |_, p, from, to| {
            match p {
                Piece::Base { start, .. } => {
                    let (s, e) = (start + from, start + to);
                    let mut at = s;
                    for (off, bytes) in self.overlay.current_in(s..e) {
                        out.push_old(at, off - at);
                        out.push_bytes(bytes);
                        at = off + bytes.len() as u64;
                    }
                    out.push_old(at, e - at);
                }
                Piece::Bytes { buf, start, .. } => {
                    out.push_shared(Arc::clone(buf), start + idx(from), idx(to - from));
                }
                Piece::Fill { pattern, phase, .. } => {
                    let p = pattern.len() as u64;
                    let ph = idx((*phase as u64 + from % p) % p);
                    out.push_fill(Arc::clone(pattern), ph, to - from);
                }
            }
            true
        });
        out
    }

    /// Saves a document whose pieces moved bytes (inserted, deleted, filled): the layout goes
    /// to [`relayout::save`], which picks the cheaper crash-safe way. The history keeps the
    /// file's bytes it refers to (copied into memory, up to [`HISTORY_KEEP_LIMIT`]), so undo
    /// works across the save; beyond that, it is dropped and [`Document::take_save_note`]
    /// says so.
    pub(super) fn save_moved(&mut self, opts: &relayout::Options) -> Result<SaveReport, SaveError> {
        let path = self.path.clone();
        let layout = self.layout();
        if self.file.is_none() {
            return Err(SaveError::ReadOnly);
        }
        let relayout_err = |source| SaveError::Relayout {
            path: path.clone(),
            source,
        };
        let plan =
            relayout::plan(&path, self.disk_len(), &layout).map_err(|e| relayout_err(e.into()))?;
        let too_many = self.keep_history_across_save();
        let file = self.file.as_ref().ok_or(SaveError::ReadOnly)?;
        let outcome =
            relayout::save(&path, file, self.disk_len(), &layout, opts).map_err(relayout_err)?;
        let way = match outcome.strategy {
            relayout::Strategy::InPlace => "rewritten in place from the first change",
            relayout::Strategy::Rename => "written as a new file and renamed over the old one",
        };
        self.save_note = Some(format!("{way} ({})", plan.why));
        self.rebase(outcome.strategy == relayout::Strategy::Rename)
            .map_err(|source| SaveError::Io {
                path: path.clone(),
                source,
            })?;
        self.history_after_save(too_many);
        self.history.mark_saved();
        Ok(SaveReport {
            bytes_written: outcome.bytes_written,
            ranges: layout.segments().len(),
        })
    }

    /// Before a save that moves or cuts the file's bytes: the history's file pieces become
    /// bytes in memory, read now; or, beyond [`HISTORY_KEEP_LIMIT`], the history is dropped
    /// and the save's note says so. (A failed save keeps the copied bytes: they read the same.)
    /// Returns the bytes that were too many: pass them to
    /// [`Document::history_after_save`] once the save succeeded.
    pub(super) fn keep_history_across_save(&mut self) -> Option<u64> {
        let kept = self.history_file_bytes();
        if kept <= HISTORY_KEEP_LIMIT {
            self.materialise_history();
            None
        } else {
            Some(kept)
        }
    }

    /// After a successful save: drops the history that could not be kept (see
    /// [`Document::keep_history_across_save`]) and says so.
    pub(super) fn history_after_save(&mut self, too_many: Option<u64>) {
        if let Some(kept) = too_many {
            self.history.forget();
            let dropped = format!(
                "the undo history before this save was dropped: it would have kept {} of the old file in memory (at most {})",
                super::human_size(kept),
                super::human_size(HISTORY_KEEP_LIMIT)
            );
            self.save_note = Some(match self.save_note.take() {
                Some(n) => format!("{n}; {dropped}"),
                None => dropped,
            });
        }
    }

    /// What the last save had to say beyond its report (the history it dropped), once.
    pub fn take_save_note(&mut self) -> Option<String> {
        self.save_note.take()
    }

    /// Bytes of the file that the undo history's pieces refer to.
    fn history_file_bytes(&mut self) -> u64 {
        let mut n = 0;
        for tx in self.history.transactions_mut() {
            for step in tx.steps_mut() {
                match step {
                    Step::Splice {
                        removed, inserted, ..
                    } => n += file_bytes(removed) + file_bytes(inserted),
                    Step::Many { edit, .. } => n += edit.file_bytes(),
                    _ => {}
                }
            }
        }
        n
    }

    /// Rewrites the history's file pieces as bytes in memory, read now (before the save
    /// moves the file's bytes).
    fn materialise_history(&mut self) {
        let view = match &self.view {
            Some(v) => v.as_slice(),
            None => self.disk.as_slice(),
        };
        let own_piece = |p: Piece| match p {
            Piece::Base { start, len } => {
                let mut out = Vec::with_capacity(idx(len));
                let have = view
                    .get(idx(start)..idx(start + len).min(view.len()))
                    .unwrap_or_default();
                out.extend_from_slice(have);
                out.resize(idx(len), 0);
                Piece::bytes(&out)
            }
            other => other,
        };
        let own = |t: &Tree| -> Tree {
            if file_bytes(t) == 0 {
                return t.clone();
            }
            Tree::from_pieces(t.pieces().into_iter().map(own_piece))
        };
        for tx in self.history.transactions_mut() {
            for step in tx.steps_mut() {
                match step {
                    Step::Splice {
                        removed, inserted, ..
                    } => {
                        *removed = own(removed);
                        *inserted = own(inserted);
                    }
                    Step::Many { edit, .. } if edit.file_bytes() > 0 => {
                        *edit = Arc::new(ManyEdit {
                            items: edit.items.clone(),
                            old: edit.old.iter().cloned().map(own_piece).collect(),
                            new: Arc::clone(&edit.new),
                        });
                    }
                    _ => {}
                }
            }
        }
    }

    /// After a save that moved bytes: the file is the document now. A rename left the path
    /// naming a new file, which is opened (and locked) in place of the old one.
    fn rebase(&mut self, renamed: bool) -> io::Result<()> {
        if renamed {
            let f = OpenOptions::new().read(true).write(true).open(&self.path)?;
            let _ = super::try_lock_a_moment(&f);
            self.view = None;
            self.file = Some(f);
        }
        let len = self.len;
        self.overlay = Arc::default();
        self.base_len = len;
        self.pieces = super::identity(len);
        self.remap(len)?;
        self.stamp = self
            .file
            .as_ref()
            .and_then(|f| f.metadata().ok())
            .map(|m| Stamp::of(&m));
        Ok(())
    }
}

/// Bytes of file pieces in a tree.
fn file_bytes(t: &Tree) -> u64 {
    t.len() - t.added()
}
