//! Saving and the disk: in-place saves (journaled, positioned writes of the changed runs),
//! write-through flushes, full copies elsewhere, noticing other writers, discarding, and the
//! journal and recovery side files.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::ops::Range;
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use thiserror::Error;

use super::{DiskChange, Document, EditError, Mode, SaveError, SaveReport, SourceKind, Stamp, idx};
use crate::core::journal;
use crate::core::pieces::Piece;
use crate::core::relayout;
use crate::core::source::ByteSource;

impl Document {
    /// How the file on disk differs from when it was opened or last saved, if it does.
    pub fn disk_change(&self) -> Option<DiskChange> {
        let stamp = self.stamp?;
        let Ok(meta) = std::fs::metadata(&self.path) else {
            return Some(DiskChange::Removed);
        };
        let now = Stamp::of(&meta);
        if now.ino != stamp.ino {
            Some(DiskChange::Replaced)
        } else if now.len != stamp.len && self.kind == SourceKind::File {
            Some(DiskChange::Resized {
                from: stamp.len,
                to: now.len,
            })
        } else if now.mtime != stamp.mtime && self.mode != Mode::WriteThrough {
            Some(DiskChange::Modified)
        } else {
            None
        }
    }

    /// `Some` when the path no longer names the file this document has open: another program
    /// replaced it (a rename over it, as `sed -i` and most editors save) or removed it.
    pub fn detached(&self) -> Option<DiskChange> {
        self.disk_change()
            .filter(|c| matches!(c, DiskChange::Replaced | DiskChange::Removed))
    }

