//! The tools at the cursor, driven headless through `Session`: selection, copy (register and
//! OSC 52 clipboard), paste, fill, marks and the jump list, the data inspector, and the
//! layout options of `:set` (with mouse hit-testing in every group size).

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod support;
use support::{cmd, key, message, open, row, screen_text, severity, typ};

use std::path::{Path, PathBuf};
use std::time::Duration;

use maphex::core::document::{Document, EditError, Mode, OpenConfig};
use maphex::core::source::ByteSource;
use maphex::tui::app::{Pane, Severity, ViewOpts};
use maphex::tui::input::{Input, Key, KeyCode, Mouse};
use maphex::tui::layout::Cols;
use maphex::tui::runtime::Session;
use maphex::tui::ui;
use maphex::tui::ui::inspector;
use maphex::tui::ui::model::Screen;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const WAIT: Duration = Duration::from_secs(20);
const LOREM: &str = "assets/lorem.txt";

// ---- helpers ------------------------------------------------------------------------------

fn lorem_bytes() -> Vec<u8> {
    std::fs::read(LOREM).unwrap()
}

/// A session on a temporary copy of `bytes`; the directory lives as long as the tuple.
fn session_on(bytes: &[u8], mode: Mode) -> (tempfile::TempDir, PathBuf, Session) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.bin");
    std::fs::write(&path, bytes).unwrap();
    let doc = Document::open(
        &path,
        OpenConfig {
            mode,
            ..OpenConfig::default()
        },
    )
    .unwrap();
    (dir, path, Session::new(doc, (80, 24)))
}

fn lorem(mode: Mode) -> (tempfile::TempDir, PathBuf, Session) {
    session_on(&lorem_bytes(), mode)
}

/// The sample opened by its repository path (read-only), so screens are stable snapshots.
fn sample(size: (u16, u16)) -> Session {
    let doc = open(Path::new(LOREM), Mode::ReadOnly);
    Session::new(doc, size)
}

fn draw(s: &Session, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| ui::draw(f, &s.app)).unwrap();
    t
}

fn all_bytes(s: &Session) -> Vec<u8> {
    s.app.doc().read(0..s.app.doc().len()).into_owned()
}

/// Column where byte `i` of a row is drawn in the hex pane, counted the long way: three
/// columns a byte, one more after every full group.
fn expected_hex_x(hex_x: usize, i: usize, group: usize) -> usize {
    let mut x = hex_x;
    for j in 0..i {
        x += 3;
        if (j + 1) % group == 0 {
            x += 1;
        }
    }
    x
}

// ---- selection ----------------------------------------------------------------------------

#[test]
fn selection_extends_shows_in_status_and_is_styled_apart() {
    let (_d, _p, mut s) = lorem(Mode::ReadOnly);
    typ(&mut s, "v");
    assert_eq!(s.app.view().anchor, Some(0));
    assert_eq!(s.app.selection(), Some(0..1));
    typ(&mut s, "lj");
    assert_eq!(s.app.cursor(), 17);
    assert_eq!(s.app.selection(), Some(0..18));
    let t = draw(&s, 80, 24);
    let buf = t.backend().buffer();
    assert!(
        row(buf, 22).contains("-- SELECT 18 bytes --"),
        "{}",
        row(buf, 22)
    );
    // Row 1: bytes 0x10 ('r') and 0x11 (' ') are selected, 0x12 ('s') is not; 0x10 and 0x12
    // are both printable, so only the selection can make them differ.
    let (hx, tx) = (10, 60);
    let sel_hex = buf[(hx, 1)].style();
    let unsel_hex = buf[(hx + 6, 1)].style();
    assert_ne!(sel_hex, unsel_hex, "selected hex cell looks unselected");
    assert_eq!(buf[(hx + 6, 1)].symbol(), "7");
    let sel_text = buf[(tx, 1)].style();
    let unsel_text = buf[(tx + 2, 1)].style();
    assert_ne!(sel_text, unsel_text, "selected text cell looks unselected");
    // Every byte of row 0 is selected and styled alike (none is the cursor).
    let first = buf[(hx + 3, 0)].style();
    for i in 1..16 {
        let x = expected_hex_x(hx as usize, i, 8) as u16;
        assert_eq!(buf[(x, 0)].style(), first, "byte {i} of row 0");
    }
    // Selected bytes look like neither an unselected byte nor the cursor.
    assert_ne!(first, buf[(hx + 3 * 2, 2)].style());
    assert_ne!(
        first,
        buf[(hx + 3, 1)].style(),
        "selection looks like the cursor"
    );
    // Moving back over the anchor selects the other way.
    typ(&mut s, "kh");
    assert_eq!(s.app.cursor(), 0);
    assert_eq!(s.app.selection(), Some(0..1));
    typ(&mut s, "v");
    typ(&mut s, "l");
    assert_eq!(s.app.view().anchor, None, "second v ends the selection");

    // Esc ends it and the status bar forgets it.
    typ(&mut s, "vll");
    assert_eq!(s.app.selection(), Some(1..4));
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.app.view().anchor, None);
    assert_eq!(s.app.selection(), None);
    let t = draw(&s, 80, 24);
    let buf = t.backend().buffer();
    assert!(!row(buf, 22).contains("SELECT"), "{}", row(buf, 22));
    assert_eq!(
        buf[(hx + 3, 0)].style(),
        buf[(hx + 3 * 2, 0)].style(),
        "selection style left behind"
    );
}

#[test]
fn selection_in_an_empty_file_is_refused() {
    let (_d, _p, mut s) = session_on(b"", Mode::CopyOnWrite);
    typ(&mut s, "v");
    assert_eq!(s.app.view().anchor, None);
    assert_eq!(severity(&s), Some(Severity::Error));
    typ(&mut s, "y");
    assert!(s.clipboard.is_empty());
    assert!(s.app.register.is_empty());
}

// ---- copy -------------------------------------------------------------------------------

