//! What a spec update means for a generated crate: `cargo xtask regenerate` compares the new spec
//! with the one the committed crate was generated from, prints the API changes, suggests the
//! crate's next version and records both in the crate's `CHANGELOG.md`.
//!
//! Spec files are never committed, so the old spec has to be found on disk by the sha256 the
//! manifest records for it: `fetch-specs` keeps the spec it replaces as
//! `specs/downloaded/<stem>-<old version>.json`, and a `--from` folder may hold a copy too.
//! The comparison itself is the pure `specdiff` crate; this module finds the files and renders
//! the text, and `generation::regenerate` does the writing.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use specdiff::{Bump, Report, Severity};

use crate::files::{display_path, sha256_hex};
use crate::manifest::Api;

/// The changelog's file name in each generated crate. It is kept by hand apart from the entries
/// `regenerate` adds, so `check` never compares it.
pub const CHANGELOG: &str = "CHANGELOG.md";

/// How the spec in `specs/downloaded/` relates to the one the committed crate was generated
/// from.
#[derive(Debug, Clone)]
pub enum SpecUpdate {
    /// Same sha256 as the manifest records.
    Unchanged {
        /// `info.version` of the spec.
        spec_version: String,
    },
    /// A different spec, compared with a copy of the old one.
    Compared(Comparison),
    /// A different spec, and no copy of the old one to compare with.
    NoBaseline {
        /// The manifest's sha256: the spec that could not be found.
        old_sha256: String,
        /// sha256 of the new spec.
        new_sha256: String,
        /// The folders that were searched.
        searched: Vec<PathBuf>,
    },
}

/// The old and the new spec of a crate, compared.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The copy of the old spec that was found.
    pub baseline: PathBuf,
    /// What changed for a user of the generated client.
    pub report: Report,
    /// The crate's version before the update (the manifest's `crate_version`).
    pub crate_version: String,
    /// The version the changes call for (see [`Report::suggested_bump`]).
    pub next_version: String,
}

impl SpecUpdate {
    /// Compares `new_text` (the spec now in `specs/downloaded/`, with sha256 `new_sha256`) with
    /// the spec the manifest records for `api`, looking for a copy of that in the `search`
    /// folders.
    ///
    /// Fails only when the copy found cannot be parsed or the manifest's `crate_version` is not
    /// a semantic version; a missing copy is [`SpecUpdate::NoBaseline`], not an error, because
    /// regenerating must still be possible without it.
    pub fn assess(
        api: &Api,
        new_text: &str,
        new_sha256: &str,
        search: &[PathBuf],
    ) -> Result<SpecUpdate> {
        if new_sha256 == api.sha256 {
            return Ok(SpecUpdate::Unchanged {
                spec_version: api.spec_version.clone(),
            });
        }
        let Some(baseline) = find_baseline(search, &api.sha256)? else {
            return Ok(SpecUpdate::NoBaseline {
                old_sha256: api.sha256.clone(),
                new_sha256: new_sha256.to_owned(),
                searched: search.to_vec(),
            });
        };
        let parse = |text: &str, path: &Path| {
            codegen::Spec::parse(text)
                .with_context(|| format!("{} is not a usable OpenAPI document", path.display()))
        };
        let old_text = fs::read_to_string(&baseline)
            .with_context(|| format!("cannot read {}", baseline.display()))?;
        let old = parse(&old_text, &baseline)?;
        let new = parse(new_text, Path::new(&api.file))?;
        let names = &api.names;
        let report = specdiff::diff_named((&old, names), (&new, names), api.surface);
        let mut report = report.with_context(|| {
            format!(
                "cannot lower {} or {} into the generator's model",
                baseline.display(),
                api.file
            )
        })?;
        // A spec without `info.version` is named by the version the manifest records for it.
        if old.declared_version().is_none() {
            report.old.version.clone_from(&api.spec_version);
        }
        report.new.version = crate::generation::recorded_version(&new, new_sha256);
        let next_version = report.suggested_bump(&api.crate_version).with_context(|| {
            format!(
                "cannot suggest the next version of `{}` from its `crate_version`",
                api.crate_name
            )
        })?;
        Ok(SpecUpdate::Compared(Comparison {
            baseline,
            report,
            crate_version: api.crate_version.clone(),
            next_version,
        }))
    }

