//! The compare view (issue 13): two buffers side by side (one above the other on a narrow
//! terminal), their scrolling locked through the alignment, the differences highlighted in
//! both, `]c` / `[c` through them, `do` / `dp` to copy one across (`tui::diff_edit`).
//!
//! **State.** [`DiffState`] is the app's one field for it: the [`Compare`] in force (the
//! two views by id, the [`DiffIndex`] of their differences, the running comparison's
//! generation and progress), the `:set diff-align` value, the first key of a chord, and the
//! view a `:diff PATH` waits to compare with once the file is open.
//!
//! **Focus.** The focused view is always one of the two sides, and everything that works on
//! the focused view (motion, search, the inspector, selection, goto, edits) works on that
//! side unchanged: [`App::full_layout`] gives the focused side's pane, so page sizes and
//! scrolling are the pane's. `Tab` switches the side (it switches the hex / text pane
//! elsewhere; in the compare view a click in the other pane does that). Going to a third
//! buffer (`:b 3`) shows that buffer alone; going back to either side shows the compare view
//! again.
//!
//! **Locked scrolling.** After every message the other side follows the focused one
//! ([`App::diff_sync`]): its top and its cursor are the focused side's mapped through the
//! differences ([`align_offset`]): between differences both advance together, inside an
//! insertion the other side stays at the insertion point.
//!
//! **Bytes on one side only** are drawn in a distinct style on their side, and the byte
//! before which they would go on the other side is underlined in that style (a *gap
//! marker*), rather than blank cells: blank cells would make rows hold fewer than `cols`
//! bytes, which the offset column, goto, the mouse, search highlights and selection all rely
//! on, and an insertion of a megabyte would be 65,536 blank rows to scroll through.

use std::ops::Range;

use crate::core::diff::{Align, Config, DiffIndex, Outcome, Side};
use crate::core::source::ByteSource;
use crate::tui::app::{App, Effect};
use crate::tui::diff_worker::{CompareJob, DiffMsg};
use crate::tui::input::{Key, KeyCode};
use crate::tui::view::ViewId;

use crate::tui::diff_layout::thousands;
pub use crate::tui::diff_state::{Compare, DiffState};

/// Differences stored (the rest are counted): the status bar says `1,000,000+`.
pub const DIFF_CAP: usize = 1_000_000;

impl App {
    /// True while the compare view's comparison runs.
    pub fn comparing(&self) -> bool {
        self.diff.view.as_ref().is_some_and(Compare::busy)
    }
}

/// The other side.
pub fn other(side: Side) -> Side {
    match side {
        Side::A => Side::B,
        Side::B => Side::A,
    }
}

/// The range of `d` on `side`.
pub fn range_of(d: &crate::core::diff::Diff, side: Side) -> Range<u64> {
    match side {
        Side::A => d.a.clone(),
        Side::B => d.b.clone(),
    }
}

/// Offset `t` of `from` mapped to the other side through the differences: after a
/// difference both advance together; inside one the other side advances as far as its own
/// range goes (so inside an insertion it stays at the insertion point).
pub fn align_offset(index: &DiffIndex, from: Side, t: u64) -> u64 {
    let to = other(from);
    if let Some((_, d)) = index.at(from, t) {
        let (f, o) = (range_of(d, from), range_of(d, to));
        return o.start + (t - f.start).min(o.end - o.start);
    }
    match index.prev_before(from, t) {
        None => t,
        Some((_, d)) => range_of(d, to).end + t.saturating_sub(range_of(d, from).end),
    }
}

impl App {
    /// The compare view, when it is open and shown (the focused buffer is one of its sides),
    /// with the focused side.
    pub fn compare(&self) -> Option<(&Compare, Side)> {
        let c = self.diff.view.as_ref()?;
        Some((c, c.side_of(self.view().id())?))
    }

    /// Opens the compare view of buffers `a` and `b` (indexes), focused on `a`, and starts
    /// comparing them in the background.
    pub(crate) fn diff_pair(&mut self, a: usize, b: usize) {
        if a == b {
            self.error(
                ":diff N compares this buffer with buffer N: name another one (:ls lists them)",
            );
            return;
        }
        if let Some(old) = self.diff.view.take() {
            let _ = old;
            self.emit(Effect::StopCompare);
        }
        // The compare view is of hex rows.
        self.settings.line_view = false;
        let (ida, idb) = (self.views()[a].id(), self.views()[b].id());
        self.diff.view = Some(Compare {
            a: ida,
            b: idb,
            index: DiffIndex::with_cap(DIFF_CAP),
            generation: 0,
            running: false,
            region_running: false,
            pos: (0, 0),
            outcome: None,
        });
        self.leave_edit();
        self.set_focus(a);
        self.scroll_to_cursor();
        self.start_compare();
        let (na, nb) = (self.buffer_name(a), self.buffer_name(b));
        self.info(format!(
            "comparing {na} with {nb}: ]c [c go to the differences, do dp copy one, Tab switches side, :diffoff leaves"
        ));
    }

    /// `maphex diff A B`: the compare view of buffers `a` and `b` (indexes) from the start.
    pub fn start_diff(&mut self, a: usize, b: usize) {
        if a.max(b) < self.views().len() {
            self.diff_pair(a, b);
        }
    }

