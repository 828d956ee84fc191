//! Where things go on screen: one calculation shared by drawing and mouse hit-testing.
//!
//! A data row is `OFFSET  xx xx xx xx xx xx xx xx  xx xx …  text`, with an extra space
//! between groups of eight bytes; below the rows come the status bar and the message line.

/// How many bytes a row shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cols {
    /// Exactly this many (clipped if the terminal is narrower).
    Fixed(usize),
    /// As many as fit, in multiples of 8 where at least 8 fit.
    Auto,
}

/// Positions of the panes for one terminal size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Terminal width.
    pub width: u16,
    /// Terminal height.
    pub height: u16,
    /// Hex digits in the offset column.
    pub off_digits: usize,
    /// Bytes per row.
    pub cols: usize,
    /// Column where the hex pane starts.
    pub hex_x: usize,
    /// Column where the text pane starts.
    pub text_x: usize,
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

/// Width of the hex pane for `cols` bytes.
pub fn hex_width(cols: usize) -> usize {
    if cols == 0 {
        0
    } else {
        3 * cols - 1 + (cols - 1) / 8
    }
}

/// Column of byte `i` of a row within the hex pane.
pub fn hex_cell_x(i: usize) -> usize {
    3 * i + i / 8
}

impl Layout {
    /// Computes the layout; never fails, whatever the size (a 0×0 or 1×1 terminal included).
    pub fn new(width: u16, height: u16, len: u64, cols: Cols) -> Self {
        let off_digits = offset_digits(len);
        let hex_x = off_digits + 2;
        let w = usize::from(width);
        let cols = match cols {
            Cols::Fixed(n) => n.max(1),
            Cols::Auto => {
                let fits = |n: usize| hex_x + hex_width(n) + 2 + n <= w;
                let mut n = 1;
                while fits(n + 1) && n < 4096 {
                    n += 1;
                }
                if n >= 8 { n - n % 8 } else { n }
            }
        };
        let text_x = hex_x + hex_width(cols) + 2;
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
            cols,
            hex_x,
            text_x,
            rows,
            status_y,
            message_y,
        }
    }

    /// Which byte of a row a screen column points at, and whether it is in the text pane.
    pub fn hit(&self, x: u16) -> Option<(usize, bool)> {
        let x = usize::from(x);
        if x >= self.text_x && x < self.text_x + self.cols {
            return Some((x - self.text_x, true));
        }
        if x >= self.hex_x && x < self.hex_x + hex_width(self.cols) {
            let rel = x - self.hex_x;
            // Cells are 3 wide plus one extra space per group of 8 (width 25 per group).
            let group = rel / 25;
            let within = (rel % 25).min(23) / 3;
            let i = group * 8 + within;
            return (i < self.cols).then_some((i, false));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_80_columns_fit_16_bytes() {
        let l = Layout::new(80, 24, 737, Cols::Auto);
        assert_eq!(l.cols, 16);
        assert_eq!(l.rows, 22);
        assert_eq!(l.hex_x, 10);
        assert_eq!(l.text_x, 10 + 48 + 2);
    }

    #[test]
    fn offsets_grow_past_4_gib() {
        assert_eq!(offset_digits(0), 8);
        assert_eq!(offset_digits(0xffff_ffff), 8);
        assert_eq!(offset_digits(8 << 30), 9);
    }

    #[test]
    fn tiny_terminals_do_not_underflow() {
        for (w, h) in [(0, 0), (1, 1), (1, 2), (2, 3), (10, 1)] {
            let l = Layout::new(w, h, 100, Cols::Auto);
            assert!(l.cols >= 1);
        }
    }

    #[test]
    fn hit_testing_matches_cell_positions() {
        let l = Layout::new(80, 24, 737, Cols::Auto);
        for i in 0..16 {
            let x = (l.hex_x + hex_cell_x(i)) as u16;
            assert_eq!(l.hit(x), Some((i, false)));
            assert_eq!(l.hit(x + 1), Some((i, false)));
            assert_eq!(l.hit((l.text_x + i) as u16), Some((i, true)));
        }
        assert_eq!(l.hit(0), None);
    }
}
