//! The background half of `:s`/`:%s` over big files: a thread runs the replacer over a
//! snapshot, reports its progress, and hands back every replacement found (one buffer for
//! all the replacement bytes). The app applies them in one step when the document has not
//! changed since ([`crate::tui::substitute`]). Esc cancels it.

use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::thread::JoinHandle;

use crate::core::document::Snapshot;
use crate::core::replace::{ReplaceConfig, Replacer, RunEnd, Template, Totals};
use crate::core::search::Pattern;

/// One substitution to run.
#[derive(Clone)]
pub struct SubstJob {
    /// Which run (later reports of an older one are ignored).
    pub generation: u64,
    /// The bytes, as they were when it started.
    pub source: Snapshot,
    /// What to find.
    pub pattern: Pattern,
    /// What each match becomes.
    pub template: Template,
    /// Where, and first-only or all.
    pub config: ReplaceConfig,
}

impl std::fmt::Debug for SubstJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SubstJob")
            .field("generation", &self.generation)
            .finish_non_exhaustive()
    }
}

impl PartialEq for SubstJob {
    fn eq(&self, other: &Self) -> bool {
        self.generation == other.generation
    }
}

impl Eq for SubstJob {}

/// The replacements found: ranges of the source and where their bytes are in `arena`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    /// Every replacement's bytes; one copy for a run of equal ones.
    pub arena: Vec<u8>,
    /// (match range, start in arena, length).
    pub items: Vec<(Range<u64>, usize, usize)>,
}

impl Found {
    /// Adds one, sharing the bytes of the one before when they are equal.
    pub fn push(&mut self, range: Range<u64>, bytes: &[u8]) {
        let shared = self
            .items
            .last()
            .filter(|(_, s, n)| self.arena[*s..*s + *n] == *bytes)
            .map(|(_, s, n)| (*s, *n));
        let (s, n) = shared.unwrap_or_else(|| {
            self.arena.extend_from_slice(bytes);
            (self.arena.len() - bytes.len(), bytes.len())
        });
        self.items.push((range, s, n));
    }

    /// The bytes of item `i`.
    pub fn bytes(&self, i: usize) -> &[u8] {
        let (_, s, n) = &self.items[i];
        &self.arena[*s..*s + *n]
    }
}

/// What the worker reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubstMsg {
    /// Searched up to `pos`; `count` replacements so far.
    Progress {
        /// Which run.
        generation: u64,
        /// Offset reached.
        pos: u64,
        /// Replacements found so far.
        count: u64,
    },
    /// Finished (or cancelled: then `found` is what was found before).
    Done {
        /// Which run.
        generation: u64,
        /// The replacements.
        found: Found,
        /// Their totals.
        totals: Totals,
        /// True when cancelled.
        cancelled: bool,
    },
}

/// Runs substitutions on a background thread, one at a time.
#[derive(Default)]
pub struct SubstWorker {
    cancel: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl SubstWorker {
    /// Starts `job`, cancelling a running one.
    pub fn start(&mut self, job: SubstJob, tx: Sender<SubstMsg>) {
        self.cancel();
        self.cancel = Arc::new(AtomicBool::new(false));
        let cancel = Arc::clone(&self.cancel);
        self.handle = Some(std::thread::spawn(move || run(job, &cancel, &tx)));
    }

    /// Asks the running substitution to stop (it reports `Done { cancelled: true }`).
    pub fn cancel(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

impl Drop for SubstWorker {
    fn drop(&mut self) {
        self.cancel();
    }
}

fn run(job: SubstJob, cancel: &AtomicBool, tx: &Sender<SubstMsg>) {
    let generation = job.generation;
    let mut replacer = Replacer::new(&job.pattern, job.template, &job.config);
    let mut found = Found::default();
    // The sink counts; the progress callback (after each window) reports the count.
    let count = std::cell::Cell::new(0u64);
    let mut progress = |pos: u64| {
        let _ = tx.send(SubstMsg::Progress {
            generation,
            pos,
            count: count.get(),
        });
    };
    let end = replacer.run(&job.source, cancel, &mut progress, |r| {
        found.push(r.range(), r.bytes);
        count.set(count.get() + 1);
        true
    });
    let _ = tx.send(SubstMsg::Done {
        generation,
        found,
        totals: replacer.totals(),
        cancelled: end == RunEnd::Cancelled,
    });
}

/// A `:s` in progress (the app holds it; here rather than in `substitute`, which needs the
/// app, so that the app does not need `substitute`).
#[derive(Debug)]
pub(crate) enum Subst {
    /// Searching in the background.
    Running {
        generation: u64,
        version: u64,
        where_: &'static str,
        confirm: bool,
        len: u64,
    },
    /// Asking about each match (`c`): `accepted` are the indices answered yes.
    Confirm {
        found: Found,
        at: usize,
        accepted: Vec<usize>,
        where_: &'static str,
    },
}