#[test]
fn yank_copies_hex_to_register_and_clipboard_and_ends_the_selection() {
    let (_d, _p, mut s) = lorem(Mode::ReadOnly);
    typ(&mut s, "vllll");
    typ(&mut s, "y");
    assert_eq!(s.app.register, b"Lorem");
    assert_eq!(s.clipboard, vec!["4c 6f 72 65 6d".to_string()]);
    assert_eq!(s.app.view().anchor, None, "selection kept after a copy");
    assert!(
        message(&s).contains("copied 5 bytes as hex"),
        "{}",
        message(&s)
    );
    // The runtime writes the clipboard text as OSC 52, base64 of exactly that text.
    assert_eq!(
        maphex::tui::selection::osc52(&s.clipboard[0]),
        "\x1b]52;c;NGMgNmYgNzIgNjUgNmQ=\x07"
    );

    // :y text and :y c on the same bytes (a selection again: the last one ended).
    typ(&mut s, "0vllll");
    cmd(&mut s, "y text");
    assert_eq!(s.clipboard[1], "Lorem");
    assert_eq!(s.app.view().anchor, None);
    typ(&mut s, "0vllll");
    cmd(&mut s, "y c");
    assert_eq!(
        s.clipboard[2],
        "unsigned char data[5] = {\n    0x4c, 0x6f, 0x72, 0x65, 0x6d\n};\n"
    );
    assert_eq!(s.app.register, b"Lorem");
    assert_eq!(s.app.view().anchor, None);

    // Without a selection, y takes the byte under the cursor.
    typ(&mut s, "0j");
    typ(&mut s, "y");
    assert_eq!(s.app.register, b"r");
    assert_eq!(s.clipboard[3], "72");

    // An unknown format is refused, the register untouched.
    typ(&mut s, "v");
    cmd(&mut s, "y base64");
    assert_eq!(severity(&s), Some(Severity::Error));
    assert!(
        message(&s).contains("unknown copy format"),
        "{}",
        message(&s)
    );
    assert_eq!(s.clipboard.len(), 4);
    assert_eq!(s.app.register, b"r");
}

#[test]
fn yank_text_of_invalid_utf8_is_lossy_but_register_keeps_bytes() {
    let (_d, _p, mut s) = session_on(b"a\xffb\x00", Mode::ReadOnly);
    typ(&mut s, "vlll");
    cmd(&mut s, "y text");
    assert_eq!(s.app.register, b"a\xffb\x00");
    assert_eq!(s.clipboard[0], "a\u{fffd}b\u{0}");
}

// ---- paste ------------------------------------------------------------------------------

#[test]
fn paste_overwrites_marks_changes_and_undoes_in_one_step() {
    let orig = lorem_bytes();
    let (_d, path, mut s) = lorem(Mode::CopyOnWrite);
    typ(&mut s, "vllll");
    typ(&mut s, "y");
    cmd(&mut s, "0x20");
    assert_eq!(s.app.cursor(), 0x20);
    typ(&mut s, "p");
    assert_eq!(severity(&s), Some(Severity::Info), "{}", message(&s));
    assert_eq!(s.app.cursor(), 0x20, "paste moved the cursor");
    let now = all_bytes(&s);
    assert_eq!(&now[0x20..0x25], b"Lorem");
    assert_eq!(&now[..0x20], &orig[..0x20]);
    assert_eq!(&now[0x25..], &orig[0x25..]);
    assert_eq!(s.app.doc().len(), orig.len() as u64);
    assert!(s.app.doc().is_dirty());
    // Changed means "differs from the file": 0x23 was an 'e' and still is.
    assert_eq!(&orig[0x20..0x25], b"ectet");
    assert_eq!(
        s.app.doc().changed_in(0..orig.len() as u64),
        vec![0x20..0x23, 0x24..0x25]
    );
    // The pasted bytes are drawn as changed (row 2, bytes 0..5), the next one is not.
    let t = draw(&s, 80, 24);
    let buf = t.backend().buffer();
    assert_ne!(buf[(10 + 3, 2)].style(), buf[(10 + 3 * 6, 2)].style());
    assert_eq!(&row(buf, 2)[..24], "00000020  4c 6f 72 65 6d");
    // The register is kept: a second paste works too.
    assert_eq!(s.app.register, b"Lorem");

    // One undo step restores exactly; a second has nothing to undo.
    typ(&mut s, "u");
    assert_eq!(all_bytes(&s), orig);
    assert!(!s.app.doc().is_dirty());
    typ(&mut s, "u");
    assert_eq!(message(&s), "nothing to undo");
    // Redo brings it back, and nothing reached the disk.
    s.input(Input::Key(Key::ctrl('r')));
    assert_eq!(&all_bytes(&s)[0x20..0x25], b"Lorem");
    assert_eq!(std::fs::read(&path).unwrap(), orig);
}

#[test]
fn paste_with_an_empty_register_is_refused() {
    let orig = lorem_bytes();
    let (_d, _p, mut s) = lorem(Mode::CopyOnWrite);
    typ(&mut s, "p");
    assert_eq!(severity(&s), Some(Severity::Error));
    assert!(message(&s).contains("register is empty"), "{}", message(&s));
    assert_eq!(all_bytes(&s), orig);
    assert!(!s.app.doc().is_dirty());
}

#[test]
fn paste_in_read_only_is_refused_and_changes_nothing() {
    let orig = lorem_bytes();
    let (_d, path, mut s) = lorem(Mode::ReadOnly);
    typ(&mut s, "vllll");
    typ(&mut s, "y");
    assert_eq!(s.app.register, b"Lorem");
    typ(&mut s, "jp");
    assert_eq!(severity(&s), Some(Severity::Error));
    // The core's words first; the TUI's hint (`tui::hint::edit`) may follow.
    assert!(
        message(&s).starts_with(&EditError::ReadOnly.to_string()),
        "{}",
        message(&s)
    );
    assert_eq!(all_bytes(&s), orig);
    assert!(!s.app.doc().is_dirty());
    assert!(s.app.doc().changed_in(0..orig.len() as u64).is_empty());
    assert_eq!(std::fs::read(&path).unwrap(), orig);
}

