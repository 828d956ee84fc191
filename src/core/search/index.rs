//! The matches found so far, sorted by start, in 12 bytes each, with a cap on how many are
//! stored and an exact count of how many there are.
//!
//! A search for `e` in a 1 GiB file finds millions of matches; storing them as `Match`
//! (16 bytes) or `Range<u64>` (16 bytes) in a `Vec` that doubles while growing is several
//! hundred MB. Here the starts are a `Vec<u64>` and the lengths a `Vec<u32>` (a match of
//! `u32::MAX` bytes or more is recorded in a small side table), and only the first
//! [`DEFAULT_CAP`] matches are stored unless configured otherwise, while [`MatchIndex::total`]
//! keeps counting. Everything the UI asks ("next", "previous", "what is on screen",
//! "match i of N") is a binary search.

use std::ops::Range;

use super::scan::Match;

/// Matches stored by default: 1,000,000, about 12 MB.
pub const DEFAULT_CAP: usize = 1_000_000;

/// Length marker meaning "look the length up in the side table".
const LONG: u32 = u32::MAX;

/// Where a re-search after an edit restarts, from [`MatchIndex::restart_point`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Restart {
    /// Start the [`Scanner`](super::Scanner) range here.
    pub scan_from: u64,
    /// Seed the scanner with this ([`Scanner::with_previous_match_end`]) when `Some`.
    ///
    /// [`Scanner::with_previous_match_end`]: super::Scanner::with_previous_match_end
    pub previous_match_end: Option<u64>,
    /// Replace stored matches from here ([`MatchIndex::replace_range`]). It is just past the
    /// start of the kept match, not `scan_from`: when the kept match is empty it starts
    /// exactly at `scan_from` and must not be replaced.
    pub replace_from: u64,
}

/// Sorted, capped storage of matches.
///
/// Invariant: the stored matches are exactly the known matches starting before the
/// *horizon*, the start of the first match dropped because of the cap (no horizon while
/// nothing was dropped). Matches are expected not to overlap, as a scan reports them.
#[derive(Debug, Clone)]
pub struct MatchIndex {
    starts: Vec<u64>,
    lens: Vec<u32>,
    /// `(start, len)` of stored matches whose length does not fit below [`LONG`], by start.
    long: Vec<(u64, u64)>,
    cap: usize,
    total: u64,
    horizon: Option<u64>,
    total_exact: bool,
}

impl Default for MatchIndex {
    fn default() -> Self {
        MatchIndex::new()
    }
}

impl Extend<Match> for MatchIndex {
    fn extend<I: IntoIterator<Item = Match>>(&mut self, iter: I) {
        for m in iter {
            self.push(m);
        }
    }
}

impl MatchIndex {
    /// An empty index storing up to [`DEFAULT_CAP`] matches.
    pub fn new() -> Self {
        MatchIndex::with_cap(DEFAULT_CAP)
    }

    /// An empty index storing up to `cap` matches (more are counted, not stored).
    pub fn with_cap(cap: usize) -> Self {
        MatchIndex {
            starts: Vec::new(),
            lens: Vec::new(),
            long: Vec::new(),
            cap,
            total: 0,
            horizon: None,
            total_exact: true,
        }
    }

    /// The most matches this index stores.
    pub fn cap(&self) -> usize {
        self.cap
    }

    /// Number of stored matches (at most [`MatchIndex::cap`]).
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// True when no match is stored.
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Number of matches found, stored or not. Exact while [`MatchIndex::is_total_exact`].
    pub fn total(&self) -> u64 {
        self.total
    }

    /// True when some matches were counted but not stored because of the cap; the UI
    /// should say "first N of M shown".
    pub fn is_truncated(&self) -> bool {
        self.horizon.is_some()
    }

    /// Start of the first match that was not stored: the stored matches are all the matches
    /// before it. `None` while nothing was dropped.
    pub fn horizon(&self) -> Option<u64> {
        self.horizon
    }

