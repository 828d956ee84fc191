//! Bad input, one test per row of the README's "bad input" table: what the user sees (exit
//! code 2 and one line naming the path for fatal cases, a status message for the rest), that
//! nothing panics, and that no data is lost (file bytes unchanged).
//!
//! The CLI is driven with `assert_cmd`; the TUI headless through `Session` where the screen
//! does not matter, and through the PTY harness (`tests/common`) where the terminal does
//! (resizes, mouse, file names, config warnings). Tests named `bug_…` pin a defect found
//! while writing these; they fail until it is fixed.

#![allow(clippy::unwrap_used)]

mod support;
use support::{Rng, key, message, open, typ};

mod common;

use std::ffi::OsStr;
use std::fmt::Write as _;
use std::fs::{self, File, OpenOptions};
use std::io::Write as _;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileExt, OpenOptionsExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use maphex::core::document::{DiskChange, Document, Mode, OpenConfig, SaveError, SourceKind};
use maphex::core::search::QueryKind;
use maphex::tui::input::KeyCode;
use maphex::tui::runtime::Session;
use maphex::tui::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use common::{Options, Tui};

/// How long a CLI run may take before it counts as a hang.
const CLI_TIMEOUT: Duration = Duration::from_secs(10);

fn lorem() -> Vec<u8> {
    fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/lorem.txt")).unwrap()
}

fn maphex() -> Command {
    let mut c = Command::cargo_bin("maphex").unwrap();
    c.timeout(CLI_TIMEOUT);
    c
}

/// A temporary folder holding one file `name` with `bytes`.
fn file_with(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    fs::write(&path, bytes).unwrap();
    (dir, path)
}

/// Types `:CMD` and Enter.
fn command(s: &mut Session, cmd: &str) {
    typ(s, ":");
    typ(s, cmd);
    key(s, KeyCode::Enter);
}

