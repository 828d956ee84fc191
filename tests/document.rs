//! The edit model end to end, on real files in a temporary folder: the three modes, their
//! refusals, appends, saves (in place, forced, and to another path), discard, snapshots,
//! change tracking, and the odd things a path can name (directory, FIFO, `/proc` file).
//!
//! Tests named `bug_…` pin a known defect: they fail until it is fixed.
#![allow(clippy::unwrap_used)]

mod support;
use support::open;

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{FileExt, MetadataExt};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use maphex::core::document::{
    DiscardError, DiskChange, Document, EditError, Mode, OpenConfig, OpenError, SaveError,
    SourceKind,
};
use maphex::core::source::ByteSource;
use tempfile::TempDir;

const FIRST_LINE: &str = "Lorem ipsum dolor sit amet, consectetuer adipiscing elit. Donec";
const EDITED_LINE: &str = "Lorem ipsum dolor sit amet, reutetcesnoc adipiscing elit. Donec";

fn lorem_asset() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/lorem.txt")
}

/// A temporary folder holding a copy of `assets/lorem.txt`.
fn lorem_copy() -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lorem.txt");
    fs::copy(lorem_asset(), &path).unwrap();
    (dir, path)
}

/// A temporary folder holding a file with `bytes`.
fn file_with(bytes: &[u8]) -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.bin");
    fs::write(&path, bytes).unwrap();
    (dir, path)
}

fn all(doc: &Document) -> Vec<u8> {
    doc.read(0..doc.len()).into_owned()
}

fn first_line(bytes: &[u8]) -> String {
    let end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(bytes.len());
    String::from_utf8(bytes[..end].to_vec()).unwrap()
}

/// Offset of the first `consectetuer` in the text.
fn word_offset(bytes: &[u8]) -> u64 {
    bytes
        .windows(12)
        .position(|w| w == b"consectetuer")
        .unwrap() as u64
}

/// Another program writes `bytes` at `offset` and moves the mtime well away from the one the
/// document saw, so the change is visible even on filesystems with coarse timestamps.
fn foreign_write(path: &Path, offset: u64, bytes: &[u8]) {
    let f = OpenOptions::new().write(true).open(path).unwrap();
    f.write_all_at(bytes, offset).unwrap();
    f.set_modified(SystemTime::now() + Duration::from_secs(10))
        .unwrap();
    f.sync_all().unwrap();
}

// ------------------------------------------------------------------ PyMOTW's writing examples

#[test]
fn pymotw_write_through_edit_changes_the_file() {
    let (_dir, path) = lorem_copy();
    let mut doc = open(&path, Mode::WriteThrough);
    assert_eq!(doc.mode(), Mode::WriteThrough);
    let at = word_offset(&all(&doc));
    doc.write(at, b"reutetcesnoc").unwrap();
    // Visible to another reader at once, before any save.
    let on_disk = fs::read(&path).unwrap();
    assert_eq!(first_line(&on_disk), EDITED_LINE);
    assert_eq!(first_line(&all(&doc)), EDITED_LINE);
    // `e` and the second `e` stay the same: 10 bytes in 3 runs changed.
    let report = doc.save(false).unwrap();
    assert_eq!((report.bytes_written, report.ranges), (10, 3));
    assert!(!doc.is_dirty());
    assert_eq!(first_line(&fs::read(&path).unwrap()), EDITED_LINE);
}

#[test]
fn pymotw_copy_on_write_edit_leaves_the_file_until_discarded() {
    let (_dir, path) = lorem_copy();
    let original = fs::read(&path).unwrap();
    let mut doc = open(&path, Mode::CopyOnWrite);
    assert_eq!(doc.mode(), Mode::CopyOnWrite);
    let at = word_offset(&original);
    doc.write(at, b"reutetcesnoc").unwrap();
    assert_eq!(first_line(&all(&doc)), EDITED_LINE);
    assert_eq!(first_line(&fs::read(&path).unwrap()), FIRST_LINE);
    assert_eq!(fs::read(&path).unwrap(), original);
    assert!(doc.is_dirty());
    doc.discard().unwrap();
    assert_eq!(first_line(&all(&doc)), FIRST_LINE);
    assert_eq!(all(&doc), original);
    assert!(!doc.is_dirty());
    assert_eq!(doc.history_len(), (0, 0));
    assert_eq!(fs::read(&path).unwrap(), original);
}

#[test]
fn copy_on_write_save_writes_only_the_change_and_stays_open() {
    let (_dir, path) = lorem_copy();
    let mut doc = open(&path, Mode::CopyOnWrite);
    let at = word_offset(&all(&doc));
    doc.write(at, b"reutetcesnoc").unwrap();
    // consectetuer / reutetcesnoc: the two `e`s at 4 and 7 stay, so 10 bytes in 3 runs.
    let report = doc.save(false).unwrap();
    assert_eq!(report.bytes_written, 10);
    assert_eq!(report.ranges, 3);
    assert!(!doc.is_dirty());
    assert_eq!(first_line(&fs::read(&path).unwrap()), EDITED_LINE);
    // Still open and editable; a second save writes only the new change.
    doc.write(0, b"l").unwrap();
    assert_eq!(doc.save(false).unwrap().bytes_written, 1);
    assert_eq!(&fs::read(&path).unwrap()[..6], b"lorem ");
    assert_eq!(all(&doc), fs::read(&path).unwrap());
}

