//! Each widget alone, drawn from a frame's view model (`ui::model::Screen`) into a
//! `ratatui::buffer::Buffer`: what it writes, where, in which style, and nothing else.

#![allow(clippy::unwrap_used)]

mod support;

use maphex::core::document::Document;
use maphex::tui::runtime::Session;
use maphex::tui::ui::model::Screen;
use maphex::tui::ui::{self, help, hex_pane, inspector, line_pane, search_pane, status, text_pane};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use support::{row, typ};

const BYTES: &[u8] = b"Hello, world!\n\x00\x01\xff line two\nthird line here\n";

fn session(w: u16, h: u16) -> Session {
    Session::new(Document::from_bytes("w.bin", BYTES.to_vec()), (w, h))
}

fn blank(w: u16, h: u16) -> Buffer {
    Buffer::empty(Rect::new(0, 0, w, h))
}

/// Rows of `buf` that hold anything but spaces.
fn drawn_rows(buf: &Buffer) -> Vec<u16> {
    (0..buf.area.height)
        .filter(|&y| !row(buf, y).trim().is_empty())
        .collect()
}

#[test]
fn hex_pane_draws_offsets_and_digits_and_reverses_the_cursor() {
    let mut s = session(80, 24);
    typ(&mut s, "ll");
    let screen = Screen::of(&s.app);
    let mut buf = blank(80, 24);
    hex_pane::render(&mut buf, &screen, &ui::visible(&screen));
    assert_eq!(
        row(&buf, 0).trim_end(),
        "00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 00 01"
    );
    assert!(row(&buf, 1).starts_with("00000010  ff 20 6c 69"));
    // The cursor byte (offset 2, "6c") is reversed: the hex pane has focus.
    let x = 10 + 2 * 3;
    assert_eq!(buf[(x, 0)].symbol(), "6");
    assert!(buf[(x, 0)].modifier.contains(Modifier::REVERSED));
    assert!(!buf[(10, 0)].modifier.contains(Modifier::REVERSED));
    // Nothing in the text pane's columns or below the data.
    assert!(row(&buf, 0)[60..].trim().is_empty());
    assert_eq!(drawn_rows(&buf), [0, 1, 2]);
}

#[test]
fn text_pane_draws_glyphs_for_every_byte_and_underlines_the_cursor() {
    let s = session(80, 24);
    let screen = Screen::of(&s.app);
    let mut buf = blank(80, 24);
    text_pane::render(&mut buf, &screen, &ui::visible(&screen));
    let r0 = row(&buf, 0);
    assert_eq!(
        &r0[..60].trim(),
        &"",
        "the text pane draws only its own columns"
    );
    assert!(r0.contains("Hello, world!_"), "{r0:?}");
    // NUL, a control and an invalid byte become glyphs, never raw bytes.
    let r1 = row(&buf, 1);
    assert!(!r1.contains('\u{0}') && !r1.contains('\u{1}'), "{r1:?}");
    assert!(buf[(60, 0)].modifier.contains(Modifier::UNDERLINED));
}

#[test]
fn line_pane_draws_lines_with_line_offsets() {
    let mut s = session(80, 24);
    typ(&mut s, "T");
    assert!(s.wait_lines(std::time::Duration::from_secs(10)));
    let screen = Screen::of(&s.app);
    let mut buf = blank(80, 24);
    line_pane::render(&mut buf, &screen);
    assert!(row(&buf, 0).contains("Hello, world!"), "{}", row(&buf, 0));
    assert!(row(&buf, 1).contains("line two"), "{}", row(&buf, 1));
    assert!(row(&buf, 2).contains("third line here"), "{}", row(&buf, 2));
}

#[test]
fn status_bar_says_mode_name_offset_byte_percent_and_size() {
    let mut s = session(80, 24);
    typ(&mut s, "G");
    let screen = Screen::of(&s.app);
    let mut buf = blank(80, 24);
    status::render(&mut buf, &screen);
    let bar = row(&buf, 22);
    for want in [" RO ", "w.bin", "0x2a (42)", "byte 0a", "100%", "43 bytes"] {
        assert!(bar.contains(want), "{want:?} not in {bar:?}");
    }
    assert_eq!(drawn_rows(&buf), [22], "the status bar draws one row");
}

#[test]
fn status_bar_drops_the_match_number_once_the_cursor_leaves_the_match() {
    let mut s = session(80, 24);
    typ(&mut s, "/");
    typ(&mut s, "line");
    support::key(&mut s, maphex::tui::input::KeyCode::Enter);
    assert!(s.wait_search(std::time::Duration::from_secs(10)));
    let bar = |s: &Session| {
        let mut buf = blank(80, 24);
        status::render(&mut buf, &Screen::of(&s.app));
        row(&buf, 22)
    };
    assert!(bar(&s).contains("match 1/2"), "{}", bar(&s));
    typ(&mut s, "g");
    assert!(bar(&s).contains("2 matches"), "{}", bar(&s));
    assert!(!bar(&s).contains("match 1/2"), "{}", bar(&s));
    // An invalid query forgets the old count.
    typ(&mut s, "/");
    typ(&mut s, "(");
    support::key(&mut s, maphex::tui::input::KeyCode::Enter);
    assert!(!bar(&s).contains("matches"), "{}", bar(&s));
}

