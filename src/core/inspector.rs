//! Typed values at an offset, for the data inspector: integers of 1–8 bytes in both byte
//! orders, floats, the bits of the byte and the UTF-8 character starting there. Values that
//! would need bytes past the end are `None` (absent), never padded garbage. No formatting
//! here beyond what a value is; the widget decides how to show it.

use crate::core::source::ByteSource;

/// Byte order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endian {
    /// Least significant byte first.
    Little,
    /// Most significant byte first.
    Big,
}

/// The values at one offset.
#[derive(Clone, Debug, PartialEq)]
pub struct Values {
    /// The bytes read (up to 8).
    pub bytes: Vec<u8>,
    /// u8 / i8.
    pub u8: Option<(u8, i8)>,
    /// u16 / i16 in the given order.
    pub u16: Option<(u16, i16)>,
    /// u32 / i32.
    pub u32: Option<(u32, i32)>,
    /// u64 / i64.
    pub u64: Option<(u64, i64)>,
    /// f32.
    pub f32: Option<f32>,
    /// f64.
    pub f64: Option<f64>,
    /// The character a UTF-8 sequence starting here decodes to, with its length.
    pub utf8: Option<(char, usize)>,
}

fn take<const N: usize>(bytes: &[u8]) -> Option<[u8; N]> {
    bytes.get(..N)?.try_into().ok()
}

/// Reads the values at `offset` in `order`. Reads at most 8 bytes.
pub fn inspect<S: ByteSource + ?Sized>(src: &S, offset: u64, order: Endian) -> Values {
    let bytes = src.read(offset..offset.saturating_add(8)).into_owned();
    let le = order == Endian::Little;
    let u16v = take::<2>(&bytes).map(|b| {
        if le {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        }
    });
    let u32v = take::<4>(&bytes).map(|b| {
        if le {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        }
    });
    let u64v = take::<8>(&bytes).map(|b| {
        if le {
            u64::from_le_bytes(b)
        } else {
            u64::from_be_bytes(b)
        }
    });
    Values {
        u8: bytes.first().map(|&b| (b, i8::from_ne_bytes([b]))),
        u16: u16v.map(|v| (v, i16::from_ne_bytes(v.to_ne_bytes()))),
        u32: u32v.map(|v| (v, i32::from_ne_bytes(v.to_ne_bytes()))),
        u64: u64v.map(|v| (v, i64::from_ne_bytes(v.to_ne_bytes()))),
        f32: u32v.map(f32::from_bits),
        f64: u64v.map(f64::from_bits),
        utf8: utf8_at(&bytes),
        bytes,
    }
}

/// The character encoded at the start of `bytes`, if those bytes start a valid sequence.
fn utf8_at(bytes: &[u8]) -> Option<(char, usize)> {
    let n = match *bytes.first()? {
        0x00..=0x7f => 1,
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return None,
    };
    let s = std::str::from_utf8(bytes.get(..n)?).ok()?;
    s.chars().next().map(|c| (c, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_agree_with_from_bytes() {
        let data: Vec<u8> = vec![0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x88, 0xff];
        let le = inspect(&data, 0, Endian::Little);
        let be = inspect(&data, 0, Endian::Big);
        assert_eq!(le.u16, Some((0x0201, 0x0201)));
        assert_eq!(be.u16, Some((0x0102, 0x0102)));
        assert_eq!(le.u32.unwrap().0, u32::from_le_bytes([1, 2, 3, 4]));
        assert_eq!(
            be.u64.unwrap().0,
            u64::from_be_bytes([1, 2, 3, 4, 5, 6, 7, 0x88])
        );
        assert_eq!(
            le.u64.unwrap().1,
            i64::from_le_bytes([1, 2, 3, 4, 5, 6, 7, 0x88])
        );
        assert_eq!(
            le.f32.unwrap().to_bits(),
            f32::from_le_bytes([1, 2, 3, 4]).to_bits()
        );
        let at7 = inspect(&data, 7, Endian::Little);
        assert_eq!(at7.u8, Some((0x88, -120)));
        assert_eq!(at7.u16, Some((0xff88, -120)));
        assert_eq!(at7.u32, None, "past the end is absent");
        assert_eq!(at7.f64, None);
    }

    #[test]
    fn utf8_character() {
        let data = "é€😀".as_bytes().to_vec();
        assert_eq!(inspect(&data, 0, Endian::Little).utf8, Some(('é', 2)));
        assert_eq!(inspect(&data, 2, Endian::Little).utf8, Some(('€', 3)));
        assert_eq!(inspect(&data, 5, Endian::Little).utf8, Some(('😀', 4)));
        assert_eq!(
            inspect(&data, 1, Endian::Little).utf8,
            None,
            "continuation byte"
        );
        assert_eq!(inspect(&data, 99, Endian::Little).u8, None);
    }
}
