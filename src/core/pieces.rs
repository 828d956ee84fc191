//! The piece table: a document's bytes as a sequence of pieces (a range of the file as
//! mapped, bytes held in memory, or a repeated pattern) in a persistent balanced tree.
//!
//! The tree is a treap whose nodes also keep the byte length of their subtree, so finding the
//! piece at an offset, splitting at an offset and joining two trees are O(log pieces). Nodes
//! are shared (`Arc`) and never changed: an edit copies the O(log n) nodes on its path, so a
//! snapshot for another thread is one `Arc` clone, and the pieces an edit removed are a tree
//! of their own that undo puts back (VS Code's piece tree and Hex Fiend's byte-slice tree
//! are the same idea; persistence is from "Just Join for Parallel Ordered Sets").

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Where one piece's bytes are.
#[derive(Clone, Debug)]
pub enum Piece {
    /// `len` bytes of the file (as mapped, with its same-length edits) from `start`.
    Base {
        /// Offset in the file.
        start: u64,
        /// Length.
        len: u64,
    },
    /// Bytes in memory: `buf[start..start + len]`.
    Bytes {
        /// The buffer (shared with history and snapshots; never changed).
        buf: Arc<[u8]>,
        /// Where the piece starts in it.
        start: usize,
        /// Length.
        len: usize,
    },
    /// `pattern` repeated for `len` bytes, starting `phase` bytes into it.
    Fill {
        /// The pattern (never empty).
        pattern: Arc<[u8]>,
        /// Offset into the pattern of the first byte (`< pattern.len()`).
        phase: usize,
        /// Length.
        len: u64,
    },
}

impl Piece {
    /// Bytes held in memory as a piece.
    pub fn bytes(bytes: &[u8]) -> Self {
        Piece::Bytes {
            buf: Arc::from(bytes),
            start: 0,
            len: bytes.len(),
        }
    }

    /// The bytes `from..to` of this piece as a piece of their own (`from < to <= len`).
    #[must_use]
    pub fn slice(&self, from: u64, to: u64) -> Piece {
        let tail = if from == 0 {
            self.clone()
        } else {
            self.split(from).1
        };
        if to - from == tail.len() {
            tail
        } else {
            tail.split(to - from).0
        }
    }

    /// Length in bytes.
    pub fn len(&self) -> u64 {
        match self {
            Piece::Base { len, .. } | Piece::Fill { len, .. } => *len,
            Piece::Bytes { len, .. } => *len as u64,
        }
    }

    /// True for a piece of no bytes (never stored in a tree).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The first `k` bytes and the rest (`0 < k < len`).
    fn split(&self, k: u64) -> (Piece, Piece) {
        match self {
            Piece::Base { start, len } => (
                Piece::Base {
                    start: *start,
                    len: k,
                },
                Piece::Base {
                    start: start + k,
                    len: len - k,
                },
            ),
            Piece::Bytes { buf, start, len } => {
                let k = usize::try_from(k).unwrap_or(*len);
                (
                    Piece::Bytes {
                        buf: Arc::clone(buf),
                        start: *start,
                        len: k,
                    },
                    Piece::Bytes {
                        buf: Arc::clone(buf),
                        start: start + k,
                        len: len - k,
                    },
                )
            }
            Piece::Fill {
                pattern,
                phase,
                len,
            } => {
                let p = pattern.len() as u64;
                let next = usize::try_from((*phase as u64 + k % p) % p).unwrap_or(0);
                (
                    Piece::Fill {
                        pattern: Arc::clone(pattern),
                        phase: *phase,
                        len: k,
                    },
                    Piece::Fill {
                        pattern: Arc::clone(pattern),
                        phase: next,
                        len: len - k,
                    },
                )
            }
        }
    }

    /// `self` followed by `next` as one piece, when they continue each other.
    fn joined(&self, next: &Piece) -> Option<Piece> {
        match (self, next) {
            (Piece::Base { start, len }, Piece::Base { start: s2, len: l2 })
                if start + len == *s2 =>
            {
                Some(Piece::Base {
                    start: *start,
                    len: len + l2,
                })
            }
            (
                Piece::Bytes { buf, start, len },
                Piece::Bytes {
                    buf: b2,
                    start: s2,
                    len: l2,
                },
            ) if Arc::ptr_eq(buf, b2) && start + len == *s2 => Some(Piece::Bytes {
                buf: Arc::clone(buf),
                start: *start,
                len: len + l2,
            }),
            (
                Piece::Fill {
                    pattern,
                    phase,
                    len,
                },
                Piece::Fill {
                    pattern: p2,
                    phase: ph2,
                    len: l2,
                },
            ) if (Arc::ptr_eq(pattern, p2) || pattern == p2)
                && (*phase as u64 + len % pattern.len() as u64) % pattern.len() as u64
                    == *ph2 as u64 =>
            {
                Some(Piece::Fill {
                    pattern: Arc::clone(pattern),
                    phase: *phase,
                    len: len + l2,
                })
            }
            _ => None,
        }
    }
}

