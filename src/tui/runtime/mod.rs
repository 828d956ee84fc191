//! The effectful loop: terminal set-up and restore, input, worker messages, effects, drawing.
//!
//! [`Session`] holds everything but the terminal, so tests drive the real effect handling and
//! the real search worker headless (inputs in, buffer out); [`run`] adds the terminal.

use std::io::{self, Write as _};
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

use crate::core::document::{Document, OpenConfig};
use crate::tui::app::App;
use crate::tui::input::{Input, from_crossterm};
use crate::tui::msg::{Effect, Msg};
use crate::tui::stdin_worker::StdinMsg;
use crate::tui::subst_worker::{SubstMsg, SubstWorker};
use crate::tui::ui;
use crate::tui::update::STDIN_LINES_EVERY;
use crate::tui::view::ViewId;
use crate::tui::workers::Workers;

mod files;

/// The app plus its workers: everything the loop needs except a terminal. It turns what
/// happens outside (inputs, worker reports, the disk, signals) into [`Msg`]s for
/// [`App::update`] and carries out the [`Effect`]s that come back; it changes no state of
/// the app itself.
pub struct Session {
    /// The state.
    pub app: App,
    /// Each view's search and line-index workers.
    workers: Workers,
    last_disk_check: Option<Instant>,
    /// Texts to hand to the terminal's clipboard (OSC 52) at the next draw.
    pub clipboard: Vec<String>,
    /// How `:e PATH` opens files (the mode and lock of the command line's).
    pub open_config: OpenConfig,
    subst: SubstWorker,
    subst_tx: Sender<SubstMsg>,
    subst_rx: Receiver<SubstMsg>,
    /// Write a recovery file when dropped without a normal quit (a panic unwinding).
    pub recover_on_drop: bool,
    /// A line to print once the terminal is restored (where kept edits went).
    pub exit_note: Option<String>,
    /// Reports of the thread that spools standard input (the viewer from a pipe).
    stdin: Option<Receiver<StdinMsg>>,
    /// The view standard input is spooled into (the first).
    stdin_view: ViewId,
    /// When the line index was last rebuilt for input that is still arriving.
    stdin_lines_at: Option<Instant>,
    /// An effect asked to leave.
    quit: bool,
    /// Work put off until after the first frame (looking for a template on open).
    deferred: Vec<Effect>,
    /// The compare view's comparison.
    diff: crate::tui::diff_worker::DiffWorker,
    diff_tx: Sender<crate::tui::diff_worker::DiffMsg>,
    diff_rx: Receiver<crate::tui::diff_worker::DiffMsg>,
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
        Self::with_docs(vec![doc], size)
    }

    /// A session on several documents, one buffer each, the first focused (at least one:
    /// an empty list gives an empty read-only buffer). Looks for each one's side files.
    pub fn with_docs(docs: Vec<Document>, size: (u16, u16)) -> Self {
        let mut docs = docs.into_iter();
        let first = docs
            .next()
            .unwrap_or_else(|| Document::from_bytes("(no file)", Vec::new()));
        let (subst_tx, subst_rx) = mpsc::channel();
        let (diff_tx, diff_rx) = mpsc::channel();
        let open_config = OpenConfig {
            mode: first.mode(),
            ..OpenConfig::default()
        };
        let mut app = App::new(first, size);
        for d in docs {
            app.push_view(d);
        }
        let ids: Vec<ViewId> = app.views().iter().map(crate::tui::view::View::id).collect();
        let mut s = Self {
            workers: Workers::default(),
            open_config,
            stdin_view: ids[0],
            subst: SubstWorker::default(),
            subst_tx,
            subst_rx,
            recover_on_drop: false,
            exit_note: None,
            stdin: None,
            stdin_lines_at: None,
            quit: false,
            deferred: Vec::new(),
            diff: crate::tui::diff_worker::DiffWorker::default(),
            diff_tx,
            diff_rx,
            app,
            last_disk_check: None,
            clipboard: Vec::new(),
        };
        // The first buffer's side files last: its message is the one left on the line.
        for id in ids.into_iter().rev() {
            s.effect(Effect::SideFiles(id));
        }
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
            Effect::SideFiles(view) => {
                // A template for the file is looked for after the first frame (it parses the
                // templates, which the first frame should not wait for), quietly: it leaves
                // its message only when the side files had none to say.
                self.deferred
                    .push(Effect::Template(crate::tui::structure::TemplateRequest {
                        view,
                        spec: crate::tui::structure::TemplateSpec::Detect,
                        auto: true,
                    }));
                self.file_effect(Effect::SideFiles(view));
            }
            Effect::Template(req) => {
                if let Some(i) = self.app.index_of(req.view) {
                    let lib = crate::tui::structure::library();
                    let doc = self.app.views()[i].doc();
                    let result = crate::tui::structure::load(&lib, doc, &req.spec);
                    self.update(Msg::Template {
                        view: req.view,
                        result,
                        auto: req.auto,
                    });
                }
            }
            e @ (Effect::Keep { .. }
            | Effect::SaveViews { .. }
            | Effect::Open(_)
            | Effect::Forget(_)
            | Effect::CheckDisk
            | Effect::Save { .. }
            | Effect::SaveAs { .. }
            | Effect::Discard
            | Effect::Recover(_)) => self.file_effect(e),
            Effect::Search(view, req) => self.workers.search(view, req),
            Effect::StopSearch(view) => self.workers.stop_search(view),
            Effect::Substitute(job) => self.subst.start(*job, self.subst_tx.clone()),
            Effect::StopSubstitute => self.subst.cancel(),
            Effect::Compare(job) => self.diff.start(*job, self.diff_tx.clone()),
            Effect::StopCompare => self.diff.cancel(),
            Effect::StartLines {
                view,
                generation,
                resume,
            } => {
                if let Some(i) = self.app.index_of(view) {
                    let snapshot = self.app.views()[i].doc().snapshot();
                    self.workers
                        .lines(view, generation, snapshot, resume.map(|b| *b));
                }
            }
            Effect::MapInput {
                report,
                refresh_lines,
            } => {
                let Some(i) = self.app.index_of(self.stdin_view) else {
                    return;
                };
                let doc = self.app.view_at_mut(i).doc_mut();
                let (grew_from, error) = match doc.spool_grew(report.len) {
                    Ok(g) => (g, None),
                    Err(e) => (None, Some(e.to_string())),
                };
                self.update(Msg::InputMapped {
                    view: self.stdin_view,
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
        for e in std::mem::take(&mut self.deferred) {
            changed = true;
            self.effect(e);
        }
        for msg in self.workers.drain() {
            changed = true;
            self.update(msg);
        }
        while let Ok(msg) = self.subst_rx.try_recv() {
            changed = true;
            self.update(Msg::Substitute(msg));
        }
        while let Ok(msg) = self.diff_rx.try_recv() {
            changed = true;
            self.update(Msg::Diff(msg));
        }
        changed
    }

    /// Carries out the effects the app asked for outside `update` (the CLI's set-up: the
    /// compare view of `maphex diff` starts its comparison).
    pub fn flush(&mut self) {
        for effect in self.app.take_effects() {
            self.effect(effect);
        }
    }

    /// Waits (up to `timeout`) for the compare view's comparison to finish, pumping its
    /// reports.
    pub fn wait_compare(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let busy = |s: &Self| s.app.comparing();
        while busy(self) && Instant::now() < deadline {
            match self.diff_rx.recv_timeout(Duration::from_millis(20)) {
                Ok(msg) => self.update(Msg::Diff(msg)),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        !busy(self)
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
            let id = self.app.view().id();
            if let Some(msg) = self.workers.recv_lines(id, Duration::from_millis(20)) {
                self.update(msg);
            }
            self.pump();
        }
        !self.app.view().lines.building
    }

    /// True while a search runs in some buffer.
    pub fn searching(&self) -> bool {
        self.app.views().iter().any(|v| v.search.running)
    }

    /// Waits (up to `timeout`) for the focused view's search to finish, pumping its messages.
    pub fn wait_search(&mut self, timeout: Duration) -> bool {
        self.wait_search_of(self.app.view().id(), timeout)
    }

    /// Waits (up to `timeout`) for the search of view `id` (focused or not) to finish.
    pub fn wait_search_of(&mut self, id: ViewId, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let running = |s: &Self| {
            s.app
                .index_of(id)
                .is_some_and(|i| s.app.views()[i].search.running)
        };
        while running(self) && Instant::now() < deadline {
            match self.workers.recv_search(id, Duration::from_millis(20)) {
                Some(msg) => self.update(msg),
                None if !self.workers.searching() => {
                    // The thread ended: take what it sent last, then stop waiting.
                    self.pump();
                    break;
                }
                None => {}
            }
        }
        !running(self)
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

    /// Waits for the search worker's thread to end, then takes every message it sent (tests:
    /// what a finished or cancelled search leads to is then known, with no sleep).
    pub fn settle(&mut self) {
        self.workers.join_searches();
        self.pump();
    }

    /// Stops the workers (at exit).
    pub fn shutdown(&mut self) {
        self.diff.cancel();
        self.workers.shutdown();
    }
}

/// Sets the terminal up, runs the loop and restores the terminal whatever happens.
pub fn run(
    docs: Vec<Document>,
    open_config: OpenConfig,
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
    let result = run_loop(&mut terminal, docs, open_config, stdin, configure, &stop);
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
    docs: Vec<Document>,
    open_config: OpenConfig,
    stdin: Option<Receiver<StdinMsg>>,
    configure: impl FnOnce(&mut App),
    stop: &AtomicBool,
) -> io::Result<Option<String>>
where
    B::Error: Send + Sync + 'static,
{
    let size = terminal_size(terminal);
    let mut s = Session::with_docs(docs, size);
    s.open_config = open_config;
    if let Some(rx) = stdin {
        s = s.with_stdin(rx);
    }
    s.recover_on_drop = true;
    configure(&mut s.app);
    s.flush();
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
        let comparing = s.app.comparing();
        let wait = if s.searching() || s.stdin.is_some() || comparing {
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
