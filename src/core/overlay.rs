//! The record of unsaved edits: for every changed byte, what it was on disk and what it is now.
//!
//! Stored as disjoint runs keyed by offset, so memory is proportional to the bytes changed
//! (plus a B-tree node per run), never to the file. A byte whose new value equals its original
//! is not changed, so undoing back to the disk state leaves the overlay empty and nothing is
//! drawn as modified. The overlay is what copy-on-write saves write (positioned writes of the
//! runs) and what write-through flushes; the mapping is only the fast view of it
//! (platform.md §3: a private mapping loses its pages when another process truncates the file).

use std::collections::BTreeMap;
use std::ops::Range;

/// A run of changed bytes: `orig[i]` was on disk, `cur[i]` is the value now; never equal.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Run {
    orig: Vec<u8>,
    cur: Vec<u8>,
}

/// Disjoint, non-adjacent-when-possible runs of changed bytes keyed by their start offset.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Overlay {
    runs: BTreeMap<u64, Run>,
    bytes: u64,
}

impl Overlay {
    /// An empty overlay.
    pub fn new() -> Self {
        Self::default()
    }

    /// True when no byte is changed.
    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    /// How many bytes differ from the disk.
    pub fn changed_bytes(&self) -> u64 {
        self.bytes
    }

    /// Records that `new` now stands at `offset`. `before` gives the bytes there before this
    /// write for any part the overlay does not cover yet (for those bytes the view still holds
    /// what is on disk).
    pub fn record(&mut self, offset: u64, new: &[u8], before: impl Fn(Range<u64>) -> Vec<u8>) {
        if new.is_empty() {
            return;
        }
        let end = offset + new.len() as u64;
        // Take every run that overlaps or touches [offset, end), so the result can be merged.
        let mut lo = offset;
        let mut hi = end;
        let keys: Vec<u64> = self
            .runs
            .range(..=end)
            .rev()
            .take_while(|(k, r)| **k + r.cur.len() as u64 >= offset)
            .map(|(k, _)| *k)
            .collect();
        let mut taken = Vec::with_capacity(keys.len());
        for k in keys {
            if let Some(r) = self.runs.remove(&k) {
                self.bytes -= r.cur.len() as u64;
                lo = lo.min(k);
                hi = hi.max(k + r.cur.len() as u64);
                taken.push((k, r));
            }
        }
        // Rebuild [lo, hi): originals from the runs taken or from `before`, then the new bytes.
        let width = to_usize(hi - lo);
        let mut orig = vec![0u8; width];
        let mut cur = vec![0u8; width];
        let mut covered = vec![false; width];
        for (k, r) in &taken {
            let s = to_usize(k - lo);
            orig[s..s + r.orig.len()].copy_from_slice(&r.orig);
            cur[s..s + r.cur.len()].copy_from_slice(&r.cur);
            covered[s..s + r.cur.len()].fill(true);
        }
        let mut i = 0;
        while i < width {
            if covered[i] {
                i += 1;
                continue;
            }
            let j = (i..width).find(|&j| covered[j]).unwrap_or(width);
            let fill = before(lo + i as u64..lo + j as u64);
            let n = fill.len().min(j - i);
            orig[i..i + n].copy_from_slice(&fill[..n]);
            cur[i..i + n].copy_from_slice(&fill[..n]);
            i = j;
        }
        let s = to_usize(offset - lo);
        cur[s..s + new.len()].copy_from_slice(new);
        // Keep only the maximal runs where the byte differs from the disk.
        let mut i = 0;
        while i < width {
            if orig[i] == cur[i] {
                i += 1;
                continue;
            }
            let j = (i..width).find(|&j| orig[j] == cur[j]).unwrap_or(width);
            self.bytes += (j - i) as u64;
            self.runs.insert(
                lo + i as u64,
                Run {
                    orig: orig[i..j].to_vec(),
                    cur: cur[i..j].to_vec(),
                },
            );
            i = j;
        }
    }

    /// Drops everything at or past `len` (the document shrank).
    pub fn truncate(&mut self, len: u64) {
        let tail: Vec<u64> = self
            .runs
            .range(..)
            .rev()
            .take_while(|(k, r)| **k + r.cur.len() as u64 > len)
            .map(|(k, _)| *k)
            .collect();
        for k in tail {
            if let Some(mut r) = self.runs.remove(&k) {
                self.bytes -= r.cur.len() as u64;
                if k < len {
                    let keep = to_usize(len - k);
                    r.orig.truncate(keep);
                    r.cur.truncate(keep);
                    self.bytes += keep as u64;
                    self.runs.insert(k, r);
                }
            }
        }
    }

