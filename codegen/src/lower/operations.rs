//! Operations to a description of client methods: grouped by tag, with typed parameters,
//! bodies, success and error types. Rendering to tokens is `render`'s job.

use std::collections::BTreeMap;

use openapiv3::{
    MediaType, OpenAPI, Operation, Parameter, ParameterSchemaOrContent, ReferenceOr, RequestBody,
    Response, Schema, StatusCode,
};

use super::schemas::TypeSpace;
use crate::docs;
use crate::error::{Error, Pointer};
use crate::model::{
    Api, Body, ErrorBody, ErrorStatus, Group, GroupMock, Input, InputSource, InputType, Location,
    OperationDef, Page, Pagination, Param, Part, RType, StatusBody, Style, StyleName, Success,
    SuccessStatus, TypeDef,
};
use crate::names::{self, Namespace};
use crate::refs::component_key;

/// Names the `api` module uses itself.
const RESERVED_API_NAMES: &[&str] = &[
    "Client",
    "ClientBuilder",
    "Error",
    "Option",
    "Result",
    "String",
    "Vec",
    "Default",
    "Box",
    "Some",
    "None",
];

/// A set of documented error statuses, and the operations (group, index) documenting it.
type ErrorShape = (Vec<ErrorStatus>, Vec<(usize, usize)>);

/// Builds the operation model. Inline schemas found here are added to `types`.
pub(crate) fn collect(api: &OpenAPI, types: &mut TypeSpace<'_>) -> Result<Api, Error> {
    let mut registry = GroupRegistry::default();
    let mut method_names: BTreeMap<String, Namespace> = BTreeMap::new();
    // Declared tags first, in declaration order (a tag declared twice is one group).
    for tag in &api.tags {
        registry.group(&tag.name, tag.description.as_deref());
    }

    let mut error_shapes: Vec<ErrorShape> = Vec::new();
    let mut operation_count = 0;
    let paths_pointer = Pointer::root().join("paths");
    for (path, item) in &api.paths.paths {
        let item_pointer = paths_pointer.join(path);
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { .. } => {
                types.warn(&item_pointer, "a path item given as $ref is left out");
                continue;
            }
        };
        for (method, operation) in item.iter() {
            let pointer = item_pointer.join(method);
            let tag = operation
                .tags
                .first()
                .map(String::as_str)
                .unwrap_or("untagged");
            let group = registry.group(tag, None);
            let groups = &mut registry.groups;
            let path_level = (&item.parameters[..], &item_pointer);
            let mut def = operation_def(api, types, path, method, operation, path_level, &pointer)?;
            def.builder_name = registry.api_names.claim(names::builder(&def.id));
            if let Success::Several { name, .. } = &mut def.success {
                // Claimed here, beside the request builder: the name depends on the operation
                // alone, not on which operations after it have several success bodies.
                *name = registry.api_names.claim(names::success_enum(&def.id));
            }
            def.static_name = def.method_name.to_uppercase();
            // `new` is the group's own constructor.
            let taken = method_names
                .entry(groups[group].struct_name.clone())
                .or_insert_with(|| Namespace::with_reserved(&["new"]));
            def.method_name = taken.claim(def.method_name.clone());
            def.static_name = def.method_name.to_uppercase();

            let statuses = error_statuses(api, types, &def.id, operation, &pointer)?;
            let position = (group, groups[group].operations.len());
            if !statuses.is_empty() {
                let same = |shape: &Vec<ErrorStatus>| {
                    shape.len() == statuses.len()
                        && shape
                            .iter()
                            .zip(&statuses)
                            .all(|(a, b)| a.status == b.status && a.body == b.body)
                };
                match error_shapes.iter_mut().find(|(shape, _)| same(shape)) {
                    Some((_, users)) => users.push(position),
                    None => error_shapes.push((statuses, vec![position])),
                }
            }
            groups[group].operations.push(def);
            operation_count += 1;
        }
    }

    let GroupRegistry {
        mut groups,
        mut api_names,
        ..
    } = registry;
    let error_bodies = name_error_bodies(&mut groups, error_shapes, types, &mut api_names);
    let pages = detect_pagination(&mut groups, types);
    groups.retain(|g| !g.operations.is_empty());
    Ok(Api {
        groups,
        error_bodies,
        pages,
        operation_count,
    })
}

/// Groups by tag, and the namespaces their names come from.
struct GroupRegistry {
    groups: Vec<Group>,
    by_tag: BTreeMap<String, usize>,
    /// Names in the `api` module: group structs and request builders.
    api_names: Namespace,
    modules: Namespace,
    accessors: Namespace,
}

impl Default for GroupRegistry {
    fn default() -> Self {
        GroupRegistry {
            groups: Vec::new(),
            by_tag: BTreeMap::new(),
            api_names: Namespace::with_reserved(RESERVED_API_NAMES),
            // `default` would collide with the crate's default feature set; `rt`, `serde`, `std` and
            // `core` with the crates the generated code names.
            modules: Namespace::with_reserved(&[
                "models", "client", "error", "api", "default", "mock", "rt", "serde", "std", "core",
            ]),
            accessors: Namespace::with_reserved(&[
                "builder", "new", "from", "clone", "raw", "base_url", "request",
            ]),
        }
    }
}

