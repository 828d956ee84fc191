//! Edits as invertible values: a [`Patch`] replaces bytes at an offset, a [`Transaction`] is
//! what one undo step undoes (a stay in edit mode, a paste, a fill).
//!
//! A transaction is a list of [`Step`]s applied in order: same-length patches, splices of the
//! piece table (insert, delete, fill, replace: copy-on-write) and resizes (write-through).
//! Its inverse replays the inverted steps in reverse order, which is why history never has
//! to look at the bytes.

use thiserror::Error;

use std::sync::Arc;

use crate::core::pieces::{Piece, Tree};

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

/// One replacement of a [`ManyEdit`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ManyItem {
    /// Where it starts in the document before the replacements.
    pub at: u64,
    /// Bytes it replaced: the pieces `old_first..old_first + old_count` of [`ManyEdit::old`].
    pub old_len: u32,
    /// Bytes it put (at `new_at` in [`ManyEdit::new`]).
    pub new_len: u32,
    /// Its first old piece.
    pub old_first: u64,
    /// How many old pieces.
    pub old_count: u32,
    /// Where its new bytes start in [`ManyEdit::new`].
    pub new_at: u64,
}

/// Many replacements, sorted and apart: the pieces each took out (file ranges stay file
/// ranges, so undo gives back the very bytes of the file) and the bytes each put in.
#[derive(Debug)]
pub struct ManyEdit {
    /// The replacements, in order.
    pub items: Vec<ManyItem>,
    /// The pieces they took out, in order.
    pub old: Vec<Piece>,
    /// Their new bytes (a run of equal replacements shares one copy).
    pub new: Arc<[u8]>,
}

/// What one replacement of a [`ManyEdit`] puts in, as applied now.
#[derive(Debug)]
pub enum ManyContent<'a> {
    /// `buf[start..start + len]`.
    Bytes(&'a Arc<[u8]>, usize, usize),
    /// These pieces (the old ones, when undoing).
    Pieces(&'a [Piece]),
}

impl ManyContent<'_> {
    /// Its length.
    pub fn len(&self) -> u64 {
        match self {
            ManyContent::Bytes(_, _, n) => *n as u64,
            ManyContent::Pieces(p) => p.iter().map(Piece::len).sum(),
        }
    }

    /// True when it puts nothing in.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl ManyEdit {
    /// One past the last byte touched, in the longer of the two states.
    pub fn end(&self) -> u64 {
        let Some((last, rest)) = self.items.split_last() else {
            return 0;
        };
        let shift: i128 = rest
            .iter()
            .map(|i| i128::from(i.new_len) - i128::from(i.old_len))
            .sum();
        let at = u64::try_from(i128::from(last.at) + shift.max(0)).unwrap_or(last.at);
        at + u64::from(last.old_len.max(last.new_len))
    }

    /// The replacements as they apply now: in the document before them (`inverted ==
    /// false`: the new bytes go in) or after them (`inverted`: the old pieces go back).
    pub fn ranges(&self, inverted: bool) -> Vec<(std::ops::Range<u64>, ManyContent<'_>)> {
        let mut shift: i128 = 0;
        let mut out = Vec::with_capacity(self.items.len());
        let idx = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        for it in &self.items {
            let (old, new) = (u64::from(it.old_len), u64::from(it.new_len));
            if inverted {
                let at = u64::try_from(i128::from(it.at) + shift).unwrap_or(it.at);
                let first = idx(it.old_first);
                let pieces = &self.old[first..first + it.old_count as usize];
                out.push((at..at + new, ManyContent::Pieces(pieces)));
            } else {
                out.push((
                    it.at..it.at + old,
                    ManyContent::Bytes(&self.new, idx(it.new_at), idx(new)),
                ));
            }
            shift += i128::from(new) - i128::from(old);
        }
        out
    }

    /// Bytes of the file that the old pieces refer to.
    pub fn file_bytes(&self) -> u64 {
        self.old
            .iter()
            .filter(|p| matches!(p, Piece::Base { .. }))
            .map(Piece::len)
            .sum()
    }
}

/// One change inside a transaction.
#[derive(Clone, Debug)]
pub enum Step {
    /// Same-length overwrite.
    Write(Patch),
    /// `removed` (as it was) replaced by `inserted` at `at` (copy-on-write: insert, delete,
    /// fill, replace). The trees share their pieces with the document, so a 4 GiB delete
    /// costs a few nodes here.
    Splice {
        /// Where.
        at: u64,
        /// The pieces taken out.
        removed: Tree,
        /// The pieces put in.
        inserted: Tree,
    },
    /// Many replacements at once (`:%s`), by content like [`Step::Write`]: what each range
    /// held and what it holds, so the step stays valid across saves that move the file's
    /// bytes, and undo reports one offset change per replacement.
    Many {
        /// The replacements.
        edit: Arc<ManyEdit>,
        /// True for the step that undoes them.
        inverted: bool,
    },
    /// The length changes from `from` to `to` (write-through: the file is resized);
    /// `extra` is what the bytes between the two lengths are in the longer state.
    Resize {
        /// Length before.
        from: u64,
        /// Length after.
        to: u64,
        /// The bytes of `min(from, to)..max(from, to)` when the document is the longer.
        extra: Vec<u8>,
    },
}

