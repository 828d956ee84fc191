//! The compare view's geometry and status line: where each side's pane goes (side by
//! side when each half shows at least 16 bytes a row, else one above the other), the layout
//! of each pane, and the status line's text (how many differences, the current one, the
//! progress of a running comparison, the offset in each file).

use crate::core::diff::{Align, Outcome, Side};
use crate::tui::app::App;
use crate::tui::diff_state::Compare;
use crate::tui::layout::{Cols, Layout};
use crate::tui::update::plural;
use crate::tui::view::ViewId;

/// Bytes per row each side must show for the two to go side by side.
const SIDE_BY_SIDE_COLS: usize = 16;

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A pane of the compare view on screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    /// Left column.
    pub x: u16,
    /// Top row.
    pub y: u16,
    /// Width.
    pub w: u16,
    /// Height (the data rows and the side's status bar).
    pub h: u16,
}

/// Where the compare view puts things.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Geometry {
    /// A's pane and B's.
    pub sides: [Region; 2],
    /// Side by side (else one above the other).
    pub side_by_side: bool,
    /// The row of the comparison's status line.
    pub status_y: u16,
}

impl Geometry {
    /// The pane of `side`.
    pub fn of(&self, side: Side) -> Region {
        match side {
            Side::A => self.sides[0],
            Side::B => self.sides[1],
        }
    }
}

impl App {
    /// The length that sets the offset column of both sides (the longer document's).
    fn diff_len(&self, c: &Compare) -> u64 {
        [c.a, c.b]
            .iter()
            .filter_map(|&id| self.index_of(id))
            .map(|i| self.views()[i].doc().len())
            .max()
            .unwrap_or(0)
    }

    /// Where the panes go, when the compare view is shown.
    pub fn diff_geometry(&self) -> Option<Geometry> {
        let (c, _) = self.compare()?;
        let (w, h) = self.size;
        let body = h.saturating_sub(2);
        let half = w.saturating_sub(1) / 2;
        let probe = Layout::new(half, 3, self.diff_len(c), Cols::Auto, &self.settings);
        let side_by_side = probe.cols >= SIDE_BY_SIDE_COLS;
        let sides = if side_by_side {
            [
                Region {
                    x: 0,
                    y: 0,
                    w: half,
                    h: body,
                },
                Region {
                    x: half + 1,
                    y: 0,
                    w: half,
                    h: body,
                },
            ]
        } else {
            let top = body / 2;
            [
                Region {
                    x: 0,
                    y: 0,
                    w,
                    h: top,
                },
                Region {
                    x: 0,
                    y: top,
                    w,
                    h: body - top,
                },
            ]
        };
        Some(Geometry {
            sides,
            side_by_side,
            status_y: body,
        })
    }

    /// The layout of `side`'s pane (its own coordinates; its message row falls outside it).
    pub fn diff_layout_of(&self, side: Side) -> Option<Layout> {
        let (c, _) = self.compare()?;
        let r = self.diff_geometry()?.of(side);
        Some(Layout::new(
            r.w,
            r.h.saturating_add(1),
            self.diff_len(c),
            self.cols,
            &self.settings,
        ))
    }

    /// The focused side's layout in the compare view (see [`App::full_layout`]).
    pub(crate) fn diff_layout(&self) -> Option<Layout> {
        let (_, side) = self.compare()?;
        self.diff_layout_of(side)
    }

    /// `17 differences`, `1 difference`, `1,000,000+ differences`.
    pub fn diff_count_text(&self) -> String {
        let Some(c) = self.diff.view.as_ref() else {
            return String::new();
        };
        if c.index.is_truncated() {
            format!(
                "{}+ differences",
                thousands(u64::try_from(c.index.cap()).unwrap_or(u64::MAX))
            )
        } else {
            plural(c.index.total(), "difference")
        }
    }

    /// The compare view's status line: how many differences (or the progress), the current
    /// one, and the offset in each file.
    pub fn diff_status(&self) -> Option<String> {
        let (c, side) = self.compare()?;
        let count = self.diff_count_text();
        let current = c.index.at(side, self.cursor()).map(|(i, _)| i + 1);
        let body = match (c.running, current) {
            (true, cur) => {
                let (ia, ib) = (self.index_of(c.a)?, self.index_of(c.b)?);
                let la = self.views()[ia].doc().len().max(1);
                let lb = self.views()[ib].doc().len().max(1);
                let pct = (u128::from(c.pos.0) * 100 / u128::from(la))
                    .max(u128::from(c.pos.1) * 100 / u128::from(lb))
                    .min(100);
                let cur = cur.map_or_else(String::new, |i| format!("difference {i}, "));
                format!("{cur}counting… {pct}% ({count} so far)")
            }
            (false, Some(i)) => format!(
                "difference {} of {}",
                thousands(i as u64),
                count
                    .trim_end_matches(" differences")
                    .trim_end_matches(" difference")
            ),
            (false, None) if c.index.total() == 0 => "no differences".to_string(),
            (false, None) => count,
        };
        let cancelled = if c.outcome == Some(Outcome::Cancelled) {
            " (cancelled)"
        } else {
            ""
        };
        let off = |id: ViewId| self.index_of(id).map_or(0, |i| self.views()[i].cursor());
        let align = match self.diff.align {
            Align::On => "",
            Align::Off => "  ·  equal offsets",
        };
        Some(format!(
            " {body}{cancelled}  ·  A 0x{:x}  ·  B 0x{:x}{align}",
            off(c.a),
            off(c.b)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
