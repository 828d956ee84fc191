//! [`DiffIndex`]: the differences a front end keeps, as the search's match index keeps
//! matches: a sorted prefix up to a cap (so memory stays bounded on two unrelated files),
//! an exact count of everything reported past it, and navigation by offset on either side.
//!
//! Differences are in order on both sides at once (the comparison walks both forward), so
//! one sorted vector answers "next / previous difference" from a cursor in A or in B.

use std::ops::Range;

use super::{Diff, to_u64};
use crate::core::shift::{Change, map_range};

/// Differences stored by default: 1 M (about 32 MB); the rest are counted.
pub const DEFAULT_CAP: usize = 1 << 20;

/// Which side an offset is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The first source.
    A,
    /// The second source.
    B,
}

impl Side {
    fn of(self, d: &Diff) -> &Range<u64> {
        match self {
            Side::A => &d.a,
            Side::B => &d.b,
        }
    }

    fn of_mut(self, d: &mut Diff) -> &mut Range<u64> {
        match self {
            Side::A => &mut d.a,
            Side::B => &mut d.b,
        }
    }
}

/// Differences in order, capped, counted past the cap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffIndex {
    diffs: Vec<Diff>,
    cap: usize,
    total: u64,
    /// Where storing stopped (the first difference not stored), when it did.
    horizon: Option<Diff>,
}

impl Default for DiffIndex {
    fn default() -> Self {
        DiffIndex::with_cap(DEFAULT_CAP)
    }
}

impl DiffIndex {
    /// An empty index with the default cap.
    pub fn new() -> Self {
        DiffIndex::default()
    }

    /// An empty index storing at most `cap` differences.
    pub fn with_cap(cap: usize) -> Self {
        DiffIndex {
            diffs: Vec::new(),
            cap,
            total: 0,
            horizon: None,
        }
    }

    /// Records the next difference (they come in order): stored below the cap, counted
    /// always.
    pub fn push(&mut self, d: Diff) {
        self.total = self.total.saturating_add(1);
        if self.horizon.is_some() {
            return;
        }
        if self.diffs.len() >= self.cap {
            self.horizon = Some(d);
            return;
        }
        self.diffs.push(d);
    }

    /// Differences stored.
    pub fn len(&self) -> usize {
        self.diffs.len()
    }

