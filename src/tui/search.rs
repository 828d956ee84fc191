//! Search state in the UI: the query, the match index filled by the worker, progress, the
//! current match and the search pane's selection. Pure state; the worker runs elsewhere.

use std::ops::Range;
use std::sync::Arc;

use crate::core::document::Document;
use crate::core::search::{Match, MatchIndex, Pattern, Query, QueryKind, ScanConfig};
use crate::core::source::ByteSource;
pub use crate::tui::search_worker::SearchRequest;
use crate::tui::search_worker::WorkerMsg;

/// How many matches the index stores before only counting, by default (12 MB of index).
pub const STORE_CAP: u64 = 1_000_000;

/// A re-search after an edit, in progress.
struct Region {
    /// The bytes edited.
    edit: Range<u64>,
    /// Stored matches from here on are replaced by what the scan finds.
    replace_from: u64,
    /// Matches found so far.
    found: Vec<Match>,
}

/// Search state.
pub struct SearchUi {
    /// Kind the next prompt starts with.
    pub kind: QueryKind,
    /// Fold case (Ctrl-T in the prompt); regex patterns can also say `(?i)`.
    pub ignore_case: bool,
    /// Unicode semantics for regex patterns (Ctrl-X in the prompt; `(?u)` in the pattern);
    /// off means bytes, as Python's `re` on bytes.
    pub unicode: bool,
    /// Matches stored before only counting.
    pub store_cap: u64,
    /// The pattern text of the last search.
    pub text: String,
    pattern: Option<Arc<Pattern>>,
    /// Matches found so far.
    pub index: MatchIndex,
    /// Matches past the index cap that the worker counted without sending.
    unsent: u64,
    /// A scan is running.
    pub running: bool,
    /// A full scan (not a region re-search) is running.
    full: bool,
    /// Generation of the newest request.
    generation: u64,
    /// Scan position and end, for the percentage.
    progress: (u64, u64),
    /// Start offset of the range being re-searched (matches there are replaced).
    region: Option<Region>,
    /// The runtime should stop the worker (a region search caught up).
    want_cancel: bool,
    /// Index of the current match.
    current: Option<usize>,
    /// Jump to the first match at or after this offset when it arrives.
    pending_jump: Option<u64>,
    /// The last search was cancelled.
    cancelled: bool,
    /// Matches possibly longer than the scan window.
    long_matches: u64,
    /// Edits arrived while a full scan was running: scan again when it ends.
    stale: bool,
    /// The search pane is shown.
    pub pane_open: bool,
    /// Keys go to the search pane.
    pub pane_focus: bool,
    /// Selected row of the pane.
    pub pane_sel: usize,
}

impl Default for SearchUi {
    fn default() -> Self {
        Self {
            kind: QueryKind::Regex,
            ignore_case: false,
            unicode: false,
            store_cap: STORE_CAP,
            text: String::new(),
            pattern: None,
            index: MatchIndex::with_cap(usize::try_from(STORE_CAP).unwrap_or(usize::MAX)),
            unsent: 0,
            running: false,
            full: false,
            generation: 0,
            progress: (0, 0),
            region: None,
            want_cancel: false,
            current: None,
            pending_jump: None,
            cancelled: false,
            long_matches: 0,
            stale: false,
            pane_open: false,
            pane_focus: false,
            pane_sel: 0,
        }
    }
}

impl SearchUi {
    /// Every match counted, stored or not.
    pub fn total(&self) -> u64 {
        self.index.total() + self.unsent
    }

    /// Compiles a query and prepares a whole-file search; the first match at or after
    /// `cursor` becomes current as soon as it is found.
    pub fn prepare(
        &mut self,
        kind: QueryKind,
        text: &str,
        cursor: u64,
        doc: &Document,
    ) -> Result<SearchRequest, String> {
        let query = Query {
            kind,
            pattern: text.to_string(),
            case_insensitive: self.ignore_case,
            unicode: self.unicode,
        };
        let pattern = query.compile().map_err(|e| e.to_string())?;
        self.kind = kind;
        self.text = text.to_string();
        self.pattern = Some(Arc::new(pattern));
        self.index = MatchIndex::with_cap(usize::try_from(self.store_cap).unwrap_or(usize::MAX));
        self.current = None;
        self.pane_sel = 0;
        self.pending_jump = Some(cursor);
        Ok(self.full_request(doc))
    }

    fn full_request(&mut self, doc: &Document) -> SearchRequest {
        self.generation += 1;
        self.running = true;
        self.full = true;
        self.cancelled = false;
        self.stale = false;
        self.region = None;
        self.long_matches = 0;
        self.progress = (0, doc.len());
        self.index.clear();
        self.unsent = 0;
        SearchRequest {
            generation: self.generation,
            pattern: Arc::clone(self.pattern.as_ref().expect("pattern set before a request")),
            snapshot: doc.snapshot(),
            range: 0..u64::MAX,
            prev_end: None,
            store_cap: self.store_cap,
        }
    }

