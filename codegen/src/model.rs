//! The one model of a generated crate: every Rust type and operation with its final name,
//! fields, variants and signature, lowered from a spec in one pass by [`lower`](crate::lower()).
//!
//! Rendering (`render`, `mock`) turns it into source files; `specdiff` compares two of them to
//! say what changed for the users of the crate. Nothing else re-derives how a schema maps to
//! Rust, so what the report says is what the generated code does.

use std::collections::{BTreeMap, BTreeSet};

/// A generated crate, before it is rendered.
#[derive(Debug, Clone)]
pub struct Model {
    /// What the document says about itself.
    pub info: ApiInfo,
    /// What the crate contains: a client, or the models only.
    pub surface: crate::Surface,
    /// Every type of `models.rs`, by Rust name.
    pub types: BTreeMap<String, TypeDef>,
    /// Component schema key -> Rust type name.
    pub components: BTreeMap<String, String>,
    /// The operations, grouped, with their error and page types.
    pub api: Api,
    /// The cargo features (one per group) and which types each needs.
    pub features: FeaturePlan,
    /// The types the name settings renamed: the name the generator gives -> the name used.
    pub renamed_types: BTreeMap<String, String>,
    /// Problems in the document that were tolerated, each naming its JSON pointer.
    pub warnings: Vec<crate::Warning>,
}

/// The document's `info`, `servers` and security, as far as they shape the crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiInfo {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`, empty when absent.
    pub description: String,
    /// The servers the document names: URL without a trailing `/`, and description.
    pub servers: Vec<(String, String)>,
    /// How requests authenticate.
    pub auth: Auth,
}

/// How requests authenticate, from the document's security schemes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// No scheme the runtime can send is required.
    None,
    /// An API key in this header.
    ApiKeyHeader(String),
    /// `Authorization: Bearer <token>`.
    Bearer,
}

/// The crate's cargo features, one per operation group, and which of them each type needs; a
/// type missing from `gates` is always compiled.
#[derive(Debug, Clone, Default)]
pub struct FeaturePlan {
    /// The feature names, in group order.
    pub features: Vec<String>,
    /// Group module -> its feature.
    pub groups: BTreeMap<String, String>,
    /// Type name -> the features that need it, for the types not every feature needs.
    pub gates: BTreeMap<String, BTreeSet<String>>,
}

impl Model {
    /// The type called `name`.
    pub fn get(&self, name: &str) -> Option<&TypeDef> {
        self.types.get(name)
    }

    /// Whether a `Default` value exists for `ty`.
    pub fn has_default(&self, ty: &RType) -> bool {
        ty.has_default(&self.types)
    }

    /// Whether `ty` mentions a deprecated type: a field or parameter of that type exists only to
    /// carry it, so it is deprecated too.
    pub fn uses_deprecated(&self, ty: &RType) -> bool {
        let mut names = BTreeSet::new();
        ty.all_names(&mut names);
        names
            .iter()
            .any(|name| self.get(name).is_some_and(TypeDef::is_deprecated))
    }

    /// Renames types (old name -> new name) wherever the model names them: their definitions,
    /// every type that mentions them, the union variants named after them, operations, pages
    /// and feature gates. Records the renames in [`Model::renamed_types`].
    pub fn rename_types(&mut self, renames: &BTreeMap<String, String>) {
        if renames.is_empty() {
            return;
        }
        let new_name = |name: &str| {
            renames
                .get(name)
                .cloned()
                .unwrap_or_else(|| name.to_owned())
        };
        self.types = std::mem::take(&mut self.types)
            .into_values()
            .map(|mut def| {
                def.rename_types(renames);
                (def.name().to_owned(), def)
            })
            .collect();
        for name in self.components.values_mut() {
            *name = new_name(name);
        }
        for group in &mut self.api.groups {
            for op in &mut group.operations {
                op.rename_types(renames);
            }
        }
        for body in &mut self.api.error_bodies {
            let statuses = body.statuses.iter_mut().filter_map(|s| s.body.as_mut());
            statuses
                .chain(&mut body.shared)
                .for_each(|ty| ty.rename(renames));
        }
        self.api.pages = std::mem::take(&mut self.api.pages)
            .into_iter()
            .map(|(name, mut page)| {
                page.item.rename(renames);
                (new_name(&name), page)
            })
            .collect();
        self.features.gates = std::mem::take(&mut self.features.gates)
            .into_iter()
            .map(|(name, gates)| (new_name(&name), gates))
            .collect();
        let mut renamed: BTreeMap<String, String> = std::mem::take(&mut self.renamed_types)
            .into_iter()
            .map(|(generated, used)| (generated, new_name(&used)))
            .collect();
        for (old, new) in renames {
            if !renamed.values().any(|used| used == new) {
                renamed.insert(old.clone(), new.clone());
            }
        }
        renamed.retain(|generated, used| generated != used);
        self.renamed_types = renamed;
    }

