//! The maintainer tasks behind `cargo xtask` (see `main.rs`), as a library so that
//! `xtask/tests/` can drive them: the generator shared with `build.rs`, the spec's lint, the
//! classified diff, the drift from upstream, and the rest.

#[path = "../../codegen/mod.rs"]
pub mod generator;

pub mod diff;
pub mod drift;
pub mod extras;
pub mod lint;
pub mod schema;
pub mod spec;
pub mod upstream;
