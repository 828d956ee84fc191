//! The system calls the saver needs that `std` does not offer: free space, `access(2)`,
//! `fallocate`, `copy_file_range`, `fchown`, extended attributes and the file size limit.
//!
//! Part of the mapping module so that all of the core's `unsafe` stays in one place: each
//! block is one libc call on a valid descriptor and buffers whose lengths are passed with
//! them, and every result is turned into an `io::Result` at once. Used by the
//! length-changing saver (`core::relayout`).

use std::ffi::{CString, OsStr};
use std::fs::File;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::io::AsRawFd;
use std::path::Path;

fn cstr(p: &Path) -> io::Result<CString> {
    CString::new(p.as_os_str().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a path with a NUL byte"))
}

fn check(rc: libc::c_int) -> io::Result<()> {
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Bytes an unprivileged process may still allocate on the file system holding `dir`
/// (`f_bavail * f_frsize`).
pub fn free_space(dir: &Path) -> io::Result<u64> {
    let c = cstr(dir)?;
    // SAFETY: an all-zero statvfs is a valid value of this plain C struct.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is NUL-terminated and `st` is a valid, writable statvfs.
    check(unsafe { libc::statvfs(c.as_ptr(), &raw mut st) })?;
    #[allow(clippy::useless_conversion)] // the field types differ between targets
    Ok(u64::from(st.f_bavail).saturating_mul(u64::from(st.f_frsize)))
}

/// Whether this process may create and rename entries in `dir` (`faccessat` with the
/// effective ids). As root it says yes whatever the mode bits.
pub fn dir_writable(dir: &Path) -> bool {
    let Ok(c) = cstr(dir) else { return false };
    // SAFETY: `c` is NUL-terminated; faccessat only reads it.
    let rc = unsafe {
        libc::faccessat(
            libc::AT_FDCWD,
            c.as_ptr(),
            libc::W_OK | libc::X_OK,
            libc::AT_EACCESS,
        )
    };
    rc == 0
}

/// The effective user id.
pub fn euid() -> u32 {
    // SAFETY: geteuid has no arguments and cannot fail.
    unsafe { libc::geteuid() }
}

/// The soft file size limit (`RLIMIT_FSIZE`), `None` when unlimited.
pub fn file_size_limit() -> Option<u64> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the valid local `lim`.
    if unsafe { libc::getrlimit(libc::RLIMIT_FSIZE, &raw mut lim) } != 0 {
        return None;
    }
    (lim.rlim_cur != libc::RLIM_INFINITY).then_some(lim.rlim_cur)
}

/// Reserves `offset..offset + len` of `file` (growing it), so later writes there cannot
/// fail for want of space. `Ok(false)` when the file system cannot preallocate.
pub fn allocate(file: &File, offset: u64, len: u64) -> io::Result<bool> {
    if len == 0 {
        return Ok(true);
    }
    let (Ok(off), Ok(n)) = (libc::off_t::try_from(offset), libc::off_t::try_from(len)) else {
        return Err(io::Error::from_raw_os_error(libc::EFBIG));
    };
    loop {
        // SAFETY: fallocate on a descriptor we own, with plain integer arguments.
        let rc = unsafe { libc::fallocate(file.as_raw_fd(), 0, off, n) };
        if rc == 0 {
            return Ok(true);
        }
        let e = io::Error::last_os_error();
        match e.raw_os_error() {
            Some(libc::EINTR) => {}
            Some(libc::EOPNOTSUPP | libc::ENOSYS) => return Ok(false),
            _ => return Err(e),
        }
    }
}

/// Copies up to `len` bytes from `src` at `*src_off` to `dst` at `*dst_off` inside the
/// kernel, advancing both offsets. Returns the bytes copied (0 at the end of `src`).
pub fn copy_range(
    src: &File,
    src_off: &mut u64,
    dst: &File,
    dst_off: &mut u64,
    len: u64,
) -> io::Result<u64> {
    let (Ok(mut so), Ok(mut d)) = (
        libc::loff_t::try_from(*src_off),
        libc::loff_t::try_from(*dst_off),
    ) else {
        return Err(io::Error::from_raw_os_error(libc::EFBIG));
    };
    let n = usize::try_from(len).unwrap_or(usize::MAX).min(1 << 30);
    loop {
        // SAFETY: both descriptors are open; the offsets point at valid locals.
        let rc = unsafe {
            libc::copy_file_range(
                src.as_raw_fd(),
                &raw mut so,
                dst.as_raw_fd(),
                &raw mut d,
                n,
                0,
            )
        };
        if let Ok(done) = u64::try_from(rc) {
            *src_off += done;
            *dst_off += done;
            return Ok(done);
        }
        let e = io::Error::last_os_error();
        if e.raw_os_error() != Some(libc::EINTR) {
            return Err(e);
        }
    }
}

/// Whether a `copy_file_range` error means "not here, use read and write" rather than a
/// real failure.
pub fn copy_unsupported(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::EXDEV | libc::ENOSYS | libc::EOPNOTSUPP | libc::EINVAL)
    )
}

