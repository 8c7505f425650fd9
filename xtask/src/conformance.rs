//! `cargo xtask conformance`: the gate that proves the generated types mean what the document
//! says. For every component schema of the Magicline documents (the specs the manifest names)
//! and of every corpus document, instances are sampled from the schema by an independent,
//! pinned generator (json-schema-faker, the sampler Prism uses; `tools/schema-faker/`), with a
//! fixed seed per schema, and decoded by a harness built into the document's generated crate
//! with the crate's own `from_json` (see `cases` for what each instance must do and the
//! normalisation of the round trip, `json_schema` for how OpenAPI schemas become JSON Schema).
//!
//! The gate is a ratchet: `xtask/conformance-known-failures.txt` lists the failures known today
//! (document, schema pointer, class, reason; one line each). The verb fails on any failure not
//! listed, and on any listed one that no longer happens, so the list only shrinks; the goal is
//! an empty list. `--update-known` rewrites the list from the run.

mod cases;
mod harness;
mod json_schema;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::Args;
use serde_json::Value;

use crate::corpus;
use crate::manifest::Manifest;
use cases::{Case, Class, Failure, Variants};
use codegen::model::{Model, RType, TypeDef};

/// The known failures, relative to the workspace root.
pub const KNOWN_FAILURES: &str = "xtask/conformance-known-failures.txt";

/// The sampler: json-schema-faker and a YAML reader, pinned.
pub const SAMPLER: crate::npm::Tool = crate::npm::Tool {
    name: "schema-faker",
    package_dir: "tools/schema-faker",
    install_dir: ".tools/schema-faker",
    entry: ".tools/schema-faker/node_modules/json-schema-faker/package.json",
};

/// The sampler's script, in `SAMPLER.package_dir`; it runs from the install folder, where its
/// packages are.
const SCRIPT: &str = "sample.mjs";

/// Where the crates, the harness builds and the failure details go, relative to the root.
pub const WORK: &str = "target/conformance";

/// Arguments of `cargo xtask conformance`.
#[derive(Debug, Args)]
pub struct ConformanceArgs {
    /// Folder of public OpenAPI documents.
    #[arg(long, value_name = "DIR", default_value = "../shared/corpus")]
    pub corpus: PathBuf,
    /// Folder holding the Magicline specs the manifest names.
    #[arg(long, value_name = "DIR", default_value = "../shared/specs")]
    pub specs: PathBuf,
    /// Only documents whose file name contains this text.
    #[arg(long, value_name = "TEXT")]
    pub only: Option<String>,
    /// Print every failure with its instance and error (they are always written to
    /// target/conformance/failures.txt).
    #[arg(long)]
    pub details: bool,
    /// Rewrite xtask/conformance-known-failures.txt from this run (reasons of entries that
    /// still fail are kept).
    #[arg(long)]
    pub update_known: bool,
}

impl ConformanceArgs {
    /// What `cargo xtask test` runs: every document of the default folders, against the list.
    pub fn for_test_suite() -> Self {
        ConformanceArgs {
            corpus: PathBuf::from("../shared/corpus"),
            specs: PathBuf::from("../shared/specs"),
            only: None,
            details: false,
            update_known: false,
        }
    }
}

/// A document to check.
struct Document {
    /// Its file name.
    name: String,
    path: PathBuf,
    crate_name: String,
    surface: codegen::Surface,
}

/// One document's result.
struct Report {
    document: String,
    /// Component schemas.
    schemas: usize,
    /// Discriminated unions inside other schemas, checked on their own.
    inline_unions: usize,
    instances: usize,
    failures: Vec<Failure>,
    /// What the conversion to JSON Schema worked around (a `$ref` to nothing, say).
    notes: Vec<String>,
    build_seconds: f64,
    seconds: f64,
}

/// Runs the verb: fails on a document that cannot be checked, a failure not in the list, or a
/// listed failure that no longer happens.
pub fn run(root: &Path, args: &ConformanceArgs) -> Result<()> {
    run_with_env(root, args, &[])
}

