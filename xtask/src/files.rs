//! The only ways xtask writes files: [`ensure_file_contents`] for text it generates and
//! [`write_atomic`] for everything else, both replacing a file in one rename so that an
//! interrupted run never leaves half a file behind.

use std::borrow::Cow;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

/// Whether [`ensure_file_contents`] may write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write files whose contents differ (`cargo xtask regenerate`).
    Write,
    /// Only report files whose contents differ (`cargo xtask check`).
    Check,
}

/// What [`ensure_file_contents`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The file already held these contents; nothing was written.
    Unchanged,
    /// The file was missing or different and has been written ([`Mode::Write`]).
    Written,
    /// The file is missing or different and was left alone ([`Mode::Check`]).
    Stale,
}

/// Makes sure `path` holds `contents`: the one write-or-check path for every generated file.
///
/// Line endings are compared after turning `\r\n` into `\n`, so a checkout that converts line
/// endings is not reported as stale; what is written always has `\n`. Missing parent folders
/// are created in [`Mode::Write`].
pub fn ensure_file_contents(path: &Path, contents: &str, mode: Mode) -> Result<Outcome> {
    let contents = normalize_newlines(contents);
    if let Ok(old) = fs::read_to_string(path) {
        if normalize_newlines(&old) == contents {
            return Ok(Outcome::Unchanged);
        }
    }
    match mode {
        Mode::Check => Ok(Outcome::Stale),
        Mode::Write => {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)
                    .with_context(|| format!("cannot create {}", parent.display()))?;
            }
            write_atomic(path, contents.as_bytes())?;
            Ok(Outcome::Written)
        }
    }
}

/// `text` with every `\r\n` turned into `\n`; borrowed when it has no `\r` (the usual case,
/// found by a fast byte search instead of a substring search of megabytes of generated code).
pub fn normalize_newlines(text: &str) -> Cow<'_, str> {
    if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Replaces `path` with `bytes` through a temporary file in the same folder and a rename, so
/// readers see the old file or the new one, never a partial one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, |file| file.write_all(bytes))
}

/// Like [`write_atomic`], with `fill` writing the new contents into the temporary file. If
/// `fill` fails, the temporary file is removed and `path` is left as it was.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut File) -> io::Result<()>,
) -> Result<()> {
    let temporary = TemporaryFile::new_beside(path)?;
    let mut file = File::create_new(&temporary.0)
        .with_context(|| format!("cannot create a temporary file for {}", path.display()))?;
    fill(&mut file).with_context(|| format!("cannot write {}", path.display()))?;
    drop(file);
    fs::rename(&temporary.0, path).with_context(|| format!("cannot replace {}", path.display()))?;
    std::mem::forget(temporary);
    Ok(())
}

/// A temporary file name beside the target, removed on drop unless renamed away.
struct TemporaryFile(PathBuf);

impl TemporaryFile {
    fn new_beside(path: &Path) -> Result<Self> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let name = path
            .file_name()
            .with_context(|| format!("{} does not name a file", path.display()))?
            .to_string_lossy();
        let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
        let temporary = format!(".{name}.{}-{unique}.tmp", std::process::id());
        Ok(TemporaryFile(path.with_file_name(temporary)))
    }
}

impl Drop for TemporaryFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

/// Lower-case hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// `path` relative to `root` when it is inside it, for messages.
pub fn display_path(root: &Path, path: &Path) -> String {
    let shown = path.strip_prefix(root).unwrap_or(path);
    shown.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn write_mode_creates_updates_and_then_leaves_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("src/nested/lib.rs");

        assert_eq!(
            ensure_file_contents(&path, "one\n", Mode::Write).unwrap(),
            Outcome::Written
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), "one\n");
        assert_eq!(
            ensure_file_contents(&path, "one\n", Mode::Write).unwrap(),
            Outcome::Unchanged
        );
        assert_eq!(
            ensure_file_contents(&path, "two\n", Mode::Write).unwrap(),
            Outcome::Written
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), "two\n");
        assert_eq!(
            entries(path.parent().unwrap()),
            ["lib.rs"],
            "no temporary file left behind"
        );
    }

    #[test]
    fn check_mode_reports_and_never_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lib.rs");

        assert_eq!(
            ensure_file_contents(&path, "new\n", Mode::Check).unwrap(),
            Outcome::Stale
        );
        assert!(!path.exists(), "check mode created the file");

        fs::write(&path, "old\n").unwrap();
        assert_eq!(
            ensure_file_contents(&path, "new\n", Mode::Check).unwrap(),
            Outcome::Stale
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), "old\n");
        assert_eq!(
            ensure_file_contents(&path, "old\n", Mode::Check).unwrap(),
            Outcome::Unchanged
        );
    }

    #[test]
    fn line_endings_do_not_count_as_a_change() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lib.rs");
        fs::write(&path, "a\r\nb\r\n").unwrap();

        assert_eq!(
            ensure_file_contents(&path, "a\nb\n", Mode::Check).unwrap(),
            Outcome::Unchanged
        );
        assert_eq!(
            ensure_file_contents(&path, "a\r\nb\n", Mode::Write).unwrap(),
            Outcome::Unchanged
        );
        assert_eq!(
            ensure_file_contents(&path, "a\r\nc\r\n", Mode::Write).unwrap(),
            Outcome::Written
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), "a\nc\n");
    }

    #[test]
    fn atomic_write_replaces_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("spec.json");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        assert_eq!(entries(dir.path()), ["spec.json"]);
    }

    #[test]
    fn failed_atomic_write_keeps_the_old_file_and_no_partial_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("spec.json");
        fs::write(&path, "old").unwrap();

        let error = write_atomic_with(&path, |file| {
            file.write_all(b"half of the new")?;
            Err(io::Error::other("connection reset"))
        })
        .unwrap_err();

        assert!(
            format!("{error:#}").contains("connection reset"),
            "{error:#}"
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(entries(dir.path()), ["spec.json"]);
    }

    #[test]
    fn atomic_write_into_a_missing_folder_fails_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let error = write_atomic(&dir.path().join("missing/spec.json"), b"x").unwrap_err();
        assert!(error.to_string().contains("temporary file"), "{error:#}");
        assert!(entries(dir.path()).is_empty());
    }

    #[test]
    fn sha256_is_lower_case_hex() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
