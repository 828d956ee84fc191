//! The line view (`T`): the file as text lines, as `less` shows them and as `readline()` walks
//! them, wrapped to the width by display width. The cursor stays a byte offset; `top` is the
//! first byte of the first visual row. Everything here reads only around the screen: a line
//! start is found by searching back at most [`MAX_LINE`] bytes, so a file with no newline at
//! all still costs a screenful. Line numbers come from the line index, built in the background.

use std::ops::Range;

use crate::core::lines::{LineIndex, LineIndexBuilder, LineIndexConfig, VisualRow, wrap};
use crate::tui::app::{App, Effect};
use crate::tui::line_geom::{byte_at_column, column_of, line_bounds, row_index, span_of};
use crate::tui::line_worker::LinesMsg;

/// Visual rows of the line holding `off`, and where the next line starts.
pub fn line_rows(app: &App, off: u64, width: usize) -> (Vec<VisualRow>, u64) {
    let (start, end, next) = line_bounds(app.doc(), off);
    (
        wrap(app.doc(), start..end, width, app.settings.encoding).collect(),
        next,
    )
}

impl App {
    /// Width of the line view's text.
    pub fn line_width(&self) -> usize {
        let l = self.layout();
        usize::from(l.width).saturating_sub(l.off_digits + 2).max(1)
    }

    /// Switches between the hex view and the line view; the line index starts building.
    pub fn toggle_line_view(&mut self) -> Option<Effect> {
        self.settings.line_view = !self.settings.line_view;
        if self.settings.line_view {
            self.view_mut().top = self.row_start(self.cursor());
            self.scroll_to_cursor();
            self.info("line view: T returns to hex, :line N jumps to a line");
            self.ensure_line_index();
            return None;
        }
        self.view_mut().top = 0;
        self.scroll_to_cursor();
        self.message = None;
        None
    }

    /// Asks the runtime to build the line index (an effect) if there is none.
    pub fn ensure_line_index(&mut self) {
        if self.view().lines.index.is_some() || self.view().lines.building {
            return;
        }
        self.start_lines(None);
    }

    /// Starts a build, from scratch or carrying on from `resume` (an index good up to where
    /// it has been cut back to).
    fn start_lines(&mut self, resume: Option<LineIndex>) {
        let version = self.doc().version();
        let lines = &mut self.view_mut().lines;
        lines.generation += 1;
        lines.building = true;
        lines.progress = resume.as_ref().map_or(0, LineIndex::indexed);
        lines.version = version;
        lines.dirty_from = None;
        let generation = lines.generation;
        let view = self.view().id();
        self.emit(Effect::StartLines {
            view,
            generation,
            resume: resume.map(Box::new),
        });
    }

    /// Edits change line starts: the index is cut back to the checkpoint before the first
    /// edited offset and the rest is built again in the background (from scratch when that
    /// offset is not known). Nothing happens when the index is already for these bytes.
    pub fn lines_after_edit(&mut self) {
        let lines = &self.view().lines;
        if lines.index.is_none() && !lines.building {
            return;
        }
        if lines.version == self.doc().version() {
            return;
        }
        let resume = match (lines.dirty_from, lines.index.clone()) {
            (Some(from), Some(index)) => {
                let mut b = LineIndexBuilder::resume(index, LineIndexConfig::default());
                b.invalidate_from(self.doc(), from);
                Some(b.into_index())
            }
            _ => None,
        };
        self.view_mut().lines.index.clone_from(&resume);
        self.view_mut().lines.building = false;
        self.start_lines(resume);
    }

    /// The 1-based line number of the cursor, when the index has reached it.
    pub fn cursor_line(&self) -> Option<u64> {
        let idx = self.view().lines.index.as_ref()?;
        idx.line_of(self.doc(), self.cursor()).ok().map(|l| l + 1)
    }

    /// `:line N`: jumps to the start of line N (1-based).
    pub fn goto_line(&mut self, n: &str) -> Option<Effect> {
        let Ok(n) = n.trim().parse::<u64>() else {
            self.error(format!("not a line number: '{n}'; :line 42"));
            return None;
        };
        let line = n.max(1) - 1;
        self.ensure_line_index();
        let Some(idx) = &self.view().lines.index else {
            self.view_mut().lines.pending_line = Some(line);
            self.info(format!(
                "indexing lines; will jump to line {n} when it is reached"
            ));
            return None;
        };
        match idx.start_of(self.doc(), line) {
            Ok(off) => {
                self.view_mut().lines.pending_line = None;
                self.jump_to(off.min(self.doc().len().saturating_sub(1)));
                self.message = None;
            }
            Err(_) if !idx.is_complete() => {
                self.view_mut().lines.pending_line = Some(line);
                self.info(format!(
                    "indexing lines; will jump to line {n} when it is reached"
                ));
            }
            Err(e) => self.error(e.to_string()),
        }
        None
    }

