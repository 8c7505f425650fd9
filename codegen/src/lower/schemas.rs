//! Schemas to Rust types: the [`TypeSpace`] owns every model the crate defines and answers
//! "which Rust type stands for this schema here?".
//!
//! Naming: a component schema keeps its own name; an inline schema is named after where it
//! is defined (`Customer` + property `address` -> `CustomerAddress`; operation
//! `getCustomers` + query parameter `customerStatus` -> `GetCustomersCustomerStatus`), never
//! after the first operation that happened to use it.

use std::collections::BTreeMap;

use openapiv3::{AdditionalProperties, OpenAPI, ReferenceOr, Schema, SchemaKind, Type};

use super::discriminators::{StructTag, Taggings};
use crate::docs;
use crate::error::{Error, Pointer, Warning};
use crate::model::{
    AliasDef, Discriminator, EnumDef, EnumVariant, Field, RType, StructDef, Tag, TypeDef, UnionDef,
};
use crate::names::{self, Namespace};
use crate::refs::{Resolver, component_key};

/// Names a generated crate's prelude already uses; a schema called `String` becomes `String2`.
pub(crate) const RESERVED_TYPE_NAMES: &[&str] = &[
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

/// Every type of the crate, built from component schemas and from inline schemas met while
/// generating operations.
pub(crate) struct TypeSpace<'a> {
    api: &'a OpenAPI,
    names: Namespace,
    /// Component schema key -> Rust type name.
    components: BTreeMap<String, String>,
    defs: BTreeMap<String, TypeDef>,
    /// What could only be typed loosely.
    warnings: Vec<Warning>,
    /// Types already made for references to schemas outside `#/components/schemas/<key>`.
    pointer_types: BTreeMap<String, RType>,
    /// Where references that name no component point.
    refs: Resolver<'a>,
    /// The document's discriminators: which tag names which schema.
    taggings: Taggings,
}

