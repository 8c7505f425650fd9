//! The result of a comparison: a sorted list of changes, and the ways to present it.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Value, json};

use crate::version::{Bump, InvalidVersion};

/// Whether a change can break a user of the generated Rust client.
///
/// The question asked is the one semver asks of the generated crate: after regenerating the
/// client from the new document, may code written against the old client stop compiling, or
/// may a request it makes now be refused by the server? If so, the change is breaking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Code written against the old client may stop compiling or stop working.
    Breaking,
    /// Code written against the old client keeps compiling and working.
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

/// What changed. The declaration order is the order of the count table in the Markdown report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    /// A new operation (a new client method).
    OperationAdded,
    /// An operation is gone (its client method goes away).
    OperationRemoved,
    /// The `operationId` changed, which renames the client method and its request builder.
    OperationRenamed,
    /// The first tag changed, which moves the method to another group of the client.
    OperationMoved,
    /// A new parameter.
    ParameterAdded,
    /// A parameter is gone.
    ParameterRemoved,
    /// A parameter became required or optional.
    ParameterRequiredChanged,
    /// A parameter moved between path, query and header.
    ParameterLocationChanged,
    /// A parameter's type changed.
    ParameterTypeChanged,
    /// An operation now takes a request body.
    RequestBodyAdded,
    /// An operation no longer takes a request body.
    RequestBodyRemoved,
    /// A request body became required or optional.
    RequestBodyRequiredChanged,
    /// The type of a request body changed (including JSON <-> multipart).
    RequestBodyTypeChanged,
    /// The type of the success response changed.
    ResponseTypeChanged,
    /// A new component schema (a new model type).
    SchemaAdded,
    /// A component schema is gone (its model type goes away).
    SchemaRemoved,
    /// A component schema changed what it is (e.g. object -> array), or which type it aliases.
    SchemaTypeChanged,
    /// A new property (a new struct field or multipart part).
    PropertyAdded,
    /// A property is gone.
    PropertyRemoved,
    /// A property's type changed, format included (`int32` -> `int64`, `string` -> `date`).
    PropertyTypeChanged,
    /// A property became required or optional.
    PropertyRequiredChanged,
    /// A property became nullable or stopped being nullable.
    PropertyNullableChanged,
    /// New values of an enumeration.
    EnumValueAdded,
    /// Values of an enumeration are gone.
    EnumValueRemoved,
}

impl ChangeKind {
    /// Every kind, in declaration order.
    pub const ALL: [ChangeKind; 24] = [
        ChangeKind::OperationAdded,
        ChangeKind::OperationRemoved,
        ChangeKind::OperationRenamed,
        ChangeKind::OperationMoved,
        ChangeKind::ParameterAdded,
        ChangeKind::ParameterRemoved,
        ChangeKind::ParameterRequiredChanged,
        ChangeKind::ParameterLocationChanged,
        ChangeKind::ParameterTypeChanged,
        ChangeKind::RequestBodyAdded,
        ChangeKind::RequestBodyRemoved,
        ChangeKind::RequestBodyRequiredChanged,
        ChangeKind::RequestBodyTypeChanged,
        ChangeKind::ResponseTypeChanged,
        ChangeKind::SchemaAdded,
        ChangeKind::SchemaRemoved,
        ChangeKind::SchemaTypeChanged,
        ChangeKind::PropertyAdded,
        ChangeKind::PropertyRemoved,
        ChangeKind::PropertyTypeChanged,
        ChangeKind::PropertyRequiredChanged,
        ChangeKind::PropertyNullableChanged,
        ChangeKind::EnumValueAdded,
        ChangeKind::EnumValueRemoved,
    ];

