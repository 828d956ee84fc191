//! Unit tests of the parent module.

use std::borrow::Cow;
use std::cell::Cell;

use super::*;
use crate::core::search::query::{Query, QueryKind};

fn pattern(p: &str) -> Pattern {
    Query::new(QueryKind::Regex, p).compile().unwrap()
}

fn config(chunk: u64, max_match: u64) -> ScanConfig {
    ScanConfig { chunk, max_match }
}

fn scan(p: &Pattern, hay: &[u8], range: Range<u64>, cfg: ScanConfig) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    let result = Scanner::new(p, range, cfg).run(hay, |m| {
        out.push((m.start, m.end()));
        true
    });
    assert_eq!(result, StepResult::Done);
    out
}

use crate::core::search::testing::find_iter;

/// An owned, copying source that records the largest window it was asked for.
struct Copying {
    bytes: Vec<u8>,
    largest: Cell<u64>,
}

impl ByteSource for Copying {
    fn len(&self) -> u64 {
        self.bytes.len() as u64
    }

    fn read(&self, range: Range<u64>) -> Cow<'_, [u8]> {
        self.largest
            .set(self.largest.get().max(range.end - range.start));
        Cow::Owned(ByteSource::read(self.bytes.as_slice(), range).into_owned())
    }
}

#[test]
fn tiny_chunks_agree_with_find_iter() {
    let hay = b"nulla Nulla\nnullanulla a\xffnulla\xc3\xa9nulla x";
    for p in [
        r"\bnulla\b",
        "(?m)^nulla",
        "(?m)a$",
        "x*",
        r"(?i)nulla\w*",
        "[a-z]+",
        "",
    ] {
        if p.is_empty() {
            continue;
        }
        let compiled = pattern(p);
        for chunk in [1, 2, 3, 5, 7, 64] {
            for max_match in [64, 1 << 20] {
                assert_eq!(
                    scan(&compiled, hay, 0..u64::MAX, config(chunk, max_match)),
                    find_iter(p, hay),
                    "{p} chunk {chunk}"
                );
            }
        }
    }
}

#[test]
fn empty_matches_include_the_end_only_when_the_range_does() {
    let p = pattern("x*");
    let hay = b"ab";
    let all = vec![(0, 0), (1, 1), (2, 2)];
    assert_eq!(find_iter("x*", hay), all);
    assert_eq!(scan(&p, hay, 0..u64::MAX, config(1, 8)), all);
    assert_eq!(scan(&p, hay, 0..3, config(1, 8)), all);
    assert_eq!(scan(&p, hay, 0..2, config(1, 8)), all[..2]);
    assert_eq!(scan(&p, b"", 0..u64::MAX, config(1, 8)), vec![(0, 0)]);
    assert_eq!(scan(&p, b"", 0..0, config(1, 8)), vec![]);
}

#[test]
fn out_of_range_and_reversed_ranges_find_nothing() {
    let p = pattern("a");
    assert_eq!(scan(&p, b"aaa", 5..9, ScanConfig::default()), vec![]);
    #[allow(clippy::reversed_empty_ranges)]
    let reversed = 2..1;
    assert_eq!(scan(&p, b"aaa", reversed, ScanConfig::default()), vec![]);
}

#[test]
fn a_sub_range_sees_context_but_reports_starts_inside_it() {
    let p = pattern(r"\bab");
    // Position 1 is not a word boundary, whatever the range says.
    assert_eq!(scan(&p, b"xab ab ab", 1..5, config(2, 8)), vec![(4, 6)]);
    // A match may run past the range's end.
    assert_eq!(
        scan(&pattern("b+"), b"abbbb", 0..2, config(1, 8)),
        vec![(1, 5)]
    );
}

#[test]
fn previous_match_end_applies_the_empty_match_rule() {
    let p = pattern("a*");
    let hay = b"aab";
    // Whole-file: (0,2) then the empty match at 2 is skipped, (3,3) at the end.
    assert_eq!(find_iter("a*", hay), vec![(0, 2), (3, 3)]);
    let tail = |s: Scanner| {
        let mut out = Vec::new();
        let mut s = s;
        s.run(hay.as_slice(), |m| {
            out.push((m.start, m.end()));
            true
        });
        out
    };
    assert_eq!(
        tail(Scanner::new(&p, 2..u64::MAX, config(1, 8))),
        vec![(2, 2), (3, 3)]
    );
    assert_eq!(
        tail(Scanner::new(&p, 2..u64::MAX, config(1, 8)).with_previous_match_end(2)),
        vec![(3, 3)]
    );
}