    /// True when `target` names the very file this document has open: the same device and
    /// inode, so also through a symlink or another hard link.
    pub fn is_open_file(&self, target: &Path) -> bool {
        let Some(file) = &self.file else {
            return false;
        };
        match (file.metadata(), std::fs::metadata(target)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }

    /// `:w PATH`: saves in place when `target` is the open file itself (by any name: the
    /// same path, a symlink to it, a hard link), else writes a full copy there. A read-only
    /// document refuses to write onto itself unless `force`. When the document is detached
    /// (its path was replaced or removed) and `target` is its own path, the copy puts the
    /// edits at that path, and the document reopens it: clean, attached and saveable again.
    pub fn save_to(&mut self, target: &Path, force: bool) -> Result<SaveTo, SaveError> {
        if self.is_open_file(target) {
            if self.mode != Mode::ReadOnly {
                return self.save(force).map(SaveTo::InPlace);
            }
            if !force {
                return Err(SaveError::OntoReadOnlySelf(target.to_path_buf()));
            }
            let report = self.save_as(target)?;
            // The rename gave the path a new inode; show that one.
            self.reload().map_err(|source| SaveError::Io {
                path: target.to_path_buf(),
                source,
            })?;
            return Ok(SaveTo::Copy {
                report,
                reopened: true,
            });
        }
        let ours = self.file.is_some() && same_name(target, &self.path);
        let report = self.save_as(target)?;
        let reopened = ours && self.detached().is_some();
        if reopened {
            self.reload().map_err(|source| SaveError::Io {
                path: target.to_path_buf(),
                source,
            })?;
        }
        Ok(SaveTo::Copy { report, reopened })
    }

    /// Saves the edits in place: in copy-on-write, positioned writes of the changed runs only,
    /// then fsync; in write-through, msync of the changed ranges. Refuses when the file
    /// changed on disk since it was opened, unless `force`. On failure nothing is marked saved.
    pub fn save(&mut self, force: bool) -> Result<SaveReport, SaveError> {
        self.save_with_fault(force, None)
    }

    /// [`Document::save`] with a simulated crash at `fault` (tests only: the save stops there
    /// and leaves the files exactly as a crash would).
    #[doc(hidden)]
    pub fn save_with_fault(
        &mut self,
        force: bool,
        fault: Option<FaultPoint>,
    ) -> Result<SaveReport, SaveError> {
        self.save_inner(force, fault, &relayout::Options::default())
    }

    /// [`Document::save`] with the length-changing saver's knobs (tests and benchmarks: a
    /// way forced, a simulated crash).
    #[doc(hidden)]
    pub fn save_with_relayout(
        &mut self,
        force: bool,
        opts: &relayout::Options,
    ) -> Result<SaveReport, SaveError> {
        self.save_inner(force, None, opts)
    }

    /// What every save in place checks first: the view is not stale (a truncation fault), the
    /// path still names the open file (even `:w!` refuses to write edits where nobody sees
    /// them), and no other program changed it (unless `force`).
    pub(super) fn check_disk_for_save(&self, force: bool) -> Result<(), SaveError> {
        if self.faulted() {
            let change = self.disk_change().unwrap_or(DiskChange::Modified);
            return Err(SaveError::Truncated(change));
        }
        match self.disk_change() {
            Some(change @ (DiskChange::Replaced | DiskChange::Removed)) => {
                Err(SaveError::Detached(change))
            }
            Some(change) if !force => Err(SaveError::ChangedOnDisk(change)),
            _ => Ok(()),
        }
    }

    fn save_inner(
        &mut self,
        force: bool,
        fault: Option<FaultPoint>,
        relayout_opts: &relayout::Options,
    ) -> Result<SaveReport, SaveError> {
        self.end_group();
        if self.mode == Mode::ReadOnly {
            return Err(SaveError::ReadOnly);
        }
        // Nothing to write: nothing to check either (`:wq` on a clean document just quits,
        // even when another program changed the file).
        if !self.is_dirty() {
            return Ok(SaveReport::default());
        }
        self.check_disk_for_save(force)?;
        let path = self.path.clone();
        let io_err = |source| SaveError::Io {
            path: path.clone(),
            source,
        };
        let file = self.file.as_ref().ok_or(SaveError::ReadOnly)?;
        let mut report = SaveReport::default();
        let mut too_many = None;
        match self.mode {
            Mode::CopyOnWrite => {
                if let Some(j) = self.pending_journal() {
                    return Err(SaveError::JournalPending(j));
                }
                if !self.is_in_place() && self.appended_shape().is_none() {
                    return self.save_moved(relayout_opts);
                }
                if !self.is_in_place() {
                    too_many = self.keep_history_across_save();
                }
                let file = self.file.as_ref().ok_or(SaveError::ReadOnly)?;
                match self.save_cow(file, fault) {
                    Ok(r) => report = r,
                    Err(e) => {
                        // The failed write was rolled back; the file's time changed by our hand,
                        // not another writer's, so a retry must not be refused as "changed".
                        if fault.is_none() && self.pending_journal().is_none() {
                            self.stamp = self
                                .file
                                .as_ref()
                                .and_then(|f| f.metadata().ok())
                                .map(|m| Stamp::of(&m));
                        }
                        return Err(io_err(e));
                    }
                }
            }
            Mode::WriteThrough => {
                if let Some(v) = &self.view {
                    let flush: Vec<Range<u64>> = self.changed_in(0..self.len);
                    for r in flush {
                        v.flush_range(idx(r.start), idx(r.end - r.start))
                            .map_err(io_err)?;
                        report.bytes_written += r.end - r.start;
                        report.ranges += 1;
                    }
                }
                file.sync_all().map_err(io_err)?;
            }
            Mode::ReadOnly => return Err(SaveError::ReadOnly),
        }
        // A cut and regrown tail was written over the file's bytes there: the private view
        // may hold its own old copies of those pages, so it is made again like a resize.
        let len_changed = self.base_len != self.len || !self.is_in_place();
        self.base_len = self.len;
        self.overlay = Arc::default();
        self.cut = None;
        self.pieces = super::identity(self.len);
        // After a forced save over someone else's change, map again so the view shows exactly
        // what is now in the file (their bytes where we had no edit, ours where we had).
        if len_changed || force || self.mode == Mode::CopyOnWrite && !self.disk.is_mapped() {
            self.remap(self.len).map_err(io_err)?;
        }
        self.stamp = self
            .file
            .as_ref()
            .and_then(|f| f.metadata().ok())
            .map(|m| Stamp::of(&m));
        self.history_after_save(too_many);
        self.history.mark_saved();
        Ok(report)
    }

    /// The copy-on-write save: journal the original bytes of every range about to change,
    /// fsync it, write the changed runs and the appended tail with positioned writes, set the
    /// length, fsync the target, then remove the journal. A write that fails part-way is rolled
    /// back from the journal at once, so the file is never left half old, half new.
    fn save_cow(&self, file: &File, fault: Option<FaultPoint>) -> io::Result<SaveReport> {
        let crash = |at: FaultPoint| -> io::Result<()> {
            if fault == Some(at) {
                return Err(io::Error::other(format!("injected crash at {at:?}")));
            }
            Ok(())
        };
        let mut journal = journal::Record {
            len: self.base_len,
            runs: Vec::new(),
        };
        // The file's bytes kept in place: `0..keep` (all of them, or a prefix when the document
        // was cut short); anything after them is appended.
        let keep = self.appended_shape().unwrap_or(self.base_len);
        for (off, orig) in self.overlay.originals() {
            journal.runs.push((off, orig.to_vec()));
        }
        if keep < self.base_len {
            let lost = self
                .disk
                .as_slice()
                .get(idx(keep)..idx(self.base_len))
                .unwrap_or_default();
            journal.runs.push((keep, lost.to_vec()));
        }
        let jpath = journal::side_path(&self.path, journal::Kind::Journal);
        let journaled = self.kind == SourceKind::File;
        if journaled {
            journal::write(&jpath, journal::Kind::Journal, &journal, self.file_mode()).map_err(
                |e| {
                    io::Error::new(
                        e.kind(),
                        format!("cannot write the journal {}: {e}", jpath.display()),
                    )
                },
            )?;
        }
        crash(FaultPoint::AfterJournal)?;
        let mut report = SaveReport::default();
        let writes = (|| -> io::Result<()> {
            let runs: Vec<(u64, &[u8])> = self.overlay.current_in(0..keep).collect();
            for (i, &(off, bytes)) in runs.iter().enumerate() {
                file.write_all_at(bytes, off)?;
                report.bytes_written += bytes.len() as u64;
                report.ranges += 1;
                if i == runs.len() / 2 {
                    crash(FaultPoint::MidWrite)?;
                }
            }
            if self.len > keep {
                let mut off = keep;
                while off < self.len {
                    let end = (off + (1 << 20)).min(self.len);
                    let bytes = self.read(off..end);
                    file.write_all_at(&bytes, off)?;
                    report.bytes_written += bytes.len() as u64;
                    off = end;
                }
                report.ranges += 1;
            }
            // The document's length wins, as with `:w!` in vim: a forced save over a file
            // another program resized leaves it as long as the document. (A clean document
            // writes nothing at all, so `:wq` on a growing log just quits.)
            if self.kind == SourceKind::File && file.metadata()?.len() != self.len {
                file.set_len(self.len)?;
            }
            file.sync_all()
        })();
        if let Err(e) = writes {
            if fault.is_none() && journaled {
                // A real failure (disk full, I/O error): put the old bytes back now.
                if journal::apply(file, &journal).is_ok() {
                    let _ = std::fs::remove_file(&jpath);
                }
            }
            return Err(e);
        }
        crash(FaultPoint::BeforeJournalRemoved)?;
        if journaled {
            std::fs::remove_file(&jpath)?;
            journal::sync_dir(&jpath)?;
        }
        Ok(report)
    }

    /// `Some(k)` when the document is the file's first `k` bytes in place followed by bytes
    /// of its own (appended), or the file cut at `k`: what a save writes with positioned
    /// writes at the end, without moving any of the file's bytes.
    pub(super) fn appended_shape(&self) -> Option<u64> {
        let keep = match self.pieces.first() {
            None => return Some(0),
            Some(Piece::Base { start: 0, len }) => len,
            // None of the file's bytes kept at the start: a cut to nothing, then appends.
            Some(_) => 0,
        };
        let rest = self.pieces.split(keep).1;
        (rest.added() == rest.len()).then_some(keep)
    }

    /// The journal of an interrupted save beside the file, if there is one.
    pub fn pending_journal(&self) -> Option<PathBuf> {
        let p = journal::side_path(&self.path, journal::Kind::Journal);
        (self.kind == SourceKind::File && p.exists()).then_some(p)
    }

    /// Rolls an interrupted save back from its journal (the file becomes wholly what it was
    /// before that save), deletes the journal and reloads. Unsaved edits are discarded.
    pub fn rollback_journal(&mut self) -> Result<(), RecoverError> {
        let p = journal::side_path(&self.path, journal::Kind::Journal);
        let rec = journal::read(&p, journal::Kind::Journal)?.ok_or(RecoverError::Nothing)?;
        let file = OpenOptions::new().read(true).write(true).open(&self.path)?;
        self.view = None;
        journal::apply(&file, &rec)?;
        std::fs::remove_file(&p)?;
        journal::sync_dir(&p)?;
        self.reload().map_err(RecoverError::Io)
    }

    /// Keeps the file as it is and deletes the journal of an interrupted save.
    pub fn keep_journal(&mut self) -> Result<(), RecoverError> {
        let p = self.pending_journal().ok_or(RecoverError::Nothing)?;
        std::fs::remove_file(&p).map_err(RecoverError::Io)?;
        Ok(())
    }

    /// Maps the file again as it is on disk now, forgetting every edit.
    pub(super) fn reload(&mut self) -> io::Result<()> {
        if self.file.is_none() {
            return Ok(());
        }
        // Open the path again: the file there may be another one now (replaced by a rename).
        // Still the open file: keep its handle (a new one could not take the lock it holds).
        let fresh = if self.is_open_file(&self.path) {
            Err(io::Error::other("the same file"))
        } else if self.mode == Mode::ReadOnly {
            File::open(&self.path)
        } else {
            OpenOptions::new().read(true).write(true).open(&self.path)
        };
        if let Ok(f) = fresh.and_then(|f| {
            if self.mode == Mode::ReadOnly || super::try_lock_a_moment(&f).is_ok() {
                Ok(f)
            } else {
                Err(io::Error::other("locked"))
            }
        }) {
            self.view = None;
            self.file = Some(f);
        }
        let Some(file) = &self.file else {
            return Ok(());
        };
        let len = if self.kind == SourceKind::BlockDevice {
            self.len
        } else {
            file.metadata()?.len()
        };
        self.group = None;
        self.history.clear();
        self.overlay = Arc::default();
        self.cut = None;
        self.version += 1;
        self.log.add(self.version, 0, true);
        self.changes.push(crate::core::shift::Change {
            at: 0,
            removed: self.len,
            inserted: len,
        });
        self.base_len = len;
        self.len = len;
        self.pieces = super::identity(len);
        self.remap(len)?;
        self.stamp = self
            .file
            .as_ref()
            .and_then(|f| f.metadata().ok())
            .map(|m| Stamp::of(&m));
        Ok(())
    }

    /// Writes a full copy to `target`: a temporary file in the target's folder, fsynced, then
    /// renamed over it, so a crash never leaves a half file. The document stays as it is.
    ///
    /// A symlink is written through, as vim does: the file it points to gets the bytes and the
    /// link stays a link. A target with other hard links is overwritten in place, so every
    /// name keeps sharing it; the complete copy is written and fsynced beside it first and
    /// removed after, so a crash mid-way still leaves the whole new content on disk. The
    /// copy takes the target's permissions and, where allowed, its owner.
    pub fn save_as(&self, target: &Path) -> Result<SaveReport, SaveError> {
        let io_err = |source| SaveError::Io {
            path: target.to_path_buf(),
            source,
        };
        let real = resolve_symlinks(target).map_err(io_err)?;
        let dir = real
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let name = real.file_name().ok_or_else(|| {
            io_err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a file name",
            ))
        })?;
        let tmp = dir.join(format!(
            ".{}.maphex-{}.tmp",
            name.to_string_lossy(),
            std::process::id()
        ));
        let existing = std::fs::metadata(&real).ok();
        let result = (|| -> io::Result<()> {
            let mut out = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
            if let Some(meta) = &existing {
                out.set_permissions(meta.permissions())?;
                // Keeping the owner needs privileges; without them the copy is ours.
                let _ = std::os::unix::fs::fchown(&out, Some(meta.uid()), Some(meta.gid()));
            }
            self.copy_into(&mut out)?;
            out.sync_all()?;
            drop(out);
            if existing.as_ref().is_some_and(|m| m.nlink() > 1) {
                let mut file = OpenOptions::new().write(true).open(&real)?;
                self.copy_into(&mut file)?;
                file.set_len(self.len)?;
                file.sync_all()?;
                std::fs::remove_file(&tmp)?;
            } else {
                std::fs::rename(&tmp, &real)?;
            }
            File::open(&dir)?.sync_all()
        })();
        if let Err(e) = result {
            let _ = std::fs::remove_file(&tmp);
            return Err(io_err(e));
        }
        Ok(SaveReport {
            bytes_written: self.len,
            ranges: 1,
        })
    }

    /// Writes every byte of the document to `out` from its start, 1 MiB at a time.
    fn copy_into(&self, out: &mut File) -> io::Result<()> {
        use std::io::Seek;
        out.seek(io::SeekFrom::Start(0))?;
        let mut off = 0;
        while off < self.len {
            let end = (off + (1 << 20)).min(self.len);
            out.write_all(&self.read(off..end))?;
            off = end;
        }
        Ok(())
    }

    /// Throws away every unsaved edit and shows the file as it is on disk now.
    /// In write-through mode the edits are already in the file; use undo instead.
    pub fn discard(&mut self) -> Result<(), DiscardError> {
        match self.mode {
            // The edits are in the file, unless it was replaced or removed: then they are in
            // the old inode nobody sees, and `:e!` opens what the path holds now.
            Mode::WriteThrough if self.detached().is_none() => Err(DiscardError::WriteThrough),
            _ => self.reload().map_err(DiscardError::Io),
        }
    }
}

