//! A small PTY harness for end-to-end tests: start the real binary in a pseudo-terminal,
//! type keys, and look at the screen as a terminal would show it (a `vt100` parser fed with
//! everything the program writes). Assert on the parsed screen, never on raw bytes: ratatui
//! only sends the cells that changed, interleaved with cursor moves.
//!
//! ```ignore
//! mod common;
//! use common::{Tui, keys};
//! let mut t = Tui::spawn(["assets/lorem.txt"]);
//! t.wait_for("the first frame", |s| s.contains("737 bytes"));
//! t.send("j");
//! t.wait_for("the cursor on row 1", |s| s.contains("0x10 (16)"));
//! t.send("q");
//! assert!(t.wait_exit().success());
//! ```
//!
//! Every wait gives up after [`TIMEOUT`] with a message that shows the screen. The child is
//! killed when the [`Tui`] is dropped, so a failing test leaves no process behind.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::missing_panics_doc
)]

use std::ffi::{OsStr, OsString};
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

pub mod at80;

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};

/// How long any wait lasts before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// How long to pause after a lone Esc, so the terminal layer does not read Esc followed by
/// the next key as Alt+key.
pub const ESC_PAUSE: Duration = Duration::from_millis(100);

/// Byte sequences of keys as an xterm sends them.
pub mod keys {
    pub const ESC: &str = "\x1b";
    pub const ENTER: &str = "\r";
    pub const TAB: &str = "\t";
    pub const BACKSPACE: &str = "\x7f";
    pub const UP: &str = "\x1b[A";
    pub const DOWN: &str = "\x1b[B";
    pub const RIGHT: &str = "\x1b[C";
    pub const LEFT: &str = "\x1b[D";
    pub const HOME: &str = "\x1b[H";
    pub const END: &str = "\x1b[F";
    pub const PAGE_UP: &str = "\x1b[5~";
    pub const PAGE_DOWN: &str = "\x1b[6~";
    pub const INSERT: &str = "\x1b[2~";
    pub const DELETE: &str = "\x1b[3~";
    pub const F1: &str = "\x1bOP";

    /// Control + a letter (`ctrl('r')` is Ctrl-R).
    pub fn ctrl(c: char) -> String {
        let b = (c.to_ascii_lowercase() as u8) & 0x1f;
        char::from(b).to_string()
    }
}

/// What the program asked of the terminal besides drawing: titles, bells, clipboard, OSC.
/// A viewer should never ask for any of these because of a file's contents.
#[derive(Debug, Default, Clone)]
pub struct Events {
    /// Window titles set (OSC 0 / OSC 2).
    pub titles: Vec<Vec<u8>>,
    /// Icon names set (OSC 0 / OSC 1).
    pub icon_names: Vec<Vec<u8>>,
    /// Audible bells (BEL).
    pub bells: usize,
    /// Visual bells (ESC g).
    pub visual_bells: usize,
    /// Clipboard writes (OSC 52).
    pub clipboard: Vec<Vec<u8>>,
    /// Other OSC sequences (OSC 8 hyperlinks among them), each as its `;`-separated params.
    pub osc: Vec<Vec<Vec<u8>>>,
    /// Resize requests (CSI 8 ; rows ; cols t).
    pub resizes: Vec<(u16, u16)>,
}

impl vt100::Callbacks for Events {
    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.bells += 1;
    }
    fn visual_bell(&mut self, _: &mut vt100::Screen) {
        self.visual_bells += 1;
    }
    fn resize(&mut self, _: &mut vt100::Screen, request: (u16, u16)) {
        self.resizes.push(request);
    }
    fn set_window_icon_name(&mut self, _: &mut vt100::Screen, name: &[u8]) {
        self.icon_names.push(name.to_vec());
    }
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.titles.push(title.to_vec());
    }
    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, _ty: &[u8], data: &[u8]) {
        self.clipboard.push(data.to_vec());
    }
    fn unhandled_osc(&mut self, _: &mut vt100::Screen, params: &[&[u8]]) {
        self.osc.push(params.iter().map(|p| p.to_vec()).collect());
    }
}

