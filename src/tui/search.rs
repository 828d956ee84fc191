//! Search state in the UI: the query, the match index filled by the worker, progress, the
//! current match and the search pane's selection. Pure state; the worker runs elsewhere.

use std::cell::RefCell;
use std::ops::Range;
use std::sync::Arc;

use crate::core::document::Document;
use crate::core::search::{Match, MatchIndex, Pattern, Query, QueryKind, ScanConfig};
use crate::core::source::ByteSource;
pub use crate::tui::search_worker::SearchRequest;

mod nav;
mod shift;
use crate::tui::search_worker::WorkerMsg;

/// How many matches the index stores before only counting, by default (12 MB of index).
pub const STORE_CAP: u64 = 1_000_000;

/// Where the whole-file iteration stood at `pos`, past the stored matches: resuming a
/// scan there with `last_end` ([`Scanner::resume`]) gives exactly the matches from `pos` on,
/// and `count` matches start before `pos`. Kept as the full scan passes (about one per
/// [`POINT_EVERY`](crate::tui::search_worker::POINT_EVERY) bytes where matches are dense,
/// one per chunk elsewhere), so `n`, `N` and highlights past the cap cost one short scan,
/// not a scan from the start of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Resync {
    pos: u64,
    last_end: Option<u64>,
    count: u64,
}

/// Highlights computed past the cap: (generation, range drawn, matches as (start, len)).
type Highlights = (u64, Range<u64>, Vec<(u64, u64)>);

