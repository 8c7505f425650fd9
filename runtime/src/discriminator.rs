//! Discriminated unions (`oneOf`/`anyOf` with a `discriminator`): the value's tag property
//! names its variant.
//!
//! A generated union decodes with [`deserialize`]: the tag alone chooses the variant (never the
//! first alternative that happens to accept the value), and a tag the client does not know keeps
//! the whole value as JSON in the union's fallback variant, so a new kind of value on the server
//! never breaks a response (like the `Unknown` of [`StringEnum`](crate::StringEnum)). A value
//! whose tag is known but whose fields do not fit is an error, not another variant.
//!
//! The tag is written from the variant: a struct that exactly one tag names writes it itself
//! (serde's `tag` attribute, so it is right wherever the struct is used), and a union variant of
//! any other type is encoded with [`serialize`], which adds the tag. Callers never type it.
//!
//! ```
//! use openapi_client_runtime::{discriminator, lenient};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Debug, PartialEq, Serialize, Deserialize)]
//! #[serde(tag = "type", rename(serialize = "BARCODE"))]
//! struct Barcode { value: String }
//!
//! #[derive(Debug, PartialEq)]
//! enum Identification { Barcode(Barcode), Unknown(serde_json::Value) }
//!
//! impl<'de> Deserialize<'de> for Identification {
//!     fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
//!         discriminator::deserialize(d, "type", |tag, value| Some(match tag {
//!             "BARCODE" => lenient::from_value(value).map(Identification::Barcode),
//!             _ => return None,
//!         }), Identification::Unknown)
//!     }
//! }
//!
//! let barcode: Identification = serde_json::from_str(r#"{"type":"BARCODE","value":"P1"}"#).unwrap();
//! assert_eq!(barcode, Identification::Barcode(Barcode { value: "P1".into() }));
//! let new: Identification = serde_json::from_str(r#"{"type":"IRIS","scan":"x"}"#).unwrap();
//! assert_eq!(new, Identification::Unknown(serde_json::json!({"type": "IRIS", "scan": "x"})));
//! // A known tag with fields that do not fit is an error, not another variant.
//! assert!(serde_json::from_str::<Identification>(r#"{"type":"BARCODE"}"#).is_err());
//!
//! let mut out = Vec::new();
//! discriminator::serialize(&mut serde_json::Serializer::new(&mut out), "kind", "B", &Barcode { value: "P2".into() }).unwrap();
//! let written: serde_json::Value = serde_json::from_slice(&out).unwrap();
//! assert_eq!(written, serde_json::json!({"type": "BARCODE", "kind": "B", "value": "P2"}));
//! ```

use serde::Deserialize;
use serde::de::{self, Deserializer};
use serde::ser::{self, Serialize, Serializer};
use serde_json::Value;

/// What a union's known tags decode to: `None` for a tag it does not know, else the variant
/// decoded from the whole value (or why the value does not fit it).
pub type Known<T> = fn(&str, &Value) -> Option<Result<T, serde_json::Error>>;

/// Decodes a discriminated union: buffers the value, reads its string tag `property`, and hands
/// the value to `known`; a tag `known` does not know becomes `unknown(value)`. A value that is
/// not an object, or has no string tag, is an error naming the tag property.
pub fn deserialize<'de, D, T>(
    deserializer: D,
    property: &str,
    known: Known<T>,
    unknown: fn(Value) -> T,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let value = Value::deserialize(deserializer)?;
    let tag = match &value {
        Value::Object(map) => match map.get(property) {
            Some(Value::String(tag)) => tag,
            Some(other) => {
                return Err(de::Error::custom(format_args!(
                    "the tag `{property}` must be a string, found {other}"
                )));
            }
            // serde's own wording for a missing field (`missing_field` wants a `'static` name).
            None => {
                return Err(de::Error::custom(format_args!(
                    "missing field `{property}`"
                )));
            }
        },
        _ => {
            return Err(de::Error::custom(format_args!(
                "expected an object with a `{property}` tag"
            )));
        }
    };
    match known(tag, &value) {
        Some(decoded) => decoded.map_err(de::Error::custom),
        None => Ok(unknown(value)),
    }
}

/// Encodes `value` with the tag `property: tag` added (replacing one it may carry): for a union
/// variant whose type does not write the tag itself. `value` must encode as a JSON object.
pub fn serialize<S, V>(
    serializer: S,
    property: &str,
    tag: &str,
    value: &V,
) -> Result<S::Ok, S::Error>
where
    S: Serializer,
    V: Serialize + ?Sized,
{
    let mut json = serde_json::to_value(value).map_err(ser::Error::custom)?;
    let Value::Object(map) = &mut json else {
        return Err(ser::Error::custom(format_args!(
            "a value tagged `{property}: {tag}` must encode as a JSON object"
        )));
    };
    map.insert(property.to_owned(), Value::String(tag.to_owned()));
    json.serialize(serializer)
}
