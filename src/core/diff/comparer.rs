//! [`Comparer`]: the comparison as a resumable task. Each [`Comparer::step`] does a bounded
//! amount of work, one chunk of the current diagonal ([`Config::chunk`] bytes) or one resync
//! (at most two windows), and pushes the differences it is sure of into a sink that can say
//! stop. Between steps the caller checks its cancel flag and reports progress
//! ([`Comparer::position`]); [`Comparer::run`] is that loop.
//!
//! A chunk of the diagonal may come computed already ([`Comparer::diagonal`] says which one
//! is next): that is how [`super::ParallelCompare`] feeds chunks compared ahead by other
//! threads without changing the result.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

use super::resync::Resyncer;
use super::runs::{Chunk, ChunkKind, KEEP_RUNS, compare_chunk, differing_runs};
use super::{Align, Config, Diff, to_u64};
use crate::core::source::ByteSource;

/// What a step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// More to do.
    Continue,
    /// The comparison is complete: every difference went to the sink.
    Done,
    /// The sink said stop; the comparer is finished.
    Stopped,
}

/// How a whole run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every difference went to the sink.
    Done,
    /// The sink said stop.
    Stopped,
    /// The cancel flag was set first.
    Cancelled,
}

/// A comparison of A's `a` range against B's `b` range, in steps.
#[derive(Debug, Clone)]
pub struct Comparer {
    config: Config,
    pa: u64,
    pb: u64,
    ea: u64,
    eb: u64,
    /// Equal-offset mode: the last run seen, which may go on in the next chunk.
    pending: Option<Diff>,
    finished: bool,
    resyncer: Resyncer,
    /// Resyncs in a row that found nothing: each doubles the next stretch compared at
    /// equal offsets (up to [`MAX_BACKOFF`] doublings).
    misses: u32,
}

/// Unrelated data costs a resync search (a hash lookup per byte of the window) per stretch;
/// after this many misses in a row the stretch is `window << MAX_BACKOFF` (64 MiB by
/// default), so such files cost a few lookups per kilobyte.
pub const MAX_BACKOFF: u32 = 4;

impl Comparer {
    /// The whole of two sources of `a_len` and `b_len` bytes.
    pub fn new(config: Config, a_len: u64, b_len: u64) -> Self {
        Comparer::region(config, 0..a_len, 0..b_len)
    }

    /// A's `a` against B's `b` only, as if they were the whole sources (re-comparing a region
    /// after an edit: its ends should be offsets where the two sides are known to line up,
    /// see [`super::DiffIndex::region_around`]). The differences carry absolute offsets.
    pub fn region(config: Config, a: Range<u64>, b: Range<u64>) -> Self {
        let config = Config {
            chunk: config.chunk.max(1),
            window: config.window.max(super::MIN_RUN * 4),
            ..config
        };
        Comparer {
            config,
            pa: a.start,
            pb: b.start,
            ea: a.end.max(a.start),
            eb: b.end.max(b.start),
            pending: None,
            finished: false,
            resyncer: Resyncer::new(),
            misses: 0,
        }
    }

    /// How far it got: every difference before these offsets has been reported.
    pub fn position(&self) -> (u64, u64) {
        (self.pa, self.pb)
    }

    /// The configuration it runs with.
    pub fn config(&self) -> Config {
        self.config
    }

    /// True once done (or stopped by the sink).
    pub fn is_done(&self) -> bool {
        self.finished
    }

    /// The diagonal the next step walks, as `(a, b, len)`: the next chunk is
    /// `compare_chunk(a, b, a, b, len.min(config.chunk), self.chunk_kind())`, and chunk `k`
    /// after it starts `k * config.chunk` further on both sides. `None` at an end (the next
    /// step reports the tail) and when done.
    pub fn diagonal(&self) -> Option<(u64, u64, u64)> {
        let len = (self.ea - self.pa).min(self.eb - self.pb);
        (!self.finished && len > 0).then_some((self.pa, self.pb, len))
    }

    /// What the chunks of this comparison record.
    pub fn chunk_kind(&self) -> ChunkKind {
        match self.config.align {
            Align::Off => ChunkKind::Runs { keep: KEEP_RUNS },
            Align::On => ChunkKind::FirstDifference,
        }
    }

    /// One bounded step. `ahead` is the next chunk when it was computed already (ignored
    /// unless it starts at [`Comparer::diagonal`]'s offsets, has its kind and fits).
    pub fn step<A, B>(
        &mut self,
        a: &A,
        b: &B,
        ahead: Option<Chunk>,
        sink: &mut dyn FnMut(Diff) -> bool,
    ) -> Step
    where
        A: ByteSource + ?Sized,
        B: ByteSource + ?Sized,
    {
        if self.finished {
            return Step::Done;
        }
        let Some((pa, pb, rem)) = self.diagonal() else {
            return self.finish(sink);
        };
        let want = rem.min(self.config.chunk);
        let kind = self.chunk_kind();
        let chunk = ahead
            .filter(|c| {
                c.a == pa
                    && c.b == pb
                    && c.kind == kind
                    && c.len <= want
                    && (c.len > 0 || c.stopped_at_difference)
            })
            .unwrap_or_else(|| compare_chunk(a, b, pa, pb, want, kind));
        if chunk.len == 0 && !chunk.stopped_at_difference {
            // The sources hold fewer bytes than they said: stop at what they gave.
            self.ea = self.pa;
            self.eb = self.pb;
            return self.finish(sink);
        }
        match self.config.align {
            Align::Off => self.take_runs(&chunk, sink),
            Align::On => self.take_aligned(a, b, &chunk, sink),
        }
    }

