//! The effectful loop: terminal set-up and restore, input, worker messages, effects, drawing.
//!
//! [`Session`] holds everything but the terminal, so tests drive the real effect handling and
//! the real search worker headless (inputs in, buffer out); [`run`] adds the terminal.

use std::io::{self, Write as _};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::crossterm::execute;

use crate::core::document::{DiskChange, Document, Mode, SaveTo};
use crate::tui::app::{App, Effect, Severity};
use crate::tui::input::{Input, from_crossterm};
use crate::tui::line_worker::{LineWorker, LinesMsg};
use crate::tui::search_worker::{Worker, WorkerMsg};
use crate::tui::stdin_worker::StdinMsg;
use crate::tui::ui;

/// The app plus its search worker: everything the loop needs except a terminal.
pub struct Session {
    /// The state.
    pub app: App,
    worker: Worker,
    tx: Sender<WorkerMsg>,
    rx: Receiver<WorkerMsg>,
    last_disk_check: Option<Instant>,
    /// Texts to hand to the terminal's clipboard (OSC 52) at the next draw.
    pub clipboard: Vec<String>,
    lines: LineWorker,
    lines_tx: Sender<LinesMsg>,
    lines_rx: Receiver<LinesMsg>,
    /// Write a recovery file when dropped without a normal quit (a panic unwinding).
    pub recover_on_drop: bool,
    /// A line to print once the terminal is restored (where kept edits went).
    pub exit_note: Option<String>,
    /// The last change on disk reported on the message line.
    disk_note: Option<String>,
    /// Reports of the thread that spools standard input (the viewer from a pipe).
    stdin: Option<Receiver<StdinMsg>>,
    /// When the line index was last rebuilt for input that is still arriving.
    stdin_lines_at: Option<Instant>,
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some(m) = self.recover_on_drop.then(|| self.save_recovery()).flatten() {
            // Never `eprintln!`: it panics when the terminal is gone, and this may run while
            // unwinding, which would abort.
            let _ = writeln!(io::stderr(), "{m}");
        }
        self.shutdown();
    }
}

impl Session {
    /// A session on a document for a terminal of `size`.
    pub fn new(doc: Document, size: (u16, u16)) -> Self {
        let (tx, rx) = mpsc::channel();
        let (lines_tx, lines_rx) = mpsc::channel();
        Self {
            lines: LineWorker::default(),
            lines_tx,
            lines_rx,
            recover_on_drop: false,
            exit_note: None,
            disk_note: None,
            stdin: None,
            stdin_lines_at: None,
            app: App::new(doc, size),
            worker: Worker::default(),
            tx,
            rx,
            last_disk_check: None,
            clipboard: Vec::new(),
        }
    }

    /// Feeds one input and carries out what it asks for.
    pub fn input(&mut self, input: Input) {
        if let Some(effect) = self.app.update(input) {
            self.effect(effect);
        }
        if let Some(generation) = self.app.view_mut().lines.request.take() {
            self.lines
                .start(generation, self.app.doc().snapshot(), self.lines_tx.clone());
        }
    }

    /// Carries out an effect.
    pub fn effect(&mut self, effect: Effect) {
        let app = &mut self.app;
        match effect {
            Effect::Quit => app.quit = true,
            Effect::Batch(effects) => {
                for e in effects {
                    self.effect(e);
                }
            }
            Effect::Clipboard(text) => self.clipboard.push(text),
            Effect::KeepAndQuit => match app.doc().write_recovery() {
                Ok(kept) => {
                    self.exit_note = kept.map(|p| {
                        format!(
                            "maphex: the unsaved edits were kept in {}; open the file again and :recover apply restores them",
                            p.display()
                        )
                    });
                    app.quit = true;
                }
                Err(e) => app.error(format!(
                    "could not keep the edits: {e}; :w PATH saves a copy"
                )),
            },
            Effect::Save { force, quit } => match app.doc_mut().save(force) {
                Ok(r) => {
                    // Saving closes the undo group; still in edit mode, the rest of this stay
                    // is one more undo step.
                    if matches!(app.mode, crate::tui::app::InputMode::Edit { .. }) {
                        app.doc_mut().begin_group();
                    }
                    app.info(saved_message(app.doc(), &r));
                    if quit {
                        app.quit = true;
                    }
                }
                Err(e) => app.error(e.to_string()),
            },
            Effect::SaveAs { path, force } => {
                match app.doc_mut().save_to(Path::new(&path), force) {
                    Ok(SaveTo::InPlace(r)) => {
                        if matches!(app.mode, crate::tui::app::InputMode::Edit { .. }) {
                            app.doc_mut().begin_group();
                        }
                        app.info(saved_message(app.doc(), &r));
                    }
                    Ok(SaveTo::Copy { report, reopened }) => {
                        if reopened {
                            app.info(format!(
                            "wrote {} to {path} and reopened it: the edits are saved there (the undo history starts anew)",
                            plural(report.bytes_written, "byte")
                        ));
                            app.goto(app.cursor());
                            app.lines_after_edit();
                            if let Some(req) = app.view_mut().search_restart() {
                                self.worker.start(req, self.tx.clone());
                            }
                        } else {
                            app.info(format!(
                                "wrote {} to {path}",
                                plural(report.bytes_written, "byte")
                            ));
                        }
                    }
                    Err(e) => app.error(e.to_string()),
                }
            }
            Effect::Discard => match app.doc_mut().discard() {
                Ok(()) => {
                    app.info("edits discarded; showing the file as it is on disk");
                    app.goto(app.cursor());
                    app.lines_after_edit();
                    if let Some(req) = app.view_mut().search_restart() {
                        self.worker.start(req, self.tx.clone());
                    }
                }
                Err(e) => app.error(e.to_string()),
            },
            Effect::Search(req) => self.worker.start(req, self.tx.clone()),
            Effect::CancelSearch => {
                self.worker.cancel();
                app.view_mut().search.mark_cancelled();
                app.info(format!(
                    "search cancelled; {} matches kept",
                    app.view().search.total()
                ));
            }
        }
    }