    /// The stable name used in JSON, e.g. `property_removed`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::OperationAdded => "operation_added",
            ChangeKind::OperationRemoved => "operation_removed",
            ChangeKind::OperationRenamed => "operation_renamed",
            ChangeKind::OperationMoved => "operation_moved",
            ChangeKind::ParameterAdded => "parameter_added",
            ChangeKind::ParameterRemoved => "parameter_removed",
            ChangeKind::ParameterRequiredChanged => "parameter_required_changed",
            ChangeKind::ParameterLocationChanged => "parameter_location_changed",
            ChangeKind::ParameterTypeChanged => "parameter_type_changed",
            ChangeKind::RequestBodyAdded => "request_body_added",
            ChangeKind::RequestBodyRemoved => "request_body_removed",
            ChangeKind::RequestBodyRequiredChanged => "request_body_required_changed",
            ChangeKind::RequestBodyTypeChanged => "request_body_type_changed",
            ChangeKind::ResponseTypeChanged => "response_type_changed",
            ChangeKind::SchemaAdded => "schema_added",
            ChangeKind::SchemaRemoved => "schema_removed",
            ChangeKind::SchemaTypeChanged => "schema_type_changed",
            ChangeKind::PropertyAdded => "property_added",
            ChangeKind::PropertyRemoved => "property_removed",
            ChangeKind::PropertyTypeChanged => "property_type_changed",
            ChangeKind::PropertyRequiredChanged => "property_required_changed",
            ChangeKind::PropertyNullableChanged => "property_nullable_changed",
            ChangeKind::EnumValueAdded => "enum_value_added",
            ChangeKind::EnumValueRemoved => "enum_value_removed",
        }
    }

    /// Whether the change adds to the client's API surface (for the suggested version bump).
    pub fn is_addition(self) -> bool {
        matches!(
            self,
            ChangeKind::OperationAdded
                | ChangeKind::ParameterAdded
                | ChangeKind::RequestBodyAdded
                | ChangeKind::SchemaAdded
                | ChangeKind::PropertyAdded
                | ChangeKind::EnumValueAdded
        )
    }
}

impl fmt::Display for ChangeKind {
    /// Words for people: `property removed`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str().replace('_', " "))
    }
}

/// An operation, as both the document (method and path) and the client (operationId) name it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// Upper-case HTTP method, `GET`.
    pub method: String,
    /// Path template as written in the document, `/v1/customers/{customerId}`.
    pub path: String,
    /// The `operationId`, which names the client method; `None` when the document has none.
    pub operation_id: Option<String>,
}

impl Endpoint {
    /// Methods in the order people list them, so `GET /x` comes before `DELETE /x`.
    fn method_rank(&self) -> usize {
        const ORDER: [&str; 8] = [
            "GET", "PUT", "POST", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE",
        ];
        ORDER
            .iter()
            .position(|m| *m == self.method)
            .unwrap_or(ORDER.len())
    }

    fn render(&self, code: bool) -> String {
        let tick = if code { "`" } else { "" };
        let mut text = format!("{tick}{} {}{tick}", self.method, self.path);
        if let Some(id) = &self.operation_id {
            text.push_str(&format!(" ({id})"));
        }
        text
    }
}

impl fmt::Display for Endpoint {
    /// `GET /v1/customers (getCustomers)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// Where a parameter is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ParameterIn {
    /// In the path template, `/customers/{customerId}`.
    Path,
    /// In the query string.
    Query,
    /// In a request header.
    Header,
    /// In a cookie (the generator does not support these, but a document may have them).
    Cookie,
}

impl ParameterIn {
    /// The name OpenAPI uses in `in`: `path`, `query`, `header` or `cookie`.
    pub fn as_str(self) -> &'static str {
        match self {
            ParameterIn::Path => "path",
            ParameterIn::Query => "query",
            ParameterIn::Header => "header",
            ParameterIn::Cookie => "cookie",
        }
    }
}

impl fmt::Display for ParameterIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a change is.
///
/// `member` is a path below the named thing through inline schemas: `address.street` for a
/// property of an inline object, `items[]` for the items of an array property, `tags{}` for the
/// values of a map; it is empty for the thing itself. Named schemas are never entered from
/// elsewhere: a change inside `Customer` is reported once, at `Customer`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Location {
    /// An operation as a whole.
    Operation(Endpoint),
    /// A parameter of an operation (path-level parameters are reported on each operation).
    Parameter {
        /// The operation.
        endpoint: Endpoint,
        /// The parameter's name on the wire.
        name: String,
        /// Where the parameter is sent (in the new document, if it is there).
        at: ParameterIn,
        /// Path into the parameter's inline schema, usually empty.
        member: String,
    },
    /// The request body of an operation, or a part of its inline schema or multipart form.
    RequestBody {
        /// The operation.
        endpoint: Endpoint,
        /// Path into the body's inline schema; for a multipart body, starts with the part name.
        member: String,
    },
    /// The success response of an operation, or a part of its inline schema.
    Response {
        /// The operation.
        endpoint: Endpoint,
        /// Path into the response's inline schema.
        member: String,
    },
    /// A component schema, or a property in it: `Customer.address`.
    Schema {
        /// The schema's key under `components/schemas`.
        name: String,
        /// Path into the schema, starting with a property name.
        member: String,
    },
}

