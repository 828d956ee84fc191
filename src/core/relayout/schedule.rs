//! The order of an in-place save: which bytes each step writes, so that every old byte is
//! read before it is overwritten.
//!
//! The moves form a chain whose sources rise (see [`super::spec::classify`]) and whose
//! destinations rise with them. For two moves X before Y of such a chain, Y's destination can
//! only overlap X's source when both shift left (X must go first), and X's destination can
//! only overlap Y's source when both shift right (Y must go first). So the moves that shift
//! left run in ascending order and those that shift right in descending order, each one
//! chunked in the direction it moves; a left and a right move never depend on each other.
//! Bytes from memory are written as soon as no source still to be read lies under them
//! (which interleaves them with the moves, so a step writes long contiguous runs), else at
//! the end, when nothing is left to read.
//!
//! A step reads all its sources before it writes; its own sources that its writes destroy
//! are what its journal record holds ([`saved_ranges`]), so a step torn by a crash can be
//! redone. Nothing a later step needs is ever destroyed by an earlier one.

use super::spec::{Class, Spec, Src};

/// Bytes of one segment written in a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piece {
    /// The segment (an index into [`Spec::segs`]).
    pub seg: usize,
    /// How far into the segment it starts.
    pub skip: u64,
    /// Its length.
    pub len: u64,
}

impl Piece {
    /// Where it goes in the new file.
    pub fn dst(&self, spec: &Spec<'_>) -> u64 {
        spec.segs[self.seg].dst + self.skip
    }

    /// Where a moved piece comes from in the old file.
    pub fn moved_from(&self, spec: &Spec<'_>) -> Option<u64> {
        match (spec.classes[self.seg], spec.segs[self.seg].src) {
            (Class::Move, Src::Old(o)) => Some(o + self.skip),
            _ => None,
        }
    }
}

/// At most this many pieces in one step (so a layout of millions of tiny segments still
/// makes steps of bounded memory).
pub const MAX_PIECES: usize = 1 << 16;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Left,
    Right,
    Rest,
    Done,
}

/// Hands out the steps of a spec one at a time.
pub struct Scheduler<'s, 'a> {
    spec: &'s Spec<'a>,
    phase: Phase,
    /// The segment being worked on (counting down in the right pass).
    idx: usize,
    /// Bytes of it already handed out.
    done_in_seg: u64,
    /// Memory segments already started.
    started: Vec<bool>,
    /// The moves, in chain order (rising sources): segment index.
    moves: Vec<usize>,
    /// For each move, what of its source is still to be read: `lo..hi`.
    rem: Vec<(u64, u64)>,
}

impl<'s, 'a> Scheduler<'s, 'a> {
    /// A scheduler at the first step.
    pub fn new(spec: &'s Spec<'a>) -> Self {
        let moves: Vec<usize> = (0..spec.segs.len())
            .filter(|&i| spec.classes[i] == Class::Move)
            .collect();
        let rem = moves
            .iter()
            .map(|&i| {
                let s = &spec.segs[i];
                let o = match s.src {
                    Src::Old(o) => o,
                    _ => 0,
                };
                (o, o + s.len)
            })
            .collect();
        Scheduler {
            spec,
            phase: Phase::Left,
            idx: 0,
            done_in_seg: 0,
            started: vec![false; spec.segs.len()],
            moves,
            rem,
        }
    }

    fn move_index(&self, seg: usize) -> usize {
        self.moves.partition_point(|&m| m < seg)
    }

    /// No source still to be read lies under `a..b`.
    fn safe(&self, a: u64, b: u64) -> bool {
        // Sources rise and do not overlap, so their original ends rise too.
        let first = self.rem.partition_point(|&(_, end)| end <= a);
        for (i, &(lo, hi)) in self.rem.iter().enumerate().skip(first) {
            let o = match self.spec.segs[self.moves[i]].src {
                Src::Old(o) => o,
                _ => 0,
            };
            if o >= b {
                break;
            }
            if lo < hi && lo < b && a < hi {
                return false;
            }
        }
        true
    }

    fn shift_left(&self, seg: usize) -> bool {
        let s = &self.spec.segs[seg];
        matches!(s.src, Src::Old(o) if s.dst < o)
    }

