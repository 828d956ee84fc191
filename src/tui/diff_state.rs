//! The compare view's state (`tui::diff_view` has what it does): a leaf, so that the app
//! can hold it without importing the compare view's code.

use crate::core::diff::{Align, DiffIndex, Outcome, Side};
use crate::tui::view::ViewId;

/// Two views compared.
#[derive(Debug)]
pub struct Compare {
    /// The first side (left, or top).
    pub a: ViewId,
    /// The second side.
    pub b: ViewId,
    /// Their differences, as far as known.
    pub index: DiffIndex,
    /// Tags the running job's reports.
    pub generation: u64,
    /// A whole comparison is running.
    pub running: bool,
    /// A region is being compared again after an edit.
    pub region_running: bool,
    /// How far the whole comparison got (A's and B's offsets).
    pub pos: (u64, u64),
    /// How the last whole comparison ended.
    pub outcome: Option<Outcome>,
}

impl Compare {
    /// The side `id` is, if it is one.
    pub fn side_of(&self, id: ViewId) -> Option<Side> {
        if id == self.a {
            Some(Side::A)
        } else if id == self.b {
            Some(Side::B)
        } else {
            None
        }
    }

    /// The view on `side`.
    pub fn id(&self, side: Side) -> ViewId {
        match side {
            Side::A => self.a,
            Side::B => self.b,
        }
    }

    /// True while a comparison (whole or region) runs.
    pub fn busy(&self) -> bool {
        self.running || self.region_running
    }
}

/// The app's compare-view state.
#[derive(Debug, Default)]
pub struct DiffState {
    /// The compare view, when one is open.
    pub view: Option<Compare>,
    /// `:set diff-align`: insertion-aware (on) or equal offsets (off).
    pub align: Align,
    /// The first key of `]c`, `[c`, `do`, `dp`.
    pub chord: Option<char>,
    /// `:diff PATH` is opening a file to compare with this view.
    pub open_for: Option<ViewId>,
    /// The last generation given out.
    pub(crate) generation: u64,
}
