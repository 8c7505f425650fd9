//! The result of a comparison: a sorted list of changes, and the ways to present it.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Value, json};

use crate::version::{Bump, InvalidVersion};

/// Whether a change can break a user of the generated Rust client.
///
/// The question asked is the one semver (and `cargo-semver-checks`) asks of the generated
/// crate: after regenerating it from the new document, may code written against the old crate
/// stop compiling? If so, the change is breaking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Code written against the old crate may stop compiling.
    Breaking,
    /// Code written against the old crate keeps compiling.
    NonBreaking,
}

impl Severity {
    /// The stable name used in JSON: `breaking` or `non_breaking`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Breaking => "breaking",
            Severity::NonBreaking => "non_breaking",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Breaking => "breaking",
            Severity::NonBreaking => "non-breaking",
        })
    }
}

/// What changed, in Rust terms. The declaration order is the order of the count table in the
/// Markdown report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    /// A new type in `models`.
    TypeAdded,
    /// A type of `models` is gone.
    TypeRemoved,
    /// A type changed what it is (struct, enum, alias) or what it aliases.
    TypeChanged,
    /// A type of `models` has another name (the name settings changed): the same schema, so its
    /// other changes are listed under the new name.
    TypeRenamed,
    /// A new field.
    FieldAdded,
    /// A field is gone.
    FieldRemoved,
    /// A field's type changed (`Option` included).
    FieldTypeChanged,
    /// How a type is built changed: the arguments of `new`, or `Default`.
    ConstructorChanged,
    /// A new enum variant.
    VariantAdded,
    /// An enum variant is gone.
    VariantRemoved,
    /// The type a variant carries changed.
    VariantTypeChanged,
    /// A new operation group (client accessor, `api` struct, cargo feature).
    GroupAdded,
    /// An operation group is gone.
    GroupRemoved,
    /// A new operation method.
    OperationAdded,
    /// An operation method is gone (or renamed, or moved to another group).
    OperationRemoved,
    /// The request builder an operation returns has another name.
    RequestTypeRenamed,
    /// The required arguments of an operation method changed.
    ArgumentsChanged,
    /// A new optional input (a setter on the request).
    OptionalInputAdded,
    /// An optional input is gone.
    OptionalInputRemoved,
    /// An optional input takes another type.
    OptionalInputTypeChanged,
    /// What a success decodes to changed.
    ResponseTypeChanged,
    /// The type of an operation's documented error bodies changed.
    ErrorTypeChanged,
    /// An operation became a sliced list (its request gains `items()`).
    PaginationAdded,
    /// An operation is no longer a sliced list.
    PaginationRemoved,
    /// A new cargo feature.
    FeatureAdded,
    /// A cargo feature is gone.
    FeatureRemoved,
    /// Something is now `#[deprecated]`.
    Deprecated,
}

impl ChangeKind {
    /// Every kind, in declaration order.
    pub const ALL: [ChangeKind; 27] = [
        ChangeKind::TypeAdded,
        ChangeKind::TypeRemoved,
        ChangeKind::TypeChanged,
        ChangeKind::TypeRenamed,
        ChangeKind::FieldAdded,
        ChangeKind::FieldRemoved,
        ChangeKind::FieldTypeChanged,
        ChangeKind::ConstructorChanged,
        ChangeKind::VariantAdded,
        ChangeKind::VariantRemoved,
        ChangeKind::VariantTypeChanged,
        ChangeKind::GroupAdded,
        ChangeKind::GroupRemoved,
        ChangeKind::OperationAdded,
        ChangeKind::OperationRemoved,
        ChangeKind::RequestTypeRenamed,
        ChangeKind::ArgumentsChanged,
        ChangeKind::OptionalInputAdded,
        ChangeKind::OptionalInputRemoved,
        ChangeKind::OptionalInputTypeChanged,
        ChangeKind::ResponseTypeChanged,
        ChangeKind::ErrorTypeChanged,
        ChangeKind::PaginationAdded,
        ChangeKind::PaginationRemoved,
        ChangeKind::FeatureAdded,
        ChangeKind::FeatureRemoved,
        ChangeKind::Deprecated,
    ];

