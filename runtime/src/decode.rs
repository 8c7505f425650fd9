//! Decoding JSON the way responses are decoded: lenient strings, and the path of a failure.

use serde::de::DeserializeOwned;

use crate::lenient::{self, Track};

/// A JSON body did not match the expected type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at {path}: {message}")]
pub struct DecodeError {
    /// Where decoding failed, e.g. `result[3].address.street`; `.` for the root.
    pub path: String,
    /// What was wrong there.
    pub message: String,
}

/// Decodes JSON into a model exactly as the client decodes response bodies: with
/// [lenient](crate::lenient) strings (`"houseNumber": 89` reads as `"89"`), open enums and the
/// same union rules. For JSON that did not come from a request, such as a stored response, a
/// webhook body or a test fixture.
///
/// The same function as [`decode_json`], under the name generated crates re-export.
///
/// ```
/// # use openapi_client_runtime::from_json;
/// #[derive(serde::Deserialize)]
/// struct Address { house_number: Option<String> }
/// let address: Address = from_json(br#"{"house_number": 89}"#).unwrap();
/// assert_eq!(address.house_number.as_deref(), Some("89"));
/// ```
pub fn from_json<T: DeserializeOwned>(json: &[u8]) -> Result<T, DecodeError> {
    decode_json(json)
}

/// Decodes a JSON body into `T`, with [lenient](crate::lenient) strings, and says where in the
/// document decoding failed.
///
/// An empty (or all-whitespace) body decodes as `null`, so `Option<T>` and `()` accept the
/// empty bodies some servers send instead of `null`. Bytes after the JSON value (other than
/// whitespace) are an error: the body is not the document we think it is.
///
/// The body is decoded once without tracking the path; only when that fails is it decoded a
/// second time, tracking the path, to name the failing field (as `serde_path_to_error` would:
/// `result[3].address.street`). Tracking costs on every value (each map key is copied), while
/// failures are rare and a decoding that failed once fails the same way again. Both passes use
/// the same deserializer type, so `T`'s `Deserialize` code is compiled once, not twice.
pub fn decode_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, DecodeError> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        body
    };
    match decode_pass(body, None) {
        Ok(value) => Ok(value),
        Err(Failure::Trailing(err)) => Err(trailing(err)),
        Err(Failure::Value(_)) => {
            // The error pass: the same code again (the same instantiation of `T`'s
            // `Deserialize` impl), this time recording the path.
            let track = Track::new();
            match decode_pass(body, Some(&track)) {
                Ok(value) => Ok(value),
                Err(Failure::Trailing(err)) => Err(trailing(err)),
                Err(Failure::Value(err)) => Err(at_path(track, err)),
            }
        }
    }
}

/// Why a [`decode_pass`] failed.
enum Failure {
    /// The value did not decode.
    Value(serde_json::Error),
    /// The value decoded, but more than whitespace followed it.
    Trailing(serde_json::Error),
}

/// One decoding of `body`, tracking the path when `track` is given.
fn decode_pass<T: DeserializeOwned>(body: &[u8], track: Option<&Track>) -> Result<T, Failure> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = match lenient::deserialize(&mut de, track) {
        Ok(value) => value,
        Err(err) => return Err(Failure::Value(err)),
    };
    match de.end() {
        Ok(()) => Ok(value),
        Err(err) => Err(Failure::Trailing(err)),
    }
}

fn at_path(track: Track, err: serde_json::Error) -> DecodeError {
    DecodeError {
        path: track.into_path(),
        message: err.to_string(),
    }
}