    /// The next step's pieces, or `None` when all are handed out.
    pub fn next_step(&mut self) -> Option<Vec<Piece>> {
        let budget = self.spec.block.max(1);
        let mut out: Vec<Piece> = Vec::new();
        let mut used = 0u64;
        let n = self.spec.segs.len();
        loop {
            if used >= budget || out.len() >= MAX_PIECES {
                break;
            }
            match self.phase {
                Phase::Done => break,
                Phase::Left | Phase::Rest if self.idx >= n => {
                    if self.phase == Phase::Left && n > 0 {
                        self.phase = Phase::Right;
                        self.idx = n - 1;
                    } else {
                        self.phase = Phase::Done;
                    }
                    self.done_in_seg = 0;
                    continue;
                }
                _ => {}
            }
            let i = self.idx;
            let class = self.spec.classes[i];
            let len = self.spec.segs[i].len;
            let mid = self.done_in_seg > 0;
            let take_it = match class {
                Class::Move => match self.phase {
                    Phase::Left => self.shift_left(i),
                    Phase::Right => !self.shift_left(i),
                    Phase::Rest | Phase::Done => false,
                },
                Class::Memory | Class::Stable => {
                    mid || (!self.started[i]
                        && (self.phase == Phase::Rest || {
                            let d = self.spec.segs[i].dst;
                            self.safe(d, d + len)
                        }))
                }
                Class::Noop | Class::Convert => false,
            };
            if take_it {
                self.started[i] = true;
                let take = (len - self.done_in_seg).min(budget - used);
                let skip = if self.phase == Phase::Right {
                    len - self.done_in_seg - take
                } else {
                    self.done_in_seg
                };
                out.push(Piece {
                    seg: i,
                    skip,
                    len: take,
                });
                used += take;
                self.done_in_seg += take;
                if class == Class::Move {
                    let m = self.move_index(i);
                    if self.phase == Phase::Right {
                        self.rem[m].1 = self.rem[m].0.max(self.rem[m].1 - take);
                    } else {
                        self.rem[m].0 = (self.rem[m].0 + take).min(self.rem[m].1);
                    }
                }
                if self.done_in_seg < len {
                    continue;
                }
            }
            // On to the next segment.
            self.done_in_seg = 0;
            if self.phase == Phase::Right {
                if i == 0 {
                    self.phase = Phase::Rest;
                    self.idx = 0;
                } else {
                    self.idx -= 1;
                }
            } else {
                self.idx += 1;
            }
        }
        (!out.is_empty()).then_some(out)
    }
}

/// The old ranges a step must save in its journal record before it writes: the sources of
/// its moved pieces that its own writes overwrite. Sorted, not overlapping.
pub fn saved_ranges(spec: &Spec<'_>, step: &[Piece]) -> Vec<(u64, u64)> {
    let mut dsts: Vec<(u64, u64)> = step
        .iter()
        .map(|p| {
            let d = p.dst(spec);
            (d, d + p.len)
        })
        .collect();
    dsts.sort_unstable();
    let mut union: Vec<(u64, u64)> = Vec::with_capacity(dsts.len());
    for (a, b) in dsts {
        match union.last_mut() {
            Some(last) if last.1 >= a => last.1 = last.1.max(b),
            _ => union.push((a, b)),
        }
    }
    let mut out = Vec::new();
    for p in step {
        let Some(s) = p.moved_from(spec) else {
            continue;
        };
        let e = s + p.len;
        let mut k = union.partition_point(|&(_, b)| b <= s);
        while let Some(&(a, b)) = union.get(k) {
            if a >= e {
                break;
            }
            out.push((a.max(s), b.min(e)));
            k += 1;
        }
    }
    out.sort_unstable();
    out
}

/// Bytes of a step's journal record that saves `ranges`.
pub fn record_len(ranges: &[(u64, u64)]) -> u64 {
    1 + 8 * 3 + ranges.iter().map(|(a, b)| 16 + (b - a)).sum::<u64>() + 8
}

/// Bytes of the completion record.
pub const COMPLETE_LEN: u64 = 1 + 8 * 3 + 8;

/// What an in-place save of `spec` will write: (bytes into the file, bytes of journal
/// records after the header).
pub fn cost(spec: &Spec<'_>) -> (u64, u64) {
    let mut sched = Scheduler::new(spec);
    let (mut file, mut journal) = (0u64, COMPLETE_LEN);
    while let Some(step) = sched.next_step() {
        file += step.iter().map(|p| p.len).sum::<u64>();
        journal += record_len(&saved_ranges(spec, &step));
    }
    (file, journal)
}

