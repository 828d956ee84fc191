//! The replacement template: what each match becomes.
//!
//! **Group references** follow `regex::bytes::Captures::expand` (and so ripgrep's
//! `--replace`) exactly: `$N` and `$name` take the longest run of `[0-9A-Za-z_]` after the
//! `$` as the group's name (a number when it parses as one), so `$1a` names a group `1a`
//! and `${1}a` is group 1 followed by `a`; `${...}` names a group with anything up to the
//! next `}`; `$$` is one `$`; a `$` followed by none of these is a literal `$`.
//!
//! Two places differ from `expand`, both where it silently produces something the user did
//! not mean: a reference to a group the pattern does not have is an error naming the group
//! (`expand` writes nothing for it), and so is an unclosed `${` (`expand` writes it as
//! literal text).
//!
//! **Byte escapes** (not in `expand`, which has no escapes; sed's): `\xNN` (the byte NN,
//! also with `--unicode`: the template writes bytes), `\n`, `\t`, `\r`, `\0`, `\\` and `\$`
//! (a literal `$`, the same as `$$`). Any other character after `\` is an error, so sed's
//! `\1` gets a message that says to write `$1` instead of silently becoming `1`. An escape
//! writes its byte literally: `\x24` is a `$` byte, never the start of a reference.
//!
//! Every error carries the 1-based character column of the `\` or `$` that starts the
//! offending piece.

use std::fmt;

use regex_automata::PatternID;
use thiserror::Error;

use crate::core::search::Pattern;

/// A parsed replacement template, checked against the groups of one [`Pattern`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// Every literal byte of the template, in order; [`Part::Lit`] points into it.
    bytes: Vec<u8>,
    parts: Vec<Part>,
    /// True when some part is a group reference (so matches need their captures).
    uses_groups: bool,
}

/// One piece of a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// `bytes[start..end]`.
    Lit { start: usize, end: usize },
    /// The bytes of capture group `n` (0 is the whole match); nothing when it did not take
    /// part in the match.
    Group(usize),
}

/// Why a template could not be parsed: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid replacement at column {column}: {problem}")]
pub struct TemplateError {
    /// Byte offset in the template of the `\` or `$` that starts the bad piece.
    pub offset: usize,
    /// 1-based character column of the same.
    pub column: usize,
    /// What is wrong there.
    pub problem: TemplateProblem,
}

/// What is wrong with a piece of a template, see [`TemplateError`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateProblem {
    /// `\x` not followed by two hex digits; holds what followed it (up to two characters).
    BadHex(String),
    /// `\` followed by a character that is not an escape.
    UnknownEscape(char),
    /// `\` followed by a digit: sed's back-reference, which is written `$N` here.
    SedBackreference(char),
    /// A `\` as the last character.
    TrailingBackslash,
    /// `${` with no `}` after it.
    UnclosedBrace,
    /// `${}`.
    EmptyName,
    /// A reference to a group the pattern does not have.
    NoSuchGroup {
        /// The name or number as written.
        name: String,
        /// How many groups the pattern has, counting group 0 (the whole match).
        groups: usize,
        /// The names of its named groups, in order.
        names: Vec<String>,
    },
}

