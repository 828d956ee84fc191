//! Byte class → style, and the other styles of the UI: the only file with colour literals.
//! With `NO_COLOR` set every colour is dropped and only modifiers (reverse, bold, underline)
//! remain, so the cursor, changed bytes and matches stay visible.

use ratatui::style::{Color, Modifier, Style};

use crate::core::classify::ByteClass;

/// The styles in force.
#[derive(Clone, Copy, Debug)]
pub struct Theme {
    color: bool,
}

impl Theme {
    /// A theme; `color` false honours `NO_COLOR`.
    pub fn new(color: bool) -> Self {
        Self { color }
    }

    fn c(self, s: Style, fg: Color) -> Style {
        if self.color { s.fg(fg) } else { s }
    }

    /// A byte's colour by class (hexyl's scheme).
    pub fn class(self, class: ByteClass) -> Style {
        let s = Style::new();
        match class {
            ByteClass::Null => self.c(s, Color::DarkGray),
            ByteClass::Printable => self.c(s, Color::Cyan),
            ByteClass::Whitespace => self.c(s, Color::Green),
            ByteClass::Control => self.c(s, Color::Magenta),
            ByteClass::NonAscii => self.c(s, Color::Yellow),
        }
    }

    /// The offset column.
    pub fn offset(self) -> Style {
        self.c(Style::new(), Color::DarkGray)
    }

    /// Bytes changed and not saved.
    pub fn changed(self, base: Style) -> Style {
        let s = base.add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
        if self.color { s.fg(Color::LightRed) } else { s }
    }

    /// A search match.
    pub fn matched(self, base: Style) -> Style {
        if self.color {
            base.bg(Color::Rgb(90, 70, 0)).fg(Color::White)
        } else {
            base.add_modifier(Modifier::UNDERLINED)
        }
    }

    /// The current search match.
    pub fn current_match(self, base: Style) -> Style {
        if self.color {
            base.bg(Color::Rgb(200, 120, 0)).fg(Color::Black)
        } else {
            base.add_modifier(Modifier::UNDERLINED | Modifier::BOLD)
        }
    }

    /// The cursor in the active pane.
    pub fn cursor_active(self, base: Style) -> Style {
        base.add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }

    /// The cursor's twin in the other pane.
    pub fn cursor_passive(self, base: Style) -> Style {
        base.add_modifier(Modifier::UNDERLINED)
            .add_modifier(Modifier::REVERSED)
    }

    /// The status bar.
    pub fn status(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    /// The mode label in the status bar.
    pub fn mode(self, mode: crate::core::document::Mode) -> Style {
        use crate::core::document::Mode;
        let s = Style::new().add_modifier(Modifier::BOLD);
        match (mode, self.color) {
            (Mode::WriteThrough, true) => s.bg(Color::Red).fg(Color::White),
            (Mode::ReadOnly, true) => s.bg(Color::Blue).fg(Color::White),
            (Mode::CopyOnWrite, true) => s.bg(Color::Green).fg(Color::Black),
            (_, false) => s.add_modifier(Modifier::REVERSED),
        }
    }

    /// An error message.
    pub fn error(self) -> Style {
        self.c(Style::new().add_modifier(Modifier::BOLD), Color::LightRed)
    }

    /// A hint or quiet text.
    pub fn dim(self) -> Style {
        Style::new().add_modifier(Modifier::DIM)
    }

    /// Borders and titles of overlays.
    pub fn frame(self) -> Style {
        self.c(Style::new(), Color::Cyan)
    }
}