    /// Compares both sides again from the start (a new generation; what was found is
    /// forgotten).
    pub(crate) fn start_compare(&mut self) {
        let Some(mut c) = self.diff.view.take() else {
            return;
        };
        let (Some(ia), Some(ib)) = (self.index_of(c.a), self.index_of(c.b)) else {
            return;
        };
        self.diff.generation += 1;
        c.generation = self.diff.generation;
        c.index.clear();
        c.running = true;
        c.region_running = false;
        c.pos = (0, 0);
        c.outcome = None;
        let job = CompareJob {
            generation: c.generation,
            a: self.views()[ia].doc().snapshot(),
            b: self.views()[ib].doc().snapshot(),
            config: Config::with_align(self.diff.align),
            region: None,
        };
        self.diff.view = Some(c);
        self.emit(Effect::Compare(Box::new(job)));
    }

    /// A generation for a region job.
    pub(crate) fn next_generation(&mut self) -> u64 {
        self.diff.generation += 1;
        self.diff.generation
    }

    /// `:diff [PATH|N]`: compare this buffer with buffer N or the file PATH (opened as a
    /// buffer); with nothing, leave the compare view, or compare the two buffers when there
    /// are exactly two.
    pub(crate) fn diff_command(&mut self, arg: &str) -> Option<Effect> {
        if arg.is_empty() {
            if self.diff.view.is_some() {
                self.diff_off();
            } else if self.views().len() == 2 {
                let f = self.focus_index();
                self.diff_pair(f, 1 - f);
            } else {
                self.error(
                    ":diff PATH compares this buffer with a file, :diff N with buffer N (:ls lists them)",
                );
            }
            return None;
        }
        if arg.bytes().all(|c| c.is_ascii_digit()) {
            if let Some(i) = self.buffer_arg(arg) {
                let f = self.focus_index();
                self.diff_pair(f, i);
            }
            return None;
        }
        self.diff.open_for = Some(self.view().id());
        Some(Effect::Open(arg.to_string()))
    }

    /// A `:e`-style open finished: when it was for `:diff PATH`, compare.
    pub(crate) fn diff_loaded(&mut self, ok: bool) {
        let Some(origin) = self.diff.open_for.take() else {
            return;
        };
        if let (true, Some(i)) = (ok, self.index_of(origin)) {
            let f = self.focus_index();
            self.diff_pair(i, f);
        }
    }

    /// `:diffoff`: leaves the compare view.
    pub(crate) fn diff_off(&mut self) {
        if self.diff.view.take().is_some() {
            self.emit(Effect::StopCompare);
            self.scroll_to_cursor();
            self.info("compare view closed (:diff N or :diff PATH opens it again)");
        } else {
            self.info("no compare view is open (:diff PATH or :diff N opens one)");
        }
        self.diff.chord = None;
    }

    /// A buffer was closed: a compare view of it closes too.
    pub(crate) fn diff_closed(&mut self, id: ViewId) {
        if self
            .diff
            .view
            .as_ref()
            .is_some_and(|c| c.side_of(id).is_some())
        {
            self.diff.view = None;
            self.diff.chord = None;
            self.emit(Effect::StopCompare);
        }
    }

    /// `:diffupdate`: compare everything again.
    pub(crate) fn diff_update(&mut self) -> Option<Effect> {
        if self.diff.view.is_none() {
            self.error("no compare view is open (:diff PATH or :diff N opens one)");
        } else {
            self.start_compare();
            self.info("comparing again");
        }
        None
    }

    /// `:set diff-align`: a running or shown comparison is done again with the new rule.
    pub(crate) fn set_diff_align(&mut self, align: Align) {
        let changed = self.diff.align != align;
        self.diff.align = align;
        if changed && self.diff.view.is_some() {
            self.start_compare();
        }
    }

    /// Esc: stops a running comparison (what was found stays). True when one ran.
    pub(crate) fn diff_cancel(&mut self) -> bool {
        let Some(c) = self.diff.view.as_mut() else {
            return false;
        };
        if !c.busy() {
            return false;
        }
        c.running = false;
        c.region_running = false;
        c.outcome = Some(Outcome::Cancelled);
        let n = thousands(c.index.total());
        self.emit(Effect::StopCompare);
        self.info(format!(
            "comparison cancelled: {n} differences found so far kept (:diffupdate compares again)"
        ));
        true
    }

    /// A report of the comparison.
    pub(crate) fn on_diff(&mut self, msg: DiffMsg) {
        let Some(c) = self.diff.view.as_mut() else {
            return;
        };
        match msg {
            DiffMsg::Found {
                generation,
                diffs,
                pos,
            } if generation == c.generation && c.running => {
                for d in diffs {
                    c.index.push(d);
                }
                c.pos = pos;
            }
            DiffMsg::Done {
                generation,
                outcome,
                region,
                diffs,
            } if generation == c.generation => match region {
                None => {
                    for d in diffs {
                        c.index.push(d);
                    }
                    c.running = false;
                    c.outcome = Some(outcome);
                    let done = if c.index.total() == 0 {
                        "compared: no differences".to_string()
                    } else {
                        format!("compared: {}", self.diff_count_text())
                    };
                    let ours = self
                        .message
                        .as_ref()
                        .is_none_or(|(m, _)| m.starts_with("comparing"));
                    if ours {
                        self.info(done);
                    }
                }
                Some((ra, rb)) => {
                    c.index.replace(ra, rb, diffs);
                    c.region_running = false;
                }
            },
            _ => {}
        }
    }