/// How to start the program.
#[derive(Debug, Clone)]
pub struct Options {
    /// The program (the crate's binary unless set).
    pub program: PathBuf,
    /// Terminal rows.
    pub rows: u16,
    /// Terminal columns.
    pub cols: u16,
    /// Environment variables set on top of the test's (TERM=xterm-256color by default).
    pub env: Vec<(OsString, OsString)>,
    /// Environment variables removed (`NO_COLOR` by default, so colours are predictable).
    pub env_remove: Vec<OsString>,
    /// Working directory (the crate root by default; portable-pty would use $HOME).
    pub cwd: PathBuf,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            program: PathBuf::from(env!("CARGO_BIN_EXE_maphex")),
            rows: 24,
            cols: 80,
            env: vec![("TERM".into(), "xterm-256color".into())],
            env_remove: vec!["NO_COLOR".into()],
            cwd: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        }
    }
}

impl Options {
    /// A terminal of `rows` × `cols`.
    #[must_use]
    pub fn size(mut self, rows: u16, cols: u16) -> Self {
        self.rows = rows;
        self.cols = cols;
        self
    }

    /// Sets an environment variable.
    #[must_use]
    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        let key = key.as_ref().to_owned();
        self.env_remove.retain(|k| *k != key);
        self.env.retain(|(k, _)| *k != key);
        self.env.push((key, value.as_ref().to_owned()));
        self
    }

    /// Removes an environment variable.
    #[must_use]
    pub fn env_remove(mut self, key: impl AsRef<OsStr>) -> Self {
        let key = key.as_ref().to_owned();
        self.env.retain(|(k, _)| *k != key);
        self.env_remove.push(key);
        self
    }

    /// Sets the working directory.
    #[must_use]
    pub fn cwd(mut self, dir: impl AsRef<Path>) -> Self {
        dir.as_ref().clone_into(&mut self.cwd);
        self
    }

    /// Runs another program.
    #[must_use]
    pub fn program(mut self, program: impl AsRef<Path>) -> Self {
        program.as_ref().clone_into(&mut self.program);
        self
    }
}

/// A program running in a pseudo-terminal, and the screen it drew.
pub struct Tui {
    parser: vt100::Parser<Events>,
    rx: Receiver<Vec<u8>>,
    /// Everything the program wrote, raw (for messages printed outside the alternate screen;
    /// prefer the parsed screen for anything else).
    raw: Vec<u8>,
    /// The reader saw the end of the output (every copy of the slave side is closed).
    eof: bool,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    status: Option<ExitStatus>,
    // Dropping the master hangs the terminal up: keep it for the life of the child.
    master: Box<dyn MasterPty + Send>,
    desc: String,
}

impl Tui {
    /// Starts the crate's binary with `args` in an 80×24 terminal.
    pub fn spawn<I, S>(args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        Self::spawn_with(args, &Options::default())
    }

