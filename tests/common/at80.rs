//! Helpers for PTY tests at the usual 80×24: open the app and wait for its first frame,
//! wait for the status bar or the message line, quit cleanly, watch a file on disk.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::{Options, TIMEOUT, Tui, temp_copy};

/// The sample file, relative to the crate root (the harness's working directory).
pub const LOREM: &str = "assets/lorem.txt";

pub fn lorem_bytes() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(LOREM)).unwrap()
}

/// Status bar row of a 24-row terminal.
pub const STATUS: u16 = 22;
/// Message line row of a 24-row terminal.
pub const MESSAGE: u16 = 23;

/// The first data row of lorem.txt at 80 columns.
pub const LOREM_ROW0: &str =
    "00000000  4c 6f 72 65 6d 20 69 70  73 75 6d 20 64 6f 6c 6f  Lorem ipsum dolo";

/// The cursor part of the status bar, e.g. ` 0x100 (256)  byte 6c `.
pub fn at(off: u64, byte: u8) -> String {
    format!(" {off:#x} ({off})  byte {byte:02x} ")
}

/// Starts the app with `opts` and waits for its whole first frame: row 0, the status bar, and
/// the terminal cursor hidden (ratatui hides it when the first frame is complete).
pub fn open_with(args: &[&str], opts: &Options) -> Tui {
    let mut t = Tui::spawn_with(args, opts);
    t.wait_for_screen(
        "the first frame (row 0, the status bar, cursor hidden)",
        |s| {
            let mut rows = s.rows(0, 80);
            s.hide_cursor()
                && rows.next().is_some_and(|r| r.starts_with("00000000"))
                && rows.nth(usize::from(STATUS) - 1).is_some_and(|r| {
                    [" COW ", " RO ", " WRITE "]
                        .iter()
                        .any(|m| r.starts_with(m))
                })
        },
    );
    t
}

/// Opens `path` by its file name from its own directory, so the status bar shows a short
/// name (a long one pushes the offset off the bar, see the bug test at the end).
pub fn open_path(extra: &[&str], path: &Path) -> Tui {
    let mut args: Vec<&str> = extra.to_vec();
    args.push(path.file_name().unwrap().to_str().unwrap());
    open_with(&args, &Options::default().cwd(path.parent().unwrap()))
}

/// Opens a private copy of lorem.txt. Tests never open assets/lorem.txt itself: the app takes
/// an advisory lock, so a second instance (a test running in parallel) would open it
/// read-only.
pub fn open_lorem(extra: &[&str]) -> (tempfile::TempDir, PathBuf, Tui) {
    let (dir, path) = temp_copy(LOREM, "lorem.txt");
    let t = open_path(extra, &path);
    (dir, path, t)
}

/// Waits until the status bar contains `want`.
pub fn wait_status(t: &mut Tui, want: &str) {
    t.wait_for_screen(&format!("status bar containing {want:?}"), |s| {
        s.rows(0, 80)
            .nth(usize::from(STATUS))
            .is_some_and(|r| r.contains(want))
    });
}

/// Waits until the message line contains `want`.
pub fn wait_message(t: &mut Tui, want: &str) {
    t.wait_for_screen(&format!("message line containing {want:?}"), |s| {
        s.rows(0, 80)
            .nth(usize::from(MESSAGE))
            .is_some_and(|r| r.contains(want))
    });
}

/// Waits until the status bar and the message line both show what they should (one frame).
pub fn wait_status_and_message(t: &mut Tui, status: &str, message: &str) {
    t.wait_for_screen(
        &format!("status bar containing {status:?} and message line containing {message:?}"),
        |s| {
            let mut rows = s.rows(0, 80).skip(usize::from(STATUS));
            rows.next().is_some_and(|r| r.contains(status))
                && rows.next().is_some_and(|r| r.contains(message))
        },
    );
}

/// Waits until some row starts with `prefix`.
pub fn wait_row(t: &mut Tui, prefix: &str) {
    t.wait_for(&format!("a row starting with {prefix:?}"), |s| {
        s.lines().any(|l| l.starts_with(prefix))
    });
}

/// Quits with `q` and checks the exit and that the terminal was given back.
pub fn quit(t: &mut Tui) {
    t.send("q");
    expect_clean_exit(t);
}

pub fn expect_clean_exit(t: &mut Tui) {
    let st = t.wait_exit();
    assert!(
        st.success(),
        "{}",
        t.report(&format!("exit status {st:?}, expected 0"))
    );
    assert!(
        !t.alternate_screen(),
        "{}",
        t.report("still in the alternate screen after exit")
    );
    assert!(
        !t.cursor_hidden(),
        "{}",
        t.report("cursor still hidden after exit")
    );
}

/// Polls the file until `pred` holds for its bytes (for write-through, where the app writes
/// while it runs).
pub fn wait_file(path: &Path, what: &str, pred: impl Fn(&[u8]) -> bool) {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let bytes = std::fs::read(path).unwrap();
        if pred(&bytes) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for the file to show {what}; first bytes {:02x?}",
            &bytes[..bytes.len().min(16)]
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