impl<'a> TypeSpace<'a> {
    /// Claims a name for every component schema, then defines them all.
    pub(crate) fn new(api: &'a OpenAPI, refs: Resolver<'a>) -> Result<Self, Error> {
        let mut space = TypeSpace {
            api,
            names: Namespace::with_reserved(RESERVED_TYPE_NAMES),
            components: BTreeMap::new(),
            defs: BTreeMap::new(),
            warnings: Vec::new(),
            pointer_types: BTreeMap::new(),
            refs,
            taggings: Taggings::default(),
        };
        space.taggings = Taggings::collect(refs, &mut space.warnings);
        let schemas = api.components.as_ref().map(|c| &c.schemas);
        for key in schemas.into_iter().flat_map(|s| s.keys()) {
            let name = space.names.claim(names::model(key));
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

    /// The type called `name`, if defined yet.
    pub(crate) fn get(&self, name: &str) -> Option<&TypeDef> {
        self.defs.get(name)
    }

    /// Whether `ty` can be written as text into a path, query or header
    /// ([`RType::is_param_text`]).
    pub(crate) fn is_param_text(&self, ty: &RType) -> bool {
        ty.is_param_text(&self.defs)
    }

    /// The defined types by name, and component schema key -> type name.
    pub(crate) fn into_parts(
        self,
    ) -> (
        BTreeMap<String, TypeDef>,
        BTreeMap<String, String>,
        Vec<Warning>,
    ) {
        (self.defs, self.components, self.warnings)
    }

    /// Records that the construct at `pointer` was expressed loosely.
    pub(crate) fn warn(&mut self, pointer: &Pointer, message: impl Into<String>) {
        self.warnings.push(Warning::new(pointer, message));
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
                pointer: pointer.to_string(),
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

    pub(crate) fn boxed_schema_type(
        &mut self,
        schema: &ReferenceOr<Box<Schema>>,
        hint: &str,
        pointer: &Pointer,
    ) -> Result<RType, Error> {
        self.schema_type(&unbox(schema), hint, pointer)
    }

    /// The type a `$ref` names: a component schema by its name; any other JSON pointer into
    /// the document (`#/components/schemas/Tag/allOf/0`, `#/paths/...`) is typed where it
    /// points, once, named after the pointer; a reference that points to no schema (or out of
    /// the document) is `serde_json::Value`, with a warning.
    fn reference_type(&mut self, reference: &str, pointer: &Pointer) -> Result<RType, Error> {
        if let Some(key) = component_key(reference, "schemas") {
            if let Some(name) = self.components.get(key.as_ref()) {
                return Ok(RType::Named(name.clone()));
            }
        }
        if let Some(ty) = self.pointer_types.get(reference) {
            return Ok(ty.clone());
        }
        let Some(target) = self.pointed_schema(reference) else {
            self.warn(
                pointer,
                format!("reference {reference} points to no schema; typed as serde_json::Value"),
            );
            return Ok(RType::Json);
        };
        // A cycle through pointer references is typed loosely rather than followed forever.
        self.pointer_types.insert(reference.to_owned(), RType::Json);
        let hint = names::camel(&reference.replace("components/schemas", ""));
        let ty = self.schema_type(&target, &hint, &Pointer::from_ref(reference))?;
        self.pointer_types.insert(reference.to_owned(), ty.clone());
        Ok(ty)
    }

    /// The schema at a local JSON pointer other than a component key, read from the document.
    fn pointed_schema(&self, reference: &str) -> Option<ReferenceOr<Schema>> {
        self.refs.read(reference)
    }

    /// Where references point in the document.
    pub(crate) fn refs(&self) -> Resolver<'a> {
        self.refs
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
        if let Some(tagging) = self.taggings.union(pointer).cloned() {
            // An inheritance base: where it is used, it means one of its children.
            let deprecated = data.deprecated && name.claimed;
            let name = self.claim(name);
            return self.discriminated_union(name, doc, deprecated, &[], &tagging, pointer);
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let values: Vec<String> = s.enumeration.iter().flatten().cloned().collect();
                if !values.is_empty() {
                    return Ok(self.define_enum(name, schema, values, doc, pointer));
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
                // A map of maps is named (an alias): spelled out inside an `Option` field it
                // is a type too complex to read (and clippy's `type_complexity` says so).
                Some(value) if !name.claimed && holds_maps(&value) => {
                    let name = self.claim(name);
                    let alias = AliasDef {
                        name: name.clone(),
                        pointer: pointer.to_string(),
                        doc,
                        deprecated: false,
                        ty: RType::Map(Box::new(value)),
                        default_possible: true,
                    };
                    self.defs.insert(name.clone(), TypeDef::Alias(alias));
                    RType::Named(name)
                }
                Some(value) => RType::Map(Box::new(value)),
            });
        }
        let naming_is_component = name.claimed;
        let name = self.claim(name);
        let struct_tag = self.taggings.struct_tag(pointer);
        let tag_property = match &struct_tag {
            Some(StructTag::Own { property, .. } | StructTag::Several { property }) => {
                Some(property.clone())
            }
            None => None,
        };
        // The tag is written from the variant (or by the struct itself), never typed by hand:
        // not a field, so its schema defines no type either.
        let untagged = tag_property.as_ref().map(|property| {
            let mut untagged = properties.clone();
            untagged.shift_remove(property);
            untagged
        });
        let fields = self.fields(
            &name,
            untagged.as_ref().unwrap_or(properties),
            required,
            pointer,
        )?;
        let tag = match struct_tag {
            Some(StructTag::Own { property, value }) => Some(Tag { property, value }),
            Some(StructTag::Several { property }) => {
                self.warn(
                    pointer,
                    format!("several discriminator tags name this schema: a union writes the `{property}` of its variant, the struct alone neither reads nor writes it"),
                );
                None
            }
            None => None,
        };
        let deprecated = deprecated && naming_is_component;
        let def = StructDef {
            name: name.clone(),
            pointer: pointer.to_string(),
            doc,
            deprecated,
            fields,
            additional: additional_type,
            input: false,
            derive_default: false,
            constructor: Vec::new(),
            tag,
            tag_property,
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
            let ty = self.schema_type(&unbox(property), &hint, &property_pointer)?;
            let (doc, deprecated, nullable) = match property {
                ReferenceOr::Item(schema) => {
                    let data = &schema.schema_data;
                    let doc = docs::doc_text(data.description.as_deref(), data.example.as_ref());
                    (doc, data.deprecated, data.nullable)
                }
                ReferenceOr::Reference { .. } => (String::new(), false, false),
            };
            let one_way = self.is_one_way(&unbox(property), 0);
            // A `readOnly` property is required only in what the server sends and a
            // `writeOnly` one only in what it receives; one type serves both directions, so
            // neither is required: a request value is built without the server's fields (and
            // does not send them unless set), a response decodes without the client's.
            let is_required = !one_way && required.iter().any(|r| r == wire_name);
            let ty = if is_required && !nullable {
                ty
            } else {
                RType::Option(Box::new(ty))
            };
            let rust_name = field_names.claim(names::snake(wire_name));
            fields.push(Field {
                wire_name: wire_name.clone(),
                rust_name,
                pointer: property_pointer.to_string(),
                ty,
                required: is_required,
                doc,
                deprecated,
            });
        }
        Ok(fields)
    }

    /// Whether a property is `readOnly` or `writeOnly`, wherever the document says so: on the
    /// property, beside its `$ref` (a 3.1 `$ref` with siblings is read as `allOf: [{$ref}]`
    /// plus the siblings), on a member of its `allOf`, or on a schema it references. The
    /// marker describes the value at that place however the schema is spelled.
    fn is_one_way(&self, schema: &ReferenceOr<Schema>, depth: usize) -> bool {
        // Deeper than any real document nests markers; also ends reference cycles.
        if depth > 16 {
            return false;
        }
        let Ok(schema) = self.resolve(schema, &Pointer::root()) else {
            return false;
        };
        let data = &schema.schema_data;
        if data.read_only || data.write_only {
            return true;
        }
        let all_of = match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => all_of,
            SchemaKind::Any(any) => &any.all_of,
            _ => return false,
        };
        all_of
            .iter()
            .any(|member| self.is_one_way(member, depth + 1))
    }

