//! Substitution, "a sed for binary files": every match of a [`Pattern`] in a [`ByteSource`]
//! becomes the expansion of a [`Template`], reported in order as [`Replacement`]s, which a
//! caller turns into a [`Layout`] ([`LayoutBuilder`]) or streams into a writer ([`Splice`]).
//!
//! **Which matches.** Exactly those `regex::bytes::Regex::replace_all` replaces over the whole
//! source: the search engine's matches ([`Scanner`], the same engine as `/` and `maphex
//! find`), leftmost-first, never overlapping, with `find_iter`'s rule for empty matches (none
//! right where the previous match ended). The tests compare the two on random bytes with tiny
//! windows. The scan reads the source in windows with overlap (the scanner's machinery, so
//! matches across window boundaries and the long-match limit behave as in search); nothing
//! reads the whole source.
//!
//! **A range** ([`ReplaceConfig::range`], the selection): only matches lying wholly inside
//! `a..b` are replaced, as `replace_all` on the bytes `a..b` would find them, except that
//! look-around (`\b`, `^`) at `a` sees the byte before it; `$` matches at `b`. **First only**
//! ([`ReplaceConfig::first_only`], vim's `:s` without `g`): the first match starting at or
//! after `a`.
//!
//! **Speed.** A template without group references (the common `s/word/X/g`) never asks for
//! captures: the replacer runs the plain search (memchr/memmem prefilters for literals) and
//! hands out the same borrowed bytes for every match; with groups, each match is searched
//! once more, anchored, for its captures, into buffers reused across matches. No allocation
//! per match either way.
//!
//! Cancellation and progress: [`Replacer::step`] does one window (16 MiB by default); a
//! worker loops on it, or calls [`Replacer::run`] with a cancel flag and a progress
//! callback.

mod template;

use std::borrow::Cow;
use std::io;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

use regex_automata::util::captures::Captures;
use regex_automata::{Anchored, Input, meta};
use thiserror::Error;

pub use template::{Template, TemplateError, TemplateProblem};

use crate::core::layout::Layout;
use crate::core::search::{LOOK_AROUND, Match, Pattern, ScanConfig, Scanner, StepResult};
use crate::core::source::ByteSource;

/// What to replace and how the scan cuts its work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplaceConfig {
    /// Only matches inside this range are replaced (see the module docs); `0..u64::MAX`,
    /// the default, is the whole source.
    pub range: Range<u64>,
    /// Replace only the first match (at or after `range.start`).
    pub first_only: bool,
    /// Window sizes of the scan. The tests make them tiny so matches cross windows.
    pub scan: ScanConfig,
}

impl Default for ReplaceConfig {
    fn default() -> Self {
        ReplaceConfig {
            range: 0..u64::MAX,
            first_only: false,
            scan: ScanConfig::default(),
        }
    }
}

/// One replacement: the bytes at `range` of the source become `bytes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replacement<'a> {
    /// Offset of the first byte of the match.
    pub start: u64,
    /// Offset just past the match (`== start` for an empty match, an insertion).
    pub end: u64,
    /// What the match becomes (empty: a deletion).
    pub bytes: &'a [u8],
}

impl Replacement<'_> {
    /// `start..end`.
    pub fn range(&self) -> Range<u64> {
        self.start..self.end
    }

    /// Bytes of the match.
    pub fn old_len(&self) -> u64 {
        self.end - self.start
    }

    /// True when the replacement is as long as the match (an overwrite, no length change).
    pub fn same_len(&self) -> bool {
        self.bytes.len() as u64 == self.old_len()
    }
}

/// How a [`Replacer::run`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunEnd {
    /// Every match in the range was handed out (or the first one, with `first_only`).
    Done,
    /// The sink returned `false`; [`Replacer::run`] or [`Replacer::step`] resumes after it.
    Stopped,
    /// The cancel flag was set; what was handed out so far stands.
    Cancelled,
}

/// Totals of what a replacer has handed out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Replacements.
    pub count: u64,
    /// Bytes of all the matches.
    pub old_bytes: u64,
    /// Bytes of all the replacements.
    pub new_bytes: u64,
    /// True while every replacement was as long as its match.
    pub same_len: bool,
}

/// The source as the scanner sees it: cut at `end` (the range's end), so matches end by it.
struct Clip<'s, S: ?Sized> {
    inner: &'s S,
    end: u64,
}

impl<S: ByteSource + ?Sized> ByteSource for Clip<'_, S> {
    fn len(&self) -> u64 {
        self.inner.len().min(self.end)
    }

    fn read(&self, range: Range<u64>) -> Cow<'_, [u8]> {
        let end = range.end.min(self.len());
        self.inner.read(range.start.min(end)..end)
    }
}

/// The capture machinery, only built when the template refers to groups.
#[derive(Debug, Clone)]
struct Groups {
    regex: meta::Regex,
    cache: meta::Cache,
    caps: Captures,
}

