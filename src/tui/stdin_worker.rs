//! The viewer from a pipe (`some-command | maphex`, `maphex -`): a thread copies standard
//! input into the unlinked spool file (`core::spool`) while the viewer maps and shows what has
//! arrived; it reports how far it got, at most every [`REPORT_EVERY`], and once at the end.
//! Keys come from the terminal (`/dev/tty`), not from standard input.

use std::fs::File;
use std::io::{Read, Write};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How often progress is reported while input arrives.
pub const REPORT_EVERY: Duration = Duration::from_millis(100);

/// How much input the first frame waits for (a screenful is far less), unless it ends first
/// or [`FIRST_FRAME_WAIT`] passes (a slow producer still gets a frame at once).
pub const FIRST_FRAME_BYTES: u64 = 64 << 10;

/// The longest the first frame waits for [`FIRST_FRAME_BYTES`].
pub const FIRST_FRAME_WAIT: Duration = Duration::from_millis(150);

/// How far the copy got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StdinMsg {
    /// Bytes in the spool file so far.
    pub len: u64,
    /// The input ended (or failed, with `error`).
    pub done: bool,
    /// Why reading or spooling stopped early.
    pub error: Option<String>,
}

/// Starts copying `input` into `spool` (a handle to the spool file) on a thread.
pub fn start(mut input: impl Read + Send + 'static, mut spool: File) -> Receiver<StdinMsg> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 256 << 10];
        let mut len = 0u64;
        // The first bytes are reported at once: a slow producer's first line is a screenful.
        let mut last: Option<Instant> = None;
        let error = loop {
            match input.read(&mut buf) {
                Ok(0) => break None,
                Ok(n) => {
                    if let Err(e) = spool.write_all(&buf[..n]) {
                        break Some(format!("cannot spool standard input: {e}"));
                    }
                    len += n as u64;
                    let first_screen =
                        len >= FIRST_FRAME_BYTES && len - (n as u64) < FIRST_FRAME_BYTES;
                    if first_screen || last.is_none_or(|t| t.elapsed() >= REPORT_EVERY) {
                        last = Some(Instant::now());
                        let msg = StdinMsg {
                            len,
                            done: false,
                            error: None,
                        };
                        if tx.send(msg).is_err() {
                            return; // the viewer is gone
                        }
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => break Some(format!("cannot read standard input: {e}")),
            }
        };
        let _ = tx.send(StdinMsg {
            len,
            done: true,
            error,
        });
    });
    rx
}

/// Waits for the first screenful: [`FIRST_FRAME_BYTES`], the end of the input, or
/// [`FIRST_FRAME_WAIT`], whichever comes first. Returns the last report (if any).
pub fn first_screenful(rx: &Receiver<StdinMsg>) -> Option<StdinMsg> {
    let deadline = Instant::now() + FIRST_FRAME_WAIT;
    let mut last = None;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(m) => {
                let enough = m.done || m.len >= FIRST_FRAME_BYTES;
                last = Some(m);
                if enough {
                    return last;
                }
            }
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return last,
        }
    }
}
