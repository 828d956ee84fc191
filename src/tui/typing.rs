//! Typing: edit mode (hex digits and characters written at the cursor), the command and
//! search prompts (their actions; the line editor itself is [`crate::tui::prompt`]), and the
//! save / discard / cancel question on quit.

use crate::core::source::ByteSource;
use crate::tui::action::Action;
use crate::tui::app::{App, Effect, InputMode, Pane, Prompt, PromptKind};
use crate::tui::msg::Then;

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
        let InputMode::Edit { low_nibble, insert } = self.mode else {
            return;
        };
        let at = self.cursor();
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
                if insert && !low_nibble {
                    // The first digit inserts the byte; the second completes it in place.
                    match self.doc_mut().insert(at, &[d << 4]) {
                        Ok(()) => {
                            self.message = None;
                            self.follow_edits();
                            self.note_edit();
                            self.set_cursor(at);
                            self.scroll_to_cursor();
                            self.mode = InputMode::Edit {
                                low_nibble: true,
                                insert,
                            };
                        }
                        Err(e) => self.error(crate::tui::hint::edit(&e)),
                    }
                    return;
                }
                let cur = self.doc().read(at..at + 1).first().copied().unwrap_or(0);
                let byte = if low_nibble {
                    (cur & 0xf0) | d
                } else {
                    (d << 4) | (cur & 0x0f)
                };
                match self.doc_mut().write(at, &[byte]) {
                    Ok(()) => {
                        self.message = None;
                        self.follow_edits();
                        self.note_edit();
                        if low_nibble {
                            self.goto(at + 1);
                        } else {
                            self.mode = InputMode::Edit {
                                low_nibble: true,
                                insert,
                            };
                        }
                    }
                    Err(e) => self.error(crate::tui::hint::edit(&e)),
                }
            }
            Pane::Text => {
                let mut buf = [0u8; 4];
                let bytes = c.encode_utf8(&mut buf).as_bytes();
                let r = if insert {
                    self.doc_mut().insert(at, bytes)
                } else {
                    self.doc_mut().write(at, bytes)
                };
                match r {
                    Ok(()) => {
                        self.message = None;
                        self.follow_edits();
                        self.note_edit();
                        self.goto(at + bytes.len() as u64);
                    }
                    Err(e) => self.error(crate::tui::hint::edit(&e)),
                }
            }
        }
    }

    /// Edit mode's own actions. Backspace in OVR moves back without deleting, as in vim's
    /// replace mode and hexedit; in INS it deletes the byte before the cursor (after the first
    /// digit of an inserted byte: that half-typed byte). Delete deletes the byte at the cursor
    /// in both.
    pub(crate) fn edit_action(&mut self, action: Action) {
        let InputMode::Edit { low_nibble, insert } = self.mode else {
            return;
        };
        let at = self.cursor();
        match action {
            Action::EditBack if low_nibble && insert => {
                if self.edit_delete(at..at + 1) {
                    self.goto(at);
                }
            }
            Action::EditBack if low_nibble => {
                self.mode = InputMode::Edit {
                    low_nibble: false,
                    insert,
                };
            }
            Action::EditBack if insert && at == 0 => {
                self.info("nothing before the cursor to delete");
            }
            Action::EditBack if insert => {
                if self.edit_delete(at - 1..at) {
                    self.goto(at - 1);
                }
            }
            Action::EditBack => self.goto(at.saturating_sub(1)),
            Action::EditDelete if at >= self.doc().len() => {
                self.info("nothing at the cursor to delete: it is past the last byte");
            }
            Action::EditDelete => {
                if self.edit_delete(at..at + 1) {
                    self.goto(at);
                }
            }
            Action::EditToggleInsert => self.toggle_insert(),
            // Text typing: Enter writes a newline byte.
            Action::EditNewline if self.edit_pane() == Pane::Text => self.type_char('\n'),
            _ => {
                let keys = action.binding().keys.join(" ");
                self.error(format!(
                    "{keys} does nothing in the hex pane; Esc leaves edit mode"
                ));
            }
        }
    }

    /// Deletes `range` in edit mode (part of its undo step); false when refused (said).
    fn edit_delete(&mut self, range: std::ops::Range<u64>) -> bool {
        match self.doc_mut().delete(range) {
            Ok(()) => {
                self.message = None;
                self.follow_edits();
                self.note_edit();
                true
            }
            Err(e) => {
                self.error(crate::tui::hint::edit(&e));
                false
            }
        }
    }

    /// The answer to the question on quit (every buffer with unsaved edits) or on `:bd`
    /// (that buffer): save them, keep them in recovery files, or drop them, then quit or
    /// close.
    pub(crate) fn confirm_action(&mut self, action: Action) -> Option<Effect> {
        let closing = match std::mem::replace(&mut self.mode, InputMode::Normal) {
            InputMode::ConfirmClose(id) => Some(id),
            _ => None,
        };
        let (views, then) = self.confirm_target(closing);
        let dirty = views.iter().any(|&id| {
            self.index_of(id)
                .is_some_and(|i| self.views()[i].doc().is_dirty())
        });
        match action {
            Action::ConfirmSave => Some(Effect::SaveViews { views, then }),
            Action::ConfirmKeep if dirty => Some(Effect::Keep { views, then }),
            Action::ConfirmDiscard => match then {
                Then::Close(id) => {
                    if let Some(i) = self.index_of(id) {
                        self.close_buffer(i);
                    }
                    None
                }
                _ => Some(Effect::Quit),
            },
            _ => {
                self.info(if closing.is_some() {
                    "close cancelled"
                } else {
                    "quit cancelled"
                });
                None
            }
        }
    }

    /// The prompts' actions: the line editor, history, and running what was typed.
    pub(crate) fn prompt_action(&mut self, action: Action) -> Option<Effect> {
        let InputMode::Prompt(mut p) = std::mem::replace(&mut self.mode, InputMode::Normal) else {
            return None;
        };
        let line = &mut p.line;
        match action {
            Action::PromptCancel => {
                self.message = None;
                return None;
            }
            Action::PromptAccept => {
                self.histories.of_mut(p.kind).push(p.line.text());
                return match p.kind {
                    PromptKind::Command => self.command(p.line.text().trim()),
                    PromptKind::Search(kind) => self.start_search(kind, p.line.text()),
                };
            }
            Action::PromptComplete => return self.prompt_tab(p),
            // Backspace on an empty line leaves the prompt.
            Action::PromptDeleteBack if line.text().is_empty() => return None,
            Action::PromptDeleteBack => {
                line.delete_back();
            }
            Action::PromptLeft => line.left(),
            Action::PromptRight => line.right(),
            Action::PromptHome => line.home(),
            Action::PromptEnd => line.end(),
            Action::PromptDelete => line.delete(),
            Action::PromptDeleteWord => line.delete_word(),
            Action::PromptDeleteToStart => line.delete_to_start(),
            Action::PromptDeleteToEnd => line.delete_to_end(),
            Action::PromptHistoryPrev | Action::PromptHistoryNext => {
                line.recall(
                    self.histories.of(p.kind),
                    action == Action::PromptHistoryPrev,
                );
            }
            Action::PromptToggleCase => {
                self.view_mut().search.ignore_case = !self.view().search.ignore_case;
            }
            Action::PromptToggleUnicode => {
                self.view_mut().search.unicode = !self.view().search.unicode;
            }
            _ => {}
        }
        self.mode = InputMode::Prompt(p);
        None
    }

    /// Tab in a prompt: cycles the search kind in the `/` prompt.
    fn prompt_tab(&mut self, mut p: Prompt) -> Option<Effect> {
        if let PromptKind::Search(kind) = p.kind {
            self.view_mut().search.kind = kind.next();
            p.kind = PromptKind::Search(self.view().search.kind);
        } else {
            self.complete_prompt(&mut p);
        }
        self.mode = InputMode::Prompt(p);
        None
    }
}
