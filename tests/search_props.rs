//! Differential tests of the chunked scanner against `regex::bytes::Regex::find_iter` on the
//! whole haystack (ripgrep's `SearcherTester` idea): random haystacks biased towards the
//! bytes the patterns care about (invalid UTF-8, `é`, newlines, `nulla` fragments), matches
//! planted around chunk boundaries, random chunk sizes and overlaps, borrowed and owned
//! reads, whole and partial ranges, stop-and-resume and interleaved scans.
//!
//! For a sub-range `a..b` the oracle is `find_iter` started at `a` with the bytes before `a`
//! visible to look-around (`Regex::find_at` in a loop with `find_iter`'s empty-match rule:
//! `Input::range` semantics), keeping the matches that start before `b`. Separately, a
//! whole-file search split at the end of one of its matches and resumed with
//! `with_previous_match_end` must give exactly `find_iter` on the whole haystack.
//!
//! The re-search procedure after an edit (`MatchIndex::restart_point`) must leave the index
//! equal to `find_iter` on the edited haystack.
//!
//! The scanner is exact when no `find_iter` match is longer than its overlap; cases with a
//! longer match only check that the output is sorted, non-overlapping and made of real
//! matches (that limitation is documented on `ScanConfig::max_match`).

use std::borrow::Cow;
use std::cell::Cell;
use std::ops::Range;

use maphex::core::search::{
    LOOK_AROUND, Match, MatchIndex, Pattern, Query, QueryKind, ScanConfig, Scanner, StepResult,
};
use maphex::core::source::ByteSource;
use proptest::prelude::*;
use regex::bytes::{Regex, RegexBuilder};

const PATTERNS: &[(QueryKind, &str, bool)] = &[
    (QueryKind::Regex, r"\bnulla\b", false),
    (QueryKind::Regex, r"(?m)^nulla", false),
    (QueryKind::Regex, r"(?m)a$", false),
    (QueryKind::Regex, r"x*", false),
    (QueryKind::Regex, r"a*", false),
    (QueryKind::Regex, r"(?s).{3}", false),
    (QueryKind::Regex, r"(?i)nulla\w*", false),
    (QueryKind::Regex, r"[a-z]+", false),
    (QueryKind::Regex, r"(?-u:\xff)+", false),
    (QueryKind::Regex, r"\b", false),
    (QueryKind::Regex, r".", false),
    (QueryKind::Regex, r"\w+é?", false),
    (QueryKind::Regex, r"(?i)nul+a\w*?_", false),
    (QueryKind::Regex, r"\b{end}|\z", false),
    (QueryKind::Regex, r"(?R)(?m)^$", false),
    (QueryKind::Regex, r"a(?:ll|l)?", true),
    (QueryKind::Text, "nulla", true),
    (QueryKind::Text, "a.", false),
    (QueryKind::Hex, "6e 75 ?? ?? 61", false),
    (QueryKind::Hex, "ff", false),
];

/// Fragments the haystacks are made of.
const PIECES: &[&[u8]] = &[
    b"a",
    b"n",
    b"u",
    b"l",
    b"x",
    b"_",
    b" ",
    b"\n",
    b"\r\n",
    b".",
    b"\xff",
    b"\xc3\xa9",
    b"\xc3",
    b"\xa9",
    b"nulla",
    b"Nulla",
    b"NULLA ",
    b"nul",
    b"lla",
];

/// Fragments planted around chunk boundaries.
const PLANTS: &[&[u8]] = &[
    b"nulla",
    b"Nulla facilisi.",
    b"\xff\xff\xff",
    b"aaa",
    b"\n",
    b"\xc3\xa9",
];

fn compile(index: usize) -> (Pattern, Regex) {
    let (kind, text, ci) = PATTERNS[index];
    let mut query = Query::new(kind, text);
    query.case_insensitive = ci;
    let pattern = query.compile().expect("test patterns compile");
    let oracle = RegexBuilder::new(pattern.regex_source())
        .case_insensitive(pattern.is_case_insensitive())
        .unicode(pattern.is_unicode())
        .build()
        .expect("the regex crate accepts what we compile");
    (pattern, oracle)
}

