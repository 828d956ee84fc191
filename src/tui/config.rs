//! The config file: TOML at `$XDG_CONFIG_HOME/maphex/config.toml`, else
//! `$HOME/.config/maphex/config.toml`, or the path given with `--config`.
//!
//! Loading never fails and never panics, whatever the file holds. Whatever is wrong comes back
//! as a [`ConfigWarning`] naming the file and the line: a TOML syntax error drops the whole
//! file (defaults everywhere, as a half-read file would be a guess), while a bad setting, an
//! unknown name or an unparsable key drops only that one setting and the rest applies.
//!
//! The file is parsed by hand from [`toml::de::DeTable`], which keeps the byte span of every
//! key and value, so each warning names the line the user must fix and unknown keys are
//! reported rather than ignored (serde's derive would need a direct dependency and would stop
//! at the first error). The settings are data, in one table per section ([`SECTIONS`]): the
//! parser, the warnings' lists of known names and [`example`] all read them, as the keymap and
//! the help read the action table.
//!
//! `[keys]` maps an action name from [`ACTIONS`] to a key or a list of keys. The keys are
//! bound *in addition to* the defaults; a key listed here leaves the action that had it.
//! Normal mode's actions are in `[keys]` itself; another mode's are in a table named after the
//! mode (`[keys.prompt]`, `[keys.match_list]`, see [`KeyMode::section`]), or written
//! `prompt.history_prev = "C-p"` under `[keys]`, which TOML reads the same.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use ratatui::style::Color;
use toml::de::{DeInteger, DeTable, DeValue};

use crate::core::classify::ByteClass;
use crate::core::document::Mode;
use crate::core::inspector::Endian;
use crate::core::search::QueryKind;
use crate::core::text::Encoding;
use crate::tui::action::{ACTIONS, Action, KeyMode};
use crate::tui::input::Key;
use crate::tui::keymap::Keymap;
use crate::tui::layout::Cols;

/// A config file larger than this is not read (it is not a config file).
const MAX_LEN: usize = 1 << 20;

/// At most this many warnings come back (the last one counting the rest).
const MAX_WARNINGS: usize = 20;

/// Where warnings about action names send the user.
const NAMES_HINT: &str = "maphex --print-config lists every action, by mode";

/// The key notation, for warnings about keys.
const KEY_HINT: &str = "write keys as q, N, C-f, A-x, Left, PageDown, Enter, Esc, Tab, F1, Space";

/// Everything the config file can set. `None` means "not in the file": the caller's default
/// (or a command-line flag, which wins over the file) applies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// `[view]`.
    pub view: ViewConfig,
    /// `[search]`.
    pub search: SearchConfig,
    /// `[colors]`.
    pub colors: Colors,
    /// `[keys]`, in file order, a key given twice kept only where it was last given.
    pub keys: Vec<KeyBinding>,
}

/// `[view]`: how the file is shown and opened.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ViewConfig {
    /// Bytes per row.
    pub cols: Option<Cols>,
    /// Bytes per group in the hex pane: 1, 2, 4 or 8.
    pub group: Option<usize>,
    /// Offsets in decimal (`offsets = "decimal"`) rather than hex.
    pub decimal_offsets: Option<bool>,
    /// Show the hex pane.
    pub hex: Option<bool>,
    /// Show the text pane.
    pub text: Option<bool>,
    /// Show the data inspector.
    pub inspector: Option<bool>,
    /// Byte order of the inspector.
    pub endian: Option<Endian>,
    /// How the text pane decodes bytes.
    pub encoding: Option<Encoding>,
    /// Squeeze runs of identical rows into one line, as hexyl does.
    pub squeeze: Option<bool>,
    /// The open mode when no `-r` / `-w` flag is given.
    pub mode: Option<Mode>,
}

/// `[search]`: how the `/` prompt starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SearchConfig {
    /// The kind the prompt starts with.
    pub kind: Option<QueryKind>,
    /// Fold case.
    pub ignore_case: Option<bool>,
    /// Unicode semantics for regex patterns instead of bytes.
    pub unicode: Option<bool>,
    /// Matches kept in the index before the search only counts (at least 1).
    pub max_matches: Option<u64>,
}

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

/// One key from `[keys]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyBinding {
    /// The action.
    pub action: Action,
    /// The key.
    pub key: Key,
    /// The line of the file it came from.
    pub line: usize,
}

impl Config {
    /// Binds the keys of `[keys]` on top of `keymap` (normally [`Keymap::default`]). Every key
    /// was checked while parsing, so nothing can go wrong here.
    pub fn apply_keys(&self, keymap: &mut Keymap) {
        for b in &self.keys {
            keymap.bind(b.key, b.action);
        }
    }
}

