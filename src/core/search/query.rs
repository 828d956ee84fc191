//! What the user typed, and what it compiles to: [`Query`] (regex, text or hex) → [`Pattern`].
//!
//! Every kind compiles to one engine, a `regex_automata::meta::Regex` configured exactly the
//! way `regex::bytes::RegexBuilder` configures its own (leftmost-first, `utf8(false)` syntax,
//! `utf8_empty(false)`, the same size limits; see `regex` 1.13 `builders.rs`,
//! `build_one_bytes`), and the scanner can use the meta API's `Input::range` so look-around
//! sees bytes outside the searched range (see `notes/platform.md` §6.1).
//!
//! **Byte semantics by default** (issue 10), as Python's `re` on bytes and
//! `rg --no-unicode`: the syntax is built with `unicode(false)`, so `\xNN` is the byte NN,
//! `.` is any byte but `\n` (any byte with `(?s)`), `\w` `\d` `\s` `\b` are ASCII, `(?i)`
//! folds ASCII, and a non-ASCII character written in the pattern matches its UTF-8 bytes.
//! The matches are those of `regex::bytes::RegexBuilder::new(p).unicode(false)`, which is
//! what the differential tests compare against. [`Query::unicode`] (or `(?u)` inside the
//! pattern) gives the `regex` crate's default Unicode semantics instead. Text queries always
//! fold case by Unicode rules (they are text); hex queries are raw bytes in either mode.

use std::fmt;
use std::ops::Range;

use regex_automata::util::captures::Captures;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input, meta};
use thiserror::Error;

/// The NFA size limit `regex::bytes::Regex::new` uses (10 MiB); kept equal so a pattern that
/// compiles there compiles here and the other way round.
const NFA_SIZE_LIMIT: usize = 10 * (1 << 20);

/// The lazy-DFA cache capacity `regex::bytes::Regex::new` uses (2 MiB).
const HYBRID_CACHE_CAPACITY: usize = 2 * (1 << 20);

/// How the pattern text of a [`Query`] is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QueryKind {
    /// A regular expression with `regex` syntax; byte semantics unless [`Query::unicode`].
    Regex,
    /// Literal text, matched as its UTF-8 bytes.
    Text,
    /// Hex bytes such as `de ad ?? ef`, where `??` is any byte.
    Hex,
}

impl QueryKind {
    /// Every kind, in the order [`QueryKind::next`] cycles through them.
    pub const ALL: [QueryKind; 3] = [QueryKind::Regex, QueryKind::Text, QueryKind::Hex];

    /// The kind after this one, wrapping; one key in the prompt cycles the kinds.
    #[must_use]
    pub fn next(self) -> Self {
        match self {
            QueryKind::Regex => QueryKind::Text,
            QueryKind::Text => QueryKind::Hex,
            QueryKind::Hex => QueryKind::Regex,
        }
    }

    /// A short lower-case label for the prompt and the status bar.
    pub fn label(self) -> &'static str {
        match self {
            QueryKind::Regex => "regex",
            QueryKind::Text => "text",
            QueryKind::Hex => "hex",
        }
    }
}

impl fmt::Display for QueryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A search as the user typed it. Compile it once with [`Query::compile`] and share the
/// resulting [`Pattern`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Query {
    /// How `pattern` is read.
    pub kind: QueryKind,
    /// The text the user typed.
    pub pattern: String,
    /// Fold case, like `(?i)`: ASCII only for a regex in byte mode, Unicode simple case
    /// folding for text and for a regex with [`Query::unicode`]. Ignored by
    /// [`QueryKind::Hex`]: bytes are bytes.
    pub case_insensitive: bool,
    /// Unicode semantics for a regex (`\xNN` a code point, `.` one UTF-8 character, Unicode
    /// `\w` and case folding), as if the pattern began with `(?u)`. Off by default: a hex
    /// editor searches bytes. Text and hex queries ignore it.
    pub unicode: bool,
}

