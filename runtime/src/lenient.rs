//! Lenient string decoding: a string field also accepts a JSON number or boolean, as its text.
//!
//! Real specs' own examples send `"houseNumber": 89` for a `type: string` field; a strict decoder
//! would reject the whole response for that.
//!
//! # The mechanism: the [`Lenient`] deserializer adapter
//!
//! [`decode_json`](crate::decode_json) (and so every generated operation) wraps the JSON
//! deserializer in [`Lenient`]. The adapter forwards every request to the deserializer it wraps,
//! with one difference: when the type being decoded asks for an owned string
//! ([`Deserializer::deserialize_string`], which is what `String`, `Option<String>`, `Box<str>`
//! and a `Cow<str>` without `#[serde(borrow)]` ask for) and the input is a number or a boolean,
//! the type is handed the
//! number's or boolean's text. Every nested value (sequence elements, map keys and values,
//! `Some` contents, newtype contents, enum variants) is decoded through the adapter too, so this
//! holds at any depth. Model types therefore need no per-field attribute:
//!
//! ```
//! use openapi_client_runtime::lenient::Lenient;
//! use serde::Deserialize;
//!
//! #[derive(Deserialize)]
//! struct Address {
//!     street: String,
//!     house_number: Option<String>,
//! }
//!
//! let mut json = serde_json::Deserializer::from_str(r#"{"street": "Main", "house_number": 89}"#);
//! let a = Address::deserialize(Lenient(&mut json)).unwrap();
//! assert_eq!(a.house_number.as_deref(), Some("89"));
//! ```
//!
//! Only owned-string targets are lenient. Types that parse their text themselves ask for a
//! borrowed string ([`Deserializer::deserialize_str`]): string enums
//! ([`StringEnum`](crate::StringEnum)), [`DateTime`](crate::DateTime), `chrono::NaiveDate`,
//! `uuid::Uuid`. For them a number is not a plausible spelling of a value, so it stays the same
//! type error as without the adapter, instead of turning into, say, an enum's `Unknown("1")`.
//! Everything else (numbers, booleans, structs, enums, errors and their messages) behaves
//! exactly as with the wrapped deserializer alone, with two exceptions: an array or object sent
//! for a string is reported one column later (inside the bracket rather than on it), as the
//! `deserialize_with` helpers below have always reported it; and a struct is read only from an
//! object (`serde_json` alone also reads an array of the field values in order, which no
//! `type: object` schema means; an array is `invalid type: sequence`).
//!
//! Numbers keep their JSON text for integers; floats are written with Rust's shortest
//! round-trip formatting (so `1.50` becomes `"1.5"`, and `89.0` becomes `"89"`), since
//! `serde_json` does not keep a float's original text.
//!
//! # Where the adapter cannot reach
//!
//! `#[serde(untagged)]` and internally tagged enums, and `#[serde(flatten)]` fields, first buffer
//! the input inside serde and then decode from that buffer with a deserializer serde creates
//! privately, so the adapter does not see those inner decodes: a number sent for a string
//! field *inside* an untagged enum's variant or a flattened value is a type error, as it is
//! without the adapter. (The fields of a struct that has a flattened field are still lenient;
//! only what lands in the flattened field is not.) Generated unions therefore do not use
//! `#[serde(untagged)]`: [`untagged`] buffers the input as a [`serde_json::Value`] and tries each
//! variant on it, strictly first and then through the adapter.
//!
//! # The `deserialize_with` helpers
//!
//! [`string`] and [`option_string`] make one field lenient whatever deserializer is used, for
//! hand-written types decoded with plain `serde_json`:
//!
//! ```
//! #[derive(serde::Deserialize)]
//! struct Address {
//!     #[serde(deserialize_with = "openapi_client_runtime::lenient::string")]
//!     street: String,
//!     // `default` keeps a missing field working: `deserialize_with` is only called when present.
//!     #[serde(default, deserialize_with = "openapi_client_runtime::lenient::option_string")]
//!     house_number: Option<String>,
//! }
//! let a: Address = serde_json::from_str(r#"{"street": "Main", "house_number": 89}"#).unwrap();
//! assert_eq!(a.house_number.as_deref(), Some("89"));
//! ```
//!
//! They compose with the adapter, but generated models do not need them: a per-field
//! `deserialize_with` makes serde's derive emit a wrapper type per field, which is a large
//! share of a generated crate's build time.

use std::cell::Cell;
use std::fmt;

use serde::Deserializer;
use serde::de::{self, DeserializeOwned, DeserializeSeed, EnumAccess, MapAccess, SeqAccess};
use serde::de::{VariantAccess, Visitor};

/// A [`Deserializer`] adapter that lets owned-string targets accept numbers and booleans.
///
/// `Lenient(inner)` decodes exactly like `inner`, except that a type asking for an owned string
/// (`String`, `Option<String>`, ...) is given a number's or boolean's text when the input holds
/// one; see the [module documentation](self) for what is and is not affected. Nested values are
/// decoded through the adapter as well.
///
/// `inner` must support [`Deserializer::deserialize_any`] (be self-describing, as JSON is): that
/// is how the adapter finds out that the input holds a number where a string was asked for.
///
/// It composes with other adapters in either order, for example
/// `serde_path_to_error::deserialize(Lenient(&mut json))`.
#[derive(Debug, Clone, Copy)]
pub struct Lenient<D>(pub D);

/// Decodes `T` from an already parsed JSON value, with the same leniency as [`Lenient`].
///
/// For hand-written `Deserialize` impls that buffer their input and want what they decode from
/// the buffer to be as lenient as everything else (for untagged unions, [`untagged`] does this):
///
/// ```
/// use openapi_client_runtime::lenient;
///
/// #[derive(Debug, PartialEq, serde::Deserialize)]
/// struct Street { name: String }
///
/// let value = serde_json::json!({"name": 42});
/// let street: Street = lenient::from_value(&value).unwrap();
/// assert_eq!(street, Street { name: "42".into() });
/// ```
pub fn from_value<T: DeserializeOwned>(value: &serde_json::Value) -> Result<T, serde_json::Error> {
    T::deserialize(Lenient(value))
}