    /// True when nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.diffs.is_empty()
    }

    /// Differences reported, stored or not.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The cap.
    pub fn cap(&self) -> usize {
        self.cap
    }

    /// True when some differences were counted but not stored.
    pub fn is_truncated(&self) -> bool {
        self.horizon.is_some()
    }

    /// The first difference not stored (navigation past it needs a new comparison from its
    /// offsets).
    pub fn horizon(&self) -> Option<&Diff> {
        self.horizon.as_ref()
    }

    /// The `i`-th stored difference.
    pub fn get(&self, i: usize) -> Option<&Diff> {
        self.diffs.get(i)
    }

    /// The stored differences in order.
    pub fn iter(&self) -> impl Iterator<Item = &Diff> + '_ {
        self.diffs.iter()
    }

    /// Forgets everything (a new comparison starts).
    pub fn clear(&mut self) {
        *self = DiffIndex::with_cap(self.cap);
    }

    /// The first stored difference starting strictly after `offset` on `side` (`]c`).
    pub fn next_after(&self, side: Side, offset: u64) -> Option<(usize, &Diff)> {
        let i = self.diffs.partition_point(|d| side.of(d).start <= offset);
        self.diffs.get(i).map(|d| (i, d))
    }

    /// The last stored difference starting strictly before `offset` on `side` (`[c`).
    pub fn prev_before(&self, side: Side, offset: u64) -> Option<(usize, &Diff)> {
        let i = self
            .diffs
            .partition_point(|d| side.of(d).start < offset)
            .checked_sub(1)?;
        self.diffs.get(i).map(|d| (i, d))
    }

    /// The stored difference that covers `offset` on `side` (or is empty on that side and
    /// sits at it): "difference i of N", and what `do` / `dp` act on.
    pub fn at(&self, side: Side, offset: u64) -> Option<(usize, &Diff)> {
        let i = self
            .diffs
            .partition_point(|d| side.of(d).start <= offset)
            .checked_sub(1)?;
        let d = self.diffs.get(i)?;
        let r = side.of(d);
        (r.start == offset || offset < r.end).then_some((i, d))
    }

    /// The stored differences that overlap `range` on `side` (an empty one counts when it
    /// sits inside it): what to highlight on screen. `O(log n + k)`.
    pub fn in_range(&self, side: Side, range: Range<u64>) -> impl Iterator<Item = &Diff> + '_ {
        let first = self.diffs.partition_point(|d| {
            side.of(d).end <= range.start && {
                let r = side.of(d);
                // An empty difference at range.start overlaps it.
                !(r.start == r.end && r.start == range.start)
            }
        });
        let last = self
            .diffs
            .partition_point(|d| side.of(d).start < range.end)
            .max(first);
        self.diffs[first..last].iter()
    }

    /// Moves the stored offsets on `side` through the changes of an edit of that side (the
    /// one place the index follows edits, as [`crate::core::shift`] says); then compare the
    /// region around the edited bytes again ([`DiffIndex::region_around`]).
    pub fn follow(&mut self, side: Side, changes: &[Change]) {
        if changes.iter().all(Change::keeps_offsets) {
            return;
        }
        for d in self.diffs.iter_mut().chain(self.horizon.as_mut()) {
            let r = side.of_mut(d);
            *r = map_range(changes, r.clone());
        }
    }

    /// The region to compare again after an edit on `side` that left the bytes `edit` (new
    /// offsets, the stored offsets already moved through the edit): from the end of the last
    /// stored difference before it to the start of the first one after it, on both sides
    /// (where the two sides are known to line up), or the sources' ends `ends`.
    /// Compare it with [`super::Comparer::region`] and store the result with
    /// [`DiffIndex::replace`]. At equal offsets ([`super::Align::Off`]) an edit that changes
    /// the length moves every later byte against the other side: compare from the region's
    /// start to the ends then.
    pub fn region_around(
        &self,
        side: Side,
        edit: Range<u64>,
        ends: (u64, u64),
    ) -> (Range<u64>, Range<u64>) {
        let before = self
            .diffs
            .partition_point(|d| side.of(d).end < edit.start)
            .checked_sub(1)
            .and_then(|i| self.diffs.get(i));
        let after_i = self.diffs.partition_point(|d| side.of(d).start <= edit.end);
        let after = self.diffs.get(after_i);
        let start = before.map_or((0, 0), |d| (d.a.end, d.b.end));
        let end = match (after, &self.horizon) {
            (Some(d), _) => (d.a.start, d.b.start),
            (None, _) => ends,
        };
        (start.0..end.0.max(start.0), start.1..end.1.max(start.1))
    }

    /// Replaces the stored differences inside the region (`a` on A, `b` on B, as
    /// [`DiffIndex::region_around`] gave it) by `new`, the differences of comparing it
    /// again. Past the horizon nothing is stored, so the count there stays as it was (an
    /// estimate until the next full comparison).
    pub fn replace(&mut self, a: Range<u64>, b: Range<u64>, new: impl IntoIterator<Item = Diff>) {
        let lo = self
            .diffs
            .partition_point(|d| d.a.start < a.start || d.b.start < b.start);
        let hi = lo + self.diffs[lo..].partition_point(|d| d.a.start < a.end || d.b.start < b.end);
        let new: Vec<Diff> = new.into_iter().collect();
        self.total = self
            .total
            .saturating_sub(to_u64(hi - lo))
            .saturating_add(to_u64(new.len()));
        self.diffs.splice(lo..hi, new);
        if self.diffs.len() > self.cap {
            let first = self.diffs.split_off(self.cap).into_iter().next();
            if self.horizon.is_none() {
                self.horizon = first;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(a: u64, al: u64, b: u64, bl: u64) -> Diff {
        Diff::new(a, al, b, bl)
    }

    fn sample() -> DiffIndex {
        let mut idx = DiffIndex::new();
        for x in [d(10, 2, 10, 2), d(20, 0, 20, 5), d(30, 3, 35, 0)] {
            idx.push(x);
        }
        idx
    }

    #[test]
    fn navigation_on_either_side() {
        let idx = sample();
        assert_eq!(idx.next_after(Side::A, 10).map(|x| x.0), Some(1));
        assert_eq!(idx.next_after(Side::B, 20).map(|x| x.0), Some(2));
        assert_eq!(idx.prev_before(Side::A, 30).map(|x| x.0), Some(1));
        assert_eq!(idx.prev_before(Side::A, 10), None);
        assert_eq!(idx.at(Side::A, 11).map(|x| x.0), Some(0));
        assert_eq!(idx.at(Side::A, 12), None);
        assert_eq!(idx.at(Side::A, 20).map(|x| x.0), Some(1));
        assert_eq!(idx.at(Side::B, 24).map(|x| x.0), Some(1));
        assert_eq!(idx.at(Side::B, 35).map(|x| x.0), Some(2));
        let hl: Vec<usize> = idx
            .in_range(Side::A, 11..31)
            .map(|x| x.a.start as usize)
            .collect();
        assert_eq!(hl, vec![10, 20, 30]);
        assert_eq!(idx.in_range(Side::A, 12..20).count(), 0);
        assert_eq!(idx.in_range(Side::A, 20..21).count(), 1);
    }

    #[test]
    fn the_cap_keeps_a_prefix_and_counts_the_rest() {
        let mut idx = DiffIndex::with_cap(2);
        for i in 0..10 {
            idx.push(d(i * 10, 1, i * 10, 1));
        }
        assert_eq!((idx.len(), idx.total()), (2, 10));
        assert!(idx.is_truncated());
        assert_eq!(idx.horizon(), Some(&d(20, 1, 20, 1)));
        idx.clear();
        assert_eq!((idx.len(), idx.total(), idx.cap()), (0, 0, 2));
    }

    #[test]
    fn a_region_is_compared_again_between_its_neighbours() {
        let mut idx = sample();
        let (ra, rb) = idx.region_around(Side::A, 21..22, (100, 102));
        assert_eq!((ra.clone(), rb.clone()), (20..30, 25..35));
        idx.replace(ra, rb, [d(21, 1, 26, 1)]);
        let all: Vec<Diff> = idx.iter().cloned().collect();
        assert_eq!(
            all,
            vec![
                d(10, 2, 10, 2),
                d(20, 0, 20, 5),
                d(21, 1, 26, 1),
                d(30, 3, 35, 0)
            ]
        );
        assert_eq!(idx.total(), 4);
        let (ra, rb) = idx.region_around(Side::B, 40..41, (100, 102));
        assert_eq!((ra, rb), (33..100, 35..102));
    }
}
