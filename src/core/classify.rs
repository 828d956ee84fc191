//! Byte classes (hexyl's `Byte::category`) and the glyph each byte is drawn with.
//!
//! Classification is apart from presentation: the theme maps a class to a colour, this module
//! maps a byte to a class and a glyph. Every glyph is a printable character, never a control,
//! so no byte of a file reaches the terminal raw (ratatui would drop controls silently and
//! shift the columns, platform.md §7).

/// What kind of byte this is, for colouring.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ByteClass {
    /// 0x00.
    Null,
    /// 0x21..=0x7e.
    Printable,
    /// Space, tab, newline, carriage return, vertical tab, form feed.
    Whitespace,
    /// Other bytes below 0x20, and 0x7f.
    Control,
    /// 0x80..=0xff.
    NonAscii,
}

const fn class_of(b: u8) -> ByteClass {
    match b {
        0x00 => ByteClass::Null,
        b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => ByteClass::Whitespace,
        0x21..=0x7e => ByteClass::Printable,
        0x01..=0x1f | 0x7f => ByteClass::Control,
        _ => ByteClass::NonAscii,
    }
}

static CLASSES: [ByteClass; 256] = {
    let mut t = [ByteClass::Null; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = class_of(i as u8);
        i += 1;
    }
    t
};

/// The class of a byte (a table lookup).
pub fn classify(b: u8) -> ByteClass {
    CLASSES[b as usize]
}

/// The glyph for a byte in the ASCII text pane: printable ASCII as itself, the rest as
/// placeholders that keep one column each: `⋄` null, `␣`-free space as ' ', `_` whitespace,
/// `•` other controls, `×` non-ASCII (hexyl's choice of symbols).
pub fn ascii_glyph(b: u8) -> char {
    match classify(b) {
        ByteClass::Printable => b as char,
        ByteClass::Null => '⋄',
        ByteClass::Whitespace if b == b' ' => ' ',
        ByteClass::Whitespace => '_',
        ByteClass::Control => '•',
        ByteClass::NonAscii => '×',
    }
}

/// Two lower-case hex digits for every byte.
pub static HEX: [[u8; 2]; 256] = {
    const D: &[u8; 16] = b"0123456789abcdef";
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [D[i >> 4], D[i & 15]];
        i += 1;
    }
    t
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_glyph_is_printable_and_one_column() {
        for b in 0..=255u8 {
            let g = ascii_glyph(b);
            assert!(!g.is_control(), "byte {b:#x} drew a control");
            assert_eq!(
                unicode_width::UnicodeWidthChar::width(g),
                Some(1),
                "byte {b:#x}"
            );
        }
    }

    #[test]
    fn classes() {
        assert_eq!(classify(0), ByteClass::Null);
        assert_eq!(classify(b'A'), ByteClass::Printable);
        assert_eq!(classify(b'\n'), ByteClass::Whitespace);
        assert_eq!(classify(0x1b), ByteClass::Control);
        assert_eq!(classify(0x7f), ByteClass::Control);
        assert_eq!(classify(0x80), ByteClass::NonAscii);
        assert_eq!(&HEX[0xab], b"ab");
    }
}
