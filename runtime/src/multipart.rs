//! `multipart/form-data` request bodies.
//!
//! Parts are kept as data (not as a `reqwest` form, which is consumed when sent) so a request can
//! be sent again on retry: the `reqwest` form is rebuilt for every attempt, sharing the bytes.

use std::fmt;
use std::path::Path;

use bytes::Bytes;
use serde::Serialize;

/// A `multipart/form-data` body.
///
/// ```
/// use openapi_client_runtime::multipart::{FilePart, Form};
///
/// let form = Form::new()
///     .json_part("data", &serde_json::json!({"reason": "travel"}))
///     .file_part("document", FilePart::from_bytes(&b"%PDF-1.7"[..], "proof.pdf"));
/// assert_eq!(form.len(), 2);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Form {
    parts: Vec<Part>,
    /// The first part that failed to serialise; reported when the request is sent, so building
    /// a form stays infallible like the rest of the request builder.
    error: Option<String>,
}

#[derive(Debug, Clone)]
struct Part {
    name: &'static str,
    body: PartBody,
}

#[derive(Clone)]
enum PartBody {
    Json(Bytes),
    Text(String),
    File(FilePart),
}

impl fmt::Debug for PartBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Lengths only: bodies may be large or personal data.
        match self {
            PartBody::Json(bytes) => write!(f, "Json({} bytes)", bytes.len()),
            PartBody::Text(text) => write!(f, "Text({} bytes)", text.len()),
            PartBody::File(file) => file.fmt(f),
        }
    }
}

impl Form {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a part holding `value` as JSON, with content type `application/json` (how specs
    /// encode structured parts with `encoding: {data: {contentType: application/json}}`).
    pub fn json_part(mut self, name: &'static str, value: &(impl Serialize + ?Sized)) -> Self {
        match serde_json::to_vec(value) {
            Ok(json) => self.parts.push(Part {
                name,
                body: PartBody::Json(Bytes::from(json)),
            }),
            Err(err) => {
                self.error.get_or_insert_with(|| {
                    format!("could not serialise multipart part `{name}`: {err}")
                });
            }
        }
        self
    }

    /// Adds a plain text part.
    pub fn text_part(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.parts.push(Part {
            name,
            body: PartBody::Text(value.into()),
        });
        self
    }

    /// Adds a file part, sent with its file name and content type.
    pub fn file_part(mut self, name: &'static str, file: FilePart) -> Self {
        self.parts.push(Part {
            name,
            body: PartBody::File(file),
        });
        self
    }

    /// Number of parts.
    pub fn len(&self) -> usize {
        self.parts.len()
    }

    /// True when the form has no parts.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// Builds a fresh `reqwest` form for one attempt; the error is a message for
    /// `Error::Request`.
    pub(crate) fn to_reqwest(&self) -> Result<reqwest::multipart::Form, String> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        let mut form = reqwest::multipart::Form::new();
        for part in &self.parts {
            let reqwest_part = match &part.body {
                PartBody::Json(json) => bytes_part(json.clone())
                    .mime_str("application/json")
                    .map_err(|err| format!("multipart part `{}`: {err}", part.name))?,
                PartBody::Text(text) => reqwest::multipart::Part::text(text.clone()),
                PartBody::File(file) => bytes_part(file.bytes.clone())
                    .file_name(file.file_name.clone())
                    .mime_str(&file.content_type)
                    .map_err(|_| {
                        format!(
                            "multipart part `{}`: invalid content type {:?}",
                            part.name, file.content_type
                        )
                    })?,
            };
            form = form.part(part.name, reqwest_part);
        }
        Ok(form)
    }
}

/// A part whose length is known, so the whole form gets a `Content-Length` rather than being
/// sent chunked (some servers reject chunked uploads). Cloning `Bytes` does not copy the data.
fn bytes_part(bytes: Bytes) -> reqwest::multipart::Part {
    let len = bytes.len() as u64;
    reqwest::multipart::Part::stream_with_length(bytes, len)
}

