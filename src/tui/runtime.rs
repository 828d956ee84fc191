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
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::crossterm::execute;

use crate::core::document::Document;
use crate::tui::app::App;
use crate::tui::hint;
use crate::tui::input::{Input, from_crossterm};
use crate::tui::line_worker::{LineWorker, LinesMsg};
use crate::tui::msg::{Effect, Msg, Recover};
use crate::tui::search_worker::{Worker, WorkerMsg};
use crate::tui::stdin_worker::StdinMsg;
use crate::tui::subst_worker::{SubstMsg, SubstWorker};
use crate::tui::ui;
use crate::tui::update::STDIN_LINES_EVERY;

/// The app plus its workers: everything the loop needs except a terminal. It turns what
/// happens outside (inputs, worker reports, the disk, signals) into [`Msg`]s for
/// [`App::update`] and carries out the [`Effect`]s that come back; it changes no state of
/// the app itself.
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
    subst: SubstWorker,
    subst_tx: Sender<SubstMsg>,
    subst_rx: Receiver<SubstMsg>,
    /// Write a recovery file when dropped without a normal quit (a panic unwinding).
    pub recover_on_drop: bool,
    /// A line to print once the terminal is restored (where kept edits went).
    pub exit_note: Option<String>,
    /// Reports of the thread that spools standard input (the viewer from a pipe).
    stdin: Option<Receiver<StdinMsg>>,
    /// When the line index was last rebuilt for input that is still arriving.
    stdin_lines_at: Option<Instant>,
    /// An effect asked to leave.
    quit: bool,
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
    /// A session on a document for a terminal of `size`. Looks for the side files of an
    /// earlier session (the app itself does no I/O).
    pub fn new(doc: Document, size: (u16, u16)) -> Self {
        let (tx, rx) = mpsc::channel();
        let (lines_tx, lines_rx) = mpsc::channel();
        let (subst_tx, subst_rx) = mpsc::channel();
        let opened = Msg::Opened {
            journal: doc.pending_journal(),
            recovery: doc.pending_recovery(),
        };
        let mut s = Self {
            lines: LineWorker::default(),
            lines_tx,
            lines_rx,
            subst: SubstWorker::default(),
            subst_tx,
            subst_rx,
            recover_on_drop: false,
            exit_note: None,
            stdin: None,
            stdin_lines_at: None,
            quit: false,
            app: App::new(doc, size),
            worker: Worker::default(),
            tx,
            rx,
            last_disk_check: None,
            clipboard: Vec::new(),
        };
        s.update(opened);
        s
    }

    /// True once an effect asked to leave.
    pub fn quit(&self) -> bool {
        self.quit
    }

    /// Hands `msg` to the app and carries out what it asks for.
    pub fn update(&mut self, msg: Msg) {
        for effect in self.app.update(msg) {
            self.effect(effect);
        }
    }

    /// Feeds one input and carries out what it asks for.
    pub fn input(&mut self, input: Input) {
        self.update(Msg::Input(input));
    }

    /// Carries out an effect; what it finds goes back to the app as a message.
    pub fn effect(&mut self, effect: Effect) {
        match effect {
            Effect::Quit => self.quit = true,
            Effect::Batch(effects) => {
                for e in effects {
                    self.effect(e);
                }
            }
            Effect::Clipboard(text) => self.clipboard.push(text),
            Effect::ExitNote(note) => self.exit_note = Some(note),
            Effect::Shutdown => {
                self.exit_note = self.save_recovery();
                self.quit = true;
            }
            Effect::KeepAndQuit => {
                let kept = self.app.doc().write_recovery().map_err(|e| e.to_string());
                self.update(Msg::Kept(kept));
            }
            Effect::Save { force, quit } => {
                let result = self.app.doc_mut().save(force).map_err(|e| hint::save(&e));
                self.update(Msg::Saved { result, quit });
            }
            Effect::SaveAs { path, force } => {
                let result = self
                    .app
                    .doc_mut()
                    .save_to(Path::new(&path), force)
                    .map_err(|e| hint::save(&e));
                self.update(Msg::SavedTo { path, result });
            }
            Effect::Discard => {
                let result = self.app.doc_mut().discard().map_err(|e| hint::discard(&e));
                self.update(Msg::Discarded(result));
            }
            Effect::Recover(action) => {
                let doc = self.app.doc_mut();
                let result = match action {
                    Recover::Rollback => doc.rollback_journal(),
                    Recover::Keep => doc.keep_journal(),
                    Recover::Apply => doc.apply_recovery(),
                    Recover::Discard => doc.discard_recovery(),
                }
                .map_err(|e| hint::recover(&e));
                self.update(Msg::Recovered { action, result });
            }
            Effect::Search(req) => self.worker.start(req, self.tx.clone()),
            Effect::StopSearch => self.worker.cancel(),
            Effect::Substitute(job) => self.subst.start(*job, self.subst_tx.clone()),
            Effect::StopSubstitute => self.subst.cancel(),
            Effect::StartLines(generation) => {
                self.lines
                    .start(generation, self.app.doc().snapshot(), self.lines_tx.clone());
            }
            Effect::MapInput {
                report,
                refresh_lines,
            } => {
                let (grew_from, error) = match self.app.doc_mut().spool_grew(report.len) {
                    Ok(g) => (g, None),
                    Err(e) => (None, Some(e.to_string())),
                };
                self.update(Msg::InputMapped {
                    grew_from,
                    report,
                    refresh_lines,
                    error,
                });
            }
        }
    }

    /// Takes the reports of the thread that spools standard input into the document.
    #[must_use]
    pub fn with_stdin(mut self, rx: Receiver<StdinMsg>) -> Self {
        self.stdin = Some(rx);
        self
    }

    /// Hands on what arrived on standard input since the last turn (the newest report; the
    /// line index is rebuilt at most every [`STDIN_LINES_EVERY`]); true when anything came.
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
        let Some(m) = last else {
            if gone {
                self.stdin = None;
            }
            return false;
        };
        if gone || m.done {
            self.stdin = None;
        }
        // Rebuilding the line index is the costly part: at the end, and now and then.
        let refresh = self
            .stdin_lines_at
            .is_none_or(|t| t.elapsed() >= STDIN_LINES_EVERY);
        if refresh {
            self.stdin_lines_at = Some(Instant::now());
        }
        self.update(Msg::Stdin {
            report: m,
            refresh_lines: refresh,
        });
        true
    }

    /// Takes what the workers reported; returns true when anything changed.
    pub fn pump(&mut self) -> bool {
        let mut changed = self.pump_stdin();
        while let Ok(msg) = self.rx.try_recv() {
            changed = true;
            self.update(Msg::Search(msg));
        }
        while let Ok(msg) = self.lines_rx.try_recv() {
            changed = true;
            self.update(Msg::Lines(msg));
        }
        while let Ok(msg) = self.subst_rx.try_recv() {
            changed = true;
            self.update(Msg::Substitute(msg));
        }
        changed
    }

    /// Waits (up to `timeout`) for a background substitution to finish, pumping its reports.
    pub fn wait_substitute(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while self.app.substituting() && Instant::now() < deadline {
            match self.subst_rx.recv_timeout(Duration::from_millis(20)) {
                Ok(msg) => self.update(Msg::Substitute(msg)),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        !self.app.substituting()
    }

    /// Waits (up to `timeout`) for the line index to be built.
    pub fn wait_lines(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        self.pump();
        while self.app.view().lines.building && Instant::now() < deadline {
            if let Ok(msg) = self.lines_rx.recv_timeout(Duration::from_millis(20)) {
                self.update(Msg::Lines(msg));
            }
            self.pump();
        }
        !self.app.view().lines.building
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
                Ok(msg) => self.update(Msg::Search(msg)),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        !self.app.view().search.running
    }

    /// Looks at the file on disk, at most once a second (the tick), and tells the app.
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
        let faulted = self.app.doc().faulted();
        self.update(Msg::Disk { change, faulted });
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
    std::panic::set_hook(Box::new(move |info| {
        let _ = ratatui::try_restore();
        default_hook(info);
    }));
    // Set the terminal up by hand rather than with `ratatui::init`: the alternate screen,
    // mouse and paste modes go out in one write, and every frame is one write through a
    // buffer (the first frame is about 9 KB; unbuffered it took nine writes).
    let setup = || -> io::Result<Terminal<CrosstermBackend<io::BufWriter<io::Stdout>>>> {
        ratatui::crossterm::terminal::enable_raw_mode()?;
        let mut out = io::BufWriter::with_capacity(64 << 10, io::stdout());
        execute!(
            out,
            ratatui::crossterm::terminal::EnterAlternateScreen,
            EnableMouseCapture,
            EnableBracketedPaste
        )?;
        Terminal::new(CrosstermBackend::new(out))
    };
    let mut terminal = match setup() {
        Ok(t) => t,
        Err(e) => {
            let _ = ratatui::try_restore();
            return Err(e);
        }
    };
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
                s.update(Msg::Terminate);
                return Ok(s.exit_note.take());
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
                if s.quit || stop.load(Ordering::Relaxed) || !event::poll(Duration::ZERO)? {
                    break;
                }
            }
        }
        if s.quit {
            break;
        }
        dirty |= s.pump();
        let before = s.app.message.clone();
        s.check_disk();
        dirty |= s.app.message != before;
        if stop.load(Ordering::Relaxed) {
            s.update(Msg::Terminate);
            return Ok(s.exit_note.take());
        }
    }
    s.recover_on_drop = false;
    Ok(s.exit_note.take())
}
