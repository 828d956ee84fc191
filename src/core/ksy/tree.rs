//! The lazy parse tree: nodes in an arena, parsed when first asked for.
//!
//! A [`Tree`] owns its [`ByteSource`] and a shared [`Schema`]. Nothing is parsed by
//! [`Tree::new`]; [`Tree::children`] parses one level (a type's `seq`, and the fields it must
//! read to know where each next field starts); an array whose elements have a fixed size is
//! indexed by arithmetic, so its count is known and element *i* is parsed only when asked for;
//! other arrays are parsed as far as the elements asked for. Each call into the tree has a
//! budget of work ([`Limits::max_work`]), and nesting is bounded ([`Limits::max_depth`]): a
//! template that loops or recurses stops with a [`ParseError`] at its offset, and everything
//! parsed before it stays in the tree.

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};

use std::sync::Arc;

use super::Limits;
use super::parse::Bits;
use super::reuse::{Hint, Mark};
use super::schema::{Schema, TypeId};
use super::value::Value;
use crate::core::source::ByteSource;

/// A node of a [`Tree`]; valid for the tree that gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub(crate) u32);

/// A parse that stopped: where, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at offset {offset:#x} ({offset}): {msg}")]
pub struct ParseError {
    /// File offset (or offset in decoded data, for a `process`ed field) of the failure.
    pub offset: u64,
    /// What went wrong.
    pub msg: String,
}

impl ParseError {
    pub(crate) fn new(offset: u64, msg: impl Into<String>) -> Self {
        ParseError {
            offset,
            msg: msg.into(),
        }
    }
}

/// How many children a node has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildCount {
    /// Exactly this many.
    Known(u64),
    /// At least this many have been parsed; more may follow (ask for them by index).
    AtLeast(u64),
}

/// What sort of node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// A number, string, bytes, enum or computed value.
    Scalar,
    /// An instance of a user type: children are its fields and instances.
    Struct,
    /// A repeated field: children are its elements.
    Array,
    /// An instance that could not be computed (see [`Tree::error`]).
    Error,
}

/// How a scalar's bytes encode its value (for writing a new value back).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Encoding {
    /// An integer of `width` bytes.
    Int {
        /// Bytes.
        width: u8,
        /// Signed.
        signed: bool,
        /// Little-endian.
        le: bool,
    },
    /// A float of 4 or 8 bytes.
    Float {
        /// Bytes.
        width: u8,
        /// Little-endian.
        le: bool,
    },
    /// Bits inside the node's bytes: `skip` bits in, `bits` wide (from the most significant
    /// end of the first byte when `le` is false, from the least significant when true).
    Bits {
        /// Bits before the value.
        skip: u8,
        /// Width.
        bits: u8,
        /// Little-endian bit order.
        le: bool,
    },
    /// A string of `len` encoded bytes (the node's size may add a terminator).
    Str {
        /// Encoding name.
        encoding: String,
        /// Bytes of the string itself.
        len: u64,
    },
    /// Raw bytes: `len` of them (the node's size may add a terminator).
    Bytes {
        /// Bytes of the value.
        len: u64,
    },
}

/// A displayable summary of a node.
#[derive(Debug, Clone, PartialEq)]
pub struct Info {
    /// Field name (`[3]` for an array element).
    pub name: String,
    /// Offset in the file, or in decoded data when `in_file` is false.
    pub offset: u64,
    /// Size in bytes (0 for computed values).
    pub size: u64,
    /// True when the offset and size are the file's (not decoded, not computed).
    pub in_file: bool,
    /// Type name: `u4le`, `str(UTF-8)`, `chunk`, `chunk[]`, `value`.
    pub type_name: String,
    /// The kind.
    pub kind: NodeKind,
    /// The value of a scalar.
    pub value: Option<Value>,
    /// For an enum value, its member name.
    pub enum_name: Option<String>,
    /// True when `value` holds only the first [`PREVIEW_BYTES`] of a long string or bytes.
    pub truncated: bool,
}

