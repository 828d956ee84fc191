//! Recovery files: the unsaved edits of a session that died (written on a panic, SIGTERM or
//! SIGHUP), offered on the next open and applied as one undo step.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Document, Mode, RecoverError, SourceKind, idx};
use crate::core::journal;
use crate::core::layout::{Layout, Source};
use crate::core::pieces::Piece;
use crate::core::source::ByteSource;

impl Document {
    /// Writes the unsaved copy-on-write edits to a recovery file beside the file (when maphex
    /// dies: a panic, SIGTERM, SIGHUP). Returns its path, or `None` with nothing to save.
    pub fn write_recovery(&self) -> io::Result<Option<PathBuf>> {
        // Write-through edits are in the file already, unless the file was replaced or
        // removed under us: then they are only in the old inode, and kept here.
        let keep = match self.mode {
            Mode::CopyOnWrite => true,
            Mode::WriteThrough => self.detached().is_some(),
            Mode::ReadOnly => false,
        };
        if !keep || !self.is_dirty() || self.kind == SourceKind::Stream {
            return Ok(None);
        }
        // Same-length edits and appends: runs of new bytes. Bytes moved (inserts, deletes):
        // the whole layout, with the file's own ranges by offset.
        let moved = self.mode == Mode::CopyOnWrite && !self.is_in_place();
        let mut rec = journal::Record {
            len: self.len,
            runs: Vec::new(),
        };
        if !moved {
            for (off, cur) in self.overlay.runs() {
                rec.runs.push((off, cur.to_vec()));
            }
            if self.len > self.base_len {
                rec.runs.push((
                    self.base_len,
                    self.read(self.base_len..self.len).into_owned(),
                ));
            }
        }
        // Never overwrite the unapplied recovery file of an earlier session: take the next
        // free name.
        let p = recovery_paths(&self.path)
            .into_iter()
            .find(|p| !p.exists())
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    "too many recovery files beside the file; apply or discard them",
                )
            })?;
        if moved {
            journal::write_layout(&p, self.base_len, &self.layout(), self.file_mode())?;
        } else {
            journal::write(&p, journal::Kind::Recovery, &rec, self.file_mode())?;
        }
        Ok(Some(p))
    }

    /// The permission bits of the file, for side files that hold its bytes.
    pub(super) fn file_mode(&self) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        self.file
            .as_ref()
            .and_then(|f| f.metadata().ok())
            .map_or(0o600, |m| m.permissions().mode() & 0o666)
    }

    /// The recovery file of an earlier session beside the file, if there is one.
    pub fn pending_recovery(&self) -> Option<PathBuf> {
        if self.kind != SourceKind::File {
            return None;
        }
        recovery_paths(&self.path).into_iter().find(|p| p.exists())
    }

    /// Loads the edits of a recovery file as one undo step (they stay unsaved) and deletes it.
    pub fn apply_recovery(&mut self) -> Result<(), RecoverError> {
        if self.mode != Mode::CopyOnWrite {
            return Err(RecoverError::NeedsCopyOnWrite);
        }
        let p = self.pending_recovery().ok_or(RecoverError::Nothing)?;
        if let Some((base_len, layout)) = journal::read_layout(&p)? {
            self.apply_layout(base_len, &layout)?;
            std::fs::remove_file(&p)?;
            return Ok(());
        }
        let rec = journal::read(&p, journal::Kind::Recovery)?.ok_or(RecoverError::Nothing)?;
        // Check every run fits before writing any, so a stale file changes nothing.
        let mut reach = self.len;
        for (off, bytes) in &rec.runs {
            if *off > reach {
                return Err(RecoverError::Mismatch);
            }
            reach = reach.max(off + bytes.len() as u64);
        }
        self.begin_group();
        let result = (|| {
            for (off, bytes) in &rec.runs {
                if *off > self.len {
                    return Err(RecoverError::Mismatch);
                }
                self.write(*off, bytes)?;
            }
            if rec.len < self.len {
                self.truncate(rec.len)?;
            }
            Ok(())
        })();
        self.end_group();
        result?;
        std::fs::remove_file(&p)?;
        Ok(())
    }

    /// Makes the document `layout` of its file (a layout recovery file), as one undo step.
    fn apply_layout(&mut self, base_len: u64, layout: &Layout) -> Result<(), RecoverError> {
        if base_len != self.base_len || self.is_dirty() {
            return Err(RecoverError::Mismatch);
        }
        let mut pieces = Vec::with_capacity(layout.segments().len());
        let mut scratch = Vec::new();
        for seg in layout.segments() {
            pieces.push(match &seg.src {
                Source::Old { offset } => {
                    if offset.checked_add(seg.len).is_none_or(|e| e > base_len) {
                        return Err(RecoverError::Mismatch);
                    }
                    Piece::Base {
                        start: *offset,
                        len: seg.len,
                    }
                }
                Source::Fill { pattern, phase } => Piece::Fill {
                    pattern: Arc::clone(pattern),
                    phase: *phase,
                    len: seg.len,
                },
                _ => Piece::bytes(layout.memory_bytes(seg, 0, idx(seg.len), &mut scratch)),
            });
        }
        self.splice_all(crate::core::pieces::Tree::from_pieces(pieces));
        Ok(())
    }

    /// Deletes the recovery file.
    pub fn discard_recovery(&mut self) -> Result<(), RecoverError> {
        let p = self.pending_recovery().ok_or(RecoverError::Nothing)?;
        std::fs::remove_file(&p)?;
        Ok(())
    }
}

/// Where recovery files of `target` may be: `.NAME.maphex-recover`, then `-2` … `-9`.
fn recovery_paths(target: &Path) -> Vec<PathBuf> {
    let base = journal::side_path(target, journal::Kind::Recovery);
    let mut out = vec![base.clone()];
    for n in 2..10 {
        let mut name = base.clone().into_os_string();
        name.push(format!("-{n}"));
        out.push(PathBuf::from(name));
    }
    out
}