    /// Starts a program with `args` as `opts` say.
    pub fn spawn_with<I, S>(args: I, opts: &Options) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let size = PtySize {
            rows: opts.rows,
            cols: opts.cols,
            pixel_width: 0,
            pixel_height: 0,
        };
        let pair = native_pty_system().openpty(size).expect("openpty");
        let mut cmd = CommandBuilder::new(&opts.program);
        let args: Vec<OsString> = args.into_iter().map(|a| a.as_ref().to_owned()).collect();
        cmd.args(&args);
        for k in &opts.env_remove {
            cmd.env_remove(k);
        }
        for (k, v) in &opts.env {
            cmd.env(k, v);
        }
        cmd.cwd(&opts.cwd);
        let child = pair
            .slave
            .spawn_command(cmd)
            .expect("spawn the program in the pty");
        // Only the child keeps the slave side open, so the reader sees EOF when it exits.
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 16 * 1024];
            loop {
                match reader.read(&mut buf) {
                    // Linux reports a hung-up pty as EIO: that is the end too.
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if tx.send(buf[..n].to_vec()).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        let parser =
            vt100::Parser::new_with_callbacks(nz(opts.rows), nz(opts.cols), 0, Events::default());
        let desc = format!(
            "{} {}",
            opts.program
                .file_name()
                .unwrap_or_default()
                .to_string_lossy(),
            args.iter()
                .map(|a| a.to_string_lossy())
                .collect::<Vec<_>>()
                .join(" ")
        );
        Self {
            parser,
            rx,
            raw: Vec::new(),
            eof: false,
            writer,
            child,
            status: None,
            master: pair.master,
            desc,
        }
    }

    // ---- input --------------------------------------------------------------------------

    /// Types bytes (use [`keys`] for special keys). A lone Esc needs [`Tui::esc`] instead.
    pub fn send(&mut self, keys: impl AsRef<[u8]>) {
        self.writer
            .write_all(keys.as_ref())
            .expect("write to the pty");
        self.writer.flush().expect("flush the pty");
    }

    /// Presses Esc alone: sends it, then pauses so the next key is not read as Alt+key.
    pub fn esc(&mut self) {
        self.send(keys::ESC);
        std::thread::sleep(ESC_PAUSE);
    }

    /// Resizes the terminal (the program gets SIGWINCH) and the parsed screen with it.
    pub fn resize(&mut self, rows: u16, cols: u16) {
        self.pump();
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize the pty");
        self.parser.set_size(nz(rows), nz(cols));
    }

    // ---- output -------------------------------------------------------------------------

    /// Takes whatever output has arrived, without waiting. Returns true if any did.
    pub fn pump(&mut self) -> bool {
        let mut any = false;
        loop {
            match self.rx.try_recv() {
                Ok(bytes) => {
                    self.feed(&bytes);
                    any = true;
                }
                Err(mpsc::TryRecvError::Empty) => return any,
                Err(mpsc::TryRecvError::Disconnected) => {
                    self.eof = true;
                    return any;
                }
            }
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        self.raw.extend_from_slice(bytes);
        self.parser.process(bytes);
    }

    /// Waits up to `timeout` for more output; false when none came.
    fn pump_wait(&mut self, timeout: Duration) -> bool {
        if self.eof {
            return false;
        }
        match self.rx.recv_timeout(timeout) {
            Ok(bytes) => {
                self.feed(&bytes);
                self.pump();
                true
            }
            Err(RecvTimeoutError::Timeout) => false,
            Err(RecvTimeoutError::Disconnected) => {
                self.eof = true;
                false
            }
        }
    }

    /// Waits until `pred` holds for the screen text (rows joined by newlines, trailing blanks
    /// trimmed) and returns that text. Fails after [`TIMEOUT`], or at once if the program
    /// ended first, showing `what` was awaited and the screen.
    pub fn wait_for(&mut self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        self.wait_for_screen(what, |s| pred(&s.contents()));
        self.parser.screen().contents()
    }

    /// Waits up to `timeout` until `pred` holds for the screen; false (no failure) when it
    /// did not, or the program ended first.
    pub fn poll_screen(
        &mut self,
        timeout: Duration,
        pred: impl Fn(&vt100::Screen) -> bool,
    ) -> bool {
        self.pump();
        let deadline = Instant::now() + timeout;
        loop {
            if pred(self.parser.screen()) {
                return true;
            }
            if self.eof || Instant::now() >= deadline {
                return false;
            }
            self.pump_wait(Duration::from_millis(20));
        }
    }

    /// Like [`Tui::wait_for`], with the whole `vt100` screen (styles, cursor, modes).
    pub fn wait_for_screen(&mut self, what: &str, pred: impl Fn(&vt100::Screen) -> bool) {
        self.pump();
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if pred(self.parser.screen()) {
                return;
            }
            if self.eof {
                let status = self.reap(Duration::from_secs(2));
                panic!(
                    "{}",
                    self.report(&format!("the program ended ({status:?}) before: {what}"))
                );
            }
            assert!(
                Instant::now() < deadline,
                "{}",
                self.report(&format!("timed out after {TIMEOUT:?} waiting for: {what}"))
            );
            self.pump_wait(Duration::from_millis(50));
        }
    }

    /// The parsed screen.
    pub fn screen(&self) -> &vt100::Screen {
        self.parser.screen()
    }

    /// The screen text, after taking what has arrived.
    pub fn text(&mut self) -> String {
        self.pump();
        self.parser.screen().contents()
    }

    /// One row of the screen, trailing blanks trimmed.
    pub fn row(&self, row: u16) -> String {
        let (_, cols) = self.parser.screen().size();
        self.parser
            .screen()
            .rows(0, cols.get())
            .nth(usize::from(row))
            .unwrap_or_default()
    }

    /// Where `needle` first appears on screen, as (row, column), columns counted in cells.
    pub fn find(&self, needle: &str) -> Option<(u16, u16)> {
        let (rows, _) = self.parser.screen().size();
        for r in 0..rows.get() {
            let line = self.row(r);
            if let Some(byte_col) = line.find(needle) {
                return Some((r, line[..byte_col].chars().count() as u16));
            }
        }
        None
    }

    /// The cell at (row, column): its text, colours and attributes.
    pub fn cell(&self, row: u16, col: u16) -> Option<vt100::Cell> {
        self.parser.screen().cell(row, col).cloned()
    }

    /// Where the terminal cursor is, as (row, column).
    pub fn cursor(&self) -> (u16, u16) {
        self.parser.screen().cursor_position()
    }

    /// True when the program hid the terminal cursor.
    pub fn cursor_hidden(&self) -> bool {
        self.parser.screen().hide_cursor()
    }

    /// True while the alternate screen is on.
    pub fn alternate_screen(&self) -> bool {
        self.parser.screen().alternate_screen()
    }

    /// Titles, bells, OSC sequences and so on that the program sent.
    pub fn events(&self) -> &Events {
        self.parser.callbacks()
    }

    /// Everything the program wrote, as lossy text (for messages printed outside the
    /// alternate screen).
    pub fn raw_text(&mut self) -> String {
        self.pump();
        String::from_utf8_lossy(&self.raw).into_owned()
    }

    /// The raw bytes the program wrote.
    pub fn raw(&mut self) -> &[u8] {
        self.pump();
        &self.raw
    }

    // ---- the process ----------------------------------------------------------------------

    /// The exit status if the program has ended.
    pub fn try_status(&mut self) -> Option<ExitStatus> {
        if self.status.is_none() {
            self.status = self.child.try_wait().expect("try_wait");
        }
        self.status.clone()
    }

    /// Waits up to `timeout` for the exit status, without failing.
    fn reap(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(st) = self.try_status() {
                return Some(st);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits up to [`TIMEOUT`] for the program to exit, then for the rest of its output.
    pub fn wait_exit(&mut self) -> ExitStatus {
        self.wait_exit_timeout(TIMEOUT)
    }

    /// Waits up to `timeout` for the program to exit, then for the rest of its output.
    pub fn wait_exit_timeout(&mut self, timeout: Duration) -> ExitStatus {
        let deadline = Instant::now() + timeout;
        let status = loop {
            if let Some(st) = self.try_status() {
                break st;
            }
            assert!(
                Instant::now() < deadline,
                "{}",
                self.report(&format!("the program did not exit within {timeout:?}"))
            );
            // Keep reading, so a program blocked on a full pty buffer can go on.
            if !self.pump_wait(Duration::from_millis(20)) && self.eof {
                std::thread::sleep(Duration::from_millis(10));
            }
        };
        // The reader ends when the slave side closes; take everything up to there.
        let deadline = Instant::now() + Duration::from_secs(2);
        while !self.eof && Instant::now() < deadline {
            self.pump_wait(Duration::from_millis(50));
        }
        status
    }

    /// The child's process id.
    pub fn pid(&self) -> Option<u32> {
        self.child.process_id()
    }

    /// A failure message: what went wrong, the process state and the screen.
    pub fn report(&mut self, what: &str) -> String {
        let status = self.try_status();
        let screen = self.parser.screen();
        let (rows, cols) = screen.size();
        let mut s = format!(
            "{what}\n  program: {}\n  status: {status:?}\n  terminal {cols}x{rows}, alternate screen {}, cursor {:?}{}\n",
            self.desc,
            screen.alternate_screen(),
            screen.cursor_position(),
            if screen.hide_cursor() {
                " (hidden)"
            } else {
                ""
            },
        );
        let bar = "-".repeat(usize::from(cols.get()));
        let _ = writeln!(s, "+{bar}+");
        for line in screen.rows(0, cols.get()) {
            let pad = usize::from(cols.get()).saturating_sub(line.chars().count());
            let _ = writeln!(s, "|{line}{}|", " ".repeat(pad));
        }
        let _ = writeln!(s, "+{bar}+");
        s
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        if self.try_status().is_some() {
            return;
        }
        // SIGHUP first (what a closing terminal sends), SIGKILL if that is not enough.
        let _ = self.child.kill();
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        if let Some(pid) = self.child.process_id().and_then(|p| i32::try_from(p).ok()) {
            // SAFETY: kill(2) with a pid we spawned and have not reaped (try_wait said it is
            // still running), so the pid cannot have been reused.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
            }
        }
        let _ = self.child.wait();
    }
}

fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n.max(1)).expect("at least 1")
}

/// A temporary directory holding a copy of a file, writable whatever the original's mode
/// (a plain copy would keep a read-only mode, and the app opens such a file read-only).
pub fn temp_copy(src: impl AsRef<Path>, name: &str) -> (tempfile::TempDir, PathBuf) {
    let src = src.as_ref();
    let src = if src.is_relative() {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(src)
    } else {
        src.to_owned()
    };
    let bytes = std::fs::read(&src).unwrap_or_else(|e| panic!("read {}: {e}", src.display()));
    temp_file(name, &bytes)
}

/// A temporary directory holding one file with `bytes`.
pub fn temp_file(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write the temp file");
    (dir, path)
}
