//! A document's bytes for another thread (the search and line-index workers).

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

use super::idx;
use crate::core::mapping::DiskMap;
use crate::core::overlay::Overlay;
use crate::core::pieces::{Piece, Tree};
use crate::core::source::ByteSource;

/// A view of a document's bytes for another thread (the search worker): the pieces and the
/// same-length edits as they were when it was taken, over the shared mapping of the file.
/// Reads borrow from the mapping where nothing was edited. The mapping is live like every
/// mmap: bytes the file gets later (a save, a write-through edit, another program) show
/// through; a truncation shows as zeros (the SIGBUS guard) and the document notices it, not
/// the snapshot.
#[derive(Clone)]
pub struct Snapshot {
    pub(super) disk: DiskMap,
    pub(super) overlay: Arc<Overlay>,
    pub(super) pieces: Tree,
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
        let disk = self.disk.as_slice();
        read_pieces(&self.pieces, range, disk, Some(&self.overlay))
    }
}

/// The bytes of `range` of a document made of `pieces`, whose file pieces read from `file`
/// (the mapping) with `overlay` laid over it when given. Borrows from the mapping when the
/// range lies in one file piece with no edit in it.
pub(super) fn read_pieces<'a>(
    pieces: &'a Tree,
    range: Range<u64>,
    file: &'a [u8],
    overlay: Option<&Overlay>,
) -> Cow<'a, [u8]> {
    let end = range.end.min(pieces.len());
    let start = range.start.min(end);
    if start == end {
        return Cow::Borrowed(&[]);
    }
    let base = |r: Range<u64>, out: &mut Vec<u8>| {
        let at = out.len();
        let have = file
            .get(idx(r.start)..idx(r.end).min(file.len()))
            .unwrap_or_default();
        out.extend_from_slice(have);
        out.resize(at + idx(r.end - r.start), 0);
        if let Some(ov) = overlay {
            for (off, bytes) in ov.current_in(r.clone()) {
                let s = at + idx(off - r.start);
                out[s..s + bytes.len()].copy_from_slice(bytes);
            }
        }
    };
    if let Some((piece, p0)) = pieces.find(start)
        && end <= p0 + piece.len()
    {
        match piece {
            Piece::Base { start: b, .. } => {
                let (s, e) = (b + start - p0, b + end - p0);
                let clean = overlay.is_none_or(|ov| ov.ranges_in(s..e).next().is_none());
                if clean && let Some(slice) = file.get(idx(s)..idx(e)) {
                    return Cow::Borrowed(slice);
                }
            }
            Piece::Bytes { buf, start: b, .. } => {
                return Cow::Borrowed(&buf[b + idx(start - p0)..b + idx(end - p0)]);
            }
            Piece::Fill { .. } => {}
        }
    }
    let mut out = Vec::with_capacity(idx(end - start));
    pieces.visit(start..end, &mut |_, p, from, to| {
        Tree::piece_bytes(p, from, to, &mut out, &base);
        true
    });
    Cow::Owned(out)
}
