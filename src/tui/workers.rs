//! Each view's background workers: its search and its line index, each with its own channel,
//! so that what a worker reports is for the view it was started for. Searching in one buffer
//! and switching to another mid-search leaves the search running for the first; its reports
//! come back as `Msg::Search(id, …)` and land there. Closing a view forgets its workers
//! (their threads stop within a chunk and their reports are dropped with the channel).

use std::collections::BTreeMap;
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;

use crate::core::document::Snapshot;
use crate::tui::line_worker::{LineWorker, LinesMsg};
use crate::tui::msg::Msg;
use crate::tui::search::SearchRequest;
use crate::tui::search_worker::{Worker, WorkerMsg};
use crate::tui::view::ViewId;

/// One view's workers and their channels.
struct Slot {
    search: Worker,
    search_tx: Sender<WorkerMsg>,
    search_rx: Receiver<WorkerMsg>,
    lines: LineWorker,
    lines_tx: Sender<LinesMsg>,
    lines_rx: Receiver<LinesMsg>,
}

impl Slot {
    fn new() -> Self {
        let (search_tx, search_rx) = mpsc::channel();
        let (lines_tx, lines_rx) = mpsc::channel();
        Self {
            search: Worker::default(),
            search_tx,
            search_rx,
            lines: LineWorker::default(),
            lines_tx,
            lines_rx,
        }
    }
}

/// The workers of every view, by view id (in id order, so reports are taken in a fixed order).
#[derive(Default)]
pub struct Workers {
    slots: BTreeMap<ViewId, Slot>,
}

impl Workers {
    fn slot(&mut self, view: ViewId) -> &mut Slot {
        self.slots.entry(view).or_insert_with(Slot::new)
    }

    /// Starts a search for `view` (cancelling that view's running one, and only that one).
    pub fn search(&mut self, view: ViewId, req: SearchRequest) {
        let slot = self.slot(view);
        slot.search.start(req, slot.search_tx.clone());
    }

    /// Stops `view`'s running search.
    pub fn stop_search(&mut self, view: ViewId) {
        if let Some(s) = self.slots.get_mut(&view) {
            s.search.cancel();
        }
    }

    /// Starts building `view`'s line index.
    pub fn lines(
        &mut self,
        view: ViewId,
        generation: u64,
        snapshot: Snapshot,
        resume: Option<crate::core::lines::LineIndex>,
    ) {
        let slot = self.slot(view);
        slot.lines
            .start(generation, snapshot, resume, slot.lines_tx.clone());
    }

    /// `view` was closed: stop its workers and drop whatever they still send.
    pub fn forget(&mut self, view: ViewId) {
        if let Some(mut s) = self.slots.remove(&view) {
            s.search.cancel();
            s.lines.cancel();
        }
    }

    /// Every report waiting, as messages, each view's in the order sent.
    pub fn drain(&mut self) -> Vec<Msg> {
        let mut out = Vec::new();
        for (&id, s) in &self.slots {
            out.extend(s.search_rx.try_iter().map(|m| Msg::Search(id, m)));
            out.extend(s.lines_rx.try_iter().map(|m| Msg::Lines(id, m)));
        }
        out
    }

    /// Waits up to `timeout` for a report of `view`'s search.
    pub fn recv_search(&self, view: ViewId, timeout: Duration) -> Option<Msg> {
        let s = self.slots.get(&view)?;
        s.search_rx
            .recv_timeout(timeout)
            .ok()
            .map(|m| Msg::Search(view, m))
    }

    /// Waits up to `timeout` for a report of `view`'s line index.
    pub fn recv_lines(&self, view: ViewId, timeout: Duration) -> Option<Msg> {
        let s = self.slots.get(&view)?;
        s.lines_rx
            .recv_timeout(timeout)
            .ok()
            .map(|m| Msg::Lines(view, m))
    }

    /// True while some view's search thread is alive.
    pub fn searching(&self) -> bool {
        self.slots.values().any(|s| s.search.is_running())
    }

    /// Waits for every search thread to end (tests; exit).
    pub fn join_searches(&mut self) {
        for s in self.slots.values_mut() {
            s.search.join();
        }
    }

    /// Stops everything (at exit).
    pub fn shutdown(&mut self) {
        for s in self.slots.values_mut() {
            s.lines.cancel();
            s.search.join();
        }
    }
}
