//! Schemas reduced to the shape of the Rust type the generator makes of them.
//!
//! Two schemas are compared by what the generated client would do with them, so this module
//! mirrors the decisions of `codegen`'s type mapping: a `$ref` is the referenced type (compared
//! by name, never entered), `allOf` parts are merged into one struct, `allOf: [X]` is X, a
//! string `enum` is a Rust enum, `format` picks the scalar type (`int32` -> `i32`,
//! `date` -> `NaiveDate`, unknown formats stay `String`), `[array of X, X]` is "one or many X",
//! and an object without properties is a map or a JSON object.

use openapiv3::{AdditionalProperties, AnySchema, OpenAPI, ReferenceOr, Schema, SchemaKind, Type};

/// Inline schemas nest only as deep as the document does, but `allOf` follows references, so
/// a cycle through `allOf` (or an absurdly deep document) must stop somewhere.
const MAX_DEPTH: usize = 64;

/// Parts one `allOf` may expand to, references followed: a cycle whose every step names two
/// parents would otherwise take 2^64 steps before the depth limit stops it.
const ALL_OF_BUDGET: usize = 4096;

/// A schema, whether written inline or as a reference, without cloning it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Node<'a> {
    Ref(&'a str),
    Item(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for Node<'a> {
    fn from(schema: &'a ReferenceOr<Schema>) -> Self {
        match schema {
            ReferenceOr::Reference { reference } => Node::Ref(reference),
            ReferenceOr::Item(schema) => Node::Item(schema),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for Node<'a> {
    fn from(schema: &'a ReferenceOr<Box<Schema>>) -> Self {
        match schema {
            ReferenceOr::Reference { reference } => Node::Ref(reference),
            ReferenceOr::Item(schema) => Node::Item(schema),
        }
    }
}

/// The key of a `#/components/schemas/...` reference.
pub(crate) fn component_key(reference: &str) -> Option<&str> {
    reference
        .strip_prefix("#/components/schemas/")
        .filter(|key| !key.is_empty() && !key.contains('/'))
}

/// What a schema becomes in the generated client.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Shape {
    /// A component schema, by its key.
    Named(String),
    /// A scalar: `rust` is the generated type, `spec` the type and format as written.
    Scalar {
        rust: &'static str,
        spec: String,
    },
    Array(Box<Shape>),
    Map(Box<Shape>),
    OneOrMany(Box<Shape>),
    /// Any JSON value.
    Any,
    /// A JSON object with arbitrary keys.
    AnyObject,
    /// An inline string enumeration.
    Enum(Vec<String>),
    /// An inline object (or merged `allOf`).
    Object(ObjectShape),
    /// Inline `oneOf`/`anyOf`: the first alternative that decodes wins, so order matters.
    Union(Vec<Shape>),
    /// Something the generator would refuse (a foreign reference, a cycle, an unknown type);
    /// compared by this text so that a diff never fails on a document codegen would reject.
    Unsupported(String),
}

/// The members of an object: struct fields, or the parts of a multipart form.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ObjectShape {
    pub properties: Vec<Property>,
}

impl ObjectShape {
    pub(crate) fn get(&self, name: &str) -> Option<&Property> {
        self.properties.iter().find(|p| p.name == name)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Property {
    pub name: String,
    pub shape: Shape,
    pub required: bool,
    pub nullable: bool,
}

impl Shape {
    /// Words for the report: `integer(int32)`, `array of Customer`, `inline object`.
    pub(crate) fn describe(&self) -> String {
        match self {
            Shape::Named(name) => name.clone(),
            Shape::Scalar { spec, .. } => spec.clone(),
            Shape::Array(item) => format!("array of {}", item.describe()),
            Shape::Map(value) => format!("map of {}", value.describe()),
            Shape::OneOrMany(item) => format!("one or many {}", item.describe()),
            Shape::Any => "any JSON value".into(),
            Shape::AnyObject => "JSON object".into(),
            Shape::Enum(_) => "inline enum".into(),
            Shape::Object(_) => "inline object".into(),
            Shape::Union(alternatives) => {
                let alternatives: Vec<String> = alternatives.iter().map(Shape::describe).collect();
                format!("one of [{}]", alternatives.join(", "))
            }
            Shape::Unsupported(text) => text.clone(),
        }
    }

    /// The generated Rust type, for details: `i32`, `Vec<Customer>`, `(inline type)`.
    pub(crate) fn rust(&self) -> String {
        match self {
            Shape::Named(name) => name.clone(),
            Shape::Scalar { rust, .. } => (*rust).to_owned(),
            Shape::Array(item) => format!("Vec<{}>", item.rust()),
            Shape::Map(value) => format!("BTreeMap<String, {}>", value.rust()),
            Shape::OneOrMany(item) => format!("OneOrMany<{}>", item.rust()),
            Shape::Any => "serde_json::Value".into(),
            Shape::AnyObject => "serde_json::Map".into(),
            Shape::Enum(_) | Shape::Object(_) | Shape::Union(_) => "(inline type)".into(),
            Shape::Unsupported(_) => "(unsupported)".into(),
        }
    }

    /// Whether the generated Rust type is the same. Inline types at the same place get the same
    /// generated name, so two inline objects (or enums) count as the same type here: their
    /// members are compared one by one instead.
    pub(crate) fn same_rust_type(&self, other: &Shape) -> bool {
        match (self, other) {
            (Shape::Named(a), Shape::Named(b)) => a == b,
            (Shape::Scalar { rust: a, .. }, Shape::Scalar { rust: b, .. }) => a == b,
            (Shape::Array(a), Shape::Array(b))
            | (Shape::Map(a), Shape::Map(b))
            | (Shape::OneOrMany(a), Shape::OneOrMany(b)) => a.same_rust_type(b),
            (Shape::Any, Shape::Any) | (Shape::AnyObject, Shape::AnyObject) => true,
            (Shape::Enum(_), Shape::Enum(_)) | (Shape::Object(_), Shape::Object(_)) => true,
            (Shape::Union(a), Shape::Union(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.same_rust_type(b))
            }
            (Shape::Unsupported(a), Shape::Unsupported(b)) => a == b,
            _ => false,
        }
    }

    /// Whether the generated type is defined on the spot and named by codegen after its place.
    pub(crate) fn is_inline(&self) -> bool {
        match self {
            Shape::Enum(_) | Shape::Object(_) | Shape::Union(_) => true,
            Shape::Array(inner) | Shape::Map(inner) | Shape::OneOrMany(inner) => inner.is_inline(),
            _ => false,
        }
    }

    /// Whether comparing member by member says more than comparing as a whole.
    pub(crate) fn is_structural(&self) -> bool {
        match self {
            Shape::Object(_) | Shape::Enum(_) => true,
            Shape::Array(inner) | Shape::Map(inner) | Shape::OneOrMany(inner) => {
                inner.is_structural()
            }
            _ => false,
        }
    }

    /// A short summary of a new or removed type: `object with 3 properties`.
    pub(crate) fn summary(&self) -> String {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        match self {
            Shape::Object(object) => {
                let n = object.properties.len();
                format!(
                    "object with {n} propert{}",
                    if n == 1 { "y" } else { "ies" }
                )
            }
            Shape::Enum(values) => {
                format!("enum with {} value{}", values.len(), plural(values.len()))
            }
            other => format!("`{}`", other.describe()),
        }
    }
}

/// A document, with the lookups the comparison needs.
#[derive(Clone, Copy)]
pub(crate) struct Doc<'a> {
    pub api: &'a OpenAPI,
}

impl<'a> Doc<'a> {
    pub(crate) fn new(api: &'a OpenAPI) -> Self {
        Doc { api }
    }

    /// The component schemas, in document order.
    pub(crate) fn schemas(&self) -> impl Iterator<Item = (&'a str, &'a ReferenceOr<Schema>)> {
        self.api
            .components
            .iter()
            .flat_map(|c| c.schemas.iter())
            .map(|(k, v)| (k.as_str(), v))
    }

    pub(crate) fn component(&self, key: &str) -> Option<&'a ReferenceOr<Schema>> {
        self.api.components.as_ref()?.schemas.get(key)
    }

    /// Follows references to the schema they end at; `None` for a dangling or foreign
    /// reference, or a cycle of references.
    pub(crate) fn resolve(&self, node: Node<'a>) -> Option<&'a Schema> {
        let mut current = node;
        for _ in 0..MAX_DEPTH {
            match current {
                Node::Item(schema) => return Some(schema),
                Node::Ref(reference) => current = self.component(component_key(reference)?)?.into(),
            }
        }
        None
    }

    /// The shape of a schema used somewhere (a property, a body, a parameter).
    pub(crate) fn shape(&self, node: Node<'a>) -> Shape {
        self.shape_at(node, 0)
    }

    /// The shape of a component schema: its own definition, not a reference to itself.
    pub(crate) fn component_shape(&self, schema: &'a ReferenceOr<Schema>) -> Shape {
        self.shape_at(schema.into(), 0)
    }

    fn shape_at(&self, node: Node<'a>, depth: usize) -> Shape {
        if depth > MAX_DEPTH {
            return Shape::Unsupported("a schema nested too deeply (a cycle?)".into());
        }
        let schema = match node {
            Node::Ref(reference) => {
                return match component_key(reference) {
                    Some(key) => Shape::Named(key.to_owned()),
                    None => Shape::Unsupported(format!("reference {reference}")),
                };
            }
            Node::Item(schema) => schema,
        };
        let depth = depth + 1;
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let values: Vec<String> = s.enumeration.iter().flatten().cloned().collect();
                if values.is_empty() {
                    scalar("string", format_name(&s.format))
                } else {
                    Shape::Enum(values)
                }
            }
            SchemaKind::Type(Type::Integer(i)) => scalar("integer", format_name(&i.format)),
            SchemaKind::Type(Type::Number(n)) => scalar("number", format_name(&n.format)),
            SchemaKind::Type(Type::Boolean(_)) => scalar("boolean", None),
            SchemaKind::Type(Type::Array(array)) => self.array(array.items.as_ref(), depth),
            SchemaKind::Type(Type::Object(object)) => self.object(
                Members::of(&object.properties, &object.required),
                object.additional_properties.as_ref(),
                depth,
            ),
            SchemaKind::AllOf { all_of } => match all_of.as_slice() {
                // `allOf: [X]` is how a `$ref` carries siblings (and, after normalisation,
                // how a nullable reference is written): it is X.
                [only] => self.shape_at(only.into(), depth),
                parts => self.merged(parts, Members::default(), None, depth),
            },
            SchemaKind::OneOf {
                one_of: alternatives,
            }
            | SchemaKind::AnyOf {
                any_of: alternatives,
            } => self.union(alternatives, depth),
            SchemaKind::Not { .. } => Shape::Any,
            SchemaKind::Any(any) => self.any(any, depth),
        }
    }

    fn array(&self, items: Option<&'a ReferenceOr<Box<Schema>>>, depth: usize) -> Shape {
        let item = items.map_or(Shape::Any, |items| self.shape_at(items.into(), depth));
        Shape::Array(Box::new(item))
    }

    fn object(
        &self,
        members: Members<'a>,
        additional: Option<&'a AdditionalProperties>,
        depth: usize,
    ) -> Shape {
        if members.properties.is_empty() {
            return match additional {
                Some(AdditionalProperties::Schema(value)) => {
                    match self.shape_at(value.as_ref().into(), depth) {
                        Shape::Any => Shape::AnyObject,
                        value => Shape::Map(Box::new(value)),
                    }
                }
                _ => Shape::AnyObject,
            };
        }
        Shape::Object(self.members(&members, depth))
    }

    /// The members of an object, for a struct or a multipart form.
    pub(crate) fn object_members(&self, schema: &'a Schema) -> Option<ObjectShape> {
        let members = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                Members::of(&object.properties, &object.required)
            }
            SchemaKind::Any(any) if !any.properties.is_empty() => {
                Members::of(&any.properties, &any.required)
            }
            _ => return None,
        };
        Some(self.members(&members, 0))
    }

    fn members(&self, members: &Members<'a>, depth: usize) -> ObjectShape {
        let properties = members
            .properties
            .iter()
            .map(|(name, schema)| Property {
                name: (*name).to_owned(),
                shape: self.shape_at((*schema).into(), depth),
                required: members.required.contains(name),
                nullable: matches!(schema, ReferenceOr::Item(s) if s.schema_data.nullable),
            })
            .collect();
        ObjectShape { properties }
    }

    /// `allOf` with several parts: one struct with the properties of every part, following
    /// references and nested `allOf` (as codegen merges them).
    fn merged(
        &self,
        parts: &'a [ReferenceOr<Schema>],
        mut members: Members<'a>,
        mut additional: Option<&'a AdditionalProperties>,
        depth: usize,
    ) -> Shape {
        let mut budget = ALL_OF_BUDGET;
        if let Err(problem) =
            self.collect_all_of(parts, &mut members, &mut additional, depth, &mut budget)
        {
            return Shape::Unsupported(problem);
        }
        self.object(members, additional, depth)
    }

    fn collect_all_of(
        &self,
        parts: &'a [ReferenceOr<Schema>],
        members: &mut Members<'a>,
        additional: &mut Option<&'a AdditionalProperties>,
        depth: usize,
        budget: &mut usize,
    ) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err("`allOf` nested too deeply (a cycle?)".into());
        }
        for part in parts {
            *budget = budget
                .checked_sub(1)
                .ok_or("`allOf` with too many parts (a cycle?)")?;
            let Some(schema) = self.resolve(part.into()) else {
                let what = match part {
                    ReferenceOr::Reference { reference } => {
                        format!("`allOf` member {reference} that resolves to nothing")
                    }
                    ReferenceOr::Item(_) => "`allOf` member that resolves to nothing".into(),
                };
                return Err(what);
            };
            match &schema.schema_kind {
                SchemaKind::Type(Type::Object(object)) => {
                    members.extend(&object.properties, &object.required);
                    if object.additional_properties.is_some() {
                        *additional = object.additional_properties.as_ref();
                    }
                }
                SchemaKind::Any(any)
                    if any.typ.is_none() || any.typ.as_deref() == Some("object") =>
                {
                    members.extend(&any.properties, &any.required);
                    if any.additional_properties.is_some() {
                        *additional = any.additional_properties.as_ref();
                    }
                    self.collect_all_of(&any.all_of, members, additional, depth + 1, budget)?;
                }
                SchemaKind::AllOf { all_of } => {
                    self.collect_all_of(all_of, members, additional, depth + 1, budget)?
                }
                _ => return Err("`allOf` member that is not an object".into()),
            }
        }
        Ok(())
    }

    fn union(&self, alternatives: &'a [ReferenceOr<Schema>], depth: usize) -> Shape {
        let shapes: Vec<Shape> = alternatives
            .iter()
            .map(|a| self.shape_at(a.into(), depth))
            .collect();
        // `[array of X, X]` in either order is "one or several X", as codegen reads it.
        if let [first, second] = shapes.as_slice() {
            for (array, single) in [(first, second), (second, first)] {
                if matches!(array, Shape::Array(item) if **item == *single) {
                    return Shape::OneOrMany(Box::new(single.clone()));
                }
            }
        }
        Shape::Union(shapes)
    }

    /// Schemas `openapiv3` could not classify: the kind follows from the keys present.
    fn any(&self, any: &'a AnySchema, depth: usize) -> Shape {
        if !any.all_of.is_empty() {
            let members = Members::of(&any.properties, &any.required);
            return self.merged(
                &any.all_of,
                members,
                any.additional_properties.as_ref(),
                depth,
            );
        }
        let alternatives = if any.one_of.is_empty() {
            &any.any_of
        } else {
            &any.one_of
        };
        if !alternatives.is_empty() {
            if any.properties.is_empty() {
                return self.union(alternatives, depth);
            }
            return Shape::Unsupported("`oneOf`/`anyOf` next to `properties`".into());
        }
        let strings: Vec<String> = any
            .enumeration
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        if !strings.is_empty() && any.enumeration.iter().all(|v| v.is_string() || v.is_null()) {
            return Shape::Enum(strings);
        }
        let format = any.format.as_deref();
        match any.typ.as_deref() {
            Some(kind @ ("string" | "integer" | "number" | "boolean")) => {
                scalar(kind, format.map(str::to_owned))
            }
            Some("array") => self.array(any.items.as_ref(), depth),
            Some("object") | None
                if !any.properties.is_empty() || any.additional_properties.is_some() =>
            {
                self.object(
                    Members::of(&any.properties, &any.required),
                    any.additional_properties.as_ref(),
                    depth,
                )
            }
            Some("object") => Shape::AnyObject,
            None if any.items.is_some() => self.array(any.items.as_ref(), depth),
            None => Shape::Any,
            Some(other) => Shape::Unsupported(format!("type `{other}`")),
        }
    }
}