    /// Takes the reports of the thread that spools standard input into the document.
    #[must_use]
    pub fn with_stdin(mut self, rx: Receiver<StdinMsg>) -> Self {
        self.stdin = Some(rx);
        self
    }

    /// Maps what arrived on standard input since the last turn; true when anything changed.
    fn pump_stdin(&mut self) -> bool {
        let Some(rx) = &self.stdin else {
            return false;
        };
        let mut last = None;
        let mut gone = false;
        loop {
            match rx.try_recv() {
                Ok(m) => {
                    let done = m.done;
                    last = Some(m);
                    if done {
                        break;
                    }
                }
                Err(mpsc::TryRecvError::Empty) => break,
                Err(mpsc::TryRecvError::Disconnected) => {
                    gone = true;
                    break;
                }
            }
        }
        if gone {
            self.stdin = None;
        }
        let Some(m) = last else {
            return false;
        };
        if m.done {
            self.stdin = None;
        }
        match self.app.doc_mut().spool_grew(m.len) {
            Ok(grown) => {
                let refresh = m.done
                    || self
                        .stdin_lines_at
                        .is_none_or(|t| t.elapsed() >= Duration::from_secs(2));
                if let Some(before) = grown {
                    if refresh {
                        self.stdin_lines_at = Some(Instant::now());
                    }
                    if let Some(e) = self.app.input_grew(before, refresh) {
                        self.effect(e);
                    }
                }
                let size = crate::core::document::human_size(m.len);
                match (&m.error, m.done) {
                    (Some(e), _) => self
                        .app
                        .error(format!("{e}; showing the {size} that arrived")),
                    (None, true) => self.app.info(format!(
                        "standard input: {size}; read-only, :w PATH saves a copy"
                    )),
                    (None, false) => {
                        let ours = self
                            .app
                            .message
                            .as_ref()
                            .is_none_or(|(t, _)| t.starts_with("standard input: reading"));
                        if ours {
                            self.app
                                .info(format!("standard input: reading… {size} so far"));
                        }
                    }
                }
            }
            Err(e) => self
                .app
                .error(format!("cannot map the spooled standard input: {e}")),
        }
        true
    }

    /// Takes what the worker reported; returns true when anything changed.
    pub fn pump(&mut self) -> bool {
        let mut changed = self.pump_stdin();
        while let Ok(msg) = self.rx.try_recv() {
            changed = true;
            self.handle_msg(msg);
        }
        if let Some(generation) = self.app.view_mut().lines.request.take() {
            self.lines
                .start(generation, self.app.doc().snapshot(), self.lines_tx.clone());
        }
        while let Ok(msg) = self.lines_rx.try_recv() {
            changed = true;
            self.app.on_lines_msg(msg);
        }
        changed
    }

    /// Waits (up to `timeout`) for the line index to be built.
    pub fn wait_lines(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        self.pump();
        while self.app.view().lines.building && Instant::now() < deadline {
            if let Ok(msg) = self.lines_rx.recv_timeout(Duration::from_millis(20)) {
                self.app.on_lines_msg(msg);
            }
            self.pump();
        }
        !self.app.view().lines.building
    }

