//! Where two sources line up again after a difference: the resync point `(da, db)`, the
//! fewest skipped bytes `da + db` after which an equal run of at least [`MIN_RUN`] bytes
//! starts (the rule is spelled out in [`crate::core::diff`]).
//!
//! rsync's idea, on two windows that grow (1 KiB, 4 KiB, ... up to the configured window):
//! the blocks of A's window at every [`HASHED`]-th offset go into a hash table (the first
//! block wins for repeated content), and B's window is hashed at *every* offset; a hit is
//! checked with memcmp and extended both ways. Every equal run of `HASHED * 2 - 1` bytes or
//! more contains a whole indexed block of A, so every run of [`MIN_RUN`] bytes is found.
//! The block is short enough that its hash is computed afresh at each offset from two
//! unaligned words, which costs what updating a rolling hash costs, without its state.
//!
//! A window is searched until `t`, the offset in B's window, passes the best cost found so
//! far (no cheaper point can be met later: a run starting at `db` is seen by `db + HASHED`),
//! so the common small differences cost a few dozen lookups. The best point is accepted once
//! no cheaper one could lie past the window (`cost + MIN_RUN <= window`), or when both
//! windows reach the ends of their sources; otherwise the window grows.

use super::runs::common_suffix;
use super::{to_u64, to_usize};
use crate::core::source::ByteSource;

/// The shortest equal run that counts as the two sides lining up again (except a common
/// suffix that ends both sources). Edits closer together than this may be reported merged.
pub const MIN_RUN: u64 = 32;

/// Bytes per hashed block, and the stride of the blocks indexed in A's window.
const HASHED: usize = 16;

/// The first window tried, in bytes on each side.
const FIRST_WINDOW: u64 = 1024;

/// Points skipping up to this many bytes are first looked for directly, cheapest first,
/// before any table is built: small overwrites and insertions, the common case when
/// differences are dense, cost a few memcmps.
const QUICK_COST: usize = 16;

/// The hash table of A's blocks and the scratch a resync reuses.
#[derive(Debug, Default, Clone)]
pub struct Resyncer {
    /// Hashes (0 = empty slot; stored hashes have the low bit set).
    keys: Vec<u64>,
    /// Block numbers.
    vals: Vec<u32>,
    /// One bit per hash class, 8 per slot: most offsets of B hash to a clear bit, which
    /// costs a hit in the L2 cache instead of a miss into the table (unrelated data looks
    /// up every offset of a 4 MiB window).
    bits: Vec<u64>,
}

/// A candidate resync point and its order: fewer skipped bytes, then same length, then
/// less of A skipped.
fn key(da: u64, db: u64) -> (u64, bool, u64) {
    (da.saturating_add(db), da != db, da)
}

fn hash16(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(&bytes[at..at + 8]);
    let lo = u64::from_le_bytes(word);
    word.copy_from_slice(&bytes[at + 8..at + 16]);
    let hi = u64::from_le_bytes(word);
    let h = (lo.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ hi.rotate_left(31))
        .wrapping_mul(0xD6E8_FEB8_6659_FD93);
    (h ^ (h >> 32)) | 1
}

impl Resyncer {
    /// An empty table; it grows to the largest window used and is reused.
    pub fn new() -> Self {
        Resyncer::default()
    }

    /// The resync point after a difference at `pa` in A and `pb` in B, looking no further
    /// than `window` bytes on each side and never past `ea` / `eb`: `Some((da, db))` to skip
    /// `da` bytes of A and `db` of B (never both 0 when the bytes at `pa` and `pb` differ),
    /// or `None` when no point lies within the window.
    #[allow(clippy::too_many_arguments)]
    pub fn find<A, B>(
        &mut self,
        a: &A,
        b: &B,
        pa: u64,
        pb: u64,
        ea: u64,
        eb: u64,
        window: u64,
    ) -> Option<(u64, u64)>
    where
        A: ByteSource + ?Sized,
        B: ByteSource + ?Sized,
    {
        let (ra, rb) = (ea.saturating_sub(pa), eb.saturating_sub(pb));
        let window = window.max(MIN_RUN * 4);
        let mut w = FIRST_WINDOW.min(window);
        loop {
            let (wa, wb) = (w.min(ra), w.min(rb));
            let aw = a.read(pa..pa + wa);
            let bw = b.read(pb..pb + wb);
            let ends = to_u64(aw.len()) == ra && to_u64(bw.len()) == rb;
            if w == FIRST_WINDOW.min(window)
                && let Some(p) = quick(&aw, &bw, ends)
            {
                return Some(p);
            }
            let best = self.search(&aw, &bw, ends);
            if let Some((da, db)) = best
                && (da + db + MIN_RUN <= w || ends)
            {
                return best;
            }
            if ends || w >= window {
                return best;
            }
            w = w.saturating_mul(4).min(window);
        }
    }

