//! `maphex --print-config` (a commented example config) and the action list at the end of
//! `maphex --help`, both generated from the tables.

use crate::tui::action::{ACTIONS, KeyMode};
use crate::tui::config::KEYS;
use crate::tui::settings::Section;

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
    for section in Section::ALL {
        let _ = writeln!(s, "\n[{}]", section.name());
        for line in wrap(section.doc(), 90) {
            let _ = writeln!(s, "# {line}");
        }
        for set in section.settings() {
            let value = set.kind.toml(set.default);
            let _ = writeln!(s, "#{} = {value}  # {}", set.name, set.doc);
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
