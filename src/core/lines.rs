//! The line index behind the line view, and the wrap helper that cuts a line into screen rows.
//!
//! Lines are what `readline()` returns walking the file: a line ends after `\n`, the last
//! line may lack one, an empty file has no lines (so `"a\nb"` and `"a\nb\n"` both have two,
//! and `"\n"` has one, empty).
//!
//! Storing every line start of a multi-GB file is too much memory, so [`LineIndex`] keeps
//! sparse checkpoints `(offset, line number there)`: one at every `interval`-th line start
//! (default 1024) and one at every multiple of `span` bytes (default 1 MiB, so a file of
//! giant lines still has one per MiB). Queries binary-search the checkpoints and count
//! newlines forward from the nearest one with `memchr`, reading at most `span` bytes or
//! `interval` lines, whichever is less. 1 GiB of 40-byte lines costs about 27 000
//! checkpoints of 16 bytes (about 420 KiB) and a query reads at most 40 KiB.
//!
//! The index is built by [`LineIndexBuilder::step`], a resumable chunked scan (the TUI runs
//! it off the input path); queries on a partial index answer for the part scanned and say
//! [`LineError::NotIndexed`] otherwise. The index describes the bytes it scanned: after an
//! edit that may add or remove a `\n`, call [`LineIndexBuilder::invalidate_from`].

use std::ops::Range;

use memchr::{memchr_iter, memrchr};

use crate::core::source::ByteSource;
use crate::core::text::{self, Cell, CellKind, Encoding};

/// Default: a checkpoint at every 1024th line start.
pub const DEFAULT_INTERVAL: u64 = 1024;
/// Default: a checkpoint at every MiB, whatever the line lengths.
pub const DEFAULT_SPAN: u64 = 1 << 20;
/// Default bytes read per [`LineIndexBuilder::step`]: 4 MiB, well under a millisecond of
/// counting once the pages are in memory.
pub const DEFAULT_CHUNK: u64 = 4 << 20;

/// Blocks counted with the vectorised `memchr` count before looking at single newlines.
const BLOCK: usize = 4096;
/// Parts of a block looked at when a checkpoint falls inside it.
const SMALL_BLOCK: usize = 256;

/// Why a line query has no answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    /// The offset is at or past the end of the file.
    #[error("offset {offset} is past the end of the file ({len} bytes)")]
    PastEnd {
        /// The offset asked about.
        offset: u64,
        /// The file length.
        len: u64,
    },
    /// The (0-based) line does not exist in the fully indexed file.
    #[error("line {} does not exist; the file has {count} lines", .line + 1)]
    NoSuchLine {
        /// The 0-based line asked about.
        line: u64,
        /// Lines in the file.
        count: u64,
    },
    /// The index has not reached the answer yet.
    #[error("the line index has reached byte {indexed} so far; try again when it has finished")]
    NotIndexed {
        /// Bytes `0..indexed` are indexed.
        indexed: u64,
    },
    /// The bytes no longer match what was indexed.
    #[error("the file changed under the line index; rebuild it")]
    Stale,
}

/// How sparse the index is and how much one step reads. Zero values are taken as 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineIndexConfig {
    /// A checkpoint at every `interval`-th line start.
    pub interval: u64,
    /// A checkpoint at every multiple of `span` bytes.
    pub span: u64,
    /// Bytes read by one [`LineIndexBuilder::step`].
    pub chunk: u64,
}

impl Default for LineIndexConfig {
    fn default() -> Self {
        LineIndexConfig {
            interval: DEFAULT_INTERVAL,
            span: DEFAULT_SPAN,
            chunk: DEFAULT_CHUNK,
        }
    }
}

/// `line` = the number of `\n` in `0..offset`, i.e. the line containing `offset`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Checkpoint {
    offset: u64,
    line: u64,
}

/// Sparse line starts of the bytes `0..indexed()`; see the module docs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    interval: u64,
    span: u64,
    /// Strictly increasing offsets; the first is `(0, 0)`.
    checkpoints: Vec<Checkpoint>,
    /// `\n` bytes in `0..scanned`.
    newlines: u64,
    /// The offset just after the last `\n` in `0..scanned` (0 if none): the last line start.
    last_start: u64,
    scanned: u64,
    complete: bool,
}

fn to_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

fn count_newlines(bytes: &[u8]) -> u64 {
    to_u64(memchr_iter(b'\n', bytes).count())
}

impl LineIndex {
    fn new(config: LineIndexConfig) -> Self {
        LineIndex {
            interval: config.interval.max(1),
            span: config.span.max(1),
            checkpoints: vec![Checkpoint { offset: 0, line: 0 }],
            newlines: 0,
            last_start: 0,
            scanned: 0,
            complete: false,
        }
    }

