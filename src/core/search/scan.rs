//! The chunked, resumable, cancellable scan: one [`Scanner::step`] searches one chunk of a
//! [`ByteSource`] and pushes each match to a sink that can say stop.
//!
//! The algorithm is the one measured and verified in `notes/platform.md` §6.1 (10,880
//! randomized cases against `regex::bytes::Regex::find_iter`), adapted to read windows through
//! [`ByteSource::read`] instead of indexing one flat slice:
//!
//! * A chunk is the set of positions where a match may *start* in this step. The window read
//!   for it also covers `overlap` bytes after the chunk, so a match starting in the chunk is
//!   seen whole, plus [`LOOK_AROUND`] bytes on each side so `\b`, `^`, `$` and Unicode word
//!   boundaries see their neighbours. The search runs on the window with `Input::range`, which
//!   lets look-around consult the bytes outside the range.
//! * A match found at or after the chunk's end is dropped and found again by the next step;
//!   leftmost-first search gives the same answer from either starting point.
//! * The empty-match rule of `find_iter` (an empty match right where the previous match ended
//!   is skipped) carries across steps in `last_end`.
//!
//! No threads and no clock here: the caller (the search worker) loops on `step`, reports
//! [`Scanner::position`] as progress and checks its cancel flag between steps. A chunk of
//! 16 MiB costs about 1 ms for a literal and 25 ms for a pattern with no literal (measured),
//! which is the cancel latency.

use std::ops::Range;

use regex_automata::{Anchored, Input, meta};

use super::query::Pattern;
use crate::core::source::ByteSource;

/// Bytes read on each side of a window beyond what the matches can cover, so look-around
/// sees the neighbours of every position it tests. Four is the longest UTF-8 sequence, which
/// is what a Unicode `\b` decodes on each side; `^`, `$` and `(?R)` need one.
pub const LOOK_AROUND: u64 = 4;

/// Default chunk: 16 MiB per step (about 1–25 ms of searching, see the module docs).
pub const DEFAULT_CHUNK: u64 = 16 << 20;

/// Default longest match the scan guarantees to report exactly for unbounded patterns:
/// 1 MiB. The window reads this much past each chunk (about 6% extra at 16 MiB chunks).
pub const DEFAULT_MAX_MATCH: u64 = 1 << 20;

/// The longest single match the scan follows to its end: 64 MiB (issue 10). A match that
/// runs into the end of its window is searched again, anchored at its start, over windows
/// growing up to this length; one longer than this is reported cut here, and
/// [`Scanner::first_too_long`] names its offset so the UI and `find` can say so.
pub const LONG_MATCH_LIMIT: u64 = 64 << 20;

/// How a [`Scanner`] cuts the work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanConfig {
    /// Match start positions covered by one step; `0` counts as `1`. The window read per
    /// step is about `chunk + overlap` bytes, so this bounds both the memory of an owned read
    /// and the time between cancellation checks.
    pub chunk: u64,
    /// The longest match the scan must see whole when the pattern's own maximum length is
    /// larger or unbounded (`+`, `*`). **This is the scan's documented limit:** with every
    /// match of `regex::bytes::Regex::find_iter` at most this long, the scan reports exactly
    /// the same matches; a longer match may be cut at this length, missed, or replaced by a
    /// later one (see [`Scanner::long_matches`]). Bounded patterns whose maximum length fits
    /// are always exact. The default, 1 MiB, keeps well clear of any match a person would
    /// look for in a hex editor; keep it at 64 KiB or more in production.
    pub max_match: u64,
}

impl ScanConfig {
    /// How far past a chunk's end the window reaches for `pattern`: its maximum length,
    /// capped by `max_match` (which also stands in for an unbounded pattern). A match
    /// depends on at most `overlap + LOOK_AROUND` bytes after its start, which is what a
    /// re-search after an edit needs to know (see [`MatchIndex::restart_point`]).
    ///
    /// [`MatchIndex::restart_point`]: super::MatchIndex::restart_point
    pub fn overlap(&self, pattern: &Pattern) -> u64 {
        self.overlap_and_exactness(pattern).0
    }