/// The buffered value of an [`untagged`] union, as each alternative sees it.
#[derive(Debug, Clone, Copy)]
pub struct Buffered<'a> {
    value: &'a serde_json::Value,
    lenient: bool,
}

impl Buffered<'_> {
    /// Decodes the value as `V`, or `None` if it is not one (in this pass: strictly, or with the
    /// leniency of [`Lenient`]).
    pub fn decode<V: DeserializeOwned>(&self) -> Option<V> {
        if self.lenient {
            from_value(self.value).ok()
        } else {
            V::deserialize(self.value).ok()
        }
    }
}

/// One alternative of an [`untagged`] union: decodes the buffered value as this alternative, or
/// says it does not fit.
pub type Alternative<T> = fn(&Buffered<'_>) -> Option<T>;

/// Decodes an untagged union (`oneOf`/`anyOf` without a discriminator): the first alternative
/// that accepts the value wins.
///
/// This is what generated unions use instead of `#[serde(untagged)]`, whose variants serde
/// decodes from a private buffer that the [`Lenient`] adapter cannot reach. Two passes keep
/// leniency from changing which alternative wins: first every alternative is tried strictly, as
/// `#[serde(untagged)]` would, so that `5` is an integer alternative rather than the text of a
/// string alternative listed before it; only if none fits is each tried again with the
/// adapter's leniency (a number sent for a string field inside an alternative). When no
/// alternative fits, the error names the union, as serde's does; the path points at the union.
///
/// ```
/// use openapi_client_runtime::lenient;
///
/// #[derive(Debug, PartialEq, serde::Deserialize)]
/// struct Street { name: String }
///
/// #[derive(Debug, PartialEq)]
/// enum Place { Label(String), Code(i64), Street(Street) }
///
/// impl<'de> serde::Deserialize<'de> for Place {
///     fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
///         lenient::untagged(deserializer, "Place", &[
///             |value| value.decode().map(Place::Label),
///             |value| value.decode().map(Place::Code),
///             |value| value.decode().map(Place::Street),
///         ])
///     }
/// }
///
/// // An exact fit wins over a lenient one listed earlier.
/// assert_eq!(serde_json::from_str::<Place>("7").unwrap(), Place::Code(7));
/// assert_eq!(serde_json::from_str::<Place>(r#""7""#).unwrap(), Place::Label("7".into()));
/// // Leniency inside an alternative, when nothing fits exactly.
/// assert_eq!(
///     serde_json::from_str::<Place>(r#"{"name": 42}"#).unwrap(),
///     Place::Street(Street { name: "42".into() }),
/// );
/// // Lenient all the same: a boolean is the text of the `Label` alternative.
/// assert_eq!(serde_json::from_str::<Place>("true").unwrap(), Place::Label("true".into()));
/// let err = serde_json::from_str::<Place>("[]").unwrap_err();
/// assert_eq!(err.to_string(), "data did not match any variant of untagged enum Place");
/// ```
pub fn untagged<'de, D, T>(
    deserializer: D,
    name: &str,
    alternatives: &[Alternative<T>],
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
    [false, true]
        .into_iter()
        .find_map(|lenient| {
            let buffered = Buffered {
                value: &value,
                lenient,
            };
            alternatives
                .iter()
                .find_map(|alternative| alternative(&buffered))
        })
        .ok_or_else(|| {
            de::Error::custom(format_args!(
                "data did not match any variant of untagged enum {name}"
            ))
        })
}