    fn define_enum(
        &mut self,
        name: &Naming,
        schema: &Schema,
        values: Vec<String>,
        doc: String,
        pointer: &Pointer,
    ) -> RType {
        // An inline schema's `deprecated` is about the property it defines; the field says so.
        let deprecated = schema.schema_data.deprecated && name.claimed;
        let name = self.claim(name);
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
            pointer: pointer.to_string(),
            doc,
            deprecated,
            variants,
            fallback,
            default,
        };
        self.defs.insert(name.clone(), TypeDef::Enum(def));
        RType::Named(name)
    }

    /// `allOf`: the value satisfies every member.
    ///
    /// - Members that only annotate (`{description: ...}`, `{nullable: true}`) add nothing.
    /// - One member left (`allOf: [{$ref: SomeEnum}]` with `description`/`default` siblings,
    ///   the springdoc pattern): it is that member's type.
    /// - Only scalars, enums or arrays: a value of all of them has the type of the narrowest
    ///   one, taken to be the first that is an enum or a reference (else the first).
    /// - Otherwise an object: every object member's properties merged, and every
    ///   `oneOf`/`anyOf` member flattened (see [`flatten_alternatives`](Self::flatten_alternatives)).
    fn all_of_type(
        &mut self,
        name: &Naming,
        schema: &Schema,
        parts: &[ReferenceOr<Schema>],
        pointer: &Pointer,
    ) -> Result<RType, Error> {
        let all_of_pointer = pointer.join("allOf");
        let mut kinds = Vec::with_capacity(parts.len());
        for (index, part) in parts.iter().enumerate() {
            let kind = match self.resolve(part, &all_of_pointer.join(index)) {
                Ok(resolved) => part_kind(&resolved),
                Err(_) => PartKind::Other,
            };
            kinds.push(kind);
        }
        let meaningful: Vec<usize> = (0..parts.len())
            .filter(|&i| kinds[i] != PartKind::Annotation)
            .collect();
        if let [only] = meaningful[..] {
            return self.schema_type_named(&parts[only], name, &all_of_pointer.join(only));
        }
        if meaningful.is_empty() {
            return Ok(RType::Json);
        }
        if meaningful.iter().all(|&i| kinds[i] == PartKind::Other) {
            let carrier = meaningful
                .iter()
                .copied()
                .find(|&i| match &parts[i] {
                    ReferenceOr::Reference { .. } => true,
                    ReferenceOr::Item(s) => is_enum(s),
                })
                .unwrap_or(meaningful[0]);
            return self.schema_type_named(&parts[carrier], name, &all_of_pointer.join(carrier));
        }
        let mut properties = indexmap::IndexMap::new();
        let mut required = Vec::new();
        let mut additional = None;
        let mut warnings = Vec::new();
        self.collect_all_of(
            parts,
            &all_of_pointer,
            &mut properties,
            &mut required,
            &mut additional,
            &mut warnings,
            0,
        )?;
        self.warnings.extend(warnings);
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
    #[allow(clippy::too_many_arguments)] // the parts of the object being merged
    fn collect_all_of(
        &self,
        parts: &[ReferenceOr<Schema>],
        pointer: &Pointer,
        properties: &mut indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &mut Vec<String>,
        additional: &mut Option<AdditionalProperties>,
        warnings: &mut Vec<Warning>,
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
            let schema = match self.resolve(part, &pointer.join(index)) {
                Ok(schema) => schema,
                Err(_) => {
                    warnings.push(Warning::new(
                        &pointer.join(index),
                        "allOf member that points to no schema is left out",
                    ));
                    continue;
                }
            };
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
                SchemaKind::Any(any) if part_kind(&schema) == PartKind::Object => {
                    properties.extend(any.properties.iter().map(|(k, v)| (k.clone(), v.clone())));
                    required.extend(any.required.iter().cloned());
                    if any.additional_properties.is_some() {
                        additional.clone_from(&any.additional_properties);
                    }
                    if !any.all_of.is_empty() {
                        self.collect_all_of(
                            &any.all_of,
                            &part_pointer.join("allOf"),
                            properties,
                            required,
                            additional,
                            warnings,
                            depth + 1,
                        )?;
                    }
                    for (key, alternatives) in [("oneOf", &any.one_of), ("anyOf", &any.any_of)] {
                        self.flatten_alternatives(
                            alternatives,
                            &part_pointer.join(key),
                            properties,
                            warnings,
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
                    warnings,
                    depth + 1,
                )?,
                SchemaKind::OneOf { one_of } => self.flatten_alternatives(
                    one_of,
                    &part_pointer.join("oneOf"),
                    properties,
                    warnings,
                    depth + 1,
                )?,
                SchemaKind::AnyOf { any_of } => self.flatten_alternatives(
                    any_of,
                    &part_pointer.join("anyOf"),
                    properties,
                    warnings,
                    depth + 1,
                )?,
                SchemaKind::Any(any) if !any.one_of.is_empty() || !any.any_of.is_empty() => {
                    for (key, alternatives) in [("oneOf", &any.one_of), ("anyOf", &any.any_of)] {
                        self.flatten_alternatives(
                            alternatives,
                            &part_pointer.join(key),
                            properties,
                            warnings,
                            depth + 1,
                        )?;
                    }
                }
                _ if part_kind(&schema) == PartKind::Annotation => {}
                _ => warnings.push(Warning::new(
                    &part_pointer,
                    "allOf member that is not an object, merged with objects: left out",
                )),
            }
        }
        Ok(())
    }

    /// `oneOf`/`anyOf` inside an object (beside `properties`, or as an `allOf` member):
    /// flattened, so the object is one struct whose fields are the shared properties plus every
    /// alternative's properties, the latter all optional (a value has those of one alternative).
    /// Chosen over a struct per alternative because it keeps one type per schema, decodes
    /// every alternative without guessing which came, and never multiplies types on
    /// combinations of `allOf` and `oneOf`. A shared property wins over an alternative's one
    /// of the same name.
    fn flatten_alternatives(
        &self,
        alternatives: &[ReferenceOr<Schema>],
        pointer: &Pointer,
        properties: &mut indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        warnings: &mut Vec<Warning>,
        depth: usize,
    ) -> Result<(), Error> {
        for (index, alternative) in alternatives.iter().enumerate() {
            let mut found = indexmap::IndexMap::new();
            let mut ignored_required = Vec::new();
            let mut ignored_additional = None;
            let kind = match self.resolve(alternative, &pointer.join(index)) {
                Ok(schema) => part_kind(&schema),
                Err(_) => PartKind::Other,
            };
            match kind {
                PartKind::Object | PartKind::Union => self.collect_all_of(
                    std::slice::from_ref(alternative),
                    &pointer.join(index),
                    &mut found,
                    &mut ignored_required,
                    &mut ignored_additional,
                    warnings,
                    depth + 1,
                )?,
                PartKind::Annotation => {}
                PartKind::Other => warnings.push(Warning::new(
                    &pointer.join(index),
                    "alternative that is not an object, beside object properties: left out",
                )),
            }
            for (key, value) in found {
                properties.entry(key).or_insert(value);
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
        if let Some(tagging) = self.taggings.union(pointer).cloned() {
            return self.discriminated_union(
                name,
                doc,
                deprecated,
                alternatives,
                &tagging,
                pointer,
            );
        }
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
            pointer: pointer.to_string(),
            doc,
            deprecated,
            variants,
            discriminator: None,
        };
        self.defs.insert(name.clone(), TypeDef::Union(def));
        Ok(RType::Named(name))
    }

    /// A union with a discriminator: one variant per tag, named after the tag (several tags
    /// may name one schema), and a fallback keeping the JSON of a tag this client does not know.
    fn discriminated_union(
        &mut self,
        name: String,
        doc: String,
        deprecated: bool,
        alternatives: &[ReferenceOr<Schema>],
        tagging: &super::discriminators::Tagging,
        pointer: &Pointer,
    ) -> Result<RType, Error> {
        let mut variant_names = Namespace::default();
        let mut typed: BTreeMap<usize, RType> = BTreeMap::new();
        let mut variants = Vec::with_capacity(tagging.entries.len());
        let mut tags = Vec::with_capacity(tagging.entries.len());
        // Tags of the explicit mapping claim their names first: an implicit tag spelled alike
        // (a schema's name) never renames them.
        let mut claimed: Vec<Option<String>> = vec![None; tagging.entries.len()];
        for explicit in [true, false] {
            for (index, entry) in tagging.entries.iter().enumerate() {
                if entry.explicit == explicit {
                    claimed[index] = Some(variant_names.claim(names::camel(&entry.tag)));
                }
            }
        }
        for (entry, variant_name) in tagging.entries.iter().zip(claimed) {
            let variant_name = variant_name.unwrap_or_default();
            let ty = match (entry.alternative, &entry.reference) {
                (Some(index), _) => match typed.get(&index) {
                    Some(ty) => ty.clone(),
                    None => {
                        let hint = format!("{name}{variant_name}");
                        let ty =
                            self.schema_type(&alternatives[index], &hint, &pointer.join(index))?;
                        typed.insert(index, ty.clone());
                        ty
                    }
                },
                (None, Some(reference)) => self.reference_type(reference, pointer)?,
                (None, None) => continue,
            };
            variants.push((variant_name, ty));
            tags.push(entry.tag.clone());
        }
        let fallback = if variant_names.is_taken("Unknown") {
            variant_names.claim("UnknownTag".into())
        } else {
            "Unknown".into()
        };
        let def = UnionDef {
            name: name.clone(),
            pointer: pointer.to_string(),
            doc,
            deprecated,
            variants,
            discriminator: Some(Discriminator {
                property: tagging.property.clone(),
                tags,
                fallback,
            }),
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
        let has_alternatives = !any.one_of.is_empty() || !any.any_of.is_empty();
        if !any.all_of.is_empty() || (has_alternatives && !any.properties.is_empty()) {
            // Properties next to `allOf`/`oneOf`/`anyOf`: the properties are one more part.
            let mut properties = any.properties.clone();
            let mut required = any.required.clone();
            let mut additional = any.additional_properties.clone();
            let mut warnings = Vec::new();
            self.collect_all_of(
                &any.all_of,
                &pointer.join("allOf"),
                &mut properties,
                &mut required,
                &mut additional,
                &mut warnings,
                0,
            )?;
            for (key, alternatives) in [("oneOf", &any.one_of), ("anyOf", &any.any_of)] {
                self.flatten_alternatives(
                    alternatives,
                    &pointer.join(key),
                    &mut properties,
                    &mut warnings,
                    0,
                )?;
            }
            self.warnings.extend(warnings);
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
            let key = if any.one_of.is_empty() {
                "anyOf"
            } else {
                "oneOf"
            };
            return self.union_type(name, doc, data.deprecated, alternatives, &pointer.join(key));
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
                Ok(self.define_enum(name, schema, strings, doc, pointer))
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
            Some(other) => {
                self.warn(
                    pointer,
                    format!("unknown schema type {other}; typed as serde_json::Value"),
                );
                Ok(RType::Json)
            }
        }
    }

    fn claim(&mut self, naming: &Naming) -> String {
        if naming.claimed {
            naming.text.clone()
        } else {
            self.names.claim(names::model(&naming.text))
        }
    }

    /// Follows a reference to the schema it names (a component or any local JSON pointer).
    pub(crate) fn resolve<'s>(
        &'s self,
        schema: &'s ReferenceOr<Schema>,
        pointer: &Pointer,
    ) -> Result<std::borrow::Cow<'s, Schema>, Error> {
        let mut current = std::borrow::Cow::Borrowed(schema);
        for _ in 0..32 {
            let next = match &current {
                std::borrow::Cow::Borrowed(ReferenceOr::Item(schema)) => {
                    return Ok(std::borrow::Cow::Borrowed(schema));
                }
                std::borrow::Cow::Owned(ReferenceOr::Item(schema)) => {
                    return Ok(std::borrow::Cow::Owned(schema.clone()));
                }
                std::borrow::Cow::Borrowed(ReferenceOr::Reference { reference })
                | std::borrow::Cow::Owned(ReferenceOr::Reference { reference }) => {
                    let component = component_key(reference, "schemas").and_then(|key| {
                        self.api
                            .components
                            .as_ref()
                            .and_then(|c| c.schemas.get(key.as_ref()))
                    });
                    match component {
                        Some(found) => std::borrow::Cow::Borrowed(found),
                        None => std::borrow::Cow::Owned(
                            self.pointed_schema(reference).ok_or_else(|| {
                                Error::invalid(
                                    pointer,
                                    format!("reference `{reference}` points to no schema"),
                                )
                            })?,
                        ),
                    }
                }
            };
            current = next;
        }
        Err(Error::invalid(
            pointer,
            "a chain of 32 references (a reference cycle?)",
        ))
    }
}

