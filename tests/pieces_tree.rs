//! The piece table at scale: 100,000 scattered one-byte inserts (straight on a
//! `core::pieces::Tree`, and through a `Document` over a 1 GiB sparse file) keep the treap's
//! depth O(log n) and read back like the model; fills of gigabytes cost no memory.
//!
//! The model of a document that is a big file plus scattered inserted bytes is the sorted
//! list of the inserted bytes' offsets (a list of blocks with a pending shift, so an insert
//! costs O(√n) and a lookup O(log n)), not a `Vec` of the whole document.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::sync::Mutex;

use maphex::core::document::{Document, Mode, OpenConfig};
use maphex::core::pieces::{Piece, Tree};
use maphex::core::source::ByteSource;

/// The tests here measure the process's memory: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

const INSERTS: usize = 100_000;

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

/// The file's bytes: zeros, but the first 8 bytes of every MiB hold the MiB's number, so a
/// read shows which part of the file it came from.
fn file_byte(off: u64) -> u8 {
    let k = (off % (1 << 20)) as usize;
    if k < 8 {
        (off >> 20).to_le_bytes()[k]
    } else {
        0
    }
}

fn sparse_file(dir: &std::path::Path, len: u64) -> std::path::PathBuf {
    let path = dir.join("sparse");
    let f = fs::File::create(&path).unwrap();
    f.set_len(len).unwrap();
    let mut m = 0u64;
    while m + 8 <= len {
        f.write_all_at(&(m >> 20).to_le_bytes(), m).unwrap();
        m += 1 << 20;
    }
    (&f).flush().unwrap();
    path
}

/// Inserted bytes by offset in the document: sorted blocks, each with a shift still to be
/// added to every offset in it.
struct Inserted {
    blocks: Vec<Block>,
    count: usize,
}

struct Block {
    shift: u64,
    /// (offset before `shift`, byte), sorted.
    items: Vec<(u64, u8)>,
}

impl Block {
    fn last(&self) -> u64 {
        self.items.last().map_or(0, |i| i.0 + self.shift)
    }
}

const BLOCK: usize = 512;

impl Inserted {
    fn new() -> Self {
        Self {
            blocks: vec![Block {
                shift: 0,
                items: Vec::new(),
            }],
            count: 0,
        }
    }

    /// The block holding the first inserted byte at `at` or later (the last block if none).
    fn block_at(&self, at: u64) -> usize {
        self.blocks
            .partition_point(|b| b.items.is_empty() || b.last() < at)
            .min(self.blocks.len() - 1)
    }

    /// One byte inserted before offset `at`: every inserted byte at `at` or later moves up.
    fn insert(&mut self, at: u64, byte: u8) {
        let bi = self.block_at(at);
        let b = &mut self.blocks[bi];
        let k = b.items.partition_point(|i| i.0 + b.shift < at);
        for i in &mut b.items[k..] {
            i.0 += 1;
        }
        b.items.insert(k, (at - b.shift, byte));
        for later in &mut self.blocks[bi + 1..] {
            later.shift += 1;
        }
        self.count += 1;
        if self.blocks[bi].items.len() > 2 * BLOCK {
            let b = &mut self.blocks[bi];
            let tail = b.items.split_off(BLOCK);
            let shift = b.shift;
            self.blocks.insert(bi + 1, Block { shift, items: tail });
        }
    }

    /// The byte at `at` of the document: an inserted one, or the file's at `at` minus the
    /// inserted bytes before it.
    fn byte_at(&self, at: u64) -> u8 {
        let bi = self.block_at(at);
        let b = &self.blocks[bi];
        let k = b.items.partition_point(|i| i.0 + b.shift < at);
        if let Some(&(o, v)) = b.items.get(k)
            && o + b.shift == at
        {
            return v;
        }
        let before: usize = self.blocks[..bi]
            .iter()
            .map(|b| b.items.len())
            .sum::<usize>()
            + k;
        file_byte(at - before as u64)
    }

