//! Keys by mode, headless through `Session`: the prompts as line editors with a history each,
//! the search pane's movement keys, help, marks and the quit question through the keymap,
//! and prompt and quit-question keys rebound by the config file.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod support;
use support::{cmd, key, message, open, typ};

use std::path::Path;
use std::time::Duration;

use maphex::core::document::{Document, Mode};
use maphex::core::source::ByteSource;
use maphex::tui::app::InputMode;
use maphex::tui::input::{Input, Key, KeyCode};
use maphex::tui::runtime::Session;

fn session(mode: Mode) -> (tempfile::TempDir, Session) {
    support::lorem_session(mode)
}

fn ctrl(s: &mut Session, c: char) {
    s.input(Input::Key(Key::ctrl(c)));
}

/// The prompt's text and cursor (a byte offset), or `None` when no prompt is open.
fn line(s: &Session) -> Option<(String, usize)> {
    match &s.app.mode {
        InputMode::Prompt(p) => Some((p.text().to_string(), p.line.cursor())),
        _ => None,
    }
}

fn configure(s: &mut Session, text: &str) {
    let (c, w) = maphex::tui::config::parse(text, Path::new("test.toml"));
    assert!(w.is_empty(), "{w:?}");
    c.apply_keys(&mut s.app.keymap);
}

#[test]
fn typing_goes_in_at_the_cursor() {
    let (_d, mut s) = session(Mode::ReadOnly);
    typ(&mut s, ":x20");
    key(&mut s, KeyCode::Home);
    typ(&mut s, "0");
    assert_eq!(line(&s), Some(("0x20".into(), 1)));
    key(&mut s, KeyCode::End);
    key(&mut s, KeyCode::Left);
    key(&mut s, KeyCode::Backspace);
    assert_eq!(line(&s), Some(("0x0".into(), 2)));
    typ(&mut s, "3");
    key(&mut s, KeyCode::Right);
    key(&mut s, KeyCode::Right);
    assert_eq!(line(&s), Some(("0x30".into(), 4)), "Right stops at the end");
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.app.cursor(), 0x30);
}

#[test]
fn readline_keys_edit_the_line() {
    let (_d, mut s) = session(Mode::ReadOnly);
    typ(&mut s, ":set cols 16");
    ctrl(&mut s, 'w');
    assert_eq!(line(&s), Some(("set cols ".into(), 9)));
    ctrl(&mut s, 'a');
    key(&mut s, KeyCode::Delete);
    assert_eq!(line(&s), Some(("et cols ".into(), 0)));
    ctrl(&mut s, 'e');
    ctrl(&mut s, 'b');
    ctrl(&mut s, 'u');
    assert_eq!(line(&s), Some((" ".into(), 0)));
    ctrl(&mut s, 'k');
    assert_eq!(line(&s), Some((String::new(), 0)));
    // Backspace on an empty line leaves the prompt, as before.
    key(&mut s, KeyCode::Backspace);
    assert_eq!(line(&s), None);
    // Backspace at the start of a line that is not empty does not.
    typ(&mut s, ":ab");
    key(&mut s, KeyCode::Home);
    key(&mut s, KeyCode::Backspace);
    assert_eq!(line(&s), Some(("ab".into(), 0)));
    key(&mut s, KeyCode::Esc);
    assert_eq!(line(&s), None);
}

#[test]
fn a_paste_goes_in_at_the_cursor() {
    let (_d, mut s) = session(Mode::ReadOnly);
    typ(&mut s, "/ipum");
    key(&mut s, KeyCode::Left);
    key(&mut s, KeyCode::Left);
    s.input(Input::Paste("s\n".into()));
    assert_eq!(line(&s), Some(("ipsum".into(), 3)));
}

#[test]
fn each_prompt_has_its_own_history() {
    let (_d, mut s) = session(Mode::ReadOnly);
    cmd(&mut s, "0x10");
    cmd(&mut s, "0x20");
    cmd(&mut s, "0x20");
    typ(&mut s, ":dr");
    key(&mut s, KeyCode::Up);
    assert_eq!(line(&s), Some(("0x20".into(), 4)), "no repeats");
    key(&mut s, KeyCode::Up);
    assert_eq!(line(&s).unwrap().0, "0x10");
    key(&mut s, KeyCode::Up);
    assert_eq!(line(&s).unwrap().0, "0x10", "stops at the oldest");
    key(&mut s, KeyCode::Down);
    assert_eq!(line(&s).unwrap().0, "0x20");
    key(&mut s, KeyCode::Down);
    assert_eq!(
        line(&s),
        Some(("dr".into(), 2)),
        "what was typed comes back"
    );
    key(&mut s, KeyCode::Esc);
    // Recall, edit, run: the edited line is the newest.
    typ(&mut s, ":");
    key(&mut s, KeyCode::Up);
    key(&mut s, KeyCode::Backspace);
    typ(&mut s, "8");
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.app.cursor(), 0x28);
    assert_eq!(s.app.histories.command.get(0), Some("0x28"));
    // The search prompt's history is apart.
    typ(&mut s, "/");
    key(&mut s, KeyCode::Up);
    assert_eq!(line(&s).unwrap().0, "");
    typ(&mut s, "dolor");
    key(&mut s, KeyCode::Enter);
    assert!(s.wait_search(Duration::from_secs(20)));
    typ(&mut s, "/");
    ctrl(&mut s, 'p');
    assert_eq!(line(&s).unwrap().0, "dolor");
    key(&mut s, KeyCode::Esc);
    typ(&mut s, ":");
    key(&mut s, KeyCode::Up);
    assert_eq!(line(&s).unwrap().0, "0x28");
}

