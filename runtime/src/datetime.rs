//! A date-time that accepts every form servers send for `format: date-time` and writes back what
//! it read.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat, TimeZone};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A date-time as an API sends it, kept as the original text.
///
/// The specs document `format: date-time`, but the servers (Java) send several shapes, all of
/// which decode:
///
/// * `2024-06-13T10:33:00Z` and `2023-12-03T10:15:30+01:00` (RFC 3339),
/// * `2022-06-15T23:59:59.999+02:00[Europe/Berlin]` (RFC 3339 plus a bracketed IANA zone, Java's
///   `ZonedDateTime`),
/// * `2025-09-21T00:00:00` (no offset: a local wall-clock time, Java's `LocalDateTime`).
///
/// Seconds may be omitted (`10:15+01:00`, as Java prints whole minutes), `T` may also be `t` or
/// a space, and the fraction may have any number of digits (nanosecond precision is kept).
///
/// The text is parsed eagerly, so an invalid value fails deserialisation, and it is kept, so
/// serialising writes back exactly what was received: a value read from one endpoint can be sent
/// to another without its form changing.
///
/// Equality and hashing compare the instant, not the text: `2024-05-01T10:00:00Z`,
/// `2024-05-01T10:00:00.000+00:00` and `2024-05-01T12:00:00+02:00[Europe/Berlin]` are equal (and
/// hash alike), though each keeps and writes back its own text. A local date-time (without an
/// offset) equals only the same local date-time, never an instant. Compare
/// [`as_str`](Self::as_str) for equality of the text.
#[derive(Clone)]
pub struct DateTime {
    text: String,
    local: NaiveDateTime,
    offset: Option<FixedOffset>,
    /// Byte index of `[` when the text carries a zone name.
    zone_start: Option<usize>,
}

impl DateTime {
    /// The text as received (or as produced by a `From` conversion).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The instant, when the text carries an offset (`Z` or `±hh:mm`); `None` for a local
    /// date-time such as `2025-09-21T00:00:00`.
    pub fn offset_date_time(&self) -> Option<chrono::DateTime<FixedOffset>> {
        let offset = self.offset?;
        self.local.and_local_timezone(offset).single()
    }

    /// The offset from UTC, when the text carries one.
    pub fn offset(&self) -> Option<FixedOffset> {
        self.offset
    }

    /// The wall-clock date and time as written, ignoring any offset or zone.
    pub fn naive_local(&self) -> NaiveDateTime {
        self.local
    }

    /// The bracketed zone name, e.g. `Europe/Berlin` for
    /// `2022-06-15T23:59:59.999+02:00[Europe/Berlin]`.
    pub fn zone(&self) -> Option<&str> {
        let start = self.zone_start?;
        // The parser guarantees the text ends with `]` right after the name.
        self.text.get(start + 1..self.text.len() - 1)
    }

    fn parse_owned(text: String) -> Result<Self, ParseDateTimeError> {
        match parse(&text) {
            Ok(parsed) => Ok(DateTime {
                text,
                local: parsed.local,
                offset: parsed.offset,
                zone_start: parsed.zone_start,
            }),
            Err(reason) => Err(ParseDateTimeError::new(&text, reason)),
        }
    }
}

impl DateTime {
    /// What equality and hashing compare: whether there is an offset, and the date-time in UTC
    /// (with an offset) or as written (without).
    fn key(&self) -> (bool, NaiveDateTime) {
        match self.offset {
            // `local - offset` is the UTC date-time; it cannot overflow for a parsed value
            // except at the ends of chrono's range, where the local value is kept instead.
            Some(offset) => (
                true,
                self.local.checked_sub_offset(offset).unwrap_or(self.local),
            ),
            None => (false, self.local),
        }
    }
}

