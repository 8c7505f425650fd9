//! Schemas to Rust types: the [`TypeSpace`] owns every model the crate defines and answers
//! "which Rust type stands for this schema here?".
//!
//! Naming: a component schema keeps its own name; an inline schema is named after where it
//! is defined (`Customer` + property `address` -> `CustomerAddress`; operation
//! `getCustomers` + query parameter `customerStatus` -> `GetCustomersCustomerStatus`), never
//! after the first operation that happened to use it.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{AdditionalProperties, OpenAPI, ReferenceOr, Schema, SchemaKind, Type};

use crate::docs;
use crate::error::{Error, Pointer};
use crate::names::{self, Namespace};

/// Names a generated crate's prelude already uses; a schema called `String` becomes `String2`.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Vec",
    "String",
    "Box",
    "Client",
    "ClientBuilder",
    "Error",
    "Default",
    "Debug",
    "Clone",
    "PartialEq",
    "Eq",
    "Hash",
    "Send",
    "Sync",
    "Sized",
    "Copy",
];

/// A Rust type as the generator thinks of it, rendered to tokens by `render`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum RType {
    String,
    Bool,
    I32,
    I64,
    F32,
    F64,
    Date,
    DateTime,
    Uuid,
    /// A file upload part (`format: binary` in a multipart body).
    File,
    /// Any JSON value.
    Json,
    /// A JSON object with arbitrary keys and values.
    JsonObject,
    Named(String),
    Vec(Box<RType>),
    Map(Box<RType>),
    Option(Box<RType>),
    Boxed(Box<RType>),
    OneOrMany(Box<RType>),
}

impl RType {
    /// Whether a `Default` value exists for this type (for deriving `Default` on structs).
    fn has_default(&self, defs: &BTreeMap<String, TypeDef>) -> bool {
        match self {
            RType::Named(name) => defs.get(name).is_some_and(TypeDef::has_default_marker),
            RType::Boxed(inner) => inner.has_default(defs),
            RType::File | RType::OneOrMany(_) | RType::DateTime | RType::Date => false,
            _ => true,
        }
    }

    /// The named types this type contains without an allocation in between, which matters
    /// for recursion (`Vec` and maps already break a cycle; a plain field or `Option` does not).
    fn direct_names(&self, out: &mut Vec<String>) {
        match self {
            RType::Named(name) => out.push(name.clone()),
            RType::Option(inner) | RType::OneOrMany(inner) => inner.direct_names(out),
            _ => {}
        }
    }

