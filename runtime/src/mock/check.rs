//! What an expectation compares, one check at a time, each able to say why a request fails it.

use std::fmt::{Debug, Write as _};

use percent_encoding::percent_decode_str;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use wiremock::Request;

use super::Scenario;

/// One condition of an expectation.
pub(crate) enum Check {
    Method(&'static str),
    /// The path template's segments with the expected values filled in (not encoded).
    Path {
        template: &'static str,
        segments: Vec<String>,
    },
    /// Every value of the query parameter, in order; empty means "absent" (neither `name` nor
    /// a `name[...]` key of a `deepObject`).
    Query {
        name: &'static str,
        values: Vec<String>,
    },
    /// The pairs of a query parameter written in a style (`name[key]=value`, one pair per
    /// field, ...), in order, or why they could not be written; no pairs means "absent".
    QueryPairs {
        name: &'static str,
        expected: Result<Vec<(String, String)>, String>,
    },
    /// The header's value (list values comma-joined); `None` means "absent".
    Header {
        name: &'static str,
        value: Option<String>,
    },
    Body(Box<dyn BodyCheck>),
    NoBody,
    Multipart,
    State {
        scenario: Scenario,
        state: String,
    },
}

impl Check {
    /// Why `request` fails this check, or `None` when it passes.
    pub(crate) fn mismatch(&self, request: &Request) -> Option<String> {
        match self {
            Check::Method(method) => (request.method.as_str() != *method)
                .then(|| format!("method: expected {method}, received {}", request.method)),
            Check::Path { segments, .. } => {
                let received = decoded_segments(request.url.path());
                (received != *segments).then(|| {
                    format!(
                        "path: expected {}, received {}",
                        segments.join("/"),
                        received.join("/")
                    )
                })
            }
            Check::Query { name, values } => {
                let received: Vec<String> = request
                    .url
                    .query_pairs()
                    .filter(|(key, _)| key == name || values.is_empty() && is_deep_key(key, name))
                    .map(|(_, value)| value.into_owned())
                    .collect();
                (received != *values).then(|| {
                    format!(
                        "query `{name}`: expected {}, received {}",
                        list(values),
                        list(&received)
                    )
                })
            }
            Check::QueryPairs { name, expected } => {
                let expected = match expected {
                    Ok(expected) => expected,
                    Err(message) => {
                        return Some(format!("query `{name}`: the expected value: {message}"));
                    }
                };
                let received: Vec<(String, String)> = (request.url.query_pairs())
                    .filter(|(key, _)| {
                        key == name
                            || is_deep_key(key, name)
                            || expected.iter().any(|(wanted, _)| wanted == key)
                    })
                    .map(|(key, value)| (key.into_owned(), value.into_owned()))
                    .collect();
                (received != *expected).then(|| {
                    format!(
                        "query `{name}`: expected {}, received {}",
                        pairs(expected),
                        pairs(&received)
                    )
                })
            }
            Check::Header { name, value } => {
                let received = header(request, name);
                (received != *value).then(|| {
                    format!(
                        "header `{name}`: expected {}, received {}",
                        optional(value.as_deref()),
                        optional(received.as_deref())
                    )
                })
            }
            Check::Body(check) => check.mismatch(&request.body),
            Check::NoBody => (!is_blank(&request.body))
                .then(|| format!("body: expected none, received {}", excerpt(&request.body))),
            Check::Multipart => {
                let kind = header(request, "content-type").unwrap_or_default();
                (!kind.starts_with("multipart/form-data")).then(|| {
                    format!(
                        "body: expected multipart/form-data, received {}",
                        optional(Some(&kind).filter(|k| !k.is_empty()).map(String::as_str))
                    )
                })
            }
            Check::State { scenario, state } => {
                let current = scenario.state();
                (current != *state).then(|| {
                    format!(
                        "scenario `{}` is in state `{current}`, this expectation needs `{state}`",
                        scenario.name()
                    )
                })
            }
        }
    }

    /// The condition in words, for reports; `None` for method and path, which the label shows.
    pub(crate) fn describe(&self) -> Option<String> {
        match self {
            Check::Method(_) | Check::Path { .. } => None,
            Check::Query { name, values } => Some(format!("query `{name}` = {}", list(values))),
            Check::QueryPairs { name, expected } => Some(match expected {
                Ok(expected) => format!("query `{name}` = {}", pairs(expected)),
                Err(message) => format!("query `{name}`: {message}"),
            }),
            Check::Header { name, value } => {
                Some(format!("header `{name}` = {}", optional(value.as_deref())))
            }
            Check::Body(check) => Some(check.describe()),
            Check::NoBody => Some("no body".to_owned()),
            Check::Multipart => Some("a multipart/form-data body".to_owned()),
            Check::State { scenario, state } => {
                Some(format!("scenario `{}` in state `{state}`", scenario.name()))
            }
        }
    }