    /// Every operation, group by group.
    pub fn operations(&self) -> impl Iterator<Item = (&Group, &OperationDef)> {
        self.api
            .groups
            .iter()
            .flat_map(|group| group.operations.iter().map(move |op| (group, op)))
    }
}

/// A Rust type as the generated code spells it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RType {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i32` (`format: int32`).
    I32,
    /// `i64`.
    I64,
    /// `f32` (`format: float`).
    F32,
    /// `f64`.
    F64,
    /// A calendar date (`format: date`).
    Date,
    /// The runtime's `DateTime` (`format: date-time`), which keeps the text it was given.
    DateTime,
    /// A UUID (`format: uuid`).
    Uuid,
    /// A file upload part (`format: binary` in a multipart body).
    File,
    /// Any JSON value.
    Json,
    /// A JSON object with arbitrary keys and values.
    JsonObject,
    /// A type of `models.rs`, by name.
    Named(String),
    /// A list.
    Vec(Box<RType>),
    /// A map with string keys.
    Map(Box<RType>),
    /// A value that may be absent or `null`.
    Option(Box<RType>),
    /// A value boxed to break a cycle of types containing each other.
    Boxed(Box<RType>),
    /// The runtime's `OneOrMany`: one value or a list of them.
    OneOrMany(Box<RType>),
}

impl RType {
    /// Whether the runtime can write this type as text into a path, query or header (its
    /// `ParamValue`): scalars, string enums, unions of such (see
    /// [`UnionDef::is_param_text`]), aliases of them, lists and options of them.
    pub(crate) fn is_param_text(&self, defs: &BTreeMap<String, TypeDef>) -> bool {
        self.is_param_text_within(defs, 0)
    }

    fn is_param_text_within(&self, defs: &BTreeMap<String, TypeDef>, depth: usize) -> bool {
        // Deeper than any real document nests aliases and unions; a cycle is not text.
        const MAX_DEPTH: usize = 32;
        match self {
            RType::String
            | RType::Bool
            | RType::I32
            | RType::I64
            | RType::F32
            | RType::F64
            | RType::Date
            | RType::DateTime
            | RType::Uuid => true,
            RType::Vec(inner) | RType::Option(inner) => inner.is_param_text_within(defs, depth),
            RType::Named(name) if depth < MAX_DEPTH => match defs.get(name) {
                Some(TypeDef::Enum(_)) => true,
                Some(TypeDef::Alias(alias)) => alias.ty.is_param_text_within(defs, depth + 1),
                Some(TypeDef::Union(union)) => union.is_param_text_within(defs, depth + 1),
                _ => false,
            },
            _ => false,
        }
    }

    /// Whether a `Default` value exists for this type (for deriving `Default` on structs).
    pub(crate) fn has_default(&self, defs: &BTreeMap<String, TypeDef>) -> bool {
        match self {
            RType::Named(name) => defs.get(name).is_some_and(TypeDef::has_default_marker),
            RType::Boxed(inner) => inner.has_default(defs),
            RType::File | RType::OneOrMany(_) | RType::DateTime => false,
            _ => true,
        }
    }

    /// The named types this type contains without an allocation in between, which matters
    /// for recursion (`Vec` and maps already break a cycle; a plain field or `Option` does not).
    pub(crate) fn direct_names(&self, out: &mut Vec<String>) {
        match self {
            RType::Named(name) => out.push(name.clone()),
            RType::Option(inner) | RType::OneOrMany(inner) => inner.direct_names(out),
            _ => {}
        }
    }