/// Calls the forwarding macro `$forward` with every `Deserializer` method but
/// `deserialize_string` (the one request the adapter changes) and `deserialize_struct` (which
/// the adapter reads as a map), each as `name(extra args);`. The adapter's three deserializers
/// forward the same list; each adds those two.
macro_rules! every_deserialize_but_string {
    ($forward:ident) => {
        $forward! {
            deserialize_any();
            deserialize_bool();
            deserialize_i8();
            deserialize_i16();
            deserialize_i32();
            deserialize_i64();
            deserialize_i128();
            deserialize_u8();
            deserialize_u16();
            deserialize_u32();
            deserialize_u64();
            deserialize_u128();
            deserialize_f32();
            deserialize_f64();
            deserialize_char();
            deserialize_str();
            deserialize_bytes();
            deserialize_byte_buf();
            deserialize_option();
            deserialize_unit();
            deserialize_unit_struct(name: &'static str);
            deserialize_newtype_struct(name: &'static str);
            deserialize_seq();
            deserialize_tuple(len: usize);
            deserialize_tuple_struct(name: &'static str, len: usize);
            deserialize_map();
            deserialize_enum(name: &'static str, variants: &'static [&'static str]);
            deserialize_identifier();
            deserialize_ignored_any();
        }
    };
}

/// Forwards each `Deserializer` method of [`Lenient`] to the adapter proper.
macro_rules! lenient_forward {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        #[inline]
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            Adapter::untracked(self.0).$method($($arg,)* visitor)
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Lenient<D> {
    type Error = D::Error;

    every_deserialize_but_string!(lenient_forward);
    lenient_forward! {
        deserialize_string();
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

// ---------------------------------------------------------------------------------------------
// The adapter proper, with optional path tracking.
//
// `decode_json` decodes a body once without tracking and, only if that fails, once more with
// tracking to name the failing field. Both passes must use the *same* deserializer type: each
// type a model is decoded with is another copy of the model's whole `Deserialize` code in the
// generated crate, and a second copy (a `serde_path_to_error::Deserializer` in the error pass)
// measured +97% LLVM IR for the largest generated crate. So tracking is a runtime switch inside one
// adapter type: every wrapper carries a `Ctx`, a null pointer on the fast path, where the cost
// is passing it along and a few predictable branches (measured: ~5% more instructions than the
// adapter without tracking; see BENCHMARKS.md).
//
// The code is also shaped for the generated crates' build time, since all of it is
// instantiated there once per visitor or seed type: no `map_err` closures (each would be one
// more function per type), everything that does not depend on the type (recording a path,
// copying a key) in non-generic functions, and failures noted only where the position changes:
// by the seed that decodes a sequence element, map value or variant's contents, by the map for
// its keys and by the variant access for itself. (A failure anywhere else propagates to the
// seed or variant that created the position, which notes the same path; at the top the path
// is `.` anyway.)
//
// The paths are those `serde_path_to_error` 0.1 reports (same segments, same text), which the
// tests check by decoding the same erroneous documents with both. (One difference: a failure
// that a `Deserialize` impl catches and recovers from leaves no trace here, while
// `serde_path_to_error` keeps its path and may report it for a later, unrelated failure.)

/// Decodes `T` leniently from `de`; with `track`, records in it where decoding failed.
pub(crate) fn deserialize<'de, D, T>(de: D, track: Option<&Track>) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: de::Deserialize<'de>,
{
    let root;
    let ctx = match track {
        Some(track) => {
            root = Node {
                chain: Chain::Root,
                track,
            };
            Ctx(Some(&root))
        }
        None => Ctx(None),
    };
    T::deserialize(Adapter { de, ctx })
}

/// Where a failed decode failed, in `serde_path_to_error`'s notation (`items[1].id`, `.` for
/// the document itself, `?` for a map key that is not a string).
pub(crate) struct Track {
    path: Cell<Option<String>>,
}

impl Track {
    pub(crate) fn new() -> Self {
        Track {
            path: Cell::new(None),
        }
    }

    /// The path recorded by the innermost failure, or `.`.
    pub(crate) fn into_path(self) -> String {
        self.path.into_inner().unwrap_or_else(|| ".".to_owned())
    }

    /// Records `chain` unless a more deeply nested failure already recorded its own: errors
    /// propagate outwards, so the first record is the innermost.
    fn record(&self, chain: &Chain<'_>) {
        let path = match self.path.take() {
            Some(recorded) => recorded,
            None => chain.render(),
        };
        self.path.set(Some(path));
    }
}

/// The position being decoded, innermost first. Each link lives on the stack of the call that
/// decodes inside it, and borrows the key it names from there.
#[derive(Clone, Copy)]
enum Chain<'a> {
    Root,
    Seq {
        parent: &'a Chain<'a>,
        index: usize,
    },
    /// A map value or an enum variant's contents, named by the key or variant; `None` when that
    /// was not a string (or not read), shown as `?`.
    Named {
        parent: &'a Chain<'a>,
        name: Option<&'a str>,
    },
}

impl Chain<'_> {
    fn render(&self) -> String {
        let mut links = Vec::new();
        let mut link = self;
        while let Chain::Seq { parent, .. } | Chain::Named { parent, .. } = link {
            links.push(link);
            link = parent;
        }
        if links.is_empty() {
            return ".".to_owned();
        }
        let mut path = String::new();
        for (i, link) in links.iter().rev().enumerate() {
            match link {
                Chain::Seq { index, .. } => {
                    path.push('[');
                    path.push_str(&index.to_string());
                    path.push(']');
                }
                Chain::Named { name, .. } => {
                    if i > 0 {
                        path.push('.');
                    }
                    path.push_str(name.unwrap_or("?"));
                }
                Chain::Root => {}
            }
        }
        path
    }
}

/// Where the value being decoded sits, when tracking; `None` on the fast path, where it is
/// one null pointer to pass along and no chain is built.
#[derive(Clone, Copy)]
struct Ctx<'a>(Option<&'a Node<'a>>);

/// A position and the tracker to record it in.
struct Node<'a> {
    chain: Chain<'a>,
    track: &'a Track,
}

/// The context of a value nested in `$ctx` at `$chain` (which may name `$parent`, the outer
/// position), storing the new node in `$node`, a local of the caller.
macro_rules! nested {
    ($ctx:expr, $node:ident, |$parent:ident| $chain:expr) => {
        match $ctx.0 {
            Some(outer) => {
                let $parent = &outer.chain;
                $node = Node {
                    chain: $chain,
                    track: outer.track,
                };
                Ctx(Some(&$node))
            }
            None => Ctx(None),
        }
    };
}

/// Records `ctx`'s position as where decoding failed, when tracking.
#[cold]
fn note(ctx: Ctx<'_>) {
    if let Some(node) = ctx.0 {
        node.track.record(&node.chain);
    }
}

/// Records a failure to decode a map key, named by the key's text if it was read.
#[cold]
fn note_key(ctx: Ctx<'_>, key: Option<String>) {
    if let Some(node) = ctx.0 {
        node.track.record(&Chain::Named {
            parent: &node.chain,
            name: key.as_deref(),
        });
    }
}

/// Stores a key's text.
#[cold]
fn capture(slot: &mut Option<String>, text: &dyn fmt::Display) {
    *slot = Some(text.to_string());
}

/// `$call`, after noting `$ctx` as where it failed if it did. A macro rather than `map_err`:
/// see the top of this section.
macro_rules! tracked {
    ($ctx:expr, $call:expr) => {
        match $call {
            Ok(value) => Ok(value),
            Err(err) => {
                note($ctx);
                Err(err)
            }
        }
    };
}

/// The adapter: [`Lenient`] plus optional path tracking.
struct Adapter<'a, D> {
    de: D,
    ctx: Ctx<'a>,
}

impl<D> Adapter<'_, D> {
    fn untracked(de: D) -> Self {
        Adapter { de, ctx: Ctx(None) }
    }
}

/// Forwards `deserialize_*` methods to the wrapped deserializer with the visitor wrapped.
macro_rules! forward_deserialize {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        #[inline]
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            self.de.$method($($arg,)* LenientVisitor { visitor, ctx: self.ctx })
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Adapter<'_, D> {
    type Error = D::Error;

    every_deserialize_but_string!(forward_deserialize);

    /// The one lenient request. `deserialize_any` makes the input say what it holds, which for a
    /// string is the same call (`visit_str` / `visit_borrowed_str`) `deserialize_string` makes,
    /// and for anything else the same `invalid type` error once the target's visitor refuses it.
    #[inline]
    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.de.deserialize_any(NumberAsText {
            visitor,
            ctx: self.ctx,
        })
    }

    /// A struct is read as what its schema says it is, a JSON object: `deserialize_map`.
    /// (`serde_json`'s `deserialize_struct` would also take an array of the field values in
    /// order, which no schema means; that second way costs every model a `visit_seq` and the
    /// larger `deserialize_struct` compiled into the generated crate, about a tenth of its
    /// code.) The visitor is the derived struct visitor, which reads a map the same either way.
    #[inline]
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.de.deserialize_map(LenientVisitor {
            visitor,
            ctx: self.ctx,
        })
    }

    fn is_human_readable(&self) -> bool {
        self.de.is_human_readable()
    }
}

/// Forwards `visit_*` methods that carry a plain value to the wrapped visitor unchanged.
macro_rules! forward_visit {
    ($($method:ident($ty:ty);)*) => {$(
        #[inline]
        fn $method<E: de::Error>(self, v: $ty) -> Result<V::Value, E> {
            self.visitor.$method(v)
        }
    )*};
}

/// Forwards the `visit_*` methods that hand over a deserializer or an access, wrapping it so
/// that what is decoded from it goes through the adapter too.
macro_rules! forward_visit_nested {
    () => {
        #[inline]
        fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
            self.visitor.visit_none()
        }

        #[inline]
        fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
            let ctx = self.ctx;
            self.visitor.visit_some(Adapter {
                de: deserializer,
                ctx,
            })
        }

        #[inline]
        fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
            self.visitor.visit_unit()
        }

        #[inline]
        fn visit_newtype_struct<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<V::Value, D::Error> {
            let ctx = self.ctx;
            self.visitor.visit_newtype_struct(Adapter {
                de: deserializer,
                ctx,
            })
        }

        #[inline]
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
            self.visitor.visit_seq(LenientSeq {
                access: seq,
                ctx: self.ctx,
                index: 0,
            })
        }

        #[inline]
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
            self.visitor.visit_map(LenientMap {
                access: map,
                ctx: self.ctx,
                key: None,
            })
        }

        #[inline]
        fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
            self.visitor.visit_enum(LenientEnum {
                access: data,
                ctx: self.ctx,
            })
        }
    };
}

