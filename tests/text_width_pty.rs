//! The text pane in a real terminal: the binary in a pseudo-terminal (`tests/common`), its
//! screen read through `vt100`, and the characters it draws checked against what older
//! terminals know, so that every text-pane row ends at the same column in tmux and xterm as
//! well as in `vt100`.
//!
//! `vt100` measures with `unicode-width`, like the app, so it alone cannot see a row that a
//! terminal with older tables draws shorter (tmux gives an unassigned code point no column).
//! Each drawn character is therefore also measured by [`old_terminal_width`], a terminal
//! whose table is Unicode 10.0 (`unic-ucd-age`) and that gives what it does not know no
//! column, and, where glibc's C.UTF-8 locale exists, by `wcwidth` itself (what tmux asks).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

mod common;
mod support;

use common::{Options, Tui, temp_file};
use maphex::core::text::is_safe_to_draw;
use support::Rng;
use unicode_width::UnicodeWidthChar;

/// Terminal size of these tests: 16 bytes a row, the text pane at column 60.
const ROWS: u16 = 24;
const COLS: u16 = 80;
const TEXT_X: u16 = 60;
const BYTES_PER_ROW: usize = 16;

/// The columns a terminal whose width table is Unicode 10.0 gives `c`: `unicode-width`'s
/// for ASCII and for what Unicode 10.0 assigned, none for anything else (as tmux does with
/// what glibc's `wcwidth` does not know).
fn old_terminal_width(c: char) -> usize {
    if c.is_ascii() || unic_ucd_age::Age::of(c).is_some() {
        c.width().unwrap_or(0)
    } else {
        0
    }
}

/// Opens `bytes` in the binary and waits for its first whole frame: row 0, the status bar
/// and the cursor hidden (ratatui hides it when the first frame is complete).
fn open(bytes: &[u8]) -> (tempfile::TempDir, Tui) {
    let (dir, path) = temp_file("w.bin", bytes);
    let opts = Options::default().size(ROWS, COLS).cwd(dir.path());
    let mut t = Tui::spawn_with([path.file_name().unwrap()], &opts);
    t.wait_for_screen("the first frame", |s| {
        let mut rows = s.rows(0, COLS);
        s.hide_cursor()
            && rows.next().is_some_and(|r| r.starts_with("00000000"))
            && rows.any(|r| r.contains(" COW ") || r.contains(" RO ") || r.contains(" WRITE "))
    });
    (dir, t)
}

/// `vt100` takes a printed U+FFFD for a decoding error and drops it (no column), unlike
/// terminals, which would shift every row with an invalid byte. The screen is therefore
/// parsed again from the raw output with this stand-in for it: a private-use character, which
/// the pane never draws, one column by `unicode-width`.
const FFFD_STAND_IN: char = '\u{e000}';

/// The screen as a terminal shows it: the raw output parsed with U+FFFD kept.
fn terminal_screen(t: &mut Tui) -> vt100::Parser {
    let raw = t.raw();
    let (fffd, stand_in) = ("\u{fffd}".as_bytes(), FFFD_STAND_IN.to_string());
    let mut bytes = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i..].starts_with(fffd) {
            bytes.extend_from_slice(stand_in.as_bytes());
            i += fffd.len();
        } else {
            bytes.push(raw[i]);
            i += 1;
        }
    }
    let nz = |n: u16| std::num::NonZeroU16::new(n).unwrap();
    let mut parser = vt100::Parser::new(nz(ROWS), nz(COLS), 0);
    parser.process(&bytes);
    parser
}

/// Checks one full data row of the screen: its text pane covers exactly
/// `TEXT_X..TEXT_X + 16` (a wide character's second column counts, nothing is drawn past
/// the end), and an older terminal would give its characters the same columns. Returns the
/// row's text.
fn check_text_row(screen: &vt100::Screen, row: u16, what: &str) -> String {
    let line = || {
        screen
            .rows(0, COLS)
            .nth(usize::from(row))
            .unwrap_or_default()
    };
    let end = TEXT_X + BYTES_PER_ROW as u16;
    let mut text = String::new();
    let mut old_cols = 0;
    let mut col = TEXT_X;
    while col < end {
        let cell = screen.cell(row, col).expect("a cell on screen");
        let s = cell.contents();
        assert!(
            !s.is_empty() && !cell.is_wide_continuation(),
            "{what}: row {row} column {col} is empty or a stray continuation: {:?}",
            line()
        );
        let mut chars = s.chars();
        let c = chars
            .next()
            .map(|c| if c == FFFD_STAND_IN { '\u{fffd}' } else { c })
            .unwrap();
        assert!(
            chars.next().is_none(),
            "{what}: {s:?} is more than one character"
        );
        assert!(is_safe_to_draw(c), "{what}: U+{:04X} drawn", u32::from(c));
        let w = if cell.is_wide() { 2 } else { 1 };
        assert_eq!(
            old_terminal_width(c),
            w,
            "{what}: U+{:04X} at row {row} column {col} is {w} columns here, not in a Unicode \
             10.0 terminal: {:?}",
            u32::from(c),
            line()
        );
        text.push(c);
        old_cols += w;
        col += w as u16;
    }
    assert_eq!(
        col,
        end,
        "{what}: row {row} ends at column {col}: {:?}",
        line()
    );
    assert_eq!(old_cols, BYTES_PER_ROW);
    for col in end..COLS {
        let cell = screen.cell(row, col).unwrap();
        assert!(
            cell.contents().trim().is_empty(),
            "{what}: something past the text pane at row {row} column {col}: {:?}",
            line()
        );
    }
    text
}

