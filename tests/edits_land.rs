//! Every edit lands in the file the user means, or is refused out loud: the real binary in a
//! pseudo-terminal, and the bytes on disk checked after each step. One test per finding of
//! the report that found edits going to the wrong place (replaced files under write-through,
//! `:w` onto the open file, `:w` onto a symlink, typing into a hidden pane, hints that named
//! options that do not exist).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

mod common;
mod support;

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use common::at80::{MESSAGE, STATUS, expect_clean_exit, open_path, wait_file, wait_message};
use common::keys::{ENTER, TAB};
use common::{Tui, temp_file};
use maphex::core::document::{Document, OpenConfig};
use maphex::core::source::ByteSource;

const TEXT: &[u8] = b"0123456789abcdef0123456789abcdef\n";

/// Types `keys` then Esc (with the pause that keeps Esc from reading as Alt).
fn type_then_esc(t: &mut Tui, keys: &str) {
    t.send(keys);
    t.esc();
}

/// Runs `:line` and waits for `want` on the message line.
fn command(t: &mut Tui, line: &str, want: &str) {
    t.send(format!(":{line}{ENTER}"));
    wait_message(t, want);
}

/// Replaces `path` as `sed -i` and most editors do: a new file renamed over it.
fn replace_by_rename(path: &Path, bytes: &[u8]) {
    let tmp = path.with_extension("new");
    std::fs::write(&tmp, bytes).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

#[test]
fn write_through_edits_after_the_file_is_replaced_are_refused_and_kept() {
    let (dir, path) = temp_file("w.txt", TEXT);
    let mut t = open_path(&["-w"], &path);
    // One edit while the file is still there: it lands in the file at once.
    type_then_esc(&mut t, "i41");
    wait_file(&path, "41 at 0", |b| b[0] == 0x41);
    // Another program replaces the file (our edit is in the old inode only from now on).
    let replacement = b"REPLACED by another program\n";
    replace_by_rename(&path, replacement);
    wait_message(&mut t, "file replaced on disk: edits refused; :e! opens it");
    // A write-through edit now would land in the unlinked inode: refused, out loud.
    type_then_esc(&mut t, "i7a7a");
    wait_message(
        &mut t,
        "write-through edit refused: the file was replaced on disk",
    );
    assert_eq!(std::fs::read(&path).unwrap(), replacement);
    // The quit prompt tells the truth and offers to keep the edits.
    t.send("q");
    wait_message(
        &mut t,
        "edits not in the file at this path: (k)eep for :recover",
    );
    t.send("k");
    expect_clean_exit(&mut t);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        replacement,
        "the file at the path"
    );
    let kept = dir.path().join(".w.txt.maphex-recover");
    assert!(kept.exists(), "{} was not written", kept.display());
    // The kept edit applies to what the path holds now, in copy-on-write.
    let mut doc = Document::open(&path, OpenConfig::default()).unwrap();
    doc.apply_recovery().unwrap();
    assert_eq!(doc.read(0..3).as_ref(), b"AEP");
    drop(dir);
}

#[test]
fn save_as_onto_the_open_file_saves_in_place_and_stays_saveable() {
    let (_dir, path) = temp_file("e.txt", TEXT);
    let ino = std::fs::metadata(&path).unwrap().ino();
    let mut t = open_path(&[], &path);
    type_then_esc(&mut t, "i41");
    command(&mut t, "w e.txt", "saved e.txt: 1 byte written in 1 range");
    assert_eq!(std::fs::read(&path).unwrap()[0], 0x41);
    assert_eq!(
        std::fs::metadata(&path).unwrap().ino(),
        ino,
        "saved in place"
    );
    assert!(
        !t.row(STATUS).contains("[+]"),
        "{}",
        t.report("still marked unsaved")
    );
    // And the document stays attached: the next `:w` and `:w!` save.
    type_then_esc(&mut t, "i42");
    command(&mut t, "w", "saved e.txt: 1 byte written in 1 range");
    type_then_esc(&mut t, "i43");
    command(&mut t, "w!", "saved e.txt");
    assert_eq!(&std::fs::read(&path).unwrap()[..4], b"ABC3");
    assert!(
        !t.row(MESSAGE).contains("replaced"),
        "{}",
        t.report("replaced?")
    );
}