    /// The stable name used in JSON, e.g. `field_removed`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::TypeAdded => "type_added",
            ChangeKind::TypeRemoved => "type_removed",
            ChangeKind::TypeChanged => "type_changed",
            ChangeKind::TypeRenamed => "type_renamed",
            ChangeKind::FieldAdded => "field_added",
            ChangeKind::FieldRemoved => "field_removed",
            ChangeKind::FieldTypeChanged => "field_type_changed",
            ChangeKind::ConstructorChanged => "constructor_changed",
            ChangeKind::VariantAdded => "variant_added",
            ChangeKind::VariantRemoved => "variant_removed",
            ChangeKind::VariantTypeChanged => "variant_type_changed",
            ChangeKind::GroupAdded => "group_added",
            ChangeKind::GroupRemoved => "group_removed",
            ChangeKind::OperationAdded => "operation_added",
            ChangeKind::OperationRemoved => "operation_removed",
            ChangeKind::RequestTypeRenamed => "request_type_renamed",
            ChangeKind::ArgumentsChanged => "arguments_changed",
            ChangeKind::OptionalInputAdded => "optional_input_added",
            ChangeKind::OptionalInputRemoved => "optional_input_removed",
            ChangeKind::OptionalInputTypeChanged => "optional_input_type_changed",
            ChangeKind::ResponseTypeChanged => "response_type_changed",
            ChangeKind::ErrorTypeChanged => "error_type_changed",
            ChangeKind::PaginationAdded => "pagination_added",
            ChangeKind::PaginationRemoved => "pagination_removed",
            ChangeKind::FeatureAdded => "feature_added",
            ChangeKind::FeatureRemoved => "feature_removed",
            ChangeKind::Deprecated => "deprecated",
        }
    }

    /// Whether the change adds to the crate's API (for the suggested version bump).
    pub fn is_addition(self) -> bool {
        matches!(
            self,
            ChangeKind::TypeAdded
                | ChangeKind::FieldAdded
                | ChangeKind::VariantAdded
                | ChangeKind::GroupAdded
                | ChangeKind::OperationAdded
                | ChangeKind::OptionalInputAdded
                | ChangeKind::PaginationAdded
                | ChangeKind::FeatureAdded
        )
    }
}

impl fmt::Display for ChangeKind {
    /// Words for people: `field removed`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str().replace('_', " "))
    }
}

/// The item of the generated crate a change is about, named by its Rust path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Item {
    /// `models::Customer`.
    Type(String),
    /// `models::Customer::email`.
    Field {
        /// The struct.
        ty: String,
        /// The field.
        field: String,
    },
    /// `models::Customer::new` (or its `Default`).
    Constructor(String),
    /// `models::Gender::Female`.
    Variant {
        /// The enum.
        ty: String,
        /// The variant.
        variant: String,
    },
    /// `api::CreateCustomerSuccess::Created`: a variant of the enum of an operation whose
    /// success statuses carry different bodies.
    ResponseVariant {
        /// The enum, in `api`.
        ty: String,
        /// The variant.
        variant: String,
    },
    /// `api::Customers`, reached through a `Client` accessor.
    Group(String),
    /// `api::Customers::get_customer`.
    Operation {
        /// The group struct.
        group: String,
        /// The method.
        method: String,
    },
    /// An input of an operation: an argument of its method or a setter of its request.
    Input {
        /// The group struct.
        group: String,
        /// The method.
        method: String,
        /// The argument or setter.
        input: String,
    },
    /// A cargo feature of the crate.
    Feature(String),
}

impl Item {
    /// Types first, then operations, then features; by path within each.
    fn rank(&self) -> u8 {
        match self {
            Item::Type(_) | Item::Field { .. } | Item::Constructor(_) | Item::Variant { .. } => 0,
            Item::Group(_)
            | Item::Operation { .. }
            | Item::Input { .. }
            | Item::ResponseVariant { .. } => 1,
            Item::Feature(_) => 2,
        }
    }

    /// The JSON form: `{"text": "models::Customer::email", "scope": "field", ...}`.
    fn to_json(&self) -> Value {
        let (scope, parts): (&str, Vec<(&str, &str)>) = match self {
            Item::Type(ty) => ("type", vec![("type", ty)]),
            Item::Field { ty, field } => ("field", vec![("type", ty), ("field", field)]),
            Item::Constructor(ty) => ("constructor", vec![("type", ty)]),
            Item::Variant { ty, variant } => ("variant", vec![("type", ty), ("variant", variant)]),
            Item::ResponseVariant { ty, variant } => {
                ("response_variant", vec![("type", ty), ("variant", variant)])
            }
            Item::Group(group) => ("group", vec![("group", group)]),
            Item::Operation { group, method } => {
                ("operation", vec![("group", group), ("method", method)])
            }
            Item::Input {
                group,
                method,
                input,
            } => (
                "input",
                vec![("group", group), ("method", method), ("input", input)],
            ),
            Item::Feature(feature) => ("feature", vec![("feature", feature)]),
        };
        let mut object = serde_json::Map::new();
        object.insert("text".into(), Value::String(self.to_string()));
        object.insert("scope".into(), Value::String(scope.into()));
        for (key, value) in parts {
            object.insert(key.into(), Value::String(value.to_owned()));
        }
        Value::Object(object)
    }
}

