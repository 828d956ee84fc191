//! Reading fields: a type's `seq`, one field (sizes, terminators, `process`, switch, bits,
//! `valid`), arrays element by element, and instances on first use.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use std::sync::Arc;

use super::eval::Ctx;
use super::expr::Expr;
use super::schema::{Attr, AttrType, Endian, Prim, Repeat, TypeId};
use super::tree::{ArrayState, Data, Kind, Node, NodeId, ParseError, Stream, StructState, Tree};
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
    pub fn bit_pos(&self) -> u64 {
        self.pos * 8 - u64::from(self.bits.n)
    }
}

/// Whether a field reads bits (Kaitai re-aligns to a byte before a field that does not,
/// when the field before it in the `seq` did).
pub(crate) fn reads_bits(attr: &Attr) -> bool {
    matches!(attr.ty, AttrType::Prim(Prim::Bits { .. }))
}

fn mentions(e: &Expr, names: &[&str]) -> bool {
    match e {
        Expr::Name(n) => names.contains(&n.as_str()),
        Expr::Unary(_, a) | Expr::Attr(a, _) | Expr::Cast(a, _) => mentions(a, names),
        Expr::Binary(_, a, b) | Expr::Index(a, b) => mentions(a, names) || mentions(b, names),
        Expr::Ternary(a, b, c) => mentions(a, names) || mentions(b, names) || mentions(c, names),
        Expr::Method(a, _, args) => mentions(a, names) || args.iter().any(|x| mentions(x, names)),
        Expr::Array(items) => items.iter().any(|x| mentions(x, names)),
        _ => false,
    }
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
        let end = start
            .checked_add(len)
            .filter(|&e| e <= s.len)
            .ok_or_else(|| {
                ParseError::new(
                    self.abs(io, start),
                    format!(
                        "{what} needs {len} bytes but {} are left (past the end)",
                        s.len.saturating_sub(start)
                    ),
                )
            })?;
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
        self.streams.push(Stream { data, len });
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
        if self.st(id).started {
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

    /// Makes the array node for a repeated field at the cursor, with its count and stride
    /// when they can be known without reading the elements.
    pub(crate) fn new_array(
        &mut self,
        owner: NodeId,
        up: NodeId,
        attr: &Attr,
        cur: &Cursor,
        instance: bool,
    ) -> Result<NodeId, ParseError> {
        let schema = Arc::clone(&self.schema);
        let ctx = Ctx {
            node: owner,
            cur: None,
            pos: cur.pos,
            index: None,
            bits: cur.bits.n,
        };
        let mut stride = schema.element_static_size(attr);
        if stride.is_none()
            && attr.terminator.is_none()
            && !attr.size_eos
            && let Some(size) = &attr.size
            && !mentions(size, &["_index", "_"])
        {
            stride = Some({
                let ev = self.eval(size, &ctx)?;
                self.to_u64(&ev, cur.io, cur.pos)
            }?);
        }
        // Elements that begin inside a byte a bit field began are not at `i * stride`.
        let stride = stride
            .filter(|&s| s > 0 && !matches!(attr.repeat, Repeat::Until(_)) && cur.bits.n == 0);
        let len = self.streams[cur.io].len;
        let left = len.saturating_sub(cur.pos);
        let count = match &attr.repeat {
            Repeat::Expr(e) => {
                let c = {
                    let ev = self.eval(e, &ctx)?;
                    self.to_u64(&ev, cur.io, cur.pos)
                }?;
                if c > self.limits.max_repeat {
                    return Err(ParseError::new(
                        self.abs(cur.io, cur.pos),
                        format!(
                            "`{}`: repeat count {c} is over the limit of {}",
                            attr.id, self.limits.max_repeat
                        ),
                    ));
                }
                Some(c)
            }
            Repeat::Eos => stride.map(|s| left.div_ceil(s)),
            _ => None,
        };
        let ty = self.st(owner).ty;
        let attr_idx = if instance {
            schema.types[ty]
                .instances
                .iter()
                .position(|a| a.id == attr.id)
        } else {
            schema.types[ty].seq.iter().position(|a| a.id == attr.id)
        }
        .unwrap_or(0);
        let mut error = None;
        let mut size = 0;
        let mut count = count;
        if let (Some(s), Some(c)) = (stride, count) {
            let need = s.saturating_mul(c);
            if need > left {
                let fit = left / s;
                error = Some(ParseError::new(
                    self.abs(cur.io, cur.pos + fit * s),
                    format!(
                        "`{}`: {c} elements of {s} bytes need {need} bytes but {left} are left (past the end)",
                        attr.id
                    ),
                ));
                count = Some(fit);
            }
            size = s.saturating_mul(count.unwrap_or(0));
        }
        let type_name = format!("{}[]", self.attr_type_name(ty, attr));
        let start = cur.pos - u64::from(cur.bits.n > 0);
        let arr = self.push(Node {
            name: attr.id.clone(),
            parent: Some(owner),
            up: Some(up),
            io: cur.io,
            start,
            size,
            computed: false,
            type_name,
            kind: Kind::Array(Box::new(ArrayState {
                owner,
                ty,
                instance,
                attr: attr_idx,
                stride,
                count,
                dense: Vec::new(),
                sparse: BTreeMap::new(),
                next: cur.pos,
                next_bits: cur.bits,
                done: stride.is_some() && count.is_some(),
                error: error.clone(),
            })),
        });
        if let Some(e) = error {
            return Err(e);
        }
        Ok(arr)
    }

    /// Parses a sequential array to its end unless it may stay lazy.
    pub(crate) fn finish_array(&mut self, arr: NodeId, lazy_ok: bool) -> Result<(), ParseError> {
        if lazy_ok {
            return Ok(());
        }
        loop {
            match &self.node(arr).kind {
                Kind::Array(a) if a.done => return a.error.clone().map_or(Ok(()), Err),
                _ => {}
            }
            self.next_element(arr);
        }
    }

    fn array_attr(&self, arr: NodeId) -> (Arc<super::schema::Schema>, TypeId, bool, usize, NodeId) {
        match &self.node(arr).kind {
            Kind::Array(a) => (Arc::clone(&self.schema), a.ty, a.instance, a.attr, a.owner),
            _ => unreachable_struct(),
        }
    }

    fn arr(&mut self, arr: NodeId) -> &mut ArrayState {
        match &mut self.node_mut(arr).kind {
            Kind::Array(a) => a,
            _ => unreachable_struct(),
        }
    }

    /// Parses the next element of a sequential array.
    fn next_element(&mut self, arr: NodeId) {
        let (schema, ty, inst, idx, owner) = self.array_attr(arr);
        let td = &schema.types[ty];
        let attr = if inst {
            &td.instances[idx]
        } else {
            &td.seq[idx]
        };
        let (io, start) = (self.node(arr).io, self.node(arr).start);
        let (next, bits, i, count) = match &self.node(arr).kind {
            Kind::Array(a) => (a.next, a.next_bits, a.dense.len() as u64, a.count),
            _ => return,
        };
        let len = self.streams[io].len;
        let finished = match &attr.repeat {
            Repeat::Expr(_) => count.is_some_and(|c| i >= c),
            // Bits still pending are not the end of the stream (Kaitai's `_io.eof`).
            Repeat::Eos => next >= len && bits.n == 0,
            _ => false,
        };
        if finished || i >= self.limits.max_repeat {
            self.arr(arr).done = true;
            return;
        }
        let mut cur = Cursor {
            io,
            pos: next,
            bits,
        };
        let before = cur.bit_pos();
        let r = self
            .read_one(owner, attr, &mut cur, &format!("[{i}]"), arr, Some(i))
            .and_then(|el| {
                if let Repeat::Until(u) = &attr.repeat {
                    let v = self.node_value(el)?;
                    let ctx = Ctx {
                        node: owner,
                        cur: Some(v),
                        pos: cur.pos,
                        index: Some(i),
                        bits: cur.bits.n,
                    };
                    Ok((el, self.truthy(u, &ctx)?))
                } else {
                    Ok((el, false))
                }
            });
        let (pos, left, after) = (cur.pos, cur.bits, cur.bit_pos());
        match r {
            Ok((el, stop)) => {
                let a = self.arr(arr);
                a.dense.push(el);
                a.next = pos;
                a.next_bits = left;
                a.done = stop || (after == before && !matches!(attr.repeat, Repeat::Expr(_)));
                self.node_mut(arr).size = pos - start;
            }
            Err(e) => {
                let a = self.arr(arr);
                a.error = Some(e);
                a.done = true;
            }
        }
    }

    /// Element `i` of an array, parsed if needed; `None` past its end or its error.
    pub(crate) fn element(&mut self, arr: NodeId, i: u64) -> Option<NodeId> {
        let (stride, count) = match &self.node(arr).kind {
            Kind::Array(a) => (a.stride, a.count),
            _ => return None,
        };
        if let (Some(stride), Some(count)) = (stride, count) {
            if i >= count {
                return None;
            }
            let key = i;
            if let Kind::Array(a) = &self.node(arr).kind
                && let Some(&n) = a.sparse.get(&key)
            {
                return Some(n);
            }
            let (schema, ty, inst, idx, owner) = self.array_attr(arr);
            let td = &schema.types[ty];
            let attr = if inst {
                &td.instances[idx]
            } else {
                &td.seq[idx]
            };
            let n = self.node(arr);
            let mut cur = Cursor::at(n.io, n.start + i * stride);
            return match self.read_one(owner, attr, &mut cur, &format!("[{i}]"), arr, Some(i)) {
                Ok(el) => {
                    self.arr(arr).sparse.insert(key, el);
                    Some(el)
                }
                Err(e) => {
                    let a = self.arr(arr);
                    a.error = Some(e);
                    None
                }
            };
        }
        loop {
            match &self.node(arr).kind {
                Kind::Array(a) if (a.dense.len() as u64) > i => {
                    return a.dense.get(usize::try_from(i).ok()?).copied();
                }
                Kind::Array(a) if a.done => return None,
                _ => {}
            }
            if self.budget == 0 {
                return None;
            }
            self.next_element(arr);
        }
    }

    /// The number of elements, parsing a sequential array to its end.
    pub(crate) fn array_len(&mut self, arr: NodeId) -> u64 {
        if let Kind::Array(a) = &self.node(arr).kind
            && let (Some(c), Some(_)) = (a.count, a.stride)
        {
            return c;
        }
        let _ = self.finish_array(arr, false);
        match &self.node(arr).kind {
            Kind::Array(a) => a.dense.len() as u64,
            _ => 0,
        }
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

fn unreachable_struct() -> ! {
    // Callers check the node kind first; reaching this is a bug in this module.
    panic!("ksy: node is not of the expected kind")
}