/// How many bytes of a long string or byte field [`Tree::info`] reads for display.
pub const PREVIEW_BYTES: u64 = 4096;

pub(crate) enum Data {
    File { base: u64 },
    Owned { buf: Arc<Vec<u8>>, base: usize },
}

pub(crate) struct Stream {
    pub data: Data,
    pub len: u64,
    /// The length is the file's (the whole file, or a stream reaching to the end of one that
    /// is): consulting it makes what follows depend on the file's length.
    pub eof_dep: bool,
}

pub(crate) enum Kind {
    Scalar {
        value: Option<Value>,
        enc: Encoding,
        enum_id: Option<usize>,
    },
    Struct(Box<StructState>),
    Array(Box<ArrayState>),
    Error(ParseError),
}

pub(crate) struct StructState {
    pub ty: TypeId,
    pub args: Vec<Value>,
    pub le: Option<bool>,
    pub bit_le: bool,
    pub encoding: String,
    pub started: bool,
    pub done: bool,
    /// Seq fields read so far: attribute index and node (`None` when its `if` was false).
    pub fields: Vec<(usize, Option<NodeId>)>,
    pub end: u64,
    /// The size is known without parsing (the root, a sized substream).
    pub sized: bool,
    pub error: Option<ParseError>,
    pub instances: HashMap<usize, Option<NodeId>>,
    /// Bits left by the field before (the struct then starts in the byte they are of).
    pub bits_in: Bits,
    /// Bits left when the `seq` ends, for the field after.
    pub bits_out: Bits,
}

pub(crate) struct ArrayState {
    /// The struct whose field this is (`_parent` of the elements).
    pub owner: NodeId,
    pub ty: TypeId,
    pub instance: bool,
    pub attr: usize,
    /// Fixed element size, when the elements can be indexed by arithmetic.
    pub stride: Option<u64>,
    pub count: Option<u64>,
    pub dense: Vec<NodeId>,
    pub sparse: BTreeMap<u64, NodeId>,
    pub next: u64,
    /// Bits left by the last element parsed, for the next one.
    pub next_bits: Bits,
    pub done: bool,
    pub error: Option<ParseError>,
    /// Where the first element is read (position and pending bits).
    pub first: (u64, Bits),
    /// What the tree had read when the array was made (see [`Mark`]).
    pub created: Mark,
    /// For each element in `dense`: where the next one starts (position and pending bits),
    /// and what the tree had read when that was known.
    pub marks: Vec<(u64, Bits, Mark)>,
    /// What the tree had read when the array was found to end.
    pub done_mark: Option<Mark>,
    /// Elements `0..base` known from the tree before an edit ([`Tree::reparse`]); `dense`
    /// holds the elements from `base` on.
    pub hint: Option<Arc<Hint>>,
    pub base: u64,
}

pub(crate) struct Node {
    pub name: String,
    /// `_parent`: the struct this node's expressions see as parent.
    pub parent: Option<NodeId>,
    /// The tree parent (an array for elements).
    pub up: Option<NodeId>,
    pub io: usize,
    pub start: u64,
    pub size: u64,
    pub computed: bool,
    pub type_name: String,
    pub kind: Kind,
}

/// A lazily parsed structure of a byte source under a template.
pub struct Tree<S: ByteSource> {
    pub(crate) src: S,
    pub(crate) schema: Arc<Schema>,
    pub(crate) limits: Limits,
    pub(crate) nodes: Vec<Node>,
    pub(crate) streams: Vec<Stream>,
    pub(crate) budget: u64,
    pub(crate) depth: usize,
    /// How far into the file the tree has read, and whether it has asked for the file's
    /// length: what everything parsed so far can depend on (see [`Mark`]).
    pub(crate) reach: Cell<u64>,
    pub(crate) eof: Cell<bool>,
    /// Arrays known from the tree before an edit, by path ([`Tree::reparse`]).
    pub(crate) hints: HashMap<String, Arc<Hint>>,
    /// Every array node made, for [`Tree::reparse`].
    pub(crate) arrays: Vec<NodeId>,
}