/// What [`Document::save_to`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveTo {
    /// The target was the open file: saved in place, as `:w` does.
    InPlace(SaveReport),
    /// A full copy was written to another file.
    Copy {
        /// What was written.
        report: SaveReport,
        /// The document reopened the target (it was its own, replaced, path).
        reopened: bool,
    },
}

/// Follows `path` through symlinks to the file they name (which may not exist yet: a
/// dangling link is written through, creating its target). At most 40 links, as the kernel.
fn resolve_symlinks(path: &Path) -> io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = std::fs::read_link(&p)?;
                p = match p.parent() {
                    Some(dir) if to.is_relative() => dir.join(to),
                    _ => to,
                };
            }
            _ => return Ok(p),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        "too many levels of symbolic links",
    ))
}

/// True when `a` and `b` name the same directory entry once symlinks (of the folders and of
/// the name itself) are resolved, whether or not the files there are the same.
fn same_name(a: &Path, b: &Path) -> bool {
    let canon = |p: &Path| -> Option<PathBuf> {
        let p = resolve_symlinks(p).ok()?;
        let dir = p
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        Some(std::fs::canonicalize(dir).ok()?.join(p.file_name()?))
    };
    matches!((canon(a), canon(b)), (Some(x), Some(y)) if x == y)
}

