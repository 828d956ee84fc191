//! Reading the TOML of a config file against the settings table and the action table, by
//! hand from [`toml::de::DeTable`], which keeps the byte span of every key and value: so each
//! warning names the line the user must fix, unknown keys are reported rather than ignored,
//! and one bad setting does not stop the rest (serde's derive would stop at the first error).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use toml::de::{DeInteger, DeTable, DeValue};

use crate::tui::action::{Action, KeyMode};
use crate::tui::config::suggest::{closest, section_hint, suggest_key};
use crate::tui::config::{Config, ConfigWarning, Hint, KEYS, KeyBinding, Problem};
use crate::tui::input::Key;
use crate::tui::settings::{Raw, Section, Value};

/// At most this many warnings come back (the last one counting the rest).
const MAX_WARNINGS: usize = 20;

/// Settings the file once took that are gone: (section, name, why).
const REMOVED: &[(&str, &str, &str)] = &[(
    "view",
    "squeeze",
    "it never did anything (every row is shown, as xxd shows it)",
)];

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
            let section = Section::by_name(name);
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

    fn section(&mut self, section: Section, table: &DeTable<'_>) {
        let mut lines: HashMap<&str, usize> = HashMap::new();
        for (key, value) in table {
            let name: &str = key.get_ref();
            let at = key.span().start;
            if let Some(&(_, _, why)) = REMOVED
                .iter()
                .find(|&&(s, n, _)| s == section.name() && n == name)
            {
                let setting = format!("{}.{name}", section.name());
                self.warn(at, Problem::Removed { setting, why });
                continue;
            }
            let Some(setting) = section.settings().find(|s| s.name == name) else {
                let names = section.settings().map(|s| s.name);
                let problem = Problem::UnknownSetting {
                    section: section.name().to_string(),
                    name: name.to_string(),
                    hint: Hint(closest(name, names.clone()).map(|n| format!("'{n}'"))),
                    known: names.collect::<Vec<_>>().join(", "),
                };
                self.warn(at, problem);
                continue;
            };
            if let Some(v) = raw(value.get_ref()).and_then(|r| setting.parse(r)) {
                lines.insert(setting.name, at);
                self.config.values.push((setting.name, v));
            } else {
                let problem = Problem::BadValue {
                    setting: setting.path(),
                    found: snippet(self.src, value.span()),
                    expected: setting.kind.expected(true),
                };
                self.warn(at, problem);
            }
        }
        let off = Some(Value::Bool(false));
        if section == Section::View
            && self.config.get("hex") == off
            && self.config.get("text") == off
        {
            for (n, v) in &mut self.config.values {
                if *n == "hex" {
                    *v = Value::Bool(true);
                }
            }
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
pub(crate) fn line_col(src: &str, offset: usize) -> (usize, usize) {
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

fn int_of(i: &DeInteger<'_>) -> Option<i64> {
    i64::from_str_radix(i.as_str(), i.radix()).ok()
}

/// A TOML value as the settings table reads it; `None` for kinds no setting takes (arrays,
/// tables, floats, dates).
fn raw<'a>(v: &'a DeValue<'_>) -> Option<Raw<'a>> {
    match v {
        DeValue::Boolean(b) => Some(Raw::Bool(*b)),
        DeValue::Integer(i) => int_of(i).map(Raw::Int),
        DeValue::String(s) => Some(Raw::Str(s)),
        _ => None,
    }
}

/// The names of every section, for warnings.
pub(crate) fn section_names() -> String {
    let names: Vec<&str> = Section::ALL
        .iter()
        .map(|s| s.name())
        .chain([KEYS])
        .collect();
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn every_setting_loads_from_its_default() {
        for set in crate::tui::settings::SETTINGS {
            let text = format!(
                "[{}]\n{} = {}\n",
                set.section.name(),
                set.name,
                set.kind.toml(set.default)
            );
            let (c, w) = parse(&text, Path::new("t"));
            assert!(w.is_empty(), "{text}: {w:?}");
            assert_eq!(c.get(set.name), Some(set.default), "{text}");
        }
    }

    #[test]
    fn integers_in_any_radix_and_with_underscores() {
        let (c, w) = parse(
            "[view]\ncols = 0x10\n[search]\nmax_matches = 1_000\n",
            Path::new("t"),
        );
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(
            c.get("cols"),
            Some(Value::Cols(crate::tui::layout::Cols::Fixed(16)))
        );
        assert_eq!(c.get("max_matches"), Some(Value::Num(1000)));
    }
}
