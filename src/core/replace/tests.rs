//! The replacer against `regex::bytes::Regex::replace_all` on the whole input, with windows
//! small enough that matches cross them.

use std::sync::atomic::AtomicBool;

use proptest::prelude::*;

use super::*;
use crate::core::layout::Source;
use crate::core::search::{Query, QueryKind};

fn pattern(p: &str) -> Pattern {
    Query::new(QueryKind::Regex, p).compile().unwrap()
}

fn reference(p: &str) -> regex::bytes::Regex {
    regex::bytes::RegexBuilder::new(p)
        .unicode(false)
        .build()
        .unwrap()
}

/// The layout's bytes, with `old` as the old file.
fn materialize(l: &Layout, old: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for seg in l.segments() {
        let n = usize::try_from(seg.len).unwrap();
        match &seg.src {
            Source::Old { offset } => {
                let o = usize::try_from(*offset).unwrap();
                out.extend_from_slice(&old[o..o + n]);
            }
            Source::Data { start } => out.extend_from_slice(&l.arena()[*start..*start + n]),
            other => panic!("unexpected segment {other:?}"),
        }
    }
    assert_eq!(out.len() as u64, l.len());
    out
}

/// Runs a replacer over `hay` and returns (layout bytes, splice bytes, count).
fn replace(p: &str, t: &str, hay: &[u8], config: &ReplaceConfig) -> (Vec<u8>, Vec<u8>, u64) {
    let pat = pattern(p);
    let template = Template::new(t, &pat).unwrap();
    let mut r = Replacer::new(&pat, template, config);
    let mut builder = LayoutBuilder::new();
    let mut splice = Splice::new(hay, Vec::new());
    let never = AtomicBool::new(false);
    let mut progress = 0;
    let end = r.run(
        hay,
        &never,
        &mut |p| {
            assert!(p >= progress, "progress goes forward");
            progress = p;
        },
        |rep| {
            builder.push(&rep).unwrap();
            splice.push(&rep).unwrap();
            true
        },
    );
    assert_eq!(end, RunEnd::Done);
    assert!(r.is_done());
    let layout = builder.finish(hay.len() as u64).unwrap();
    let (spliced, written) = splice.finish().unwrap();
    assert_eq!(written, spliced.len() as u64);
    (materialize(&layout, hay), spliced, r.totals().count)
}

fn tiny(chunk: u64, max_match: u64) -> ReplaceConfig {
    ReplaceConfig {
        scan: ScanConfig { chunk, max_match },
        ..ReplaceConfig::default()
    }
}

/// Patterns with their templates; those in the first list have no look-around, so searching
/// a slice equals searching the range of the whole (what the range tests compare with).
const PLAIN: &[(&str, &[&str])] = &[
    ("a+", &["X", "", "<$0>", "$$"]),
    ("[\\x00-\\x10]b?", &["X", "$0$0", "yy"]),
    ("ab", &["X", "", "abc"]),
    ("x*", &["-", "", "[$0]"]),
    ("(a)(b)?", &["$2$1", "${1}x", "[$2]"]),
    ("(?<w>a+)x|b", &["$w.", "${w}$0"]),
    ("b|", &["X", ""]),
    ("(?s).{3}", &["$0", "12"]),
];
const LOOKING: &[(&str, &[&str])] = &[
    ("\\bab", &["X"]),
    ("^a|a$", &["X", ""]),
    ("(?m)^|b\\b", &["#"]),
];

fn case() -> impl Strategy<Value = (&'static str, &'static str)> {
    let all: Vec<(&'static str, &'static str)> = PLAIN
        .iter()
        .chain(LOOKING)
        .flat_map(|(p, ts)| ts.iter().map(move |t| (*p, *t)))
        .collect();
    proptest::sample::select(all)
}

fn plain_case() -> impl Strategy<Value = (&'static str, &'static str)> {
    let all: Vec<(&'static str, &'static str)> = PLAIN
        .iter()
        .flat_map(|(p, ts)| ts.iter().map(move |t| (*p, *t)))
        .collect();
    proptest::sample::select(all)
}

