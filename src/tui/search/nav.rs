//! Finding matches from anywhere, past the stored ones: the resume points the full scan
//! leaves behind, `n`/`N` from any cursor (one short scan from the nearest point), and the
//! highlights of what is on screen. Part of [`SearchUi`], apart for length.

use std::ops::Range;

use super::{FAR_SCAN_LIMIT, Resync, SearchUi};
use crate::core::document::Document;
use crate::core::search::{Match, Pattern, ScanConfig, Scanner};
use crate::core::source::ByteSource;

impl SearchUi {
    pub(super) fn add_resync(&mut self, r: Resync) {
        if self.resync.last().is_none_or(|last| last.pos < r.pos) {
            self.resync.push(r);
        }
    }

    /// The best known state of the whole-file iteration at or before `offset`: the end of a
    /// stored match, a resumption point, or the start of the file.
    fn state_before(&self, offset: u64) -> Resync {
        let mut best = Resync {
            pos: 0,
            last_end: None,
            count: 0,
        };
        // The stored matches are every match before the horizon, so the state after the
        // last one ending by `offset` is exact.
        let i = self.index.count_before(offset.saturating_add(1));
        for k in (i.saturating_sub(2)..i).rev() {
            if let Some(m) = self.index.get(k).filter(|m| m.end() <= offset) {
                best = Resync {
                    pos: m.end(),
                    last_end: Some(m.end()),
                    count: k as u64 + 1,
                };
                break;
            }
        }
        let at = self.resync.partition_point(|r| r.pos <= offset);
        if let Some(r) = at
            .checked_sub(1)
            .and_then(|k| self.resync.get(k))
            .filter(|r| r.pos > best.pos)
        {
            best = *r;
        }
        best
    }

    /// Scans from `from`, handing each match and its 0-based number to `f` until it says
    /// stop; refuses (Err) when `from` is more than [`FAR_SCAN_LIMIT`] behind `target`.
    fn scan_from(
        &self,
        doc: &dyn ByteSource,
        from: Resync,
        target: u64,
        mut f: impl FnMut(Match, u64) -> bool,
    ) -> Result<(), String> {
        let Some(pattern) = &self.pattern else {
            return Err("no search yet: / starts one".into());
        };
        if target.saturating_sub(from.pos) > FAR_SCAN_LIMIT && self.running {
            let (pos, end) = self.progress;
            let pct = (u128::from(pos.min(end)) * 100 / u128::from(end.max(1))) as u64;
            return Err(format!(
                "the search has not reached {target:#x} yet ({pct}%); n or N again once it has"
            ));
        }
        let mut scanner = Scanner::resume(
            pattern,
            from.pos..u64::MAX,
            (from.pos, from.last_end),
            ScanConfig::default(),
        );
        let mut n = from.count;
        scanner.run(doc, |m| {
            let go = f(m, n);
            n += 1;
            go
        });
        Ok(())
    }

    /// The first match starting after `cursor`, with its 0-based number.
    pub(super) fn next_from(
        &self,
        doc: &dyn ByteSource,
        cursor: u64,
    ) -> Result<Option<(Match, u64)>, String> {
        if let Some((i, m)) = self.index.next_after(cursor) {
            return Ok(Some((m, i as u64)));
        }
        if !self.index.is_truncated() {
            return Ok(None);
        }
        let mut found = None;
        let from = self.state_before(cursor.saturating_add(1));
        self.scan_from(doc, from, cursor, |m, n| {
            if m.start > cursor {
                found = Some((m, n));
                return false;
            }
            true
        })?;
        Ok(found)
    }

    /// The last match starting before `cursor`, with its 0-based number.
    fn prev_from(&self, doc: &dyn ByteSource, cursor: u64) -> Result<Option<(Match, u64)>, String> {
        let stored = |c: u64| self.index.prev_before(c).map(|(i, m)| (m, i as u64));
        match self.index.horizon() {
            Some(h) if cursor > h => {}
            _ => return Ok(stored(cursor)),
        }
        let mut limit = cursor;
        loop {
            let from = self.state_before(limit);
            let mut last = None;
            self.scan_from(doc, from, cursor, |m, n| {
                if m.start >= cursor {
                    return false;
                }
                last = Some((m, n));
                true
            })?;
            if last.is_some() {
                return Ok(last);
            }
            if from.count == 0 {
                return Ok(None);
            }
            if self.index.horizon().is_some_and(|h| from.pos <= h) {
                return Ok(stored(from.pos.saturating_add(1).min(cursor)));
            }
            // Nothing between that point and the cursor: the match is before the point.
            limit = from.pos.saturating_sub(1);
        }
    }

