//! Minimal repros of what `tests/pieces_props.rs` found, one test each; all of them are
//! fixed, and each failed before its fix.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::Path;

use maphex::core::document::{Document, Mode, OpenConfig};
use maphex::core::source::ByteSource;

fn open(path: &Path, mode: Mode) -> Document {
    Document::open(
        path,
        OpenConfig {
            mode,
            ..OpenConfig::default()
        },
    )
    .unwrap()
}

fn file(bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f");
    fs::write(&path, bytes).unwrap();
    (dir, path)
}

/// Write-through `replace_many` right after `begin_group` closed the caller's group: the
/// edits after it became a second undo step.
#[test]
fn write_through_replace_many_stays_in_the_open_group() {
    let (_dir, path) = file(b"abcdef");
    let mut doc = open(&path, Mode::WriteThrough);
    doc.begin_group();
    doc.replace_many([(0..1, &b"x"[..])]).unwrap();
    doc.write(2, b"y").unwrap();
    doc.end_group();
    assert_eq!(doc.history_len(), (1, 0), "one group, one undo step");
    doc.undo().unwrap();
    assert_eq!(&*doc.read(0..6), b"abcdef");
}

/// A cut to nothing followed by new bytes is a cut at the end and an append: it saves in
/// place (it went to the length-changing saver, the stub here: "not written yet"), and only
/// the bytes that differ from the file's there are changed.
#[test]
fn cut_to_nothing_then_append_saves_in_place() {
    let (_dir, path) = file(b"abc");
    let mut doc = open(&path, Mode::CopyOnWrite);
    doc.truncate(0).unwrap();
    doc.write(0, b"aQ").unwrap();
    assert_eq!(doc.changed_in(0..2), vec![1..2]);
    doc.save(false).unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"aQ");
    assert!(!doc.is_dirty());
}

/// Undo and redo of `replace_many` (copy-on-write) were recorded as one splice of the whole
/// document at 0: every stored offset (cursor, marks, matches) goes to the end of the
/// document, and the cursor to 0, instead of following each replacement.
#[test]

fn undo_of_replace_many_maps_offsets_per_replacement() {
    use maphex::core::shift::{Assoc, map_all};
    let (_dir, path) = file(b"0123456789");
    let mut doc = open(&path, Mode::CopyOnWrite);
    doc.replace_many([(2..3, &b"xxx"[..]), (6..7, &b""[..])])
        .unwrap();
    assert_eq!(&*doc.read(0..11), b"01xxx345789");
    let _ = doc.take_changes();
    let at = doc.undo().unwrap();
    let ch = doc.take_changes();
    // '0' at 0 stays at 0; '5' at 7 goes back to 5; '9' at 10 to 9.
    let marks: Vec<u64> = [0, 7, 10]
        .iter()
        .map(|&p| map_all(&ch, p, Assoc::After))
        .collect();
    assert_eq!(marks, vec![0, 5, 9], "changes reported: {ch:?}");
    assert_eq!(at, Some(2), "the cursor goes to the first replacement");
}

/// The same whole-document splice made a `replace_many` step hold every file byte of the
/// document twice (the tree before and after): a save that moves or cuts bytes must then keep
/// all of them in memory, or, past 64 MiB, drops the whole undo history. A `replace` of the
/// same bytes keeps its history.
#[test]

fn replace_many_history_survives_an_append_save() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big");
    let len: u64 = 100 << 20;
    fs::File::create(&path).unwrap().set_len(len).unwrap();
    for many in [false, true] {
        let mut doc = open(&path, Mode::CopyOnWrite);
        let at = doc.len() - 1;
        if many {
            doc.replace_many([(at..at + 1, &b"xy"[..])]).unwrap();
        } else {
            doc.replace(at..at + 1, b"xy").unwrap();
        }
        doc.save(false).unwrap();
        assert_eq!(doc.take_save_note(), None, "replace_many: {many}");
        assert_eq!(doc.history_len(), (1, 0), "replace_many: {many}");
    }
}

/// Reloading (`discard`) the very file that is open opened it again and tried to take its
/// lock, which the open handle holds: the lock's retries (50 ms) ran out every time, and the
/// old handle was kept anyway.
#[test]
fn discard_does_not_wait_for_its_own_lock() {
    let (_dir, path) = file(b"abc");
    let mut doc = open(&path, Mode::CopyOnWrite);
    doc.write(0, b"x").unwrap();
    doc.discard().unwrap();
    assert_eq!(&*doc.read(0..3), b"abc");
    assert_eq!(doc.mode(), Mode::CopyOnWrite);
    // Still locked: another writer falls back to read-only.
    let other = open(&path, Mode::CopyOnWrite);
    assert_eq!(other.mode(), Mode::ReadOnly);
}

/// A snapshot (a background search's) that outlives its document kept the document's
/// advisory lock: the mapping held the open file description, and with it the `flock`, so
/// opening the file again for editing fell back to read-only. The mapping now has a
/// description of its own.
#[test]
fn a_snapshot_does_not_keep_the_lock() {
    let (_dir, path) = file(b"abc");
    let doc = open(&path, Mode::CopyOnWrite);
    let snap = doc.snapshot();
    drop(doc);
    let again = open(&path, Mode::CopyOnWrite);
    assert_eq!(again.mode(), Mode::CopyOnWrite, "{:?}", again.notes());
    drop(snap);
}

/// Same-length edits made as splices (`fill`, `replace` and `replace_many` keeping the length)
/// of the file's own bytes leave fill and byte pieces where the file's were: the document is
/// no longer the file in place, so the save goes through the length-changing saver, which
/// writes only those bytes in place (its journal makes it crash-safe).
#[test]
fn same_length_fill_saves_in_place() {
    for how in ["fill", "replace", "replace_many"] {
        let (_dir, path) = file(b"abcdef");
        let mut doc = open(&path, Mode::CopyOnWrite);
        match how {
            "fill" => doc.fill(2..4, b"x").unwrap(),
            "replace" => doc.replace(2..4, b"xx").unwrap(),
            _ => drop(doc.replace_many([(2..4, &b"xx"[..])]).unwrap()),
        }
        doc.save(false).unwrap_or_else(|e| panic!("{how}: {e}"));
        assert_eq!(fs::read(&path).unwrap(), b"abxxef", "{how}");
    }
}