impl GroupRegistry {
    /// Index of the group for `tag`, created on first use.
    fn group(&mut self, tag: &str, description: Option<&str>) -> usize {
        if let Some(&index) = self.by_tag.get(tag) {
            return index;
        }
        self.groups.push(Group {
            struct_name: self.api_names.claim(names::camel(tag)),
            accessor: self.accessors.claim(names::snake(tag)),
            module: self.modules.claim(names::snake(tag)),
            doc: docs::doc_text(description.or(Some(tag)), None),
            operations: Vec::new(),
            mock: GroupMock::default(),
        });
        self.by_tag.insert(tag.to_owned(), self.groups.len() - 1);
        self.groups.len() - 1
    }
}

fn operation_def(
    api: &OpenAPI,
    types: &mut TypeSpace<'_>,
    path: &str,
    method: &str,
    operation: &Operation,
    path_level: (&[ReferenceOr<Parameter>], &Pointer),
    pointer: &Pointer,
) -> Result<OperationDef, Error> {
    let id = operation_id(operation, method, path);
    let prefix = names::camel(&id);
    // The request builder's own fields, methods and locals: an input named like one is renamed.
    const BUILDER_NAMES: &[&str] = &[
        "self",
        "client",
        "options",
        "timeout",
        "header",
        "retry",
        "retry_ambiguous",
        "send",
        "send_with_response",
        "into_future",
        "items",
        "pages",
        "request",
        "form",
    ];
    let with_body: Vec<&str> = BUILDER_NAMES.iter().copied().chain(["body"]).collect();
    let reserved: &[&str] = if operation.request_body.is_some() {
        &with_body
    } else {
        BUILDER_NAMES
    };
    let mut param_names = Namespace::with_reserved(reserved);
    let params = parameters(
        api,
        types,
        (&prefix, path),
        operation,
        path_level,
        pointer,
        &mut param_names,
    )?;
    let body = match &operation.request_body {
        Some(body) => request_body(
            api,
            types,
            &prefix,
            body,
            &pointer.join("requestBody"),
            &mut param_names,
        )?,
        None => None,
    };
    let success = success_type(api, types, &prefix, operation, pointer)?;
    let inputs = inputs(&params, body.as_ref(), pointer);
    Ok(OperationDef {
        pointer: pointer.to_string(),
        method_name: names::snake(&id),
        static_name: String::new(),
        builder_name: String::new(),
        id,
        http_method: method.to_uppercase(),
        path: path.to_owned(),
        doc: operation_doc(operation, method, path),
        deprecated: operation.deprecated,
        params,
        body,
        inputs,
        success,
        error: None,
        pagination: None,
        mock_name: String::new(),
    })
}

/// An operation's id, which names what is made for it: its `operationId`, else its method and
/// where it is (`post /pets`; for a webhook, its name).
pub(super) fn operation_id(operation: &Operation, method: &str, place: &str) -> String {
    operation
        .operation_id
        .clone()
        .unwrap_or_else(|| format!("{method} {place}"))
}

/// What the caller gives for an operation: every parameter, then the body, which is one input
/// called `body` when it is sent whole and one input per part when it is multipart (the names
/// were claimed with the parameters', `body` reserved). The one place that says so: the request
/// builder, the mocks, the change report and the contract calls read [`OperationDef::inputs`].
fn inputs(params: &[Param], body: Option<&Body>, pointer: &Pointer) -> Vec<Input> {
    let mut inputs: Vec<Input> = (params.iter().enumerate())
        .map(|(index, param)| Input {
            rust_name: param.rust_name.clone(),
            source: InputSource::Param(index),
            ty: InputType::Value(param.ty.clone()),
            required: param.required,
            doc: param.doc.clone(),
            deprecated: param.deprecated,
            pointer: param.pointer.clone(),
            mock: None,
        })
        .collect();
    let whole = |ty: InputType, required: bool, doc: &str| Input {
        rust_name: "body".to_owned(),
        source: InputSource::Body,
        ty,
        required,
        doc: doc.to_owned(),
        deprecated: false,
        pointer: pointer.to_string(),
        mock: None,
    };
    match body {
        Some(
            Body::Json {
                ty, required, doc, ..
            }
            | Body::Form {
                ty, required, doc, ..
            },
        ) => inputs.push(whole(InputType::Serialized(ty.clone()), *required, doc)),
        Some(Body::Text { required, doc, .. }) => {
            inputs.push(whole(InputType::Value(RType::String), *required, doc))
        }
        Some(Body::Binary { required, doc, .. }) => {
            inputs.push(whole(InputType::Bytes, *required, doc))
        }
        Some(Body::Multipart { parts, .. }) => {
            inputs.extend(parts.iter().enumerate().map(|(index, part)| Input {
                rust_name: part.rust_name.clone(),
                source: InputSource::Part(index),
                ty: InputType::Value(part.ty.clone()),
                required: part.required,
                doc: part.doc.clone(),
                deprecated: false,
                pointer: pointer.to_string(),
                mock: None,
            }))
        }
        None => {}
    }
    inputs
}

/// Summary, description and the endpoint itself.
fn operation_doc(operation: &Operation, method: &str, path: &str) -> String {
    let summary = operation.summary.as_deref().map(docs::sanitise);
    let description = operation.description.as_deref().map(docs::sanitise);
    let endpoint = format!("`{} {path}`", method.to_uppercase());
    [summary, description, Some(endpoint)]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The operation's parameters (its own, then the path item's it does not override), path
