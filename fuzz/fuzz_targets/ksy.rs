//! `.ksy` templates and the files they read: any bytes as a template are an error with a
//! position or a schema, never a panic; a schema (the fuzzed one, or each bundled one) over
//! any bytes parses lazily within its limits, never a panic or a hang.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use maphex::core::ksy::{Library, Schema, Tree};

/// Visits the first children of the first levels, as the structure pane does.
fn walk(tree: &mut Tree<&[u8]>) {
    let mut todo = vec![(tree.root(), 0)];
    let mut seen = 0;
    while let Some((id, depth)) = todo.pop() {
        let _ = tree.info(id);
        seen += 1;
        if depth < 4 && seen < 500 {
            for c in tree.children(id, 0..16) {
                todo.push((c, depth + 1));
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let lib = Library::new(Vec::new());
    // The first byte splits the input: a template, then the file it reads.
    let cut = usize::from(data.first().copied().unwrap_or(0)).min(data.len());
    let (text, file) = data.split_at(cut);
    if let Ok(schema) = Schema::load(&String::from_utf8_lossy(text), &lib) {
        walk(&mut Tree::new(Arc::new(schema), file));
    }
    for name in ["png", "zip", "elf", "bmp", "wav", "gif"] {
        if let Ok(t) = lib.by_name(name) {
            walk(&mut Tree::new(Arc::clone(&t.schema), data));
        }
    }
});
