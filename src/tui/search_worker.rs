//! The background scan: one thread per search, fed a [`Snapshot`] (never a raw pointer into
//! the UI's mapping, the heh anti-pattern), reporting progress and matches over a channel,
//! tagged with a generation so results of a superseded search are dropped. Cancellation is
//! an atomic flag checked between chunks (16 MiB: a few ms for literals, ~30 ms at worst).

use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::thread::JoinHandle;

use crate::core::document::Snapshot;
use crate::core::search::{Match, Pattern, ScanConfig, Scanner, StepResult};

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
    },
    /// Scanned up to `pos`.
    Progress {
        /// Which search.
        generation: u64,
        /// Offset reached.
        pos: u64,
    },
    /// Finished or cancelled.
    Done {
        /// Which search.
        generation: u64,
        /// True when it was cancelled.
        cancelled: bool,
        /// Matches that may be longer than the scan's window (see `Scanner::long_matches`).
        long_matches: u64,
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

fn run(req: &SearchRequest, cancel: &AtomicBool, tx: &Sender<WorkerMsg>) {
    let generation = req.generation;
    let mut scanner = Scanner::new(&req.pattern, req.range.clone(), ScanConfig::default());
    if let Some(end) = req.prev_end {
        scanner = scanner.with_previous_match_end(end);
    }
    let mut sent = 0u64;
    loop {
        if cancel.load(Ordering::Relaxed) {
            let _ = tx.send(WorkerMsg::Done {
                generation,
                cancelled: true,
                long_matches: scanner.long_matches(),
            });
            return;
        }
        let mut batch = Vec::new();
        let mut unsent = 0u64;
        let r = scanner.step(&req.snapshot, |m| {
            if sent <= req.store_cap {
                batch.push(m);
                sent += 1;
            } else {
                unsent += 1;
            }
            true
        });
        if (!batch.is_empty() || unsent > 0)
            && tx
                .send(WorkerMsg::Found {
                    generation,
                    matches: batch,
                    unsent,
                })
                .is_err()
        {
            return;
        }
        if tx
            .send(WorkerMsg::Progress {
                generation,
                pos: scanner.position(),
            })
            .is_err()
        {
            return;
        }
        if r != StepResult::More {
            let _ = tx.send(WorkerMsg::Done {
                generation,
                cancelled: false,
                long_matches: scanner.long_matches(),
            });
            return;
        }
    }
}
