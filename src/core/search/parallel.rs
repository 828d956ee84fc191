//! The whole-file scan split over threads: independent [`Segment`]s, merged in order by a
//! [`Merger`] into exactly what one forward scan reports. No threads here (core spawns
//! none): the caller scans segments wherever it likes (`tui::search_worker` runs them on
//! every core) and hands the results to the merger in order.
//!
//! **Why merging is exact.** Leftmost-first search from a position `p` depends only on `p`,
//! the bytes (look-around sees past the range, see [`Scanner`]) and, for an empty match at
//! `p`, the end of the previous match (`find_iter`'s empty-match rule). A segment `a..b` is
//! scanned as if the whole-file iteration were at `a` with no previous match. The real
//! iteration reaches `a` in a state `(pos, last_end)` ([`Scanner::resume_state`] of
//! everything before): `pos > a` when a match ran over the seam (it wins, and the segment's
//! matches starting under it are dropped), and `last_end == Some(a)` forbids an empty match
//! at `a`. When the state is `(a, not a)` the segment's matches are the real ones as they
//! are. Otherwise the merger continues the real iteration from the state until it reports a
//! match (same start and length) that the segment also reported: from that match on both
//! iterations are in the same state, so the segment's later matches are the real ones. If
//! they never meet, the continuation has scanned the whole segment itself. Property tests
//! check the merge against `find_iter` with random segment sizes, including segments
//! shorter than a match.

use std::ops::Range;

use super::query::Pattern;
use super::scan::{Match, ScanConfig, Scanner};
use crate::core::source::ByteSource;

/// The independent scan of one segment of match starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Segment {
    /// The match starts this segment covers.
    pub range: Range<u64>,
    /// Its matches, in order, as if the iteration started at `range.start` afresh.
    pub matches: Vec<Match>,
    /// [`Scanner::resume_state`] at its end.
    pub end_state: (u64, Option<u64>),
    /// Matches cut at the long-match limit ([`Scanner::long_matches`]).
    pub long_matches: u64,
    /// The first of them ([`Scanner::first_too_long`]).
    pub first_too_long: Option<u64>,
}

/// The segments of match starts for `range` over a source of `len` bytes, `size` bytes each
/// (the last one reaches `range.end`, so it includes the final empty-match position `len`
/// when `range.end` is past it).
pub fn segments(range: Range<u64>, len: u64, size: u64) -> Vec<Range<u64>> {
    let size = size.max(1);
    let stop = range.end.min(len.saturating_add(1));
    let mut out = Vec::new();
    let mut at = range.start;
    while at < stop {
        let next = at.saturating_add(size);
        if next >= stop {
            out.push(at..range.end);
            break;
        }
        out.push(at..next);
        at = next;
    }
    out
}

/// Scans one segment independently; any thread may call this.
pub fn scan_segment<S: ByteSource + ?Sized>(
    pattern: &Pattern,
    src: &S,
    range: Range<u64>,
    config: ScanConfig,
) -> Segment {
    let mut scanner = Scanner::new(pattern, range.clone(), config);
    let mut matches = Vec::new();
    scanner.run(src, |m| {
        matches.push(m);
        true
    });
    Segment {
        range,
        matches,
        end_state: scanner.resume_state(),
        long_matches: scanner.long_matches(),
        first_too_long: scanner.first_too_long(),
    }
}

/// What [`Merger::push`] did with a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merged {
    /// Every real match of the segment went to the sink.
    Done,
    /// The sink said stop.
    Stopped,
}

/// Merges segments, in order, into the matches of one forward scan.
#[derive(Debug, Clone)]
pub struct Merger {
    pattern: Pattern,
    config: ScanConfig,
    state: (u64, Option<u64>),
    long_matches: u64,
    first_too_long: Option<u64>,
    rescanned: u64,
}

impl Merger {
    /// A merge of a scan that starts at `start`, continuing a whole-file iteration whose
    /// last match ended at `prev_end` (`None` at the start of the file), as
    /// [`Scanner::with_previous_match_end`].
    pub fn new(pattern: &Pattern, config: ScanConfig, start: u64, prev_end: Option<u64>) -> Self {
        Merger {
            pattern: pattern.clone(),
            config,
            state: (start, prev_end),
            long_matches: 0,
            first_too_long: None,
            rescanned: 0,
        }
    }