/// parameters first in path order; every `{name}` of the path must be declared.
fn parameters(
    api: &OpenAPI,
    types: &mut TypeSpace<'_>,
    (prefix, path): (&str, &str),
    operation: &Operation,
    (path_parameters, item_pointer): (&[ReferenceOr<Parameter>], &Pointer),
    pointer: &Pointer,
    param_names: &mut Namespace,
) -> Result<Vec<Param>, Error> {
    // Operation-level parameters override path-level ones with the same name and location.
    let mut all: Vec<(&ReferenceOr<Parameter>, Pointer)> = Vec::new();
    for (index, parameter) in operation.parameters.iter().enumerate() {
        all.push((parameter, pointer.join("parameters").join(index)));
    }
    for (index, parameter) in path_parameters.iter().enumerate() {
        all.push((parameter, item_pointer.join("parameters").join(index)));
    }
    let mut params: Vec<Param> = Vec::new();
    for (parameter, parameter_pointer) in all {
        let Some(parameter) = resolve_item(
            types,
            parameter,
            "parameters",
            |c| &c.parameters,
            api,
            &parameter_pointer,
        ) else {
            continue;
        };
        let parameter = &*parameter;
        let location = match parameter {
            Parameter::Path { .. } => Location::Path,
            Parameter::Query { .. } => Location::Query,
            Parameter::Header { .. } => Location::Header,
            Parameter::Cookie { .. } => {
                types.warn(&parameter_pointer, "cookie parameter left out");
                continue;
            }
        };
        let name = &parameter.parameter_data_ref().name;
        if params
            .iter()
            .any(|p| p.wire_name == *name && p.location == location)
        {
            continue;
        }
        let param = parameter_def(types, prefix, parameter, location, &parameter_pointer)?;
        params.push(Param {
            rust_name: param_names.claim(names::snake(name)),
            ..param
        });
    }
    // Path parameters in the order they appear in the path, so calls read like the URL.
    params.sort_by_key(|p| match p.location {
        Location::Path => path
            .find(&format!("{{{}}}", p.wire_name))
            .unwrap_or(usize::MAX),
        _ => usize::MAX,
    });
    for segment in path.split('{').skip(1) {
        let name = segment.split('}').next().unwrap_or_default();
        if !params
            .iter()
            .any(|p| p.location == Location::Path && p.wire_name == name)
        {
            types.warn(
                pointer,
                format!("path parameter {name} is not declared; taken as a required string"),
            );
            params.push(Param {
                wire_name: name.to_owned(),
                rust_name: param_names.claim(names::snake(name)),
                pointer: pointer.to_string(),
                location: Location::Path,
                ty: RType::String,
                style: None,
                required: true,
                doc: String::new(),
                deprecated: false,
            });
        }
    }
    Ok(params)
}

/// One parameter; its Rust name is claimed by the caller, in the operation's namespace.
fn parameter_def(
    types: &mut TypeSpace<'_>,
    prefix: &str,
    parameter: &Parameter,
    location: Location,
    pointer: &Pointer,
) -> Result<Param, Error> {
    let data = parameter.parameter_data_ref();
    let schema = match &data.format {
        ParameterSchemaOrContent::Schema(schema) => schema,
        ParameterSchemaOrContent::Content(content) => {
            match content.values().find_map(|media| media.schema.as_ref()) {
                Some(schema) => schema,
                None => &ReferenceOr::Item(Schema {
                    schema_data: Default::default(),
                    schema_kind: openapiv3::SchemaKind::Type(openapiv3::Type::String(
                        Default::default(),
                    )),
                }),
            }
        }
    };
    let hint = format!("{prefix}{}", names::camel(&data.name));
    let mut ty = types.schema_type(schema, &hint, &pointer.join("schema"))?;
    // A query parameter described by a schema is written in its style whenever that is not
    // the default; anything else the runtime cannot write as plain text is the caller's text.
    let described_by_content = matches!(data.format, ParameterSchemaOrContent::Content(_));
    let query_style = match parameter {
        Parameter::Query { style, .. } if !described_by_content => {
            Some(form_style(Some(style), data.explode.unwrap_or(true)))
        }
        _ => None,
    };
    let plain = types.is_param_text(&ty);
    let style = match query_style {
        Some(style) if !plain || style != Style::DEFAULT => Some(style),
        _ if !plain => {
            // An object or union in a path or header, or a parameter described by `content`
            // (JSON text, say), has no one encoding the runtime can pick; the caller writes it.
            types.warn(
                pointer,
                if described_by_content {
                    "parameter described by content, of an object or union type: taken as text the caller encodes in that media type"
                } else {
                    "parameter of an object or union type: taken as text the caller encodes"
                },
            );
            ty = RType::String;
            None
        }
        _ => {
            if described_by_content {
                types.warn(
                    pointer,
                    "parameter described by content: sent as text, typed by its first media type",
                );
            }
            None
        }
    };
    let mut doc = docs::doc_text(data.description.as_deref(), data.example.as_ref());
    if let ReferenceOr::Item(schema) = schema {
        if let Some(default) = &schema.schema_data.default {
            doc.push_str(&format!("\n\nServer default: `{default}`"));
        }
    }
    Ok(Param {
        wire_name: data.name.clone(),
        rust_name: String::new(),
        pointer: pointer.to_string(),
        location,
        ty,
        style,
        required: data.required || location == Location::Path,
        doc: doc.trim().to_owned(),
        deprecated: data.deprecated.unwrap_or(false),
    })
}

