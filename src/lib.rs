//! maphex: a terminal hex/text viewer-editor that reads everything through a memory map.
//!
//! Three layers, dependencies pointing one way: [`cli`] → [`tui`] → [`core`]. The core is
//! pure (no terminal, no threads, no clock) and is what the tests drive most.

pub mod cli;
pub mod core;
pub mod tui;
