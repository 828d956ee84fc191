//! The piece table's costs on an 8 GiB sparse file (copy-on-write): inserting and deleting one
//! byte at a random offset (target: well under 1 ms; each timed edit is undone, untimed, so the
//! document stays the same size), on a clean document and on one with 100,000 scattered
//! edits; and a 120×40 frame (as in `open_render.rs`) drawn over the 100,000 edits against a
//! clean frame (target: at most 2×), and over 2,000 more inserts packed on screen.
//!
//! `cargo bench --bench pieces -- --warm-up-time 1 --measurement-time 3`; a quick check:
//! `cargo bench --bench pieces -- --test`.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use maphex::core::document::{Document, Mode, OpenConfig};
use maphex::tui::runtime::Session;
use maphex::tui::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const EDITS: usize = 100_000;

/// A small deterministic generator (splitmix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }
}

fn open(path: &Path) -> Document {
    Document::open(
        path,
        OpenConfig {
            mode: Mode::CopyOnWrite,
            ..OpenConfig::default()
        },
    )
    .expect("open")
}

/// 100,000 scattered edits: inserts, deletes and one-byte replacements.
fn edit_scattered(doc: &mut Document, rng: &mut Rng) {
    for i in 0..EDITS {
        let at = rng.below(doc.len() - 16);
        let b = [(i % 251) as u8 + 1];
        match i % 4 {
            0 | 1 => doc.insert(at, &b).expect("insert"),
            2 => doc.delete(at..at + 1).expect("delete"),
            _ => doc.replace(at..at + 2, &b).expect("replace"),
        }
        if i % 1024 == 0 {
            let _ = doc.take_changes();
        }
    }
    let _ = doc.take_changes();
}

/// Times `edit` alone, undoing it (untimed) after each iteration.
fn edit_then_undo(
    doc: &mut Document,
    rng: &mut Rng,
    iters: u64,
    edit: impl Fn(&mut Document, u64),
) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let at = rng.below(doc.len() - 16);
        let t = Instant::now();
        edit(doc, at);
        total += t.elapsed();
        doc.undo().expect("undo");
        let _ = doc.take_changes();
    }
    total
}

fn draw_at(doc: Document, at: u64) -> (Session, Terminal<TestBackend>) {
    let mut s = Session::new(doc, (120, 40));
    s.app.goto(at);
    let t = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    (s, t)
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    // Two files: a second editable document of one file would find it locked.
    let paths = ["clean", "edited", "dense"].map(|name| {
        let path = dir.path().join(format!("8GiB_{name}"));
        std::fs::File::create(&path)
            .expect("create bench file")
            .set_len(8 << 30)
            .expect("size bench file");
        path
    });
    let mut rng = Rng(7);

    let mut clean = open(&paths[0]);
    let mut edited = open(&paths[1]);
    let t = Instant::now();
    edit_scattered(&mut edited, &mut rng);
    eprintln!(
        "{EDITS} scattered edits in {:?}: {} pieces",
        t.elapsed(),
        edited.piece_count()
    );

    let mut g = c.benchmark_group("one_byte_edit_8GiB");
    for (name, doc) in [("clean", &mut clean), ("100k_edits", &mut edited)] {
        g.bench_function(format!("insert/{name}"), |b| {
            b.iter_custom(|iters| {
                edit_then_undo(doc, &mut rng, iters, |d, at| {
                    d.insert(at, b"x").expect("insert");
                })
            });
        });
        g.bench_function(format!("delete/{name}"), |b| {
            b.iter_custom(|iters| {
                edit_then_undo(doc, &mut rng, iters, |d, at| {
                    d.delete(at..at + 1).expect("delete");
                })
            });
        });
    }
    g.finish();

    // Frames in the middle of the file: over the clean file, over the scattered edits (about
    // one per 80 KiB, so few on screen), and over the scattered edits plus 2,000 inserts
    // packed into the 4 KiB on screen (a piece every other byte).
    let at = 3 << 30;
    let mut dense = open(&paths[2]);
    edit_scattered(&mut dense, &mut Rng(7));
    for i in 0..2000u64 {
        let off = at + rng.below(4096 + i);
        dense.insert(off, &[i as u8]).expect("insert");
    }
    let _ = dense.take_changes();
    let mut g = c.benchmark_group("frame_120x40_8GiB");
    for (name, doc) in [
        ("clean", clean),
        ("100k_edits", edited),
        ("100k_edits_2k_on_screen", dense),
    ] {
        let (s, mut t) = draw_at(doc, at);
        let pieces = s.app.doc().piece_count();
        g.bench_function(name, |b| {
            b.iter(|| {
                t.draw(|f| ui::draw(f, &s.app)).expect("draw");
                black_box(t.backend().buffer());
            });
        });
        eprintln!("frame_120x40_8GiB/{name}: {pieces} pieces");
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
