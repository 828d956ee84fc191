//! The kinds of option values: [`Value`] (parsed), [`Raw`] (as it arrives: typed in TOML,
//! or typed text), and [`Kind`], which parses, prints, describes and lists them.

use std::str::FromStr;

use ratatui::style::Color;

use crate::core::document::Mode;
use crate::core::inspector::Endian;
use crate::core::search::QueryKind;
use crate::core::text::Encoding;
use crate::tui::layout::Cols;
use crate::tui::settings::MAX_COLS;

/// A setting's value, once parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value {
    /// On or off.
    Bool(bool),
    /// Bytes per row.
    Cols(Cols),
    /// A count.
    Num(u64),
    /// A byte order.
    Endian(Endian),
    /// A text encoding.
    Encoding(Encoding),
    /// An open mode.
    Mode(Mode),
    /// A search kind.
    Kind(QueryKind),
    /// A colour; `None` keeps the theme's.
    Color(Option<Color>),
}

/// A value as it arrives, before parsing.
#[derive(Clone, Copy, Debug)]
pub enum Raw<'a> {
    /// A TOML boolean.
    Bool(bool),
    /// A TOML integer.
    Int(i64),
    /// A TOML string.
    Str(&'a str),
    /// Typed text (`:set`, a flag): read leniently, whatever the kind.
    Typed(&'a str),
}

/// The kind of a setting's value: how it is parsed, printed, described and completed.
#[derive(Debug)]
pub enum Kind {
    /// On or off (`true`/`false` in the file; also `on`, `yes`, `off`, `no` when typed).
    Bool,
    /// `1` to [`MAX_COLS`], or `auto`.
    Cols,
    /// One of a few numbers.
    OneOf(&'static [u64]),
    /// A number of at least this.
    AtLeast(u64),
    /// One of some words (case-insensitive); the first word of each value is its name.
    Words(&'static [(&'static str, Value)]),
    /// A colour, or `default`.
    Color,
}

/// The colour names for completion (ratatui's `FromStr` takes these and more spellings).
const COLOR_NAMES: &[&str] = &[
    "default",
    "reset",
    "black",
    "red",
    "green",
    "yellow",
    "blue",
    "magenta",
    "cyan",
    "gray",
    "darkgray",
    "lightred",
    "lightgreen",
    "lightyellow",
    "lightblue",
    "lightmagenta",
    "lightcyan",
    "white",
];

/// A number as typed: decimal, or hex with `0x`; `_` between digits allowed.
fn number(s: &str) -> Option<u64> {
    let s = s.trim().replace('_', "");
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    }
}

fn int(raw: Raw<'_>) -> Option<u64> {
    match raw {
        Raw::Int(i) => u64::try_from(i).ok(),
        Raw::Typed(s) => number(s),
        Raw::Bool(_) | Raw::Str(_) => None,
    }
}

fn text(raw: Raw<'_>) -> Option<&str> {
    match raw {
        Raw::Str(s) | Raw::Typed(s) => Some(s.trim()),
        Raw::Bool(_) | Raw::Int(_) => None,
    }
}

