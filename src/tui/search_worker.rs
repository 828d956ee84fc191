//! The background scan: one thread per search, fed a [`Snapshot`] (never a raw pointer into
//! the UI's mapping, the heh anti-pattern), reporting progress and matches over a channel,
//! tagged with a generation so results of a superseded search are dropped. Cancellation is
//! an atomic flag checked between chunks (16 MiB: a few ms for literals, ~30 ms at worst).
//!
//! A whole-file scan runs on every core ([`scan_parallel`], issue 10): scoped threads scan
//! 16 MiB segments independently and the search thread merges them in order with
//! [`Merger`], which makes the result identical to one forward scan. `find` uses the same
//! driver ([`scan_source`]).

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

use crate::core::document::Snapshot;
use crate::core::search::{
    Match, Merger, Pattern, ScanConfig, Scanner, Segment, StepResult, scan_segment, segments,
};
use crate::core::source::ByteSource;

/// A search to run.
#[derive(Clone)]
pub struct SearchRequest {
    /// Tags every message of this search.
    pub generation: u64,
    /// The compiled pattern.
    pub pattern: Arc<Pattern>,
    /// The bytes to search.
    pub snapshot: Snapshot,
    /// Where matches may start.
    pub range: Range<u64>,
    /// End of the last match before `range` (re-searching a region after an edit).
    pub prev_end: Option<u64>,
    /// Matches to send before only counting the rest (the index cap); one more is sent so
    /// the index knows where its stored matches stop.
    pub store_cap: u64,
}

impl std::fmt::Debug for SearchRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchRequest")
            .field("generation", &self.generation)
            .field("pattern", &self.pattern.regex_source())
            .field("range", &self.range)
            .finish_non_exhaustive()
    }
}

impl PartialEq for SearchRequest {
    fn eq(&self, other: &Self) -> bool {
        self.generation == other.generation && self.range == other.range
    }
}

impl Eq for SearchRequest {}

/// What the worker reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkerMsg {
    /// Matches found in the last chunk, in order, plus a count of those not sent (past the cap).
    Found {
        /// Which search.
        generation: u64,
        /// The matches.
        matches: Vec<Match>,
        /// Matches counted but not sent.
        unsent: u64,
        /// Among the unsent, about one per [`POINT_EVERY`] bytes: `(end, n)` where the
        /// iteration stood after the `n`-th match (1-based), which ended at `end`. The UI
        /// resumes exact navigation past the cap from these.
        points: Vec<(u64, u64)>,
    },
    /// Scanned up to `pos`.
    Progress {
        /// Which search.
        generation: u64,
        /// Offset reached.
        pos: u64,
        /// The iteration's state there ([`Scanner::resume_state`]); every match sent or
        /// counted before this message starts before `state.0`.
        state: (u64, Option<u64>),
    },
    /// Finished or cancelled.
    Done {
        /// Which search.
        generation: u64,
        /// True when it was cancelled.
        cancelled: bool,
        /// Matches cut at the long-match limit (see `Scanner::long_matches`).
        long_matches: u64,
        /// The offset of the first of them.
        too_long: Option<u64>,
    },
}

/// Runs searches on a background thread, one at a time.
#[derive(Default)]
pub struct Worker {
    cancel: Option<Arc<AtomicBool>>,
    handle: Option<JoinHandle<()>>,
}

impl Worker {
    /// Cancels any running search and starts `req`, reporting to `tx`.
    pub fn start(&mut self, req: SearchRequest, tx: Sender<WorkerMsg>) {
        self.cancel();
        let cancel = Arc::new(AtomicBool::new(false));
        self.cancel = Some(Arc::clone(&cancel));
        self.handle = Some(std::thread::spawn(move || run(&req, &cancel, &tx)));
    }

    /// Asks the running search to stop; it reports `Done { cancelled: true }`.
    pub fn cancel(&mut self) {
        if let Some(c) = self.cancel.take() {
            c.store(true, Ordering::Relaxed);
        }
        // Detach: the thread notices the flag within one chunk and exits on its own.
        self.handle = None;
    }

    /// True while a search thread is alive.
    pub fn is_running(&self) -> bool {
        self.handle.as_ref().is_some_and(|h| !h.is_finished())
    }

    /// Cancels and waits for the thread to end (used at exit and by tests).
    pub fn join(&mut self) {
        if let Some(c) = self.cancel.take() {
            c.store(true, Ordering::Relaxed);
        }
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// What a whole scan ([`scan_parallel`]) reports besides its matches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanSummary {
    /// Matches cut at [`LONG_MATCH_LIMIT`](crate::core::search::LONG_MATCH_LIMIT).
    pub long_matches: u64,
    /// The offset of the first of them.
    pub too_long: Option<u64>,
    /// The scan was stopped (cancel flag, or the sink said stop) before the end.
    pub stopped: bool,
}

/// One thing a scan reports, in file order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanEvent {
    /// The next match of the one forward leftmost-first scan.
    Match(Match),
    /// Every match starting before `pos` has been reported, and the iteration stands at
    /// `state` ([`Scanner::resume_state`]): resuming there gives the rest exactly.
    Progress {
        /// Offset reached.
        pos: u64,
        /// Where the iteration stands.
        state: (u64, Option<u64>),
    },
}

