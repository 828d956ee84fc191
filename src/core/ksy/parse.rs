//! Parsing a type's `seq`: streams, struct nodes, the cursor and its pending bits, one field
//! after another (arrays are in [`super::array`], one field's bytes in [`super::read`]).

use std::borrow::Cow;
use std::collections::HashMap;

use std::sync::Arc;

use super::eval::Ctx;
use super::schema::{Attr, AttrType, Endian, Prim, Repeat, TypeId};
use super::tree::{Data, Kind, Node, NodeId, ParseError, Stream, StructState, Tree};
use super::value::Value;
use crate::core::source::ByteSource;

/// Bits of a byte already read by a bit field and not yet used: the next bit field goes on
/// with them (Kaitai keeps them in the stream, across the fields of a `seq`, across user
/// types read from the same stream and across the elements of an array); a byte-aligned
/// read drops them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Bits {
    /// The pending bits, right-aligned.
    pub val: u128,
    /// How many (0..8 between fields).
    pub n: u8,
    /// Read in `bit-endian: le` order.
    pub le: bool,
}

/// Where reading goes on: a stream, a position (past the bytes bit fields took, as Kaitai's
/// `_io.pos`), and the bits left of the last byte a bit field read.
pub(crate) struct Cursor {
    pub io: usize,
    pub pos: u64,
    pub bits: Bits,
}

impl Cursor {
    /// A cursor at a byte boundary.
    pub fn at(io: usize, pos: u64) -> Self {
        Cursor {
            io,
            pos,
            bits: Bits::default(),
        }
    }

    /// Drops pending bits: the next read starts at a byte.
    pub fn align(&mut self) {
        self.bits = Bits::default();
    }

    /// Where the first bit still to read is, in bits from the start of the stream.
    pub fn bit_pos(&self) -> u128 {
        // A position may be anywhere a template's `pos` put it: no overflow in bits.
        u128::from(self.pos) * 8 - u128::from(self.bits.n)
    }
}

/// Whether a field reads bits (Kaitai re-aligns to a byte before a field that does not,
/// when the field before it in the `seq` did).
pub(crate) fn reads_bits(attr: &Attr) -> bool {
    matches!(attr.ty, AttrType::Prim(Prim::Bits { .. }))
}

pub(crate) fn prim_name(p: Prim, le: Option<bool>) -> String {
    let sfx = |l: Option<bool>| match l {
        Some(true) => "le",
        Some(false) => "be",
        None => "",
    };
    match p {
        Prim::Int { width, signed, .. } => {
            format!(
                "{}{width}{}",
                if signed { 's' } else { 'u' },
                if width == 1 { "" } else { sfx(le) }
            )
        }
        Prim::Float { width, .. } => format!("f{width}{}", sfx(le)),
        Prim::Bits { bits, .. } => format!("b{bits}"),
    }
}

impl<S: ByteSource> Tree<S> {
    pub(crate) fn tick(&mut self, io: usize, pos: u64) -> Result<(), ParseError> {
        if self.budget == 0 {
            return Err(ParseError::new(
                self.abs(io, pos),
                "parse stopped: too much work for one step (a loop in the template?)",
            ));
        }
        if self.nodes.len() >= self.limits.max_nodes {
            return Err(ParseError::new(
                self.abs(io, pos),
                format!(
                    "parse stopped: the tree holds {} nodes, the most one tree may hold",
                    self.nodes.len()
                ),
            ));
        }
        self.budget -= 1;
        Ok(())
    }