    /// The other side follows the focused one: its top and cursor mapped through the
    /// differences (called after every message).
    pub(crate) fn diff_sync(&mut self) {
        let Some((c, side)) = self.compare() else {
            return;
        };
        let Some(oi) = self.index_of(c.id(other(side))) else {
            return;
        };
        let top = align_offset(&c.index, side, self.view().top);
        let cur = align_offset(&c.index, side, self.cursor());
        let cols = self.cols_now().max(1);
        let v = self.view_at_mut(oi);
        let len = v.doc().len();
        let top = top.min(len);
        v.top = top - top % cols;
        v.seek(cur.min(len.saturating_sub(1)));
    }

    /// `Tab` in the compare view: the cursor goes to the other side (where the focused
    /// side's cursor maps to).
    pub(crate) fn diff_switch_side(&mut self) {
        let Some((c, side)) = self.compare() else {
            return;
        };
        let Some(oi) = self.index_of(c.id(other(side))) else {
            return;
        };
        self.leave_edit();
        self.set_focus(oi);
        self.scroll_to_cursor();
    }

    /// `]c` (`forward`) and `[c`: the cursor goes to the next or previous difference.
    pub(crate) fn diff_step(&mut self, forward: bool) {
        let Some((c, side)) = self.compare() else {
            return;
        };
        let at = self.cursor();
        let found = if forward {
            c.index.next_after(side, at)
        } else {
            c.index.prev_before(side, at)
        };
        let running = c.busy();
        if let Some(off) = found.map(|(_, d)| range_of(d, side).start) {
            self.jump_to(off);
        } else {
            let more = if running {
                " yet (still comparing)"
            } else {
                ""
            };
            let which = if forward { "after" } else { "before" };
            self.info(format!("no difference {which} the cursor{more}"));
        }
    }

    /// `]`, `[` or `d` (without a selection) in the compare view: wait for the second key.
    /// False when there is no compare view (the key does what it does elsewhere).
    pub(crate) fn diff_chord_start(&mut self, first: char) -> bool {
        if self.compare().is_none() {
            return false;
        }
        self.diff.chord = Some(first);
        true
    }

    /// The second key of a chord, when one is pending: what it does.
    pub(crate) fn diff_chord_key(&mut self, key: Key) -> Option<Effect> {
        let first = self.diff.chord.take()?;
        let second = match key.code {
            KeyCode::Char(c) if !key.ctrl && !key.alt => Some(c),
            _ => None,
        };
        match (first, second) {
            (']', Some('c')) => {
                self.diff_step(true);
                None
            }
            ('[', Some('c')) => {
                self.diff_step(false);
                None
            }
            ('d', Some('o')) => self.diff_copy(false),
            ('d', Some('p')) => self.diff_copy(true),
            _ => {
                self.info(format!(
                    "{first} then {} is not a compare-view key: ]c [c do dp",
                    key.display()
                ));
                None
            }
        }
    }
}

impl App {
    /// The source of `side`'s document, for reading in tests and the copy (`None` if gone).
    pub(crate) fn diff_doc(
        &self,
        c: &Compare,
        side: Side,
    ) -> Option<&crate::core::document::Document> {
        self.index_of(c.id(side)).map(|i| self.views()[i].doc())
    }

    /// Both sides' lengths.
    pub(crate) fn diff_lens(&self, c: &Compare) -> (u64, u64) {
        let len = |s| self.diff_doc(c, s).map_or(0, ByteSource::len);
        (len(Side::A), len(Side::B))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::diff::Diff;

    #[test]
    fn offsets_map_through_insertions_and_overwrites() {
        let mut idx = DiffIndex::new();
        // An overwrite of 2 at 4, then 3 bytes inserted into B at A's 10.
        idx.push(Diff::new(4, 2, 4, 2));
        idx.push(Diff::new(10, 0, 10, 3));
        assert_eq!(align_offset(&idx, Side::A, 0), 0);
        assert_eq!(align_offset(&idx, Side::A, 5), 5);
        assert_eq!(align_offset(&idx, Side::A, 8), 8);
        // At the insertion point B shows the inserted bytes; past it B is 3 ahead.
        assert_eq!(align_offset(&idx, Side::A, 10), 10);
        assert_eq!(align_offset(&idx, Side::A, 11), 14);
        // Inside the insertion, A stays at the insertion point.
        assert_eq!(align_offset(&idx, Side::B, 11), 10);
        assert_eq!(align_offset(&idx, Side::B, 12), 10);
        assert_eq!(align_offset(&idx, Side::B, 13), 10);
        assert_eq!(align_offset(&idx, Side::B, 20), 17);
    }
}