#[test]
fn write_through_discard_is_refused_and_undo_writes_back() {
    let (_dir, path) = lorem_copy();
    let original = fs::read(&path).unwrap();
    let mut doc = open(&path, Mode::WriteThrough);
    doc.write(0, b"LOREM").unwrap();
    assert!(matches!(doc.discard(), Err(DiscardError::WriteThrough)));
    assert_eq!(&fs::read(&path).unwrap()[..5], b"LOREM");
    assert_eq!(doc.undo().unwrap(), Some(0));
    assert_eq!(fs::read(&path).unwrap(), original);
    assert!(!doc.is_dirty());
}

// ------------------------------------------------------------------ refusals

#[test]
fn read_only_refuses_every_edit_and_save_but_save_as_works() {
    let (dir, path) = lorem_copy();
    let original = fs::read(&path).unwrap();
    let mut doc = open(&path, Mode::ReadOnly);
    assert_eq!(doc.mode(), Mode::ReadOnly);
    assert_eq!(doc.write(0, b"X"), Err(EditError::ReadOnly));
    assert_eq!(
        doc.write(doc.len(), b"X"),
        Err(EditError::ReadOnly),
        "append refused too"
    );
    assert_eq!(doc.write(0, b""), Err(EditError::ReadOnly));
    assert_eq!(doc.undo(), Err(EditError::ReadOnly));
    assert_eq!(doc.redo(), Err(EditError::ReadOnly));
    doc.begin_group();
    assert_eq!(doc.write(3, b"abc"), Err(EditError::ReadOnly));
    doc.end_group();
    assert!(matches!(doc.save(false), Err(SaveError::ReadOnly)));
    assert!(matches!(doc.save(true), Err(SaveError::ReadOnly)));
    assert_eq!(all(&doc), original);
    assert_eq!(doc.history_len(), (0, 0));
    assert_eq!(doc.history_bytes(), 0);
    assert!(doc.changed_in(0..doc.len()).is_empty());
    assert_eq!(fs::read(&path).unwrap(), original);

    let copy = dir.path().join("copy.txt");
    let report = doc.save_as(&copy).unwrap();
    assert_eq!(report.bytes_written, original.len() as u64);
    assert_eq!(fs::read(&copy).unwrap(), original);
}

#[test]
fn write_past_the_end_is_refused_and_changes_nothing() {
    for mode in [Mode::CopyOnWrite, Mode::WriteThrough] {
        let (_dir, path) = file_with(b"hello");
        let mut doc = open(&path, mode);
        assert_eq!(
            doc.write(6, b"x"),
            Err(EditError::PastEnd { offset: 6, len: 5 }),
            "{mode:?}"
        );
        assert_eq!(
            doc.write(u64::MAX, b"x"),
            Err(EditError::PastEnd {
                offset: u64::MAX,
                len: 5
            }),
            "{mode:?}"
        );
        assert_eq!(
            doc.write(6, b""),
            Err(EditError::PastEnd { offset: 6, len: 5 }),
            "{mode:?}"
        );
        assert_eq!(doc.len(), 5);
        assert_eq!(all(&doc), b"hello");
        assert!(!doc.is_dirty(), "{mode:?}");
        assert_eq!(doc.history_len(), (0, 0), "{mode:?}");
        assert_eq!(doc.undo().unwrap(), None, "{mode:?}");
        assert_eq!(fs::read(&path).unwrap(), b"hello", "{mode:?}");
    }
}

#[test]
fn save_refuses_when_another_writer_changed_the_file_then_force_overrides() {
    let (_dir, path) = lorem_copy();
    let mut doc = open(&path, Mode::CopyOnWrite);
    let at = word_offset(&all(&doc));
    doc.write(at, b"reutetcesnoc").unwrap();
    foreign_write(&path, 0, b"LOREM");
    let theirs = fs::read(&path).unwrap();
    assert_eq!(doc.disk_change(), Some(DiskChange::Modified));
    match doc.save(false) {
        Err(SaveError::ChangedOnDisk(DiskChange::Modified)) => {}
        other => panic!("expected ChangedOnDisk(Modified), got {other:?}"),
    }
    assert_eq!(
        fs::read(&path).unwrap(),
        theirs,
        "a refused save writes nothing"
    );
    assert!(doc.is_dirty(), "a refused save keeps the edits");
    assert_eq!(first_line(&all(&doc)), EDITED_LINE);

    doc.save(true).unwrap();
    assert!(!doc.is_dirty());
    assert_eq!(doc.disk_change(), None);
    let now = fs::read(&path).unwrap();
    assert_eq!(&now[at as usize..at as usize + 12], b"reutetcesnoc");
}

#[test]
fn save_refuses_when_another_writer_grew_the_file() {
    let (_dir, path) = file_with(b"0123456789");
    let mut doc = open(&path, Mode::CopyOnWrite);
    doc.write(0, b"A").unwrap();
    let mut f = OpenOptions::new().append(true).open(&path).unwrap();
    f.write_all(b"more").unwrap();
    drop(f);
    match doc.save(false) {
        Err(SaveError::ChangedOnDisk(DiskChange::Resized { from: 10, to: 14 })) => {}
        other => panic!("expected ChangedOnDisk(Resized 10 -> 14), got {other:?}"),
    }
    assert_eq!(fs::read(&path).unwrap(), b"0123456789more");
    doc.save(true).unwrap();
    assert_eq!(
        fs::read(&path).unwrap(),
        b"A123456789",
        "a forced save writes the document"
    );
    assert_eq!(all(&doc), b"A123456789");
    assert!(!doc.is_dirty());
}

