//! `:s/PATTERN/REPLACEMENT/FLAGS` (over the selection, or the whole file when there is none)
//! and `:%s/…/…/FLAGS` (the whole file), as in vim: any separator character; flags `g`
//! (every match; without it the first match at or after the cursor), `i` (ignore case) and
//! `c` (ask about each match: y, n, a for all the rest, l for this one and stop, q or Esc).
//! Over a big file the search runs in the background with progress, and Esc cancels it.
//! The pattern means what `/` means (bytes by default, [`crate::core::search`]); the
//! replacement takes `$1`, `${name}`, `$$` and byte escapes (`\xNN`, `\n`, `\t`, `\\`), as
//! `maphex replace` does ([`crate::core::replace`]). Every replacement of one command is one
//! undo step, built in one pass over the piece table.

use std::sync::atomic::AtomicBool;

use crate::core::replace::{ReplaceConfig, Replacer, Template};
use crate::core::search::{Query, QueryKind};
use crate::tui::app::{App, Effect};
use crate::tui::input::{Input, KeyCode};
use crate::tui::subst_worker::{Found, Subst, SubstJob, SubstMsg};

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
    /// Ask about each match (`c`).
    pub confirm: bool,
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
        confirm: false,
    };
    for f in flags.chars() {
        match f {
            'g' => out.global = true,
            'i' => out.ignore_case = true,
            'c' => out.confirm = true,
            other => {
                return Err(format!(
                    "unknown :s flag {other:?}: g replaces every match, i ignores case, c asks about each"
                ));
            }
        }
    }
    if out.pattern.is_empty() {
        return Err("empty pattern: :s needs something to find".into());
    }
    Ok(out)
}

