//! Builds the line index on a background thread (memchr over the snapshot), sending partial
//! indexes as it goes so line numbers appear before a multi-GiB file is done.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;

use crate::core::document::Snapshot;
use crate::core::lines::{LineIndex, LineIndexBuilder, LineIndexConfig};

/// What the builder reports.
#[derive(Debug, Clone)]
pub enum LinesMsg {
    /// The index so far.
    Partial {
        /// Which build.
        generation: u64,
        /// The index of `0..pos`.
        index: LineIndex,
        /// Bytes indexed.
        pos: u64,
    },
    /// The finished index.
    Done {
        /// Which build.
        generation: u64,
        /// The index.
        index: LineIndex,
    },
}

/// Bytes between partial reports.
const REPORT_EVERY: u64 = 256 << 20;

/// Runs one build at a time; starting another cancels the previous one.
#[derive(Default)]
pub struct LineWorker {
    cancel: Option<Arc<AtomicBool>>,
}

impl LineWorker {
    /// Starts building the index of `snapshot`, from scratch or carrying on from `resume`
    /// (an index of the same bytes up to where it was cut back to).
    pub fn start(
        &mut self,
        generation: u64,
        snapshot: Snapshot,
        resume: Option<LineIndex>,
        tx: Sender<LinesMsg>,
    ) {
        self.cancel();
        let cancel = Arc::new(AtomicBool::new(false));
        self.cancel = Some(Arc::clone(&cancel));
        std::thread::spawn(move || {
            let mut b = match resume {
                Some(index) => LineIndexBuilder::resume(index, LineIndexConfig::default()),
                None => LineIndexBuilder::new(LineIndexConfig::default()),
            };
            let mut next_report = b.position() + REPORT_EVERY;
            loop {
                if cancel.load(Ordering::Relaxed) {
                    return;
                }
                let done = b.step(&snapshot);
                if done {
                    let _ = tx.send(LinesMsg::Done {
                        generation,
                        index: b.into_index(),
                    });
                    return;
                }
                if b.position() >= next_report {
                    next_report = b.position() + REPORT_EVERY;
                    let msg = LinesMsg::Partial {
                        generation,
                        index: b.index().clone(),
                        pos: b.position(),
                    };
                    if tx.send(msg).is_err() {
                        return;
                    }
                }
            }
        });
    }

    /// Stops the running build.
    pub fn cancel(&mut self) {
        if let Some(c) = self.cancel.take() {
            c.store(true, Ordering::Relaxed);
        }
    }
}
