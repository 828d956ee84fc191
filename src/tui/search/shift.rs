//! The search's offsets following edits that move bytes: the stored matches after an edit
//! shift by its delta, matches it deleted are dropped, and the region it touched is searched
//! again with the next re-search ([`SearchUi::after_edit`] takes in [`SearchUi::follow`]'s
//! span). Part of [`SearchUi`], apart for length.

use std::ops::Range;

use super::SearchUi;
use crate::core::search::{Match, MatchIndex};
use crate::core::shift::{Assoc, Change, map_all};

impl SearchUi {
    /// Maps the search's stored offsets through `changes` that moved bytes; `touched` is what
    /// they touched, after them ([`crate::tui::follow::touched`]).
    ///
    /// A full scan still running reads the bytes as they were: it is marked stale and runs
    /// again when it ends (its matches until then may sit a little off). A region re-search
    /// in flight is dropped, and its span is searched again with the next one.
    pub fn follow(&mut self, changes: &[Change], touched: Option<Range<u64>>) {
        if self.pattern.is_none() || changes.iter().all(Change::keeps_offsets) {
            return;
        }
        if self.running && self.full {
            self.stale = true;
            return;
        }
        let mut pending = self.moved.take();
        if let Some(r) = self.region.take() {
            // Its worker reads the old bytes: its messages belong to no search now.
            self.generation += 1;
            self.running = false;
            self.want_cancel = true;
            pending = union(pending, Some(r.edit));
        }
        let pending = pending.map(|p| crate::core::shift::map_range(changes, p));
        self.moved = union(pending, touched);
        let current = self
            .current
            .and_then(|i| self.index.get(i))
            .map(|m| map_all(changes, m.start, Assoc::After));
        let total = self.index.total();
        let mut index = MatchIndex::with_cap(self.index.cap());
        for m in self.index.iter() {
            if let Some(m) = shift_match(changes, m) {
                index.push(m);
            }
        }
        // Matches counted past the cap stay counted until the re-search counts them anew.
        self.unsent += total.saturating_sub(index.total());
        self.index = index;
        self.current = current.and_then(|k| self.index.next_at_or_after(k).map(|(i, _)| i));
        self.pane_sel = self.pane_sel.min(self.index.len().saturating_sub(1));
        // Points past the stored matches are in the old coordinates: a truncated index is
        // searched again in full (see `after_edit`), which sets them anew.
        self.resync.clear();
        self.far = None;
        self.highlight_cache.replace(None);
    }
}

/// Where match `m` is after `changes`; `None` when its bytes were deleted.
fn shift_match(changes: &[Change], m: Match) -> Option<Match> {
    let start = map_all(changes, m.start, Assoc::After);
    let end = map_all(changes, m.end(), Assoc::Before).max(start);
    (m.len == 0 || end > start).then(|| Match::new(start, end - start))
}

fn union(a: Option<Range<u64>>, b: Option<Range<u64>>) -> Option<Range<u64>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.start.min(b.start)..a.end.max(b.end)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_follow_their_bytes() {
        let ins = [Change {
            at: 10,
            removed: 0,
            inserted: 4,
        }];
        assert_eq!(
            shift_match(&ins, Match::new(20, 3)),
            Some(Match::new(24, 3))
        );
        assert_eq!(shift_match(&ins, Match::new(2, 3)), Some(Match::new(2, 3)));
        assert_eq!(
            shift_match(&ins, Match::new(10, 2)),
            Some(Match::new(14, 2))
        );
        let del = [Change {
            at: 10,
            removed: 5,
            inserted: 0,
        }];
        assert_eq!(shift_match(&del, Match::new(11, 2)), None);
        assert_eq!(shift_match(&del, Match::new(8, 4)), Some(Match::new(8, 2)));
        assert_eq!(
            shift_match(&del, Match::new(20, 1)),
            Some(Match::new(15, 1))
        );
    }
}
