//! Edits that move bytes, from the user's side: entering edit mode inserting or overwriting
//! (`Insert` toggles INS/OVR), `x`/`Delete` and `d` in normal mode, `P`, and the commands
//! `:insert HEX [* COUNT]`, `:delete [N]` and `:truncate [OFFSET]`. Each is one undo step and
//! says what it did; the offsets the views hold follow through [`App::follow_edits`].

use std::ops::Range;

use crate::core::document::{EditError, Mode};
use crate::core::expr;
use crate::core::search::parse_hex;
use crate::tui::action::Action;
use crate::tui::app::{App, Effect, InputMode};
use crate::tui::update::plural;

impl App {
    /// Enters edit mode, inserting (INS) or overwriting (OVR). Inserting where bytes cannot
    /// move (write-through, a block device) enters OVR and says why.
    pub(crate) fn enter_edit(&mut self, insert: bool) {
        if self.doc().mode() == Mode::ReadOnly {
            self.error(crate::tui::hint::edit(&EditError::ReadOnly));
            return;
        }
        self.doc_mut().begin_group();
        let refusal = insert.then(|| self.resize_refusal()).flatten();
        self.mode = InputMode::Edit {
            low_nibble: false,
            insert: insert && refusal.is_none(),
        };
        match refusal {
            Some(why) => self.error(format!("overwriting (OVR): {why}")),
            None => self.message = None,
        }
    }

    /// `Insert` in edit mode: switches between INS and OVR.
    pub(crate) fn toggle_insert(&mut self) {
        let InputMode::Edit { insert, .. } = self.mode else {
            return;
        };
        if !insert && let Some(why) = self.resize_refusal() {
            self.error(format!("cannot insert here: {why}"));
            return;
        }
        self.mode = InputMode::Edit {
            low_nibble: false,
            insert: !insert,
        };
        self.info(if insert {
            "OVR: typing overwrites the bytes at the cursor; Insert inserts"
        } else {
            "INS: typing inserts before the cursor; Backspace and Delete delete; Insert overwrites"
        });
    }

    /// Why bytes cannot be inserted or deleted in this document, if they cannot.
    fn resize_refusal(&self) -> Option<String> {
        if self.doc().can_resize() {
            return None;
        }
        Some(match self.doc().mode() {
            Mode::WriteThrough => crate::tui::hint::edit(&EditError::MovesBytes),
            Mode::ReadOnly => crate::tui::hint::edit(&EditError::ReadOnly),
            Mode::CopyOnWrite => "a block device has a fixed size; overwrite within it".into(),
        })
    }

    /// `x`/`Delete`, `d` and `P` in normal mode.
    pub(crate) fn normal_edit(&mut self, action: Action) -> Option<Effect> {
        match action {
            Action::DeleteByte => {
                let range = self.selection().unwrap_or_else(|| {
                    let at = self.cursor();
                    at..at.saturating_add(1).min(self.doc().len())
                });
                self.delete_range(range)
            }
            Action::DeleteSelection => {
                if let Some(range) = self.selection() {
                    self.delete_range(range)
                } else {
                    self.error("nothing selected: v selects, then d deletes; x deletes one byte");
                    None
                }
            }
            _ => self.paste_insert(),
        }
    }

    /// Deletes `range` as one undo step, and says so.
    pub(crate) fn delete_range(&mut self, range: Range<u64>) -> Option<Effect> {
        if range.is_empty() {
            self.error("nothing to delete");
            return None;
        }
        let n = range.end - range.start;
        match self.doc_mut().delete(range.clone()) {
            Ok(()) => {
                self.view_mut().anchor = None;
                self.follow_edits();
                self.goto(range.start);
                self.info(format!(
                    "deleted {} at {:#x}; u undoes",
                    plural(n, "byte"),
                    range.start
                ));
            }
            Err(e) => self.error(crate::tui::hint::edit(&e)),
        }
        None
    }

