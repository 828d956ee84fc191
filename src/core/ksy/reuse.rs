//! Keeping what an edit did not change: after an edit, [`Tree::reparse`] makes a new tree
//! over the new bytes that starts with the element offsets of the old tree's long arrays, as
//! far as they cannot depend on the edited bytes. Element 90,000 of a ZIP's records is then
//! found again at once instead of by parsing the 90,000 records before it.
//!
//! Why that is sound: parsing is a function of the bytes it reads and of the stream lengths
//! it asks for, nothing else. The tree keeps a running account of both ([`Tree::reach`]: the
//! end of the furthest file byte any read so far has touched, and whether the file's length
//! was asked for). Each fact an array learns, "element *i* starts at this offset", is stamped
//! with that account as it stood when it was learnt (a [`Mark`]). The account covers every
//! earlier read, including those behind values cached before and only looked up then, so it
//! covers everything the fact can depend on. If the account reached no further than the first
//! edited byte (and did not ask for the length, when the edit changed it), a parse of the new
//! bytes learns the same fact, and the new tree may take it as given.

use std::sync::Arc;

use super::parse::{Bits, Cursor};
use super::tree::{Data, Kind, NodeId, Tree};
use crate::core::source::ByteSource;

/// What the tree had read when it learnt something: the end of the furthest file byte, and
/// whether it had asked for the file's length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Mark {
    pub reach: u64,
    pub eof: bool,
}

impl Mark {
    /// True when what was learnt under this mark still holds after an edit whose first
    /// changed byte is at `at` (`resized`: the edit changed the length).
    fn holds(self, at: u64, resized: bool) -> bool {
        self.reach <= at && !(resized && self.eof)
    }
}

/// The known beginning of a sequential array: elements `0..n` exist, element `i` is read
/// from file offset `starts[i]` (with the bits a bit field left pending there), and
/// `starts[n]` is where parsing goes on; `marks[i]` is what the start `starts[i]` depends on.
/// `done`: the array ends after element `n - 1`.
#[derive(Debug)]
pub(crate) struct Hint {
    pub starts: Vec<(u64, Bits)>,
    pub marks: Vec<Mark>,
    pub done: Option<Mark>,
}

impl Hint {
    /// The number of elements known.
    pub fn known(&self) -> u64 {
        self.starts.len().saturating_sub(1) as u64
    }
}

/// Arrays shorter than this are parsed again rather than remembered.
const MIN_HINT: usize = 32;

impl<S: ByteSource> Tree<S> {
    /// The tree's account of what it has read so far.
    pub(crate) fn mark(&self) -> Mark {
        Mark {
            reach: self.reach.get(),
            eof: self.eof.get(),
        }
    }

    /// Takes a fact learnt under `m` as given: what follows depends on what it did.
    pub(crate) fn bump(&self, m: Mark) {
        self.reach.set(self.reach.get().max(m.reach));
        if m.eof {
            self.eof.set(true);
        }
    }

    /// Notes that bytes of stream `io` up to `end` were read or relied on.
    pub(crate) fn touch(&self, io: usize, end: u64) {
        if let Data::File { base } = self.streams[io].data {
            self.reach
                .set(self.reach.get().max(base.saturating_add(end)));
        }
    }

    /// The length of stream `io`, noting that it was asked for.
    pub(crate) fn stream_len(&self, io: usize) -> u64 {
        let s = &self.streams[io];
        if s.eof_dep {
            self.eof.set(true);
        }
        s.len
    }

    /// A new tree over `src`, the bytes after an edit whose first changed byte is at `at`
    /// (`resized`: the edit changed the length), starting with what this tree knows that
    /// the edit cannot have changed. Only the arrays' element offsets are carried over; every
    /// field is read again from `src` when asked for.
    #[must_use]
    pub fn reparse(&self, src: S, at: u64, resized: bool) -> Self {
        let mut t = Tree::with_limits(Arc::clone(&self.schema), src, self.limits);
        for &id in &self.arrays {
            let n = self.node(id);
            let Kind::Array(a) = &n.kind else { continue };
            if a.stride.is_some() && a.count.is_some() {
                continue;
            }
            let Data::File { base } = self.streams[n.io].data else {
                continue;
            };
            if a.base as usize + a.dense.len() < MIN_HINT || !a.created.holds(at, resized) {
                continue;
            }
            let mut starts = vec![(base + a.first.0, a.first.1)];
            let mut marks = vec![a.created];
            if let Some(h) = &a.hint {
                starts.extend_from_slice(&h.starts[1..]);
                marks.extend_from_slice(&h.marks[1..]);
            }
            for &(next, bits, m) in &a.marks {
                starts.push((base + next, bits));
                marks.push(m);
            }
            let k = marks.partition_point(|m| m.holds(at, resized));
            starts.truncate(k);
            marks.truncate(k);
            if starts.len() <= MIN_HINT {
                continue;
            }
            let all = k == a.base as usize + a.dense.len() + 1;
            let done = a
                .done_mark
                .filter(|m| all && a.done && a.error.is_none() && m.holds(at, resized));
            t.hints.insert(
                self.path(id),
                Arc::new(Hint {
                    starts,
                    marks,
                    done,
                }),
            );
        }
        t
    }

