//! Editing a document: overwrites, inserts, deletes, fills and replacements, undo groups, undo
//! and redo.
//!
//! Copy-on-write: a same-length overwrite of the file's own bytes lands in the private
//! mapping and the overlay (so `:e!` discards it and a save writes only it); everything else
//! is a splice of the piece table. Write-through: overwrites land in the shared mapping and
//! the only length change is the file's own (appending grows it, truncating shrinks it);
//! moving bytes is refused. Every byte written to a mapping is recorded in the overlay first,
//! so the mapping is never the only copy of an edit.

use std::io;
use std::ops::Range;
use std::sync::Arc;

use super::{Document, EditError, Mode, SourceKind, idx, to_usize};
use crate::core::history::History;
use crate::core::mapping::{DiskMap, ViewKind, ViewMap};
use crate::core::patch::{Patch, Step, Transaction};
use crate::core::pieces::{Piece, Tree};
use crate::core::shift::Change;
use crate::core::source::ByteSource;

/// The most bytes a write-through fill or truncation may change: undo has to keep the old
/// bytes in memory, since the file itself is what changes.
pub const WRITE_THROUGH_UNDO_LIMIT: u64 = 64 << 20;

impl Document {
    /// Opens an undo group: every edit until [`Document::end_group`] is one undo step.
    pub fn begin_group(&mut self) {
        if self.group.is_none() {
            self.group = Some(Transaction::new(self.len));
        }
    }

    /// Closes the undo group, recording it if it changed anything.
    pub fn end_group(&mut self) {
        if let Some(tx) = self.group.take() {
            self.history.record(tx);
        }
    }

    /// The offset changes of the edits, undos and redos since the last call, in order: what
    /// every stored offset is mapped through ([`crate::core::shift`]).
    pub fn take_changes(&mut self) -> Vec<Change> {
        std::mem::take(&mut self.changes)
    }

    /// True when inserting and deleting are possible (copy-on-write over a file or memory).
    pub fn can_resize(&self) -> bool {
        self.mode == Mode::CopyOnWrite && self.kind != SourceKind::BlockDevice
    }

    pub(super) fn check_editable(&self) -> Result<(), EditError> {
        if self.mode == Mode::ReadOnly {
            return Err(EditError::ReadOnly);
        }
        self.check_attached()
    }

    /// Insertions and deletions need copy-on-write: a shared mapping cannot move bytes.
    pub(super) fn check_movable(&self) -> Result<(), EditError> {
        self.check_editable()?;
        match (self.mode, self.kind) {
            (Mode::WriteThrough, _) => Err(EditError::MovesBytes),
            (_, SourceKind::BlockDevice) => Err(EditError::Resize(
                "a block device has a fixed size; overwrite within it".into(),
            )),
            _ => Ok(()),
        }
    }

    /// Overwrites bytes at `offset` (which may reach past the end, to append). Part of the
    /// open undo group, or an undo step of its own.
    pub fn write(&mut self, offset: u64, bytes: &[u8]) -> Result<(), EditError> {
        self.check_editable()?;
        if offset > self.len {
            return Err(EditError::PastEnd {
                offset,
                len: self.len,
            });
        }
        if bytes.is_empty() {
            return Ok(());
        }
        let end = offset
            .checked_add(bytes.len() as u64)
            .ok_or(EditError::TooLarge { offset })?;
        to_usize(end)?;
        if self.kind == SourceKind::BlockDevice && end > self.len {
            return Err(EditError::Resize(
                "a block device cannot grow; overwrite within it".into(),
            ));
        }
        let inside = idx(end.min(self.len) - offset);
        let mut steps = Vec::new();
        if end > self.len {
            let (from, to) = (self.len, end);
            let step = if self.mode == Mode::WriteThrough {
                // Growing makes zeros: nothing to keep (the write below puts the bytes).
                Step::Resize {
                    from,
                    to,
                    extra: Vec::new(),
                }
            } else {
                Step::Splice {
                    at: from,
                    removed: Tree::new(),
                    inserted: Tree::of(Piece::bytes(&bytes[inside..])),
                }
            };
            self.apply_step(&step)?;
            steps.push(step);
        }
        let n = if self.mode == Mode::WriteThrough {
            bytes.len()
        } else {
            inside
        };
        if n > 0 {
            let mut old = self.read(offset..offset + n as u64).into_owned();
            old.resize(n, 0);
            let patch = Patch::new(offset, old, bytes[..n].to_vec())
                .map_err(|_| EditError::TooLarge { offset })?;
            let step = Step::Write(patch);
            self.apply_step(&step)?;
            steps.push(step);
        }
        self.record_steps(steps);
        Ok(())
    }