    /// The changed runs overlapping `range`, as (offset, current bytes), clipped to it.
    pub fn current_in(&self, range: Range<u64>) -> impl Iterator<Item = (u64, &[u8])> + '_ {
        self.overlapping(range.clone()).map(move |(k, r)| {
            let s = k.max(range.start);
            let e = (k + r.cur.len() as u64).min(range.end);
            (s, &r.cur[to_usize(s - k)..to_usize(e - k)])
        })
    }

    /// The changed ranges overlapping `range`, clipped to it.
    pub fn ranges_in(&self, range: Range<u64>) -> impl Iterator<Item = Range<u64>> + '_ {
        self.current_in(range).map(|(s, b)| s..s + b.len() as u64)
    }

    /// Every run: (offset, current bytes), in order.
    pub fn runs(&self) -> impl Iterator<Item = (u64, &[u8])> + '_ {
        self.runs.iter().map(|(k, r)| (*k, r.cur.as_slice()))
    }

    /// Every run: (offset, original bytes), in order.
    pub fn originals(&self) -> impl Iterator<Item = (u64, &[u8])> + '_ {
        self.runs.iter().map(|(k, r)| (*k, r.orig.as_slice()))
    }

    fn overlapping(&self, range: Range<u64>) -> impl Iterator<Item = (u64, &Run)> + '_ {
        // The run starting at or before range.start may reach into it; later ones start inside.
        let first = self
            .runs
            .range(..=range.start)
            .next_back()
            .filter(|(k, r)| **k + r.cur.len() as u64 > range.start)
            .map(|(k, r)| (*k, r));
        let rest = self
            .runs
            .range(range.start.saturating_add(1)..range.end.max(range.start.saturating_add(1)))
            .map(|(k, r)| (*k, r));
        first
            .into_iter()
            .chain(rest)
            .filter(move |_| range.start < range.end)
    }
}

/// Run widths are bounded by the bytes of one edit plus its neighbours, which are in memory.
fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn disk(range: Range<u64>) -> Vec<u8> {
        range.map(|i| b'a' + (i % 26) as u8).collect()
    }

    #[test]
    fn records_and_merges_adjacent_runs() {
        let mut o = Overlay::new();
        o.record(2, b"X", disk);
        o.record(3, b"Y", disk);
        assert_eq!(o.runs().collect::<Vec<_>>(), vec![(2, &b"XY"[..])]);
        assert_eq!(o.changed_bytes(), 2);
    }

    #[test]
    fn writing_back_the_original_clears_the_byte() {
        let mut o = Overlay::new();
        o.record(2, b"XYZ", disk);
        o.record(3, b"d", disk);
        assert_eq!(
            o.runs().collect::<Vec<_>>(),
            vec![(2, &b"X"[..]), (4, &b"Z"[..])]
        );
        o.record(2, b"c", disk);
        o.record(4, b"e", disk);
        assert!(o.is_empty());
        assert_eq!(o.changed_bytes(), 0);
    }

    #[test]
    fn same_value_as_disk_is_not_a_change() {
        let mut o = Overlay::new();
        o.record(0, b"abc", disk);
        assert!(o.is_empty());
    }

    #[test]
    fn ranges_in_clips() {
        let mut o = Overlay::new();
        o.record(10, b"XXXX", disk);
        o.record(20, b"YY", disk);
        assert_eq!(
            o.ranges_in(12..21).collect::<Vec<_>>(),
            vec![12..14, 20..21]
        );
        assert_eq!(o.ranges_in(0..10).count(), 0);
        assert_eq!(o.ranges_in(14..20).count(), 0);
    }

    #[test]
    fn truncate_cuts_runs() {
        let mut o = Overlay::new();
        o.record(10, b"XXXX", disk);
        o.record(20, b"YY", disk);
        o.truncate(12);
        assert_eq!(o.runs().collect::<Vec<_>>(), vec![(10, &b"XX"[..])]);
        assert_eq!(o.changed_bytes(), 2);
    }
}