impl fmt::Display for TemplateProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TemplateProblem::BadHex(after) => write!(
                f,
                "`\\x{after}` is not a byte: write two hex digits after \\x, like \\x0a"
            ),
            TemplateProblem::UnknownEscape(c) => write!(
                f,
                "`\\{c}` is not an escape: the escapes are \\xNN \\n \\t \\r \\0 \\\\ and \\$ \
                 (write \\\\ for a backslash)"
            ),
            TemplateProblem::SedBackreference(d) => write!(
                f,
                "`\\{d}` is sed's way to name a group: write ${d} (or ${{{d}}} before a letter \
                 or digit)"
            ),
            TemplateProblem::TrailingBackslash => {
                f.write_str("a `\\` at the end escapes nothing: write \\\\ for a backslash")
            }
            TemplateProblem::UnclosedBrace => {
                f.write_str("`${` has no closing `}`: add it, or write $$ for a literal `$`")
            }
            TemplateProblem::EmptyName => {
                f.write_str("`${}` names no group: write ${1} or ${name} (or $$ for a `$`)")
            }
            TemplateProblem::NoSuchGroup {
                name,
                groups,
                names,
            } => {
                write!(f, "the pattern has no group `{name}` (it has ")?;
                if *groups <= 1 {
                    f.write_str("only group 0, the whole match")?;
                } else {
                    write!(f, "groups 0 to {}", groups - 1)?;
                }
                if !names.is_empty() {
                    write!(f, ", named {}", names.join(", "))?;
                }
                f.write_str(")")?;
                // `$1a` is the classic trap: the name runs on through the letters.
                let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
                if !digits.is_empty()
                    && digits.len() < name.len()
                    && digits.parse::<usize>().is_ok_and(|n| n < *groups)
                {
                    let rest = &name[digits.len()..];
                    write!(
                        f,
                        "; for group {digits} followed by `{rest}` write ${{{digits}}}{rest}"
                    )?;
                }
                Ok(())
            }
        }
    }
}

impl Template {
    /// Parses `text` for matches of `pattern`: every group reference must name one of the
    /// pattern's groups.
    pub fn new(text: &str, pattern: &Pattern) -> Result<Template, TemplateError> {
        let info = pattern.regex().group_info();
        let groups = pattern.captures_len();
        let resolve = |name: &str| -> Option<usize> {
            match name.parse::<usize>() {
                Ok(n) => (n < groups).then_some(n),
                Err(_) => info.to_index(PatternID::ZERO, name),
            }
        };
        let names = || -> Vec<String> {
            info.pattern_names(PatternID::ZERO)
                .flatten()
                .map(str::to_string)
                .collect()
        };
        parse(text, &resolve, &|name: &str| TemplateProblem::NoSuchGroup {
            name: name.to_string(),
            groups,
            names: names(),
        })
    }

    /// A template that writes `bytes` and never refers to a group (for `--hex`
    /// replacements and callers that build bytes themselves).
    pub fn literal_bytes(bytes: &[u8]) -> Template {
        let mut t = Template {
            bytes: bytes.to_vec(),
            parts: Vec::new(),
            uses_groups: false,
        };
        if !bytes.is_empty() {
            t.parts.push(Part::Lit {
                start: 0,
                end: bytes.len(),
            });
        }
        t
    }

    /// The bytes every match becomes, when the template refers to no group: then the
    /// replacer never computes captures (a plain search is several times cheaper).
    pub fn literal(&self) -> Option<&[u8]> {
        (!self.uses_groups).then_some(self.bytes.as_slice())
    }

    /// True when some part of the template is a group reference.
    pub fn uses_groups(&self) -> bool {
        self.uses_groups
    }

    /// Appends the replacement for one match to `out`; `group(n)` gives the bytes of group
    /// `n` (`None` when it did not take part in the match, which writes nothing).
    pub fn expand_into<'h>(&self, group: impl Fn(usize) -> Option<&'h [u8]>, out: &mut Vec<u8>) {
        for part in &self.parts {
            match *part {
                Part::Lit { start, end } => out.extend_from_slice(&self.bytes[start..end]),
                Part::Group(n) => {
                    if let Some(b) = group(n) {
                        out.extend_from_slice(b);
                    }
                }
            }
        }
    }
}