    /// Renames the named types mentioned, at any depth (old name -> new name).
    pub fn rename(&mut self, renames: &BTreeMap<String, String>) {
        match self {
            RType::Named(name) => {
                if let Some(new) = renames.get(name.as_str()) {
                    new.clone_into(name);
                }
            }
            RType::Vec(inner)
            | RType::Map(inner)
            | RType::Option(inner)
            | RType::Boxed(inner)
            | RType::OneOrMany(inner) => inner.rename(renames),
            _ => {}
        }
    }

    /// Every named type mentioned, at any depth.
    pub fn all_names(&self, out: &mut BTreeSet<String>) {
        match self {
            RType::Named(name) => {
                out.insert(name.clone());
            }
            RType::Vec(inner)
            | RType::Map(inner)
            | RType::Option(inner)
            | RType::Boxed(inner)
            | RType::OneOrMany(inner) => inner.all_names(out),
            _ => {}
        }
    }
}

/// A type `models.rs` defines.
#[derive(Debug, Clone)]
pub enum TypeDef {
    /// An object schema: a struct with named fields.
    Struct(StructDef),
    /// A string enumeration: an open enum (it keeps values it does not know).
    Enum(EnumDef),
    /// `oneOf`/`anyOf`: an enum with one variant per alternative.
    Union(UnionDef),
    /// Any other component schema: a type alias.
    Alias(AliasDef),
}

impl TypeDef {
    fn has_default_marker(&self) -> bool {
        match self {
            TypeDef::Struct(d) => d.derive_default,
            TypeDef::Enum(d) => d.default.is_some(),
            TypeDef::Union(_) => false,
            TypeDef::Alias(d) => d.default_possible,
        }
    }

    /// The Rust name.
    pub fn name(&self) -> &str {
        match self {
            TypeDef::Struct(d) => &d.name,
            TypeDef::Enum(d) => &d.name,
            TypeDef::Union(d) => &d.name,
            TypeDef::Alias(d) => &d.name,
        }
    }

    /// Where the schema is in the document (a JSON pointer).
    pub fn pointer(&self) -> &str {
        match self {
            TypeDef::Struct(d) => &d.pointer,
            TypeDef::Enum(d) => &d.pointer,
            TypeDef::Union(d) => &d.pointer,
            TypeDef::Alias(d) => &d.pointer,
        }
    }

    /// Renames itself and the types it mentions (see [`Model::rename_types`]).
    fn rename_types(&mut self, renames: &BTreeMap<String, String>) {
        let rename_own = |name: &mut String| {
            if let Some(new) = renames.get(name.as_str()) {
                new.clone_into(name);
            }
        };
        match self {
            TypeDef::Struct(d) => {
                rename_own(&mut d.name);
                let fields = d.fields.iter_mut().map(|field| &mut field.ty);
                fields
                    .chain(&mut d.additional)
                    .for_each(|ty| ty.rename(renames));
            }
            TypeDef::Enum(d) => rename_own(&mut d.name),
            TypeDef::Union(d) => {
                rename_own(&mut d.name);
                let taken: BTreeSet<String> = d.variants.iter().map(|(v, _)| v.clone()).collect();
                for (variant, ty) in &mut d.variants {
                    // A variant named after its type follows the type's new name.
                    if let RType::Named(name) = &*ty {
                        if let Some(new) = renames.get(name.as_str()) {
                            if name == variant && !taken.contains(new) {
                                new.clone_into(variant);
                            }
                        }
                    }
                    ty.rename(renames);
                }
            }
            TypeDef::Alias(d) => {
                rename_own(&mut d.name);
                d.ty.rename(renames);
            }
        }
    }

    /// Whether the document marks the type deprecated.
    pub fn is_deprecated(&self) -> bool {
        match self {
            TypeDef::Struct(d) => d.deprecated,
            TypeDef::Enum(d) => d.deprecated,
            TypeDef::Union(d) => d.deprecated,
            TypeDef::Alias(d) => d.deprecated,
        }
    }
}