/// A resumable substitution of one pattern over one source (which must not change between
/// steps; hand it a snapshot).
#[derive(Debug, Clone)]
pub struct Replacer {
    template: Template,
    scanner: Scanner,
    end: u64,
    first_only: bool,
    groups: Option<Groups>,
    /// The replacement being built (templates with groups), reused across matches.
    buf: Vec<u8>,
    totals: Totals,
    done: bool,
}

impl Replacer {
    /// A substitution of `pattern` by `template` (which must have been parsed for this
    /// pattern, [`Template::new`]) over `config.range`.
    pub fn new(pattern: &Pattern, template: Template, config: &ReplaceConfig) -> Replacer {
        let groups = template.uses_groups().then(|| {
            let regex = pattern.regex().clone();
            Groups {
                cache: regex.create_cache(),
                caps: regex.create_captures(),
                regex,
            }
        });
        Replacer {
            template,
            // Starts from range.start; the clip below ends the matches by range.end, and
            // the scan includes the final empty match at the clipped end.
            scanner: Scanner::new(pattern, config.range.start..u64::MAX, config.scan),
            end: config.range.end,
            first_only: config.first_only,
            groups,
            buf: Vec::new(),
            totals: Totals {
                same_len: true,
                ..Totals::default()
            },
            done: false,
        }
    }

    /// What has been handed out so far.
    pub fn totals(&self) -> Totals {
        self.totals
    }

    /// Progress: every replacement for a match starting before this offset has been handed
    /// out.
    pub fn position(&self) -> u64 {
        self.scanner.position()
    }

    /// True once the range has been searched (or the first match replaced, with
    /// `first_only`).
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// The offset of the first match longer than the scan follows
    /// ([`crate::core::search::LONG_MATCH_LIMIT`]), which was cut there; what follows it may
    /// differ from a whole-source `replace_all`.
    pub fn first_too_long(&self) -> Option<u64> {
        self.scanner.first_too_long()
    }

    /// Searches one window of `src` and hands each replacement, in order, to `sink`;
    /// `sink` returning `false` stops (a later step resumes after that replacement).
    pub fn step<S, F>(&mut self, src: &S, mut sink: F) -> StepResult
    where
        S: ByteSource + ?Sized,
        F: FnMut(Replacement<'_>) -> bool,
    {
        if self.done {
            return StepResult::Done;
        }
        let clip = Clip {
            inner: src,
            end: self.end,
        };
        let Replacer {
            template,
            scanner,
            first_only,
            groups,
            buf,
            totals,
            done,
            ..
        } = self;
        let literal = template.literal();
        let mut stopped = false;
        let result = scanner.step(&clip, |m: Match| {
            let bytes: &[u8] = match (literal, groups.as_mut()) {
                (Some(lit), _) => lit,
                (None, Some(g)) => {
                    buf.clear();
                    expand_match(template, g, &clip, m, buf);
                    buf
                }
                (None, None) => &[],
            };
            let r = Replacement {
                start: m.start,
                end: m.end(),
                bytes,
            };
            totals.count += 1;
            totals.old_bytes += m.len;
            totals.new_bytes += bytes.len() as u64;
            totals.same_len &= r.same_len();
            if *first_only {
                *done = true;
                sink(r);
                return false;
            }
            let go_on = sink(r);
            stopped = !go_on;
            go_on
        });
        if result == StepResult::Done || *done {
            *done = true;
            return StepResult::Done;
        }
        if stopped { StepResult::Stopped } else { result }
    }

    /// Steps until done, the sink says stop, or `cancel` is set (checked between windows);
    /// `progress` gets [`Replacer::position`] after each window.
    pub fn run<S, F>(
        &mut self,
        src: &S,
        cancel: &AtomicBool,
        progress: &mut dyn FnMut(u64),
        mut sink: F,
    ) -> RunEnd
    where
        S: ByteSource + ?Sized,
        F: FnMut(Replacement<'_>) -> bool,
    {
        loop {
            if cancel.load(Ordering::Relaxed) {
                return RunEnd::Cancelled;
            }
            let r = self.step(src, &mut sink);
            progress(self.position());
            match r {
                StepResult::More => {}
                StepResult::Stopped => return RunEnd::Stopped,
                StepResult::Done => return RunEnd::Done,
            }
        }
    }
}

/// Expands the template for match `m` into `out`: the captures of an anchored search at the
/// match's start limited to its end, which reproduces the groups `captures_iter` gives (see
/// [`Pattern::captures`]).
fn expand_match<S: ByteSource + ?Sized>(
    template: &Template,
    g: &mut Groups,
    src: &S,
    m: Match,
    out: &mut Vec<u8>,
) {
    let lo = m.start.saturating_sub(LOOK_AROUND);
    let window = src.read(lo..m.end().saturating_add(LOOK_AROUND));
    let hay: &[u8] = &window;
    let to = |o: u64| usize::try_from(o - lo).unwrap_or(usize::MAX).min(hay.len());
    let span = to(m.start)..to(m.end());
    let input = Input::new(hay).range(span).anchored(Anchored::Yes);
    g.regex
        .search_captures_with(&mut g.cache, &input, &mut g.caps);
    let caps = &g.caps;
    template.expand_into(|n| caps.get_group(n).map(|s| &hay[s.range()]), out);
}

/// A replacement that does not follow the one before it (or runs past the source).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error(
    "replacement at {start}..{end} does not follow the previous one (which ended at {pos}) or \
     runs past the end; replacements must be in order and inside the source"
)]
pub struct OrderError {
    /// The offending replacement's start.
    pub start: u64,
    /// Its end.
    pub end: u64,
    /// Where the previous one ended.
    pub pos: u64,
}