#[test]
fn save_refuses_when_the_file_was_replaced_or_removed() {
    let (dir, path) = file_with(b"abcdef");
    let mut doc = open(&path, Mode::CopyOnWrite);
    doc.write(1, b"B").unwrap();
    let other = dir.path().join("other");
    fs::write(&other, b"ABCDEF").unwrap();
    fs::rename(&other, &path).unwrap();
    assert_eq!(doc.disk_change(), Some(DiskChange::Replaced));
    assert!(matches!(
        doc.save(false),
        Err(SaveError::Detached(DiskChange::Replaced))
    ));
    assert!(matches!(
        doc.save(true),
        Err(SaveError::Detached(DiskChange::Replaced))
    ));
    assert_eq!(fs::read(&path).unwrap(), b"ABCDEF");
    fs::remove_file(&path).unwrap();
    assert_eq!(doc.disk_change(), Some(DiskChange::Removed));
    assert!(matches!(
        doc.save(false),
        Err(SaveError::Detached(DiskChange::Removed))
    ));
    assert_eq!(all(&doc), b"aBcdef");
}

/// `save(true)` is documented as ":w! overwrites anyway". The copy-on-write save writes only
/// the overlay's runs, while the document shows the private mapping's page, which was copied
/// before the other writer changed it. So after a forced save the file holds the other
/// writer's bytes outside our runs, but the document (now "clean") still shows the old ones.
#[test]
fn bug_forced_save_leaves_file_different_from_clean_document() {
    let (_dir, path) = lorem_copy();
    let mut doc = open(&path, Mode::CopyOnWrite);
    let at = word_offset(&all(&doc));
    doc.write(at, b"reutetcesnoc").unwrap();
    foreign_write(&path, 0, b"LOREM");
    doc.save(true).unwrap();
    assert!(!doc.is_dirty());
    assert_eq!(
        first_line(&fs::read(&path).unwrap()),
        first_line(&all(&doc)),
        "after a forced save the clean document must show what is on disk"
    );
}

// ------------------------------------------------------------------ appends

#[test]
fn copy_on_write_append_grows_the_file_on_save() {
    let (_dir, path) = file_with(b"abc");
    let mut doc = open(&path, Mode::CopyOnWrite);
    doc.write(3, b"de").unwrap();
    doc.write(5, b"f").unwrap();
    assert_eq!(doc.len(), 6);
    assert_eq!(all(&doc), b"abcdef");
    assert_eq!(
        &*doc.read(2..5),
        b"cde",
        "a read across the end of the file and the tail"
    );
    assert_eq!(
        fs::read(&path).unwrap(),
        b"abc",
        "the file is untouched until save"
    );
    assert_eq!(doc.changed_in(0..100), vec![3..6]);
    let report = doc.save(false).unwrap();
    assert_eq!(report.bytes_written, 3);
    assert_eq!(fs::read(&path).unwrap(), b"abcdef");
    assert!(!doc.is_dirty());
    assert!(doc.changed_in(0..6).is_empty());
    // And again after the save (the document remapped at the new length).
    doc.write(6, b"g").unwrap();
    doc.write(0, b"A").unwrap();
    assert_eq!(all(&doc), b"Abcdefg");
    doc.save(false).unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"Abcdefg");
}

#[test]
fn copy_on_write_append_to_an_empty_file() {
    let (_dir, path) = file_with(b"");
    let mut doc = open(&path, Mode::CopyOnWrite);
    assert_eq!(doc.mode(), Mode::CopyOnWrite);
    assert_eq!(doc.kind(), SourceKind::File);
    assert!(doc.is_empty());
    assert_eq!(
        doc.write(1, b"x"),
        Err(EditError::PastEnd { offset: 1, len: 0 })
    );
    doc.write(0, b"hi").unwrap();
    doc.write(2, b"!").unwrap();
    assert_eq!(all(&doc), b"hi!");
    assert_eq!(doc.snapshot().read(0..3).into_owned(), b"hi!");
    assert!(fs::read(&path).unwrap().is_empty());
    assert_eq!(doc.save(false).unwrap().bytes_written, 3);
    assert_eq!(fs::read(&path).unwrap(), b"hi!");
    doc.write(0, b"H").unwrap();
    doc.save(false).unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"Hi!");
    assert_eq!(all(&doc), b"Hi!");
}

#[test]
fn write_through_append_grows_the_file_at_once() {
    let (_dir, path) = file_with(b"abc");
    let mut doc = open(&path, Mode::WriteThrough);
    doc.write(3, b"de").unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"abcde");
    assert_eq!(all(&doc), b"abcde");
    assert_eq!(doc.changed_in(0..10), vec![3..5]);
    assert_eq!(doc.undo().unwrap(), Some(3));
    assert_eq!(
        fs::read(&path).unwrap(),
        b"abc",
        "undo shrinks the file back"
    );
    assert!(!doc.is_dirty());
    assert_eq!(doc.redo().unwrap(), Some(3));
    assert_eq!(fs::read(&path).unwrap(), b"abcde");
}

#[test]
fn write_through_append_to_an_empty_file() {
    let (_dir, path) = file_with(b"");
    let mut doc = open(&path, Mode::WriteThrough);
    assert_eq!(doc.mode(), Mode::WriteThrough);
    doc.write(0, b"hi").unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"hi");
    doc.write(2, b"!").unwrap();
    doc.write(0, b"H").unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"Hi!");
    assert_eq!(all(&doc), b"Hi!");
    assert_eq!(doc.snapshot().read(0..3).into_owned(), b"Hi!");
}

