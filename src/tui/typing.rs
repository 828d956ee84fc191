//! Typing: edit mode (hex digits and characters written at the cursor), the command and
//! search prompts (their actions; the line editor itself is [`crate::tui::prompt`]), and the
//! save / discard / cancel question on quit.

use crate::core::source::ByteSource;
use crate::tui::action::Action;
use crate::tui::app::{App, Effect, InputMode, Pane, Prompt, PromptKind};

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

    /// Edit mode's own actions.
    pub(crate) fn edit_action(&mut self, action: Action) {
        let InputMode::Edit { low_nibble } = self.mode else {
            return;
        };
        match action {
            Action::EditBack if low_nibble => self.mode = InputMode::Edit { low_nibble: false },
            Action::EditBack => self.goto(self.cursor().saturating_sub(1)),
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

    /// The answer to the question on quit.
    pub(crate) fn confirm_action(&mut self, action: Action) -> Option<Effect> {
        self.mode = InputMode::Normal;
        match action {
            Action::ConfirmSave => Some(Effect::Save {
                force: false,
                quit: true,
            }),
            Action::ConfirmKeep if self.doc().is_dirty() => Some(Effect::KeepAndQuit),
            Action::ConfirmDiscard => Some(Effect::Quit),
            _ => {
                self.info("quit cancelled");
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