    /// A request to search again after an edit: from the last match the edit cannot have
    /// changed, until the new matches fall back in step with the stored ones (see
    /// [`MatchIndex::restart_point`]); or everything when a full scan was interrupted or the
    /// index is capped. The result equals a full search of the edited bytes.
    pub fn after_edit(
        &mut self,
        doc: &Document,
        span: Option<Range<u64>>,
    ) -> Option<SearchRequest> {
        let pattern = Arc::clone(self.pattern.as_ref()?);
        let mut span = span?;
        if self.full && self.running {
            self.stale = true;
            return None;
        }
        if self.index.is_truncated() || self.cancelled {
            let keep = self
                .current
                .and_then(|i| self.index.get(i))
                .map(|m| m.start);
            let req = self.full_request(doc);
            self.pending_jump = keep;
            return Some(req);
        }
        // A region search still running covers an earlier edit: cover both.
        if let Some(r) = self.region.take() {
            span = span.start.min(r.edit.start)..span.end.max(r.edit.end);
        }
        let overlap = ScanConfig::default().overlap(&pattern);
        let restart = self.index.restart_point(span.start, overlap);
        self.generation += 1;
        self.running = true;
        self.full = false;
        self.region = Some(Region {
            edit: span,
            replace_from: restart.replace_from,
            found: Vec::new(),
        });
        Some(SearchRequest {
            generation: self.generation,
            pattern,
            snapshot: doc.snapshot(),
            range: restart.scan_from..u64::MAX,
            prev_end: restart.previous_match_end,
            store_cap: u64::MAX,
        })
    }

    /// True (once) when the running region search caught up with the stored matches and the
    /// worker can be stopped.
    pub fn take_cancel_request(&mut self) -> bool {
        std::mem::take(&mut self.want_cancel)
    }

    fn finish_region(&mut self, region: Region, until: u64) {
        let keep = self
            .current
            .and_then(|i| self.index.get(i))
            .map(|m| m.start);
        self.index
            .replace_range(region.replace_from..until, region.found);
        self.current = keep.and_then(|k| self.index.next_at_or_after(k).map(|(i, _)| i));
    }

    /// Takes a worker message; returns an offset to jump to when the first match after the
    /// cursor just arrived.
    pub fn on_msg(&mut self, msg: WorkerMsg) -> Option<u64> {
        match msg {
            WorkerMsg::Found {
                generation,
                matches,
                unsent,
            } if generation == self.generation => {
                if let Some(mut region) = self.region.take() {
                    let sync = region
                        .edit
                        .end
                        .saturating_add(crate::core::search::LOOK_AROUND);
                    for m in matches {
                        if m.end() >= sync && self.index.contains(m) {
                            // In step again: everything from here on is already stored.
                            self.finish_region(region, m.start);
                            self.running = false;
                            self.want_cancel = true;
                            // The cancelled worker's last messages belong to no search now.
                            self.generation += 1;
                            return None;
                        }
                        region.found.push(m);
                    }
                    self.region = Some(region);
                    return None;
                }
                for m in matches {
                    self.index.push(m);
                }
                self.unsent += unsent;
                self.try_jump()
            }
            WorkerMsg::Progress { generation, pos } if generation == self.generation => {
                self.progress.0 = pos;
                None
            }
            WorkerMsg::Done {
                generation,
                cancelled,
                long_matches,
            } if generation == self.generation => {
                self.running = false;
                self.long_matches += long_matches;
                if let Some(region) = self.region.take() {
                    if !cancelled {
                        self.finish_region(region, u64::MAX);
                    }
                    return None;
                }
                self.cancelled = cancelled;
                let jump = self.try_jump().or_else(|| {
                    // Nothing at or after the cursor: wrap to the first match.
                    self.pending_jump.take()?;
                    let (i, m) = self.index.next_at_or_after(0)?;
                    self.current = Some(i);
                    Some(m.start)
                });
                self.pending_jump = None;
                jump
            }
            _ => None,
        }
    }

    fn try_jump(&mut self) -> Option<u64> {
        let from = self.pending_jump?;
        let (i, m) = self.index.next_at_or_after(from)?;
        self.pending_jump = None;
        self.current = Some(i);
        self.pane_sel = i;
        Some(m.start)
    }

    /// True when edits arrived during a full scan, so it must run again.
    pub fn take_stale(&mut self) -> bool {
        !self.running && std::mem::take(&mut self.stale)
    }

    /// A fresh full request (after a stale scan).
    pub fn restart(&mut self, doc: &Document) -> Option<SearchRequest> {
        self.pattern.as_ref()?;
        Some(self.full_request(doc))
    }