    /// `P`: inserts the register before the cursor (one undo step); the cursor stays on the
    /// first inserted byte.
    fn paste_insert(&mut self) -> Option<Effect> {
        if self.register.is_empty() {
            self.error("the register is empty: select with v and copy with y first");
            return None;
        }
        let bytes = std::mem::take(&mut self.register);
        let at = self.cursor();
        let r = self.doc_mut().insert(at, &bytes);
        let n = bytes.len() as u64;
        self.register = bytes;
        self.after_insert(r, at, n)
    }

    fn after_insert(&mut self, r: Result<(), EditError>, at: u64, n: u64) -> Option<Effect> {
        match r {
            Ok(()) => {
                self.follow_edits();
                self.goto(at);
                self.info(format!(
                    "inserted {} before {at:#x}; u undoes",
                    plural(n, "byte")
                ));
            }
            Err(e) => self.error(crate::tui::hint::edit(&e)),
        }
        None
    }

    /// `:insert HEX [* COUNT]`: inserts the bytes (COUNT times: a few bytes of memory however
    /// many) before the cursor.
    pub(crate) fn insert_command(&mut self, arg: &str) -> Option<Effect> {
        let (pattern, count) = match arg.split_once('*') {
            Some((p, c)) => match expr::parse_number(c) {
                Ok(n) => (p.trim(), n),
                Err(e) => {
                    self.error(format!("bad count after *: {e}; :insert 00 * 1000"));
                    return None;
                }
            },
            None => (arg, 1),
        };
        let pat = match hex_bytes(pattern) {
            Ok(p) => p,
            Err(e) => {
                self.error(format!("{e}: :insert de ad, or :insert 00 * 4k"));
                return None;
            }
        };
        let at = self.cursor();
        let n = (pat.len() as u64).saturating_mul(count);
        if n == 0 {
            self.info("nothing inserted (a count of 0)");
            return None;
        }
        let r = if count == 1 {
            self.doc_mut().insert(at, &pat)
        } else {
            self.doc_mut().insert_fill(at, &pat, count)
        };
        self.after_insert(r, at, n)
    }

    /// `:delete [N]`: N bytes from the cursor (to the end at most), or the selection when
    /// there is one and no N.
    pub(crate) fn delete_command(&mut self, arg: &str) -> Option<Effect> {
        if arg.is_empty() {
            let Some(range) = self.selection() else {
                self.error("give a count (:delete 16) or select with v first");
                return None;
            };
            return self.delete_range(range);
        }
        match expr::parse_number(arg) {
            Ok(n) => {
                let at = self.cursor();
                let end = at.saturating_add(n).min(self.doc().len());
                self.delete_range(at..end)
            }
            Err(e) => {
                self.error(format!("{e}; :delete 16 deletes 16 bytes at the cursor"));
                None
            }
        }
    }

    /// `:truncate [OFFSET]`: cuts the document at the cursor (or at OFFSET): that byte and
    /// everything after it go, as one undo step.
    pub(crate) fn truncate_command(&mut self, arg: &str) -> Option<Effect> {
        let len = self.doc().len();
        let at = if arg.is_empty() {
            self.cursor()
        } else {
            match expr::resolve(arg, self.cursor(), len, true) {
                Ok(off) => off,
                Err(e) => {
                    self.error(e.to_string());
                    return None;
                }
            }
        };
        if at >= len {
            self.info(format!("nothing to cut: the file ends at {len:#x}"));
            return None;
        }
        match self.doc_mut().truncate(at) {
            Ok(()) => {
                self.view_mut().anchor = None;
                self.follow_edits();
                self.goto(at);
                self.info(format!(
                    "truncated at {at:#x}: {} cut; u undoes",
                    plural(len - at, "byte")
                ));
            }
            Err(e) => self.error(crate::tui::hint::edit(&e)),
        }
        None
    }
}

/// Bytes given in hex (`de ad`, `dead`), with no wildcard.
pub fn hex_bytes(text: &str) -> Result<Vec<u8>, String> {
    match parse_hex(text) {
        Ok(p) if !p.is_empty() => p
            .into_iter()
            .collect::<Option<Vec<u8>>>()
            .ok_or_else(|| "?? matches any byte in a search; here give real bytes".to_string()),
        Ok(_) => Err("give the bytes in hex".to_string()),
        Err(e) => Err(format!("bad hex bytes: {e}")),
    }
}