impl fmt::Display for Item {
    /// The Rust path: `models::Customer::email`, `api::Customers::get_customer(slice_size)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Item::Type(ty) => write!(f, "models::{ty}"),
            Item::Field { ty, field } => write!(f, "models::{ty}::{field}"),
            Item::Constructor(ty) => write!(f, "models::{ty}::new"),
            Item::Variant { ty, variant } => write!(f, "models::{ty}::{variant}"),
            Item::ResponseVariant { ty, variant } => write!(f, "api::{ty}::{variant}"),
            Item::Group(group) => write!(f, "api::{group}"),
            Item::Operation { group, method } => write!(f, "api::{group}::{method}"),
            Item::Input {
                group,
                method,
                input,
            } => write!(f, "api::{group}::{method}({input})"),
            Item::Feature(feature) => write!(f, "feature `{feature}`"),
        }
    }
}

impl PartialOrd for Item {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Item {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.rank(), self.to_string()).cmp(&(other.rank(), other.to_string()))
    }
}

/// One change of the generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// What changed.
    pub kind: ChangeKind,
    /// The Rust item.
    pub item: Item,
    /// Whether it can break a user of the crate.
    pub severity: Severity,
    /// Old and new signature or type, in Rust.
    pub detail: String,
    /// The spec place it comes from (a JSON pointer into the newer document, or into the
    /// older one for something removed).
    pub cause: String,
}

impl Change {
    fn to_json(&self) -> Value {
        json!({
            "kind": self.kind.as_str(),
            "severity": self.severity.as_str(),
            "item": self.item.to_json(),
            "detail": self.detail,
            "cause": self.cause,
        })
    }
}

/// Title and version of one of the compared documents (`info.title`, `info.version`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentInfo {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
}

/// How many changes there are, by severity and by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Changes that can break a user of the generated client.
    pub breaking: usize,
    /// Changes that cannot.
    pub non_breaking: usize,
    /// Changes of each kind that occurs (kinds with no change are absent).
    pub by_kind: BTreeMap<ChangeKind, usize>,
}

impl Counts {
    /// All changes.
    pub fn total(&self) -> usize {
        self.breaking + self.non_breaking
    }

    /// Changes of one kind (0 when there are none).
    pub fn of(&self, kind: ChangeKind) -> usize {
        self.by_kind.get(&kind).copied().unwrap_or(0)
    }
}

/// Every change from one crate to the next, sorted by item, then kind, then detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The document compared from.
    pub old: DocumentInfo,
    /// The document compared to.
    pub new: DocumentInfo,
    /// The changes, sorted.
    pub changes: Vec<Change>,
}

impl Report {
    /// Sorts `changes` into the report's order.
    pub(crate) fn new(old: DocumentInfo, new: DocumentInfo, mut changes: Vec<Change>) -> Self {
        changes.sort_by(|a, b| {
            a.item
                .cmp(&b.item)
                .then(a.kind.cmp(&b.kind))
                .then_with(|| a.detail.cmp(&b.detail))
        });
        changes.dedup();
        Report { old, new, changes }
    }

    /// Whether any change can break a user of the generated client.
    pub fn has_breaking(&self) -> bool {
        self.changes
            .iter()
            .any(|c| c.severity == Severity::Breaking)
    }

