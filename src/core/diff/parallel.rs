//! [`ParallelCompare`]: the chunks of the current diagonal compared ahead on other threads,
//! fed in order to one [`Comparer`] on the calling thread, so the differences are exactly
//! the sequential ones (property-tested).
//!
//! Core spawns no threads (the search's pattern, `core::search::parallel`): the caller starts
//! helpers running [`ParallelCompare::help`] (scoped threads, or none at all) and calls
//! [`ParallelCompare::drive`] on its own thread:
//!
//! ```
//! # use maphex::core::diff::{Comparer, Config, ParallelCompare};
//! # use std::sync::atomic::AtomicBool;
//! let (a, b) = (b"same".to_vec(), b"sane".to_vec());
//! let cancel = AtomicBool::new(false);
//! let job = ParallelCompare::new(&a, &b, &cancel, 1);
//! let mut cmp = Comparer::new(Config::default(), 4, 4);
//! let mut diffs = Vec::new();
//! std::thread::scope(|s| {
//!     s.spawn(|| job.help());
//!     job.drive(&mut cmp, &mut |d| { diffs.push(d); true }, &mut |_, _| {})
//! });
//! assert_eq!(diffs.len(), 1);
//! ```
//!
//! Why it is exact: a chunk is a pure function of its start on both sides, its length and
//! its kind, and the comparer takes a chunk only when it starts where the comparer stands
//! ([`Comparer::step`] checks). After a resync (or a chunk cut short) the comparer stands
//! elsewhere; the next [`ParallelCompare::drive`] round publishes the new diagonal and the
//! chunks computed for the old one are dropped. The merging thread also compares chunks
//! itself while it waits, so `drive` with no helper is the sequential comparison.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::Diff;
use super::comparer::{Comparer, Outcome, Step};
use super::runs::{Chunk, ChunkKind, compare_chunk};
use crate::core::source::ByteSource;

/// A comparison shared between the driving thread and its helpers.
pub struct ParallelCompare<'s, A: ?Sized, B: ?Sized> {
    a: &'s A,
    b: &'s B,
    cancel: &'s AtomicBool,
    /// Chunks computed at most this far ahead of the one the comparer takes next.
    ahead: u64,
    board: Mutex<Board>,
    changed: Condvar,
}

/// The published diagonal and the chunks computed for it.
struct Board {
    /// Where chunk 0 starts in A and B.
    origin: (u64, u64),
    /// Bytes of the diagonal from the origin.
    len: u64,
    /// Bytes per chunk.
    size: u64,
    kind: ChunkKind,
    /// Bumped at each new diagonal: results for an old one are dropped.
    epoch: u64,
    /// The next chunk nobody has taken.
    next: u64,
    /// The chunk the comparer takes next.
    merged: u64,
    done: BTreeMap<u64, Chunk>,
    /// No diagonal published yet (or it ended).
    idle: bool,
    /// Insertion-aware mode, after a resync: where the comparer stands once it has walked
    /// the chunk it is computing itself. The new diagonal is published only when it gets
    /// there (a long equal stretch follows), so dense differences, one resync every few
    /// bytes, run on this thread without waking the helpers for chunks thrown away.
    probe: Option<(u64, u64)>,
    /// The drive is over: helpers leave.
    stop: bool,
}

impl Board {
    fn chunks(&self) -> u64 {
        self.len.div_ceil(self.size.max(1))
    }

    /// The request for chunk `k`: (epoch, a, b, len, kind).
    fn request(&self, k: u64) -> (u64, u64, u64, u64, ChunkKind) {
        let off = k * self.size;
        let len = self.size.min(self.len - off);
        (
            self.epoch,
            self.origin.0 + off,
            self.origin.1 + off,
            len,
            self.kind,
        )
    }

    /// True when a helper may take the next chunk.
    fn can_take(&self, ahead: u64) -> bool {
        !self.idle && self.next < self.chunks() && self.next < self.merged + ahead
    }
}

/// How long a waiting thread sleeps before looking at the flags again (a missed wake-up
/// costs at most this).
const NAP: Duration = Duration::from_millis(20);