impl Step {
    /// The step that undoes this one.
    #[must_use]
    pub fn inverse(&self) -> Self {
        match self {
            Step::Write(p) => Step::Write(p.inverse()),
            Step::Splice {
                at,
                removed,
                inserted,
            } => Step::Splice {
                at: *at,
                removed: inserted.clone(),
                inserted: removed.clone(),
            },
            Step::Resize { from, to, extra } => Step::Resize {
                from: *to,
                to: *from,
                extra: extra.clone(),
            },
            Step::Many { edit, inverted } => Step::Many {
                edit: Arc::clone(edit),
                inverted: !inverted,
            },
        }
    }

    /// Where the step starts.
    pub fn offset(&self) -> u64 {
        match self {
            Step::Write(p) => p.offset(),
            Step::Splice { at, .. } => *at,
            Step::Resize { from, to, .. } => (*from).min(*to),
            Step::Many { edit, .. } => edit.items.first().map_or(0, |i| i.at),
        }
    }

    /// One past the last offset the step touches (in the longer of the two states).
    pub fn end(&self) -> u64 {
        match self {
            Step::Write(p) => p.end(),
            Step::Splice {
                at,
                removed,
                inserted,
            } => at + removed.len().max(inserted.len()),
            Step::Resize { from, to, .. } => (*from).max(*to),
            Step::Many { edit, .. } => edit.end(),
        }
    }

    fn heap_bytes(&self) -> usize {
        match self {
            Step::Write(p) => p.old.len() + p.new.len(),
            Step::Splice {
                removed, inserted, ..
            } => usize::try_from(removed.added() + inserted.added()).unwrap_or(usize::MAX),
            Step::Resize { extra, .. } => extra.len(),
            Step::Many { edit, .. } => {
                edit.items.len() * std::mem::size_of::<ManyItem>()
                    + edit.old.len() * std::mem::size_of::<Piece>()
                    + edit.new.len()
            }
        }
    }
}

/// One undo step: steps applied in order, with the length before and after.
#[derive(Clone, Debug)]
pub struct Transaction {
    steps: Vec<Step>,
    len_before: u64,
    len_after: u64,
}

impl Transaction {
    /// An empty transaction on a document of length `len`.
    pub fn new(len: u64) -> Self {
        Self {
            steps: Vec::new(),
            len_before: len,
            len_after: len,
        }
    }

    /// Adds a patch (already applied by the caller) and the length it left.
    pub fn push(&mut self, patch: Patch, len_after: u64) {
        self.push_step(Step::Write(patch), len_after);
    }

    /// Adds a step (already applied by the caller) and the length it left.
    pub fn push_step(&mut self, step: Step, len_after: u64) {
        self.steps.push(step);
        self.len_after = len_after;
    }

    /// The steps, in the order they were applied.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The steps, to rewrite their pieces (a save materialises the file's bytes they hold).
    pub(crate) fn steps_mut(&mut self) -> &mut [Step] {
        &mut self.steps
    }

    /// The same-length patches, in order (the other steps left out).
    pub fn patches(&self) -> impl Iterator<Item = &Patch> + '_ {
        self.steps.iter().filter_map(|s| match s {
            Step::Write(p) => Some(p),
            _ => None,
        })
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
        self.steps.is_empty() && self.len_before == self.len_after
    }

    /// The lowest offset the transaction touches: where the cursor goes on undo and redo.
    pub fn first_offset(&self) -> Option<u64> {
        self.steps.iter().map(Step::offset).min()
    }

    /// The bytes the transaction touches, length changes included.
    pub fn span(&self) -> Option<std::ops::Range<u64>> {
        let lo = self.steps.iter().map(Step::offset).min()?;
        let hi = self.steps.iter().map(Step::end).max()?;
        Some(lo..hi)
    }

    /// Bytes held by the transaction (old and new), for bounding history memory.
    pub fn heap_bytes(&self) -> usize {
        self.steps.iter().map(Step::heap_bytes).sum()
    }

    /// The transaction that undoes this one.
    #[must_use]
    pub fn inverse(&self) -> Self {
        Self {
            steps: self.steps.iter().rev().map(Step::inverse).collect(),
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
        let back = t.inverse().inverse();
        assert_eq!(
            back.patches().collect::<Vec<_>>(),
            t.patches().collect::<Vec<_>>()
        );
        assert_eq!(t.inverse().len_after(), 4);
        assert_eq!(t.inverse().patches().next().unwrap().offset(), 4);
        assert_eq!(t.first_offset(), Some(1));
    }
}