    /// False after [`MatchIndex::replace_range`] touched the region past the horizon, where
    /// the old matches were never stored and so cannot be subtracted: the total is then an
    /// estimate until the next full search.
    pub fn is_total_exact(&self) -> bool {
        self.total_exact
    }

    /// Forgets everything (a new search starts).
    pub fn clear(&mut self) {
        *self = MatchIndex::with_cap(self.cap);
    }

    /// Records a match. Matches normally arrive in increasing order (a scan's order), which
    /// appends; an earlier one is inserted in place.
    pub fn push(&mut self, m: Match) {
        self.total = self.total.saturating_add(1);
        if self.horizon.is_some_and(|h| m.start >= h) {
            return;
        }
        let in_order = self.starts.last().is_none_or(|&s| s <= m.start);
        if in_order && self.starts.len() >= self.cap {
            self.horizon = Some(m.start);
            return;
        }
        let at = if in_order {
            self.starts.len()
        } else {
            self.starts.partition_point(|&s| s <= m.start)
        };
        self.insert_at(at, m);
        self.enforce_cap();
    }

    /// The `i`-th stored match, by start.
    pub fn get(&self, i: usize) -> Option<Match> {
        let start = *self.starts.get(i)?;
        let len = *self.lens.get(i)?;
        let len = if len == LONG {
            let at = self.long.partition_point(|&(s, _)| s < start);
            match self.long.get(at) {
                Some(&(s, l)) if s == start => l,
                _ => u64::from(LONG),
            }
        } else {
            u64::from(len)
        };
        Some(Match::new(start, len))
    }

    /// The stored matches in order.
    pub fn iter(&self) -> impl Iterator<Item = Match> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// The first stored match starting strictly after `offset` ("find next" from a cursor
    /// that sits on a match). Wrapping around is the caller's choice.
    pub fn next_after(&self, offset: u64) -> Option<(usize, Match)> {
        self.indexed(self.starts.partition_point(|&s| s <= offset))
    }

    /// The first stored match starting at or after `offset` ("find" from a fresh cursor).
    pub fn next_at_or_after(&self, offset: u64) -> Option<(usize, Match)> {
        self.indexed(self.starts.partition_point(|&s| s < offset))
    }

    /// The last stored match starting strictly before `offset` ("find previous").
    pub fn prev_before(&self, offset: u64) -> Option<(usize, Match)> {
        let i = self
            .starts
            .partition_point(|&s| s < offset)
            .checked_sub(1)?;
        self.indexed(i)
    }

    /// Index of the stored match that covers `offset` (or the empty match at it), for
    /// "match i of N" in the status bar.
    pub fn position_of(&self, offset: u64) -> Option<usize> {
        let i = self
            .starts
            .partition_point(|&s| s <= offset)
            .checked_sub(1)?;
        let m = self.get(i)?;
        (m.start == offset || offset < m.end()).then_some(i)
    }

    /// Number of stored matches starting before `offset`: where a cursor between matches
    /// sits in the list.
    pub fn count_before(&self, offset: u64) -> usize {
        self.starts.partition_point(|&s| s < offset)
    }