/// Sets the owner and group of `file`; `EPERM` (not ours to give away) is not an error.
pub fn chown(file: &File, uid: u32, gid: u32) -> io::Result<()> {
    // SAFETY: fchown on a descriptor we own.
    match check(unsafe { libc::fchown(file.as_raw_fd(), uid, gid) }) {
        Err(e) if e.raw_os_error() == Some(libc::EPERM) => Ok(()),
        r => r,
    }
}

fn unsupported(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::ENOTSUP | libc::ENOSYS))
}

/// Copies every extended attribute (ACLs live there) of `from` to `to`. A file system
/// without them, on either side, is not an error; neither is a privileged name (not
/// `user.`) this process may not set.
pub fn copy_xattrs(from: &File, to: &File) -> io::Result<()> {
    let names = match list_xattrs(from) {
        Ok(n) => n,
        Err(e) if unsupported(&e) => return Ok(()),
        Err(e) => return Err(e),
    };
    for name in names.split(|&b| b == 0).filter(|n| !n.is_empty()) {
        let Ok(c) = CString::new(name) else { continue };
        let Some(value) = get_xattr(from, &c)? else {
            continue;
        };
        // SAFETY: `c` is NUL-terminated, `value` is valid for its length.
        let rc = unsafe {
            libc::fsetxattr(
                to.as_raw_fd(),
                c.as_ptr(),
                value.as_ptr().cast(),
                value.len(),
                0,
            )
        };
        if let Err(e) = check(rc) {
            let privileged = !OsStr::from_bytes(name).as_bytes().starts_with(b"user.");
            let denied = matches!(e.raw_os_error(), Some(libc::EPERM | libc::EACCES));
            if unsupported(&e) || (privileged && denied) {
                continue;
            }
            return Err(e);
        }
    }
    Ok(())
}

fn list_xattrs(f: &File) -> io::Result<Vec<u8>> {
    loop {
        // SAFETY: a null buffer of size 0 asks for the size only.
        let size = unsafe { libc::flistxattr(f.as_raw_fd(), std::ptr::null_mut(), 0) };
        let Ok(size) = usize::try_from(size) else {
            return Err(io::Error::last_os_error());
        };
        if size == 0 {
            return Ok(Vec::new());
        }
        let mut buf = vec![0u8; size];
        // SAFETY: `buf` is writable for `buf.len()` bytes.
        let got = unsafe { libc::flistxattr(f.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
        match usize::try_from(got) {
            Ok(n) => {
                buf.truncate(n);
                return Ok(buf);
            }
            // The list grew between the two calls: ask again.
            Err(_) if io::Error::last_os_error().raw_os_error() == Some(libc::ERANGE) => {}
            Err(_) => return Err(io::Error::last_os_error()),
        }
    }
}

fn get_xattr(f: &File, name: &CString) -> io::Result<Option<Vec<u8>>> {
    loop {
        // SAFETY: a null buffer of size 0 asks for the size only; `name` is NUL-terminated.
        let size =
            unsafe { libc::fgetxattr(f.as_raw_fd(), name.as_ptr(), std::ptr::null_mut(), 0) };
        let Ok(size) = usize::try_from(size) else {
            let e = io::Error::last_os_error();
            // Removed meanwhile.
            return if e.raw_os_error() == Some(libc::ENODATA) {
                Ok(None)
            } else {
                Err(e)
            };
        };
        let mut buf = vec![0u8; size];
        // SAFETY: `buf` is writable for `buf.len()` bytes; `name` is NUL-terminated.
        let got = unsafe {
            libc::fgetxattr(
                f.as_raw_fd(),
                name.as_ptr(),
                buf.as_mut_ptr().cast(),
                buf.len(),
            )
        };
        match usize::try_from(got) {
            Ok(n) => {
                buf.truncate(n);
                return Ok(Some(buf));
            }
            Err(_) if io::Error::last_os_error().raw_os_error() == Some(libc::ERANGE) => {}
            Err(_) => return Err(io::Error::last_os_error()),
        }
    }
}
