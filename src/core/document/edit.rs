//! Editing a document: writes (overwrite and append), undo groups, undo and redo, and the
//! length changes they imply. Every byte written is recorded in the overlay before it goes
//! into the view, so the mapping is never the only copy of an edit.

use std::io;
use std::sync::Arc;

use super::{Document, EditError, Mode, SourceKind, idx, to_usize};
use crate::core::history::History;
use crate::core::mapping::{DiskMap, ViewKind, ViewMap};
use crate::core::patch::{Patch, Transaction};
use crate::core::source::ByteSource;

impl Document {
    /// Opens an undo group: every write until [`Document::end_group`] is one undo step.
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

    /// Overwrites bytes at `offset` (which may be the end, to append). Part of the open undo
    /// group, or an undo step of its own.
    pub fn write(&mut self, offset: u64, bytes: &[u8]) -> Result<(), EditError> {
        if self.mode == Mode::ReadOnly {
            return Err(EditError::ReadOnly);
        }
        if offset > self.len {
            return Err(EditError::PastEnd {
                offset,
                len: self.len,
            });
        }
        if bytes.is_empty() {
            return Ok(());
        }
        self.check_attached()?;
        if self.kind == SourceKind::BlockDevice && offset + bytes.len() as u64 > self.len {
            return Err(EditError::Resize(
                "a block device cannot grow; overwrite within it".into(),
            ));
        }
        let end = offset
            .checked_add(bytes.len() as u64)
            .ok_or(EditError::TooLarge { offset })?;
        to_usize(end)?;
        let mut old = self.read(offset..end).into_owned();
        old.resize(bytes.len(), 0);
        let patch =
            Patch::new(offset, old, bytes.to_vec()).map_err(|_| EditError::TooLarge { offset })?;
        let before = self.len;
        let new_len = self.len.max(end);
        self.set_len(new_len)?;
        self.put(offset, bytes);
        self.last_change = Some(offset..end);
        if let Some(tx) = &mut self.group {
            tx.push(patch, new_len);
        } else {
            let mut tx = Transaction::new(before);
            tx.push(patch, new_len);
            self.history.record(tx);
        }
        Ok(())
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
        if let Err(e) = self.apply(&tx) {
            back(&mut self.history);
            return Err(e);
        }
        Ok(Some(tx.first_offset().unwrap_or(0).min(self.len)))
    }

    fn apply(&mut self, tx: &Transaction) -> Result<(), EditError> {
        // The length first: it is the only step that can fail (a write-through resize), so a
        // failure leaves every byte as it was. Bytes past a shrunk end are clipped.
        self.set_len(tx.len_after())?;
        self.last_change = tx.span();
        for p in tx.patches() {
            let end = p.end().min(self.len);
            if p.offset() < end {
                let n = idx(end - p.offset());
                self.put(p.offset(), &p.new_bytes()[..n]);
            }
        }
        Ok(())
    }

    /// Writes bytes already checked to lie within `0..len`, recording them in the overlay.
    fn put(&mut self, offset: u64, bytes: &[u8]) {
        let end = offset + bytes.len() as u64;
        let view_len = self.view.as_ref().map_or(0, |v| v.as_slice().len() as u64);
        // Part inside what was on disk: record original/current, then write the view.
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
        match self.mode {
            Mode::WriteThrough => {
                if let Some(v) = &mut self.view {
                    let e = end.min(view_len);
                    if offset < e {
                        v.as_mut_slice()[idx(offset)..idx(e)]
                            .copy_from_slice(&bytes[..idx(e - offset)]);
                    }
                }
            }
            Mode::CopyOnWrite => {
                if let Some(v) = self.view.as_mut().filter(|_| offset < split) {
                    let e = split.min(view_len);
                    if offset < e {
                        v.as_mut_slice()[idx(offset)..idx(e)]
                            .copy_from_slice(&bytes[..idx(e - offset)]);
                    }
                }
                if end > self.base_len {
                    let from = offset.max(self.base_len);
                    let tail = Arc::make_mut(&mut self.tail);
                    let t = idx(from - self.base_len);
                    tail[t..t + idx(end - from)].copy_from_slice(&bytes[idx(from - offset)..]);
                }
            }
            Mode::ReadOnly => {}
        }
    }

    /// Changes the length: zero-filled growth or truncation.
    pub(super) fn set_len(&mut self, new_len: u64) -> Result<(), EditError> {
        let old = self.len;
        if new_len == old {
            return Ok(());
        }
        if self.mode == Mode::ReadOnly {
            return Err(EditError::ReadOnly);
        }
        // Shrinking below what is on disk (undoing a saved append): keep the saved bytes of
        // the part cut off, so that regrowing it later still compares against them.
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
        match self.mode {
            Mode::ReadOnly => return Err(EditError::ReadOnly),
            Mode::CopyOnWrite => {
                let tail_len = to_usize(new_len.saturating_sub(self.base_len))?;
                Arc::make_mut(&mut self.tail).resize(tail_len, 0);
            }
            Mode::WriteThrough => {
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
            }
        }
        if new_len < self.base_len {
            Arc::make_mut(&mut self.overlay).truncate(new_len);
        }
        self.len = new_len;
        // Regrowing inside what is on disk: the new bytes are zeros, compared with the saved
        // bytes kept in `cut`.
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
            if let Some(v) = self
                .view
                .as_mut()
                .filter(|_| self.mode == Mode::CopyOnWrite)
            {
                let e = idx(hi).min(v.as_slice().len());
                if idx(old) < e {
                    v.as_mut_slice()[idx(old)..e].fill(0);
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
