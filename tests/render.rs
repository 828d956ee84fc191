//! Whole screens through ratatui's `TestBackend`, with insta snapshots (text only; styles are
//! asserted separately because snapshots drop them).

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod support;
use support::{key, open, row, sparse};

use std::path::Path;
use std::time::Duration;

use maphex::core::document::{Document, Mode, OpenConfig};
use maphex::tui::input::{Input, Key, KeyCode};
use maphex::tui::runtime::Session;
use maphex::tui::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};

fn lorem(mode: Mode) -> (tempfile::TempDir, Document) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lorem.txt");
    std::fs::copy("assets/lorem.txt", &path).unwrap();
    let doc = Document::open(
        &path,
        OpenConfig {
            mode,
            ..OpenConfig::default()
        },
    )
    .unwrap();
    (dir, doc)
}

/// The sample opened by its repository path, so the status bar shows `assets/lorem.txt`.
fn sample() -> Document {
    Document::open(
        Path::new("assets/lorem.txt"),
        OpenConfig {
            mode: Mode::ReadOnly,
            ..OpenConfig::default()
        },
    )
    .unwrap()
}

fn screen(s: &Session, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| ui::draw(f, &s.app)).unwrap();
    t
}

fn keys(s: &mut Session, text: &str) {
    for c in text.chars() {
        s.input(Input::Key(Key::ch(c)));
    }
}

#[test]
fn first_screen_80x24() {
    let s = Session::new(sample(), (80, 24));
    insta::assert_snapshot!(screen(&s, 80, 24).backend());
}

#[test]
fn first_screen_120x40() {
    let s = Session::new(sample(), (120, 40));
    insta::assert_snapshot!(screen(&s, 120, 40).backend());
}

#[test]
fn help_overlay_lists_every_action() {
    let mut s = Session::new(sample(), (140, 50));
    keys(&mut s, "?");
    let t = screen(&s, 140, 50);
    // The keys of every mode make it longer than 50 rows: read it page by page.
    let mut text = String::new();
    for _ in 0..10 {
        let page = screen(&s, 140, 50);
        text.extend((0..50).map(|y| row(page.backend().buffer(), y) + "\n"));
        keys(&mut s, " ");
    }
    for b in maphex::tui::action::ACTIONS {
        assert!(text.contains(b.doc), "help lacks {:?}:\n{text}", b.name);
    }
    insta::assert_snapshot!(t.backend());
}

#[test]
fn cursor_is_reversed_in_both_panes() {
    let s = Session::new(sample(), (80, 24));
    let t = screen(&s, 80, 24);
    let buf = t.backend().buffer();
    // Hex pane cell of byte 0 (x = 10) and text pane cell (x = 60).
    assert!(buf[(10, 0)].modifier.contains(Modifier::REVERSED));
    assert!(buf[(60, 0)].modifier.contains(Modifier::REVERSED));
    assert!(!buf[(13, 0)].modifier.contains(Modifier::REVERSED));
}

#[test]
fn changed_bytes_are_drawn_apart_until_saved() {
    let (_dir, doc) = lorem(Mode::CopyOnWrite);
    let mut s = Session::new(doc, (80, 24));
    keys(&mut s, "li41");
    key(&mut s, KeyCode::Esc);
    let t = screen(&s, 80, 24);
    let buf = t.backend().buffer();
    assert_eq!(&row(buf, 0)[..24], "00000000  4c 41 72 65 6d");
    assert!(
        buf[(13, 0)]
            .modifier
            .contains(Modifier::BOLD | Modifier::UNDERLINED),
        "changed byte not marked"
    );
    assert!(!buf[(16, 0)].modifier.contains(Modifier::UNDERLINED));
    assert!(row(buf, 22).contains("[+]"));
    s.input(Input::Key(Key::ctrl('s')));
    let t = screen(&s, 80, 24);
    let buf = t.backend().buffer();
    assert!(
        !buf[(13, 0)].modifier.contains(Modifier::UNDERLINED),
        "saved byte still marked"
    );
    assert!(!row(buf, 22).contains("[+]"));
}