/// A struct: `#[non_exhaustive]`, public fields, built with `new` or `Default` plus setters.
#[derive(Debug, Clone)]
pub struct StructDef {
    /// The Rust name.
    pub name: String,
    /// Where the schema is in the document (a JSON pointer).
    pub pointer: String,
    /// Rustdoc text from the schema.
    pub doc: String,
    /// The schema is marked deprecated.
    pub deprecated: bool,
    /// The fields, in schema order.
    pub fields: Vec<Field>,
    /// Type of extra keys when the schema allows `additionalProperties`.
    pub additional: Option<RType>,
    /// Sent in a request (reachable from a request body or parameter), so a value built by
    /// the user must be a valid one (see `derive_default` and `constructor`).
    pub input: bool,
    /// Derives `Default`.
    pub derive_default: bool,
    /// The fields `new` takes, by index, in schema order; `new` exists when `derive_default`
    /// is false.
    pub constructor: Vec<usize>,
    /// The discriminator tag the value always carries, when exactly one tag of a discriminated
    /// union names this schema: written on encode, never a field (see [`Discriminator`]).
    pub tag: Option<Tag>,
    /// The tag property is left out of the fields because a discriminated union writes it:
    /// the struct consumes it on decode (so extra properties never hold it twice).
    pub tag_property: Option<String>,
}

/// A discriminator tag a struct writes itself: `"type": "BARCODE"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// The tag property's name in JSON (`propertyName`).
    pub property: String,
    /// The tag value.
    pub value: String,
}

impl StructDef {
    /// Fields set by a chainable `with_*` setter: every field `new` does not take.
    pub fn setter_fields(&self) -> impl Iterator<Item = &Field> {
        self.fields
            .iter()
            .enumerate()
            .filter(|(index, _)| !self.constructor.contains(index))
            .map(|(_, field)| field)
    }

    /// Whether the struct has a `new` function.
    pub fn has_constructor(&self) -> bool {
        !self.derive_default
    }
}

/// A field of a struct.
#[derive(Debug, Clone)]
pub struct Field {
    /// The property name in JSON.
    pub wire_name: String,
    /// The Rust field name.
    pub rust_name: String,
    /// Where the property is in the document (a JSON pointer).
    pub pointer: String,
    /// The full field type, `Option` included when the field may be absent or null.
    pub ty: RType,
    /// Required by the schema: always serialised, even when `None` (nullable).
    pub required: bool,
    /// Rustdoc text from the property.
    pub doc: String,
    /// The property is marked deprecated.
    pub deprecated: bool,
}

/// An open string enum: one variant per documented value plus a fallback keeping the others.
#[derive(Debug, Clone)]
pub struct EnumDef {
    /// The Rust name.
    pub name: String,
    /// Where the schema is in the document (a JSON pointer).
    pub pointer: String,
    /// Rustdoc text from the schema.
    pub doc: String,
    /// The schema is marked deprecated.
    pub deprecated: bool,
    /// The documented values.
    pub variants: Vec<EnumVariant>,
    /// Variant holding a value this client does not know yet.
    pub fallback: String,
    /// Index of the variant named by the schema's `default`.
    pub default: Option<usize>,
}

/// One documented value of an enum.
#[derive(Debug, Clone)]
pub struct EnumVariant {
    /// The value as sent.
    pub wire: String,
    /// The variant name.
    pub rust_name: String,
    /// Rustdoc text (`x-enumDescriptions`).
    pub doc: String,
}

/// `oneOf`/`anyOf`: with a discriminator, the variant its tag names; without, the first
/// variant that decodes wins.
#[derive(Debug, Clone)]
pub struct UnionDef {
    /// The Rust name.
    pub name: String,
    /// Where the schema is in the document (a JSON pointer).
    pub pointer: String,
    /// Rustdoc text from the schema.
    pub doc: String,
    /// The schema is marked deprecated.
    pub deprecated: bool,
    /// Variant name and type, in the document's order.
    pub variants: Vec<(String, RType)>,
    /// How the variant is chosen when the schema has a `discriminator`.
    pub discriminator: Option<Discriminator>,
}

