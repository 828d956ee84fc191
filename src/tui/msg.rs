//! Messages and effects: the only ways into and out of [`App::update`](crate::tui::app::App).
//!
//! The runtime turns every outside event into a [`Msg`] (a key, the mouse, a resize, a
//! worker's result, a signal, the once-a-second look at the file on disk) and carries out the
//! [`Effect`]s that `update` returns; what an effect finds (a save that worked or failed, a
//! journal rolled back) comes back as another `Msg`. The runtime changes no state itself, so
//! any bug is "these messages on these bytes", and `tui::harness` replays them headless.

use std::path::PathBuf;

use crate::core::document::{DiskChange, Document, SaveReport, SaveTo};
use crate::tui::input::Input;
use crate::tui::line_worker::LinesMsg;
use crate::tui::search::SearchRequest;
use crate::tui::search_worker::WorkerMsg;
use crate::tui::stdin_worker::StdinMsg;
use crate::tui::view::ViewId;

/// What `:recover` asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recover {
    /// Roll an interrupted save back from its journal.
    Rollback,
    /// Keep the file as it is and delete the journal.
    Keep,
    /// Load the edits of a recovery file (unsaved, one undo step).
    Apply,
    /// Delete the recovery file.
    Discard,
}

/// What to do once the edits of some buffers are saved or kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Then {
    /// Nothing more (`:wa`).
    Stay,
    /// Leave the program (`:wqa`, the quit question).
    Quit,
    /// Close this buffer (the `:bd` question).
    Close(ViewId),
}

/// What `:e PATH` found.
#[derive(Debug)]
pub enum Loaded {
    /// The file, opened.
    New(Box<Document>),
    /// The file is open already, in this view (same device and inode).
    Open(ViewId),
}

/// Something that happened.
#[derive(Debug)]
pub enum Msg {
    /// A key, the mouse, a resize or a paste.
    Input(Input),
    /// A document was opened: side files of an earlier session found beside it.
    Opened {
        /// Its view.
        view: ViewId,
        /// The journal of an interrupted save.
        journal: Option<PathBuf>,
        /// Unsaved edits of a session that died.
        recovery: Option<PathBuf>,
    },
    /// A view's search worker reported.
    Search(ViewId, WorkerMsg),
    /// A view's line-index worker reported.
    Lines(ViewId, LinesMsg),
    /// What [`Effect::Open`] found.
    Loaded {
        /// The path as typed.
        path: String,
        /// The document, the view that has it already, or the error's message.
        result: Result<Loaded, String>,
    },
    /// The substitution worker reported.
    Substitute(crate::tui::subst_worker::SubstMsg),
    /// The thread spooling standard input reported.
    Stdin {
        /// The newest report.
        report: StdinMsg,
        /// Rebuild the line index too (the runtime asks now and then, not every report).
        refresh_lines: bool,
    },
    /// More of standard input was mapped (after [`Effect::MapInput`]).
    InputMapped {
        /// The view it is spooled into.
        view: ViewId,
        /// The length before, when it grew.
        grew_from: Option<u64>,
        /// What the spooling thread said.
        report: StdinMsg,
        /// Rebuild the line index too.
        refresh_lines: bool,
        /// Mapping failed.
        error: Option<String>,
    },
    /// The once-a-second look at the file on disk.
    Disk {
        /// How the file on disk differs from the document's base, if it does.
        change: Option<DiskChange>,
        /// Another program truncated the file under the mapping.
        faulted: bool,
    },
    /// What [`Effect::Save`] did.
    Saved {
        /// The report, or the error's message.
        result: Result<SaveReport, String>,
        /// Quit when it worked.
        quit: bool,
    },
    /// What [`Effect::SaveAs`] did.
    SavedTo {
        /// Where.
        path: String,
        /// What happened, or the error's message.
        result: Result<SaveTo, String>,
    },
    /// What [`Effect::Discard`] did.
    Discarded(Result<(), String>),
    /// What [`Effect::Recover`] did.
    Recovered {
        /// What was asked.
        action: Recover,
        /// The error's message, if it failed.
        result: Result<(), String>,
    },
    /// What [`Effect::SaveViews`] did, per view.
    SavedViews {
        /// Each view's report, or the error's message.
        results: Vec<(ViewId, Result<SaveReport, String>)>,
        /// What to do when every save worked.
        then: Then,
    },
    /// What [`Effect::Keep`] did: where each view's edits went.
    Kept {
        /// Each view's recovery file (none when it had nothing to keep), or the error.
        results: Vec<(ViewId, Result<Option<PathBuf>, String>)>,
        /// What to do when every one was kept.
        then: Then,
    },
    /// What [`Effect::Template`] loaded.
    Template {
        /// For which view.
        view: ViewId,
        /// The template, or why there is none.
        result: Result<crate::core::ksy::Template, String>,
        /// Looked for on open (quiet).
        auto: bool,
    },
    /// The compare view's comparison reported.
    Diff(crate::tui::diff_worker::DiffMsg),
    /// SIGTERM or SIGHUP: keep unsaved edits and leave.
    Terminate,
}