/// Past the index cap, the worker reports a resumption point about this often (bytes), so
/// `n`/`N` and highlights past the cap scan at most about this much.
pub const POINT_EVERY: u64 = 1 << 20;

/// Segments scanned ahead of the merge, per thread: bounds the memory held by segments
/// waiting for an earlier one (a segment holds its matches; 16 MiB of dense text is about
/// 200,000 matches, 3 MB).
const AHEAD_PER_THREAD: u64 = 2;

/// The threads a whole-file scan uses: every core (`available_parallelism`).
pub fn scan_threads() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// `find`'s scan: every match of `pattern` in `src`, on every core, in file order; `sink`
/// returning false stops it.
pub fn scan_source(
    pattern: &Pattern,
    src: &(dyn ByteSource + Sync),
    sink: &mut dyn FnMut(Match) -> bool,
) -> ScanSummary {
    let never = AtomicBool::new(false);
    scan_parallel(
        pattern,
        src,
        0..u64::MAX,
        None,
        ScanConfig::default(),
        scan_threads(),
        &never,
        &mut |e| match e {
            ScanEvent::Match(m) => sink(m),
            ScanEvent::Progress { .. } => true,
        },
    )
}

/// Scans `range` of `src` for `pattern` with `threads` threads, reporting exactly what one
/// [`Scanner`] over the range would (see [`crate::core::search::parallel`] for why the merge
/// is exact), in order, to `on`, from the calling thread. The calling thread merges (and
/// runs `on`); `threads` workers scan segments of `config.chunk` bytes, at most a few ahead
/// of the merge. `cancel` is checked between segments; `on` returning false stops too.
#[allow(clippy::too_many_arguments)]
pub fn scan_parallel<S: ByteSource + Sync + ?Sized>(
    pattern: &Pattern,
    src: &S,
    range: Range<u64>,
    prev_end: Option<u64>,
    config: ScanConfig,
    threads: usize,
    cancel: &AtomicBool,
    on: &mut dyn FnMut(ScanEvent) -> bool,
) -> ScanSummary {
    let parts = segments(range.clone(), src.len(), config.chunk);
    if threads <= 1 || parts.len() <= 1 {
        return scan_sequential(pattern, src, range, prev_end, config, cancel, on);
    }
    let start = parts.first().map_or(range.start, |r| r.start);
    let mut merger = Merger::new(pattern, config, start, prev_end);
    let ahead = AHEAD_PER_THREAD.saturating_mul(threads as u64).max(2);
    let shared = Shared {
        next: AtomicU64::new(0),
        stop: AtomicBool::new(false),
        state: Mutex::new(Board {
            done: BTreeMap::new(),
            merged: 0,
        }),
        changed: Condvar::new(),
    };
    let mut stopped = false;
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| worker(pattern, src, config, &parts, ahead, &shared, cancel));
        }
        for (k, _) in parts.iter().enumerate() {
            let Some(seg) = shared.take(k as u64, cancel) else {
                stopped = true;
                break;
            };
            let mut keep_going = true;
            merger.push(src, &seg, |m| {
                keep_going = on(ScanEvent::Match(m));
                keep_going
            });
            let progress = ScanEvent::Progress {
                pos: seg.range.end.min(src.len()),
                state: merger.state(),
            };
            if !keep_going || !on(progress) {
                stopped = true;
                break;
            }
            if cancel.load(Ordering::Relaxed) && k + 1 < parts.len() {
                stopped = true;
                break;
            }
        }
        shared.stop.store(true, Ordering::Relaxed);
        shared.changed.notify_all();
    });
    ScanSummary {
        long_matches: merger.long_matches(),
        too_long: merger.first_too_long(),
        stopped,
    }
}

/// One [`Scanner`] on the calling thread (small sources, one core, region re-searches).
fn scan_sequential<S: ByteSource + ?Sized>(
    pattern: &Pattern,
    src: &S,
    range: Range<u64>,
    prev_end: Option<u64>,
    config: ScanConfig,
    cancel: &AtomicBool,
    on: &mut dyn FnMut(ScanEvent) -> bool,
) -> ScanSummary {
    let mut scanner = Scanner::new(pattern, range, config);
    if let Some(end) = prev_end {
        scanner = scanner.with_previous_match_end(end);
    }
    let mut stopped = false;
    loop {
        let r = scanner.step(src, |m| on(ScanEvent::Match(m)));
        let progress = ScanEvent::Progress {
            pos: scanner.position(),
            state: scanner.resume_state(),
        };
        if r == StepResult::Stopped || !on(progress) {
            stopped = true;
            break;
        }
        if r == StepResult::Done {
            break;
        }
        if cancel.load(Ordering::Relaxed) {
            stopped = true;
            break;
        }
    }
    ScanSummary {
        long_matches: scanner.long_matches(),
        too_long: scanner.first_too_long(),
        stopped,
    }
}