/// Wraps the visitor of every request but `deserialize_string`: passes every value through
/// unchanged and wraps nested deserializers and accesses.
struct LenientVisitor<'a, V> {
    visitor: V,
    ctx: Ctx<'a>,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for LenientVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    forward_visit! {
        visit_bool(bool);
        visit_i8(i8);
        visit_i16(i16);
        visit_i32(i32);
        visit_i64(i64);
        visit_i128(i128);
        visit_u8(u8);
        visit_u16(u16);
        visit_u32(u32);
        visit_u64(u64);
        visit_u128(u128);
        visit_f32(f32);
        visit_f64(f64);
        visit_char(char);
        visit_str(&str);
        visit_borrowed_str(&'de str);
        visit_string(String);
        visit_bytes(&[u8]);
        visit_borrowed_bytes(&'de [u8]);
        visit_byte_buf(Vec<u8>);
    }

    forward_visit_nested!();
}

/// The visitor of a `deserialize_string` request: numbers and booleans arrive as their text,
/// everything else as it is.
///
/// The text is handed over with `visit_string` so that a `String` target takes the allocation
/// instead of copying it (visitors without `visit_string` get `visit_str`, serde's default).
struct NumberAsText<'a, V> {
    visitor: V,
    ctx: Ctx<'a>,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for NumberAsText<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<V::Value, E> {
        self.visitor.visit_str(if v { "true" } else { "false" })
    }

    // Smaller integers arrive through serde's defaults for these methods, which widen to
    // `visit_i64` / `visit_u64`.

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<V::Value, E> {
        self.visitor.visit_string(v.to_string())
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<V::Value, E> {
        self.visitor.visit_string(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<V::Value, E> {
        self.visitor.visit_string(v.to_string())
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<V::Value, E> {
        self.visitor.visit_string(v.to_string())
    }

    fn visit_f32<E: de::Error>(self, v: f32) -> Result<V::Value, E> {
        self.visitor.visit_string(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<V::Value, E> {
        self.visitor.visit_string(v.to_string())
    }

    forward_visit! {
        visit_char(char);
        visit_str(&str);
        visit_borrowed_str(&'de str);
        visit_string(String);
        visit_bytes(&[u8]);
        visit_borrowed_bytes(&'de [u8]);
        visit_byte_buf(Vec<u8>);
    }

    forward_visit_nested!();
}

/// Wraps a seed so that it decodes through the adapter.
struct LenientSeed<'a, S> {
    seed: S,
    ctx: Ctx<'a>,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for LenientSeed<'_, S> {
    type Value = S::Value;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        let ctx = self.ctx;
        tracked!(
            ctx,
            self.seed.deserialize(Adapter {
                de: deserializer,
                ctx,
            })
        )
    }
}

/// Wraps a `SeqAccess`; counts elements to name them when tracking.
struct LenientSeq<'a, A> {
    access: A,
    ctx: Ctx<'a>,
    index: usize,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for LenientSeq<'_, A> {
    type Error = A::Error;

    #[inline]
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        let index = self.index;
        // Wrapping: no overflow check (and its panic path) per instantiation; 2^64 elements
        // do not fit in memory anyway.
        self.index = index.wrapping_add(1);
        let node;
        let ctx = nested!(self.ctx, node, |parent| Chain::Seq { parent, index });
        self.access.next_element_seed(LenientSeed { seed, ctx })
    }

    fn size_hint(&self) -> Option<usize> {
        self.access.size_hint()
    }
}

/// Wraps a `MapAccess`; remembers the last key's text to name its value when tracking.
struct LenientMap<'a, A> {
    access: A,
    ctx: Ctx<'a>,
    /// The key just read, when tracking.
    key: Option<String>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for LenientMap<'_, A> {
    type Error = A::Error;

    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let slot = match self.ctx.0 {
            Some(_) => {
                // Forget the previous key, so a failure before this one is read is `?`.
                self.key = None;
                Some(&mut self.key)
            }
            None => None,
        };
        match self.access.next_key_seed(KeySeed { seed, slot }) {
            Ok(key) => Ok(key),
            Err(err) => {
                // A failure reading the key is reported on the key.
                note_key(self.ctx, self.key.take());
                Err(err)
            }
        }
    }

    #[inline]
    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        // The key stays in `self.key` (and is replaced by the next one), so that nothing needs
        // dropping here after the call: a drop would mean unwinding code per instantiation.
        let node;
        let ctx = nested!(self.ctx, node, |parent| Chain::Named {
            parent,
            name: self.key.as_deref(),
        });
        self.access.next_value_seed(LenientSeed { seed, ctx })
    }

    // `next_entry_seed` keeps serde's default (key, then value) so both go through the methods
    // above; serde_json does not override it either.

    fn size_hint(&self) -> Option<usize> {
        self.access.size_hint()
    }
}

/// Wraps an `EnumAccess`; remembers the variant name to name its contents when tracking.
struct LenientEnum<'a, A> {
    access: A,
    ctx: Ctx<'a>,
}