    /// Steps until done, stopped or cancelled (checked between steps), calling `progress`
    /// with [`Comparer::position`] after each.
    pub fn run<A, B>(
        &mut self,
        a: &A,
        b: &B,
        cancel: &AtomicBool,
        sink: &mut dyn FnMut(Diff) -> bool,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Outcome
    where
        A: ByteSource + ?Sized,
        B: ByteSource + ?Sized,
    {
        loop {
            if cancel.load(Ordering::Relaxed) {
                return Outcome::Cancelled;
            }
            match self.step(a, b, None, sink) {
                Step::Continue => progress(self.pa, self.pb),
                Step::Done => return Outcome::Done,
                Step::Stopped => return Outcome::Stopped,
            }
        }
    }

    /// Equal-offset mode: the chunk's runs, joined with a run left pending by the previous
    /// chunk.
    fn take_runs(&mut self, chunk: &Chunk, sink: &mut dyn FnMut(Diff) -> bool) -> Step {
        let (pa, pb) = (self.pa, self.pb);
        for r in &chunk.runs {
            let d = Diff {
                a: pa + r.start..pa + r.end,
                b: pb + r.start..pb + r.end,
            };
            match &mut self.pending {
                Some(p) if p.a.end == d.a.start => {
                    p.a.end = d.a.end;
                    p.b.end = d.b.end;
                }
                _ => {
                    if let Some(p) = self.pending.replace(d)
                        && !sink(p)
                    {
                        return self.stop();
                    }
                }
            }
        }
        self.pa += chunk.len;
        self.pb += chunk.len;
        if self.pending.as_ref().is_some_and(|p| p.a.end < self.pa)
            && let Some(p) = self.pending.take()
            && !sink(p)
        {
            return self.stop();
        }
        Step::Continue
    }

    /// Insertion-aware mode: walk the equal stretch; at a difference, resync.
    fn take_aligned<A, B>(
        &mut self,
        a: &A,
        b: &B,
        chunk: &Chunk,
        sink: &mut dyn FnMut(Diff) -> bool,
    ) -> Step
    where
        A: ByteSource + ?Sized,
        B: ByteSource + ?Sized,
    {
        self.pa += chunk.len;
        self.pb += chunk.len;
        if !chunk.stopped_at_difference {
            return Step::Continue;
        }
        let (pa, pb, ea, eb) = (self.pa, self.pb, self.ea, self.eb);
        let window = self.config.window;
        let (da, db) = if let Some(skip) = self.resyncer.find(a, b, pa, pb, ea, eb, window) {
            self.misses = 0;
            skip
        } else {
            // No resync point in reach: a stretch at equal offsets, then look again.
            let stretch = window.saturating_mul(1 << self.misses.min(MAX_BACKOFF));
            self.misses = self.misses.saturating_add(1);
            let w = stretch.min(ea - pa).min(eb - pb);
            (w, w)
        };
        let go_on = if da == db {
            // In windows, so a 64 MiB stretch is never one read; a run over a window's
            // end is joined with its rest.
            let mut run: Option<Diff> = None;
            let mut go_on = true;
            let mut off = 0;
            while go_on && off < da {
                let piece = window.min(da - off);
                let (sa, sb) = (pa + off, pb + off);
                let xa = a.read(sa..sa + piece);
                let xb = b.read(sb..sb + piece);
                go_on = differing_runs(&xa, &xb, |r| {
                    let (from, to) = (to_u64(r.start), to_u64(r.end));
                    match &mut run {
                        Some(prev) if prev.a.end == sa + from => {
                            prev.a.end = sa + to;
                            prev.b.end = sb + to;
                            true
                        }
                        _ => run
                            .replace(Diff {
                                a: sa + from..sa + to,
                                b: sb + from..sb + to,
                            })
                            .is_none_or(&mut *sink),
                    }
                });
                off += piece;
            }
            go_on && run.is_none_or(&mut *sink)
        } else {
            sink(Diff {
                a: pa..pa + da,
                b: pb..pb + db,
            })
        };
        self.pa += da;
        self.pb += db;
        if go_on { Step::Continue } else { self.stop() }
    }

    /// At an end of the diagonal: the pending run, then the rest of the longer side.
    fn finish(&mut self, sink: &mut dyn FnMut(Diff) -> bool) -> Step {
        if let Some(p) = self.pending.take()
            && !sink(p)
        {
            return self.stop();
        }
        self.finished = true;
        if self.pa < self.ea || self.pb < self.eb {
            let tail = Diff {
                a: self.pa..self.ea,
                b: self.pb..self.eb,
            };
            self.pa = self.ea;
            self.pb = self.eb;
            if !sink(tail) {
                return Step::Stopped;
            }
        }
        Step::Done
    }

    fn stop(&mut self) -> Step {
        self.finished = true;
        Step::Stopped
    }
}