impl<S: ByteSource> Tree<S> {
    /// A tree over `src`; nothing is read until asked for.
    pub fn new(schema: Arc<Schema>, src: S) -> Self {
        Self::with_limits(schema, src, Limits::default())
    }

    /// A tree with other bounds.
    pub fn with_limits(schema: Arc<Schema>, src: S, limits: Limits) -> Self {
        let len = src.len();
        let root_ty = schema.root;
        let name = schema.types[root_ty].name.clone();
        let enc = schema.types[root_ty]
            .encoding
            .clone()
            .unwrap_or_else(|| "UTF-8".into());
        let t_endian = schema.types[root_ty].endian.clone();
        let t_bit_le = schema.types[root_ty].bit_le.unwrap_or(false);
        let mut t = Tree {
            src,
            schema,
            limits,
            nodes: Vec::new(),
            streams: vec![Stream {
                data: Data::File { base: 0 },
                len,
                eof_dep: true,
            }],
            budget: limits.max_work,
            depth: 0,
            reach: Cell::new(0),
            eof: Cell::new(false),
            hints: HashMap::new(),
            arrays: Vec::new(),
        };
        t.nodes.push(Node {
            name: name.clone(),
            parent: None,
            up: None,
            io: 0,
            start: 0,
            size: len,
            computed: false,
            type_name: name,
            kind: Kind::Struct(Box::new(StructState {
                ty: root_ty,
                args: Vec::new(),
                le: match t_endian {
                    super::schema::Endian::Fixed(b) => Some(b),
                    _ => None,
                },
                bit_le: t_bit_le,
                encoding: enc,
                started: false,
                done: false,
                fields: Vec::new(),
                end: 0,
                sized: true,
                error: None,
                instances: HashMap::new(),
                bits_in: Bits::default(),
                bits_out: Bits::default(),
            })),
        });
        t
    }

    /// How many nodes have been made so far: a measure of how much was parsed (for tests
    /// and benchmarks of laziness).
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// The template.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The source.
    pub fn source(&self) -> &S {
        &self.src
    }

    /// The root node (the template's top-level type).
    pub fn root(&self) -> NodeId {
        NodeId(0)
    }

