//! Undo and redo. History stores transactions and says what to apply; it never touches bytes,
//! so the document stays the one place bytes change (helix's `History` does the same).

use crate::core::patch::Transaction;

/// A linear undo/redo stack with a marker for the state last saved.
#[derive(Debug, Default)]
pub struct History {
    done: Vec<Transaction>,
    undone: Vec<Transaction>,
    /// `done.len()` when the document was last saved; `None` once that state can no longer
    /// be reached (it was undone past and then a new edit dropped the redo branch).
    saved_at: Option<usize>,
}

impl History {
    /// An empty history whose current state is the saved one.
    pub fn new() -> Self {
        Self {
            done: Vec::new(),
            undone: Vec::new(),
            saved_at: Some(0),
        }
    }

    /// Records a transaction that was just applied. Drops everything that could be redone.
    pub fn record(&mut self, tx: Transaction) {
        if tx.is_empty() {
            return;
        }
        if self.saved_at.is_some_and(|s| s > self.done.len()) {
            self.saved_at = None;
        }
        self.undone.clear();
        self.done.push(tx);
    }

    /// The transaction to apply to undo the last step (already inverted), if any.
    pub fn undo(&mut self) -> Option<Transaction> {
        let tx = self.done.pop()?;
        let inv = tx.inverse();
        self.undone.push(tx);
        Some(inv)
    }

    /// The transaction to apply to redo the last undone step, if any.
    pub fn redo(&mut self) -> Option<Transaction> {
        let tx = self.undone.pop()?;
        self.done.push(tx.clone());
        Some(tx)
    }

    /// Marks the current state as the one on disk.
    pub fn mark_saved(&mut self) {
        self.saved_at = Some(self.done.len());
    }

    /// True when the current state is the one last saved.
    pub fn is_at_saved(&self) -> bool {
        self.saved_at == Some(self.done.len())
    }

    /// Number of steps that can be undone.
    pub fn undo_len(&self) -> usize {
        self.done.len()
    }

    /// Number of steps that can be redone.
    pub fn redo_len(&self) -> usize {
        self.undone.len()
    }

    /// Bytes held by all transactions: proportional to the bytes changed, never to the file.
    pub fn heap_bytes(&self) -> usize {
        self.done
            .iter()
            .chain(&self.undone)
            .map(Transaction::heap_bytes)
            .sum()
    }

    /// Every transaction, undoable and redoable (a save rewrites the pieces they hold).
    pub fn transactions_mut(&mut self) -> impl Iterator<Item = &mut Transaction> + '_ {
        self.done.iter_mut().chain(self.undone.iter_mut())
    }

    /// Forgets every step but keeps the current state as the saved one (a save whose old
    /// bytes the history could not keep).
    pub fn forget(&mut self) {
        *self = Self::new();
    }

    /// Forgets everything (after a discard).
    pub fn clear(&mut self) {
        *self = Self::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::patch::Patch;

    fn tx(off: u64, old: u8, new: u8) -> Transaction {
        let mut t = Transaction::new(10);
        t.push(Patch::new(off, vec![old], vec![new]).unwrap(), 10);
        t
    }

    #[test]
    fn undo_returns_inverse_and_redo_returns_original() {
        let mut h = History::new();
        h.record(tx(1, b'a', b'b'));
        assert!(!h.is_at_saved());
        let u = h.undo().unwrap();
        assert_eq!(u.patches().next().unwrap().new_bytes(), b"a");
        assert!(h.is_at_saved());
        let r = h.redo().unwrap();
        assert_eq!(r.patches().next().unwrap().new_bytes(), b"b");
        assert!(h.redo().is_none());
    }

    #[test]
    fn saved_state_lost_when_branch_dropped() {
        let mut h = History::new();
        h.record(tx(1, b'a', b'b'));
        h.mark_saved();
        h.undo();
        h.record(tx(2, b'a', b'c'));
        assert!(!h.is_at_saved());
        h.undo();
        assert!(
            !h.is_at_saved(),
            "the saved state is not reachable any more"
        );
    }
}