    /// Pieces of a document of `len` bytes: the inserted bytes, and the file's runs between.
    fn pieces(&self, len: u64) -> u64 {
        let mut runs = 0;
        let mut next = 0; // the first offset after the previous inserted byte
        for b in &self.blocks {
            for &(o, _) in &b.items {
                let at = o + b.shift;
                if at > next {
                    runs += 1;
                }
                next = at + 1;
            }
        }
        if len > next {
            runs += 1;
        }
        runs + self.count as u64
    }

    /// Offsets of a few inserted bytes (the edges between pieces).
    fn some_offsets(&self, rng: &mut Rng, n: usize) -> Vec<u64> {
        (0..n)
            .map(|_| {
                let b = &self.blocks[rng.below(self.blocks.len() as u64) as usize];
                b.items
                    .get(rng.below(b.items.len() as u64) as usize)
                    .map_or(0, |i| i.0 + b.shift)
            })
            .collect()
    }
}

fn depth_bound(n: u64) -> usize {
    4 * (n.max(2) as f64).log2().ceil() as usize + 10
}

/// Reads of `len` bytes at `at`, from the tree with the file read by `file_byte`.
fn tree_read(t: &Tree, at: u64, len: u64) -> Vec<u8> {
    let mut out = Vec::new();
    t.visit(at..at + len, &mut |_, p, from, to| {
        Tree::piece_bytes(p, from, to, &mut out, &|r, out: &mut Vec<u8>| {
            out.extend(r.map(file_byte));
        });
        true
    });
    out
}

#[test]
fn scattered_inserts_keep_the_tree_shallow() {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let len0: u64 = 1 << 30;
    let mut t = Tree::of(Piece::Base {
        start: 0,
        len: len0,
    });
    let mut model = Inserted::new();
    let mut rng = Rng(1);
    for i in 0..INSERTS {
        let at = rng.below(t.len() + 1);
        let byte = (rng.next() % 255 + 1) as u8;
        let removed = t.splice(at, 0, Tree::of(Piece::bytes(&[byte])));
        assert!(removed.is_empty());
        model.insert(at, byte);
        if i.is_power_of_two() {
            assert!(
                t.depth() <= depth_bound(t.count()),
                "depth {} at {i}",
                t.depth()
            );
        }
    }
    let n = t.count();
    eprintln!("tree: {n} pieces, depth {}", t.depth());
    assert_eq!(t.len(), len0 + INSERTS as u64);
    assert_eq!(n, model.pieces(t.len()));
    assert!(
        t.depth() <= depth_bound(n),
        "depth {} for {n} pieces",
        t.depth()
    );
    for at in model.some_offsets(&mut rng, 500) {
        let s = at.saturating_sub(3);
        let want: Vec<u8> = (s..s + 7).map(|x| model.byte_at(x)).collect();
        assert_eq!(tree_read(&t, s, 7), want, "at {s}");
        let (p, start) = t.find(at).unwrap();
        assert!(matches!(p, Piece::Bytes { len: 1, .. }), "{p:?} at {start}");
    }
    for _ in 0..500 {
        let s = rng.below(t.len() - 64);
        let want: Vec<u8> = (s..s + 64).map(|x| model.byte_at(x)).collect();
        assert_eq!(tree_read(&t, s, 64), want, "at {s}");
    }
    // The first bytes of every MiB of the file, wherever they are now.
    let all = tree_read(&t, 0, 4096);
    let want: Vec<u8> = (0..4096).map(|x| model.byte_at(x)).collect();
    assert_eq!(all, want);
    // The same pieces built in one pass are as many, and balanced too.
    let from_pieces = Tree::from_pieces(t.pieces());
    assert_eq!(from_pieces.count(), n);
    assert!(from_pieces.depth() <= depth_bound(n));
}