#[test]
fn paste_at_the_end_appends_and_save_grows_the_file() {
    let orig = lorem_bytes();
    let (_d, path, mut s) = lorem(Mode::CopyOnWrite);
    typ(&mut s, "vllll");
    typ(&mut s, "y");
    typ(&mut s, "G");
    assert_eq!(s.app.cursor(), 736);
    typ(&mut s, "p");
    assert_eq!(severity(&s), Some(Severity::Info), "{}", message(&s));
    let mut want = orig[..736].to_vec();
    want.extend_from_slice(b"Lorem");
    assert_eq!(s.app.doc().len(), 741);
    assert_eq!(all_bytes(&s), want);
    cmd(&mut s, "w");
    assert!(!s.app.doc().is_dirty(), "{}", message(&s));
    assert_eq!(std::fs::read(&path).unwrap(), want);
    // G now reaches the new last byte.
    typ(&mut s, "G");
    assert_eq!(s.app.cursor(), 740);
}

#[test]
fn paste_then_undo_after_append_restores_the_length() {
    let orig = lorem_bytes();
    let (_d, _p, mut s) = lorem(Mode::CopyOnWrite);
    typ(&mut s, "vllll");
    typ(&mut s, "yGp");
    assert_eq!(s.app.doc().len(), 741);
    typ(&mut s, "u");
    assert_eq!(s.app.doc().len(), 737);
    assert_eq!(all_bytes(&s), orig);
    assert!(s.app.cursor() < 737);
}

// ---- fill -------------------------------------------------------------------------------

#[test]
fn fill_writes_the_pattern_over_exactly_the_selection() {
    let orig = lorem_bytes();
    let (_d, _p, mut s) = lorem(Mode::CopyOnWrite);
    cmd(&mut s, "0x13");
    typ(&mut s, "v");
    typ(&mut s, &"l".repeat(9));
    assert_eq!(s.app.selection(), Some(0x13..0x1d));
    cmd(&mut s, "fill de ad");
    assert_eq!(severity(&s), Some(Severity::Info), "{}", message(&s));
    let now = all_bytes(&s);
    assert_eq!(
        &now[0x13..0x1d],
        &[0xde, 0xad, 0xde, 0xad, 0xde, 0xad, 0xde, 0xad, 0xde, 0xad]
    );
    assert_eq!(&now[..0x13], &orig[..0x13]);
    assert_eq!(&now[0x1d..], &orig[0x1d..]);
    assert_eq!(s.app.doc().changed_in(0..737), vec![0x13..0x1d]);
    assert_eq!(s.app.view().anchor, None, "selection kept after a fill");
    typ(&mut s, "u");
    assert_eq!(all_bytes(&s), orig);
    typ(&mut s, "u");
    assert_eq!(message(&s), "nothing to undo");

    // A three-byte pattern over ten bytes is cut in the middle of a repeat; selecting
    // backwards fills the same range.
    cmd(&mut s, "0x1c");
    typ(&mut s, "v");
    typ(&mut s, &"h".repeat(9));
    cmd(&mut s, "fill 01 02 03");
    assert_eq!(&all_bytes(&s)[0x13..0x1d], &[1, 2, 3, 1, 2, 3, 1, 2, 3, 1]);
    assert_eq!(all_bytes(&s)[0x1d], orig[0x1d]);
    // Hex without spaces works too.
    typ(&mut s, "v");
    cmd(&mut s, "fill ff");
    assert_eq!(all_bytes(&s)[0x13], 0xff);
}

#[test]
fn fill_refusals_change_nothing() {
    let orig = lorem_bytes();
    let (_d, _p, mut s) = lorem(Mode::CopyOnWrite);
    // No selection.
    cmd(&mut s, "fill de ad");
    assert_eq!(severity(&s), Some(Severity::Error));
    assert!(
        message(&s).contains("select bytes with v first"),
        "{}",
        message(&s)
    );
    assert_eq!(all_bytes(&s), orig);
    // With a selection: bad hex, a half byte, nothing, and wildcards.
    for (pattern, want) in [
        ("zz", "bad fill pattern"),
        ("de a", "bad fill pattern"),
        ("", "give the fill bytes in hex"),
        ("??", "a fill needs real bytes"),
        ("de ?? ad", "a fill needs real bytes"),
    ] {
        typ(&mut s, "0v");
        typ(&mut s, "llll");
        cmd(&mut s, &format!("fill {pattern}"));
        assert_eq!(severity(&s), Some(Severity::Error), "{pattern:?}");
        assert!(
            message(&s).contains(want),
            "{pattern:?}: {} (wanted {want:?})",
            message(&s)
        );
        assert_eq!(all_bytes(&s), orig, "{pattern:?} changed bytes");
        assert!(!s.app.doc().is_dirty(), "{pattern:?}");
        key(&mut s, KeyCode::Esc);
    }
    typ(&mut s, "u");
    assert_eq!(message(&s), "nothing to undo");
}

#[test]
fn fill_in_read_only_is_refused() {
    let orig = lorem_bytes();
    let (_d, _p, mut s) = lorem(Mode::ReadOnly);
    typ(&mut s, "vll");
    cmd(&mut s, "fill 00");
    assert_eq!(severity(&s), Some(Severity::Error));
    // The core's words first; the TUI's hint (`tui::hint::edit`) may follow.
    assert!(
        message(&s).starts_with(&EditError::ReadOnly.to_string()),
        "{}",
        message(&s)
    );
    assert_eq!(all_bytes(&s), orig);
}

// ---- marks and jumps ----------------------------------------------------------------------

