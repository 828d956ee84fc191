//! The structure pane: a template's tree beside the hex pane, one row per field (name,
//! offset, size, type, value), drawn from the rows `tui::structure` made for this frame,
//! with a footer that shows the selected field in full.
//!
//! Names, types and values come escaped (`structure::escape`): no byte of the file reaches
//! the terminal as a control character or as anything terminals disagree on the width of, so
//! every width here is `unicode-width`'s and each line is laid out to exactly the pane's
//! width.
//!
//! At any width the name and the value stay readable: as the pane narrows the type column
//! goes first, then the size, then the offset (the footer still shows all three); deep
//! indentation is compressed (two columns a level, then one; one a level in a narrow pane;
//! never more than a quarter of the pane);
//! a name too long is cut in the middle (`comp…_size`), a value at its end (`…`), and the
//! footer shows the whole value, wrapped.

use ratatui::buffer::Buffer;
use ratatui::style::Style;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::tui::structure::{Fold, Row, Structure, pane_rows};
use crate::tui::theme::Theme;
use crate::tui::ui::model::Screen;

/// Columns of a character (the strings drawn here hold no zero-width ones).
fn char_w(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// At most `w` columns of `s`, its end replaced by `…` when cut.
fn fit_end(s: &str, w: usize) -> String {
    if s.width() <= w {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        if used + char_w(c) + 1 > w {
            break;
        }
        used += char_w(c);
        out.push(c);
    }
    if w > 0 {
        out.push('…');
    }
    out
}

/// At most `w` columns of `s`, its middle replaced by `…` when cut (`compr…_size`): the
/// start and the end of a name tell it from its neighbours.
fn fit_middle(s: &str, w: usize) -> String {
    if s.width() <= w || w < 3 {
        return fit_end(s, w);
    }
    let tail_w = w / 2;
    let head_w = w - 1 - tail_w;
    let mut head = String::new();
    let mut used = 0;
    for c in s.chars() {
        if used + char_w(c) > head_w {
            break;
        }
        used += char_w(c);
        head.push(c);
    }
    let mut tail = Vec::new();
    let mut used = 0;
    for c in s.chars().rev() {
        if used + char_w(c) > tail_w {
            break;
        }
        used += char_w(c);
        tail.push(c);
    }
    head.push('…');
    head.extend(tail.into_iter().rev());
    head
}

/// `s` (at most `w` columns) padded with spaces to exactly `w`, on the right or the left.
fn pad(s: &str, w: usize, right_align: bool) -> String {
    let fill = " ".repeat(w.saturating_sub(s.width()));
    if right_align {
        fill + s
    } else {
        s.to_string() + &fill
    }
}

/// One line of the pane: pieces in their styles, exactly as wide as the pane.
struct Line(Vec<(String, Style)>);

impl Line {
    fn push(&mut self, s: String, style: Style) {
        self.0.push((s, style));
    }

    /// Draws at (x, y) in `w` columns, padding the rest with `fill` spaces.
    fn draw(self, buf: &mut Buffer, x: usize, y: usize, w: usize, fill: Style) {
        let area = buf.area;
        let (Ok(mut cx), Ok(y)) = (u16::try_from(x), u16::try_from(y)) else {
            return;
        };
        if y >= area.height {
            return;
        }
        let end = usize::from(cx)
            .saturating_add(w)
            .min(usize::from(area.width));
        let end = u16::try_from(end).unwrap_or(area.width);
        for (s, style) in self.0 {
            if cx >= end {
                break;
            }
            let room = usize::from(end - cx);
            let (nx, _) = buf.set_stringn(area.x + cx, area.y + y, &s, room, style);
            cx = nx - area.x;
        }
        for x in cx..end {
            if let Some(cell) = buf.cell_mut((area.x + x, area.y + y)) {
                cell.reset();
                cell.set_style(fill);
            }
        }
    }
}

/// Hex digits of `n` (1 for 0).
fn hex_digits(n: u64) -> usize {
    (64 - n.leading_zeros() as usize).div_ceil(4).max(1)
}

/// The size column's text: `25+` for an array parsed part way, `…` for one not yet looked
/// into.
fn size_text(r: &Row) -> String {
    match (r.partial, r.size) {
        (true, 0) => "…".into(),
        (true, n) => format!("{n}+"),
        (false, n) => n.to_string(),
    }
}

/// How a pane `cw` columns wide indents: the most columns, and whether a level takes two
/// columns (for the first four levels, then one) or one (a narrow pane).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Indent {
    cap: usize,
    wide: bool,
}

