//! The compare view in the real binary, in a pseudo-terminal: `maphex diff a b`, `]c` to
//! the difference, `dp` to put it into b, `:wqa`, and both files checked on disk.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

mod common;

use common::at80::expect_clean_exit;
use common::keys::ENTER;
use common::{Options, Tui};

#[test]
fn diff_next_put_and_write_all() {
    let dir = tempfile::tempdir().unwrap();
    let a: Vec<u8> = (0..=255u8).collect();
    let mut b = a.clone();
    b[0x40] = 0xee;
    std::fs::write(dir.path().join("a.bin"), &a).unwrap();
    std::fs::write(dir.path().join("b.bin"), &b).unwrap();
    let mut t = Tui::spawn_with(
        ["diff", "a.bin", "b.bin"],
        &Options::default().cwd(dir.path()),
    );
    t.wait_for("the comparison", |s| s.contains("1 difference"));
    t.send("]c");
    t.wait_for("the first difference", |s| {
        s.contains("difference 1 of 1") && s.contains("A 0x40")
    });
    t.send("dp");
    t.wait_for("both sides equal", |s| {
        s.contains("no differences") && s.contains("b.bin [+]")
    });
    t.send(format!(":wqa{ENTER}"));
    expect_clean_exit(&mut t);
    assert_eq!(std::fs::read(dir.path().join("a.bin")).unwrap(), a);
    assert_eq!(std::fs::read(dir.path().join("b.bin")).unwrap(), a);
}