    /// Every named type mentioned, at any depth.
    pub(crate) fn all_names(&self, out: &mut BTreeSet<String>) {
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

/// A type the generated crate defines.
#[derive(Debug, Clone)]
pub(crate) enum TypeDef {
    Struct(StructDef),
    Enum(EnumDef),
    Union(UnionDef),
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
}

#[derive(Debug, Clone)]
pub(crate) struct StructDef {
    pub name: String,
    pub doc: String,
    pub deprecated: bool,
    pub fields: Vec<Field>,
    /// Type of extra keys when the schema allows `additionalProperties`.
    pub additional: Option<RType>,
    pub derive_default: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub wire_name: String,
    pub rust_name: String,
    /// The full field type, `Option` included when the field may be absent or null.
    pub ty: RType,
    /// Required by the schema: always serialised, even when `None` (nullable).
    pub required: bool,
    pub doc: String,
    pub deprecated: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct EnumDef {
    pub name: String,
    pub doc: String,
    pub deprecated: bool,
    pub variants: Vec<EnumVariant>,
    /// Variant holding a value this client does not know yet.
    pub fallback: String,
    /// Index of the variant named by the schema's `default`.
    pub default: Option<usize>,
}

#[derive(Debug, Clone)]
pub(crate) struct EnumVariant {
    pub wire: String,
    pub rust_name: String,
    pub doc: String,
}

/// `oneOf`/`anyOf`: the first variant that decodes wins.
#[derive(Debug, Clone)]
pub(crate) struct UnionDef {
    pub name: String,
    pub doc: String,
    pub deprecated: bool,
    pub variants: Vec<(String, RType)>,
}

/// A component schema that is not an object or enum, e.g. `type: array`.
#[derive(Debug, Clone)]
pub(crate) struct AliasDef {
    pub name: String,
    pub doc: String,
    pub deprecated: bool,
    pub ty: RType,
    pub default_possible: bool,
}

/// Every type of the crate, built from component schemas and from inline schemas met while
/// generating operations.
pub(crate) struct TypeSpace<'a> {
    api: &'a OpenAPI,
    names: Namespace,
    /// Component schema key -> Rust type name.
    components: BTreeMap<String, String>,
    defs: BTreeMap<String, TypeDef>,
    /// Inline string enums by their values, to define each distinct one once.
    inline_enums: BTreeMap<Vec<String>, String>,
    /// For each set of inline enum values, the property or parameter name most places give
    /// it: the name of the one shared definition.
    enum_names: BTreeMap<Vec<String>, String>,
}

impl<'a> TypeSpace<'a> {
    /// Claims a name for every component schema, then defines them all.
    pub(crate) fn new(api: &'a OpenAPI) -> Result<Self, Error> {
        let mut space = TypeSpace {
            api,
            names: Namespace::with_reserved(RESERVED_TYPE_NAMES),
            components: BTreeMap::new(),
            defs: BTreeMap::new(),
            inline_enums: BTreeMap::new(),
            enum_names: preferred_enum_names(api),
        };
        let schemas = api.components.as_ref().map(|c| &c.schemas);
        for key in schemas.into_iter().flat_map(|s| s.keys()) {
            let name = space.names.claim(names::camel(key));
            space.components.insert(key.clone(), name);
        }
        let base = Pointer::root().join("components").join("schemas");
        for (key, schema) in schemas.into_iter().flatten() {
            let name = space.components[key].clone();
            let pointer = base.join(key);
            space.define_component(&name, schema, &pointer)?;
        }
        Ok(space)
    }

    /// Number of component schemas (each of which has a Rust type).
    pub(crate) fn component_count(&self) -> usize {
        self.components.len()
    }

    /// Component schema key -> Rust type name (used by `contract` to decode component examples).
    pub(crate) fn component_names(&self) -> &BTreeMap<String, String> {
        &self.components
    }

    pub(crate) fn defs(&self) -> &BTreeMap<String, TypeDef> {
        &self.defs
    }

    pub(crate) fn get(&self, name: &str) -> Option<&TypeDef> {
        self.defs.get(name)
    }

    fn define_component(
        &mut self,
        name: &str,
        schema: &ReferenceOr<Schema>,
        pointer: &Pointer,
    ) -> Result<(), Error> {
        let (doc, deprecated) = match schema {
            ReferenceOr::Item(s) => (
                docs::doc_text(s.schema_data.description.as_deref(), None),
                s.schema_data.deprecated,
            ),
            ReferenceOr::Reference { .. } => (String::new(), false),
        };
        // Objects and enums are defined under the component's own name; anything else
        // becomes an alias so that every component still has a Rust type to refer to.
        let ty = self.schema_type_named(schema, &Naming::claimed(name), pointer)?;
        if ty != RType::Named(name.to_owned()) {
            let default_possible = ty.has_default(&self.defs);
            let alias = AliasDef {
                name: name.to_owned(),
                doc,
                deprecated,
                ty,
                default_possible,
            };
            self.defs.insert(name.to_owned(), TypeDef::Alias(alias));
        }
        Ok(())
    }

    /// The Rust type for `schema`, defining a new type called `hint` (made unique) if the
    /// schema is an inline object, enum or union.
    pub(crate) fn schema_type(
        &mut self,
        schema: &ReferenceOr<Schema>,
        hint: &str,
        pointer: &Pointer,
    ) -> Result<RType, Error> {
        self.schema_type_named(schema, &Naming::hint(hint), pointer)
    }

    /// Like [`schema_type`](Self::schema_type) for the value of a property or parameter:
    /// `short` (its own name) is what an inline enum shared by several places is called.
    pub(crate) fn member_type(
        &mut self,
        schema: &ReferenceOr<Schema>,
        hint: &str,
        short: &str,
        pointer: &Pointer,
    ) -> Result<RType, Error> {
        let naming = Naming {
            text: hint.to_owned(),
            claimed: false,
            short: Some(names::camel(short)),
        };
        self.schema_type_named(schema, &naming, pointer)
    }

    pub(crate) fn boxed_schema_type(
        &mut self,
        schema: &ReferenceOr<Box<Schema>>,
        hint: &str,
        pointer: &Pointer,
    ) -> Result<RType, Error> {
        self.schema_type(&unbox(schema), hint, pointer)
    }

    fn reference_type(&self, reference: &str, pointer: &Pointer) -> Result<RType, Error> {
        let key = component_key(reference).ok_or_else(|| {
            Error::unsupported(
                pointer,
                format!("reference `{reference}`: only `#/components/schemas/...` is supported"),
            )
        })?;
        let name = self.components.get(key).ok_or_else(|| {
            Error::invalid(
                pointer,
                format!("reference `{reference}` points to no schema"),
            )
        })?;
        Ok(RType::Named(name.clone()))
    }

    /// Like [`schema_type`](Self::schema_type); `naming` is used only if the schema needs a
    /// definition of its own, so that plain strings and numbers claim no names.
    fn schema_type_named(
        &mut self,
        schema: &ReferenceOr<Schema>,
        name: &Naming,
        pointer: &Pointer,
    ) -> Result<RType, Error> {
        let schema = match schema {
            ReferenceOr::Reference { reference } => return self.reference_type(reference, pointer),
            ReferenceOr::Item(schema) => schema,
        };
        let data = &schema.schema_data;
        let doc = docs::doc_text(data.description.as_deref(), None);
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let values: Vec<String> = s.enumeration.iter().flatten().cloned().collect();
                if !values.is_empty() {
                    return Ok(self.define_enum(name, schema, values, doc));
                }
                Ok(string_type(s.format.as_str_opt()))
            }
            SchemaKind::Type(Type::Integer(i)) => Ok(integer_type(i.format.as_str_opt())),
            SchemaKind::Type(Type::Number(n)) => Ok(number_type(n.format.as_str_opt())),
            SchemaKind::Type(Type::Boolean(_)) => Ok(RType::Bool),
            SchemaKind::Type(Type::Array(array)) => {
                self.array_type(array.items.as_ref(), name, pointer)
            }
            SchemaKind::Type(Type::Object(object)) => self.object_type(
                name,
                doc,
                data.deprecated,
                &object.properties,
                &object.required,
                object.additional_properties.as_ref(),
                pointer,
            ),
            SchemaKind::AllOf { all_of } => self.all_of_type(name, schema, all_of, pointer),
            SchemaKind::OneOf {
                one_of: alternatives,
            }
            | SchemaKind::AnyOf {
                any_of: alternatives,
            } => {
                let key = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) {
                    "oneOf"
                } else {
                    "anyOf"
                };
                self.union_type(name, doc, data.deprecated, alternatives, &pointer.join(key))
            }
            SchemaKind::Not { .. } => Ok(RType::Json),
            SchemaKind::Any(any) => self.any_type(name, schema, any, pointer),
        }
    }

    fn array_type(
        &mut self,
        items: Option<&ReferenceOr<Box<Schema>>>,
        name: &Naming,
        pointer: &Pointer,
    ) -> Result<RType, Error> {
        let item = match items {
            Some(items) => self.boxed_schema_type(
                items,
                &format!("{}Item", name.text),
                &pointer.join("items"),
            )?,
            None => RType::Json,
        };
        Ok(RType::Vec(Box::new(item)))
    }

    #[allow(clippy::too_many_arguments)] // each argument is a distinct part of an object schema
    fn object_type(
        &mut self,
        name: &Naming,
        doc: String,
        deprecated: bool,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        pointer: &Pointer,
    ) -> Result<RType, Error> {
        let additional_type = match additional {
            Some(AdditionalProperties::Schema(schema)) => {
                let hint = format!("{}Value", name.text);
                Some(self.schema_type(schema, &hint, &pointer.join("additionalProperties"))?)
            }
            Some(AdditionalProperties::Any(true)) => Some(RType::Json),
            Some(AdditionalProperties::Any(false)) | None => None,
        };
        if properties.is_empty() {
            return Ok(match additional_type {
                Some(RType::Json) | None => RType::JsonObject,
                Some(value) => RType::Map(Box::new(value)),
            });
        }
        let naming_is_component = name.claimed;
        let name = self.claim(name);
        let fields = self.fields(&name, properties, required, pointer)?;
        let derive_default = fields.iter().all(|f| f.ty.has_default(&self.defs));
        let deprecated = deprecated && naming_is_component;
        let def = StructDef {
            name: name.clone(),
            doc,
            deprecated,
            fields,
            additional: additional_type,
            derive_default,
        };
        self.defs.insert(name.clone(), TypeDef::Struct(def));
        Ok(RType::Named(name))
    }

    fn fields(
        &mut self,
        parent: &str,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        pointer: &Pointer,
    ) -> Result<Vec<Field>, Error> {
        let mut field_names = Namespace::default();
        let mut fields = Vec::with_capacity(properties.len());
        for (wire_name, property) in properties {
            let property_pointer = pointer.join("properties").join(wire_name);
            let hint = format!("{parent}{}", names::camel(wire_name));
            let ty = self.member_type(&unbox(property), &hint, wire_name, &property_pointer)?;
            let (doc, deprecated, nullable) = match property {
                ReferenceOr::Item(schema) => {
                    let data = &schema.schema_data;
                    let doc = docs::doc_text(data.description.as_deref(), data.example.as_ref());
                    (doc, data.deprecated, data.nullable)
                }
                ReferenceOr::Reference { .. } => (String::new(), false, false),
            };
            let is_required = required.iter().any(|r| r == wire_name);
            let ty = if is_required && !nullable {
                ty
            } else {
                RType::Option(Box::new(ty))
            };
            let rust_name = field_names.claim(names::snake(wire_name));
            fields.push(Field {
                wire_name: wire_name.clone(),
                rust_name,
                ty,
                required: is_required,
                doc,
                deprecated,
            });
        }
        Ok(fields)
    }

    fn define_enum(
        &mut self,
        name: &Naming,
        schema: &Schema,
        values: Vec<String>,
        doc: String,
    ) -> RType {
        // An inline schema's `deprecated` is about the property it defines; the field says so.
        let deprecated = schema.schema_data.deprecated && name.claimed;
        if !name.claimed {
            // The same inline enum repeated across a document (country codes, genders) is
            // defined once; each place keeps its own name as an alias, so that names stay
            // stable when the set of places changes.
            if let Some(shared) = self.inline_enums.get(&values).cloned() {
                let alias = self.claim(name);
                let doc = format!("The same values as [`{shared}`].");
                let def = AliasDef {
                    name: alias.clone(),
                    doc,
                    deprecated: false,
                    ty: RType::Named(shared),
                    default_possible: false,
                };
                self.defs.insert(alias.clone(), TypeDef::Alias(def));
                return RType::Named(alias);
            }
        }
        let preferred = name
            .short
            .as_ref()
            .map(|short| self.enum_names.get(&values).unwrap_or(short).clone());
        let name = match (preferred, name.claimed) {
            (Some(short), false) if !self.names.is_taken(&short) => self.names.claim(short),
            _ => self.claim(name),
        };
        if !self.inline_enums.contains_key(&values) {
            self.inline_enums.insert(values.clone(), name.clone());
        }
        let descriptions = schema
            .schema_data
            .extensions
            .get("x-enumDescriptions")
            .and_then(|d| d.as_object());
        let mut variant_names = Namespace::default();
        let variants: Vec<EnumVariant> = values
            .iter()
            .map(|wire| EnumVariant {
                wire: wire.clone(),
                rust_name: variant_names.claim(names::camel(wire)),
                doc: descriptions
                    .and_then(|d| d.get(wire))
                    .and_then(|d| d.as_str())
                    .map(docs::sanitise)
                    .unwrap_or_default(),
            })
            .collect();
        let fallback = if variant_names.is_taken("Unknown") {
            variant_names.claim("UnknownValue".into())
        } else {
            "Unknown".into()
        };
        let default = schema
            .schema_data
            .default
            .as_ref()
            .and_then(|d| d.as_str())
            .and_then(|d| values.iter().position(|v| v == d));
        let def = EnumDef {
            name: name.clone(),
            doc,
            deprecated,
            variants,
            fallback,
            default,
        };
        self.defs.insert(name.clone(), TypeDef::Enum(def));
        RType::Named(name)
    }

    fn all_of_type(
        &mut self,
        name: &Naming,
        schema: &Schema,
        parts: &[ReferenceOr<Schema>],
        pointer: &Pointer,
    ) -> Result<RType, Error> {
        // `allOf: [X]` is how a `$ref` carries siblings (description, default); it is X.
        if let [only] = parts {
            return self.schema_type_named(only, name, &pointer.join("allOf").join(0));
        }
        let mut properties = indexmap::IndexMap::new();
        let mut required = Vec::new();
        let mut additional = None;
        self.collect_all_of(
            parts,
            &pointer.join("allOf"),
            &mut properties,
            &mut required,
            &mut additional,
            0,
        )?;
        let doc = docs::doc_text(schema.schema_data.description.as_deref(), None);
        self.object_type(
            name,
            doc,
            schema.schema_data.deprecated,
            &properties,
            &required,
            additional.as_ref(),
            pointer,
        )
    }

    /// Merges the properties of every part (following references and nested `allOf`).
    fn collect_all_of(
        &self,
        parts: &[ReferenceOr<Schema>],
        pointer: &Pointer,
        properties: &mut indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &mut Vec<String>,
        additional: &mut Option<AdditionalProperties>,
        depth: usize,
    ) -> Result<(), Error> {
        if depth > 32 {
            return Err(Error::unsupported(
                pointer,
                "`allOf` nested more than 32 levels (a cycle?)",
            ));
        }
        for (index, part) in parts.iter().enumerate() {
            // Errors inside a referenced part belong to the referenced schema, not to us.
            let part_pointer = match part {
                ReferenceOr::Reference { reference } if reference.starts_with("#/") => {
                    Pointer::from_ref(reference)
                }
                _ => pointer.join(index),
            };
            let schema = self.resolve(part, &pointer.join(index))?;
            match &schema.schema_kind {
                SchemaKind::Type(Type::Object(object)) => {
                    properties.extend(
                        object
                            .properties
                            .iter()
                            .map(|(k, v)| (k.clone(), v.clone())),
                    );
                    required.extend(object.required.iter().cloned());
                    if object.additional_properties.is_some() {
                        additional.clone_from(&object.additional_properties);
                    }
                }
                SchemaKind::Any(any)
                    if any.typ.is_none() || any.typ.as_deref() == Some("object") =>
                {
                    properties.extend(any.properties.iter().map(|(k, v)| (k.clone(), v.clone())));
                    required.extend(any.required.iter().cloned());
                    if !any.all_of.is_empty() {
                        self.collect_all_of(
                            &any.all_of,
                            &part_pointer.join("allOf"),
                            properties,
                            required,
                            additional,
                            depth + 1,
                        )?;
                    }
                }
                SchemaKind::AllOf { all_of } => self.collect_all_of(
                    all_of,
                    &part_pointer.join("allOf"),
                    properties,
                    required,
                    additional,
                    depth + 1,
                )?,
                _ => {
                    return Err(Error::unsupported(
                        &part_pointer,
                        "`allOf` member that is not an object: only objects can be merged",
                    ));
                }
            }
        }
        Ok(())
    }

    fn union_type(
        &mut self,
        name: &Naming,
        doc: String,
        deprecated: bool,
        alternatives: &[ReferenceOr<Schema>],
        pointer: &Pointer,
    ) -> Result<RType, Error> {
        if let Some(one) = self.one_or_many(alternatives) {
            let item = self.schema_type(one, &format!("{}Item", name.text), pointer)?;
            return Ok(RType::OneOrMany(Box::new(item)));
        }
        let deprecated = deprecated && name.claimed;
        let name = self.claim(name);
        let mut variant_names = Namespace::default();
        let mut variants = Vec::with_capacity(alternatives.len());
        for (index, alternative) in alternatives.iter().enumerate() {
            let variant_pointer = pointer.join(index);
            let ty = self.schema_type(
                alternative,
                &format!("{name}Variant{index}"),
                &variant_pointer,
            )?;
            let variant_name = variant_names.claim(variant_name(&ty, index));
            variants.push((variant_name, ty));
        }
        let def = UnionDef {
            name: name.clone(),
            doc,
            deprecated,
            variants,
        };
        self.defs.insert(name.clone(), TypeDef::Union(def));
        Ok(RType::Named(name))
    }

    /// `[array of X, X]` in either order: "one or several X", common for error bodies.
    fn one_or_many<'s>(
        &self,
        alternatives: &'s [ReferenceOr<Schema>],
    ) -> Option<&'s ReferenceOr<Schema>> {
        let [first, second] = alternatives else {
            return None;
        };
        for (array, single) in [(first, second), (second, first)] {
            let ReferenceOr::Item(array_schema) = array else {
                continue;
            };
            let SchemaKind::Type(Type::Array(array_type)) = &array_schema.schema_kind else {
                continue;
            };
            let Some(items) = &array_type.items else {
                continue;
            };
            if same_schema(&unbox(items), single) {
                return Some(single);
            }
        }
        None
    }

    /// Schemas `openapiv3` could not classify: infer the kind from the keys present.
    fn any_type(
        &mut self,
        name: &Naming,
        schema: &Schema,
        any: &openapiv3::AnySchema,
        pointer: &Pointer,
    ) -> Result<RType, Error> {
        let data = &schema.schema_data;
        let doc = docs::doc_text(data.description.as_deref(), None);
        if !any.all_of.is_empty() {
            let all_of = &any.all_of;
            // Properties next to `allOf`: merge them as one more part.
            let mut properties = any.properties.clone();
            let mut required = any.required.clone();
            let mut additional = any.additional_properties.clone();
            self.collect_all_of(
                all_of,
                &pointer.join("allOf"),
                &mut properties,
                &mut required,
                &mut additional,
                0,
            )?;
            return self.object_type(
                name,
                doc,
                data.deprecated,
                &properties,
                &required,
                additional.as_ref(),
                pointer,
            );
        }
        let alternatives = if any.one_of.is_empty() {
            &any.any_of
        } else {
            &any.one_of
        };
        if !alternatives.is_empty() {
            if any.properties.is_empty() {
                let key = if any.one_of.is_empty() {
                    "anyOf"
                } else {
                    "oneOf"
                };
                return self.union_type(
                    name,
                    doc,
                    data.deprecated,
                    alternatives,
                    &pointer.join(key),
                );
            }
            return Err(Error::unsupported(
                pointer,
                "`oneOf`/`anyOf` next to `properties`",
            ));
        }
        let strings: Vec<String> = any
            .enumeration
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        match any.typ.as_deref() {
            _ if !strings.is_empty()
                && any.enumeration.iter().all(|v| v.is_string() || v.is_null()) =>
            {
                Ok(self.define_enum(name, schema, strings, doc))
            }
            Some("string") => Ok(string_type(any.format.as_deref())),
            Some("integer") => Ok(integer_type(any.format.as_deref())),
            Some("number") => Ok(number_type(any.format.as_deref())),
            Some("boolean") => Ok(RType::Bool),
            Some("array") => self.array_type(any.items.as_ref(), name, pointer),
            Some("object") | None
                if !any.properties.is_empty() || any.additional_properties.is_some() =>
            {
                self.object_type(
                    name,
                    doc,
                    data.deprecated,
                    &any.properties,
                    &any.required,
                    any.additional_properties.as_ref(),
                    pointer,
                )
            }
            Some("object") => Ok(RType::JsonObject),
            None if any.items.is_some() => self.array_type(any.items.as_ref(), name, pointer),
            None => Ok(RType::Json),
            Some(other) => Err(Error::invalid(
                pointer,
                format!("unknown schema type `{other}`"),
            )),
        }
    }

    fn claim(&mut self, naming: &Naming) -> String {
        if naming.claimed {
            naming.text.clone()
        } else {
            self.names.claim(names::camel(&naming.text))
        }
    }

    /// Follows a reference to the component schema it names.
    pub(crate) fn resolve<'s>(
        &'s self,
        schema: &'s ReferenceOr<Schema>,
        pointer: &Pointer,
    ) -> Result<&'s Schema, Error> {
        let mut current = schema;
        for _ in 0..32 {
            match current {
                ReferenceOr::Item(schema) => return Ok(schema),
                ReferenceOr::Reference { reference } => {
                    let key = component_key(reference).ok_or_else(|| {
                        Error::unsupported(pointer, format!("reference `{reference}`"))
                    })?;
                    current = self
                        .api
                        .components
                        .as_ref()
                        .and_then(|c| c.schemas.get(key))
                        .ok_or_else(|| {
                            Error::invalid(
                                pointer,
                                format!("reference `{reference}` points to no schema"),
                            )
                        })?;
                }
            }
        }
        Err(Error::invalid(
            pointer,
            "a chain of 32 references (a reference cycle?)",
        ))
    }

    /// Boxes every field and variant that would otherwise make a type contain itself.
    /// Checks what can only be judged once every type is defined: no alias may stand for
    /// itself (`A: {$ref: B}`, `B: {$ref: A}` describes no value), and which structs can
    /// derive `Default` (that depends on types defined after them).
    pub(crate) fn finish(&mut self) -> Result<(), Error> {
        let base = Pointer::root().join("components").join("schemas");
        for (key, name) in &self.components {
            let mut current = name.clone();
            for _ in 0..=self.defs.len() {
                match self.defs.get(&current) {
                    Some(TypeDef::Alias(AliasDef {
                        ty: RType::Named(next),
                        ..
                    })) => current = next.clone(),
                    Some(_) => break,
                    None => {
                        return Err(Error::invalid(
                            &base.join(key),
                            "a cycle of references that never reaches a schema",
                        ));
                    }
                }
                if current == *name {
                    return Err(Error::invalid(
                        &base.join(key),
                        "a reference cycle: the schema is defined only in terms of itself",
                    ));
                }
            }
        }
        // Fixpoint: deriving Default becomes possible as more types turn out to have it.
        loop {
            let mut changed = false;
            let candidates: Vec<String> = self
                .defs
                .iter()
                .filter_map(|(name, def)| match def {
                    TypeDef::Struct(s)
                        if !s.derive_default
                            && s.fields.iter().all(|f| f.ty.has_default(&self.defs)) =>
                    {
                        Some(name.clone())
                    }
                    TypeDef::Alias(a) if !a.default_possible && a.ty.has_default(&self.defs) => {
                        Some(name.clone())
                    }
                    _ => None,
                })
                .collect();
            for name in candidates {
                changed = true;
                match self.defs.get_mut(&name) {
                    Some(TypeDef::Struct(s)) => s.derive_default = true,
                    Some(TypeDef::Alias(a)) => a.default_possible = true,
                    _ => {}
                }
            }
            if !changed {
                return Ok(());
            }
        }
    }

    pub(crate) fn break_cycles(&mut self) {
        let mut edges: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, def) in &self.defs {
            let mut direct = Vec::new();
            match def {
                TypeDef::Struct(s) => s.fields.iter().for_each(|f| f.ty.direct_names(&mut direct)),
                TypeDef::Union(u) => u
                    .variants
                    .iter()
                    .for_each(|(_, ty)| ty.direct_names(&mut direct)),
                TypeDef::Alias(a) => a.ty.direct_names(&mut direct),
                TypeDef::Enum(_) => {}
            }
            edges.insert(name.clone(), direct);
        }
        let reaches = |from: &str, to: &str| -> bool {
            let mut seen = BTreeSet::new();
            let mut stack = vec![from.to_owned()];
            while let Some(next) = stack.pop() {
                if next == to {
                    return true;
                }
                if seen.insert(next.clone()) {
                    stack.extend(edges.get(&next).into_iter().flatten().cloned());
                }
            }
            false
        };
        let mut boxes = Vec::new();
        for (name, def) in &self.defs {
            let types: Vec<&RType> = match def {
                TypeDef::Struct(s) => s.fields.iter().map(|f| &f.ty).collect(),
                TypeDef::Union(u) => u.variants.iter().map(|(_, ty)| ty).collect(),
                _ => continue,
            };
            for (index, ty) in types.into_iter().enumerate() {
                let mut direct = Vec::new();
                ty.direct_names(&mut direct);
                if direct.iter().any(|target| reaches(target, name)) {
                    boxes.push((name.clone(), index));
                }
            }
        }
        for (name, index) in boxes {
            match self.defs.get_mut(&name) {
                Some(TypeDef::Struct(s)) => box_type(&mut s.fields[index].ty),
                Some(TypeDef::Union(u)) => box_type(&mut u.variants[index].1),
                _ => {}
            }
        }
    }
}