/// In write-through mode an append resizes the file at once, but the stamp taken at open is
/// not updated, so the document's own append looks like another writer's change: `disk_change`
/// reports `Resized` and `save(false)` refuses with `ChangedOnDisk`.
#[test]
fn bug_write_through_save_after_append_reports_changed_on_disk() {
    let (_dir, path) = file_with(b"abc");
    let mut doc = open(&path, Mode::WriteThrough);
    doc.write(3, b"de").unwrap();
    assert_eq!(
        doc.disk_change(),
        None,
        "our own append is not someone else's change"
    );
    let report = doc.save(false).unwrap();
    assert_eq!(report.bytes_written, 2);
    assert!(!doc.is_dirty());
    assert_eq!(fs::read(&path).unwrap(), b"abcde");
}

/// Same root cause as above, from an empty file.
#[test]
fn bug_write_through_save_after_append_to_empty_file_reports_changed_on_disk() {
    let (_dir, path) = file_with(b"");
    let mut doc = open(&path, Mode::WriteThrough);
    doc.write(0, b"hi").unwrap();
    doc.save(false).unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"hi");
}

/// Copy-on-write, after a save that grew the file: undoing the append shrinks the document
/// below `base_len`, and `Overlay::truncate` forgets the changed bytes past the new end while
/// the private view keeps the undo's zero. Writing that byte again is then taken as "equal to
/// disk" (the view is read as the disk's bytes), so nothing is recorded: the document shows
/// `\0`, `is_dirty()` is false, the snapshot shows `d`, and save leaves `d` on disk.
#[test]
fn bug_copy_on_write_rewrite_after_undoing_saved_append_is_lost() {
    let (_dir, path) = file_with(b"abc");
    let mut doc = open(&path, Mode::CopyOnWrite);
    doc.write(3, b"d").unwrap();
    doc.save(false).unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"abcd");
    doc.undo().unwrap();
    assert_eq!(all(&doc), b"abc");
    doc.write(3, &[0]).unwrap();
    assert_eq!(all(&doc), b"abc\0");
    assert_eq!(
        doc.snapshot().read(0..4).into_owned(),
        b"abc\0",
        "snapshot agrees"
    );
    assert!(doc.is_dirty(), "the document differs from the file");
    doc.save(false).unwrap();
    assert_eq!(
        fs::read(&path).unwrap(),
        b"abc\0",
        "save writes what the document shows"
    );
}

/// Same root cause: undo then redo of a saved append comes back to the saved bytes, but the
/// overlay records the redone byte against the view's stale zero, so it looks changed.
#[test]
fn bug_copy_on_write_redo_of_saved_append_looks_dirty() {
    let (_dir, path) = file_with(b"abc");
    let mut doc = open(&path, Mode::CopyOnWrite);
    doc.write(3, b"d").unwrap();
    doc.save(false).unwrap();
    doc.undo().unwrap();
    assert!(doc.is_dirty());
    doc.redo().unwrap();
    assert_eq!(all(&doc), b"abcd");
    assert!(!doc.is_dirty(), "back at the saved bytes");
    assert!(doc.changed_in(0..4).is_empty());
}

/// `Document::read` (document.rs, `let in_view = &view[idx(start)..idx(split)]`) computes
/// `split = end.min(view_len).max(start)`, so a range that starts inside the appended tail
/// (`start > view_len`) slices the view past its end and panics. `write` reads the old bytes
/// first, so a second append (or any overwrite inside the tail) panics too.
#[test]
fn bug_read_of_range_wholly_in_appended_tail_panics() {
    let (_dir, path) = file_with(b"abc");
    let mut doc = open(&path, Mode::CopyOnWrite);
    doc.write(3, b"de").unwrap();
    assert_eq!(&*doc.read(4..5), b"e");
    doc.write(5, b"f").unwrap();
    doc.write(4, b"E").unwrap();
    assert_eq!(all(&doc), b"abcdEf");
}

/// `Snapshot::read` has the same slicing bug: `split = end.min(self.base_len).max(start)`
/// then `disk[start..split]` with `start > base_len`.
#[test]
fn bug_snapshot_read_of_range_wholly_in_appended_tail_panics() {
    let (_dir, path) = file_with(b"abc");
    let mut doc = open(&path, Mode::CopyOnWrite);
    doc.write(3, b"de").unwrap();
    assert_eq!(&*doc.snapshot().read(4..5), b"e");
}

/// Write-through, same root cause: undoing a saved append truncates the file and
/// `Overlay::truncate` forgets the saved bytes past the new end. Writing there again regrows
/// the file zero-filled and `put` takes those zeros as the saved originals, so a byte that now
/// differs from the last save is neither in `changed_in` nor makes the document dirty.
#[test]
fn bug_write_through_rewrite_after_undoing_saved_append_looks_clean() {
    let (_dir, path) = file_with(b"abc");
    let mut doc = open(&path, Mode::WriteThrough);
    doc.write(3, b"d").unwrap();
    // Forced: see bug_write_through_save_after_append_reports_changed_on_disk.
    doc.save(true).unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"abcd");
    doc.undo().unwrap();
    doc.write(3, &[0]).unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"abc\0");
    assert_eq!(
        doc.changed_in(0..4),
        vec![3..4],
        "byte 3 differs from the last save"
    );
    assert!(doc.is_dirty());
}

// ------------------------------------------------------------------ huge sparse file