#[test]
fn the_search_pane_takes_the_movement_keys() {
    let (_d, mut s) = session(Mode::ReadOnly);
    typ(&mut s, "/(?i)nulla");
    key(&mut s, KeyCode::Enter);
    assert!(s.wait_search(Duration::from_secs(20)));
    assert_eq!(s.app.cursor(), 0xc3);
    typ(&mut s, "s");
    assert!(s.app.view().search.pane_focus);
    typ(&mut s, "G");
    assert_eq!(s.app.view().search.pane_sel, 2);
    assert_eq!(s.app.cursor(), 0xc3, "G moves the pane, not the hex cursor");
    typ(&mut s, "g");
    assert_eq!(s.app.view().search.pane_sel, 0);
    key(&mut s, KeyCode::End);
    assert_eq!(s.app.view().search.pane_sel, 2);
    key(&mut s, KeyCode::Home);
    assert_eq!(s.app.view().search.pane_sel, 0);
    key(&mut s, KeyCode::PageDown);
    assert_eq!(s.app.view().search.pane_sel, 2);
    key(&mut s, KeyCode::PageUp);
    key(&mut s, KeyCode::Down);
    assert_eq!(s.app.view().search.pane_sel, 1);
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.app.cursor(), 0x20e);
    assert!(!s.app.view().search.pane_focus);
    // Without the focus, G is the hex view's again.
    typ(&mut s, "G");
    assert_eq!(s.app.cursor(), s.app.doc().len() - 1);
}

#[test]
fn help_keys_scroll_to_the_end_and_stop() {
    let (_d, mut s) = session(Mode::ReadOnly);
    typ(&mut s, "?");
    assert!(s.app.show_help);
    typ(&mut s, "G");
    let end = s.app.help_scroll;
    assert!(end > 0, "the help is longer than 24 rows");
    typ(&mut s, "j");
    key(&mut s, KeyCode::PageDown);
    assert_eq!(s.app.help_scroll, end, "stops at its end");
    typ(&mut s, "g");
    assert_eq!(s.app.help_scroll, 0);
    typ(&mut s, "x");
    assert!(!s.app.show_help, "any other key closes it");
    assert_eq!(s.app.cursor(), 0, "and does nothing else");
}

#[test]
fn a_mark_takes_a_letter_and_esc_cancels() {
    let (_d, mut s) = session(Mode::ReadOnly);
    cmd(&mut s, "0x40");
    typ(&mut s, "ma");
    cmd(&mut s, "0");
    typ(&mut s, "m");
    key(&mut s, KeyCode::Esc);
    assert_eq!(message(&s), "mark cancelled");
    typ(&mut s, "'a");
    assert_eq!(s.app.cursor(), 0x40);
}

#[test]
fn a_prompt_key_rebound_in_the_config_edits() {
    let (_d, mut s) = session(Mode::ReadOnly);
    configure(&mut s, "[keys.prompt]\nhome = \"C-g\"\n");
    typ(&mut s, ":x20");
    ctrl(&mut s, 'g');
    typ(&mut s, "0");
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.app.cursor(), 0x20);
    // The default stays.
    typ(&mut s, ":x30");
    key(&mut s, KeyCode::Home);
    typ(&mut s, "0");
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.app.cursor(), 0x30);
}

#[test]
fn a_quit_question_key_rebound_in_the_config_answers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.bin");
    std::fs::write(&path, b"abcd").unwrap();
    let mut s = Session::new(open(&path, Mode::CopyOnWrite), (80, 24));
    configure(&mut s, "[keys.confirm_quit]\ndiscard = \"x\"\n");
    typ(&mut s, "i");
    typ(&mut s, "ff");
    key(&mut s, KeyCode::Esc);
    typ(&mut s, "q");
    assert_eq!(s.app.mode, InputMode::ConfirmQuit);
    typ(&mut s, "x");
    assert!(s.quit(), "x discards and quits");
    assert_eq!(std::fs::read(&path).unwrap(), b"abcd");
    s.shutdown();
}

#[test]
fn an_unbound_key_cancels_the_quit_question() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.bin");
    std::fs::write(&path, b"abcd").unwrap();
    let mut s = Session::new(open(&path, Mode::CopyOnWrite), (80, 24));
    typ(&mut s, "iff");
    key(&mut s, KeyCode::Esc);
    typ(&mut s, "q");
    typ(&mut s, "z");
    assert!(!s.quit());
    assert_eq!(message(&s), "quit cancelled");
    assert_eq!(s.app.mode, InputMode::Normal);
    s.shutdown();
}

#[test]
fn edit_mode_backspace_and_enter_are_bindings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.bin");
    std::fs::write(&path, b"abcd").unwrap();
    let doc: Document = open(&path, Mode::CopyOnWrite);
    let mut s = Session::new(doc, (80, 24));
    typ(&mut s, "l");
    typ(&mut s, "i");
    key(&mut s, KeyCode::Backspace);
    assert_eq!(s.app.cursor(), 0);
    key(&mut s, KeyCode::Enter);
    assert!(message(&s).contains("Esc leaves"), "{}", message(&s));
    key(&mut s, KeyCode::Tab);
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.app.doc().read(0..1).first().copied(), Some(b'\n'));
    s.shutdown();
}