/// Counts, for every inline string enum that is the value of a property or parameter, the
/// names it appears under, and picks the most frequent (ties: alphabetical), so that a shared
/// enum is called what most of its places call it (`amendmentConfigurationStatus`), whichever
/// place the generator happens to meet first.
fn preferred_enum_names(api: &OpenAPI) -> BTreeMap<Vec<String>, String> {
    fn visit(schema: &Schema, counts: &mut BTreeMap<Vec<String>, BTreeMap<String, usize>>) {
        let properties = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => Some(&object.properties),
            SchemaKind::Any(any) => Some(&any.properties),
            _ => None,
        };
        for (name, child) in properties.into_iter().flatten() {
            if let ReferenceOr::Item(child) = child {
                if let Some(values) = inline_enum_values(child) {
                    *counts
                        .entry(values)
                        .or_default()
                        .entry(names::camel(name))
                        .or_default() += 1;
                }
                visit(child, counts);
            }
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::Array(array)) => {
                if let Some(ReferenceOr::Item(items)) = &array.items {
                    visit(items, counts);
                }
            }
            SchemaKind::AllOf { all_of: parts }
            | SchemaKind::OneOf { one_of: parts }
            | SchemaKind::AnyOf { any_of: parts } => {
                parts
                    .iter()
                    .filter_map(|p| p.as_item())
                    .for_each(|part| visit(part, counts));
            }
            _ => {}
        }
    }
    let mut counts = BTreeMap::new();
    let components = api.components.iter().flat_map(|c| c.schemas.values());
    components
        .filter_map(|s| s.as_item())
        .for_each(|schema| visit(schema, &mut counts));
    for (_, _, operation) in api.operations() {
        for parameter in operation.parameters.iter().filter_map(|p| p.as_item()) {
            let data = parameter.parameter_data_ref();
            if let openapiv3::ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) =
                &data.format
            {
                if let Some(values) = inline_enum_values(schema) {
                    *counts
                        .entry(values)
                        .or_default()
                        .entry(names::camel(&data.name))
                        .or_default() += 1;
                }
            }
        }
        let bodies = operation
            .request_body
            .iter()
            .filter_map(|b| b.as_item())
            .flat_map(|b| b.content.values());
        let responses = operation
            .responses
            .responses
            .values()
            .filter_map(|r| r.as_item())
            .flat_map(|r| r.content.values());
        for media in bodies.chain(responses) {
            if let Some(ReferenceOr::Item(schema)) = &media.schema {
                visit(schema, &mut counts);
            }
        }
    }
    counts
        .into_iter()
        .filter_map(|(values, names)| {
            let best = names
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))?;
            Some((values, best.0.clone()))
        })
        .collect()
}