/// Something in the config file that was skipped, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigWarning {
    /// The config file.
    pub path: PathBuf,
    /// The line (from 1), when the problem has one.
    pub line: Option<usize>,
    /// The column (from 1, in characters), for syntax errors.
    pub column: Option<usize>,
    /// What is wrong.
    pub problem: Problem,
}

impl fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "config {}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, " line {line}")?;
        }
        if let Some(column) = self.column {
            write!(f, ", column {column}")?;
        }
        write!(f, ": {}", self.problem)
    }
}

impl std::error::Error for ConfigWarning {}

/// What is wrong with a config file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// `--config` names a file that does not exist.
    #[error("no such file; check the --config path (defaults used)")]
    NotFound,
    /// The file exists but cannot be read.
    #[error("cannot read it: {reason}; defaults used")]
    Unreadable { reason: String },
    /// The file is implausibly large.
    #[error("larger than {limit} bytes, so not read; is this the config file? (defaults used)")]
    TooLarge { limit: usize },
    /// The file is not UTF-8, as TOML must be.
    #[error("not valid UTF-8; save it as UTF-8 (defaults used)")]
    NotUtf8,
    /// A TOML syntax error: nothing in the file was applied.
    #[error("{message}; fix the TOML syntax (nothing in this file was applied)")]
    Syntax { message: String },
    /// A section that does not exist.
    #[error("unknown section [{name}];{hint} sections are {known}")]
    UnknownSection {
        name: String,
        hint: Hint,
        known: String,
    },
    /// A setting above every section header.
    #[error("'{name}' is outside any section;{hint} settings go in the sections {known}")]
    OutsideSections {
        name: String,
        hint: Hint,
        known: String,
    },
    /// A section written as a plain value.
    #[error("'{name}' must be a section: write [{name}] on a line of its own")]
    NotASection { name: String },
    /// A setting that does not exist in its section.
    #[error("unknown setting '{name}' in [{section}];{hint} settings there are {known}")]
    UnknownSetting {
        section: String,
        name: String,
        hint: Hint,
        known: String,
    },
    /// A setting with a value it cannot take.
    #[error("{setting} = {found} is not allowed; use {expected}")]
    BadValue {
        setting: String,
        found: String,
        expected: &'static str,
    },
    /// Settings that contradict each other.
    #[error("{message}")]
    Conflict { message: &'static str },
    /// An action name that is not in the action table.
    #[error("unknown action '{name}';{hint} {NAMES_HINT}")]
    UnknownAction { name: String, hint: Hint },
    /// A key that does not parse.
    #[error("keys.{action}: '{key}' is not a key;{hint} {KEY_HINT}")]
    BadKey {
        action: String,
        key: String,
        hint: Hint,
    },
    /// A `[keys]` value that is neither a key nor a list of keys.
    #[error("keys.{action} must be a key or a list of keys, like {action} = [\"q\", \"C-q\"]")]
    NotKeys { action: String },
    /// An empty list of keys (which does not unbind anything).
    #[error(
        "keys.{action} = [] binds nothing, and the default keys stay: keys listed here are added to them"
    )]
    NoKeys { action: String },
    /// The warnings past the first few, counted.
    #[error("{count} more problems not shown; fix the ones above first")]
    More { count: usize },
    /// The same key given to two actions.
    #[error("key '{key}' is also given to {first} on line {first_line}; {second} gets it")]
    KeyTwice {
        key: String,
        first: String,
        first_line: usize,
        second: String,
    },
}

/// " did you mean 'x'?", or nothing: part of a warning.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hint(pub Option<String>);

impl fmt::Display for Hint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(s) => write!(f, " did you mean {s}?"),
            None => Ok(()),
        }
    }
}