/// The name for a type the schema may need: already claimed (a component), or a hint to
/// claim a unique name from when a definition is actually made.
struct Naming {
    text: String,
    claimed: bool,
}

impl Naming {
    fn claimed(name: &str) -> Self {
        Naming {
            text: name.to_owned(),
            claimed: true,
        }
    }

    fn hint(hint: &str) -> Self {
        Naming {
            text: hint.to_owned(),
            claimed: false,
        }
    }
}

/// What an `allOf` member contributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PartKind {
    /// Properties (an object, or an `allOf` of objects).
    Object,
    /// Alternatives (`oneOf`/`anyOf`) without properties of its own.
    Union,
    /// Nothing but annotations (`description`, `nullable`, `default`, ...).
    Annotation,
    /// A scalar, enum or array.
    Other,
}

fn part_kind(schema: &Schema) -> PartKind {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(_)) | SchemaKind::AllOf { .. } => PartKind::Object,
        SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => PartKind::Union,
        SchemaKind::Any(any) => {
            if !any.properties.is_empty()
                || !any.all_of.is_empty()
                || any.additional_properties.is_some()
                || any.typ.as_deref() == Some("object")
            {
                PartKind::Object
            } else if !any.one_of.is_empty() || !any.any_of.is_empty() {
                PartKind::Union
            } else if any.typ.is_none()
                && any.enumeration.is_empty()
                && any.items.is_none()
                && any.format.is_none()
            {
                PartKind::Annotation
            } else {
                PartKind::Other
            }
        }
        _ => PartKind::Other,
    }
}

fn is_enum(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => !s.enumeration.is_empty(),
        SchemaKind::Type(Type::Integer(i)) => !i.enumeration.is_empty(),
        SchemaKind::Type(Type::Number(n)) => !n.enumeration.is_empty(),
        SchemaKind::Any(any) => !any.enumeration.is_empty(),
        _ => false,
    }
}

/// A map or a list of maps: as a map's value type, a nesting worth a name.
fn holds_maps(ty: &RType) -> bool {
    match ty {
        RType::Map(_) | RType::JsonObject => true,
        RType::Vec(item) => matches!(item.as_ref(), RType::Map(_) | RType::JsonObject),
        _ => false,
    }
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