fn hay() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop::sample::select(vec![b'a', b'b', b'x', b'\n', 0, 5, b' ', 0xff]),
        0..200,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn whole_source_equals_replace_all(
        (p, t) in case(), hay in hay(), chunk in 1u64..24, max_match in 3u64..6,
    ) {
        let want = reference(p).replace_all(&hay, t.as_bytes()).into_owned();
        // Bounded patterns are exact with any overlap covering their length; unbounded ones
        // up to `max_match` (the scan's documented limit), so it must cover the input.
        let max_match = if pattern(p).max_len().is_some() { max_match } else { 256 };
        let (laid, spliced, count) = replace(p, t, &hay, &tiny(chunk, max_match));
        prop_assert_eq!(&laid, &want);
        prop_assert_eq!(&spliced, &want);
        prop_assert_eq!(count, reference(p).find_iter(&hay).count() as u64);
    }

    #[test]
    fn a_range_is_replace_all_on_the_slice(
        (p, t) in plain_case(), hay in hay(), a in 0usize..220, b in 0usize..220,
        chunk in 1u64..24,
    ) {
        let (a, b) = (a.min(hay.len()), b.min(hay.len()));
        let (a, b) = (a.min(b), a.max(b));
        let mut want = hay[..a].to_vec();
        want.extend_from_slice(&reference(p).replace_all(&hay[a..b], t.as_bytes()));
        want.extend_from_slice(&hay[b..]);
        let config = ReplaceConfig { range: a as u64..b as u64, ..tiny(chunk, 256) };
        let (laid, spliced, _) = replace(p, t, &hay, &config);
        prop_assert_eq!(&laid, &want);
        prop_assert_eq!(&spliced, &want);
    }

    #[test]
    fn first_only_replaces_the_first_match_from_an_offset(
        (p, t) in plain_case(), hay in hay(), a in 0usize..220, chunk in 1u64..24,
    ) {
        let a = a.min(hay.len());
        let mut want = hay[..a].to_vec();
        want.extend_from_slice(&reference(p).replacen(&hay[a..], 1, t.as_bytes()));
        let config = ReplaceConfig { range: a as u64..u64::MAX, first_only: true, ..tiny(chunk, 256) };
        let (laid, spliced, count) = replace(p, t, &hay, &config);
        prop_assert_eq!(&laid, &want);
        prop_assert_eq!(&spliced, &want);
        prop_assert!(count <= 1);
    }
}

#[test]
fn the_default_windows_are_exact_too() {
    let hay = b"lorem consectetuer ipsum consectetuer\n".repeat(1000);
    let (laid, spliced, count) = replace("consectetuer", "X", &hay, &ReplaceConfig::default());
    let want = reference("consectetuer").replace_all(&hay, &b"X"[..]);
    assert_eq!(count, 2000);
    assert_eq!(laid, *want);
    assert_eq!(spliced, *want);
}

#[test]
fn totals_and_same_length() {
    let pat = pattern("ab");
    let mut r = Replacer::new(
        &pat,
        Template::new("XY", &pat).unwrap(),
        &ReplaceConfig::default(),
    );
    let mut seen = Vec::new();
    r.run(&b"ab_ab"[..], &AtomicBool::new(false), &mut |_| {}, |rep| {
        seen.push(rep.range());
        true
    });
    assert_eq!(seen, [0..2, 3..5]);
    let t = r.totals();
    assert_eq!(
        (t.count, t.old_bytes, t.new_bytes, t.same_len),
        (2, 4, 4, true)
    );
    let mut r = Replacer::new(
        &pat,
        Template::new("", &pat).unwrap(),
        &ReplaceConfig::default(),
    );
    r.run(&b"ab_ab"[..], &AtomicBool::new(false), &mut |_| {}, |_| {
        true
    });
    assert!(!r.totals().same_len);
}

#[test]
fn cancel_and_stop() {
    let pat = pattern("a");
    let hay = b"aaaa".to_vec();
    let mut r = Replacer::new(
        &pat,
        Template::literal_bytes(b"b"),
        &ReplaceConfig::default(),
    );
    let mut n = 0;
    let end = r.run(&hay, &AtomicBool::new(true), &mut |_| {}, |_| {
        n += 1;
        true
    });
    assert_eq!((end, n), (RunEnd::Cancelled, 0));
    let end = r.run(&hay, &AtomicBool::new(false), &mut |_| {}, |_| {
        n += 1;
        false
    });
    assert_eq!((end, n), (RunEnd::Stopped, 1));
    let end = r.run(&hay, &AtomicBool::new(false), &mut |_| {}, |_| {
        n += 1;
        true
    });
    assert_eq!((end, n), (RunEnd::Done, 4));
}

#[test]
fn out_of_order_replacements_are_errors_not_panics() {
    let r = |start, end| Replacement {
        start,
        end,
        bytes: b"",
    };
    let mut b = LayoutBuilder::new();
    b.push(&r(2, 4)).unwrap();
    assert!(b.push(&r(3, 5)).is_err());
    assert!(b.push(&r(6, 5)).is_err());
    assert!(b.finish(3).is_err());
    assert!(layout([r(0, 1), r(1, 1)], 1).is_ok());
    let mut s = Splice::new(&b"abc"[..], Vec::new());
    assert!(s.push(&r(1, 9)).is_err());
    assert!(s.push(&r(1, 2)).is_ok());
    assert!(s.push(&r(0, 1)).is_err());
}
