//! Several files in the real binary, in a pseudo-terminal: `maphex a b`, the `[1/2]` on the
//! status bar, `:bn`, `:ls`, editing both and `:wqa` with the bytes checked on disk; a path
//! that cannot be opened among others.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

mod common;

use common::at80::{STATUS, expect_clean_exit, open_with, wait_message, wait_status};
use common::keys::ENTER;
use common::{Options, Tui};

/// `a.bin` and `b.bin` in a fresh folder.
fn two_files() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.bin"), b"AAAAAAAA").unwrap();
    std::fs::write(dir.path().join("b.bin"), b"BBBBBBBB").unwrap();
    dir
}

fn open_in(dir: &tempfile::TempDir, args: &[&str]) -> Tui {
    open_with(args, &Options::default().cwd(dir.path()))
}

/// Overwrites the byte at the cursor in edit mode.
fn overwrite(t: &mut Tui, hex: &str) {
    t.send("i");
    wait_status(t, "EDIT");
    t.send(hex);
    t.wait_for("the typed byte", |s| {
        s.contains(&format!("00000000  {hex} "))
    });
    t.esc();
    t.wait_for_screen("edit mode left", |s| {
        s.rows(0, 80)
            .nth(usize::from(STATUS))
            .is_some_and(|r| !r.contains("EDIT"))
    });
}

#[test]
fn two_files_bn_ls_edit_both_and_wqa() {
    let dir = two_files();
    let mut t = open_in(&dir, &["a.bin", "b.bin"]);
    wait_status(&mut t, "[1/2] a.bin");
    t.wait_for("a's bytes", |s| s.contains("41 41 41 41"));
    overwrite(&mut t, "11");
    wait_status(&mut t, "a.bin [+]");
    t.send(format!(":bn{ENTER}"));
    wait_status(&mut t, "[2/2] b.bin");
    wait_message(&mut t, "buffer 2/2: b.bin");
    t.wait_for("b's bytes", |s| s.contains("42 42 42 42"));
    overwrite(&mut t, "22");
    t.send(format!(":ls{ENTER}"));
    t.wait_for("the buffer list", |s| {
        s.contains("buffers")
            && s.lines()
                .any(|l| l.contains("1  ") && l.contains("a.bin") && l.contains("[+]"))
            && s.lines()
                .any(|l| l.contains("2 %") && l.contains("b.bin") && l.contains("[+]"))
    });
    t.send("x");
    t.wait_for("the list closed", |s| !s.contains("buffers ·"));
    t.send(format!(":wqa{ENTER}"));
    expect_clean_exit(&mut t);
    assert_eq!(
        std::fs::read(dir.path().join("a.bin")).unwrap(),
        b"\x11AAAAAAA"
    );
    assert_eq!(
        std::fs::read(dir.path().join("b.bin")).unwrap(),
        b"\x22BBBBBBB"
    );
}

#[test]
fn q_asks_about_the_other_buffer_and_names_it() {
    let dir = two_files();
    let mut t = open_in(&dir, &["a.bin", "b.bin"]);
    wait_status(&mut t, "[1/2]");
    t.send(format!(":bn{ENTER}"));
    wait_status(&mut t, "[2/2]");
    overwrite(&mut t, "ee");
    t.send(format!(":bp{ENTER}"));
    wait_status(&mut t, "[1/2] a.bin");
    t.send("q");
    wait_message(&mut t, "unsaved edits in buffer 2 (b.bin)");
    t.send("d");
    expect_clean_exit(&mut t);
    assert_eq!(
        std::fs::read(dir.path().join("b.bin")).unwrap(),
        b"BBBBBBBB"
    );
}

#[test]
fn a_path_that_cannot_be_opened_is_reported_and_the_others_open() {
    let dir = two_files();
    let mut t = open_in(&dir, &["a.bin", "missing.bin", "b.bin"]);
    wait_status(&mut t, "[1/2] a.bin");
    wait_message(&mut t, "cannot open missing.bin: no such file or directory");
    wait_message(&mut t, "(opened 2 of 3)");
    t.send(format!(":q{ENTER}"));
    expect_clean_exit(&mut t);
}

#[test]
fn no_path_that_opens_is_an_error() {
    let dir = two_files();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_maphex"))
        .args(["nope1", "nope2"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot open nope1") && err.contains("cannot open nope2"),
        "{err}"
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_maphex"))
        .args(["a.bin", "-"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("opens alone"));
}
