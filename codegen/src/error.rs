//! Everything the generator can reject, each naming where in the document the problem is.

/// Why a document could not be read or turned into Rust code.
///
/// `pointer` is a JSON pointer into the source document (`#/paths/~1v1~1customers/get`), so a
/// maintainer can jump straight to the offending spot.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The text is neither valid JSON nor valid YAML.
    #[error("the document is not valid JSON or YAML: {message}")]
    Syntax {
        /// Parser message, including line and column.
        message: String,
    },
    /// The document is well-formed but not a valid OpenAPI 3.x document.
    #[error("{pointer}: {message}")]
    Invalid {
        /// Where the problem is.
        pointer: String,
        /// What is wrong.
        message: String,
    },
    /// The document is valid, but uses something this generator cannot express.
    #[error("{pointer}: unsupported: {message}")]
    Unsupported {
        /// Where the construct is.
        pointer: String,
        /// What the construct is and why it is not supported.
        message: String,
    },
    /// The name settings ([`crate::NameSettings`]) cannot be applied: a rename or stripped
    /// prefix would give two types one name, or names a type or prefix the crate does not have.
    #[error("name settings: {message}")]
    Names {
        /// What is wrong, naming every type involved and where each comes from.
        message: String,
    },
}

impl Error {
    pub(crate) fn invalid(pointer: &Pointer, message: impl Into<String>) -> Self {
        Error::Invalid {
            pointer: pointer.to_string(),
            message: message.into(),
        }
    }

    pub(crate) fn unsupported(pointer: &Pointer, message: impl Into<String>) -> Self {
        Error::Unsupported {
            pointer: pointer.to_string(),
            message: message.into(),
        }
    }
}

/// A JSON pointer under construction (RFC 6901 escaping), rendered as `#/a/b~1c`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Pointer(String);

impl Pointer {
    pub(crate) fn root() -> Self {
        Pointer(String::new())
    }

    /// The pointer a local `$ref` (`#/components/schemas/Pet`) names.
    pub(crate) fn from_ref(reference: &str) -> Self {
        Pointer(reference.trim_start_matches('#').to_owned())
    }

    pub(crate) fn join(&self, segment: impl std::fmt::Display) -> Self {
        let segment = segment.to_string().replace('~', "~0").replace('/', "~1");
        Pointer(format!("{}/{segment}", self.0))
    }
}

impl std::fmt::Display for Pointer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// A problem in the document that the generator tolerated, or a construct it replaced by a
/// looser form (a schema typed as `serde_json::Value`, a body left out): the crate is still
/// generated. Returned with the output ([`crate::Spec::warnings`], [`crate::Output::warnings`])
/// rather than printed, since the generator does no I/O.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Warning {
    /// Where the problem is, as a JSON pointer into the document (`#/info/version`).
    pub pointer: String,
    /// What is wrong and what the generator did about it.
    pub message: String,
}

impl Warning {
    pub(crate) fn new(pointer: &Pointer, message: impl Into<String>) -> Self {
        Warning {
            pointer: pointer.to_string(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)
    }
}
