//! How offsets follow edits: every place that stores an offset (cursor, top of screen,
//! selection, marks, jumps, matches, line index) maps it through the [`Change`]s of an edit
//! with one function, as helix maps positions through a change set.

/// `removed` bytes at `at` were replaced by `inserted` bytes (a same-length overwrite has
/// `removed == inserted`; an insertion has `removed == 0`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Change {
    /// Where the change starts.
    pub at: u64,
    /// Bytes taken out.
    pub removed: u64,
    /// Bytes put in.
    pub inserted: u64,
}

/// Which side of an insertion at exactly its offset a position goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assoc {
    /// Stays before the inserted bytes (an end of a range that should not grow).
    Before,
    /// Moves past them, following the byte it was on (marks, matches, the top of screen).
    After,
}

impl Change {
    /// True when no offset moves (a same-length overwrite).
    pub fn keeps_offsets(&self) -> bool {
        self.removed == self.inserted
    }

    /// The signed change of length.
    pub fn delta(&self) -> i128 {
        i128::from(self.inserted) - i128::from(self.removed)
    }

    /// Where `pos` is after the change. A position inside the removed bytes goes to the start
    /// of what replaced them (`Before`) or just past it (`After`).
    pub fn map(&self, pos: u64, assoc: Assoc) -> u64 {
        if self.keeps_offsets() || pos < self.at {
            return pos;
        }
        let end = self.at + self.removed;
        if pos > end || (pos == end && self.removed > 0) {
            return pos - self.removed + self.inserted;
        }
        match assoc {
            Assoc::Before if pos == self.at => pos,
            Assoc::Before => self.at,
            Assoc::After => self.at + self.inserted,
        }
    }
}

/// Maps `pos` through `changes` in order.
pub fn map_all(changes: &[Change], pos: u64, assoc: Assoc) -> u64 {
    changes.iter().fold(pos, |p, c| c.map(p, assoc))
}

/// Maps a range through `changes`: its start follows the byte it was on, its end stays before
/// bytes inserted at it. A range wholly deleted becomes empty.
pub fn map_range(changes: &[Change], r: std::ops::Range<u64>) -> std::ops::Range<u64> {
    let s = map_all(changes, r.start, Assoc::After);
    let e = map_all(changes, r.end, Assoc::Before);
    s.min(e)..e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_follow_inserts_and_deletes() {
        let ins = Change {
            at: 10,
            removed: 0,
            inserted: 3,
        };
        assert_eq!(ins.map(9, Assoc::After), 9);
        assert_eq!(ins.map(10, Assoc::Before), 10);
        assert_eq!(ins.map(10, Assoc::After), 13);
        assert_eq!(ins.map(11, Assoc::Before), 14);
        let del = Change {
            at: 10,
            removed: 5,
            inserted: 0,
        };
        assert_eq!(del.map(12, Assoc::After), 10);
        assert_eq!(del.map(15, Assoc::Before), 10);
        assert_eq!(del.map(20, Assoc::Before), 15);
        let over = Change {
            at: 10,
            removed: 5,
            inserted: 5,
        };
        assert_eq!(over.map(12, Assoc::After), 12);
        assert_eq!(map_range(&[del], 11..14), 10..10);
        assert_eq!(map_range(&[ins], 5..10), 5..10);
        assert_eq!(map_range(&[ins], 10..12), 13..15);
    }
}
