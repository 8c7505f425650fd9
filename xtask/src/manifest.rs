//! `specs/manifest.toml`: which spec each generated crate is built from.
//!
//! Read with `toml_edit` and updated in place, so its comments and layout survive
//! `cargo xtask regenerate` and a spec update shows up as a one-line diff.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use toml_edit::{DocumentMut, Item, Value};

/// Where the manifest lives, relative to the workspace root.
pub const MANIFEST_PATH: &str = "specs/manifest.toml";
/// Where fetched specs go, relative to the workspace root (git-ignored).
pub const DOWNLOAD_DIR: &str = "specs/downloaded";
/// Where the generated crates live, relative to the workspace root.
pub const GENERATED_DIR: &str = "generated";

/// One `[[api]]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Api {
    /// Short name of the API (`openapi`).
    pub name: String,
    /// Human-readable name (`Magicline Open API`).
    pub title: String,
    /// Where the spec is published.
    pub url: String,
    /// File name of the spec in [`DOWNLOAD_DIR`] (`magicline-openapi.json`).
    pub file: String,
    /// Cargo package name of the generated crate, also its folder in [`GENERATED_DIR`].
    pub crate_name: String,
    /// Version written into the generated crate's `Cargo.toml`.
    pub crate_version: String,
    /// `info.version` of the spec the committed crate was generated from.
    pub spec_version: String,
    /// sha256 of the spec the committed crate was generated from.
    pub sha256: String,
    /// What the crate contains: optional key `surface`, `"client"` (the default) or `"models"`
    /// (only the schemas' types, for a document of calls made *to* us, such as webhooks).
    pub surface: codegen::Surface,
    /// Names chosen for the crate's types: optional table `[api.names]` with
    /// `strip_prefixes = ["Prefix"]` and `rename = { GeneratedName = "ChosenName" }`.
    pub names: codegen::NameSettings,
}

impl Api {
    /// The spec's file name with its version before the extension, as local copies are named
    /// (`magicline-openapi-1.11.1.json`).
    pub fn versioned_file_name(&self) -> String {
        match self.file.rsplit_once('.') {
            Some((stem, extension)) => format!("{stem}-{}.{extension}", self.spec_version),
            None => format!("{}-{}", self.file, self.spec_version),
        }
    }

    /// Where the fetched spec lives.
    pub fn downloaded_path(&self, root: &Path) -> PathBuf {
        root.join(DOWNLOAD_DIR).join(&self.file)
    }

    /// The generated crate's folder.
    pub fn crate_dir(&self, root: &Path) -> PathBuf {
        root.join(GENERATED_DIR).join(&self.crate_name)
    }
}

/// The parsed manifest, keeping the document for format-preserving updates.
#[derive(Debug, Clone)]
pub struct Manifest {
    document: DocumentMut,
    apis: Vec<Api>,
}

impl Manifest {
    /// Reads `specs/manifest.toml` under `root`.
    pub fn load(root: &Path) -> Result<Manifest> {
        let path = root.join(MANIFEST_PATH);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        Manifest::parse(&text)
            .with_context(|| format!("{} is not a valid manifest", path.display()))
    }

    /// Parses manifest text.
    pub fn parse(text: &str) -> Result<Manifest> {
        let document: DocumentMut = text.parse()?;
        let Some(tables) = document.get("api").and_then(Item::as_array_of_tables) else {
            bail!("expected `[[api]]` entries");
        };
        let mut apis: Vec<Api> = Vec::new();
        for (index, table) in tables.iter().enumerate() {
            let field = |key: &str| -> Result<String> {
                match table.get(key).and_then(Item::as_str) {
                    Some(value) => Ok(value.to_owned()),
                    None => bail!("`[[api]]` number {} needs a string `{key}`", index + 1),
                }
            };
            let api = Api {
                name: field("name")?,
                title: field("title")?,
                url: field("url")?,
                file: field("file")?,
                crate_name: field("crate")?,
                crate_version: field("crate_version")?,
                spec_version: field("spec_version")?,
                sha256: field("sha256")?,
                surface: match table.get("surface").map(|item| item.as_str()) {
                    None | Some(Some("client")) => codegen::Surface::Client,
                    Some(Some("models")) => codegen::Surface::ModelsOnly,
                    Some(_) => bail!(
                        "`[[api]]` number {}: `surface` must be \"client\" or \"models\"",
                        index + 1
                    ),
                },
                names: match table.get("names") {
                    None => codegen::NameSettings::default(),
                    Some(item) => name_settings(item)
                        .with_context(|| format!("`[[api]]` number {}: `names`", index + 1))?,
                },
            };
            for (key, value) in [("file", &api.file), ("crate", &api.crate_name)] {
                if !is_plain_file_name(value) {
                    bail!(
                        "api `{}`: `{key}` must be a plain file name, not {value:?}",
                        api.name
                    );
                }
            }
            if let Some(other) = apis.iter().find(|other| {
                other.name == api.name
                    || other.file == api.file
                    || other.crate_name == api.crate_name
            }) {
                bail!(
                    "apis `{}` and `{}` share a name, file or crate",
                    other.name,
                    api.name
                );
            }
            apis.push(api);
        }
        Ok(Manifest { document, apis })
    }