impl<'s, A, B> ParallelCompare<'s, A, B>
where
    A: ByteSource + Sync + ?Sized,
    B: ByteSource + Sync + ?Sized,
{
    /// A comparison of `a` and `b` for `helpers` helper threads (0 is fine: the driving
    /// thread then compares every chunk itself). `cancel` stops everyone between chunks.
    pub fn new(a: &'s A, b: &'s B, cancel: &'s AtomicBool, helpers: usize) -> Self {
        let threads = u64::try_from(helpers).unwrap_or(u64::MAX).saturating_add(1);
        ParallelCompare {
            a,
            b,
            cancel,
            ahead: threads.saturating_mul(2),
            board: Mutex::new(Board {
                origin: (0, 0),
                len: 0,
                size: 1,
                kind: ChunkKind::FirstDifference,
                epoch: 0,
                next: 0,
                merged: 0,
                done: BTreeMap::new(),
                idle: true,
                probe: None,
                stop: false,
            }),
            changed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Board> {
        self.board.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn nap<'g>(&self, g: MutexGuard<'g, Board>) -> MutexGuard<'g, Board> {
        self.changed
            .wait_timeout(g, NAP)
            .unwrap_or_else(PoisonError::into_inner)
            .0
    }

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// A helper thread's body: compares chunks ahead of the comparer until the drive ends or
    /// the cancel flag is set.
    pub fn help(&self) {
        let mut g = self.lock();
        loop {
            if g.stop || self.cancelled() {
                return;
            }
            if !g.can_take(self.ahead) {
                g = self.nap(g);
                continue;
            }
            let k = g.next;
            g.next += 1;
            g = self.compute(g, k);
        }
    }

    /// Compares chunk `k` without the lock and files it (unless the diagonal changed).
    fn compute<'g>(&'g self, g: MutexGuard<'g, Board>, k: u64) -> MutexGuard<'g, Board> {
        let (epoch, a, b, len, kind) = g.request(k);
        drop(g);
        let chunk = compare_chunk(self.a, self.b, a, b, len, kind);
        let mut g = self.lock();
        if g.epoch == epoch {
            g.done.insert(k, chunk);
        }
        self.changed.notify_all();
        g
    }

    /// The comparer's next chunk when someone computed it (or it is computed here while
    /// waiting); `None` when the comparer should compute it itself.
    fn next_chunk(&self, comparer: &Comparer) -> Option<Chunk> {
        let (pa, pb, len) = comparer.diagonal()?;
        let size = comparer.config().chunk.max(1);
        let kind = comparer.chunk_kind();
        let mut g = self.lock();
        let expected = g
            .merged
            .checked_mul(g.size)
            .map(|off| (g.origin.0 + off, g.origin.1 + off));
        let same = !g.idle
            && g.size == size
            && g.kind == kind
            && expected == Some((pa, pb))
            && g.len.checked_sub(g.merged.saturating_mul(g.size)) == Some(len);
        if !same && kind == ChunkKind::FirstDifference && g.probe != Some((pa, pb)) {
            if !g.idle {
                g.idle = true;
                g.epoch += 1;
                g.done.clear();
            }
            g.probe = Some((pa + size.min(len), pb + size.min(len)));
            return None;
        }
        if !same {
            g.probe = None;
            g.origin = (pa, pb);
            g.len = len;
            g.size = size;
            g.kind = kind;
            g.epoch += 1;
            g.next = 0;
            g.merged = 0;
            g.done.clear();
            g.idle = false;
            self.changed.notify_all();
        }
        let k = g.merged;
        loop {
            if let Some(c) = g.done.remove(&k) {
                g.merged = k + 1;
                self.changed.notify_all();
                return Some(c);
            }
            if g.next <= k {
                // Nobody has it: the comparer computes it (same chunk, same boundaries).
                g.next = k + 1;
                g.merged = k + 1;
                self.changed.notify_all();
                return None;
            }
            if self.cancelled() {
                return None;
            }
            if g.can_take(self.ahead) {
                // Someone is on chunk k: compare a later one meanwhile.
                let j = g.next;
                g.next += 1;
                g = self.compute(g, j);
            } else {
                g = self.nap(g);
            }
        }
    }

    /// Runs `comparer` to the end on the calling thread, with chunks from the helpers; as
    /// [`Comparer::run`]. Helpers return once this does.
    pub fn drive(
        &self,
        comparer: &mut Comparer,
        sink: &mut dyn FnMut(Diff) -> bool,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Outcome {
        /// Sends the helpers home however `drive` ends (a panicking sink included).
        struct Release<'x>(&'x Mutex<Board>, &'x Condvar);
        impl Drop for Release<'_> {
            fn drop(&mut self) {
                let mut g = self.0.lock().unwrap_or_else(PoisonError::into_inner);
                g.stop = true;
                g.done.clear();
                self.1.notify_all();
            }
        }
        let _release = Release(&self.board, &self.changed);
        loop {
            if self.cancelled() {
                return Outcome::Cancelled;
            }
            let ahead = self.next_chunk(comparer);
            match comparer.step(self.a, self.b, ahead, sink) {
                Step::Continue => {
                    let (pa, pb) = comparer.position();
                    progress(pa, pb);
                }
                Step::Done => return Outcome::Done,
                Step::Stopped => return Outcome::Stopped,
            }
        }
    }
}
