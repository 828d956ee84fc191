//! Tests about permission bits, which root ignores: run as root (CI is), each reruns itself
//! in a child process as the user `nobody` (`support::rerun_unprivileged`) and checks that the
//! child ran it and passed. They live in a test binary of their own: the child is forked from
//! this process, and a fork that happens while another test holds a file's advisory lock
//! keeps that lock alive in the child for a moment, which would make that other test open
//! its file read-only now and then.

#![allow(clippy::unwrap_used)]

mod support;

use std::fs::{self, OpenOptions};
use std::os::unix::fs::PermissionsExt;

use maphex::core::document::{EditError, Mode, SaveError};
use maphex::core::source::ByteSource;
use maphex::tui::runtime::Session;
use support::{cmd, message, open};

const LOREM: &[u8] = include_bytes!("../assets/lorem.txt");

#[test]
fn file_without_write_permission_opens_read_only() {
    if support::rerun_unprivileged("file_without_write_permission_opens_read_only") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.bin");
    fs::write(&path, b"locked").unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
    assert!(
        OpenOptions::new().write(true).open(&path).is_err(),
        "the file can be written: this test would prove nothing"
    );
    let mut doc = open(&path, Mode::CopyOnWrite);
    assert_eq!(doc.mode(), Mode::ReadOnly);
    assert!(
        doc.notes().iter().any(|n| n.contains("read-only")),
        "{:?}",
        doc.notes()
    );
    assert_eq!(doc.write(0, b"L"), Err(EditError::ReadOnly));
    assert!(matches!(doc.save(false), Err(SaveError::ReadOnly)));
    assert_eq!(doc.read(0..doc.len()).as_ref(), b"locked");
}

/// A save into a folder that became read-only (so the journal cannot be written) stops
/// before it touches the file and keeps the edits, unsaved.
#[test]
fn a_save_into_a_folder_made_read_only_mid_session_keeps_the_edits() {
    if support::rerun_unprivileged(
        "a_save_into_a_folder_made_read_only_mid_session_keeps_the_edits",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lorem.txt");
    fs::write(&path, LOREM).unwrap();
    let mut s = Session::new(open(&path, Mode::CopyOnWrite), (80, 24));
    s.app.doc_mut().write(0, b"l").unwrap();
    s.app.doc_mut().write(100, b"XYZ").unwrap();
    let new = s.app.doc().read(0..s.app.doc().len()).into_owned();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o555)).unwrap();
    assert!(
        fs::write(dir.path().join("probe"), b"").is_err(),
        "the folder can be written: this test would prove nothing"
    );
    cmd(&mut s, "w");
    let m = message(&s);
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    assert!(
        m.starts_with("cannot save") && m.contains("your edits are kept"),
        "{m}"
    );
    assert!(s.app.doc().is_dirty());
    assert_eq!(
        s.app.doc().read(0..s.app.doc().len()).as_ref(),
        new.as_slice()
    );
    assert_eq!(fs::read(&path).unwrap(), LOREM);
}
