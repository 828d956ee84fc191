//! The compare view's background comparison (issue 13): one job at a time, on every core
//! ([`ParallelCompare`] with `available cores - 1` helper threads, this worker's thread
//! merging), over two [`Snapshot`]s, streaming the differences as they are found in batches
//! tagged by a generation, with progress, cancellable. `maphex cmp` drives the same code
//! ([`compare_all`]) on its own thread.
//!
//! A job is either the whole of both documents (the differences stream in, the view shows
//! them as they come) or a region after an edit (the differences of the region come at the
//! end, all at once, and replace the old ones there: see `tui::diff_edit`).

use std::cell::RefCell;
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

use crate::core::diff::{Comparer, Config, Diff, Outcome, ParallelCompare};
use crate::core::document::Snapshot;
use crate::core::source::ByteSource;

/// What to compare.
#[derive(Clone)]
pub struct CompareJob {
    /// Tags the reports.
    pub generation: u64,
    /// The first side.
    pub a: Snapshot,
    /// The second side.
    pub b: Snapshot,
    /// Aligned or at equal offsets.
    pub config: Config,
    /// Only these ranges (A's, B's), re-compared after an edit; `None`: everything.
    pub region: Option<(Range<u64>, Range<u64>)>,
}

impl std::fmt::Debug for CompareJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompareJob")
            .field("generation", &self.generation)
            .field("a_len", &self.a.len())
            .field("b_len", &self.b.len())
            .field("config", &self.config)
            .field("region", &self.region)
            .finish()
    }
}

impl PartialEq for CompareJob {
    fn eq(&self, other: &Self) -> bool {
        self.generation == other.generation
    }
}

impl Eq for CompareJob {}

/// What the comparison reports.
#[derive(Debug, Clone)]
pub enum DiffMsg {
    /// More differences of a whole comparison, and how far it got (A's and B's offsets).
    Found {
        /// Which job.
        generation: u64,
        /// The differences since the last report, in order.
        diffs: Vec<Diff>,
        /// Every difference before these offsets is reported.
        pos: (u64, u64),
    },
    /// The job ended.
    Done {
        /// Which job.
        generation: u64,
        /// How it ended.
        outcome: Outcome,
        /// The region it compared, when it was one (its differences are `diffs`).
        region: Option<(Range<u64>, Range<u64>)>,
        /// The differences not reported yet.
        diffs: Vec<Diff>,
    },
}

/// How often a whole comparison reports at most (differences and progress).
const REPORT_EVERY: Duration = Duration::from_millis(50);

/// Runs one comparison at a time; starting another cancels the previous one.
#[derive(Default)]
pub struct DiffWorker {
    cancel: Option<Arc<AtomicBool>>,
}

impl DiffWorker {
    /// Starts `job` (cancelling the running one).
    pub fn start(&mut self, job: CompareJob, tx: Sender<DiffMsg>) {
        self.cancel();
        let cancel = Arc::new(AtomicBool::new(false));
        self.cancel = Some(Arc::clone(&cancel));
        std::thread::spawn(move || run(&job, &cancel, &tx));
    }

    /// Stops the running comparison (its last reports are dropped by generation).
    pub fn cancel(&mut self) {
        if let Some(c) = self.cancel.take() {
            c.store(true, Ordering::Relaxed);
        }
    }
}

/// The body of a job's thread.
fn run(job: &CompareJob, cancel: &AtomicBool, tx: &Sender<DiffMsg>) {
    let generation = job.generation;
    let comparer = match &job.region {
        Some((a, b)) => Comparer::region(job.config, a.clone(), b.clone()),
        None => Comparer::new(job.config, job.a.len(), job.b.len()),
    };
    let found = RefCell::new(Vec::new());
    let streaming = job.region.is_none();
    let mut last = Instant::now();
    let outcome = compare_with(
        &job.a,
        &job.b,
        comparer,
        cancel,
        &mut |d| {
            found.borrow_mut().push(d);
            true
        },
        &mut |pa, pb| {
            if streaming && last.elapsed() >= REPORT_EVERY {
                last = Instant::now();
                let diffs = std::mem::take(&mut *found.borrow_mut());
                // A closed channel: the view is gone; the cancel flag follows.
                let _ = tx.send(DiffMsg::Found {
                    generation,
                    diffs,
                    pos: (pa, pb),
                });
            }
        },
    );
    if outcome == Outcome::Cancelled {
        return;
    }
    let _ = tx.send(DiffMsg::Done {
        generation,
        outcome,
        region: job.region.clone(),
        diffs: found.into_inner(),
    });
}

/// Runs `comparer` on every core: helpers compare chunks of the current diagonal ahead,
/// this thread merges, runs `sink` (which may say stop) and `progress`.
pub fn compare_with(
    a: &(dyn ByteSource + Sync),
    b: &(dyn ByteSource + Sync),
    mut comparer: Comparer,
    cancel: &AtomicBool,
    sink: &mut dyn FnMut(Diff) -> bool,
    progress: &mut dyn FnMut(u64, u64),
) -> Outcome {
    let helpers = crate::tui::search_worker::scan_threads().saturating_sub(1);
    let job = ParallelCompare::new(a, b, cancel, helpers);
    std::thread::scope(|s| {
        for _ in 0..helpers {
            s.spawn(|| job.help());
        }
        job.drive(&mut comparer, sink, progress)
    })
}

/// Every difference of `a` and `b` on every core, in order, until `sink` says stop
/// (`maphex cmp`).
pub fn compare_all(
    a: &(dyn ByteSource + Sync),
    b: &(dyn ByteSource + Sync),
    config: Config,
    sink: &mut dyn FnMut(Diff) -> bool,
) -> Outcome {
    let never = AtomicBool::new(false);
    let comparer = Comparer::new(config, a.len(), b.len());
    compare_with(a, b, comparer, &never, sink, &mut |_, _| {})
}
