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
mod features;
mod mock;
pub mod model;
mod names;
mod operations;
mod parallel;
mod render;
mod sizes;
mod spec;
mod types;

pub use error::{Error, Warning};
pub use render::format_file;
pub use spec::{MISSING_INFO_VERSION, Spec};

/// How to generate one crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Cargo package name of the generated crate, e.g. `petstore-client`.
    pub crate_name: String,
    /// Version written into the generated `Cargo.toml`.
    pub crate_version: String,
    /// The runtime crate the generated code calls (see [`Runtime`]).
    pub runtime: Runtime,
    /// Where the spec came from (URL or file name), written into every file header.
    pub spec_source: String,
    /// sha256 of the spec text, written into every file header.
    pub spec_sha256: String,
    /// Give the crate an empty `[workspace]` table, so that it builds on its own even inside
    /// the directory of another workspace (for crates generated outside this repository).
    pub standalone: bool,
    /// What to generate: a client, or only the types of the component schemas.
    pub surface: Surface,
}

/// What a generated crate contains.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Surface {
    /// A client: every operation a method, every schema a type, test doubles (feature `mock`).
    #[default]
    Client,
    /// Only the component schemas as types (`src/models.rs`), and the header of the document's
    /// API-key scheme as a constant. For documents whose operations are not ours to call, such
    /// as the callbacks a server makes to an endpoint the reader of the document runs.
    ModelsOnly,
}

impl Settings {
    /// Settings for a crate called `crate_name` that uses `runtime`; no spec source or hash in
    /// the file headers, not standalone.
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
    lower_unlocated(spec, surface).map_err(|error| spec.locate(error))
}

fn lower_unlocated(spec: &Spec, surface: Surface) -> Result<model::Model, Error> {
    let api = spec.openapi();
    let mut types = types::TypeSpace::new(api)?;
    let operations = match surface {
        Surface::Client => operations::collect(api, &mut types)?,
        Surface::ModelsOnly => model::Api::empty(),
    };
    types.finish(operations.request_types())?;
    types.break_cycles();
    types.box_large_variants();
    let (types, components, mut warnings) = types.into_parts();
    warnings.extend(security_warnings(spec, auth(api).1));
    warnings.sort();
    warnings.dedup();
    let features = features::FeaturePlan::new(&types, &operations);
    Ok(model::Model {
        info: api_info(api),
        surface,
        types,
        components,
        api: operations,
        features,
        warnings: {
            let mut all = spec.warnings().to_vec();
            all.extend(warnings);
            all
        },
    })
}

/// Generates the crate for `spec`: `Cargo.toml`, `src/lib.rs` (the client), `src/models.rs`
/// (every schema) and `src/api/` (one file per operation group).
pub fn generate(spec: &Spec, settings: &Settings) -> Result<Output, Error> {
    let model = lower(spec, settings.surface)?;
    render_crate(&model, settings).map_err(|error| spec.locate(error))
}