/// A discriminated union: the value's tag property names its variant, one tag per variant
/// (several tags may name the same schema, each its own variant); a tag no variant has is
/// kept as JSON in the `fallback` variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discriminator {
    /// The tag property's name in JSON (`propertyName`).
    pub property: String,
    /// The tag of each variant, by the index of [`UnionDef::variants`].
    pub tags: Vec<String>,
    /// The variant keeping a value whose tag this client does not know, as JSON.
    pub fallback: String,
}

impl UnionDef {
    /// Whether every alternative can be written as text into a path, query or header, so that
    /// the union can too (the value of the alternative it holds): `1` or `"abc"` for an id
    /// that is a number or a string.
    pub(crate) fn is_param_text(&self, defs: &BTreeMap<String, TypeDef>) -> bool {
        self.is_param_text_within(defs, 0)
    }

    fn is_param_text_within(&self, defs: &BTreeMap<String, TypeDef>, depth: usize) -> bool {
        self.discriminator.is_none()
            && (self.variants.iter()).all(|(_, ty)| ty.is_param_text_within(defs, depth))
    }
}

/// A component schema that is not an object or enum, e.g. `type: array`.
#[derive(Debug, Clone)]
pub struct AliasDef {
    /// The Rust name.
    pub name: String,
    /// Where the schema is in the document (a JSON pointer).
    pub pointer: String,
    /// Rustdoc text from the schema.
    pub doc: String,
    /// The schema is marked deprecated.
    pub deprecated: bool,
    /// The type it stands for.
    pub ty: RType,
    /// That type has a `Default`.
    pub default_possible: bool,
}

/// The operations of the crate.
#[derive(Debug, Clone)]
pub struct Api {
    /// One group per tag, in declaration order.
    pub groups: Vec<Group>,
    /// Error-body types to define, by name (status-keyed enums or component types).
    pub error_bodies: Vec<ErrorBody>,
    /// Response types that are slices of a longer list.
    pub pages: BTreeMap<String, Page>,
    /// Number of operations.
    pub operation_count: usize,
}

impl Api {
    /// No operations (a crate of models only).
    pub fn empty() -> Self {
        Api {
            groups: Vec::new(),
            error_bodies: Vec::new(),
            pages: BTreeMap::new(),
            operation_count: 0,
        }
    }

    /// Every type a request carries: parameters, JSON and form bodies, multipart parts.
    pub fn request_types(&self) -> impl Iterator<Item = &RType> {
        let operations = self.groups.iter().flat_map(|g| &g.operations);
        operations.flat_map(|op| {
            let params = op.params.iter().map(|p| &p.ty);
            let body = op.body.iter().flat_map(Body::types);
            params.chain(body)
        })
    }
}

/// The operations of one tag, reached through `client.<accessor>()`.
#[derive(Debug, Clone)]
pub struct Group {
    /// The group's struct in `api`.
    pub struct_name: String,
    /// The client method returning the group.
    pub accessor: String,
    /// Its module in `api/` (and, as kebab case, its cargo feature).
    pub module: String,
    /// Rustdoc text from the tag.
    pub doc: String,
    /// Its operations, in document order.
    pub operations: Vec<OperationDef>,
    /// Its expectations in the crate's `mock` module.
    pub mock: GroupMock,
}

/// The public names of a group in the crate's `mock` module (its `mock` feature).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupMock {
    /// The struct holding the group's expectation constructors (`CustomersMocks`).
    pub struct_name: String,
    /// The `MockServer` method returning it.
    pub accessor: String,
}

/// One operation: a method on its group returning a request builder.
#[derive(Debug, Clone)]
pub struct OperationDef {
    /// The `operationId` (or `method path` when it has none).
    pub id: String,
    /// Where the operation is in the document (a JSON pointer).
    pub pointer: String,
    /// The group method.
    pub method_name: String,
    /// `GET_CUSTOMER`: the static holding the operation's metadata.
    pub static_name: String,
    /// The request builder's name.
    pub builder_name: String,
    /// Upper-case HTTP method.
    pub http_method: String,
    /// The path template.
    pub path: String,
    /// Rustdoc text from summary and description.
    pub doc: String,
    /// The operation is marked deprecated.
    pub deprecated: bool,
    /// Path, query and header parameters; path parameters in path order.
    pub params: Vec<Param>,
    /// The request body.
    pub body: Option<Body>,
    /// What the caller gives, derived from `params` and `body`: required inputs are the
    /// method's arguments, optional ones the request builder's setters, in this order.
    pub inputs: Vec<Input>,
    /// What a success decodes to.
    pub success: Success,
    /// Type decoding documented error statuses; `None` when none are documented.
    pub error: Option<String>,
    /// How to follow the slices of a sliced list.
    pub pagination: Option<Pagination>,
    /// The type of its expectation in the crate's `mock` module (`GetCustomerMock`).
    pub mock_name: String,
}