/// What a `$ref` to a parameter, request body or response names: the component of that kind,
/// else whatever the JSON pointer reaches in the document (`#/components/requestBodies/X` used
/// as a response, `#/paths/...`); `None` (with a warning) when it reaches nothing usable.
fn resolve_item<'a, T: Clone + serde::de::DeserializeOwned>(
    types: &mut TypeSpace<'_>,
    item: &'a ReferenceOr<T>,
    section: &str,
    components: impl Fn(&'a openapiv3::Components) -> &'a indexmap::IndexMap<String, ReferenceOr<T>>,
    api: &'a OpenAPI,
    pointer: &Pointer,
) -> Option<std::borrow::Cow<'a, T>> {
    let reference = match item {
        ReferenceOr::Item(item) => return Some(std::borrow::Cow::Borrowed(item)),
        ReferenceOr::Reference { reference } => reference,
    };
    let component = component_key(reference, section)
        .and_then(|key| components(api.components.as_ref()?).get(key.as_ref()))
        .and_then(|found| found.as_item());
    if let Some(found) = component {
        return Some(std::borrow::Cow::Borrowed(found));
    }
    match types.refs().read::<T>(reference) {
        Some(found) => Some(std::borrow::Cow::Owned(found)),
        None => {
            types.warn(
                pointer,
                format!("reference {reference} points to nothing usable; left out"),
            );
            None
        }
    }
}

/// Whether a media type is read as JSON: `application/json`, `+json` types, and the wildcards
/// `*/*` and `application/*`.
pub(crate) fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    // `*/*` is how some servers' generated specs say "whatever we return", which is JSON.
    essence == "application/json"
        || essence.ends_with("+json")
        || essence == "*/*"
        || essence == "application/*"
}

/// What a request body media type is sent as, in the order one is picked when several are
/// offered: JSON first (the only one typed both ways), then multipart (the only one that
/// carries files next to fields), form-urlencoded, text, and anything else as bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum BodyKind {
    Json,
    Multipart,
    Form,
    Text,
    Bytes,
}

fn body_kind(media_type: &str, media: &MediaType) -> BodyKind {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    // A wildcard (`*/*`) is read as JSON, as servers that declare it mostly send JSON, unless
    // its schema says the body is raw bytes.
    let binary =
        matches!(&media.schema, Some(ReferenceOr::Item(schema)) if is_binary_schema(schema));
    if essence.contains('*') && binary {
        BodyKind::Bytes
    } else if is_json(media_type) {
        BodyKind::Json
    } else if essence.eq_ignore_ascii_case("multipart/form-data") {
        BodyKind::Multipart
    } else if essence.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        BodyKind::Form
    } else if essence.to_ascii_lowercase().starts_with("text/") {
        BodyKind::Text
    } else {
        BodyKind::Bytes
    }
}

/// The body an operation sends, typed (an inline schema named `<prefix>Body`); also how the
/// payloads of calls made to the reader are typed (`payloads`).
pub(super) fn request_body(
    api: &OpenAPI,
    types: &mut TypeSpace<'_>,
    prefix: &str,
    body: &ReferenceOr<RequestBody>,
    pointer: &Pointer,
    param_names: &mut Namespace,
) -> Result<Option<Body>, Error> {
    let Some(body) = resolve_item(
        types,
        body,
        "requestBodies",
        |c| &c.request_bodies,
        api,
        pointer,
    ) else {
        return Ok(None);
    };
    // `min_by_key` keeps the first of equals: document order decides among media types of
    // one kind.
    let Some((media_type, media)) = body
        .content
        .iter()
        .min_by_key(|(m, media)| body_kind(m, media))
    else {
        return Ok(None);
    };
    let media_pointer = pointer.join("content").join(media_type);
    let schema_pointer = media_pointer.join("schema");
    let required = body.required;
    let doc = docs::doc_text(body.description.as_deref(), None);
    Ok(Some(match body_kind(media_type, media) {
        BodyKind::Json => Body::Json {
            media_type: media_type.clone(),
            ty: body_schema_type(types, prefix, media, &schema_pointer)?,
            required,
            doc,
        },
        BodyKind::Multipart => {
            match multipart_body(types, prefix, media, &media_pointer, param_names)? {
                Some(parts) => Body::Multipart {
                    media_type: media_type.clone(),
                    parts,
                },
                None => Body::Binary {
                    doc: with_media_note(doc, media_type, "application/octet-stream"),
                    media_type: media_type.clone(),
                    content_type: media_type.clone(),
                    required,
                },
            }
        }
        BodyKind::Form => Body::Form {
            media_type: media_type.clone(),
            ty: body_schema_type(types, prefix, media, &schema_pointer)?,
            required,
            doc,
            styles: form_styles(media),
        },
        BodyKind::Text => Body::Text {
            doc: with_media_note(doc, media_type, "text/plain"),
            media_type: media_type.clone(),
            content_type: concrete_media_type(media_type, "text/plain"),
            required,
        },
        BodyKind::Bytes => {
            if !is_raw_data(types, media, &schema_pointer, media_type) {
                types.warn(
                    &media_pointer,
                    format!(
                        "request body media type {media_type} is not modelled: the operation \
                         takes the body as bytes, serialised by the caller"
                    ),
                );
            }
            Body::Binary {
                doc: with_media_note(doc, media_type, "application/octet-stream"),
                media_type: media_type.clone(),
                content_type: concrete_media_type(media_type, "application/octet-stream"),
                required,
            }
        }
    }))
}

/// The body's doc, with the `Content-Type` it is sent as: worth saying for text and bytes, whose
/// Rust type does not tell.
fn with_media_note(doc: String, media_type: &str, fallback: &str) -> String {
    let note = if media_type.contains('*') {
        format!(
            "Sent as `{fallback}` (the document allows `{media_type}`); a per-call \
             `Content-Type` header sends another type."
        )
    } else {
        format!("Sent as `{media_type}`.")
    };
    if doc.is_empty() {
        note
    } else {
        format!("{doc}\n\n{note}")
    }
}

