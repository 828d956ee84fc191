//! Selection (`v`), copy (`y`, to a register and to the system clipboard through OSC 52),
//! paste (`p`, an undoable overwrite; `P` inserts, in `tui::edits`), fill (`:fill`), marks
//! (`m`/`'`) and the jump list (`Ctrl-O`).

use std::fmt::Write as _;
use std::ops::Range;

use crate::core::search::parse_hex;
use crate::core::source::ByteSource;
use crate::tui::app::{App, CopyFormat, Effect};

/// The most bytes a copy takes (the register lives in memory; OSC 52 payloads past a few MiB
/// are refused by most terminals anyway).
pub const MAX_COPY: u64 = 16 << 20;

impl App {
    /// The selected range, if a selection is active.
    pub fn selection(&self) -> Option<Range<u64>> {
        let a = self.view().anchor?;
        let (lo, hi) = (a.min(self.cursor()), a.max(self.cursor()));
        Some(lo..hi.saturating_add(1).min(self.doc().len().max(lo)))
    }

    /// Starts or ends a selection.
    pub fn toggle_selection(&mut self) {
        if self.view_mut().anchor.take().is_none() {
            if self.doc().is_empty() {
                self.error("nothing to select in an empty file");
                return;
            }
            self.view_mut().anchor = Some(self.cursor());
            self.info("selecting: move to extend, y copies, d deletes, :fill HEX fills, Esc stops");
        } else {
            self.message = None;
        }
    }

    /// Copies the selection (or the byte under the cursor) into the register and, through
    /// the runtime, to the system clipboard.
    pub fn yank(&mut self, format: CopyFormat) -> Option<Effect> {
        let range = self
            .selection()
            .unwrap_or(self.cursor()..self.cursor().saturating_add(1).min(self.doc().len()));
        if range.is_empty() {
            self.error("nothing to copy");
            return None;
        }
        let n = range.end - range.start;
        if n > MAX_COPY {
            self.error(format!(
                "selection of {n} bytes is larger than the {MAX_COPY}-byte copy limit"
            ));
            return None;
        }
        let bytes = self.doc().read(range).into_owned();
        let text = format_copy(&bytes, format);
        self.register = bytes;
        self.view_mut().anchor = None;
        self.info(format!("copied {n} bytes as {}; p pastes", format.label()));
        Some(Effect::Clipboard(text))
    }

    /// Overwrites the bytes at the cursor with the register (one undo step).
    pub fn paste(&mut self) -> Option<Effect> {
        if self.register.is_empty() {
            self.error("the register is empty: select with v and copy with y first");
            return None;
        }
        let bytes = std::mem::take(&mut self.register);
        let len_before = self.doc().len();
        let at = self.cursor();
        let r = self.doc_mut().write(at, &bytes);
        let n = bytes.len();
        self.register = bytes;
        match r {
            Ok(()) => {
                let grew = (self.cursor() + n as u64).saturating_sub(len_before);
                if grew > 0 {
                    self.info(format!(
                        "pasted {n} bytes at {:#x}; the file grew by {grew} bytes; u undoes",
                        self.cursor()
                    ));
                } else {
                    self.info(format!(
                        "pasted {n} bytes over {:#x}; u undoes",
                        self.cursor()
                    ));
                }
                let span = self.doc().last_change();
                self.search_after_edit(span)
            }
            Err(e) => {
                self.error(crate::tui::hint::edit(&e));
                None
            }
        }
    }