/// The values of a schema that `schema_type` turns into a string enum.
fn inline_enum_values(schema: &Schema) -> Option<Vec<String>> {
    let values: Vec<String> = match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => s.enumeration.iter().flatten().cloned().collect(),
        SchemaKind::Any(any) if any.enumeration.iter().all(|v| v.is_string() || v.is_null()) => any
            .enumeration
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    (!values.is_empty()).then_some(values)
}

/// The name for a type the schema may need: already claimed (a component), or a hint to
/// claim a unique name from when a definition is actually made.
struct Naming {
    text: String,
    claimed: bool,
    /// The property or parameter name alone, for types shared by several places.
    short: Option<String>,
}

impl Naming {
    fn claimed(name: &str) -> Self {
        Naming {
            text: name.to_owned(),
            claimed: true,
            short: None,
        }
    }

    fn hint(hint: &str) -> Self {
        Naming {
            text: hint.to_owned(),
            claimed: false,
            short: None,
        }
    }
}

fn box_type(ty: &mut RType) {
    *ty = match std::mem::replace(ty, RType::Json) {
        RType::Option(inner) => RType::Option(Box::new(RType::Boxed(inner))),
        other => RType::Boxed(Box::new(other)),
    };
}

fn unbox(schema: &ReferenceOr<Box<Schema>>) -> ReferenceOr<Schema> {
    match schema {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
        ReferenceOr::Item(schema) => ReferenceOr::Item((**schema).clone()),
    }
}

