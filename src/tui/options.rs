//! What is shown and how ([`ViewOpts`]): plain data that the settings table sets and the
//! layout, the widgets and the app read (a leaf: it depends on the core only).

/// What is shown and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ViewOpts {
    /// Bytes per group in the hex pane (1, 2, 4 or 8).
    pub group: usize,
    /// Offsets in decimal instead of hex.
    pub decimal_offsets: bool,
    /// The hex pane is shown.
    pub show_hex: bool,
    /// The text pane is shown.
    pub show_text: bool,
    /// The data inspector is shown.
    pub inspector: bool,
    /// Byte order of the inspector.
    pub endian: crate::core::inspector::Endian,
    /// How the text pane decodes bytes.
    pub encoding: crate::core::text::Encoding,
    /// The line view replaces the hex and text panes.
    pub line_view: bool,
}

impl Default for ViewOpts {
    fn default() -> Self {
        Self {
            group: 8,
            decimal_offsets: false,
            show_hex: true,
            show_text: true,
            inspector: false,
            endian: crate::core::inspector::Endian::Little,
            encoding: crate::core::text::Encoding::Utf8,
            line_view: false,
        }
    }
}