/// How far past the last known resumption point `n`/`N` and highlights scan before giving
/// up (only possible ahead of a running scan): 64 MiB, about 100 ms.
const FAR_SCAN_LIMIT: u64 = 64 << 20;

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
    /// The current match when it lies past the stored ones, with its 0-based number.
    far: Option<(Match, u64)>,
    /// Resumption points past the stored matches, by position.
    resync: Vec<Resync>,
    /// The bytes the running or last full scan searches, for the jump to the first match
    /// after the cursor when that lies past the stored matches.
    snapshot: Option<crate::core::document::Snapshot>,
    /// The last highlight scan past the cap: (generation, range, matches).
    highlight_cache: RefCell<Option<Highlights>>,
    /// Jump to the first match at or after this offset when it arrives.
    pending_jump: Option<u64>,
    /// The last search was cancelled.
    cancelled: bool,
    /// Matches possibly longer than the scan window.
    long_matches: u64,
    /// Offset of the first match cut at the long-match limit.
    too_long: Option<u64>,
    /// Edits arrived while a full scan was running: scan again when it ends.
    stale: bool,
    /// Bytes that edits moving offsets touched since the last re-search (the stored matches
    /// were shifted past them; these are searched again with the next edit's re-search).
    moved: Option<Range<u64>>,
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
            far: None,
            resync: Vec::new(),
            highlight_cache: RefCell::new(None),
            snapshot: None,
            pending_jump: None,
            cancelled: false,
            long_matches: 0,
            too_long: None,
            stale: false,
            moved: None,
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
        let pattern = match query.compile() {
            Ok(p) => p,
            Err(e) => {
                // The old search's count and highlights would describe a query that is not
                // the one typed: forget it.
                self.forget();
                return Err(e.to_string());
            }
        };
        self.kind = kind;
        self.text = text.to_string();
        self.pattern = Some(Arc::new(pattern));
        self.index = MatchIndex::with_cap(usize::try_from(self.store_cap).unwrap_or(usize::MAX));
        self.current = None;
        self.far = None;
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
        self.moved = None;
        self.region = None;
        self.long_matches = 0;
        self.too_long = None;
        self.progress = (0, doc.len());
        self.index.clear();
        self.unsent = 0;
        self.resync.clear();
        self.far = None;
        let snapshot = doc.snapshot();
        self.snapshot = Some(snapshot.clone());
        SearchRequest {
            generation: self.generation,
            pattern: Arc::clone(self.pattern.as_ref().expect("pattern set before a request")),
            snapshot,
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
        let mut span = match (span, self.moved.take()) {
            (Some(s), Some(m)) => s.start.min(m.start)..s.end.max(m.end),
            (s, m) => s.or(m)?,
        };
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
        self.far = None;
    }

    /// Takes a worker message; returns an offset to jump to when the first match after the
    /// cursor just arrived.
    pub fn on_msg(&mut self, msg: WorkerMsg) -> Option<u64> {
        match msg {
            WorkerMsg::Found {
                generation,
                matches,
                unsent,
                points,
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
                for (end, count) in points {
                    self.add_resync(Resync {
                        pos: end,
                        last_end: Some(end),
                        count,
                    });
                }
                self.try_jump()
            }
            WorkerMsg::Progress {
                generation,
                pos,
                state,
            } if generation == self.generation => {
                self.progress.0 = pos;
                if self.full && self.index.is_truncated() {
                    self.add_resync(Resync {
                        pos: state.0,
                        last_end: state.1,
                        count: self.total(),
                    });
                }
                None
            }
            WorkerMsg::Done {
                generation,
                cancelled,
                long_matches,
                too_long,
            } if generation == self.generation => {
                self.running = false;
                self.long_matches += long_matches;
                self.too_long = self.too_long.or(too_long);
                if let Some(region) = self.region.take() {
                    if !cancelled {
                        self.finish_region(region, u64::MAX);
                    }
                    return None;
                }
                self.cancelled = cancelled;
                let jump = self.try_jump().or_else(|| self.far_jump()).or_else(|| {
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

    /// The pending jump, when its target lies past the stored matches: one short scan.
    fn far_jump(&mut self) -> Option<u64> {
        let from = self.pending_jump?.checked_sub(1)?;
        if !self.index.is_truncated() || self.cancelled {
            return None;
        }
        let snapshot = self.snapshot.clone()?;
        let found = self.next_from(&snapshot, from).ok()??;
        self.pending_jump = None;
        self.set_current(found);
        Some(found.0.start)
    }

    fn try_jump(&mut self) -> Option<u64> {
        let from = self.pending_jump?;
        let (i, m) = self.index.next_at_or_after(from)?;
        self.pending_jump = None;
        self.current = Some(i);
        self.far = None;
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

    /// Forgets the search (its pattern, matches and count); a running scan's messages are
    /// dropped from now on.
    pub fn forget(&mut self) {
        self.pattern = None;
        self.text.clear();
        self.index.clear();
        self.current = None;
        self.far = None;
        self.running = false;
        self.cancelled = false;
        self.region = None;
        self.stale = false;
        self.resync.clear();
        self.generation += 1;
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

    /// The current match, as (start, len).
    pub fn current_match(&self) -> Option<(u64, u64)> {
        if let Some((m, _)) = self.far {
            return Some((m.start, m.len.max(1)));
        }
        self.current
            .and_then(|i| self.index.get(i))
            .map(|m| (m.start, m.len.max(1)))
    }

    /// The current match's number as the status line shows it: `Some("17")`, or
    /// `Some("?")` when it is not known for certain (after an edit re-searched past the
    /// horizon the counts are estimates); `None` without a current match.
    fn current_number(&self) -> Option<String> {
        let n = match (self.far, self.current) {
            (Some((_, n)), _) => n,
            (None, Some(i)) => i as u64,
            (None, None) => return None,
        };
        Some(if self.index.is_total_exact() {
            (n + 1).to_string()
        } else {
            "?".to_string()
        })
    }

    /// "match i of N" and progress, for the message line.
    pub fn status_line(&self) -> Option<String> {
        self.pattern.as_ref()?;
        let total = self.total();
        let more = if self.running { "+" } else { "" };
        let mut listed = if self.index.is_truncated() {
            format!(" (first {} listed)", self.index.len())
        } else {
            String::new()
        };
        if let Some(at) = self.too_long {
            use std::fmt::Write as _;
            // Writing to a String cannot fail.
            let _ = write!(
                listed,
                "; the match at {at:#x} is longer than {} MiB and was cut there",
                crate::core::search::LONG_MATCH_LIMIT >> 20
            );
        }
        Some(match self.current_number() {
            Some(n) => format!("match {n} of {total}{more}{listed}"),
            None => format!("{total}{more} matches{listed}"),
        })
    }

    /// Short form for the status bar: percent while scanning, count after.
    pub fn status_short(&self, cursor: u64) -> Option<String> {
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
            // The match number is shown while the cursor is on the match, never after it
            // left (the number would be stale).
            let on = self
                .current_match()
                .is_some_and(|(s, len)| cursor >= s && cursor < s + len);
            match self.current_number().filter(|_| on) {
                Some(n) => Some(format!("match {n}/{total}")),
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
        self.far = None;
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