/// The screen a terminal of `w`×`h` would show, rows joined by newlines.
fn render(s: &Session, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| ui::draw(f, &s.app)).unwrap();
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        for x in 0..w {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// Checks a fatal CLI failure: exit 2, exactly one line on stderr starting `maphex: ` that
/// names `shown` (the path as the user should see it) and contains `cause`; nothing on
/// stdout.
fn expect_fatal(cmd: &mut Command, shown: &str, cause: &str) {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{cmd:?}: {stderr}");
    assert!(out.stdout.is_empty(), "{cmd:?} printed on stdout");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{cmd:?}: expected one line, got {stderr:?}");
    assert!(
        lines[0].starts_with("maphex: ") && lines[0].contains(shown) && lines[0].contains(cause),
        "{cmd:?}: {stderr:?} should name {shown:?} and say {cause:?}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// The four ways a user names a file: the TUI (which opens the file before it looks for a
/// terminal, so the open error comes first), `dump`, `find` and `patch`.
fn every_entry_point(path: &Path) -> Vec<StdCommand> {
    let bin = env!("CARGO_BIN_EXE_maphex");
    let mut tui = StdCommand::new(bin);
    tui.arg(path);
    let mut dump = StdCommand::new(bin);
    dump.arg("dump").arg(path);
    let mut find = StdCommand::new(bin);
    find.args(["find", "x"]).arg(path);
    let mut patch = StdCommand::new(bin);
    patch
        .arg("patch")
        .arg(path)
        .args(["--at", "0", "--hex", "41"]);
    vec![tui, dump, find, patch]
}

fn with_timeout(cmd: StdCommand) -> Command {
    let mut c = Command::from_std(cmd);
    c.timeout(CLI_TIMEOUT);
    c
}

// ---------------------------------------------------------------- the table, row by row

#[test]
fn missing_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-file.bin");
    for cmd in every_entry_point(&path) {
        expect_fatal(
            &mut with_timeout(cmd),
            &path.display().to_string(),
            "no such file",
        );
    }
    assert!(!path.exists(), "patch must not create the file");
}

#[test]
fn directory() {
    let dir = tempfile::tempdir().unwrap();
    for cmd in every_entry_point(dir.path()) {
        expect_fatal(
            &mut with_timeout(cmd),
            &dir.path().display().to_string(),
            "directory",
        );
    }
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn no_permission() {
    let (dir, path) = file_with("secret.bin", b"top secret");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads a 0o000 file: run the commands as `nobody` instead, if we may.
    let as_root = File::open(&path).is_ok();
    if as_root {
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
        let probe = StdCommand::new("/bin/true").uid(65534).gid(65534).status();
        if !probe.is_ok_and(|s| s.success()) {
            eprintln!(
                "skipped: running as root (a 0o000 file opens) and cannot switch to uid 65534"
            );
            return;
        }
    }
    for mut cmd in every_entry_point(&path) {
        if as_root {
            cmd.uid(65534).gid(65534);
        }
        expect_fatal(
            &mut with_timeout(cmd),
            &path.display().to_string(),
            "permission denied; check its permissions",
        );
    }
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"top secret");
}

#[test]
fn empty_file() {
    let (_dir, path) = file_with("empty.bin", b"");
    maphex()
        .arg("dump")
        .arg(&path)
        .assert()
        .success()
        .stdout("");
    maphex()
        .args(["find", "x"])
        .arg(&path)
        .assert()
        .code(1)
        .stdout("");
    let mut s = Session::new(open(&path, Mode::CopyOnWrite), (80, 24));
    assert!(message(&s).contains("empty file"), "{}", message(&s));
    let screen = render(&s, 80, 24);
    assert!(screen.starts_with("00000000"), "{screen}");
    // Append three bytes in copy-on-write mode and save them.
    typ(&mut s, "i414243");
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.app.doc().len(), 3);
    assert_eq!(fs::read(&path).unwrap(), b"", "nothing on disk before :w");
    command(&mut s, "w");
    assert!(message(&s).starts_with("saved"), "{}", message(&s));
    assert_eq!(fs::read(&path).unwrap(), b"ABC");
    assert!(!s.app.doc().is_dirty());
}

fn mkfifo(path: &Path) {
    let st = StdCommand::new("mkfifo").arg(path).status().unwrap();
    assert!(st.success(), "mkfifo failed");
}

#[test]
fn fifo() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    mkfifo(&fifo);
    // No writer: no hang (the timeout above would fail the test), nothing printed.
    let t = Instant::now();
    maphex()
        .arg("dump")
        .arg(&fifo)
        .assert()
        .success()
        .stdout("");
    assert!(t.elapsed() < CLI_TIMEOUT);

    // A writer that sends 100 bytes a little later, then closes. The test holds a reader
    // open so the writer can open without blocking before maphex starts; maphex then must
    // wait for the bytes (a blocking read), not stop at an empty pipe.
    let holder = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(&fifo)
        .unwrap();
    let mut writer = OpenOptions::new().write(true).open(&fifo).unwrap();
    let data: Vec<u8> = (0..100u8).collect();
    let feeder = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        writer.write_all(&data).unwrap();
    });
    let out = maphex().arg("dump").arg(&fifo).output().unwrap();
    feeder.join().unwrap();
    drop(holder);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 7, "{text}");
    assert!(
        text.starts_with("00000000: 0001 0203 0405 0607 0809 0a0b 0c0d 0e0f  ................\n"),
        "{text}"
    );
    assert!(
        text.ends_with("00000060: 6061 6263                                `abc\n"),
        "{text}"
    );
}

#[test]
fn proc_file() {
    let path = Path::new("/proc/self/status");
    if !path.exists() {
        eprintln!("skipped: no /proc here");
        return;
    }
    let out = maphex().arg("dump").arg(path).assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.starts_with("00000000: 4e61 6d65 3a") && text.lines().count() > 5,
        "{text}"
    );
    assert!(text.contains("Name:"), "{text}");
    let doc = open(path, Mode::CopyOnWrite);
    assert_eq!(doc.mode(), Mode::ReadOnly);
    assert_eq!(doc.kind(), SourceKind::Stream);
    let mut s = Session::new(doc, (80, 24));
    let m = message(&s);
    assert!(m.contains("read-only"), "{m}");
    let screen = render(&s, 80, 24);
    assert!(screen.contains("Name:"), "{screen}");
    assert!(screen.contains(" RO "), "{screen}");
    typ(&mut s, "i");
    assert!(message(&s).contains("read-only"), "{}", message(&s));
}