/// Where a test may make a save stop as if maphex had crashed.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultPoint {
    /// The journal is on disk; nothing was written to the target.
    AfterJournal,
    /// About half of the changed runs were written.
    MidWrite,
    /// Everything was written and fsynced; the journal is still there.
    BeforeJournalRemoved,
}

/// A journal or recovery action that failed.
#[derive(Debug, Error)]
pub enum RecoverError {
    /// No side file.
    #[error("nothing to recover: no interrupted save and no recovery file beside this file")]
    Nothing,
    /// Recovered edits are applied in copy-on-write mode only.
    #[error("recovered edits load in copy-on-write mode")]
    NeedsCopyOnWrite,
    /// The side file does not fit this file any more.
    #[error("the recovery file does not fit this file (it was changed since)")]
    Mismatch,
    /// The side file is damaged.
    #[error(transparent)]
    Journal(#[from] journal::JournalError),
    /// Applying the edits failed.
    #[error(transparent)]
    Edit(#[from] EditError),
    /// Reading or writing failed.
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// A discard that could not happen.
#[derive(Debug, Error)]
pub enum DiscardError {
    /// Write-through edits are in the file already.
    #[error("write-through: edits are already in the file")]
    WriteThrough,
    /// Re-reading the file failed.
    #[error("cannot reload the file: {0}")]
    Io(io::Error),
}
