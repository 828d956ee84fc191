//! The data inspector panel: the bytes at the cursor as integers of every width in the chosen
//! byte order (and the other), floats, bits and the UTF-8 character. Absent values (past the
//! end of the file) show as `--`.

use ratatui::buffer::Buffer;

use crate::core::inspector::{Endian, Values, inspect};
use crate::tui::app::INSPECTOR_ROWS;
use crate::tui::ui::model::Screen;
use crate::tui::ui::{put, title_rule};

fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or_else(|| "--".to_string(), |v| v.to_string())
}

/// The lines the panel shows (also used by tests).
pub fn lines(sc: &Screen) -> Vec<String> {
    let le = inspect(sc.doc, sc.cursor, Endian::Little);
    let be = inspect(sc.doc, sc.cursor, Endian::Big);
    let (first, second, a, b) = match sc.settings.endian {
        Endian::Little => ("le", "be", &le, &be),
        Endian::Big => ("be", "le", &be, &le),
    };
    let ch = match le.utf8 {
        Some((c, n)) if !c.is_control() && crate::core::text::is_safe_to_draw(c) => {
            format!(
                "'{c}' U+{:04X} ({n} byte{})",
                u32::from(c),
                if n == 1 { "" } else { "s" }
            )
        }
        Some((c, n)) => format!(
            "U+{:04X} ({n} byte{})",
            u32::from(c),
            if n == 1 { "" } else { "s" }
        ),
        None => "--".into(),
    };
    // One byte order per pair of lines, each under 80 columns even for the longest values
    // (u64::MAX, i64::MIN, a subnormal f64), so nothing is cut at the standard width.
    let order = |tag: &str, v: &Values| {
        [
            format!(
                "{tag}  u16 {}  i16 {}  u32 {}  i32 {}",
                opt(v.u16.map(|x| x.0)),
                opt(v.u16.map(|x| x.1)),
                opt(v.u32.map(|x| x.0)),
                opt(v.u32.map(|x| x.1)),
            ),
            format!(
                "{tag}  u64 {}  i64 {}  f32 {}",
                opt(v.u64.map(|x| x.0)),
                opt(v.u64.map(|x| x.1)),
                opt(v.f32.map(|f| format!("{f:e}"))),
            ),
        ]
    };
    let [a1, a2] = order(first, a);
    let [b1, b2] = order(second, b);
    vec![
        format!(
            "u8 {}  i8 {}  bin {}  hex {}  char {ch}",
            opt(le.u8.map(|v| v.0)),
            opt(le.u8.map(|v| v.1)),
            le.u8
                .map_or_else(|| "--".into(), |v| format!("{:08b}", v.0)),
            le.u8
                .map_or_else(|| "--".into(), |v| format!("{:02x}", v.0)),
        ),
        a1,
        a2,
        b1,
        b2,
        format!(
            "f64 {first} {}  {second} {}",
            opt(a.f64.map(|f| format!("{f:e}"))),
            opt(b.f64.map(|f| format!("{f:e}"))),
        ),
    ]
}

/// Draws the panel above the status bar.
pub fn render(buf: &mut Buffer, sc: &Screen) {
    let (l, theme) = (&sc.layout, sc.theme);
    let (search, inspector) = sc.panels;
    if inspector == 0 {
        return;
    }
    let y0 = l.rows + search;
    let width = usize::from(l.width);
    let order = match sc.settings.endian {
        Endian::Little => "little endian first (:set endian be)",
        Endian::Big => "big endian first (:set endian le)",
    };
    let title = format!("─ inspector at {:#x} ─ {order} ", sc.cursor);
    title_rule(buf, y0, width, &title, theme.frame());
    for (i, text) in lines(sc).iter().enumerate().take(INSPECTOR_ROWS - 1) {
        put(buf, 0, y0 + 1 + i, text, ratatui::style::Style::new());
    }
}