/// Trailing garbage means the body is not the JSON document we think it is.
fn trailing(err: serde_json::Error) -> DecodeError {
    DecodeError {
        path: ".".to_owned(),
        message: err.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Item {
        id: u64,
    }

    #[derive(Debug, serde::Deserialize)]
    struct Items {
        items: Vec<Item>,
    }

    #[test]
    fn decode_json_names_the_path() {
        let ok = decode_json::<Items>(br#"{"items":[{"id":1}]}"#).unwrap();
        assert_eq!(ok.items[0].id, 1);
        let err = decode_json::<Items>(br#"{"items":[{"id":1},{"id":"x"}]}"#).unwrap_err();
        assert_eq!(err.path, "items[1].id");
        assert!(err.message.contains("invalid type"), "{}", err.message);
        let err = decode_json::<Items>(b"[]").unwrap_err();
        assert_eq!(err.path, ".");
        assert!(decode_json::<Items>(br#"{"items":[]} x"#).is_err());
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Customer {
        #[allow(dead_code)] // Decoded only to be checked.
        id: i64,
        addresses: Vec<Address>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Address {
        street: Option<String>,
        house_number: Option<String>,
    }

    #[test]
    fn decode_json_is_lenient_at_depth() {
        let c: Vec<Customer> = decode_json(
            br#"[{"id": 1, "addresses": [{"street": "Main", "houseNumber": 89}]},
                 {"id": 2, "addresses": [{"street": true}, {"houseNumber": 12.5}]}]"#,
        )
        .unwrap();
        assert_eq!(c[0].addresses[0].house_number.as_deref(), Some("89"));
        assert_eq!(c[1].addresses[0].street.as_deref(), Some("true"));
        assert_eq!(c[1].addresses[1].house_number.as_deref(), Some("12.5"));
        // Integers stay strict.
        let err = decode_json::<Vec<Customer>>(
            br#"[{"id": 1, "addresses": []}, {"id": "2", "addresses": []}]"#,
        )
        .unwrap_err();
        assert_eq!(err.path, "[1].id");
        assert_eq!(
            err.message,
            "invalid type: string \"2\", expected i64 at line 1 column 39"
        );
    }

    #[test]
    fn decode_json_error_paths_after_the_fast_path_fails() {
        let err = decode_json::<Vec<Customer>>(
            br#"[{"id": 1, "addresses": [{"street": 1}, {"street": [2]}]}]"#,
        )
        .unwrap_err();
        assert_eq!(err.path, "[0].addresses[1].street");
        assert!(
            err.message
                .starts_with("invalid type: sequence, expected a string"),
            "{}",
            err.message
        );
        // A missing field is reported on the object that lacks it.
        let err = decode_json::<Vec<Customer>>(br#"[{"id": 1, "addresses": [{}]}, {"id": 2}]"#)
            .unwrap_err();
        assert_eq!(err.path, "[1]");
        assert!(
            err.message.starts_with("missing field `addresses`"),
            "{}",
            err.message
        );
        // Syntax errors too.
        let err = decode_json::<Items>(br#"{"items":[{"id":1},{"id":2,}]}"#).unwrap_err();
        assert_eq!(err.path, "items[1].?");
        assert!(err.message.starts_with("trailing comma"), "{}", err.message);
    }

    /// One decode tracked by `serde_path_to_error`, through the lenient adapter or not: what
    /// `decode_json` reported before it tracked paths itself (strict), and the reference its
    /// own tracking is compared with (lenient).
    fn path_to_error_decode<T: DeserializeOwned>(
        body: &[u8],
        lenient: bool,
    ) -> Result<T, DecodeError> {
        let mut de = serde_json::Deserializer::from_slice(body);
        let value = if lenient {
            serde_path_to_error::deserialize(crate::lenient::Lenient(&mut de))
        } else {
            serde_path_to_error::deserialize(&mut de)
        };
        let value = value.map_err(|err| DecodeError {
            path: err.path().to_string(),
            message: err.into_inner().to_string(),
        })?;
        de.end().map_err(|err| DecodeError {
            path: ".".to_owned(),
            message: err.to_string(),
        })?;
        Ok(value)
    }

    #[test]
    fn errors_are_reported_as_before() {
        let bodies: [&[u8]; 8] = [
            br#"{"items":[{"id":1},{"id":"x"}]}"#,
            br#"{"items":[{"id":1},{"id":-1}]}"#,
            br#"{"items":[{"id":1},{}]}"#,
            br#"{"items":[{"id":1},{"id":2,}]}"#,
            br#"{"items":[{"id":1},{"id":2}"#,
            br#"{"items":{"id":1}}"#,
            br#"{"items":[]} x"#,
            b"nul",
        ];
        for body in bodies {
            let text = String::from_utf8_lossy(body);
            let before = path_to_error_decode::<Items>(body, false).expect_err(&text);
            assert_eq!(decode_json::<Items>(body).unwrap_err(), before, "{text}");
        }
    }

    /// A struct is an object: an array is refused as a sequence (`serde_json` alone would read
    /// it as the fields in order, and refuse `[]` for its length), and so is an array of the
    /// right length that strict `serde_json` accepts.
    #[test]
    fn structs_are_read_from_objects_only() {
        let err = decode_json::<Items>(b"[]").unwrap_err();
        assert_eq!(err.path, ".");
        assert_eq!(
            err.message,
            "invalid type: sequence, expected struct Items at line 1 column 0"
        );
        assert!(serde_json::from_slice::<Items>(br#"[[]]"#).is_ok());
        let err = decode_json::<Items>(br#"[[]]"#).unwrap_err();
        assert!(
            err.message.starts_with("invalid type: sequence"),
            "{}",
            err.message
        );
    }

    #[test]
    fn trailing_bytes_are_rejected() {
        let err = decode_json::<Items>(br#"{"items":[]} x"#).unwrap_err();
        assert_eq!(err.path, ".");
        assert_eq!(err.message, "trailing characters at line 1 column 14");
        let err = decode_json::<Items>(br#"{"items":[]}{}"#).unwrap_err();
        assert_eq!(err.path, ".");
        // Trailing whitespace is fine.
        decode_json::<Items>(b"{\"items\":[]} \r\n\t").unwrap();
    }

    /// The path tracking built into the adapter reports what `serde_path_to_error` around the
    /// adapter reports, for every kind of failure and nesting.
    mod same_paths_as_serde_path_to_error {
        use std::collections::BTreeMap;

        use serde::Deserialize;
        use serde::de::DeserializeOwned;

        use super::super::{DecodeError, decode_json};
        use crate::{DateTime, OneOrMany};

        fn reference<T: DeserializeOwned>(body: &[u8]) -> Result<T, DecodeError> {
            super::path_to_error_decode(body, true)
        }

        #[track_caller]
        fn check<T: DeserializeOwned + std::fmt::Debug>(bodies: &[&str]) {
            for body in bodies {
                let expected = reference::<T>(body.as_bytes());
                let actual = decode_json::<T>(body.as_bytes());
                match (&expected, &actual) {
                    (Err(expected), Err(actual)) => assert_eq!(actual, expected, "{body}"),
                    (Ok(_), Ok(_)) => {}
                    _ => panic!("{body}: {actual:?}, expected {expected:?}"),
                }
            }
        }

        #[derive(Debug, Deserialize)]
        #[serde(rename_all = "camelCase")]
        #[allow(dead_code)]
        struct Page {
            result: Vec<Customer>,
            has_next: bool,
            #[serde(default)]
            by_id: BTreeMap<String, Customer>,
            #[serde(default)]
            by_number: BTreeMap<i64, Vec<Option<u8>>>,
        }

        #[derive(Debug, Deserialize)]
        #[serde(rename_all = "camelCase")]
        #[allow(dead_code)]
        struct Customer {
            id: i64,
            name: Option<String>,
            #[serde(default)]
            created: Option<DateTime>,
            #[serde(default)]
            address: Option<Box<Address>>,
            #[serde(default)]
            tags: Vec<Tag>,
            #[serde(default)]
            kind: Option<Kind>,
        }

        #[derive(Debug, Deserialize)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        #[allow(dead_code)]
        struct Address {
            street: String,
            house_number: Option<String>,
            #[serde(default)]
            floor: Option<Floor>,
        }

        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Floor(u8);

        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        enum Tag {
            Plain,
            Named(String),
            Pair(u8, u8),
            Full { level: u8 },
        }

        #[derive(Debug, Deserialize)]
        #[serde(untagged)]
        #[allow(dead_code)]
        enum Kind {
            Code(u32),
            Label { label: String },
        }

        #[test]
        fn type_errors_at_every_depth() {
            check::<Page>(&[
                r#"{"result": [], "hasNext": true}"#,
                r#"{"result": [{"id": "x"}], "hasNext": true}"#,
                r#"{"result": [{"id": 1}, {"id": 2, "name": []}], "hasNext": true}"#,
                r#"{"result": [{"id": 1, "address": {"street": {}}}], "hasNext": true}"#,
                r#"{"result": [{"id": 1, "address": {"street": "s", "floor": -1}}], "hasNext": true}"#,
                r#"{"result": [{"id": 1, "address": {"street": "s", "floor": "2"}}], "hasNext": true}"#,
                r#"{"result": [{"id": 1, "created": "yesterday"}], "hasNext": true}"#,
                r#"{"result": [{"id": 1, "created": 5}], "hasNext": true}"#,
                r#"{"result": [], "hasNext": "yes"}"#,
                r#"{"result": {}, "hasNext": true}"#,
                r#"{"result": [], "hasNext": true, "byId": {"a": {"id": 1}, "b": {"id": true}}}"#,
                r#"{"result": [], "hasNext": true, "byNumber": {"7": [1, null, 300]}}"#,
                r#"{"result": [], "hasNext": true, "byNumber": {"x": []}}"#,
                r#"[]"#,
                r#"null"#,
                r#"5"#,
            ]);
        }

        #[test]
        fn missing_and_unknown_fields() {
            check::<Page>(&[
                r#"{"result": []}"#,
                r#"{"result": [{"name": "n"}], "hasNext": true}"#,
                r#"{"result": [{"id": 1, "address": {}}], "hasNext": true}"#,
                r#"{"result": [{"id": 1, "address": {"street": "s", "extra": 1}}], "hasNext": true}"#,
                r#"{"result": [{"id": 1, "unknown": [1, {"deep": "x"}]}], "hasNext": true, "more": 1}"#,
            ]);
        }

        #[test]
        fn enums() {
            check::<Page>(&[
                r#"{"result": [{"id": 1, "tags": ["Plain", {"Named": 5}]}], "hasNext": true}"#,
                r#"{"result": [{"id": 1, "tags": ["Nope"]}], "hasNext": true}"#,
                r#"{"result": [{"id": 1, "tags": [{"Named": []}]}], "hasNext": true}"#,
                r#"{"result": [{"id": 1, "tags": [{"Pair": [1, "2"]}]}], "hasNext": true}"#,
                r#"{"result": [{"id": 1, "tags": [{"Pair": [1]}]}], "hasNext": true}"#,
                r#"{"result": [{"id": 1, "tags": [{"Full": {"level": 256}}]}], "hasNext": true}"#,
                r#"{"result": [{"id": 1, "tags": [{"Full": {}}]}], "hasNext": true}"#,
                r#"{"result": [{"id": 1, "tags": [{"Plain": 1}]}], "hasNext": true}"#,
                r#"{"result": [{"id": 1, "tags": [{"Named": "a", "Plain": null}]}], "hasNext": true}"#,
                r#"{"result": [{"id": 1, "tags": [7]}], "hasNext": true}"#,
                r#"{"result": [{"id": 1, "kind": 4}, {"id": 2, "kind": {"label": 3}}], "hasNext": true}"#,
                r#"{"result": [{"id": 1, "kind": {"label": []}}], "hasNext": true}"#,
                r#"{"result": [{"id": 1, "kind": -4}], "hasNext": true}"#,
            ]);
            check::<Vec<OneOrMany<Floor>>>(&[
                r#"[1, [2, 3]]"#,
                r#"[1, [2, "x"]]"#,
                r#"[{"a": 1}]"#,
            ]);
        }

        type Deep = Option<Vec<Option<BTreeMap<String, Vec<Tag>>>>>;

        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Nested {
            deep: Deep,
            #[serde(default)]
            flat: Option<Flat>,
            #[serde(default)]
            tagged: Option<Internal>,
        }

        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Flat {
            a: u8,
            #[serde(flatten)]
            rest: BTreeMap<String, u8>,
        }

        #[derive(Debug, Deserialize)]
        #[serde(tag = "type")]
        #[allow(dead_code)]
        enum Internal {
            One { x: u8 },
            Two,
        }

        #[test]
        fn deep_nesting_flatten_and_internal_tags() {
            check::<Nested>(&[
                r#"{"deep": [null, {"k": ["Plain", {"Pair": [1, 2]}]}]}"#,
                r#"{"deep": [null, {"k": ["Plain", {"Pair": [1, -2]}]}]}"#,
                r#"{"deep": [null, {"k": ["Plain"], "j": [{"Full": {"level": "x"}}]}]}"#,
                r#"{"deep": [{"k": [{"Named": "a"} {"Named": "b"}]}]}"#,
                r#"{"deep": [{"k": [{"Named": "a"}], 3: []}]}"#,
                r#"{"deep": {"k": []}}"#,
                r#"{"deep": null, "flat": {"a": 1, "b": 2, "c": 300}}"#,
                r#"{"deep": null, "flat": {"a": "x", "b": 2}}"#,
                r#"{"deep": null, "flat": {"b": 2}}"#,
                r#"{"deep": null, "tagged": {"type": "One", "x": 256}}"#,
                r#"{"deep": null, "tagged": {"type": "Three"}}"#,
                r#"{"deep": null, "tagged": {"x": 1}}"#,
                r#"{"deep": null, "tagged": {"type": "Two"}, "deep": null}"#,
            ]);
        }

        #[test]
        fn syntax_errors() {
            check::<Page>(&[
                r#"{"result": [{"id": 1,}], "hasNext": true}"#,
                r#"{"result": [{"id": 1}, ], "hasNext": true}"#,
                r#"{"result": [{"id" 1}], "hasNext": true}"#,
                r#"{"result": [{"id": 1} {"id": 2}], "hasNext": true}"#,
                r#"{"result": [{"id": 1, "name": "unterminated}], "hasNext": true}"#,
                r#"{"result": [{"id": 1, 5: 1}], "hasNext": true}"#,
                r#"{"result": [{"id": 1}], "hasNext": tru}"#,
                r#"{"result": [{"id": 1}], "hasNext": true"#,
                r#"{"result": [{"id": 1e999}], "hasNext": true}"#,
                r#"{"result": [], "hasNext": true} []"#,
                r#"{"#,
                r#"{"result": [], "hasNext": true, "byNumber": {"7": [1,]}}"#,
            ]);
        }
    }

    #[test]
    fn empty_body_is_null() {
        assert_eq!(decode_json::<Option<u8>>(b"").unwrap(), None);
        decode_json::<()>(b"  \n").unwrap();
        assert!(decode_json::<Items>(b"").is_err());
    }
}