/// [`run`], with extra environment variables for every cargo run (what `cargo xtask test` sets
/// on CI).
pub fn run_with_env(root: &Path, args: &ConformanceArgs, env: &[(&str, &str)]) -> Result<()> {
    crate::npm::install(root, &SAMPLER)?;
    let script = root.join(SAMPLER.install_dir).join(SCRIPT);
    fs::copy(root.join(SAMPLER.package_dir).join(SCRIPT), &script)
        .with_context(|| format!("cannot copy the sampler to {}", script.display()))?;
    let documents = documents(root, args)?;
    let work = root.join(WORK);
    let mut reports = Vec::new();
    let mut broken = Vec::new();
    for document in &documents {
        match check_document(root, document, &work, env, &script) {
            Ok(report) => {
                println!("{}", summary(&report));
                reports.push(report);
            }
            Err(error) => {
                println!("{}: not checked: {error}", document.name);
                broken.push(format!("{}: {error}", document.name));
            }
        }
    }
    println!();
    print!("{}", table(&reports));
    let details = details(&reports);
    let details_path = work.join("failures.txt");
    fs::write(&details_path, &details)
        .with_context(|| format!("cannot write {}", details_path.display()))?;
    if args.details {
        print!("{details}");
    }
    println!("every failure in detail: {}", details_path.display());
    if !broken.is_empty() {
        bail!(
            "{} documents could not be checked:\n  {}",
            broken.len(),
            broken.join("\n  ")
        );
    }
    let known_path = root.join(KNOWN_FAILURES);
    let known = read_known(&known_path)?;
    let ran: BTreeSet<&str> = documents.iter().map(|d| d.name.as_str()).collect();
    if args.update_known {
        let text = known_file(&known, &reports, &ran);
        fs::write(&known_path, text)
            .with_context(|| format!("cannot write {}", known_path.display()))?;
        println!("wrote {KNOWN_FAILURES}");
        return Ok(());
    }
    ratchet(&known, &reports, &ran)
}

/// The Magicline specs the manifest names, found in `--specs`, then the corpus documents.
fn documents(root: &Path, args: &ConformanceArgs) -> Result<Vec<Document>> {
    let mut documents = Vec::new();
    let manifest = Manifest::load(root)?;
    for api in manifest.apis() {
        let path = crate::fetch::find_in_folder(&root.join(&args.specs), api)?;
        documents.push(Document {
            name: file_name(&path),
            path,
            crate_name: api.crate_name.clone(),
            surface: api.surface,
        });
    }
    let folder = root.join(&args.corpus);
    let entries = fs::read_dir(&folder)
        .with_context(|| format!("cannot read the folder {}", folder.display()))?;
    let mut corpus: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            let extension = path.extension().and_then(|e| e.to_str());
            matches!(extension, Some("json" | "yaml" | "yml"))
        })
        .collect();
    corpus.sort();
    for path in corpus {
        documents.push(Document {
            name: file_name(&path),
            crate_name: corpus::crate_name(&path),
            path,
            // The types only: the same lowering of every schema, without the operations,
            // which `cargo xtask corpus` builds and lints already; it halves the build.
            surface: codegen::Surface::ModelsOnly,
        });
    }
    if let Some(only) = &args.only {
        documents.retain(|document| document.name.contains(only.as_str()));
    }
    Ok(documents)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Generates the document's crate, samples every component, builds the harness into the crate
