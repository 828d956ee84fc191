//! The config file: TOML at `$XDG_CONFIG_HOME/maphex/config.toml`, else
//! `$HOME/.config/maphex/config.toml`, or the path given with `--config`.
//!
//! Loading never fails and never panics, whatever the file holds. Whatever is wrong comes back
//! as a [`ConfigWarning`] naming the file and the line: a TOML syntax error drops the whole
//! file (defaults everywhere, as a half-read file would be a guess), while a bad setting, an
//! unknown name or an unparsable key drops only that one setting and the rest applies.
//!
//! The options are not listed here: `[view]`, `[search]` and `[colors]` are the sections of
//! the one settings table, [`crate::tui::settings::SETTINGS`], which `:set`, the flags, the
//! help and the README read too. This module holds the model of a loaded file ([`Config`]:
//! the values it set, in order, and its keys), the warnings, and finding and reading the file;
//! [`walk`] reads the TOML against the table, [`suggest`] finds the "did you mean", and
//! [`example`] writes `maphex --print-config`.
//!
//! `[keys]` maps an action name from [`ACTIONS`](crate::tui::action::ACTIONS) to a key or a
//! list of keys. The keys are bound *in addition to* the defaults; a key listed here leaves
//! the action that had it. Normal mode's actions are in `[keys]` itself; another mode's are in
//! a table named after the mode (`[keys.prompt]`, `[keys.match_list]`, see
//! [`KeyMode::section`](crate::tui::action::KeyMode::section)), or written
//! `prompt.history_prev = "C-p"` under `[keys]`, which TOML reads the same.

/// The section of key bindings (`[keys]`, and `[keys.MODE]` for the other modes).
pub(crate) const KEYS: &str = "keys";

pub mod example;
pub mod suggest;
pub mod walk;

use std::ffi::OsString;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::input::Key;
use crate::tui::keymap::Keymap;
use crate::tui::settings::{self, Setting, Value};

pub use example::{example, keys_help};
pub use walk::parse;

/// A config file larger than this is not read (it is not a config file).
const MAX_LEN: usize = 1 << 20;

/// Where warnings about action names send the user.
const NAMES_HINT: &str = "maphex --print-config lists every action, by mode";

/// The key notation, for warnings about keys.
const KEY_HINT: &str = "write keys as q, N, C-f, A-x, Left, PageDown, Enter, Esc, Tab, F1, Space";

/// What a config file set: the options it gives a value (in file order; a setting not in
/// the file keeps the caller's default, and a command-line flag wins over the file) and its
/// keys.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// `(setting name, value)` for every option the file sets, each at most once.
    pub values: Vec<(&'static str, Value)>,
    /// `[keys]`, in file order, a key given twice kept only where it was last given.
    pub keys: Vec<KeyBinding>,
}

pub use crate::tui::theme::Colors;

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
    /// The value the file gives the option `name`, if any.
    pub fn get(&self, name: &str) -> Option<Value> {
        self.values
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|&(_, v)| v)
    }

    /// The options the file sets, with their settings (open-time ones such as the mode
    /// included: the caller decides what to do with those).
    pub fn settings(&self) -> Vec<(&'static Setting, Value)> {
        (self.values.iter())
            .filter_map(|&(n, v)| settings::by_name(n).map(|s| (s, v)))
            .collect()
    }

    /// Binds the keys of `[keys]` on top of `keymap` (normally [`Keymap::default`]). Every key
    /// was checked while parsing, so nothing can go wrong here.
    pub fn apply_keys(&self, keymap: &mut Keymap) {
        for b in &self.keys {
            keymap.bind(b.key, b.action);
        }
    }

    /// Applies the keys and every option the file sets except the open-time ones (the mode,
    /// used when the file was opened). Returns the messages of options the app refused.
    pub fn apply(&self, app: &mut App) -> Vec<String> {
        self.apply_keys(&mut app.keymap);
        let live: Vec<_> = self
            .settings()
            .into_iter()
            .filter(|(s, _)| !s.at_open)
            .collect();
        settings::apply_all(app, &live)
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
        expected: String,
    },
    /// A setting that maphex no longer has.
    #[error("{setting} was removed: {why}; delete the line")]
    Removed { setting: String, why: &'static str },
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
            let (line, column) = walk::line_col(&text, text.len());
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