/// Why a query could not be compiled. Every message is lower case and says what to do.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SearchError {
    /// Nothing to search for (an empty pattern, or hex with no bytes in it).
    #[error("empty pattern: type something to search for")]
    EmptyPattern,

    /// The hex query has a token that is not a byte.
    #[error("invalid hex `{token}` at column {column}: {problem}")]
    InvalidHex {
        /// The offending characters (one or two).
        token: String,
        /// Byte offset of the token in the pattern, for placing a cursor.
        offset: usize,
        /// 1-based character column of the token, for messages.
        column: usize,
        /// What is wrong with it.
        problem: HexProblem,
    },

    /// The regex does not parse; `message` is the regex crate's own description.
    #[error("invalid regex{}: {message}; fix the pattern or search as text", at_column(*.column))]
    InvalidRegex {
        /// The regex crate's description of the problem, e.g. "unclosed group".
        message: String,
        /// Byte offset in the pattern where the problem starts, when the parser gives one.
        offset: Option<usize>,
        /// 1-based character column (on its line) of the problem, when the parser gives one.
        column: Option<usize>,
        /// The regex crate's full multi-line rendering, with the pattern and a caret under
        /// the problem; identical to what `regex::bytes::Regex::new` reports.
        rendered: String,
    },

    /// The pattern parses but compiles to more than the size limit `regex` uses.
    #[error(
        "pattern too large: it compiles past the {limit}-byte limit; use smaller repetition \
         counts or fewer Unicode classes (try `(?-u)`)"
    )]
    TooLarge {
        /// The limit that was exceeded, in bytes.
        limit: usize,
    },

    /// Any other failure to build the matcher (rare; carries the engine's message).
    #[error("cannot compile the pattern: {message}; simplify it")]
    Build {
        /// The engine's description.
        message: String,
    },
}

/// What is wrong with a hex token, see [`SearchError::InvalidHex`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HexProblem {
    /// Characters that are neither hex digits nor a `??` wildcard.
    NotHex,
    /// A single digit (or `?`) where a byte needs two.
    HalfByte,
}

impl fmt::Display for HexProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HexProblem::NotHex => {
                "write each byte as two hex digits (like `de ad`), or `??` for any byte"
            }
            HexProblem::HalfByte => "a byte takes two hex digits; add the missing one",
        })
    }
}

fn at_column(column: Option<usize>) -> String {
    column.map_or_else(String::new, |c| format!(" at column {c}"))
}

impl Query {
    /// A case-sensitive query.
    pub fn new(kind: QueryKind, pattern: impl Into<String>) -> Self {
        Query {
            kind,
            pattern: pattern.into(),
            case_insensitive: false,
            unicode: false,
        }
    }

    /// Parses and compiles the query. This is where every user-input error surfaces; nothing
    /// downstream can fail on the pattern.
    pub fn compile(&self) -> Result<Pattern, SearchError> {
        let (source, case_insensitive, unicode) = match self.kind {
            QueryKind::Regex => {
                if self.pattern.is_empty() {
                    return Err(SearchError::EmptyPattern);
                }
                (self.pattern.clone(), self.case_insensitive, self.unicode)
            }
            QueryKind::Text => {
                if self.pattern.is_empty() {
                    return Err(SearchError::EmptyPattern);
                }
                (
                    regex_syntax::escape(&self.pattern),
                    self.case_insensitive,
                    true,
                )
            }
            QueryKind::Hex => {
                let bytes = parse_hex(&self.pattern)?;
                if bytes.is_empty() {
                    return Err(SearchError::EmptyPattern);
                }
                (hex_regex(&bytes), false, false)
            }
        };
        Pattern::build(source, case_insensitive, unicode)
    }
}

