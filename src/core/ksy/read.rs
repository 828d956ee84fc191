//! Reading one field at a cursor: sizes, terminators, `contents`, `process`, switch-on,
//! integers, floats, bit fields, strings, bytes and user types; then its `valid` checks.

use std::sync::Arc;

use super::eval::Ctx;
use super::parse::Cursor;
use super::parse::prim_name;
use super::schema::{Attr, AttrType, Prim, Process};
use super::tree::{Data, Encoding, Kind, Node, NodeId, ParseError, Stream, Tree};
use super::value::{Value, decode};
use crate::core::source::ByteSource;

/// Strings and bytes up to this size are decoded when parsed; longer ones when asked for.
const EAGER_BYTES: u64 = 256;

impl<S: ByteSource> Tree<S> {
    /// Reads one value of `attr` at the cursor: a scalar, or a struct (parsed now when its
    /// size must be known to go on, else left for later).
    #[allow(clippy::too_many_lines)]
    pub(crate) fn read_one(
        &mut self,
        owner: NodeId,
        attr: &Attr,
        cur: &mut Cursor,
        name: &str,
        up: NodeId,
        index: Option<u64>,
    ) -> Result<NodeId, ParseError> {
        self.tick(cur.io, cur.pos)?;
        let schema = Arc::clone(&self.schema);
        let ctx = Ctx {
            node: owner,
            cur: None,
            pos: cur.pos,
            index,
            bits: cur.bits.n,
        };
        let (o_le, o_bit, o_enc, scope) = {
            let o = self.st(owner);
            (o.le, o.bit_le, o.encoding.clone(), o.ty)
        };
        let ty = self.choose(attr, &ctx)?.unwrap_or(&AttrType::Bytes);
        let is_bits = matches!(ty, AttrType::Prim(Prim::Bits { .. }));
        // A user type read from this stream goes on with its pending bits; anything else
        // that reads bytes starts at a byte, as Kaitai's byte reads do.
        let shares_stream = matches!(ty, AttrType::User(..))
            && attr.size.is_none()
            && !attr.size_eos
            && attr.process.is_none()
            && attr.contents.is_none();
        if !is_bits && !shares_stream {
            cur.align();
        }
        let pos = cur.pos;
        // The stream's length, asked for only where it decides something (the end of a
        // `size-eos` field, a terminator looked for up to the end, a size that does not fit).
        let stream_len = self.streams[cur.io].len;
        let abs = self.abs(cur.io, pos);
        let what = format!("`{}`", attr.id);
        // The byte range the field takes, when something says so.
        let mut region: Option<u64> = None;
        if let Some(c) = &attr.contents {
            let got = self.read_at(cur.io, pos, c.len() as u64, &what)?;
            if *got != **c {
                return Err(ParseError::new(
                    abs,
                    format!(
                        "{what}: expected magic {} but found {}",
                        super::value::hex_preview(c, c.len() as u64, 16),
                        super::value::hex_preview(&got, got.len() as u64, 16)
                    ),
                ));
            }
            region = Some(c.len() as u64);
        }
        if let Some(sz) = &attr.size {
            let n = {
                let ev = self.eval(sz, &ctx)?;
                self.to_u64(&ev, cur.io, pos)
            }?;
            if pos.checked_add(n).is_none_or(|e| e > stream_len) {
                self.stream_len(cur.io);
                return Err(ParseError::new(
                    abs,
                    format!(
                        "{what} needs {n} bytes but {} are left (past the end)",
                        stream_len.saturating_sub(pos)
                    ),
                ));
            }
            self.touch(cur.io, pos + n);
            region = Some(n);
        } else if attr.size_eos {
            region = Some(self.stream_len(cur.io).saturating_sub(pos));
        }
        let text_like = matches!(ty, AttrType::Bytes | AttrType::Str { .. });
        // (value length, bytes consumed) for terminated bytes and strings.
        let mut term: Option<(u64, u64)> = None;
        // `strz` chosen by a switch has no `terminator` of its own.
        let terminator = attr
            .terminator
            .or(matches!(ty, AttrType::Str { z: true }).then_some(0));
        if let (Some(t), true) = (terminator, text_like) {
            let limit = region.map_or_else(|| self.stream_len(cur.io), |r| pos + r);
            let mut at = pos;
            let mut found = None;
            while at < limit && found.is_none() {
                self.tick(cur.io, at)?;
                let n = (limit - at).min(64 << 10);
                let chunk = self.read_at(cur.io, at, n, &what)?;
                found = memchr::memchr(t, &chunk).map(|i| at + i as u64);
                at += n;
            }
            term = Some(match found {
                Some(f) => {
                    let vlen = f - pos + u64::from(attr.include);
                    (vlen, region.unwrap_or(f - pos + u64::from(attr.consume)))
                }
                None if region.is_some() || !attr.eos_error => {
                    let r = limit - pos;
                    (r, r)
                }
                None => {
                    return Err(ParseError::new(
                        abs,
                        format!("{what}: terminator {t:#04x} not found before the end"),
                    ));
                }
            });
        }
        // Processed bytes become a stream of their own.
        let mut sub: Option<(usize, u64)> = None;
        if let Some(p) = &attr.process {
            let n = region.ok_or_else(|| {
                ParseError::new(abs, format!("{what}: `process` needs `size` or `size-eos`"))
            })?;
            let raw = self.read_at(cur.io, pos, n, &what)?.into_owned();
            let out = self.process(p, &raw, &ctx, abs, &what)?;
            let len = out.len() as u64;
            self.streams.push(Stream {
                data: Data::Owned {
                    buf: Arc::new(out),
                    base: 0,
                },
                len,
                eof_dep: false,
            });
            sub = Some((self.streams.len() - 1, len));
        }
        let advance = |region: Option<u64>, used: u64| region.unwrap_or(used);
        let le_of = |l: Option<bool>| l.or(o_le);
        let enum_id = attr
            .enum_path
            .as_ref()
            .and_then(|p| schema.find_enum(scope, p));
        let scalar = |value: Option<Value>,
                      enc: Encoding,
                      io: usize,
                      start: u64,
                      size: u64,
                      type_name: String| Node {
            name: name.to_string(),
            parent: Some(owner),
            up: Some(up),
            io,
            start,
            size,
            computed: false,
            type_name,
            kind: Kind::Scalar {
                value,
                enc,
                enum_id,
            },
        };
        let node = match ty {
            AttrType::Bytes | AttrType::Str { .. } => {
                let (io, start, mut vlen, used) = match (sub, term) {
                    (Some((s, l)), _) => (s, 0, l, region.unwrap_or(0)),
                    (None, Some((v, u))) => (cur.io, pos, v, u),
                    (None, None) => {
                        let r = region.unwrap_or(0);
                        (cur.io, pos, r, r)
                    }
                };
                if let Some(pad) = attr.pad_right {
                    let bytes = self.read_at(io, start, vlen.min(1 << 20), &what)?;
                    let keep = bytes.iter().rposition(|&b| b != pad).map_or(0, |i| i + 1);
                    if vlen <= 1 << 20 {
                        vlen = keep as u64;
                    }
                }
                let (enc, type_name) = match ty {
                    AttrType::Str { z } => {
                        let e = attr.encoding.clone().unwrap_or_else(|| o_enc.clone());
                        let tn = format!("{}({e})", if *z { "strz" } else { "str" });
                        (
                            Encoding::Str {
                                encoding: e,
                                len: vlen,
                            },
                            tn,
                        )
                    }
                    _ => (Encoding::Bytes { len: vlen }, "bytes".to_string()),
                };
                let value = if vlen <= EAGER_BYTES {
                    let b = self.read_at(io, start, vlen, &what)?;
                    Some(match &enc {
                        Encoding::Str { encoding, .. } => Value::Str(decode(&b, encoding)),
                        _ => Value::Bytes(b.into_owned()),
                    })
                } else {
                    None
                };
                cur.pos = pos + used;
                let size = if sub.is_some() { vlen } else { used };
                self.push(scalar(value, enc, io, start, size, type_name))
            }
            AttrType::Prim(Prim::Int { width, signed, le }) => {
                let le = le_of(*le)
                    .or((*width == 1).then_some(true))
                    .ok_or_else(|| {
                        ParseError::new(
                            abs,
                            format!(
                                "{what}: no endianness (add `meta: endian: le` or use u{width}le)"
                            ),
                        )
                    })?;
                let (io, start) = sub.map_or((cur.io, pos), |(s, _)| (s, 0));
                let b = self.read_at(io, start, u64::from(*width), &what)?;
                let v = int_from(&b, le, *signed);
                let value = match enum_id {
                    Some(id) => Value::Enum { value: v, id },
                    None => Value::Int(v),
                };
                cur.pos = pos + advance(region, u64::from(*width));
                let tn = match &attr.enum_path {
                    Some(p) => format!(
                        "{}→{}",
                        prim_name(
                            Prim::Int {
                                width: *width,
                                signed: *signed,
                                le: None
                            },
                            Some(le)
                        ),
                        p.join("::")
                    ),
                    None => prim_name(
                        Prim::Int {
                            width: *width,
                            signed: *signed,
                            le: None,
                        },
                        Some(le),
                    ),
                };
                self.push(scalar(
                    Some(value),
                    Encoding::Int {
                        width: *width,
                        signed: *signed,
                        le,
                    },
                    io,
                    start,
                    u64::from(*width),
                    tn,
                ))
            }
            AttrType::Prim(Prim::Float { width, le }) => {
                let le = le_of(*le)
                    .ok_or_else(|| ParseError::new(abs, format!("{what}: no endianness")))?;
                let b = self.read_at(cur.io, pos, u64::from(*width), &what)?;
                let v = int_from(&b, le, false) as u64;
                let f = if *width == 4 {
                    f64::from(f32::from_bits(v as u32))
                } else {
                    f64::from_bits(v)
                };
                cur.pos = pos + advance(region, u64::from(*width));
                self.push(scalar(
                    Some(Value::Float(f)),
                    Encoding::Float { width: *width, le },
                    cur.io,
                    pos,
                    u64::from(*width),
                    prim_name(
                        Prim::Float {
                            width: *width,
                            le: None,
                        },
                        Some(le),
                    ),
                ))
            }
            AttrType::Prim(Prim::Bits { bits, le }) => {
                let ble = le.unwrap_or(o_bit);
                let before = cur.bits.n;
                if before > 0 && cur.bits.le != ble {
                    return Err(ParseError::new(
                        abs,
                        format!(
                            "{what}: the bit order changes to {} in the middle of a byte",
                            if ble { "le" } else { "be" }
                        ),
                    ));
                }
                let first = if before > 0 { pos - 1 } else { pos };
                let skip = if before > 0 { 8 - before } else { 0 };
                let v = self.read_bits(cur, *bits, ble, &what)?;
                let value = if *bits == 1 && enum_id.is_none() {
                    Value::Bool(v != 0)
                } else {
                    match enum_id {
                        Some(id) => Value::Enum { value: v, id },
                        None => Value::Int(v),
                    }
                };
                self.push(scalar(
                    Some(value),
                    Encoding::Bits {
                        skip,
                        bits: *bits,
                        le: ble,
                    },
                    cur.io,
                    first,
                    cur.pos - first,
                    format!("b{bits}"),
                ))
            }
            AttrType::User(t, args) => {
                let mut vals = Vec::with_capacity(args.len());
                for a in args {
                    vals.push(self.eval(a, &ctx)?);
                }
                match (sub, region) {
                    (Some((s, l)), _) => {
                        cur.pos = pos + region.unwrap_or(0);
                        self.new_struct(*t, vals, owner, up, name.to_string(), s, 0, Some(l))?
                    }
                    (None, Some(r)) => {
                        let s = self.substream(cur.io, pos, r);
                        cur.pos = pos + r;
                        self.new_struct(*t, vals, owner, up, name.to_string(), s, 0, Some(r))?
                    }
                    (None, None) => {
                        // Pending bits go into the struct, which then starts in their byte,
                        // and the bits it leaves come back out.
                        let bits = cur.bits;
                        let start = pos - u64::from(bits.n > 0);
                        let id = self.new_struct(
                            *t,
                            vals,
                            owner,
                            up,
                            name.to_string(),
                            cur.io,
                            start,
                            None,
                        )?;
                        self.st_mut(id).bits_in = bits;
                        self.parse_seq(id);
                        cur.pos = self.st(id).end;
                        cur.bits = self.st(id).bits_out;
                        if let Some(e) = self.st(id).error.clone() {
                            return Err(e);
                        }
                        id
                    }
                }
            }
            AttrType::Switch(..) => return Err(ParseError::new(abs, "nested switch")),
        };
        if let Some(v) = &attr.valid {
            self.check_valid(node, v, attr, owner, cur.pos, abs, &what)?;
        }
        Ok(node)
    }