    /// The stored matches that overlap `range` (an empty match counts when it sits inside
    /// it), with their indexes: what to highlight on screen. `O(log n + k)`.
    pub fn in_range(&self, range: Range<u64>) -> impl Iterator<Item = (usize, Match)> + '_ {
        let mut first = self.starts.partition_point(|&s| s < range.start);
        let last = self.starts.partition_point(|&s| s < range.end);
        if range.start >= range.end {
            first = last;
        } else if let Some(i) = first.checked_sub(1) {
            // Non-overlapping matches: only the one just before can reach into the range.
            if self.get(i).is_some_and(|m| m.end() > range.start) {
                first = i;
            }
        }
        (first..last.max(first)).filter_map(|i| self.indexed(i))
    }

    /// True when exactly this match (same start and length) is stored: the re-search
    /// after an edit stops at the first such match past the edit (see
    /// [`MatchIndex::restart_point`]).
    pub fn contains(&self, m: Match) -> bool {
        let i = self.starts.partition_point(|&s| s < m.start);
        self.get(i).is_some_and(|stored| stored == m)
    }

    /// Where to restart the search after bytes from `edit_start` on changed, for a scan
    /// whose overlap is `overlap` ([`ScanConfig::overlap`]).
    ///
    /// A match, and the search that found it, depends on at most `overlap +`
    /// [`LOOK_AROUND`] bytes after its start, so the last stored match starting before
    /// `edit_start - overlap - LOOK_AROUND` is unaffected, and the whole-file iteration
    /// resumes at its end in the state the scanner is seeded with. The full procedure:
    /// scan from `scan_from` (seeded); in the sink, stop at the first new match `m` with
    /// `m.end() >= edit_end + LOOK_AROUND` and [`MatchIndex::contains`]`(m)` (from there on
    /// both iterations agree); then `replace_range(replace_from..m.start, found)`, or
    /// `replace_from..u64::MAX` when the scan ran to the end. The result equals a full
    /// search of the edited bytes (property-tested). It assumes the stored matches are
    /// complete up to the edit (the index is not truncated before it) and that the scan
    /// covered the whole source.
    ///
    /// [`ScanConfig::overlap`]: super::ScanConfig::overlap
    /// [`LOOK_AROUND`]: super::LOOK_AROUND
    pub fn restart_point(&self, edit_start: u64, overlap: u64) -> Restart {
        let limit = edit_start.saturating_sub(overlap.saturating_add(super::LOOK_AROUND));
        match self.prev_before(limit) {
            Some((_, kept)) => Restart {
                scan_from: kept.end(),
                previous_match_end: Some(kept.end()),
                replace_from: kept.start.saturating_add(1),
            },
            None => Restart {
                scan_from: 0,
                previous_match_end: None,
                replace_from: 0,
            },
        }
    }

    /// Replaces the stored matches starting in `range` with `new` (a re-search of that
    /// region after an edit); matches in `new` starting outside `range` are ignored. The
    /// total is adjusted by the difference.
    ///
    /// Returns whether the total is still exact: when the index is truncated and `range`
    /// reaches past the horizon, the matches there were never stored, so the old count is
    /// unknown; they stay unstored and the total keeps its old contribution (see
    /// [`MatchIndex::is_total_exact`]).
    pub fn replace_range(
        &mut self,
        range: Range<u64>,
        new: impl IntoIterator<Item = Match>,
    ) -> bool {
        let mut new: Vec<Match> = new
            .into_iter()
            .filter(|m| range.contains(&m.start))
            .collect();
        new.sort_by_key(|m| m.start);
        if let Some(h) = self.horizon {
            if range.end > h {
                self.total_exact = false;
            }
            new.retain(|m| m.start < h);
        }
        let lo = self.starts.partition_point(|&s| s < range.start);
        let hi = self.starts.partition_point(|&s| s < range.end).max(lo);
        let removed = to_u64(hi - lo);
        self.total = self
            .total
            .saturating_sub(removed)
            .saturating_add(to_u64(new.len()));

        self.long.retain(|&(s, _)| !range.contains(&s));
        self.starts.splice(lo..hi, new.iter().map(|m| m.start));
        self.lens
            .splice(lo..hi, new.iter().map(|m| encode_len(m.len)));
        self.long.extend(
            new.iter()
                .filter(|m| encode_len(m.len) == LONG)
                .map(|m| (m.start, m.len)),
        );
        self.long.sort_unstable();
        self.enforce_cap();
        self.total_exact
    }

    fn indexed(&self, i: usize) -> Option<(usize, Match)> {
        self.get(i).map(|m| (i, m))
    }

    fn insert_at(&mut self, at: usize, m: Match) {
        self.starts.insert(at, m.start);
        let len = encode_len(m.len);
        self.lens.insert(at, len);
        if len == LONG {
            let pos = self.long.partition_point(|&(s, _)| s < m.start);
            self.long.insert(pos, (m.start, m.len));
        }
    }

    /// Drops the stored matches beyond the cap, moving the horizon down to the first one.
    fn enforce_cap(&mut self) {
        let Some(&first_dropped) = self.starts.get(self.cap) else {
            return;
        };
        self.starts.truncate(self.cap);
        self.lens.truncate(self.cap);
        self.long.retain(|&(s, _)| s < first_dropped);
        self.horizon = Some(self.horizon.map_or(first_dropped, |h| h.min(first_dropped)));
    }
}