/// Parses a hex query into bytes, `None` standing for a `??` wildcard.
///
/// Accepted: pairs of hex digits in either case, `??`, whitespace anywhere between pairs (but
/// not inside one), and a `0x` prefix at the start of a whitespace-separated word, so
/// `de ad ?? ef`, `deadbeef`, `DE AD` and `0xdeadbeef` all work. Anything else is an
/// [`SearchError::InvalidHex`] naming the token and its column.
pub fn parse_hex(text: &str) -> Result<Vec<Option<u8>>, SearchError> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().enumerate().peekable();
    let mut word_start = true;
    while let Some((index, (offset, first))) = chars.next() {
        if first.is_whitespace() {
            word_start = true;
            continue;
        }
        let second = match chars.peek() {
            Some(&(_, (_, c))) if !c.is_whitespace() => {
                chars.next();
                Some(c)
            }
            _ => None,
        };
        let was_word_start = std::mem::replace(&mut word_start, false);
        let error = |token: String, problem| SearchError::InvalidHex {
            token,
            offset,
            column: index + 1,
            problem,
        };
        let Some(second) = second else {
            let problem = if first == '?' || first.is_ascii_hexdigit() {
                HexProblem::HalfByte
            } else {
                HexProblem::NotHex
            };
            return Err(error(first.to_string(), problem));
        };
        if was_word_start && first == '0' && matches!(second, 'x' | 'X') {
            continue;
        }
        match (first, second) {
            ('?', '?') => out.push(None),
            _ => match (first.to_digit(16), second.to_digit(16)) {
                (Some(high), Some(low)) => {
                    // Two hex digits are at most 0xff, so this cannot fail.
                    out.push(Some(u8::try_from(high * 16 + low).unwrap_or(u8::MAX)));
                }
                _ => return Err(error(format!("{first}{second}"), HexProblem::NotHex)),
            },
        }
    }
    Ok(out)
}

/// The regex for parsed hex bytes: raw bytes with Unicode off, `??` as "any byte".
fn hex_regex(bytes: &[Option<u8>]) -> String {
    use fmt::Write as _;
    let mut source = String::from("(?s-u:");
    for byte in bytes {
        match byte {
            // Writing to a String cannot fail.
            Some(b) => {
                let _ = write!(source, "\\x{b:02x}");
            }
            None => source.push('.'),
        }
    }
    source.push(')');
    source
}

/// A compiled query: the matcher the scanner runs, plus what the scanner needs to know about
/// it (its longest possible match).
///
/// Cloning is cheap (the compiled program is shared); `Pattern` is `Send + Sync`, so a worker
/// thread can own a clone.
#[derive(Debug, Clone)]
pub struct Pattern {
    regex: meta::Regex,
    source: String,
    case_insensitive: bool,
    unicode: bool,
    max_len: Option<usize>,
    min_len: Option<usize>,
}

impl Pattern {
    fn build(
        source: String,
        case_insensitive: bool,
        unicode: bool,
    ) -> Result<Pattern, SearchError> {
        let syntax = syntax::Config::new()
            .utf8(false)
            .unicode(unicode)
            .case_insensitive(case_insensitive);
        // Parse once ourselves: the HIR gives the structural maximum length the scanner's
        // overlap needs, and the meta builder then compiles the same HIR it would have parsed.
        let hir = syntax::parse_with(&source, &syntax).map_err(|e| regex_error(&e))?;
        let properties = hir.properties();
        let (max_len, min_len) = (properties.maximum_len(), properties.minimum_len());
        let config = meta::Config::new()
            .match_kind(regex_automata::MatchKind::LeftmostFirst)
            .utf8_empty(false)
            .nfa_size_limit(Some(NFA_SIZE_LIMIT))
            .hybrid_cache_capacity(HYBRID_CACHE_CAPACITY);
        let regex = meta::Builder::new()
            .configure(config)
            .build_from_hir(&hir)
            .map_err(|err| match err.size_limit() {
                Some(limit) => SearchError::TooLarge { limit },
                None => SearchError::Build {
                    message: std::error::Error::source(&err)
                        .map_or_else(|| err.to_string(), ToString::to_string),
                },
            })?;
        Ok(Pattern {
            regex,
            source,
            case_insensitive,
            unicode,
            max_len,
            min_len,
        })
    }

    /// The longest match possible, in bytes, or `None` when the pattern is unbounded
    /// (`+`, `*`, `{n,}`). Structural: `\w` counts 4 bytes because a Unicode word character
    /// can be. The scanner overlaps chunks by this much, which makes bounded patterns exact.
    pub fn max_len(&self) -> Option<usize> {
        self.max_len
    }

    /// True when the pattern can match zero bytes (`x*`, `^`, `\b`): every position may then
    /// hold a match, which a caller may want to warn about.
    pub fn can_match_empty(&self) -> bool {
        self.min_len == Some(0)
    }

