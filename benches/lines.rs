//! Line-index build throughput (bytes per second) over an in-memory buffer of text lines,
//! against the vectorised newline count it is built on, and against `wc -l` on the same
//! bytes in a temp file (printed as a ratio on stderr, when `wc` exists).
//!
//! The buffer is pseudo-random words in lines of 1 to 80 bytes (about 40 on average). Its
//! size is `MAPHEX_BENCH_BYTES`, default 256 MiB; for 1 GiB:
//!
//! ```text
//! MAPHEX_BENCH_BYTES=1073741824 cargo bench --bench lines
//! cargo bench --bench lines -- --test     # quick check that every case runs once
//! ```
//!
//! The build goes through `ByteSource::read` in the default 4 MiB steps, as the TUI drives it.

use std::hint::black_box;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use maphex::core::lines::{LineIndex, LineIndexBuilder, LineIndexConfig};

const DEFAULT_BYTES: usize = 256 << 20;

/// Deterministic lines of lowercase words (xorshift64), lengths 1..=80 including the `\n`.
fn text(len: usize) -> Vec<u8> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut out = Vec::with_capacity(len + 80);
    while out.len() < len {
        let line_len = (next() % 80) as usize;
        let mut word = 0;
        for _ in 0..line_len {
            let r = next();
            if word > 2 && r % 6 == 0 {
                out.push(b' ');
                word = 0;
            } else {
                out.push(b'a' + (r % 26) as u8);
                word += 1;
            }
        }
        out.push(b'\n');
    }
    out.truncate(len);
    out
}

fn build(buf: &[u8]) -> LineIndex {
    let mut builder = LineIndexBuilder::new(LineIndexConfig::default());
    while !builder.step(buf) {}
    builder.into_index()
}

/// The fastest of `runs` timings of `f`.
fn best_of(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// Time `wc -l` on a temp file holding `buf` (page cache warm after the write) and print how
/// the index build compares. Skipped, with a note, when `wc` cannot be run.
fn compare_with_wc(buf: &[u8], lines: u64) {
    let Ok(mut file) = tempfile::NamedTempFile::new() else {
        eprintln!("lines: no temp file; skipping the wc -l comparison");
        return;
    };
    if file.write_all(buf).and_then(|()| file.flush()).is_err() {
        eprintln!("lines: could not write the temp file; skipping the wc -l comparison");
        return;
    }
    let run_wc = || {
        Command::new("wc")
            .arg("-l")
            .arg(file.path())
            .stderr(Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
    };
    let Some(first) = run_wc() else {
        eprintln!("lines: wc not found; skipping the wc -l comparison");
        return;
    };
    let wc_lines: Option<u64> = String::from_utf8_lossy(&first.stdout)
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok());
    let wc = best_of(3, || {
        black_box(run_wc());
    });
    let ours = best_of(3, || {
        black_box(build(buf));
    });
    let gbps = |d: Duration| buf.len() as f64 / d.as_secs_f64() / 1e9;
    eprintln!(
        "lines: {} bytes, {lines} lines ({} newlines by wc -l); index build {:.3} s ({:.2} GB/s), \
         wc -l {:.3} s ({:.2} GB/s, includes process start and reading the file); \
         ratio build/wc = {:.2}",
        buf.len(),
        wc_lines.map_or_else(|| "?".to_owned(), |n| n.to_string()),
        ours.as_secs_f64(),
        gbps(ours),
        wc.as_secs_f64(),
        gbps(wc),
        ours.as_secs_f64() / wc.as_secs_f64(),
    );
}

fn bench_lines(c: &mut Criterion) {
    let len = std::env::var("MAPHEX_BENCH_BYTES").map_or(DEFAULT_BYTES, |v| {
        v.parse()
            .expect("MAPHEX_BENCH_BYTES must be a byte count, e.g. 1073741824")
    });
    let buf = text(len);
    let index = build(&buf);
    let lines = index.line_count().unwrap_or(0);
    eprintln!(
        "lines: {} checkpoints for {lines} lines ({} KiB)",
        index.checkpoint_count(),
        index.checkpoint_count() * 16 / 1024
    );
    compare_with_wc(&buf, lines);

    let mut group = c.benchmark_group("line_index");
    group.throughput(Throughput::Bytes(len as u64));
    group.sample_size(10);
    group.bench_function("build (4 MiB steps)", |b| {
        b.iter(|| black_box(build(&buf).line_count()));
    });
    group.bench_function("memchr count only", |b| {
        b.iter(|| black_box(memchr::memchr_iter(b'\n', &buf).count()));
    });
    group.finish();

    let mut group = c.benchmark_group("line_query");
    group.bench_function("start_of middle line", |b| {
        b.iter(|| black_box(index.start_of(buf.as_slice(), black_box(lines / 2 + 517))));
    });
    group.bench_function("line_of middle offset", |b| {
        b.iter(|| black_box(index.line_of(buf.as_slice(), black_box(len as u64 / 2 + 12_345))));
    });
    group.finish();
}

criterion_group!(benches, bench_lines);
criterion_main!(benches);
