//! `:%s` with `c` in the real binary, in a pseudo-terminal: the question, the answers, the
//! message, then `:w` and the bytes on disk (the length changed, so the relayout saver ran).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

mod common;
mod support;

use common::at80::{expect_clean_exit, open_path, wait_message};
use common::keys::ENTER;
use common::temp_file;

#[test]
fn percent_s_with_confirm_then_save_writes_the_changed_length() {
    let text = b"one cat, two cat, three cat\n";
    let (_dir, path) = temp_file("c.txt", text);
    let mut t = open_path(&[], &path);
    t.send(format!(":%s/cat/tiger/gc{ENTER}"));
    wait_message(&mut t, "replace this match (1 of 3)?");
    t.send("y");
    wait_message(&mut t, "(2 of 3)");
    t.send("n");
    wait_message(&mut t, "(3 of 3)");
    t.send("y");
    wait_message(&mut t, "replaced 2 matches in the file, 4 bytes longer");
    t.send(format!(":w{ENTER}"));
    wait_message(&mut t, "saved c.txt");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        b"one tiger, two cat, three tiger\n"
    );
    t.send(format!(":q{ENTER}"));
    expect_clean_exit(&mut t);
}