    fn handle_msg(&mut self, msg: WorkerMsg) {
        let done = matches!(msg, WorkerMsg::Done { .. });
        let jump = self.app.view_mut().search.on_msg(msg);
        if self.app.view_mut().search.take_cancel_request() {
            self.worker.cancel();
        }
        if let Some(off) = jump {
            self.app.jump_to(off);
            if let Some(s) = self.app.view().search.status_line() {
                self.app.info(s);
            }
        }
        if done && !self.app.view().search.running {
            if self.app.view_mut().search.take_stale() {
                if let Some(req) = self.app.view_mut().search_restart() {
                    self.worker.start(req, self.tx.clone());
                }
            } else if let Some(s) = self.app.view().search.status_line() {
                let replace = self.app.message.as_ref().is_none_or(|(m, sev)| {
                    *sev == Severity::Info
                        && (m.starts_with("searching") || m.starts_with("match "))
                });
                if replace {
                    self.app.info(s);
                }
            }
        }
    }

    /// True while a search runs.
    pub fn searching(&self) -> bool {
        self.app.view().search.running
    }

    /// Waits (up to `timeout`) for the running search to finish, pumping its messages.
    pub fn wait_search(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while self.app.view().search.running && Instant::now() < deadline {
            match self.rx.recv_timeout(Duration::from_millis(20)) {
                Ok(msg) => self.handle_msg(msg),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        !self.app.view().search.running
    }

    /// Notices changes to the file on disk, at most once a second.
    fn check_disk(&mut self) {
        let now = Instant::now();
        if self
            .last_disk_check
            .is_some_and(|t| now.duration_since(t) < Duration::from_secs(1))
        {
            return;
        }
        self.last_disk_check = Some(now);
        let change = self.app.doc().disk_change();
        let msg = match (change, self.app.doc().faulted()) {
            (Some(change), true) => Some(format!(
                "{change}; the view past the new end shows zeros: :e! reloads, :w PATH saves a copy with your edits"
            )),
            (None, true) => Some(
                "the file was truncated on disk while open; :e! reloads, :w PATH saves a copy with your edits".to_string(),
            ),
            (Some(DiskChange::Replaced), false) if self.app.doc().mode() == Mode::WriteThrough => {
                Some("file replaced on disk: edits refused; :e! opens it, :w PATH saves a copy".to_string())
            }
            (Some(DiskChange::Removed), false) if self.app.doc().mode() == Mode::WriteThrough => {
                Some("file removed from disk: edits refused; :w PATH saves a copy".to_string())
            }
            (Some(change), false) => Some(format!("{change}; :e! reloads (unsaved edits are lost), :w PATH saves a copy")),
            (None, false) => None,
        };
        // Say it once per change on disk: repeating it every second would hide every other
        // message (a prompt's question, an edit's refusal) a moment after it appears.
        if msg != self.disk_note {
            if let Some(m) = &msg {
                self.app.error(m.clone());
            }
            self.disk_note = msg;
        }
    }

    /// Writes unsaved copy-on-write edits to the recovery file (maphex is being killed or
    /// crashed); returns a line to print once the terminal is restored.
    pub fn save_recovery(&mut self) -> Option<String> {
        self.recover_on_drop = false;
        match self.app.doc().write_recovery() {
            Ok(Some(p)) => Some(format!(
                "maphex: unsaved edits were kept in {}; open the file again to restore them",
                p.display()
            )),
            Ok(None) => None,
            Err(e) => Some(format!("maphex: could not keep the unsaved edits: {e}")),
        }
    }

    /// Waits for the search worker's thread to end, then takes every message it sent (tests:
    /// what a finished or cancelled search leads to is then known, with no sleep).
    pub fn settle(&mut self) {
        self.worker.join();
        self.pump();
    }

    /// Stops the workers (at exit).
    pub fn shutdown(&mut self) {
        self.lines.cancel();
        self.worker.join();
    }
}

/// "saved PATH: 3 bytes written in 1 range", in agreeing numbers.
fn saved_message(doc: &Document, r: &crate::core::document::SaveReport) -> String {
    format!(
        "saved {}: {} written in {}",
        doc.path().display(),
        plural(r.bytes_written, "byte"),
        plural(r.ranges as u64, "range")
    )
}

/// `1 byte`, `2 bytes`.
fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Sets the terminal up, runs the loop and restores the terminal whatever happens.
pub fn run(
    doc: Document,
    stdin: Option<Receiver<StdinMsg>>,
    configure: impl FnOnce(&mut App),
) -> io::Result<()> {
    // SIGTERM and SIGHUP (the terminal closed) end the loop cleanly: the terminal is restored
    // and unsaved edits go to a recovery file, as vim's swap file keeps them.
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        signal_hook::flag::register(sig, Arc::clone(&stop))?;
    }
    // ratatui's panic hook restores with `restore()`, which `eprintln!`s on failure: with the
    // terminal gone that panics inside the hook and aborts. Ours restores quietly.
    let default_hook = std::panic::take_hook();
    let mut terminal = ratatui::init();
    let _ = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = ratatui::try_restore();
        default_hook(info);
    }));
    let _ = execute!(io::stdout(), EnableMouseCapture, EnableBracketedPaste);
    // A SIGBUS that is not ours kills the process without unwinding: leave the alternate
    // screen and show the cursor first.
    crate::core::mapping::set_fatal_signal_output(Some(RESTORE_SEQUENCE));
    let result = run_loop(&mut terminal, doc, stdin, configure, &stop);
    crate::core::mapping::set_fatal_signal_output(None);
    let _ = execute!(io::stdout(), DisableMouseCapture, DisableBracketedPaste);
    let _ = ratatui::try_restore();
    if terminal.show_cursor().is_err() {
        // The terminal is gone; ratatui's `Drop` would retry and `eprintln!` the failure,
        // which panics on a dead terminal. Nothing is left to restore: skip it.
        std::mem::forget(terminal);
    }
    let note = result?;
    if let Some(note) = note {
        let _ = writeln!(io::stderr(), "{note}");
    }
    Ok(())
}