    /// Bytes `start..start+len` of stream `io`, or an error when they run past its end.
    pub(crate) fn read_at(
        &self,
        io: usize,
        start: u64,
        len: u64,
        what: &str,
    ) -> Result<Cow<'_, [u8]>, ParseError> {
        let s = &self.streams[io];
        let Some(end) = start.checked_add(len).filter(|&e| e <= s.len) else {
            // Running past the end is a fact about the length.
            let left = self.stream_len(io).saturating_sub(start);
            return Err(ParseError::new(
                self.abs(io, start),
                format!("{what} needs {len} bytes but {left} are left (past the end)"),
            ));
        };
        self.touch(io, end);
        Ok(match &s.data {
            Data::File { base } => self.src.read(base + start..base + end),
            Data::Owned { buf, base } => {
                let b = *base + usize::try_from(start).unwrap_or(usize::MAX);
                let e = *base + usize::try_from(end).unwrap_or(usize::MAX);
                Cow::Owned(buf.get(b..e).unwrap_or_default().to_vec())
            }
        })
    }

    pub(crate) fn substream(&mut self, io: usize, start: u64, len: u64) -> usize {
        let data = match &self.streams[io].data {
            Data::File { base } => Data::File { base: base + start },
            Data::Owned { buf, base } => Data::Owned {
                buf: Arc::clone(buf),
                base: base + usize::try_from(start).unwrap_or(usize::MAX),
            },
        };
        let parent = &self.streams[io];
        let eof_dep = parent.eof_dep && start.saturating_add(len) >= parent.len;
        self.touch(io, start.saturating_add(len));
        self.streams.push(Stream { data, len, eof_dep });
        self.streams.len() - 1
    }

    pub(crate) fn push(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        NodeId(u32::try_from(self.nodes.len() - 1).unwrap_or(u32::MAX))
    }

    pub(crate) fn st(&self, id: NodeId) -> &StructState {
        match &self.node(id).kind {
            Kind::Struct(s) => s,
            _ => unreachable_struct(),
        }
    }

    pub(crate) fn st_mut(&mut self, id: NodeId) -> &mut StructState {
        match &mut self.node_mut(id).kind {
            Kind::Struct(s) => s,
            _ => unreachable_struct(),
        }
    }

    pub(crate) fn is_struct(&self, id: NodeId) -> bool {
        matches!(self.node(id).kind, Kind::Struct(_))
    }

    /// Creates a struct node of type `ty`; its endianness is resolved now (a `switch-on`
    /// endianness is evaluated with the new node as context).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new_struct(
        &mut self,
        ty: TypeId,
        args: Vec<Value>,
        owner: NodeId,
        up: NodeId,
        name: String,
        io: usize,
        start: u64,
        size: Option<u64>,
    ) -> Result<NodeId, ParseError> {
        let schema = Arc::clone(&self.schema);
        let (o_le, o_bit, o_enc) = {
            let o = self.st(owner);
            (o.le, o.bit_le, o.encoding.clone())
        };
        let mut le = None;
        let mut bit_le = None;
        let mut enc = None;
        let mut switch = None;
        let mut s = Some(ty);
        while let Some(t) = s {
            let td = &schema.types[t];
            if le.is_none() && switch.is_none() {
                match &td.endian {
                    Endian::Fixed(b) => le = Some(*b),
                    Endian::Switch(on, cases) if t == ty => switch = Some((on, cases)),
                    Endian::Switch(..) => le = o_le,
                    Endian::Inherit => {}
                }
            }
            bit_le = bit_le.or(td.bit_le);
            enc = enc.or_else(|| td.encoding.clone());
            s = td.scope;
        }
        let id = self.push(Node {
            name,
            parent: Some(owner),
            up: Some(up),
            io,
            start,
            size: size.unwrap_or(0),
            computed: false,
            type_name: schema.types[ty].name.clone(),
            kind: Kind::Struct(Box::new(StructState {
                ty,
                args,
                le: le.or(o_le),
                bit_le: bit_le.unwrap_or(o_bit),
                encoding: enc.unwrap_or(o_enc),
                started: false,
                done: false,
                fields: Vec::new(),
                end: start,
                sized: size.is_some(),
                error: None,
                instances: HashMap::new(),
                bits_in: Bits::default(),
                bits_out: Bits::default(),
            })),
        });
        if let Some((on, cases)) = switch {
            let ctx = Ctx {
                node: id,
                cur: None,
                pos: start,
                index: None,
                bits: 0,
            };
            let v = self.eval(on, &ctx)?;
            let mut found = None;
            for (k, b) in cases {
                let res = {
                    let kv = self.eval(k, &ctx)?;
                    self.values_eq(&kv, &v)
                };
                if res {
                    found = Some(*b);
                    break;
                }
            }
            let b = found.ok_or_else(|| {
                ParseError::new(
                    self.abs(io, start),
                    format!("no endianness case matches {v:?}"),
                )
            })?;
            self.st_mut(id).le = Some(b);
        }
        Ok(id)
    }

    /// Parses the `seq` of struct `id` (once). Errors are kept in the struct.
    pub(crate) fn parse_seq(&mut self, id: NodeId) {
        if !self.is_struct(id) || self.st(id).started {
            return;
        }
        self.st_mut(id).started = true;
        if self.depth >= self.limits.max_depth {
            let e = ParseError::new(
                self.abs(self.node(id).io, self.node(id).start),
                "types nested too deeply (recursion in the template?)",
            );
            let st = self.st_mut(id);
            st.error = Some(e);
            st.done = true;
            return;
        }
        self.depth += 1;
        let r = self.parse_seq_inner(id);
        self.depth -= 1;
        let n = self.node(id);
        let (io, start, sized) = (n.io, n.start, self.st(id).sized);
        let end = match r {
            Ok(end) => end,
            Err((e, end)) => {
                self.st_mut(id).error = Some(e);
                end
            }
        };
        let st = self.st_mut(id);
        st.done = true;
        st.end = end;
        if !sized {
            self.node_mut(id).size = end.saturating_sub(start);
        }
        let _ = io;
    }

    fn parse_seq_inner(&mut self, id: NodeId) -> Result<u64, (ParseError, u64)> {
        let schema = Arc::clone(&self.schema);
        let ty = self.st(id).ty;
        let seq = &schema.types[ty].seq;
        let bits = self.st(id).bits_in;
        let start = self.node(id).start;
        let mut cur = Cursor {
            io: self.node(id).io,
            // A struct that begins with the bits of a byte already read starts in that byte.
            pos: start + u64::from(bits.n > 0),
            bits,
        };
        let mut was_bits = false;
        for (i, attr) in seq.iter().enumerate() {
            let now_bits = reads_bits(attr);
            if was_bits && !now_bits {
                cur.align();
            }
            was_bits = now_bits;
            // `_io.pos` in an instance computed now is where the parse is.
            self.st_mut(id).end = cur.pos;
            let pos = cur.pos;
            let r = self.seq_field(id, i, attr, &mut cur, i + 1 == seq.len());
            match r {
                Ok(node) => self.st_mut(id).fields.push((i, node)),
                Err(e) => return Err((e, pos)),
            }
        }
        self.st_mut(id).bits_out = cur.bits;
        Ok(cur.pos)
    }

    fn seq_field(
        &mut self,
        id: NodeId,
        _i: usize,
        attr: &Attr,
        cur: &mut Cursor,
        last: bool,
    ) -> Result<Option<NodeId>, ParseError> {
        self.tick(cur.io, cur.pos)?;
        if let Some(c) = &attr.cond {
            let ctx = Ctx {
                node: id,
                cur: None,
                pos: cur.pos,
                index: None,
                bits: cur.bits.n,
            };
            if !self.truthy(c, &ctx)? {
                return Ok(None);
            }
        }
        if matches!(attr.repeat, Repeat::None) {
            if self.switch_absent(id, attr, cur)? {
                return Ok(None);
            }
            return self.read_one(id, attr, cur, &attr.id, id, None).map(Some);
        }
        let sized = self.st(id).sized;
        let arr = self.new_array(id, id, attr, cur, false)?;
        let lazy_ok = last && sized;
        self.finish_array(arr, lazy_ok)?;
        match &self.node(arr).kind {
            Kind::Array(a) if a.stride.is_none() => {
                cur.pos = a.next;
                cur.bits = a.next_bits;
            }
            _ => {
                let n = self.node(arr);
                cur.pos = n.start + n.size;
                cur.align();
            }
        }
        Ok(Some(arr))
    }

    pub(crate) fn attr_type_name(&self, scope: TypeId, attr: &Attr) -> String {
        match &attr.ty {
            AttrType::Bytes => "bytes".into(),
            AttrType::Str { z } => format!(
                "{}({})",
                if *z { "strz" } else { "str" },
                attr.encoding.as_deref().unwrap_or(
                    self.schema.types[scope]
                        .encoding
                        .as_deref()
                        .unwrap_or("UTF-8")
                )
            ),
            AttrType::Prim(p) => prim_name(*p, None),
            AttrType::User(t, _) => self.schema.types[*t].name.clone(),
            AttrType::Switch(..) => "switch".into(),
        }
    }
}

pub(crate) fn unreachable_struct() -> ! {
    // Callers check the node kind first; reaching this is a bug in this module.
    panic!("ksy: node is not of the expected kind")
}

#[cfg(test)]
mod tests {
    use super::{Bits, Cursor};

    #[test]
    fn a_bit_position_far_past_any_file_does_not_overflow() {
        // Found by the fuzzer: an array placed by `pos` near 2⁶⁴ overflowed `pos * 8`.
        let c = Cursor {
            io: 0,
            pos: u64::MAX,
            bits: Bits {
                val: 0,
                n: 3,
                le: false,
            },
        };
        assert_eq!(c.bit_pos(), u128::from(u64::MAX) * 8 - 3);
    }
}