/// One setting of a section: its name, documentation, an example value, and how it is read.
pub struct Setting {
    /// The key in the file.
    pub name: &'static str,
    /// What it does, for [`example`].
    pub doc: &'static str,
    /// A value, as TOML, for [`example`].
    pub example: &'static str,
    /// What the value can be, for warnings.
    pub expected: &'static str,
    /// Stores the value; false when the value is not allowed.
    apply: fn(&mut Config, &DeValue<'_>) -> bool,
}

/// One section of the file.
pub struct Section {
    /// The table name.
    pub name: &'static str,
    /// What it holds, for [`example`].
    pub doc: &'static str,
    /// Its settings.
    pub settings: &'static [Setting],
}

const ON_OFF: &str = "true or false";
const COLOR: &str =
    "a colour name (red, lightblue, darkgray, reset…), \"#rrggbb\" or an index 0-255";

const OFFSETS: &[(&str, bool)] = &[("hex", false), ("decimal", true), ("dec", true)];
const ENDIANS: &[(&str, Endian)] = &[
    ("little", Endian::Little),
    ("le", Endian::Little),
    ("big", Endian::Big),
    ("be", Endian::Big),
];
const MODES: &[(&str, Mode)] = &[
    ("cow", Mode::CopyOnWrite),
    ("copy-on-write", Mode::CopyOnWrite),
    ("readonly", Mode::ReadOnly),
    ("read-only", Mode::ReadOnly),
    ("write-through", Mode::WriteThrough),
];
const KINDS: &[(&str, QueryKind)] = &[
    ("regex", QueryKind::Regex),
    ("text", QueryKind::Text),
    ("hex", QueryKind::Hex),
];

/// One row per setting: name, example value (TOML), what it may be, what it does, how to store it.
macro_rules! settings {
    ($( $name:literal, $example:literal, $expected:expr, $doc:literal, $apply:expr; )*) => {
        &[ $( Setting { name: $name, example: $example, expected: $expected, doc: $doc, apply: $apply }, )* ]
    };
}

/// The sections with plain settings (`[keys]` is read apart, against the action table).
pub static SECTIONS: &[Section] = &[
    Section {
        name: "view",
        doc: "How the file is shown and opened (the names :set uses).",
        settings: settings! {
            "cols", "\"auto\"", "a number from 1 to 4096, or \"auto\"", "bytes per row: 1 to 4096, or \"auto\" to fit the terminal", |c, v| set(&mut c.view.cols, cols(v));
            "group", "8", "1, 2, 4 or 8", "bytes per group in the hex pane: 1, 2, 4 or 8", |c, v| set(&mut c.view.group, int(v).filter(|g| matches!(g, 1 | 2 | 4 | 8)).and_then(|g| usize::try_from(g).ok()));
            "offsets", "\"hex\"", "\"hex\" or \"decimal\"", "the offset column in \"hex\" or \"decimal\"", |c, v| set(&mut c.view.decimal_offsets, word(v, OFFSETS));
            "hex", "true", ON_OFF, "show the hex pane", |c, v| set(&mut c.view.hex, v.as_bool());
            "text", "true", ON_OFF, "show the text pane", |c, v| set(&mut c.view.text, v.as_bool());
            "inspector", "false", ON_OFF, "show the data inspector", |c, v| set(&mut c.view.inspector, v.as_bool());
            "endian", "\"little\"", "\"little\" or \"big\"", "byte order of the inspector: \"little\" or \"big\"", |c, v| set(&mut c.view.endian, word(v, ENDIANS));
            "encoding", "\"utf8\"", "\"utf8\", \"ascii\" or \"latin1\"", "how the text pane decodes bytes: \"utf8\", \"ascii\" or \"latin1\"", |c, v| set(&mut c.view.encoding, v.as_str().and_then(|s| s.parse().ok()));
            "squeeze", "false", ON_OFF, "squeeze runs of identical rows into one line, as hexyl does", |c, v| set(&mut c.view.squeeze, v.as_bool());
            "mode", "\"cow\"", "\"cow\", \"readonly\" or \"write-through\"", "open mode without -r or -w: \"cow\" (edits kept until saved), \"readonly\", or \"write-through\" (edits land in the file at once)", |c, v| set(&mut c.view.mode, word(v, MODES));
        },
    },
    Section {
        name: "search",
        doc: "How the / prompt starts.",
        settings: settings! {
            "kind", "\"regex\"", "\"regex\", \"text\" or \"hex\"", "the kind of pattern: \"regex\", \"text\" or \"hex\" (Tab in the prompt cycles them)", |c, v| set(&mut c.search.kind, word(v, KINDS));
            "ignore_case", "false", ON_OFF, "fold case (C-t in the prompt toggles it)", |c, v| set(&mut c.search.ignore_case, v.as_bool());
            "unicode", "false", ON_OFF, "Unicode regex semantics instead of bytes (C-x in the prompt toggles it; `(?u)` in a pattern)", |c, v| set(&mut c.search.unicode, v.as_bool());
            "max_matches", "1_000_000", "a number of at least 1", "matches kept for n, N and the list; past this many they are only counted", |c, v| set(&mut c.search.max_matches, int(v).and_then(|n| u64::try_from(n).ok()).filter(|&n| n >= 1));
        },
    },
    Section {
        name: "colors",
        doc: "Colours by byte class and for highlights: a name (black, red, green, yellow, \
              blue, magenta, cyan, gray, darkgray, lightred, lightgreen, lightyellow, \
              lightblue, lightmagenta, lightcyan, white, reset), \"#rrggbb\", or a \
              256-colour index 0-255. Unset ones keep the built-in theme; NO_COLOR and \
              --no-color still turn every colour off.",
        settings: settings! {
            "null", "\"darkgray\"", COLOR, "the byte 0x00", |c, v| set(&mut c.colors.null, color(v));
            "printable", "\"cyan\"", COLOR, "printable ASCII", |c, v| set(&mut c.colors.printable, color(v));
            "whitespace", "\"green\"", COLOR, "ASCII whitespace", |c, v| set(&mut c.colors.whitespace, color(v));
            "control", "\"magenta\"", COLOR, "other ASCII control bytes", |c, v| set(&mut c.colors.control, color(v));
            "non_ascii", "\"yellow\"", COLOR, "bytes 0x80 to 0xff", |c, v| set(&mut c.colors.non_ascii, color(v));
            "offset", "\"darkgray\"", COLOR, "the offset column", |c, v| set(&mut c.colors.offset, color(v));
            "changed", "\"lightred\"", COLOR, "bytes changed and not saved", |c, v| set(&mut c.colors.changed, color(v));
            "match", "\"#5a4600\"", COLOR, "background of search matches", |c, v| set(&mut c.colors.matched, color(v));
            "current_match", "\"#c87800\"", COLOR, "background of the current match", |c, v| set(&mut c.colors.current_match, color(v));
            "selection", "\"#283c6e\"", COLOR, "background of selected bytes", |c, v| set(&mut c.colors.selection, color(v));
        },
    },
];

/// The name of the section of action names.
const KEYS: &str = "keys";

fn set<T>(slot: &mut Option<T>, value: Option<T>) -> bool {
    let ok = value.is_some();
    if ok {
        *slot = value;
    }
    ok
}

fn int_of(i: &DeInteger<'_>) -> Option<i64> {
    i64::from_str_radix(i.as_str(), i.radix()).ok()
}

fn int(v: &DeValue<'_>) -> Option<i64> {
    v.as_integer().and_then(int_of)
}

fn word<T: Copy>(v: &DeValue<'_>, words: &[(&str, T)]) -> Option<T> {
    let s = v.as_str()?;
    words
        .iter()
        .find(|(w, _)| w.eq_ignore_ascii_case(s.trim()))
        .map(|&(_, t)| t)
}

fn cols(v: &DeValue<'_>) -> Option<Cols> {
    match v {
        DeValue::String(s) if s.trim().eq_ignore_ascii_case("auto") => Some(Cols::Auto),
        DeValue::Integer(i) => int_of(i)
            .filter(|n| (1..=4096).contains(n))
            .and_then(|n| usize::try_from(n).ok())
            .map(Cols::Fixed),
        _ => None,
    }
}

/// A colour: ratatui's names (its `FromStr` also takes `#rrggbb` and `"0"`–`"255"`), or an
/// integer 0–255 for the 256-colour palette.
fn color(v: &DeValue<'_>) -> Option<Color> {
    match v {
        DeValue::String(s) if !s.trim().is_empty() => Color::from_str(s.trim()).ok(),
        DeValue::Integer(i) => int_of(i)
            .and_then(|n| u8::try_from(n).ok())
            .map(Color::Indexed),
        _ => None,
    }
}

/// The path used without `--config`: `$XDG_CONFIG_HOME/maphex/config.toml` when that is set
/// to an absolute path (the XDG spec ignores relative ones), else
/// `$HOME/.config/maphex/config.toml` (also on macOS, as most terminal tools do), else on
/// Windows `%APPDATA%\maphex\config.toml`. `env` looks a variable up, so tests need not touch
/// the process environment.
pub fn default_path(env: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let var = |name: &str| env(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    let base = var("XDG_CONFIG_HOME")
        .filter(|p| p.is_absolute())
        .or_else(|| var("HOME").map(|h| h.join(".config")))
        .or_else(|| if cfg!(windows) { var("APPDATA") } else { None })?;
    Some(base.join("maphex").join("config.toml"))
}

/// Loads the config: from `explicit` (the `--config` path) if given, else from
/// [`default_path`] over the process environment. Never fails; see [`load_with`].
pub fn load(explicit: Option<&Path>) -> (Config, Vec<ConfigWarning>) {
    load_with(explicit, |name| std::env::var_os(name))
}

/// [`load`] with the environment lookup passed in. A missing `--config` file is a warning; a
/// missing default file is not (most users have none).
pub fn load_with(
    explicit: Option<&Path>,
    env: impl Fn(&str) -> Option<OsString>,
) -> (Config, Vec<ConfigWarning>) {
    match explicit {
        Some(path) => load_file(path, true),
        None => match default_path(env) {
            Some(path) => load_file(&path, false),
            None => (Config::default(), Vec::new()),
        },
    }
}

/// Reads and parses one file. `required` makes a missing file a warning.
pub fn load_file(path: &Path, required: bool) -> (Config, Vec<ConfigWarning>) {
    let whole = |problem| {
        let w = ConfigWarning {
            path: path.to_path_buf(),
            line: None,
            column: None,
            problem,
        };
        (Config::default(), vec![w])
    };
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return if required {
                whole(Problem::NotFound)
            } else {
                (Config::default(), Vec::new())
            };
        }
        Err(e) => return whole(unreadable(&e)),
    };
    let mut bytes = Vec::new();
    let limit = u64::try_from(MAX_LEN).unwrap_or(u64::MAX).saturating_add(1);
    if let Err(e) = file.take(limit).read_to_end(&mut bytes) {
        return whole(unreadable(&e));
    }
    if bytes.len() > MAX_LEN {
        return whole(Problem::TooLarge { limit: MAX_LEN });
    }
    match String::from_utf8(bytes) {
        Ok(text) => parse(&text, path),
        Err(e) => {
            let good = e
                .as_bytes()
                .get(..e.utf8_error().valid_up_to())
                .unwrap_or(&[]);
            let text = String::from_utf8_lossy(good);
            let (line, column) = line_col(&text, text.len());
            let w = ConfigWarning {
                path: path.to_path_buf(),
                line: Some(line),
                column: Some(column),
                problem: Problem::NotUtf8,
            };
            (Config::default(), vec![w])
        }
    }
}

