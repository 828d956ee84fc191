//! Standard input as a mappable file: [`spool`] copies a stream into an unlinked temporary
//! file, which [`DiskMap::map`](crate::core::mapping::DiskMap::map) can then map like any
//! other file.
//!
//! Why a file and not a `Vec`: everything in maphex reads through a mapping (issue 10,
//! "`maphex find PAT -` and `maphex dump -`, as grep and xxd read stdin"), and a pipe cannot
//! be mapped. Spooling keeps memory flat for a stream of any size (the page cache holds the
//! bytes, and can write them out), and once spooled the search is the same code as for a
//! file on disk.
//!
//! The file is never visible by name: `O_TMPFILE` creates it already unlinked in the
//! temporary directory; where the file system refuses `O_TMPFILE`, a uniquely named file is
//! created with `create_new` and removed at once. Either way the space is freed when the
//! returned [`File`] is dropped, even if the process is killed.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Copies `input` to its end into an unlinked temporary file in `dir` (usually
/// [`std::env::temp_dir`]) and returns the file, positioned at its start, with the number
/// of bytes copied.
///
/// # Errors
///
/// The temporary file cannot be created (no writable temporary directory) or written (disk
/// full), or `input` fails to read.
pub fn spool(input: &mut dyn Read, dir: &Path) -> io::Result<(File, u64)> {
    let mut file = unlinked_file(dir)?;
    let len = {
        let mut out = io::BufWriter::with_capacity(1 << 20, &mut file);
        let n = io::copy(input, &mut out)?;
        out.flush()?;
        n
    };
    file.seek(SeekFrom::Start(0))?;
    Ok((file, len))
}

/// A new read-write file in `dir` that has no name (the viewer spools a pipe into it while
/// it shows what has arrived).
pub fn unlinked_file(dir: &Path) -> io::Result<File> {
    match OpenOptions::new()
        .read(true)
        .write(true)
        .mode(0o600)
        .custom_flags(libc::O_TMPFILE)
        .open(dir)
    {
        Ok(f) => return Ok(f),
        // Not supported by this kernel or file system: fall back to create-and-unlink.
        Err(e)
            if matches!(
                e.raw_os_error(),
                Some(libc::EOPNOTSUPP | libc::EISDIR | libc::EINVAL)
            ) => {}
        Err(e) => return Err(e),
    }
    let pid = std::process::id();
    for attempt in 0..1000u32 {
        let path = dir.join(format!(".maphex-spool-{pid}-{attempt}"));
        match OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
        {
            Ok(f) => {
                std::fs::remove_file(&path)?;
                return Ok(f);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!(
            "cannot create a temporary file in {}: every name is taken",
            dir.display()
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spools_everything_and_leaves_no_name_behind() {
        let dir = tempfile::tempdir().unwrap();
        let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let (mut file, len) = spool(&mut data.as_slice(), dir.path()).unwrap();
        assert_eq!(len, data.len() as u64);
        let mut back = Vec::new();
        file.read_to_end(&mut back).unwrap();
        assert_eq!(back, data);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn an_empty_stream_is_an_empty_file() {
        let dir = tempfile::tempdir().unwrap();
        let (file, len) = spool(&mut io::empty(), dir.path()).unwrap();
        assert_eq!(len, 0);
        assert_eq!(file.metadata().unwrap().len(), 0);
    }
}
