//! String enums that never fail to decode, and the serde glue the generated impls call.
//!
//! Servers add enum values faster than clients are regenerated; a strict enum would turn one
//! new value into a failed response. Generated enums therefore carry an `Unknown(String)` variant
//! and implement [`StringEnum`]; their `Serialize`/`Deserialize` impls forward to
//! [`serialize`] and [`deserialize`]:
//!
//! ```
//! use openapi_client_runtime::StringEnum;
//!
//! #[derive(Debug, PartialEq)]
//! enum Status { Active, Unknown(String) }
//!
//! impl StringEnum for Status {
//!     fn from_wire(value: &str) -> Self {
//!         match value {
//!             "ACTIVE" => Status::Active,
//!             other => Status::Unknown(other.to_owned()),
//!         }
//!     }
//!     fn as_wire(&self) -> &str {
//!         match self {
//!             Status::Active => "ACTIVE",
//!             Status::Unknown(other) => other,
//!         }
//!     }
//! }
//!
//! impl serde::Serialize for Status {
//!     fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
//!         openapi_client_runtime::string_enum::serialize(self, s)
//!     }
//! }
//!
//! impl<'de> serde::Deserialize<'de> for Status {
//!     fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
//!         openapi_client_runtime::string_enum::deserialize(d)
//!     }
//! }
//!
//! let s: Status = serde_json::from_str(r#""PAUSED""#).unwrap();
//! assert_eq!(s, Status::Unknown("PAUSED".into()));
//! assert_eq!(serde_json::to_string(&s).unwrap(), r#""PAUSED""#);
//! ```

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Visitor};
use serde::{Deserializer, Serializer};

/// An enum whose JSON form is a string, with a fallback for values this client does not know.
///
/// Implementors also get [`ParamValue`](crate::ParamValue), so they can be used as path, query and
/// header parameters directly.
pub trait StringEnum: Sized {
    /// The variant for `value`; unknown values map to the fallback variant, so this never fails.
    fn from_wire(value: &str) -> Self;

    /// The string sent on the wire for this variant.
    fn as_wire(&self) -> &str;
}

/// Serialises a [`StringEnum`] as its wire string.
pub fn serialize<T: StringEnum, S: Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(value.as_wire())
}

/// Deserialises a [`StringEnum`] from a string; any string is accepted.
pub fn deserialize<'de, T: StringEnum, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_str(StringEnumVisitor(PhantomData))
}

struct StringEnumVisitor<T>(PhantomData<fn() -> T>);

impl<T: StringEnum> Visitor<'_> for StringEnumVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        Ok(T::from_wire(v))
    }
}