/// The files of the crate for `model`.
fn render_crate(model: &model::Model, settings: &Settings) -> Result<Output, Error> {
    let info = crate_info(model, settings);
    let model_items = render::model_items(model);
    let mut plan = RenderPlan::default();
    if model.surface == Surface::Client {
        // The largest jobs first, so that no core is left with one at the end.
        plan.whole("src/mock.rs", || mock::mock_file(&info, model));
        for group in &model.api.groups {
            let pieces = render::group_pieces(group);
            let jobs = pieces
                .into_iter()
                .map(|piece| -> Job<'_> { Box::new(move || render::group_piece(group, &piece)) });
            plan.file(format!("src/api/{}.rs", group.module), jobs, |pieces| {
                render::group_file(&info, group, pieces)
            });
        }
    }
    let models_jobs = model_items
        .chunks(render::MODEL_ITEMS_PER_PIECE)
        .map(|items| -> Job<'_> { Box::new(|| render::models_piece(model, items)) });
    plan.file("src/models.rs", models_jobs, |pieces| {
        render::models_file(&info, pieces)
    });
    match model.surface {
        Surface::Client => {
            plan.whole("src/lib.rs", || {
                render::lib_file(&info, &model.api, &model.features)
            });
            plan.whole("src/api/mod.rs", || {
                render::api_module_file(&info, &model.api, &model.features)
            });
        }
        Surface::ModelsOnly => plan.whole("src/lib.rs", || render::models_only_lib_file(&info)),
    }
    let mut files = plan.render()?;
    files.push(GeneratedFile {
        path: "Cargo.toml".into(),
        contents: render::cargo_toml(
            &info,
            &settings.runtime,
            settings.standalone,
            &model.features,
        ),
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Output {
        files,
        operations: model.api.operation_count,
        types: model.components.len(),
        warnings: model.warnings.clone(),
    })
}

/// Renders one piece of a file.
type Job<'a> = parallel::Job<'a, Result<render::Piece, Error>>;

/// Makes a file from its rendered pieces.
type Join<'a> = Box<dyn Fn(&[render::Piece]) -> Result<String, Error> + 'a>;

/// The files of a crate as jobs for [`parallel::run`]: every file is a run of jobs, each
/// rendering a [`render::Piece`] of it, and a function joining those pieces.
#[derive(Default)]
struct RenderPlan<'a> {
    jobs: Vec<Job<'a>>,
    files: Vec<(String, std::ops::Range<usize>, Join<'a>)>,
}

impl<'a> RenderPlan<'a> {
    /// A file rendered in pieces by `jobs`, then joined by `join`.
    fn file(
        &mut self,
        path: impl Into<String>,
        jobs: impl IntoIterator<Item = Job<'a>>,
        join: impl Fn(&[render::Piece]) -> Result<String, Error> + 'a,
    ) {
        let first = self.jobs.len();
        self.jobs.extend(jobs);
        let range = first..self.jobs.len();
        self.files.push((path.into(), range, Box::new(join)));
    }

    /// A file rendered whole by one job.
    fn whole(&mut self, path: &str, render: impl Fn() -> Result<String, Error> + Send + Sync + 'a) {
        let job: Job<'a> = Box::new(move || render().map(render::Piece::whole));
        self.file(path, [job], |pieces| {
            Ok(pieces.iter().map(render::Piece::code).collect())
        });
    }

    /// Runs every job on every core, then joins each file's pieces.
    fn render(self) -> Result<Vec<GeneratedFile>, Error> {
        let pieces = parallel::run(&self.jobs).ok_or_else(|| Error::Unsupported {
            pointer: "#".into(),
            message: "rendering the crate panicked; this is a generator bug".into(),
        })?;
        let pieces = pieces.into_iter().collect::<Result<Vec<_>, _>>()?;
        (self.files.into_iter())
            .map(|(path, range, join)| {
                Ok(GeneratedFile {
                    path,
                    contents: join(&pieces[range])?,
                })
            })
            .collect()
    }
}

/// What the document says about itself, as far as it shapes the crate.
fn api_info(api: &openapiv3::OpenAPI) -> model::ApiInfo {
    model::ApiInfo {
        title: api.info.title.clone(),
        version: api.info.version.clone(),
        description: api.info.description.clone().unwrap_or_default(),
        servers: api
            .servers
            .iter()
            .map(|s| {
                (
                    s.url.trim_end_matches('/').to_owned(),
                    s.description.clone().unwrap_or_default(),
                )
            })
            .collect(),
        auth: auth(api).0,
    }
}

fn crate_info(model: &model::Model, settings: &Settings) -> render::CrateInfo {
    let info = &model.info;
    let mut header = format!(
        "// Generated by `cargo xtask regenerate` from {} {}; do not edit by hand.\n",
        info.title, info.version
    );
    if !settings.spec_source.is_empty() {
        header.push_str(&format!("// Source: {}\n", settings.spec_source));
    }
    if !settings.spec_sha256.is_empty() {
        header.push_str(&format!("// sha256: {}\n", settings.spec_sha256));
    }
    render::CrateInfo {
        title: info.title.clone(),
        version: info.version.clone(),
        description: info.description.clone(),
        servers: info.servers.clone(),
        auth: info.auth.clone(),
        crate_name: settings.crate_name.clone(),
        crate_version: settings.crate_version.clone(),
        surface: model.surface,
        header,
        warnings: model.warnings.clone(),
    }
}

/// The first scheme the document requires, globally or per operation, that the runtime can
/// send (an API key in a header, or an HTTP bearer token), and its name.
fn auth(api: &openapiv3::OpenAPI) -> (model::Auth, Option<&str>) {
    let Some(components) = api.components.as_ref() else {
        return (model::Auth::None, None);
    };
    let schemes = &components.security_schemes;
    for name in required_schemes(api) {
        match schemes.get(name) {
            Some(openapiv3::ReferenceOr::Item(openapiv3::SecurityScheme::APIKey {
                location: openapiv3::APIKeyLocation::Header,
                name: header,
                ..
            })) => return (model::Auth::ApiKeyHeader(header.clone()), Some(name)),
            Some(openapiv3::ReferenceOr::Item(openapiv3::SecurityScheme::HTTP {
                scheme, ..
            })) if scheme.eq_ignore_ascii_case("bearer") => {
                return (model::Auth::Bearer, Some(name));
            }
            _ => {}
        }
    }
    (model::Auth::None, None)
}

/// The names of the schemes the document's security requirements name, global ones first.
fn required_schemes(api: &openapiv3::OpenAPI) -> impl Iterator<Item = &String> {
    api.security
        .iter()
        .flatten()
        .chain(
            api.operations()
                .flat_map(|(_, _, op)| op.security.iter().flatten()),
        )
        .flat_map(|requirement| requirement.keys())
}

/// A warning for every security scheme of the document as written (`mutualTLS` included, which
/// reading leaves out) other than `used`, saying why the client does not send it: a user reading
/// the crate's docs should not assume a scheme is handled that is not.
fn security_warnings(spec: &Spec, used: Option<&str>) -> Vec<Warning> {
    let Some(schemes) = spec
        .source()
        .pointer("/components/securitySchemes")
        .and_then(serde_json::Value::as_object)
    else {
        return Vec::new();
    };
    let required: Vec<&String> = required_schemes(spec.openapi()).collect();
    let schemes_pointer = error::Pointer::root()
        .join("components")
        .join("securitySchemes");
    let mut warnings = Vec::new();
    for (name, scheme) in schemes {
        if Some(name.as_str()) == used {
            continue;
        }
        let text = |key: &str| scheme.get(key).and_then(serde_json::Value::as_str);
        let why = match (text("type"), text("in"), text("scheme")) {
            _ if scheme.get("$ref").is_some() => {
                "a security scheme given as $ref is not followed".to_owned()
            }
            (Some("mutualTLS"), _, _) => "the client does not present a client certificate by \
                itself (give `ClientBuilder` a `reqwest::ClientBuilder` with an identity)"
                .to_owned(),
            (Some(kind @ ("oauth2" | "openIdConnect")), _, _) => format!(
                "the client does not obtain {kind} tokens (an HTTP bearer scheme takes a token \
                 obtained elsewhere)"
            ),
            (Some("apiKey"), Some(location), _) if location != "header" => {
                format!("the client sends an API key only in a header, not in the {location}")
            }
            (Some("http"), _, Some(kind)) if !kind.eq_ignore_ascii_case("bearer") => {
                format!("the client sends no HTTP `{kind}` credentials, only bearer tokens")
            }
            (Some("apiKey" | "http"), _, _) => match used {
                _ if !required.contains(&name) => {
                    "no security requirement of the document names it".to_owned()
                }
                Some(used) => format!("the client authenticates with `{used}` only"),
                None => "the client cannot send it".to_owned(),
            },
            (kind, _, _) => format!(
                "the client does not know the scheme type {}",
                kind.unwrap_or("(none)")
            ),
        };
        warnings.push(Warning::new(
            &schemes_pointer.join(name),
            format!("security scheme skipped: {why}"),
        ));
    }
    warnings
}