    /// Inserts `bytes` before `offset` (copy-on-write).
    pub fn insert(&mut self, offset: u64, bytes: &[u8]) -> Result<(), EditError> {
        self.insert_tree(offset, Tree::of(Piece::bytes(bytes)))
    }

    /// Inserts `pattern` repeated `count` times before `offset`: a few bytes of memory
    /// however long it is.
    pub fn insert_fill(
        &mut self,
        offset: u64,
        pattern: &[u8],
        count: u64,
    ) -> Result<(), EditError> {
        let len = (pattern.len() as u64)
            .checked_mul(count)
            .filter(|n| self.len.checked_add(*n).is_some())
            .ok_or(EditError::TooLarge { offset })?;
        self.insert_tree(offset, fill_tree(pattern, 0, len))
    }

    fn insert_tree(&mut self, offset: u64, tree: Tree) -> Result<(), EditError> {
        self.check_movable()?;
        if offset > self.len {
            return Err(EditError::PastEnd {
                offset,
                len: self.len,
            });
        }
        if tree.is_empty() {
            return Ok(());
        }
        let step = Step::Splice {
            at: offset,
            removed: Tree::new(),
            inserted: tree,
        };
        self.apply_step(&step)?;
        self.record_steps(vec![step]);
        Ok(())
    }

    /// Deletes the bytes of `range` (copy-on-write).
    pub fn delete(&mut self, range: Range<u64>) -> Result<(), EditError> {
        self.replace_range(range, Tree::new())
    }

    /// Replaces the bytes of `range` by `bytes` (copy-on-write; any lengths).
    pub fn replace(&mut self, range: Range<u64>, bytes: &[u8]) -> Result<(), EditError> {
        self.replace_range(range, Tree::of(Piece::bytes(bytes)))
    }

    fn replace_range(&mut self, range: Range<u64>, with: Tree) -> Result<(), EditError> {
        self.check_movable()?;
        self.check_range(&range)?;
        if range.is_empty() && with.is_empty() {
            return Ok(());
        }
        let removed = self
            .pieces
            .split(range.start)
            .1
            .split(range.end - range.start)
            .0;
        let step = Step::Splice {
            at: range.start,
            removed,
            inserted: with,
        };
        self.apply_step(&step)?;
        self.record_steps(vec![step]);
        Ok(())
    }

    fn check_range(&self, range: &Range<u64>) -> Result<(), EditError> {
        if range.start > range.end || range.end > self.len {
            return Err(EditError::PastEnd {
                offset: range.end.max(range.start),
                len: self.len,
            });
        }
        Ok(())
    }

    /// Fills `range` with `pattern` repeated (its phase starting at `range.start`). In
    /// copy-on-write any size costs a few bytes; in write-through the bytes are written into
    /// the file and undo keeps the old ones, so at most [`WRITE_THROUGH_UNDO_LIMIT`].
    pub fn fill(&mut self, range: Range<u64>, pattern: &[u8]) -> Result<(), EditError> {
        self.check_editable()?;
        self.check_range(&range)?;
        if pattern.is_empty() || range.is_empty() {
            return Ok(());
        }
        let n = range.end - range.start;
        if self.mode == Mode::WriteThrough || self.kind == SourceKind::BlockDevice {
            if n > WRITE_THROUGH_UNDO_LIMIT {
                return Err(EditError::UndoTooLarge {
                    bytes: n,
                    limit: WRITE_THROUGH_UNDO_LIMIT,
                });
            }
            let bytes: Vec<u8> = pattern.iter().copied().cycle().take(idx(n)).collect();
            return self.write(range.start, &bytes);
        }
        self.replace_range(range, fill_tree(pattern, 0, n))
    }