fn encode_len(len: u64) -> u32 {
    u32::try_from(len).unwrap_or(LONG)
}

fn to_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(start: u64, len: u64) -> Match {
        Match::new(start, len)
    }

    fn index(matches: &[(u64, u64)]) -> MatchIndex {
        let mut idx = MatchIndex::new();
        idx.extend(matches.iter().map(|&(s, l)| m(s, l)));
        idx
    }

    fn starts(idx: &MatchIndex) -> Vec<u64> {
        idx.iter().map(|m| m.start).collect()
    }

    #[test]
    fn navigation_by_offset() {
        let idx = index(&[(10, 3), (20, 0), (30, 5)]);
        assert_eq!(idx.len(), 3);
        assert_eq!(idx.total(), 3);
        assert_eq!(idx.get(1), Some(m(20, 0)));
        assert_eq!(idx.get(3), None);

        assert_eq!(idx.next_after(0), Some((0, m(10, 3))));
        assert_eq!(idx.next_after(10), Some((1, m(20, 0))));
        assert_eq!(idx.next_at_or_after(10), Some((0, m(10, 3))));
        assert_eq!(idx.next_after(30), None);

        assert_eq!(idx.prev_before(30), Some((1, m(20, 0))));
        assert_eq!(idx.prev_before(31), Some((2, m(30, 5))));
        assert_eq!(idx.prev_before(10), None);

        assert_eq!(idx.position_of(10), Some(0));
        assert_eq!(idx.position_of(12), Some(0));
        assert_eq!(idx.position_of(13), None);
        assert_eq!(idx.position_of(20), Some(1));
        assert_eq!(idx.position_of(34), Some(2));
        assert_eq!(idx.position_of(5), None);
        assert_eq!(idx.count_before(0), 0);
        assert_eq!(idx.count_before(21), 2);
        assert!(idx.contains(m(20, 0)));
        assert!(!idx.contains(m(20, 1)));
        assert!(!idx.contains(m(21, 0)));
    }

    #[test]
    fn restart_points_keep_the_last_unaffected_match() {
        let idx = index(&[(10, 3), (20, 0), (30, 5)]);
        // Overlap 2 + LOOK_AROUND 4: a match starting before 40 - 6 = 34 is unaffected.
        let r = idx.restart_point(40, 2);
        assert_eq!(
            r,
            Restart {
                scan_from: 35,
                previous_match_end: Some(35),
                replace_from: 31
            }
        );
        // The empty match at 20 stays: replacing starts at 21.
        let r = idx.restart_point(30, 2);
        assert_eq!(
            r,
            Restart {
                scan_from: 20,
                previous_match_end: Some(20),
                replace_from: 21
            }
        );
        let r = idx.restart_point(15, 2);
        assert_eq!(
            r,
            Restart {
                scan_from: 0,
                previous_match_end: None,
                replace_from: 0
            }
        );
    }

    #[test]
    fn in_range_includes_a_match_reaching_in_from_before() {
        let idx = index(&[(10, 3), (20, 0), (30, 5)]);
        let got = |r: Range<u64>| idx.in_range(r).map(|(i, _)| i).collect::<Vec<_>>();
        assert_eq!(got(0..100), vec![0, 1, 2]);
        assert_eq!(got(12..20), vec![0]);
        assert_eq!(got(13..20), Vec::<usize>::new());
        assert_eq!(got(13..21), vec![1]);
        assert_eq!(got(32..33), vec![2]);
        assert_eq!(got(35..99), Vec::<usize>::new());
        assert_eq!(got(12..12), Vec::<usize>::new());
    }

    #[test]
    fn the_cap_stores_a_prefix_and_the_total_keeps_counting() {
        let mut idx = MatchIndex::with_cap(3);
        idx.extend((0..10).map(|i| m(i * 10, 2)));
        assert_eq!(idx.len(), 3);
        assert_eq!(idx.total(), 10);
        assert!(idx.is_truncated());
        assert_eq!(idx.horizon(), Some(30));
        assert_eq!(idx.next_after(20), None);
        // An out-of-order earlier match still belongs to the stored prefix.
        idx.push(m(5, 1));
        assert_eq!(starts(&idx), vec![0, 5, 10]);
        assert_eq!(idx.horizon(), Some(20));
        assert_eq!(idx.total(), 11);

        let mut zero = MatchIndex::with_cap(0);
        zero.push(m(1, 1));
        assert!(zero.is_empty() && zero.is_truncated());
        assert_eq!(zero.total(), 1);
        idx.clear();
        assert_eq!((idx.len(), idx.total(), idx.cap()), (0, 0, 3));
        assert!(!idx.is_truncated());
    }

    #[test]
    fn replace_range_swaps_the_matches_in_a_region() {
        let mut idx = index(&[(0, 2), (10, 2), (20, 2), (30, 2)]);
        assert!(idx.replace_range(10..30, [m(12, 1), m(15, 1), m(18, 1), m(40, 9)]));
        assert_eq!(starts(&idx), vec![0, 12, 15, 18, 30]);
        assert_eq!(idx.total(), 5);
        assert!(idx.replace_range(0..100, []));
        assert!(idx.is_empty());
        assert_eq!(idx.total(), 0);
        assert!(idx.replace_range(5..6, [m(5, 0)]));
        assert_eq!(idx.iter().collect::<Vec<_>>(), vec![m(5, 0)]);
    }

    #[test]
    fn replace_range_past_the_horizon_makes_the_total_an_estimate() {
        let mut idx = MatchIndex::with_cap(2);
        idx.extend([m(0, 1), m(10, 1), m(20, 1), m(30, 1)]);
        // Inside the stored prefix: exact, and the cap still holds.
        assert!(idx.replace_range(0..5, [m(1, 1), m(2, 1), m(3, 1)]));
        assert_eq!(starts(&idx), vec![1, 2]);
        assert_eq!(idx.horizon(), Some(3));
        assert_eq!(idx.total(), 6);
        // Reaching past the horizon: nothing is stored there and the count is unknown.
        assert!(!idx.replace_range(2..100, [m(2, 1), m(50, 1)]));
        assert_eq!(starts(&idx), vec![1, 2]);
        assert!(!idx.is_total_exact());
    }

    #[test]
    fn long_lengths_survive_compact_storage() {
        let big = u64::from(u32::MAX) + 7;
        let mut idx = index(&[(0, 1), (5, big), (u64::MAX - 1, 1)]);
        assert_eq!(idx.get(1), Some(m(5, big)));
        assert_eq!(idx.position_of(1 << 32), Some(1));
        idx.push(m(3, u64::from(u32::MAX)));
        assert_eq!(idx.get(1), Some(m(3, u64::from(u32::MAX))));
        assert_eq!(idx.get(2), Some(m(5, big)));
        assert!(idx.replace_range(4..6, [m(4, 1)]));
        assert_eq!(idx.get(2), Some(m(4, 1)));
        assert_eq!(idx.len(), 4);
    }
}
