//! Search in the UI, driven headless through `Session` (the real worker thread, real effects):
//! stepping, wrapping, the pane, invalid patterns, re-search after edits, cancellation and
//! highlights past the index cap.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod support;
use support::{key, message, open, sparse, typ};

use std::time::Duration;

use maphex::core::document::Mode;
use maphex::tui::app::Severity;
use maphex::tui::input::{Input, Key, KeyCode};
use maphex::tui::runtime::Session;

const WAIT: Duration = Duration::from_secs(20);

fn session(mode: Mode) -> (tempfile::TempDir, Session) {
    support::lorem_session(mode)
}

fn search(s: &mut Session, pattern: &str) {
    typ(s, "/");
    typ(s, pattern);
    key(s, KeyCode::Enter);
    assert!(s.wait_search(WAIT), "search did not finish");
}

#[test]
fn enter_jumps_and_n_steps_with_wrap() {
    let (_d, mut s) = session(Mode::ReadOnly);
    search(&mut s, "(?i)nulla");
    assert_eq!(s.app.cursor(), 0xc3);
    assert_eq!(message(&s), "match 1 of 3");
    typ(&mut s, "n");
    assert_eq!(s.app.cursor(), 0x20e);
    typ(&mut s, "n");
    assert_eq!(s.app.cursor(), 0x22b);
    typ(&mut s, "n");
    assert_eq!(s.app.cursor(), 0xc3);
    assert!(message(&s).contains("wrapped"), "{}", message(&s));
    typ(&mut s, "N");
    assert_eq!(s.app.cursor(), 0x22b);
    assert!(message(&s).contains("wrapped"));
    typ(&mut s, "N");
    assert_eq!(s.app.cursor(), 0x20e);
}

#[test]
fn search_starts_from_the_cursor() {
    let (_d, mut s) = session(Mode::ReadOnly);
    typ(&mut s, ":0x200");
    key(&mut s, KeyCode::Enter);
    search(&mut s, "(?i)nulla");
    assert_eq!(s.app.cursor(), 0x20e);
    assert_eq!(message(&s), "match 2 of 3");
    // Past the last match it wraps to the first.
    typ(&mut s, ":end");
    key(&mut s, KeyCode::Enter);
    search(&mut s, "(?i)nulla");
    assert_eq!(s.app.cursor(), 0xc3);
}

#[test]
fn prompt_tab_cycles_kinds_and_ctrl_t_folds_case() {
    let (_d, mut s) = session(Mode::ReadOnly);
    typ(&mut s, "/");
    key(&mut s, KeyCode::Tab); // text
    s.input(Input::Key(Key::ctrl('t')));
    typ(&mut s, "NULLA F");
    key(&mut s, KeyCode::Enter);
    assert!(s.wait_search(WAIT));
    assert_eq!(s.app.view().search.total(), 1);
    assert_eq!(s.app.cursor(), 0x20e);
    typ(&mut s, "/");
    key(&mut s, KeyCode::Tab); // hex
    typ(&mut s, "4e 75 6c ?? 61");
    key(&mut s, KeyCode::Enter);
    assert!(s.wait_search(WAIT));
    assert_eq!(s.app.view().search.total(), 2);
}

#[test]
fn pane_lists_matches_and_enter_jumps() {
    let (_d, mut s) = session(Mode::ReadOnly);
    search(&mut s, "(?i)nulla");
    typ(&mut s, "s");
    assert!(s.app.view().search.pane_open && s.app.view().search.pane_focus);
    typ(&mut s, "j");
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.app.cursor(), 0x20e);
    assert!(!s.app.view().search.pane_focus);
    // Keys go back to the hex view: `j` moves the cursor a row.
    typ(&mut s, "j");
    assert_eq!(s.app.cursor(), 0x21e);
}

#[test]
fn invalid_regex_reports_and_changes_nothing() {
    let (_d, mut s) = session(Mode::ReadOnly);
    typ(&mut s, "l");
    typ(&mut s, "/(");
    key(&mut s, KeyCode::Enter);
    let (m, sev) = s.app.message.clone().unwrap();
    assert_eq!(sev, Severity::Error);
    assert!(m.contains("unclosed group"), "{m}");
    assert_eq!(s.app.cursor(), 1);
    assert!(!s.searching());
}

#[test]
fn edits_are_searched_again() {
    let (_d, mut s) = session(Mode::CopyOnWrite);
    search(&mut s, "Nulla");
    assert_eq!(s.app.view().search.total(), 2);
    // Overwrite the first "Nulla" at 0xc3 through the text pane.
    typ(&mut s, ":0xc3");
    key(&mut s, KeyCode::Enter);
    key(&mut s, KeyCode::Tab);
    typ(&mut s, "iX");
    key(&mut s, KeyCode::Esc);
    assert!(s.wait_search(WAIT));
    assert_eq!(
        s.app.view().search.total(),
        1,
        "stale match kept after an edit"
    );
    typ(&mut s, "u");
    assert!(s.wait_search(WAIT));
    assert_eq!(
        s.app.view().search.total(),
        2,
        "undo did not bring the match back"
    );
    // An edit that creates a new match is found too.
    typ(&mut s, "g");
    typ(&mut s, "iNulla");
    key(&mut s, KeyCode::Esc);
    assert!(s.wait_search(WAIT));
    assert_eq!(s.app.view().search.total(), 3);
    assert_eq!(
        s.app.view().search.matches_in(s.app.doc(), 0..16),
        vec![(0, 5)]
    );
}

#[test]
fn cancelling_stops_the_worker_and_keeps_matches() {
    let (_dir, path) = sparse("big", 1 << 30);
    let doc = open(&path, Mode::ReadOnly);
    let mut s = Session::new(doc, (80, 24));
    // No literal and no match in zeros: the slowest kind of scan.
    typ(&mut s, "/");
    typ(&mut s, "[a-z]{12}");
    key(&mut s, KeyCode::Enter);
    assert!(s.searching());
    key(&mut s, KeyCode::Esc);
    assert!(s.wait_search(WAIT), "worker did not stop");
    assert!(s.app.view().search.was_cancelled());
    let (pos, end) = s.app.view().search.progress();
    assert!(
        pos < end,
        "the scan ran to the end ({pos} of {end}) instead of stopping"
    );
    assert!(message(&s).contains("cancelled"), "{}", message(&s));
    // The UI still works and a new search runs.
    typ(&mut s, "G");
    assert_eq!(s.app.cursor(), (1 << 30) - 1);
}

#[test]
fn highlights_past_the_index_cap() {
    let (_d, mut s) = session(Mode::ReadOnly);
    s.app.view_mut().search.store_cap = 3;
    search(&mut s, "e");
    assert!(s.app.view().search.index.is_truncated());
    let total = s.app.view().search.total();
    let real =
        memchr::memchr_iter(b'e', &std::fs::read("assets/lorem.txt").unwrap()).count() as u64;
    assert_eq!(total, real, "count past the cap must stay exact");
    // Bytes near the end: every 'e' on screen is highlighted though it is not stored.
    let bytes = std::fs::read("assets/lorem.txt").unwrap();
    let want: Vec<(u64, u64)> = (0x2c0..0x2e1)
        .filter(|&i| bytes[i as usize] == b'e')
        .map(|i| (i, 1))
        .collect();
    assert_eq!(
        s.app.view().search.matches_in(s.app.doc(), 0x2c0..0x2e1),
        want
    );
}
