//! Opening a file and drawing its first frame (120×40, `TestBackend`) must cost the same for
//! 1 MiB and an 8 GiB sparse file: O(screen), not O(file). Also saves a one-byte edit to both
//! (copy-on-write) and reports the bytes written, and prints the resident anonymous memory
//! after a first frame of the 8 GiB file.
//!
//! `cargo bench --bench open_render`; a quick check: `cargo bench --bench open_render -- --test`.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use maphex::core::document::{Document, Mode, OpenConfig};
use maphex::tui::runtime::Session;
use maphex::tui::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn make(dir: &Path, name: &str, len: u64) -> std::path::PathBuf {
    let p = dir.join(name);
    let f = std::fs::File::create(&p).expect("create bench file");
    f.set_len(len).expect("size bench file");
    std::fs::write(dir.join("x"), b"").ok();
    p
}

fn open_and_draw(path: &Path, mode: Mode) {
    let doc = Document::open(
        path,
        OpenConfig {
            mode,
            ..OpenConfig::default()
        },
    )
    .expect("open");
    let s = Session::new(doc, (120, 40));
    let mut t = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    t.draw(|f| ui::draw(f, &s.app)).expect("draw");
    black_box(t.backend().buffer());
}

fn rss_anon_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("RssAnon:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let small = make(dir.path(), "1MiB", 1 << 20);
    let huge = make(dir.path(), "8GiB", 8 << 30);

    let before = rss_anon_kib();
    open_and_draw(&huge, Mode::CopyOnWrite);
    let after = rss_anon_kib();
    eprintln!("RssAnon before/after the first frame of an 8 GiB file: {before:?} / {after:?} KiB");

    let mut g = c.benchmark_group("open_and_first_frame_120x40");
    g.bench_function("1MiB", |b| {
        b.iter(|| open_and_draw(&small, Mode::CopyOnWrite));
    });
    g.bench_function("8GiB_sparse", |b| {
        b.iter(|| open_and_draw(&huge, Mode::CopyOnWrite));
    });
    g.finish();

    // A full 200x60 frame of mixed UTF-8 with the inspector on: O(screen) whatever the file.
    let text = dir.path().join("utf8.txt");
    let sample = "Lorem ipsum – dolor sit amet, 漢字かな交じり文 😀 naïve café\n".repeat(200_000);
    std::fs::write(&text, sample).expect("write utf8 sample");
    let doc = Document::open(
        &text,
        OpenConfig {
            mode: Mode::ReadOnly,
            ..OpenConfig::default()
        },
    )
    .expect("open");
    let mut s = Session::new(doc, (200, 60));
    s.app.settings.inspector = true;
    s.app.goto(5 << 20);
    let mut t = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
    c.bench_function("frame_200x60_utf8_inspector", |b| {
        b.iter(|| {
            t.draw(|f| ui::draw(f, &s.app)).expect("draw");
        });
    });
    s.app.settings.line_view = true;
    s.app.view_mut().top = s.app.row_start(s.app.cursor());
    c.bench_function("frame_200x60_line_view", |b| {
        b.iter(|| {
            t.draw(|f| ui::draw(f, &s.app)).expect("draw");
        });
    });

    let mut g = c.benchmark_group("save_one_byte_edit");
    for (name, path) in [("1MiB", &small), ("8GiB_sparse", &huge)] {
        let mut doc = Document::open(path, OpenConfig::default()).expect("open");
        let mut flip = 0u8;
        let mut written = 0;
        g.bench_function(name, |b| {
            b.iter(|| {
                flip ^= 1;
                doc.write(12345, &[flip]).expect("edit");
                written = doc.save(false).expect("save").bytes_written;
            });
        });
        eprintln!("save_one_byte_edit/{name}: {written} bytes written per save");
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