    /// The regex text the engine compiled: the pattern itself for regex queries, the escaped
    /// text for text queries, `(?s-u:\xde\xad.)` style for hex.
    /// `regex::bytes::RegexBuilder::new(source).case_insensitive(ci).unicode(u)` with
    /// `ci =` [`Pattern::is_case_insensitive`] and `u =` [`Pattern::is_unicode`] builds the
    /// same matcher; the tests rely on it.
    pub fn regex_source(&self) -> &str {
        &self.source
    }

    /// Whether case folding was switched on from outside the pattern (the query's flag).
    pub fn is_case_insensitive(&self) -> bool {
        self.case_insensitive
    }

    /// Whether the pattern was compiled with Unicode semantics from outside (the query's
    /// flag, or a text query); `(?u)` inside a byte-mode pattern does not change this.
    pub fn is_unicode(&self) -> bool {
        self.unicode
    }

    /// The first match in `haystack`, as `regex::bytes::Regex::find` would report it.
    pub fn find(&self, haystack: &[u8]) -> Option<Range<usize>> {
        self.find_at(haystack, 0)
    }

    /// The first match starting at or after `start`, with the bytes before `start` still
    /// visible to look-around (`^`, `\b`), like `regex::bytes::Regex::find_at`. `None` when
    /// `start` is past the end. Used to highlight matches inside a window on screen.
    pub fn find_at(&self, haystack: &[u8], start: usize) -> Option<Range<usize>> {
        if start > haystack.len() {
            return None;
        }
        self.regex
            .search(&Input::new(haystack).range(start..))
            .map(|m| m.range())
    }

    /// Number of capture groups, counting the implicit group 0 (the whole match).
    pub fn captures_len(&self) -> usize {
        self.regex.captures_len()
    }

    /// The capture groups of the match at `span` (group 0 first), or `None` when there is no
    /// match exactly there.
    ///
    /// The scanner reports spans only (groups would cost an extra pass per match on the whole
    /// file); a caller that wants groups re-runs this on the bytes around one match. The
    /// search is anchored at `span.start` and limited to `span.end`, which reproduces the
    /// groups `regex::bytes::Regex::captures_iter` gives for that match: leftmost-first picks
    /// the same match when the alternatives are restricted to those ending by `span.end`.
    /// Pass the bytes around the span (a few bytes either side) so `\b`, `^` and `$` see
    /// their neighbours.
    pub fn captures(
        &self,
        haystack: &[u8],
        span: Range<usize>,
    ) -> Option<Vec<Option<Range<usize>>>> {
        if span.start > span.end || span.end > haystack.len() {
            return None;
        }
        let input = Input::new(haystack)
            .range(span.clone())
            .anchored(Anchored::Yes);
        let mut caps: Captures = self.regex.create_captures();
        self.regex.search_captures(&input, &mut caps);
        let whole = caps.get_match()?;
        if whole.range() != span {
            return None;
        }
        Some(
            (0..caps.group_len())
                .map(|i| caps.get_group(i).map(|s| s.range()))
                .collect(),
        )
    }

    /// The compiled matcher, for the scanner.
    pub(crate) fn regex(&self) -> &meta::Regex {
        &self.regex
    }
}

fn regex_error(err: &regex_syntax::Error) -> SearchError {
    let (message, span) = match err {
        regex_syntax::Error::Parse(e) => (e.kind().to_string(), Some(*e.span())),
        regex_syntax::Error::Translate(e)
            if *e.kind() == regex_syntax::hir::ErrorKind::UnicodeNotAllowed =>
        {
            (
                "Unicode not allowed here in byte mode: write bytes (`\\xNN`), start the \
                 pattern with `(?u)` or turn Unicode on"
                    .to_string(),
                Some(*e.span()),
            )
        }
        regex_syntax::Error::Translate(e) => (e.kind().to_string(), Some(*e.span())),
        _ => (err.to_string(), None),
    };
    SearchError::InvalidRegex {
        message,
        offset: span.map(|s| s.start.offset),
        column: span.map(|s| s.start.column),
        rendered: err.to_string(),
    }
}

#[cfg(test)]
mod tests;
