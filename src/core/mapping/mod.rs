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
//! In write-through mode the search and line-index workers read the shared disk mapping while
//! the UI thread writes the same pages through the writable view: within the process that is
//! the same race as with another process writing the file. The workers only read bytes to
//! match and count, tolerate any value, and every edit triggers a re-search, so a torn read can
//! only delay a highlight, never corrupt data.
//!
//! # The SIGBUS guard
//! When another process truncates a mapped file, touching a page past the new end raises
//! SIGBUS, which kills the process (and leaves the terminal in the alternate screen). Every
//! mapping made here is registered in a lock-free table; a raw `sigaction` handler looks the
//! faulting address up and maps anonymous zero pages from the fault to the end of the region
//! (`MAP_FIXED`), sets the region's flag and returns, so the faulting load restarts and reads
//! zeros. The document checks [`DiskMap::faulted`] / [`ViewMap::faulted`] to tell the user the
//! file shrank and to refuse saving from a patched view. Probed in platform.md §4: 200 of 200
//! truncations survived, with threads and a running regex. `signal-hook` cannot do this (it
//! chains to std's handler, which kills on the second fault), hence raw `sigaction`. A fault
//! outside every registered region is passed to the previous handler as before.

pub(crate) mod sys;

use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Once};

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
    /// The slot is declared first so it is dropped (unregistered) before the mapping.
    Mapped(Option<Slot>, Mmap),
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
        // Map through a description of the file of its own (not `file`'s): a mapping keeps
        // the open file description it was made from, and with it an advisory lock taken on
        // it, so a snapshot (a background search's) that outlives its document would keep
        // the document's lock. `/proc/self/fd/N` opens the same inode anew.
        let own = {
            use std::os::fd::AsRawFd;
            File::open(format!("/proc/self/fd/{}", file.as_raw_fd())).ok()
        };
        let file = own.as_ref().unwrap_or(file);
        // SAFETY: the mapping is read-only and shared. Rust's aliasing rules would be broken
        // only if the file changed while a `&[u8]` into it is alive; that is the documented
        // mmap contract of this module (other processes may change the bytes we show, and
        // truncation is guarded elsewhere). `n` equals the file's length at this moment, so
        // no page lies past the end of the file.
        let map = unsafe { MmapOptions::new().len(n).map(file)? };
        let slot = Slot::register(map.as_ptr(), map.len(), false);
        Ok(Self(Arc::new(DiskInner::Mapped(slot, map))))
    }

    /// Bytes read into memory, for sources that cannot be mapped (empty files, FIFOs,
    /// `/proc` files, character devices).
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(Arc::new(DiskInner::Bytes(bytes)))
    }

    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        match &*self.0 {
            DiskInner::Mapped(_, m) => m,
            DiskInner::Bytes(b) => b,
        }
    }

    /// True when the bytes come from a real mapping (not read into memory).
    pub fn is_mapped(&self) -> bool {
        matches!(&*self.0, DiskInner::Mapped(..))
    }

    /// True when a page of this mapping faulted past the end of the file (it was truncated by
    /// someone else) and was replaced by zeros: the view is stale, remap it.
    pub fn faulted(&self) -> bool {
        matches!(&*self.0, DiskInner::Mapped(Some(s), _) if s.faulted())
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
    /// Declared first: unregistered before the mapping is unmapped.
    slot: Option<Slot>,
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
        let slot = Slot::register(map.as_ptr(), map.len(), true);
        Ok(Self { slot, map, kind })
    }

    /// True when a page faulted past the end of the file and was replaced by zeros.
    pub fn faulted(&self) -> bool {
        self.slot.as_ref().is_some_and(Slot::faulted)
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

// ---------------------------------------------------------------------------- SIGBUS guard

/// How many mappings can be guarded at once (a document holds two; snapshots share them).
const SLOTS: usize = 64;

/// One guarded mapping. `seq` is a sequence lock: odd while `start`/`len`/`writable` change,
/// so the signal handler never combines the fields of two different mappings.
struct Region {
    seq: AtomicUsize,
    start: AtomicUsize,
    len: AtomicUsize,
    writable: AtomicBool,
    faulted: AtomicBool,
}

#[allow(clippy::declare_interior_mutable_const)]
const EMPTY: Region = Region {
    seq: AtomicUsize::new(0),
    start: AtomicUsize::new(0),
    len: AtomicUsize::new(0),
    writable: AtomicBool::new(false),
    faulted: AtomicBool::new(false),
};

static REGIONS: [Region; SLOTS] = [EMPTY; SLOTS];
static PAGE: AtomicUsize = AtomicUsize::new(4096);
static INSTALL: Once = Once::new();
/// Bytes written to standard output before a SIGBUS that is not ours kills the process (the
/// terminal front end registers what leaves its alternate screen). Pointer and length.
static FATAL_OUTPUT: (AtomicUsize, AtomicUsize) = (AtomicUsize::new(0), AtomicUsize::new(0));

/// Sets (or clears) what to write to standard output before a fatal SIGBUS ends the process,
/// so a crash does not leave the terminal unusable. The bytes must live forever.
pub fn set_fatal_signal_output(bytes: Option<&'static [u8]>) {
    let (ptr, len) = bytes.map_or((0, 0), |b| (b.as_ptr() as usize, b.len()));
    FATAL_OUTPUT.1.store(0, Ordering::Release);
    FATAL_OUTPUT.0.store(ptr, Ordering::Release);
    FATAL_OUTPUT.1.store(len, Ordering::Release);
}

/// The handler that was in place before ours (std's stack-overflow handler, usually).
static mut PREVIOUS: Option<libc::sigaction> = None;

/// A registered region; unregisters on drop, which must happen before the mapping is
/// unmapped so a later, unrelated mapping at the same address is never patched.
struct Slot(usize);

impl Slot {
    fn register(start: *const u8, len: usize, writable: bool) -> Option<Slot> {
        install_handler();
        for (i, r) in REGIONS.iter().enumerate() {
            if r.len
                .compare_exchange(0, usize::MAX, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
            {
                r.seq.fetch_add(1, Ordering::AcqRel);
                r.start.store(start as usize, Ordering::Release);
                r.writable.store(writable, Ordering::Release);
                r.faulted.store(false, Ordering::Release);
                r.len.store(len, Ordering::Release);
                r.seq.fetch_add(1, Ordering::AcqRel);
                return Some(Slot(i));
            }
        }
        None
    }

    fn faulted(&self) -> bool {
        REGIONS[self.0].faulted.load(Ordering::Acquire)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let r = &REGIONS[self.0];
        r.seq.fetch_add(1, Ordering::AcqRel);
        r.len.store(usize::MAX, Ordering::Release);
        r.start.store(0, Ordering::Release);
        r.faulted.store(false, Ordering::Release);
        r.seq.fetch_add(1, Ordering::AcqRel);
        // Free for the next mapping only now that the handler cannot see the old fields.
        r.len.store(0, Ordering::Release);
    }
}

fn install_handler() {
    INSTALL.call_once(|| {
        // SAFETY: sysconf has no preconditions.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        if let Some(p) = usize::try_from(page).ok().filter(|p| p.is_power_of_two()) {
            PAGE.store(p, Ordering::Release);
        }
        // SAFETY: a zeroed sigaction is a valid starting value. `PREVIOUS` is written once,
        // here, inside `Once`, from a query of the current action made *before* our handler is
        // installed, so the handler (the only reader) never sees it change.
        unsafe {
            let mut old: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(libc::SIGBUS, std::ptr::null(), &raw mut old) != 0 {
                return;
            }
            PREVIOUS = Some(old);
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_sigbus as *const () as usize;
            action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | libc::SA_NODEFER;
            libc::sigemptyset(&raw mut action.sa_mask);
            libc::sigaction(libc::SIGBUS, &raw const action, std::ptr::null_mut());
        }
    });
}

/// The handler. Only atomics and the raw `mmap` syscall: async-signal-safe.
extern "C" fn on_sigbus(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid siginfo for SA_SIGINFO handlers; si_addr is the
    // faulting address for SIGBUS.
    let addr = unsafe { (*info).si_addr() } as usize;
    let page = PAGE.load(Ordering::Acquire);
    for r in &REGIONS {
        let seq = r.seq.load(Ordering::Acquire);
        let len = r.len.load(Ordering::Acquire);
        let start = r.start.load(Ordering::Acquire);
        let writable = r.writable.load(Ordering::Acquire);
        std::sync::atomic::fence(Ordering::Acquire);
        if seq % 2 == 1 || r.seq.load(Ordering::Relaxed) != seq {
            // Being registered or unregistered right now: not a region to trust.
            continue;
        }
        if len == 0 || len == usize::MAX || addr < start || addr >= start.saturating_add(len) {
            continue;
        }
        let from = addr & !(page - 1);
        let end = (start + len + page - 1) & !(page - 1);
        let prot = if writable {
            libc::PROT_READ | libc::PROT_WRITE
        } else {
            libc::PROT_READ
        };
        // SAFETY: [from, end) lies inside a mapping we own and registered (the region's pages,
        // rounded to whole pages); MAP_FIXED replaces those pages with anonymous zero pages,
        // which is exactly the intended repair. The raw syscall avoids libc's wrapper.
        let ret = unsafe {
            libc::syscall(
                libc::SYS_mmap,
                from,
                end - from,
                prot,
                libc::MAP_FIXED | libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1_i64,
                0_i64,
            )
        };
        if usize::try_from(ret).ok() == Some(from) {
            r.faulted.store(true, Ordering::Release);
            return;
        }
        break;
    }
    // Not ours: the process is about to die (std's handler only survives stack-guard hits,
    // which are SIGSEGV in practice). Restore the terminal first.
    let (ptr, len) = (
        FATAL_OUTPUT.0.load(Ordering::Acquire),
        FATAL_OUTPUT.1.load(Ordering::Acquire),
    );
    if ptr != 0 && len != 0 {
        // SAFETY: `ptr..ptr + len` is a `&'static [u8]` registered by
        // `set_fatal_signal_output`; write(2) is async-signal-safe.
        unsafe {
            libc::write(1, ptr as *const libc::c_void, len);
        }
    }
    // Hand it to the previous handler, or die as SIGBUS normally does.
    // SAFETY: PREVIOUS was set before this handler was installed and never changes after.
    let prev = unsafe { PREVIOUS };
    match prev {
        Some(p) if p.sa_sigaction != libc::SIG_DFL && p.sa_sigaction != libc::SIG_IGN => {
            if p.sa_flags & libc::SA_SIGINFO != 0 {
                // SAFETY: the previous handler was installed as an SA_SIGINFO handler, so it
                // has this signature.
                let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                    unsafe { std::mem::transmute(p.sa_sigaction) };
                f(sig, info, ctx);
            } else {
                // SAFETY: a plain handler takes the signal number only.
                let f: extern "C" fn(libc::c_int) = unsafe { std::mem::transmute(p.sa_sigaction) };
                f(sig);
            }
        }
        _ => {
            // SAFETY: resetting to the default action and returning re-runs the faulting
            // instruction, which then terminates the process with SIGBUS as it would have.
            unsafe {
                let mut dfl: libc::sigaction = std::mem::zeroed();
                dfl.sa_sigaction = libc::SIG_DFL;
                libc::sigaction(libc::SIGBUS, &raw const dfl, std::ptr::null_mut());
            }
        }
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

/// The global allocator of the `maphex` binary: the system's, except that a block of
/// [`PREFAULT_MIN`] to [`PREFAULT_MAX`] bytes has its pages mapped in one call
/// (`madvise(MADV_POPULATE_WRITE)`) before it is handed out. The screen buffers ratatui makes
/// at start-up (two of 233 KB at 120×40) are filled cell by cell at once; mapping their pages
/// one fault at a time was most of the first frame's lead over hexedit
/// (`benches/startup_vs_hexedit.sh`: 114 faults, about 0.5 ms). Bigger blocks are left alone,
/// so a large reservation (a `Vec` grown for a pipe) never becomes resident before it is used,
/// and memory stays what the file's bytes on screen cost. Where the kernel lacks
/// `MADV_POPULATE_WRITE` (before Linux 5.14) the call fails and nothing changes.
pub struct PrefaultAlloc;

/// The smallest block whose pages are mapped up front.
pub const PREFAULT_MIN: usize = 64 << 10;
/// The largest block whose pages are mapped up front (a 4K terminal's screen buffer is 2 MB).
pub const PREFAULT_MAX: usize = 4 << 20;

// SAFETY: every method hands the call to `std::alloc::System` with the same arguments and
// returns its result unchanged; `alloc` only adds an `madvise` over whole pages inside the
// block it just got, which changes no byte and no ownership (it asks the kernel to map the
// pages now instead of at the first write).
unsafe impl std::alloc::GlobalAlloc for PrefaultAlloc {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `GlobalAlloc::alloc` is passed on as is.
        let p = unsafe { std::alloc::System.alloc(layout) };
        if !p.is_null() && (PREFAULT_MIN..=PREFAULT_MAX).contains(&layout.size()) {
            let page = PAGE.load(Ordering::Relaxed).max(4096);
            let start = (p as usize).next_multiple_of(page);
            let end = (p as usize + layout.size()) / page * page;
            if start < end {
                // SAFETY: `start..end` lies inside the block just allocated, page-aligned;
                // MADV_POPULATE_WRITE only maps those pages (their content stays what the
                // allocator gave), and its failure is harmless and ignored.
                unsafe {
                    libc::madvise(
                        start as *mut libc::c_void,
                        end - start,
                        libc::MADV_POPULATE_WRITE,
                    );
                }
            }
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: the caller's contract for `GlobalAlloc::dealloc` is passed on as is.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: the caller's contract is passed on; zeroed blocks come fresh from the
        // kernel and are left to fault in as they are used.
        unsafe { std::alloc::System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract is passed on; the system's realloc keeps `mremap`
        // for large blocks.
        unsafe { std::alloc::System.realloc(ptr, layout, new_size) }
    }
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
    fn truncation_under_the_map_is_survived() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(&vec![7u8; 1 << 20]).unwrap();
        let file = f.reopen().unwrap();
        let disk = DiskMap::map(&file, 1 << 20).unwrap();
        let mut view = ViewMap::map(&file, 1 << 20, ViewKind::Private).unwrap();
        view.as_mut_slice()[0] = 1;
        for _ in 0..20 {
            f.as_file().set_len(100).unwrap();
            // Touch every page past the new end: without the guard this is a SIGBUS.
            let sum: u64 = disk
                .as_slice()
                .iter()
                .step_by(4096)
                .map(|&b| u64::from(b))
                .sum();
            assert_eq!(sum, 7, "only the first page keeps data");
            assert!(disk.faulted());
            let vsum: u64 = view
                .as_slice()
                .iter()
                .step_by(4096)
                .map(|&b| u64::from(b))
                .sum();
            assert!(vsum <= 7);
            f.as_file().set_len(1 << 20).unwrap();
        }
        assert!(view.faulted());
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
