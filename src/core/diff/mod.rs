//! Streaming comparison of two [`ByteSource`]s (issue 13): the differences as ranges, in
//! constant memory, resumable, cancellable and parallel where it pays.
//!
//! The pieces:
//!
//! * [`runs`]: the byte-level kernels (first differing byte, maximal differing runs) and
//!   [`compare_chunk`], one stretch of a *diagonal* (A at `a`, B at `b`, advancing together)
//!   compared on its own, by any thread.
//! * [`resync`]: after a mismatch, where the two sides line up again ([`find_resync`]).
//! * [`comparer`]: [`Comparer`], the resumable state machine: each [`Comparer::step`] does a
//!   bounded amount of work (one chunk of diagonal, or one resync) and pushes the differences
//!   it is sure of into a sink that can say stop.
//! * [`parallel`]: [`ParallelCompare`], chunks of the current diagonal computed ahead by
//!   helper threads the caller spawns (core spawns none), consumed in order by the comparer
//!   on the calling thread, so the result is exactly the sequential one.
//! * [`index`]: [`DiffIndex`], the differences kept for navigation: capped, counted past the
//!   cap, searchable by offset on either side.
//!
//! **Equal-offset mode** ([`Align::Off`], `cmp --no-align`): byte `i` of A against byte `i`
//! of B; each maximal run of differing bytes is one [`Diff`] with the same range on both
//! sides; past the end of the shorter source the rest of the longer one is one more `Diff`
//! (an empty range on the shorter side).
//!
//! **Insertion-aware mode** ([`Align::On`], the default), the rule: the sides advance
//! together while equal. At a differing byte the comparer looks for the resync point
//! `(da, db)`, skipping `da` bytes of A and `db` bytes of B, where an equal run of at least
//! [`MIN_RUN`] bytes starts (or the equal common suffix of both, when both ends are within
//! reach), choosing the one with the fewest skipped bytes `da + db` (ties: `da == db`
//! first, then the smaller `da`). It searches windows of growing size (1 KiB, 4 KiB, ... up
//! to [`Config::window`], 4 MiB by default) and accepts a point once no cheaper one can lie
//! outside the window. Then:
//!
//! * `da == db`: an overwrite; reported as the maximal differing runs of that stretch at
//!   equal offsets (so a same-length change is a same-length difference, never a delete
//!   plus an insert);
//! * otherwise one `Diff { a: pa..pa+da, b: pb..pb+db }` (an insertion or deletion has an
//!   empty range on one side);
//!
//! and the comparison carries on aligned at `(pa + da, pb + db)`. When no resync point lies
//! within the largest window, the next `window` bytes (or up to the nearer end) are reported
//! as equal-offset differences and the comparison continues from there, still looking for
//! a resync at the next difference; each further miss in a row doubles that stretch, up to
//! 16 windows ([`comparer::MAX_BACKOFF`]), so unrelated data is not searched byte by byte
//! (a resync that follows such a stretch is found at most one stretch late). So an insertion or deletion of up to about `window`
//! bytes (4 MiB) is found when at least [`MIN_RUN`] equal bytes follow it, memory stays
//! bounded by two windows and a block index of `window / 16` entries, and two unrelated
//! files cost a hash lookup per byte instead of a quadratic alignment. The differences are
//! always *sound*: applying them to A gives B (property-tested).
//!
//! **Parallelism.** Both modes spend their time walking diagonals (long equal stretches):
//! chunks of the current diagonal are independent, so [`ParallelCompare`] has helpers
//! compare them ahead. Resyncs are sequential; the speculation restarts on the new diagonal.
//!
//! **Re-comparing a region** after an edit: [`Comparer::region`] compares `a_range` against
//! `b_range` only, treating their ends as the ends of the sources;
//! [`DiffIndex::region_around`] picks the region and [`DiffIndex::replace`] swaps the result
//! in.
//!
//! [`ByteSource`]: crate::core::source::ByteSource

pub mod comparer;
pub mod index;
pub mod parallel;
pub mod resync;
pub mod runs;

use std::ops::Range;

pub use comparer::{Comparer, Outcome, Step};
pub use index::{DEFAULT_CAP, DiffIndex, Side};
pub use parallel::ParallelCompare;
pub use resync::{MIN_RUN, find_resync};
pub use runs::{Chunk, ChunkKind, compare_chunk};

/// One difference: bytes `a` of A correspond to bytes `b` of B. Differences come in order and
/// do not overlap on either side; an insertion into B has an empty `a` (at the offset of A
/// where it goes), a deletion from A an empty `b`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diff {
    /// The range in A.
    pub a: Range<u64>,
    /// The range in B.
    pub b: Range<u64>,
}

impl Diff {
    /// A difference of `a_len` bytes at `a` in A and `b_len` bytes at `b` in B.
    pub fn new(a: u64, a_len: u64, b: u64, b_len: u64) -> Self {
        Diff {
            a: a..a.saturating_add(a_len),
            b: b..b.saturating_add(b_len),
        }
    }

    /// Bytes of A in the difference.
    pub fn a_len(&self) -> u64 {
        self.a.end - self.a.start
    }

    /// Bytes of B in the difference.
    pub fn b_len(&self) -> u64 {
        self.b.end - self.b.start
    }
}

/// Whether the comparison looks for insertions and deletions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    /// Insertion-aware: resynchronise after a difference (the default).
    #[default]
    On,
    /// Equal offsets only, as `cmp -l` but in ranges.
    Off,
}

/// How a comparison runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Insertion-aware or equal offsets.
    pub align: Align,
    /// Bytes of diagonal per step (and per chunk a helper thread compares).
    pub chunk: u64,
    /// The largest resync window, in bytes on each side: insertions and deletions up to
    /// about this size are found. At least [`MIN_RUN`] `* 4`.
    pub window: u64,
}

/// Bytes per step: 8 MiB, a few milliseconds of memcmp, so cancel and progress stay prompt.
pub const DEFAULT_CHUNK: u64 = 8 << 20;

/// The largest resync window: 4 MiB on each side (the issue asks for at least 1 MiB).
pub const DEFAULT_WINDOW: u64 = 4 << 20;

impl Default for Config {
    fn default() -> Self {
        Config {
            align: Align::On,
            chunk: DEFAULT_CHUNK,
            window: DEFAULT_WINDOW,
        }
    }
}

impl Config {
    /// The default configuration with `align`.
    pub fn with_align(align: Align) -> Self {
        Config {
            align,
            ..Config::default()
        }
    }
}

/// Every difference of `a` and `b` on the calling thread, in order, until `sink` returns
/// false or `cancel` is set (checked between steps). For tests and small sources; the
/// front ends use [`ParallelCompare`].
pub fn compare<A, B>(
    a: &A,
    b: &B,
    config: Config,
    cancel: &std::sync::atomic::AtomicBool,
    sink: &mut dyn FnMut(Diff) -> bool,
) -> Outcome
where
    A: crate::core::source::ByteSource + ?Sized,
    B: crate::core::source::ByteSource + ?Sized,
{
    let mut c = Comparer::new(config, a.len(), b.len());
    c.run(a, b, cancel, sink, &mut |_, _| {})
}

/// Converts a length known to fit in memory (it came from a slice).
pub(crate) fn to_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// Converts an offset into a slice index; ranges handed to the kernels are slices already,
/// so this saturates only on impossible input.
pub(crate) fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}