#[test]
fn marks_set_and_jump_back() {
    let (_d, _p, mut s) = lorem(Mode::ReadOnly);
    cmd(&mut s, "0x42");
    typ(&mut s, "ma");
    assert_eq!(s.app.view().marks.get(&'a'), Some(&0x42));
    typ(&mut s, "jjl");
    assert_eq!(s.app.cursor(), 0x63);
    typ(&mut s, "mb");
    typ(&mut s, "G");
    typ(&mut s, "'a");
    assert_eq!(s.app.cursor(), 0x42);
    typ(&mut s, "'b");
    assert_eq!(s.app.cursor(), 0x63);
    // An unset mark: a message, the cursor stays.
    typ(&mut s, "'z");
    assert_eq!(s.app.cursor(), 0x63);
    assert_eq!(severity(&s), Some(Severity::Error));
    assert!(message(&s).contains("no mark 'z'"), "{}", message(&s));
    // A mark that is not a letter or digit is refused.
    typ(&mut s, "m!");
    assert_eq!(severity(&s), Some(Severity::Error));
    assert!(!s.app.view().marks.contains_key(&'!'));
    // A mark set again moves.
    typ(&mut s, "gma'b'a");
    assert_eq!(s.app.cursor(), 0);
    // m then a non-character key cancels without setting anything.
    typ(&mut s, "m");
    key(&mut s, KeyCode::Esc);
    assert_eq!(message(&s), "mark cancelled");
    assert_eq!(s.app.pending, None);
}

#[test]
fn ctrl_o_walks_back_through_jumps_in_reverse() {
    let (_d, _p, mut s) = lorem(Mode::ReadOnly);
    let mut before = Vec::new();
    // :0x100
    before.push(s.app.cursor());
    cmd(&mut s, "0x100");
    assert_eq!(s.app.cursor(), 0x100);
    typ(&mut s, "ma");
    typ(&mut s, "j"); // not a jump
    assert_eq!(s.app.cursor(), 0x110);
    // G
    before.push(s.app.cursor());
    typ(&mut s, "G");
    assert_eq!(s.app.cursor(), 736);
    // g
    before.push(s.app.cursor());
    typ(&mut s, "g");
    assert_eq!(s.app.cursor(), 0);
    // a search: Enter jumps to the first match after the cursor
    before.push(s.app.cursor());
    typ(&mut s, "/Nulla");
    key(&mut s, KeyCode::Enter);
    assert!(s.wait_search(WAIT));
    assert_eq!(s.app.cursor(), 0xc3);
    // n
    before.push(s.app.cursor());
    typ(&mut s, "n");
    assert_eq!(s.app.cursor(), 0x20e);
    // a mark jump
    before.push(s.app.cursor());
    typ(&mut s, "'a");
    assert_eq!(s.app.cursor(), 0x100);
    assert_eq!(s.app.view().jumps, before);

    let mut visited = Vec::new();
    for _ in 0..before.len() {
        s.input(Input::Key(Key::ctrl('o')));
        visited.push(s.app.cursor());
    }
    let mut want = before.clone();
    want.reverse();
    assert_eq!(visited, want);
    assert!(message(&s).contains("0 more"), "{}", message(&s));
    // Nothing left: Ctrl-O says so and stays.
    s.input(Input::Key(Key::ctrl('o')));
    assert_eq!(s.app.cursor(), before[0]);
    assert_eq!(message(&s), "no earlier jump");
}

#[test]
fn a_jump_to_where_the_cursor_is_is_not_recorded() {
    let (_d, _p, mut s) = lorem(Mode::ReadOnly);
    typ(&mut s, "g");
    cmd(&mut s, "0");
    assert!(s.app.view().jumps.is_empty(), "{:?}", s.app.view().jumps);
    typ(&mut s, "GG");
    assert_eq!(s.app.view().jumps, vec![0]);
}

// ---- inspector ----------------------------------------------------------------------------

/// Bytes with every interesting sign bit and a UTF-8 character.
fn inspector_bytes() -> Vec<u8> {
    let mut v: Vec<u8> = (0..64u8)
        .map(|i| i.wrapping_mul(37).wrapping_add(0x81))
        .collect();
    v[8..12].copy_from_slice(&1.5f32.to_le_bytes());
    v[16..24].copy_from_slice(&(-2.25f64).to_be_bytes());
    v[32..35].copy_from_slice("€".as_bytes());
    v
}

/// The words of a panel line, with the parentheses some values are shown in taken off.
fn tokens(line: &str) -> Vec<&str> {
    line.split_whitespace()
        .map(|t| t.trim_start_matches('(').trim_end_matches(')'))
        .collect()
}