#[test]
fn dev_zero() {
    maphex()
        .args(["dump", "--length", "32", "/dev/zero"])
        .assert()
        .success()
        .stdout(
            "00000000: 0000 0000 0000 0000 0000 0000 0000 0000  ................\n\
             00000010: 0000 0000 0000 0000 0000 0000 0000 0000  ................\n",
        );
    // The TUI's open: endless, so read up to the cap, read-only, and it says so.
    let doc = Document::open(Path::new("/dev/zero"), OpenConfig::default()).unwrap();
    assert_eq!(doc.mode(), Mode::ReadOnly);
    assert_eq!(doc.len(), OpenConfig::default().stream_cap);
    let mut s = Session::new(doc, (80, 24));
    let m = message(&s);
    assert!(m.contains("cap") && m.contains("read-only"), "{m}");
    typ(&mut s, "G");
    assert_eq!(s.app.cursor(), OpenConfig::default().stream_cap - 1);
    let screen = render(&s, 80, 24);
    assert!(screen.contains("03fffff0"), "{screen}");
}

#[test]
fn other_character_device() {
    maphex()
        .args(["dump", "/dev/null"])
        .assert()
        .success()
        .stdout("");
    maphex().args(["find", "x", "/dev/null"]).assert().code(1);
    let doc = open(Path::new("/dev/null"), Mode::CopyOnWrite);
    assert!(doc.is_empty());
    assert_eq!(doc.mode(), Mode::ReadOnly);
    let mut s = Session::new(doc, (80, 24));
    let m = message(&s);
    assert!(
        m.contains("character device") && m.contains("read-only"),
        "{m}"
    );
    typ(&mut s, "Gjl");
    assert_eq!(s.app.cursor(), 0);
    render(&s, 80, 24);
}