impl<'a, 'de, A: EnumAccess<'de>> EnumAccess<'de> for LenientEnum<'a, A> {
    type Error = A::Error;
    type Variant = LenientVariant<'a, A::Variant>;

    #[inline]
    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Self::Variant), A::Error> {
        let mut name = None;
        // Not `Option::map`: a closure would be one more function per instantiation.
        let slot = if self.ctx.0.is_some() {
            Some(&mut name)
        } else {
            None
        };
        match self.access.variant_seed(KeySeed { seed, slot }) {
            Ok((tag, access)) => Ok((
                tag,
                LenientVariant {
                    access,
                    ctx: self.ctx,
                    name,
                },
            )),
            Err(err) => Err(err),
        }
    }
}

/// Wraps a `VariantAccess`; its contents are named by the variant.
struct LenientVariant<'a, A> {
    access: A,
    /// The enum's position.
    ctx: Ctx<'a>,
    /// The variant's name, when tracking.
    name: Option<String>,
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for LenientVariant<'_, A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        let node;
        let ctx = nested!(self.ctx, node, |parent| Chain::Named {
            parent,
            name: self.name.as_deref(),
        });
        tracked!(ctx, self.access.unit_variant())
    }

    #[inline]
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        let node;
        let ctx = nested!(self.ctx, node, |parent| Chain::Named {
            parent,
            name: self.name.as_deref(),
        });
        tracked!(
            ctx,
            self.access.newtype_variant_seed(LenientSeed { seed, ctx })
        )
    }

    #[inline]
    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        let node;
        let ctx = nested!(self.ctx, node, |parent| Chain::Named {
            parent,
            name: self.name.as_deref(),
        });
        tracked!(
            ctx,
            self.access
                .tuple_variant(len, LenientVisitor { visitor, ctx })
        )
    }

    #[inline]
    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        let node;
        let ctx = nested!(self.ctx, node, |parent| Chain::Named {
            parent,
            name: self.name.as_deref(),
        });
        tracked!(
            ctx,
            self.access
                .struct_variant(fields, LenientVisitor { visitor, ctx })
        )
    }
}

/// The seed of a map key or variant name: decoded as is (keys are text in JSON), its text
/// copied into `slot` when tracking, as `serde_path_to_error` does (strings, booleans and
/// integers; anything else leaves the key unnamed).
struct KeySeed<'a, S> {
    seed: S,
    slot: Option<&'a mut Option<String>>,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for KeySeed<'_, S> {
    type Value = S::Value;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(KeyDeserializer {
            de: deserializer,
            slot: self.slot,
        })
    }
}

struct KeyDeserializer<'a, D> {
    de: D,
    slot: Option<&'a mut Option<String>>,
}

/// Forwards `deserialize_*` methods of [`KeyDeserializer`] with the visitor wrapped.
macro_rules! forward_key_deserialize {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        #[inline]
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            self.de.$method($($arg,)* KeyVisitor { visitor, slot: self.slot })
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for KeyDeserializer<'_, D> {
    type Error = D::Error;

    every_deserialize_but_string!(forward_key_deserialize);
    forward_key_deserialize! {
        deserialize_string();
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
    }

    fn is_human_readable(&self) -> bool {
        self.de.is_human_readable()
    }
}

struct KeyVisitor<'a, V> {
    visitor: V,
    slot: Option<&'a mut Option<String>>,
}

