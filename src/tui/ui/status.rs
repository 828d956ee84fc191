//! The status bar: the buffer (`[2/3]`, when several are open), file, mode, dirty mark, edit mode (INS or OVR), cursor offset, byte under
//! the cursor, percent, size, and search progress.

use ratatui::buffer::Buffer;

use crate::core::source::ByteSource;
use crate::tui::app::InputMode;
use crate::tui::ui::model::Screen;
use crate::tui::ui::put;

/// Draws the status bar.
pub fn render(buf: &mut Buffer, sc: &Screen) {
    let (l, theme) = (&sc.layout, sc.theme);
    let Some(y) = l.status_y else { return };
    let y = usize::from(y);
    let width = usize::from(l.width);
    put(buf, 0, y, &" ".repeat(width), theme.status());
    let doc = sc.doc;
    let mode = doc.mode();
    let label = format!(" {} ", mode.label());
    put(buf, 0, y, &label, theme.mode(mode));
    let x = label.chars().count();
    let dirty = if doc.is_dirty() { " [+]" } else { "" };
    let edit = match sc.mode {
        // INS inserts typed bytes before the cursor, OVR writes over them (`Insert` toggles).
        InputMode::Edit { insert: true, .. } => " -- EDIT -- INS".to_string(),
        InputMode::Edit { insert: false, .. } => " -- EDIT -- OVR".to_string(),
        _ => sc
            .selection
            .clone()
            .map(|r| format!(" -- SELECT {} bytes --", r.end - r.start))
            .unwrap_or_default(),
    };
    let view = if sc.settings.line_view {
        match sc.cursor_line {
            Some(n) => format!("  line {n}"),
            // An empty file has one (empty) line, and nothing to index.
            None if doc.is_empty() => "  line 1".to_string(),
            None if sc.view.lines.building => {
                let pct = u128::from(sc.view.lines.progress) * 100 / u128::from(doc.len().max(1));
                format!("  line ? (indexing {pct}%)")
            }
            None => "  line ?".to_string(),
        }
    } else {
        String::new()
    };

    let len = doc.len();
    let byte = doc
        .read(sc.cursor..sc.cursor + 1)
        .first()
        .map_or_else(|| "--".to_string(), |b| format!("{b:02x}"));
    // Of the way from the first byte to the last: the last byte is 100 %.
    let pct = if len <= 1 {
        100
    } else {
        (u128::from(sc.cursor.min(len - 1)) * 100 / u128::from(len - 1)) as u64
    };
    // The right part (where the cursor is) matters most: it is never cut; the path gives way,
    // shortened from the left, then the mode notes.
    let mut right = format!(
        "{}0x{:x} ({})  byte {byte}  {pct}%  {len} bytes ",
        sc.view
            .search
            .status_short(sc.cursor)
            .map(|m| format!("{m}  "))
            .unwrap_or_default(),
        sc.cursor,
        sc.cursor
    );
    if right.chars().count() + x > width {
        right = format!("0x{:x}  {byte}  {len} B ", sc.cursor);
    }
    let rlen = right.chars().count();
    let room = width.saturating_sub(x + rlen + 1);
    let notes = format!("{dirty}{edit}{view}");
    let notes: String = if notes.chars().count() + 4 <= room {
        notes
    } else {
        dirty.to_string()
    };
    // With several buffers, which one this is: `[2/3]`, before the name.
    let tag = match sc.buffers {
        (_, 1) => String::new(),
        (at, count) if room >= 12 => format!("[{at}/{count}] "),
        _ => String::new(),
    };
    let name_room = room.saturating_sub(notes.chars().count() + tag.chars().count() + 1);
    let name = doc.path().display().to_string();
    let n = name.chars().count();
    let name = if n <= name_room {
        name
    } else if name_room >= 2 {
        let tail: String = name.chars().skip(n - (name_room - 1)).collect();
        format!("…{tail}")
    } else {
        String::new()
    };
    let left = format!(" {tag}{name}{notes}");
    put(buf, x, y, &left, theme.status());
    if x + rlen > width {
        // Too narrow for the position: the mode label is all there is room for.
        return;
    }
    let rx = width.saturating_sub(rlen);
    put(buf, rx, y, &right, theme.status());
}
