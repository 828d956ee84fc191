//! "Did you mean": the nearest name by edit distance (for sections, settings, actions and
//! `:set` options), and the key a mistyped key probably means.

use crate::tui::action::Action;
use crate::tui::config::Hint;
use crate::tui::config::KEYS;
use crate::tui::input::Key;
use crate::tui::settings::{self, Section};

/// For an unknown section: a near section name, or the section that has a setting so named
/// (`cols = 16` written above any `[view]`).
pub(crate) fn section_hint(name: &str) -> Hint {
    let names = Section::ALL.iter().map(|s| s.name()).chain([KEYS]);
    if let Some(n) = closest(name, names) {
        return Hint(Some(format!("[{n}]")));
    }
    if let Some(s) = settings::by_name(name) {
        return Hint(Some(format!("{name} under [{}]", s.section.name())));
    }
    if Action::by_name(name).is_some() {
        return Hint(Some(format!("{name} under [{KEYS}]")));
    }
    Hint(None)
}

/// The candidate within a small edit distance of `name`, if one is clearly nearest.
pub fn closest<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
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
pub fn distance(from: &str, to: &str) -> usize {
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
pub fn suggest_key(s: &str) -> Option<String> {
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
}