    /// The type a field reads: its own, or the `switch-on` case that matches (`None` when
    /// none does and there is no `_`).
    pub(crate) fn choose<'a>(
        &mut self,
        attr: &'a Attr,
        ctx: &Ctx,
    ) -> Result<Option<&'a AttrType>, ParseError> {
        let AttrType::Switch(on, cases) = &attr.ty else {
            return Ok(Some(&attr.ty));
        };
        let v = self.eval(on, ctx)?;
        let mut chosen = None;
        for (k, t) in cases {
            match k {
                None => {
                    if chosen.is_none() {
                        chosen = Some(t);
                    }
                }
                Some(k) => {
                    let kv = self.eval(k, ctx)?;
                    if self.values_eq(&kv, &v) {
                        return Ok(Some(t));
                    }
                }
            }
        }
        Ok(chosen)
    }

    /// A `switch-on` field without `size` whose value no case matches (and no `_`) is not
    /// read at all: Kaitai leaves it null. (With a size, it is the raw bytes.)
    pub(crate) fn switch_absent(
        &mut self,
        owner: NodeId,
        attr: &Attr,
        cur: &Cursor,
    ) -> Result<bool, ParseError> {
        if !matches!(attr.ty, AttrType::Switch(..)) || attr.size.is_some() || attr.size_eos {
            return Ok(false);
        }
        let ctx = Ctx {
            node: owner,
            cur: None,
            pos: cur.pos,
            index: None,
            bits: cur.bits.n,
        };
        Ok(self.choose(attr, &ctx)?.is_none())
    }

    fn read_bits(
        &mut self,
        cur: &mut Cursor,
        n: u8,
        le: bool,
        what: &str,
    ) -> Result<i128, ParseError> {
        let n = u32::from(n);
        let have = u32::from(cur.bits.n);
        let mut acc = cur.bits.val;
        if n > have {
            let need = (n - have).div_ceil(8);
            let b = self
                .read_at(cur.io, cur.pos, u64::from(need), what)?
                .into_owned();
            for (k, byte) in b.iter().enumerate() {
                if le {
                    acc |= u128::from(*byte) << (have + 8 * k as u32);
                } else {
                    acc = (acc << 8) | u128::from(*byte);
                }
            }
            cur.pos += u64::from(need);
            cur.bits.n = (have + 8 * need) as u8;
        }
        let mask = if n >= 128 {
            u128::MAX
        } else {
            (1u128 << n) - 1
        };
        let total = u32::from(cur.bits.n);
        let v = if le {
            let v = acc & mask;
            acc >>= n;
            v
        } else {
            let v = (acc >> (total - n)) & mask;
            acc &= (1u128 << (total - n)) - 1;
            v
        };
        cur.bits = super::parse::Bits {
            val: acc,
            n: (total - n) as u8,
            le,
        };
        Ok(v.cast_signed())
    }

    fn process(
        &mut self,
        p: &Process,
        raw: &[u8],
        ctx: &Ctx,
        abs: u64,
        what: &str,
    ) -> Result<Vec<u8>, ParseError> {
        Ok(match p {
            Process::Zlib => miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(
                raw,
                self.limits.max_inflate,
            )
            .map_err(|e| {
                ParseError::new(
                    abs,
                    format!("{what}: zlib data does not inflate ({:?})", e.status),
                )
            })?,
            Process::Xor(k) => {
                let key = match self.eval(k, ctx)? {
                    Value::Bytes(b) if !b.is_empty() => b,
                    v => vec![v.as_int().map_or(0, |i| i as u8)],
                };
                raw.iter()
                    .zip(key.iter().cycle())
                    .map(|(a, b)| a ^ b)
                    .collect()
            }
            Process::Rol(k) | Process::Ror(k) => {
                let n = (self.eval(k, ctx)?.as_int().unwrap_or(0).rem_euclid(8)) as u32;
                let left = matches!(p, Process::Rol(_));
                raw.iter()
                    .map(|b| {
                        if left {
                            b.rotate_left(n)
                        } else {
                            b.rotate_right(n)
                        }
                    })
                    .collect()
            }
        })
    }

    /// The value a node stands for in expressions.
    pub(crate) fn node_value(&mut self, id: NodeId) -> Result<Value, ParseError> {
        match &self.node(id).kind {
            Kind::Scalar { .. } => self.scalar_value(id),
            Kind::Error(e) => Err(e.clone()),
            _ => Ok(Value::Node(id)),
        }
    }

    /// A scalar's value, reading long strings and bytes now.
    pub(crate) fn scalar_value(&mut self, id: NodeId) -> Result<Value, ParseError> {
        let n = self.node(id);
        let Kind::Scalar { value, enc, .. } = &n.kind else {
            return Ok(Value::Node(id));
        };
        if let Some(v) = value {
            return Ok(v.clone());
        }
        let (io, start) = (n.io, n.start);
        let (len, str_enc) = match enc {
            Encoding::Str { encoding, len } => (*len, Some(encoding.clone())),
            Encoding::Bytes { len } => (*len, None),
            _ => return Ok(Value::Null),
        };
        if len > self.limits.max_bytes_value {
            return Err(ParseError::new(
                self.abs(io, start),
                format!("`{}` is {len} bytes, too large to use as a value", n.name),
            ));
        }
        let b = self.read_at(io, start, len, "value")?;
        Ok(match str_enc {
            Some(e) => Value::Str(decode(&b, &e)),
            None => Value::Bytes(b.into_owned()),
        })
    }
}

/// An integer from 1 to 8 bytes.
pub(crate) fn int_from(b: &[u8], le: bool, signed: bool) -> i128 {
    let mut v: u64 = 0;
    if le {
        for &x in b.iter().rev() {
            v = (v << 8) | u64::from(x);
        }
    } else {
        for &x in b {
            v = (v << 8) | u64::from(x);
        }
    }
    let bits = b.len() * 8;
    if signed && bits > 0 && bits < 64 && v >> (bits - 1) & 1 == 1 {
        i128::from(v) - (1i128 << bits)
    } else if signed && bits == 64 {
        i128::from(v.cast_signed())
    } else {
        i128::from(v)
    }
}
