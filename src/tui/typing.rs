//! Typing: edit mode (hex digits and characters written at the cursor), the command and
//! search prompts, and the save / discard / cancel question on quit.

use crate::core::source::ByteSource;
use crate::tui::app::{App, Effect, InputMode, Pane, Prompt, PromptKind};
use crate::tui::input::{Key, KeyCode};

impl App {
    pub(crate) fn leave_edit(&mut self) {
        if matches!(self.mode, InputMode::Edit { .. }) {
            self.doc_mut().end_group();
            self.mode = InputMode::Normal;
            // Typing that ran up to the end leaves the cursor where the next `i` appends.
            let len = self.doc().len();
            let appended = self.cursor() == len
                && self.view().edit_span.as_ref().is_some_and(|s| s.end == len);
            if !appended {
                self.set_cursor(self.cursor().min(self.max_cursor()));
            }
        }
    }

    pub(crate) fn note_edit(&mut self) {
        if let Some(r) = self.doc().last_change() {
            self.view_mut().edit_span = Some(match self.view_mut().edit_span.take() {
                Some(s) => s.start.min(r.start)..s.end.max(r.end),
                None => r,
            });
        }
    }

    pub(crate) fn type_char(&mut self, c: char) {
        let InputMode::Edit { low_nibble } = self.mode else {
            return;
        };
        match self.edit_pane() {
            Pane::Hex => {
                let Some(d) = c.to_digit(16) else {
                    self.error(if self.settings.show_text {
                        format!("'{c}' is not a hex digit; Tab switches to the text pane")
                    } else {
                        format!("'{c}' is not a hex digit; :set text on shows the text pane")
                    });
                    return;
                };
                let d = d as u8;
                let cur = self
                    .doc()
                    .read(self.cursor()..self.cursor() + 1)
                    .first()
                    .copied()
                    .unwrap_or(0);
                let byte = if low_nibble {
                    (cur & 0xf0) | d
                } else {
                    (d << 4) | (cur & 0x0f)
                };
                let at = self.cursor();
                match self.doc_mut().write(at, &[byte]) {
                    Ok(()) => {
                        self.message = None;
                        self.note_edit();
                        if low_nibble {
                            self.goto(self.cursor() + 1);
                        } else {
                            self.mode = InputMode::Edit { low_nibble: true };
                        }
                    }
                    Err(e) => self.error(crate::tui::hint::edit(&e)),
                }
            }
            Pane::Text => {
                let mut buf = [0u8; 4];
                let bytes = c.encode_utf8(&mut buf).as_bytes();
                let at = self.cursor();
                match self.doc_mut().write(at, bytes) {
                    Ok(()) => {
                        self.message = None;
                        self.note_edit();
                        self.goto(self.cursor() + bytes.len() as u64);
                    }
                    Err(e) => self.error(crate::tui::hint::edit(&e)),
                }
            }
        }
    }

    pub(crate) fn confirm_key(&mut self, key: Key) -> Option<Effect> {
        self.mode = InputMode::Normal;
        match key.code {
            KeyCode::Char('s' | 'y' | 'w') => Some(Effect::Save {
                force: false,
                quit: true,
            }),
            KeyCode::Char('k') if self.doc().is_dirty() => Some(Effect::KeepAndQuit),
            KeyCode::Char('d' | 'n') => Some(Effect::Quit),
            _ => {
                self.info("quit cancelled");
                None
            }
        }
    }

    pub(crate) fn prompt_key(&mut self, mut p: Prompt, key: Key) -> Option<Effect> {
        match key.code {
            KeyCode::Esc => {
                self.mode = InputMode::Normal;
                self.message = None;
                None
            }
            KeyCode::Enter => {
                self.mode = InputMode::Normal;
                match p.kind {
                    PromptKind::Command => self.command(p.text.trim()),
                    PromptKind::Search(kind) => self.start_search(kind, &p.text),
                }
            }
            KeyCode::Tab => {
                if let PromptKind::Search(kind) = p.kind {
                    self.view_mut().search.kind = kind.next();
                    p.kind = PromptKind::Search(self.view().search.kind);
                } else {
                    self.complete_prompt(&mut p);
                }
                self.mode = InputMode::Prompt(p);
                None
            }
            KeyCode::Backspace => {
                if p.text.pop().is_none() {
                    self.mode = InputMode::Normal;
                } else {
                    self.mode = InputMode::Prompt(p);
                }
                None
            }
            KeyCode::Char('t') if key.ctrl => {
                self.view_mut().search.ignore_case = !self.view().search.ignore_case;
                self.mode = InputMode::Prompt(p);
                None
            }
            KeyCode::Char('x') if key.ctrl => {
                self.view_mut().search.unicode = !self.view().search.unicode;
                self.mode = InputMode::Prompt(p);
                None
            }
            KeyCode::Char('u') if key.ctrl => {
                p.text.clear();
                self.mode = InputMode::Prompt(p);
                None
            }
            KeyCode::Char(c) if !key.ctrl && !key.alt => {
                p.text.push(c);
                self.mode = InputMode::Prompt(p);
                None
            }
            _ => {
                self.mode = InputMode::Prompt(p);
                None
            }
        }
    }
}