fn body_schema_type(
    types: &mut TypeSpace<'_>,
    prefix: &str,
    media: &MediaType,
    schema_pointer: &Pointer,
) -> Result<RType, Error> {
    match &media.schema {
        Some(schema) => types.schema_type(schema, &format!("{prefix}Body"), schema_pointer),
        None => Ok(RType::Json),
    }
}

/// The media type sent as `Content-Type`: a wildcard (`image/*`) names no concrete type, so
/// the fallback is sent (the caller can override it with a per-call header).
fn concrete_media_type(media_type: &str, fallback: &str) -> String {
    if media_type.contains('*') {
        fallback.to_owned()
    } else {
        media_type.to_owned()
    }
}

/// Whether a body sent as bytes is raw data by its own description (no schema, a string schema,
/// or a media type for files), rather than a structure in a format the generator cannot write
/// (XML, say), which deserves a warning.
fn is_raw_data(
    types: &mut TypeSpace<'_>,
    media: &MediaType,
    schema_pointer: &Pointer,
    media_type: &str,
) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    let top = essence.split('/').next().unwrap_or_default();
    if essence == "application/octet-stream"
        || essence.contains('*')
        || matches!(top, "image" | "audio" | "video" | "font")
    {
        return true;
    }
    let Some(schema) = &media.schema else {
        return true;
    };
    match types.resolve(schema, schema_pointer) {
        Ok(schema) => matches!(
            schema.schema_kind,
            openapiv3::SchemaKind::Type(openapiv3::Type::String(_))
        ),
        Err(_) => false,
    }
}

/// The properties of a form body that are not sent in the default style (`form`, exploded).
fn form_styles(media: &MediaType) -> Vec<(String, Style)> {
    media
        .encoding
        .iter()
        .filter_map(|(name, encoding)| {
            let style = form_style(encoding.style.as_ref(), encoding.explode);
            (style != Style::DEFAULT).then(|| (name.clone(), style))
        })
        .collect()
}

/// OpenAPI's `style` (`form` when absent) and `explode` of a query parameter or a form body's
/// property.
fn form_style(style: Option<&openapiv3::QueryStyle>, explode: bool) -> Style {
    let name = match style {
        None | Some(openapiv3::QueryStyle::Form) => StyleName::Form,
        Some(openapiv3::QueryStyle::SpaceDelimited) => StyleName::SpaceDelimited,
        Some(openapiv3::QueryStyle::PipeDelimited) => StyleName::PipeDelimited,
        Some(openapiv3::QueryStyle::DeepObject) => StyleName::DeepObject,
    };
    Style { name, explode }
}

fn multipart_body(
    types: &mut TypeSpace<'_>,
    prefix: &str,
    media: &MediaType,
    pointer: &Pointer,
    param_names: &mut Namespace,
) -> Result<Option<Vec<Part>>, Error> {
    let schema_pointer = pointer.join("schema");
    let schema = match &media.schema {
        Some(schema) => types.resolve(schema, &schema_pointer)?.into_owned(),
        None => {
            types.warn(
                pointer,
                "multipart body without a schema: the operation takes the whole body as bytes \
                 (send its Content-Type, with the boundary, as a per-call header)",
            );
            return Ok(None);
        }
    };
    let Some((properties, required)) = object_parts(&schema) else {
        types.warn(
            &schema_pointer,
            "multipart body that is not an object of parts: the operation takes the whole \
             body as bytes (send its Content-Type, with the boundary, as a per-call header)",
        );
        return Ok(None);
    };
    let mut parts = Vec::new();
    for (name, property) in properties {
        let part_pointer = schema_pointer.join("properties").join(name);
        // A binary part is a file upload; everywhere else `format: binary` is just text.
        let ty = if is_binary(property) {
            RType::File
        } else {
            types.boxed_schema_type(
                property,
                &format!("{prefix}{}", names::camel(name)),
                &part_pointer,
            )?
        };
        let doc = match property {
            ReferenceOr::Item(s) => docs::doc_text(s.schema_data.description.as_deref(), None),
            ReferenceOr::Reference { .. } => String::new(),
        };
        parts.push(Part {
            wire_name: name.clone(),
            rust_name: param_names.claim(names::snake(name)),
            ty,
            required: required.contains(name),
            doc,
        });
    }
    Ok(Some(parts))
}

fn is_binary(schema: &ReferenceOr<Box<Schema>>) -> bool {
    match schema {
        ReferenceOr::Item(schema) => is_binary_schema(schema),
        ReferenceOr::Reference { .. } => false,
    }
}

/// `type: string, format: binary` (or `format: binary` alone): raw bytes.
fn is_binary_schema(schema: &Schema) -> bool {
    match &schema.schema_kind {
        openapiv3::SchemaKind::Type(openapiv3::Type::String(s)) => {
            matches!(
                s.format,
                openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary)
            )
        }
        openapiv3::SchemaKind::Any(any) => any.format.as_deref() == Some("binary"),
        _ => false,
    }
}

type Properties = indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>;

fn object_parts(schema: &Schema) -> Option<(&Properties, &Vec<String>)> {
    match &schema.schema_kind {
        openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)) => {
            Some((&object.properties, &object.required))
        }
        openapiv3::SchemaKind::Any(any) if !any.properties.is_empty() => {
            Some((&any.properties, &any.required))
        }
        _ => None,
    }
}

