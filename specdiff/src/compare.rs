//! Comparing two shapes at one place, member by member, and judging each difference.

use crate::report::{Change, ChangeKind, Location, Severity};
use crate::schema::{ObjectShape, Property, Shape};

/// The changes found so far.
#[derive(Default)]
pub(crate) struct Differ {
    pub changes: Vec<Change>,
}

/// Where a comparison happens, and what that place implies for severity.
#[derive(Clone)]
pub(crate) struct Site {
    pub location: Location,
    /// The kind for "the type here changed": it depends on what the place is (a parameter, a
    /// body, a response, a schema, a property).
    pub type_kind: ChangeKind,
    /// Values of this place are sent in requests, so a newly required member must be supplied.
    pub in_request: bool,
}

impl Site {
    fn member(&self, segment: &str) -> Site {
        Site {
            location: self.location.child(segment),
            type_kind: self.type_kind,
            in_request: self.in_request,
        }
    }

    fn property(&self, name: &str) -> Site {
        Site {
            location: self.location.child(name),
            type_kind: ChangeKind::PropertyTypeChanged,
            in_request: self.in_request,
        }
    }
}

/// What the members of an object become in the generated client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Members {
    /// Struct fields: `Option<T>` when not required or nullable, `T` otherwise.
    Fields,
    /// Parts of a multipart form: a required part is an argument of the method, an optional
    /// one a setter on the request builder; nullability plays no part.
    Parts,
}

impl Members {
    fn optional(self, required: bool, nullable: bool) -> bool {
        match self {
            Members::Fields => !required || nullable,
            Members::Parts => !required,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Members::Fields => "field",
            Members::Parts => "part",
        }
    }
}

impl Differ {
    pub(crate) fn push(
        &mut self,
        kind: ChangeKind,
        location: &Location,
        severity: Severity,
        detail: impl Into<String>,
    ) {
        self.changes.push(Change {
            kind,
            location: location.clone(),
            detail: detail.into(),
            severity,
        });
    }

    /// Compares the types at one place: inline objects and enums member by member, anything
    /// else as a whole.
    pub(crate) fn shapes(&mut self, old: &Shape, new: &Shape, site: &Site) {
        match (old, new) {
            (Shape::Object(old), Shape::Object(new)) => {
                self.objects(old, new, site, Members::Fields)
            }
            (Shape::Enum(old), Shape::Enum(new)) => self.enums(old, new, &site.location),
            (Shape::Array(old_item), Shape::Array(new_item)) => {
                self.inner(old_item, new_item, "[]", (old, new), site)
            }
            (Shape::OneOrMany(old_item), Shape::OneOrMany(new_item)) => {
                self.inner(old_item, new_item, "[]", (old, new), site)
            }
            (Shape::Map(old_value), Shape::Map(new_value)) => {
                self.inner(old_value, new_value, "{}", (old, new), site)
            }
            _ => self.whole(old, new, site),
        }
    }

    /// Items of arrays or values of maps: entered only when both are inline types, so that
    /// `array of integer(int32)` -> `array of integer(int64)` reads as one change of the
    /// parameter or field rather than of its items.
    fn inner(
        &mut self,
        old: &Shape,
        new: &Shape,
        segment: &str,
        whole: (&Shape, &Shape),
        site: &Site,
    ) {
        if old.is_structural() && new.is_structural() {
            self.shapes(old, new, &site.member(segment));
        } else {
            self.whole(whole.0, whole.1, site);
        }
    }

    /// A type change. Breaking when the generated Rust type changes, whichever way (a wider
    /// `i64` breaks code that stores the value in an `i32` just as a narrower type breaks the
    /// other way); a different `format` that maps to the same Rust type (`email` -> none) is
    /// reported but does not break anything.
    fn whole(&mut self, old: &Shape, new: &Shape, site: &Site) {
        let (old_text, new_text) = (old.describe(), new.describe());
        let same_rust = old.same_rust_type(new);
        if same_rust && old_text == new_text {
            return;
        }
        let (old_rust, new_rust) = (old.rust(), new.rust());
        let (severity, note) = if same_rust {
            (
                Severity::NonBreaking,
                format!("; the Rust type stays `{new_rust}`"),
            )
        } else if old.is_inline()
            || new.is_inline()
            || (old_rust == old_text && new_rust == new_text)
        {
            (Severity::Breaking, ": the Rust type changes".to_owned())
        } else {
            (
                Severity::Breaking,
                format!(": the Rust type changes from `{old_rust}` to `{new_rust}`"),
            )
        };
        self.push(
            site.type_kind,
            &site.location,
            severity,
            format!("`{old_text}` → `{new_text}`{note}"),
        );
    }

    /// New values are non-breaking by the generator's design: every generated enum has an
    /// `Unknown(String)` variant, so a client built before the change still decodes the new
    /// values, and code with a wildcard arm keeps compiling. (A `match` listing every variant
    /// without a wildcard does need a new arm; we accept that, as the fallback variant exists
    /// precisely so that enums can grow.) A removed value removes a variant: code naming it
    /// stops compiling.
    pub(crate) fn enums(&mut self, old: &[String], new: &[String], location: &Location) {
        let added: Vec<String> = new
            .iter()
            .filter(|v| !old.contains(v))
            .map(|v| format!("`{v}`"))
            .collect();
        let removed: Vec<String> = old
            .iter()
            .filter(|v| !new.contains(v))
            .map(|v| format!("`{v}`"))
            .collect();
        if !added.is_empty() {
            let detail = format!(
                "{}: new variant{}; clients built before this decode {} as `Unknown`",
                added.join(", "),
                if added.len() == 1 { "" } else { "s" },
                if added.len() == 1 { "it" } else { "them" },
            );
            self.push(
                ChangeKind::EnumValueAdded,
                location,
                Severity::NonBreaking,
                detail,
            );
        }
        if !removed.is_empty() {
            let detail = format!(
                "{}: the variant{} removed; code naming {} stops compiling",
                removed.join(", "),
                if removed.len() == 1 { " is" } else { "s are" },
                if removed.len() == 1 { "it" } else { "them" },
            );
            self.push(
                ChangeKind::EnumValueRemoved,
                location,
                Severity::Breaking,
                detail,
            );
        }
    }

