//! Many replacements at once (`:%s`, `maphex replace` in a document): one step, one pass
//! over the piece table, one offset change per replacement.

use std::ops::Range;
use std::sync::Arc;

use super::{Document, EditError, Mode, SourceKind};
use crate::core::patch::{ManyContent, ManyEdit, ManyItem, Step};
use crate::core::pieces::{Piece, Tree};
use crate::core::shift::Change;

impl Document {
    /// Replaces many ranges at once (sorted, not overlapping), as one step: the piece table is
    /// rebuilt in one pass, so a million replacements cost what they touch. The replacement
    /// bytes share one buffer; a replacement equal to the one before shares its bytes too.
    /// In write-through mode every replacement must keep its length.
    pub fn replace_many<'a>(
        &mut self,
        replacements: impl IntoIterator<Item = (Range<u64>, &'a [u8])>,
    ) -> Result<u64, EditError> {
        self.check_editable()?;
        let repl: Vec<(Range<u64>, &[u8])> = replacements.into_iter().collect();
        let mut at = 0;
        for (r, _) in &repl {
            if r.start < at || r.end < r.start || r.end > self.len {
                return Err(EditError::PastEnd {
                    offset: r.end,
                    len: self.len,
                });
            }
            at = r.end;
        }
        let count = repl.len() as u64;
        if repl.is_empty() {
            return Ok(0);
        }
        if self.mode == Mode::WriteThrough || self.kind == SourceKind::BlockDevice {
            if repl
                .iter()
                .any(|(r, b)| r.end - r.start != <[u8]>::len(b) as u64)
            {
                return Err(EditError::MovesBytes);
            }
            // One undo step of its own, unless the caller's group is open (even empty).
            let own = self.group.is_none();
            self.begin_group();
            for (r, b) in &repl {
                self.write(r.start, b)?;
            }
            if own {
                self.end_group();
            }
            return Ok(count);
        }
        self.check_movable()?;
        // One buffer for the new bytes (a run of equal ones shares a copy); the pieces each
        // replacement takes out, in order.
        let mut new = Vec::new();
        let mut old: Vec<Piece> = Vec::with_capacity(repl.len());
        let mut items = Vec::with_capacity(repl.len());
        let mut prev: Option<(usize, usize)> = None;
        for (r, b) in &repl {
            let b: &[u8] = b;
            let new_at = match prev {
                Some((s, n)) if new[s..s + n] == *b => s,
                _ => {
                    new.extend_from_slice(b);
                    new.len() - b.len()
                }
            };
            prev = Some((new_at, b.len()));
            let old_first = old.len();
            self.pieces.visit(r.clone(), &mut |_, p, from, to| {
                old.push(p.slice(from, to));
                true
            });
            let too_long = || EditError::TooLarge { offset: r.start };
            items.push(ManyItem {
                at: r.start,
                old_len: u32::try_from(r.end - r.start).map_err(|_| too_long())?,
                new_len: u32::try_from(b.len()).map_err(|_| too_long())?,
                old_first: old_first as u64,
                old_count: u32::try_from(old.len() - old_first).map_err(|_| too_long())?,
                new_at: new_at as u64,
            });
        }
        let edit = Arc::new(ManyEdit {
            items,
            old,
            new: Arc::from(new),
        });
        let step = Step::Many {
            edit,
            inverted: false,
        };
        self.apply_step(&step)?;
        self.record_steps(vec![step]);
        Ok(count)
    }

    /// Rebuilds the piece table with `repl` (sorted, apart, within the document) in one pass
    /// over the pieces: O(pieces + replacements), however many there are.
    pub(super) fn rebuild(&mut self, repl: &[(Range<u64>, ManyContent<'_>)]) {
        let mut pieces = Vec::with_capacity(repl.len() * 2 + 1);
        let mut k = 0;
        let put = |pieces: &mut Vec<Piece>, k: usize| match &repl[k].1 {
            ManyContent::Bytes(buf, s, n) => {
                if *n > 0 {
                    pieces.push(Piece::Bytes {
                        buf: Arc::clone(buf),
                        start: *s,
                        len: *n,
                    });
                }
            }
            ManyContent::Pieces(p) => pieces.extend(p.iter().cloned()),
        };
        self.pieces.visit(0..self.len, &mut |at, p, from, to| {
            let end = at + (to - from);
            let mut pos = at;
            while pos < end {
                match repl.get(k) {
                    Some((r, ..)) if r.start <= pos => {
                        if pos < r.end {
                            pos = end.min(r.end);
                        }
                        if pos >= r.end {
                            put(&mut pieces, k);
                            k += 1;
                        }
                    }
                    next => {
                        let stop = next.map_or(end, |(r, ..)| end.min(r.start));
                        pieces.push(p.slice(from + (pos - at), from + (stop - at)));
                        pos = stop;
                    }
                }
            }
            true
        });
        // Insertions at the very end.
        while k < repl.len() {
            put(&mut pieces, k);
            k += 1;
        }
        let mut changes = Vec::with_capacity(repl.len());
        let mut shift: i128 = 0;
        for (r, content) in repl {
            let c = Change {
                at: u64::try_from(i128::from(r.start) + shift).unwrap_or(r.start),
                removed: r.end - r.start,
                inserted: content.len(),
            };
            shift += c.delta();
            changes.push(c);
        }
        let tree = Tree::from_pieces(pieces);
        self.pieces = tree;
        self.len = self.pieces.len();
        // The changes are reported in the order of the document as it is being rewritten:
        // each one's offset counts the earlier ones' shifts.
        self.changes.extend(changes);
        let first = repl.first().map_or(0, |(r, ..)| r.start);
        let last = repl.last().map_or(0, |(r, ..)| r.end);
        self.last_change = Some(first..last.min(self.len).max(first));
    }
}