impl Indent {
    fn new(cw: usize) -> Self {
        Self {
            cap: cw / 4,
            wide: cw >= 48,
        }
    }

    /// Columns of indentation for `depth`.
    fn of(self, depth: usize) -> usize {
        let stepped = match (self.wide, depth) {
            (true, 0..=4) => 2 * depth,
            (true, _) => 8 + (depth - 4),
            (false, _) => depth,
        };
        stepped.min(self.cap)
    }
}

/// Where a row's pieces go, for the rows on screen in `cw` columns.
#[derive(Debug, PartialEq, Eq)]
struct Columns {
    /// Indentation, marker and name.
    name: usize,
    /// How rows are indented.
    indent: Indent,
    /// Offset, size and type, when shown.
    offset: Option<usize>,
    size: Option<usize>,
    type_name: Option<usize>,
    /// What is left for the value.
    value: usize,
}

/// Lays out the rows on screen in `cw` columns (offsets and sizes as wide as those on
/// screen need). The type column
/// is shown only with room to spare, then the size, then the offset; what is left goes to
/// the name (as much as the longest name needs, unless most values would then be cut: a
/// little more than half; and never more than leaves a third to a long value) and the value.
fn columns(rows: &[Row], cw: usize) -> Columns {
    let indent = Indent::new(cw);
    let need_name = rows
        .iter()
        .map(|r| indent.of(r.depth) + 2 + r.name.width())
        .max()
        .unwrap_or(0);
    // The width three values in four fit in: one long string or byte run does not take
    // the names' room.
    let mut values: Vec<usize> = rows.iter().map(|r| r.value.width()).collect();
    values.sort_unstable();
    let need_value = values.get(values.len() * 3 / 4).copied().unwrap_or(0);
    let longest_value = values.last().copied().unwrap_or(0);
    let off_w = rows
        .iter()
        .map(|r| r.offset.map_or(1, hex_digits))
        .max()
        .unwrap_or(1);
    let size_w = rows.iter().map(|r| size_text(r).width()).max().unwrap_or(1);
    let type_w = rows
        .iter()
        .map(|r| r.type_name.width())
        .max()
        .unwrap_or(0)
        .min(16);
    // (offset, size, type, the least name and value widths that keep them).
    let sets = [
        (true, true, true, 24),
        (true, true, false, 12),
        (true, false, false, 10),
        (false, false, false, 0),
    ];
    for (o, s, t, least) in sets {
        if t && type_w == 0 {
            continue;
        }
        let fixed = usize::from(o) * (off_w + 1)
            + usize::from(s) * (size_w + 1)
            + usize::from(t) * (type_w + 1);
        let Some(avail) = cw.checked_sub(fixed) else {
            continue;
        };
        let (nmin, vmin) = (need_name.min(least), need_value.min(least));
        if least > 0 && avail < nmin + 1 + vmin {
            continue;
        }
        // The name takes what it needs, unless that cuts most values (then 55% of the
        // room, or what they leave), and always leaves a third for a long value.
        let name = need_name
            .min(avail.saturating_sub(need_value + 1).max(avail * 11 / 20))
            .min(avail.saturating_sub(longest_value.min(avail / 3) + 1));
        return Columns {
            name,
            indent,
            offset: o.then_some(off_w),
            size: s.then_some(size_w),
            type_name: t.then_some(type_w),
            value: avail.saturating_sub(name + 1),
        };
    }
    unreachable!("the last set of columns always fits")
}

