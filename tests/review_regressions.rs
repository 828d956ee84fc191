//! Regressions for defects found in code review: forced saves and another writer's bytes,
//! reloading a replaced file, recovery files of two crashes, cancelled searches, and saving
//! in the middle of an edit-mode stay.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod support;
use support::{open, typ};

use std::fs;
use std::io::Write as _;
use std::path::PathBuf;

use maphex::core::document::{DiskChange, Mode, SaveError};
use maphex::core::source::ByteSource;
use maphex::tui::input::{Input, Key, KeyCode};
use maphex::tui::runtime::Session;

fn file_with(bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.bin");
    fs::write(&path, bytes).unwrap();
    (dir, path)
}

#[test]
fn quitting_a_clean_document_never_touches_a_growing_file() {
    // `:wq!` on a log another program appends to: nothing to save, so nothing is cut.
    let (_d, path) = file_with(b"0123456789");
    let mut s = Session::new(open(&path, Mode::CopyOnWrite), (80, 24));
    fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(b"APPENDED")
        .unwrap();
    typ(&mut s, ":wq!");
    s.input(Input::Key(Key::plain(KeyCode::Enter)));
    assert!(s.quit());
    assert_eq!(fs::read(&path).unwrap(), b"0123456789APPENDED");
}

#[test]
fn saving_a_clean_document_writes_nothing_and_checks_nothing() {
    let (_d, path) = file_with(b"0123456789");
    let mut doc = open(&path, Mode::CopyOnWrite);
    fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(b"MORE")
        .unwrap();
    let report = doc.save(false).unwrap();
    assert_eq!(report.bytes_written, 0);
    assert_eq!(fs::read(&path).unwrap(), b"0123456789MORE");
}

#[test]
fn discard_after_a_replace_opens_the_new_file() {
    let (d, path) = file_with(b"old contents");
    let mut doc = open(&path, Mode::CopyOnWrite);
    doc.write(0, b"O").unwrap();
    let other = d.path().join("new");
    fs::write(&other, b"the new file").unwrap();
    fs::rename(&other, &path).unwrap();
    assert!(matches!(
        doc.save(true),
        Err(SaveError::Detached(DiskChange::Replaced))
    ));
    doc.discard().unwrap();
    assert_eq!(&*doc.read(0..doc.len()), b"the new file");
    assert_eq!(
        doc.disk_change(),
        None,
        "the warning clears once the new file is open"
    );
    doc.write(0, b"T").unwrap();
    doc.save(false).unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"The new file");
}

#[test]
fn a_second_crash_does_not_overwrite_the_first_recovery_file() {
    let (_d, path) = file_with(b"0123456789");
    let mut a = open(&path, Mode::CopyOnWrite);
    a.write(0, b"A").unwrap();
    let first = a.write_recovery().unwrap().unwrap();
    drop(a);
    let mut b = open(&path, Mode::CopyOnWrite);
    b.write(9, b"B").unwrap();
    let second = b.write_recovery().unwrap().unwrap();
    drop(b);
    assert_ne!(first, second);
    let mut c = open(&path, Mode::CopyOnWrite);
    c.apply_recovery().unwrap();
    assert_eq!(&*c.read(0..10), b"A123456789");
    c.apply_recovery().unwrap();
    assert_eq!(&*c.read(0..10), b"A12345678B");
    assert!(c.pending_recovery().is_none());
}

#[test]
fn recovery_in_write_through_says_to_reopen_in_copy_on_write() {
    let (_d, path) = file_with(b"0123456789");
    let mut a = open(&path, Mode::CopyOnWrite);
    a.write(0, b"A").unwrap();
    a.write_recovery().unwrap().unwrap();
    drop(a);
    let mut w = open(&path, Mode::WriteThrough);
    let err = w.apply_recovery().unwrap_err();
    assert!(err.to_string().contains("copy-on-write"), "{err}");
    assert!(w.pending_recovery().is_some(), "the edits are still kept");
}

#[test]
fn saving_in_edit_mode_keeps_the_rest_of_the_stay_one_undo_step() {
    let (_d, path) = file_with(b"0123456789");
    let mut s = Session::new(open(&path, Mode::CopyOnWrite), (80, 24));
    s.input(Input::Key(Key::plain(KeyCode::Tab)));
    typ(&mut s, "iab");
    s.input(Input::Key(Key::ctrl('s')));
    typ(&mut s, "cd");
    s.input(Input::Key(Key::plain(KeyCode::Esc)));
    assert_eq!(&*s.app.doc().read(0..10), b"abcd456789");
    typ(&mut s, "u");
    assert_eq!(
        &*s.app.doc().read(0..10),
        b"ab23456789",
        "one undo takes back the typing after the save"
    );
}

#[test]
fn cancelling_a_search_is_final() {
    let (_d, path) = file_with(&vec![b'a'; 64 << 20]);
    let mut s = Session::new(open(&path, Mode::CopyOnWrite), (80, 24));
    typ(&mut s, "/");
    typ(&mut s, "a{3}b|[a-z]{9}q");
    s.input(Input::Key(Key::plain(KeyCode::Enter)));
    // An edit while it runs marks the scan stale; cancelling must still stop everything.
    typ(&mut s, "iZ");
    s.input(Input::Key(Key::plain(KeyCode::Esc)));
    s.input(Input::Key(Key::plain(KeyCode::Esc)));
    assert!(s.wait_search(std::time::Duration::from_secs(20)));
    // Let the cancelled worker finish and take everything it sent: a restart would show now.
    s.settle();
    assert!(!s.searching(), "a cancelled search started again");
    assert!(s.app.view().search.was_cancelled());
}
