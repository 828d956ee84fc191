//! `.ksy` templates and the files they read: any bytes as a template are an error with a
//! position or a schema, never a panic; a schema (the fuzzed one, or each bundled one) over
//! any bytes parses lazily within its limits, never a panic or a hang.
//!
//! The input is a template, a NUL byte, then the file it reads (no NUL: the input is both).
//! Seed it with the bundled templates, each followed by a NUL and a small matching file, so
//! that mutations start from templates that load: see the README's Fuzzing part.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use maphex::core::ksy::{Library, Schema, Tree};

/// Visits the first children of the first levels, as the structure pane does, and every
/// node's value and path (what the pane and `parse --json` ask for).
fn walk(tree: &mut Tree<&[u8]>) {
    let mut todo = vec![(tree.root(), 0)];
    let mut seen = 0;
    while let Some((id, depth)) = todo.pop() {
        let _ = tree.info(id);
        let _ = tree.value(id);
        let path = tree.path(id);
        let _ = tree.lookup(&path);
        seen += 1;
        if depth < 4 && seen < 500 {
            let _ = tree.child_count(id);
            for c in tree.children(id, 0..16) {
                todo.push((c, depth + 1));
            }
        }
    }
    let len = tree.source().len();
    for at in [0, len / 2, len.saturating_sub(1)] {
        let _ = tree.find(at as u64);
    }
}

/// A summary of the first nodes, lengths first (an array's size grows as it is parsed).
fn dump(tree: &mut Tree<&[u8]>) -> Vec<String> {
    let mut out = Vec::new();
    let mut todo = vec![tree.root()];
    while let Some(id) = todo.pop() {
        if out.len() >= 300 {
            break;
        }
        let n = tree.len(id);
        let info = tree.info(id);
        out.push(format!("{} {info:?} {n} {:?}", tree.path(id), tree.error(id)));
        todo.extend(tree.children(id, 0..n.min(40)).into_iter().rev());
    }
    out
}

/// After a one-byte change, the tree `reparse` makes is the tree a fresh parse makes.
fn reparse_as_fresh(schema: &Arc<Schema>, file: &[u8]) {
    if file.is_empty() {
        return;
    }
    let mut old = Tree::new(Arc::clone(schema), file);
    walk(&mut old);
    let at = usize::from(file[0]) * file.len() / 256;
    let mut changed = file.to_vec();
    changed[at] ^= 0x5a;
    let mut new = old.reparse(&changed[..], at as u64, false);
    let mut fresh = Tree::new(Arc::clone(schema), &changed[..]);
    assert_eq!(dump(&mut new), dump(&mut fresh), "reparse after a change at {at}");
}

/// The bundled templates, loaded once.
fn bundled() -> &'static [Arc<Schema>] {
    static SCHEMAS: OnceLock<Vec<Arc<Schema>>> = OnceLock::new();
    SCHEMAS.get_or_init(|| {
        let lib = Library::new(Vec::new());
        ["png", "zip", "elf", "bmp", "wav", "gif"]
            .iter()
            .filter_map(|n| lib.by_name(n).ok().map(|t| t.schema))
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let lib = Library::new(Vec::new());
    let (text, file) = match data.iter().position(|&b| b == 0) {
        Some(nul) => (&data[..nul], &data[nul + 1..]),
        None => (data, data),
    };
    if let Ok(schema) = Schema::load(&String::from_utf8_lossy(text), &lib) {
        let schema = Arc::new(schema);
        walk(&mut Tree::new(Arc::clone(&schema), file));
        reparse_as_fresh(&schema, file);
    }
    for schema in bundled() {
        walk(&mut Tree::new(Arc::clone(schema), file));
        reparse_as_fresh(schema, file);
    }
});