/// A value in `w` columns: an integer or enum member without its `(…)` when only that
/// does not fit (`2425448502`, `truecolor`), else cut at the end.
fn fit_value(v: &str, w: usize) -> String {
    if v.width() > w
        && !v.starts_with('"')
        && v.ends_with(')')
        && let Some(i) = v.rfind(" (")
        && v[..i].width() <= w
    {
        return v[..i].to_string();
    }
    fit_end(v, w)
}

/// One tree row.
fn row_line(r: &Row, c: &Columns, base: Style, theme: Theme) -> Line {
    let marker = match r.fold {
        Fold::Leaf => ' ',
        Fold::Folded => '▸',
        Fold::Open => '▾',
    };
    // The marker and at least a few characters of the name keep their room.
    let ind = c.indent.of(r.depth).min(c.name.saturating_sub(5));
    let name_room = c.name.saturating_sub(ind + 2);
    let head = format!(
        "{}{marker} {}",
        " ".repeat(ind),
        fit_middle(&r.name, name_room)
    );
    let mut line = Line(Vec::new());
    line.push(pad(&fit_end(&head, c.name), c.name, false), base);
    if let Some(w) = c.offset {
        let off = r
            .offset
            .map_or_else(|| "-".to_string(), |o| format!("{o:x}"));
        line.push(" ".into(), base);
        line.push(pad(&fit_end(&off, w), w, true), base.patch(theme.offset()));
    }
    if let Some(w) = c.size {
        line.push(" ".into(), base);
        line.push(pad(&fit_end(&size_text(r), w), w, true), base);
    }
    if let Some(w) = c.type_name {
        line.push(" ".into(), base);
        line.push(
            pad(&fit_end(&r.type_name, w), w, false),
            base.patch(theme.dim()),
        );
    }
    if c.value > 0 {
        let vst = if r.error {
            base.patch(theme.error())
        } else {
            base
        };
        line.push(" ".into(), base);
        line.push(fit_value(&r.value, c.value), vst);
    }
    line
}

/// The title: template, path, keys; the keys go first when it does not fit, then the
/// template's name, then the middle of the path. True when the path is shown whole.
fn title(st: &Structure, cw: usize) -> (String, bool) {
    let keys = if st.focus {
        "j/k l/h e Tab"
    } else {
        "t focuses"
    };
    let (name, path) = (&st.name, &st.path);
    for t in [
        format!("─ {name}: {path} ─ {keys} "),
        format!("─ {name}: {path} "),
        format!("─ {path} "),
    ] {
        if t.width() <= cw {
            return (t, true);
        }
    }
    if cw < 3 {
        return (String::new(), false);
    }
    (format!("─ {}", fit_middle(path, cw - 2)), false)
}

/// Where the selected field is and what it is: `u4be @0x10+4`.
fn place(r: &Row) -> String {
    match r.offset {
        Some(o) => format!("{} @{o:#x}+{}", r.type_name, size_text(r)),
        None if r.size == 0 => format!("{}, computed", r.type_name),
        None => format!("{}, {} bytes of decoded data", r.type_name, size_text(r)),
    }
}

/// `text` wrapped into at most `lines` lines of `w` columns, at a space when there is one
/// in the line (else anywhere), `…` ending the last line when it does not all fit.
fn wrap(text: &str, w: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest: Vec<char> = text.chars().collect();
    let mut cut = false;
    while out.len() < lines.max(1) {
        // The most characters that fit.
        let (mut n, mut used) = (0, 0);
        while n < rest.len() && used + char_w(rest[n]) <= w {
            used += char_w(rest[n]);
            n += 1;
        }
        if n == rest.len() {
            out.push(rest.iter().collect());
            rest.clear();
            break;
        }
        if out.len() + 1 == lines.max(1) || n == 0 {
            out.push(rest[..n].iter().collect());
            cut = true;
            break;
        }
        // Break after the last space, when it leaves something on this line.
        let brk = rest[..=n]
            .iter()
            .rposition(|&c| c == ' ')
            .filter(|&i| i > 0)
            .unwrap_or(n);
        out.push(rest[..brk].iter().collect());
        let skip = usize::from(rest.get(brk) == Some(&' '));
        rest.drain(..brk + skip);
    }
    if cut && let Some(l) = out.last_mut() {
        // Room for the ellipsis: drop characters from the end of the last line.
        while l.width() + 1 > w && l.pop().is_some() {}
        if w > 0 {
            l.push('…');
        }
    }
    out
}