/// What the scanning threads and the merging thread share.
struct Shared {
    /// The next segment a worker takes.
    next: AtomicU64,
    /// Set when the merge stops: workers finish their segment and leave.
    stop: AtomicBool,
    state: Mutex<Board>,
    changed: Condvar,
}

struct Board {
    /// Scanned segments not merged yet, by index.
    done: BTreeMap<u64, Segment>,
    /// Segments merged so far.
    merged: u64,
}

impl Shared {
    /// Waits for segment `k` (None when cancelled first).
    fn take(&self, k: u64, cancel: &AtomicBool) -> Option<Segment> {
        let mut board = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        loop {
            if let Some(seg) = board.done.remove(&k) {
                board.merged = k + 1;
                drop(board);
                self.changed.notify_all();
                return Some(seg);
            }
            if cancel.load(Ordering::Relaxed) {
                return None;
            }
            board = self
                .changed
                .wait_timeout(board, std::time::Duration::from_millis(20))
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0;
        }
    }
}

fn worker<S: ByteSource + Sync + ?Sized>(
    pattern: &Pattern,
    src: &S,
    config: ScanConfig,
    parts: &[Range<u64>],
    ahead: u64,
    shared: &Shared,
    cancel: &AtomicBool,
) {
    loop {
        let k = shared.next.fetch_add(1, Ordering::Relaxed);
        let Some(range) = usize::try_from(k).ok().and_then(|i| parts.get(i)) else {
            return;
        };
        // Stay at most `ahead` segments in front of the merge.
        {
            let mut board = shared
                .state
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            while k >= board.merged + ahead {
                if shared.stop.load(Ordering::Relaxed) || cancel.load(Ordering::Relaxed) {
                    return;
                }
                board = shared
                    .changed
                    .wait_timeout(board, std::time::Duration::from_millis(20))
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .0;
            }
        }
        if shared.stop.load(Ordering::Relaxed) || cancel.load(Ordering::Relaxed) {
            return;
        }
        let seg = scan_segment(pattern, src, range.clone(), config);
        shared
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .done
            .insert(k, seg);
        shared.changed.notify_all();
    }
}

fn run(req: &SearchRequest, cancel: &AtomicBool, tx: &Sender<WorkerMsg>) {
    let generation = req.generation;
    // A re-search after an edit usually meets the stored matches within a few bytes:
    // one thread; a whole-file scan uses every core.
    let threads = if req.range.start == 0 && req.prev_end.is_none() {
        scan_threads()
    } else {
        1
    };
    let mut sent = 0u64;
    let mut batch = Vec::new();
    let mut unsent = 0u64;
    let mut count = 0u64;
    let mut points = Vec::new();
    let mut next_point = 0u64;
    let mut gone = false;
    let summary = scan_parallel(
        &req.pattern,
        &req.snapshot,
        req.range.clone(),
        req.prev_end,
        ScanConfig::default(),
        threads,
        cancel,
        &mut |e| match e {
            ScanEvent::Match(m) => {
                count += 1;
                if sent <= req.store_cap {
                    batch.push(m);
                    sent += 1;
                } else {
                    unsent += 1;
                    if m.end() >= next_point {
                        points.push((m.end(), count));
                        next_point = m.end().saturating_add(POINT_EVERY);
                    }
                }
                true
            }
            ScanEvent::Progress { pos, state } => {
                if !batch.is_empty() || unsent > 0 {
                    let matches = std::mem::take(&mut batch);
                    let n = std::mem::take(&mut unsent);
                    if tx
                        .send(WorkerMsg::Found {
                            generation,
                            matches,
                            unsent: n,
                            points: std::mem::take(&mut points),
                        })
                        .is_err()
                    {
                        gone = true;
                        return false;
                    }
                }
                if tx
                    .send(WorkerMsg::Progress {
                        generation,
                        pos,
                        state,
                    })
                    .is_err()
                {
                    gone = true;
                    return false;
                }
                !cancel.load(Ordering::Relaxed)
            }
        },
    );
    if gone {
        return;
    }
    if !batch.is_empty() || unsent > 0 {
        let _ = tx.send(WorkerMsg::Found {
            generation,
            matches: batch,
            unsent,
            points,
        });
    }
    let _ = tx.send(WorkerMsg::Done {
        generation,
        cancelled: summary.stopped && cancel.load(Ordering::Relaxed),
        long_matches: summary.long_matches,
        too_long: summary.too_long,
    });
}