    /// Cuts the document at `len` (copy-on-write: a delete of the rest; write-through: the
    /// file is truncated, keeping at most [`WRITE_THROUGH_UNDO_LIMIT`] bytes for undo).
    pub fn truncate(&mut self, len: u64) -> Result<(), EditError> {
        self.check_editable()?;
        if len >= self.len {
            return Ok(());
        }
        match (self.mode, self.kind) {
            (Mode::WriteThrough, _) => {
                let n = self.len - len;
                if n > WRITE_THROUGH_UNDO_LIMIT {
                    return Err(EditError::UndoTooLarge {
                        bytes: n,
                        limit: WRITE_THROUGH_UNDO_LIMIT,
                    });
                }
                let extra = self.read(len..self.len).into_owned();
                let step = Step::Resize {
                    from: self.len,
                    to: len,
                    extra,
                };
                self.apply_step(&step)?;
                self.record_steps(vec![step]);
                Ok(())
            }
            _ => self.delete(len..self.len),
        }
    }

    /// Replaces the whole document by `tree` as one undo step (a recovered layout).
    pub(super) fn splice_all(&mut self, tree: Tree) {
        let step = Step::Splice {
            at: 0,
            removed: self.pieces.clone(),
            inserted: tree,
        };
        if self.apply_step(&step).is_ok() {
            self.record_steps(vec![step]);
        }
    }

    /// Records steps already applied: into the open group, or as one undo step.
    pub(super) fn record_steps(&mut self, steps: Vec<Step>) {
        if steps.is_empty() {
            return;
        }
        let len = self.len;
        if let Some(g) = &mut self.group {
            for s in steps {
                g.push_step(s, len);
            }
        } else {
            let before = self.len_before_steps(&steps);
            let mut tx = Transaction::new(before);
            for s in steps {
                tx.push_step(s, len);
            }
            self.history.record(tx);
        }
    }

    fn len_before_steps(&self, steps: &[Step]) -> u64 {
        steps.iter().rev().fold(self.len, |len, s| match s {
            Step::Write(_) => len,
            Step::Splice {
                removed, inserted, ..
            } => len - inserted.len() + removed.len(),
            Step::Resize { from, .. } => *from,
            Step::Many { edit, inverted } => {
                let d: i128 = edit
                    .items
                    .iter()
                    .map(|i| i128::from(i.new_len) - i128::from(i.old_len))
                    .sum();
                let d = if *inverted { -d } else { d };
                u64::try_from(i128::from(len) - d).unwrap_or(len)
            }
        })
    }

    /// In write-through mode, checks (one `stat`) that the path still names the open file:
    /// after another program replaced it by a rename or removed it, a write through the
    /// shared mapping would land in the old, unlinked inode, where nobody sees it. Copy-on-write
    /// edits stay in memory and are checked when saved.
    fn check_attached(&self) -> Result<(), EditError> {
        if self.mode != Mode::WriteThrough {
            return Ok(());
        }
        match self.detached() {
            Some(change) => Err(EditError::Detached(change)),
            None => Ok(()),
        }
    }

    /// Undoes one step; returns where the cursor should go.
    pub fn undo(&mut self) -> Result<Option<u64>, EditError> {
        self.step_history(History::undo, History::redo)
    }

    /// Redoes one step; returns where the cursor should go.
    pub fn redo(&mut self) -> Result<Option<u64>, EditError> {
        self.step_history(History::redo, History::undo)
    }

    /// Takes one step with `step`; when applying it fails (a write-through resize error),
    /// `back` moves the history back, so a failed undo or redo changes nothing.
    fn step_history(
        &mut self,
        step: fn(&mut History) -> Option<Transaction>,
        back: fn(&mut History) -> Option<Transaction>,
    ) -> Result<Option<u64>, EditError> {
        if self.mode == Mode::ReadOnly {
            return Err(EditError::ReadOnly);
        }
        self.end_group();
        self.check_attached()?;
        let Some(tx) = step(&mut self.history) else {
            return Ok(None);
        };
        for (done, s) in tx.steps().iter().enumerate() {
            if let Err(e) = self.apply_step(s) {
                // Put back what was applied, newest first, so a failed step changes nothing.
                for s in tx.steps()[..done].iter().rev() {
                    let _ = self.apply_step(&s.inverse());
                }
                back(&mut self.history);
                return Err(e);
            }
        }
        self.last_change = tx
            .span()
            .map(|r| r.start.min(self.len)..r.end.min(self.len));
        // Back at the state last saved: the bytes are the file's again, so the pieces are
        // too (a redone append is not "changed"). The content is the same; history stays valid.
        if self.history.is_at_saved()
            && self.overlay.is_empty()
            && self.len == self.base_len
            && self.mode == Mode::CopyOnWrite
        {
            self.pieces = Tree::of(Piece::Base {
                start: 0,
                len: self.len,
            });
        }
        Ok(Some(tx.first_offset().unwrap_or(0).min(self.len)))
    }

