//! `:set`: `:set NAME VALUE` (or `NAME=VALUE`), `:set NAME?` shows one value, `:set` alone
//! lists them all (those changed from their defaults first, so they fit the message line).

use crate::tui::app::App;
use crate::tui::config::suggest::closest;
use crate::tui::settings::{Raw, SETTINGS, Setting, by_name};

/// Every current value as `name=value`, the ones not at their defaults first.
pub fn listing(app: &App) -> String {
    let (changed, same): (Vec<&Setting>, Vec<&Setting>) =
        SETTINGS.iter().partition(|s| s.read(app) != s.default);
    let item = |s: &&Setting| format!("{}={}", s.name, s.show(s.read(app)));
    let mut out = Vec::new();
    if !changed.is_empty() {
        out.push(changed.iter().map(item).collect::<Vec<_>>().join(" "));
        out.push("|".to_string());
    }
    out.push(same.iter().map(item).collect::<Vec<_>>().join(" "));
    out.join(" ")
}

impl App {
    /// `:set ARG`.
    pub fn set_command(&mut self, arg: &str) {
        let arg = arg.trim();
        if arg.is_empty() {
            self.info(listing(self));
            return;
        }
        let (name, value) = match arg.split_once(|c: char| c.is_whitespace() || c == '=') {
            Some((n, v)) => (n.trim(), v.trim()),
            None => (arg, ""),
        };
        if let Some(name) = name.strip_suffix('?').filter(|_| value.is_empty()) {
            match by_name(name) {
                Some(set) => self.info(format!("{}={}", set.name, set.show(set.read(self)))),
                None => self.unknown_option(name),
            }
            return;
        }
        let Some(set) = by_name(name) else {
            self.unknown_option(name);
            return;
        };
        let Some(v) = set.parse(Raw::Typed(value)) else {
            self.error(format!(
                "bad value '{value}' for {}: use {} (:set {}? shows it)",
                set.name,
                set.kind.expected(false),
                set.name
            ));
            return;
        };
        if let Err(e) = set.apply(self, v) {
            self.error(e);
            return;
        }
        // Typing goes to a pane on screen: hiding the one with the cursor moves it over.
        self.view_mut().pane = self.edit_pane();
        self.scroll_to_cursor();
        self.info(format!("set {} {}", set.name, set.show(v)));
    }

    fn unknown_option(&mut self, name: &str) {
        let hint = closest(name, SETTINGS.iter().map(|s| s.name))
            .map(|n| format!(" did you mean '{n}'?"))
            .unwrap_or_default();
        self.error(format!(
            "unknown option '{name}';{hint} :set lists them, Tab completes"
        ));
    }
}