impl OperationDef {
    /// Renames the types its parameters, inputs, body, successes and pages mention.
    fn rename_types(&mut self, renames: &BTreeMap<String, String>) {
        for param in &mut self.params {
            param.ty.rename(renames);
        }
        for input in &mut self.inputs {
            if let InputType::Value(ty) | InputType::Serialized(ty) = &mut input.ty {
                ty.rename(renames);
            }
        }
        match &mut self.body {
            Some(Body::Json { ty, .. } | Body::Form { ty, .. }) => ty.rename(renames),
            Some(Body::Multipart { parts, .. }) => {
                parts.iter_mut().for_each(|part| part.ty.rename(renames));
            }
            Some(Body::Text { .. } | Body::Binary { .. }) | None => {}
        }
        match &mut self.success {
            Success::Json(ty) => ty.rename(renames),
            Success::Several { statuses, .. } => {
                for status in statuses {
                    if let StatusBody::Json(ty) = &mut status.body {
                        ty.rename(renames);
                    }
                }
            }
            Success::Empty | Success::Bytes | Success::Undocumented => {}
        }
        if let Some(pagination) = &mut self.pagination {
            pagination.item.rename(renames);
        }
    }
}

/// Where a parameter is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Location {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// In a header.
    Header,
}

/// A parameter: a method argument when required, a request-builder setter when optional.
#[derive(Debug, Clone)]
pub struct Param {
    /// The name on the wire.
    pub wire_name: String,
    /// The Rust argument or setter name.
    pub rust_name: String,
    /// Where the parameter is in the document (a JSON pointer).
    pub pointer: String,
    /// Where it is sent.
    pub location: Location,
    /// The value type, without `Option`.
    pub ty: RType,
    /// For a query parameter that is not written as plain `name=value` pairs (OpenAPI's
    /// `style` and `explode`: objects, unions, lists not exploded or delimited), how it is
    /// written; `None` for the default, `form` exploded.
    pub style: Option<Style>,
    /// A method argument (else a setter).
    pub required: bool,
    /// Rustdoc text.
    pub doc: String,
    /// The parameter is marked deprecated.
    pub deprecated: bool,
}

/// One input of an operation as the caller gives it: an argument of the group method when
/// required, else a setter of its request builder (`x(T)` and `set_x(Option<T>)`).
///
/// Lowering derives an operation's inputs from its parameters and body in one place
/// (`lower/operations.rs`, `inputs`): every parameter, then the body, which is one input called
/// `body` when sent whole and one input per part when multipart. The request builder, the mocks,
/// the change report and the contract calls all read them from here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The argument or setter name.
    pub rust_name: String,
    /// Where its value goes.
    pub source: InputSource,
    /// What the caller gives.
    pub ty: InputType,
    /// A method argument (else a setter).
    pub required: bool,
    /// Rustdoc text.
    pub doc: String,
    /// The input is marked deprecated.
    pub deprecated: bool,
    /// Where it comes from in the document (a JSON pointer): the parameter, else the operation.
    pub pointer: String,
    /// For an optional input the operation's mock matches (a parameter, a body sent whole; not a
    /// multipart part, since parts are not compared): its matcher setters on the expectation.
    pub mock: Option<InputMock>,
}

/// Where an [`Input`]'s value goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputSource {
    /// The operation's parameter at this index of `params`.
    Param(usize),
    /// The body, sent whole.
    Body,
    /// The part at this index of a multipart body.
    Part(usize),
}