/// A file to upload in a multipart part.
///
/// Cloning is cheap: the contents are shared, not copied.
#[derive(Clone)]
pub struct FilePart {
    bytes: Bytes,
    file_name: String,
    content_type: String,
}

impl FilePart {
    /// A file from memory. The content type is guessed from `file_name`'s extension; override
    /// it with [`content_type`](Self::content_type).
    pub fn from_bytes(bytes: impl Into<Bytes>, file_name: impl Into<String>) -> Self {
        let file_name = file_name.into();
        let content_type = guess_content_type(Path::new(&file_name)).to_owned();
        FilePart {
            bytes: bytes.into(),
            file_name,
            content_type,
        }
    }

    /// Reads a file; its name becomes the part's file name and its extension decides the
    /// content type (jpeg/jpg, png, pdf, heic, gif, txt, json; otherwise
    /// `application/octet-stream`).
    pub async fn from_path(path: impl AsRef<Path>) -> std::io::Result<FilePart> {
        let path = path.as_ref();
        let bytes = tokio::fs::read(path).await?;
        let file_name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(FilePart {
            bytes: Bytes::from(bytes),
            file_name,
            content_type: guess_content_type(path).to_owned(),
        })
    }

    /// Sets the content type, e.g. `image/jpeg`. It is validated when the request is sent.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = content_type.into();
        self
    }

    /// Sets the file name sent to the server.
    pub fn file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = file_name.into();
        self
    }

    /// The file's contents.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// The file name sent to the server.
    pub fn name(&self) -> &str {
        &self.file_name
    }

    /// The content type sent to the server.
    pub fn mime_type(&self) -> &str {
        &self.content_type
    }
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilePart")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// The file types upload endpoints commonly take (images, PDF, text, JSON); anything else is
/// sent as opaque bytes.
fn guess_content_type(path: &Path) -> &'static str {
    let extension = path
        .extension()
        .and_then(|ext| ext.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    match extension.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "heic" => "image/heic",
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "json" => "application/json",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses_content_types() {
        let ct = |name: &str| {
            FilePart::from_bytes(Bytes::new(), name)
                .mime_type()
                .to_owned()
        };
        assert_eq!(ct("a.JPG"), "image/jpeg");
        assert_eq!(ct("a.heic"), "image/heic");
        assert_eq!(ct("a.pdf"), "application/pdf");
        assert_eq!(ct("a"), "application/octet-stream");
        assert_eq!(ct("a.exe"), "application/octet-stream");
    }

    #[test]
    fn debug_shows_length_not_bytes() {
        let file = FilePart::from_bytes(vec![7u8; 1000], "x.png");
        let debug = format!("{file:?}");
        assert!(debug.contains("len: 1000"), "{debug}");
        assert!(!debug.contains("7, 7"), "{debug}");
    }

    #[test]
    fn serialisation_errors_surface_when_building() {
        let mut map = std::collections::HashMap::new();
        map.insert(vec![1u8], 1u8); // non-string keys cannot be JSON
        let form = Form::new().json_part("data", &map);
        assert!(form.to_reqwest().unwrap_err().contains("data"));
        let form = Form::new().file_part(
            "f",
            FilePart::from_bytes(Bytes::new(), "a").content_type("not a mime"),
        );
        assert!(form.to_reqwest().is_err());
    }

    #[tokio::test]
    async fn from_path_reads_name_and_type() {
        let dir = std::env::temp_dir().join(format!("mlrt-{}", std::process::id()));
        tokio::fs::create_dir_all(&dir).await.unwrap();
        let path = dir.join("photo.jpeg");
        tokio::fs::write(&path, b"jpeg").await.unwrap();
        let file = FilePart::from_path(&path).await.unwrap();
        tokio::fs::remove_dir_all(&dir).await.unwrap();
        assert_eq!(file.name(), "photo.jpeg");
        assert_eq!(file.mime_type(), "image/jpeg");
        assert_eq!(file.bytes().as_ref(), b"jpeg");
        assert!(FilePart::from_path(dir.join("missing")).await.is_err());
    }
}