#[test]
fn one_byte_edit_to_an_8_gib_sparse_file_writes_one_byte() {
    const SIZE: u64 = 8 << 30;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sparse.bin");
    File::create(&path).unwrap().set_len(SIZE).unwrap();
    let blocks_before = fs::metadata(&path).unwrap().blocks();
    let mut doc = open(&path, Mode::CopyOnWrite);
    assert_eq!(doc.len(), SIZE);
    let at = SIZE / 2 + 12345;
    doc.write(at, b"Z").unwrap();
    assert_eq!(&*doc.read(at - 1..at + 2), b"\0Z\0");
    assert!(
        doc.history_bytes() <= 16,
        "history grows with the edit, not the file"
    );
    assert_eq!(doc.changed_in(0..SIZE), vec![at..at + 1]);
    let report = doc.save(false).unwrap();
    assert_eq!(report.bytes_written, 1);
    assert_eq!(report.ranges, 1);
    let meta = fs::metadata(&path).unwrap();
    assert_eq!(meta.len(), SIZE);
    // 512-byte units; one written page is 8, allow a few filesystem blocks of slack.
    assert!(
        meta.blocks() <= blocks_before + 256,
        "file was filled in: {} blocks before, {} after",
        blocks_before,
        meta.blocks()
    );
    let mut b = [0u8; 1];
    File::open(&path)
        .unwrap()
        .read_exact_at(&mut b, at)
        .unwrap();
    assert_eq!(&b, b"Z");
    assert!(!doc.is_dirty());
}

#[test]
fn one_byte_write_through_edit_to_an_8_gib_sparse_file() {
    const SIZE: u64 = 8 << 30;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sparse.bin");
    File::create(&path).unwrap().set_len(SIZE).unwrap();
    let mut doc = open(&path, Mode::WriteThrough);
    doc.write(SIZE - 1, b"Z").unwrap();
    let report = doc.save(false).unwrap();
    assert_eq!(report.bytes_written, 1);
    assert!(fs::metadata(&path).unwrap().blocks() <= 256);
    let mut b = [0u8; 1];
    File::open(&path)
        .unwrap()
        .read_exact_at(&mut b, SIZE - 1)
        .unwrap();
    assert_eq!(&b, b"Z");
}

// ------------------------------------------------------------------ save_as

#[test]
fn save_as_writes_a_full_copy_and_leaves_the_document_dirty_and_attached() {
    let (dir, path) = lorem_copy();
    let original = fs::read(&path).unwrap();
    let mut doc = open(&path, Mode::CopyOnWrite);
    doc.write(0, b"L0R3M").unwrap();
    let end = doc.len();
    doc.write(end, b"\ntail").unwrap();
    let expected = all(&doc);
    let copy = dir.path().join("copy.txt");
    fs::write(&copy, b"old contents to be replaced").unwrap();
    let report = doc.save_as(&copy).unwrap();
    assert_eq!(report.bytes_written, expected.len() as u64);
    assert_eq!(fs::read(&copy).unwrap(), expected);
    assert_eq!(
        fs::read(&path).unwrap(),
        original,
        "the original is untouched"
    );
    assert!(doc.is_dirty());
    assert_eq!(doc.path(), path.as_path());
    // No temporary file left behind.
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    // The document still saves to its own path.
    doc.save(false).unwrap();
    assert_eq!(fs::read(&path).unwrap(), expected);
}

// ------------------------------------------------------------------ snapshots

#[test]
fn snapshot_reads_equal_document_reads() {
    for mode in [Mode::CopyOnWrite, Mode::WriteThrough] {
        let (_dir, path) = lorem_copy();
        let mut doc = open(&path, mode);
        doc.write(5, b"#####").unwrap();
        doc.write(100, b"%").unwrap();
        let end = doc.len();
        doc.write(end - 2, b"appended tail").unwrap();
        let snap = doc.snapshot();
        assert_eq!(snap.len(), doc.len(), "{mode:?}");
        let len = doc.len();
        for (s, e) in [
            (0, len),
            (0, 10),
            (4, 11),
            (99, 101),
            (end - 5, len),
            (end + 3, len + 50),
            (len, len + 1),
        ] {
            assert_eq!(snap.read(s..e), doc.read(s..e), "{mode:?} {s}..{e}");
        }
    }
}

#[test]
fn snapshot_taken_before_an_edit_keeps_the_old_bytes() {
    let (_dir, path) = file_with(b"0123456789");
    let mut doc = open(&path, Mode::CopyOnWrite);
    let before = doc.snapshot();
    doc.write(2, b"ab").unwrap();
    let middle = doc.snapshot();
    doc.write(10, b"XYZ").unwrap();
    doc.write(9, b"!").unwrap();
    let after = doc.snapshot();
    doc.undo().unwrap();
    doc.discard().unwrap();
    assert_eq!(before.read(0..99).into_owned(), b"0123456789");
    assert_eq!(middle.read(0..99).into_owned(), b"01ab456789");
    assert_eq!(after.read(0..99).into_owned(), b"01ab45678!XYZ");
    let worker = std::thread::spawn(move || after.read(0..99).into_owned());
    assert_eq!(worker.join().unwrap(), b"01ab45678!XYZ");
}

/// A snapshot keeps the unsaved edits it was taken with, but its file part is the live shared
/// mapping (documented on `Snapshot`): in write-through mode a later edit is in the file, so
/// the snapshot shows it. The search worker copes: every edit triggers a re-search.
#[test]
fn write_through_snapshot_is_live_over_the_file() {
    let (_dir, path) = file_with(b"0123456789");
    let mut doc = open(&path, Mode::WriteThrough);
    let before = doc.snapshot();
    doc.write(2, b"ab").unwrap();
    assert_eq!(before.read(0..10).into_owned(), b"01ab456789");
}

/// Same for copy-on-write across a save: the save writes the file the snapshot maps.
#[test]
fn copy_on_write_snapshot_shows_later_saves() {
    let (_dir, path) = file_with(b"0123456789");
    let mut doc = open(&path, Mode::CopyOnWrite);
    let before = doc.snapshot();
    doc.write(2, b"ab").unwrap();
    assert_eq!(
        before.read(0..10).into_owned(),
        b"0123456789",
        "unsaved edits are not live"
    );
    doc.save(false).unwrap();
    assert_eq!(before.read(0..10).into_owned(), b"01ab456789");
}