    /// Applies one step to the bytes (not to the history).
    pub(super) fn apply_step(&mut self, step: &Step) -> Result<(), EditError> {
        self.version += 1;
        let before = self.changes.len();
        let r = self.apply_step_inner(step);
        let new = self.changes.get(before..).unwrap_or_default();
        let at = new.iter().map(|c| c.at).min();
        let resized = new.iter().any(|c| !c.keeps_offsets());
        // A failed step may have changed bytes before failing: counted from 0 then.
        self.log.add(
            self.version,
            if r.is_ok() { at.unwrap_or(0) } else { 0 },
            resized || r.is_err(),
        );
        r
    }

    fn apply_step_inner(&mut self, step: &Step) -> Result<(), EditError> {
        match step {
            Step::Write(p) => {
                let end = p.end().min(self.len);
                if p.offset() < end {
                    let n = idx(end - p.offset());
                    self.overwrite(p.offset(), &p.new_bytes()[..n]);
                }
                self.changes.push(Change {
                    at: p.offset(),
                    removed: end.saturating_sub(p.offset()),
                    inserted: end.saturating_sub(p.offset()),
                });
                self.last_change = Some(p.offset()..end);
            }
            Step::Splice {
                at,
                removed,
                inserted,
            } => {
                if *at + removed.len() > self.len {
                    return Err(EditError::PastEnd {
                        offset: at + removed.len(),
                        len: self.len,
                    });
                }
                let _ = self.pieces.splice(*at, removed.len(), inserted.clone());
                self.len = self.pieces.len();
                self.changes.push(Change {
                    at: *at,
                    removed: removed.len(),
                    inserted: inserted.len(),
                });
                self.last_change = Some(*at..at + inserted.len());
            }
            Step::Many { edit, inverted } => {
                let ranges = edit.ranges(*inverted);
                if ranges.last().is_some_and(|(r, ..)| r.end > self.len) {
                    return Err(EditError::PastEnd {
                        offset: ranges.last().map_or(0, |(r, ..)| r.end),
                        len: self.len,
                    });
                }
                self.rebuild(&ranges);
            }
            Step::Resize { from, to, extra } => {
                self.set_file_len(*to)?;
                if to > from && !extra.is_empty() {
                    self.overwrite(*from, &extra[..idx(to - from).min(extra.len())]);
                }
                self.changes.push(Change {
                    at: (*from).min(*to),
                    removed: from.saturating_sub(*to),
                    inserted: to.saturating_sub(*from),
                });
                self.last_change = Some((*from).min(*to)..(*from).max(*to).min(self.len));
            }
        }
        Ok(())
    }

    /// Overwrites bytes already checked to lie within `0..len`. The file's own bytes go into
    /// the mapping (recorded in the overlay first); bytes of other pieces (inserted, filled)
    /// are replaced by a piece of the new bytes.
    fn overwrite(&mut self, offset: u64, bytes: &[u8]) {
        let end = offset + bytes.len() as u64;
        let mut parts: Vec<(u64, Option<u64>, u64)> = Vec::new();
        self.pieces.visit(offset..end, &mut |at, p, from, to| {
            let base = match p {
                Piece::Base { start, .. } => Some(start + from),
                _ => None,
            };
            parts.push((at, base, to - from));
            true
        });
        for (at, base, n) in parts {
            let src = &bytes[idx(at - offset)..idx(at - offset + n)];
            match base {
                Some(b) => self.put_base(b, src),
                None => {
                    let _ = self.pieces.splice(at, n, Tree::of(Piece::bytes(src)));
                }
            }
        }
    }