/// The finding "columns shift for unassigned code points": U+9F292, U+07FC and U+0378 went
/// to the terminal raw, and tmux drew the row three columns short.
#[test]
fn columns_shift_for_unassigned_code_points() {
    let bytes = b"\x41\x42\xf2\x9f\x8a\x92\x43\x44\xdf\xbc\x45\x46\xcd\xb8\x47\x48";
    let (_dir, mut t) = open(bytes);
    assert!(
        t.row(0)
            .starts_with("00000000  41 42 f2 9f 8a 92 43 44  df bc 45 46 cd b8 47 48  ")
    );
    let screen = terminal_screen(&mut t);
    assert_eq!(
        check_text_row(screen.screen(), 0, "finding"),
        "AB◌···CD◌·EF◌·GH"
    );
    t.send("q");
    assert!(t.wait_exit().success());
}

/// Random bytes, half of them valid UTF-8 of any code point (assigned or not, any plane),
/// so that every kind of character reaches the pane: every full row ends at column 76.
#[test]
fn random_bytes_every_text_row_ends_at_the_same_column() {
    let data_rows = usize::from(ROWS) - 2;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for file in 0..12 {
        let mut bytes = Vec::new();
        while bytes.len() < data_rows * BYTES_PER_ROW {
            if rng.below(2) == 0 {
                bytes.push(rng.below(256) as u8);
            } else {
                let c = char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('\u{fffd}');
                bytes.extend_from_slice(c.to_string().as_bytes());
            }
        }
        bytes.truncate(data_rows * BYTES_PER_ROW);
        let (_dir, mut t) = open(&bytes);
        let screen = terminal_screen(&mut t);
        for row in 0..data_rows {
            let what = format!(
                "file {file}, bytes {:02x?}",
                &bytes[row * 16..row * 16 + 16]
            );
            check_text_row(screen.screen(), row as u16, &what);
        }
        t.send("q");
        assert!(t.wait_exit().success());
    }
}

/// glibc's `wcwidth` in the C.UTF-8 locale (what tmux uses on Linux), on this thread only.
struct Wcwidth(libc::locale_t);

unsafe extern "C" {
    fn wcwidth(c: libc::wchar_t) -> libc::c_int;
}

impl Wcwidth {
    fn new() -> Option<Self> {
        // SAFETY: the locale name is a NUL-terminated string and the base locale is null,
        // as newlocale(3) allows; a null result means no such locale.
        let loc = unsafe {
            libc::newlocale(
                libc::LC_CTYPE_MASK,
                c"C.UTF-8".as_ptr(),
                std::ptr::null_mut(),
            )
        };
        (!loc.is_null()).then_some(Self(loc))
    }

    fn width(&self, c: char) -> i32 {
        // SAFETY: `self.0` is a live locale from newlocale; uselocale sets it for this
        // thread only and returns the previous one, which is put back before returning.
        // wcwidth reads the thread's locale and takes any value.
        unsafe {
            let old = libc::uselocale(self.0);
            let w = wcwidth(libc::wchar_t::try_from(u32::from(c)).unwrap_or(-1));
            libc::uselocale(old);
            w
        }
    }
}

impl Drop for Wcwidth {
    fn drop(&mut self) {
        // SAFETY: the locale came from newlocale and is not in use by any thread (width
        // restores the previous one before returning).
        unsafe { libc::freelocale(self.0) }
    }
}

/// Every character the pane draws as itself has the same width in glibc's `wcwidth` as in
/// `unicode-width` (and so in ratatui and `vt100`): tmux draws what we count. glibc has had
/// C.UTF-8 built in since 2.35, so a machine without it fails here rather than skipping.
#[test]
fn every_drawn_character_has_the_width_glibc_gives_it() {
    let glibc = Wcwidth::new().expect("glibc's C.UTF-8 locale (built into glibc since 2.35)");
    let mut differ = Vec::new();
    for u in 0..=0x10_FFFF_u32 {
        let Some(c) = char::from_u32(u) else { continue };
        if !is_safe_to_draw(c) {
            continue;
        }
        let ours = c.width().and_then(|w| i32::try_from(w).ok());
        if ours != Some(glibc.width(c)) {
            differ.push(format!("U+{u:04X} {ours:?} glibc {}", glibc.width(c)));
        }
    }
    assert!(differ.is_empty(), "{} differ: {differ:#?}", differ.len());
}
