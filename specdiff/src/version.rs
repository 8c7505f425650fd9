//! The next version of the generated crate, by semver as Cargo reads it.

use std::fmt;

/// The kind of release a set of changes calls for.
///
/// Cargo treats `0.x` versions differently from semver's letter: `0.4.2` and `0.5.0` are
/// incompatible, while `0.4.2` -> `0.4.3` is an ordinary compatible update. So below 1.0 a
/// breaking change bumps the minor number and everything else bumps the patch number; from 1.0
/// on, breaking bumps the major number, additions the minor and the rest the patch number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bump {
    /// Nothing changed: keep the version.
    None,
    /// Compatible changes that add nothing (e.g. a format with the same Rust type).
    Patch,
    /// Compatible additions: new operations, types, fields, optional parameters.
    Minor,
    /// At least one breaking change.
    Major,
}

impl Bump {
    /// Applies the bump to `version` (`MAJOR.MINOR.PATCH`, optionally followed by a
    /// `-pre-release` or `+build` suffix, which is dropped): see the type docs for the rule.
    pub fn apply(self, version: &str) -> Result<String, InvalidVersion> {
        let invalid = || InvalidVersion {
            version: version.to_owned(),
        };
        let core = version.trim().split(['-', '+']).next().unwrap_or_default();
        let numbers: Vec<u64> = core
            .split('.')
            .map(|n| n.parse::<u64>().map_err(|_| invalid()))
            .collect::<Result<_, _>>()?;
        let [major, minor, patch] = numbers[..] else {
            return Err(invalid());
        };
        let next = |n: u64| n.checked_add(1).ok_or_else(invalid);
        let (major, minor, patch) = match (self, major) {
            (Bump::None, _) => (major, minor, patch),
            (Bump::Major, 0) => (0, next(minor)?, 0),
            (Bump::Major, _) => (next(major)?, 0, 0),
            (Bump::Minor, 0) | (Bump::Patch, _) => (major, minor, next(patch)?),
            (Bump::Minor, _) => (major, next(minor)?, 0),
        };
        Ok(format!("{major}.{minor}.{patch}"))
    }
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        })
    }
}

/// A version that is not `MAJOR.MINOR.PATCH`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{version}` is not a semantic version (MAJOR.MINOR.PATCH, e.g. 0.3.1)")]
pub struct InvalidVersion {
    /// The text that was given.
    pub version: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn below_one_breaking_bumps_minor_and_additions_bump_patch() {
        assert_eq!(Bump::Major.apply("0.4.2").unwrap(), "0.5.0");
        assert_eq!(Bump::Minor.apply("0.4.2").unwrap(), "0.4.3");
        assert_eq!(Bump::Patch.apply("0.4.2").unwrap(), "0.4.3");
        assert_eq!(Bump::None.apply("0.4.2").unwrap(), "0.4.2");
    }

    #[test]
    fn from_one_on_semver_as_written() {
        assert_eq!(Bump::Major.apply("1.4.2").unwrap(), "2.0.0");
        assert_eq!(Bump::Minor.apply("1.4.2").unwrap(), "1.5.0");
        assert_eq!(Bump::Patch.apply("1.4.2").unwrap(), "1.4.3");
    }

    #[test]
    fn suffixes_are_dropped() {
        assert_eq!(Bump::Major.apply("1.0.0-rc.1+build.5").unwrap(), "2.0.0");
        assert_eq!(Bump::Patch.apply(" 2.3.4 ").unwrap(), "2.3.5");
    }

    #[test]
    fn odd_versions_are_errors_not_panics() {
        for odd in [
            "",
            "1",
            "1.2",
            "1.2.3.4",
            "a.b.c",
            "-1.0.0",
            "v1.2.3",
            "18446744073709551615.0.0",
        ] {
            let result = Bump::Major.apply(odd);
            assert!(result.is_err(), "{odd:?} gave {result:?}");
        }
        assert_eq!(
            Bump::Minor.apply("x").unwrap_err().to_string(),
            "`x` is not a semantic version (MAJOR.MINOR.PATCH, e.g. 0.3.1)"
        );
    }
}