/// Properties and required names gathered from one or several schemas; a later schema's
/// property replaces an earlier one of the same name, in place (as `IndexMap::extend` does).
#[derive(Default)]
struct Members<'a> {
    properties: Vec<(&'a str, &'a ReferenceOr<Box<Schema>>)>,
    required: Vec<&'a str>,
}

impl<'a> Members<'a> {
    fn of(properties: &'a Properties, required: &'a [String]) -> Self {
        let mut members = Members::default();
        members.extend(properties, required);
        members
    }

    fn extend(&mut self, properties: &'a Properties, required: &'a [String]) {
        for (name, schema) in properties {
            match self
                .properties
                .iter_mut()
                .find(|(existing, _)| *existing == name.as_str())
            {
                Some(slot) => slot.1 = schema,
                None => self.properties.push((name, schema)),
            }
        }
        self.required.extend(required.iter().map(String::as_str));
    }
}

type Properties = indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>;

fn format_name<T: FormatName>(format: &openapiv3::VariantOrUnknownOrEmpty<T>) -> Option<String> {
    match format {
        openapiv3::VariantOrUnknownOrEmpty::Item(known) => Some(known.name().to_owned()),
        openapiv3::VariantOrUnknownOrEmpty::Unknown(other) => Some(other.clone()),
        openapiv3::VariantOrUnknownOrEmpty::Empty => None,
    }
}

