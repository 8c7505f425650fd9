//! String enums that never fail to decode, and the serde glue the generated impls call.
//!
//! Servers add enum values faster than clients are regenerated; a strict enum would turn one
//! new value into a failed response. Generated enums therefore carry an `Unknown(String)` variant
//! and implement [`StringEnum`] by listing their known variants and wire values once, as two
//! tables; matching a value to a variant and back is done here, once for every enum, rather than
//! by two `match`es per enum. Their `Serialize`/`Deserialize` impls forward to [`serialize`] and
//! [`deserialize`]:
//!
//! ```
//! use openapi_client_runtime::StringEnum;
//!
//! #[derive(Debug, Clone, PartialEq)]
//! enum Status { Active, Inactive, Unknown(String) }
//!
//! impl StringEnum for Status {
//!     const VARIANTS: &'static [Self] = &[Status::Active, Status::Inactive];
//!     const WIRE_VALUES: &'static [&'static str] = &["ACTIVE", "INACTIVE"];
//!
//!     fn unknown(value: String) -> Self {
//!         Status::Unknown(value)
//!     }
//!
//!     fn unknown_value(&self) -> Option<&str> {
//!         match self {
//!             Status::Unknown(value) => Some(value),
//!             _ => None,
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
//! assert_eq!(Status::from_wire("INACTIVE"), Status::Inactive);
//! assert_eq!(Status::Inactive.as_wire(), "INACTIVE");
//! let s: Status = serde_json::from_str(r#""PAUSED""#).unwrap();
//! assert_eq!(s, Status::Unknown("PAUSED".into()));
//! assert_eq!(serde_json::to_string(&s).unwrap(), r#""PAUSED""#);
//! ```
//!
//! The tables are what keeps this small in every generated crate: the code that depends on
//! the enum's type ([`StringEnum::from_wire`], [`StringEnum::as_wire`], [`deserialize`]) is a
//! few lines around one non-generic lookup, and decoding an enum asks the deserializer for
//! a string through one visitor type for all enums, so the JSON deserializer's string code is
//! compiled once per crate, not once per enum.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserializer, Serializer};

/// An enum whose JSON form is a string, with a fallback for values this client does not know.
///
/// Implementors list their known variants and the wire value of each, in the same order, and
/// say how the fallback variant holds a value; [`from_wire`](Self::from_wire) and
/// [`as_wire`](Self::as_wire) follow from that. `VARIANTS` must list every variant but the
/// fallback (`as_wire` panics on one it cannot find, a bug of the impl).
///
/// Implementors also get [`ParamValue`](crate::ParamValue), so they can be used as path, query and
/// header parameters directly.
pub trait StringEnum: Sized + Clone + PartialEq + 'static {
    /// Every known variant (never the fallback), in the order of
    /// [`WIRE_VALUES`](Self::WIRE_VALUES).
    const VARIANTS: &'static [Self];

    /// The wire value of each of [`VARIANTS`](Self::VARIANTS), in the same order.
    const WIRE_VALUES: &'static [&'static str];

    /// The fallback variant holding `value`, a value this client does not know.
    fn unknown(value: String) -> Self;

    /// The value the fallback variant holds; `None` for a known variant.
    fn unknown_value(&self) -> Option<&str>;

    /// The variant for `value`; unknown values map to the fallback variant, so this never fails.
    fn from_wire(value: &str) -> Self {
        match lookup(Self::WIRE_VALUES, value) {
            Some(index) => Self::VARIANTS[index].clone(),
            None => Self::unknown(value.to_owned()),
        }
    }

    /// The string sent on the wire for this variant.
    fn as_wire(&self) -> &str {
        if let Some(value) = self.unknown_value() {
            return value;
        }
        // A plain loop: no iterator adapter or closure to instantiate for every enum.
        let mut index = 0;
        while index < Self::VARIANTS.len() {
            if Self::VARIANTS[index] == *self {
                return Self::WIRE_VALUES[index];
            }
            index += 1;
        }
        missing_variant()
    }
}

/// `as_wire` of a variant that neither [`StringEnum::VARIANTS`] lists nor is the fallback: the
/// impl is wrong (generated impls list every variant), not the input. Out of line, so that the
/// panic's code is not repeated for every enum.
#[cold]
#[inline(never)]
fn missing_variant() -> ! {
    panic!("a StringEnum variant that VARIANTS does not list and that is not the fallback")
}

/// The position of `value` in `wire_values`, if it is there. Not generic, so compiled once.
fn lookup(wire_values: &[&str], value: &str) -> Option<usize> {
    wire_values.iter().position(|known| *known == value)
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
    Ok(
        match deserializer.deserialize_str(WireVisitor(T::WIRE_VALUES))? {
            Wire::Known(index) => T::VARIANTS[index].clone(),
            Wire::Unknown(value) => T::unknown(value),
        },
    )
}

/// What [`WireVisitor`] found: the position of a known value, or the unknown value itself.
enum Wire {
    Known(usize),
    Unknown(String),
}

/// Reads a string and looks it up in an enum's wire values. Not generic over the enum: every
/// enum of a crate shares this visitor, and so the deserializer's code for it.
struct WireVisitor(&'static [&'static str]);

impl Visitor<'_> for WireVisitor {
    type Value = Wire;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Wire, E> {
        Ok(match lookup(self.0, v) {
            Some(index) => Wire::Known(index),
            None => Wire::Unknown(v.to_owned()),
        })
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Wire, E> {
        Ok(match lookup(self.0, &v) {
            Some(index) => Wire::Known(index),
            None => Wire::Unknown(v),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq)]
    enum Size {
        Small,
        Large,
        Other(String),
    }

    impl StringEnum for Size {
        const VARIANTS: &'static [Self] = &[Size::Small, Size::Large];
        const WIRE_VALUES: &'static [&'static str] = &["S", "L"];

        fn unknown(value: String) -> Self {
            Size::Other(value)
        }

        fn unknown_value(&self) -> Option<&str> {
            match self {
                Size::Other(value) => Some(value),
                _ => None,
            }
        }
    }

    impl<'de> serde::Deserialize<'de> for Size {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize(d)
        }
    }

    #[test]
    fn values_map_to_their_variants_and_back() {
        for (variant, wire) in [(Size::Small, "S"), (Size::Large, "L")] {
            assert_eq!(Size::from_wire(wire), variant);
            assert_eq!(variant.as_wire(), wire);
        }
        assert_eq!(Size::from_wire("XL"), Size::Other("XL".into()));
        assert_eq!(Size::Other("XL".into()).as_wire(), "XL");
        // The fallback holding a known value still reads as that value.
        assert_eq!(Size::Other("S".into()).as_wire(), "S");
    }

    #[test]
    fn decodes_borrowed_owned_and_unknown_strings() {
        let borrowed: Size = serde_json::from_str(r#""L""#).unwrap();
        assert_eq!(borrowed, Size::Large);
        // An escaped string cannot be borrowed from the input.
        let escaped: Size = serde_json::from_str(r#""\u0053""#).unwrap();
        assert_eq!(escaped, Size::Small);
        // `serde_json::Value` hands over an owned `String`.
        let owned: Size = serde_json::from_value(serde_json::json!("XXL")).unwrap();
        assert_eq!(owned, Size::Other("XXL".into()));
        let err = serde_json::from_str::<Size>("1").unwrap_err();
        assert!(err.to_string().contains("expected a string"), "{err}");
    }
}
