//! Our own input types, and the only module that names `crossterm::event`.
//!
//! The app and the keymap see [`Key`] and [`Input`], so tests build inputs without a
//! terminal and the crossterm version can change in one place.

use ratatui::crossterm::event::{
    Event, KeyCode as CtCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};

/// A key without modifiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyCode {
    /// A character (shift is already applied: `N`, not shift+`n`).
    Char(char),
    Enter,
    Esc,
    Backspace,
    Tab,
    BackTab,
    Left,
    Right,
    Up,
    Down,
    Home,
    End,
    PageUp,
    PageDown,
    Insert,
    Delete,
    /// A function key.
    F(u8),
}

/// A key chord.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    /// The key.
    pub code: KeyCode,
    /// Control held.
    pub ctrl: bool,
    /// Alt held.
    pub alt: bool,
}

impl Key {
    /// A plain key.
    pub const fn plain(code: KeyCode) -> Self {
        Self {
            code,
            ctrl: false,
            alt: false,
        }
    }

    /// A plain character.
    pub const fn ch(c: char) -> Self {
        Self::plain(KeyCode::Char(c))
    }

    /// Control + character.
    pub const fn ctrl(c: char) -> Self {
        Self {
            code: KeyCode::Char(c),
            ctrl: true,
            alt: false,
        }
    }

    /// Parses the notation used in the action table and config: `q`, `N`, `C-f`, `A-x`,
    /// `Left`, `PageDown`, `Enter`, `Esc`, `Tab`, `F1`, `Space`.
    pub fn parse(s: &str) -> Option<Self> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = s;
        loop {
            if let Some(r) = rest.strip_prefix("C-") {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("A-") {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "Enter" => KeyCode::Enter,
            "Esc" => KeyCode::Esc,
            "Backspace" => KeyCode::Backspace,
            "Tab" => KeyCode::Tab,
            "BackTab" => KeyCode::BackTab,
            "Left" => KeyCode::Left,
            "Right" => KeyCode::Right,
            "Up" => KeyCode::Up,
            "Down" => KeyCode::Down,
            "Home" => KeyCode::Home,
            "End" => KeyCode::End,
            "PageUp" => KeyCode::PageUp,
            "PageDown" => KeyCode::PageDown,
            "Insert" => KeyCode::Insert,
            "Delete" => KeyCode::Delete,
            "Space" => KeyCode::Char(' '),
            f if f.len() > 1 && f.starts_with('F') => KeyCode::F(f[1..].parse().ok()?),
            c => {
                let mut chars = c.chars();
                let ch = chars.next()?;
                if chars.next().is_some() {
                    return None;
                }
                KeyCode::Char(ch)
            }
        };
        Some(Self { code, ctrl, alt })
    }

    /// The notation [`Key::parse`] reads.
    pub fn display(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        format!(
            "{}{}{base}",
            if self.ctrl { "C-" } else { "" },
            if self.alt { "A-" } else { "" }
        )
    }
}

/// Mouse events the app uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mouse {
    /// Wheel up.
    ScrollUp,
    /// Wheel down.
    ScrollDown,
    /// Left button pressed at (column, row).
    Click(u16, u16),
}

/// One input for the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// A key chord.
    Key(Key),
    /// A mouse event.
    Mouse(Mouse),
    /// Text pasted by the terminal (bracketed paste).
    Paste(String),
    /// The terminal changed size.
    Resize(u16, u16),
}

/// Converts a crossterm event; `None` for events the app ignores (key releases, focus).
pub fn from_crossterm(ev: &Event) -> Option<Input> {
    match ev {
        Event::Key(KeyEvent {
            code,
            modifiers,
            kind,
            ..
        }) => {
            if *kind == KeyEventKind::Release {
                return None;
            }
            let code = match *code {
                CtCode::Char(c) => KeyCode::Char(c),
                CtCode::Enter => KeyCode::Enter,
                CtCode::Esc => KeyCode::Esc,
                CtCode::Backspace => KeyCode::Backspace,
                CtCode::Tab => KeyCode::Tab,
                CtCode::BackTab => KeyCode::BackTab,
                CtCode::Left => KeyCode::Left,
                CtCode::Right => KeyCode::Right,
                CtCode::Up => KeyCode::Up,
                CtCode::Down => KeyCode::Down,
                CtCode::Home => KeyCode::Home,
                CtCode::End => KeyCode::End,
                CtCode::PageUp => KeyCode::PageUp,
                CtCode::PageDown => KeyCode::PageDown,
                CtCode::Insert => KeyCode::Insert,
                CtCode::Delete => KeyCode::Delete,
                CtCode::F(n) => KeyCode::F(n),
                _ => return None,
            };
            Some(Input::Key(Key {
                code,
                ctrl: modifiers.contains(KeyModifiers::CONTROL),
                alt: modifiers.contains(KeyModifiers::ALT),
            }))
        }
        Event::Mouse(m) => match m.kind {
            MouseEventKind::ScrollUp => Some(Input::Mouse(Mouse::ScrollUp)),
            MouseEventKind::ScrollDown => Some(Input::Mouse(Mouse::ScrollDown)),
            MouseEventKind::Down(MouseButton::Left) => {
                Some(Input::Mouse(Mouse::Click(m.column, m.row)))
            }
            _ => None,
        },
        Event::Paste(s) => Some(Input::Paste(s.clone())),
        Event::Resize(w, h) => Some(Input::Resize(*w, *h)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_round_trips() {
        for s in [
            "q", "N", "C-f", "A-x", "Left", "PageDown", "Enter", "F1", "Space", "?", "$",
        ] {
            let k = Key::parse(s).unwrap();
            assert_eq!(k.display(), s);
        }
        assert!(Key::parse("").is_none());
        assert!(Key::parse("ab").is_none());
        assert!(Key::parse("Fx").is_none());
    }
}