    /// Fills the selection with a repeated byte pattern given in hex (one undo step; any
    /// size: the core keeps a fill as a pattern, not as bytes).
    pub fn fill(&mut self, pattern: &str) -> Option<Effect> {
        let Some(range) = self.selection() else {
            self.error("select bytes with v first, then :fill de ad");
            return None;
        };
        let pat: Option<Vec<u8>> = match parse_hex(pattern) {
            Ok(p) if !p.is_empty() => p.into_iter().collect(),
            Ok(_) => {
                self.error("give the fill bytes in hex: :fill 00 or :fill de ad be ef");
                return None;
            }
            Err(e) => {
                self.error(format!("bad fill pattern: {e}"));
                return None;
            }
        };
        let Some(pat) = pat else {
            self.error("?? matches any byte in a search; a fill needs real bytes");
            return None;
        };
        let n = range.end - range.start;
        match self.doc_mut().fill(range, &pat) {
            Ok(()) => {
                self.view_mut().anchor = None;
                self.info(format!("filled {n} bytes; u undoes"));
                self.follow_edits();
                let span = self.doc().last_change();
                self.search_after_edit(span)
            }
            Err(e) => {
                self.error(crate::tui::hint::edit(&e));
                None
            }
        }
    }

    /// Sets mark `c` at the cursor.
    pub fn set_mark(&mut self, c: char) {
        if c.is_ascii_alphanumeric() {
            let at = self.cursor();
            self.view_mut().marks.insert(c, at);
            self.info(format!("mark '{c}' at {:#x}", self.cursor()));
        } else {
            self.error(format!("marks are letters or digits, not '{c}'"));
        }
    }

    /// Jumps to mark `c`.
    pub fn jump_mark(&mut self, c: char) {
        match self.view().marks.get(&c).copied() {
            Some(off) if off < self.doc().len().max(1) => {
                self.jump_to(off);
                self.info(format!("mark '{c}' ({off:#x})"));
            }
            Some(off) => self.error(format!("mark '{c}' ({off:#x}) is past the end now")),
            None => self.error(format!("no mark '{c}': m{c} sets it")),
        }
    }

    /// Moves to `off`, remembering where the cursor was for `Ctrl-O`.
    pub fn jump_to(&mut self, off: u64) {
        self.view_mut().push_jump(off);
        self.goto(off);
    }

    /// Goes back to where the last jump came from.
    pub fn jump_back(&mut self) {
        match self.view_mut().jumps.pop() {
            Some(off) => {
                self.goto(off);
                self.info(format!(
                    "back to {off:#x}; {} more",
                    self.view().jumps.len()
                ));
            }
            None => self.info("no earlier jump"),
        }
    }
}

/// Formats copied bytes.
pub fn format_copy(bytes: &[u8], format: CopyFormat) -> String {
    match format {
        CopyFormat::Hex => {
            let mut s = String::with_capacity(bytes.len() * 3);
            for (i, b) in bytes.iter().enumerate() {
                if i > 0 {
                    s.push(' ');
                }
                let _ = write!(s, "{b:02x}");
            }
            s
        }
        CopyFormat::Text => String::from_utf8_lossy(bytes).into_owned(),
        CopyFormat::CArray => {
            let mut s = format!("unsigned char data[{}] = {{", bytes.len());
            for (i, b) in bytes.iter().enumerate() {
                if i % 12 == 0 {
                    s.push_str("\n   ");
                }
                let _ = write!(
                    s,
                    " 0x{b:02x}{}",
                    if i + 1 < bytes.len() { "," } else { "" }
                );
            }
            s.push_str("\n};\n");
            s
        }
    }
}

/// The OSC 52 sequence that asks the terminal to put `text` on the system clipboard (works
/// over SSH; terminals that do not support it ignore it).
pub fn osc52(text: &str) -> String {
    use base64::Engine as _;
    format!(
        "\x1b]52;c;{}\x07",
        base64::engine::general_purpose::STANDARD.encode(text)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_formats() {
        assert_eq!(format_copy(&[0xde, 0xad], CopyFormat::Hex), "de ad");
        assert_eq!(format_copy(b"hi", CopyFormat::Text), "hi");
        assert_eq!(
            format_copy(&[1, 2], CopyFormat::CArray),
            "unsigned char data[2] = {\n    0x01, 0x02\n};\n"
        );
        assert_eq!(osc52("hi"), "\x1b]52;c;aGk=\x07");
    }
}