/// Runs this test binary again with only `test` selected and `MAPHEX_CHILD` set, and returns
/// how it ended; used for tests whose failure mode may be a signal (SIGBUS) that would
/// otherwise kill the whole test run.
fn run_child(test: &str) -> std::process::Output {
    Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--test-threads=1", "--nocapture"])
        .env("MAPHEX_CHILD", test)
        .output()
        .unwrap()
}

fn is_child(test: &str) -> bool {
    std::env::var_os("MAPHEX_CHILD").is_some_and(|v| v == test)
}

fn assert_child_ok(test: &str) {
    let out = run_child(test);
    assert!(
        out.status.success(),
        "the snapshot reader failed (signal {:?}, code {:?}); stderr:\n{}",
        out.status.signal(),
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A 4097-byte file: two pages. The document itself shrinks it to 4096 bytes while a
/// snapshot (the search worker's) still maps two pages, so touching the second page faults:
/// without the SIGBUS guard the reader would die; with it the page reads as zeros and the
/// snapshot says it is stale (`faulted`).
/// Write-through: the undo of an append truncates the file under the snapshot's `DiskMap`.
#[test]
fn write_through_undo_of_append_under_a_snapshot_is_survived() {
    const NAME: &str = "write_through_undo_of_append_under_a_snapshot_is_survived";
    if !is_child(NAME) {
        return assert_child_ok(NAME);
    }
    let (_dir, path) = file_with(&[b'a'; 4096]);
    let mut doc = open(&path, Mode::WriteThrough);
    doc.write(4096, b"b").unwrap();
    let snap = doc.snapshot();
    doc.undo().unwrap();
    assert_eq!(fs::metadata(&path).unwrap().len(), 4096);
    let got = snap.read(4090..4097).into_owned();
    assert_eq!(got, b"aaaaaa\0", "the page past the end reads as zeros");
    assert!(snap.faulted(), "the snapshot must say its view went stale");
}

/// Copy-on-write: a save that shrinks the file (undo of a saved append) truncates it under a
/// snapshot taken before; same as above.
#[test]
fn copy_on_write_shrinking_save_under_a_snapshot_is_survived() {
    const NAME: &str = "copy_on_write_shrinking_save_under_a_snapshot_is_survived";
    if !is_child(NAME) {
        return assert_child_ok(NAME);
    }
    let (_dir, path) = file_with(&[b'a'; 4096]);
    let mut doc = open(&path, Mode::CopyOnWrite);
    doc.write(4096, b"b").unwrap();
    doc.save(false).unwrap();
    let snap = doc.snapshot();
    doc.undo().unwrap();
    doc.save(false).unwrap();
    assert_eq!(fs::metadata(&path).unwrap().len(), 4096);
    let got = snap.read(4090..4097).into_owned();
    assert_eq!(got, b"aaaaaa\0", "the page past the end reads as zeros");
    assert!(snap.faulted(), "the snapshot must say its view went stale");
}

// ------------------------------------------------------------------ changes and undo

#[test]
fn changed_in_reports_edits_and_appended_ranges() {
    for mode in [Mode::CopyOnWrite, Mode::WriteThrough] {
        let (_dir, path) = file_with(b"abcdefghij");
        let mut doc = open(&path, mode);
        assert!(doc.changed_in(0..10).is_empty());
        doc.write(2, b"XY").unwrap();
        doc.write(6, b"g").unwrap(); // same as on disk: not a change
        doc.write(7, b"H").unwrap();
        doc.write(10, b"++").unwrap();
        assert_eq!(doc.changed_in(0..12), vec![2..4, 7..8, 10..12], "{mode:?}");
        assert_eq!(doc.changed_in(3..11), vec![3..4, 7..8, 10..11], "{mode:?}");
        assert_eq!(
            doc.changed_in(4..7),
            Vec::<std::ops::Range<u64>>::new(),
            "{mode:?}"
        );
        assert_eq!(doc.changed_in(11..100), vec![11..12], "{mode:?}");
        assert_eq!(doc.changed_bytes(), 5, "{mode:?}");
    }
}

#[test]
fn undoing_back_to_the_disk_state_makes_the_document_clean() {
    for mode in [Mode::CopyOnWrite, Mode::WriteThrough] {
        let (_dir, path) = file_with(b"abcdefghij");
        let mut doc = open(&path, mode);
        doc.write(1, b"X").unwrap();
        doc.begin_group();
        doc.write(5, b"YY").unwrap();
        doc.write(10, b"ZZ").unwrap();
        doc.write(0, b"W").unwrap();
        doc.end_group();
        doc.write(11, b"!").unwrap();
        assert_eq!(all(&doc), b"WXcdeYYhijZ!", "{mode:?}");
        assert!(doc.is_dirty());
        assert_eq!(doc.undo().unwrap(), Some(11), "{mode:?}");
        assert_eq!(
            doc.undo().unwrap(),
            Some(0),
            "the group is one step at its lowest offset"
        );
        assert_eq!(all(&doc), b"aXcdefghij", "{mode:?}");
        assert_eq!(doc.undo().unwrap(), Some(1), "{mode:?}");
        assert_eq!(doc.undo().unwrap(), None, "{mode:?}");
        assert_eq!(all(&doc), b"abcdefghij", "{mode:?}");
        assert!(!doc.is_dirty(), "{mode:?}");
        assert!(doc.changed_in(0..doc.len()).is_empty(), "{mode:?}");
        assert_eq!(doc.changed_bytes(), 0, "{mode:?}");
        assert_eq!(fs::read(&path).unwrap(), b"abcdefghij", "{mode:?}");
        // Redo everything.
        assert_eq!(doc.redo().unwrap(), Some(1));
        assert_eq!(doc.redo().unwrap(), Some(0));
        assert_eq!(doc.redo().unwrap(), Some(11));
        assert_eq!(doc.redo().unwrap(), None);
        assert_eq!(all(&doc), b"WXcdeYYhijZ!", "{mode:?}");
    }
}

#[test]
fn history_memory_follows_the_bytes_changed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.bin");
    File::create(&path).unwrap().set_len(64 << 20).unwrap();
    let mut doc = open(&path, Mode::CopyOnWrite);
    assert_eq!(doc.history_bytes(), 0);
    for i in 0..100u64 {
        doc.write(i * 65_536, b"abcd").unwrap();
    }
    let bytes = doc.history_bytes();
    assert!(
        (400..=800).contains(&bytes),
        "history holds {bytes} bytes for 400 changed"
    );
    doc.discard().unwrap();
    assert_eq!(doc.history_bytes(), 0);
}

#[test]
fn empty_group_is_not_an_undo_step() {
    let (_dir, path) = file_with(b"abc");
    let mut doc = open(&path, Mode::CopyOnWrite);
    doc.write(0, b"A").unwrap();
    doc.begin_group();
    doc.end_group();
    assert_eq!(doc.history_len(), (1, 0));
    assert_eq!(doc.undo().unwrap(), Some(0));
    assert_eq!(all(&doc), b"abc");
}

// ------------------------------------------------------------------ odd paths

#[test]
fn opening_a_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = Document::open(dir.path(), OpenConfig::default()).unwrap_err();
    assert!(matches!(err, OpenError::IsDirectory { .. }), "{err:?}");
    assert!(err.to_string().contains("directory"), "{err}");
}