#[test]
fn save_as_onto_the_open_file_read_only_is_refused_without_bang() {
    let (_dir, path) = temp_file("r.txt", TEXT);
    let before = std::fs::metadata(&path).unwrap();
    let mut t = open_path(&["-r"], &path);
    command(
        &mut t,
        "w r.txt",
        "it is the file that is open read-only; :w! PATH",
    );
    let after = std::fs::metadata(&path).unwrap();
    assert_eq!(
        (after.ino(), after.mtime_nsec()),
        (before.ino(), before.mtime_nsec())
    );
    // With `!` the copy is written, and the document shows the file now at the path.
    command(&mut t, "w! r.txt", "reopened");
    assert_eq!(std::fs::read(&path).unwrap(), TEXT);
    command(&mut t, "w", "opened read-only");
    assert!(
        !t.row(MESSAGE).contains("replaced"),
        "{}",
        t.report("replaced?")
    );
}

#[test]
fn save_as_onto_a_symlink_writes_the_target_and_keeps_the_link() {
    let (dir, path) = temp_file("e.txt", TEXT);
    let target = dir.path().join("target.txt");
    std::fs::write(&target, b"old target\n").unwrap();
    let link = dir.path().join("t.txt");
    std::os::unix::fs::symlink("target.txt", &link).unwrap();
    let mut t = open_path(&[], &path);
    type_then_esc(&mut t, "i41");
    command(&mut t, "w t.txt", "wrote 33 bytes to t.txt");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_link(&link).unwrap(), Path::new("target.txt"));
    let mut want = TEXT.to_vec();
    want[0] = 0x41;
    assert_eq!(std::fs::read(&target).unwrap(), want);
    // The open file itself is untouched (the copy went elsewhere) and still unsaved.
    assert_eq!(std::fs::read(&path).unwrap(), TEXT);
    assert!(
        t.row(STATUS).contains("[+]"),
        "{}",
        t.report("not marked unsaved")
    );
}

#[test]
fn typing_goes_into_the_pane_on_screen() {
    let (_dir, path) = temp_file("p.txt", TEXT);
    let mut t = open_path(&[], &path);
    // Text pane active, then hidden: edit mode types hex digits into the hex pane.
    t.send(TAB);
    command(&mut t, "set text off", "set text off");
    type_then_esc(&mut t, "i41");
    command(&mut t, "w", "saved p.txt");
    assert_eq!(&std::fs::read(&path).unwrap()[..2], b"A1");
    // A letter that is no hex digit names no pane that is not there.
    type_then_esc(&mut t, "iQ");
    wait_message(
        &mut t,
        "'Q' is not a hex digit; :set text on shows the text pane",
    );
    // Tab cannot switch to a hidden pane, and says how to show it.
    t.send(TAB);
    wait_message(&mut t, "only the hex pane is shown; :set text on");
    // Hex pane hidden: edit mode types text.
    command(&mut t, "set text on", "set text on");
    command(&mut t, "set hex off", "set hex off");
    type_then_esc(&mut t, "iQ");
    command(&mut t, "w", "saved p.txt");
    assert_eq!(&std::fs::read(&path).unwrap()[..3], b"AQ2");
    // The line view edits as text too.
    command(&mut t, "set hex on", "set hex on");
    t.send("T");
    t.wait_for("the line view", |s| s.contains("line 1"));
    type_then_esc(&mut t, "iZ");
    command(&mut t, "w", "saved p.txt");
    assert_eq!(&std::fs::read(&path).unwrap()[..4], b"AQZ3");
}

#[test]
fn recover_keep_with_nothing_pending_says_so() {
    let (_dir, path) = temp_file("k.txt", TEXT);
    let mut t = open_path(&[], &path);
    command(&mut t, "recover keep", "nothing to recover");
    assert!(
        !t.row(MESSAGE).contains("os error"),
        "{}",
        t.report("raw error")
    );
    t.send("q");
    expect_clean_exit(&mut t);
}

