//! From a file offset to the innermost field holding it: what the tree selects when the hex
//! cursor moves. Free functions over the lazy [`Tree`], so they parse only the nodes on the
//! way down (and, in an array of fixed-size records, only the element the offset points to).

use crate::core::document::Snapshot;
use crate::core::ksy::{ChildCount, NodeId, NodeKind, Tree};

/// The path from the root to the innermost node holding file offset `at`. Unlike
/// [`Tree::find`], an array not yet parsed to its end (its size unknown) is looked into
/// element by element; an array of a known count is entered at the element the first
/// one's size points to, and scanned only when that guess misses.
pub(super) fn path_to(tree: &mut Tree<Snapshot>, at: u64) -> Vec<NodeId> {
    let root = tree.root();
    let mut path = vec![root];
    let mut cur = root;
    for _ in 0..256 {
        let kind = tree.info(cur).kind;
        let next = match kind {
            NodeKind::Struct => {
                let n = match tree.child_count(cur) {
                    ChildCount::Known(n) | ChildCount::AtLeast(n) => n,
                };
                let kids = tree.children(cur, 0..n);
                let mut hit = None;
                for c in kids {
                    let r = tree.file_range(c);
                    let array = tree.info(c).kind == NodeKind::Array;
                    if r.as_ref().is_some_and(|r| r.contains(&at))
                        || (array
                            && r.is_some_and(|r| r.start <= at)
                            && element_at(tree, c, at).is_some())
                    {
                        hit = Some(c);
                        break;
                    }
                }
                hit
            }
            NodeKind::Array => element_at(tree, cur, at),
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

/// The element of array `id` whose bytes hold `at`.
fn element_at(tree: &mut Tree<Snapshot>, id: NodeId, at: u64) -> Option<NodeId> {
    let first = tree.child(id, 0)?;
    let r0 = tree.file_range(first)?;
    if at < r0.start {
        return None;
    }
    let holds = |t: &Tree<Snapshot>, c: NodeId| t.file_range(c).is_some_and(|r| r.contains(&at));
    if let ChildCount::Known(n) = tree.child_count(id) {
        let size = (r0.end - r0.start).max(1);
        let i = (at - r0.start) / size;
        if i < n
            && let Some(c) = tree.child(id, i)
            && holds(tree, c)
        {
            return Some(c);
        }
    }
    let mut i = 0;
    while let Some(c) = tree.child(id, i) {
        match tree.file_range(c) {
            Some(r) if r.contains(&at) => return Some(c),
            Some(r) if r.start > at => return None,
            _ => {}
        }
        i += 1;
    }
    None
}
