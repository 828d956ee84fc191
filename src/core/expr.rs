//! Offset expressions typed by the user: `0x1f00`, `1234`, `+16`, `-0x10` (relative to the
//! cursor), `50%`, `end`, `end-16`, and sizes with units (`4k`, `1MiB`, `2G`).

use thiserror::Error;

/// An expression that does not name an offset in the file.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ExprError {
    /// Nothing to parse.
    #[error("empty offset: try 0x100, 256, +16, -0x10, 50% or end")]
    Empty,
    /// Not a number or keyword.
    #[error("not an offset: '{0}'; try 0x100, 256, +16, -0x10, 50% or end")]
    Invalid(String),
    /// A number too large for 64 bits.
    #[error("offset '{0}' is too large")]
    Overflow(String),
    /// Lands past the last byte.
    #[error("offset {offset:#x} ({offset}) is past the end of the file ({len} bytes)")]
    PastEnd {
        /// The offset asked for.
        offset: u64,
        /// The file's length.
        len: u64,
    },
    /// Lands before byte 0.
    #[error("offset is before the start of the file")]
    BeforeStart,
    /// A percentage over 100.
    #[error("percent must be between 0 and 100, not {0}")]
    Percent(String),
}

/// Parses a non-negative number: decimal, `0x` hex, `0o` octal, `0b` binary, `_` separators,
/// with an optional unit suffix (`k`/`K`/`KiB` = 1024, `M`, `G`, `T`; `kB`/`MB` = 1000s).
pub fn parse_number(s: &str) -> Result<u64, ExprError> {
    let t = s.trim().replace('_', "");
    if t.is_empty() {
        return Err(ExprError::Empty);
    }
    let lower = t.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d.to_string())
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d.to_string())
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d.to_string())
    } else {
        (10, lower.clone())
    };
    let (num, mult) = if radix == 10 {
        let split = digits
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(digits.len());
        let (n, unit) = digits.split_at(split);
        let mult: u64 = match unit {
            "" | "b" => 1,
            "k" | "kib" | "ki" => 1 << 10,
            "m" | "mib" | "mi" => 1 << 20,
            "g" | "gib" | "gi" => 1 << 30,
            "t" | "tib" | "ti" => 1 << 40,
            "kb" => 1_000,
            "mb" => 1_000_000,
            "gb" => 1_000_000_000,
            "tb" => 1_000_000_000_000,
            _ => return Err(ExprError::Invalid(s.trim().to_string())),
        };
        (n.to_string(), mult)
    } else {
        (digits, 1)
    };
    if num.is_empty() {
        return Err(ExprError::Invalid(s.trim().to_string()));
    }
    let n = u64::from_str_radix(&num, radix).map_err(|e| match e.kind() {
        std::num::IntErrorKind::PosOverflow => ExprError::Overflow(s.trim().to_string()),
        _ => ExprError::Invalid(s.trim().to_string()),
    })?;
    n.checked_mul(mult)
        .ok_or_else(|| ExprError::Overflow(s.trim().to_string()))
}