/// `VmRSS` of this process in KiB.
fn rss_kib() -> u64 {
    let status = fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Runs this test binary again with only `test` selected (so other tests' memory does not
/// count in an RSS measurement) and checks it passed.
fn in_child(test: &str) -> bool {
    if std::env::var_os("MAPHEX_CHILD").is_some_and(|v| v == test) {
        return true;
    }
    let out = StdCommand::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--test-threads=1", "--nocapture"])
        .env("MAPHEX_CHILD", test)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{test} failed in its own process:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    false
}

#[test]
fn sparse_1_tib_file() {
    const NAME: &str = "sparse_1_tib_file";
    if !in_child(NAME) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sparse.bin");
    let f = File::create(&path).unwrap();
    if f.set_len(1 << 40).is_err() {
        eprintln!("skipped: this filesystem cannot hold a 1 TiB sparse file");
        return;
    }
    f.write_all_at(b"END!", (1 << 40) - 4).unwrap();
    drop(f);
    // 1 TiB is 0x100_0000_0000; 16 bytes before it is 0xff_ffff_fff0.
    maphex()
        .args(["dump", "--offset", "end-16"])
        .arg(&path)
        .assert()
        .success()
        .stdout("fffffffff0: 0000 0000 0000 0000 0000 0000 454e 4421  ............END!\n");

    let before = rss_kib();
    let mut s = Session::new(open(&path, Mode::CopyOnWrite), (80, 24));
    let first = render(&s, 80, 24);
    assert!(first.starts_with("0000000000"), "{first}");
    typ(&mut s, "G");
    assert_eq!(s.app.cursor(), (1 << 40) - 1);
    let last = render(&s, 80, 24);
    assert!(last.contains("ffffffff0"), "{last}");
    assert!(last.contains("END!"), "{last}");
    typ(&mut s, "g");
    assert_eq!(s.app.cursor(), 0);
    render(&s, 80, 24);
    let grew = rss_kib().saturating_sub(before);
    assert!(grew < 64 * 1024, "RSS grew by {grew} KiB");
    assert_eq!(fs::metadata(&path).unwrap().len(), 1 << 40);
}

#[test]
fn file_replaced_while_open() {
    let (dir, path) = file_with("data.bin", &lorem());
    let mut doc = open(&path, Mode::CopyOnWrite);
    doc.write(0, b"EDITED").unwrap();
    let other = dir.path().join("other.bin");
    fs::write(&other, b"someone else's file").unwrap();
    fs::rename(&other, &path).unwrap();
    assert_eq!(doc.disk_change(), Some(DiskChange::Replaced));
    let err = doc.save(false).unwrap_err();
    assert!(
        matches!(err, SaveError::Detached(DiskChange::Replaced)),
        "{err}"
    );
    assert!(err.to_string().contains("replaced"), "{err}");
    // Not even a forced save writes through the old handle to a file nobody sees.
    let err = doc.save(true).unwrap_err();
    assert!(
        matches!(err, SaveError::Detached(DiskChange::Replaced)),
        "{err}"
    );
    assert_eq!(fs::read(&path).unwrap(), b"someone else's file");
    assert!(doc.is_dirty(), "the edit is still there");

    // The same through the UI: :w refuses with the reason, :w PATH writes a copy.
    let mut s = Session::new(doc, (80, 24));
    command(&mut s, "w");
    assert!(message(&s).contains("replaced on disk"), "{}", message(&s));
    assert_eq!(fs::read(&path).unwrap(), b"someone else's file");
    let copy = dir.path().join("copy.bin");
    command(&mut s, &format!("w {}", copy.display()));
    assert!(message(&s).starts_with("wrote"), "{}", message(&s));
    let mut want = lorem();
    want[..6].copy_from_slice(b"EDITED");
    assert_eq!(fs::read(&copy).unwrap(), want);
    assert_eq!(fs::read(&path).unwrap(), b"someone else's file");
}

#[test]
fn invalid_regex() {
    let (_dir, path) = file_with("lorem.txt", &lorem());
    for (pattern, says) in [
        ("(", "unclosed group"),
        ("[z-a]", "invalid character class range"),
        ("a{2,1}", "invalid repetition count range"),
        (r"\", "incomplete escape"),
    ] {
        let mut cmd = maphex();
        cmd.args(["find", pattern]).arg(&path);
        expect_fatal(&mut cmd, "invalid regex", says);
    }
    assert_eq!(fs::read(&path).unwrap(), lorem());
}

#[test]
fn invalid_hex() {
    let (_dir, path) = file_with("lorem.txt", &lorem());
    for (hex, says) in [
        ("zz", "invalid hex `zz`"),
        ("4", "add the missing one"),
        ("de a", "invalid hex `a` at column 4"),
        ("é1", "invalid hex `é1`"),
        ("0x", "empty pattern"),
    ] {
        let mut cmd = maphex();
        cmd.args(["find", "--hex", hex]).arg(&path);
        expect_fatal(&mut cmd, "", says);
        let mut cmd = maphex();
        cmd.arg("patch")
            .arg(&path)
            .args(["--at", "0", "--hex", hex]);
        let says = if hex == "0x" { "no bytes given" } else { says };
        expect_fatal(&mut cmd, "bad --hex", says);
    }
    assert_eq!(fs::read(&path).unwrap(), lorem());

    // The search prompt in hex mode: an error message, the cursor stays.
    let mut s = Session::new(open(&path, Mode::CopyOnWrite), (80, 24));
    s.app.view_mut().search.kind = QueryKind::Hex;
    command(&mut s, "0x40");
    typ(&mut s, "/4e 7");
    key(&mut s, KeyCode::Enter);
    assert!(message(&s).contains("invalid hex `7`"), "{}", message(&s));
    assert_eq!(s.app.cursor(), 0x40);
    assert!(!s.searching());
}

#[test]
fn offsets_past_the_end_and_before_the_start() {
    let (_dir, path) = file_with("lorem.txt", &lorem());
    let shown = path.display().to_string();
    let mut cmd = maphex();
    cmd.args(["dump", "--offset", "0x999999"]).arg(&path);
    expect_fatal(&mut cmd, &shown, "past the end");
    let mut cmd = maphex();
    cmd.arg("patch")
        .arg(&path)
        .args(["--at", "-5", "--hex", "41"]);
    expect_fatal(&mut cmd, &shown, "before the start");
    let mut cmd = maphex();
    cmd.arg("patch")
        .arg(&path)
        .args(["--at", "end+1", "--hex", "41", "--extend"]);
    expect_fatal(&mut cmd, &shown, "past the end");
    assert_eq!(fs::read(&path).unwrap(), lorem());

    let mut s = Session::new(open(&path, Mode::CopyOnWrite), (80, 24));
    command(&mut s, "-0x10");
    assert_eq!(s.app.cursor(), 0);
    assert!(message(&s).contains("before the start"), "{}", message(&s));
    command(&mut s, "0x20");
    assert_eq!(s.app.cursor(), 0x20);
    command(&mut s, "+0xffffffffffffffff");
    assert_eq!(s.app.cursor(), 0x20);
    assert!(message(&s).contains("too large"), "{}", message(&s));
    command(&mut s, "+0x1000");
    assert_eq!(s.app.cursor(), 0x20);
    assert!(message(&s).contains("past the end"), "{}", message(&s));
    command(&mut s, "end+1");
    assert_eq!(s.app.cursor(), 0x20);
    assert!(message(&s).contains("past the end"), "{}", message(&s));
    assert!(!s.app.doc().is_dirty());
    assert_eq!(fs::read(&path).unwrap(), lorem());
}

#[test]
fn huge_counts() {
    let (_dir, path) = file_with("lorem.txt", &lorem());
    let mut cmd = maphex();
    cmd.args(["dump", "--length", "99999999999999999999999"])
        .arg(&path);
    expect_fatal(&mut cmd, "--length", "too large");
    let whole = maphex().arg("dump").arg(&path).output().unwrap();
    maphex()
        .args(["dump", "--length", "1T"])
        .arg(&path)
        .assert()
        .success()
        .stdout(whole.stdout.clone());
    maphex()
        .args([
            "dump",
            "--offset",
            "end-1",
            "--length",
            "0xffffffffffffffff",
        ])
        .arg(&path)
        .assert()
        .success()
        .stdout("000002e0: 0a                                       .\n");

    let mut s = Session::new(open(&path, Mode::CopyOnWrite), (80, 24));
    command(&mut s, "0x40");
    command(&mut s, "0xffffffffffffffffff");
    assert_eq!(s.app.cursor(), 0x40);
    assert!(message(&s).contains("too large"), "{}", message(&s));
    command(&mut s, "99999999999999999999999");
    assert_eq!(s.app.cursor(), 0x40);
    assert!(message(&s).contains("too large"), "{}", message(&s));
    command(&mut s, "16E");
    assert_eq!(s.app.cursor(), 0x40);
    assert!(
        message(&s).contains("not a command or offset"),
        "{}",
        message(&s)
    );
    assert_eq!(fs::read(&path).unwrap(), lorem());
}

// ---------------------------------------------------------------- the terminal (PTY)

/// Status bar row of a 24-row terminal.
const STATUS: usize = 22;
/// Message row of a 24-row terminal.
const MESSAGE: usize = 23;

/// Starts the app on `args` in `cwd` and waits for the whole first frame.
fn open_tui(args: &[&OsStr], cwd: &Path) -> Tui {
    let mut t = Tui::spawn_with(args, &Options::default().cwd(cwd));
    wait_first_frame(&mut t);
    t
}

fn wait_first_frame(t: &mut Tui) {
    t.wait_for_screen("the first frame (row 0, the status bar)", |s| {
        let mut rows = s.rows(0, 80);
        s.hide_cursor()
            && rows.next().is_some_and(|r| r.starts_with("00000000"))
            && rows.nth(STATUS - 1).is_some_and(|r| {
                [" COW ", " RO ", " WRITE "]
                    .iter()
                    .any(|m| r.starts_with(m))
            })
    });
}

fn wait_row(t: &mut Tui, row: usize, want: &str) {
    t.wait_for_screen(&format!("row {row} containing {want:?}"), |s| {
        s.rows(0, 80).nth(row).is_some_and(|r| r.contains(want))
    });
}

/// `q`, then exit 0 with the terminal given back (main screen, cursor shown).
fn quit_cleanly(t: &mut Tui) {
    t.send("q");
    let st = t.wait_exit();
    assert!(st.success(), "{}", t.report(&format!("exit {st:?}")));
    assert!(
        !t.alternate_screen(),
        "{}",
        t.report("alternate screen left on")
    );
    assert!(!t.cursor_hidden(), "{}", t.report("cursor left hidden"));
}

#[test]
fn one_by_one_terminal_and_a_resize_storm() {
    let (dir, _path) = file_with("lorem.txt", &lorem());
    let mut t = open_tui(&[OsStr::new("lorem.txt")], dir.path());
    t.send("j");
    wait_row(&mut t, STATUS, " 0x10 (16) ");
    let mut rng = Rng(0x5eed_1234_abcd_9876);
    for i in 0..300u32 {
        let (rows, cols) = match i % 10 {
            0 => (1, 1),
            1 => (0, 80),
            2 => (24, 0),
            3 => (0, 0),
            4 => (1, 2),
            _ => (rng.below(60) as u16, rng.below(200) as u16),
        };
        t.resize(rows, cols);
        // Now and then let the app draw at the odd size before the next one.
        if i % 5 == 0 {
            std::thread::sleep(Duration::from_millis(3));
            t.pump();
        }
        assert!(
            t.try_status().is_none(),
            "{}",
            t.report(&format!("died at {cols}x{rows} (resize {i})"))
        );
    }
    t.resize(24, 80);
    // The view may stay scrolled to the cursor row (it was the only row at 1x1): every one
    // of the 22 data rows and the status bar must be drawn for 80 columns.
    t.wait_for_screen("the full 80x24 frame again", |s| {
        let rows: Vec<String> = s.rows(0, 80).collect();
        rows.len() == 24
            && rows[..STATUS]
                .iter()
                .all(|r| r.len() > 70 && r[..8].bytes().all(|b| b.is_ascii_hexdigit()))
            && rows[STATUS].contains(" 0x10 (16) ")
            && rows[STATUS].contains("737 bytes")
    });
    t.send("j");
    wait_row(&mut t, STATUS, " 0x20 (32) ");
    quit_cleanly(&mut t);
}

/// An SGR mouse report: wheel up/down, left press/release or a motion, at a random cell.
fn mouse_event(rng: &mut Rng) -> String {
    let x = rng.below(120) + 1;
    let y = rng.below(40) + 1;
    match rng.below(5) {
        0 => format!("\x1b[<64;{x};{y}M"),
        1 => format!("\x1b[<65;{x};{y}M"),
        2 => format!("\x1b[<0;{x};{y}M"),
        3 => format!("\x1b[<0;{x};{y}m"),
        _ => format!("\x1b[<35;{x};{y}M"),
    }
}

/// 2000 mouse reports as fast as a terminal sends a wheel flick, in writes of 40 (about
/// 500 bytes) a few milliseconds apart: each write fits one 1 KiB read of the event reader
/// (see `bug_an_input_burst_over_1_kib_stalls_until_the_next_key` for bigger writes).
#[test]
fn a_burst_of_mouse_events() {
    let (dir, _path) = file_with("lorem.txt", &lorem());
    let mut t = open_tui(&[OsStr::new("lorem.txt")], dir.path());
    let mut rng = Rng(0x0dd_ba11_cafe_f00d);
    for _ in 0..50 {
        let chunk: String = (0..40).map(|_| mouse_event(&mut rng)).collect();
        t.send(&chunk);
        t.pump();
        std::thread::sleep(Duration::from_millis(10));
        assert!(
            t.try_status().is_none(),
            "{}",
            t.report("died in the burst")
        );
    }
    // Still answers keys: back to the start, then down one row.
    t.send("g");
    wait_row(&mut t, STATUS, " 0x0 (0) ");
    t.send("j");
    wait_row(&mut t, STATUS, " 0x10 (16) ");
    quit_cleanly(&mut t);
    assert_eq!(fs::read(dir.path().join("lorem.txt")).unwrap(), lorem());
}

#[test]
fn invalid_utf8_file_names() {
    let dir = tempfile::tempdir().unwrap();
    let name = OsStr::from_bytes(b"bad-\xff-name.bin");
    let path = dir.path().join(name);
    fs::write(&path, lorem()).unwrap();
    let lossy = path.to_string_lossy().into_owned();
    assert!(lossy.contains('\u{fffd}'));

    maphex()
        .args(["dump", "--length", "16"])
        .arg(&path)
        .assert()
        .success()
        .stdout("00000000: 4c6f 7265 6d20 6970 7375 6d20 646f 6c6f  Lorem ipsum dolo\n");
    maphex()
        .args(["find", "--count", "-i", "nulla"])
        .arg(&path)
        .assert()
        .success()
        .stdout("3\n");
    maphex()
        .arg("patch")
        .arg(&path)
        .args(["--at", "0", "--text", "l"])
        .assert()
        .success();
    let mut want = lorem();
    want[0] = b'l';
    assert_eq!(fs::read(&path).unwrap(), want);
    // Error messages show the name lossily.
    let mut cmd = maphex();
    cmd.args(["dump", "--offset", "0x999999"]).arg(&path);
    expect_fatal(&mut cmd, &lossy, "past the end");
    let missing = dir.path().join(OsStr::from_bytes(b"gone-\xfe.bin"));
    let mut cmd = maphex();
    cmd.arg("dump").arg(&missing);
    expect_fatal(&mut cmd, &missing.to_string_lossy(), "no such file");

    // The TUI opens it; the status bar shows a replacement character, never the raw byte.
    // (vt100 drops U+FFFD from its screen, so the character is checked in the raw output.)
    let mut t = open_tui(&[name], dir.path());
    wait_row(&mut t, STATUS, "-name.bin");
    let status = t.row(STATUS as u16);
    assert!(
        status.contains(" bad-"),
        "{}",
        t.report("the name in the status bar")
    );
    let raw = t.raw().to_vec();
    assert!(
        !raw.contains(&0xff),
        "the raw 0xff byte of the name reached the terminal"
    );
    assert!(
        String::from_utf8_lossy(&raw).contains("bad-\u{fffd}-name.bin"),
        "no replacement character drawn for the 0xff byte"
    );
    quit_cleanly(&mut t);
    assert_eq!(fs::read(&path).unwrap(), want);
}

#[test]
fn a_config_file_with_garbage() {
    let (dir, _path) = file_with("lorem.txt", &lorem());
    let mut rng = Rng(0xc0ff_ee00_1234_5678);
    let garbage: Vec<u8> = (0..4096).map(|_| rng.next() as u8).collect();
    let config = dir.path().join("garbage.toml");
    fs::write(&config, &garbage).unwrap();
    let mut t = open_tui(
        &[
            OsStr::new("--config"),
            OsStr::new("garbage.toml"),
            OsStr::new("lorem.txt"),
        ],
        dir.path(),
    );
    wait_row(&mut t, MESSAGE, "config garbage.toml");
    t.send("j");
    wait_row(&mut t, STATUS, " 0x10 (16) ");
    quit_cleanly(&mut t);

    // Valid UTF-8 that is not TOML: a syntax warning with its line, still starts.
    fs::write(&config, "[view\ncols = = 3\n\u{0}\u{7f}").unwrap();
    let mut t = open_tui(
        &[
            OsStr::new("--config"),
            OsStr::new("garbage.toml"),
            OsStr::new("lorem.txt"),
        ],
        dir.path(),
    );
    wait_row(&mut t, MESSAGE, "config garbage.toml line 1");
    quit_cleanly(&mut t);
    assert_eq!(
        fs::read_to_string(&config).unwrap(),
        "[view\ncols = = 3\n\u{0}\u{7f}",
        "the config file is only read"
    );
}

// ---------------------------------------------------------------- bugs found

/// Regression (fixed): an offset expression `end` followed by a non-ASCII character panics instead of
/// being refused. `maphex dump --offset 'endé' FILE` dies with exit 101 and a Rust panic
/// ("byte index 1 is not a char boundary"); the same text typed at `:` kills the TUI.
/// Cause: src/core/expr.rs `resolve` does `rest.split_at(1)` on the text after `end`, a byte
/// index that is not a char boundary when the next character is multi-byte. Expected: exit
/// 2 with "not an offset: 'endé'" (and an error message in the TUI).
#[test]
fn bug_offset_end_followed_by_a_non_ascii_char_panics() {
    let (_dir, path) = file_with("lorem.txt", &lorem());
    let mut cmd = maphex();
    cmd.args(["dump", "--offset", "endé"]).arg(&path);
    expect_fatal(&mut cmd, &path.display().to_string(), "not an offset");
    let mut cmd = maphex();
    cmd.arg("patch")
        .arg(&path)
        .args(["--at", "end€", "--hex", "41"]);
    expect_fatal(&mut cmd, &path.display().to_string(), "not an offset");
    assert_eq!(fs::read(&path).unwrap(), lorem());
}

/// Regression (fixed): input that arrives faster than the app reads it stalls: after a write of more than
/// 1 KiB (a burst of mouse reports from a fast wheel or a drag, or a paste without bracketed
/// paste), the keys after it are not handled until the *next* key arrives, and a burst that
/// fills the terminal's 4 KiB input queue freezes the app for good (the terminal cannot
/// write another key). Found by the burst test above, which hung with 4 KiB unread.
/// Inputs: 3 KiB of SGR wheel reports and `G` in one write. Expected: the cursor at the last
/// byte (0x2e0). What happens: nothing after the first 1024 bytes is read.
/// Cause: crossterm 0.29's unix event source (`event/source/unix/mio.rs`, `try_read`) reads
/// one 1024-byte buffer per readiness event from an edge-triggered (`EPOLLET`) mio poll and
/// returns at the first parsed event, leaving the rest in the kernel with no new edge
/// (upstream crossterm-rs/crossterm#1057, open). src/tui/runtime.rs `run_loop` relies on
/// `event::poll`/`event::read`; a fix on our side is crossterm's `use-dev-tty` feature
/// (level-triggered `poll(2)`), or a crossterm with #1057.
#[test]
fn bug_an_input_burst_over_1_kib_stalls_until_the_next_key() {
    let (dir, _path) = file_with("lorem.txt", &lorem());
    let mut t = open_tui(&[OsStr::new("lorem.txt")], dir.path());
    let mut burst = String::new();
    let mut i = 0;
    while burst.len() < 3000 {
        i += 1;
        let button = if i % 2 == 0 { 64 } else { 65 };
        write!(burst, "\x1b[<{button};{};5M", 10 + i % 50).unwrap();
    }
    burst.push('G');
    assert!(burst.len() < 4000, "must fit the tty input queue");
    t.send(&burst);
    let done = t.poll_screen(Duration::from_secs(3), |s| {
        s.rows(0, 80)
            .nth(STATUS)
            .is_some_and(|r| r.contains(" 0x2e0 (736) "))
    });
    assert!(
        done,
        "{}",
        t.report("G after a 3 KiB burst was not handled within 3 s")
    );
    quit_cleanly(&mut t);
}

/// Regression (fixed): when the terminal goes away (the window is closed, ssh drops), the
/// kernel sends SIGHUP and every read of the tty returns nothing. maphex once spun at 100 %
/// CPU for ever in crossterm's edge-triggered reader (crossterm-rs/crossterm#1057), ignored
/// SIGTERM and never wrote the recovery file. Now it uses crossterm's level-triggered
/// /dev/tty reader, leaves on SIGHUP/SIGTERM, and also notices a dead terminal by a failing
/// write. The test delivers the SIGHUP itself: closing our end of the pty does not hang it up
/// while the reader thread still holds a duplicate of the master.
#[test]
fn bug_closing_the_terminal_leaves_maphex_spinning() {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    let (dir, path) = file_with("lorem.txt", &lorem());
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_maphex"));
    cmd.arg("lorem.txt");
    cmd.cwd(dir.path());
    cmd.env("TERM", "xterm-256color");
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let mut writer = pair.master.take_writer().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = std::io::Read::read(&mut reader, &mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    // Wait for the first frame (the status bar's mode label), then make an edit.
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !String::from_utf8_lossy(&seen).contains("737 bytes") {
        assert!(Instant::now() < deadline, "no first frame");
        if let Ok(b) = rx.recv_timeout(Duration::from_millis(50)) {
            seen.extend(b);
        }
    }
    writer.write_all(b"i41").unwrap();
    writer.flush().unwrap();
    // Wait for the edit on screen (the first byte drawn as 41), never a fixed time.
    let nz = |n| std::num::NonZeroU16::new(n).unwrap();
    let mut screen = vt100::Parser::new(nz(24), nz(80), 0);
    screen.process(&seen);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !screen.screen().contents().contains("00000000  41 6f") {
        assert!(
            Instant::now() < deadline,
            "the edit never showed:\n{}",
            screen.screen().contents()
        );
        if let Ok(b) = rx.recv_timeout(Duration::from_millis(50)) {
            screen.process(&b);
        }
    }
    // The terminal goes away: the kernel's hang-up signal.
    drop(writer);
    let pid = child.process_id().unwrap().to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-HUP", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut status = None;
    while Instant::now() < deadline {
        status = child.try_wait().unwrap();
        if status.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    if status.is_none() {
        // Do not leave a process behind.
        let _ = child.kill();
        let _ = child.wait();
    }
    let recovery = dir.path().join(".lorem.txt.maphex-recover");
    assert!(
        status.is_some(),
        "maphex was still running 5 s after its terminal closed"
    );
    assert!(recovery.exists(), "no recovery file for the unsaved edit");
    assert_eq!(fs::read(&path).unwrap(), lorem());
}
