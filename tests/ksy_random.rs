//! Random bytes (behind each format's magic, and mutated valid files) through every bundled
//! template: the whole tree is walked, and nothing panics or runs away.

use std::sync::Arc;

use maphex::core::ksy::{Library, NodeId, Tree};
use proptest::prelude::*;

fn walk(t: &mut Tree<Vec<u8>>, id: NodeId, budget: &mut usize) {
    if *budget == 0 {
        return;
    }
    *budget -= 1;
    let _ = t.info(id);
    let _ = t.error(id);
    let mut i = 0;
    while let Some(c) = t.child(id, i) {
        walk(t, c, budget);
        i += 1;
        if *budget == 0 {
            return;
        }
    }
}

const MAGICS: &[(&str, &[u8])] = &[
    ("png", b"\x89PNG\r\n\x1a\n"),
    ("zip", b"PK\x03\x04"),
    ("elf", b"\x7fELF\x02\x01\x01"),
    ("bmp", b"BM"),
    ("wav", b"RIFF\x20\x00\x00\x00WAVE"),
    ("gif", b"GIF89a"),
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_bodies_never_panic(which in 0usize..6, body in prop::collection::vec(any::<u8>(), 0..600)) {
        let (name, magic) = MAGICS[which];
        let template = Library::new(vec![]).by_name(name).expect("bundled");
        let mut bytes = magic.to_vec();
        bytes.extend_from_slice(&body);
        let mut t = Tree::new(Arc::clone(&template.schema), bytes);
        let root = t.root();
        let mut budget = 5000;
        walk(&mut t, root, &mut budget);
        let _ = t.find(body.len() as u64 / 2);
    }
}