    /// The state of the real iteration after everything merged so far
    /// ([`Scanner::resume_state`]).
    pub fn state(&self) -> (u64, Option<u64>) {
        self.state
    }

    /// Matches cut at the long-match limit so far.
    pub fn long_matches(&self) -> u64 {
        self.long_matches
    }

    /// The first match cut at the long-match limit so far.
    pub fn first_too_long(&self) -> Option<u64> {
        self.first_too_long
    }

    /// Bytes of segments the merger had to scan again at seams (for benchmarks and tests).
    pub fn rescanned(&self) -> u64 {
        self.rescanned
    }

    /// Takes the next segment (they must come in order and tile the range) and hands the
    /// real matches starting in it to `sink`, which may say stop.
    pub fn push<S, F>(&mut self, src: &S, seg: &Segment, mut sink: F) -> Merged
    where
        S: ByteSource + ?Sized,
        F: FnMut(Match) -> bool,
    {
        let (pos, last_end) = self.state;
        let a = seg.range.start;
        let from_index = if pos <= a && last_end != Some(a) {
            // The iteration arrives at the seam between matches: the segment is exact.
            Some(0)
        } else {
            // Continue the real iteration until it meets one of the segment's matches.
            let mut cont =
                Scanner::resume(&self.pattern, seg.range.clone(), self.state, self.config);
            let mut met = None;
            let mut stopped = false;
            let mut last = None;
            cont.run(src, |m| {
                let i = seg.matches.partition_point(|x| x.start < m.start);
                if seg.matches.get(i) == Some(&m) {
                    met = Some(i);
                    return false;
                }
                last = Some(m);
                if !sink(m) {
                    stopped = true;
                    return false;
                }
                true
            });
            self.rescanned = self
                .rescanned
                .saturating_add(last.map_or(cont.position(), Match::end).saturating_sub(pos));
            self.long_matches = self.long_matches.saturating_add(cont.long_matches());
            if self.first_too_long.is_none() {
                self.first_too_long = cont.first_too_long();
            }
            if stopped {
                self.state = cont.resume_state();
                return Merged::Stopped;
            }
            if met.is_none() {
                self.state = cont.resume_state();
                return Merged::Done;
            }
            met
        };
        let from = from_index.unwrap_or(0);
        for &m in &seg.matches[from..] {
            if !sink(m) {
                self.state = (m.end(), Some(m.end()));
                return Merged::Stopped;
            }
        }
        self.long_matches = self.long_matches.saturating_add(seg.long_matches);
        if self.first_too_long.is_none() {
            self.first_too_long = seg.first_too_long;
        }
        self.state = seg.end_state;
        Merged::Done
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::search::{Query, QueryKind};

    fn merged(p: &str, hay: &[u8], size: u64) -> Vec<(u64, u64)> {
        let pattern = Query::new(QueryKind::Regex, p).compile().unwrap();
        let config = ScanConfig {
            chunk: 7,
            max_match: 64,
        };
        let mut merger = Merger::new(&pattern, config, 0, None);
        let mut out = Vec::new();
        for range in segments(0..u64::MAX, hay.len() as u64, size) {
            let seg = scan_segment(&pattern, hay, range, config);
            merger.push(hay, &seg, |m| {
                out.push((m.start, m.end()));
                true
            });
        }
        out
    }

    use crate::core::search::testing::find_iter;

    #[test]
    fn segments_tile_the_range_and_keep_the_end_position() {
        assert_eq!(segments(0..u64::MAX, 10, 4), vec![0..4, 4..8, 8..u64::MAX]);
        assert_eq!(segments(0..u64::MAX, 8, 4), vec![0..4, 4..8, 8..u64::MAX]);
        assert_eq!(segments(3..5, 10, 4), vec![3..5]);
        assert_eq!(segments(0..u64::MAX, 0, 4), vec![0..u64::MAX]);
        assert!(segments(5..5, 10, 4).is_empty());
    }

    #[test]
    fn matches_over_seams_win_and_empty_matches_follow_the_rule() {
        let hay = b"aaaa baaab  aaaaaaaaaaaa b";
        for p in ["a+", "a*", "a*b", r"\b", "x*", "(?s).{3}", "[ab]+ "] {
            for size in 1..12 {
                assert_eq!(merged(p, hay, size), find_iter(p, hay), "{p} size {size}");
            }
        }
    }
}