/// Resolves an offset expression against the cursor and the file length. The result is a
/// valid cursor position: below `len`, or 0 for an empty file. `allow_end` also accepts
/// `len` itself (the append position).
pub fn resolve(expr: &str, cursor: u64, len: u64, allow_end: bool) -> Result<u64, ExprError> {
    let e = expr.trim();
    if e.is_empty() {
        return Err(ExprError::Empty);
    }
    let last = if allow_end {
        len
    } else {
        len.saturating_sub(1)
    };
    let lower = e.to_ascii_lowercase();
    let target: u64 = if let Some(rest) = lower.strip_prefix("end") {
        let rest = rest.trim();
        if rest.is_empty() {
            return Ok(last);
        }
        // Split on characters, not bytes: `endé` must be an error, not a panic.
        let mut chars = rest.chars();
        let sign = chars.next();
        let n = chars.as_str();
        // Counted from what `end` names (the last byte, or the append position), so that
        // `end-0` is `end` and `end-1` the byte before it.
        match sign {
            Some('-') => last
                .checked_sub(parse_number(n)?)
                .ok_or(ExprError::BeforeStart)?,
            Some('+') => last
                .checked_add(parse_number(n)?)
                .ok_or_else(|| ExprError::Overflow(e.to_string()))?,
            _ => return Err(ExprError::Invalid(e.to_string())),
        }
    } else if let Some(p) = lower.strip_suffix('%') {
        let pct: f64 = p
            .trim()
            .parse()
            .map_err(|_| ExprError::Invalid(e.to_string()))?;
        if !(0.0..=100.0).contains(&pct) {
            return Err(ExprError::Percent(p.trim().to_string()));
        }
        // Exact for whole percents; `len` may exceed f64 precision past 2^53.
        let whole = pct.trunc() as u64;
        let base = u128::from(len) * u128::from(whole) / 100;
        let frac = (len as f64 * pct.fract() / 100.0) as u128;
        let t = u64::try_from(base + frac).unwrap_or(u64::MAX);
        return Ok(t.min(last));
    } else if let Some(n) = lower.strip_prefix('+') {
        cursor
            .checked_add(parse_number(n)?)
            .ok_or_else(|| ExprError::Overflow(e.to_string()))?
    } else if let Some(n) = lower.strip_prefix('-') {
        cursor
            .checked_sub(parse_number(n)?)
            .ok_or(ExprError::BeforeStart)?
    } else {
        parse_number(e)?
    };
    if target > last || (len == 0 && target > 0) {
        return Err(ExprError::PastEnd {
            offset: target,
            len,
        });
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_units() {
        assert_eq!(parse_number("0x1f00"), Ok(0x1f00));
        assert_eq!(parse_number("1234"), Ok(1234));
        assert_eq!(parse_number("4k"), Ok(4096));
        assert_eq!(parse_number("1MiB"), Ok(1 << 20));
        assert_eq!(parse_number("2kB"), Ok(2000));
        assert_eq!(parse_number("0b101"), Ok(5));
        assert_eq!(parse_number("1_000"), Ok(1000));
        assert!(matches!(parse_number("0xzz"), Err(ExprError::Invalid(_))));
        assert!(matches!(
            parse_number("99999999999999999999"),
            Err(ExprError::Overflow(_))
        ));
        assert!(matches!(parse_number("16E"), Err(ExprError::Invalid(_))));
        assert!(matches!(parse_number("0x"), Err(ExprError::Invalid(_))));
    }

    #[test]
    fn expressions() {
        assert_eq!(resolve("0x100", 0, 1000, false), Ok(0x100));
        assert_eq!(resolve("+16", 10, 1000, false), Ok(26));
        assert_eq!(resolve("-0x10", 20, 1000, false), Ok(4));
        assert_eq!(resolve("50%", 0, 1000, false), Ok(500));
        assert_eq!(resolve("100%", 0, 1000, false), Ok(999));
        assert_eq!(resolve("end", 0, 1000, false), Ok(999));
        assert_eq!(resolve("end", 0, 1000, true), Ok(1000));
        assert_eq!(resolve("end-16", 0, 1000, false), Ok(983));
        assert_eq!(resolve("end-0", 0, 1000, false), Ok(999));
        assert_eq!(resolve("end-1", 0, 1000, false), Ok(998));
        assert_eq!(resolve("end-16", 0, 1000, true), Ok(984));
        assert_eq!(resolve("0", 0, 0, false), Ok(0));
    }

    #[test]
    fn errors() {
        assert_eq!(
            resolve("1000", 0, 1000, false),
            Err(ExprError::PastEnd {
                offset: 1000,
                len: 1000
            })
        );
        assert_eq!(resolve("-30", 20, 1000, false), Err(ExprError::BeforeStart));
        assert_eq!(resolve("", 0, 10, false), Err(ExprError::Empty));
        assert!(matches!(
            resolve("150%", 0, 10, false),
            Err(ExprError::Percent(_))
        ));
        assert!(matches!(
            resolve("lots", 0, 10, false),
            Err(ExprError::Invalid(_))
        ));
        assert!(matches!(
            resolve("endé", 0, 10, false),
            Err(ExprError::Invalid(_))
        ));
        assert!(matches!(
            resolve("end€5", 0, 10, false),
            Err(ExprError::Invalid(_))
        ));
        assert!(matches!(
            resolve("+0xffffffffffffffff", 5, 10, false),
            Err(ExprError::Overflow(_))
        ));
    }

    #[test]
    fn huge_files() {
        let len = 8u64 << 30;
        assert_eq!(resolve("50%", 0, len, false), Ok(4 << 30));
        assert_eq!(resolve("0x1fffffff0", 0, len, false), Ok(0x1_ffff_fff0));
    }
}
