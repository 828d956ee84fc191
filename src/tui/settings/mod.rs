//! The one table of options ([`SETTINGS`]): each option's name, section, kind of value (with
//! its parser and printer), allowed values, default, documentation, and the pair of functions
//! that read it from and apply it to the [`App`]. Everything that names an option reads this
//! table: `:set` ([`set`]), the config file (`tui::config`), the command-line flags that set
//! options (`--cols`, `--encoding`: [`flag`]), `maphex --print-config`, the help overlay, Tab
//! completion and the README's settings table ([`markdown_table`], kept in step by a test).
//!
//! Values are parsed from a [`Raw`]: what the TOML file holds (typed: `hex = "yes"` is not a
//! boolean) or what was typed after `:set` or a flag (text, read leniently: `on`, `true`,
//! `yes`). A parsed [`Value`] is applied through the setting's `apply`, which may refuse it
//! (both panes off, a different open mode) with a message that says what to do instead.
//!
//! `squeeze` (accepted by the config file and documented, but never implemented) is gone:
//! squeezing runs of rows in the view would break the one-row-per-`cols`-bytes geometry the
//! cursor, mouse and search highlight rely on, and `maphex dump` promises xxd's default
//! format byte for byte; a config file that still sets it gets a warning saying so.

mod kind;
pub mod set;

pub use kind::{Kind, Raw, Value};

use crate::core::document::Mode;
use crate::core::inspector::Endian;
use crate::core::search::QueryKind;
use crate::core::text::Encoding;
use crate::tui::app::App;
use crate::tui::layout::Cols;
use std::fmt::Write as _;

/// The largest `cols`: bytes per row.
pub const MAX_COLS: u64 = 4096;

/// The sections of the config file that hold options (`[keys]` is the action table's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    /// `[view]`: how the file is shown and opened.
    View,
    /// `[search]`: how the `/` prompt starts.
    Search,
    /// `[colors]`: colours replacing the theme's.
    Colors,
}

impl Section {
    /// Every section, in file order.
    pub const ALL: [Section; 3] = [Section::View, Section::Search, Section::Colors];

    /// The table name in the config file.
    pub fn name(self) -> &'static str {
        match self {
            Section::View => "view",
            Section::Search => "search",
            Section::Colors => "colors",
        }
    }

    /// What the section holds, for the example config.
    pub fn doc(self) -> &'static str {
        match self {
            Section::View => "How the file is shown and opened (the names :set uses).",
            Section::Search => "How the / prompt starts.",
            Section::Colors => {
                "Colours by byte class and for highlights: a name (black, red, green, yellow, \
                 blue, magenta, cyan, gray, darkgray, lightred, lightgreen, lightyellow, \
                 lightblue, lightmagenta, lightcyan, white, reset), \"#rrggbb\", a \
                 256-colour index 0-255, or \"default\" for the built-in theme's. NO_COLOR and \
                 --no-color still turn every colour off."
            }
        }
    }

    /// The section of this name.
    pub fn by_name(name: &str) -> Option<Section> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Its settings, in table order.
    pub fn settings(self) -> impl Iterator<Item = &'static Setting> + Clone {
        SETTINGS.iter().filter(move |s| s.section == self)
    }
}

/// One option.
pub struct Setting {
    /// Its name, in `:set` and in its config section.
    pub name: &'static str,
    /// Its config section.
    pub section: Section,
    /// Its kind of value.
    pub kind: Kind,
    /// Its value when nothing sets it.
    pub default: Value,
    /// What it does.
    pub doc: &'static str,
    /// Chosen when the file opens (the open mode): `:set` shows it and takes only the
    /// current value.
    pub at_open: bool,
    /// The current value in the app.
    read: fn(&App) -> Value,
    /// Applies a value (of this setting's kind) to the app, or says why not.
    apply: fn(&mut App, Value) -> Result<(), String>,
}

impl Setting {
    /// `section.name`, as warnings name it.
    pub fn path(&self) -> String {
        format!("{}.{}", self.section.name(), self.name)
    }

    /// Parses a value for this setting.
    pub fn parse(&self, raw: Raw<'_>) -> Option<Value> {
        self.kind.parse(raw)
    }

    /// The current value in `app`.
    pub fn read(&self, app: &App) -> Value {
        (self.read)(app)
    }