    /// The best point within these windows; `ends`: both windows end their sources, so the
    /// common suffix is a point too.
    fn search(&mut self, aw: &[u8], bw: &[u8], ends: bool) -> Option<(u64, u64)> {
        let mut best: Option<(u64, u64)> = None;
        let consider = |da: u64, db: u64, best: &mut Option<(u64, u64)>| {
            if (da, db) != (0, 0) && best.is_none_or(|(x, y)| key(da, db) < key(x, y)) {
                *best = Some((da, db));
            }
        };
        if ends {
            let s = common_suffix(aw, bw);
            consider(to_u64(aw.len() - s), to_u64(bw.len() - s), &mut best);
        }
        if aw.len() < HASHED || bw.len() < HASHED {
            return best;
        }
        let blocks = aw.len() / HASHED;
        self.clear(blocks);
        for j in 0..blocks {
            self.insert(hash16(aw, j * HASHED), j);
        }
        // The last equal run extended, as (diagonal, end in B): hits inside it are skipped.
        let mut memo: Option<(usize, usize)> = None;
        let mut t = 0usize;
        while t + HASHED <= bw.len() {
            if best.is_some_and(|(da, db)| to_u64(t) >= da + db + to_u64(HASHED)) {
                break;
            }
            let h = hash16(bw, t);
            if !self.maybe(h) {
                t += 1;
                continue;
            }
            let Some(j) = self.get(h) else {
                t += 1;
                continue;
            };
            let ja = j * HASHED;
            // The diagonal, as A's offset minus B's, shifted to stay unsigned.
            let diag = ja + bw.len() - t;
            if memo.is_some_and(|(d, end)| d == diag && t < end)
                || aw[ja..ja + HASHED] != bw[t..t + HASHED]
            {
                t += 1;
                continue;
            }
            let back = aw[..ja]
                .iter()
                .rev()
                .zip(bw[..t].iter().rev())
                .take_while(|(x, y)| x == y)
                .count();
            let fwd = aw[ja + HASHED..]
                .iter()
                .zip(&bw[t + HASHED..])
                .take_while(|(x, y)| x == y)
                .count();
            memo = Some((diag, t + HASHED + fwd));
            let (da, db) = (ja - back, t - back);
            let run = back + HASHED + fwd;
            let to_ends = ends && da + run == aw.len() && db + run == bw.len();
            if to_u64(run) >= MIN_RUN || to_ends {
                consider(to_u64(da), to_u64(db), &mut best);
            }
            t += 1;
        }
        best
    }

    fn clear(&mut self, blocks: usize) {
        let cap = (blocks * 2).next_power_of_two().max(16);
        self.keys.clear();
        self.keys.resize(cap, 0);
        self.vals.clear();
        self.vals.resize(cap, 0);
        self.bits.clear();
        self.bits.resize(cap / 8, 0);
    }

    /// The bit of a hash in `bits` (`cap / 8` words of 64 bits: 8 bits per slot).
    fn bit(&self, h: u64) -> (usize, u64) {
        let i = to_usize(h >> 1) & (self.bits.len() * 64 - 1);
        (i / 64, 1 << (i % 64))
    }

    /// False when no block of A has this hash.
    fn maybe(&self, h: u64) -> bool {
        let (word, bit) = self.bit(h);
        self.bits[word] & bit != 0
    }

    fn slot(&self, h: u64) -> usize {
        // The table's size is a power of two; the high bits are the best mixed.
        to_usize(h >> 20) & (self.keys.len() - 1)
    }

    /// Keeps the first block for a hash (the smallest skip of A for that content).
    fn insert(&mut self, h: u64, j: usize) {
        let (word, bit) = self.bit(h);
        self.bits[word] |= bit;
        let mask = self.keys.len() - 1;
        let mut i = self.slot(h);
        loop {
            match self.keys[i] {
                0 => {
                    self.keys[i] = h;
                    self.vals[i] = u32::try_from(j).unwrap_or(u32::MAX);
                    return;
                }
                k if k == h => return,
                _ => i = (i + 1) & mask,
            }
        }
    }