    /// Whether `request` has the method and path shape of this check's operation (any values).
    pub(crate) fn same_operation(&self, request: &Request) -> bool {
        match self {
            Check::Method(method) => request.method.as_str() == *method,
            Check::Path { template, .. } => {
                let received = decoded_segments(request.url.path());
                let template: Vec<&str> = template.split('/').collect();
                received.len() == template.len()
                    && template
                        .iter()
                        .zip(&received)
                        .all(|(expected, received)| expected.contains('{') || expected == received)
            }
            _ => true,
        }
    }
}

/// The path's segments, each percent-decoded: values are compared as sent, however encoded.
fn decoded_segments(path: &str) -> Vec<String> {
    path.split('/')
        .map(|segment| percent_decode_str(segment).decode_utf8_lossy().into_owned())
        .collect()
}

/// The template's segments with `{name}` replaced by the value given for `name`.
pub(crate) fn fill_template(template: &str, values: &[(&'static str, String)]) -> Vec<String> {
    template
        .split('/')
        .map(|segment| {
            // One pass, so that a value containing `{x}` is never filled in again.
            let mut filled = String::with_capacity(segment.len());
            let mut rest = segment;
            while let Some(open) = rest.find('{') {
                let Some(close) = rest[open..].find('}').map(|close| open + close) else {
                    break;
                };
                filled.push_str(&rest[..open]);
                let name = &rest[open + 1..close];
                match values.iter().find(|(key, _)| *key == name) {
                    Some((_, value)) => filled.push_str(value),
                    None => filled.push_str(&rest[open..=close]),
                }
                rest = &rest[close + 1..];
            }
            filled.push_str(rest);
            filled
        })
        .collect()
}

fn header(request: &Request, name: &str) -> Option<String> {
    let values: Vec<String> = request
        .headers
        .get_all(name)
        .iter()
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
        .collect();
    (!values.is_empty()).then(|| values.join(","))
}

fn list(values: &[String]) -> String {
    match values {
        [] => "none".to_owned(),
        [one] => format!("{one:?}"),
        many => format!("{many:?}"),
    }
}

/// `k=v&k2=v2` as received (decoded), or `none`.
fn pairs(pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return "none".to_owned();
    }
    let joined: Vec<String> = pairs
        .iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect();
    format!("{:?}", joined.join("&"))
}

/// Whether `key` is a `deepObject` key of the parameter `name`: `name[...]`.
fn is_deep_key(key: &str, name: &str) -> bool {
    key.strip_prefix(name)
        .is_some_and(|rest| rest.starts_with('['))
}

fn optional(value: Option<&str>) -> String {
    value.map_or_else(|| "none".to_owned(), |value| format!("{value:?}"))
}

fn is_blank(body: &[u8]) -> bool {
    body.iter().all(u8::is_ascii_whitespace)
}

/// A body for reports: its text, cut at 2000 characters.
pub(crate) fn excerpt(body: &[u8]) -> String {
    const LIMIT: usize = 2000;
    let text = String::from_utf8_lossy(body);
    match text.char_indices().nth(LIMIT) {
        Some((end, _)) => format!("{}… ({} bytes in all)", &text[..end], body.len()),
        None => text.into_owned(),
    }
}

/// Compares a request body with an expected value.
pub(crate) trait BodyCheck: Send + Sync {
    fn mismatch(&self, body: &[u8]) -> Option<String>;
    fn describe(&self) -> String;
}

/// A JSON body, decoded into the operation's body type and compared with `PartialEq`.
pub(crate) struct JsonBody<T> {
    pub(crate) expected: T,
}

impl<T> BodyCheck for JsonBody<T>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug + Send + Sync,
{
    fn mismatch(&self, body: &[u8]) -> Option<String> {
        let name = short_type_name(std::any::type_name::<T>());
        let expected_json = to_json(&self.expected);
        if is_blank(body) {
            return Some(format!(
                "body: expected the {name} {}, received no body",
                compact(&expected_json)
            ));
        }
        let received: T = match crate::decode_json(body) {
            Ok(received) => received,
            Err(err) => {
                return Some(format!(
                    "body: does not decode as {name} (at {}: {})\n  expected: {}\n  received: {}",
                    err.path,
                    err.message,
                    compact(&expected_json),
                    excerpt(body)
                ));
            }
        };
        if received == self.expected {
            return None;
        }
        let received_json = to_json(&received);
        let mut differences = Vec::new();
        json_differences(
            &expected_json,
            &received_json,
            &mut String::new(),
            &mut differences,
        );
        let mut message = format!("body: differs from the expected {name}");
        if differences.is_empty() {
            // Unequal values that serialise alike (a NaN, say): the typed values tell.
            let _ = write!(
                message,
                "\n  expected: {:?}\n  received: {received:?}",
                self.expected
            );
            return Some(message);
        }
        for difference in &differences {
            let _ = write!(message, "\n  {difference}");
        }
        let _ = write!(
            message,
            "\n  expected: {}\n  received: {}",
            compact(&expected_json),
            compact(&received_json)
        );
        Some(message)
    }

    fn describe(&self) -> String {
        let name = short_type_name(std::any::type_name::<T>());
        format!("body = {name} {}", compact(&to_json(&self.expected)))
    }
}

fn to_json(value: &impl Serialize) -> Value {
    serde_json::to_value(value)
        .unwrap_or_else(|err| Value::String(format!("<does not serialise: {err}>")))
}

fn compact(value: &Value) -> String {
    const LIMIT: usize = 1000;
    let text = value.to_string();
    match text.char_indices().nth(LIMIT) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

/// `alloc::vec::Vec<petstore::models::Customer>` -> `Vec<Customer>`.
pub(crate) fn short_type_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(word.rsplit("::").next().unwrap_or_default());
        word.clear();
    };
    for c in name.chars() {
        if c.is_alphanumeric() || c == '_' || c == ':' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Where two JSON documents differ, as `at `path`: expected X, received Y` lines (at most 20).
fn json_differences(expected: &Value, received: &Value, path: &mut String, out: &mut Vec<String>) {
    const LIMIT: usize = 20;
    if out.len() >= LIMIT {
        return;
    }
    let at = |path: &str| {
        if path.is_empty() {
            ".".to_owned()
        } else {
            path.to_owned()
        }
    };
    match (expected, received) {
        (Value::Object(expected), Value::Object(received)) => {
            let keys = expected
                .keys()
                .chain(received.keys().filter(|key| !expected.contains_key(*key)));
            for key in keys {
                let length = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                match (expected.get(key), received.get(key)) {
                    (Some(e), Some(r)) => json_differences(e, r, path, out),
                    (Some(e), None) => out.push(format!(
                        "at `{path}`: expected {}, received nothing",
                        compact(e)
                    )),
                    (None, Some(r)) => out.push(format!(
                        "at `{path}`: expected nothing, received {}",
                        compact(r)
                    )),
                    (None, None) => {}
                }
                path.truncate(length);
                if out.len() >= LIMIT {
                    return;
                }
            }
        }
        (Value::Array(expected), Value::Array(received)) => {
            for (index, (e, r)) in expected.iter().zip(received).enumerate() {
                let length = path.len();
                let _ = write!(path, "[{index}]");
                json_differences(e, r, path, out);
                path.truncate(length);
            }
            if expected.len() != received.len() {
                out.push(format!(
                    "at `{}`: expected {} item(s), received {}",
                    at(path),
                    expected.len(),
                    received.len()
                ));
            }
        }
        (e, r) if e != r => out.push(format!(
            "at `{}`: expected {}, received {}",
            at(path),
            compact(e),
            compact(r)
        )),
        _ => {}
    }
}

/// A body compared byte for byte: form, text and binary bodies, which the client sends exactly
/// as encoded.
pub(crate) struct ExactBody {
    /// What the body is, for messages: "form body", "text body", "body".
    pub(crate) what: &'static str,
    /// The bytes, or why the expected value could not be encoded (then nothing matches).
    pub(crate) expected: Result<bytes::Bytes, String>,
}

impl BodyCheck for ExactBody {
    fn mismatch(&self, body: &[u8]) -> Option<String> {
        match &self.expected {
            Ok(expected) => (body != expected.as_ref()).then(|| {
                format!(
                    "{}: expected {}, received {}",
                    self.what,
                    excerpt(expected),
                    excerpt(body)
                )
            }),
            Err(err) => Some(format!(
                "{}: the expected value does not encode: {err}",
                self.what
            )),
        }
    }

    fn describe(&self) -> String {
        match &self.expected {
            Ok(expected) => format!("{} {}", self.what, excerpt(expected)),
            Err(err) => format!("{} that does not encode ({err})", self.what),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_lose_their_paths() {
        assert_eq!(
            short_type_name("alloc::vec::Vec<petstore::models::Customer>"),
            "Vec<Customer>"
        );
        assert_eq!(short_type_name("i64"), "i64");
    }

    #[test]
    fn differences_name_their_paths() {
        let expected =
            serde_json::json!({"email": "a@x", "phones": ["1", "2"], "address": {"city": "Köln"}});
        let received = serde_json::json!({"email": "b@x", "phones": ["1"], "address": {"city": "Köln", "zip": "5"}});
        let mut out = Vec::new();
        json_differences(&expected, &received, &mut String::new(), &mut out);
        assert_eq!(
            out,
            [
                r#"at `email`: expected "a@x", received "b@x""#,
                "at `phones`: expected 2 item(s), received 1",
                r#"at `address.zip`: expected nothing, received "5""#,
            ]
        );
    }

    #[test]
    fn templates_are_filled_per_segment() {
        let segments = fill_template(
            "/v1/{a}/x/{b}.json",
            &[("a", "p/q".to_owned()), ("b", "7".to_owned())],
        );
        assert_eq!(segments, ["", "v1", "p/q", "x", "7.json"]);
        assert_eq!(decoded_segments("/v1/p%2Fq/x/7.json"), segments);
    }
}
