//! Byte class → style, and the other styles of the UI: the only file with colour literals.
//! With `NO_COLOR` set every colour is dropped and only modifiers (reverse, bold, underline)
//! remain, so the cursor, changed bytes and matches stay visible.

use ratatui::style::{Color, Modifier, Style};

use crate::core::classify::ByteClass;

/// `[colors]`: colours that replace the theme's; `None` keeps the theme's own. `NO_COLOR`
/// and `--no-color` still drop every colour.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Colors {
    /// The byte 0x00.
    pub null: Option<Color>,
    /// Printable ASCII.
    pub printable: Option<Color>,
    /// ASCII whitespace.
    pub whitespace: Option<Color>,
    /// Other ASCII control bytes.
    pub control: Option<Color>,
    /// Bytes 0x80..=0xff.
    pub non_ascii: Option<Color>,
    /// The offset column.
    pub offset: Option<Color>,
    /// Changed bytes not yet saved (foreground).
    pub changed: Option<Color>,
    /// Search matches (background); the key is `match`.
    pub matched: Option<Color>,
    /// The current search match (background).
    pub current_match: Option<Color>,
    /// Selected bytes (background).
    pub selection: Option<Color>,
}

impl Colors {
    /// The colour configured for a byte class, if any.
    pub fn class(&self, class: ByteClass) -> Option<Color> {
        match class {
            ByteClass::Null => self.null,
            ByteClass::Printable => self.printable,
            ByteClass::Whitespace => self.whitespace,
            ByteClass::Control => self.control,
            ByteClass::NonAscii => self.non_ascii,
        }
    }
}

/// The styles in force.
#[derive(Clone, Copy, Debug)]
pub struct Theme {
    color: bool,
    colors: Colors,
}

impl Theme {
    /// A theme with the default colours; `color` false honours `NO_COLOR`.
    pub fn new(color: bool) -> Self {
        Self::with_colors(color, Colors::default())
    }

    /// A theme with colours from the config file where it sets them.
    pub fn with_colors(color: bool, colors: Colors) -> Self {
        Self { color, colors }
    }

    fn c(self, s: Style, fg: Color) -> Style {
        if self.color { s.fg(fg) } else { s }
    }

    /// A byte's colour by class (hexyl's scheme).
    pub fn class(self, class: ByteClass) -> Style {
        let default = match class {
            ByteClass::Null => Color::DarkGray,
            ByteClass::Printable => Color::Cyan,
            ByteClass::Whitespace => Color::Green,
            ByteClass::Control => Color::Magenta,
            ByteClass::NonAscii => Color::Yellow,
        };
        self.c(Style::new(), self.colors.class(class).unwrap_or(default))
    }

    /// A text-pane cell's colour: ASCII classes as in the hex pane, decoded characters in the
    /// non-ASCII colour, placeholders for continuation bytes dimmed, invalid bytes in the error
    /// colour.
    pub fn cell(self, kind: crate::core::text::CellKind, byte: u8) -> Style {
        use crate::core::text::CellKind as K;
        match kind {
            K::Printable | K::Whitespace | K::Null | K::Control | K::NonAscii => {
                self.class(crate::core::classify::classify(byte))
            }
            K::Char | K::WideChar | K::Clipped => {
                self.c(Style::new(), self.colors.non_ascii.unwrap_or(Color::Yellow))
            }
            K::Hidden => self.c(Style::new(), Color::Magenta),
            K::Continuation | K::Covered => {
                self.c(Style::new().add_modifier(Modifier::DIM), Color::Yellow)
            }
            K::Invalid => self.c(Style::new(), Color::LightRed),
        }
    }

    /// The offset column.
    pub fn offset(self) -> Style {
        self.c(Style::new(), self.colors.offset.unwrap_or(Color::DarkGray))
    }

    /// Bytes changed and not saved.
    pub fn changed(self, base: Style) -> Style {
        let s = base.add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
        if self.color {
            s.fg(self.colors.changed.unwrap_or(Color::LightRed))
        } else {
            s
        }
    }

    /// A search match.
    pub fn matched(self, base: Style) -> Style {
        if self.color {
            base.bg(self.colors.matched.unwrap_or(Color::Rgb(90, 70, 0)))
                .fg(Color::White)
        } else {
            base.add_modifier(Modifier::UNDERLINED)
        }
    }

    /// The current search match.
    pub fn current_match(self, base: Style) -> Style {
        if self.color {
            base.bg(self.colors.current_match.unwrap_or(Color::Rgb(200, 120, 0)))
                .fg(Color::Black)
        } else {
            base.add_modifier(Modifier::UNDERLINED | Modifier::BOLD)
        }
    }

    /// A byte of the field selected in the structure pane.
    pub fn field(self, base: Style) -> Style {
        if self.color {
            base.bg(Color::Rgb(30, 70, 50))
                .add_modifier(Modifier::UNDERLINED)
        } else {
            base.add_modifier(Modifier::UNDERLINED)
        }
    }

    /// A selected byte.
    pub fn selected(self, base: Style) -> Style {
        if self.color {
            base.bg(self.colors.selection.unwrap_or(Color::Rgb(40, 60, 110)))
                .fg(Color::White)
        } else {
            base.add_modifier(Modifier::REVERSED)
        }
    }

    /// Compare view: a byte that differs from the other side's.
    pub fn diff_changed(self, base: Style) -> Style {
        if self.color {
            base.bg(Color::Rgb(120, 30, 40)).fg(Color::White)
        } else {
            base.add_modifier(Modifier::BOLD | Modifier::ITALIC)
        }
    }

    /// Compare view: a byte the other side does not have (inserted on this side).
    pub fn diff_only(self, base: Style) -> Style {
        if self.color {
            base.bg(Color::Rgb(20, 90, 50)).fg(Color::White)
        } else {
            base.add_modifier(Modifier::ITALIC | Modifier::UNDERLINED)
        }
    }

    /// Compare view: the other side has bytes before this one that this side lacks (the gap
    /// marker).
    pub fn diff_gap(self, base: Style) -> Style {
        let s = base.add_modifier(Modifier::UNDERLINED | Modifier::BOLD);
        if self.color {
            s.fg(Color::LightGreen)
        } else {
            s
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
