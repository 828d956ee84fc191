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
//! overlap, as the search worker does, and the sink only counts. The `find_iter` group is
//! the baseline: `regex::bytes::Regex::find_iter` over the buffer as one slice.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use maphex::core::search::{Query, QueryKind, ScanConfig, Scanner};
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
            .build()
            .expect("the regex crate accepts what we compile");
        group.bench_function(name, |b| {
            b.iter(|| black_box(regex.find_iter(&hay).count()));
        });
    }
    group.finish();
}

criterion_group!(benches, bench_scan);
criterion_main!(benches);
