//! Where things go on screen: one calculation shared by drawing and mouse hit-testing.
//!
//! A data row is `OFFSET  xx xx xx xx xx xx xx xx  xx xx …  text`, with an extra space
//! between groups of bytes (8 by default; `:set group 1|2|4|8`); below the rows come the
//! panels (search pane, inspector), the status bar and the message line.

use crate::tui::options::ViewOpts;

/// How many bytes a row shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cols {
    /// Exactly this many (clipped if the terminal is narrower).
    Fixed(usize),
    /// The largest power of two (1, 2, 4 … 2048) that fits the terminal width.
    Auto,
}

/// Positions of the panes for one terminal size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Terminal width.
    pub width: u16,
    /// Terminal height.
    pub height: u16,
    /// Characters in the offset column.
    pub off_digits: usize,
    /// Offsets are shown in decimal.
    pub decimal: bool,
    /// Bytes per row.
    pub cols: usize,
    /// Bytes per group in the hex pane.
    pub group: usize,
    /// Column where the hex pane starts (None when hidden).
    pub hex_x: Option<usize>,
    /// Column where the text pane starts (None when hidden).
    pub text_x: Option<usize>,
    /// Number of data rows.
    pub rows: usize,
    /// Row of the status bar (None when the terminal is too short to have one).
    pub status_y: Option<u16>,
    /// Row of the message / prompt line.
    pub message_y: Option<u16>,
}

/// Hex digits needed to show every offset up to `len` (at least 8, as xxd does).
pub fn offset_digits(len: u64) -> usize {
    let bits = 64 - len.leading_zeros() as usize;
    bits.div_ceil(4).max(8)
}

fn decimal_digits(len: u64) -> usize {
    len.checked_ilog10().map_or(1, |d| d as usize + 1).max(8)
}

/// Width of the hex pane for `cols` bytes in groups of `group`.
pub fn hex_width(cols: usize, group: usize) -> usize {
    if cols == 0 {
        0
    } else {
        3 * cols - 1 + (cols - 1) / group.max(1)
    }
}

/// Column of byte `i` of a row within the hex pane.
pub fn hex_cell_x(i: usize, group: usize) -> usize {
    3 * i + i / group.max(1)
}

impl Layout {
    /// Computes the layout; never fails, whatever the size (a 0×0 or 1×1 terminal included).
    pub fn new(width: u16, height: u16, len: u64, cols: Cols, view: &ViewOpts) -> Self {
        let decimal = view.decimal_offsets;
        let off_digits = if decimal {
            decimal_digits(len)
        } else {
            offset_digits(len)
        };
        let group = view.group.clamp(1, 8);
        let (show_hex, show_text) = (view.show_hex || !view.show_text, view.show_text);
        let start = off_digits + 2;
        let w = usize::from(width);
        let need = |n: usize| {
            start
                + if show_hex { hex_width(n, group) + 2 } else { 0 }
                + if show_text { n } else { 0 }
        };
        let cols = match cols {
            Cols::Fixed(n) => n.max(1),
            Cols::Auto => {
                let mut n = 1;
                while need(n + 1) <= w && n < 4096 {
                    n += 1;
                }
                // The largest power of two that fits, so every row starts at a round offset
                // (0x20, 0x40 …, never 0x18, 0x30 …); `--cols 24` still gives 24.
                1 << n.ilog2()
            }
        };
        let hex_x = show_hex.then_some(start);
        let text_x = show_text.then_some(if show_hex {
            start + hex_width(cols, group) + 2
        } else {
            start
        });
        let h = usize::from(height);
        let (rows, status_y, message_y) = match h {
            0 => (0, None, None),
            1 => (0, Some(0), None),
            2 => (0, Some(0), Some(1)),
            _ => (h - 2, Some(height - 2), Some(height - 1)),
        };
        Self {
            width,
            height,
            off_digits,
            decimal,
            cols,
            group,
            hex_x,
            text_x,
            rows,
            status_y,
            message_y,
        }
    }

    /// The offset label of a row.
    pub fn offset_label(&self, off: u64) -> String {
        if self.decimal {
            format!("{off:0w$}", w = self.off_digits)
        } else {
            format!("{off:0w$x}", w = self.off_digits)
        }
    }

    /// Which byte of a row a screen column points at, and whether it is in the text pane.
    pub fn hit(&self, x: u16) -> Option<(usize, bool)> {
        let x = usize::from(x);
        if let Some(tx) = self.text_x.filter(|&tx| x >= tx && x < tx + self.cols) {
            return Some((x - tx, true));
        }
        let hx = self.hex_x?;
        if x >= hx && x < hx + hex_width(self.cols, self.group) {
            let rel = x - hx;
            // Cells are 3 wide plus one extra space per group.
            let span = 3 * self.group + 1;
            let g = rel / span;
            let within = (rel % span).min(3 * self.group - 1) / 3;
            let i = g * self.group + within;
            return (i < self.cols).then_some((i, false));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(w: u16, h: u16, len: u64) -> Layout {
        Layout::new(w, h, len, Cols::Auto, &ViewOpts::default())
    }

    #[test]
    fn standard_80_columns_fit_16_bytes() {
        let l = l(80, 24, 737);
        assert_eq!(l.cols, 16);
        assert_eq!(l.rows, 22);
        assert_eq!(l.hex_x, Some(10));
        assert_eq!(l.text_x, Some(10 + 48 + 2));
    }

    #[test]
    fn offsets_grow_past_4_gib() {
        assert_eq!(offset_digits(0), 8);
        assert_eq!(offset_digits(0xffff_ffff), 8);
        assert_eq!(offset_digits(8 << 30), 9);
        assert_eq!(decimal_digits(8 << 30), 10);
    }

    #[test]
    fn tiny_terminals_do_not_underflow() {
        for (w, h) in [(0, 0), (1, 1), (1, 2), (2, 3), (10, 1)] {
            assert!(l(w, h, 100).cols >= 1);
        }
    }

    #[test]
    fn hit_testing_matches_cell_positions() {
        for group in [1, 2, 4, 8] {
            let view = ViewOpts {
                group,
                ..ViewOpts::default()
            };
            let l = Layout::new(80, 24, 737, Cols::Fixed(16), &view);
            let (hx, tx) = (l.hex_x.unwrap(), l.text_x.unwrap());
            for i in 0..16 {
                let x = (hx + hex_cell_x(i, group)) as u16;
                assert_eq!(l.hit(x), Some((i, false)), "group {group} byte {i}");
                assert_eq!(l.hit(x + 1), Some((i, false)));
                assert_eq!(l.hit((tx + i) as u16), Some((i, true)));
            }
            assert_eq!(l.hit(0), None);
        }
    }

    #[test]
    fn panes_can_be_hidden() {
        let view = ViewOpts {
            show_hex: false,
            ..ViewOpts::default()
        };
        let l = Layout::new(80, 24, 737, Cols::Auto, &view);
        assert_eq!(l.hex_x, None);
        assert_eq!(l.text_x, Some(10));
        assert_eq!(l.cols, 64);
    }
}