#[cfg(test)]
#[allow(clippy::many_single_char_names)]
mod tests {
    use super::*;
    use crate::core::layout::Layout;
    use proptest::prelude::*;
    use std::io::Write;
    use std::sync::Arc;

    /// What an edit list makes of an old file: a layout and the bytes it stands for.
    #[derive(Clone, Debug)]
    enum P {
        Old(u64, u64),
        Bytes(Vec<u8>),
        Fill(Vec<u8>, usize, u64),
    }

    fn plen(p: &P) -> u64 {
        match p {
            P::Old(_, n) | P::Fill(_, _, n) => *n,
            P::Bytes(b) => b.len() as u64,
        }
    }

    fn split(ps: &mut Vec<P>, at: u64) -> usize {
        let mut pos = 0;
        for i in 0..ps.len() {
            let n = plen(&ps[i]);
            if at == pos {
                return i;
            }
            if at < pos + n {
                let k = at - pos;
                let (a, b) = match &ps[i] {
                    P::Old(o, n) => (P::Old(*o, k), P::Old(o + k, n - k)),
                    P::Bytes(v) => (
                        P::Bytes(v[..k as usize].to_vec()),
                        P::Bytes(v[k as usize..].to_vec()),
                    ),
                    P::Fill(p, ph, n) => (
                        P::Fill(p.clone(), *ph, k),
                        P::Fill(p.clone(), (ph + k as usize) % p.len(), n - k),
                    ),
                };
                ps[i] = a;
                ps.insert(i + 1, b);
                return i + 1;
            }
            pos += n;
        }
        ps.len()
    }

    #[derive(Clone, Debug)]
    enum Op {
        Insert(u64, Vec<u8>),
        Fill(u64, Vec<u8>, u64),
        Delete(u64, u64),
        Copy(u64, u64, u64),
    }

    fn apply(ops: &[Op], old_len: u64) -> Vec<P> {
        let mut ps = vec![P::Old(0, old_len)];
        ps.retain(|p| plen(p) > 0);
        for op in ops {
            let len: u64 = ps.iter().map(plen).sum();
            match op {
                Op::Insert(at, b) => {
                    let i = split(&mut ps, at % (len + 1));
                    ps.insert(i, P::Bytes(b.clone()));
                }
                Op::Fill(at, p, n) => {
                    let i = split(&mut ps, at % (len + 1));
                    ps.insert(i, P::Fill(p.clone(), 0, *n));
                }
                Op::Delete(at, n) => {
                    let a = at % (len + 1);
                    let b = (a + n).min(len);
                    let i = split(&mut ps, a);
                    let j = split(&mut ps, b);
                    ps.drain(i..j);
                }
                Op::Copy(at, from, n) => {
                    if old_len == 0 {
                        continue;
                    }
                    let f = from % old_len;
                    let n = (*n).min(old_len - f);
                    let i = split(&mut ps, at % (len + 1));
                    ps.insert(i, P::Old(f, n));
                }
            }
            ps.retain(|p| plen(p) > 0);
        }
        ps
    }

    fn layout_of(ps: &[P]) -> Layout {
        let mut l = Layout::new();
        for p in ps {
            match p {
                P::Old(o, n) => l.push_old(*o, *n),
                P::Bytes(b) => l.push_bytes(b),
                P::Fill(p, ph, n) => l.push_fill(Arc::from(&p[..]), *ph, *n),
            }
        }
        l
    }

    fn model(ps: &[P], old: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        for p in ps {
            match p {
                P::Old(o, n) => out.extend_from_slice(&old[*o as usize..(o + n) as usize]),
                P::Bytes(b) => out.extend_from_slice(b),
                P::Fill(p, ph, n) => {
                    crate::core::relayout::read::fill_into(p, *ph, 0, *n, &mut out);
                }
            }
        }
        out
    }

    fn ops(max: u64) -> impl Strategy<Value = Vec<Op>> {
        let op = prop_oneof![
            3 => (0..max, prop::collection::vec(any::<u8>(), 1..300)).prop_map(|(a, b)| Op::Insert(a, b)),
            1 => (0..max, prop::collection::vec(any::<u8>(), 1..4), 1..500u64).prop_map(|(a, p, n)| Op::Fill(a, p, n)),
            3 => (0..max, 1..2000u64).prop_map(|(a, n)| Op::Delete(a, n)),
            1 => (0..max, 0..max, 1..800u64).prop_map(|(a, f, n)| Op::Copy(a, f, n)),
        ];
        prop::collection::vec(op, 0..8)
    }