fn unreadable(e: &std::io::Error) -> Problem {
    let reason = e.to_string();
    let mut chars = reason.chars();
    let reason = match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => reason,
    };
    Problem::Unreadable { reason }
}

/// Parses config text; `path` only names the file in warnings. Never fails, never panics.
pub fn parse(text: &str, path: &Path) -> (Config, Vec<ConfigWarning>) {
    let src = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut p = Parser {
        src,
        newlines: memchr::memchr_iter(b'\n', src.as_bytes()).collect(),
        path,
        config: Config::default(),
        warnings: Vec::new(),
    };
    match DeTable::parse(src) {
        Ok(root) => p.root(root.get_ref()),
        Err(e) => {
            let (line, column) = e.span().map(|s| line_col(src, s.start)).unzip();
            let message = e.message().split_whitespace().collect::<Vec<_>>().join(" ");
            p.warnings.push(ConfigWarning {
                path: path.to_path_buf(),
                line,
                column,
                problem: Problem::Syntax { message },
            });
        }
    }
    p.warnings.sort_by_key(|w| w.line);
    if p.warnings.len() > MAX_WARNINGS {
        let more = p.warnings.len() - (MAX_WARNINGS - 1);
        p.warnings.truncate(MAX_WARNINGS - 1);
        p.warnings.push(ConfigWarning {
            path: path.to_path_buf(),
            line: None,
            column: None,
            problem: Problem::More { count: more },
        });
    }
    (p.config, p.warnings)
}