    /// Index the whole source in one go (tests, small files, the CLI).
    pub fn build<S: ByteSource + ?Sized>(src: &S) -> LineIndex {
        let mut builder = LineIndexBuilder::new(LineIndexConfig::default());
        while !builder.step(src) {}
        builder.into_index()
    }

    /// True once the whole source has been scanned.
    pub fn is_complete(&self) -> bool {
        self.complete
    }

    /// Bytes `0..indexed()` have been scanned.
    pub fn indexed(&self) -> u64 {
        self.scanned
    }

    /// The number of lines, once complete.
    pub fn line_count(&self) -> Option<u64> {
        self.complete.then(|| self.lines_known())
    }

    /// Lines whose start [`LineIndex::start_of`] can give now: all of them once complete; a
    /// lower bound before (every `\n` seen so far starts a line that exists, because the
    /// file goes on past the scanned part).
    pub fn lines_known(&self) -> u64 {
        if self.complete {
            self.newlines + u64::from(self.scanned > self.last_start)
        } else if self.scanned == 0 {
            0
        } else {
            self.newlines + 1
        }
    }

    /// Checkpoints held (memory is about 16 bytes each).
    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.len()
    }

    fn push_checkpoint(&mut self, offset: u64, line: u64) {
        if self.checkpoints.last().is_none_or(|c| c.offset < offset) {
            self.checkpoints.push(Checkpoint { offset, line });
        }
    }

    /// Scan `bytes`, which sit at `self.scanned..`.
    fn scan(&mut self, bytes: &[u8]) {
        let mut rest = bytes;
        while !rest.is_empty() {
            // Pieces end at multiples of `span`, where a checkpoint goes.
            let to_boundary = self.span - self.scanned % self.span;
            let take = usize::try_from(to_boundary).map_or(rest.len(), |t| t.min(rest.len()));
            let (piece, tail) = rest.split_at(take);
            for block in piece.chunks(BLOCK) {
                self.scan_block(block);
            }
            if self.scanned.is_multiple_of(self.span) {
                self.push_checkpoint(self.scanned, self.newlines);
            }
            rest = tail;
        }
    }

    /// Scan a block: count its newlines with the vectorised `memchr` count, and only when a
    /// checkpoint falls inside look closer, first at [`SMALL_BLOCK`]-byte parts (counted the
    /// same way), then newline by newline in the one part that holds it. Walking newlines
    /// one at a time costs about 16 ns each, so this keeps the build near the plain count.
    fn scan_block(&mut self, block: &[u8]) {
        let base = self.scanned;
        let n = count_newlines(block);
        let to_next = self.interval - self.newlines % self.interval;
        if n < to_next {
            if let Some(last) = memrchr(b'\n', block) {
                self.newlines += n;
                self.last_start = base + to_u64(last) + 1;
            }
        } else if block.len() > SMALL_BLOCK {
            for part in block.chunks(SMALL_BLOCK) {
                self.scan_block(part);
            }
            return;
        } else {
            for i in memchr_iter(b'\n', block) {
                self.newlines += 1;
                self.last_start = base + to_u64(i) + 1;
                if self.newlines.is_multiple_of(self.interval) {
                    self.push_checkpoint(self.last_start, self.newlines);
                }
            }
        }
        self.scanned = base + to_u64(block.len());
    }

    /// The 0-based line containing `offset`. Reads at most one checkpoint gap of `src`,
    /// which must be the bytes that were indexed.
    pub fn line_of<S: ByteSource + ?Sized>(&self, src: &S, offset: u64) -> Result<u64, LineError> {
        if self.complete && offset >= self.scanned {
            return Err(LineError::PastEnd {
                offset,
                len: self.scanned,
            });
        }
        // Incomplete, `scanned < len`: `offset == scanned` is in the file, unless nothing
        // was scanned yet (the file may be empty).
        if offset > self.scanned || self.scanned == 0 {
            return Err(LineError::NotIndexed {
                indexed: self.scanned,
            });
        }
        if offset >= self.last_start {
            return Ok(self.newlines);
        }
        let i = self.checkpoints.partition_point(|c| c.offset <= offset);
        let cp = self.checkpoints[i.saturating_sub(1)];
        let bytes = src.read(cp.offset..offset);
        if to_u64(bytes.len()) != offset - cp.offset {
            return Err(LineError::Stale);
        }
        Ok(cp.line + count_newlines(&bytes))
    }

    /// The offset where the 0-based `line` starts. Reads at most one checkpoint gap of
    /// `src`, which must be the bytes that were indexed.
    pub fn start_of<S: ByteSource + ?Sized>(&self, src: &S, line: u64) -> Result<u64, LineError> {
        let known = self.lines_known();
        if line >= known {
            return Err(if self.complete {
                LineError::NoSuchLine { line, count: known }
            } else {
                LineError::NotIndexed {
                    indexed: self.scanned,
                }
            });
        }
        if line == 0 {
            return Ok(0);
        }
        if line == self.newlines {
            return Ok(self.last_start);
        }
        // Line `line` starts after the `line`-th newline (counting from 1). The last
        // checkpoint with fewer newlines before it is at or before that newline, and the
        // next checkpoint is after it.
        let i = self.checkpoints.partition_point(|c| c.line < line);
        let cp = self.checkpoints[i.saturating_sub(1)];
        let end = self.checkpoints.get(i).map_or(self.scanned, |c| c.offset);
        let bytes = src.read(cp.offset..end);
        let skip = usize::try_from(line - cp.line - 1).map_err(|_| LineError::Stale)?;
        memchr_iter(b'\n', &bytes)
            .nth(skip)
            .map(|p| cp.offset + to_u64(p) + 1)
            .ok_or(LineError::Stale)
    }

    /// The bytes of the 0-based `line`, including its `\n` if it has one.
    pub fn line_range<S: ByteSource + ?Sized>(
        &self,
        src: &S,
        line: u64,
    ) -> Result<Range<u64>, LineError> {
        let start = self.start_of(src, line)?;
        let end = match self.start_of(src, line.saturating_add(1)) {
            Ok(end) => end,
            Err(LineError::NoSuchLine { .. }) => self.scanned,
            Err(e) => return Err(e),
        };
        Ok(start..end)
    }
}

