//! Model to files: every file of a generated crate, rendered from the [`Model`] alone.
//!
//! `models` renders `src/models.rs`, `api` each `src/api/<group>.rs`, `crate_root` `src/lib.rs`,
//! `src/api/mod.rs` and `Cargo.toml`, `mock` `src/mock.rs`. `types` spells a model type in
//! Rust; `docs` and `features` turn doc text and feature gates into attributes. Large files are
//! cut into [`Piece`]s that `parallel` renders on every core.

mod api;
mod crate_root;
mod docs;
mod features;
mod mock;
mod models;
mod parallel;
mod status;
mod types;

use proc_macro2::TokenStream;

use crate::error::Error;
use crate::model::{Auth, Model};
use crate::{GeneratedFile, Output, Settings, Surface};

/// The pointer that rendering errors in `models.rs` name.
const MODELS_POINTER: &str = "#/components/schemas";

/// What every generated file needs to know about the crate it belongs to.
pub(crate) struct CrateInfo {
    pub title: String,
    pub version: String,
    pub description: String,
    /// The document's servers: URL (without a trailing `/`) and description.
    pub servers: Vec<(String, String)>,
    pub auth: Auth,
    pub crate_name: String,
    pub crate_version: String,
    pub surface: Surface,
    /// The first lines of every `.rs` file: generated, from which document; no version or
    /// hash, which only `Cargo.toml` states.
    pub header: String,
    /// The first lines of `Cargo.toml`: the spec's version, source and sha256.
    pub manifest_header: String,
    pub warnings: Vec<crate::Warning>,
}

