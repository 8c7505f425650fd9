//! Tests across the workspace live in `tests/tests/`; this library is their support code:
//!
//! * [`prism`]: installs-check, starts and stops the Stoplight Prism mock server.
//! * [`proxy`]: a recording HTTP proxy between a generated client and Prism, which keeps what
//!   the client cannot see (Prism's `sl-violations` header, the raw body) per call.
//! * [`contract`]: what the generated contract calls (`contract_calls::generate`, written by
//!   `build.rs` into the build folder) return, and the runner that drives them through
//!   Prism and reports coverage.
//! * [`examples`]: the example document a spec gives for a schema, built from the examples
//!   embedded in it (as Prism's static mode does), and the equivalence used to compare it with
//!   what the generated types serialise back.
//! * [`shapes`]: which optional properties, enum values, arrays and union alternatives of the
//!   response schemas the dynamic passes actually decoded.
//! * [`specs`]: where the specs are, and the copy of a spec handed to Prism.
//! * [`public_api`]: a one-line-per-item listing of a crate's public API, for snapshot tests.

pub mod contract;
pub mod examples;
pub mod prism;
pub mod proxy;
pub mod public_api;
pub mod shapes;
pub mod specs;

use std::path::{Path, PathBuf};

/// The workspace root (the folder holding the top-level `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}
