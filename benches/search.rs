//! Scan throughput (bytes per second) of the chunked search over an in-memory buffer.
//!
//! The buffer is pseudo-random bytes with 1024 planted `Nulla facilisi.`, like the
//! measurements in `notes/platform.md` §6 (which used 1 GiB: about 30 GB/s for a rare
//! literal, 16 GB/s for `(?i)nulla\w*`, 0.7 GB/s for a pattern with no literal). Its size is
//! `MAPHEX_BENCH_BYTES`, default 256 MiB so a full run takes minutes; for the issue's 1 GiB:
//!
//! ```text
//! MAPHEX_BENCH_BYTES=1073741824 cargo bench --bench search
//! cargo bench --bench search -- --test     # quick check that every case runs once
//! ```
//!
//! The `scan` group goes through `ByteSource::read` with the default 16 MiB chunks and 1 MiB
//! overlap, as the search worker does, and the sink only counts. The `parallel` group is the
//! same scan split over every core and merged (`search_worker::scan_parallel`, what the UI's
//! worker and `find` run): on 2 cores it should be about 1.9 times `scan`. The `find_iter`
//! group is the baseline: `regex::bytes::Regex::find_iter` (Unicode off, as our default)
//! over the buffer as one slice. `benches/search_vs_rg.sh` compares `maphex find` with
//! ripgrep and Python on a 1 GiB text file.
//!
//! The `navigation` group times one `n` and one `N` from the middle of a real file through
//! the UI (default index cap, so the middle is far past the stored matches) when
//! `MAPHEX_BENCH_NAV_FILE` names one, for example the 1 GiB file the script generates:
//!
//! ```text
//! MAPHEX_BENCH_NAV_FILE=/tmp/maphex-bench-lorem-1024m.txt cargo bench --bench search -- navigation
//! ```

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use maphex::core::search::{Query, QueryKind, ScanConfig, Scanner};
use maphex::tui::search_worker::{ScanEvent, scan_parallel, scan_threads};
use regex::bytes::RegexBuilder;

const DEFAULT_BYTES: usize = 256 << 20;
const PLANTED: &[u8] = b"Nulla facilisi.";
const PLANTS: usize = 1024;

/// Deterministic pseudo-random bytes (xorshift64) with `PLANTS` evenly spread sentences.
fn haystack(len: usize) -> Vec<u8> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut hay = Vec::with_capacity(len + 8);
    while hay.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        hay.extend_from_slice(&state.to_le_bytes());
    }
    hay.truncate(len);
    let stride = len / PLANTS;
    if stride > PLANTED.len() {
        for i in 0..PLANTS {
            // Off the stride grid, so some plants straddle chunk boundaries and some do not.
            let at = i * stride + (i * 7919) % (stride - PLANTED.len());
            hay[at..at + PLANTED.len()].copy_from_slice(PLANTED);
        }
    }
    hay
}

fn bench_scan(c: &mut Criterion) {
    let len = std::env::var("MAPHEX_BENCH_BYTES").map_or(DEFAULT_BYTES, |v| {
        v.parse()
            .expect("MAPHEX_BENCH_BYTES must be a byte count, e.g. 1073741824")
    });
    let hay = haystack(len);
    let cases = [
        ("rare literal facilisi", QueryKind::Text, "facilisi"),
        ("common literal e", QueryKind::Text, "e"),
        ("regex (?i)nulla\\w*", QueryKind::Regex, r"(?i)nulla\w*"),
        ("hex 4e 75 6c 6c 61", QueryKind::Hex, "4e 75 6c 6c 61"),
        (
            "regex [A-Z][a-z]+ [a-z]+",
            QueryKind::Regex,
            "[A-Z][a-z]+ [a-z]+",
        ),
    ];
    let mut group = c.benchmark_group("scan");
    group.throughput(Throughput::Bytes(len as u64));
    group.sample_size(10);
    for (name, kind, text) in cases {
        let pattern = Query::new(kind, text)
            .compile()
            .expect("benchmark patterns compile");
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut found = 0_u64;
                Scanner::whole(&pattern, ScanConfig::default()).run(hay.as_slice(), |_| {
                    found += 1;
                    true
                });
                black_box(found)
            });
        });
    }
    group.finish();

    let mut group = c.benchmark_group("parallel");
    group.throughput(Throughput::Bytes(len as u64));
    group.sample_size(10);
    let never = std::sync::atomic::AtomicBool::new(false);
    for (name, kind, text) in cases {
        let pattern = Query::new(kind, text)
            .compile()
            .expect("benchmark patterns compile");
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut found = 0_u64;
                scan_parallel(
                    &pattern,
                    hay.as_slice(),
                    0..u64::MAX,
                    None,
                    ScanConfig::default(),
                    scan_threads(),
                    &never,
                    &mut |e| {
                        if let ScanEvent::Match(_) = e {
                            found += 1;
                        }
                        true
                    },
                );
                black_box(found)
            });
        });
    }
    group.finish();

    // Baseline: `regex::bytes::Regex::find_iter` on the whole buffer as one slice, which is
    // what the chunked scan must equal; the ratio is the cost of chunking and windows.
    let mut group = c.benchmark_group("find_iter");
    group.throughput(Throughput::Bytes(len as u64));
    group.sample_size(10);
    for (name, kind, text) in cases {
        let pattern = Query::new(kind, text)
            .compile()
            .expect("benchmark patterns compile");
        let regex = RegexBuilder::new(pattern.regex_source())
            .case_insensitive(pattern.is_case_insensitive())
            .unicode(pattern.is_unicode())
            .build()
            .expect("the regex crate accepts what we compile");
        group.bench_function(name, |b| {
            b.iter(|| black_box(regex.find_iter(&hay).count()));
        });
    }
    group.finish();
}

/// `n` and `N` from 50 % of `MAPHEX_BENCH_NAV_FILE` after a full search for
/// `[A-Z][a-z]+ [a-z]+` with the default cap.
fn bench_navigation(c: &mut Criterion) {
    use maphex::core::document::{Document, Mode, OpenConfig};
    use maphex::tui::input::{Input, Key, KeyCode};
    use maphex::tui::runtime::Session;
    let Some(path) = std::env::var_os("MAPHEX_BENCH_NAV_FILE") else {
        return;
    };
    let doc = Document::open(
        std::path::Path::new(&path),
        OpenConfig {
            mode: Mode::ReadOnly,
            ..OpenConfig::default()
        },
    )
    .expect("MAPHEX_BENCH_NAV_FILE opens");
    let mut s = Session::new(doc, (80, 24));
    let typ = |s: &mut Session, text: &str| {
        for ch in text.chars() {
            s.input(Input::Key(Key::ch(ch)));
        }
    };
    typ(&mut s, "/[A-Z][a-z]+ [a-z]+");
    s.input(Input::Key(Key::plain(KeyCode::Enter)));
    assert!(s.wait_search(std::time::Duration::from_secs(600)));
    let mut group = c.benchmark_group("navigation");
    group.sample_size(20);
    for (name, k) in [("n from 50%", "n"), ("N from 50%", "N")] {
        group.bench_function(name, |b| {
            b.iter(|| {
                typ(&mut s, ":50%");
                s.input(Input::Key(Key::plain(KeyCode::Enter)));
                typ(&mut s, k);
                black_box(s.app.cursor())
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench_scan, bench_navigation);
criterion_main!(benches);