/// Checks the panel lines at the cursor against `from_le_bytes` / `from_be_bytes`. The panel:
/// the byte line; for each byte order (the chosen one first) a line of u16/i16/u32/i32 and a
/// line of u64/i64/f32; then the f64 line with both orders.
fn check_inspector(s: &Session, bytes: &[u8]) {
    let off = usize::try_from(s.app.cursor()).unwrap();
    let lines = inspector::lines(&Screen::of(&s.app));
    assert_eq!(lines.len(), 6, "{lines:?}");
    let big_first = s.app.settings.endian == maphex::core::inspector::Endian::Big;
    let at = |n: usize| bytes.get(off..off + n);
    let opt = |v: Option<String>| v.unwrap_or_else(|| "--".into());

    // u8 / i8 / bin / hex.
    let t = tokens(&lines[0]);
    let b = bytes.get(off).copied();
    assert_eq!(t[0], "u8", "{}", lines[0]);
    assert_eq!(t[1], opt(b.map(|b| b.to_string())), "{}", lines[0]);
    assert_eq!(
        t[3],
        opt(b.map(|b| b.cast_signed().to_string())),
        "{}",
        lines[0]
    );
    assert_eq!(t[5], opt(b.map(|b| format!("{b:08b}"))), "{}", lines[0]);
    assert_eq!(t[7], opt(b.map(|b| format!("{b:02x}"))), "{}", lines[0]);

    let same32 = |shown: &str, v: Option<f32>| match v {
        None => shown == "--",
        Some(v) if v.is_nan() => shown.eq_ignore_ascii_case("nan"),
        Some(v) => shown
            .parse::<f32>()
            .is_ok_and(|p| p.to_bits() == v.to_bits()),
    };
    let same64 = |shown: &str, v: Option<f64>| match v {
        None => shown == "--",
        Some(v) if v.is_nan() => shown.eq_ignore_ascii_case("nan"),
        Some(v) => shown
            .parse::<f64>()
            .is_ok_and(|p| p.to_bits() == v.to_bits()),
    };
    let a2: Option<[u8; 2]> = at(2).map(|s| s.try_into().unwrap());
    let a4: Option<[u8; 4]> = at(4).map(|s| s.try_into().unwrap());
    let a8: Option<[u8; 8]> = at(8).map(|s| s.try_into().unwrap());
    let orders = if big_first {
        [("be", 1, 2), ("le", 3, 4)]
    } else {
        [("le", 1, 2), ("be", 3, 4)]
    };
    for (tag, l1, l2) in orders {
        let big = tag == "be";
        macro_rules! val {
            ($arr:expr, $t:ty) => {
                opt($arr.map(|a| {
                    if big {
                        <$t>::from_be_bytes(a)
                    } else {
                        <$t>::from_le_bytes(a)
                    }
                    .to_string()
                }))
            };
        }
        let want1 = [
            tag.to_string(),
            "u16".into(),
            val!(a2, u16),
            "i16".into(),
            val!(a2, i16),
            "u32".into(),
            val!(a4, u32),
            "i32".into(),
            val!(a4, i32),
        ];
        assert_eq!(tokens(&lines[l1]), want1, "at {off:#x}: {}", lines[l1]);
        let t = tokens(&lines[l2]);
        assert_eq!(
            t[..6],
            [
                tag.to_string(),
                "u64".into(),
                val!(a8, u64),
                "i64".into(),
                val!(a8, i64),
                "f32".into()
            ]
        );
        let f = a4.map(|a| {
            if big {
                f32::from_be_bytes(a)
            } else {
                f32::from_le_bytes(a)
            }
        });
        assert!(same32(t[6], f), "at {off:#x}: {}", lines[l2]);
    }
    let t = tokens(&lines[5]);
    let (first, second) = if big_first {
        ("be", "le")
    } else {
        ("le", "be")
    };
    assert_eq!((t[0], t[1], t[3]), ("f64", first, second), "{}", lines[5]);
    let f_be = a8.map(f64::from_be_bytes);
    let f_le = a8.map(f64::from_le_bytes);
    let (f_first, f_second) = if big_first {
        (f_be, f_le)
    } else {
        (f_le, f_be)
    };
    assert!(same64(t[2], f_first), "at {off:#x}: {}", lines[5]);
    assert!(same64(t[4], f_second), "at {off:#x}: {}", lines[5]);
}

#[test]
fn inspector_values_agree_with_from_bytes() {
    let bytes = inspector_bytes();
    let (_d, _p, mut s) = session_on(&bytes, Mode::ReadOnly);
    typ(&mut s, "I");
    assert!(s.app.settings.inspector);
    // Every offset, including the last seven where the wider values run out.
    for off in 0..bytes.len() {
        cmd(&mut s, &format!("{off:#x}"));
        assert_eq!(s.app.cursor(), off as u64);
        check_inspector(&s, &bytes);
    }
    cmd(&mut s, "set endian be");
    assert_eq!(severity(&s), Some(Severity::Info), "{}", message(&s));
    for off in [0, 8, 16, 33, 57, 62, 63] {
        cmd(&mut s, &format!("{off:#x}"));
        check_inspector(&s, &bytes);
    }
    // Spot checks of known values.
    cmd(&mut s, "8");
    cmd(&mut s, "set endian le");
    assert!(
        inspector::lines(&Screen::of(&s.app))[2].contains("f32 1.5e0"),
        "{:?}",
        inspector::lines(&Screen::of(&s.app))
    );
    cmd(&mut s, "16");
    cmd(&mut s, "set endian be");
    assert!(
        inspector::lines(&Screen::of(&s.app))[5].contains("f64 be -2.25e0"),
        "{:?}",
        inspector::lines(&Screen::of(&s.app))
    );
    cmd(&mut s, "32");
    assert!(
        inspector::lines(&Screen::of(&s.app))[0].contains("'€' U+20AC (3 bytes)"),
        "{}",
        inspector::lines(&Screen::of(&s.app))[0]
    );
    // Past the end every value is absent: the last byte has a u8 and nothing wider.
    cmd(&mut s, "end");
    let l = inspector::lines(&Screen::of(&s.app));
    assert_eq!(
        tokens(&l[1]),
        ["be", "u16", "--", "i16", "--", "u32", "--", "i32", "--"],
        "{}",
        l[1]
    );
    assert_eq!(
        tokens(&l[4]),
        ["le", "u64", "--", "i64", "--", "f32", "--"],
        "{}",
        l[4]
    );
    assert_eq!(tokens(&l[5]), ["f64", "be", "--", "le", "--"]);
}

#[test]
fn inspector_on_an_empty_file_shows_only_dashes() {
    let (_d, _p, mut s) = session_on(b"", Mode::ReadOnly);
    typ(&mut s, "I");
    let l = inspector::lines(&Screen::of(&s.app));
    assert!(
        l[0].starts_with("u8 --  i8 --  bin --  hex --  char --"),
        "{}",
        l[0]
    );
    let labels = [
        "u16", "i16", "u32", "i32", "u64", "i64", "f32", "f64", "le", "be",
    ];
    for line in &l[1..] {
        for t in tokens(line) {
            assert!(labels.contains(&t) || t == "--", "{t:?} in {line}");
        }
    }
    let _ = draw(&s, 80, 24);
}