    fn overlap_and_exactness(&self, pattern: &Pattern) -> (u64, bool) {
        let pattern_max = pattern
            .max_len()
            .map(|n| u64::try_from(n).unwrap_or(u64::MAX));
        match pattern_max {
            Some(n) if n <= self.max_match => (n, true),
            _ => (self.max_match, false),
        }
    }
}

impl Default for ScanConfig {
    fn default() -> Self {
        ScanConfig {
            chunk: DEFAULT_CHUNK,
            max_match: DEFAULT_MAX_MATCH,
        }
    }
}

/// One match: `len` bytes at file offset `start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Match {
    /// File offset of the first byte.
    pub start: u64,
    /// Length in bytes; `0` for an empty match (`x*`, `^`).
    pub len: u64,
}

impl Match {
    /// A match of `len` bytes at `start`.
    pub fn new(start: u64, len: u64) -> Self {
        Match { start, len }
    }

    /// File offset just past the last byte.
    pub fn end(self) -> u64 {
        self.start.saturating_add(self.len)
    }

    /// `start..end`.
    pub fn range(self) -> Range<u64> {
        self.start..self.end()
    }

    /// True for a zero-length match.
    pub fn is_empty(self) -> bool {
        self.len == 0
    }
}

/// What one [`Scanner::step`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepResult {
    /// A chunk was searched and more remain; call `step` again.
    More,
    /// The sink returned `false`. The scanner sits just after the match it was handed, so
    /// calling `step` again resumes with the next match (useful for "find next").
    Stopped,
    /// The whole range has been searched; further steps do nothing.
    Done,
}

/// A resumable search of one [`Pattern`] over a range of a [`ByteSource`].
///
/// Reported matches are exactly those of `regex::bytes::Regex::find_iter` over the whole
/// source (leftmost-first, non-overlapping, `find_iter`'s empty-match rule), restricted to
/// the ones starting in the range, as long as no match is longer than the overlap (the
/// pattern's maximum length, or [`ScanConfig::max_match`] when that is smaller or the pattern
/// is unbounded).
///
/// For a range that starts after 0 the scan behaves like `find_iter` started at the range's
/// start with the bytes before it visible to look-around (`Input::range` semantics,
/// `regex::bytes::Regex::find_at`): a whole-file match straddling the start is not seen, so
/// to re-search after an edit start at a position where the whole-file iteration also
/// restarts: the end of a known match (then tell the scanner with
/// [`Scanner::with_previous_match_end`]) or the start of the file.
///
/// The source must not change between the steps of one scan (search a snapshot); if it
/// does, the results are unspecified but nothing panics.
#[derive(Debug, Clone)]
pub struct Scanner {
    regex: meta::Regex,
    cache: meta::Cache,
    range: Range<u64>,
    chunk: u64,
    overlap: u64,
    /// The pattern's longest match fits in the overlap, so no match can be cut.
    exact: bool,
    /// Start of the current chunk; every match starting before it has been reported.
    chunk_start: u64,
    /// Where the next search starts; never below `chunk_start`.
    pos: u64,
    /// End of the last reported match (or the seeded one), for the empty-match rule.
    last_end: Option<u64>,
    done: bool,
    long_matches: u64,
    first_too_long: Option<u64>,
    /// `min(range.end, len)` as of the last step, for [`Scanner::position`].
    end_seen: u64,
}

impl Scanner {
    /// A scan for matches starting in `range`. The range is clipped to the source when
    /// stepping; the position equal to the source's length counts as inside when
    /// `range.end` is beyond it, which is where `find_iter` reports a final empty match. Use
    /// [`Scanner::whole`] (or `..u64::MAX`) to search everything.
    pub fn new(pattern: &Pattern, range: Range<u64>, config: ScanConfig) -> Self {
        let (overlap, exact) = config.overlap_and_exactness(pattern);
        let regex = pattern.regex().clone();
        let cache = regex.create_cache();
        Scanner {
            regex,
            cache,
            chunk_start: range.start,
            pos: range.start,
            end_seen: range.end,
            range,
            chunk: config.chunk.max(1),
            overlap,
            exact,
            last_end: None,
            done: false,
            long_matches: 0,
            first_too_long: None,
        }
    }