struct Parser<'a> {
    src: &'a str,
    /// Byte offsets of every `\n` in `src`.
    newlines: Vec<usize>,
    path: &'a Path,
    config: Config,
    warnings: Vec<ConfigWarning>,
}

impl Parser<'_> {
    /// The line (from 1) of a byte offset, by binary search over the newlines found once.
    fn line(&self, at: usize) -> usize {
        self.newlines.partition_point(|&n| n < at) + 1
    }

    fn warn(&mut self, at: usize, problem: Problem) {
        self.warnings.push(ConfigWarning {
            path: self.path.to_path_buf(),
            line: Some(self.line(at)),
            column: None,
            problem,
        });
    }

    fn root(&mut self, root: &DeTable<'_>) {
        for (key, value) in root {
            let name: &str = key.get_ref();
            let at = key.span().start;
            let section = SECTIONS.iter().find(|s| s.name == name);
            if section.is_none() && name != KEYS {
                let hint = section_hint(name);
                let problem = if value.get_ref().is_table() {
                    Problem::UnknownSection {
                        name: name.to_string(),
                        hint,
                        known: section_names(),
                    }
                } else {
                    Problem::OutsideSections {
                        name: name.to_string(),
                        hint,
                        known: section_names(),
                    }
                };
                self.warn(at, problem);
                continue;
            }
            let Some(table) = value.get_ref().as_table() else {
                self.warn(
                    at,
                    Problem::NotASection {
                        name: name.to_string(),
                    },
                );
                continue;
            };
            match section {
                Some(section) => self.section(section, table),
                None => self.keys(table),
            }
        }
    }

    fn section(&mut self, section: &Section, table: &DeTable<'_>) {
        let mut lines: HashMap<&str, usize> = HashMap::new();
        for (key, value) in table {
            let name: &str = key.get_ref();
            let at = key.span().start;
            let Some(setting) = section.settings.iter().find(|s| s.name == name) else {
                let names = section.settings.iter().map(|s| s.name);
                let problem = Problem::UnknownSetting {
                    section: section.name.to_string(),
                    name: name.to_string(),
                    hint: Hint(closest(name, names.clone()).map(|n| format!("'{n}'"))),
                    known: names.collect::<Vec<_>>().join(", "),
                };
                self.warn(at, problem);
                continue;
            };
            if (setting.apply)(&mut self.config, value.get_ref()) {
                lines.insert(setting.name, at);
            } else {
                let problem = Problem::BadValue {
                    setting: format!("{}.{}", section.name, setting.name),
                    found: snippet(self.src, value.span()),
                    expected: setting.expected,
                };
                self.warn(at, problem);
            }
        }
        let view = &mut self.config.view;
        if section.name == "view" && view.hex == Some(false) && view.text == Some(false) {
            view.hex = Some(true);
            let at = lines.get("text").copied().unwrap_or(0);
            self.warn(
                at,
                Problem::Conflict {
                    message: "view.hex and view.text are both false; the hex pane stays shown",
                },
            );
        }
    }

    fn keys(&mut self, table: &DeTable<'_>) {
        self.keys_in(KeyMode::Normal, table);
        // A key given twice is kept where it was given last (in linear time: a file of a
        // million keys must not take a quadratic while).
        let mut seen = HashSet::new();
        let mut kept: Vec<KeyBinding> = (self.config.keys.drain(..).rev())
            .filter(|b| seen.insert((b.action.binding().mode, b.key)))
            .collect();
        kept.reverse();
        self.config.keys = kept;
    }

    /// The bindings of one mode's table (normal mode's also holds the other modes' tables).
    fn keys_in(&mut self, mode: KeyMode, table: &DeTable<'_>) {
        // File order, so that of two actions given the same key the later one wins.
        let mut entries: Vec<_> = table.iter().collect();
        entries.sort_by_key(|(k, _)| k.span().start);
        let mut owner: HashMap<Key, (Action, usize)> = HashMap::new();
        for (key, value) in entries {
            let short: &str = key.get_ref();
            let at = key.span().start;
            if let (KeyMode::Normal, Some(sub), Some(table)) =
                (mode, KeyMode::by_section(short), value.get_ref().as_table())
            {
                self.keys_in(sub, table);
                continue;
            }
            let qualified = match mode {
                KeyMode::Normal => short.to_string(),
                m => format!("{}.{short}", m.section()),
            };
            let name = qualified.as_str();
            let Some(action) = Action::by_name_in(mode, short) else {
                let names = crate::tui::action::in_mode(mode).map(|b| b.name);
                let hint = closest(short, names).map(|n| match mode {
                    KeyMode::Normal => format!("'{n}'"),
                    m => format!("'{}.{n}'", m.section()),
                });
                let problem = Problem::UnknownAction {
                    name: name.to_string(),
                    hint: Hint(hint),
                };
                self.warn(at, problem);
                continue;
            };
            let items: Vec<(&DeValue<'_>, usize)> = match value.get_ref() {
                DeValue::String(_) => vec![(value.get_ref(), value.span().start)],
                DeValue::Array(a) => a.iter().map(|v| (v.get_ref(), v.span().start)).collect(),
                _ => {
                    let problem = Problem::NotKeys {
                        action: name.to_string(),
                    };
                    self.warn(at, problem);
                    continue;
                }
            };
            if items.is_empty() {
                let problem = Problem::NoKeys {
                    action: name.to_string(),
                };
                self.warn(at, problem);
            }
            for (item, item_at) in items {
                let Some(text) = item.as_str() else {
                    let problem = Problem::NotKeys {
                        action: name.to_string(),
                    };
                    self.warn(item_at, problem);
                    continue;
                };
                let Some(k) = Key::parse(text) else {
                    let problem = Problem::BadKey {
                        action: name.to_string(),
                        key: shorten(text),
                        hint: Hint(suggest_key(text).map(|s| format!("'{s}'"))),
                    };
                    self.warn(item_at, problem);
                    continue;
                };
                let line = self.line(item_at);
                if let Some(&(first, first_line)) = owner.get(&k)
                    && first != action
                {
                    let problem = Problem::KeyTwice {
                        key: k.display(),
                        first: first.qualified_name(),
                        first_line,
                        second: name.to_string(),
                    };
                    self.warn(item_at, problem);
                }
                owner.insert(k, (action, line));
                self.config.keys.push(KeyBinding {
                    action,
                    key: k,
                    line,
                });
            }
        }
    }
}