/// Work for the runtime.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Save in place (`force` skips the changed-on-disk check), then quit if asked.
    Save {
        /// Overwrite even if the file changed on disk.
        force: bool,
        /// Quit after a successful save.
        quit: bool,
    },
    /// `:w PATH`: save in place when PATH is the open file, else write a full copy there.
    SaveAs {
        /// Where.
        path: String,
        /// `:w!`: write onto a file opened read-only, or over a file changed on disk.
        force: bool,
    },
    /// Throw away unsaved edits.
    Discard,
    /// Settle a journal or a recovery file.
    Recover(Recover),
    /// Start a background search for a view (it replaces that view's running one).
    Search(ViewId, SearchRequest),
    /// Stop a view's running search.
    StopSearch(ViewId),
    /// Run a `:s` over a big file in the background.
    Substitute(Box<crate::tui::subst_worker::SubstJob>),
    /// Stop the running substitution.
    StopSubstitute,
    /// Build a view's line index in the background.
    StartLines {
        /// Whose.
        view: ViewId,
        /// Tags the build's reports.
        generation: u64,
        /// Carry on from this index (cut back to before an edit) instead of starting over.
        resume: Option<Box<crate::core::lines::LineIndex>>,
    },
    /// `:e PATH`: open a file as another buffer (or find the view that has it open).
    Open(String),
    /// Look for the side files of an earlier session beside a view's file (`Msg::Opened`).
    SideFiles(ViewId),
    /// Save the edits of these views in place, then do `then` if every save worked.
    SaveViews {
        /// Whose.
        views: Vec<ViewId>,
        /// What next.
        then: Then,
    },
    /// A view was closed: stop its workers and drop their reports.
    Forget(ViewId),
    /// Look at the focused file on disk now (after switching buffers).
    CheckDisk,
    /// Map more of the spooled standard input.
    MapInput {
        /// The spooling thread's report (the length now).
        report: StdinMsg,
        /// Rebuild the line index too.
        refresh_lines: bool,
    },
    /// Load a structure template for a view (`Msg::Template` brings it).
    Template(crate::tui::structure::TemplateRequest),
    /// Compare two documents (or a region of them) in the background for the compare view
    /// (it replaces the running comparison).
    Compare(Box<crate::tui::diff_worker::CompareJob>),
    /// Stop the compare view's comparison.
    StopCompare,
    /// Several effects, in order.
    Batch(Vec<Effect>),
    /// Put text on the system clipboard (OSC 52).
    Clipboard(String),
    /// Keep the unsaved edits of these views in recovery files, then do `then` (the file
    /// they were made to is no longer at its path, or the question's keep).
    Keep {
        /// Whose.
        views: Vec<ViewId>,
        /// What next.
        then: Then,
    },
    /// A line to print once the terminal is restored.
    ExitNote(String),
    /// Keep unsaved edits in a recovery file whatever happens, and leave (maphex is being
    /// stopped: SIGTERM, SIGHUP).
    Shutdown,
    /// Leave the program.
    Quit,
}
