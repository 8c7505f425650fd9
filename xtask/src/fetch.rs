//! `cargo xtask fetch-specs`: puts each spec named in the manifest into `specs/downloaded/`,
//! from a folder of local copies or from its upstream URL.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::files::{display_path, sha256_hex, write_atomic};
use crate::manifest::{Api, DOWNLOAD_DIR, Manifest};

/// How long one download may take before it is given up.
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(60);

/// Where specs come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpecSource {
    /// A folder holding local copies (`--from DIR` or `MAGICLINE_SPECS_FROM`).
    Folder(PathBuf),
    /// The `url` of each manifest entry.
    Upstream,
}

impl SpecSource {
    /// The folder if one was given, else upstream.
    pub fn new(from: Option<PathBuf>) -> SpecSource {
        from.map_or(SpecSource::Upstream, SpecSource::Folder)
    }
}

/// When to go to the source for a spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refresh {
    /// Always ask the source, to pick up a new upstream version (`fetch-specs`); the file is
    /// rewritten only when it changed.
    Always,
    /// Only when the spec file is missing (`regenerate`, `check`: they build from what is there).
    IfMissing,
    /// When the spec file is missing or differs from the manifest (`test`).
    IfMismatched,
}

/// What happened to one spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The spec's file name in `specs/downloaded/`.
    pub file: String,
    /// sha256 of the spec file now in `specs/downloaded/`.
    pub sha256: String,
    /// Whether that is the spec the committed crate was generated from.
    pub matches_manifest: bool,
    /// Where it came from, or `None` when the source was not asked.
    pub source: Option<String>,
    /// Whether the file in `specs/downloaded/` was (re)written.
    pub written: bool,
    /// The file name under which the replaced spec was kept, when it was the one the committed
    /// crate was generated from (`magicline-openapi-1.5.0.json`): `regenerate` compares the
    /// new spec with it for the changelog.
    pub kept: Option<String>,
}

impl std::fmt::Display for Fetched {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.source, self.written) {
            (None, _) => write!(f, "{}: already present, not fetched again", self.file)?,
            (Some(source), false) => write!(f, "{}: already up to date with {source}", self.file)?,
            (Some(source), true) => write!(f, "{}: fetched from {source}", self.file)?,
        }
        write!(f, "\n    sha256 {}: ", self.sha256)?;
        if self.matches_manifest {
            f.write_str("matches the committed crate")?;
        } else {
            f.write_str("differs: run `cargo xtask regenerate` to update")?;
        }
        if let Some(kept) = &self.kept {
            write!(
                f,
                "\n    kept the spec the committed crate was generated from as {DOWNLOAD_DIR}/{kept}, \
                 for `cargo xtask regenerate` to compare against"
            )?;
        }
        Ok(())
    }
}

impl Fetched {
    /// What `regenerate --from DIR` says about a spec it took from the folder.
    fn taken_from_folder(&self) -> String {
        let mut line = format!(
            "{}: took {} (sha256 {})",
            self.file,
            self.source.as_deref().unwrap_or("the folder"),
            self.sha256
        );
        if !self.matches_manifest {
            line.push_str(", which is not the spec the committed crate was generated from");
        }
        if let Some(kept) = &self.kept {
            line.push_str(&format!(
                "\n    kept the spec the committed crate was generated from as {DOWNLOAD_DIR}/{kept}, \
                 to compare against"
            ));
        }
        line
    }
}

/// Fetches every spec of the manifest into `specs/downloaded/` under `root`, printing a line
/// per spec.
pub fn fetch_specs(
    root: &Path,
    manifest: &Manifest,
    source: &SpecSource,
    refresh: Refresh,
) -> Result<Vec<Fetched>> {
    let download_dir = root.join(DOWNLOAD_DIR);
    manifest
        .apis()
        .iter()
        .map(|api| {
            let fetched = fetch_one(&download_dir, api, source, refresh)?;
            println!("{fetched}");
            Ok(fetched)
        })
        .collect()
}