/// Is `b` a letter of an unbraced group name (`regex`'s `is_valid_cap_letter`)?
fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The parser proper: `resolve` maps a name (or number, as written) to a group index.
fn parse(
    text: &str,
    resolve: &dyn Fn(&str) -> Option<usize>,
    missing: &dyn Fn(&str) -> TemplateProblem,
) -> Result<Template, TemplateError> {
    let b = text.as_bytes();
    let mut tpl = Template {
        bytes: Vec::with_capacity(b.len()),
        parts: Vec::new(),
        uses_groups: false,
    };
    let mut lit_start = 0;
    let error = |offset: usize, problem| TemplateError {
        offset,
        column: text[..offset].chars().count() + 1,
        problem,
    };
    let mut i = 0;
    // Closes the literal run that is open (if it has bytes) and pushes a group after it.
    let flush = |tpl: &mut Template, lit_start: &mut usize| {
        if tpl.bytes.len() > *lit_start {
            tpl.parts.push(Part::Lit {
                start: *lit_start,
                end: tpl.bytes.len(),
            });
        }
        *lit_start = tpl.bytes.len();
    };
    while i < b.len() {
        match b[i] {
            b'\\' => {
                let Some(&c) = b.get(i + 1) else {
                    return Err(error(i, TemplateProblem::TrailingBackslash));
                };
                let byte = match c {
                    b'n' => b'\n',
                    b't' => b'\t',
                    b'r' => b'\r',
                    b'0' => 0,
                    b'\\' => b'\\',
                    b'$' => b'$',
                    b'x' => {
                        let hex = b
                            .get(i + 2..i + 4)
                            .filter(|h| h.iter().all(u8::is_ascii_hexdigit));
                        let Some(h) = hex else {
                            let after: String = text[i + 2..].chars().take(2).collect();
                            return Err(error(i, TemplateProblem::BadHex(after)));
                        };
                        let value = (hex_value(h[0]) << 4) | hex_value(h[1]);
                        tpl.bytes.push(value);
                        i += 4;
                        continue;
                    }
                    b'1'..=b'9' => {
                        return Err(error(i, TemplateProblem::SedBackreference(char::from(c))));
                    }
                    _ => {
                        let ch = text[i + 1..].chars().next().unwrap_or('\\');
                        return Err(error(i, TemplateProblem::UnknownEscape(ch)));
                    }
                };
                tpl.bytes.push(byte);
                i += 2;
            }
            b'$' => match b.get(i + 1) {
                Some(b'$') => {
                    tpl.bytes.push(b'$');
                    i += 2;
                }
                Some(b'{') => {
                    let Some(close) = b[i + 2..].iter().position(|&c| c == b'}') else {
                        return Err(error(i, TemplateProblem::UnclosedBrace));
                    };
                    let name = &text[i + 2..i + 2 + close];
                    if name.is_empty() {
                        return Err(error(i, TemplateProblem::EmptyName));
                    }
                    let Some(n) = resolve(name) else {
                        return Err(error(i, missing(name)));
                    };
                    flush(&mut tpl, &mut lit_start);
                    tpl.parts.push(Part::Group(n));
                    tpl.uses_groups = true;
                    i += close + 3;
                }
                _ => {
                    let end = i + 1 + b[i + 1..].iter().take_while(|&&c| is_name_byte(c)).count();
                    if end == i + 1 {
                        // `$` before anything else is itself, as in `expand`.
                        tpl.bytes.push(b'$');
                        i += 1;
                        continue;
                    }
                    let name = &text[i + 1..end];
                    let Some(n) = resolve(name) else {
                        return Err(error(i, missing(name)));
                    };
                    flush(&mut tpl, &mut lit_start);
                    tpl.parts.push(Part::Group(n));
                    tpl.uses_groups = true;
                    i = end;
                }
            },
            c => {
                tpl.bytes.push(c);
                i += 1;
            }
        }
    }
    flush(&mut tpl, &mut lit_start);
    Ok(tpl)
}