    /// The version the crate should be generated with, when the update calls for a new one.
    pub fn next_crate_version(&self) -> Option<&str> {
        match self {
            SpecUpdate::Compared(comparison)
                if comparison.next_version != comparison.crate_version =>
            {
                Some(&comparison.next_version)
            }
            _ => None,
        }
    }

    /// The changelog entry for the update, when there is a new version to describe.
    pub fn changelog_entry(&self) -> Option<String> {
        self.next_crate_version()?;
        match self {
            SpecUpdate::Compared(comparison) => Some(comparison.changelog_entry()),
            _ => None,
        }
    }

    /// What `regenerate` prints for the crate of `api`, one or more lines without a final
    /// newline; paths are shown relative to `root`.
    pub fn summary(&self, root: &Path, api: &Api) -> String {
        let name = &api.crate_name;
        match self {
            SpecUpdate::Unchanged { spec_version } => {
                format!("{name}: spec unchanged ({spec_version})")
            }
            SpecUpdate::NoBaseline { old_sha256, .. } if old_sha256.is_empty() => {
                format!(
                    "{name}: no sha256 recorded in the manifest yet, so nothing to compare with"
                )
            }
            SpecUpdate::NoBaseline {
                old_sha256,
                new_sha256,
                searched,
            } => {
                let searched: Vec<String> =
                    searched.iter().map(|dir| display_path(root, dir)).collect();
                format!(
                    "{name}: the spec changed (now sha256 {new_sha256})\n    \
                     no copy of the spec at sha256 {old_sha256} to compare against (looked in {}); \
                     run `cargo xtask diff OLD NEW` to list the API changes\n    \
                     crate_version stays {} and {CHANGELOG} gets no entry: update both by hand",
                    searched.join(", "),
                    api.crate_version,
                )
            }
            SpecUpdate::Compared(comparison) => comparison.summary(root, api),
        }
    }
}

impl Comparison {
    fn summary(&self, root: &Path, api: &Api) -> String {
        let report = &self.report;
        let mut out = format!(
            "{}: {} → {} (compared with {})",
            api.crate_name,
            spec_name(&report.old.title, &report.old.version, None),
            spec_name(
                &report.new.title,
                &report.new.version,
                Some(&report.old.title)
            ),
            display_path(root, &self.baseline),
        );
        let counts = report.counts();
        if counts.total() == 0 {
            out.push_str(&format!(
                "\n    no changes to the generated crate's API; crate_version stays {}",
                self.crate_version
            ));
            return out;
        }
        out.push_str(&format!(
            "\n    {} breaking and {} non-breaking change{} ({} in total){}",
            counts.breaking,
            counts.non_breaking,
            if counts.non_breaking == 1 { "" } else { "s" },
            counts.total(),
            if counts.breaking > 0 {
                "; breaking:"
            } else {
                ""
            },
        ));
        for change in report.with_severity(Severity::Breaking) {
            out.push_str(&format!(
                "\n      - {}: {} — {}",
                change.item,
                change.kind,
                one_line(&change.detail)
            ));
        }
        out.push_str(&format!(
            "\n    suggested version {} → {} ({}); recorded as crate_version and in {}",
            self.crate_version,
            self.next_version,
            bump_words(report.bump()),
            display_path(root, &api.crate_dir(root).join(CHANGELOG)),
        ));
        out
    }

    /// `## 0.2.0 — Magicline API 1.5.0 → 1.11.1`, then the Markdown report without its own
    /// heading (the entry's heading says the same, with the version).
    pub fn changelog_entry(&self) -> String {
        let report = &self.report;
        let markdown = report.to_markdown();
        let body = match markdown.split_once("\n\n") {
            Some((heading, body)) if heading.starts_with("## ") => body,
            _ => &markdown,
        };
        format!(
            "## {} — {} → {}\n\n{}",
            self.next_version,
            spec_name(&report.old.title, &report.old.version, None),
            spec_name(
                &report.new.title,
                &report.new.version,
                Some(&report.old.title)
            ),
            body.trim_end(),
        ) + "\n"
    }
}

/// `Magicline API 1.5.0`; just the version when the title is `same_title_as`.
fn spec_name(title: &str, version: &str, same_title_as: Option<&str>) -> String {
    if same_title_as == Some(title) {
        version.to_owned()
    } else {
        format!("{title} {version}")
    }
}