/// Fetches one spec into `download_dir`.
pub fn fetch_one(
    download_dir: &Path,
    api: &Api,
    source: &SpecSource,
    refresh: Refresh,
) -> Result<Fetched> {
    let target = download_dir.join(&api.file);
    let existing = fs::read(&target).ok();
    let existing_sha256 = existing.as_deref().map(sha256_hex);
    let fetched = |sha256: String, source, written| Fetched {
        file: api.file.clone(),
        matches_manifest: sha256 == api.sha256,
        sha256,
        source,
        written,
        kept: None,
    };
    let consult = match (&existing_sha256, refresh) {
        (None, _) | (_, Refresh::Always) => true,
        (Some(_), Refresh::IfMissing) => false,
        (Some(sha256), Refresh::IfMismatched) => *sha256 != api.sha256,
    };
    if !consult {
        return Ok(fetched(existing_sha256.unwrap_or_default(), None, false));
    }

    let (bytes, origin) = match source {
        SpecSource::Folder(dir) => {
            let path = find_in_folder(dir, api)?;
            let bytes =
                fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            (bytes, path.display().to_string())
        }
        SpecSource::Upstream => (download(&api.url)?, api.url.clone()),
    };
    if existing.as_deref() == Some(&bytes[..]) {
        return Ok(fetched(sha256_hex(&bytes), Some(origin), false));
    }
    fs::create_dir_all(download_dir)
        .with_context(|| format!("cannot create {}", download_dir.display()))?;
    // The spec being replaced is the committed crate's baseline: spec files are never
    // committed, so this copy is the only way `regenerate` can tell what the update changes.
    let kept = match (&existing, &existing_sha256) {
        (Some(old), Some(old_sha256)) if *old_sha256 == api.sha256 => {
            let name = api.versioned_file_name();
            write_atomic(&download_dir.join(&name), old)?;
            Some(name)
        }
        _ => None,
    };
    write_atomic(&target, &bytes)?;
    Ok(Fetched {
        kept,
        ..fetched(sha256_hex(&bytes), Some(origin), true)
    })
}

/// Finds the copy of `api`'s spec in `dir`: by its versioned name
/// (`magicline-openapi-1.11.1.json`), then by its plain name, then as any `*.json`/`*.yaml`/
/// `*.yml` file whose sha256 is the manifest's.
pub fn find_in_folder(dir: &Path, api: &Api) -> Result<PathBuf> {
    if !dir.is_dir() {
        bail!(
            "{} is not a folder: pass `--from DIR` (or set MAGICLINE_SPECS_FROM) with the folder holding the spec files",
            dir.display()
        );
    }
    let versioned = api.versioned_file_name();
    for name in [&versioned, &api.file] {
        let candidate = dir.join(name);
        if candidate.is_file() {
            return Ok(candidate);
        }
    }
    let mut candidates: Vec<PathBuf> = fs::read_dir(dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            let extension = path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or_default();
            matches!(extension, "json" | "yaml" | "yml") && path.is_file()
        })
        .collect();
    candidates.sort();
    for candidate in candidates {
        let bytes =
            fs::read(&candidate).with_context(|| format!("cannot read {}", candidate.display()))?;
        if sha256_hex(&bytes) == api.sha256 {
            return Ok(candidate);
        }
    }
    bail!(
        "no copy of the {} spec in {}: tried {versioned}, {}, and any *.json, *.yaml or *.yml file with sha256 {}; \
         put the spec there under one of those names, or drop `--from` to download it from {}",
        api.title,
        dir.display(),
        api.file,
        api.sha256,
        api.url,
    )
}

fn download(url: &str) -> Result<Vec<u8>> {
    let advice = "check the network, or pass `--from DIR` (or set MAGICLINE_SPECS_FROM) with local copies of the specs";
    // reqwest's `rustls-no-provider` uses the process's default crypto provider; an error only
    // says one is installed already.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::blocking::Client::builder()
        .timeout(DOWNLOAD_TIMEOUT)
        .user_agent(concat!("magicline-xtask/", env!("CARGO_PKG_VERSION")))
        .build()
        .context("cannot set up the HTTP client")?;
    let response = client
        .get(url)
        .send()
        .and_then(reqwest::blocking::Response::error_for_status)
        .with_context(|| format!("cannot download {url}: {advice}"))?;
    let bytes = response
        .bytes()
        .with_context(|| format!("download of {url} broke off: {advice}"))?;
    Ok(bytes.to_vec())
}

