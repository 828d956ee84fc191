//! Offset expressions (`:` in the UI, `--offset`, `--at`): any input is an offset or an error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let cursor = data.first().map_or(0, |&b| u64::from(b) << 32);
    for len in [0, 1, 737, u64::MAX / 2, u64::MAX] {
        if let Ok(off) = maphex::core::expr::resolve(&text, cursor, len, false) {
            assert!(off < len.max(1), "{text:?} gave {off} past {len}");
        }
    }
    let _ = maphex::core::expr::parse_number(&text);
});