    /// The `[[api]]` entries, in file order.
    pub fn apis(&self) -> &[Api] {
        &self.apis
    }

    /// Records that the crate of api `name` is now generated from a spec with this version and
    /// sha256. Keeps comments, order and any trailing comment on the changed lines.
    pub fn record_spec(&mut self, name: &str, spec_version: &str, sha256: &str) -> Result<()> {
        let index = self.set(name, &[("spec_version", spec_version), ("sha256", sha256)])?;
        let api = &mut self.apis[index];
        api.spec_version = spec_version.to_owned();
        api.sha256 = sha256.to_owned();
        Ok(())
    }

    /// Records the version the crate of api `name` is now generated with (after a spec update,
    /// the version `specdiff` suggests), keeping layout and comments like [`Self::record_spec`].
    pub fn record_crate_version(&mut self, name: &str, crate_version: &str) -> Result<()> {
        let index = self.set(name, &[("crate_version", crate_version)])?;
        self.apis[index].crate_version = crate_version.to_owned();
        Ok(())
    }

    /// Sets string values of api `name`'s table in the document, keeping each value's
    /// decoration (spacing, trailing comment); returns the api's index.
    fn set(&mut self, name: &str, values: &[(&str, &str)]) -> Result<usize> {
        let index = self
            .apis
            .iter()
            .position(|api| api.name == name)
            .with_context(|| format!("no api named `{name}`"))?;
        let table = self
            .document
            .get_mut("api")
            .and_then(Item::as_array_of_tables_mut)
            .and_then(|tables| tables.get_mut(index))
            .context("the manifest document lost its `[[api]]` entries")?;
        for &(key, new) in values {
            match table.get_mut(key).and_then(Item::as_value_mut) {
                Some(value) if value.as_str() == Some(new) => {}
                Some(value) => {
                    let decor = value.decor().clone();
                    *value = Value::from(new);
                    *value.decor_mut() = decor;
                }
                None => table[key] = toml_edit::value(new),
            }
        }
        Ok(index)
    }
}

impl std::fmt::Display for Manifest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.document.fmt(f)
    }
}

/// The `[api.names]` table: `strip_prefixes`, a list of strings, and `rename`, a table of strings.
pub fn name_settings(item: &Item) -> Result<codegen::NameSettings> {
    let Some(table) = item.as_table_like() else {
        bail!("expected a table");
    };
    let mut settings = codegen::NameSettings::default();
    for (key, value) in table.iter() {
        match key {
            "strip_prefixes" => {
                let Some(list) = value.as_array() else {
                    bail!("`strip_prefixes` must be a list of strings");
                };
                for prefix in list {
                    let Some(prefix) = prefix.as_str() else {
                        bail!("`strip_prefixes` must be a list of strings");
                    };
                    settings.strip_prefixes.push(prefix.to_owned());
                }
            }
            "rename" => {
                let Some(renames) = value.as_table_like() else {
                    bail!("`rename` must be a table of `OldName = \"NewName\"`");
                };
                for (old, new) in renames.iter() {
                    let Some(new) = new.as_str() else {
                        bail!("`rename.{old}` must be a string");
                    };
                    settings.rename.insert(old.to_owned(), new.to_owned());
                }
            }
            other => bail!("unknown key `{other}` (expected `strip_prefixes` or `rename`)"),
        }
    }
    Ok(settings)
}

fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\'])
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = r#"# Which spec each generated crate is built from.

[[api]]
name = "openapi"
title = "Magicline Open API"
url = "https://example.com/openapi.json?download="
file = "magicline-openapi.json"
crate = "magicline"
crate_version = "0.1.0"
spec_version = "1.11.1"   # bumped by regenerate
sha256 = "aaaa"

