//! `:s/PATTERN/REPLACEMENT/FLAGS` (over the selection, or the whole file when there is none)
//! and `:%s/…/…/FLAGS` (the whole file), as in vim: any separator character; flags `g`
//! (every match; without it the first match at or after the cursor) and `i` (ignore case).
//! The pattern means what `/` means (bytes by default, [`crate::core::search`]); the
//! replacement takes `$1`, `${name}`, `$$` and byte escapes (`\xNN`, `\n`, `\t`, `\\`), as
//! `maphex replace` does ([`crate::core::replace`]). Every replacement of one command is one
//! undo step, built in one pass over the piece table.

use std::sync::atomic::AtomicBool;

use crate::core::replace::{ReplaceConfig, Replacer, RunEnd, Template};
use crate::core::search::{Query, QueryKind};
use crate::tui::app::{App, Effect};

/// A parsed `:s` argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Substitute {
    /// The pattern, as typed.
    pub pattern: String,
    /// The replacement template, as typed.
    pub replacement: String,
    /// Every match (`g`), not only the first after the cursor.
    pub global: bool,
    /// Ignore case (`i`).
    pub ignore_case: bool,
}

/// Parses `/PAT/REPL/FLAGS` with any separator (the first character). A separator inside
/// the pattern or replacement is written `\` + separator. The last separator may be left out.
pub fn parse(arg: &str) -> Result<Substitute, String> {
    let mut chars = arg.chars();
    let Some(sep) = chars.next() else {
        return Err(
            "give :s/PATTERN/REPLACEMENT/FLAGS (flags: g every match, i ignore case)".into(),
        );
    };
    if sep.is_alphanumeric() || sep == '\\' || sep.is_whitespace() {
        return Err(format!(
            "the separator after :s cannot be {sep:?}: use a punctuation character such as / or #"
        ));
    }
    let rest: String = chars.collect();
    let mut parts: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut it = rest.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\\' && it.peek() == Some(&sep) {
            cur.push(sep);
            it.next();
        } else if c == sep && parts.len() < 2 {
            parts.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    parts.push(cur);
    if parts.len() < 2 {
        return Err(format!(
            "no replacement: write :s{sep}PATTERN{sep}REPLACEMENT{sep} (an empty one deletes)"
        ));
    }
    let flags = parts.get(2).cloned().unwrap_or_default();
    let mut out = Substitute {
        pattern: parts[0].clone(),
        replacement: parts[1].clone(),
        global: false,
        ignore_case: false,
    };
    for f in flags.chars() {
        match f {
            'g' => out.global = true,
            'i' => out.ignore_case = true,
            other => {
                return Err(format!(
                    "unknown :s flag {other:?}: g replaces every match, i ignores case"
                ));
            }
        }
    }
    if out.pattern.is_empty() {
        return Err("empty pattern: :s needs something to find".into());
    }
    Ok(out)
}

impl App {
    /// `:s`: over the selection, or the whole file without one.
    pub fn substitute(&mut self, arg: &str) -> Option<Effect> {
        let range = self.selection();
        self.substitute_in(arg, range)
    }

    /// `:%s`: over the whole file.
    pub fn substitute_all(&mut self, arg: &str) -> Option<Effect> {
        self.substitute_in(arg, None)
    }

    fn substitute_in(&mut self, arg: &str, range: Option<std::ops::Range<u64>>) -> Option<Effect> {
        let sub = match parse(arg) {
            Ok(s) => s,
            Err(e) => {
                self.error(e);
                return None;
            }
        };
        let mut query = Query::new(QueryKind::Regex, sub.pattern.clone());
        query.case_insensitive = sub.ignore_case;
        let pattern = match query.compile() {
            Ok(p) => p,
            Err(e) => {
                self.error(format!("invalid pattern: {e}"));
                return None;
            }
        };
        let template = match Template::new(&sub.replacement, &pattern) {
            Ok(t) => t,
            Err(e) => {
                self.error(format!("invalid replacement: {e}"));
                return None;
            }
        };
        let len = self.doc().len();
        let cursor = self.cursor().min(len);
        let whole = range.is_none();
        let span = range.unwrap_or(0..len);
        let config = ReplaceConfig {
            range: if sub.global {
                span.clone()
            } else {
                cursor.max(span.start)..span.end
            },
            first_only: !sub.global,
            ..ReplaceConfig::default()
        };
        // The scan reads a snapshot (the document does not change while it runs).
        let snap = self.doc().snapshot();
        let mut replacer = Replacer::new(&pattern, template, &config);
        let mut found: Vec<(std::ops::Range<u64>, Vec<u8>)> = Vec::new();
        let cancel = AtomicBool::new(false);
        let end = replacer.run(&snap, &cancel, &mut |_| {}, |r| {
            found.push((r.range(), r.bytes.to_vec()));
            true
        });
        if end == RunEnd::Cancelled {
            self.info("substitution cancelled; nothing changed");
            return None;
        }
        let where_ = if whole {
            "in the file"
        } else {
            "in the selection"
        };
        if found.is_empty() {
            self.error(format!("no match for {:?} {where_}", sub.pattern));
            return None;
        }
        let totals = replacer.totals();
        let first = found[0].0.start;
        let result = self
            .doc_mut()
            .replace_many(found.iter().map(|(r, b)| (r.clone(), b.as_slice())));
        match result {
            Ok(n) => {
                self.view_mut().anchor = None;
                let delta = i128::from(totals.new_bytes) - i128::from(totals.old_bytes);
                let change = match delta {
                    0 => String::new(),
                    d if d > 0 => format!(", {d} bytes longer"),
                    d => format!(", {} bytes shorter", -d),
                };
                let what = if n == 1 { "match" } else { "matches" };
                self.info(format!("replaced {n} {what} {where_}{change}; u undoes"));
                self.goto(first.min(self.doc().len()));
                let span = self.doc().last_change();
                self.search_after_edit(span)
            }
            Err(e) => {
                self.error(crate::tui::hint::edit(&e));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_separator_and_flags() {
        let s = parse("#a/b#c#gi").unwrap();
        assert_eq!(s.pattern, "a/b");
        assert_eq!(s.replacement, "c");
        assert!(s.global && s.ignore_case);
        let s = parse("/x\\/y/z").unwrap();
        assert_eq!((s.pattern.as_str(), s.replacement.as_str()), ("x/y", "z"));
        assert!(!s.global);
        assert!(parse("/x//").unwrap().replacement.is_empty());
        assert!(parse("/x").is_err());
        assert!(parse("ax/y/").is_err());
        assert!(parse("/x/y/q").unwrap_err().contains("unknown :s flag"));
        assert!(parse("").is_err());
    }
}
