//! What a file should become, as a list of segments: where each stretch of the new content
//! comes from. The saver of length-changing edits ([`crate::core::relayout`]), `maphex
//! replace` and the document's piece table all speak it.
//!
//! A segment is either a range of the **old file** (the bytes on disk now, at `offset`), bytes
//! held in memory (in the layout's own arena, or shared with a document's add buffer), or a
//! repeated **pattern** (so a 4 GiB fill is a few bytes here too). Segments are in the order
//! of the new file; their lengths add up to its length. Pushing merges an old-file range that
//! continues the previous one, so a layout of an unchanged file is one segment.

use std::sync::Arc;

/// Where the bytes of one segment come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// The old file's bytes at `offset..offset + len`.
    Old {
        /// Offset in the old file.
        offset: u64,
    },
    /// Bytes in the layout's arena at `start..start + len`.
    Data {
        /// Offset in [`Layout::arena`].
        start: usize,
    },
    /// Bytes of a shared buffer at `start..start + len`.
    Shared {
        /// The buffer.
        buf: Arc<[u8]>,
        /// Where the segment starts in it.
        start: usize,
    },
    /// `pattern` repeated, starting `phase` bytes into it.
    Fill {
        /// The repeated bytes (never empty).
        pattern: Arc<[u8]>,
        /// Offset into the pattern of the segment's first byte (`< pattern.len()`).
        phase: usize,
    },
}

/// One stretch of the new file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// Bytes in this segment (never 0 in a built layout).
    pub len: u64,
    /// Where they come from.
    pub src: Source,
}

/// The new content of a file, segment by segment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    segments: Vec<Segment>,
    arena: Vec<u8>,
    len: u64,
}

impl Layout {
    /// An empty layout (an empty file).
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends `len` bytes of the old file from `offset`, merging with a previous old range
    /// that ends there.
    pub fn push_old(&mut self, offset: u64, len: u64) {
        if len == 0 {
            return;
        }
        self.len += len;
        if let Some(Segment {
            len: l,
            src: Source::Old { offset: o },
        }) = self.segments.last_mut()
            && *o + *l == offset
        {
            *l += len;
            return;
        }
        self.segments.push(Segment {
            len,
            src: Source::Old { offset },
        });
    }

    /// Appends bytes, copied into the arena (merged with a previous arena segment).
    pub fn push_bytes(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let start = self.arena.len();
        self.arena.extend_from_slice(bytes);
        self.len += bytes.len() as u64;
        if let Some(Segment {
            len: l,
            src: Source::Data { start: s },
        }) = self.segments.last_mut()
            && *s + usize::try_from(*l).unwrap_or(usize::MAX) == start
        {
            *l += bytes.len() as u64;
            return;
        }
        self.segments.push(Segment {
            len: bytes.len() as u64,
            src: Source::Data { start },
        });
    }

    /// Appends `buf[start..start + len]` without copying it.
    pub fn push_shared(&mut self, buf: Arc<[u8]>, start: usize, len: usize) {
        if len == 0 {
            return;
        }
        self.len += len as u64;
        self.segments.push(Segment {
            len: len as u64,
            src: Source::Shared { buf, start },
        });
    }

    /// Appends `len` bytes of `pattern` repeated, starting `phase` bytes into it.
    pub fn push_fill(&mut self, pattern: Arc<[u8]>, phase: usize, len: u64) {
        if len == 0 || pattern.is_empty() {
            return;
        }
        self.len += len;
        let phase = phase % pattern.len();
        self.segments.push(Segment {
            len,
            src: Source::Fill { pattern, phase },
        });
    }

    /// Length of the new file.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True for an empty new file.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The segments, in file order.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The segments with the offset each starts at in the new file.
    pub fn with_offsets(&self) -> impl Iterator<Item = (u64, &Segment)> + '_ {
        self.segments.iter().scan(0u64, |at, s| {
            let here = *at;
            *at += s.len;
            Some((here, s))
        })
    }

    /// The arena that [`Source::Data`] segments point into.
    pub fn arena(&self) -> &[u8] {
        &self.arena
    }

    /// The in-memory bytes of a segment that is not [`Source::Old`], `skip` bytes into it and
    /// at most `max` of them (a fill is expanded into the buffer given).
    pub fn memory_bytes<'a>(
        &'a self,
        seg: &'a Segment,
        skip: u64,
        max: usize,
        scratch: &'a mut Vec<u8>,
    ) -> &'a [u8] {
        let avail = usize::try_from(seg.len.saturating_sub(skip)).unwrap_or(usize::MAX);
        let n = avail.min(max);
        let skip = usize::try_from(skip).unwrap_or(usize::MAX);
        match &seg.src {
            Source::Old { .. } => &[],
            Source::Data { start } => &self.arena[start + skip..start + skip + n],
            Source::Shared { buf, start } => &buf[start + skip..start + skip + n],
            Source::Fill { pattern, phase } => {
                scratch.clear();
                let p = pattern.len();
                let mut at = (phase + skip % p) % p;
                while scratch.len() < n {
                    let take = (p - at).min(n - scratch.len());
                    scratch.extend_from_slice(&pattern[at..at + take]);
                    at = 0;
                }
                scratch
            }
        }
    }

    /// The first offset where the new file differs in place from an old file of `old_len`
    /// bytes: everything before it is the old bytes at the same offsets. `None` when the
    /// layout is the old file unchanged.
    pub fn first_change(&self, old_len: u64) -> Option<u64> {
        for (at, seg) in self.with_offsets() {
            match seg.src {
                Source::Old { offset } if offset == at => {}
                _ => return Some(at),
            }
        }
        (self.len != old_len).then_some(self.len.min(old_len))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_ranges_merge_and_first_change_is_found() {
        let mut l = Layout::new();
        l.push_old(0, 10);
        l.push_old(10, 5);
        assert_eq!(l.segments().len(), 1);
        assert_eq!(l.first_change(15), None);
        assert_eq!(l.first_change(20), Some(15));
        l.push_bytes(b"ab");
        l.push_bytes(b"c");
        l.push_old(15, 5);
        assert_eq!(l.segments().len(), 3);
        assert_eq!(l.len(), 23);
        assert_eq!(l.first_change(20), Some(15));
        assert_eq!(l.arena(), b"abc");
    }

    #[test]
    fn fill_bytes_keep_their_phase() {
        let mut l = Layout::new();
        l.push_fill(Arc::from(&b"xyz"[..]), 1, 7);
        let seg = l.segments()[0].clone();
        let mut scratch = Vec::new();
        assert_eq!(l.memory_bytes(&seg, 0, 99, &mut scratch), b"yzxyzxy");
        assert_eq!(l.memory_bytes(&seg, 2, 3, &mut scratch), b"xyz");
    }
}
