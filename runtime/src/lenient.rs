//! `deserialize_with` helpers for string fields that servers sometimes send as numbers or
//! booleans.
//!
//! The Magicline specs' own examples send `"houseNumber": 89` for a `type: string` field; a strict
//! decoder would reject the whole response for that. The generator uses these helpers on string
//! fields:
//!
//! ```
//! #[derive(serde::Deserialize)]
//! struct Address {
//!     #[serde(deserialize_with = "magicline_runtime::lenient::string")]
//!     street: String,
//!     // `default` keeps a missing field working: `deserialize_with` is only called when present.
//!     #[serde(default, deserialize_with = "magicline_runtime::lenient::option_string")]
//!     house_number: Option<String>,
//! }
//! let a: Address = serde_json::from_str(r#"{"street": "Main", "house_number": 89}"#).unwrap();
//! assert_eq!(a.house_number.as_deref(), Some("89"));
//! ```
//!
//! Numbers keep their JSON text for integers; floats are written with Rust's shortest
//! round-trip formatting (so `1.50` becomes `"1.5"`, and `89.0` becomes `"89"`), since
//! `serde_json` does not keep a float's original text.

use std::fmt;

use serde::Deserializer;
use serde::de::{self, Visitor};

/// Deserialises a string, or a number or boolean as its text.
pub fn string<'de, D>(deserializer: D) -> Result<String, D::Error>
where
    D: Deserializer<'de>,
{
    deserializer.deserialize_any(LenientString)
}

/// Like [`string`], but also accepts `null` (as `None`).
pub fn option_string<'de, D>(deserializer: D) -> Result<Option<String>, D::Error>
where
    D: Deserializer<'de>,
{
    deserializer.deserialize_option(LenientOptionString)
}

struct LenientString;

impl<'de> Visitor<'de> for LenientString {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, number or boolean")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        Ok(if v { "true" } else { "false" }.to_owned())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_char<E: de::Error>(self, v: char) -> Result<String, E> {
        Ok(v.to_string())
    }
}

struct LenientOptionString;

impl<'de> Visitor<'de> for LenientOptionString {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("null, a string, number or boolean")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        string(deserializer).map(Some)
    }

    // Formats that do not wrap present values in `Some` call these directly.
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        LenientString.visit_str(v).map(Some)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(v))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        LenientString.visit_bool(v).map(Some)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        LenientString.visit_i64(v).map(Some)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        LenientString.visit_u64(v).map(Some)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        LenientString.visit_f64(v).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    struct Model {
        #[serde(deserialize_with = "super::string")]
        s: String,
        #[serde(default, deserialize_with = "super::option_string")]
        o: Option<String>,
    }

    fn decode(json: &str) -> Result<Model, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn accepts_strings_numbers_and_bools() {
        let m = decode(r#"{"s": "Main St", "o": "12a"}"#).unwrap();
        assert_eq!((m.s.as_str(), m.o.as_deref()), ("Main St", Some("12a")));
        let m = decode(r#"{"s": 89, "o": -7}"#).unwrap();
        assert_eq!((m.s.as_str(), m.o.as_deref()), ("89", Some("-7")));
        let m = decode(r#"{"s": 1.5, "o": true}"#).unwrap();
        assert_eq!((m.s.as_str(), m.o.as_deref()), ("1.5", Some("true")));
        let m = decode(r#"{"s": false, "o": 18446744073709551615}"#).unwrap();
        assert_eq!(
            (m.s.as_str(), m.o.as_deref()),
            ("false", Some("18446744073709551615"))
        );
    }

    #[test]
    fn option_accepts_null_and_missing() {
        assert_eq!(decode(r#"{"s": "x", "o": null}"#).unwrap().o, None);
        assert_eq!(decode(r#"{"s": "x"}"#).unwrap().o, None);
    }

    #[test]
    fn rejects_other_shapes() {
        assert!(decode(r#"{"s": null}"#).is_err());
        assert!(decode(r#"{"s": [1]}"#).is_err());
        assert!(decode(r#"{"s": {}}"#).is_err());
        assert!(decode(r#"{"s": "x", "o": [1]}"#).is_err());
    }
}
