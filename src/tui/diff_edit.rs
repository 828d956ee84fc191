//! Edits in the compare view: `do` (obtain the difference under the cursor from the other
//! side) and `dp` (put it into the other side), each one undo step on the document that
//! changes, in any length; and after any edit of either side, the comparison of only the
//! region around it (`DiffIndex::follow`, `region_around`, `Comparer::region`): on this
//! thread when the region is small, else in the background (while a whole comparison is still
//! running, it starts again instead, since it streams from the start).

use std::ops::Range;
use std::sync::atomic::AtomicBool;

use crate::core::diff::{Align, Comparer, Config, Side};
use crate::core::shift::{Change, map_range};
use crate::core::source::ByteSource as _;
use crate::tui::app::{App, Effect};
use crate::tui::diff_view::{other, range_of};
use crate::tui::diff_worker::CompareJob;
use crate::tui::view::ViewId;

/// Regions up to this many bytes (both sides together) are compared again at once, on this
/// thread (well under a millisecond); larger ones in the background.
pub const SYNC_REGION: u64 = 1 << 20;

/// The bytes the changes touched, overwrites included, in the coordinates after all of them.
pub fn edited_span(changes: &[Change]) -> Option<Range<u64>> {
    let mut span: Option<Range<u64>> = None;
    for c in changes {
        let mine = c.at..c.at + c.inserted;
        span = Some(match span {
            Some(s) => {
                let s = map_range(std::slice::from_ref(c), s);
                s.start.min(mine.start)..s.end.max(mine.end)
            }
            None => mine,
        });
    }
    span
}

impl App {
    /// `do` (`put` false) and `dp`: the difference under the cursor copied from one side to
    /// the other, as one undo step there.
    pub(crate) fn diff_copy(&mut self, put: bool) -> Option<Effect> {
        let (c, side) = self.compare()?;
        let Some((_, d)) = c.index.at(side, self.cursor()) else {
            self.error("no difference under the cursor: ]c goes to the next one");
            return None;
        };
        let (from, to) = if put {
            (side, other(side))
        } else {
            (other(side), side)
        };
        let (src, dst) = (range_of(d, from), range_of(d, to));
        let (src_id, dst_id) = (c.id(from), c.id(to));
        let (si, di) = (self.index_of(src_id)?, self.index_of(dst_id)?);
        let bytes = self.views()[si].doc().read(src.clone()).into_owned();
        let doc = self.view_at_mut(di).doc_mut();
        doc.begin_group();
        let r = if src.end - src.start == dst.end - dst.start {
            // Same length: an overwrite, which write-through allows too.
            doc.write(dst.start, &bytes)
        } else {
            doc.replace(dst.clone(), &bytes)
        };
        doc.end_group();
        match r {
            Ok(()) => {
                let n = crate::tui::update::plural(src.end - src.start, "byte");
                let name = self.buffer_name(di);
                let what = if put { "put" } else { "obtained" };
                self.info(format!(
                    "{what} {n} into {name} at 0x{:x} (u there undoes it)",
                    dst.start
                ));
            }
            Err(e) => self.error(crate::tui::hint::edit(&e)),
        }
        None
    }

    /// After edits of the views `edited` (their changes, drained by `follow_edits`): the
    /// differences follow them and the regions around them are compared again.
    pub(crate) fn diff_after_edits(&mut self, edited: &[(ViewId, Vec<Change>)]) {
        let Some(mut c) = self.diff.view.take() else {
            return;
        };
        let mut regions = Vec::new();
        let mut restart = false;
        for (id, changes) in edited {
            let Some(side) = c.side_of(*id) else {
                continue;
            };
            if c.busy() {
                restart = true;
                continue;
            }
            c.index.follow(side, changes);
            if let Some(span) = edited_span(changes) {
                let moved = changes.iter().any(|ch| !ch.keeps_offsets());
                regions.push((side, span, moved));
            }
        }
        let config = Config::with_align(self.diff.align);
        let (la, lb) = self.diff_lens(&c);
        for (side, span, moved) in regions {
            let (mut ra, mut rb) = c.index.region_around(side, span, (la, lb));
            if config.align == Align::Off && moved {
                // At equal offsets a length change moves every later byte against the other
                // side: compare from the region to the ends.
                ra.end = la;
                rb.end = lb;
            }
            if restart || c.region_running {
                // A region runs in the background already: its result would land on moved
                // offsets; compare everything again instead.
                restart = true;
                break;
            }
            let size = (ra.end - ra.start).saturating_add(rb.end - rb.start);
            if size <= SYNC_REGION {
                let (Some(a), Some(b)) = (self.diff_doc(&c, Side::A), self.diff_doc(&c, Side::B))
                else {
                    continue;
                };
                let mut found = Vec::new();
                let never = AtomicBool::new(false);
                Comparer::region(config, ra.clone(), rb.clone()).run(
                    a,
                    b,
                    &never,
                    &mut |d| {
                        found.push(d);
                        true
                    },
                    &mut |_, _| {},
                );
                c.index.replace(ra, rb, found);
            } else {
                let (Some(a), Some(b)) = (self.diff_doc(&c, Side::A), self.diff_doc(&c, Side::B))
                else {
                    continue;
                };
                let job = CompareJob {
                    generation: 0,
                    a: a.snapshot(),
                    b: b.snapshot(),
                    config,
                    region: Some((ra, rb)),
                };
                c.generation = self.next_generation();
                c.region_running = true;
                self.emit(Effect::Compare(Box::new(CompareJob {
                    generation: c.generation,
                    ..job
                })));
            }
        }
        self.diff.view = Some(c);
        if restart {
            self.start_compare();
        }
    }
}