/// Builds the [`Layout`] of the source with replacements applied: `push_old` for the
/// unchanged stretches, `push_bytes` for the replacements.
#[derive(Debug, Default)]
pub struct LayoutBuilder {
    layout: Layout,
    pos: u64,
}

impl LayoutBuilder {
    /// An empty builder at offset 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one replacement, which must start at or after the end of the previous one.
    pub fn push(&mut self, r: &Replacement<'_>) -> Result<(), OrderError> {
        if r.start < self.pos || r.end < r.start {
            return Err(OrderError {
                start: r.start,
                end: r.end,
                pos: self.pos,
            });
        }
        self.layout.push_old(self.pos, r.start - self.pos);
        self.layout.push_bytes(r.bytes);
        self.pos = r.end;
        Ok(())
    }

    /// The layout of a source of `len` bytes: what was pushed, then the rest of the source.
    pub fn finish(mut self, len: u64) -> Result<Layout, OrderError> {
        if self.pos > len {
            return Err(OrderError {
                start: self.pos,
                end: self.pos,
                pos: len,
            });
        }
        self.layout.push_old(self.pos, len - self.pos);
        Ok(self.layout)
    }
}

/// The layout of a source of `len` bytes with `replacements` (in order) applied.
pub fn layout<'a>(
    replacements: impl IntoIterator<Item = Replacement<'a>>,
    len: u64,
) -> Result<Layout, OrderError> {
    let mut b = LayoutBuilder::new();
    for r in replacements {
        b.push(&r)?;
    }
    b.finish(len)
}

/// Bytes of the source [`Splice`] reads at once (bounds the memory of an owned read, e.g.
/// over unsaved edits); the unchanged stretches between matches are copied out of it.
const COPY_CHUNK: u64 = 16 << 20;

/// Streams the source with replacements applied into a writer: the unchanged stretches are
/// copied out of windows read through [`ByteSource::read`] (one read per 16 MiB, not one
/// per match), so nothing holds the whole output. Wrap the writer in a large `BufWriter`:
/// small stretches and replacements are many.
pub struct Splice<'s, S: ?Sized, W> {
    src: &'s S,
    out: W,
    pos: u64,
    written: u64,
    window: Cow<'s, [u8]>,
    window_start: u64,
}

impl<'s, S: ByteSource + ?Sized, W: io::Write> Splice<'s, S, W> {
    /// A splice of `src` into `out`, starting at offset 0.
    pub fn new(src: &'s S, out: W) -> Self {
        Splice {
            src,
            out,
            pos: 0,
            written: 0,
            window: Cow::Borrowed(&[]),
            window_start: 0,
        }
    }

    /// Writes the source's bytes up to `r.start`, then `r.bytes`.
    pub fn push(&mut self, r: &Replacement<'_>) -> io::Result<()> {
        if r.start < self.pos || r.end < r.start || r.end > self.src.len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                OrderError {
                    start: r.start,
                    end: r.end,
                    pos: self.pos,
                },
            ));
        }
        self.copy(r.start)?;
        self.out.write_all(r.bytes)?;
        self.written += r.bytes.len() as u64;
        self.pos = r.end;
        Ok(())
    }

    /// Writes the rest of the source and hands back the writer (not flushed) and the bytes
    /// written.
    pub fn finish(mut self) -> io::Result<(W, u64)> {
        self.copy(self.src.len())?;
        Ok((self.out, self.written))
    }

    fn copy(&mut self, to: u64) -> io::Result<()> {
        while self.pos < to {
            let window_end = self.window_start + self.window.len() as u64;
            if self.pos < self.window_start || self.pos >= window_end {
                self.window = self.src.read(self.pos..self.pos.saturating_add(COPY_CHUNK));
                self.window_start = self.pos;
                if self.window.is_empty() {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the source ended before its length",
                    ));
                }
                continue;
            }
            let end = to.min(window_end);
            let a = usize::try_from(self.pos - self.window_start).unwrap_or(usize::MAX);
            let b = usize::try_from(end - self.window_start).unwrap_or(usize::MAX);
            self.out.write_all(&self.window[a..b])?;
            self.written += end - self.pos;
            self.pos = end;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