/// Files at least this long are substituted in the background (with progress; Esc cancels).
pub const BACKGROUND_FROM: u64 = 64 << 20;

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

    /// True while a `:s` runs in the background or asks about matches.
    pub fn substituting(&self) -> bool {
        self.subst.is_some()
    }

    fn substitute_in(&mut self, arg: &str, range: Option<std::ops::Range<u64>>) -> Option<Effect> {
        if self.subst.is_some() {
            self.error("a substitution is already running; Esc cancels it");
            return None;
        }
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
        let where_ = if range.is_none() {
            "in the file"
        } else {
            "in the selection"
        };
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
        let source = self.doc().snapshot();
        if span.end - span.start >= BACKGROUND_FROM {
            self.subst_generation += 1;
            let generation = self.subst_generation;
            self.subst = Some(Subst::Running {
                generation,
                version: self.doc().version(),
                where_,
                confirm: sub.confirm,
                len: span.end.max(1),
            });
            self.info("replacing: searching…; Esc cancels");
            return Some(Effect::Substitute(Box::new(SubstJob {
                generation,
                source,
                pattern,
                template,
                config,
            })));
        }
        let mut replacer = Replacer::new(&pattern, template, &config);
        let mut found = Found::default();
        let cancel = AtomicBool::new(false);
        replacer.run(&source, &cancel, &mut |_| {}, |r| {
            found.push(r.range(), r.bytes);
            true
        });
        self.found(found, where_, sub.confirm, &sub.pattern)
    }

    /// The replacements are known: apply them, or start asking about each (`c`).
    fn found(
        &mut self,
        found: Found,
        where_: &'static str,
        confirm: bool,
        pattern: &str,
    ) -> Option<Effect> {
        if found.items.is_empty() {
            self.error(format!("no match for {pattern:?} {where_}"));
            return None;
        }
        if confirm {
            self.subst = Some(Subst::Confirm {
                found,
                at: 0,
                accepted: Vec::new(),
                where_,
            });
            self.show_confirm();
            return None;
        }
        let all: Vec<usize> = (0..found.items.len()).collect();
        self.apply_found(&found, &all, where_)
    }

    /// Replaces the chosen items of `found` as one undo step and says what happened.
    fn apply_found(&mut self, found: &Found, chosen: &[usize], where_: &str) -> Option<Effect> {
        self.view_mut().anchor = None;
        if chosen.is_empty() {
            self.info("nothing replaced");
            return None;
        }
        let (old, new) = chosen.iter().fold((0u64, 0u64), |(o, n), &i| {
            let r = &found.items[i].0;
            (o + (r.end - r.start), n + found.bytes(i).len() as u64)
        });
        let first = found.items[chosen[0]].0.start;
        let result = self.doc_mut().replace_many(
            chosen
                .iter()
                .map(|&i| (found.items[i].0.clone(), found.bytes(i))),
        );
        // Stored offsets follow now, before the cursor is placed on the first replacement.
        self.follow_edits();
        match result {
            Ok(n) => {
                let change = match i128::from(new) - i128::from(old) {
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

    /// Shows the match being asked about: selected, on screen, with the question.
    fn show_confirm(&mut self) {
        let Some(Subst::Confirm { found, at, .. }) = &self.subst else {
            return;
        };
        let (r, n) = (found.items[*at].0.clone(), found.items.len());
        let i = *at + 1;
        let last = r.end.saturating_sub(1).max(r.start);
        self.goto(r.start);
        self.view_mut().anchor = (r.end > r.start).then_some(r.start);
        self.goto(last);
        self.info(format!(
            "replace this match ({i} of {n})? y yes, n no, a this and all the rest, l this and stop, q or Esc stop"
        ));
    }

    /// Keys while a `:s` runs or asks: true when the key was taken, and what it asks for.
    pub(crate) fn substitution_input(&mut self, input: &Input) -> (bool, Option<Effect>) {
        let Input::Key(key) = input else {
            return (false, None);
        };
        let Some(subst) = self.subst.as_mut() else {
            return (false, None);
        };
        match subst {
            Subst::Running { .. } => {
                if key.code == KeyCode::Esc {
                    self.subst = None;
                    self.info("substitution cancelled; nothing changed");
                    return (true, Some(Effect::StopSubstitute));
                }
                (false, None)
            }
            Subst::Confirm {
                found,
                at,
                accepted,
                ..
            } => {
                let answer = match key.code {
                    KeyCode::Char(c) => c,
                    KeyCode::Esc => 'q',
                    _ => '?',
                };
                let last = found.items.len() - 1;
                let stop = match answer {
                    'y' => {
                        accepted.push(*at);
                        *at == last
                    }
                    'n' => *at == last,
                    'a' => {
                        accepted.extend(*at..=last);
                        true
                    }
                    'l' => {
                        accepted.push(*at);
                        true
                    }
                    'q' => true,
                    _ => {
                        self.show_confirm();
                        return (true, None);
                    }
                };
                if !stop {
                    *at += 1;
                    self.show_confirm();
                    return (true, None);
                }
                let Some(Subst::Confirm {
                    found,
                    accepted,
                    where_,
                    ..
                }) = self.subst.take()
                else {
                    return (true, None);
                };
                (true, self.apply_found(&found, &accepted, where_))
            }
        }
    }

    /// What the background substitution reported.
    pub(crate) fn on_substitute(&mut self, msg: SubstMsg) -> Option<Effect> {
        let Some(Subst::Running {
            generation,
            version,
            where_,
            confirm,
            len,
        }) = &self.subst
        else {
            return None;
        };
        let (generation, version, where_, confirm, len) =
            (*generation, *version, *where_, *confirm, *len);
        match msg {
            SubstMsg::Progress {
                generation: g,
                pos,
                count,
            } if g == generation => {
                let pct = pos.saturating_mul(100) / len;
                self.info(format!(
                    "replacing: {pct}% searched, {count} found so far; Esc cancels"
                ));
                None
            }
            SubstMsg::Done {
                generation: g,
                found,
                cancelled,
                ..
            } if g == generation => {
                self.subst = None;
                if cancelled {
                    self.info("substitution cancelled; nothing changed");
                    return None;
                }
                if self.doc().version() != version {
                    self.error(
                        "the bytes changed while :s searched; nothing was replaced (run it again)",
                    );
                    return None;
                }
                self.found(found, where_, confirm, "the pattern")
            }
            _ => None,
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