/// The footer's lines: a rule naming the type, offset and size, then the value wrapped,
/// then, when the title could not show it whole, the path; on one line, the rule holds the
/// value too.
fn footer(st: &Structure, cw: usize, lines: usize, path_shown: bool) -> Vec<String> {
    let Some(d) = st.detail.as_ref().filter(|_| lines > 0) else {
        return Vec::new();
    };
    let rule = |s: String| -> String {
        let s = fit_end(&s, cw);
        let fill = "─".repeat(cw.saturating_sub(s.width()));
        s + &fill
    };
    if lines == 1 {
        return vec![rule(format!("─ {} = {} ", place(d), d.value))];
    }
    let mut out = vec![rule(format!("─ {} ", place(d)))];
    let room = lines - 1;
    let path = (!path_shown).then(|| wrap(&st.path, cw, room));
    // The value first; the path gets what the value leaves, at least a line.
    let value_room = match &path {
        Some(p) if !d.value.is_empty() => room.saturating_sub(p.len()).max(room.div_ceil(2)),
        Some(_) => 0,
        None => room,
    };
    if value_room > 0 {
        out.extend(wrap(&d.value, cw, value_room));
    }
    if path.is_some() {
        let left = lines - out.len();
        if left > 0 {
            out.extend(wrap(&st.path, cw, left));
        }
    }
    out
}

