//! The byte-level kernels: where two equal-length slices first differ, the maximal runs of
//! differing bytes, and [`compare_chunk`], one stretch of a diagonal compared on its own.
//!
//! Equal stretches are the common case and go through slice equality (memcmp) in blocks of
//! 4 KiB; only a block that differs is looked at eight bytes at a time.

use std::ops::Range;

use super::to_u64;
use crate::core::source::ByteSource;

/// Bytes compared per memcmp before looking closer.
const BLOCK: usize = 4096;

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

fn word(s: &[u8], i: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&s[i..i + 8]);
    u64::from_le_bytes(w)
}

/// The first index where `a` and `b` differ (compared up to the shorter length).
pub fn first_difference(a: &[u8], b: &[u8]) -> Option<usize> {
    let len = a.len().min(b.len());
    let mut at = 0;
    while at < len {
        let end = (at + BLOCK).min(len);
        if a[at..end] != b[at..end] {
            return first_difference_words(&a[at..end], &b[at..end]).map(|k| at + k);
        }
        at = end;
    }
    None
}

fn first_difference_words(a: &[u8], b: &[u8]) -> Option<usize> {
    let len = a.len();
    let mut at = 0;
    while at + 8 <= len {
        let xor = word(a, at) ^ word(b, at);
        if xor != 0 {
            return Some(at + (xor.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    (at..len).find(|&k| a[k] != b[k])
}

/// The first index where `a` and `b` are equal (same length).
fn first_equal(a: &[u8], b: &[u8]) -> Option<usize> {
    let len = a.len();
    let mut at = 0;
    while at + 8 <= len {
        let xor = word(a, at) ^ word(b, at);
        // The lowest zero byte of xor is exact (the classic has-zero-byte test).
        let zero = xor.wrapping_sub(LO) & !xor & HI;
        if zero != 0 {
            return Some(at + (zero.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    (at..len).find(|&k| a[k] == b[k])
}

/// Calls `on(start..end)` for every maximal run of differing bytes of `a` and `b` (up to the
/// shorter length), in order, until it returns false; returns false when it did.
pub fn differing_runs(a: &[u8], b: &[u8], mut on: impl FnMut(Range<usize>) -> bool) -> bool {
    let n = a.len().min(b.len());
    let mut at = 0;
    while at < n {
        let Some(s) = first_difference(&a[at..n], &b[at..n]) else {
            return true;
        };
        let start = at + s;
        let end = first_equal(&a[start..n], &b[start..n]).map_or(n, |e| start + e);
        if !on(start..end) {
            return false;
        }
        at = end;
    }
    true
}

/// What a chunk records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChunkKind {
    /// Every differing run (equal-offset mode), keeping at most this many: a chunk with more
    /// stops short (its `len` ends where the first run not kept starts).
    Runs {
        /// Runs kept at most.
        keep: usize,
    },
    /// Only where the first difference is (insertion-aware mode): the chunk stops there.
    FirstDifference,
}

/// Runs a helper keeps per chunk: bounds the memory of chunks waiting to be merged (16 bytes
/// a run). Unrelated random data has about one run per 256 bytes, 32,768 per 8 MiB chunk.
pub const KEEP_RUNS: usize = 1 << 16;

/// One stretch of a diagonal, compared: A from `a` and B from `b`, `len` bytes each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// Where it starts in A.
    pub a: u64,
    /// Where it starts in B.
    pub b: u64,
    /// Bytes of the diagonal it covers (shorter than asked when it stopped early).
    pub len: u64,
    /// The differing runs, as offsets from the start, in order, inside `0..len`; a run that
    /// ends at `len` may go on in the next chunk.
    pub runs: Vec<Range<u64>>,
    /// [`ChunkKind::FirstDifference`]: the byte at `len` differs.
    pub stopped_at_difference: bool,
    /// What it records.
    pub kind: ChunkKind,
}

/// Compares `len` bytes of A from `a` against B from `b` (clipped to both sources); any
/// thread may call this.
pub fn compare_chunk<A, B>(src_a: &A, src_b: &B, a: u64, b: u64, len: u64, kind: ChunkKind) -> Chunk
where
    A: ByteSource + ?Sized,
    B: ByteSource + ?Sized,
{
    let xa = src_a.read(a..a.saturating_add(len));
    let xb = src_b.read(b..b.saturating_add(len));
    let n = xa.len().min(xb.len());
    let (xa, xb) = (&xa[..n], &xb[..n]);
    let mut chunk = Chunk {
        a,
        b,
        len: to_u64(n),
        runs: Vec::new(),
        stopped_at_difference: false,
        kind,
    };
    match kind {
        ChunkKind::FirstDifference => {
            if let Some(i) = first_difference(xa, xb) {
                chunk.len = to_u64(i);
                chunk.stopped_at_difference = true;
            }
        }
        ChunkKind::Runs { keep } => {
            let mut cut = None;
            differing_runs(xa, xb, |r| {
                if chunk.runs.len() >= keep {
                    cut = Some(r.start);
                    return false;
                }
                chunk.runs.push(to_u64(r.start)..to_u64(r.end));
                true
            });
            if let Some(c) = cut {
                chunk.len = to_u64(c);
            }
        }
    }
    chunk
}

/// The length of the common suffix of `a` and `b`.
pub(crate) fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    a.iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model_runs(a: &[u8], b: &[u8]) -> Vec<Range<usize>> {
        let mut out: Vec<Range<usize>> = Vec::new();
        for i in 0..a.len().min(b.len()) {
            if a[i] != b[i] {
                match out.last_mut() {
                    Some(r) if r.end == i => r.end = i + 1,
                    _ => out.push(i..i + 1),
                }
            }
        }
        out
    }

    #[test]
    fn runs_match_a_byte_by_byte_model() {
        let mut a = vec![0u8; 10_000];
        let mut b = a.clone();
        for (i, x) in [0usize, 1, 2, 7, 8, 9, 15, 16, 4095, 4096, 4097, 9999]
            .iter()
            .enumerate()
        {
            b[*x] = 1 + i as u8;
        }
        a[5000] = 3;
        let mut got = Vec::new();
        differing_runs(&a, &b, |r| {
            got.push(r);
            true
        });
        assert_eq!(got, model_runs(&a, &b));
        assert_eq!(first_difference(&a, &a), None);
        assert_eq!(first_difference(&a, &b), Some(0));
    }

    #[test]
    fn a_chunk_keeps_at_most_its_runs() {
        let a = vec![0u8; 100];
        let b: Vec<u8> = (0..100).map(|i| u8::from(i % 2 == 0)).collect();
        let c = compare_chunk(&a, &b, 0, 0, 100, ChunkKind::Runs { keep: 3 });
        assert_eq!(c.runs, vec![0..1, 2..3, 4..5]);
        assert_eq!(c.len, 6);
        let c = compare_chunk(&a, &b, 1, 1, 100, ChunkKind::FirstDifference);
        assert_eq!((c.len, c.stopped_at_difference), (1, true));
        let c = compare_chunk(&a, &a, 0, 0, 1000, ChunkKind::FirstDifference);
        assert_eq!((c.len, c.stopped_at_difference), (100, false));
    }
}