/// Forwards `visit_*` methods of [`KeyVisitor`], copying the value's text into the slot.
macro_rules! forward_visit_captured {
    ($($method:ident($ty:ty);)*) => {$(
        #[inline]
        fn $method<E: de::Error>(self, v: $ty) -> Result<V::Value, E> {
            if let Some(slot) = self.slot {
                capture(slot, &v);
            }
            self.visitor.$method(v)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for KeyVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    forward_visit_captured! {
        visit_bool(bool);
        visit_i8(i8);
        visit_i16(i16);
        visit_i32(i32);
        visit_i64(i64);
        visit_i128(i128);
        visit_u8(u8);
        visit_u16(u16);
        visit_u32(u32);
        visit_u64(u64);
        visit_u128(u128);
        visit_str(&str);
        visit_borrowed_str(&'de str);
        visit_string(String);
    }

    forward_visit! {
        visit_f32(f32);
        visit_f64(f64);
        visit_char(char);
        visit_bytes(&[u8]);
        visit_borrowed_bytes(&'de [u8]);
        visit_byte_buf(Vec<u8>);
    }

    // Keys are scalars in JSON; anything nested is passed on as is, unnamed.

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.visitor.visit_none()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.visitor.visit_some(deserializer)
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.visitor.visit_unit()
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<V::Value, D::Error> {
        self.visitor.visit_newtype_struct(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(map)
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_enum(data)
    }
}

// ---------------------------------------------------------------------------------------------
// Per-field `deserialize_with` helpers.
//
// Generated models no longer use these (the `Lenient` adapter of `decode_json`/`from_json`
// makes every string field lenient). They stay public for hand-written types decoded by plain
// `serde_json` (a webhook framework's extractor, a cache), where the adapter is not in the path;
// `tests/models.rs` tests them that way.

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

    #[test]
    fn helpers_compose_with_the_adapter() {
        let json = r#"{"s": 1, "o": 2}"#;
        let m = Model::deserialize(super::Lenient(&mut serde_json::Deserializer::from_str(
            json,
        )))
        .unwrap();
        assert_eq!((m.s.as_str(), m.o.as_deref()), ("1", Some("2")));
    }
}

/// The [`Lenient`](super::Lenient) adapter.
#[cfg(test)]
mod adapter_tests {
    use std::borrow::Cow;
    use std::collections::{BTreeMap, HashMap};

    use serde::Deserialize;
    use serde::de::DeserializeOwned;

    use super::{Lenient, from_value};
    use crate::{DateTime, StringEnum};

    /// Decodes through the adapter.
    fn lenient<T: DeserializeOwned>(json: &str) -> Result<T, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(json);
        let value = T::deserialize(Lenient(&mut de))?;
        de.end()?;
        Ok(value)
    }

    /// Decodes without it, for comparison.
    fn strict<T: DeserializeOwned>(json: &str) -> Result<T, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(rename_all = "camelCase")]
    struct Address {
        street: String,
        house_number: Option<String>,
        #[serde(default)]
        zip: Option<String>,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Customer {
        id: i64,
        name: String,
        addresses: Vec<Address>,
        #[serde(default)]
        tags: Option<Vec<Option<String>>>,
        #[serde(default)]
        by_kind: BTreeMap<String, Address>,
        #[serde(default)]
        nested: Option<Box<Customer>>,
    }

    #[test]
    fn numbers_and_bools_become_text_at_any_depth() {
        let json = r#"{
            "id": 1, "name": 1001,
            "addresses": [
                {"street": "Main", "houseNumber": 89},
                {"street": true, "houseNumber": 12.5, "zip": 1.50}
            ],
            "tags": [7, null, "x", false],
            "by_kind": {"home": {"street": -3, "houseNumber": 18446744073709551615}},
            "nested": {"id": 2, "name": 89.0, "addresses": [{"street": 1e3, "houseNumber": null}]}
        }"#;
        let c: Customer = lenient(json).unwrap();
        assert_eq!(c.name, "1001");
        assert_eq!(c.addresses[0].house_number.as_deref(), Some("89"));
        assert_eq!(c.addresses[1].street, "true");
        assert_eq!(c.addresses[1].house_number.as_deref(), Some("12.5"));
        assert_eq!(c.addresses[1].zip.as_deref(), Some("1.5"));
        assert_eq!(
            c.tags,
            Some(vec![
                Some("7".into()),
                None,
                Some("x".into()),
                Some("false".into())
            ])
        );
        let home = &c.by_kind["home"];
        assert_eq!(home.street, "-3");
        assert_eq!(home.house_number.as_deref(), Some("18446744073709551615"));
        let nested = c.nested.unwrap();
        assert_eq!(nested.name, "89");
        assert_eq!(nested.addresses[0].street, "1000");
        assert_eq!(nested.addresses[0].house_number, None);
        // Without the adapter the same document is rejected.
        assert!(strict::<Customer>(json).is_err());
    }

    #[test]
    fn map_values_tuples_and_newtypes_are_lenient() {
        let m: HashMap<String, String> = lenient(r#"{"a": 1, "b": "two"}"#).unwrap();
        assert_eq!((m["a"].as_str(), m["b"].as_str()), ("1", "two"));
        // Integer map keys still parse as integers (serde_json sends keys as strings).
        let m: BTreeMap<i64, Vec<String>> = lenient(r#"{"5": [1, true]}"#).unwrap();
        assert_eq!(m[&5], ["1", "true"]);
        let t: (String, i64, Box<str>) = lenient(r#"[1, 2, 3]"#).unwrap();
        assert_eq!(t, ("1".into(), 2, "3".into()));

        #[derive(Deserialize, Debug, PartialEq)]
        struct Code(String);
        let c: Vec<Code> = lenient(r#"[42, "x"]"#).unwrap();
        assert_eq!(c, [Code("42".into()), Code("x".into())]);
        let c: Cow<'static, str> = lenient("7").unwrap();
        assert_eq!(c, "7");
    }

    #[test]
    fn externally_tagged_enums_are_lenient_inside() {
        #[derive(Deserialize, Debug, PartialEq)]
        enum E {
            Unit,
            Newtype(String),
            Tuple(i64, String),
            Struct { x: String, n: u8 },
        }
        let e: Vec<E> = lenient(
            r#"["Unit", {"Newtype": 5}, {"Tuple": [1, 2]}, {"Struct": {"x": false, "n": 3}}]"#,
        )
        .unwrap();
        assert_eq!(
            e,
            [
                E::Unit,
                E::Newtype("5".into()),
                E::Tuple(1, "2".into()),
                E::Struct {
                    x: "false".into(),
                    n: 3
                }
            ]
        );
        // Unknown variants and wrong shapes fail as before.
        for json in [r#""Nope""#, r#"{"Tuple": [1]}"#, r#"{"Unit": 1}"#, "5"] {
            assert_same_error::<E>(json);
        }
    }

    #[test]
    fn untagged_enums_decode_as_before() {
        #[derive(Deserialize, Debug, PartialEq)]
        #[serde(untagged)]
        enum U {
            Int(i64),
            Text(String),
            Pair { a: String, b: Option<bool> },
        }
        for json in [
            r#"5"#,
            r#""x""#,
            r#"{"a": "y", "b": true}"#,
            r#"{"a": "y"}"#,
        ] {
            assert_eq!(
                lenient::<U>(json).unwrap(),
                strict::<U>(json).unwrap(),
                "{json}"
            );
        }
        // 5 still picks the integer variant, not the text one.
        assert_eq!(lenient::<U>("5").unwrap(), U::Int(5));
        // serde buffers an untagged enum's input and decodes its variants privately, out of the
        // adapter's reach: a number for a string field inside a variant stays an error.
        for json in ["true", r#"{"a": 1}"#, "[1]"] {
            assert_same_error::<U>(json);
        }
    }

    #[test]
    fn internally_tagged_enums_decode_as_before() {
        #[derive(Deserialize, Debug, PartialEq)]
        #[serde(tag = "type")]
        enum T {
            A { x: String },
            B,
        }
        for json in [r#"{"type": "A", "x": "1"}"#, r#"{"type": "B", "extra": 1}"#] {
            assert_eq!(
                lenient::<T>(json).unwrap(),
                strict::<T>(json).unwrap(),
                "{json}"
            );
        }
        for json in [r#"{"type": "C"}"#, r#"{"x": "1"}"#] {
            assert_same_error::<T>(json);
        }
    }

    #[test]
    fn flatten_collects_unknown_fields_and_keeps_known_ones_lenient() {
        #[derive(Deserialize, Debug, PartialEq)]
        #[serde(rename_all = "camelCase")]
        struct WithExtra {
            name: String,
            #[serde(flatten)]
            additional_properties: BTreeMap<String, serde_json::Value>,
        }
        let w: WithExtra = lenient(r#"{"name": 7, "a": [1, {"b": null}], "c": 2.5}"#).unwrap();
        assert_eq!(w.name, "7");
        assert_eq!(
            w.additional_properties,
            BTreeMap::from([
                ("a".to_owned(), serde_json::json!([1, {"b": null}])),
                ("c".to_owned(), serde_json::json!(2.5)),
            ])
        );

        #[derive(Deserialize, Debug, PartialEq)]
        struct Inner {
            x: i64,
        }
        #[derive(Deserialize, Debug, PartialEq)]
        struct Outer {
            s: String,
            #[serde(flatten)]
            inner: Inner,
            #[serde(flatten)]
            maybe: Option<Inner2>,
        }
        #[derive(Deserialize, Debug, PartialEq)]
        struct Inner2 {
            y: bool,
        }
        let json = r#"{"s": "t", "x": 3, "y": true}"#;
        assert_eq!(
            lenient::<Outer>(json).unwrap(),
            strict::<Outer>(json).unwrap()
        );
        let json = r#"{"s": "t", "x": 3}"#;
        assert_eq!(
            lenient::<Outer>(json).unwrap(),
            strict::<Outer>(json).unwrap()
        );
        assert_same_error::<Outer>(r#"{"s": "t", "x": "3"}"#);
    }

    #[test]
    fn unknown_fields_are_ignored() {
        let json = r#"{"street": "Main", "houseNumber": 1, "extra": {"deep": [1, "2", {"x": null}]},
                       "more": [true, 1.5e300], "last": "x"}"#;
        let a: Address = lenient(json).unwrap();
        assert_eq!(a.house_number.as_deref(), Some("1"));

        #[derive(Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Strict {
            a: String,
        }
        assert_same_error::<Strict>(r#"{"a": "x", "b": 1}"#);
    }

    #[test]
    fn non_string_targets_are_unaffected() {
        #[derive(Deserialize, Debug, PartialEq)]
        #[allow(dead_code)]
        struct Numbers {
            i: i64,
            u: Option<u8>,
            f: f64,
            b: bool,
            list: Vec<i32>,
        }
        let ok = r#"{"i": -1, "u": 255, "f": 2, "b": false, "list": [1, 2]}"#;
        assert_eq!(
            lenient::<Numbers>(ok).unwrap(),
            strict::<Numbers>(ok).unwrap()
        );
        for json in [
            r#"{"i": "abc", "u": 1, "f": 1, "b": true, "list": []}"#,
            r#"{"i": "1", "u": 1, "f": 1, "b": true, "list": []}"#,
            r#"{"i": 1, "u": 256, "f": 1, "b": true, "list": []}"#,
            r#"{"i": 1, "u": 1, "f": "1.5", "b": true, "list": []}"#,
            r#"{"i": 1, "u": 1, "f": 1, "b": "true", "list": []}"#,
            r#"{"i": 1, "u": 1, "f": 1, "b": 1, "list": []}"#,
            r#"{"i": 1, "u": 1, "f": 1, "b": true, "list": ["1"]}"#,
            r#"{"i": 1.5, "u": 1, "f": 1, "b": true, "list": []}"#,
            r#"{"i": 1, "u": 1, "f": 1, "b": true}"#,
            r#"{"i": 1, "u": 1, "f": 1, "b": true, "list": [] "#,
        ] {
            assert_same_error::<Numbers>(json);
        }
    }

    #[test]
    fn text_parsing_targets_stay_strict() {
        #[derive(Debug, Clone, PartialEq)]
        enum Status {
            Active,
            Unknown(String),
        }
        impl StringEnum for Status {
            const VARIANTS: &'static [Self] = &[Status::Active];
            const WIRE_VALUES: &'static [&'static str] = &["ACTIVE"];
            fn unknown(value: String) -> Self {
                Status::Unknown(value)
            }
            fn unknown_value(&self) -> Option<&str> {
                match self {
                    Status::Unknown(value) => Some(value),
                    _ => None,
                }
            }
        }
        impl<'de> Deserialize<'de> for Status {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                crate::string_enum::deserialize(d)
            }
        }
        assert_eq!(lenient::<Status>(r#""ACTIVE""#).unwrap(), Status::Active);
        assert_eq!(
            lenient::<Status>(r#""NEW""#).unwrap(),
            Status::Unknown("NEW".into())
        );
        assert_same_error::<Status>("1");
        assert_same_error::<Status>("true");
        assert_same_error::<DateTime>("20240613");
        assert_same_error::<chrono::NaiveDate>("20240613");
        assert_same_error::<uuid::Uuid>("123");
        assert_eq!(
            lenient::<DateTime>(r#""2024-06-13T10:33:00Z""#)
                .unwrap()
                .as_str(),
            "2024-06-13T10:33:00Z"
        );
    }

    #[test]
    fn string_targets_reject_other_shapes_with_the_same_errors() {
        for json in ["null", "nul", "\"open", "tru", "-", "1.5e999"] {
            assert_same_error::<String>(json);
        }
        for json in ["tru", "1e999"] {
            assert_same_error::<Option<String>>(json);
        }
        // An array or object given to a string target is reported one column later than
        // serde_json's own `deserialize_string` does (just inside the bracket rather than on
        // it), because finding out that the input is not a number means reading it with
        // `deserialize_any`. That is exactly what the `deserialize_with` helpers report too.
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct WithHelper(#[serde(deserialize_with = "super::string")] String);
        for json in ["[1]", "{}", r#"{"a": 1}"#, "[]"] {
            let adapter = lenient::<String>(json).unwrap_err().to_string();
            let plain = strict::<String>(json).unwrap_err().to_string();
            let helper = strict::<WithHelper>(json).unwrap_err().to_string();
            assert_eq!(
                without_position(&adapter),
                without_position(&plain),
                "{json}"
            );
            assert_eq!(
                position(&adapter),
                position(&helper),
                "{json}: {adapter} / {helper}"
            );
        }
    }

    fn without_position(message: &str) -> &str {
        message.rsplit_once(" at line ").map_or(message, |(m, _)| m)
    }

    fn position(message: &str) -> &str {
        message.rsplit_once(" at line ").map_or("", |(_, p)| p)
    }

    #[test]
    fn borrowed_strings_stay_borrowed() {
        #[derive(Deserialize)]
        struct Borrowing<'a> {
            #[serde(borrow)]
            s: &'a str,
            #[serde(borrow)]
            c: Cow<'a, str>,
        }
        let json = r#"{"s": "abc", "c": "def"}"#;
        let b =
            Borrowing::deserialize(Lenient(&mut serde_json::Deserializer::from_str(json))).unwrap();
        assert_eq!(b.s, "abc");
        // `#[serde(borrow)]` makes a `Cow` ask for a borrowed string too.
        assert!(matches!(b.c, Cow::Borrowed("def")));
    }

    #[test]
    fn path_to_error_composes_in_either_order() {
        let json = r#"{"id": 1, "name": 2, "addresses": [{"street": 1}, {"street": [], "houseNumber": 3}]}"#;
        let mut de = serde_json::Deserializer::from_str(json);
        let err = serde_path_to_error::deserialize::<_, Customer>(Lenient(&mut de)).unwrap_err();
        assert_eq!(err.path().to_string(), "addresses[1].street");

        let mut de = serde_json::Deserializer::from_str(json);
        let err = Customer::deserialize(Lenient(serde_path_to_error::Deserializer::new(
            &mut de,
            &mut serde_path_to_error::Track::new(),
        )));
        assert!(err.is_err());
        let mut track = serde_path_to_error::Track::new();
        let mut de = serde_json::Deserializer::from_str(json);
        let result = Customer::deserialize(Lenient(serde_path_to_error::Deserializer::new(
            &mut de, &mut track,
        )));
        assert!(result.is_err());
        assert_eq!(track.path().to_string(), "addresses[1].street");

        // And leniency is unaffected by the tracking.
        let ok = r#"{"id": 1, "name": 2, "addresses": [{"street": 1, "houseNumber": 3}]}"#;
        let mut de = serde_json::Deserializer::from_str(ok);
        let c: Customer = serde_path_to_error::deserialize(Lenient(&mut de)).unwrap();
        assert_eq!(c.addresses[0].house_number.as_deref(), Some("3"));
    }

    #[test]
    fn works_over_a_parsed_value() {
        let value = serde_json::json!({"street": 5, "houseNumber": true});
        let a: Address = from_value(&value).unwrap();
        assert_eq!(
            (a.street.as_str(), a.house_number.as_deref()),
            ("5", Some("true"))
        );
        assert!(from_value::<Address>(&serde_json::json!({"street": null})).is_err());
    }

    /// A hand-written untagged union that buffers into a `Value` keeps leniency inside its
    /// variants, which `#[serde(untagged)]` cannot (see the module documentation).
    #[test]
    fn hand_written_untagged_union_keeps_leniency() {
        #[derive(Debug, PartialEq)]
        enum Union {
            Address(Address),
            Count(i64),
        }
        impl<'de> Deserialize<'de> for Union {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(d)?;
                if let Ok(v) = from_value(&value) {
                    return Ok(Union::Address(v));
                }
                if let Ok(v) = from_value(&value) {
                    return Ok(Union::Count(v));
                }
                Err(serde::de::Error::custom("no variant matched"))
            }
        }
        let u: Vec<Union> = lenient(r#"[{"street": 1, "houseNumber": 2}, 3]"#).unwrap();
        assert_eq!(
            u,
            [
                Union::Address(Address {
                    street: "1".into(),
                    house_number: Some("2".into()),
                    zip: None
                }),
                Union::Count(3)
            ]
        );
    }

    #[test]
    fn is_human_readable_is_forwarded() {
        use serde::Deserializer as _;
        let value = serde_json::Value::Null;
        assert!(Lenient(&value).is_human_readable());
        let compact = serde::de::value::U32Deserializer::<serde::de::value::Error>::new(1);
        assert_eq!(
            Lenient(compact).is_human_readable(),
            compact.is_human_readable()
        );
    }

    /// Both decoders fail on `json`, with the same message (including the position).
    #[track_caller]
    fn assert_same_error<T: DeserializeOwned + std::fmt::Debug>(json: &str) {
        let strict = strict::<T>(json).expect_err("strict decoding should fail");
        let lenient = lenient::<T>(json).expect_err("lenient decoding should fail");
        assert_eq!(lenient.to_string(), strict.to_string(), "for {json}");
    }
}