    fn get(&self, h: u64) -> Option<usize> {
        let mask = self.keys.len() - 1;
        let mut i = self.slot(h);
        loop {
            match self.keys[i] {
                0 => return None,
                k if k == h => return Some(self.vals[i] as usize),
                _ => i = (i + 1) & mask,
            }
        }
    }
}

/// The cheapest point skipping at most [`QUICK_COST`] bytes, found by trying each in the
/// order of [`key`]: exact, so it is what the table search would choose.
fn quick(aw: &[u8], bw: &[u8], ends: bool) -> Option<(u64, u64)> {
    let run = to_usize(MIN_RUN);
    let starts_run = |da: usize, db: usize| {
        let (x, y) = (&aw[da..], &bw[db..]);
        if x.len() >= run && y.len() >= run {
            x[..run] == y[..run]
        } else {
            // A shorter run counts only when it ends both sources.
            ends && x == y
        }
    };
    for cost in 1..=QUICK_COST {
        let half = (cost % 2 == 0).then_some(cost / 2);
        let order = half
            .into_iter()
            .chain((0..=cost).filter(|&da| Some(da) != half));
        for da in order {
            let db = cost - da;
            if da <= aw.len() && db <= bw.len() && starts_run(da, db) {
                return Some((to_u64(da), to_u64(db)));
            }
        }
    }
    None
}

/// [`Resyncer::find`] with a fresh table (for one-off calls; the comparer reuses one).
pub fn find_resync<A, B>(
    a: &A,
    b: &B,
    at: (u64, u64),
    ends: (u64, u64),
    window: u64,
) -> Option<(u64, u64)>
where
    A: ByteSource + ?Sized,
    B: ByteSource + ?Sized,
{
    Resyncer::new().find(a, b, at.0, at.1, ends.0, ends.1, window)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noise(n: usize, seed: u64) -> Vec<u8> {
        let mut x = seed | 1;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    fn at0(a: &[u8], b: &[u8]) -> Option<(u64, u64)> {
        find_resync(a, b, (0, 0), (a.len() as u64, b.len() as u64), 4 << 20)
    }

    #[test]
    fn insertions_deletions_and_overwrites_resync_where_they_end() {
        let base = noise(10_000, 7);
        let mut ins = noise(100, 9);
        ins.extend_from_slice(&base);
        assert_eq!(at0(&base, &ins), Some((0, 100)));
        assert_eq!(at0(&ins, &base), Some((100, 0)));
        let mut over = base.clone();
        for x in &mut over[..37] {
            *x ^= 0x55;
        }
        assert_eq!(at0(&base, &over), Some((37, 37)));
    }

    #[test]
    fn a_large_insertion_is_found_in_a_grown_window() {
        let base = noise(300_000, 3);
        let mut ins = noise(200_000, 4);
        ins.extend_from_slice(&base);
        assert_eq!(at0(&base, &ins), Some((0, 200_000)));
        assert_eq!(
            find_resync(&base, &ins, (0, 0), (300_000, 500_000), 100_000),
            None
        );
    }

    #[test]
    fn short_tails_resync_on_their_common_suffix() {
        assert_eq!(at0(b" world", b", world"), Some((0, 1)));
        assert_eq!(at0(b"ab", b"xy"), Some((2, 2)));
        assert_eq!(at0(b"a", b""), Some((1, 0)));
    }
}

#[cfg(test)]
mod quick_tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn the_quick_path_chooses_what_the_table_search_chooses(
            a in prop::collection::vec(0u8..4, 0..400),
            edits in prop::collection::vec((0usize..400, 0u8..3, 1usize..12), 0..4),
        ) {
            let mut b = a.clone();
            for (at, kind, n) in edits {
                let at = at.min(b.len());
                match kind {
                    0 => { b.splice(at..at, std::iter::repeat_n(9, n)); }
                    1 => { b.drain(at..(at + n).min(b.len())); }
                    _ => { for x in b.iter_mut().skip(at).take(n) { *x ^= 4; } }
                }
            }
            let start = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
            prop_assume!(start < a.len() || start < b.len());
            let (aw, bw) = (&a[start..], &b[start..]);
            let full = Resyncer::new().search(aw, bw, true);
            let fast = quick(aw, bw, true);
            match full {
                Some((da, db)) if da + db <= QUICK_COST as u64 => prop_assert_eq!(fast, full),
                _ => prop_assert!(fast.is_none_or(|(x, y)| full.is_none_or(|(p, q)| key(x, y) <= key(p, q)))),
            }
        }
    }
}
