//! OpenAPI document in, Rust client crate source out.
//!
//! The crate is a pure function from a spec to files: it never touches the file system or the
//! network (that is `xtask`'s job), so the same input always gives byte-identical output.
//!
//! ```no_run
//! let text = std::fs::read_to_string("openapi.json").unwrap();
//! let spec = codegen::Spec::parse(&text).unwrap();
//! let output = codegen::generate(&spec, &codegen::Settings::new("my-api", "0.1.0", codegen::Runtime::version("my-runtime", "0.1"))).unwrap();
//! for file in &output.files {
//!     println!("{}: {} bytes", file.path, file.contents.len());
//! }
//! ```

mod docs;
mod error;
mod lower;
pub mod model;
mod names;
mod refs;
mod render;
mod spec;

pub use error::{Error, Warning};
pub use refs::{Resolved, Resolver};
pub use render::format_file;
pub use spec::{MISSING_INFO_VERSION, Spec, Webhooks};

/// How to generate one crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Cargo package name of the generated crate, e.g. `petstore-client`.
    pub crate_name: String,
    /// Version written into the generated `Cargo.toml`.
    pub crate_version: String,
    /// The runtime crate the generated code calls (see [`Runtime`]).
    pub runtime: Runtime,
    /// Where the spec came from (URL or file name), written into the header of `Cargo.toml`
    /// (the one file that names the spec's version, source and hash).
    pub spec_source: String,
    /// sha256 of the spec text, written into the header of `Cargo.toml`.
    pub spec_sha256: String,
    /// Give the crate an empty `[workspace]` table, so that it builds on its own even inside
    /// the directory of another workspace (for crates generated outside this repository).
    pub standalone: bool,
    /// What to generate: a client, or only the types of the component schemas.
    pub surface: Surface,
    /// Names the maintainer chose for types, over the ones the document implies.
    pub names: NameSettings,
}

/// Names chosen for the crate's types (the items of `models`) over the ones the generator
/// derives from the document: a prefix common to the document's schema names stripped, and
/// single types renamed. Applied to every type once the generator has named it, so a type's
/// name still depends only on its own place in the document, plus these settings.
///
/// Settings that cannot apply are errors ([`Error::Names`]), so a stale one is noticed: a
/// rename or a stripped prefix that would give two types one name (both are named), a rename
/// of a name no type has, a prefix no type starts with, a new name that is not a type name the
/// generator could give (UpperCamelCase, not a keyword, not ending like an `api` item).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameSettings {
    /// Prefixes taken off the types' names: a name that starts with one, followed by an
    /// uppercase letter, loses it (`OpenApiV1Block` -> `Block`). The first that fits is taken.
    pub strip_prefixes: Vec<String>,
    /// Renames: the name the generator gives a type -> the name it gets instead (no prefix is
    /// stripped from a renamed type).
    pub rename: std::collections::BTreeMap<String, String>,
}

/// What a generated crate contains.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Surface {
    /// A client: every operation a method, every schema a type, test doubles (feature `mock`).
    #[default]
    Client,
    /// Only the component schemas and the payloads (request bodies) of the operations as types
    /// (`src/models.rs`), and the header of the document's API-key scheme as a constant. For
    /// documents whose operations are not ours to call, such as the callbacks a server makes to
    /// an endpoint the reader of the document runs. (A 3.1 `webhooks` section's payloads are
    /// types in either surface.)
    ModelsOnly,
}

impl Settings {
    /// Settings for a crate called `crate_name` that uses `runtime`; no spec source or hash in
    /// the `Cargo.toml` header, not standalone.
    pub fn new(
        crate_name: impl Into<String>,
        crate_version: impl Into<String>,
        runtime: Runtime,
    ) -> Self {
        Settings {
            crate_name: crate_name.into(),
            crate_version: crate_version.into(),
            runtime,
            spec_source: String::new(),
            spec_sha256: String::new(),
            standalone: false,
            surface: Surface::Client,
            names: NameSettings::default(),
        }
    }
}

/// The hand-written runtime crate every generated crate depends on.
///
/// Generated code names it only as `rt` (the generated `Cargo.toml` renames the dependency),
/// so which package provides it is this setting alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Runtime {
    /// Its Cargo package name.
    pub package: String,
    /// Where Cargo finds it.
    pub source: RuntimeSource,
}

/// Where Cargo finds the runtime crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeSource {
    /// A path, relative to the generated crate's directory.
    Path(String),
    /// A version requirement, resolved from the registry.
    Version(String),
}

impl Runtime {
    /// The runtime at `path`, relative to the generated crate's directory.
    pub fn path(package: impl Into<String>, path: impl Into<String>) -> Self {
        Runtime {
            package: package.into(),
            source: RuntimeSource::Path(path.into()),
        }
    }

    /// The runtime from the registry, at version requirement `version`.
    pub fn version(package: impl Into<String>, version: impl Into<String>) -> Self {
        Runtime {
            package: package.into(),
            source: RuntimeSource::Version(version.into()),
        }
    }
}

/// The generated crate: files relative to the crate root, and counts for the summary line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// Every file the generator owns, sorted by path.
    pub files: Vec<GeneratedFile>,
    /// Number of operations turned into client methods.
    pub operations: usize,
    /// Number of component schemas turned into Rust types.
    pub types: usize,
    /// Problems in the document that were tolerated, and constructs expressed only loosely
    /// (also listed in the crate's docs).
    pub warnings: Vec<Warning>,
}

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the crate root, `/`-separated (`src/models.rs`).
    pub path: String,
    /// Full file contents, formatted, ending in a newline.
    pub contents: String,
}

/// Lowers `spec` into the [`Model`](model::Model) of its crate with `surface`: every type and
/// operation with its final Rust name and signature. [`generate`] renders this model;
/// `specdiff` compares two.
pub fn lower(spec: &Spec, surface: Surface) -> Result<model::Model, Error> {
    lower_named(spec, surface, &NameSettings::default())
}

/// Like [`lower`], with the types named as `names` says.
pub fn lower_named(
    spec: &Spec,
    surface: Surface,
    names: &NameSettings,
) -> Result<model::Model, Error> {
    lower::lower(spec, surface, names)
}

/// Whether the generator reads a body of `media_type` as JSON (`application/json`, `+json`
/// types, `*/*` and `application/*`, parameters after `;` ignored): the rule that picks request
/// and response bodies, for tools that look at a document as the generator does.
pub fn is_json_media_type(media_type: &str) -> bool {
    lower::is_json(media_type)
}

/// Generates the crate for `spec`: `Cargo.toml`, `src/lib.rs` (the client), `src/models.rs`
/// (every schema) and `src/api/` (one file per operation group).
pub fn generate(spec: &Spec, settings: &Settings) -> Result<Output, Error> {
    let model = lower_named(spec, settings.surface, &settings.names)?;
    render::crate_files(&model, settings).map_err(|error| spec.locate(error))
}
