//! A JSON value that is either a single item or an array of items.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{
    BoolDeserializer, F64Deserializer, I64Deserializer, MapAccessDeserializer, StrDeserializer,
    StringDeserializer, U64Deserializer, UnitDeserializer,
};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Serialize, Serializer};

/// Either one `T` or an array of them.
///
/// The Connect API documents its 400 bodies as "an array of errors or one error"; this type
/// decodes both and lets callers treat them uniformly with [`iter`](Self::iter).
///
/// Decoding looks at the JSON shape: an array is [`Many`](Self::Many), anything else is handed to
/// `T` as [`One`](Self::One). (So `T` must not itself be a sequence type.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OneOrMany<T> {
    /// A single value.
    One(T),
    /// An array of values (possibly empty).
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    /// The items as a slice: one element for [`One`](Self::One).
    pub fn as_slice(&self) -> &[T] {
        match self {
            OneOrMany::One(one) => std::slice::from_ref(one),
            OneOrMany::Many(many) => many,
        }
    }

    /// Iterates over the items.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.as_slice().iter()
    }

    /// The items as a vector.
    pub fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::One(one) => vec![one],
            OneOrMany::Many(many) => many,
        }
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// True for an empty array.
    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }

    /// The first item, if any.
    pub fn first(&self) -> Option<&T> {
        self.as_slice().first()
    }
}

impl<T> From<T> for OneOrMany<T> {
    fn from(value: T) -> Self {
        OneOrMany::One(value)
    }
}

impl<T> IntoIterator for OneOrMany<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.into_vec().into_iter()
    }
}

impl<'a, T> IntoIterator for &'a OneOrMany<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T: Serialize> Serialize for OneOrMany<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            OneOrMany::One(one) => one.serialize(serializer),
            OneOrMany::Many(many) => many.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(OneOrManyVisitor(PhantomData))
    }
}

/// Dispatches on the JSON shape and hands non-arrays to `T` through serde's value
/// deserializers, so nothing is buffered into a `serde_json::Value` (and error paths recorded by
/// `serde_path_to_error` stay accurate).
struct OneOrManyVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for OneOrManyVisitor<T> {
    type Value = OneOrMany<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or an array of values")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // Capped so a hostile size hint cannot make us pre-allocate a huge vector.
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(OneOrMany::Many(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(OneOrMany::One)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        T::deserialize(StrDeserializer::new(v)).map(OneOrMany::One)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        T::deserialize(StringDeserializer::new(v)).map(OneOrMany::One)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        T::deserialize(BoolDeserializer::new(v)).map(OneOrMany::One)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        T::deserialize(I64Deserializer::new(v)).map(OneOrMany::One)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        T::deserialize(U64Deserializer::new(v)).map(OneOrMany::One)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        T::deserialize(F64Deserializer::new(v)).map(OneOrMany::One)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        T::deserialize(UnitDeserializer::new()).map(OneOrMany::One)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
    struct Problem {
        code: String,
    }

    #[test]
    fn decodes_both_shapes_and_round_trips() {
        let one: OneOrMany<Problem> = serde_json::from_str(r#"{"code":"A"}"#).unwrap();
        assert_eq!(one, OneOrMany::One(Problem { code: "A".into() }));
        assert_eq!(one.len(), 1);
        assert_eq!(one.first().unwrap().code, "A");
        assert_eq!(serde_json::to_string(&one).unwrap(), r#"{"code":"A"}"#);

        let many: OneOrMany<Problem> =
            serde_json::from_str(r#"[{"code":"A"},{"code":"B"}]"#).unwrap();
        assert_eq!(many.len(), 2);
        assert_eq!(
            many.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(),
            ["A", "B"]
        );
        assert_eq!(
            serde_json::to_string(&many).unwrap(),
            r#"[{"code":"A"},{"code":"B"}]"#
        );
        assert_eq!(many.clone().into_vec().len(), 2);

        let empty: OneOrMany<Problem> = serde_json::from_str("[]").unwrap();
        assert!(empty.is_empty());
        assert_eq!(empty.first(), None);
    }

    #[test]
    fn decodes_scalars_and_reports_paths() {
        let n: OneOrMany<u32> = serde_json::from_str("7").unwrap();
        assert_eq!(n.into_vec(), [7]);
        let s: OneOrMany<String> = serde_json::from_str(r#"["a","b"]"#).unwrap();
        assert_eq!(s.into_vec(), ["a", "b"]);

        let de = &mut serde_json::Deserializer::from_str(r#"[{"code":"A"},{"code":1}]"#);
        let err = serde_path_to_error::deserialize::<_, OneOrMany<Problem>>(de).unwrap_err();
        assert_eq!(err.path().to_string(), "[1].code");

        let de = &mut serde_json::Deserializer::from_str(r#"{"code":1}"#);
        let err = serde_path_to_error::deserialize::<_, OneOrMany<Problem>>(de).unwrap_err();
        assert_eq!(err.path().to_string(), "code");
    }
}