    /// The cancel took effect.
    pub fn mark_cancelled(&mut self) {
        self.running = false;
        self.cancelled = true;
        self.region = None;
        // The stopped worker's last messages belong to no search now, and a cancelled scan
        // must not restart itself because edits came in while it ran.
        self.generation += 1;
        self.stale = false;
    }

    /// Moves to the next or previous match from `cursor`, wrapping; returns the offset and a
    /// message when it wrapped.
    pub fn step(&mut self, cursor: u64, forward: bool) -> Result<(u64, Option<String>), String> {
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
            if let Some(x) = self.index.next_after(cursor) {
                (x, false)
            } else {
                (self.index.next_at_or_after(0).ok_or("no match")?, true)
            }
        } else {
            if let Some(x) = self.index.prev_before(cursor) {
                (x, false)
            } else {
                let last = self.index.len().checked_sub(1).ok_or("no match")?;
                ((last, self.index.get(last).ok_or("no match")?), true)
            }
        };
        self.current = Some(found.0);
        self.pane_sel = found.0;
        let msg = if wrapped {
            Some(if forward {
                "search wrapped to the top".to_string()
            } else {
                "search wrapped to the bottom".to_string()
            })
        } else {
            self.status_line()
        };
        Ok((found.1.start, msg))
    }

    /// Matches overlapping `range`, as (start, len), for highlighting. Past the index's
    /// horizon (matches counted but not stored) the pattern runs over the window itself, so
    /// every match on screen is highlighted wherever the user scrolls; there the alignment
    /// starts at the window (a match straddling the window's start may be missed).
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
        let from = range.start.max(h);
        let ctx = crate::core::search::LOOK_AROUND;
        let lo = from.saturating_sub(ctx);
        let reach = p.max_len().map_or(4096, |n| n as u64).min(4096);
        let window = doc.read(lo..range.end.saturating_add(reach + ctx));
        let mut at = usize::try_from(from - lo).unwrap_or(0);
        let stop = usize::try_from(range.end - lo).unwrap_or(usize::MAX);
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

    /// The current match, as (start, len).
    pub fn current_match(&self) -> Option<(u64, u64)> {
        self.current
            .and_then(|i| self.index.get(i))
            .map(|m| (m.start, m.len.max(1)))
    }

    /// "match i of N" and progress, for the message line.
    pub fn status_line(&self) -> Option<String> {
        self.pattern.as_ref()?;
        let total = self.total();
        let more = if self.running { "+" } else { "" };
        let listed = if self.index.is_truncated() {
            format!(" (first {} listed)", self.index.len())
        } else {
            String::new()
        };
        Some(match self.current {
            Some(i) => format!("match {} of {total}{more}{listed}", i + 1),
            None => format!("{total}{more} matches{listed}"),
        })
    }

    /// Short form for the status bar: percent while scanning, count after.
    pub fn status_short(&self) -> Option<String> {
        self.pattern.as_ref()?;
        let total = self.total();
        if self.running && self.full {
            let (pos, end) = self.progress;
            let pct = if end == 0 {
                100
            } else {
                (u128::from(pos.min(end)) * 100 / u128::from(end)) as u64
            };
            Some(format!("searching {pct}% {total} found"))
        } else if self.cancelled {
            Some(format!("cancelled: {total} found"))
        } else {
            match self.current {
                Some(i) => Some(format!("match {}/{total}", i + 1)),
                None => Some(format!("{total} matches")),
            }
        }
    }

    /// Moves the pane selection.
    pub fn pane_move(&mut self, delta: i64) {
        let n = self.index.len();
        if n == 0 {
            return;
        }
        let sel = i64::try_from(self.pane_sel)
            .unwrap_or(0)
            .saturating_add(delta);
        self.pane_sel = usize::try_from(sel.max(0)).unwrap_or(0).min(n - 1);
    }

    /// The offset of the selected pane row.
    pub fn pane_selected_offset(&mut self) -> Option<u64> {
        let m = self.index.get(self.pane_sel)?;
        self.current = Some(self.pane_sel);
        Some(m.start)
    }

    /// Scan position and end of the running or last full scan.
    pub fn progress(&self) -> (u64, u64) {
        self.progress
    }

    /// True when the last full scan was cancelled.
    pub fn was_cancelled(&self) -> bool {
        self.cancelled
    }

    /// Long-match warning for the pane title.
    pub fn long_matches(&self) -> u64 {
        self.long_matches
    }
}

/// A short escaped preview of bytes: printable ASCII as is, the rest as `\xNN`.
pub fn preview(doc: &Document, m: Match, max: usize) -> (String, String) {
    let n = m.len.clamp(1, max as u64);
    let bytes = doc.read(m.start..m.start + n);
    let hex: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let mut text = String::new();
    for &b in bytes.iter() {
        if (0x20..0x7f).contains(&b) {
            text.push(char::from(b));
        } else {
            text.push('.');
        }
    }
    if m.len > n {
        text.push('…');
    }
    (hex.join(" "), text)
}