/// The files of the crate for `model`.
pub(crate) fn crate_files(model: &Model, settings: &Settings) -> Result<Output, Error> {
    let info = crate_info(model, settings);
    let model_items = models::model_items(model);
    let mut plan = RenderPlan::default();
    if model.surface == Surface::Client {
        // The largest jobs first, so that no core is left with one at the end.
        plan.whole("src/mock.rs", || mock::mock_file(&info, model));
        for group in &model.api.groups {
            let pieces = api::group_pieces(group);
            let jobs = pieces
                .into_iter()
                .map(|piece| -> Job<'_> { Box::new(move || api::group_piece(group, &piece)) });
            plan.file(format!("src/api/{}.rs", group.module), jobs, |pieces| {
                api::group_file(&info, group, pieces)
            });
        }
    }
    let models_jobs = model_items
        .chunks(models::MODEL_ITEMS_PER_PIECE)
        .map(|items| -> Job<'_> { Box::new(|| models::models_piece(model, items)) });
    plan.file("src/models.rs", models_jobs, |pieces| {
        models::models_file(&info, pieces)
    });
    match model.surface {
        Surface::Client => {
            plan.whole("src/lib.rs", || {
                crate_root::lib_file(&info, &model.api, &model.features)
            });
            plan.whole("src/api/mod.rs", || {
                crate_root::api_module_file(&info, &model.api, &model.features)
            });
        }
        Surface::ModelsOnly => plan.whole("src/lib.rs", || crate_root::models_only_lib_file(&info)),
    }
    let mut files = plan.render()?;
    files.push(GeneratedFile {
        path: "Cargo.toml".into(),
        contents: crate_root::cargo_toml(
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
type Job<'a> = parallel::Job<'a, Result<Piece, Error>>;

/// Makes a file from its rendered pieces.
type Join<'a> = Box<dyn Fn(&[Piece]) -> Result<String, Error> + 'a>;

/// The files of a crate as jobs for [`parallel::run`]: every file is a run of jobs, each
/// rendering a [`Piece`] of it, and a function joining those pieces.
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
        join: impl Fn(&[Piece]) -> Result<String, Error> + 'a,
    ) {
        let first = self.jobs.len();
        self.jobs.extend(jobs);
        let range = first..self.jobs.len();
        self.files.push((path.into(), range, Box::new(join)));
    }

    /// A file rendered whole by one job.
    fn whole(&mut self, path: &str, render: impl Fn() -> Result<String, Error> + Send + Sync + 'a) {
        let job: Job<'a> = Box::new(move || render().map(Piece::whole));
        self.file(path, [job], |pieces| {
            Ok(pieces.iter().map(Piece::code).collect())
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

fn crate_info(model: &Model, settings: &Settings) -> CrateInfo {
    let info = &model.info;
    // The spec's version, source and sha256 are stated once, in `Cargo.toml` (which a spec
    // update changes anyway, for the crate version): a `.rs` file changes only when its code
    // does, so a spec update's diff shows the files that the changed schemas reach.
    let header = format!(
        "// Generated by `cargo xtask regenerate` from the {} document that Cargo.toml names; \
         do not edit by hand.\n",
        info.title
    );
    let mut manifest_header = format!(
        "# Generated by `cargo xtask regenerate` from {} {}; do not edit by hand.\n",
        info.title, info.version
    );
    if !settings.spec_source.is_empty() {
        manifest_header.push_str(&format!("# Source: {}\n", settings.spec_source));
    }
    if !settings.spec_sha256.is_empty() {
        manifest_header.push_str(&format!("# sha256: {}\n", settings.spec_sha256));
    }
    CrateInfo {
        title: info.title.clone(),
        version: info.version.clone(),
        description: info.description.clone(),
        servers: info.servers.clone(),
        auth: info.auth.clone(),
        crate_name: settings.crate_name.clone(),
        crate_version: settings.crate_version.clone(),
        surface: model.surface,
        header,
        manifest_header,
        warnings: model.warnings.clone(),
    }
}

/// Parses `tokens` as a Rust file and formats it the way every generated file is formatted
/// (prettyplease, a blank line between items), after `header`. A parse failure is a bug of
/// whoever built the tokens, reported as [`Error::Unsupported`] at `pointer_for_errors`.
pub fn format_file(
    header: &str,
    tokens: TokenStream,
    pointer_for_errors: &str,
) -> Result<String, Error> {
    let code = unparse(tokens, pointer_for_errors)?;
    Ok(format!("{header}\n{}", space_items(&code)))
}

/// Tokens of a whole file, formatted by prettyplease (items back to back).
fn unparse(tokens: TokenStream, pointer_for_errors: &str) -> Result<String, Error> {
    let file = syn::parse2::<syn::File>(tokens).map_err(|e| Error::Unsupported {
        pointer: pointer_for_errors.to_owned(),
        message: format!("generated code did not parse ({e}); this is a generator bug"),
    })?;
    Ok(prettyplease::unparse(&file))
}

/// prettyplease puts items back to back; a blank line between items (not between fields or
/// statements) makes the files read like hand-formatted code.
fn space_items(code: &str) -> String {
    const ITEM_STARTS: &[&str] = &[
        "///",
        "#[",
        "#![",
        "pub ",
        "pub(crate) ",
        "impl",
        "fn ",
        "async fn ",
        "static ",
        "const ",
        "mod ",
        "use ",
        "type ",
    ];
    let mut out = String::with_capacity(code.len() + code.len() / 20);
    let mut previous = "";
    for line in code.lines() {
        let trimmed = line.trim_start();
        let previous_trimmed = previous.trim();
        let previous_is_comment = previous_trimmed.starts_with("//");
        let previous_closes =
            !previous_is_comment && (previous_trimmed == "}" || previous_trimmed.ends_with(';'));
        let both_uses = trimmed.starts_with("use ") && previous_trimmed.starts_with("use ")
            || trimmed.starts_with("pub use ") && previous_trimmed.starts_with("pub use ")
            || trimmed.starts_with("mod ") && previous_trimmed.starts_with("pub use ");
        let same_depth = line.len() - trimmed.len() <= previous.len() - previous.trim_start().len();
        if previous_closes
            && same_depth
            && !both_uses
            && ITEM_STARTS.iter().any(|start| trimmed.starts_with(start))
        {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        previous = line;
    }
    out
}

/// A run of top-level items of a file, rendered and formatted on its own. Top-level items
/// format independently, so a large file is cut into pieces that render on every core (see
/// [`parallel`]) and are joined in order: how a file is cut never changes a byte of it.
pub(crate) struct Piece {
    code: String,
    /// Whether the items name something in `models` by a `models::` path, so that the file
    /// needs `use crate::models;`.
    mentions_models: bool,
}

impl Piece {
    /// Formats `tokens`, top-level items only (no inner attributes), outside `models`.
    fn items(tokens: TokenStream, pointer_for_errors: &str) -> Result<Piece, Error> {
        Ok(Piece {
            mentions_models: uses_path(&tokens, "models"),
            code: unparse(tokens, pointer_for_errors)?,
        })
    }

    /// Formats `tokens` of `models.rs`, which names its types without a `models::` path.
    fn models_items(tokens: TokenStream) -> Result<Piece, Error> {
        Ok(Piece {
            mentions_models: false,
            code: unparse(tokens, MODELS_POINTER)?,
        })
    }

    /// A file rendered whole, as a piece of its own.
    pub(crate) fn whole(contents: String) -> Piece {
        Piece {
            code: contents,
            mentions_models: false,
        }
    }

    /// The formatted code.
    pub(crate) fn code(&self) -> &str {
        &self.code
    }
}

/// A file from its formatted start (module docs, imports) and its pieces, spaced like
/// [`format_file`] spaces a file formatted whole.
fn join_pieces(info: &CrateInfo, start: String, pieces: &[Piece]) -> String {
    let mut code = start;
    code.reserve(pieces.iter().map(|piece| piece.code.len()).sum());
    for piece in pieces {
        code.push_str(&piece.code);
    }
    format!("{}\n{}", info.header, space_items(&code))
}

/// Whether `tokens` mention the path root `root` (`rt::...`), to import only what is used.
fn uses_path(tokens: &TokenStream, root: &str) -> bool {
    use proc_macro2::TokenTree;
    let mut previous_is_root = false;
    let mut colons = 0;
    for token in tokens.clone() {
        match &token {
            TokenTree::Group(group) if uses_path(&group.stream(), root) => return true,
            TokenTree::Ident(ident) => {
                previous_is_root = ident == root;
                colons = 0;
                continue;
            }
            TokenTree::Punct(p) if p.as_char() == ':' && previous_is_root => {
                colons += 1;
                if colons == 2 {
                    return true;
                }
                continue;
            }
            _ => {}
        }
        previous_is_root = false;
        colons = 0;
    }
    false
}