/// Makes sure each spec file is in `specs/downloaded/`, fetching the missing ones (or, with
/// [`Refresh::IfMismatched`], also those that differ from the manifest). Prints nothing when
/// nothing was needed.
pub fn ensure_specs(
    root: &Path,
    manifest: &Manifest,
    source: &SpecSource,
    refresh: Refresh,
) -> Result<()> {
    let needed = manifest.apis().iter().any(|api| {
        let path = api.downloaded_path(root);
        match refresh {
            Refresh::Always => true,
            Refresh::IfMissing => !path.is_file(),
            Refresh::IfMismatched => {
                fs::read(&path).map_or(true, |bytes| sha256_hex(&bytes) != api.sha256)
            }
        }
    });
    if needed {
        for api in manifest.apis() {
            let fetched = fetch_one(&root.join(DOWNLOAD_DIR), api, source, refresh)?;
            if fetched.source.is_some() {
                println!("{fetched}");
            }
        }
    }
    Ok(())
}

/// What `regenerate --from DIR` did with one spec of the folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FolderSpec {
    /// The folder's copy is the one in `specs/downloaded/`.
    Same,
    /// Taken into `specs/downloaded/` (missing there, or that was the committed crate's spec).
    Taken(Fetched),
    /// The folder's copy differs from `specs/downloaded/`, which holds a spec that is not the
    /// committed crate's either (fetched but not yet regenerated): which one is meant is not
    /// clear, so the downloaded one stays and `fetch-specs --from DIR` takes the folder's.
    Differs {
        /// The folder's copy.
        path: PathBuf,
        /// Its sha256.
        sha256: String,
    },
    /// The folder holds no copy of this spec; the downloaded one is used.
    Absent,
}

/// `regenerate --from DIR`: brings into `specs/downloaded/` the folder's copy of each spec
/// (found as `fetch-specs --from DIR` finds it) when that is the update the folder stands for,
/// and otherwise says why it was not taken, so a spec placed in the folder is never ignored
/// silently. A downloaded spec is replaced only when it is missing or is the committed crate's
/// (kept then as the baseline of the comparison); a pending update is never overwritten.
pub fn take_from_folder(root: &Path, manifest: &Manifest, dir: &Path) -> Result<()> {
    if !dir.is_dir() {
        bail!(
            "{} is not a folder: pass `--from DIR` (or set MAGICLINE_SPECS_FROM) with the folder holding the spec files",
            dir.display()
        );
    }
    for api in manifest.apis() {
        match folder_spec(root, api, dir)? {
            FolderSpec::Same => {}
            FolderSpec::Taken(fetched) => println!("{}", fetched.taken_from_folder()),
            FolderSpec::Differs { path, sha256 } => println!(
                "{file}: the folder's copy {} (sha256 {sha256}) is not the spec in {downloaded}, \
                 which this run uses (an update fetched earlier, not yet the committed crate's); \
                 run `cargo xtask fetch-specs --from {}` to take the folder's copy instead",
                path.display(),
                dir.display(),
                file = api.file,
                downloaded = display_path(root, &api.downloaded_path(root)),
            ),
            FolderSpec::Absent => println!(
                "{}: no copy in {}; using {}",
                api.file,
                dir.display(),
                display_path(root, &api.downloaded_path(root)),
            ),
        }
    }
    Ok(())
}

/// How the folder's copy of `api`'s spec relates to the downloaded one, taking it when it is
/// the update (see [`take_from_folder`]).
pub fn folder_spec(root: &Path, api: &Api, dir: &Path) -> Result<FolderSpec> {
    let source = SpecSource::Folder(dir.to_owned());
    let download_dir = root.join(DOWNLOAD_DIR);
    let Ok(downloaded) = fs::read(api.downloaded_path(root)) else {
        return Ok(FolderSpec::Taken(fetch_one(
            &download_dir,
            api,
            &source,
            Refresh::Always,
        )?));
    };
    let Ok(path) = find_in_folder(dir, api) else {
        return Ok(FolderSpec::Absent);
    };
    let bytes = fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let sha256 = sha256_hex(&bytes);
    if sha256 == sha256_hex(&downloaded) {
        Ok(FolderSpec::Same)
    } else if sha256_hex(&downloaded) == api.sha256 {
        Ok(FolderSpec::Taken(fetch_one(
            &download_dir,
            api,
            &source,
            Refresh::Always,
        )?))
    } else {
        Ok(FolderSpec::Differs { path, sha256 })
    }
}