impl Location {
    /// The path below the named thing (empty for an operation).
    pub fn member(&self) -> &str {
        match self {
            Location::Operation(_) => "",
            Location::Parameter { member, .. }
            | Location::RequestBody { member, .. }
            | Location::Response { member, .. }
            | Location::Schema { member, .. } => member,
        }
    }

    /// The operation this location belongs to, if any.
    pub fn endpoint(&self) -> Option<&Endpoint> {
        match self {
            Location::Operation(endpoint)
            | Location::Parameter { endpoint, .. }
            | Location::RequestBody { endpoint, .. }
            | Location::Response { endpoint, .. } => Some(endpoint),
            Location::Schema { .. } => None,
        }
    }

    /// The same place, one step further in: a property (`name`), or `[]`/`{}` for array
    /// items and map values.
    pub(crate) fn child(&self, segment: &str) -> Location {
        let join = |member: &str| {
            if member.is_empty() || segment.starts_with('[') || segment.starts_with('{') {
                format!("{member}{segment}")
            } else {
                format!("{member}.{segment}")
            }
        };
        let mut location = self.clone();
        match &mut location {
            Location::Operation(_) => {}
            Location::Parameter { member, .. }
            | Location::RequestBody { member, .. }
            | Location::Response { member, .. }
            | Location::Schema { member, .. } => *member = join(member),
        }
        location
    }

    /// Ordering: operations by path and method (each operation's own changes, then its
    /// parameters, body and response), then schemas by name, each before its members.
    fn sort_key(&self) -> (u8, &str, usize, &str, u8, &str, &str) {
        fn op(endpoint: &Endpoint) -> (&str, usize, &str) {
            (
                endpoint.path.as_str(),
                endpoint.method_rank(),
                endpoint.method.as_str(),
            )
        }
        match self {
            Location::Operation(e) => {
                let (path, rank, method) = op(e);
                (0, path, rank, method, 0, "", "")
            }
            Location::Parameter {
                endpoint,
                name,
                member,
                ..
            } => {
                let (path, rank, method) = op(endpoint);
                (0, path, rank, method, 1, name, member)
            }
            Location::RequestBody { endpoint, member } => {
                let (path, rank, method) = op(endpoint);
                (0, path, rank, method, 2, "", member)
            }
            Location::Response { endpoint, member } => {
                let (path, rank, method) = op(endpoint);
                (0, path, rank, method, 3, "", member)
            }
            Location::Schema { name, member } => (1, name, 0, "", 0, member, ""),
        }
    }

    /// `code` wraps names in backticks for Markdown.
    fn render(&self, code: bool) -> String {
        let tick = if code { "`" } else { "" };
        let with_member = |base: String, what: &str, member: &str| {
            if member.is_empty() {
                format!("{base}, {what}")
            } else {
                format!("{base}, {what} {tick}{member}{tick}")
            }
        };
        match self {
            Location::Operation(endpoint) => endpoint.render(code),
            Location::Parameter {
                endpoint,
                name,
                at,
                member,
            } => {
                let name = if member.is_empty() {
                    name.clone()
                } else {
                    format!("{name}{}", separated(member))
                };
                format!(
                    "{}, {at} parameter {tick}{name}{tick}",
                    endpoint.render(code)
                )
            }
            Location::RequestBody { endpoint, member } => {
                with_member(endpoint.render(code), "request body", member)
            }
            Location::Response { endpoint, member } => {
                with_member(endpoint.render(code), "response", member)
            }
            Location::Schema { name, member } => {
                let member = if member.is_empty() {
                    String::new()
                } else {
                    separated(member)
                };
                format!("{tick}{name}{member}{tick}")
            }
        }
    }