fn open(path: &std::path::Path) -> Document {
    Document::open(
        path,
        OpenConfig {
            mode: Mode::CopyOnWrite,
            ..OpenConfig::default()
        },
    )
    .unwrap()
}

#[test]
fn document_of_a_gigabyte_with_scattered_inserts() {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let dir = tempfile::tempdir().unwrap();
    let len0: u64 = 1 << 30;
    let path = sparse_file(dir.path(), len0);
    let mut doc = open(&path);
    let mut model = Inserted::new();
    let mut rng = Rng(2);
    for i in 0..INSERTS {
        let at = rng.below(doc.len() + 1);
        let byte = (rng.next() % 255 + 1) as u8;
        doc.insert(at, &[byte]).unwrap();
        model.insert(at, byte);
        if i % 1000 == 0 {
            let _ = doc.take_changes();
        }
    }
    assert_eq!(doc.len(), len0 + INSERTS as u64);
    assert_eq!(doc.piece_count(), model.pieces(doc.len()));
    assert_eq!(doc.history_len(), (INSERTS, 0));
    eprintln!("document: {} pieces", doc.piece_count());
    let snap = doc.snapshot();
    for at in model.some_offsets(&mut rng, 300) {
        let s = at.saturating_sub(5);
        let want: Vec<u8> = (s..s + 11).map(|x| model.byte_at(x)).collect();
        assert_eq!(&*doc.read(s..s + 11), &want[..], "at {s}");
        assert_eq!(&*snap.read(s..s + 11), &want[..], "snapshot at {s}");
    }
    for _ in 0..300 {
        let s = rng.below(doc.len() - 256);
        let want: Vec<u8> = (s..s + 256).map(|x| model.byte_at(x)).collect();
        assert_eq!(&*doc.read(s..s + 256), &want[..], "at {s}");
    }
    let end = doc.len();
    let want: Vec<u8> = (end - 100..end).map(|x| model.byte_at(x)).collect();
    assert_eq!(&*doc.read(end - 100..end + 50), &want[..], "the end");
    // Undo a thousand of them: the model is the same inserts minus the last thousand.
    for _ in 0..1000 {
        doc.undo().unwrap();
    }
    assert_eq!(doc.len(), len0 + INSERTS as u64 - 1000);
}

fn rss_kib() -> u64 {
    let status = fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn gigabyte_fills_cost_no_memory() {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let dir = tempfile::tempdir().unwrap();
    let len0: u64 = 8 << 30;
    let path = dir.path().join("8g");
    fs::File::create(&path).unwrap().set_len(len0).unwrap();
    let mut doc = open(&path);
    // Warm up the allocator and the code paths on a small edit first.
    doc.insert_fill(0, &[0], 16).unwrap();
    doc.undo().unwrap();
    let _ = doc.take_changes();
    let before = rss_kib();
    doc.insert_fill(123_456_789, &[0], 1 << 30).unwrap();
    doc.fill((2 << 30)..(6 << 30), b"\xde\xad\xbe\xef").unwrap();
    let _ = doc.take_changes();
    let after = rss_kib();
    let grew = after.saturating_sub(before);
    eprintln!(
        "VmRSS {before} KiB -> {after} KiB: +{grew} KiB for a 1 GiB insert_fill and a 4 GiB fill"
    );
    assert!(grew < 4 << 10, "resident memory grew by {grew} KiB");
    assert_eq!(doc.len(), len0 + (1 << 30));
    // The bytes are there all the same (a few reads, not the gigabytes).
    assert_eq!(&*doc.read(123_456_789..123_456_789 + 4), &[0, 0, 0, 0]);
    assert_eq!(
        &*doc.read((2 << 30)..(2 << 30) + 6),
        b"\xde\xad\xbe\xef\xde\xad"
    );
    let end_fill = 6u64 << 30;
    assert_eq!(&*doc.read(end_fill - 2..end_fill + 2), b"\xbe\xef\0\0");
    assert!(doc.piece_count() <= 5, "{} pieces", doc.piece_count());
}