/// `find_iter` from `start` with the bytes before it visible to look-around, as
/// `Input::range` gives; `prev_end` seeds the empty-match rule.
fn find_iter_from(
    re: &Regex,
    hay: &[u8],
    start: usize,
    prev_end: Option<usize>,
) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    let mut at = start;
    let mut last_end = prev_end;
    while at <= hay.len() {
        let Some(m) = re.find_at(hay, at) else { break };
        if m.is_empty() && Some(m.end()) == last_end {
            at = m.end() + 1;
            continue;
        }
        out.push((m.start() as u64, m.end() as u64));
        at = m.end();
        last_end = Some(m.end());
    }
    out
}

/// A source that copies every read (like an overlay with edits) and records the largest one.
struct Copying<'a> {
    bytes: &'a [u8],
    largest: Cell<u64>,
}

impl ByteSource for Copying<'_> {
    fn len(&self) -> u64 {
        self.bytes.len() as u64
    }

    fn read(&self, range: Range<u64>) -> Cow<'_, [u8]> {
        self.largest.set(
            self.largest
                .get()
                .max(range.end.saturating_sub(range.start)),
        );
        Cow::Owned(self.bytes.read(range).into_owned())
    }
}

fn scan_all<S: ByteSource + ?Sized>(scanner: &mut Scanner, src: &S) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    let result = scanner.run(src, |m: Match| {
        out.push((m.start, m.end()));
        true
    });
    assert_eq!(result, StepResult::Done);
    out
}

#[derive(Debug, Clone)]
struct Case {
    hay: Vec<u8>,
    chunk: u64,
    max_match: u64,
    pattern: usize,
    range: Option<(usize, usize)>,
    owned: bool,
}

fn case() -> impl Strategy<Value = Case> {
    let hay = prop::collection::vec(0..PIECES.len(), 0..120);
    let chunk = prop_oneof![
        6 => 1..=64_u64,
        1 => Just(100_u64),
        1 => Just(4096_u64),
        1 => Just(16_u64 << 20),
    ];
    let max_match = prop_oneof![Just(4_u64), Just(16), 1..64_u64, Just(1_u64 << 20)];
    let plants = prop::collection::vec((0..40_u64, -12_i64..=12, 0..PLANTS.len()), 0..8);
    let range = prop::option::weighted(0.4, (0..=1000_usize, 0..=1000_usize));
    (
        hay,
        chunk,
        max_match,
        0..PATTERNS.len(),
        plants,
        range,
        any::<bool>(),
    )
        .prop_map(
            |(pieces, chunk, max_match, pattern, plants, range, owned)| {
                let mut hay: Vec<u8> = pieces
                    .iter()
                    .flat_map(|&i| PIECES[i].iter().copied())
                    .collect();
                for (boundary, delta, plant) in plants {
                    let plant = PLANTS[plant];
                    let Some(at) = i64::try_from(boundary * chunk)
                        .ok()
                        .and_then(|b| usize::try_from(b + delta).ok())
                    else {
                        continue;
                    };
                    if at + plant.len() <= hay.len() {
                        hay[at..at + plant.len()].copy_from_slice(plant);
                    }
                }
                // Scale the range fractions (per mille) to the haystack.
                let len = hay.len();
                let range = range.map(|(a, b)| {
                    let (a, b) = (a.min(b), a.max(b));
                    (a * len / 1000, (b * len).div_ceil(1000))
                });
                Case {
                    hay,
                    chunk,
                    max_match,
                    pattern,
                    range,
                    owned,
                }
            },
        )
}