    /// Applies a value (from [`Setting::parse`]) to `app`.
    pub fn apply(&self, app: &mut App, v: Value) -> Result<(), String> {
        (self.apply)(app, v)
    }

    /// The value as `:set` shows it.
    pub fn show(&self, v: Value) -> String {
        self.kind.show(v)
    }
}

/// A setting by name: `name`, or `section.name`.
pub fn by_name(name: &str) -> Option<&'static Setting> {
    let (section, name) = match name.split_once('.') {
        Some((s, n)) => (Section::by_name(s), n),
        None => (None, name),
    };
    SETTINGS
        .iter()
        .find(|s| s.name == name && section.is_none_or(|sec| sec == s.section))
}

/// A clap value parser for the flag that sets the option `name` (`--cols`, `--encoding`).
pub fn flag(
    name: &'static str,
) -> impl Fn(&str) -> Result<Value, String> + Clone + Send + Sync + 'static {
    move |s: &str| {
        let set = by_name(name).ok_or_else(|| format!("no setting {name}"))?;
        set.parse(Raw::Typed(s))
            .ok_or_else(|| format!("'{s}' is not allowed: use {}", set.kind.expected(false)))
    }
}

/// The documentation of the option `name`, for a flag's help.
pub fn doc(name: &str) -> &'static str {
    by_name(name).map_or("", |s| s.doc)
}