/// Line and column (both from 1; the column in characters) of a byte offset.
fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let mut at = offset.min(src.len());
    while !src.is_char_boundary(at) {
        at -= 1;
    }
    let before = src.get(..at).unwrap_or_default();
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(start..).unwrap_or_default().chars().count() + 1;
    (line, column)
}

/// The source text of a value, on one line and at most 40 characters.
fn snippet(src: &str, span: std::ops::Range<usize>) -> String {
    shorten(src.get(span).unwrap_or("?"))
}

fn shorten(s: &str) -> String {
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 40 {
        let cut: String = one_line.chars().take(39).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}

fn section_names() -> String {
    let names: Vec<&str> = SECTIONS.iter().map(|s| s.name).chain([KEYS]).collect();
    names.join(", ")
}

/// For an unknown section: a near section name, or the section that has a setting so named
/// (`cols = 16` written above any `[view]`).
fn section_hint(name: &str) -> Hint {
    let names = SECTIONS.iter().map(|s| s.name).chain([KEYS]);
    if let Some(n) = closest(name, names) {
        return Hint(Some(format!("[{n}]")));
    }
    if let Some(s) = SECTIONS
        .iter()
        .find(|s| s.settings.iter().any(|set| set.name == name))
    {
        return Hint(Some(format!("{name} under [{}]", s.name)));
    }
    if Action::by_name(name).is_some() {
        return Hint(Some(format!("{name} under [{KEYS}]")));
    }
    Hint(None)
}

/// The candidate within a small edit distance of `name`, if one is clearly nearest.
fn closest<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    if name.chars().count() > 64 {
        return None;
    }
    let max = (name.chars().count() / 3).clamp(1, 3);
    candidates
        .into_iter()
        .map(|c| (distance(name, c), c))
        .filter(|&(d, _)| d <= max)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// Edit distance counting a swap of neighbours as one edit (optimal string alignment),
/// case-insensitive: `qiut` is one edit from `quit`.
fn distance(from: &str, to: &str) -> usize {
    let from: Vec<char> = from.chars().map(|c| c.to_ascii_lowercase()).collect();
    let to: Vec<char> = to.chars().map(|c| c.to_ascii_lowercase()).collect();
    let width = to.len() + 1;
    // table[i * width + j]: distance between the first i chars of `from` and j of `to`.
    let mut table = vec![0usize; (from.len() + 1) * width];
    for i in 0..=from.len() {
        for j in 0..=to.len() {
            table[i * width + j] = if i == 0 || j == 0 {
                i + j
            } else {
                let cost = usize::from(from[i - 1] != to[j - 1]);
                let mut best = (table[(i - 1) * width + j] + 1)
                    .min(table[i * width + j - 1] + 1)
                    .min(table[(i - 1) * width + j - 1] + cost);
                if i > 1 && j > 1 && from[i - 1] == to[j - 2] && from[i - 2] == to[j - 1] {
                    best = best.min(table[(i - 2) * width + j - 2] + 1);
                }
                best
            };
        }
    }
    table[from.len() * width + to.len()]
}

/// Named keys in [`Key::parse`] notation, for suggesting `Enter` for `enter` or `PageDown` for
/// `pagedown` (suggestions only: [`Key::parse`] decides what is a key; a test checks these).
const KEY_NAMES: &str = "Enter Esc Backspace Tab BackTab Left Right Up Down Home End PageUp PageDown Insert Delete Space";

/// The key `s` probably means, in the notation, when that differs from `s` and parses.
fn suggest_key(s: &str) -> Option<String> {
    let mut rest = s.trim().trim_start_matches('<').trim_end_matches('>');
    let mut prefix = String::new();
    'strip: loop {
        for (spellings, canon) in [
            (
                &["ctrl-", "ctrl+", "control-", "control+", "c-", "^"][..],
                "C-",
            ),
            (&["alt-", "alt+", "meta-", "meta+", "a-", "m-"][..], "A-"),
        ] {
            for sp in spellings {
                let head = rest.get(..sp.len());
                if head.is_some_and(|h| h.eq_ignore_ascii_case(sp)) && rest.len() > sp.len() {
                    prefix.push_str(canon);
                    rest = rest.get(sp.len()..).unwrap_or_default();
                    continue 'strip;
                }
            }
        }
        break;
    }
    let base = if rest.chars().count() == 1 {
        rest.to_string()
    } else if let Some(n) = KEY_NAMES.split(' ').find(|n| n.eq_ignore_ascii_case(rest)) {
        n.to_string()
    } else if rest.eq_ignore_ascii_case("escape") {
        "Esc".to_string()
    } else if rest.eq_ignore_ascii_case("return") {
        "Enter".to_string()
    } else if let Some(n) = rest
        .strip_prefix(['f', 'F'])
        .filter(|n| n.parse::<u8>().is_ok())
    {
        format!("F{n}")
    } else {
        return None;
    };
    let guess = format!("{prefix}{base}");
    (guess != s && Key::parse(&guess).is_some()).then_some(guess)
}