    pub(crate) fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0 as usize]
    }

    pub(crate) fn node_mut(&mut self, id: NodeId) -> &mut Node {
        &mut self.nodes[id.0 as usize]
    }

    pub(crate) fn reset_budget(&mut self) {
        self.budget = self.limits.max_work;
    }

    /// The tree parent of a node (the array, for an element).
    pub fn parent(&self, id: NodeId) -> Option<NodeId> {
        self.node(id).up
    }

    /// Where a node's bytes are in the file, when they are the file's.
    pub fn file_range(&self, id: NodeId) -> Option<std::ops::Range<u64>> {
        let n = self.node(id);
        if n.computed {
            return None;
        }
        match self.streams[n.io].data {
            Data::File { base } => Some(base + n.start..base + n.start + n.size),
            Data::Owned { .. } => None,
        }
    }

    /// Offset of a stream position for messages: the file's when the stream is the file's.
    pub(crate) fn abs(&self, io: usize, pos: u64) -> u64 {
        match self.streams[io].data {
            Data::File { base } => base + pos,
            Data::Owned { .. } => pos,
        }
    }

    /// A summary of a node for display.
    pub fn info(&mut self, id: NodeId) -> Info {
        self.reset_budget();
        let in_file = self.file_range(id).is_some();
        let offset = self.file_range(id).map_or(self.node(id).start, |r| r.start);
        let (value, truncated) = match &self.node(id).kind {
            Kind::Scalar {
                value: None, enc, ..
            } => {
                let (len, str_enc) = match enc {
                    Encoding::Str { encoding, len } => (*len, Some(encoding.clone())),
                    Encoding::Bytes { len } => (*len, None),
                    _ => (0, None),
                };
                let n = self.node(id);
                let shown = len.min(PREVIEW_BYTES);
                let v = self
                    .src_preview(n.io, n.start, shown)
                    .map(|b| match str_enc {
                        Some(e) => Value::Str(super::value::decode(&b, &e)),
                        None => Value::Bytes(b),
                    });
                (v, shown < len)
            }
            Kind::Scalar { .. } => (self.scalar_value(id).ok(), false),
            _ => (None, false),
        };
        let n = self.node(id);
        let enum_name = match (&n.kind, &value) {
            (Kind::Scalar { .. }, Some(Value::Enum { value, id })) => {
                self.schema.enums[*id].by_value.get(value).cloned()
            }
            _ => None,
        };
        Info {
            name: n.name.clone(),
            offset,
            size: n.size,
            in_file,
            type_name: n.type_name.clone(),
            kind: match n.kind {
                Kind::Scalar { .. } => NodeKind::Scalar,
                Kind::Struct(_) => NodeKind::Struct,
                Kind::Array(_) => NodeKind::Array,
                Kind::Error(_) => NodeKind::Error,
            },
            value,
            enum_name,
            truncated,
        }
    }

    fn src_preview(&self, io: usize, start: u64, len: u64) -> Option<Vec<u8>> {
        self.read_at(io, start, len, "value")
            .ok()
            .map(std::borrow::Cow::into_owned)
    }

    /// How a scalar's value is written in its bytes (`None` for other nodes).
    pub fn encoding(&self, id: NodeId) -> Option<&Encoding> {
        match &self.node(id).kind {
            Kind::Scalar { enc, .. } if !self.node(id).computed => Some(enc),
            _ => None,
        }
    }

    /// The enum of an enum-typed scalar.
    pub(crate) fn enum_of(&self, id: NodeId) -> Option<usize> {
        match &self.node(id).kind {
            Kind::Scalar { enum_id, .. } => *enum_id,
            _ => None,
        }
    }

    /// The error that stopped this node's parse (a struct's fields, an array's elements, a
    /// failed instance), if any. What was parsed before it is still in the tree.
    pub fn error(&self, id: NodeId) -> Option<&ParseError> {
        match &self.node(id).kind {
            Kind::Struct(s) => s.error.as_ref(),
            Kind::Array(a) => a.error.as_ref(),
            Kind::Error(e) => Some(e),
            Kind::Scalar { .. } => None,
        }
    }

    /// The number of children of a node, parsing its fields first for a struct. For an array
    /// of variable-size elements not yet parsed to its end, `AtLeast` the parsed ones.
    pub fn child_count(&mut self, id: NodeId) -> ChildCount {
        self.reset_budget();
        match &self.node(id).kind {
            Kind::Struct(_) => ChildCount::Known(self.struct_children(id).len() as u64),
            Kind::Array(a) => match (a.count, a.stride, a.done) {
                (Some(c), Some(_), _) => ChildCount::Known(c),
                (_, _, true) => {
                    let n = a.base + a.dense.len() as u64;
                    if let Some(m) = a.done_mark {
                        self.bump(m);
                    }
                    ChildCount::Known(n)
                }
                _ => ChildCount::AtLeast(a.base + a.dense.len() as u64),
            },
            _ => ChildCount::Known(0),
        }
    }

    /// The children with index in `range` (elements of an array, or a struct's fields then
    /// instances), parsing what is needed and no more. Fewer come back when the node has
    /// fewer, or when its parse stopped (see [`Tree::error`]).
    pub fn children(&mut self, id: NodeId, range: std::ops::Range<u64>) -> Vec<NodeId> {
        self.reset_budget();
        match &self.node(id).kind {
            Kind::Struct(_) => {
                let all = self.struct_children(id);
                let s = usize::try_from(range.start)
                    .unwrap_or(usize::MAX)
                    .min(all.len());
                let e = usize::try_from(range.end)
                    .unwrap_or(usize::MAX)
                    .clamp(s, all.len());
                all[s..e].to_vec()
            }
            Kind::Array(_) => {
                let mut out = Vec::new();
                for i in range {
                    match self.element(id, i) {
                        Some(c) => out.push(c),
                        None => break,
                    }
                }
                out
            }
            _ => Vec::new(),
        }
    }

    /// The number of elements of an array, parsing it to its end (within the work budget) when
    /// its elements do not have a fixed size; the number of children for other nodes.
    pub fn len(&mut self, id: NodeId) -> u64 {
        self.reset_budget();
        match &self.node(id).kind {
            Kind::Array(_) => self.array_len(id),
            Kind::Struct(_) => self.struct_children(id).len() as u64,
            _ => 0,
        }
    }

    /// One child by index (see [`Tree::children`]).
    pub fn child(&mut self, id: NodeId, index: u64) -> Option<NodeId> {
        self.children(id, index..index.saturating_add(1))
            .first()
            .copied()
    }

    /// The value of a scalar node (bytes and strings are read on demand).
    pub fn value(&mut self, id: NodeId) -> Result<Value, ParseError> {
        self.reset_budget();
        self.scalar_value(id)
    }

    /// The path from the root to the innermost node whose bytes hold file offset `at`
    /// (parsing what is needed to find it): `[root, …, innermost]`. An array not yet parsed
    /// to its end is looked into as far as `at`; its elements are found by arithmetic when
    /// they have a fixed size, else by binary search over those already parsed.
    pub fn find(&mut self, at: u64) -> Vec<NodeId> {
        self.reset_budget();
        let mut path = vec![self.root()];
        let mut cur = self.root();
        for _ in 0..self.limits.max_depth * 2 {
            let next = match &self.node(cur).kind {
                Kind::Struct(_) => {
                    let mut hit = None;
                    for c in self.struct_children(cur) {
                        let Some(r) = self.file_range(c) else {
                            continue;
                        };
                        let open_array = matches!(&self.node(c).kind,
                            Kind::Array(a) if !a.done);
                        if r.contains(&at)
                            || (open_array && r.start <= at && self.element_at(c, at).is_some())
                        {
                            hit = Some(c);
                            break;
                        }
                    }
                    hit
                }
                Kind::Array(_) => self.element_at(cur, at),
                _ => None,
            };
            match next {
                Some(n) => {
                    path.push(n);
                    cur = n;
                }
                None => break,
            }
        }
        path
    }

    /// A node's path from the root, as `--field` takes it: `header.sections[3].name`.
    pub fn path(&self, id: NodeId) -> String {
        let mut parts = Vec::new();
        let mut cur = Some(id);
        while let Some(c) = cur {
            let n = self.node(c);
            if n.up.is_some() {
                parts.push(n.name.clone());
            }
            cur = n.up;
        }
        parts.reverse();
        let mut s = String::new();
        for p in parts {
            if !p.starts_with('[') && !s.is_empty() {
                s.push('.');
            }
            s.push_str(&p);
        }
        s
    }

    /// The node at a path such as `header.sections[3].name` (empty for the root).
    pub fn lookup(&mut self, path: &str) -> Result<NodeId, String> {
        self.reset_budget();
        let mut cur = self.root();
        for part in path.split('.').filter(|p| !p.is_empty()) {
            let (name, rest) = match part.find('[') {
                Some(i) => (&part[..i], &part[i..]),
                None => (part, ""),
            };
            if !name.is_empty() {
                cur = self
                    .struct_children(cur)
                    .into_iter()
                    .find(|&c| self.node(c).name == name)
                    .ok_or_else(|| format!("no field `{name}` in `{}`", self.path(cur)))?;
            }
            for idx in rest.split('[').filter(|s| !s.is_empty()) {
                let i: u64 = idx
                    .strip_suffix(']')
                    .and_then(|s| s.trim().parse().ok())
                    .ok_or_else(|| format!("bad index `[{idx}` in `{path}`"))?;
                if !matches!(self.node(cur).kind, Kind::Array(_)) {
                    return Err(format!("`{}` is not an array", self.path(cur)));
                }
                cur = self
                    .element(cur, i)
                    .ok_or_else(|| format!("`{}` has no element {i}", self.path(cur)))?;
            }
        }
        Ok(cur)
    }
}