/// Whether the scanner is bound to agree: no expected match is longer than the overlap the
/// documentation promises (computed here, not asked of the scanner, so a scanner that
/// shrinks its overlap cannot excuse itself).
fn exact_expected(expected: &[(u64, u64)], pattern: &Pattern, max_match: u64) -> bool {
    let overlap = pattern
        .max_len()
        .map_or(max_match, |n| (n as u64).min(max_match));
    expected.iter().all(|&(s, e)| e - s <= overlap)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn scanner_equals_find_iter(case in case()) {
        let (pattern, oracle) = compile(case.pattern);
        let config = ScanConfig { chunk: case.chunk, max_match: case.max_match };
        let hay = case.hay.as_slice();
        let (range, expected) = match case.range {
            None => (0..u64::MAX, oracle.find_iter(hay).map(|m| (m.start() as u64, m.end() as u64)).collect::<Vec<_>>()),
            Some((a, b)) => {
                let all = find_iter_from(&oracle, hay, a, None);
                (a as u64..b as u64, all.into_iter().filter(|&(s, _)| s < b as u64).collect())
            }
        };
        let mut scanner = Scanner::new(&pattern, range, config);
        let copying = Copying { bytes: hay, largest: Cell::new(0) };
        let got = if case.owned { scan_all(&mut scanner, &copying) } else { scan_all(&mut scanner, hay) };
        if exact_expected(&expected, &pattern, case.max_match) {
            prop_assert_eq!(&got, &expected, "pattern {:?} source {:?}", PATTERNS[case.pattern], pattern.regex_source());
            prop_assert_eq!(scanner.long_matches(), 0);
        } else {
            // Beyond the documented limit: still sorted, non-overlapping, real matches.
            for pair in got.windows(2) {
                prop_assert!(pair[0].1 <= pair[1].0);
            }
            for &(s, e) in &got {
                let (s, e) = (s as usize, e as usize);
                prop_assert!(pattern.captures(hay, s..e).is_some(), "{s}..{e} is not a match");
            }
        }
        if case.owned {
            // A window of one chunk plus the overlap, or the growing window that follows a
            // match running past it (4 times what was seen of it, at least 64 KiB).
            let longest = expected.iter().map(|&(s, e)| e - s).max().unwrap_or(0);
            let follow = (4 * (longest + case.chunk + scanner.overlap())).max(64 << 10);
            let bound = case
                .chunk
                .saturating_add(scanner.overlap())
                .max(if scanner.overlap() < longest.max(1) { follow } else { 0 })
                .saturating_add(2 * LOOK_AROUND);
            prop_assert!(copying.largest.get() <= bound, "read {} > {}", copying.largest.get(), bound);
        }
    }

    #[test]
    fn split_at_a_match_end_and_resumed_equals_find_iter(
        case in case(),
        pick in any::<prop::sample::Index>(),
    ) {
        let (pattern, oracle) = compile(case.pattern);
        let config = ScanConfig { chunk: case.chunk, max_match: 1 << 20 };
        let hay = case.hay.as_slice();
        let expected: Vec<(u64, u64)> =
            oracle.find_iter(hay).map(|m| (m.start() as u64, m.end() as u64)).collect();
        if expected.is_empty() {
            return Ok(());
        }
        // Head: matches up to and including the picked one; tail: from its end, seeded.
        let (start, end) = expected[pick.index(expected.len())];
        let mut head = Scanner::new(&pattern, 0..start + 1, config);
        let mut tail = Scanner::new(&pattern, end..u64::MAX, config).with_previous_match_end(end);
        let mut got = scan_all(&mut head, hay);
        got.extend(scan_all(&mut tail, hay));
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn re_search_after_an_edit_equals_a_full_search(
        case in case(),
        edit_at in any::<prop::sample::Index>(),
        edit in prop::collection::vec(0..PIECES.len(), 1..4),
    ) {
        let (pattern, oracle) = compile(case.pattern);
        let config = ScanConfig { chunk: case.chunk, max_match: 1 << 20 };
        let mut hay = case.hay.clone();
        if hay.is_empty() {
            return Ok(());
        }
        let mut index = MatchIndex::new();
        Scanner::whole(&pattern, config).run(hay.as_slice(), |m: Match| {
            index.push(m);
            true
        });

        // Overwrite a few bytes, as an edit does.
        let bytes: Vec<u8> = edit.iter().flat_map(|&i| PIECES[i].iter().copied()).collect();
        let a = edit_at.index(hay.len());
        let b = (a + bytes.len()).min(hay.len());
        hay[a..b].copy_from_slice(&bytes[..b - a]);

        // The procedure documented on `MatchIndex::restart_point`.
        let restart = index.restart_point(a as u64, config.overlap(&pattern));
        let mut scanner = Scanner::new(&pattern, restart.scan_from..u64::MAX, config);
        if let Some(end) = restart.previous_match_end {
            scanner = scanner.with_previous_match_end(end);
        }
        let mut found = Vec::new();
        let mut resync = None;
        scanner.run(hay.as_slice(), |m: Match| {
            if m.end() >= b as u64 + LOOK_AROUND && index.contains(m) {
                resync = Some(m.start);
                return false;
            }
            found.push(m);
            true
        });
        prop_assert!(index.replace_range(restart.replace_from..resync.unwrap_or(u64::MAX), found));

        let expected: Vec<(u64, u64)> =
            oracle.find_iter(&hay).map(|m| (m.start() as u64, m.end() as u64)).collect();
        let got: Vec<(u64, u64)> = index.iter().map(|m| (m.start, m.end())).collect();
        prop_assert_eq!(got, expected.clone(), "{:?}", PATTERNS[case.pattern]);
        prop_assert_eq!(index.total(), expected.len() as u64);
    }

    #[test]
    fn stopping_after_every_match_and_interleaving_change_nothing(case in case(), other in 0..PATTERNS.len()) {
        let config = ScanConfig { chunk: case.chunk, max_match: case.max_match };
        let hay = case.hay.as_slice();
        let (p1, _) = compile(case.pattern);
        let (p2, _) = compile(other);
        let one_run = |p: &Pattern| scan_all(&mut Scanner::whole(p, config), hay);
        let (want1, want2) = (one_run(&p1), one_run(&p2));

        // Two scans stepped alternately, each sink stopping after every match.
        let mut scanners = [Scanner::whole(&p1, config), Scanner::whole(&p2, config)];
        let mut got = [Vec::new(), Vec::new()];
        let mut steps = 0;
        while scanners.iter().any(|s| !s.is_done()) {
            for (scanner, out) in scanners.iter_mut().zip(got.iter_mut()) {
                let before = scanner.position();
                let result = scanner.step(hay, |m: Match| {
                    out.push((m.start, m.end()));
                    false
                });
                prop_assert!(scanner.position() >= before);
                if result == StepResult::Done {
                    prop_assert!(scanner.is_done());
                }
            }
            steps += 1;
            prop_assert!(steps < 100_000, "no progress");
        }
        prop_assert_eq!(&got[0], &want1);
        prop_assert_eq!(&got[1], &want2);
    }
}

#[test]
fn a_sink_returning_false_stops_the_scan() {
    let (pattern, _) = compile(0);
    let hay = b"nulla nulla nulla nulla".repeat(10);
    let mut scanner = Scanner::whole(
        &pattern,
        ScanConfig {
            chunk: 7,
            max_match: 64,
        },
    );
    let mut seen = Vec::new();
    let result = scanner.run(hay.as_slice(), |m: Match| {
        seen.push(m.start);
        seen.len() < 3
    });
    assert_eq!(result, StepResult::Stopped);
    assert_eq!(seen, vec![0, 6, 12]);
    assert!(!scanner.is_done());
    assert_eq!(scanner.position(), 17);
}

#[test]
fn matches_straddling_every_boundary_of_a_larger_buffer() {
    // Plants straddle the 4 KiB boundaries, one for each offset in -12..=12.
    let mut hay = vec![b'.'; 27 << 12];
    for k in 1..=25_usize {
        let at = k * 4096 + k - 13;
        hay[at..at + 15].copy_from_slice(b"Nulla facilisi.");
    }
    for index in [0, 6, 7, 16, 18] {
        let (pattern, oracle) = compile(index);
        let expected: Vec<(u64, u64)> = oracle
            .find_iter(&hay)
            .map(|m| (m.start() as u64, m.end() as u64))
            .collect();
        let got = scan_all(
            &mut Scanner::whole(
                &pattern,
                ScanConfig {
                    chunk: 4096,
                    max_match: 64 << 10,
                },
            ),
            hay.as_slice(),
        );
        assert_eq!(got, expected, "{:?}", PATTERNS[index]);
    }
}

// ------------------------------------------------------------ issue 10: byte semantics

/// A random pattern from a grammar of the constructs the README's table names: bytes
/// written as `\xNN` (ASCII and not), `.` and `(?s:.)`, the ASCII classes, `\b`, `(?i)`,
/// a non-ASCII character written as itself, classes, alternation and repetition (greedy and
/// lazy), anchors.
fn grammar() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("a".to_string()),
        Just("b".to_string()),
        Just("N".to_string()),
        Just(" ".to_string()),
        Just(r"\xde".to_string()),
        Just(r"\xad".to_string()),
        Just(r"\xff".to_string()),
        Just(r"\xc3".to_string()),
        Just(r"\x0a".to_string()),
        Just(".".to_string()),
        Just("(?s:.)".to_string()),
        Just(r"\w".to_string()),
        Just(r"\d".to_string()),
        Just(r"\s".to_string()),
        Just(r"\b".to_string()),
        Just(r"\B".to_string()),
        Just("é".to_string()),
        Just("[a-c]".to_string()),
        Just(r"[^\x00-\x7f]".to_string()),
        Just(r"[\xde-\xff]".to_string()),
        Just("(?m:^)".to_string()),
        Just("(?m:$)".to_string()),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(|v| v.concat()),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("(?:{a}|{b})")),
            (inner.clone(), 0..6_usize).prop_map(|(a, op)| {
                let op = ["*", "+", "?", "{1,3}", "*?", "+?"][op];
                format!("(?:{a}){op}")
            }),
            inner.clone().prop_map(|a| format!("(?i:{a})")),
        ]
    })
}