#[test]
fn patch_takes_force_write_as_its_lock_message_says() {
    use assert_cmd::Command;
    let (_dir, path) = temp_file("l.bin", TEXT);
    // Another maphex holds the lock (an open writable document in this process).
    let _held = Document::open(&path, OpenConfig::default()).unwrap();
    let out = Command::cargo_bin("maphex")
        .unwrap()
        .args(["patch", path.to_str().unwrap(), "--at", "0", "--hex", "41"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--force-write ignores the lock"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), TEXT);
    let out = Command::cargo_bin("maphex")
        .unwrap()
        .args([
            "patch",
            path.to_str().unwrap(),
            "--at",
            "0",
            "--hex",
            "41",
            "--force-write",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read(&path).unwrap()[0], 0x41);
}

// ---- the same rules in the core, headless -------------------------------------------------

mod core_rules {
    use std::os::unix::fs::MetadataExt;

    use maphex::core::document::{DiskChange, EditError, Mode, SaveError, SaveTo};
    use maphex::core::source::ByteSource;

    use super::{TEXT, replace_by_rename, temp_file};
    use crate::support::open;

    #[test]
    fn write_through_edits_and_undo_are_refused_once_the_file_is_removed() {
        let (_dir, path) = temp_file("w.bin", TEXT);
        let mut doc = open(&path, Mode::WriteThrough);
        doc.write(0, b"A").unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(
            doc.write(1, b"B"),
            Err(EditError::Detached(DiskChange::Removed))
        );
        assert_eq!(doc.undo(), Err(EditError::Detached(DiskChange::Removed)));
        // Nothing moved: the history still holds the one step, the bytes are as they were.
        assert_eq!(doc.history_len(), (1, 0));
        assert_eq!(doc.read(0..2).as_ref(), b"A1");
    }

    #[test]
    fn save_to_its_own_replaced_path_writes_the_edits_there_and_reattaches() {
        let (_dir, path) = temp_file("c.bin", TEXT);
        let mut doc = open(&path, Mode::CopyOnWrite);
        doc.write(0, b"Z").unwrap();
        replace_by_rename(&path, b"other");
        assert!(matches!(
            doc.save(false),
            Err(SaveError::Detached(DiskChange::Replaced))
        ));
        let done = doc.save_to(&path, false).unwrap();
        assert!(
            matches!(done, SaveTo::Copy { reopened: true, .. }),
            "{done:?}"
        );
        let mut want = TEXT.to_vec();
        want[0] = b'Z';
        assert_eq!(std::fs::read(&path).unwrap(), want);
        assert!(!doc.is_dirty());
        assert_eq!(doc.detached(), None);
        // Attached again: the next edit saves in place.
        doc.write(1, b"Y").unwrap();
        doc.save(false).unwrap();
        assert_eq!(&std::fs::read(&path).unwrap()[..2], b"ZY");
    }

    #[test]
    fn save_to_another_hard_link_of_the_open_file_saves_in_place() {
        let (dir, path) = temp_file("a.bin", TEXT);
        let other = dir.path().join("b.bin");
        std::fs::hard_link(&path, &other).unwrap();
        let mut doc = open(&path, Mode::CopyOnWrite);
        doc.write(0, b"Q").unwrap();
        assert!(matches!(doc.save_to(&other, false), Ok(SaveTo::InPlace(_))));
        assert_eq!(std::fs::read(&other).unwrap()[0], b'Q');
        assert_eq!(
            std::fs::metadata(&path).unwrap().ino(),
            std::fs::metadata(&other).unwrap().ino()
        );
    }

    #[test]
    fn save_as_over_a_hard_linked_file_keeps_the_links_sharing_it() {
        let (dir, path) = temp_file("src.bin", TEXT);
        let a = dir.path().join("a.bin");
        let b = dir.path().join("b.bin");
        std::fs::write(
            &a,
            b"a much longer old content than the new one, to see it shrink\n",
        )
        .unwrap();
        std::fs::hard_link(&a, &b).unwrap();
        let ino = std::fs::metadata(&a).unwrap().ino();
        let doc = open(&path, Mode::CopyOnWrite);
        doc.save_as(&a).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), TEXT);
        assert_eq!(
            std::fs::read(&b).unwrap(),
            TEXT,
            "the other name sees the new bytes"
        );
        assert_eq!(std::fs::metadata(&a).unwrap().ino(), ino);
        assert_eq!(std::fs::metadata(&a).unwrap().nlink(), 2);
        // No temporary file is left beside it.
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n.to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn save_as_through_a_dangling_symlink_creates_its_target() {
        let (dir, path) = temp_file("src.bin", TEXT);
        let link = dir.path().join("l.bin");
        std::os::unix::fs::symlink("sub/../new.bin", &link).unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let doc = open(&path, Mode::CopyOnWrite);
        doc.save_as(&link).unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(dir.path().join("new.bin")).unwrap(), TEXT);
    }

    #[test]
    fn save_as_keeps_the_targets_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let (dir, path) = temp_file("src.bin", TEXT);
        let target = dir.path().join("t.bin");
        std::fs::write(&target, b"old").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
        open(&path, Mode::CopyOnWrite).save_as(&target).unwrap();
        let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }
}
