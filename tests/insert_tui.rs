//! Inserting and deleting from the user's side: the status bar's INS / OVR (`TestBackend`
//! snapshots), and the real binary in a pseudo-terminal typing in insert mode, `x`, `d`, `P`,
//! `:insert`, `:delete`, `:truncate`, each undone, and saves of an append (and, once the
//! relayout saver is merged, of an insert in the middle). The PTY tests wait for text on the
//! screen, never sleep.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

mod common;

use common::at80::{
    LOREM_ROW0, expect_clean_exit, lorem_bytes, open_lorem, wait_message, wait_row, wait_status,
};
use common::keys::{BACKSPACE, DELETE, END, ENTER, INSERT};
use common::{Tui, temp_copy};

use maphex::core::document::{Document, Mode, OpenConfig};
use maphex::tui::input::{Input, Key, KeyCode};
use maphex::tui::runtime::Session;
use maphex::tui::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const LEN: u64 = 737;

/// Lorem in copy-on-write under a temp folder; the screen's text with that folder hidden.
fn status_screen(keys: &[Input]) -> String {
    let (dir, path) = temp_copy("assets/lorem.txt", "lorem.txt");
    let doc = Document::open(
        &path,
        OpenConfig {
            mode: Mode::CopyOnWrite,
            ..OpenConfig::default()
        },
    )
    .unwrap();
    let mut s = Session::new(doc, (100, 8));
    for k in keys {
        s.input(k.clone());
    }
    let mut t = Terminal::new(TestBackend::new(100, 8)).unwrap();
    t.draw(|f| ui::draw(f, &s.app)).unwrap();
    let text = format!("{}", t.backend());
    text.replace(&format!("{}/", dir.path().display()), "")
}

fn ch(c: char) -> Input {
    Input::Key(Key::ch(c))
}

fn plain(code: KeyCode) -> Input {
    Input::Key(Key::plain(code))
}

#[test]
fn status_bar_shows_ins_while_inserting() {
    let keys = [
        ch('l'),
        ch('l'),
        plain(KeyCode::Insert),
        ch('4'),
        ch('1'),
        ch('4'),
    ];
    let screen = status_screen(&keys);
    assert!(screen.contains("-- EDIT -- INS"), "{screen}");
    assert!(screen.contains("739 bytes"), "{screen}");
    insta::assert_snapshot!("status_ins_100x8", screen);
}

#[test]
fn status_bar_shows_ovr_after_insert_toggles() {
    let keys = [plain(KeyCode::Insert), plain(KeyCode::Insert), ch('7')];
    let screen = status_screen(&keys);
    assert!(screen.contains("-- EDIT -- OVR"), "{screen}");
    insta::assert_snapshot!("status_ovr_100x8", screen);
}

/// Runs `:line` and waits for `want` on the message line.
fn command(t: &mut Tui, line: &str, want: &str) {
    t.send(format!(":{line}{ENTER}"));
    wait_message(t, want);
}

fn len_is(t: &mut Tui, n: u64) {
    wait_status(t, &format!(" {n} bytes "));
}

#[test]
fn insert_mode_typing_in_the_middle_of_lorem_then_undo() {
    let (_dir, path, mut t) = open_lorem(&[]);
    // To 0x6 ("ipsum"), insert "AB" in hex, then "!" in the text pane.
    t.send("llllll");
    wait_status(&mut t, " 0x6 (6) ");
    t.send(INSERT);
    wait_status(&mut t, "-- EDIT -- INS");
    t.send("4142");
    len_is(&mut t, LEN + 2);
    wait_row(
        &mut t,
        "00000000  4c 6f 72 65 6d 20 41 42  69 70 73 75 6d 20 64 6f  Lorem ABipsum do",
    );
    // Backspace deletes the byte before the cursor; Delete the one at it.
    t.send(BACKSPACE);
    len_is(&mut t, LEN + 1);
    t.send(DELETE);
    wait_row(
        &mut t,
        "00000000  4c 6f 72 65 6d 20 41 70  73 75 6d 20 64 6f 6c 6f  Lorem Apsum dolo",
    );
    // Insert again: overwrite.
    t.send(INSERT);
    wait_status(&mut t, "-- EDIT -- OVR");
    t.esc();
    // The whole stay was one step.
    t.send("u");
    len_is(&mut t, LEN);
    wait_row(&mut t, LOREM_ROW0);
    t.send(format!(":q!{ENTER}"));
    expect_clean_exit(&mut t);
    assert_eq!(std::fs::read(&path).unwrap(), lorem_bytes());
}

