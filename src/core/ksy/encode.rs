//! Turning a value typed by the user back into a field's bytes, in the field's encoding:
//! integers in decimal or hex (`-5`, `0x1f`), enum members by name, floats, strings of the
//! same encoded length, bytes as hex of the same length, bits inside their bytes.

use super::tree::{Encoding, NodeId, Tree};
use super::value::encode_str;
use crate::core::source::ByteSource;

/// Why a new value cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EncodeError(pub String);

fn parse_int(text: &str) -> Option<i128> {
    crate::core::ksy::schema::parse_int(text)
}

/// The bytes to write over the node's bytes ([`Tree::file_range`]) so that it holds `text`.
pub fn encode<S: ByteSource>(
    tree: &mut Tree<S>,
    id: NodeId,
    text: &str,
) -> Result<Vec<u8>, EncodeError> {
    let e = |m: String| EncodeError(m);
    let enc = tree
        .encoding(id)
        .cloned()
        .ok_or_else(|| e("this node is not a field that holds a value in the file".into()))?;
    let text = text.trim();
    let int_value = |tree: &Tree<S>| -> Result<i128, EncodeError> {
        if let Some(v) = parse_int(text) {
            return Ok(v);
        }
        match text {
            "true" => return Ok(1),
            "false" => return Ok(0),
            _ => {}
        }
        if let Some(en) = tree.enum_of(id) {
            let def = &tree.schema().enums[en];
            let name = text.rsplit("::").next().unwrap_or(text);
            return def.by_name.get(name).copied().ok_or_else(|| {
                let names: Vec<&str> = def.by_value.values().map(String::as_str).take(12).collect();
                e(format!(
                    "`{text}` is not a member of enum `{}` (try {})",
                    def.name,
                    names.join(", ")
                ))
            });
        }
        Err(e(format!(
            "`{text}` is not an integer (decimal, 0x hex, 0b binary)"
        )))
    };
    match enc {
        Encoding::Int { width, signed, le } => {
            let v = int_value(tree)?;
            let bits = u32::from(width) * 8;
            let (lo, hi) = if signed {
                (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
            } else {
                (0, (1i128 << bits) - 1)
            };
            if v < lo || v > hi {
                return Err(e(format!(
                    "{v} does not fit in {} {width} byte(s) ({lo}..={hi})",
                    if signed { "signed" } else { "unsigned" }
                )));
            }
            let u = (v as u128) & ((1u128 << bits) - 1);
            let bytes = u.to_le_bytes()[..usize::from(width)].to_vec();
            Ok(if le {
                bytes
            } else {
                bytes.into_iter().rev().collect()
            })
        }
        Encoding::Float { width, le } => {
            let f: f64 = text
                .parse()
                .map_err(|_| e(format!("`{text}` is not a number")))?;
            let b = if width == 4 {
                let x = f as f32;
                if le {
                    x.to_le_bytes().to_vec()
                } else {
                    x.to_be_bytes().to_vec()
                }
            } else if le {
                f.to_le_bytes().to_vec()
            } else {
                f.to_be_bytes().to_vec()
            };
            Ok(b)
        }
        Encoding::Bits { skip, bits, le } => {
            let v = int_value(tree)?;
            if v < 0 || (bits < 127 && v >= (1i128 << bits)) {
                return Err(e(format!("{v} does not fit in {bits} bits")));
            }
            let range = tree
                .file_range(id)
                .ok_or_else(|| e("the field is not in the file".into()))?;
            let old = tree.source().read(range.clone()).into_owned();
            let mut acc: u128 = 0;
            let n = old.len() as u32;
            for (k, b) in old.iter().enumerate() {
                if le {
                    acc |= u128::from(*b) << (8 * k as u32);
                } else {
                    acc = (acc << 8) | u128::from(*b);
                }
            }
            let mask = (1u128 << bits) - 1;
            let shift = if le {
                u32::from(skip)
            } else {
                8 * n - u32::from(skip) - u32::from(bits)
            };
            acc = (acc & !(mask << shift)) | ((v as u128) << shift);
            let mut out = vec![0u8; old.len()];
            for (k, slot) in out.iter_mut().enumerate() {
                *slot = if le {
                    (acc >> (8 * k as u32)) as u8
                } else {
                    (acc >> (8 * (n - 1 - k as u32))) as u8
                };
            }
            Ok(out)
        }
        Encoding::Str { encoding, len } => {
            let b = encode_str(text, &encoding)
                .ok_or_else(|| e(format!("`{text}` cannot be written in {encoding}")))?;
            if b.len() as u64 != len {
                return Err(e(format!(
                    "the new string is {} bytes in {encoding}; the field holds exactly {len}",
                    b.len()
                )));
            }
            let range = tree
                .file_range(id)
                .ok_or_else(|| e("the field is not in the file".into()))?;
            let mut out = tree.source().read(range).into_owned();
            out[..b.len()].copy_from_slice(&b);
            Ok(out)
        }
        Encoding::Bytes { len } => {
            let hex: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            let hex = hex.strip_prefix("0x").unwrap_or(&hex);
            if !hex.len().is_multiple_of(2) {
                return Err(e("bytes are hex pairs: `de ad be ef`".into()));
            }
            let b: Vec<u8> = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16))
                .collect::<Result<_, _>>()
                .map_err(|_| e("bytes are hex pairs: `de ad be ef`".into()))?;
            if b.len() as u64 != len {
                return Err(e(format!(
                    "{} bytes given; the field holds exactly {len}",
                    b.len()
                )));
            }
            Ok(b)
        }
    }
}