#[derive(Debug)]
struct Node {
    piece: Piece,
    /// Bytes in this subtree.
    len: u64,
    /// Pieces in this subtree.
    count: u64,
    /// Bytes in this subtree held in memory or as patterns (not the file's).
    added: u64,
    prio: u64,
    left: Tree,
    right: Tree,
}

/// A persistent sequence of pieces (cheap to clone: one `Arc`).
#[derive(Clone, Debug, Default)]
pub struct Tree(Option<Arc<Node>>);

/// Random-looking priorities (splitmix64 over a counter): deterministic, no clock, no RNG crate.
fn next_prio() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0x9e37_79b9_7f4a_7c15);
    let mut z = COUNTER.fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn node(piece: Piece, prio: u64, left: Tree, right: Tree) -> Tree {
    let len = left.len() + piece.len() + right.len();
    let count = left.count() + 1 + right.count();
    let own = if matches!(piece, Piece::Base { .. }) {
        0
    } else {
        piece.len()
    };
    let added = left.added() + own + right.added();
    Tree(Some(Arc::new(Node {
        piece,
        len,
        count,
        added,
        prio,
        left,
        right,
    })))
}

impl Tree {
    /// No pieces.
    pub fn new() -> Self {
        Self(None)
    }

    /// One piece (none when it is empty).
    pub fn of(piece: Piece) -> Self {
        if piece.is_empty() {
            return Self(None);
        }
        node(piece, next_prio(), Tree(None), Tree(None))
    }

    /// The pieces in order as one tree, built in O(n) by merging neighbours level by level.
    pub fn from_pieces(pieces: impl IntoIterator<Item = Piece>) -> Self {
        let mut level: Vec<Tree> = Vec::new();
        let mut last: Option<Piece> = None;
        for p in pieces.into_iter().filter(|p| !p.is_empty()) {
            last = match last {
                Some(prev) => {
                    if let Some(j) = prev.joined(&p) {
                        Some(j)
                    } else {
                        level.push(Tree::of(prev));
                        Some(p)
                    }
                }
                None => Some(p),
            };
        }
        level.extend(last.map(Tree::of));
        while level.len() > 1 {
            let mut next = Vec::with_capacity(level.len().div_ceil(2));
            let mut it = level.into_iter();
            while let Some(a) = it.next() {
                next.push(match it.next() {
                    Some(b) => merge(a, b),
                    None => a,
                });
            }
            level = next;
        }
        level.pop().unwrap_or_default()
    }

    /// Bytes in the tree.
    pub fn len(&self) -> u64 {
        self.0.as_ref().map_or(0, |n| n.len)
    }

    /// True with no bytes.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// Pieces in the tree.
    pub fn count(&self) -> u64 {
        self.0.as_ref().map_or(0, |n| n.count)
    }

    /// Bytes of pieces that are not the file's (inserted bytes and fills).
    pub fn added(&self) -> u64 {
        self.0.as_ref().map_or(0, |n| n.added)
    }

    /// The bytes before `at` and the rest.
    pub fn split(&self, at: u64) -> (Tree, Tree) {
        let Some(node_) = &self.0 else {
            return (Tree(None), Tree(None));
        };
        let left = node_.left.len();
        let plen = node_.piece.len();
        if at <= left {
            let (lo, hi) = node_.left.split(at);
            (
                lo,
                node(node_.piece.clone(), node_.prio, hi, node_.right.clone()),
            )
        } else if at >= left + plen {
            let (lo, hi) = node_.right.split(at - left - plen);
            (
                node(node_.piece.clone(), node_.prio, node_.left.clone(), lo),
                hi,
            )
        } else {
            let (head, tail) = node_.piece.split(at - left);
            (
                node(head, node_.prio, node_.left.clone(), Tree(None)),
                node(tail, node_.prio, Tree(None), node_.right.clone()),
            )
        }
    }