    /// The start of the visual row holding `off`.
    pub fn row_start(&self, off: u64) -> u64 {
        let (rows, _) = line_rows(self, off, self.line_width());
        rows.get(row_index(&rows, off))
            .map_or(off, |r| r.bytes.start)
    }

    /// The start of the visual row after the one starting at `row`, if any.
    fn next_row_start(&self, row: u64) -> Option<u64> {
        let (rows, next) = line_rows(self, row, self.line_width());
        let i = row_index(&rows, row);
        match rows.get(i + 1) {
            Some(r) => Some(r.bytes.start),
            None => (next < self.doc().len()).then_some(next),
        }
    }

    /// The start of the visual row before the one starting at `row`, if any.
    fn prev_row_start(&self, row: u64) -> Option<u64> {
        let width = self.line_width();
        let (rows, _) = line_rows(self, row, width);
        let i = row_index(&rows, row);
        if i > 0 {
            return Some(rows[i - 1].bytes.start);
        }
        let line_start = rows.first().map_or(row, |r| r.bytes.start);
        if line_start == 0 {
            return None;
        }
        let (prev, _) = line_rows(self, line_start - 1, width);
        prev.last().map(|r| r.bytes.start)
    }

    /// The visual rows on screen, from `top`.
    pub fn visible_rows(&self, count: usize) -> Vec<VisualRow> {
        let width = self.line_width();
        let mut out = Vec::with_capacity(count);
        let mut pos = self.view().top.min(self.doc().len());
        while out.len() < count {
            let (rows, next) = line_rows(self, pos, width);
            let i = row_index(&rows, pos);
            out.extend(rows.into_iter().skip(i).take(count - out.len()));
            if next >= self.doc().len() || next <= pos {
                break;
            }
            pos = next;
        }
        out
    }

    /// Keeps the cursor's row on screen in the line view.
    pub fn scroll_lines_to_cursor(&mut self) {
        let rows = self.layout().rows.max(1);
        let cur = self.row_start(self.cursor());
        if cur < self.view().top {
            self.view_mut().top = cur;
            return;
        }
        let shown = self.visible_rows(rows);
        if shown.iter().any(|r| r.bytes.start == cur) {
            return;
        }
        // Put the cursor's row at the bottom.
        let mut top = cur;
        for _ in 1..rows {
            match self.prev_row_start(top) {
                Some(p) => top = p,
                None => break,
            }
        }
        self.view_mut().top = top;
    }

    /// Moves the cursor `n` visual rows down (negative: up), keeping its column.
    pub fn line_move(&mut self, n: i64) {
        let width = self.line_width();
        let (rows, _) = line_rows(self, self.cursor(), width);
        let i = row_index(&rows, self.cursor());
        let Some(row) = rows.get(i) else { return };
        let col = column_of(row, self.cursor());
        let mut start = row.bytes.start;
        for _ in 0..n.unsigned_abs() {
            let step = if n > 0 {
                self.next_row_start(start)
            } else {
                self.prev_row_start(start)
            };
            match step {
                Some(s) => start = s,
                None => break,
            }
        }
        let (rows, _) = line_rows(self, start, width);
        let target = rows
            .get(row_index(&rows, start))
            .map_or(start, |r| byte_at_column(r, col));
        self.goto(target);
    }

    /// Takes a message of the line index build; jumps to a pending `:line` when reached.
    pub fn on_lines_msg(&mut self, msg: LinesMsg) {
        let (generation, index, done, pos) = match msg {
            LinesMsg::Partial {
                generation,
                index,
                pos,
            } => (generation, index, false, pos),
            LinesMsg::Done { generation, index } => {
                let pos = index.indexed();
                (generation, index, true, pos)
            }
        };
        if generation != self.view().lines.generation {
            return;
        }
        self.view_mut().lines.index = Some(index);
        self.view_mut().lines.progress = pos;
        if done {
            self.view_mut().lines.building = false;
        }
        if let Some(line) = self.view().lines.pending_line {
            let reached = self
                .view()
                .lines
                .index
                .as_ref()
                .map(|i| i.start_of(self.doc(), line));
            match reached {
                Some(Ok(off)) => {
                    self.view_mut().lines.pending_line = None;
                    self.jump_to(off.min(self.doc().len().saturating_sub(1)));
                    self.info(format!("line {}", line + 1));
                }
                Some(Err(e)) if done => {
                    self.view_mut().lines.pending_line = None;
                    self.error(e.to_string());
                }
                _ => {}
            }
        }
    }

    /// The byte range the line view shows (for marking what is visible).
    pub fn line_view_span(&self, rows: &[VisualRow]) -> Range<u64> {
        span_of(rows, self.view().top, self.doc().len())
    }
}