fn same_schema(a: &ReferenceOr<Schema>, b: &ReferenceOr<Schema>) -> bool {
    a == b
}

fn component_key(reference: &str) -> Option<&str> {
    reference
        .strip_prefix("#/components/schemas/")
        .filter(|key| !key.contains('/'))
}

fn string_type(format: Option<&str>) -> RType {
    match format {
        Some("date") => RType::Date,
        Some("date-time") => RType::DateTime,
        Some("uuid") => RType::Uuid,
        // `binary` outside a multipart body (see `operations`), `byte` (base64), `time`, `email` and non-standard formats such as `ISO 3166-1`
        // stay text: the format documents the content, it does not change the encoding.
        _ => RType::String,
    }
}

fn integer_type(format: Option<&str>) -> RType {
    match format {
        Some("int32") => RType::I32,
        _ => RType::I64,
    }
}

fn number_type(format: Option<&str>) -> RType {
    match format {
        Some("float") => RType::F32,
        _ => RType::F64,
    }
}

/// A variant name that says what the variant holds.
fn variant_name(ty: &RType, index: usize) -> String {
    match ty {
        RType::Named(name) => name.clone(),
        RType::String => "String".into(),
        RType::Bool => "Bool".into(),
        RType::I32 | RType::I64 => "Integer".into(),
        RType::F32 | RType::F64 => "Number".into(),
        RType::Vec(inner) => format!("{}List", variant_name(inner, index)),
        RType::Map(_) | RType::JsonObject => "Object".into(),
        RType::Date => "Date".into(),
        RType::DateTime => "DateTime".into(),
        RType::Uuid => "Uuid".into(),
        _ => format!("Variant{index}"),
    }
}

/// `VariantOrUnknownOrEmpty<StringFormat>` etc. as `Option<&str>`.
trait FormatExt {
    fn as_str_opt(&self) -> Option<&str>;
}

impl<T: FormatName> FormatExt for openapiv3::VariantOrUnknownOrEmpty<T> {
    fn as_str_opt(&self) -> Option<&str> {
        match self {
            openapiv3::VariantOrUnknownOrEmpty::Item(known) => Some(known.name()),
            openapiv3::VariantOrUnknownOrEmpty::Unknown(other) => Some(other),
            openapiv3::VariantOrUnknownOrEmpty::Empty => None,
        }
    }
}

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
