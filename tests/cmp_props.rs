//! Property tests of `core::diff` (issue 13): the insertion-aware comparison of A with A
//! after random inserts, deletes and overwrites reports exactly those edits; the
//! equal-offset comparison equals a byte-by-byte model; the parallel drive equals the
//! sequential one; the index caps and counts; cancel and stop end the comparison.

#![allow(clippy::unwrap_used, clippy::many_single_char_names)] // tests: a panic is the failure report

use std::sync::atomic::AtomicBool;

use maphex::core::diff::{
    Align, Comparer, Config, Diff, DiffIndex, MIN_RUN, Outcome, ParallelCompare, Side, compare,
};
use maphex::core::shift::Change;
use proptest::prelude::*;

/// Pseudo-random bytes: the edits are what proptest shrinks, the bytes stay high-entropy
/// (an all-zero file has no unique alignment to test against).
fn noise(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

fn diffs(a: &[u8], b: &[u8], config: Config) -> Vec<Diff> {
    let mut out = Vec::new();
    let never = AtomicBool::new(false);
    let r = compare(a, b, config, &never, &mut |d| {
        out.push(d);
        true
    });
    assert_eq!(r, Outcome::Done);
    out
}

fn parallel(a: &[u8], b: &[u8], config: Config, helpers: usize) -> Vec<Diff> {
    let never = AtomicBool::new(false);
    let job = ParallelCompare::new(a, b, &never, helpers);
    let mut cmp = Comparer::new(config, a.len() as u64, b.len() as u64);
    let mut out = Vec::new();
    let r = std::thread::scope(|s| {
        for _ in 0..helpers {
            s.spawn(|| job.help());
        }
        job.drive(
            &mut cmp,
            &mut |d| {
                out.push(d);
                true
            },
            &mut |_, _| {},
        )
    });
    assert_eq!(r, Outcome::Done);
    out
}

/// Applies differences to A: what comes out must be B (soundness).
fn apply(a: &[u8], b: &[u8], ds: &[Diff]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut at = 0usize;
    for d in ds {
        assert!(d.a.start as usize >= at, "out of order: {ds:?}");
        out.extend_from_slice(&a[at..d.a.start as usize]);
        out.extend_from_slice(&b[d.b.start as usize..d.b.end as usize]);
        at = d.a.end as usize;
    }
    out.extend_from_slice(&a[at..]);
    out
}

#[derive(Debug, Clone)]
enum Edit {
    Insert(usize),
    Delete(usize),
    Overwrite(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let len = prop_oneof![4 => 1usize..64, 2 => 64usize..2048, 1 => 2048usize..20_000];
    (0..3u8, len).prop_map(|(k, n)| match k {
        0 => Edit::Insert(n),
        1 => Edit::Delete(n),
        _ => Edit::Overwrite(n),
    })
}

/// A, B, and the differences the edits should come out as: `(gap before, edit)` each, the
/// gaps longer than [`MIN_RUN`] (but the first), then a final gap.
fn edited(
    seed: u64,
    lead: usize,
    plan: &[(usize, Edit)],
    last: usize,
) -> (Vec<u8>, Vec<u8>, Vec<Diff>) {
    let a_len = lead
        + plan
            .iter()
            .map(|(g, e)| {
                g + match e {
                    Edit::Insert(_) => 0,
                    Edit::Delete(n) | Edit::Overwrite(n) => *n,
                }
            })
            .sum::<usize>()
        + last;
    let a = noise(a_len, seed);
    let extra = noise(a_len + 40_000, seed ^ 0xfeed);
    let (mut b, mut want) = (Vec::new(), Vec::new());
    let mut at = 0usize;
    for (i, (gap, e)) in plan.iter().enumerate() {
        let gap = if i == 0 { lead + gap } else { *gap };
        b.extend_from_slice(&a[at..at + gap]);
        at += gap;
        let (pa, pb) = (at as u64, b.len() as u64);
        match e {
            Edit::Insert(n) => {
                b.extend_from_slice(&extra[i * 7..i * 7 + n]);
                want.push(Diff::new(pa, 0, pb, *n as u64));
            }
            Edit::Delete(n) => {
                at += n;
                want.push(Diff::new(pa, *n as u64, pb, 0));
            }
            Edit::Overwrite(n) => {
                // Every byte changes, so the overwrite has exactly this extent.
                b.extend(a[at..at + n].iter().zip(&extra).map(|(x, k)| x ^ (k | 1)));
                at += n;
                want.push(Diff::new(pa, *n as u64, pb, *n as u64));
            }
        }
    }
    b.extend_from_slice(&a[at..]);
    (a, b, want)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn aligned_comparison_reports_exactly_the_edits(
        seed in any::<u64>(),
        lead in 0usize..3000,
        plan in prop::collection::vec(((MIN_RUN as usize + 1)..3000, edit()), 0..8),
        last in (MIN_RUN as usize + 1)..3000,
        chunk in prop_oneof![1u64..100, 100u64..100_000],
    ) {
        let (a, b, want) = edited(seed, lead, &plan, last);
        let config = Config { align: Align::On, chunk, window: 64 << 10 };
        let got = diffs(&a, &b, config);
        prop_assert_eq!(apply(&a, &b, &got), b.clone());
        prop_assert_eq!(got.len(), want.len(), "got {:?}\nwant {:?}", got, want);
        for (g, w) in got.iter().zip(&want) {
            // An insertion or deletion of bytes that happen to repeat what follows may be
            // reported a few bytes later (the same edit); its lengths never change.
            let slide = g.a.start.checked_sub(w.a.start);
            prop_assert!(slide.is_some() && slide == g.b.start.checked_sub(w.b.start),
                "got {:?} want {:?}", g, w);
            prop_assert_eq!((g.a_len(), g.b_len()), (w.a_len(), w.b_len()));
            if w.a_len() == w.b_len() {
                prop_assert_eq!(g, w);
            }
        }
        prop_assert_eq!(parallel(&a, &b, config, 2), got);
    }

    #[test]
    fn equal_offsets_equal_a_byte_by_byte_model(
        a in prop::collection::vec(0u8..3, 0..3000),
        b in prop::collection::vec(0u8..3, 0..3000),
        chunk in 1u64..400,
    ) {
        let n = a.len().min(b.len());
        let mut want: Vec<Diff> = Vec::new();
        for i in 0..n {
            if a[i] != b[i] {
                let i = i as u64;
                match want.last_mut() {
                    Some(d) if d.a.end == i => { d.a.end += 1; d.b.end += 1; }
                    _ => want.push(Diff::new(i, 1, i, 1)),
                }
            }
        }
        if a.len() != b.len() {
            let n = n as u64;
            want.push(Diff { a: n..a.len() as u64, b: n..b.len() as u64 });
        }
        let config = Config { align: Align::Off, chunk, window: 1 << 12 };
        prop_assert_eq!(&diffs(&a, &b, config), &want);
        for helpers in 0..3 {
            prop_assert_eq!(&parallel(&a, &b, config, helpers), &want);
        }
    }

    #[test]
    fn any_aligned_comparison_is_sound_and_parallel_equals_sequential(
        a in prop::collection::vec(0u8..4, 0..2000),
        b in prop::collection::vec(0u8..4, 0..2000),
        chunk in 1u64..300,
        helpers in 0usize..3,
    ) {
        let config = Config { align: Align::On, chunk, window: 512 };
        let got = diffs(&a, &b, config);
        prop_assert_eq!(apply(&a, &b, &got), b.clone());
        prop_assert_eq!(parallel(&a, &b, config, helpers), got);
    }

    #[test]
    fn the_index_stores_a_prefix_and_counts_everything(
        a in prop::collection::vec(0u8..2, 0..2000),
        b in prop::collection::vec(0u8..2, 0..2000),
        cap in 0usize..20,
    ) {
        let all = diffs(&a, &b, Config::with_align(Align::Off));
        let mut idx = DiffIndex::with_cap(cap);
        for d in all.clone() {
            idx.push(d);
        }
        prop_assert_eq!(idx.total(), all.len() as u64);
        prop_assert_eq!(idx.iter().cloned().collect::<Vec<_>>(), all[..cap.min(all.len())].to_vec());
        prop_assert_eq!(idx.is_truncated(), all.len() > cap);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn re_comparing_the_region_of_an_edit_equals_comparing_everything(
        seed in any::<u64>(),
        plan in prop::collection::vec((120usize..1500, edit()), 1..6),
        pick in any::<prop::sample::Index>(),
        len in 1usize..20,
        kind in 0..3u8,
        align in prop_oneof![Just(Align::On), Just(Align::Off)],
    ) {
        let (a, mut b, _) = edited(seed, 0, &plan, 200);
        let config = Config { align, chunk: 4096, window: 64 << 10 };
        let mut idx = DiffIndex::new();
        for d in diffs(&a, &b, config) {
            idx.push(d);
        }
        // An edit of B at least 40 bytes away from every difference.
        let free: Vec<usize> = (0..b.len().saturating_sub(len))
            .filter(|&at| {
                let r = (at as u64).saturating_sub(40)..(at + len + 40) as u64;
                idx.in_range(Side::B, r).next().is_none()
            })
            .collect();
        prop_assume!(!free.is_empty());
        let at = free[pick.index(free.len())];
        let (change, edit) = match kind {
            0 => {
                for x in &mut b[at..at + len] {
                    *x ^= 0xa5;
                }
                (Change { at: at as u64, removed: len as u64, inserted: len as u64 }, at..at + len)
            }
            1 => {
                b.splice(at..at, noise(len, seed ^ 1));
                (Change { at: at as u64, removed: 0, inserted: len as u64 }, at..at + len)
            }
            _ => {
                b.drain(at..at + len);
                (Change { at: at as u64, removed: len as u64, inserted: 0 }, at..at)
            }
        };
        idx.follow(Side::B, &[change]);
        let edit = edit.start as u64..edit.end as u64;
        let ends = (a.len() as u64, b.len() as u64);
        let (mut ra, mut rb) = idx.region_around(Side::B, edit, ends);
        if align == Align::Off && kind != 0 {
            // At equal offsets a length change moves everything after it: to the ends.
            (ra.end, rb.end) = ends;
        }
        let mut c = Comparer::region(config, ra.clone(), rb.clone());
        let mut new = Vec::new();
        let never = AtomicBool::new(false);
        c.run(&a, &b, &never, &mut |d| { new.push(d); true }, &mut |_, _| {});
        idx.replace(ra, rb, new);
        let full = diffs(&a, &b, config);
        prop_assert_eq!(idx.iter().cloned().collect::<Vec<_>>(), full.clone());
        prop_assert_eq!(idx.total(), full.len() as u64);
    }
}

#[test]
fn degenerate_configurations_still_finish() {
    let a = noise(5000, 1);
    let b = noise(7000, 2);
    for align in [Align::On, Align::Off] {
        let config = Config {
            align,
            chunk: 0,
            window: 0,
        };
        let got = diffs(&a, &b, config);
        assert_eq!(apply(&a, &b, &got), b);
    }
}

#[test]
fn a_one_mib_insertion_is_one_difference() {
    let a = noise(3 << 20, 1);
    let mut b = a[..1 << 20].to_vec();
    b.extend_from_slice(&noise(1 << 20, 2));
    b.extend_from_slice(&a[1 << 20..]);
    let got = diffs(&a, &b, Config::default());
    assert_eq!(got, vec![Diff::new(1 << 20, 0, 1 << 20, 1 << 20)]);
    let got = diffs(&b, &a, Config::default());
    assert_eq!(got, vec![Diff::new(1 << 20, 1 << 20, 1 << 20, 0)]);
    assert_eq!(parallel(&a, &b, Config::default(), 1).len(), 1);
}

#[test]
fn unrelated_sources_fall_back_to_equal_offsets() {
    let a = noise(300_000, 5);
    let b = noise(200_000, 6);
    let config = Config {
        window: 4096,
        ..Config::default()
    };
    let got = diffs(&a, &b, config);
    assert_eq!(apply(&a, &b, &got), b);
    assert_eq!(got.last().map(|d| d.a.end), Some(300_000));
}

#[test]
fn a_region_compares_only_its_ranges() {
    let a = b"0123456789abcdef".repeat(10);
    let mut b = a.clone();
    b[5] = b'x';
    b[100] = b'y';
    let never = AtomicBool::new(false);
    let mut c = Comparer::region(Config::default(), 50..150, 50..150);
    let mut got = Vec::new();
    c.run(
        &a,
        &b,
        &never,
        &mut |d| {
            got.push(d);
            true
        },
        &mut |_, _| {},
    );
    assert_eq!(got, vec![Diff::new(100, 1, 100, 1)]);
}

#[test]
fn cancel_and_stop_end_the_comparison() {
    let a = vec![0u8; 1 << 20];
    let b: Vec<u8> = (0..1 << 20).map(|i| u8::from(i % 3 == 0)).collect();
    let cancel = AtomicBool::new(true);
    let mut c = Comparer::new(Config::with_align(Align::Off), 1 << 20, 1 << 20);
    assert_eq!(
        c.run(&a, &b, &cancel, &mut |_| true, &mut |_, _| {}),
        Outcome::Cancelled
    );
    let job = ParallelCompare::new(&a, &b, &cancel, 1);
    let r = std::thread::scope(|s| {
        s.spawn(|| job.help());
        job.drive(&mut c, &mut |_| true, &mut |_, _| {})
    });
    assert_eq!(r, Outcome::Cancelled);
    // The sink says stop after three: exactly the first three came.
    let never = AtomicBool::new(false);
    let mut n = 0;
    let r = compare(&a, &b, Config::with_align(Align::Off), &never, &mut |d| {
        n += 1;
        assert_eq!(d.a.start, (n - 1) * 3);
        n < 3
    });
    assert_eq!((r, n), (Outcome::Stopped, 3));
}