/// Draws the pane in the `width` columns right of the data rows (all of them, with no rule
/// on its left, when it takes the whole screen).
pub fn render(buf: &mut Buffer, sc: &Screen, st: &Structure, width: u16) {
    let (l, theme) = (&sc.layout, sc.theme);
    let x0 = usize::from(l.width.saturating_sub(width));
    let w = usize::from(width).min(usize::from(l.width));
    let height = l.rows;
    if height == 0 || w == 0 {
        return;
    }
    // The rule on the left, when the hex pane is beside it.
    let (x, cw) = if x0 > 0 {
        for y in 0..height {
            Line(vec![("│".into(), theme.frame())]).draw(buf, x0, y, 1, Style::new());
        }
        (x0 + 1, w - 1)
    } else {
        (x0, w)
    };
    for y in 0..height {
        Line(Vec::new()).draw(buf, x, y, cw, Style::new());
    }
    if cw == 0 {
        return;
    }
    let (tree, foot) = pane_rows(height);
    let (t, path_shown) = title(st, cw);
    let t = fit_end(&t, cw);
    let fill = "─".repeat(cw.saturating_sub(t.width()));
    Line(vec![(t + &fill, theme.frame())]).draw(buf, x, 0, cw, Style::new());
    let shown = &st.rows[..st.rows.len().min(tree)];
    let cols = columns(shown, cw);
    for (y, r) in (1..).zip(shown) {
        let base = if r.selected && st.focus {
            theme.cursor_active(Style::new())
        } else if r.selected {
            theme.cursor_passive(Style::new())
        } else {
            Style::new()
        };
        row_line(r, &cols, base, theme).draw(buf, x, y, cw, base);
    }
    let error = st.detail.as_ref().is_some_and(|d| d.error);
    for (i, text) in footer(st, cw, foot, path_shown).into_iter().enumerate() {
        let style = if i == 0 {
            theme.frame()
        } else if error {
            theme.error()
        } else {
            Style::new()
        };
        Line(vec![(text, style)]).draw(buf, x, 1 + tree + i, cw, Style::new());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(depth: usize, name: &str, value: &str) -> Row {
        Row {
            depth,
            name: name.into(),
            offset: Some(0x10),
            size: 4,
            partial: false,
            type_name: "u4be".into(),
            value: value.into(),
            fold: Fold::Leaf,
            selected: false,
            error: false,
        }
    }

    #[test]
    fn names_are_cut_in_the_middle_and_values_at_the_end() {
        assert_eq!(fit_middle("compressed_size", 10), "comp…_size");
        assert_eq!(fit_middle("compression_method", 10), "comp…ethod");
        assert_eq!(fit_middle("short", 10), "short");
        assert_eq!(fit_middle("abcdef", 2), "a…");
        assert_eq!(fit_middle("abcdef", 1), "…");
        assert_eq!(fit_middle("abcdef", 0), "");
        assert_eq!(fit_end("\"a very long\"", 6), "\"a ve…");
        // A wide character that does not fit is left out, not split.
        assert_eq!(fit_end("中文中文", 4), "中…");
        assert!(fit_middle("中文中文中文", 6).width() <= 6);
        assert_eq!(fit_value("2425448502 (0x909090a0)", 13), "2425448502");
        assert_eq!(fit_value("truecolor (2)", 12), "truecolor");
        assert_eq!(fit_value("truecolor (2)", 13), "truecolor (2)");
        assert_eq!(fit_value("\"a (b)\"", 5), "\"a (…");
    }

    #[test]
    fn wrapping_ends_with_an_ellipsis_when_cut() {
        assert_eq!(wrap("abcdefgh", 3, 2), ["abc", "de…"]);
        assert_eq!(wrap("abcdef", 3, 2), ["abc", "def"]);
        assert_eq!(wrap("ab中文", 3, 3), ["ab", "中", "文"]);
        assert_eq!(wrap("", 3, 2), [""]);
        assert_eq!(wrap("89 50 4e 47 0d", 8, 2), ["89 50 4e", "47 0d"]);
        assert_eq!(wrap("89 50 4e 47 0d 0a", 8, 2), ["89 50 4e", "47 0d 0a"]);
        assert_eq!(wrap("89 50 4e 47 0d 0a 1a", 8, 2), ["89 50 4e", "47 0d 0…"]);
        assert_eq!(wrap("a longword", 5, 3), ["a", "longw", "ord"]);
        assert_eq!(wrap("abc", 0, 2), [""]);
        assert_eq!(wrap("abc", 5, 0), ["abc"]);
    }

    #[test]
    fn columns_drop_type_then_size_then_offset() {
        let rows = [row(0, "compression_method", "stored (0)"), row(0, "a", "1")];
        let at = |w| {
            let c = columns(&rows, w);
            (c.offset.is_some(), c.size.is_some(), c.type_name.is_some())
        };
        // Name 20 columns, value 10, offset 2, size 1, type 4.
        assert_eq!(at(41), (true, true, true));
        assert_eq!(at(40), (true, true, false));
        assert_eq!(at(28), (true, true, false));
        assert_eq!(at(27), (true, false, false));
        assert_eq!(at(24), (true, false, false));
        assert_eq!(at(23), (false, false, false));
        for w in 0..120 {
            let c = columns(&rows, w);
            let used = c.name
                + c.offset.map_or(0, |x| x + 1)
                + c.size.map_or(0, |x| x + 1)
                + c.type_name.map_or(0, |x| x + 1)
                + if c.value > 0 { c.value + 1 } else { 0 };
            assert!(used <= w, "{w}: {c:?}");
        }
    }

    #[test]
    fn deep_indentation_is_compressed() {
        let wide = Indent::new(48);
        assert_eq!(
            (0..10).map(|d| wide.of(d)).collect::<Vec<_>>(),
            [0, 2, 4, 6, 8, 9, 10, 11, 12, 12]
        );
        let narrow = Indent::new(36);
        assert_eq!(
            (0..12).map(|d| narrow.of(d)).collect::<Vec<_>>(),
            [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9]
        );
    }
}
