//! What differs from the file: whether the document is dirty, which bytes are changed (for
//! drawing them apart) and how many.

use std::collections::VecDeque;
use std::ops::Range;

use super::{Document, Mode, idx};
use crate::core::pieces::{Piece, Tree};
use crate::core::source::ByteSource;

impl Document {
    /// True when there are edits not yet saved (or, in write-through, not yet flushed).
    pub fn is_dirty(&self) -> bool {
        if self.group.as_ref().is_some_and(|g| !g.is_empty()) {
            return true;
        }
        if self.pieces.is_identity(self.base_len) {
            return !self.overlay.is_empty();
        }
        // The file's first `k` bytes in place, then bytes of the document's own where the
        // file's stood (a cut and a regrowth, an undone append typed again): clean when those
        // bytes are the file's. Compared only when short (this runs every frame).
        match self.appended_shape() {
            Some(k)
                if self.mode == Mode::CopyOnWrite
                    && self.len == self.base_len
                    && self.len - k <= 1 << 20 =>
            {
                self.overlay.ranges_in(0..k).next().is_some()
                    || *self.read(k..self.len)
                        != *self
                            .disk
                            .as_slice()
                            .get(idx(k)..idx(self.len))
                            .unwrap_or_default()
            }
            _ => true,
        }
    }

    /// True when the document is the file's bytes in place, with at most same-length edits
    /// (a save writes only the changed runs).
    pub fn is_in_place(&self) -> bool {
        self.pieces.is_identity(self.base_len)
    }

    /// A number that changes whenever the bytes do (a background job checks it before
    /// applying what it computed from a snapshot).
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Where the bytes changed since `version` (a value [`Document::version`] gave): the
    /// lowest offset any change since touched, and whether any changed the length. For
    /// whoever keeps something computed from the bytes (the structure pane's parse) and can
    /// keep what lies before the first change.
    pub fn changed_since(&self, version: u64) -> Since {
        if version >= self.version {
            return Since::Same;
        }
        if version < self.log.floor {
            return Since::Unknown;
        }
        let mut at = u64::MAX;
        let mut resized = false;
        for &(v, a, r) in self.log.entries.iter().rev() {
            if v <= version {
                break;
            }
            at = at.min(a);
            resized |= r;
        }
        Since::Changed { at, resized }
    }

    /// Pieces in the piece table (1 for an unedited file).
    pub fn piece_count(&self) -> u64 {
        self.pieces.count()
    }

    /// Bytes that differ from disk: the file's bytes overwritten, plus inserted and filled
    /// bytes (bytes deleted are not counted).
    pub fn changed_bytes(&self) -> u64 {
        let appended = if self.mode == Mode::WriteThrough {
            self.len.saturating_sub(self.base_len)
        } else {
            0
        };
        self.overlay.changed_bytes() + self.pieces.added() + appended
    }

    /// The changed ranges that overlap `range`, in order, for drawing them apart: inserted and
    /// filled bytes, and the file's bytes overwritten (wherever they are now).
    pub fn changed_in(&self, range: Range<u64>) -> Vec<Range<u64>> {
        let mut out: Vec<Range<u64>> = Vec::new();
        let end = range.end.min(self.len);
        let mut push = |r: Range<u64>| match out.last_mut() {
            Some(last) if last.end == r.start => last.end = r.end,
            _ => out.push(r),
        };
        // When the document is the file's first bytes in place and then bytes of its own (an
        // append, or a cut and a regrowth), those bytes stand where the file's did: they are
        // changed only where they differ from the file's bytes there.
        let in_place_tail = self.mode == Mode::CopyOnWrite && self.appended_shape().is_some();
        let disk = self.disk.as_slice();
        self.pieces.visit(range.start..end, &mut |at, p, from, to| {
            match p {
                Piece::Base { start, .. } => {
                    for r in self.overlay.ranges_in(start + from..start + to) {
                        push(r.start - start - from + at..r.end - start - from + at);
                    }
                }
                _ if in_place_tail => {
                    let mut bytes = Vec::new();
                    Tree::piece_bytes(p, from, to, &mut bytes, &|_, _| {});
                    let mut i = 0;
                    while i < bytes.len() {
                        let pos = at + i as u64;
                        let same = |k: usize| disk.get(idx(at) + k) == Some(&bytes[k]);
                        if same(i) {
                            i += 1;
                            continue;
                        }
                        let j = (i..bytes.len()).find(|&k| same(k)).unwrap_or(bytes.len());
                        push(pos..at + j as u64);
                        i = j;
                    }
                }
                _ => push(at..at + (to - from)),
            }
            true
        });
        // Write-through bytes appended since the last save.
        let app = self.base_len.max(range.start)..self.len.min(range.end);
        if self.mode == Mode::WriteThrough && app.start < app.end {
            push(app);
        }
        out
    }
}

/// Where the bytes changed since a version ([`Document::changed_since`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    /// Nothing changed.
    Same,
    /// Bytes from `at` on may differ; `resized`: the length changed (and bytes moved).
    Changed {
        /// The lowest changed offset.
        at: u64,
        /// Some change inserted or removed bytes.
        resized: bool,
    },
    /// Too long ago to say: anything may differ.
    Unknown,
}

/// The latest changes by version: (version, lowest offset, length changed).
#[derive(Debug, Default)]
pub(super) struct ChangeLog {
    /// Versions up to this one are no longer in `entries`.
    floor: u64,
    entries: VecDeque<(u64, u64, bool)>,
}

impl ChangeLog {
    /// How many changes are remembered.
    const KEEP: usize = 4096;

    pub(super) fn add(&mut self, version: u64, at: u64, resized: bool) {
        if self.entries.len() == Self::KEEP
            && let Some((v, ..)) = self.entries.pop_front()
        {
            self.floor = v;
        }
        self.entries.push_back((version, at, resized));
    }
}
