//! Edits as invertible values: a [`Patch`] replaces bytes at an offset, a [`Transaction`] is
//! what one undo step undoes (a stay in edit mode, a paste, a fill).
//!
//! A transaction may also change the length (typing past the last byte appends). Applying a
//! transaction means: grow to `len_after` if it is larger, apply the patches in order, then
//! shrink to `len_after` if it is smaller. Its inverse swaps the lengths and replays the
//! inverted patches in reverse order, which is why history never has to look at the bytes.

use thiserror::Error;

/// A patch that could not be built.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum PatchError {
    /// `old` and `new` differ in length.
    #[error("a patch replaces bytes one for one: {old} old bytes but {new} new ones")]
    LengthMismatch {
        /// Length of the replaced bytes.
        old: usize,
        /// Length of the new bytes.
        new: usize,
    },
    /// `offset + len` does not fit in a `u64`.
    #[error("a patch at {offset:#x} of {len} bytes runs past the largest possible offset")]
    Overflow {
        /// Where the patch starts.
        offset: u64,
        /// How many bytes it covers.
        len: usize,
    },
}

/// Replace `old` by `new` at `offset` (equal lengths, checked at construction).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Patch {
    offset: u64,
    old: Vec<u8>,
    new: Vec<u8>,
}

impl Patch {
    /// Builds a patch; `old` and `new` must have equal lengths.
    pub fn new(offset: u64, old: Vec<u8>, new: Vec<u8>) -> Result<Self, PatchError> {
        if old.len() != new.len() {
            return Err(PatchError::LengthMismatch {
                old: old.len(),
                new: new.len(),
            });
        }
        if offset.checked_add(new.len() as u64).is_none() {
            return Err(PatchError::Overflow {
                offset,
                len: new.len(),
            });
        }
        Ok(Self { offset, old, new })
    }

    /// Where the patch starts.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// One past the last byte the patch covers.
    pub fn end(&self) -> u64 {
        self.offset + self.new.len() as u64
    }

    /// The bytes the patch replaces.
    pub fn old(&self) -> &[u8] {
        &self.old
    }

    /// The bytes it writes.
    pub fn new_bytes(&self) -> &[u8] {
        &self.new
    }

    /// The patch that undoes this one.
    #[must_use]
    pub fn inverse(&self) -> Self {
        Self {
            offset: self.offset,
            old: self.new.clone(),
            new: self.old.clone(),
        }
    }
}

/// One undo step: patches applied in order, with the length before and after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transaction {
    patches: Vec<Patch>,
    len_before: u64,
    len_after: u64,
}

impl Transaction {
    /// An empty transaction on a document of length `len`.
    pub fn new(len: u64) -> Self {
        Self {
            patches: Vec::new(),
            len_before: len,
            len_after: len,
        }
    }

    /// Adds a patch (already applied by the caller) and the length it left.
    pub fn push(&mut self, patch: Patch, len_after: u64) {
        self.patches.push(patch);
        self.len_after = len_after;
    }

    /// The patches, in the order they were applied.
    pub fn patches(&self) -> &[Patch] {
        &self.patches
    }

    /// Length of the document before the transaction.
    pub fn len_before(&self) -> u64 {
        self.len_before
    }

    /// Length of the document after it.
    pub fn len_after(&self) -> u64 {
        self.len_after
    }

    /// True when the transaction changes nothing.
    pub fn is_empty(&self) -> bool {
        self.patches.is_empty() && self.len_before == self.len_after
    }

    /// The lowest offset the transaction touches: where the cursor goes on undo and redo.
    pub fn first_offset(&self) -> Option<u64> {
        self.patches.iter().map(Patch::offset).min()
    }

    /// The bytes the transaction touches, length changes included.
    pub fn span(&self) -> Option<std::ops::Range<u64>> {
        let mut lo = self.patches.iter().map(Patch::offset).min();
        let mut hi = self.patches.iter().map(Patch::end).max();
        if self.len_before != self.len_after {
            let (a, b) = (
                self.len_before.min(self.len_after),
                self.len_before.max(self.len_after),
            );
            lo = Some(lo.map_or(a, |l| l.min(a)));
            hi = Some(hi.map_or(b, |h| h.max(b)));
        }
        Some(lo?..hi?)
    }

    /// Bytes held by the transaction (old and new), for bounding history memory.
    pub fn heap_bytes(&self) -> usize {
        self.patches.iter().map(|p| p.old.len() + p.new.len()).sum()
    }

    /// The transaction that undoes this one.
    #[must_use]
    pub fn inverse(&self) -> Self {
        Self {
            patches: self.patches.iter().rev().map(Patch::inverse).collect(),
            len_before: self.len_after,
            len_after: self.len_before,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unequal_lengths_are_refused() {
        assert_eq!(
            Patch::new(0, vec![1], vec![1, 2]),
            Err(PatchError::LengthMismatch { old: 1, new: 2 })
        );
        assert!(Patch::new(u64::MAX, vec![1], vec![2]).is_err());
    }

    #[test]
    fn inverse_of_inverse_is_identity() {
        let mut t = Transaction::new(4);
        t.push(Patch::new(1, vec![1, 2], vec![3, 4]).unwrap(), 4);
        t.push(Patch::new(4, vec![0], vec![9]).unwrap(), 5);
        assert_eq!(t.inverse().inverse(), t);
        assert_eq!(t.inverse().len_after(), 4);
        assert_eq!(t.inverse().patches()[0].offset(), 4);
        assert_eq!(t.first_offset(), Some(1));
    }
}