/// The wire name of a format `openapiv3` knows.
trait FormatName {
    fn name(&self) -> &'static str;
}

impl FormatName for openapiv3::StringFormat {
    fn name(&self) -> &'static str {
        match self {
            openapiv3::StringFormat::Date => "date",
            openapiv3::StringFormat::DateTime => "date-time",
            openapiv3::StringFormat::Password => "password",
            openapiv3::StringFormat::Byte => "byte",
            openapiv3::StringFormat::Binary => "binary",
        }
    }
}

impl FormatName for openapiv3::IntegerFormat {
    fn name(&self) -> &'static str {
        match self {
            openapiv3::IntegerFormat::Int32 => "int32",
            openapiv3::IntegerFormat::Int64 => "int64",
        }
    }
}

impl FormatName for openapiv3::NumberFormat {
    fn name(&self) -> &'static str {
        match self {
            openapiv3::NumberFormat::Float => "float",
            openapiv3::NumberFormat::Double => "double",
        }
    }
}

/// A scalar as codegen maps it (`types::string_type` and friends).
fn scalar(kind: &str, format: Option<String>) -> Shape {
    let rust = match (kind, format.as_deref()) {
        ("string", Some("date")) => "NaiveDate",
        ("string", Some("date-time")) => "DateTime",
        ("string", Some("uuid")) => "Uuid",
        ("string", Some("binary")) => "FilePart",
        ("string", _) => "String",
        ("integer", Some("int32")) => "i32",
        ("integer", _) => "i64",
        ("number", Some("float")) => "f32",
        ("number", _) => "f64",
        _ => "bool",
    };
    let spec = match format {
        Some(format) => format!("{kind}({format})"),
        None => kind.to_owned(),
    };
    Shape::Scalar { rust, spec }
}