#[test]
fn opening_a_missing_path_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let err = Document::open(&missing, OpenConfig::default()).unwrap_err();
    assert!(
        matches!(err, OpenError::NotFound { ref path } if *path == missing),
        "{err:?}"
    );
    assert!(err.to_string().contains("nope"), "{err}");
}

#[test]
fn fifo_without_a_writer_opens_as_an_empty_read_only_document() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    // Open on another thread so a regression that blocks fails the test instead of hanging it.
    let (tx, rx) = std::sync::mpsc::channel();
    let p = fifo.clone();
    std::thread::spawn(move || {
        let r = Document::open(&p, OpenConfig::default()).map(|mut d| {
            (
                d.len(),
                d.mode(),
                d.kind(),
                d.notes().to_vec(),
                d.write(0, b"x"),
            )
        });
        tx.send(r).unwrap();
    });
    let Ok(result) = rx.recv_timeout(Duration::from_secs(10)) else {
        // Unblock the stuck open so the thread can finish, then fail.
        drop(OpenOptions::new().write(true).open(&fifo));
        panic!("opening a FIFO with no writer hung");
    };
    let (len, mode, kind, notes, write) = result.unwrap();
    assert_eq!(len, 0);
    assert_eq!(mode, Mode::ReadOnly);
    assert_eq!(kind, SourceKind::Stream);
    assert_eq!(write, Err(EditError::ReadOnly));
    assert!(notes.iter().any(|n| n.contains("read-only")), "{notes:?}");
}

#[test]
fn proc_file_is_read_into_memory_read_only() {
    let path = Path::new("/proc/self/status");
    if !path.exists() {
        eprintln!("skipped: no /proc on this system");
        return;
    }
    let mut doc = Document::open(path, OpenConfig::default()).unwrap();
    assert_eq!(doc.kind(), SourceKind::Stream);
    assert_eq!(doc.mode(), Mode::ReadOnly);
    assert!(!doc.is_empty());
    assert!(
        doc.read(0..5).starts_with(b"Name:"),
        "{:?}",
        doc.read(0..20)
    );
    assert!(
        doc.notes()
            .iter()
            .any(|n| n.contains("into memory") && n.contains("read-only")),
        "{:?}",
        doc.notes()
    );
    assert_eq!(doc.write(0, b"x"), Err(EditError::ReadOnly));
    assert!(matches!(doc.save(false), Err(SaveError::ReadOnly)));
    assert_eq!(doc.discard().ok(), Some(()));
    assert!(!doc.is_empty());
}

/// Unsaved inserts and deletes survive a crash: the recovery file holds the whole layout
/// (the file's ranges by offset, inserted bytes, fills), and applying it on the next open
/// gives back exactly the document, as one undo step.
#[test]
fn recovery_file_keeps_inserts_deletes_and_fills() {
    let (_dir, path) = file_with(b"0123456789abcdef");
    let mut doc = open(&path, Mode::CopyOnWrite);
    doc.insert(4, b"INS").unwrap();
    doc.delete(10..12).unwrap();
    doc.insert_fill(0, b"xy", 3).unwrap();
    doc.write(20, b"Z").unwrap();
    let want = all(&doc);
    let rec = doc.write_recovery().unwrap().expect("a recovery file");
    drop(doc);
    assert_eq!(
        fs::read(&path).unwrap(),
        b"0123456789abcdef",
        "the file is untouched"
    );
    let mut again = open(&path, Mode::CopyOnWrite);
    assert_eq!(again.pending_recovery(), Some(rec.clone()));
    again.apply_recovery().unwrap();
    assert_eq!(all(&again), want);
    assert!(!rec.exists(), "applied and removed");
    again.undo().unwrap();
    assert_eq!(all(&again), b"0123456789abcdef", "one undo step");
}