/// and judges what it says.
fn check_document(
    root: &Path,
    document: &Document,
    work: &Path,
    env: &[(&str, &str)],
    script: &Path,
) -> Result<Report, String> {
    let start = Instant::now();
    let text =
        fs::read_to_string(&document.path).map_err(|error| format!("unreadable: {error}"))?;
    let json = document_json(&text, &document.path, script)?;
    let mut converted = json_schema::convert(&json);
    if document.surface == codegen::Surface::ModelsOnly {
        // A models-only crate types the component schemas, not the operations' own.
        (converted.components).retain(|c| !c.inline || c.pointer.starts_with("#/components/"));
    }
    let out = work.join(&document.crate_name);
    let model = generate(root, document, &text, &out)?;

    let (requests, job) = cases::requests(&document.name, &converted);
    let answers = sample(
        script,
        &job,
        &work.join(format!("{}.job.json", document.crate_name)),
    )?;
    let (cases, mut failures) = cases::cases(&converted.components, &requests, answers);

    // The harness decodes into each component's Rust type, named by index.
    let mut types: Vec<String> = Vec::new();
    let mut type_of: Vec<Option<usize>> = Vec::new();
    for component in &converted.components {
        match rust_type(&model, component) {
            Some(rust) => {
                type_of.push(Some(types.len()));
                types.push(rust.clone());
            }
            None => {
                type_of.push(None);
                failures.push(Failure {
                    pointer: component.pointer.clone(),
                    class: Class::Untyped,
                    message: "the generator made no type for it".into(),
                    instance: Value::Null,
                });
            }
        }
    }
    let harness_file = out.join(harness::EXAMPLE);
    fs::create_dir_all(out.join("examples")).map_err(|error| error.to_string())?;
    fs::write(&harness_file, harness::source(&document.crate_name, &types))
        .map_err(|error| format!("cannot write {}: {error}", harness_file.display()))?;
    let build_start = Instant::now();
    let target_dir = work.join("target");
    let build = ["build", "--quiet", "--example", "conformance"];
    corpus::cargo(&out, &target_dir, env, &build).map_err(|error| format!("harness: {error}"))?;
    let build_seconds = build_start.elapsed().as_secs_f64();

    let runnable: Vec<&Case> = cases
        .iter()
        .filter(|c| type_of[c.component].is_some())
        .collect();
    let input: Vec<(usize, &Value)> = (runnable.iter())
        .filter_map(|case| type_of[case.component].map(|index| (index, &case.instance)))
        .collect();
    let program = target_dir
        .join("debug")
        .join("examples")
        .join("conformance");
    let outcomes = harness::run(&program, &input)?;
    for (case, outcome) in runnable.iter().zip(&outcomes) {
        let component = &converted.components[case.component];
        let variants = ModelVariants::new(&model, component);
        for (class, message) in cases::judge(case, outcome, &variants) {
            failures.push(Failure {
                pointer: component.pointer.clone(),
                class,
                message,
                instance: case.instance.clone(),
            });
        }
    }
    Ok(Report {
        document: document.name.clone(),
        schemas: converted.components.iter().filter(|c| !c.inline).count(),
        inline_unions: converted.components.iter().filter(|c| c.inline).count(),
        instances: runnable.len(),
        failures,
        notes: converted.notes,
        build_seconds,
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// The document as JSON: JSON text directly, YAML read by the sampler's YAML package (not by
/// the generator's reader, so the gate does not share its mistakes).
fn document_json(text: &str, path: &Path, script: &Path) -> Result<Value, String> {
    if text.trim_start().starts_with('{') {
        return serde_json::from_str(text).map_err(|error| format!("not JSON: {error}"));
    }
    let output = Command::new("node")
        .arg(script)
        .arg("to-json")
        .arg(path)
        .output()
        .map_err(|error| format!("cannot run node: {error}"))?;
    if !output.status.success() {
        return Err(format!(
            "YAML not read: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    serde_json::from_slice(&output.stdout).map_err(|error| format!("YAML not read: {error}"))
}

/// Generates the document's crate into `out` (as `cargo xtask corpus` does) and returns its model.
fn generate(root: &Path, document: &Document, text: &str, out: &Path) -> Result<Model, String> {
    let spec = codegen::Spec::parse(text).map_err(|error| format!("refused: {error}"))?;
    let model =
        codegen::lower(&spec, document.surface).map_err(|error| format!("refused: {error}"))?;
    let settings = codegen::Settings {
        surface: document.surface,
        ..corpus::settings(root, out, &document.name, &document.crate_name)
    };
    let output =
        codegen::generate(&spec, &settings).map_err(|error| format!("refused: {error}"))?;
    corpus::write_crate(root, out, &output.files)?;
    Ok(model)
}

/// Runs the sampler on `job` (written to `job_path`); one answer per request.
fn sample(
    script: &Path,
    job: &Value,
    job_path: &Path,
) -> Result<Vec<Result<Value, String>>, String> {
    let out_path = job_path.with_extension("out.jsonl");
    fs::write(job_path, job.to_string())
        .map_err(|error| format!("cannot write the job: {error}"))?;
    let output = Command::new("node")
        .arg(script)
        .arg("sample")
        .arg(job_path)
        .arg(&out_path)
        .output()
        .map_err(|error| format!("cannot run node: {error}"))?;
    if !output.status.success() {
        return Err(format!(
            "the sampler failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let answers = fs::read_to_string(&out_path).map_err(|error| error.to_string())?;
    let count = job["requests"].as_array().map_or(0, Vec::len);
    let mut by_id: BTreeMap<u64, Result<Value, String>> = BTreeMap::new();
    for line in answers.lines().filter(|line| !line.is_empty()) {
        let answer: Value = serde_json::from_str(line).map_err(|error| error.to_string())?;
        let id = answer["id"].as_u64().unwrap_or(u64::MAX);
        let result = match answer.get("instance") {
            Some(instance) => Ok(instance.clone()),
            None => Err(format!(
                "the sampler: {}",
                answer["error"].as_str().unwrap_or("no instance")
            )),
        };
        by_id.insert(id, result);
    }
    (0..count as u64)
        .map(|id| {
            by_id
                .remove(&id)
                .ok_or_else(|| format!("the sampler skipped request {id}"))
        })
        .collect()
}

/// What the model says about a component's Rust type.
struct ModelVariants<'a> {
    model: &'a Model,
    rust_type: Option<&'a String>,
    alternatives: Vec<&'a str>,
}

impl<'a> ModelVariants<'a> {
    fn new(model: &'a Model, component: &'a json_schema::Component) -> Self {
        let alternatives = (component.union.iter())
            .flat_map(|union| union.alternatives.iter().map(|a| a.pointer.as_str()))
            .collect();
        ModelVariants {
            model,
            rust_type: rust_type(model, component),
            alternatives,
        }
    }
}

impl Variants for ModelVariants<'_> {
    fn holding(&self, pointer: &str) -> Option<Vec<String>> {
        let Some(TypeDef::Union(union)) = self.model.get(self.rust_type?) else {
            return None;
        };
        Some(
            (union.variants.iter())
                .filter(|(_, ty)| holds(self.model, ty, pointer, 0))
                .map(|(name, _)| name.clone())
                .collect(),
        )
    }

    fn named(&self) -> Vec<String> {
        let mut names: Vec<String> = (self.alternatives.iter())
            .flat_map(|pointer| self.holding(pointer).unwrap_or_default())
            .collect();
        names.sort();
        names.dedup();
        names
    }
}

/// The Rust type of a component (by the model's component table) or of an inline union (the
/// type the model defines at its pointer, or at its `oneOf`/`anyOf`).
fn rust_type<'a>(model: &'a Model, component: &json_schema::Component) -> Option<&'a String> {
    if component.inline {
        let at = &component.pointer;
        let places = [at.clone(), format!("{at}/oneOf"), format!("{at}/anyOf")];
        model
            .types
            .iter()
            .find(|(_, def)| places.iter().any(|place| def.pointer() == place))
            .map(|(name, _)| name)
    } else {
        model.components.get(&component.name)
    }
}

/// Whether a value of `ty` is the schema at `pointer` (through boxes, options and aliases).
fn holds(model: &Model, ty: &RType, pointer: &str, depth: usize) -> bool {
    match ty {
        RType::Boxed(inner) | RType::Option(inner) => holds(model, inner, pointer, depth),
        RType::Named(name) => model.get(name).is_some_and(|def| {
            def.pointer() == pointer
                || matches!(def, TypeDef::Alias(alias) if depth < 8 && holds(model, &alias.ty, pointer, depth + 1))
        }),
        _ => false,
    }
}

fn counts(report: &Report) -> BTreeMap<Class, usize> {
    let mut counts = BTreeMap::new();
    for failure in &report.failures {
        *counts.entry(failure.class).or_insert(0) += 1;
    }
    counts
}

fn summary(report: &Report) -> String {
    let counts = counts(report);
    let classes: Vec<String> = (counts.iter())
        .map(|(class, count)| format!("{class} {count}"))
        .collect();
    format!(
        "{}: {} schemas, {} inline unions, {} instances, {} failures{} ({:.1} s, harness build {:.1} s)",
        report.document,
        report.schemas,
        report.inline_unions,
        report.instances,
        report.failures.len(),
        if classes.is_empty() {
            String::new()
        } else {
            format!(" ({})", classes.join(", "))
        },
        report.seconds,
        report.build_seconds,
    )
}

/// The Markdown table BENCHMARKS.md shows.
fn table(reports: &[Report]) -> String {
    let mut text = String::from("| document | schemas | inline unions | instances |");
    let mut rule = String::from("|---|---:|---:|---:|");
    for class in Class::ALL {
        let _ = write!(text, " {class} |");
        rule.push_str("---:|");
    }
    text.push_str(" build s | total s |\n");
    rule.push_str("---:|---:|\n");
    text.push_str(&rule);
    for report in reports {
        let counts = counts(report);
        let _ = write!(
            text,
            "| `{}` | {} | {} | {} |",
            report.document, report.schemas, report.inline_unions, report.instances
        );
        for class in Class::ALL {
            let _ = write!(text, " {} |", counts.get(&class).copied().unwrap_or(0));
        }
        let _ = writeln!(
            text,
            " {:.1} | {:.1} |",
            report.build_seconds, report.seconds
        );
    }
    text
}

/// Every failure with its instance and error.
fn details(reports: &[Report]) -> String {
    let mut text = String::new();
    for report in reports {
        for note in &report.notes {
            let _ = writeln!(text, "{} note: {note}", report.document);
        }
        for failure in &report.failures {
            let _ = writeln!(
                text,
                "{} {} {}\n  error: {}\n  instance: {}",
                report.document, failure.pointer, failure.class, failure.message, failure.instance
            );
        }
    }
    text
}

/// One line of the known-failures file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Known {
    document: String,
    pointer: String,
    class: Class,
    reason: String,
}

fn read_known(path: &Path) -> Result<Vec<Known>> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(error) => return Err(error).with_context(|| format!("cannot read {}", path.display())),
    };
    parse_known(&text).with_context(|| format!("in {}", path.display()))
}

fn parse_known(text: &str) -> Result<Vec<Known>> {
    let mut known = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.splitn(4, ' ');
        let (Some(document), Some(pointer), Some(class)) =
            (words.next(), words.next(), words.next())
        else {
            bail!(
                "line {}: expected `DOCUMENT POINTER CLASS REASON`",
                number + 1
            );
        };
        let Some(class) = Class::parse(class) else {
            bail!("line {}: `{class}` is not a failure class", number + 1);
        };
        known.push(Known {
            document: document.to_owned(),
            pointer: pointer.to_owned(),
            class,
            reason: words.next().unwrap_or_default().trim().to_owned(),
        });
    }
    Ok(known)
}

/// Each distinct `(document, pointer, class)` that failed, with the first failure's message.
fn failed(reports: &[Report]) -> BTreeMap<(String, String, Class), String> {
    let mut failed = BTreeMap::new();
    for report in reports {
        for failure in &report.failures {
            let key = (
                report.document.clone(),
                failure.pointer.clone(),
                failure.class,
            );
            failed.entry(key).or_insert_with(|| failure.message.clone());
        }
    }
    failed
}

/// Fails on a failure not listed and on a listed failure of a document that ran and no longer
/// fails that way.
fn ratchet(known: &[Known], reports: &[Report], ran: &BTreeSet<&str>) -> Result<()> {
    let failed = failed(reports);
    let listed: BTreeSet<(String, String, Class)> = (known.iter())
        .map(|k| (k.document.clone(), k.pointer.clone(), k.class))
        .collect();
    let new: Vec<String> = (failed.iter())
        .filter(|(key, _)| !listed.contains(*key))
        .map(|((document, pointer, class), message)| {
            format!("{document} {pointer} {class} {message}")
        })
        .collect();
    let fixed: Vec<String> = (known.iter())
        .filter(|k| ran.contains(k.document.as_str()))
        .filter(|k| !failed.contains_key(&(k.document.clone(), k.pointer.clone(), k.class)))
        .map(|k| format!("{} {} {}", k.document, k.pointer, k.class))
        .collect();
    let total: usize = failed.len();
    println!(
        "conformance: {total} distinct failures (document, schema, class), {} listed in {KNOWN_FAILURES}, {} new, {} no longer failing",
        listed.len(),
        new.len(),
        fixed.len()
    );
    if new.is_empty() && fixed.is_empty() {
        return Ok(());
    }
    let mut message = String::new();
    if !new.is_empty() {
        let _ = writeln!(
            message,
            "{} new failures (fix them, or list them with a reason):",
            new.len()
        );
        for line in &new {
            let _ = writeln!(message, "  {line}");
        }
    }
    if !fixed.is_empty() {
        let _ = writeln!(
            message,
            "{} listed failures no longer happen (remove their lines from {KNOWN_FAILURES}):",
            fixed.len()
        );
        for line in &fixed {
            let _ = writeln!(message, "  {line}");
        }
    }
    let _ = write!(
        message,
        "`cargo xtask conformance --update-known` rewrites the list from a run"
    );
    bail!("{message}")
}

/// The known-failures file after this run: the entries of documents that did not run, and
/// every failure of those that did (a listed entry keeps its reason; a new one gets the first
/// failure's message).
fn known_file(known: &[Known], reports: &[Report], ran: &BTreeSet<&str>) -> String {
    let mut entries: BTreeMap<(String, String, Class), String> = BTreeMap::new();
    for entry in known.iter().filter(|k| !ran.contains(k.document.as_str())) {
        let key = (entry.document.clone(), entry.pointer.clone(), entry.class);
        entries.insert(key, entry.reason.clone());
    }
    for (key, message) in failed(reports) {
        let listed = known
            .iter()
            .find(|k| (&k.document, &k.pointer, k.class) == (&key.0, &key.1, key.2));
        let reason = listed.map_or_else(|| one_line(&message), |k| k.reason.clone());
        entries.insert(key, reason);
    }
    let mut text = String::from(KNOWN_HEADER);
    for ((document, pointer, class), reason) in entries {
        let _ = writeln!(text, "{document} {pointer} {class} {reason}");
    }
    text
}

const KNOWN_HEADER: &str = "\
# Conformance failures known today: `cargo xtask conformance` (xtask/src/conformance.rs) fails on
# any failure not listed here and on any listed one that no longer happens, so this list only
# shrinks. One line each: DOCUMENT SCHEMA-POINTER CLASS REASON. Classes: decode, variant,
# roundtrip, missing-required, unknown-tag (the generator's), sample, untyped (the gate's own).
# The goal is an empty list; `cargo xtask conformance --update-known` rewrites it from a run.
";

/// A message on one line, cut at 160 characters.
fn one_line(message: &str) -> String {
    let line = message.replace(['\n', '\r'], " ");
    match line.char_indices().nth(160) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(document: &str, failures: &[(&str, Class)]) -> Report {
        Report {
            document: document.into(),
            schemas: 1,
            inline_unions: 0,
            instances: 1,
            failures: (failures.iter())
                .map(|(pointer, class)| Failure {
                    pointer: (*pointer).into(),
                    class: *class,
                    message: "why".into(),
                    instance: Value::Null,
                })
                .collect(),
            notes: Vec::new(),
            build_seconds: 0.0,
            seconds: 0.0,
        }
    }

    #[test]
    fn the_list_only_shrinks() {
        let known =
            parse_known("# comment\na.json #/components/schemas/A decode it fails\n").unwrap();
        assert_eq!(known[0].reason, "it fails");
        let ran = BTreeSet::from(["a.json"]);
        let same = [report(
            "a.json",
            &[("#/components/schemas/A", Class::Decode)],
        )];
        assert!(ratchet(&known, &same, &ran).is_ok());
        let new = [report(
            "a.json",
            &[
                ("#/components/schemas/A", Class::Decode),
                ("#/components/schemas/B", Class::Variant),
            ],
        )];
        let error = ratchet(&known, &new, &ran).unwrap_err().to_string();
        assert!(error.contains("1 new failures"), "{error}");
        assert!(
            error.contains("a.json #/components/schemas/B variant why"),
            "{error}"
        );
        let fixed = [report("a.json", &[])];
        let error = ratchet(&known, &fixed, &ran).unwrap_err().to_string();
        assert!(error.contains("no longer happen"), "{error}");
        // A document that did not run (`--only`) keeps its entries.
        assert!(ratchet(&known, &[], &BTreeSet::new()).is_ok());
    }

    #[test]
    fn the_rewritten_list_keeps_reasons_and_other_documents() {
        let known = parse_known(
            "a.json #/components/schemas/A decode kept reason\nb.json #/components/schemas/B roundtrip other\n",
        )
        .unwrap();
        let reports = [report(
            "a.json",
            &[
                ("#/components/schemas/A", Class::Decode),
                ("#/components/schemas/C", Class::Variant),
            ],
        )];
        let text = known_file(&known, &reports, &BTreeSet::from(["a.json"]));
        let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(
            lines,
            [
                "a.json #/components/schemas/A decode kept reason",
                "a.json #/components/schemas/C variant why",
                "b.json #/components/schemas/B roundtrip other",
            ]
        );
        assert_eq!(parse_known(&text).unwrap().len(), 3);
    }
}