#[test]
fn a_sink_that_says_stop_stops_and_the_scan_resumes() {
    let p = pattern("a");
    let hay = b"a a a a";
    let mut s = Scanner::new(&p, 0..u64::MAX, config(100, 8));
    let mut seen = Vec::new();
    let mut stops = 0;
    loop {
        match s.step(hay.as_slice(), |m| {
            seen.push(m.start);
            false
        }) {
            StepResult::Stopped => stops += 1,
            StepResult::More => {}
            StepResult::Done => break,
        }
        assert!(stops < 10, "no progress");
    }
    assert_eq!(seen, vec![0, 2, 4, 6]);
    assert_eq!(stops, 4);
    assert!(s.is_done());
    assert_eq!(s.position(), 7);
}

#[test]
fn position_moves_forward_to_the_end() {
    let p = pattern("zz");
    let hay = vec![b'a'; 1000];
    let mut s = Scanner::new(&p, 100..u64::MAX, config(64, 8));
    let mut last = s.position();
    assert_eq!(last, 100);
    while s.step(&hay, |_| true) == StepResult::More {
        assert!(s.position() > last);
        last = s.position();
    }
    assert_eq!(s.position(), 1000);
}

#[test]
fn windows_stay_small_and_owned_reads_work() {
    let src = Copying {
        bytes: b"nulla ".repeat(500),
        largest: Cell::new(0),
    };
    let p = pattern(r"(?i)nulla\w*");
    let mut out = Vec::new();
    Scanner::new(&p, 0..u64::MAX, config(100, 16)).run(&src, |m| {
        out.push((m.start, m.end()));
        true
    });
    assert_eq!(out, find_iter(r"(?i)nulla\w*", &src.bytes));
    assert!(
        src.largest.get() <= 100 + 16 + 2 * LOOK_AROUND,
        "{}",
        src.largest.get()
    );
}

#[test]
fn matches_longer_than_the_window_are_followed_to_their_end() {
    let hay = [b"x".as_slice(), &[b'a'; 100], b" y"].concat();
    for p in ["[a-z]+", "x[^y]*", r"(?s)a.*"] {
        let compiled = pattern(p);
        let mut s = Scanner::new(&compiled, 0..u64::MAX, config(16, 8));
        let mut out = Vec::new();
        s.run(hay.as_slice(), |m| {
            out.push((m.start, m.end()));
            true
        });
        assert_eq!(out, find_iter(p, &hay), "{p}");
        assert_eq!((s.long_matches(), s.first_too_long()), (0, None));
    }
}

#[test]
fn a_match_past_the_limit_is_cut_there_and_named() {
    let mut hay = vec![b'a'; usize::try_from(LONG_MATCH_LIMIT).unwrap() + 100];
    hay[0] = b' ';
    hay.extend_from_slice(b" aa");
    let p = pattern("a+");
    let mut s = Scanner::new(&p, 0..u64::MAX, config(1 << 20, 1 << 10));
    let mut out = Vec::new();
    s.run(hay.as_slice(), |m| {
        out.push((m.start, m.len));
        true
    });
    assert_eq!(out[0], (1, LONG_MATCH_LIMIT));
    assert_eq!(s.first_too_long(), Some(1));
    assert!(s.long_matches() >= 1);
}

/// `PyMOTW`'s `re` example ("Searching for sentences containing nulla"): the scanner
/// reports spans only, and the groups come from `Pattern::captures` over each span.
#[test]
fn pymotw_nulla_sentences() {
    let text = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/lorem.txt"));
    let p = pattern(r"(?ism)(\.\W+)?([^.]?nulla[^.]*?\.)");
    let mut spans = Vec::new();
    Scanner::new(&p, 0..u64::MAX, config(64, 1 << 20)).run(text.as_slice(), |m| {
        spans.push(m);
        true
    });
    let sentences: Vec<String> = spans
        .iter()
        .map(|m| {
            let span = m.start as usize..m.end() as usize;
            let groups = p.captures(text, span).unwrap();
            let group = groups[2].clone().unwrap();
            String::from_utf8_lossy(&text[group]).replace('\n', " ")
        })
        .collect();
    assert_eq!(
        sentences,
        ["Nulla facilisi.", "Nulla feugiat augue eleifend nulla."]
    );
    // Same groups as regex::bytes::Regex::captures_iter over the whole text.
    let theirs: Vec<String> = regex::bytes::Regex::new(r"(?ism)(\.\W+)?([^.]?nulla[^.]*?\.)")
        .unwrap()
        .captures_iter(text)
        .map(|c| String::from_utf8_lossy(&c[2]).replace('\n', " "))
        .collect();
    assert_eq!(sentences, theirs);
}