    /// A scan of the whole source, including a final empty match at its end.
    pub fn whole(pattern: &Pattern, config: ScanConfig) -> Self {
        Scanner::new(pattern, 0..u64::MAX, config)
    }

    /// Seeds `find_iter`'s empty-match rule for a scan that resumes a whole-file search at
    /// `end`, the end of the last match before the range: an empty match exactly there is
    /// then skipped, as the whole-file search would. Without it the range is searched as if
    /// nothing came before (`find_at` semantics).
    #[must_use]
    pub fn with_previous_match_end(mut self, end: u64) -> Self {
        self.last_end = Some(end);
        self
    }

    /// The requested range of match starts.
    pub fn range(&self) -> Range<u64> {
        self.range.clone()
    }

    /// Progress: every match starting before this offset has been handed to the sink.
    /// Moves forward monotonically from `range.start` to `min(range.end, source length)`.
    pub fn position(&self) -> u64 {
        if self.done {
            return self.end_seen;
        }
        self.pos.max(self.chunk_start).min(self.end_seen)
    }

    /// How far past a chunk's end the window reaches so a match starting in the chunk is
    /// seen whole: the pattern's maximum length, capped by [`ScanConfig::max_match`].
    pub fn overlap(&self) -> u64 {
        self.overlap
    }

    /// Where the whole-file iteration stands after this scan: the position its next search
    /// starts from and the end of the last match (for the empty-match rule). Once a scan of
    /// `a..b` is done, `resume_state().0 >= b`; a scan seeded with this state from there
    /// continues exactly as one scan of the whole range would have
    /// ([`Scanner::resume`]).
    pub fn resume_state(&self) -> (u64, Option<u64>) {
        (self.pos.max(self.chunk_start), self.last_end)
    }

    /// A scan of `range` that continues a whole-file iteration from `state`
    /// ([`Scanner::resume_state`] of the scan before it): starts at `state.0` if that is past
    /// `range.start`, with `state.1` seeding the empty-match rule.
    pub fn resume(
        pattern: &Pattern,
        range: Range<u64>,
        state: (u64, Option<u64>),
        config: ScanConfig,
    ) -> Self {
        let from = state.0.max(range.start);
        let mut s = Scanner::new(pattern, from..range.end.max(from), config);
        s.last_end = state.1;
        s
    }

    /// True once the whole range has been searched.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// How many reported matches were longer than [`LONG_MATCH_LIMIT`] and so were cut
    /// there (what follows such a match may differ from a whole-file search). Matches that
    /// merely ran past the window were followed to their end and are exact.
    pub fn long_matches(&self) -> u64 {
        self.long_matches
    }

    /// The offset of the first match cut at [`LONG_MATCH_LIMIT`], if any.
    pub fn first_too_long(&self) -> Option<u64> {
        self.first_too_long
    }

    /// The true end of a match starting at `start` whose search ran into `window_end`: an
    /// anchored search from `start` over growing windows, up to [`LONG_MATCH_LIMIT`].
    /// Leftmost-first from a given start depends only on the bytes, so this is the end the
    /// whole-file search finds. Returns the end and whether the limit cut it.
    fn extend<S: ByteSource + ?Sized>(
        &mut self,
        src: &S,
        start: u64,
        window_end: u64,
    ) -> (u64, bool) {
        let len = src.len();
        let mut reach = window_end
            .saturating_sub(start)
            .saturating_mul(4)
            .clamp(64 << 10, LONG_MATCH_LIMIT);
        let mut end = window_end;
        loop {
            let limit = start.saturating_add(reach).min(len);
            let lo = start.saturating_sub(LOOK_AROUND);
            let window = src.read(lo..limit.saturating_add(LOOK_AROUND).min(len));
            let hay: &[u8] = &window;
            let a = to_usize(start - lo).min(hay.len());
            let b = to_usize(limit - lo).min(hay.len());
            let input = Input::new(hay).range(a..b).anchored(Anchored::Yes);
            if let Some(m) = self.regex.search_with(&mut self.cache, &input) {
                end = end.max(lo + to_u64(m.end()));
            }
            if end < limit || limit >= len {
                return (end, false);
            }
            if reach >= LONG_MATCH_LIMIT {
                return (end, true);
            }
            reach = reach.saturating_mul(4).min(LONG_MATCH_LIMIT);
        }
    }