/// A TOML string literal.
fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A commented example config: every section and setting with its documentation, and every
/// action with its default keys, all from the tables, so it cannot drift. With the leading
/// `#` removed from the setting lines (`#name = value`) it still loads without warnings.
pub fn example() -> String {
    use std::fmt::Write;
    let mut s = String::from(
        "# maphex config: $XDG_CONFIG_HOME/maphex/config.toml, else ~/.config/maphex/config.toml,\n\
         # or the file given with --config. Everything is optional: remove the # in front of a\n\
         # setting to use it. A bad setting is reported when maphex starts and skipped.\n",
    );
    for section in SECTIONS {
        let _ = writeln!(s, "\n[{}]", section.name);
        for line in wrap(section.doc, 90) {
            let _ = writeln!(s, "# {line}");
        }
        for set in section.settings {
            let _ = writeln!(s, "#{} = {}  # {}", set.name, set.example, set.doc);
        }
    }
    let _ = writeln!(s, "\n[{KEYS}]");
    for line in wrap(
        "An action = a key or a list of keys. They are bound in addition to the default keys \
         shown; a key given here leaves the action that had it. Notation: q, N (shifted), \
         C-f (control), A-x (alt), Left, Right, Up, Down, Home, End, PageUp, PageDown, Enter, \
         Esc, Tab, Backspace, Insert, Delete, F1, Space. Each mode has its own keys: normal \
         mode's are here, the others' in the [keys.MODE] tables below. What no key takes in \
         edit mode, a prompt or after m and ' is typed.",
        90,
    ) {
        let _ = writeln!(s, "# {line}");
    }
    for mode in KeyMode::ALL {
        if mode != KeyMode::Normal {
            let _ = writeln!(s, "\n[{KEYS}.{}]", mode.section());
            for line in wrap(mode.title(), 90) {
                let _ = writeln!(s, "# {line}");
            }
        }
        for b in crate::tui::action::in_mode(mode) {
            let keys: Vec<String> = b.keys.iter().map(|k| toml_str(k)).collect();
            let _ = writeln!(s, "#{} = [{}]  # {}", b.name, keys.join(", "), b.doc);
        }
    }
    s
}