#[test]
fn endian_be_swaps_which_order_is_first() {
    let mut s = sample((80, 24));
    typ(&mut s, "I");
    cmd(&mut s, "0x10");
    let le = inspector::lines(&Screen::of(&s.app));
    cmd(&mut s, "set endian be");
    let be = inspector::lines(&Screen::of(&s.app));
    assert_eq!(le[0], be[0], "the byte line has no order");
    // The two orders' lines trade places.
    assert!(
        le[1].starts_with("le ") && le[3].starts_with("be "),
        "{le:?}"
    );
    assert_eq!((&le[1], &le[2]), (&be[3], &be[4]));
    assert_eq!((&le[3], &le[4]), (&be[1], &be[2]));
    let (tl, tb) = (tokens(&le[5]), tokens(&be[5]));
    assert_eq!((tl[1], tl[2], tl[3], tl[4]), ("le", tb[4], "be", tb[2]));
    let t = draw(&s, 80, 24);
    let text = screen_text(t.backend().buffer());
    assert!(text.contains("big endian first (:set endian le)"), "{text}");
    cmd(&mut s, "set endian little");
    assert_eq!(inspector::lines(&Screen::of(&s.app)), le);
}

#[test]
fn inspector_panel_80x24_at_0x10() {
    let mut s = sample((80, 24));
    typ(&mut s, "I");
    cmd(&mut s, "0x10");
    let t = draw(&s, 80, 24);
    let buf = t.backend().buffer();
    // The panel takes the seven rows above the status bar; the data rows give way.
    assert_eq!(s.app.layout().rows, 22 - 7);
    assert!(row(buf, 15).starts_with("─ inspector at 0x10 ─ little endian first"));
    // The line the cursor is on stays visible.
    assert!(
        row(buf, 1).starts_with("00000010  72 20"),
        "{}",
        row(buf, 1)
    );
    insta::assert_snapshot!("inspector_80x24_at_0x10", t.backend());
}

#[test]
fn inspector_panel_200x60_shows_every_value_whole() {
    let mut s = sample((200, 60));
    typ(&mut s, "I");
    for off in [0x10u64, 0x2d9, 0x2e0] {
        cmd(&mut s, &format!("{off:#x}"));
        let t = draw(&s, 200, 60);
        let buf = t.backend().buffer();
        let lines = inspector::lines(&Screen::of(&s.app));
        let panel: Vec<String> = (52..58).map(|y| row(buf, y)).collect();
        assert!(
            row(buf, 51).starts_with(&format!("─ inspector at {off:#x} ─")),
            "{}",
            row(buf, 51)
        );
        for (shown, want) in panel.iter().zip(&lines) {
            assert_eq!(shown.trim_end(), want.as_str());
        }
    }
}

/// Regression: at 80 columns the inspector once cut its wider lines at the screen edge, in the
/// middle of numbers (`be 8223699816335565165 (8223`), which read as different, valid-looking
/// values. Every line now fits 80 columns even for the widest values.
#[test]
fn bug_inspector_cuts_numbers_at_80_columns() {
    let mut s = sample((80, 24));
    typ(&mut s, "I");
    cmd(&mut s, "0x10");
    let t = draw(&s, 80, 24);
    let buf = t.backend().buffer();
    let lines = inspector::lines(&Screen::of(&s.app));
    for (y, full) in (16..22).zip(&lines) {
        let shown = row(buf, y);
        let shown = shown.trim_end();
        // Every number shown must be one of the full line's numbers, not a prefix of one.
        let whole: Vec<&str> = tokens(full);
        for tok in tokens(shown) {
            assert!(
                whole.contains(&tok),
                "row {y} shows {tok:?}, which is not a value of {full:?} (cut at the edge)"
            );
        }
    }
}

// ---- layout options -----------------------------------------------------------------------

#[test]
fn set_group_4_screen_80x24() {
    let mut s = sample((80, 24));
    cmd(&mut s, "set group 4");
    assert_eq!(s.app.settings.group, 4);
    assert_eq!(message(&s), "set group 4");
    insta::assert_snapshot!("group4_80x24", draw(&s, 80, 24).backend());
}

#[test]
fn set_offsets_dec_screen_80x24() {
    let mut s = sample((80, 24));
    cmd(&mut s, "set offsets dec");
    assert!(s.app.settings.decimal_offsets);
    let t = draw(&s, 80, 24);
    let buf = t.backend().buffer();
    assert!(
        row(buf, 1).starts_with("00000016  72 20"),
        "{}",
        row(buf, 1)
    );
    insta::assert_snapshot!("offsets_dec_80x24", t.backend());
    cmd(&mut s, "set offsets hex");
    let t = draw(&s, 80, 24);
    assert!(row(t.backend().buffer(), 1).starts_with("00000010  72 20"));
}

#[test]
fn hex_cells_are_where_the_layout_says_in_every_group_size() {
    let bytes = lorem_bytes();
    for group in [1usize, 2, 4, 8] {
        for width in [80u16, 100, 133] {
            let mut s = sample((width, 24));
            cmd(&mut s, &format!("set group {group}"));
            let l = s.app.layout();
            assert_eq!(l.group, group);
            let hx = l.hex_x.unwrap();
            let tx = l.text_x.unwrap();
            // The text pane starts two columns after the last hex cell.
            assert_eq!(
                tx,
                expected_hex_x(hx, l.cols - 1, group) + 2 + 2,
                "group {group} width {width}"
            );
            assert!(
                tx + l.cols <= usize::from(width),
                "group {group} width {width}"
            );
            let term = draw(&s, width, 24);
            let buf = term.backend().buffer();
            for r in 0..3usize {
                let line = row(buf, r as u16);
                let chars: Vec<char> = line.chars().collect();
                for i in 0..l.cols {
                    let x = expected_hex_x(hx, i, group);
                    let byte = bytes[r * l.cols + i];
                    let got: String = chars[x..x + 2].iter().collect();
                    assert_eq!(got, format!("{byte:02x}"), "group {group} row {r} byte {i}");
                    // After each cell: one space, two at a group boundary (but not the last).
                    let gap = if i + 1 == l.cols || (i + 1) % group == 0 {
                        2
                    } else {
                        1
                    };
                    let after: String = chars[x + 2..x + 2 + gap].iter().collect();
                    assert_eq!(after, " ".repeat(gap), "group {group} row {r} after {i}");
                }
                assert_eq!(chars[tx], char::from(bytes[r * l.cols]), "group {group}");
            }
        }
    }
}

