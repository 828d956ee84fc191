//! `n` and `N` past the index cap (issue 10): with the cap set to 10, from random cursor
//! positions, both directions land on the match a brute-force model picks (the first match
//! starting after the cursor, the last starting before it, in the matches of one
//! leftmost-first scan of the whole file), with wrap at the ends, and the status line names
//! the right match number. The file is several MiB with a long gap, so the navigation goes
//! through the resumption points the scan keeps, not only the stored matches.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod support;
use support::{Rng, key, message, open, typ};

use std::time::Duration;

use maphex::core::document::Mode;
use maphex::tui::input::KeyCode;
use maphex::tui::runtime::Session;

const WAIT: Duration = Duration::from_secs(120);

/// About 3.5 MiB of words, with a 2.5 MiB stretch of dots (no match) in the middle.
fn corpus() -> Vec<u8> {
    let words: &[&[u8]] = &[
        b"Lorem",
        b"ipsum",
        b"dolor",
        b"Sit",
        b"amet",
        b"nulla",
        b"a",
        b"\xc3\xa9t\xe9",
    ];
    let mut rng = Rng(0x5eed_1234_abcd);
    let mut out = Vec::new();
    while out.len() < 600_000 {
        out.extend_from_slice(words[rng.below(words.len() as u64) as usize]);
        out.push(if rng.below(8) == 0 { b'\n' } else { b' ' });
    }
    out.extend(std::iter::repeat_n(b'.', 2_500_000));
    while out.len() < 3_700_000 {
        out.extend_from_slice(words[rng.below(words.len() as u64) as usize]);
        out.push(if rng.below(8) == 0 { b'\n' } else { b' ' });
    }
    out
}

fn goto(s: &mut Session, offset: u64) {
    typ(s, &format!(":{offset:#x}"));
    key(s, KeyCode::Enter);
    assert_eq!(s.app.cursor(), offset, "goto {offset:#x}");
}

#[test]
fn n_and_n_past_the_cap_agree_with_a_brute_force_model() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("words.txt");
    let bytes = corpus();
    std::fs::write(&path, &bytes).unwrap();
    let pattern = "[A-Z][a-z]+ [a-z]+";
    let model: Vec<u64> = regex::bytes::RegexBuilder::new(pattern)
        .unicode(false)
        .build()
        .unwrap()
        .find_iter(&bytes)
        .map(|m| m.start() as u64)
        .collect();
    assert!(model.len() > 10_000, "{}", model.len());

    let mut s = Session::new(open(&path, Mode::ReadOnly), (80, 24));
    s.app.view_mut().search.store_cap = 10;
    typ(&mut s, "/");
    typ(&mut s, pattern);
    key(&mut s, KeyCode::Enter);
    assert!(s.wait_search(WAIT), "search did not finish");
    assert_eq!(s.app.view().search.total(), model.len() as u64);
    assert!(s.app.view().search.index.is_truncated());

    let total = model.len();
    let len = bytes.len() as u64;
    let mut rng = Rng(0xfeed_f00d);
    let mut cursors: Vec<u64> = (0..40).map(|_| rng.below(len)).collect();
    // The ends, the gap's edges, and cursors sitting on matches.
    cursors.extend([0, len - 1, 600_000, 3_100_000, model[0], model[total - 1]]);
    cursors.extend((0..6).map(|_| model[rng.below(total as u64) as usize]));
    for c in cursors {
        goto(&mut s, c);
        typ(&mut s, "n");
        let next = model.partition_point(|&m| m <= c);
        if next < total {
            assert_eq!(s.app.cursor(), model[next], "n from {c:#x}");
            assert_eq!(
                message(&s),
                format!("match {} of {total} (first 10 listed)", next + 1),
                "n from {c:#x}"
            );
        } else {
            assert_eq!(s.app.cursor(), model[0], "n wraps from {c:#x}");
            assert!(message(&s).contains("wrapped"), "{}", message(&s));
        }

        goto(&mut s, c);
        typ(&mut s, "N");
        let before = model.partition_point(|&m| m < c);
        if before > 0 {
            assert_eq!(s.app.cursor(), model[before - 1], "N from {c:#x}");
            assert_eq!(
                message(&s),
                format!("match {before} of {total} (first 10 listed)"),
                "N from {c:#x}"
            );
        } else {
            assert_eq!(s.app.cursor(), model[total - 1], "N wraps from {c:#x}");
            assert!(message(&s).contains("wrapped"), "{}", message(&s));
        }
    }

    // Stepping repeatedly walks the model in order, across the gap.
    goto(&mut s, 590_000);
    let mut at = model.partition_point(|&m| m <= 590_000);
    for _ in 0..20 {
        typ(&mut s, "n");
        assert_eq!(s.app.cursor(), model[at]);
        at += 1;
    }
    for _ in 0..25 {
        typ(&mut s, "N");
        at -= 1;
        assert_eq!(s.app.cursor(), model[at - 1]);
    }

    // A new search from a cursor past the cap lands on the first match at or after it.
    let c = 3_200_000;
    goto(&mut s, c);
    typ(&mut s, "/");
    typ(&mut s, pattern);
    key(&mut s, KeyCode::Enter);
    assert!(s.wait_search(WAIT));
    assert_eq!(s.app.cursor(), model[model.partition_point(|&m| m < c)]);

    // Highlights past the cap are the model's matches.
    let lo = model[total / 2] - 3;
    let shown: Vec<u64> = s
        .app
        .view()
        .search
        .matches_in(s.app.doc(), lo..lo + 4096)
        .into_iter()
        .map(|(start, _)| start)
        .collect();
    let want: Vec<u64> = model
        .iter()
        .copied()
        .filter(|&m| m >= lo && m < lo + 4096)
        .collect();
    assert_eq!(shown, want);
}
