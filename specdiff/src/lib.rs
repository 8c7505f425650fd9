//! What changed between two versions of an OpenAPI document, judged for a user of the Rust
//! crate `codegen` generates from it.
//!
//! The crate compares the generator's own [model](codegen::model) of the two crates, not the
//! documents: the model holds every Rust type, field, variant, constructor and operation with
//! its final name and signature, so the report describes the code that is actually generated,
//! and no second copy of the schema-to-Rust mapping can drift from it. Each change keeps the
//! JSON pointer of the spec place it comes from, to explain it.
//!
//! ```no_run
//! let old = codegen::Spec::parse(&std::fs::read_to_string("old.json").unwrap()).unwrap();
//! let new = codegen::Spec::parse(&std::fs::read_to_string("new.json").unwrap()).unwrap();
//! let report = specdiff::diff(&old, &new).unwrap();
//! println!("{}", report.to_markdown());
//! println!("next version: {}", report.suggested_bump("0.3.1").unwrap());
//! ```
//!
//! # What is breaking
//!
//! The question is the one semver (and `cargo-semver-checks`) asks of the generated crate:
//! may code written against the old crate stop compiling against the new one? Models and
//! enums are `#[non_exhaustive]`, so a new field, enum value, type, operation or optional input
//! is an addition; a removed or retyped item, a changed constructor or changed method
//! arguments are breaking. Deprecations are listed on their own and break nothing.
//!
//! Architecture Invariant: no I/O, and no panics on any model `codegen` can lower.

mod compare;
mod report;
mod version;

pub use report::{Change, ChangeKind, Counts, DocumentInfo, Item, Report, Severity};
pub use version::{Bump, InvalidVersion};

/// Lowers both documents into client crates and compares their models (see
/// [`diff_models`]).
pub fn diff(old: &codegen::Spec, new: &codegen::Spec) -> Result<Report, codegen::Error> {
    diff_surface(old, new, codegen::Surface::Client)
}

/// Like [`diff`], for crates generated with `surface`.
pub fn diff_surface(
    old: &codegen::Spec,
    new: &codegen::Spec,
    surface: codegen::Surface,
) -> Result<Report, codegen::Error> {
    Ok(diff_models(
        &codegen::lower(old, surface)?,
        &codegen::lower(new, surface)?,
    ))
}

/// Like [`diff_surface`], each side's types named as its name settings say: a type the
/// settings name otherwise on the new side is reported as renamed (`type renamed`), not as one
/// type removed and another added.
pub fn diff_named(
    old: (&codegen::Spec, &codegen::NameSettings),
    new: (&codegen::Spec, &codegen::NameSettings),
    surface: codegen::Surface,
) -> Result<Report, codegen::Error> {
    Ok(diff_models(
        &codegen::lower_named(old.0, surface, old.1)?,
        &codegen::lower_named(new.0, surface, new.1)?,
    ))
}

/// Compares two models. The changes come sorted by item, then kind.
pub fn diff_models(old: &codegen::model::Model, new: &codegen::model::Model) -> Report {
    let info = |model: &codegen::model::Model| DocumentInfo {
        title: model.info.title.clone(),
        version: model.info.version.clone(),
    };
    Report::new(info(old), info(new), compare::changes(old, new))
}