    fn to_json(&self) -> Value {
        let mut object = serde_json::Map::new();
        object.insert("text".into(), Value::String(self.to_string()));
        let scope = match self {
            Location::Operation(_) => "operation",
            Location::Parameter { .. } => "parameter",
            Location::RequestBody { .. } => "request_body",
            Location::Response { .. } => "response",
            Location::Schema { .. } => "schema",
        };
        object.insert("scope".into(), Value::String(scope.into()));
        if let Some(endpoint) = self.endpoint() {
            object.insert("method".into(), Value::String(endpoint.method.clone()));
            object.insert("path".into(), Value::String(endpoint.path.clone()));
            let id = endpoint
                .operation_id
                .clone()
                .map_or(Value::Null, Value::String);
            object.insert("operation_id".into(), id);
        }
        if let Location::Parameter { name, at, .. } = self {
            object.insert("parameter".into(), Value::String(name.clone()));
            object.insert("in".into(), Value::String(at.as_str().into()));
        }
        if let Location::Schema { name, .. } = self {
            object.insert("schema".into(), Value::String(name.clone()));
        }
        if !matches!(self, Location::Operation(_)) {
            object.insert("member".into(), Value::String(self.member().to_owned()));
        }
        Value::Object(object)
    }
}

/// `a.b` after a name is `.a.b`; `[].b` stays `[].b`.
fn separated(member: &str) -> String {
    if member.starts_with('[') || member.starts_with('{') {
        member.to_owned()
    } else {
        format!(".{member}")
    }
}

impl fmt::Display for Location {
    /// `GET /v1/customers (getCustomers), query parameter sliceSize`, `Customer.address`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

impl PartialOrd for Location {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Location {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // The rendered text breaks ties the key leaves (operationId, parameter location).
        self.sort_key()
            .cmp(&other.sort_key())
            .then_with(|| self.to_string().cmp(&other.to_string()))
    }
}

/// One change between the two documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// What changed.
    pub kind: ChangeKind,
    /// Where.
    pub location: Location,
    /// Old and new value where there are any, and why the severity is what it is.
    pub detail: String,
    /// Whether it can break a user of the generated client.
    pub severity: Severity,
}

impl Change {
    fn to_json(&self) -> Value {
        json!({
            "kind": self.kind.as_str(),
            "severity": self.severity.as_str(),
            "location": self.location.to_json(),
            "detail": self.detail,
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

/// Every change from one document to the next, sorted by location, then kind, then detail.
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
            a.location
                .cmp(&b.location)
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
            out.push_str("No changes that affect the generated client.\n");
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
        for (severity, title) in [
            (Severity::Breaking, "Breaking"),
            (Severity::NonBreaking, "Non-breaking"),
        ] {
            let changes: Vec<&Change> = self.with_severity(severity).collect();
            out.push_str(&format!("\n### {title} changes ({})\n\n", changes.len()));
            if changes.is_empty() {
                out.push_str("None.\n");
            }
            for change in changes {
                let detail = one_line(&change.detail);
                out.push_str(&format!(
                    "- {}: {} — {detail}\n",
                    change.location.render(true),
                    change.kind
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
    ///   "counts": {"breaking": 1, "non_breaking": 2, "total": 3, "by_kind": {"property_removed": 1}},
    ///   "changes": [{
    ///     "kind": "property_removed",
    ///     "severity": "breaking",
    ///     "location": {"text": "LeadCustomerData.address", "scope": "schema",
    ///                  "schema": "LeadCustomerData", "member": "address"},
    ///     "detail": "..."
    ///   }]
    /// }
    /// ```
    ///
    /// `location.scope` is `operation`, `parameter`, `request_body`, `response` or `schema`;
    /// operation scopes add `method`, `path` and `operation_id` (or `null`), parameters add
    /// `parameter` and `in`, and every scope but `operation` has `member`.
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

/// A detail must not break the Markdown list it sits in.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