impl Kind {
    /// Parses a value; `None` when it is not one this kind allows.
    pub fn parse(&self, raw: Raw<'_>) -> Option<Value> {
        match self {
            Kind::Bool => match raw {
                Raw::Bool(b) => Some(Value::Bool(b)),
                Raw::Typed(s) => match s.trim().to_ascii_lowercase().as_str() {
                    "" | "on" | "true" | "yes" => Some(Value::Bool(true)),
                    "off" | "false" | "no" => Some(Value::Bool(false)),
                    _ => None,
                },
                Raw::Int(_) | Raw::Str(_) => None,
            },
            Kind::Cols => {
                if text(raw).is_some_and(|s| s.eq_ignore_ascii_case("auto")) {
                    return Some(Value::Cols(Cols::Auto));
                }
                let n = int(raw).filter(|n| (1..=MAX_COLS).contains(n))?;
                Some(Value::Cols(Cols::Fixed(usize::try_from(n).ok()?)))
            }
            Kind::OneOf(allowed) => int(raw).filter(|n| allowed.contains(n)).map(Value::Num),
            Kind::AtLeast(min) => int(raw).filter(|n| n >= min).map(Value::Num),
            Kind::Words(words) => {
                let s = text(raw)?;
                let found = words.iter().find(|(w, _)| w.eq_ignore_ascii_case(s));
                found.map(|&(_, v)| v)
            }
            Kind::Color => match raw {
                Raw::Int(i) => u8::try_from(i)
                    .ok()
                    .map(|n| Value::Color(Some(Color::Indexed(n)))),
                Raw::Str(s) | Raw::Typed(s) => {
                    let s = s.trim();
                    if s.eq_ignore_ascii_case("default") {
                        Some(Value::Color(None))
                    } else if s.is_empty() {
                        None
                    } else {
                        Color::from_str(s).ok().map(|c| Value::Color(Some(c)))
                    }
                }
                Raw::Bool(_) => None,
            },
        }
    }

    /// The value as `:set` shows it and takes it back.
    pub fn show(&self, v: Value) -> String {
        match (self, v) {
            (Kind::Bool, Value::Bool(b)) => if b { "on" } else { "off" }.to_string(),
            (_, Value::Cols(Cols::Auto)) => "auto".to_string(),
            (_, Value::Cols(Cols::Fixed(n))) => n.to_string(),
            (_, Value::Num(n)) => n.to_string(),
            (Kind::Words(words), v) => words
                .iter()
                .find(|(_, w)| *w == v)
                .map_or_else(|| "?".to_string(), |(name, _)| (*name).to_string()),
            (_, Value::Color(None)) => "default".to_string(),
            (_, Value::Color(Some(c))) => c.to_string().to_ascii_lowercase(),
            _ => format!("{v:?}"),
        }
    }

    /// The value as TOML, for the example config.
    pub fn toml(&self, v: Value) -> String {
        match (self, v) {
            (Kind::Bool, Value::Bool(b)) => b.to_string(),
            (_, Value::Num(n)) => n.to_string(),
            (_, Value::Cols(Cols::Fixed(n))) => n.to_string(),
            _ => toml::Value::String(self.show(v)).to_string(),
        }
    }

    /// The canonical spellings, for completion and the README (empty for free numbers).
    pub fn values(&self) -> Vec<String> {
        match self {
            Kind::Bool => vec!["on".into(), "off".into()],
            Kind::Cols => vec!["auto".into()],
            Kind::OneOf(ns) => ns.iter().map(ToString::to_string).collect(),
            Kind::AtLeast(_) => Vec::new(),
            Kind::Words(words) => {
                let mut names: Vec<String> = Vec::new();
                for (i, (name, v)) in words.iter().enumerate() {
                    if !words[..i].iter().any(|(_, w)| w == v) {
                        names.push((*name).to_string());
                    }
                }
                names
            }
            Kind::Color => COLOR_NAMES.iter().map(ToString::to_string).collect(),
        }
    }

    /// What the value may be, for messages; `toml` quotes words and says true/false.
    pub fn expected(&self, toml: bool) -> String {
        let list = |items: Vec<String>| -> String {
            match items.split_last() {
                Some((last, [])) => last.clone(),
                Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
                None => String::new(),
            }
        };
        let quote = |s: String| if toml { format!("\"{s}\"") } else { s };
        match self {
            Kind::Bool if toml => "true or false".to_string(),
            Kind::Bool => "on or off".to_string(),
            Kind::Cols => format!("a number from 1 to {MAX_COLS}, or {}", quote("auto".into())),
            Kind::OneOf(_) => list(self.values()),
            Kind::AtLeast(n) => format!("a number of at least {n}"),
            Kind::Words(_) => list(self.values().into_iter().map(quote).collect()),
            Kind::Color => format!(
                "a colour name (red, lightblue, darkgray, reset…), {}, an index 0-255 or {}",
                quote("#rrggbb".into()),
                quote("default".into())
            ),
        }
    }
}