    /// Gives a new sequential array the hint for its path, if there is one that starts where
    /// it does.
    pub(crate) fn apply_hint(&mut self, arr: NodeId) {
        if self.hints.is_empty() {
            return;
        }
        let n = self.node(arr);
        let Data::File { base } = self.streams[n.io].data else {
            return;
        };
        let (start, first) = match &n.kind {
            Kind::Array(a) => (n.start, (base + a.first.0, a.first.1)),
            _ => return,
        };
        let Some(h) = self.hints.get(&self.path(arr)).cloned() else {
            return;
        };
        if h.starts.first() != Some(&first) {
            return;
        }
        let known = h.known();
        let Some(&(resume, bits)) = h.starts.last() else {
            return;
        };
        let Some(rel) = resume.checked_sub(base).filter(|&r| r >= start) else {
            return;
        };
        self.node_mut(arr).size = rel - start;
        if let Kind::Array(a) = &mut self.node_mut(arr).kind {
            a.base = known;
            a.next = rel;
            a.next_bits = bits;
            if let Some(m) = h.done {
                a.done = true;
                a.done_mark = Some(m);
            }
            a.hint = Some(h);
        }
    }

    /// Element `i` (below the array's `base`) from its hint, made on first use.
    pub(crate) fn hinted_element(&mut self, arr: NodeId, i: u64) -> Option<NodeId> {
        let (h, io) = match &self.node(arr).kind {
            Kind::Array(a) => {
                if let Some(&n) = a.sparse.get(&i) {
                    return Some(n);
                }
                (Arc::clone(a.hint.as_ref()?), self.node(arr).io)
            }
            _ => return None,
        };
        let idx = usize::try_from(i).ok()?;
        let Data::File { base } = self.streams[io].data else {
            return None;
        };
        self.bump(*h.marks.get(idx)?);
        let (schema, ty, inst, aidx, owner) = self.array_attr(arr);
        let attr = schema.types[ty].attr(inst, aidx);
        let &(pos, bits) = h.starts.get(idx)?;
        let mut cur = Cursor {
            io,
            pos: pos.checked_sub(base)?,
            bits,
        };
        match self.read_one(owner, attr, &mut cur, &format!("[{i}]"), arr, Some(i)) {
            Ok(el) => {
                if let Kind::Array(a) = &mut self.node_mut(arr).kind {
                    a.sparse.insert(i, el);
                }
                Some(el)
            }
            Err(e) => {
                if let Kind::Array(a) = &mut self.node_mut(arr).kind {
                    a.error = Some(e);
                }
                None
            }
        }
    }

    /// The first element at or before index `i` whose bytes hold `at` (elements of bit
    /// fields share bytes), stepping back a few elements from `i`.
    fn first_holding(&mut self, arr: NodeId, mut i: u64, at: u64) -> Option<NodeId> {
        let holds = |t: &Self, c: NodeId| t.file_range(c).is_some_and(|r| r.contains(&at));
        for _ in 0..64 {
            match self.element(arr, i) {
                Some(c) if i > 0 && self.file_range(c).is_some_and(|r| r.start > at) => i -= 1,
                _ => break,
            }
        }
        for _ in 0..64 {
            if i == 0 {
                break;
            }
            match self.element(arr, i - 1) {
                Some(p) if holds(self, p) => i -= 1,
                _ => break,
            }
        }
        self.element(arr, i).filter(|&c| holds(self, c))
    }

    /// The element of array `arr` whose bytes hold file offset `at`, parsing forward as far
    /// as needed: by arithmetic for fixed-size elements, else by binary search over the
    /// elements whose offsets are known, then element by element.
    pub(crate) fn element_at(&mut self, arr: NodeId, at: u64) -> Option<NodeId> {
        let (stride, count, io, start) = match &self.node(arr).kind {
            Kind::Array(a) => (a.stride, a.count, self.node(arr).io, self.node(arr).start),
            _ => return None,
        };
        let Data::File { base } = self.streams[io].data else {
            return None;
        };
        let holds = |t: &Self, c: NodeId| t.file_range(c).is_some_and(|r| r.contains(&at));
        if let (Some(stride), Some(count)) = (stride, count) {
            let i = at.checked_sub(base + start)? / stride.max(1);
            return (i < count)
                .then(|| self.element(arr, i))
                .flatten()
                .filter(|&c| holds(self, c));
        }
        // Elements known from a hint.
        let (hint_end, known) = match &self.node(arr).kind {
            Kind::Array(a) => match &a.hint {
                Some(h) => (h.starts.last().map(|&(s, _)| s), a.base),
                None => (None, 0),
            },
            _ => return None,
        };
        if let Some(end) = hint_end
            && at < end
        {
            // Positions are where reading went on: an element begun inside a byte a bit
            // field began starts one byte before its position.
            let i = match &self.node(arr).kind {
                Kind::Array(a) => a.hint.as_ref().map(|h| {
                    h.starts
                        .partition_point(|&(s, _)| s <= at.saturating_add(1))
                }),
                _ => None,
            }?;
            let i = (i as u64).saturating_sub(1).min(known.saturating_sub(1));
            return self.first_holding(arr, i, at);
        }
        // Elements parsed: binary search by start, then parse on.
        let (j, parsed) = match &self.node(arr).kind {
            Kind::Array(a) => (
                a.dense
                    .partition_point(|&c| self.file_range(c).is_some_and(|r| r.start <= at)),
                a.dense.len() as u64,
            ),
            _ => return None,
        };
        if j > 0
            && ((j as u64) < parsed
                || self
                    .element(arr, known + parsed - 1)
                    .is_some_and(|c| holds(self, c)))
        {
            // An element starts past `at` (or the last one holds it): the first holding it
            // is at or just before the last one starting at or before it.
            return self.first_holding(arr, known + j as u64 - 1, at);
        }
        if (j as u64) < parsed {
            return None;
        }
        let mut i = known + parsed;
        while let Some(c) = self.element(arr, i) {
            match self.file_range(c) {
                Some(r) if r.contains(&at) => return Some(c),
                Some(r) if r.start > at => return None,
                _ => {}
            }
            i += 1;
        }
        None
    }
}