# the second one
[[api]]
name = "connectapi"
title = "Magicline Connect API"
url = "https://example.com/connectapi.json"
file = "magicline-connectapi.json"
crate = "magicline-connect"
crate_version = "0.1.0"
spec_version = "1.0.0"
sha256 = "bbbb"
"#;

    #[test]
    fn parses_every_api() {
        let manifest = Manifest::parse(MANIFEST).unwrap();
        let names: Vec<&str> = manifest
            .apis()
            .iter()
            .map(|api| api.crate_name.as_str())
            .collect();
        assert_eq!(names, ["magicline", "magicline-connect"]);
        let api = &manifest.apis()[0];
        assert_eq!(api.spec_version, "1.11.1");
        assert_eq!(api.versioned_file_name(), "magicline-openapi-1.11.1.json");
        assert_eq!(
            api.crate_dir(Path::new("/w")),
            Path::new("/w/generated/magicline")
        );
        assert_eq!(
            api.downloaded_path(Path::new("/w")),
            Path::new("/w/specs/downloaded/magicline-openapi.json")
        );
    }

    #[test]
    fn recording_a_spec_changes_only_those_values() {
        let mut manifest = Manifest::parse(MANIFEST).unwrap();
        manifest.record_spec("openapi", "1.12.0", "cccc").unwrap();

        let expected = MANIFEST
            .replace(
                r#"spec_version = "1.11.1"   # bumped"#,
                r#"spec_version = "1.12.0"   # bumped"#,
            )
            .replace(r#"sha256 = "aaaa""#, r#"sha256 = "cccc""#);
        assert_eq!(manifest.to_string(), expected);
        assert_eq!(manifest.apis()[0].sha256, "cccc");
        assert_eq!(
            Manifest::parse(&manifest.to_string()).unwrap().apis(),
            manifest.apis()
        );
    }

    #[test]
    fn recording_a_crate_version_changes_only_that_line() {
        let mut manifest = Manifest::parse(MANIFEST).unwrap();
        manifest
            .record_crate_version("connectapi", "0.2.0")
            .unwrap();
        let expected = MANIFEST.replace(
            "crate = \"magicline-connect\"\ncrate_version = \"0.1.0\"",
            "crate = \"magicline-connect\"\ncrate_version = \"0.2.0\"",
        );
        assert_eq!(manifest.to_string(), expected);
        assert_eq!(manifest.apis()[1].crate_version, "0.2.0");
        assert_eq!(manifest.apis()[0].crate_version, "0.1.0");
        assert!(manifest.record_crate_version("nope", "1.0.0").is_err());
    }

    #[test]
    fn recording_the_same_spec_changes_nothing() {
        let mut manifest = Manifest::parse(MANIFEST).unwrap();
        manifest.record_spec("connectapi", "1.0.0", "bbbb").unwrap();
        assert_eq!(manifest.to_string(), MANIFEST);
    }

    #[test]
    fn the_committed_manifest_parses() {
        let manifest = Manifest::load(&crate::project_root()).unwrap();
        assert!(!manifest.apis().is_empty());
        assert_eq!(
            manifest.to_string(),
            std::fs::read_to_string(crate::project_root().join(MANIFEST_PATH)).unwrap()
        );
    }

    #[test]
    fn reads_the_name_settings() {
        let named = MANIFEST.replace(
            "sha256 = \"aaaa\"\n",
            "sha256 = \"aaaa\"\n\n[api.names]\nstrip_prefixes = [\"OpenApiV1\"]\n\
             rename = { OpenApiV1Block = \"StudioBlock\" }\n",
        );
        let manifest = Manifest::parse(&named).unwrap();
        let names = &manifest.apis()[0].names;
        assert_eq!(names.strip_prefixes, ["OpenApiV1"]);
        assert_eq!(names.rename["OpenApiV1Block"], "StudioBlock");
        assert_eq!(manifest.apis()[1].names, codegen::NameSettings::default());

        let wrong = named.replace("strip_prefixes", "strip");
        let error = Manifest::parse(&wrong).unwrap_err();
        assert_eq!(
            format!("{error:#}"),
            "`[[api]]` number 1: `names`: unknown key `strip` (expected `strip_prefixes` or \
             `rename`)"
        );
    }

    #[test]
    fn errors_name_the_problem() {
        let missing = MANIFEST.replace("crate = \"magicline\"\n", "");
        let error = Manifest::parse(&missing).unwrap_err();
        assert_eq!(
            error.to_string(),
            "`[[api]]` number 1 needs a string `crate`"
        );

        let escaping =
            MANIFEST.replace("file = \"magicline-openapi.json\"", "file = \"../x.json\"");
        let error = Manifest::parse(&escaping).unwrap_err();
        assert!(error.to_string().contains("plain file name"), "{error}");

        let duplicate = MANIFEST.replace("crate = \"magicline-connect\"", "crate = \"magicline\"");
        assert!(Manifest::parse(&duplicate).is_err());

        assert!(Manifest::parse("title = 'no apis'").is_err());
    }
}
