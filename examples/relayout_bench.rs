//! Saves a one-byte insertion into a big file through `core::relayout` and prints what it
//! did: `relayout_bench FILE start` inserts at offset 0, `relayout_bench FILE end` 1 MiB
//! before the end. Driven by `benches/relayout_vs_cp.sh`, which compares it with `cp`.

#![allow(clippy::print_stdout)]

use std::fs::OpenOptions;
use std::time::Instant;

use anyhow::{Context, bail};
use maphex::core::layout::Layout;
use maphex::core::relayout;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(path), Some(at)) = (args.get(1), args.get(2)) else {
        bail!("usage: relayout_bench FILE start|end");
    };
    let path = std::path::Path::new(path);
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .with_context(|| format!("opening {}", path.display()))?;
    let n = file.metadata()?.len();
    let off = match at.as_str() {
        "start" => 0,
        "end" => n.saturating_sub(1 << 20),
        _ => bail!("where: start or end"),
    };
    let mut layout = Layout::new();
    layout.push_old(0, off);
    layout.push_bytes(b"X");
    layout.push_old(off, n - off);
    let plan = relayout::plan(path, n, &layout)?;
    let t = Instant::now();
    let out = relayout::save(path, &file, n, &layout, &relayout::Options::default())?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{at}: {:?} ({}) wrote {} bytes ({} journal) in {secs:.3} s; plan: in place {} / rename {}",
        out.strategy,
        plan.why,
        out.bytes_written,
        out.journal_bytes,
        plan.in_place_bytes,
        plan.rename_bytes
    );
    Ok(())
}