/// Reads a fetched spec, saying how to fetch it when it is missing.
pub fn read_downloaded(root: &Path, api: &Api) -> Result<String> {
    let path = api.downloaded_path(root);
    if !path.exists() {
        bail!(
            "{} is missing: run `cargo xtask fetch-specs` (with `--from DIR` to copy local files instead of downloading)",
            display_path(root, &path)
        );
    }
    fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(sha256: &str) -> Api {
        Api {
            name: "openapi".into(),
            title: "Magicline Open API".into(),
            // Never reached in these tests: every source is a folder.
            url: "http://127.0.0.1:9/openapi.json".into(),
            file: "magicline-openapi.json".into(),
            crate_name: "magicline".into(),
            crate_version: "0.1.0".into(),
            spec_version: "1.11.1".into(),
            sha256: sha256.into(),
            surface: codegen::Surface::Client,
            names: codegen::NameSettings::default(),
        }
    }

    const SPEC: &[u8] = b"{\"openapi\": \"3.1.0\"}";

    #[test]
    fn finds_the_versioned_name_first() {
        let from = tempfile::tempdir().unwrap();
        fs::write(from.path().join("magicline-openapi-1.11.1.json"), SPEC).unwrap();
        fs::write(from.path().join("magicline-openapi.json"), b"other").unwrap();
        let found = find_in_folder(from.path(), &api(&sha256_hex(SPEC))).unwrap();
        assert_eq!(found, from.path().join("magicline-openapi-1.11.1.json"));
    }

    #[test]
    fn finds_the_plain_name_then_a_file_with_the_right_sha() {
        let from = tempfile::tempdir().unwrap();
        fs::write(from.path().join("a.json"), b"unrelated").unwrap();
        fs::write(from.path().join("renamed.yaml"), SPEC).unwrap();
        let found = find_in_folder(from.path(), &api(&sha256_hex(SPEC))).unwrap();
        assert_eq!(found, from.path().join("renamed.yaml"));

        fs::write(from.path().join("magicline-openapi.json"), b"plain").unwrap();
        let found = find_in_folder(from.path(), &api(&sha256_hex(SPEC))).unwrap();
        assert_eq!(found, from.path().join("magicline-openapi.json"));
    }

    #[test]
    fn a_missing_spec_lists_what_was_tried() {
        let from = tempfile::tempdir().unwrap();
        fs::write(from.path().join("a.json"), b"unrelated").unwrap();
        let error = find_in_folder(from.path(), &api("abc123"))
            .unwrap_err()
            .to_string();
        for tried in [
            "magicline-openapi-1.11.1.json",
            "magicline-openapi.json",
            "sha256 abc123",
            "drop `--from`",
        ] {
            assert!(error.contains(tried), "{error}");
        }

        let error = find_in_folder(&from.path().join("nope"), &api("abc123"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("is not a folder"), "{error}");
    }

    #[test]
    fn fetching_from_a_folder_copies_reports_and_then_skips() {
        let from = tempfile::tempdir().unwrap();
        let downloads = tempfile::tempdir().unwrap();
        let download_dir = downloads.path().join("specs/downloaded");
        fs::write(from.path().join("magicline-openapi-1.11.1.json"), SPEC).unwrap();
        let api = api(&sha256_hex(SPEC));
        let source = SpecSource::Folder(from.path().to_owned());

        let first = fetch_one(&download_dir, &api, &source, Refresh::Always).unwrap();
        assert!(first.written && first.matches_manifest);
        assert_eq!(
            fs::read(download_dir.join("magicline-openapi.json")).unwrap(),
            SPEC
        );
        assert!(
            first.to_string().contains("matches the committed crate"),
            "{first}"
        );

        let again = fetch_one(&download_dir, &api, &source, Refresh::Always).unwrap();
        assert!(!again.written && again.source.is_some());
        assert!(again.to_string().contains("already up to date"), "{again}");

        let kept = fetch_one(&download_dir, &api, &source, Refresh::IfMismatched).unwrap();
        assert_eq!(kept.source, None);
        let names: Vec<_> = fs::read_dir(&download_dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["magicline-openapi.json"]);
    }

    #[test]
    fn a_spec_that_differs_from_the_manifest_is_fetched_and_reported() {
        let from = tempfile::tempdir().unwrap();
        let download_dir = tempfile::tempdir().unwrap();
        fs::write(from.path().join("magicline-openapi-1.11.1.json"), b"newer").unwrap();
        let fetched = fetch_one(
            download_dir.path(),
            &api(&sha256_hex(SPEC)),
            &SpecSource::Folder(from.path().to_owned()),
            Refresh::IfMismatched,
        )
        .unwrap();
        assert!(fetched.written && !fetched.matches_manifest);
        assert_eq!(fetched.sha256, sha256_hex(b"newer"));
        assert!(
            fetched
                .to_string()
                .contains("differs: run `cargo xtask regenerate` to update"),
            "{fetched}"
        );
    }

    #[test]
    fn replacing_the_committed_crates_spec_keeps_it_under_its_versioned_name() {
        let from = tempfile::tempdir().unwrap();
        let download_dir = tempfile::tempdir().unwrap();
        let api = api(&sha256_hex(SPEC));
        fs::write(download_dir.path().join("magicline-openapi.json"), SPEC).unwrap();
        fs::write(from.path().join("magicline-openapi.json"), b"newer").unwrap();
        let source = SpecSource::Folder(from.path().to_owned());

        let fetched = fetch_one(download_dir.path(), &api, &source, Refresh::Always).unwrap();

        assert_eq!(
            fetched.kept.as_deref(),
            Some("magicline-openapi-1.11.1.json")
        );
        assert_eq!(
            fs::read(download_dir.path().join("magicline-openapi-1.11.1.json")).unwrap(),
            SPEC
        );
        assert_eq!(
            fs::read(download_dir.path().join("magicline-openapi.json")).unwrap(),
            b"newer"
        );
        assert!(
            fetched
                .to_string()
                .contains("kept the spec the committed crate was generated from as specs/downloaded/magicline-openapi-1.11.1.json"),
            "{fetched}"
        );

        // A spec that is not the committed crate's (fetched earlier, never regenerated from)
        // is simply replaced.
        fs::write(from.path().join("magicline-openapi.json"), b"newest").unwrap();
        let again = fetch_one(download_dir.path(), &api, &source, Refresh::Always).unwrap();
        assert!(again.written);
        assert_eq!(again.kept, None);
        assert_eq!(fs::read_dir(download_dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn if_missing_keeps_a_present_spec_even_when_it_differs() {
        let download_dir = tempfile::tempdir().unwrap();
        fs::write(
            download_dir.path().join("magicline-openapi.json"),
            b"local edit",
        )
        .unwrap();
        let source = SpecSource::Folder(download_dir.path().join("not-asked"));
        let fetched = fetch_one(
            download_dir.path(),
            &api(&sha256_hex(SPEC)),
            &source,
            Refresh::IfMissing,
        )
        .unwrap();
        assert_eq!(
            (fetched.source, fetched.written, fetched.matches_manifest),
            (None, false, false)
        );
    }

    #[test]
    fn a_failed_download_names_the_url_and_writes_nothing() {
        let download_dir = tempfile::tempdir().unwrap();
        let error = fetch_one(
            download_dir.path(),
            &api("x"),
            &SpecSource::Upstream,
            Refresh::Always,
        )
        .unwrap_err();
        let message = format!("{error:#}");
        assert!(
            message.starts_with("cannot download http://127.0.0.1:9/openapi.json: "),
            "{message}"
        );
        assert!(message.contains("--from DIR"), "{message}");
        assert_eq!(fs::read_dir(download_dir.path()).unwrap().count(), 0);
    }
}