/// What the caller gives for an [`Input`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputType {
    /// A value of this type: a parameter, a multipart part, a text body. Text is taken as
    /// anything that converts into a `String`.
    Value(RType),
    /// A body serialised from a value of exactly this type (JSON, form).
    Serialized(RType),
    /// Raw bytes (a body of another media type).
    Bytes,
}

/// The setters of an operation's expectation that match one optional input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputMock {
    /// Matches requests carrying this value.
    pub setter: String,
    /// Matches requests without the input (`without_<input>`).
    pub without: String,
}

/// A request body.
#[derive(Debug, Clone)]
pub enum Body {
    /// A JSON body.
    Json {
        /// The media type chosen among the body's `content`, as the document writes it.
        media_type: String,
        /// Its type.
        ty: RType,
        /// A method argument (else a setter).
        required: bool,
        /// Rustdoc text.
        doc: String,
    },
    /// An `application/x-www-form-urlencoded` body: a type serialised as `name=value` pairs.
    Form {
        /// The media type chosen among the body's `content`, as the document writes it.
        media_type: String,
        /// Its type.
        ty: RType,
        /// A method argument (else a setter).
        required: bool,
        /// Rustdoc text.
        doc: String,
        /// Properties not sent in the default style (`form`, exploded), from the media type's
        /// `encoding`, in document order.
        styles: Vec<(String, Style)>,
    },
    /// A text body (`text/*`), taken as a `String`.
    Text {
        /// The media type chosen among the body's `content`, as the document writes it.
        media_type: String,
        /// The `Content-Type` sent (`text/plain` for a wildcard such as `text/*`).
        content_type: String,
        /// A method argument (else a setter).
        required: bool,
        /// Rustdoc text.
        doc: String,
    },
    /// Any other body, taken as bytes: binary uploads, and the last resort for media types
    /// the generator cannot type (with a warning).
    Binary {
        /// The media type chosen among the body's `content`, as the document writes it.
        media_type: String,
        /// The `Content-Type` sent (`application/octet-stream` for a wildcard such as `image/*`).
        content_type: String,
        /// A method argument (else a setter).
        required: bool,
        /// Rustdoc text.
        doc: String,
    },
    /// A `multipart/form-data` body: one argument or setter per part.
    Multipart {
        /// The media type chosen among the body's `content`, as the document writes it.
        media_type: String,
        /// The parts.
        parts: Vec<Part>,
    },
}

impl Body {
    /// Whether the body is a method argument (else a setter). A multipart body is never one as a
    /// whole: its parts are, each on its own.
    pub fn required(&self) -> bool {
        match self {
            Body::Json { required, .. }
            | Body::Form { required, .. }
            | Body::Text { required, .. }
            | Body::Binary { required, .. } => *required,
            Body::Multipart { .. } => false,
        }
    }

    /// The media type chosen among the body's `content`, as the document writes it (the key of
    /// the media type object that describes the body).
    pub fn media_type(&self) -> &str {
        match self {
            Body::Json { media_type, .. }
            | Body::Form { media_type, .. }
            | Body::Text { media_type, .. }
            | Body::Binary { media_type, .. }
            | Body::Multipart { media_type, .. } => media_type,
        }
    }

    /// The types the body carries (empty for text and bytes).
    pub fn types(&self) -> Vec<&RType> {
        match self {
            Body::Json { ty, .. } | Body::Form { ty, .. } => vec![ty],
            Body::Multipart { parts, .. } => parts.iter().map(|p| &p.ty).collect(),
            Body::Text { .. } | Body::Binary { .. } => Vec::new(),
        }
    }
}

/// How the document says a query parameter, or one property of a form body, is written:
/// OpenAPI's `style` and `explode`, as words of the document. The runtime's `FormStyle` is the
/// one definition of how each is written; rendering names the runtime's value for this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Style {
    /// `style`.
    pub name: StyleName,
    /// `explode`.
    pub explode: bool,
}

impl Style {
    /// OpenAPI's default for query parameters and form properties: `form`, exploded.
    pub const DEFAULT: Style = Style {
        name: StyleName::Form,
        explode: true,
    };
}

/// OpenAPI's `style` values for query parameters and form properties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StyleName {
    /// `form`.
    Form,
    /// `spaceDelimited`.
    SpaceDelimited,
    /// `pipeDelimited`.
    PipeDelimited,
    /// `deepObject`.
    DeepObject,
}