    /// Writes bytes into the file's own bytes at file offset `offset`, recording the part
    /// inside what the last save left (`0..base_len`) in the overlay. (Write-through bytes
    /// appended past it are dirty by the length alone.)
    fn put_base(&mut self, offset: u64, bytes: &[u8]) {
        let end = offset + bytes.len() as u64;
        let split = end.min(self.base_len).max(offset);
        if offset < split {
            let n = idx(split - offset);
            let view = self.view.as_ref().map(ViewMap::as_slice);
            let ov = Arc::make_mut(&mut self.overlay);
            ov.record(offset, &bytes[..n], |r| {
                view.map(|v| v[idx(r.start)..idx(r.end)].to_vec())
                    .unwrap_or_default()
            });
        }
        if let Some(v) = &mut self.view {
            let e = idx(end).min(v.as_slice().len());
            if idx(offset) < e {
                v.as_mut_slice()[idx(offset)..e].copy_from_slice(&bytes[..e - idx(offset)]);
            }
        }
    }

    /// Write-through: resizes the file (zeros when it grows) and maps it again. Shrinking
    /// below the length of the last save keeps the saved bytes of the part cut off, so that
    /// regrowing it later still compares against them (and is flushed by the next save).
    fn set_file_len(&mut self, new_len: u64) -> Result<(), EditError> {
        let old = self.len;
        if new_len == old {
            return Ok(());
        }
        let cut_before = self.cut.clone();
        if new_len < old && new_len < self.base_len {
            let hi = old.min(self.base_len);
            let mut orig = self
                .view_bytes()
                .get(idx(new_len)..idx(hi))
                .unwrap_or_default()
                .to_vec();
            orig.resize(idx(hi - new_len), 0);
            for (off, o) in self.overlay.originals() {
                let (s, e) = (off.max(new_len), (off + o.len() as u64).min(hi));
                if s < e {
                    orig[idx(s - new_len)..idx(e - new_len)]
                        .copy_from_slice(&o[idx(s - off)..idx(e - off)]);
                }
            }
            if let Some((_, rest)) = self.cut.take() {
                orig.extend_from_slice(&rest);
            }
            self.cut = Some((new_len, orig));
        }
        let file = self
            .file
            .as_ref()
            .ok_or(EditError::ReadOnly)?
            .try_clone()
            .map_err(|e| EditError::Resize(e.to_string()))?;
        // Drop the mappings before shrinking: a page past the new end would SIGBUS.
        self.view = None;
        let resized = file.set_len(new_len).and_then(|()| self.remap(new_len));
        if let Err(e) = resized {
            // Put everything back as it was, so later edits still land in the file.
            let _ = file.set_len(old);
            let _ = self.remap(old);
            self.cut = cut_before;
            return Err(EditError::Resize(e.to_string()));
        }
        // Our own resize is not another writer's change.
        if let Some(st) = &mut self.stamp {
            st.len = new_len;
        }
        if new_len < self.base_len {
            Arc::make_mut(&mut self.overlay).truncate(new_len);
        }
        self.len = new_len;
        self.pieces = Tree::of(Piece::Base {
            start: 0,
            len: new_len,
        });
        // Regrowing inside what the last save left: the new bytes are zeros, compared with
        // the saved bytes kept in `cut`.
        if new_len > old && old < self.base_len {
            let hi = new_len.min(self.base_len);
            let zeros = vec![0u8; idx(hi - old)];
            if let Some((start, orig)) = self.cut.take() {
                let ov = Arc::make_mut(&mut self.overlay);
                ov.record(old, &zeros, |r| {
                    let (s, e) = (idx(r.start - start), idx(r.end - start).min(orig.len()));
                    orig.get(s..e).map(<[u8]>::to_vec).unwrap_or_default()
                });
                let used = idx(hi - start).min(orig.len());
                if used < orig.len() {
                    self.cut = Some((hi, orig[used..].to_vec()));
                }
            }
        }
        Ok(())
    }

    /// Maps the file again at `len` (both the disk view and the writable view).
    pub(super) fn remap(&mut self, len: u64) -> io::Result<()> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        self.view = None;
        self.disk = DiskMap::map(file, len)?;
        self.view = match self.mode {
            Mode::ReadOnly => None,
            _ if len == 0 => None,
            Mode::CopyOnWrite => Some(ViewMap::map(file, len, ViewKind::Private)?),
            Mode::WriteThrough => Some(ViewMap::map(file, len, ViewKind::Shared)?),
        };
        Ok(())
    }
}

/// A tree of one fill piece.
fn fill_tree(pattern: &[u8], phase: usize, len: u64) -> Tree {
    if pattern.is_empty() {
        return Tree::new();
    }
    Tree::of(Piece::Fill {
        pattern: Arc::from(pattern),
        phase: phase % pattern.len(),
        len,
    })
}