#[test]
fn insert_mode_append_at_the_end_saves() {
    let (_dir, path, mut t) = open_lorem(&[]);
    t.send("G");
    wait_status(&mut t, &format!(" {:#x} ", LEN - 1));
    t.send(INSERT);
    wait_status(&mut t, "-- EDIT -- INS");
    // Just past the last byte: an append.
    t.send(END);
    t.send("l");
    wait_status(&mut t, &format!(" {LEN:#x} "));
    t.send("2a2a");
    len_is(&mut t, LEN + 2);
    t.esc();
    command(&mut t, "w", "saved");
    let mut want = lorem_bytes();
    want.extend_from_slice(b"**");
    assert_eq!(std::fs::read(&path).unwrap(), want);
    t.send(format!(":q{ENTER}"));
    expect_clean_exit(&mut t);
}

#[test]

fn insert_in_the_middle_then_save_writes_the_file() {
    let (_dir, path, mut t) = open_lorem(&[]);
    t.send("llllll");
    wait_status(&mut t, " 0x6 (6) ");
    t.send(INSERT);
    t.send("4142");
    len_is(&mut t, LEN + 2);
    t.esc();
    command(&mut t, "w", "saved");
    let mut want = lorem_bytes();
    want.splice(6..6, *b"AB");
    assert_eq!(std::fs::read(&path).unwrap(), want);
    t.send(format!(":q{ENTER}"));
    expect_clean_exit(&mut t);
}

#[test]
fn x_d_p_insert_delete_truncate_and_undo_each() {
    let (_dir, path, mut t) = open_lorem(&[]);
    // x deletes the byte under the cursor.
    t.send("x");
    wait_message(&mut t, "deleted 1 byte at 0x0; u undoes");
    len_is(&mut t, LEN - 1);
    t.send("u");
    len_is(&mut t, LEN);
    wait_row(&mut t, LOREM_ROW0);
    // v + 5 right + y copies "Lorem ", v again and d deletes it, P puts it back.
    t.send("vllllly");
    wait_message(&mut t, "copied 6 bytes");
    t.send("0vllllld");
    wait_message(&mut t, "deleted 6 bytes at 0x0; u undoes");
    len_is(&mut t, LEN - 6);
    t.send("P");
    wait_message(&mut t, "inserted 6 bytes before 0x0; u undoes");
    len_is(&mut t, LEN);
    wait_row(&mut t, LOREM_ROW0);
    t.send("u");
    len_is(&mut t, LEN - 6);
    t.send("u");
    len_is(&mut t, LEN);
    // :insert 00 * 1000 grows the length shown by 1000.
    command(&mut t, "insert 00 * 1000", "inserted 1000 bytes before 0x0");
    len_is(&mut t, LEN + 1000);
    wait_row(
        &mut t,
        "00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  ",
    );
    t.send("u");
    len_is(&mut t, LEN);
    wait_row(&mut t, LOREM_ROW0);
    command(&mut t, "delete 5", "deleted 5 bytes at 0x0");
    len_is(&mut t, LEN - 5);
    t.send("u");
    len_is(&mut t, LEN);
    command(&mut t, "0x10", "");
    wait_status(&mut t, " 0x10 (16) ");
    command(
        &mut t,
        "truncate",
        "truncated at 0x10: 721 bytes cut; u undoes",
    );
    len_is(&mut t, 16);
    t.send("u");
    len_is(&mut t, LEN);
    wait_row(&mut t, LOREM_ROW0);
    // Nothing of it reached the file, and everything was undone: it quits without asking.
    t.send("q");
    expect_clean_exit(&mut t);
    assert_eq!(std::fs::read(&path).unwrap(), lorem_bytes());
}

#[test]
fn write_through_refuses_to_insert_out_loud() {
    let (_dir, _path, mut t) = open_lorem(&["-w"]);
    t.send(INSERT);
    wait_message(
        &mut t,
        "overwriting (OVR): write-through mode cannot insert or delete",
    );
    wait_status(&mut t, "-- EDIT -- OVR");
    t.esc();
    t.send("x");
    wait_message(&mut t, "write-through mode cannot insert or delete");
    t.send("q");
    expect_clean_exit(&mut t);
}