#[test]
fn clicks_on_hex_and_text_cells_move_the_cursor_in_every_group_size() {
    let len = lorem_bytes().len() as u64;
    for group in [1usize, 2, 4, 8] {
        let mut s = sample((80, 24));
        cmd(&mut s, &format!("set group {group}"));
        let l = s.app.layout();
        let (hx, tx) = (l.hex_x.unwrap(), l.text_x.unwrap());
        for y in [0u16, 3, 7] {
            for i in 0..l.cols {
                let want = u64::from(y) * l.cols as u64 + i as u64;
                assert!(want < len);
                let x = expected_hex_x(hx, i, group) as u16;
                for dx in [0, 1] {
                    s.input(Input::Mouse(Mouse::Click(x + dx, y)));
                    assert_eq!(s.app.cursor(), want, "group {group} hex ({},{y})", x + dx);
                    assert_eq!(s.app.view().pane, Pane::Hex);
                }
                s.input(Input::Mouse(Mouse::Click((tx + i) as u16, y)));
                assert_eq!(s.app.cursor(), want, "group {group} text ({},{y})", tx + i);
                assert_eq!(s.app.view().pane, Pane::Text);
            }
        }
        // Clicks on the offset column, the gap between the panes and the status bar do not
        // move it.
        let before = s.app.cursor();
        s.input(Input::Mouse(Mouse::Click(2, 0)));
        s.input(Input::Mouse(Mouse::Click((tx - 1) as u16, 0)));
        s.input(Input::Mouse(Mouse::Click(40, 22)));
        assert_eq!(s.app.cursor(), before, "group {group}");
    }
}

#[test]
fn clicks_after_scrolling_and_with_fixed_cols() {
    let mut s = sample((80, 24));
    cmd(&mut s, "set cols 7");
    cmd(&mut s, "set group 2");
    cmd(&mut s, "0x200");
    let l = s.app.layout();
    assert_eq!(l.cols, 7);
    let top = s.app.view().top;
    assert!(top > 0 && top.is_multiple_of(7));
    let hx = l.hex_x.unwrap();
    s.input(Input::Mouse(Mouse::Click(
        expected_hex_x(hx, 5, 2) as u16,
        2,
    )));
    assert_eq!(s.app.cursor(), top + 2 * 7 + 5);
    s.input(Input::Mouse(Mouse::Click(
        (l.text_x.unwrap() + 6) as u16,
        0,
    )));
    assert_eq!(s.app.cursor(), top + 6);
}

#[test]
fn text_and_hex_panes_can_be_turned_off() {
    let mut s = sample((80, 24));
    cmd(&mut s, "set text off");
    assert!(!s.app.settings.show_text);
    let l = s.app.layout();
    assert_eq!(l.text_x, None);
    assert!(l.cols >= 16);
    let t = draw(&s, 80, 24);
    let r0 = row(t.backend().buffer(), 0);
    assert!(r0.starts_with("00000000  4c 6f 72 65 6d"), "{r0}");
    assert!(!r0.contains("Lorem"), "{r0}");
    cmd(&mut s, "set text on");
    cmd(&mut s, "set hex off");
    assert!(!s.app.settings.show_hex && s.app.settings.show_text);
    let l = s.app.layout();
    assert_eq!(l.hex_x, None);
    assert_eq!(l.text_x, Some(10));
    let t = draw(&s, 80, 24);
    let buf = t.backend().buffer();
    let r0 = row(buf, 0);
    let bytes = lorem_bytes();
    let want: String = bytes[..l.cols]
        .iter()
        .map(|&b| maphex::core::classify::ascii_glyph(b))
        .collect();
    assert_eq!(&r0[10..10 + l.cols], want, "{r0}");
    assert!(!r0.contains("4c 6f"), "{r0}");
    // Clicks land on text cells.
    s.input(Input::Mouse(Mouse::Click(10 + 5, 1)));
    assert_eq!(s.app.cursor(), l.cols as u64 + 5);
    assert_eq!(s.app.view().pane, Pane::Text);
    cmd(&mut s, "set hex on");
    assert_eq!(s.app.layout().hex_x, Some(10));
}

/// Regression (fixed): `:set hex off` while the text pane is off is silently undone (`set_option` turns the
/// hex pane back on so something is shown) yet the message says `set hex off`, as if it had
/// worked. It should be refused with an error like any other unusable value, or at least say
/// that the hex pane stays on. Cause: `src/tui/commands.rs` `set_option`, the
/// `if !self.view.show_hex && !self.view.show_text { self.view.show_hex = true; }` fix-up
/// runs before the success message.
#[test]
fn bug_set_hex_off_with_text_off_claims_success() {
    let mut s = sample((80, 24));
    cmd(&mut s, "set text off");
    cmd(&mut s, "set hex off");
    assert!(s.app.settings.show_hex, "no pane left");
    assert_eq!(
        severity(&s),
        Some(Severity::Error),
        "message {:?} while the hex pane is still shown",
        message(&s)
    );
}

#[test]
fn set_cols_fixed_and_auto() {
    let mut s = sample((80, 24));
    assert_eq!(s.app.layout().cols, 16);
    cmd(&mut s, "set cols 8");
    assert_eq!(s.app.cols, Cols::Fixed(8));
    assert_eq!(s.app.layout().cols, 8);
    let t = draw(&s, 80, 24);
    let buf = t.backend().buffer();
    assert!(
        row(buf, 1).starts_with("00000008  73 75 6d 20 64 6f 6c 6f  sum dolo"),
        "{}",
        row(buf, 1)
    );
    // The cursor keeps its byte, the row follows.
    cmd(&mut s, "0x2e0");
    cmd(&mut s, "set cols 32");
    assert_eq!(s.app.layout().cols, 32);
    assert_eq!(s.app.cursor(), 0x2e0);
    assert_eq!(s.app.view().top % 32, 0);
    cmd(&mut s, "set cols auto");
    assert_eq!(s.app.cols, Cols::Auto);
    assert_eq!(s.app.layout().cols, 16);
    assert_eq!(s.app.cursor(), 0x2e0);
    let top = s.app.view().top;
    assert!(top.is_multiple_of(16) && top <= 0x2e0 && 0x2e0 < top + 16 * 22);
    // `=` works as the separator as well.
    cmd(&mut s, "set cols=4");
    assert_eq!(s.app.layout().cols, 4);
}