    /// `self` then `other`, joining the two pieces that meet when they continue each other
    /// (typing at the end of an insertion stays one piece only when its buffer does, but a
    /// file range cut and put back becomes one piece again).
    #[must_use]
    pub fn concat(self, other: Tree) -> Tree {
        if self.is_empty() {
            return other;
        }
        if other.is_empty() {
            return self;
        }
        let (Some(last), Some(first)) = (self.last(), other.first()) else {
            return merge(self, other);
        };
        match last.joined(&first) {
            Some(j) => {
                let (a, _) = self.split(self.len() - last.len());
                let (_, b) = other.split(first.len());
                merge(merge(a, Tree::of(j)), b)
            }
            None => merge(self, other),
        }
    }

    /// The first piece.
    pub fn first(&self) -> Option<Piece> {
        let mut n = self.0.as_ref()?;
        while let Some(l) = &n.left.0 {
            n = l;
        }
        Some(n.piece.clone())
    }

    /// The last piece.
    pub fn last(&self) -> Option<Piece> {
        let mut n = self.0.as_ref()?;
        while let Some(r) = &n.right.0 {
            n = r;
        }
        Some(n.piece.clone())
    }

    /// Replaces `len` bytes at `at` by `with`; returns the tree of the bytes taken out.
    #[must_use = "the bytes taken out are what undo puts back"]
    pub fn splice(&mut self, at: u64, len: u64, with: Tree) -> Tree {
        let (a, rest) = self.split(at);
        let (mid, b) = rest.split(len);
        *self = a.concat(with).concat(b);
        mid
    }

    /// Calls `f(offset, piece, from, to)` for every piece overlapping `range`, in order, with
    /// the piece's own offsets `from..to` of the overlapping part. Stops when `f` says false.
    pub fn visit(
        &self,
        range: std::ops::Range<u64>,
        f: &mut impl FnMut(u64, &Piece, u64, u64) -> bool,
    ) {
        if range.start < range.end {
            visit(self.0.as_ref(), 0, &range, f);
        }
    }

    /// The piece holding byte `at` and the offset where that piece starts.
    pub fn find(&self, at: u64) -> Option<(&Piece, u64)> {
        let mut n = self.0.as_ref()?;
        let mut base = 0;
        loop {
            let l = n.left.len();
            if at < base + l {
                n = n.left.0.as_ref()?;
                continue;
            }
            let start = base + l;
            if at < start + n.piece.len() {
                return Some((&n.piece, start));
            }
            base = start + n.piece.len();
            n = n.right.0.as_ref()?;
        }
    }

    /// Appends the bytes `from..to` of `piece` to `out`, reading file pieces with `base`.
    pub fn piece_bytes(
        piece: &Piece,
        from: u64,
        to: u64,
        out: &mut Vec<u8>,
        base: &impl Fn(std::ops::Range<u64>, &mut Vec<u8>),
    ) {
        match piece {
            Piece::Base { start, .. } => base(start + from..start + to, out),
            Piece::Bytes { buf, start, .. } => {
                let (f, t) = (usize_of(from), usize_of(to));
                out.extend_from_slice(&buf[start + f..start + t]);
            }
            Piece::Fill { pattern, phase, .. } => {
                let p = pattern.len() as u64;
                let mut at = usize_of((*phase as u64 + from % p) % p);
                let mut left = usize_of(to - from);
                while left > 0 {
                    let take = (pattern.len() - at).min(left);
                    out.extend_from_slice(&pattern[at..at + take]);
                    left -= take;
                    at = 0;
                }
            }
        }
    }

    /// Every piece in order (for tests, saving and materialising history).
    pub fn pieces(&self) -> Vec<Piece> {
        let mut out = Vec::new();
        self.visit(0..self.len(), &mut |_, p, from, to| {
            out.push(if from == 0 && to == p.len() {
                p.clone()
            } else {
                p.split(from).1.split(to - from).0
            });
            true
        });
        out
    }

    /// True when the tree is exactly the file `0..len`, unchanged in place.
    pub fn is_identity(&self, len: u64) -> bool {
        match &self.0 {
            None => len == 0,
            Some(n) => {
                n.count == 1 && matches!(n.piece, Piece::Base { start: 0, len: l } if l == len)
            }
        }
    }

    /// Depth of the tree (tests check the balance).
    pub fn depth(&self) -> usize {
        fn d(t: &Tree) -> usize {
            t.0.as_ref().map_or(0, |n| 1 + d(&n.left).max(d(&n.right)))
        }
        d(self)
    }
}