fn bump_words(bump: Bump) -> &'static str {
    match bump {
        Bump::Major => "breaking",
        Bump::Minor => "compatible additions",
        Bump::Patch => "compatible",
        Bump::None => "no change",
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first spec file (`*.json`, `*.yaml`, `*.yml`) with this sha256 in the folders, in
/// order, each searched in name order. Missing folders are skipped.
pub fn find_baseline(folders: &[PathBuf], sha256: &str) -> Result<Option<PathBuf>> {
    for folder in folders {
        let entries = match fs::read_dir(folder) {
            Ok(entries) => entries,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => continue,
            Err(error) => {
                return Err(error).with_context(|| format!("cannot list {}", folder.display()));
            }
        };
        let mut candidates: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| {
                let extension = path.extension().and_then(|e| e.to_str());
                matches!(extension, Some("json" | "yaml" | "yml")) && path.is_file()
            })
            .collect();
        candidates.sort();
        for candidate in candidates {
            let bytes = fs::read(&candidate)
                .with_context(|| format!("cannot read {}", candidate.display()))?;
            if sha256_hex(&bytes) == sha256 {
                return Ok(Some(candidate));
            }
        }
    }
    Ok(None)
}

/// The top of a new `CHANGELOG.md`, above the entries.
pub fn changelog_header(crate_name: &str) -> String {
    format!(
        "# Changelog\n\n\
         Changes to the `{crate_name}` crate, newest first. `cargo xtask regenerate` adds an entry when\n\
         the spec the crate is generated from changes: the API changes a user of the crate sees\n\
         (from `specdiff`) and the version they call for. Otherwise the file is kept by hand;\n\
         `cargo xtask check` never compares it.\n"
    )
}