    /// Runs the steps over a disk in memory: every source a step reads must still hold its
    /// old bytes, and a step whose writes are torn must be redone exactly from the disk and
    /// its saved ranges.
    fn simulate(old: &[u8], ps: &[P], block: u64) {
        let layout = layout_of(ps);
        let want = model(ps, old);
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(old).unwrap();
        let n = old.len() as u64;
        let Some(first) = layout.first_change(n) else {
            assert_eq!(want, old);
            return;
        };
        let spec = Spec::from_layout(&layout, Some(&f), n, first, block).unwrap();
        let mut disk = old.to_vec();
        disk.resize(old.len().max(want.len()), 0);
        let mut sched = Scheduler::new(&spec);
        let mut written = 0;
        while let Some(step) = sched.next_step() {
            assert!(step.iter().map(|p| p.len).sum::<u64>() <= block.max(1));
            let saved: Vec<(u64, Vec<u8>)> = saved_ranges(&spec, &step)
                .into_iter()
                .map(|(a, b)| (a, disk[a as usize..b as usize].to_vec()))
                .collect();
            for p in &step {
                let d = p.dst(&spec) as usize;
                let len = p.len as usize;
                assert!(d as u64 >= first, "a write before the first change");
                if let Some(s) = p.moved_from(&spec).or(match spec.segs[p.seg].src {
                    Src::Old(o) => Some(o + p.skip),
                    _ => None,
                }) {
                    assert_eq!(
                        &disk[s as usize..s as usize + len],
                        &old[s as usize..s as usize + len],
                        "a source was overwritten before it was read"
                    );
                }
                let _ = d;
            }
            // A torn step, then its redo from the disk and the saved ranges.
            for p in &step {
                let d = p.dst(&spec) as usize;
                disk[d..d + p.len as usize].fill(0xEE);
            }
            let mut news = Vec::new();
            for p in &step {
                let d = p.dst(&spec) as usize;
                let len = p.len as usize;
                let bytes = match spec.segs[p.seg].src {
                    Src::Old(o) => {
                        let s = (o + p.skip) as usize;
                        let mut b = disk[s..s + len].to_vec();
                        if p.moved_from(&spec).is_some() {
                            let sv: Vec<(u64, &[u8])> =
                                saved.iter().map(|(a, v)| (*a, &v[..])).collect();
                            super::super::inplace::overlay_for_tests(&mut b, s as u64, &sv);
                        }
                        b
                    }
                    _ => want[d..d + len].to_vec(),
                };
                assert_eq!(bytes, &want[d..d + len], "the redo of a torn step differs");
                news.push((d, bytes));
            }
            for (d, b) in news {
                disk[d..d + b.len()].copy_from_slice(&b);
                written += b.len() as u64;
            }
        }
        disk.truncate(want.len());
        assert_eq!(disk, want);
        assert_eq!(written, cost(&spec).0);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn steps_read_before_they_overwrite_and_redo_exactly(
            old_len in 0..6000u64,
            ops in ops(6000),
            block in prop_oneof![1..64u64, 64..4096u64, Just(1 << 20)],
        ) {
            let old: Vec<u8> = (0..old_len).map(|i| (i * 7 % 251) as u8).collect();
            let ps = apply(&ops, old_len);
            simulate(&old, &ps, block);
        }
    }

    #[test]
    fn one_byte_inserted_early_saves_the_overlap_of_every_step() {
        let old: Vec<u8> = (0..10_000u32).map(|i| i as u8).collect();
        let ps = vec![P::Old(0, 100), P::Bytes(vec![1]), P::Old(100, 9900)];
        simulate(&old, &ps, 1000);
        let layout = layout_of(&ps);
        let f = tempfile::tempfile().unwrap();
        let spec = Spec::from_layout(&layout, Some(&f), 10_000, 100, 1000).unwrap();
        let (file, journal) = cost(&spec);
        assert_eq!(file, 9901);
        // Each step of 1000 bytes shifted by one saves 999 of them.
        assert!(journal > 9000 && journal < 11_000, "{journal}");
        // Shifted by more than a step: nothing to save.
        let ps = vec![P::Old(0, 100), P::Bytes(vec![1; 2000]), P::Old(100, 9900)];
        let layout = layout_of(&ps);
        let spec = Spec::from_layout(&layout, Some(&f), 10_000, 100, 1000).unwrap();
        let (_, journal) = cost(&spec);
        assert!(journal < 1000, "{journal}");
    }
}
