//! Offsets follow edits: after anything that may have edited, the changes the document
//! reports ([`Document::take_changes`]) are drained and every offset a view stores is mapped
//! through them with [`crate::core::shift`], each with a stated side for a position exactly at
//! an insertion:
//!
//! | offset | side | why |
//! | --- | --- | --- |
//! | cursor | `Before` | bytes inserted at it show under it (`P`, `:insert`, stdin growing) |
//! | top of screen | `After` | follows the byte it showed, then realigned to a row start |
//! | selection anchor, marks, jumps | `After` | they name a byte: they follow it |
//! | edit-mode span (`edit_span`) | range | start follows its byte, end stays before inserts |
//! | search matches | start `After`, end `Before` | a match wholly deleted is dropped |
//!
//! A position inside deleted bytes collapses to the edit point. A same-length overwrite moves
//! nothing. A change that replaces the whole document (a reload after `:e!`, a save that
//! re-reads the file) keeps positions where they are, clamped to the new length, rather than
//! sending them all to one end.
//!
//! [`App::follow_edits`] is the one place this happens: `App::update` calls it before and
//! after handling each message, and an edit whose handler then sets the cursor itself calls
//! it right after editing, so that the mapping comes first.
//!
//! [`Document::take_changes`]: crate::core::document::Document::take_changes

use std::ops::Range;

use crate::core::shift::{Assoc, Change, map_all, map_range};
use crate::tui::app::{App, Effect, InputMode};
use crate::tui::view::View;

/// Rewrites a change that replaces the whole document (`len_before` bytes) into a change of
/// its tail, so positions inside stay put: a reload is not "delete everything, insert a new
/// file" for the cursor and the marks.
pub fn effective_changes(changes: &[Change], len_before: u64) -> Vec<Change> {
    let mut len = len_before;
    let mut out = Vec::with_capacity(changes.len());
    for c in changes {
        let whole = c.at == 0 && c.removed == len && c.removed > 0 && c.inserted > 0;
        let c2 = if whole && !c.keeps_offsets() {
            let keep = c.removed.min(c.inserted);
            Change {
                at: keep,
                removed: c.removed - keep,
                inserted: c.inserted - keep,
            }
        } else {
            *c
        };
        len = len - c.removed + c.inserted;
        out.push(c2);
    }
    out
}

/// The bytes the changes touched, in the coordinates after all of them (empty at an
/// insertion point for a pure deletion); `None` when nothing moved.
pub fn touched(changes: &[Change]) -> Option<Range<u64>> {
    let mut span: Option<Range<u64>> = None;
    for c in changes.iter().filter(|c| !c.keeps_offsets()) {
        let mine = c.at..c.at + c.inserted;
        span = Some(match span {
            Some(s) => {
                let s = map_range(std::slice::from_ref(c), s);
                s.start.min(mine.start)..s.end.max(mine.end)
            }
            None => mine,
        });
    }
    span
}

impl View {
    /// Maps every offset this view stores through `changes` (see the module docs for the
    /// sides). Returns true when some offset may have moved (a length changed).
    pub fn follow(&mut self, changes: &[Change]) -> bool {
        if changes.iter().all(Change::keeps_offsets) {
            return false;
        }
        let at = map_all(changes, self.cursor(), Assoc::Before);
        self.seek(at);
        self.top = map_all(changes, self.top, Assoc::After);
        self.anchor = self.anchor.map(|a| map_all(changes, a, Assoc::After));
        for m in self.marks.values_mut() {
            *m = map_all(changes, *m, Assoc::After);
        }
        for j in &mut self.jumps {
            *j = map_all(changes, *j, Assoc::After);
        }
        // Jumps that collapsed onto the same byte are one jump now.
        self.jumps.dedup();
        self.edit_span = self.edit_span.take().map(|s| map_range(changes, s));
        self.search.follow(changes, touched(changes));
        true
    }
}

impl App {
    /// Drains the changes of every view's document and maps the views' offsets through them;
    /// for the focused view the top of the screen is realigned and the cursor kept on screen
    /// and in range, the line index is built again (see [`App::lines_after_edit`]), and, out of
    /// edit mode, the edited region is searched again (in edit mode that waits for Esc, as
    /// for overwrites). Returns true when offsets moved in the focused view.
    pub fn follow_edits(&mut self) -> bool {
        let mut focused_moved = false;
        let focus = self.focus_index();
        for i in 0..self.views().len() {
            let view = self.view_at_mut(i);
            let changes = view.doc_mut().take_changes();
            if changes.is_empty() {
                continue;
            }
            let delta: i128 = changes.iter().map(Change::delta).sum();
            let len_before = u64::try_from(i128::from(view.doc().len()) - delta).unwrap_or(0);
            let changes = effective_changes(&changes, len_before);
            if view.follow(&changes) && i == focus {
                focused_moved = true;
            }
        }
        if !focused_moved {
            return false;
        }
        self.set_cursor(self.cursor().min(self.max_cursor()));
        let top = self.view().top.min(self.doc().len());
        self.view_mut().top = if self.settings.line_view {
            self.row_start(top)
        } else {
            top - top % self.cols_now().max(1)
        };
        self.scroll_to_cursor();
        self.lines_after_edit();
        if !matches!(self.mode, InputMode::Edit { .. })
            && let Some(req) = self.view_mut().search_after_edit(None)
        {
            self.emit(Effect::Search(req));
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ch(at: u64, removed: u64, inserted: u64) -> Change {
        Change {
            at,
            removed,
            inserted,
        }
    }

    #[test]
    fn a_reload_keeps_positions() {
        assert_eq!(
            effective_changes(&[ch(0, 100, 80)], 100),
            vec![ch(80, 20, 0)]
        );
        assert_eq!(
            effective_changes(&[ch(0, 100, 120)], 100),
            vec![ch(100, 0, 20)]
        );
        // A delete of everything is a delete.
        assert_eq!(
            effective_changes(&[ch(0, 100, 0)], 100),
            vec![ch(0, 100, 0)]
        );
        // Not the whole document: as it is.
        assert_eq!(
            effective_changes(&[ch(0, 50, 10)], 100),
            vec![ch(0, 50, 10)]
        );
    }

    #[test]
    fn touched_spans_are_in_the_final_coordinates() {
        assert_eq!(touched(&[ch(10, 0, 3)]), Some(10..13));
        assert_eq!(touched(&[ch(10, 5, 0)]), Some(10..10));
        assert_eq!(touched(&[ch(10, 0, 3), ch(0, 0, 2)]), Some(0..15));
        assert_eq!(touched(&[ch(10, 2, 2)]), None);
    }
}