    /// Struct fields or multipart parts. A removed member is always breaking (the field or
    /// argument goes away). An added optional member is not: it is one more `Option` field or
    /// setter. (Strictly, a struct literal without `..Default::default()` stops compiling when
    /// any field is added, as the generated structs are not `#[non_exhaustive]`; we count that
    /// as the ordinary price of generated models, like every client generator does.) An added
    /// required member is breaking where the type is sent in requests, because the server now
    /// refuses requests without it; in a type that is only received it is not.
    pub(crate) fn objects(
        &mut self,
        old: &ObjectShape,
        new: &ObjectShape,
        site: &Site,
        members: Members,
    ) {
        let noun = members.noun();
        for before in &old.properties {
            let location = site.location.child(&before.name);
            match new.get(&before.name) {
                Some(after) => self.property(before, after, &site.property(&before.name), members),
                None => {
                    let detail = format!(
                        "was {} `{}`; the {noun} is removed",
                        if before.required {
                            "required"
                        } else {
                            "optional"
                        },
                        before.shape.describe()
                    );
                    self.push(
                        ChangeKind::PropertyRemoved,
                        &location,
                        Severity::Breaking,
                        detail,
                    );
                }
            }
        }
        for after in new.properties.iter().filter(|p| old.get(&p.name).is_none()) {
            let location = site.location.child(&after.name);
            let ty = after.shape.describe();
            let (severity, detail) = match (
                after.required,
                site.in_request || members == Members::Parts,
            ) {
                (false, _) => (Severity::NonBreaking, format!("optional `{ty}`")),
                (true, true) if members == Members::Parts => (
                    Severity::Breaking,
                    format!("required `{ty}`: the method takes a new argument"),
                ),
                (true, true) => (
                    Severity::Breaking,
                    format!(
                        "required `{ty}`, in a type sent in requests: requests must now carry it"
                    ),
                ),
                (true, false) => (
                    Severity::NonBreaking,
                    format!("required `{ty}`, in a type only received: decoding is unaffected"),
                ),
            };
            self.push(ChangeKind::PropertyAdded, &location, severity, detail);
        }
    }

    /// One member present on both sides. Whether a field is `Option<T>` or `T` in Rust is what
    /// decides: a change of required-ness or nullability that flips it breaks code either way
    /// (`Option<T>` -> `T` breaks every `if let Some`, `T` -> `Option<T>` every plain use), so
    /// it is breaking in requests and responses alike; one that does not flip it (a nullable
    /// field becoming required stays `Option<T>`, and is then always sent) is not.
    fn property(&mut self, old: &Property, new: &Property, site: &Site, members: Members) {
        self.shapes(&old.shape, &new.shape, site);
        let noun = members.noun();
        // An inline type's generated name is codegen's business; say what happens to it instead.
        let rust = |optional: bool| match (new.shape.is_inline(), optional) {
            (true, true) => "an `Option`".to_owned(),
            (true, false) => "a plain value".to_owned(),
            (false, true) => format!("`Option<{}>`", new.shape.rust()),
            (false, false) => format!("`{}`", new.shape.rust()),
        };
        if old.required != new.required {
            let before = members.optional(old.required, old.nullable);
            let after = members.optional(new.required, old.nullable);
            let change = if new.required {
                "optional → required"
            } else {
                "required → optional"
            };
            let (severity, detail) = match (members, before == after) {
                (_, true) => (
                    Severity::NonBreaking,
                    format!(
                        "{change}; the {noun} stays {} as it is nullable",
                        rust(after)
                    ),
                ),
                (Members::Fields, false) => (
                    Severity::Breaking,
                    format!(
                        "{change}: the field changes from {} to {}",
                        rust(before),
                        rust(after)
                    ),
                ),
                (Members::Parts, false) if new.required => (
                    Severity::Breaking,
                    format!("{change}: the part becomes an argument of the method"),
                ),
                (Members::Parts, false) => (
                    Severity::Breaking,
                    format!(
                        "{change}: the part moves from the method's arguments to the request builder"
                    ),
                ),
            };
            self.push(
                ChangeKind::PropertyRequiredChanged,
                &site.location,
                severity,
                detail,
            );
        }
        if old.nullable != new.nullable && members == Members::Fields {
            let before = members.optional(new.required, old.nullable);
            let after = members.optional(new.required, new.nullable);
            let change = if new.nullable {
                "now nullable"
            } else {
                "no longer nullable"
            };
            let (severity, detail) = if before == after {
                (
                    Severity::NonBreaking,
                    format!("{change}; the optional field stays {}", rust(after)),
                )
            } else {
                (
                    Severity::Breaking,
                    format!(
                        "{change}: the field changes from {} to {}",
                        rust(before),
                        rust(after)
                    ),
                )
            };
            self.push(
                ChangeKind::PropertyNullableChanged,
                &site.location,
                severity,
                detail,
            );
        }
    }
}