/// What restores a terminal left by a crash: mouse and paste modes off, main screen, cursor.
const RESTORE_SEQUENCE: &[u8] =
    b"\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?2004l\x1b[?1049l\x1b[?25h\r\n";

fn terminal_size<B: Backend>(terminal: &Terminal<B>) -> (u16, u16) {
    match terminal.size() {
        Ok(s) if s.width > 0 && s.height > 0 => (s.width, s.height),
        _ => (80, 24),
    }
}

fn run_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    doc: Document,
    stdin: Option<Receiver<StdinMsg>>,
    configure: impl FnOnce(&mut App),
    stop: &AtomicBool,
) -> io::Result<Option<String>>
where
    B::Error: Send + Sync + 'static,
{
    let size = terminal_size(terminal);
    let mut s = Session::new(doc, size);
    if let Some(rx) = stdin {
        s = s.with_stdin(rx);
    }
    s.recover_on_drop = true;
    configure(&mut s.app);
    let to_io = |e: B::Error| io::Error::other(e);
    // Start crossterm's event reader (and its SIGWINCH handler) before the first frame, so a
    // resize that lands while it is drawn is not lost.
    let _ = event::poll(Duration::ZERO);
    let mut dirty = true;
    let mut last_alive = Instant::now();
    loop {
        // A terminal that went away (window closed, ssh dropped) may send no SIGHUP to us and
        // make every read return nothing: once a second, a write that does nothing visible
        // (hide the hidden cursor) tells. Then keep the edits and leave.
        if last_alive.elapsed() >= Duration::from_secs(1) {
            last_alive = Instant::now();
            if terminal.hide_cursor().is_err() {
                return Ok(s.save_recovery());
            }
        }
        // A resize may come with no event (one that happened before the reader started, or a
        // terminal that sends none): compare with the real size every turn (one ioctl).
        let now = terminal_size(terminal);
        if now != s.app.size {
            let _ = terminal.autoresize();
            s.input(Input::Resize(now.0, now.1));
            dirty = true;
        }
        if dirty {
            terminal.draw(|f| ui::draw(f, &s.app)).map_err(to_io)?;
            dirty = false;
        }
        for text in s.clipboard.drain(..) {
            use std::io::Write as _;
            let mut out = io::stdout();
            out.write_all(crate::tui::selection::osc52(&text).as_bytes())?;
            out.flush()?;
        }
        let wait = if s.searching() || s.stdin.is_some() {
            Duration::from_millis(30)
        } else {
            Duration::from_millis(250)
        };
        if event::poll(wait)? {
            // Take the events already queued before drawing again (a resize or wheel storm
            // costs one frame, not one per event), but at most a bounded batch, so a signal or
            // a terminal that went away (endless events at EOF) is still noticed.
            for _ in 0..1024 {
                let ev = event::read()?;
                if let Some(input) = from_crossterm(&ev) {
                    if let Input::Resize(w, h) = input {
                        let (w, h) = if w == 0 || h == 0 { (80, 24) } else { (w, h) };
                        let _ = terminal.autoresize();
                        s.input(Input::Resize(w, h));
                    } else {
                        s.input(input);
                    }
                    dirty = true;
                }
                if s.app.quit || stop.load(Ordering::Relaxed) || !event::poll(Duration::ZERO)? {
                    break;
                }
            }
        }
        if s.app.quit {
            break;
        }
        dirty |= s.pump();
        let before = s.app.message.clone();
        s.check_disk();
        dirty |= s.app.message != before;
        if stop.load(Ordering::Relaxed) {
            return Ok(s.save_recovery());
        }
    }
    s.recover_on_drop = false;
    Ok(s.exit_note.take())
}
