//! Saving a new layout of the file (its length may change): the document's checks, then
//! [`crate::core::relayout`], then the document reloads what the file holds now.

use super::{DiskChange, Document, Mode, SaveError, SourceKind};
use crate::core::layout::Layout;
use crate::core::relayout::{self, Outcome};

impl Document {
    /// Makes the file `layout`, where [`crate::core::layout::Source::Old`] ranges are the
    /// file's bytes as on disk now, crash-safely, and reloads it (the document is clean after).
    /// Refuses what [`Document::save`] refuses: read-only, a file changed or replaced on disk
    /// (unless `force`, and never when replaced), a pending journal. Unsaved edits of the
    /// document itself are not part of `layout` and are refused too.
    pub fn save_layout(
        &mut self,
        layout: &Layout,
        force: bool,
        opts: &relayout::Options,
    ) -> Result<Outcome, SaveError> {
        self.end_group();
        if self.mode != Mode::CopyOnWrite || self.kind != SourceKind::File {
            return Err(SaveError::ReadOnly);
        }
        if self.faulted() {
            let change = self.disk_change().unwrap_or(DiskChange::Modified);
            return Err(SaveError::Truncated(change));
        }
        match self.disk_change() {
            Some(change @ (DiskChange::Replaced | DiskChange::Removed)) => {
                return Err(SaveError::Detached(change));
            }
            Some(change) if !force => return Err(SaveError::ChangedOnDisk(change)),
            _ => {}
        }
        if let Some(j) = self.pending_journal() {
            return Err(SaveError::JournalPending(j));
        }
        let path = self.path.clone();
        let file = self.file.as_ref().ok_or(SaveError::ReadOnly)?;
        // The mappings stay open while the file changes under them: they are dropped and made
        // again by the reload below, and nothing reads them in between.
        let outcome =
            relayout::save(&path, file, self.disk_len(), layout, opts).map_err(|source| {
                SaveError::Relayout {
                    path: path.clone(),
                    source,
                }
            })?;
        self.reload()
            .map_err(|source| SaveError::Io { path, source })?;
        Ok(outcome)
    }

    /// Bytes of the file as mapped at open or the last save.
    fn disk_len(&self) -> u64 {
        self.disk.as_slice().len() as u64
    }
}