/// Action names with their default keys and docs, for the end of `maphex --help`.
pub fn keys_help() -> String {
    use std::fmt::Write;
    let mut s = String::from(
        "Config file: $XDG_CONFIG_HOME/maphex/config.toml (else ~/.config/maphex/config.toml) \
         or --config PATH.\nActions for its [keys] section, with their default keys:\n",
    );
    for b in ACTIONS {
        let name = b.action.qualified_name();
        let _ = writeln!(s, "  {name:<14} {:<14} {}", b.keys.join(" "), b.doc);
    }
    s
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_names_all_parse() {
        for n in KEY_NAMES.split(' ') {
            assert!(Key::parse(n).is_some(), "{n}");
        }
    }

    #[test]
    fn key_suggestions() {
        assert_eq!(suggest_key("enter").as_deref(), Some("Enter"));
        assert_eq!(suggest_key("ctrl-q").as_deref(), Some("C-q"));
        assert_eq!(suggest_key("Ctrl+Shift").as_deref(), None);
        assert_eq!(suggest_key("<C-pagedown>").as_deref(), Some("C-PageDown"));
        assert_eq!(suggest_key("alt-f12").as_deref(), Some("A-F12"));
        assert_eq!(suggest_key("q"), None);
        assert_eq!(suggest_key("ctrl-"), None);
    }

    #[test]
    fn near_names() {
        assert_eq!(closest("qiut", ["quit", "save"]), Some("quit"));
        assert_eq!(closest("zzzzzz", ["quit", "save"]), None);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("ab", "ba"), 1);
    }

    #[test]
    fn line_and_column_count_characters() {
        let src = "a\nbé c\n";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 2), (2, 1));
        assert_eq!(line_col(src, 5), (2, 3));
        assert_eq!(line_col(src, 4), (2, 2), "inside é rounds down");
        assert_eq!(line_col(src, 999), (3, 1));
    }

    #[test]
    fn setting_names_are_unique_and_examples_load() {
        for section in SECTIONS {
            let mut seen = std::collections::HashSet::new();
            for set in section.settings {
                assert!(seen.insert(set.name), "{}.{}", section.name, set.name);
                let text = format!("[{}]\n{} = {}\n", section.name, set.name, set.example);
                let (_, w) = parse(&text, Path::new("t"));
                assert!(w.is_empty(), "{text}: {w:?}");
            }
        }
    }

    #[test]
    fn integers_in_any_radix_and_with_underscores() {
        let (c, w) = parse(
            "[view]\ncols = 0x10\n[search]\nmax_matches = 1_000\n",
            Path::new("t"),
        );
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(c.view.cols, Some(Cols::Fixed(16)));
        assert_eq!(c.search.max_matches, Some(1000));
    }
}