/// Applies `(setting, value)` pairs in order, then moves the cursor to a pane on screen.
/// Returns the messages of those refused.
pub fn apply_all(app: &mut App, values: &[(&'static Setting, Value)]) -> Vec<String> {
    let mut refused = Vec::new();
    for &(set, v) in values {
        if let Err(e) = set.apply(app, v) {
            refused.push(format!("{}: {e}", set.name));
        }
    }
    app.view_mut().pane = app.edit_pane();
    refused
}

fn pane(app: &mut App, hex: bool, v: Value) -> Result<(), String> {
    let Value::Bool(on) = v else { return Ok(()) };
    let other = if hex {
        app.settings.show_text
    } else {
        app.settings.show_hex
    };
    if !on && !other {
        return Err("one of the hex and text panes stays on; turn the other on first".into());
    }
    if hex {
        app.settings.show_hex = on;
    } else {
        app.settings.show_text = on;
    }
    Ok(())
}

/// Read and apply of a setting held in one place of the app, as a pair of closures.
macro_rules! place {
    ($variant:ident, |$app:ident| $place:expr) => {
        place!($variant, |$app| $place, $place)
    };
    ($variant:ident, |$app:ident| $read:expr, $write:expr) => {
        (
            |$app: &App| Value::$variant($read),
            |$app: &mut App, v: Value| {
                if let Value::$variant(x) = v {
                    $write = x;
                }
                Ok(())
            },
        )
    };
}

/// One row per option: name, section, kind, default, doc, (read, apply).
macro_rules! settings {
    ($( $name:literal, $section:ident, $kind:expr, $default:expr, $doc:literal, $rw:expr; )*) => {
        &[ $( {
            let (read, apply) = $rw;
            Setting {
                name: $name,
                section: Section::$section,
                kind: $kind,
                default: $default,
                doc: $doc,
                at_open: false,
                read,
                apply,
            }
        }, )* ]
    };
}

const OFFSETS: &[(&str, Value)] = &[
    ("hex", Value::Bool(false)),
    ("decimal", Value::Bool(true)),
    ("dec", Value::Bool(true)),
];
const ENDIANS: &[(&str, Value)] = &[
    ("little", Value::Endian(Endian::Little)),
    ("le", Value::Endian(Endian::Little)),
    ("big", Value::Endian(Endian::Big)),
    ("be", Value::Endian(Endian::Big)),
];
const ENCODINGS: &[(&str, Value)] = &[
    ("utf8", Value::Encoding(Encoding::Utf8)),
    ("utf-8", Value::Encoding(Encoding::Utf8)),
    ("ascii", Value::Encoding(Encoding::Ascii)),
    ("latin1", Value::Encoding(Encoding::Latin1)),
    ("latin-1", Value::Encoding(Encoding::Latin1)),
    ("iso-8859-1", Value::Encoding(Encoding::Latin1)),
    ("iso8859-1", Value::Encoding(Encoding::Latin1)),
];
const MODES: &[(&str, Value)] = &[
    ("cow", Value::Mode(Mode::CopyOnWrite)),
    ("copy-on-write", Value::Mode(Mode::CopyOnWrite)),
    ("readonly", Value::Mode(Mode::ReadOnly)),
    ("read-only", Value::Mode(Mode::ReadOnly)),
    ("write-through", Value::Mode(Mode::WriteThrough)),
];
const KINDS: &[(&str, Value)] = &[
    ("regex", Value::Kind(QueryKind::Regex)),
    ("text", Value::Kind(QueryKind::Text)),
    ("hex", Value::Kind(QueryKind::Hex)),
];

const NO_COLOR: Value = Value::Color(None);

/// Every option. Names are unique across sections (a test checks), so `:set` needs no
/// section.
pub static SETTINGS: &[Setting] = settings! {
    "cols", View, Kind::Cols, Value::Cols(Cols::Auto),
        "bytes per row (auto fits the terminal)",
        place!(Cols, |a| a.cols);
    "group", View, Kind::OneOf(&[1, 2, 4, 8]), Value::Num(8),
        "bytes per group in the hex pane",
        (|a: &App| Value::Num(a.settings.group as u64), |a: &mut App, v| {
            if let Value::Num(g) = v {
                a.settings.group = usize::try_from(g).unwrap_or(8);
            }
            Ok(())
        });
    "offsets", View, Kind::Words(OFFSETS), Value::Bool(false),
        "the offset column in hex or decimal",
        (|a: &App| Value::Bool(a.settings.decimal_offsets), |a: &mut App, v| {
            if let Value::Bool(d) = v {
                a.settings.decimal_offsets = d;
            }
            Ok(())
        });
    "hex", View, Kind::Bool, Value::Bool(true), "show the hex pane",
        (|a: &App| Value::Bool(a.settings.show_hex), |a: &mut App, v| pane(a, true, v));
    "text", View, Kind::Bool, Value::Bool(true), "show the text pane",
        (|a: &App| Value::Bool(a.settings.show_text), |a: &mut App, v| pane(a, false, v));
    "inspector", View, Kind::Bool, Value::Bool(false), "show the data inspector",
        place!(Bool, |a| a.settings.inspector);
    "endian", View, Kind::Words(ENDIANS), Value::Endian(Endian::Little),
        "byte order of the inspector",
        place!(Endian, |a| a.settings.endian);
    "encoding", View, Kind::Words(ENCODINGS), Value::Encoding(Encoding::Utf8),
        "how the text pane decodes bytes (E cycles them)",
        place!(Encoding, |a| a.settings.encoding);
    "diff-align", View, Kind::Bool, Value::Bool(true),
        "the compare view finds insertions and deletions (off: compares at equal offsets only)",
        (|a: &App| Value::Bool(a.diff.align == crate::core::diff::Align::On), |a: &mut App, v| {
            if let Value::Bool(on) = v {
                a.set_diff_align(if on { crate::core::diff::Align::On } else { crate::core::diff::Align::Off });
            }
            Ok(())
        });
    "mode", View, Kind::Words(MODES), Value::Mode(Mode::CopyOnWrite),
        "open mode without -r or -w: cow (edits kept until saved), readonly, or write-through (edits land in the file at once)",
        (|a: &App| Value::Mode(a.doc().mode()), |a: &mut App, v| {
            if v == Value::Mode(a.doc().mode()) {
                Ok(())
            } else {
                Err("the open mode is chosen when the file opens: reopen it with -r, -w or neither".into())
            }
        });
    "kind", Search, Kind::Words(KINDS), Value::Kind(QueryKind::Regex),
        "the kind of pattern the / prompt starts with (Tab in the prompt cycles them)",
        place!(Kind, |a| a.view().search.kind, a.view_mut().search.kind);
    "ignore_case", Search, Kind::Bool, Value::Bool(false),
        "fold case (C-t in the prompt toggles it)",
        place!(Bool, |a| a.view().search.ignore_case, a.view_mut().search.ignore_case);
    "unicode", Search, Kind::Bool, Value::Bool(false),
        "Unicode regex semantics instead of bytes (C-x in the prompt toggles it; (?u) in a pattern)",
        place!(Bool, |a| a.view().search.unicode, a.view_mut().search.unicode);
    "max_matches", Search, Kind::AtLeast(1), Value::Num(crate::tui::search::STORE_CAP),
        "matches kept for n, N and the list; past this many they are only counted",
        place!(Num, |a| a.view().search.store_cap, a.view_mut().search.store_cap);
    "null", Colors, Kind::Color, NO_COLOR, "the byte 0x00",
        place!(Color, |a| a.colors.null);
    "printable", Colors, Kind::Color, NO_COLOR, "printable ASCII",
        place!(Color, |a| a.colors.printable);
    "whitespace", Colors, Kind::Color, NO_COLOR, "ASCII whitespace",
        place!(Color, |a| a.colors.whitespace);
    "control", Colors, Kind::Color, NO_COLOR, "other ASCII control bytes",
        place!(Color, |a| a.colors.control);
    "non_ascii", Colors, Kind::Color, NO_COLOR, "bytes 0x80 to 0xff",
        place!(Color, |a| a.colors.non_ascii);
    "offset", Colors, Kind::Color, NO_COLOR, "the offset column",
        place!(Color, |a| a.colors.offset);
    "changed", Colors, Kind::Color, NO_COLOR, "bytes changed and not saved",
        place!(Color, |a| a.colors.changed);
    "match", Colors, Kind::Color, NO_COLOR, "background of search matches",
        place!(Color, |a| a.colors.matched);
    "current_match", Colors, Kind::Color, NO_COLOR, "background of the current match",
        place!(Color, |a| a.colors.current_match);
    "selection", Colors, Kind::Color, NO_COLOR, "background of selected bytes",
        place!(Color, |a| a.colors.selection);
};

/// The README's settings table: every option with its section, values, default and doc.
pub fn markdown_table() -> String {
    let mut s = String::from(
        "| setting | section | values | default | what it does |\n| --- | --- | --- | --- | --- |\n",
    );
    for set in SETTINGS {
        let values = set.kind.expected(false).replace('|', "\\|");
        let _ = writeln!(
            s,
            "| `{}` | `[{}]` | {} | `{}` | {} |",
            set.name,
            set.section.name(),
            values,
            set.show(set.default),
            set.doc
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_documented_and_defaults_print_and_parse_back() {
        let mut seen = std::collections::HashSet::new();
        for set in SETTINGS {
            assert!(seen.insert(set.name), "{} twice", set.name);
            assert!(!set.doc.is_empty(), "{}", set.name);
            let shown = set.show(set.default);
            assert_eq!(
                set.parse(Raw::Typed(&shown)),
                Some(set.default),
                "{}",
                set.name
            );
            for v in set.kind.values() {
                assert!(set.parse(Raw::Typed(&v)).is_some(), "{} {v}", set.name);
            }
            assert_eq!(by_name(&set.path()).map(|s| s.name), Some(set.name));
        }
    }

    #[test]
    fn typed_values_are_lenient_and_toml_values_typed() {
        let hex = by_name("hex").unwrap();
        assert_eq!(hex.parse(Raw::Typed("YES")), Some(Value::Bool(true)));
        assert_eq!(hex.parse(Raw::Str("yes")), None);
        let cols = by_name("cols").unwrap();
        assert_eq!(
            cols.parse(Raw::Typed("0x10")),
            Some(Value::Cols(Cols::Fixed(16)))
        );
        assert_eq!(cols.parse(Raw::Typed("4097")), None);
        assert_eq!(
            cols.parse(Raw::Str("16")),
            None,
            "a TOML string is not a number"
        );
        assert_eq!(
            cols.parse(Raw::Int(4096)),
            Some(Value::Cols(Cols::Fixed(4096)))
        );
        assert_eq!(
            by_name("group").unwrap().kind.expected(true),
            "1, 2, 4 or 8"
        );
        assert_eq!(
            by_name("offsets").unwrap().kind.expected(true),
            "\"hex\" or \"decimal\""
        );
    }
}

#[cfg(test)]
mod readme {
    /// The README's settings table is generated from [`super::SETTINGS`]; this keeps them in
    /// step. To refresh it, paste the table printed on failure.
    #[test]
    fn readme_settings_table_matches_the_settings_table() {
        let readme = include_str!("../../../README.md");
        let table = super::markdown_table();
        assert!(
            readme.contains(&table),
            "README settings table is stale; it should read:\n{table}"
        );
    }
}