fn hex_value(d: u8) -> u8 {
    match d {
        b'0'..=b'9' => d - b'0',
        b'a'..=b'f' => d - b'a' + 10,
        b'A'..=b'F' => d - b'A' + 10,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::search::{Query, QueryKind};

    fn pat(p: &str) -> Pattern {
        Query::new(QueryKind::Regex, p).compile().unwrap()
    }

    fn expand(t: &Template, groups: &[Option<&'static [u8]>]) -> Vec<u8> {
        let mut out = Vec::new();
        t.expand_into(|n| groups.get(n).copied().flatten(), &mut out);
        out
    }

    fn err(text: &str, p: &str) -> TemplateError {
        Template::new(text, &pat(p)).unwrap_err()
    }

    #[test]
    fn references_follow_expand() {
        let p = pat("(?<word>a)(b)?");
        let g: &[Option<&'static [u8]>] = &[Some(b"ab"), Some(b"a"), None];
        let cases: &[(&str, &[u8])] = &[
            ("$0", b"ab"),
            ("$1$2", b"a"),
            ("${1}x", b"ax"),
            ("$word", b"a"),
            ("${word}s", b"as"),
            ("$$1", b"$1"),
            ("$", b"$"),
            ("a$ b", b"a$ b"),
            ("$-", b"$-"),
            ("${+1}", b"a"),
            ("\\$1", b"$1"),
            ("x\\x24{1}", b"x${1}"),
        ];
        for (text, want) in cases {
            let t = Template::new(text, &p).unwrap();
            assert_eq!(expand(&t, g), *want, "{text}");
        }
    }

    #[test]
    fn escapes_are_bytes() {
        let t = Template::new("\\x00\\xFf\\n\\t\\r\\0\\\\é", &pat("a")).unwrap();
        assert_eq!(t.literal(), Some(&b"\x00\xff\n\t\r\0\\\xc3\xa9"[..]));
        assert!(!t.uses_groups());
        assert_eq!(
            Template::new("", &pat("a")).unwrap().literal(),
            Some(&b""[..])
        );
    }

    #[test]
    fn errors_say_where_and_what() {
        let e = err("ab\\xg1", "a");
        assert_eq!((e.offset, e.column), (2, 3));
        assert_eq!(e.problem, TemplateProblem::BadHex("g1".into()));
        assert_eq!(err("é\\x", "a").column, 2);
        assert_eq!(err("\\q", "a").problem, TemplateProblem::UnknownEscape('q'));
        assert_eq!(err("x\\", "a").problem, TemplateProblem::TrailingBackslash);
        assert_eq!(
            err("\\1", "(a)").problem,
            TemplateProblem::SedBackreference('1')
        );
        assert_eq!(err("a${1", "(a)").column, 2);
        assert_eq!(err("a${1", "(a)").problem, TemplateProblem::UnclosedBrace);
        assert_eq!(err("${}", "(a)").problem, TemplateProblem::EmptyName);
        assert_eq!(
            err("$1a", "(?<n>a)").to_string(),
            "invalid replacement at column 1: the pattern has no group `1a` (it has groups \
             0 to 1, named n); for group 1 followed by `a` write ${1}a"
        );
        assert_eq!(
            err("x$2", "a").to_string(),
            "invalid replacement at column 2: the pattern has no group `2` (it has only \
             group 0, the whole match)"
        );
        assert!(err("${nope}", "(?<yes>a)").to_string().contains("`nope`"));
    }

    use proptest::prelude::*;

    proptest! {
        /// Where the parser accepts a template, it expands exactly as `Captures::expand`;
        /// where it refuses one, `expand` would have written a reference to a missing group
        /// as nothing, or an unclosed `${` as text.
        #[test]
        fn accepted_templates_expand_as_regex_does(
            text in proptest::collection::vec(
                proptest::sample::select(vec!["$", "{", "}", "0", "1", "3", "w", "_", " ", "x", "$$"]),
                0..12,
            ).prop_map(|v: Vec<&str>| v.concat()),
            hay in proptest::sample::select(vec![&b"abx"[..], b"ax", b"zax"]),
        ) {
            let p = "(?<w>a)(b)?(x)";
            let re = regex::bytes::Regex::new(p).unwrap();
            let caps = re.captures(hay).unwrap();
            match Template::new(&text, &pat(p)) {
                Ok(t) => {
                    let mut want = Vec::new();
                    caps.expand(text.as_bytes(), &mut want);
                    let mut got = Vec::new();
                    t.expand_into(|n| caps.get(n).map(|m| m.as_bytes()), &mut got);
                    prop_assert_eq!(got, want);
                }
                Err(e) => prop_assert!(
                    matches!(
                        e.problem,
                        TemplateProblem::UnclosedBrace
                            | TemplateProblem::EmptyName
                            | TemplateProblem::NoSuchGroup { .. }
                    ),
                    "{e}"
                ),
            }
        }
    }

    #[test]
    fn no_input_panics() {
        for text in [
            "\\x", "\\xé", "\\é", "${é", "$é", "${", "$", "\\x4", "${a}}",
        ] {
            let _ = Template::new(text, &pat("(?<a>.)"));
        }
    }
}