/// What a documented success response carries, before its schema is typed.
enum RawBody<'a> {
    Empty,
    /// A JSON media type (its pointer) and its schema, if it has one.
    Json(Pointer, Option<&'a ReferenceOr<Schema>>),
    Bytes,
}

impl RawBody<'_> {
    /// The same body wherever it is documented: the same schema, or both bytes.
    fn same_as(&self, other: &RawBody<'_>) -> bool {
        match (self, other) {
            (RawBody::Json(_, a), RawBody::Json(_, b)) => a == b,
            (RawBody::Bytes, RawBody::Bytes) | (RawBody::Empty, RawBody::Empty) => true,
            _ => false,
        }
    }
}

/// What the operation's 2xx responses decode to. One body at every status (the same schema at
/// several statuses) is that body's type, named `<Operation>Response` when inline; different
/// bodies, or a body beside a status without one, are a status-keyed enum (named by the caller),
/// each inline schema named after its status as error bodies are (`<Operation>Created`). A status
/// without a body is a success the caller must be able to tell apart: typed as the body, its
/// empty answer would be a decode error after the server did what was asked. No responses at all
/// (allowed in 3.1, and an empty `responses` says as little) leave nothing to type: the raw
/// response, with a warning.
fn success_type(
    api: &OpenAPI,
    types: &mut TypeSpace<'_>,
    prefix: &str,
    operation: &Operation,
    pointer: &Pointer,
) -> Result<Success, Error> {
    let documented = &operation.responses;
    if documented.responses.is_empty() && documented.default.is_none() {
        types.warn(
            pointer,
            "no responses documented (OpenAPI 3.1 allows it): the method returns the raw \
             response, any 2xx body as bytes",
        );
        return Ok(Success::Undocumented);
    }
    let mut resolved = Vec::new();
    for (status, response) in &operation.responses.responses {
        let is_success = match status {
            StatusCode::Code(code) => (200..300).contains(code),
            StatusCode::Range(range) => *range == 2,
        };
        if !is_success {
            continue;
        }
        let response_pointer = pointer.join("responses").join(status);
        if let Some(response) = resolve_item(
            types,
            response,
            "responses",
            |c| &c.responses,
            api,
            &response_pointer,
        ) {
            resolved.push((status.to_string(), response_pointer, response));
        }
    }
    let raw: Vec<RawBody<'_>> = resolved
        .iter()
        .map(|(_, response_pointer, response)| raw_body(response, response_pointer))
        .collect();
    let mut distinct: Vec<&RawBody<'_>> = Vec::new();
    for body in raw.iter().filter(|body| !matches!(body, RawBody::Empty)) {
        if !distinct.iter().any(|seen| seen.same_as(body)) {
            distinct.push(body);
        }
    }
    let some_empty = raw.iter().any(|body| matches!(body, RawBody::Empty));
    match distinct.as_slice() {
        [] => return Ok(Success::Empty),
        [only] if !some_empty => {
            return typed_body(types, only, &format!("{prefix}Response")).map(plain);
        }
        _ => {}
    }
    let mut variant_names = Namespace::default();
    let mut statuses = Vec::new();
    for ((status, _, response), body) in resolved.iter().zip(&raw) {
        let hint = format!("{prefix}{}", status_name(status));
        statuses.push(SuccessStatus {
            variant: variant_names.claim(status_name(status)),
            doc: docs::doc_text(Some(&response.description), None),
            status: status.clone(),
            body: typed_body(types, body, &hint)?,
        });
    }
    // Different schemas may still be one Rust type (`{type: string}` with and without a
    // description): then, unless a status has no body, there is nothing for an enum to tell
    // apart.
    let mut bodies = statuses.iter().map(|s| &s.body);
    if let Some(first) = bodies.next() {
        if bodies.all(|body| body == first) {
            return Ok(plain(first.clone()));
        }
    }
    Ok(Success::Several {
        name: String::new(),
        statuses,
    })
}

/// The success of an operation with one body (or none) at every status.
fn plain(body: StatusBody) -> Success {
    match body {
        StatusBody::Json(ty) => Success::Json(ty),
        StatusBody::Bytes => Success::Bytes,
        StatusBody::Empty => Success::Empty,
    }
}

/// The body of a response: none, JSON (the first JSON media type) or, for any other media type,
/// bytes.
fn raw_body<'a>(response: &'a Response, response_pointer: &Pointer) -> RawBody<'a> {
    if response.content.is_empty() {
        return RawBody::Empty;
    }
    match response.content.iter().find(|(m, _)| is_json(m)) {
        Some((media_type, media)) => RawBody::Json(
            response_pointer.join("content").join(media_type),
            media.schema.as_ref(),
        ),
        None => RawBody::Bytes,
    }
}

/// The Rust type of a body; an inline schema defines a type called `hint`.
fn typed_body(
    types: &mut TypeSpace<'_>,
    body: &RawBody<'_>,
    hint: &str,
) -> Result<StatusBody, Error> {
    Ok(match body {
        RawBody::Empty => StatusBody::Empty,
        RawBody::Bytes => StatusBody::Bytes,
        RawBody::Json(media_pointer, Some(schema)) => {
            StatusBody::Json(types.schema_type(schema, hint, &media_pointer.join("schema"))?)
        }
        RawBody::Json(_, None) => StatusBody::Json(RType::Json),
    })
}

