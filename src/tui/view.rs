//! A view: one open document as the user sees it. Its cursor (the core's file-object
//! [`Cursor`], which owns the document), the top of the screen, the pane typed into, the
//! selection, marks and jumps, the search and the line index. The app holds a list of views
//! and which has focus; everything here belongs to one document and moves with it.

use std::collections::HashMap;
use std::io::SeekFrom;
use std::ops::Range;

use crate::core::cursor::Cursor;
use crate::core::document::Document;
use crate::tui::line_geom::LineState;
use crate::tui::search::{SearchRequest, SearchUi};

/// Which pane the cursor types into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    /// The hex digits.
    Hex,
    /// The text column.
    Text,
}

/// A view's identity for the whole session: never reused, so a worker's report for a view
/// that was closed (or a view opened later at the same index) finds no view and is dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ViewId(pub u64);

/// How many jumps `Ctrl-O` remembers.
pub const JUMPS: usize = 100;

/// One open document and where the user is in it.
pub struct View {
    /// Which view this is (the app numbers them as it opens them).
    id: ViewId,
    /// The document and the position in it (seek/tell, as a file object).
    cursor: Cursor<Document>,
    /// Offset of the first row on screen (a multiple of the row width in the hex view; the
    /// first byte of the first visual row in the line view).
    pub top: u64,
    /// The pane typing goes to, when both are on screen.
    pub pane: Pane,
    /// Where the selection started (`v`), if one is active.
    pub anchor: Option<u64>,
    /// Marks set with `m`.
    pub marks: HashMap<char, u64>,
    /// Where jumps came from (`Ctrl-O` goes back).
    pub jumps: Vec<u64>,
    /// Search state.
    pub search: SearchUi,
    /// The line index for the line view and `:line`.
    pub lines: LineState,
    /// Bytes written since edit mode was entered (re-searched when it is left).
    pub edit_span: Option<Range<u64>>,
}

impl View {
    /// A view at the start of `doc`.
    pub fn new(doc: Document) -> Self {
        Self {
            id: ViewId::default(),
            cursor: Cursor::new(doc),
            top: 0,
            pane: Pane::Hex,
            anchor: None,
            marks: HashMap::new(),
            jumps: Vec::new(),
            search: SearchUi::default(),
            lines: LineState::default(),
            edit_span: None,
        }
    }

    /// Which view this is.
    pub fn id(&self) -> ViewId {
        self.id
    }

    /// Names the view (the app does, once, as it adds it).
    pub(crate) fn set_id(&mut self, id: ViewId) {
        self.id = id;
    }

    /// The document.
    pub fn doc(&self) -> &Document {
        self.cursor.get_ref()
    }

    /// The document, to edit.
    pub fn doc_mut(&mut self) -> &mut Document {
        self.cursor.get_mut()
    }

    /// The cursor offset (`tell`).
    pub fn cursor(&self) -> u64 {
        self.cursor.tell()
    }

    /// Puts the cursor at `off` (`seek`; the caller clamps to what the mode allows).
    pub fn seek(&mut self, off: u64) {
        // Seeking from the start never fails.
        let _ = self.cursor.seek(SeekFrom::Start(off));
    }

    /// The selected bytes, from the anchor to the cursor, both included.
    pub fn selection(&self) -> Option<Range<u64>> {
        let a = self.anchor?;
        let c = self.cursor();
        let (lo, hi) = (a.min(c), a.max(c));
        Some(lo..hi.saturating_add(1).min(self.doc().len().max(lo)))
    }

    /// After an edit of `span`, the re-search of that region (the highlights are never stale).
    pub fn search_after_edit(&mut self, span: Option<Range<u64>>) -> Option<SearchRequest> {
        self.search.after_edit(self.cursor.get_ref(), span)
    }

    /// The search, with the document and the cursor it works on.
    pub fn search_parts(&mut self) -> (&mut SearchUi, &Document, u64) {
        let at = self.cursor.tell();
        (&mut self.search, self.cursor.get_ref(), at)
    }

    /// A whole-file search with the last pattern again (after a reload).
    pub fn search_restart(&mut self) -> Option<SearchRequest> {
        self.search.restart(self.cursor.get_ref())
    }

    /// Goes to `off`, remembering where the cursor was for `Ctrl-O`.
    pub fn push_jump(&mut self, off: u64) {
        let here = self.cursor();
        if self.jumps.last() != Some(&here) && off != here {
            self.jumps.push(here);
            if self.jumps.len() > JUMPS {
                self.jumps.remove(0);
            }
        }
    }
}
