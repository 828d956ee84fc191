//! The mapped file, and the only `unsafe` in maphex.
//!
//! Two kinds of mapping exist per open file:
//! - [`DiskMap`]: a shared, read-only view of what is on disk (`MAP_SHARED`, `PROT_READ`),
//!   reference counted so a search worker can read it while the UI edits. Empty files,
//!   FIFOs, `/proc` files and character devices have no mapping and are held as bytes read
//!   into memory instead (see [`DiskMap::from_bytes`]).
//! - [`ViewMap`]: the mapping edits are written into: private copy-on-write
//!   (`MAP_PRIVATE | MAP_NORESERVE`, so files larger than RAM + swap still map, platform.md §3)
//!   or shared write-through (`MAP_SHARED`, `PROT_READ | PROT_WRITE`).
//!
//! # The mmap contract
//! A mapping is only as stable as the file under it. If another process writes the file, the
//! mapped bytes change under us (a private mapping is *not* a snapshot for pages we have not
//! written); if it truncates the file, touching a page past the new end raises SIGBUS. maphex
//! accepts the first (it is a viewer of a live file, like `less`) and records every edit in
//! the document's own memory, so the mapping is the fast view of edits, never their only copy.
//! Callers must never create a slice past the length the file had when it was mapped.

use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;
use std::sync::Arc;

use memmap2::{Mmap, MmapMut, MmapOptions};

/// Converts a file length to a mapping length, failing on 32-bit hosts for huge files.
fn map_len(len: u64) -> io::Result<usize> {
    usize::try_from(len).map_err(|_| {
        io::Error::new(
            io::ErrorKind::FileTooLarge,
            "file is larger than this machine's address space",
        )
    })
}

enum DiskInner {
    Mapped(Mmap),
    Bytes(Vec<u8>),
}

/// A cheaply clonable, read-only view of the bytes on disk.
#[derive(Clone)]
pub struct DiskMap(Arc<DiskInner>);

impl DiskMap {
    /// Maps `len` bytes of `file` shared and read-only. `len` must be the file's current
    /// length: mapping past the end of a file makes every touch of those pages a SIGBUS.
    pub fn map(file: &File, len: u64) -> io::Result<Self> {
        if len == 0 {
            return Ok(Self::from_bytes(Vec::new()));
        }
        let n = map_len(len)?;
        // SAFETY: the mapping is read-only and shared. Rust's aliasing rules would be broken
        // only if the file changed while a `&[u8]` into it is alive; that is the documented
        // mmap contract of this module (other processes may change the bytes we show, and
        // truncation is guarded elsewhere). `n` equals the file's length at this moment, so
        // no page lies past the end of the file.
        let map = unsafe { MmapOptions::new().len(n).map(file)? };
        Ok(Self(Arc::new(DiskInner::Mapped(map))))
    }

    /// Bytes read into memory, for sources that cannot be mapped (empty files, FIFOs,
    /// `/proc` files, character devices).
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(Arc::new(DiskInner::Bytes(bytes)))
    }

    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        match &*self.0 {
            DiskInner::Mapped(m) => m,
            DiskInner::Bytes(b) => b,
        }
    }

    /// True when the bytes come from a real mapping (not read into memory).
    pub fn is_mapped(&self) -> bool {
        matches!(&*self.0, DiskInner::Mapped(_))
    }
}

/// How a [`ViewMap`] shares its writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewKind {
    /// `MAP_PRIVATE`: writes stay in this process until saved.
    Private,
    /// `MAP_SHARED` read-write: writes land in the page cache, and so in the file, at once.
    Shared,
}

/// The writable mapping edits go into.
pub struct ViewMap {
    map: MmapMut,
    kind: ViewKind,
}

impl ViewMap {
    /// Maps `len` (> 0) bytes of `file` for writing. For [`ViewKind::Shared`] the file must be
    /// open for reading and writing; [`ViewKind::Private`] needs only reading.
    pub fn map(file: &File, len: u64, kind: ViewKind) -> io::Result<Self> {
        let n = map_len(len)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "cannot map an empty file for writing",
            ));
        }
        let map = match kind {
            // SAFETY: a private mapping: our writes never reach the file or other processes.
            // Other processes' writes may show through pages we have not written (the module
            // contract). `n` is the file's current length, so no page lies past its end.
            // MAP_NORESERVE lets a file larger than RAM + swap map (platform.md §3).
            ViewKind::Private => unsafe {
                MmapOptions::new().len(n).no_reserve_swap().map_copy(file)?
            },
            // SAFETY: a shared writable mapping of a file opened read-write; writes go to the
            // page cache as `pwrite` would. Concurrent writers to the same file are the mmap
            // contract above; `n` is the file's current length.
            ViewKind::Shared => unsafe { MmapOptions::new().len(n).map_mut(file)? },
        };
        Ok(Self { map, kind })
    }

    /// How writes are shared.
    pub fn kind(&self) -> ViewKind {
        self.kind
    }

    /// The bytes, edits included.
    pub fn as_slice(&self) -> &[u8] {
        &self.map
    }

    /// The bytes, for writing an edit.
    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        &mut self.map
    }

    /// Flushes (msync) a range of a shared mapping to disk. A no-op for private mappings.
    pub fn flush_range(&self, offset: usize, len: usize) -> io::Result<()> {
        if self.kind == ViewKind::Private || len == 0 {
            return Ok(());
        }
        self.map.flush_range(offset, len)
    }
}

/// Clears `O_NONBLOCK` on an open file, so a FIFO opened without blocking (to avoid hanging
/// in `open` when no writer exists) can then be read to its end with ordinary blocking reads.
pub fn clear_nonblocking(file: &File) -> io::Result<()> {
    let fd = file.as_raw_fd();
    // SAFETY: `fd` is a valid descriptor owned by `file` for the duration of this call;
    // F_GETFL takes no pointer argument.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: as above; F_SETFL takes an integer flag set.
    let rc = unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn private_writes_do_not_reach_the_file() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(b"hello world").unwrap();
        let file = f.reopen().unwrap();
        let mut view = ViewMap::map(&file, 11, ViewKind::Private).unwrap();
        view.as_mut_slice()[0] = b'J';
        assert_eq!(&view.as_slice()[..5], b"Jello");
        let disk = DiskMap::map(&file, 11).unwrap();
        assert_eq!(&disk.as_slice()[..5], b"hello");
        assert_eq!(std::fs::read(f.path()).unwrap(), b"hello world");
    }

    #[test]
    fn shared_writes_reach_the_file_at_once() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(b"hello world").unwrap();
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(f.path())
            .unwrap();
        let mut view = ViewMap::map(&file, 11, ViewKind::Shared).unwrap();
        view.as_mut_slice()[0] = b'J';
        view.flush_range(0, 1).unwrap();
        assert_eq!(std::fs::read(f.path()).unwrap(), b"Jello world");
    }

    #[test]
    fn empty_file_is_bytes_not_a_mapping() {
        let f = tempfile::NamedTempFile::new().unwrap();
        let disk = DiskMap::map(f.as_file(), 0).unwrap();
        assert!(!disk.is_mapped());
        assert!(disk.as_slice().is_empty());
        assert!(ViewMap::map(f.as_file(), 0, ViewKind::Private).is_err());
    }
}