#[test]
fn bad_set_values_give_an_error_and_change_nothing() {
    let mut s = sample((80, 24));
    cmd(&mut s, "set cols 12");
    cmd(&mut s, "0x40");
    let view = s.app.settings;
    let cols = s.app.cols;
    let (cursor, top) = (s.app.cursor(), s.app.view().top);
    for (line, want) in [
        ("set group 3", "bad value '3' for group"),
        ("set group 16", "bad value"),
        ("set group", "bad value"),
        ("set cols 0", "bad value '0' for cols"),
        ("set cols 4097", "bad value"),
        ("set cols -1", "bad value"),
        ("set cols many", "bad value"),
        ("set offsets oct", "bad value 'oct' for offsets"),
        ("set hex maybe", "bad value"),
        ("set text 2", "bad value"),
        ("set inspector please", "bad value"),
        ("set endian middle", "bad value 'middle' for endian"),
        ("set encoding ebcdic", "bad value"),
        ("set colour red", "unknown option 'colour'"),
        ("set nosuch?", "unknown option 'nosuch'"),
    ] {
        cmd(&mut s, line);
        assert_eq!(
            severity(&s),
            Some(Severity::Error),
            "{line}: {}",
            message(&s)
        );
        assert!(
            message(&s).contains(want),
            "{line}: {} (wanted {want:?})",
            message(&s)
        );
        assert_eq!(s.app.settings, view, "{line} changed the view");
        assert_eq!(s.app.cols, cols, "{line} changed cols");
        assert_eq!(
            (s.app.cursor(), s.app.view().top),
            (cursor, top),
            "{line} moved"
        );
    }
    // And the good ones are all accepted.
    for line in [
        "set group 1",
        "set group 2",
        "set offsets decimal",
        "set inspector on",
        "set inspector off",
        "set endian big",
        "set encoding latin-1",
        "set encoding ASCII",
        "set text yes",
        "set hex true",
    ] {
        cmd(&mut s, line);
        assert_eq!(
            severity(&s),
            Some(Severity::Info),
            "{line}: {}",
            message(&s)
        );
    }
    assert_eq!(
        s.app.settings,
        ViewOpts {
            group: 2,
            decimal_offsets: true,
            endian: maphex::core::inspector::Endian::Big,
            encoding: maphex::core::text::Encoding::Ascii,
            ..ViewOpts::default()
        }
    );
}

// ---- edits and the line index -------------------------------------------------------------

/// Start of the 1-based line `n` of `bytes`, counted the plain way.
fn line_start(bytes: &[u8], n: usize) -> u64 {
    if n == 1 {
        return 0;
    }
    let p = bytes
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == b'\n')
        .nth(n - 2)
        .unwrap()
        .0;
    p as u64 + 1
}

#[test]
fn a_typed_newline_refreshes_the_line_index() {
    let (_d, _p, mut s) = lorem(Mode::CopyOnWrite);
    typ(&mut s, "T");
    assert!(s.wait_lines(WAIT));
    cmd(&mut s, "5");
    // The line view edits as text: Enter types the newline.
    typ(&mut s, "i");
    key(&mut s, KeyCode::Enter);
    key(&mut s, KeyCode::Esc);
    assert_eq!(all_bytes(&s)[5], b'\n');
    assert!(s.wait_lines(WAIT));
    let want = line_start(&all_bytes(&s), 13);
    assert_eq!(want, 0x2d0);
    cmd(&mut s, "line 13");
    assert_eq!(s.app.cursor(), want, "{}", message(&s));
    assert_eq!(s.app.cursor_line(), Some(13));
}

/// Regression (fixed): paste (`p`) and `:fill` change bytes without refreshing the line index, so after
/// pasting or filling in a newline the line view's numbers and `:line N` are those of the
/// file before the edit: here (lorem, the newline at 0x3f copied over the space at 0x05)
/// the file has 13 lines but `:line 13` answers "line 13 does not exist; the file has 12
/// lines" (line numbers past a checkpoint of the index would be off as well). Typing the same
/// newline in edit mode is fine (the test above). Cause:
/// `src/tui/selection.rs` `paste` and `fill` call `self.search.after_edit` directly instead
/// of `App::search_after_edit`, which also calls `lines_after_edit`.
#[test]
fn bug_paste_and_fill_leave_the_line_index_stale() {
    let mut wrong = Vec::new();
    for how in ["paste", "fill"] {
        let (_d, _p, mut s) = lorem(Mode::CopyOnWrite);
        typ(&mut s, "T");
        assert!(s.wait_lines(WAIT));
        if how == "paste" {
            cmd(&mut s, "0x3f");
            typ(&mut s, "y");
            cmd(&mut s, "5");
            typ(&mut s, "p");
        } else {
            cmd(&mut s, "5");
            typ(&mut s, "v");
            cmd(&mut s, "fill 0a");
        }
        assert_eq!(all_bytes(&s)[5], b'\n', "{how}: {}", message(&s));
        assert!(s.wait_lines(WAIT));
        let want = line_start(&all_bytes(&s), 13);
        cmd(&mut s, "line 13");
        if s.app.cursor() != want {
            wrong.push(format!(
                "after {how}: :line 13 went to {:#x}, not {want:#x} ({})",
                s.app.cursor(),
                message(&s)
            ));
        }
        cmd(&mut s, &format!("{want:#x}"));
        if s.app.cursor_line() != Some(13) {
            wrong.push(format!(
                "after {how}: the last line is called line {:?}",
                s.app.cursor_line()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