    /// Searches one chunk of `src` and hands each match, in order, to `sink`; `sink`
    /// returning `false` stops the step (and the scan, until `step` is called again).
    ///
    /// Reads one window of about `chunk + overlap + 2 * LOOK_AROUND` bytes through
    /// [`ByteSource::read`].
    pub fn step<S, F>(&mut self, src: &S, mut sink: F) -> StepResult
    where
        S: ByteSource + ?Sized,
        F: FnMut(Match) -> bool,
    {
        if self.done {
            return StepResult::Done;
        }
        let len = src.len();
        self.end_seen = self.range.end.min(len);
        // Starts may be anywhere in the range, including `len` itself (find_iter's final
        // empty match) when the range reaches past the end.
        let stop = self.range.end.min(len.saturating_add(1));
        if self.pos >= stop {
            self.done = true;
            return StepResult::Done;
        }
        // Matches must start before `chunk_end` and may run `overlap` past it.
        let chunk_end = self.chunk_start.saturating_add(self.chunk).min(stop);
        let search_end = chunk_end.saturating_add(self.overlap).min(len);
        let window_start = self.pos.saturating_sub(LOOK_AROUND);
        let window_end = search_end.saturating_add(LOOK_AROUND).min(len);
        let window = src.read(window_start..window_end);
        let hay: &[u8] = &window;
        // A source that hands back less than asked is searched as far as it goes.
        let local = |offset: u64| to_usize(offset.saturating_sub(window_start)).min(hay.len());
        let local_end = local(search_end);

        while self.pos <= search_end {
            let local_pos = local(self.pos);
            if local_pos > local_end {
                break;
            }
            let input = Input::new(hay).range(local_pos..local_end);
            let Some(m) = self.regex.search_with(&mut self.cache, &input) else {
                break;
            };
            let start = window_start + to_u64(m.start());
            let end = window_start + to_u64(m.end());
            if start >= chunk_end {
                // Belongs to the next chunk, which finds it again from `chunk_end`.
                break;
            }
            if m.is_empty() && Some(end) == self.last_end {
                // find_iter's rule: no empty match where the previous match ended.
                self.pos = end.saturating_add(1);
                continue;
            }
            let mut end = end;
            if !self.exact && m.end() == local_end && search_end < len {
                // The window may have cut it: follow it to its real end.
                let (true_end, cut) = self.extend(src, start, end);
                end = true_end;
                if cut {
                    self.long_matches = self.long_matches.saturating_add(1);
                    self.first_too_long.get_or_insert(start);
                }
            }
            self.pos = end;
            self.last_end = Some(end);
            if !sink(Match::new(start, end - start)) {
                return StepResult::Stopped;
            }
        }
        self.pos = self.pos.max(chunk_end);
        self.chunk_start = chunk_end;
        if chunk_end >= stop {
            self.done = true;
            StepResult::Done
        } else {
            StepResult::More
        }
    }

    /// Steps until the scan is done or the sink says stop; for tests, the CLI and small
    /// sources. Interactive callers loop on [`Scanner::step`] so they can cancel.
    pub fn run<S, F>(&mut self, src: &S, mut sink: F) -> StepResult
    where
        S: ByteSource + ?Sized,
        F: FnMut(Match) -> bool,
    {
        loop {
            match self.step(src, &mut sink) {
                StepResult::More => {}
                other => return other,
            }
        }
    }
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

fn to_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests;
