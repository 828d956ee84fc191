//! A document's bytes for another thread (the search and line-index workers).

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

use super::idx;
use crate::core::mapping::DiskMap;
use crate::core::overlay::Overlay;
use crate::core::source::ByteSource;

/// A view of a document's bytes for another thread (the search worker): the unsaved edits as
/// they were when it was taken, over the shared mapping of the file. Reads borrow from the
/// mapping where nothing was edited. The mapping is live like every mmap: bytes the file gets
/// later (a save, a write-through edit, another program) show through; a truncation shows as
/// zeros (the SIGBUS guard) and the document notices it, not the snapshot.
#[derive(Clone)]
pub struct Snapshot {
    pub(super) disk: DiskMap,
    pub(super) overlay: Arc<Overlay>,
    pub(super) tail: Arc<Vec<u8>>,
    pub(super) base_len: u64,
    pub(super) len: u64,
}

impl Snapshot {
    /// True when the file was truncated under this snapshot's mapping (pages past the new
    /// end read as zeros): what was read from it may be stale.
    pub fn faulted(&self) -> bool {
        self.disk.faulted()
    }
}

impl ByteSource for Snapshot {
    fn len(&self) -> u64 {
        self.len
    }

    fn read(&self, range: Range<u64>) -> Cow<'_, [u8]> {
        let end = range.end.min(self.len);
        let start = range.start.min(end);
        let split = end.min(self.base_len).max(start);
        let disk = self
            .disk
            .as_slice()
            .get(idx(start)..idx(split))
            .unwrap_or_default();
        let mut edits = self.overlay.current_in(start..split).peekable();
        if split == end && edits.peek().is_none() {
            return Cow::Borrowed(disk);
        }
        let mut out = disk.to_vec();
        for (off, bytes) in edits {
            let s = idx(off - start);
            out[s..s + bytes.len()].copy_from_slice(bytes);
        }
        if split < end {
            let from = idx(split.saturating_sub(self.base_len));
            let to = idx(end - self.base_len).min(self.tail.len());
            if from < to {
                out.extend_from_slice(&self.tail[from..to]);
            }
        }
        Cow::Owned(out)
    }
}