/// `range` without its final `\n`, if it ends with one (what the line view draws; a `\r`
/// before it stays, drawn as a whitespace placeholder, since a hex editor shows the truth).
pub fn without_newline<S: ByteSource + ?Sized>(src: &S, range: Range<u64>) -> Range<u64> {
    if range.end > range.start && src.read(range.end - 1..range.end).first() == Some(&b'\n') {
        range.start..range.end - 1
    } else {
        range
    }
}

/// Builds a [`LineIndex`] a chunk at a time, so the caller controls latency and can cancel
/// by simply not calling [`LineIndexBuilder::step`] again.
#[derive(Clone, Debug)]
pub struct LineIndexBuilder {
    index: LineIndex,
    chunk: u64,
}

impl Default for LineIndexBuilder {
    fn default() -> Self {
        LineIndexBuilder::new(LineIndexConfig::default())
    }
}

impl LineIndexBuilder {
    /// A builder with nothing scanned yet.
    pub fn new(config: LineIndexConfig) -> Self {
        LineIndexBuilder {
            index: LineIndex::new(config),
            chunk: config.chunk.max(1),
        }
    }

    /// Carries on from `index` (an index of the same source as it was) with `config`'s chunk:
    /// after an edit, [`LineIndexBuilder::invalidate_from`] the edit's offset, and only the
    /// bytes from the checkpoint before it are scanned again.
    pub fn resume(index: LineIndex, config: LineIndexConfig) -> Self {
        LineIndexBuilder {
            index,
            chunk: config.chunk.max(1),
        }
    }

    /// Scan the next chunk of `src`; true when the whole source is indexed. Steps may be
    /// given different views of the same bytes, but not different bytes (see
    /// [`LineIndexBuilder::invalidate_from`]). A source that grew is followed.
    pub fn step<S: ByteSource + ?Sized>(&mut self, src: &S) -> bool {
        let len = src.len();
        if len < self.index.scanned {
            // The source shrank (truncated under us): drop what is past the end.
            self.rewind(src, len);
        }
        let index = &mut self.index;
        let start = index.scanned;
        if start >= len {
            index.complete = true;
            return true;
        }
        let end = start.saturating_add(self.chunk).min(len);
        let bytes = src.read(start..end);
        if bytes.is_empty() {
            // The source claims more than it gives: end here rather than loop.
            index.complete = true;
            return true;
        }
        index.complete = false;
        index.scan(&bytes);
        index.complete = index.scanned >= len;
        index.complete
    }

    /// Bytes scanned so far (for a progress bar against `src.len()`).
    pub fn position(&self) -> u64 {
        self.index.scanned
    }

    /// The index so far; its queries answer for the part scanned.
    pub fn index(&self) -> &LineIndex {
        &self.index
    }

    /// The index, complete or not.
    pub fn into_index(self) -> LineIndex {
        self.index
    }

    /// Forget everything from `offset` on (bytes there changed), so the next steps rescan
    /// from the checkpoint at or before it. Reads at most one checkpoint gap of `src`.
    pub fn invalidate_from<S: ByteSource + ?Sized>(&mut self, src: &S, offset: u64) {
        if offset < self.index.scanned {
            self.rewind(src, offset);
        }
    }