    /// Moves to the next or previous match from `cursor`, wrapping; returns the offset and a
    /// message. Exact wherever the cursor is, past the index cap too (issue 10): the
    /// stored matches answer when they can, else one short scan from the nearest known
    /// state of the whole-file iteration.
    pub fn step(
        &mut self,
        doc: &Document,
        cursor: u64,
        forward: bool,
    ) -> Result<(u64, Option<String>), String> {
        if self.pattern.is_none() {
            return Err("no search yet: / starts one".into());
        }
        if self.index.is_empty() {
            return Err(if self.running {
                "no match found yet; still searching".into()
            } else {
                format!("no match for /{}/", self.text)
            });
        }
        let (found, wrapped) = if forward {
            match self.next_from(doc, cursor)? {
                Some(x) => (x, false),
                None => (self.next_from(doc, 0)?.ok_or("no match")?, true),
            }
        } else {
            match self.prev_from(doc, cursor)? {
                Some(x) => (x, false),
                None => (self.prev_from(doc, u64::MAX)?.ok_or("no match")?, true),
            }
        };
        // `next_from(0)` skips a match at 0; the first match is the stored first one.
        let found = if wrapped && forward {
            self.index.get(0).map_or(found, |m| (m, 0))
        } else {
            found
        };
        self.set_current(found);
        let msg = if wrapped {
            Some(if forward {
                "search wrapped to the top".to_string()
            } else {
                "search wrapped to the bottom".to_string()
            })
        } else {
            self.status_line()
        };
        Ok((found.0.start, msg))
    }

    pub(super) fn set_current(&mut self, (m, n): (Match, u64)) {
        if let Some(i) = usize::try_from(n)
            .ok()
            .filter(|&i| self.index.get(i) == Some(m))
        {
            self.current = Some(i);
            self.far = None;
            self.pane_sel = i;
        } else {
            self.current = None;
            self.far = Some((m, n));
        }
    }

    /// Matches overlapping `range`, as (start, len), for highlighting. Past the index's
    /// horizon (matches counted but not stored) the matches come from one short scan from
    /// the nearest known state of the whole-file iteration, so they are the real ones
    /// wherever the user scrolls (cached for the last range drawn). Only ahead of a running
    /// scan, more than 64 MiB past what it has passed, the pattern runs over the window
    /// itself (a match straddling the window's start may then be missed).
    pub fn matches_in(&self, doc: &Document, range: Range<u64>) -> Vec<(u64, u64)> {
        let mut out: Vec<(u64, u64)> = self
            .index
            .in_range(range.clone())
            .map(|(_, m)| (m.start, m.len.max(1)))
            .collect();
        let (Some(h), Some(p)) = (self.index.horizon(), &self.pattern) else {
            return out;
        };
        if range.end <= h {
            return out;
        }
        let cached = self
            .highlight_cache
            .borrow()
            .as_ref()
            .filter(|(g, r, _)| *g == self.generation && *r == range && !self.running)
            .map(|(_, _, v)| v.clone());
        if let Some(v) = cached {
            out.extend(v);
            return out;
        }
        let from = self.state_before(range.start);
        let mut far = Vec::new();
        let exact = self.scan_from(doc, from, range.start, |m, _| {
            if m.start >= range.end {
                return false;
            }
            if m.start >= h && (m.end() > range.start || m.start >= range.start) {
                far.push((m.start, m.len.max(1)));
            }
            true
        });
        if exact.is_err() {
            far = Self::window_matches(p, doc, range.start.max(h), range.end);
        }
        *self.highlight_cache.borrow_mut() = Some((self.generation, range, far.clone()));
        out.extend(far);
        out
    }

    /// The matches of `p` run over the window `from..to` itself (approximate at its start).
    fn window_matches(p: &Pattern, doc: &Document, from: u64, to: u64) -> Vec<(u64, u64)> {
        let mut out = Vec::new();
        let ctx = crate::core::search::LOOK_AROUND;
        let lo = from.saturating_sub(ctx);
        let reach = p.max_len().map_or(4096, |n| n as u64).min(4096);
        let window = doc.read(lo..to.saturating_add(reach + ctx));
        let mut at = usize::try_from(from - lo).unwrap_or(0);
        let stop = usize::try_from(to - lo).unwrap_or(usize::MAX);
        while at < stop {
            let Some(m) = p.find_at(&window, at) else {
                break;
            };
            if m.start >= stop {
                break;
            }
            out.push((lo + m.start as u64, (m.end - m.start).max(1) as u64));
            at = if m.end > m.start { m.end } else { m.end + 1 };
        }
        out
    }
}
