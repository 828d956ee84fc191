//! Search: a query becomes a [`Pattern`], a [`Scanner`] walks a [`ByteSource`] in chunks
//! pushing each [`Match`] into a sink, and a [`MatchIndex`] keeps what was found.
//!
//! The pieces and why they are shaped so:
//!
//! * [`query`]: regex, text and hex queries all compile to one engine that behaves exactly
//!   like `regex::bytes::Regex` (so "what does this pattern match" has one answer, testable
//!   against the regex crate).
//! * [`scan`]: a resumable task, not a function that runs to the end, so the worker thread
//!   can report progress and honour cancellation between steps, and the sink can say stop
//!   (ripgrep's `Sink` returning `Ok(false)`). It reads bounded windows through
//!   [`ByteSource::read`] and never assumes the file is one flat slice, so it works
//!   unchanged over a document with unsaved edits.
//! * [`index`]: compact sorted storage with binary-search navigation, a cap on what is stored
//!   and an exact count past it.
//!
//! **Guarantee and limit.** A whole-source scan reports exactly the matches of
//! `regex::bytes::Regex::find_iter` on the whole source whenever none of them is longer than
//! the scan's overlap: the pattern's maximum length when bounded and within
//! [`ScanConfig::max_match`] (default 1 MiB), else `max_match`. Longer matches may be cut,
//! missed or replaced (`notes/platform.md` §6.1 has the measured example);
//! [`Scanner::long_matches`] tells the UI when that may have happened. The scan reports
//! spans only; [`Pattern::captures`] gives the groups of one match on demand.
//!
//! **Re-searching after an edit** (overwrite only, so offsets do not move): a match depends on
//! at most [`ScanConfig::overlap`] `+` [`LOOK_AROUND`] bytes after its start, so the search
//! can restart after the last match before the edit that could not see it, and stop at the
//! first match past the edit that is already stored. [`MatchIndex::restart_point`] spells
//! out the procedure; a property test checks it equals a full search of the edited bytes.
//!
//! [`ByteSource`]: crate::core::source::ByteSource
//! [`ByteSource::read`]: crate::core::source::ByteSource::read

pub mod index;
pub mod parallel;
pub mod query;
pub mod scan;

pub use index::{DEFAULT_CAP, MatchIndex, Restart};
pub use parallel::{Merged, Merger, Segment, scan_segment, segments};
pub use query::{HexProblem, Pattern, Query, QueryKind, SearchError, parse_hex};
pub use scan::{
    DEFAULT_CHUNK, DEFAULT_MAX_MATCH, LONG_MATCH_LIMIT, LOOK_AROUND, Match, ScanConfig, Scanner,
    StepResult,
};

/// What the unit tests of the scan and of the parallel merge compare against.
#[cfg(test)]
pub(crate) mod testing {
    /// Every match of `p` with byte semantics, as (start, end): `regex::bytes`, Unicode off.
    pub fn find_iter(p: &str, hay: &[u8]) -> Vec<(u64, u64)> {
        regex::bytes::RegexBuilder::new(p)
            .unicode(false)
            .build()
            .unwrap()
            .find_iter(hay)
            .map(|m| (m.start() as u64, m.end() as u64))
            .collect()
    }
}