/// Inserts and deletes in the middle save through the length-changing saver, both ways: the
/// file holds the document, the document is clean and attached, and undo still works
/// across the save (the history kept the file's bytes it refers to).
#[test]
fn moved_bytes_save_both_ways_and_undo_works_across_the_save() {
    use maphex::core::relayout::{Options, Strategy};
    for way in [Strategy::InPlace, Strategy::Rename] {
        let (_dir, path) = file_with(b"0123456789abcdefghij");
        let ino = fs::metadata(&path).unwrap().ino();
        let mut doc = open(&path, Mode::CopyOnWrite);
        doc.insert(5, b"<INS>").unwrap();
        doc.delete(12..15).unwrap();
        doc.write(0, b"Z").unwrap();
        let want = all(&doc);
        let opts = Options {
            strategy: Some(way),
            ..Options::default()
        };
        doc.save_with_relayout(false, &opts).unwrap();
        assert_eq!(fs::read(&path).unwrap(), want, "{way:?}");
        assert!(!doc.is_dirty(), "{way:?}");
        assert_eq!(all(&doc), want, "{way:?}");
        let same_inode = fs::metadata(&path).unwrap().ino() == ino;
        assert_eq!(same_inode, way == Strategy::InPlace, "{way:?}");
        assert_eq!(
            doc.detached(),
            None,
            "{way:?}: the document follows the new file"
        );
        // Undo the three edits, across the save.
        doc.undo().unwrap();
        doc.undo().unwrap();
        doc.undo().unwrap();
        assert_eq!(all(&doc), b"0123456789abcdefghij", "{way:?}");
        assert!(doc.is_dirty(), "{way:?}");
        doc.save(false).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"0123456789abcdefghij", "{way:?}");
        // And a later edit saves again.
        doc.insert(0, b">").unwrap();
        doc.save(false).unwrap();
        assert_eq!(
            fs::read(&path).unwrap(),
            b">0123456789abcdefghij",
            "{way:?}"
        );
    }
}

/// Deleting more of the file than the history may keep in memory: the save drops the
/// history before it and says so; the file is right.
#[test]
fn a_save_that_would_keep_too_much_history_drops_it_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.bin");
    let f = fs::File::create(&path).unwrap();
    f.set_len(100 << 20).unwrap();
    drop(f);
    let mut doc = open(&path, Mode::CopyOnWrite);
    doc.insert(0, b"head").unwrap();
    doc.delete(10..(80 << 20)).unwrap();
    let len = doc.len();
    doc.save(false).unwrap();
    assert_eq!(fs::metadata(&path).unwrap().len(), len);
    let note = doc
        .take_save_note()
        .expect("the save says the history went");
    assert!(
        note.contains("undo history before this save was dropped"),
        "{note}"
    );
    assert_eq!(doc.history_len(), (0, 0));
    assert_eq!(&*doc.read(0..6), b"head\0\0");
}

/// A length-changing save interrupted by a crash is finished when the file is next opened.
#[test]
fn opening_finishes_an_interrupted_length_changing_save() {
    use maphex::core::relayout::{Fault, Options, Strategy};
    let (_dir, path) = file_with(&b"abcdefghij".repeat(1000));
    let mut doc = open(&path, Mode::CopyOnWrite);
    doc.insert(3, b"NEW").unwrap();
    let want = all(&doc);
    let opts = Options {
        strategy: Some(Strategy::InPlace),
        fault: Some(Fault::JournalWritten),
    };
    assert!(doc.save_with_relayout(false, &opts).is_err(), "the crash");
    drop(doc);
    let again = open(&path, Mode::CopyOnWrite);
    assert_eq!(fs::read(&path).unwrap(), want, "finished on open");
    assert!(
        again
            .notes()
            .iter()
            .any(|n| n.contains("interrupted save was finished")),
        "{:?}",
        again.notes()
    );
    assert_eq!(all(&again), want);
}

#[test]
fn changed_since_names_the_lowest_change_and_whether_lengths_moved() {
    use maphex::core::document::Since;
    let (_dir, path) = lorem_copy();
    let mut doc = open(&path, Mode::CopyOnWrite);
    let v0 = doc.version();
    assert_eq!(doc.changed_since(v0), Since::Same);
    doc.write(200, b"xy").unwrap();
    let v1 = doc.version();
    assert_eq!(
        doc.changed_since(v0),
        Since::Changed {
            at: 200,
            resized: false
        }
    );
    doc.insert(600, b"abc").unwrap();
    doc.write(100, b"z").unwrap();
    assert_eq!(
        doc.changed_since(v1),
        Since::Changed {
            at: 100,
            resized: true
        }
    );
    let v3 = doc.version();
    doc.undo().unwrap();
    assert_eq!(
        doc.changed_since(v3),
        Since::Changed {
            at: 100,
            resized: false
        }
    );
    assert_eq!(
        doc.changed_since(v0),
        Since::Changed {
            at: 100,
            resized: true
        }
    );
    let v4 = doc.version();
    doc.delete(10..20).unwrap();
    assert_eq!(
        doc.changed_since(v4),
        Since::Changed {
            at: 10,
            resized: true
        }
    );
    // Old versions are forgotten after many changes: anything may differ then.
    for i in 0..5000 {
        doc.write(400 + i % 50, b"q").unwrap();
    }
    assert_eq!(doc.changed_since(v0), Since::Unknown);
    let v = doc.version();
    doc.write(450, b"r").unwrap();
    assert_eq!(
        doc.changed_since(v),
        Since::Changed {
            at: 450,
            resized: false
        }
    );
}
