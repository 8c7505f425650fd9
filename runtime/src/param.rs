//! Turning typed parameter values into the strings sent in paths, queries and headers.

use std::fmt::{self, Write as _};

use crate::{DateTime, StringEnum};

/// A value that can be sent as a path, query or header parameter.
///
/// A value yields zero or more strings: `None` and empty lists yield none (the parameter is
/// left out), lists yield one per item (repeated `name=value` pairs in a query, comma-joined in a
/// header or path). The callback shape avoids allocating a `Vec<String>` per parameter; numbers
/// are formatted on the stack.
///
/// Implemented for `str`, `String`, `bool`, every integer type, `f32`, `f64`,
/// [`uuid::Uuid`], [`chrono::NaiveDate`] (`YYYY-MM-DD`), [`DateTime`] (its text), `Option<T>`,
/// `Vec<T>`, `[T]`, `[T; N]`, every [`StringEnum`] (its wire string), and shared references to
/// each of the non-generic ones (`&str`, `&u64`, ...).
///
/// There is no blanket `impl for &T`: it would overlap with the blanket [`StringEnum`] impl
/// (a downstream crate may implement `StringEnum` for `&TheirType`). Parameters are passed by
/// reference anyway (`&impl ParamValue`), so this only matters for nested references such as
/// `Option<&TheirEnum>`; pass `Option<TheirEnum>` or the enum itself instead.
pub trait ParamValue {
    /// Calls `f` once for every string this value contributes, in order.
    fn for_each_value(&self, f: &mut dyn FnMut(&str));
}

impl ParamValue for str {
    fn for_each_value(&self, f: &mut dyn FnMut(&str)) {
        f(self)
    }
}

impl ParamValue for String {
    fn for_each_value(&self, f: &mut dyn FnMut(&str)) {
        f(self)
    }
}

impl ParamValue for bool {
    fn for_each_value(&self, f: &mut dyn FnMut(&str)) {
        f(if *self { "true" } else { "false" })
    }
}

impl ParamValue for uuid::Uuid {
    fn for_each_value(&self, f: &mut dyn FnMut(&str)) {
        let mut buf = uuid::Uuid::encode_buffer();
        f(self.hyphenated().encode_lower(&mut buf))
    }
}

impl ParamValue for chrono::NaiveDate {
    fn for_each_value(&self, f: &mut dyn FnMut(&str)) {
        // `%Y-%m-%d` is the OpenAPI `format: date` form (chrono's Display is the same).
        with_display(self, f)
    }
}

impl ParamValue for DateTime {
    fn for_each_value(&self, f: &mut dyn FnMut(&str)) {
        f(self.as_str())
    }
}

impl<T: StringEnum> ParamValue for T {
    fn for_each_value(&self, f: &mut dyn FnMut(&str)) {
        f(self.as_wire())
    }
}

impl<T: ParamValue> ParamValue for Option<T> {
    fn for_each_value(&self, f: &mut dyn FnMut(&str)) {
        if let Some(value) = self {
            value.for_each_value(f)
        }
    }
}

impl<T: ParamValue> ParamValue for [T] {
    fn for_each_value(&self, f: &mut dyn FnMut(&str)) {
        for value in self {
            value.for_each_value(f)
        }
    }
}

impl<T: ParamValue, const N: usize> ParamValue for [T; N] {
    fn for_each_value(&self, f: &mut dyn FnMut(&str)) {
        self.as_slice().for_each_value(f)
    }
}

impl<T: ParamValue> ParamValue for Vec<T> {
    fn for_each_value(&self, f: &mut dyn FnMut(&str)) {
        self.as_slice().for_each_value(f)
    }
}

impl<T: ParamValue> ParamValue for &[T] {
    fn for_each_value(&self, f: &mut dyn FnMut(&str)) {
        (**self).for_each_value(f)
    }
}

macro_rules! display_params {
    ($($ty:ty),* $(,)?) => {$(
        impl ParamValue for $ty {
            fn for_each_value(&self, f: &mut dyn FnMut(&str)) {
                with_display(self, f)
            }
        }
    )*};
}

// Rust's float Display is the shortest text that round-trips and never uses exponents, which
// servers parse as plain decimals.
display_params!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64
);

macro_rules! ref_params {
    ($($ty:ty),* $(,)?) => {$(
        impl ParamValue for &$ty {
            fn for_each_value(&self, f: &mut dyn FnMut(&str)) {
                (**self).for_each_value(f)
            }
        }
    )*};
}

ref_params!(
    str,
    String,
    bool,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    f32,
    f64,
    uuid::Uuid,
    chrono::NaiveDate,
    DateTime,
);

/// Formats into a stack buffer, falling back to a `String` for the rare long value (a huge
/// float), so integer parameters never allocate.
fn with_display(value: &dyn fmt::Display, f: &mut dyn FnMut(&str)) {
    let mut buf = StackBuf {
        bytes: [0; 48],
        len: 0,
    };
    if write!(buf, "{value}").is_ok() {
        // Only whole `&str`s were copied in, so the prefix is valid UTF-8.
        if let Ok(text) = std::str::from_utf8(&buf.bytes[..buf.len]) {
            f(text);
            return;
        }
    }
    f(&value.to_string())
}

struct StackBuf {
    bytes: [u8; 48],
    len: usize,
}

impl fmt::Write for StackBuf {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let dest = self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?;
        dest.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(v: &(impl ParamValue + ?Sized)) -> Vec<String> {
        let mut out = Vec::new();
        v.for_each_value(&mut |s| out.push(s.to_owned()));
        out
    }

    #[test]
    fn formats_scalars() {
        assert_eq!(values("a b"), ["a b"]);
        assert_eq!(values(&-42i64), ["-42"]);
        assert_eq!(values(&u128::MAX), [u128::MAX.to_string()]);
        assert_eq!(values(&1.5f64), ["1.5"]);
        assert_eq!(values(&1e300f64), [1e300f64.to_string()]);
        assert_eq!(values(&true), ["true"]);
        assert_eq!(
            values(&chrono::NaiveDate::from_ymd_opt(2024, 2, 9).unwrap()),
            ["2024-02-09"]
        );
        assert_eq!(
            values(&uuid::Uuid::nil()),
            ["00000000-0000-0000-0000-000000000000"]
        );
    }

    #[test]
    fn flattens_options_and_lists() {
        assert!(values(&None::<String>).is_empty());
        assert_eq!(values(&Some(3u8)), ["3"]);
        assert_eq!(values(&vec!["a", "b"]), ["a", "b"]);
        assert_eq!(values(&Some(vec![1, 2])), ["1", "2"]);
        assert_eq!(values(&[Some(1), None, Some(3)][..]), ["1", "3"]);
        assert_eq!(values(&vec![&1u32, &2u32]), ["1", "2"]);
    }
}