fn error_statuses(
    api: &OpenAPI,
    types: &mut TypeSpace<'_>,
    id: &str,
    operation: &Operation,
    pointer: &Pointer,
) -> Result<Vec<ErrorStatus>, Error> {
    let mut statuses = Vec::new();
    let mut variant_names = Namespace::default();
    let prefix = names::camel(id);
    let mut all: Vec<(String, &ReferenceOr<Response>)> = operation
        .responses
        .responses
        .iter()
        .filter(|(status, _)| match status {
            StatusCode::Code(code) => *code >= 300,
            StatusCode::Range(range) => *range >= 3,
        })
        .map(|(status, response)| (status.to_string(), response))
        .collect();
    if let Some(default) = &operation.responses.default {
        all.push(("default".to_owned(), default));
    }
    for (status, response) in all {
        let response_pointer = pointer.join("responses").join(&status);
        let Some(response) = resolve_item(
            types,
            response,
            "responses",
            |c| &c.responses,
            api,
            &response_pointer,
        ) else {
            continue;
        };
        let body = match response.content.iter().find(|(m, _)| is_json(m)) {
            Some((media_type, media)) => {
                let schema_pointer = response_pointer
                    .join("content")
                    .join(media_type)
                    .join("schema");
                let hint = format!("{prefix}{}", status_name(&status));
                Some(match &media.schema {
                    Some(schema) => types.schema_type(schema, &hint, &schema_pointer)?,
                    None => RType::Json,
                })
            }
            None => None,
        };
        statuses.push(ErrorStatus {
            variant: variant_names.claim(status_name(&status)),
            doc: docs::doc_text(Some(&response.description), None),
            status,
            body,
        });
    }
    Ok(statuses)
}

/// `409` -> `Conflict`, `4XX` -> `ClientError`, `201` -> `Created`.
fn status_name(status: &str) -> String {
    let name = match status {
        "200" => "Ok",
        "201" => "Created",
        "202" => "Accepted",
        "203" => "NonAuthoritativeInformation",
        "204" => "NoContent",
        "205" => "ResetContent",
        "206" => "PartialContent",
        "207" => "MultiStatus",
        "2XX" => "Success",
        "300" => "MultipleChoices",
        "301" => "MovedPermanently",
        "302" => "Found",
        "304" => "NotModified",
        "400" => "BadRequest",
        "401" => "Unauthorized",
        "402" => "PaymentRequired",
        "403" => "Forbidden",
        "404" => "NotFound",
        "405" => "MethodNotAllowed",
        "406" => "NotAcceptable",
        "408" => "RequestTimeout",
        "409" => "Conflict",
        "410" => "Gone",
        "412" => "PreconditionFailed",
        "413" => "PayloadTooLarge",
        "415" => "UnsupportedMediaType",
        "422" => "UnprocessableEntity",
        "423" => "Locked",
        "428" => "PreconditionRequired",
        "429" => "TooManyRequests",
        "500" => "InternalServerError",
        "501" => "NotImplemented",
        "502" => "BadGateway",
        "503" => "ServiceUnavailable",
        "504" => "GatewayTimeout",
        "3XX" => "Redirection",
        "4XX" => "ClientError",
        "5XX" => "ServerError",
        "default" => "Other",
        other => return format!("Status{other}"),
    };
    name.to_owned()
}

/// Gives every distinct set of error statuses a type. When every status of a set carries the
/// same component type, that type decodes them all (the usual "one error schema" API); when
/// one set differs from the rest, each operation using it gets its own `...Error` enum; a
/// spec with a single set calls it `ApiError`.
fn name_error_bodies(
    groups: &mut [Group],
    shapes: Vec<ErrorShape>,
    types: &TypeSpace<'_>,
    api_names: &mut Namespace,
) -> Vec<ErrorBody> {
    let mut bodies = Vec::new();
    let mut shared_used: Vec<RType> = Vec::new();
    let single_shape = shapes.len() == 1;
    for (statuses, users) in shapes {
        let shared = shared_body(&statuses, types).filter(|ty| !shared_used.contains(ty));
        if let Some(ty @ RType::Named(name)) = &shared {
            shared_used.push(ty.clone());
            for &(group, index) in &users {
                groups[group].operations[index].error = Some(name.clone());
            }
            bodies.push(ErrorBody {
                name: name.clone(),
                statuses,
                shared,
            });
            continue;
        }
        if single_shape {
            let name = api_names.claim("ApiError".to_owned());
            for &(group, index) in &users {
                groups[group].operations[index].error = Some(name.clone());
            }
            bodies.push(ErrorBody {
                name,
                statuses,
                shared: None,
            });
            continue;
        }
        for (group, index) in users {
            let operation = &mut groups[group].operations[index];
            let name = api_names.claim(format!("{}Error", names::camel(&operation.id)));
            operation.error = Some(name.clone());
            bodies.push(ErrorBody {
                name,
                statuses: statuses.clone(),
                shared: None,
            });
        }
    }
    bodies
}

fn shared_body(statuses: &[ErrorStatus], types: &TypeSpace<'_>) -> Option<RType> {
    let first = statuses.first()?.body.clone()?;
    let all_same = statuses.iter().all(|s| s.body.as_ref() == Some(&first));
    let is_struct =
        matches!(&first, RType::Named(name) if matches!(types.get(name), Some(TypeDef::Struct(_))));
    (all_same && is_struct).then_some(first)
}

