//! The tests' model of an edited file: a list of pieces (old ranges, bytes, fills) changed by
//! inserts, deletes, fills and pasted copies of old ranges, turned into a [`Layout`] and into
//! the bytes it stands for.

use std::sync::Arc;

use maphex::core::layout::Layout;
use proptest::prelude::*;

/// A piece of the new file.
#[derive(Clone, Debug)]
pub enum P {
    Old(u64, u64),
    Bytes(Vec<u8>),
    Fill(Vec<u8>, usize, u64),
}

fn plen(p: &P) -> u64 {
    match p {
        P::Old(_, n) | P::Fill(_, _, n) => *n,
        P::Bytes(b) => b.len() as u64,
    }
}

fn split(ps: &mut Vec<P>, at: u64) -> usize {
    let mut pos = 0;
    for i in 0..ps.len() {
        let n = plen(&ps[i]);
        if at == pos {
            return i;
        }
        if at < pos + n {
            let k = at - pos;
            let (a, b) = match &ps[i] {
                P::Old(o, n) => (P::Old(*o, k), P::Old(o + k, n - k)),
                P::Bytes(v) => (
                    P::Bytes(v[..k as usize].to_vec()),
                    P::Bytes(v[k as usize..].to_vec()),
                ),
                P::Fill(p, ph, n) => (
                    P::Fill(p.clone(), *ph, k),
                    P::Fill(p.clone(), (ph + k as usize) % p.len(), n - k),
                ),
            };
            ps[i] = a;
            ps.insert(i + 1, b);
            return i + 1;
        }
        pos += n;
    }
    ps.len()
}

/// An edit; offsets wrap around the current length.
#[derive(Clone, Debug)]
pub enum Op {
    Insert(u64, Vec<u8>),
    Fill(u64, Vec<u8>, u64),
    Delete(u64, u64),
    /// Paste `len` old bytes from `from` at `at`.
    Copy(u64, u64, u64),
}

/// The pieces an old file of `old_len` bytes becomes under `ops`.
pub fn apply(ops: &[Op], old_len: u64) -> Vec<P> {
    let mut ps = vec![P::Old(0, old_len)];
    ps.retain(|p| plen(p) > 0);
    for op in ops {
        let len: u64 = ps.iter().map(plen).sum();
        match op {
            Op::Insert(at, b) => {
                let i = split(&mut ps, at % (len + 1));
                ps.insert(i, P::Bytes(b.clone()));
            }
            Op::Fill(at, p, n) => {
                let i = split(&mut ps, at % (len + 1));
                ps.insert(i, P::Fill(p.clone(), 0, *n));
            }
            Op::Delete(at, n) => {
                let a = at % (len + 1);
                let b = (a + n).min(len);
                let i = split(&mut ps, a);
                let j = split(&mut ps, b);
                ps.drain(i..j);
            }
            Op::Copy(at, from, n) => {
                if old_len == 0 {
                    continue;
                }
                let f = from % old_len;
                let n = (*n).min(old_len - f);
                let i = split(&mut ps, at % (len + 1));
                ps.insert(i, P::Old(f, n));
            }
        }
        ps.retain(|p| plen(p) > 0);
    }
    ps
}

/// The layout of some pieces.
pub fn layout_of(ps: &[P]) -> Layout {
    let mut l = Layout::new();
    for p in ps {
        match p {
            P::Old(o, n) => l.push_old(*o, *n),
            P::Bytes(b) => l.push_bytes(b),
            P::Fill(p, ph, n) => l.push_fill(Arc::from(&p[..]), *ph, *n),
        }
    }
    l
}

/// The bytes of some pieces over `old`.
pub fn model(ps: &[P], old: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in ps {
        match p {
            P::Old(o, n) => out.extend_from_slice(&old[*o as usize..(o + n) as usize]),
            P::Bytes(b) => out.extend_from_slice(b),
            P::Fill(p, ph, n) => {
                out.extend((0..*n as usize).map(|i| p[(ph + i) % p.len()]));
            }
        }
    }
    out
}

/// Random edits at offsets below `max`.
pub fn ops(max: u64) -> impl Strategy<Value = Vec<Op>> {
    let op = prop_oneof![
        3 => (0..max, prop::collection::vec(any::<u8>(), 1..300))
            .prop_map(|(a, b)| Op::Insert(a, b)),
        1 => (0..max, prop::collection::vec(any::<u8>(), 1..4), 1..5000u64)
            .prop_map(|(a, p, n)| Op::Fill(a, p, n)),
        3 => (0..max, 1..20_000u64).prop_map(|(a, n)| Op::Delete(a, n)),
        1 => (0..max, 0..max, 1..8000u64).prop_map(|(a, f, n)| Op::Copy(a, f, n)),
    ];
    prop::collection::vec(op, 0..10)
}