/// Haystack fragments for the grammar: the bytes it names, valid and invalid UTF-8.
const BYTE_PIECES: &[&[u8]] = &[
    b"a",
    b"b",
    b"c",
    b"A",
    b"N",
    b"n",
    b" ",
    b"\n",
    b"1",
    b"_",
    b"\xde\xad",
    b"\xbe\xef",
    b"\xff",
    b"\xc3\xa9",
    b"\xc3",
    b"\xc3\x89",
    b"\x00",
    b"\x7f",
    b"ab",
    b"\xe2\x82\xac",
];

fn byte_hay() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(0..BYTE_PIECES.len(), 0..100).prop_map(|v| {
        v.iter()
            .flat_map(|&i| BYTE_PIECES[i].iter().copied())
            .collect()
    })
}

fn bytes_oracle(p: &str, ci: bool) -> Regex {
    RegexBuilder::new(p)
        .unicode(false)
        .case_insensitive(ci)
        .build()
        .expect("the grammar's patterns compile in byte mode")
}

fn oracle_matches(re: &Regex, hay: &[u8]) -> Vec<(u64, u64)> {
    re.find_iter(hay)
        .map(|m| (m.start() as u64, m.end() as u64))
        .collect()
}

fn merged_matches(
    pattern: &Pattern,
    hay: &[u8],
    config: ScanConfig,
    sizes: &[u64],
) -> Vec<(u64, u64)> {
    use maphex::core::search::{Merger, scan_segment};
    // Segments of the random sizes, cycling, then one to the end.
    let mut ranges = Vec::new();
    let mut at = 0u64;
    for &size in sizes.iter().cycle().take(200) {
        if at >= hay.len() as u64 {
            break;
        }
        ranges.push(at..at + size);
        at += size;
    }
    ranges.push(at..u64::MAX);
    let mut merger = Merger::new(pattern, config, 0, None);
    let mut out = Vec::new();
    for range in ranges {
        let seg = scan_segment(pattern, hay, range, config);
        merger.push(hay, &seg, |m| {
            out.push((m.start, m.end()));
            true
        });
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// The default semantics are `regex::bytes` with Unicode off over the whole slice, on
    /// every path: one scanner, segments of random sizes merged (parts shorter than a
    /// match included), and the re-search after an edit.
    #[test]
    fn default_semantics_equal_regex_bytes_without_unicode_on_every_path(
        p in grammar(),
        ci in any::<bool>(),
        hay in byte_hay(),
        chunk in 1..40_u64,
        sizes in prop::collection::vec(1..24_u64, 1..5),
        edit_at in any::<prop::sample::Index>(),
        edit in prop::collection::vec(0..BYTE_PIECES.len(), 1..3),
    ) {
        let mut query = Query::new(QueryKind::Regex, p.clone());
        query.case_insensitive = ci;
        let pattern = query.compile().expect("grammar patterns compile");
        prop_assert!(!pattern.is_unicode());
        let oracle = bytes_oracle(&p, ci);
        let expected = oracle_matches(&oracle, &hay);
        // The overlap covers every match here (the documented exact regime); the chunks
        // and parts are still far smaller than the matches.
        let config = ScanConfig { chunk, max_match: 1 << 20 };

        let single = scan_all(&mut Scanner::whole(&pattern, config), hay.as_slice());
        prop_assert_eq!(&single, &expected, "single: {}", p);
        let merged = merged_matches(&pattern, &hay, config, &sizes);
        prop_assert_eq!(&merged, &expected, "merged {:?}: {}", sizes, p);

        // The re-search after an edit, as the UI does it.
        let mut index = MatchIndex::new();
        index.extend(single.iter().map(|&(s, e)| Match::new(s, e - s)));
        let mut hay = hay;
        if hay.is_empty() {
            return Ok(());
        }
        let bytes: Vec<u8> = edit.iter().flat_map(|&i| BYTE_PIECES[i].iter().copied()).collect();
        let a = edit_at.index(hay.len());
        let b = (a + bytes.len()).min(hay.len());
        hay[a..b].copy_from_slice(&bytes[..b - a]);
        let restart = index.restart_point(a as u64, config.overlap(&pattern));
        let mut scanner = Scanner::new(&pattern, restart.scan_from..u64::MAX, config);
        if let Some(end) = restart.previous_match_end {
            scanner = scanner.with_previous_match_end(end);
        }
        let mut found = Vec::new();
        let mut resync = None;
        scanner.run(hay.as_slice(), |m: Match| {
            if m.end() >= b as u64 + LOOK_AROUND && index.contains(m) {
                resync = Some(m.start);
                return false;
            }
            found.push(m);
            true
        });
        index.replace_range(restart.replace_from..resync.unwrap_or(u64::MAX), found);
        let got: Vec<(u64, u64)> = index.iter().map(|m| (m.start, m.end())).collect();
        prop_assert_eq!(got, oracle_matches(&oracle, &hay), "after edit: {}", p);
    }

    /// The threaded driver the UI and `find` use, with segments as small as one byte.
    #[test]
    fn the_threaded_scan_equals_one_forward_scan(
        case in case(),
        chunk in 1..48_u64,
        threads in 1..4_usize,
    ) {
        use maphex::tui::search_worker::{ScanEvent, scan_parallel};
        use std::sync::atomic::AtomicBool;
        let (pattern, _) = compile(case.pattern);
        let config = ScanConfig { chunk, max_match: 1 << 20 };
        let hay = case.hay.as_slice();
        let want = scan_all(&mut Scanner::whole(&pattern, config), hay);
        let mut got = Vec::new();
        let mut last_progress = 0;
        let summary = scan_parallel(&pattern, hay, 0..u64::MAX, None, config, threads, &AtomicBool::new(false), &mut |e| {
            match e {
                ScanEvent::Match(m) => {
                    assert!(m.start >= last_progress, "a match before the reported progress");
                    got.push((m.start, m.end()));
                }
                ScanEvent::Progress { pos: p, .. } => {
                    assert!(p >= last_progress);
                    last_progress = p;
                }
            }
            true
        });
        prop_assert!(!summary.stopped);
        prop_assert_eq!(last_progress, hay.len() as u64);
        prop_assert_eq!(got, want);
    }
}

/// Issue 10's measured disagreements with Python's `re` over a bytes mmap, as regressions.
#[test]
fn issue_10_bytes_patterns_find_the_bytes() {
    let mut hay = Vec::new();
    for i in 0..50u8 {
        hay.extend_from_slice(b"text \xde\xad\xbe\xef ");
        hay.extend_from_slice(&[0x80 | i, 0xc3, b'e', 0xff, b'x', b's', b'\n']);
    }
    for (p, n) in [
        (r"\xde\xad\xbe\xef", 50),
        (r"(?s)e.{2}s", 50),
        (r"[^\x00-\x7f]{2}", 150),
    ] {
        let pattern = Query::new(QueryKind::Regex, p).compile().unwrap();
        let got = scan_all(
            &mut Scanner::whole(&pattern, ScanConfig::default()),
            hay.as_slice(),
        );
        assert_eq!(got, oracle_matches(&bytes_oracle(p, false), &hay), "{p}");
        assert_eq!(got.len(), n, "{p}");
    }
}
