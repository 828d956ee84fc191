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
        let comparing = self.diff.view.is_some();
        let mut edited = Vec::new();
        for i in 0..self.views().len() {
            let view = self.view_at_mut(i);
            let changes = view.doc_mut().take_changes();
            if changes.is_empty() {
                continue;
            }
            let delta: i128 = changes.iter().map(Change::delta).sum();
            let len_before = u64::try_from(i128::from(view.doc().len()) - delta).unwrap_or(0);
            // Bytes before the lowest edited offset did not change: the line index is good
            // up to there (a reload reports a change at 0: built again).
            let first = changes.iter().map(|c| c.at).min();
            let changes = effective_changes(&changes, len_before);
            if comparing {
                edited.push((view.id(), changes.clone()));
            }
            if let Some(first) = first {
                let lines = &mut view.lines;
                lines.dirty_from = Some(lines.dirty_from.map_or(first, |d| d.min(first)));
            }
            if view.follow(&changes) && i == focus {
                focused_moved = true;
            }
        }
        if !edited.is_empty() {
            self.diff_after_edits(&edited);
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
            self.emit(Effect::Search(self.view().id(), req));
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

    /// The model, from scratch: the document as a sequence of bytes and zero-width markers
    /// (one per stored offset), a marker standing just before the byte it names. An insertion
    /// at a marker's position goes before it (`After`: it follows its byte) or after it
    /// (`Before`: the cursor); a deletion takes bytes out and leaves the markers in the gap.
    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Item {
        Byte,
        Marker(usize),
    }

    #[derive(Clone, Debug)]
    enum Op {
        Insert { at: u64, n: u64 },
        Delete { at: u64, n: u64 },
    }

    fn model_apply(items: &mut Vec<Item>, op: &Op, assoc_of: &dyn Fn(usize) -> Assoc) {
        let byte_index = |items: &[Item], p: u64| {
            // Sequence index of the p-th byte (items.len() when p is the end).
            let mut seen = 0;
            for (i, it) in items.iter().enumerate() {
                if *it == Item::Byte {
                    if seen == p {
                        return i;
                    }
                    seen += 1;
                }
            }
            items.len()
        };
        match *op {
            Op::Insert { at, n } => {
                // Markers at `at` sit between the byte before and byte `at`: `After` ones
                // end up after the inserted bytes, `Before` ones before them.
                let end = byte_index(items, at);
                let mut start = end;
                while start > 0 && items[start - 1] != Item::Byte {
                    start -= 1;
                }
                let gap: Vec<Item> = items[start..end].to_vec();
                let (before, after): (Vec<Item>, Vec<Item>) = gap
                    .iter()
                    .partition(|it| matches!(it, Item::Marker(k) if assoc_of(*k) == Assoc::Before));
                let mut new = before;
                new.extend(std::iter::repeat_n(Item::Byte, usize::try_from(n).unwrap()));
                new.extend(after);
                items.splice(start..end, new);
            }
            Op::Delete { at, n } => {
                let mut seen = 0;
                items.retain(|it| {
                    if *it != Item::Byte {
                        return true;
                    }
                    let keep = seen < at || seen >= at + n;
                    seen += 1;
                    keep
                });
            }
        }
    }

    fn model_positions(items: &[Item], count: usize) -> Vec<u64> {
        let mut out = vec![0; count];
        let mut bytes = 0;
        for it in items {
            match it {
                Item::Byte => bytes += 1,
                Item::Marker(k) => out[*k] = bytes,
            }
        }
        out
    }

    fn cow_doc(len: usize) -> (tempfile::TempDir, crate::core::document::Document) {
        use crate::core::document::{Document, Mode, OpenConfig};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.bin");
        std::fs::write(&path, vec![7u8; len]).unwrap();
        let doc = Document::open(
            &path,
            OpenConfig {
                mode: Mode::CopyOnWrite,
                ..OpenConfig::default()
            },
        )
        .unwrap();
        (dir, doc)
    }

    fn ops() -> impl proptest::strategy::Strategy<Value = Vec<(bool, u64, u64)>> {
        proptest::collection::vec((proptest::bool::ANY, 0u64..1000, 0u64..20), 1..12)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// The cursor, the anchor, marks and jumps after random inserts and deletes, mapped
        /// in batches of several changes, equal the marker model.
        #[test]
        fn stored_offsets_follow_random_edits(
            len in 1usize..64,
            starts in proptest::collection::vec(0u64..64, 6),
            batches in proptest::collection::vec(ops(), 1..4),
        ) {
            let (_dir, doc) = cow_doc(len);
            let mut view = View::new(doc);
            // Marker 0: the cursor; 1: the anchor; 2, 3: marks; 4, 5: jumps.
            let starts: Vec<u64> = starts.iter().map(|s| s % (len as u64 + 1)).collect();
            view.seek(starts[0]);
            view.anchor = Some(starts[1]);
            view.marks.insert('a', starts[2]);
            view.marks.insert('b', starts[3]);
            view.jumps = vec![starts[4], starts[5]];
            let assoc_of = |k: usize| if k == 0 { Assoc::Before } else { Assoc::After };
            let mut items: Vec<Item> = Vec::new();
            for p in 0..=len as u64 {
                // Markers at p go before byte p (in marker order), the byte after them.
                for (k, s) in starts.iter().enumerate() {
                    if *s == p {
                        items.push(Item::Marker(k));
                    }
                }
                if p < len as u64 {
                    items.push(Item::Byte);
                }
            }
            for batch in batches {
                for (ins, at, n) in batch {
                    let doc_len = view.doc().len();
                    let at = at % (doc_len + 1);
                    let op = if ins {
                        view.doc_mut().insert(at, &vec![1u8; usize::try_from(n).unwrap()]).unwrap();
                        Op::Insert { at, n }
                    } else {
                        let n = n.min(doc_len - at);
                        view.doc_mut().delete(at..at + n).unwrap();
                        Op::Delete { at, n }
                    };
                    model_apply(&mut items, &op, &assoc_of);
                }
                let changes = view.doc_mut().take_changes();
                view.follow(&changes);
            }
            let want = model_positions(&items, 6);
            proptest::prop_assert_eq!(view.cursor(), want[0], "cursor");
            proptest::prop_assert_eq!(view.anchor, Some(want[1]), "anchor");
            proptest::prop_assert_eq!(view.marks.get(&'a').copied(), Some(want[2]), "mark a");
            proptest::prop_assert_eq!(view.marks.get(&'b').copied(), Some(want[3]), "mark b");
            let mut jumps = vec![want[4], want[5]];
            jumps.dedup();
            proptest::prop_assert_eq!(&view.jumps, &jumps, "jumps");
        }
    }
}