    /// Truncate the index to the last checkpoint at or before `offset`.
    fn rewind<S: ByteSource + ?Sized>(&mut self, src: &S, offset: u64) {
        let index = &mut self.index;
        let keep = index
            .checkpoints
            .partition_point(|c| c.offset <= offset)
            .max(1);
        index.checkpoints.truncate(keep);
        let cp = index.checkpoints[keep - 1];
        index.scanned = cp.offset;
        index.newlines = cp.line;
        index.complete = false;
        // The last line start before the checkpoint: after the last newline in the gap
        // before the first checkpoint that has this line number.
        index.last_start = if cp.line == 0 {
            0
        } else {
            let j = index.checkpoints.partition_point(|c| c.line < cp.line);
            let gap_start = index.checkpoints[j.saturating_sub(1)].offset;
            let gap_end = index.checkpoints[j].offset;
            let bytes = src.read(gap_start..gap_end);
            memrchr(b'\n', &bytes).map_or(gap_end, |p| gap_start + to_u64(p) + 1)
        };
    }
}

/// One screen row of a wrapped line: its bytes and their cells (one per byte).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VisualRow {
    /// The bytes the row shows.
    pub bytes: Range<u64>,
    /// One cell per byte; draw those with a nonzero [`Cell::flow_width`], left to right.
    pub cells: Vec<Cell>,
}

impl VisualRow {
    /// Columns the row takes: at most the wrap width.
    pub fn columns(&self) -> usize {
        self.cells.iter().map(|c| c.flow_width()).sum()
    }
}

/// Rows of `width` columns (0 is taken as 1) for the bytes `range` of `src`, for the line
/// view: flowing text where continuation bytes take no column, wide characters two, and
/// every other cell (placeholders included) one, exactly as [`Cell::flow_width`] counts what
/// is drawn. Rows break only between characters; a wide character that cannot fit even an
/// empty row (width 1) is drawn clipped. An empty range gives one empty row.
///
/// `range` is normally a line without its `\n` ([`without_newline`]); a character running
/// past `range.end` is cut there (its bytes show as invalid). Start at any row start (the
/// line start, or the end of a row given before): each row costs O(width), so a screenful is
/// O(visible). Finding the row before a given one means wrapping from the line start.
pub fn wrap<S: ByteSource + ?Sized>(
    src: &S,
    range: Range<u64>,
    width: usize,
    enc: Encoding,
) -> Wrap<'_, S> {
    Wrap {
        src,
        pos: range.start,
        end: range.end.max(range.start),
        width: width.max(1),
        enc,
        started: false,
    }
}

/// The iterator from [`wrap`].
#[derive(Debug)]
pub struct Wrap<'s, S: ?Sized> {
    src: &'s S,
    pos: u64,
    end: u64,
    width: usize,
    enc: Encoding,
    started: bool,
}

impl<S: ByteSource + ?Sized> Iterator for Wrap<'_, S> {
    type Item = VisualRow;

    fn next(&mut self) -> Option<VisualRow> {
        let first_row = !self.started;
        self.started = true;
        if self.pos >= self.end {
            return first_row.then(|| VisualRow {
                bytes: self.pos..self.pos,
                cells: Vec::new(),
            });
        }
        // A row holds at most `width` columns of at most 4 bytes each, plus up to 3 leading
        // continuation bytes when `pos` is inside a character.
        let ctx = to_u64(self.enc.context());
        let most = to_u64(self.width).saturating_mul(4).saturating_add(4);
        let shown_end = self.pos.saturating_add(most).min(self.end);
        let window_start = self.pos.saturating_sub(ctx);
        let window_end = shown_end.saturating_add(ctx).min(self.end);
        let window = self.src.read(window_start..window_end);
        let count = usize::try_from(shown_end - self.pos).unwrap_or(usize::MAX);
        let mut cells = text::cells(&window, window_start, self.pos, count, 0, self.enc);
        if cells.is_empty() {
            self.pos = self.end;
            return None;
        }
        let mut columns = 0;
        let mut taken = 0;
        for (i, cell) in cells.iter_mut().enumerate() {
            let w = cell.flow_width();
            if w > 0 && columns + w > self.width {
                if columns > 0 {
                    break;
                }
                // Alone and still too wide (width 1): clip it and the cell it covered.
                *cell = cell.clipped();
            }
            columns += cell.flow_width();
            taken = i + 1;
        }
        cells.truncate(taken);
        // A covered cell whose wide character was clipped is a plain continuation now.
        for i in 1..cells.len() {
            if cells[i].kind() == CellKind::Covered && cells[i - 1].kind() != CellKind::WideChar {
                cells[i] = cells[i].clipped();
            }
        }
        let start = self.pos;
        self.pos = start + to_u64(taken);
        Some(VisualRow {
            bytes: start..self.pos,
            cells,
        })
    }
}

#[cfg(test)]
mod tests;