#[test]
fn matches_are_highlighted_and_current_one_differs() {
    let mut s = Session::new(sample(), (80, 24));
    keys(&mut s, "/");
    keys(&mut s, "(?i)nulla");
    key(&mut s, KeyCode::Enter);
    assert!(s.wait_search(Duration::from_secs(10)));
    assert_eq!(s.app.cursor(), 0xc3);
    let t = screen(&s, 80, 24);
    let buf = t.backend().buffer();
    // 0xc3 is row 0xc0 (y = 12), byte 3; 0x20e is row 0x200 (y = 32): off screen at 24 rows.
    let cur_bg = buf[(10 + 3 * 3, 12)].bg;
    let other_bg = buf[(10 + 3 * 4, 12)].bg;
    assert_ne!(cur_bg, Color::Reset, "current match not highlighted");
    assert_eq!(
        buf[(10 + 3 * 2, 12)].bg,
        Color::Reset,
        "byte before the match highlighted"
    );
    assert_eq!(cur_bg, other_bg);
    keys(&mut s, "n");
    let t = screen(&s, 80, 24);
    let buf = t.backend().buffer();
    let y = (0..22)
        .find(|&y| row(buf, y).starts_with("00000200"))
        .unwrap();
    // 0x20e: byte 14 of its row, in the second group of eight.
    let x = 10 + 3 * 14 + 1;
    let current = buf[(x, y)].bg;
    assert_ne!(current, Color::Reset);
    // The first match, now not current, keeps a match highlight of another colour.
    let y0 = (0..22).find(|&y| row(buf, y).starts_with("000000c0"));
    if let Some(y0) = y0 {
        assert_ne!(buf[(10 + 3 * 3, y0)].bg, Color::Reset);
        assert_ne!(buf[(10 + 3 * 3, y0)].bg, current);
    }
    assert!(row(buf, 23).contains("match 2 of 3"), "{}", row(buf, 23));
}

#[test]
fn no_color_keeps_cursor_and_changes_visible() {
    let (_dir, doc) = lorem(Mode::CopyOnWrite);
    let mut s = Session::new(doc, (80, 24));
    s.app.no_color = true;
    keys(&mut s, "i5");
    let t = screen(&s, 80, 24);
    let buf = t.backend().buffer();
    for y in 0..24 {
        for x in 0..80 {
            assert_eq!(
                buf[(x, y)].fg,
                Color::Reset,
                "colour at {x},{y} with NO_COLOR"
            );
            assert_eq!(
                buf[(x, y)].bg,
                Color::Reset,
                "colour at {x},{y} with NO_COLOR"
            );
        }
    }
    assert!(
        buf[(10, 0)].modifier.contains(Modifier::UNDERLINED),
        "changed byte not marked"
    );
    // The low nibble is under the cursor after typing the high one.
    assert!(buf[(11, 0)].modifier.contains(Modifier::REVERSED));
}

#[test]
fn every_size_down_to_1x1_renders() {
    let (_dir, doc) = lorem(Mode::CopyOnWrite);
    let mut s = Session::new(doc, (80, 24));
    keys(&mut s, "s?");
    for w in 0..40u16 {
        for h in 0..12u16 {
            s.input(Input::Resize(w, h));
            let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
            t.draw(|f| ui::draw(f, &s.app)).unwrap();
        }
    }
}

#[test]
fn empty_file_shows_offset_zero_and_says_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty");
    std::fs::write(&path, b"").unwrap();
    let doc = Document::open(&path, OpenConfig::default()).unwrap();
    let s = Session::new(doc, (80, 24));
    let t = screen(&s, 80, 24);
    let buf = t.backend().buffer();
    assert!(row(buf, 0).starts_with("00000000"));
    assert!(row(buf, 23).contains("empty file"), "{}", row(buf, 23));
}

#[test]
fn offsets_past_4_gib_get_nine_digits() {
    let (_dir, path) = sparse("sparse", 8 << 30);
    let doc = open(&path, Mode::ReadOnly);
    let mut s = Session::new(doc, (80, 24));
    keys(&mut s, "G");
    let t = screen(&s, 80, 24);
    let buf = t.backend().buffer();
    let last = (0..22)
        .map(|y| row(buf, y))
        .rfind(|r| !r.trim().is_empty())
        .unwrap();
    assert!(last.starts_with("1fffffff0  00 00"), "{last}");
    assert!(
        row(buf, 22).contains("0x1ffffffff (8589934591)"),
        "{}",
        row(buf, 22)
    );
}

/// Regression (fixed): at 80×15, 40 × `j` scrolled the help past its end, leaving an empty
/// box. Scrolling now stops with the last line at the bottom of the box.
#[test]
fn help_stops_scrolling_at_its_end() {
    let mut s = Session::new(sample(), (80, 15));
    keys(&mut s, "?");
    keys(&mut s, &"j".repeat(400));
    let t = screen(&s, 80, 15);
    let buf = t.backend().buffer();
    let rows: Vec<String> = (0..15).map(|y| row(buf, y)).collect();
    let bottom = rows.iter().rposition(|r| r.contains('└')).unwrap();
    let last_inner = &rows[bottom - 1];
    assert!(
        last_inner.contains("[default default]"),
        "the last help line is not at the bottom:\n{}",
        rows.join("\n")
    );
    // One more `j` changes nothing, and `k` scrolls back at once.
    let before = s.app.help_scroll;
    keys(&mut s, "j");
    assert_eq!(s.app.help_scroll, before);
    keys(&mut s, "k");
    assert_eq!(s.app.help_scroll, before - 1);
}