/// Lengths inside one piece of memory fit in a `usize`.
fn usize_of(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

fn visit(
    t: Option<&Arc<Node>>,
    base: u64,
    range: &std::ops::Range<u64>,
    f: &mut impl FnMut(u64, &Piece, u64, u64) -> bool,
) -> bool {
    let Some(n) = t else {
        return true;
    };
    if base >= range.end || base + n.len <= range.start {
        return true;
    }
    let l = n.left.len();
    if !visit(n.left.0.as_ref(), base, range, f) {
        return false;
    }
    let at = base + l;
    let end = at + n.piece.len();
    if at < range.end && end > range.start {
        let from = range.start.max(at) - at;
        let to = range.end.min(end) - at;
        if !f(at + from, &n.piece, from, to) {
            return false;
        }
    }
    visit(n.right.0.as_ref(), end, range, f)
}

/// Treap merge: every byte of `a` before every byte of `b`.
fn merge(a: Tree, b: Tree) -> Tree {
    match (&a.0, &b.0) {
        (None, _) => b,
        (_, None) => a,
        (Some(x), Some(y)) => {
            if x.prio >= y.prio {
                let right = merge(x.right.clone(), b.clone());
                node(x.piece.clone(), x.prio, x.left.clone(), right)
            } else {
                let left = merge(a.clone(), y.left.clone());
                node(y.piece.clone(), y.prio, left, y.right.clone())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes_of(t: &Tree, file: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        t.visit(0..t.len(), &mut |_, p, from, to| {
            let (from, to) = (from as usize, to as usize);
            match p {
                Piece::Base { start, .. } => {
                    out.extend_from_slice(&file[*start as usize + from..*start as usize + to]);
                }
                Piece::Bytes { buf, start, .. } => {
                    out.extend_from_slice(&buf[start + from..start + to]);
                }
                Piece::Fill { pattern, phase, .. } => {
                    for i in from..to {
                        out.push(pattern[(phase + i) % pattern.len()]);
                    }
                }
            }
            true
        });
        out
    }

    #[test]
    fn splice_against_a_vec() {
        let file: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
        let mut model = file.clone();
        let mut t = Tree::of(Piece::Base {
            start: 0,
            len: 5000,
        });
        let mut seed = 7u64;
        let mut rnd = |n: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % n.max(1)
        };
        for i in 0..2000u64 {
            let at = rnd(model.len() as u64 + 1);
            let del = rnd(20).min(model.len() as u64 - at);
            let ins: Vec<u8> = (0..rnd(5)).map(|k| (i + k) as u8).collect();
            let with = if i % 7 == 0 {
                Tree::of(Piece::Fill {
                    pattern: Arc::from(&b"xyz"[..]),
                    phase: 1,
                    len: ins.len() as u64,
                })
            } else {
                Tree::of(Piece::bytes(&ins))
            };
            let expect: Vec<u8> = if i % 7 == 0 {
                (0..ins.len()).map(|k| b"xyz"[(1 + k) % 3]).collect()
            } else {
                ins.clone()
            };
            let removed = t.splice(at, del, with);
            assert_eq!(
                bytes_of(&removed, &file),
                &model[at as usize..(at + del) as usize]
            );
            model.splice(at as usize..(at + del) as usize, expect);
            assert_eq!(t.len(), model.len() as u64);
        }
        assert_eq!(bytes_of(&t, &file), model);
        assert!(
            t.depth() < 64,
            "depth {} for {} pieces",
            t.depth(),
            t.count()
        );
    }

    #[test]
    fn cut_and_put_back_is_one_piece_again() {
        let mut t = Tree::of(Piece::Base { start: 0, len: 100 });
        let removed = t.splice(10, 5, Tree::new());
        assert_eq!(t.count(), 2);
        let _ = t.splice(10, 0, removed);
        assert!(t.is_identity(100));
    }

    #[test]
    fn from_pieces_is_balanced_and_joins_neighbours() {
        let pieces = (0..100_000u64).map(|i| Piece::Base {
            start: i * 2,
            len: 1,
        });
        let t = Tree::from_pieces(pieces);
        assert_eq!(t.count(), 100_000);
        assert!(t.depth() < 60, "depth {}", t.depth());
        let joined = Tree::from_pieces((0..10u64).map(|i| Piece::Base { start: i, len: 1 }));
        assert!(joined.is_identity(10));
    }
}