impl PartialEq for DateTime {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for DateTime {}

impl Hash for DateTime {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The text is the value; the parsed fields are derived from it.
        f.debug_tuple("DateTime").field(&self.text).finish()
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for DateTime {
    type Err = ParseDateTimeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match parse(s) {
            Ok(parsed) => Ok(DateTime {
                text: s.to_owned(),
                local: parsed.local,
                offset: parsed.offset,
                zone_start: parsed.zone_start,
            }),
            Err(reason) => Err(ParseDateTimeError::new(s, reason)),
        }
    }
}

impl<Tz: TimeZone> From<chrono::DateTime<Tz>> for DateTime {
    /// Formats as RFC 3339 with the value's offset (`Z` for UTC), e.g. `2024-06-13T10:33:00Z`.
    fn from(value: chrono::DateTime<Tz>) -> Self {
        let fixed = value.fixed_offset();
        DateTime {
            text: fixed.to_rfc3339_opts(SecondsFormat::AutoSi, true),
            local: fixed.naive_local(),
            offset: Some(*fixed.offset()),
            zone_start: None,
        }
    }
}

impl From<NaiveDateTime> for DateTime {
    /// Formats as a local date-time without offset, e.g. `2025-09-21T00:00:00`.
    fn from(value: NaiveDateTime) -> Self {
        DateTime {
            text: value.format("%Y-%m-%dT%H:%M:%S%.f").to_string(),
            local: value,
            offset: None,
            zone_start: None,
        }
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(DateTimeVisitor)
    }
}

struct DateTimeVisitor;

impl Visitor<'_> for DateTimeVisitor {
    type Value = DateTime;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date-time string such as 2024-06-13T10:33:00Z")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<DateTime, E> {
        v.parse().map_err(E::custom)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<DateTime, E> {
        // Reuses the deserializer's allocation for the kept text.
        DateTime::parse_owned(v).map_err(E::custom)
    }
}

/// The text given to [`DateTime::from_str`] or deserialised into a [`DateTime`] is not a
/// date-time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseDateTimeError {
    text: String,
    reason: &'static str,
}

impl ParseDateTimeError {
    fn new(text: &str, reason: &'static str) -> Self {
        // Bounded so a huge bogus value cannot blow up error messages and logs.
        const MAX: usize = 64;
        let mut end = text.len().min(MAX);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        ParseDateTimeError {
            text: text[..end].to_owned(),
            reason,
        }
    }
}

impl fmt::Display for ParseDateTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid date-time {:?}: {}", self.text, self.reason)
    }
}

impl std::error::Error for ParseDateTimeError {}

struct Parsed {
    local: NaiveDateTime,
    offset: Option<FixedOffset>,
    zone_start: Option<usize>,
}