#[test]
fn inspector_panel_shows_values_at_the_cursor_above_the_status_bar() {
    let mut s = session(80, 24);
    typ(&mut s, "I");
    let screen = Screen::of(&s.app);
    let mut buf = blank(80, 24);
    inspector::render(&mut buf, &screen);
    let rows = drawn_rows(&buf);
    assert_eq!(rows.len(), 7, "title and six lines: {rows:?}");
    assert_eq!(*rows.last().unwrap(), 21, "right above the status bar");
    assert!(row(&buf, rows[0]).contains("inspector at 0x0"));
    assert!(inspector::lines(&screen)[0].contains("72"), "u8 of 'H'");
}

#[test]
fn search_pane_lists_matches_with_offsets_and_previews() {
    let mut s = session(80, 24);
    typ(&mut s, "/");
    typ(&mut s, "line");
    support::key(&mut s, maphex::tui::input::KeyCode::Enter);
    assert!(s.wait_search(std::time::Duration::from_secs(10)));
    typ(&mut s, "s");
    let screen = Screen::of(&s.app);
    let mut buf = blank(80, 24);
    search_pane::render(&mut buf, &screen);
    let text: Vec<String> = drawn_rows(&buf).into_iter().map(|y| row(&buf, y)).collect();
    assert!(text.iter().any(|r| r.contains("00000012")), "{text:#?}");
    assert!(text.iter().any(|r| r.contains("00000021")), "{text:#?}");
}

#[test]
fn help_overlay_is_a_box_centred_on_the_screen() {
    let mut buf = blank(120, 300);
    help::render(
        &mut buf,
        0,
        maphex::tui::theme::Theme::with_colors(false, maphex::tui::config::Colors::default()),
    );
    let rows = drawn_rows(&buf);
    let (top, bottom) = (rows[0], *rows.last().unwrap());
    assert!(row(&buf, top).contains("┌ maphex keys"));
    assert!(row(&buf, bottom).contains('┘'));
    assert!(
        top > 0 && bottom < 299,
        "centred, not at the edges: {top}..{bottom}"
    );
    assert!(
        top.abs_diff(299 - bottom) <= 1,
        "as much room above as below: {top}..{bottom}"
    );
}

#[test]
fn message_log_overlay_lists_earlier_messages_whole() {
    let mut s = session(80, 24);
    typ(&mut s, "i"); // read-only: refused, with a message
    let long = format!("a message longer than the line: {}", "x".repeat(120));
    s.app.error(long.clone());
    typ(&mut s, "Z"); // not bound
    support::cmd(&mut s, "messages");
    let buf = maphex::tui::harness::screen(&s);
    let text = maphex::tui::harness::text(&buf);
    assert!(text.contains("┌ messages"), "{text}");
    assert!(text.contains("read-only"), "{text}");
    assert!(text.contains("Z is not bound"), "{text}");
    // The long one is there whole (wrapped), not cut at the screen edge.
    let joined: String = text
        .lines()
        .map(|l| l.trim_matches(|c| c == '│' || c == ' '))
        .collect();
    assert!(joined.contains(&"x".repeat(120)), "{text}");
    assert_eq!(
        s.app.log().count(),
        3,
        "{:?}",
        s.app.log().collect::<Vec<_>>()
    );
    // Any other key closes it; `?` then shows the keys again.
    typ(&mut s, "q");
    typ(&mut s, "?");
    let text = maphex::tui::harness::text(&maphex::tui::harness::screen(&s));
    assert!(text.contains("maphex keys"), "{text}");
}

#[test]
fn message_line_draws_the_prompt_with_its_cursor_and_cuts_long_messages_with_a_pointer() {
    use maphex::tui::ui::message;
    let mut s = session(80, 24);
    typ(&mut s, ":set cols");
    support::key(&mut s, maphex::tui::input::KeyCode::Left);
    let screen = Screen::of(&s.app);
    let mut buf = blank(80, 24);
    message::render(&mut buf, &screen);
    assert!(row(&buf, 23).starts_with(":set cols"), "{}", row(&buf, 23));
    assert!(
        buf[(8, 23)].modifier.contains(Modifier::REVERSED),
        "the cursor is on the last 's' after Left"
    );
    assert_eq!(drawn_rows(&buf), [23], "the message line draws one row");
    support::key(&mut s, maphex::tui::input::KeyCode::Esc);
    s.app.error("x".repeat(200));
    let screen = Screen::of(&s.app);
    let mut buf = blank(80, 24);
    message::render(&mut buf, &screen);
    let line = row(&buf, 23);
    assert!(line.ends_with("… (:messages)"), "{line:?}");
    assert_eq!(line.chars().count(), 80);
}

#[test]
fn hex_gaps_take_the_pairs_colour_but_never_a_highlight() {
    use ratatui::style::Color;
    let mut s = session(80, 24);
    typ(&mut s, "v");
    typ(&mut s, "ll"); // select bytes 0..=2
    let screen = Screen::of(&s.app);
    let mut buf = blank(80, 24);
    hex_pane::render(&mut buf, &screen, &ui::visible(&screen));
    // "48 65 6c": digits at 10,11 / 13,14 / 16,17; gaps at 12 and 15.
    let digit = &buf[(11, 0)];
    let gap = &buf[(12, 0)];
    assert_eq!(gap.symbol(), " ");
    assert_eq!(gap.fg, digit.fg, "the gap carries the pair's colour");
    assert_eq!(gap.bg, Color::Reset, "no highlight spills into the gap");
    assert!(gap.modifier.is_empty());
    assert_ne!(
        buf[(13, 0)].bg,
        Color::Reset,
        "the selected pair itself is highlighted"
    );
}