/// One part of a multipart body.
#[derive(Debug, Clone)]
pub struct Part {
    /// The part name.
    pub wire_name: String,
    /// The Rust argument or setter name.
    pub rust_name: String,
    /// `RType::File` for uploads; anything else is sent as a JSON or text part.
    pub ty: RType,
    /// A method argument (else a setter).
    pub required: bool,
    /// Rustdoc text.
    pub doc: String,
}

/// What a successful response decodes to.
///
/// When every documented success status carries the same body (or none), that body's type;
/// when they carry different bodies, a status-keyed enum ([`Success::Several`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Success {
    /// A JSON body of this type.
    Json(RType),
    /// No body.
    Empty,
    /// Raw bytes.
    Bytes,
    /// The document gives the operation no responses at all (OpenAPI 3.1 allows it): any 2xx
    /// is a success, its body kept as raw bytes, as for [`Success::Bytes`]; the status and
    /// headers are the caller's to read.
    Undocumented,
    /// Success statuses with different bodies: an enum of the `api` module with one variant per
    /// documented status, decoded by the status of the response.
    Several {
        /// The enum's name (`CreateCustomerResponse`), in the namespace of the `api` module.
        name: String,
        /// The documented success statuses, in document order.
        statuses: Vec<SuccessStatus>,
    },
}

impl Success {
    /// Every type a success body is decoded into.
    pub fn body_types(&self) -> Vec<&RType> {
        match self {
            Success::Json(ty) => vec![ty],
            Success::Empty | Success::Bytes | Success::Undocumented => Vec::new(),
            Success::Several { statuses, .. } => statuses
                .iter()
                .filter_map(|status| match &status.body {
                    StatusBody::Json(ty) => Some(ty),
                    StatusBody::Bytes | StatusBody::Empty => None,
                })
                .collect(),
        }
    }
}

/// One documented success status of a [`Success::Several`] enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuccessStatus {
    /// `200`, or `2XX` for a range.
    pub status: String,
    /// The variant (`Ok`, `Created`, `NoContent`, ...).
    pub variant: String,
    /// Rustdoc text from the response description.
    pub doc: String,
    /// What the variant carries.
    pub body: StatusBody,
}

/// The body of one documented success status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusBody {
    /// A JSON body of this type.
    Json(RType),
    /// A body of another media type, kept as raw bytes.
    Bytes,
    /// No body.
    Empty,
}

/// A sliced list: the cursor parameter is fed from the response until there is no next slice.
#[derive(Debug, Clone)]
pub struct Pagination {
    /// The query parameter carrying the cursor.
    pub cursor_param: String,
    /// The cursor is text (else a number).
    pub cursor_is_text: bool,
    /// The type of the list's items.
    pub item: RType,
}

/// How to read one page type: which fields hold the items, the has-more flag and the cursor.
#[derive(Debug, Clone)]
pub struct Page {
    /// The field holding the slice's items.
    pub items_field: String,
    /// That field is an `Option`.
    pub items_optional: bool,
    /// The items' type.
    pub item: RType,
    /// The field saying whether more slices follow.
    pub has_more_field: String,
    /// That field is an `Option`.
    pub has_more_optional: bool,
    /// The field holding the next cursor.
    pub cursor_field: String,
    /// That field is an `Option`.
    pub cursor_optional: bool,
    /// The cursor is text (else a number).
    pub cursor_is_text: bool,
}

/// A type decoding the error bodies of some operations.
#[derive(Debug, Clone)]
pub struct ErrorBody {
    /// The Rust name.
    pub name: String,
    /// The documented error statuses.
    pub statuses: Vec<ErrorStatus>,
    /// The documented statuses all carry this one existing type: it implements the trait
    /// itself instead of a status-keyed enum being generated.
    pub shared: Option<RType>,
}

/// One documented error status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorStatus {
    /// `400`, or `4XX` for a range, or `default`.
    pub status: String,
    /// The variant of a status-keyed enum.
    pub variant: String,
    /// Rustdoc text from the response description.
    pub doc: String,
    /// The body type, if the response has one.
    pub body: Option<RType>,
}
