//! Structure templates: the ELF header, program headers and section headers (with their
//! names) of a ~1 MB binary under the bundled `elf.ksy`, as `maphex parse` walks them; and the
//! first screen of a tree over a file with a million fixed-size records (which must not
//! touch the other records); and a record deep in a ZIP's sequence of local file headers,
//! in a fresh tree and after an edit.
//!
//! ```text
//! cargo bench --bench ksy                 # MAPHEX_BENCH_ELF=/path/to/binary to choose one
//! cargo bench --bench ksy -- --test       # quick check that every case runs once
//! ```

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use maphex::core::ksy::schema::NoImports;
use maphex::core::ksy::{Library, NodeId, Schema, Tree};

/// Visits every node under `id` (info, then children), as the CLI's text printer does.
fn walk<S: maphex::core::source::ByteSource>(t: &mut Tree<S>, id: NodeId, n: &mut usize) {
    let _ = t.len(id);
    black_box(t.info(id));
    *n += 1;
    let mut i = 0;
    while let Some(c) = t.child(id, i) {
        walk(t, c, n);
        i += 1;
    }
}

fn elf_binary() -> Option<Vec<u8>> {
    let path = std::env::var("MAPHEX_BENCH_ELF").unwrap_or_else(|_| "/usr/bin/bash".into());
    std::fs::read(&path)
        .ok()
        .or_else(|| std::fs::read("/proc/self/exe").ok())
}

fn bench_elf(c: &mut Criterion) {
    let Some(bytes) = elf_binary() else {
        eprintln!("ksy bench: no ELF binary to read; skipped");
        return;
    };
    let schema = Library::new(vec![])
        .by_name("elf")
        .expect("bundled elf")
        .schema;
    let mut nodes = 0;
    {
        let mut t = Tree::new(Arc::clone(&schema), bytes.as_slice());
        let root = t.root();
        walk(&mut t, root, &mut nodes);
    }
    eprintln!("ksy bench: elf of {} bytes, {nodes} nodes", bytes.len());
    c.bench_function("ksy/elf_headers_walk", |b| {
        b.iter(|| {
            let mut t = Tree::new(Arc::clone(&schema), bytes.as_slice());
            let root = t.root();
            let mut n = 0;
            walk(&mut t, root, &mut n);
            black_box(n)
        });
    });
    c.bench_function("ksy/elf_template_load", |b| {
        b.iter(|| black_box(Library::new(vec![]).by_name("elf").expect("elf")));
    });
}

fn bench_million(c: &mut Criterion) {
    let text = "meta:\n  id: m\n  endian: le\nseq:\n  - id: count\n    type: u4\n  - id: records\n    type: rec\n    repeat: expr\n    repeat-expr: count\ntypes:\n  rec:\n    seq:\n      - id: a\n        type: u4\n      - id: b\n        type: u2\n      - id: c\n        type: u2\n";
    let schema = Arc::new(Schema::load(text, &NoImports).expect("loads"));
    let n: u32 = 1_000_000;
    let mut bytes = n.to_le_bytes().to_vec();
    bytes.resize(4 + 8 * n as usize, 0x5a);
    c.bench_function("ksy/million_records_first_screen", |b| {
        b.iter(|| {
            let mut t = Tree::new(Arc::clone(&schema), bytes.as_slice());
            let root = t.root();
            let records = t.child(root, 1).expect("records");
            let count = t.child_count(records);
            // A screen: 50 rows of records with their fields' values.
            for id in t.children(records, 0..50) {
                for f in t.children(id, 0..3) {
                    black_box(t.info(f));
                }
            }
            black_box(count)
        });
    });
    c.bench_function("ksy/million_records_jump_to_middle", |b| {
        b.iter(|| {
            let mut t = Tree::new(Arc::clone(&schema), bytes.as_slice());
            black_box(t.find(4 + 8 * 500_000 + 6))
        });
    });
}

/// A ZIP of `n` stored one-byte files, local file headers only, then the end record.
fn many_entries_zip(n: u32) -> Vec<u8> {
    let mut b = Vec::new();
    for i in 0..n {
        let name = format!("f{i:06}");
        b.extend_from_slice(b"PK\x03\x04");
        b.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        b.extend_from_slice(&0u32.to_le_bytes()); // crc32
        b.extend_from_slice(&1u32.to_le_bytes()); // compressed size
        b.extend_from_slice(&1u32.to_le_bytes()); // uncompressed size
        b.extend_from_slice(&(name.len() as u16).to_le_bytes());
        b.extend_from_slice(&0u16.to_le_bytes());
        b.extend_from_slice(name.as_bytes());
        b.push(b'x');
    }
    b.extend_from_slice(b"PK\x05\x06");
    b.extend_from_slice(&[0; 18]);
    b
}

/// Records of variable size found one after the other (a ZIP's local file headers): the
/// 90,000th of 100,000 looked up in a fresh tree, and again in the tree `reparse` makes
/// after an overwrite inside that record (what the structure pane does after an edit).
fn bench_sequential(c: &mut Criterion) {
    let schema = Library::new(vec![])
        .by_name("zip")
        .expect("bundled zip")
        .schema;
    let bytes = many_entries_zip(100_000);
    let path = "records[90000].body.file_name";
    let mut group = c.benchmark_group("ksy/zip_100k_entries");
    group.sample_size(10);
    group.bench_function("record_90000_fresh", |b| {
        b.iter(|| {
            let mut t = Tree::new(Arc::clone(&schema), bytes.as_slice());
            black_box(t.lookup(path).expect("found"))
        });
    });
    let mut old = Tree::new(Arc::clone(&schema), bytes.as_slice());
    let name = old.lookup(path).expect("found");
    let at = old.file_range(name).expect("in the file").start;
    let mut edited = bytes.clone();
    edited[usize::try_from(at).expect("fits")] = b'g';
    eprintln!("ksy bench: {} nodes made to reach {path}", old.node_count());
    group.bench_function("record_90000_after_an_edit_in_it", |b| {
        b.iter(|| {
            let mut t = old.reparse(edited.as_slice(), at, false);
            let id = t.lookup(path).expect("found");
            black_box(t.info(id))
        });
    });
    group.finish();
}

criterion_group!(benches, bench_elf, bench_million, bench_sequential);
criterion_main!(benches);