    /// The changes of one severity, in report order.
    pub fn with_severity(&self, severity: Severity) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.severity == severity)
    }

    /// The changes of one kind, in report order.
    pub fn of_kind(&self, kind: ChangeKind) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.kind == kind)
    }

    /// Counts by severity and kind.
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for change in &self.changes {
            match change.severity {
                Severity::Breaking => counts.breaking += 1,
                Severity::NonBreaking => counts.non_breaking += 1,
            }
            *counts.by_kind.entry(change.kind).or_default() += 1;
        }
        counts
    }

    /// What kind of release the changes call for; see [`Bump`] for the rule.
    pub fn bump(&self) -> Bump {
        if self.has_breaking() {
            Bump::Major
        } else if self.changes.iter().any(|c| c.kind.is_addition()) {
            Bump::Minor
        } else if self.changes.is_empty() {
            Bump::None
        } else {
            Bump::Patch
        }
    }

    /// The version the generated crate should get next, from its current version, by semver
    /// with Cargo's reading of `0.x` versions (see [`Bump::apply`]):
    ///
    /// | changes                         | `1.4.2` | `0.4.2` |
    /// |---------------------------------|---------|---------|
    /// | something breaking              | `2.0.0` | `0.5.0` |
    /// | additions, nothing breaking     | `1.5.0` | `0.4.3` |
    /// | other non-breaking changes only | `1.4.3` | `0.4.3` |
    /// | none                            | `1.4.2` | `0.4.2` |
    ///
    /// Fails only when `current_version` is not `MAJOR.MINOR.PATCH` (optionally with a
    /// pre-release or build suffix, which the bump drops).
    pub fn suggested_bump(&self, current_version: &str) -> Result<String, InvalidVersion> {
        self.bump().apply(current_version)
    }

    /// A summary ready for a pull-request description: the counts, then the breaking and the
    /// non-breaking changes, one line each.
    pub fn to_markdown(&self) -> String {
        let counts = self.counts();
        let new_side = if self.old.title == self.new.title {
            self.new.version.clone()
        } else {
            format!("{} {}", self.new.title, self.new.version)
        };
        let mut out = format!(
            "## API changes: {} {} → {new_side}\n\n",
            self.old.title, self.old.version
        );
        if self.changes.is_empty() {
            out.push_str("No changes to the generated crate's API.\n");
            return out;
        }
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        out.push_str(&format!(
            "**{} breaking** and {} non-breaking change{} ({} in total).\n\n",
            counts.breaking,
            counts.non_breaking,
            plural(counts.non_breaking),
            counts.total()
        ));
        out.push_str(match self.bump() {
            Bump::Major => "Release: breaking; bump the major version (the minor version while below 1.0).\n\n",
            Bump::Minor => "Release: compatible additions; bump the minor version (the patch version while below 1.0).\n\n",
            Bump::Patch | Bump::None => "Release: compatible; bump the patch version.\n\n",
        });
        out.push_str("| change | breaking | non-breaking |\n|---|---:|---:|\n");
        for kind in ChangeKind::ALL {
            let of = |severity| {
                self.of_kind(kind)
                    .filter(|c| c.severity == severity)
                    .count()
            };
            let (breaking, non_breaking) = (of(Severity::Breaking), of(Severity::NonBreaking));
            if breaking + non_breaking > 0 {
                out.push_str(&format!("| {kind} | {breaking} | {non_breaking} |\n"));
            }
        }
        let sections = [
            ("Breaking", Section::Breaking),
            ("Non-breaking", Section::NonBreaking),
            ("Deprecated", Section::Deprecated),
        ];
        for (title, belongs) in sections {
            let changes: Vec<&Change> = self.changes.iter().filter(|c| belongs.holds(c)).collect();
            out.push_str(&format!("\n### {title} ({})\n\n", changes.len()));
            if changes.is_empty() {
                out.push_str("None.\n");
            }
            for change in changes {
                let detail = one_line(&change.detail);
                out.push_str(&format!(
                    "- `{}`: {} — {detail} (spec: `{}`)\n",
                    change.item, change.kind, change.cause
                ));
            }
        }
        out
    }

    /// The report as JSON, with stable field names:
    ///
    /// ```json
    /// {
    ///   "old": {"title": "...", "version": "1.5.0"},
    ///   "new": {"title": "...", "version": "1.11.1"},
    ///   "has_breaking": true,
    ///   "counts": {"breaking": 1, "non_breaking": 2, "total": 3, "by_kind": {"field_removed": 1}},
    ///   "changes": [{
    ///     "kind": "field_removed",
    ///     "severity": "breaking",
    ///     "item": {"text": "models::LeadCustomerData::address", "scope": "field",
    ///              "type": "LeadCustomerData", "field": "address"},
    ///     "detail": "...",
    ///     "cause": "#/components/schemas/LeadCustomerData/properties/address"
    ///   }]
    /// }
    /// ```
    ///
    /// `item.scope` is `type`, `field`, `constructor`, `variant`, `group`, `operation`,
    /// `input` or `feature`, with the names that scope has (`type`, `field`, `variant`,
    /// `group`, `method`, `input`, `feature`).
    pub fn to_json(&self) -> Value {
        let counts = self.counts();
        let by_kind: serde_json::Map<String, Value> = counts
            .by_kind
            .iter()
            .map(|(kind, n)| (kind.as_str().to_owned(), json!(n)))
            .collect();
        json!({
            "old": {"title": self.old.title, "version": self.old.version},
            "new": {"title": self.new.title, "version": self.new.version},
            "has_breaking": self.has_breaking(),
            "counts": {
                "breaking": counts.breaking,
                "non_breaking": counts.non_breaking,
                "total": counts.total(),
                "by_kind": by_kind,
            },
            "changes": self.changes.iter().map(Change::to_json).collect::<Vec<_>>(),
        })
    }
}

/// The three lists of the Markdown report.
#[derive(Clone, Copy)]
enum Section {
    Breaking,
    NonBreaking,
    Deprecated,
}

impl Section {
    fn holds(self, change: &Change) -> bool {
        let deprecation = change.kind == ChangeKind::Deprecated;
        match self {
            Section::Breaking => change.severity == Severity::Breaking,
            Section::NonBreaking => change.severity == Severity::NonBreaking && !deprecation,
            Section::Deprecated => deprecation,
        }
    }
}

/// A detail must not break the Markdown list it sits in.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