/// `existing` (or a new changelog when there is none) with `entry` placed above the first
/// `## ` entry; `None` when `existing` already holds `entry`, so a repeated run adds nothing.
pub fn changelog_with_entry(
    existing: Option<&str>,
    crate_name: &str,
    entry: &str,
) -> Option<String> {
    let existing = match existing {
        Some(text) if text.contains(entry.trim_end()) => return None,
        Some(text) => text.to_owned(),
        None => changelog_header(crate_name),
    };
    let first_entry = existing
        .match_indices("## ")
        .map(|(index, _)| index)
        .find(|&index| index == 0 || existing[..index].ends_with('\n'));
    Some(match first_entry {
        Some(index) => format!("{}{entry}\n{}", &existing[..index], &existing[index..]),
        None => format!(
            "{}\n{entry}",
            existing.trim_end_matches('\n').to_owned() + "\n"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "openapi: 3.0.3
info: {title: Pets, version: '1.0'}
paths:
  /pets/{id}:
    get:
      tags: [pets]
      operationId: getPet
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        '200':
          description: the pet
          content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}
components:
  schemas:
    Pet: {type: object, properties: {name: {type: string}, tag: {type: string}}}
";

    /// `OLD` without `Pet.tag` (breaking) and with `Pet.age` (an addition).
    fn new_spec() -> String {
        OLD.replace("version: '1.0'", "version: '1.1'")
            .replace("tag: {type: string}", "age: {type: integer, format: int32}")
    }

    fn api(sha256: &str) -> Api {
        Api {
            name: "pets".into(),
            title: "Pets".into(),
            url: "http://127.0.0.1:9/pets.yaml".into(),
            file: "pets.yaml".into(),
            crate_name: "pets".into(),
            crate_version: "0.3.1".into(),
            spec_version: "1.0".into(),
            sha256: sha256.into(),
            surface: codegen::Surface::Client,
            names: codegen::NameSettings::default(),
        }
    }

    #[test]
    fn the_same_sha_is_unchanged() {
        let api = api(&sha256_hex(OLD.as_bytes()));
        let update = SpecUpdate::assess(&api, OLD, &api.sha256, &[]).unwrap();
        assert!(matches!(update, SpecUpdate::Unchanged { .. }), "{update:?}");
        assert_eq!(update.next_crate_version(), None);
        assert_eq!(update.changelog_entry(), None);
        assert_eq!(
            update.summary(Path::new("/w"), &api),
            "pets: spec unchanged (1.0)"
        );
    }

    #[test]
    fn a_missing_baseline_is_said_plainly() {
        let dir = tempfile::tempdir().unwrap();
        let api = api("feedbeef");
        let new = new_spec();
        let update = SpecUpdate::assess(
            &api,
            &new,
            &sha256_hex(new.as_bytes()),
            &[dir.path().join("specs/downloaded")],
        )
        .unwrap();
        assert_eq!(update.next_crate_version(), None);
        assert_eq!(update.changelog_entry(), None);
        let summary = update.summary(dir.path(), &api);
        assert!(
            summary.contains(
                "\n    no copy of the spec at sha256 feedbeef to compare against (looked in specs/downloaded); \
                 run `cargo xtask diff OLD NEW` to list the API changes\n"
            ),
            "{summary}"
        );
        assert!(summary.contains("crate_version stays 0.3.1"), "{summary}");
    }

    #[test]
    fn a_found_baseline_gives_the_report_the_bump_and_the_entry() {
        let dir = tempfile::tempdir().unwrap();
        let downloaded = dir.path().join("specs/downloaded");
        fs::create_dir_all(&downloaded).unwrap();
        fs::write(downloaded.join("pets.yaml"), new_spec()).unwrap();
        fs::write(downloaded.join("notes.txt"), OLD).unwrap();
        fs::write(downloaded.join("pets-1.0.yaml"), OLD).unwrap();
        let api = api(&sha256_hex(OLD.as_bytes()));
        let new = new_spec();

        let update = SpecUpdate::assess(
            &api,
            &new,
            &sha256_hex(new.as_bytes()),
            std::slice::from_ref(&downloaded),
        )
        .unwrap();

        let SpecUpdate::Compared(comparison) = &update else {
            panic!("{update:?}")
        };
        assert_eq!(comparison.baseline, downloaded.join("pets-1.0.yaml"));
        assert_eq!(update.next_crate_version(), Some("0.4.0"));
        let summary = update.summary(dir.path(), &api);
        assert_eq!(
            summary,
            "pets: Pets 1.0 → 1.1 (compared with specs/downloaded/pets-1.0.yaml)\n    \
             1 breaking and 1 non-breaking change (2 in total); breaking:\n      \
             - models::Pet::tag: field removed — field `tag: Option<String>` removed\n    \
             suggested version 0.3.1 → 0.4.0 (breaking); recorded as crate_version and in generated/pets/CHANGELOG.md"
        );
        let entry = update.changelog_entry().unwrap();
        assert!(
            entry.starts_with("## 0.4.0 — Pets 1.0 → 1.1\n\n**1 breaking** and 1 non-breaking change (2 in total).\n"),
            "{entry}"
        );
        assert!(
            entry.contains("### Breaking (1)\n\n- `models::Pet::tag`: field removed"),
            "{entry}"
        );
        assert!(!entry.contains("## API changes"), "{entry}");
    }

    #[test]
    fn an_update_without_api_changes_keeps_the_version_and_writes_no_entry() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("old.yaml"), OLD).unwrap();
        let api = api(&sha256_hex(OLD.as_bytes()));
        let new = OLD.replace("description: the pet", "description: the pet, found");
        let update = SpecUpdate::assess(
            &api,
            &new,
            &sha256_hex(new.as_bytes()),
            &[dir.path().to_owned()],
        )
        .unwrap();
        assert_eq!(update.next_crate_version(), None);
        assert_eq!(update.changelog_entry(), None);
        assert!(
            update
                .summary(dir.path(), &api)
                .ends_with("no changes to the generated crate's API; crate_version stays 0.3.1")
        );
    }

    #[test]
    fn entries_go_above_the_previous_ones_once() {
        let first = changelog_with_entry(None, "pets", "## 0.1.0 — first\n\nFirst.\n").unwrap();
        assert_eq!(
            first,
            changelog_header("pets") + "\n## 0.1.0 — first\n\nFirst.\n"
        );

        let second =
            changelog_with_entry(Some(&first), "pets", "## 0.2.0 — second\n\nMore.\n").unwrap();
        assert_eq!(
            second,
            changelog_header("pets")
                + "\n## 0.2.0 — second\n\nMore.\n\n## 0.1.0 — first\n\nFirst.\n"
        );
        assert_eq!(
            changelog_with_entry(Some(&second), "pets", "## 0.2.0 — second\n\nMore.\n"),
            None
        );

        let hand_written = "# Changes\n\nOur notes.\n";
        assert_eq!(
            changelog_with_entry(Some(hand_written), "pets", "## 1.0.0 — x\n").unwrap(),
            "# Changes\n\nOur notes.\n\n## 1.0.0 — x\n"
        );
    }
}