/// A list operation is sliced when its response object has exactly one array, exactly one
/// boolean ("there is more") and a field named like one of the operation's optional query
/// parameters (the cursor to send back). No names are assumed beyond that correspondence.
fn detect_pagination(groups: &mut [Group], types: &TypeSpace<'_>) -> BTreeMap<String, Page> {
    let mut pages = BTreeMap::new();
    for operation in groups.iter_mut().flat_map(|g| g.operations.iter_mut()) {
        let Success::Json(RType::Named(name)) = &operation.success else {
            continue;
        };
        let Some(TypeDef::Struct(page)) = types.get(name) else {
            continue;
        };
        let strip = |ty: &RType| match ty {
            RType::Option(inner) => ((**inner).clone(), true),
            other => (other.clone(), false),
        };
        let arrays: Vec<_> = page
            .fields
            .iter()
            .filter(|f| matches!(strip(&f.ty).0, RType::Vec(_)))
            .collect();
        let flags: Vec<_> = page
            .fields
            .iter()
            .filter(|f| strip(&f.ty).0 == RType::Bool)
            .collect();
        let ([items], [has_more]) = (arrays.as_slice(), flags.as_slice()) else {
            continue;
        };
        let cursor = operation.params.iter().find(|p| {
            p.location == Location::Query
                && !p.required
                && page
                    .fields
                    .iter()
                    .any(|f| f.wire_name == p.wire_name && strip(&f.ty).0 == p.ty)
        });
        let Some(cursor) = cursor else { continue };
        if !matches!(cursor.ty, RType::String | RType::I32 | RType::I64) {
            continue;
        }
        let Some(cursor_field) = page.fields.iter().find(|f| f.wire_name == cursor.wire_name)
        else {
            continue;
        };
        let (items_ty, items_optional) = strip(&items.ty);
        let RType::Vec(item) = items_ty else { continue };
        operation.pagination = Some(Pagination {
            cursor_param: cursor.rust_name.clone(),
            cursor_is_text: cursor.ty == RType::String,
            item: (*item).clone(),
        });
        pages.entry(name.clone()).or_insert_with(|| Page {
            items_field: items.rust_name.clone(),
            items_optional,
            item: *item,
            has_more_field: has_more.rust_name.clone(),
            has_more_optional: strip(&has_more.ty).1,
            cursor_field: cursor_field.rust_name.clone(),
            cursor_optional: strip(&cursor_field.ty).1,
            cursor_is_text: cursor.ty == RType::String,
        });
    }
    pages
}

#[cfg(test)]
mod tests {
    use crate::model::{Body, Input, InputSource, InputType, OperationDef, RType};
    use serde_json::{Value, json};

    fn operation(path: Value) -> OperationDef {
        let spec = crate::Spec::from_value(json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/pets/{id}": path}
        }))
        .unwrap();
        let model = crate::lower(&spec, crate::Surface::Client).unwrap();
        model.api.groups[0].operations[0].clone()
    }

    fn summary(input: &Input) -> (&str, InputSource, &InputType, bool) {
        (&input.rust_name, input.source, &input.ty, input.required)
    }

    #[test]
    fn inputs_are_the_parameters_then_the_body_with_multipart_parts_flattened() {
        let upload = operation(json!({"post": {
            "parameters": [
                {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}},
                {"name": "note", "in": "query", "schema": {"type": "string"}}
            ],
            "requestBody": {"content": {
                "application/xml": {"schema": {"type": "object"}},
                "multipart/form-data": {"schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "body": {"type": "integer"}
                    }
                }}
            }},
            "responses": {"204": {"description": "done"}}
        }}));
        let inputs: Vec<_> = upload.inputs.iter().map(summary).collect();
        assert_eq!(
            inputs,
            [
                (
                    "id",
                    InputSource::Param(0),
                    &InputType::Value(RType::I64),
                    true
                ),
                (
                    "note",
                    InputSource::Param(1),
                    &InputType::Value(RType::String),
                    false
                ),
                (
                    "file",
                    InputSource::Part(0),
                    &InputType::Value(RType::File),
                    true
                ),
                // `body` is reserved for a body sent whole.
                (
                    "body2",
                    InputSource::Part(1),
                    &InputType::Value(RType::I64),
                    false
                ),
            ]
        );
        assert_eq!(upload.body.unwrap().media_type(), "multipart/form-data");
    }

    #[test]
    fn a_body_sent_whole_is_one_input_called_body_with_its_chosen_media_type() {
        let create = operation(json!({"put": {
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "requestBody": {"required": true, "content": {
                "text/plain": {"schema": {"type": "string"}},
                "application/vnd.pet+json; charset=utf-8": {"schema": {"type": "string"}}
            }},
            "responses": {"204": {"description": "done"}}
        }}));
        let body = create.inputs.last().map(summary);
        let serialized = InputType::Serialized(RType::String);
        assert_eq!(body, Some(("body", InputSource::Body, &serialized, true)));
        let media_type = create.body.as_ref().map(Body::media_type);
        assert_eq!(media_type, Some("application/vnd.pet+json; charset=utf-8"));
        let wildcard = operation(json!({"put": {
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "requestBody": {"content": {"image/*": {}}},
            "responses": {"204": {"description": "done"}}
        }}));
        let Some(Body::Binary {
            media_type,
            content_type,
            ..
        }) = &wildcard.body
        else {
            panic!("{:?}", wildcard.body)
        };
        assert_eq!(
            (media_type.as_str(), content_type.as_str()),
            ("image/*", "application/octet-stream")
        );
        assert_eq!(wildcard.inputs[1].ty, InputType::Bytes);
    }
}
