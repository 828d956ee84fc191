//! Search patterns of every kind, and the hex parser `patch` and `:fill` use: an error or a
//! pattern, never a panic; a compiled pattern runs over the input itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use maphex::core::search::{Query, QueryKind, ScanConfig, Scanner, parse_hex};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = parse_hex(&text);
    for kind in QueryKind::ALL {
        let q = Query { kind, pattern: text.to_string(), case_insensitive: data.len() % 2 == 0, unicode: data.len() % 3 == 0 };
        if let Ok(p) = q.compile() {
            let mut s = Scanner::new(&p, 0..u64::MAX, ScanConfig { chunk: 7, max_match: 64 });
            s.run(data, |_| true);
        }
    }
});