/// Hand-written rather than a chain of chrono format strings: one pass, every accepted form in
/// one place, and a precise reason on failure.
fn parse(text: &str) -> Result<Parsed, &'static str> {
    let (main, zone_start) = match text.strip_suffix(']') {
        Some(rest) => {
            let start = rest.rfind('[').ok_or("`]` without `[`")?;
            let name = &rest[start + 1..];
            let valid_name = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_graphic() && b != b'[' && b != b']');
            if !valid_name {
                return Err("invalid zone name in brackets");
            }
            (&rest[..start], Some(start))
        }
        None => (text, None),
    };

    let mut c = Cursor {
        bytes: main.as_bytes(),
        pos: 0,
    };
    let year = c.number(4).ok_or("expected a four-digit year")?;
    c.expect(b'-').ok_or("expected `-` after the year")?;
    let month = c.number(2).ok_or("expected a two-digit month")?;
    c.expect(b'-').ok_or("expected `-` after the month")?;
    let day = c.number(2).ok_or("expected a two-digit day")?;
    match c.next() {
        Some(b'T' | b't' | b' ') => {}
        _ => return Err("expected `T` between date and time"),
    }
    let hour = c.number(2).ok_or("expected a two-digit hour")?;
    c.expect(b':').ok_or("expected `:` after the hour")?;
    let minute = c.number(2).ok_or("expected two-digit minutes")?;
    let mut second = 0;
    let mut nanos = 0;
    if c.eat(b':') {
        second = c.number(2).ok_or("expected two-digit seconds")?;
        if c.eat(b'.') || c.eat(b',') {
            nanos = c
                .fraction()
                .ok_or("expected digits after the decimal point")?;
        }
    }
    let offset = match c.next() {
        None => None,
        Some(b'Z' | b'z') => Some(0),
        Some(sign @ (b'+' | b'-')) => {
            let hours = c.number(2).ok_or("expected a two-digit offset hour")?;
            let minutes = if c.eat(b':') {
                c.number(2).ok_or("expected two-digit offset minutes")?
            } else {
                // `+0100` and `+01` are ISO 8601 too.
                c.number(2).unwrap_or(0)
            };
            if hours > 23 || minutes > 59 {
                return Err("offset out of range");
            }
            let seconds = (hours * 3600 + minutes * 60) as i32;
            Some(if sign == b'-' { -seconds } else { seconds })
        }
        Some(_) => return Err("unexpected character after the time"),
    };
    if c.pos != c.bytes.len() {
        return Err("unexpected characters after the offset");
    }

    let date = NaiveDate::from_ymd_opt(year as i32, month, day).ok_or("no such date")?;
    // chrono represents a leap second as second 59 with nanoseconds >= 1e9.
    let (second, nanos) = if second == 60 {
        (59, nanos + 1_000_000_000)
    } else {
        (second, nanos)
    };
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos).ok_or("no such time")?;
    let offset = match offset {
        Some(seconds) => Some(FixedOffset::east_opt(seconds).ok_or("offset out of range")?),
        None => None,
    };
    Ok(Parsed {
        local: NaiveDateTime::new(date, time),
        offset,
        zone_start,
    })
}

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn next(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    fn eat(&mut self, expected: u8) -> bool {
        if self.bytes.get(self.pos) == Some(&expected) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, expected: u8) -> Option<()> {
        self.eat(expected).then_some(())
    }

    /// Exactly `len` ASCII digits.
    fn number(&mut self, len: usize) -> Option<u32> {
        let digits = self.bytes.get(self.pos..self.pos + len)?;
        let mut value = 0;
        for &b in digits {
            if !b.is_ascii_digit() {
                return None;
            }
            value = value * 10 + u32::from(b - b'0');
        }
        self.pos += len;
        Some(value)
    }

    /// One or more digits of a decimal fraction, as nanoseconds; digits past the ninth are
    /// accepted and dropped.
    fn fraction(&mut self) -> Option<u32> {
        let start = self.pos;
        let mut nanos = 0;
        let mut scale = 100_000_000;
        while let Some(&b) = self.bytes.get(self.pos) {
            if !b.is_ascii_digit() {
                break;
            }
            nanos += u32::from(b - b'0') * scale;
            scale /= 10;
            self.pos += 1;
        }
        (self.pos > start).then_some(nanos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_documented_form() {
        let z: DateTime = "2024-06-13T10:33:00Z".parse().unwrap();
        assert_eq!(z.offset(), FixedOffset::east_opt(0));
        assert_eq!(z.zone(), None);

        let plus: DateTime = "2023-12-03T10:15:30+01:00".parse().unwrap();
        assert_eq!(
            plus.offset_date_time().unwrap().to_rfc3339(),
            "2023-12-03T10:15:30+01:00"
        );

        let zoned: DateTime = "2022-06-15T23:59:59.999+02:00[Europe/Berlin]"
            .parse()
            .unwrap();
        assert_eq!(zoned.zone(), Some("Europe/Berlin"));
        assert_eq!(zoned.naive_local().and_utc().timestamp_subsec_millis(), 999);
        assert_eq!(zoned.offset(), FixedOffset::east_opt(7200));

        let local: DateTime = "2025-09-21T00:00:00".parse().unwrap();
        assert_eq!(local.offset_date_time(), None);
        assert_eq!(local.naive_local().to_string(), "2025-09-21 00:00:00");
    }

    #[test]
    fn parses_lenient_variants() {
        for text in [
            "2023-12-03T10:15+01:00",
            "2023-12-03T10:15",
            "2023-12-03 10:15:30.123456789123-05:30",
            "2023-12-03t10:15:30z",
            "2023-12-03T10:15:30+0100",
            "2016-12-31T23:59:60Z",
            "2022-06-15T23:59:59[UTC]",
        ] {
            let parsed: Result<DateTime, _> = text.parse();
            assert!(parsed.is_ok(), "{text}: {parsed:?}");
        }
    }

    #[test]
    fn rejects_invalid_text() {
        for text in [
            "",
            "garbage",
            "2024-13-01T00:00:00Z",
            "2024-02-30T00:00:00Z",
            "2024-06-13",
            "2024-06-13T25:00:00Z",
            "2024-06-13T10:33:00+24:00",
            "2024-06-13T10:33:00Zjunk",
            "2024-06-13T10:33:00Z[]",
            "2024-06-13T10:33:00Z]",
            "2024-06-13T10:33:00.Z",
            "２０２４-06-13T10:33:00Z",
        ] {
            assert!(text.parse::<DateTime>().is_err(), "{text} should fail");
        }
    }

    #[test]
    fn error_message_is_bounded() {
        let long = "x".repeat(10_000);
        let err = long.parse::<DateTime>().unwrap_err();
        assert!(err.to_string().len() < 200);
    }
}
