//! A headless harness: replay a list of messages against a document and get back the screen
//! after each, so a bug report becomes "these messages on these bytes" and a test can say
//! exactly that. The real effect handling and the real workers run (as in [`Session`]);
//! after each message the harness waits for a started search and line index to finish, so
//! the screens do not depend on timing.

use std::time::Duration;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::core::document::Document;
use crate::tui::msg::Msg;
use crate::tui::runtime::Session;
use crate::tui::ui;

/// How long one message may keep a worker busy before the harness draws anyway.
pub const SETTLE: Duration = Duration::from_secs(30);

/// Replays `msgs` on `doc` in a terminal of `size` (width, height); returns the screen drawn
/// after each message, and the session (to look at the state or the file afterwards).
pub fn replay(
    doc: Document,
    size: (u16, u16),
    msgs: impl IntoIterator<Item = Msg>,
) -> (Vec<Buffer>, Session) {
    let mut s = Session::new(doc, size);
    let mut screens = Vec::new();
    for msg in msgs {
        s.update(msg);
        s.wait_search(SETTLE);
        s.wait_lines(SETTLE);
        s.pump();
        screens.push(screen(&s));
    }
    (screens, s)
}

/// The screen of `s` as it would be drawn now.
pub fn screen(s: &Session) -> Buffer {
    let (w, h) = s.app.size;
    let mut buf = Buffer::empty(Rect::new(0, 0, w, h));
    ui::render(&mut buf, &s.app, w, h);
    buf
}

/// A buffer as text, one line per row (for assertions and bug reports).
pub fn text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}
