//! Contract-test calls: for every operation, Rust code that calls it through the generated
//! client with valid arguments, and decoders from (operation, status) to the generated types.
//!
//! The contract tests of the workspace (`tests/tests/contract_*.rs`) run these calls against a
//! spec-validating mock server; the calls are generated rather than written by hand because
//! there is one per operation, and because the arguments must follow the spec.
//!
//! Argument values come from the spec where it has them (parameter `example`, media-type
//! `example`, schema `example`, schema `default`) and are synthesised from the schema otherwise:
//! required properties only (or every property, for the "all inputs" variant of a call), the
//! first enum value, fixed values for the common formats, numbers inside `minimum`/`maximum`.
//! An example the spec gives is used only if it fits its own schema (`Sampler::fits`): specs
//! carry examples that do not (a number for a string, a date-time with a zone name), and a
//! contract call has to send valid requests.
//!
//! The emitted file is meant to be `include!`d by the `workspace-tests` crate: it names that
//! crate's support module as `workspace_tests::contract` (see `tests/src/contract.rs`).

use std::collections::BTreeSet;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;
use serde_json::{Map, Value};

use codegen::model::{
    Api, Body, Input as ModelInput, InputSource, InputType, Location, OperationDef, Param, RType,
    StatusBody, Success, TypeDef,
};
use codegen::{Error, Resolved, Resolver, Spec};

/// Where the contract calls of a generated crate live, relative to the crate's folder.
///
/// Cargo does not build `tests/contract/calls.rs` as a test of the crate (only `tests/*.rs`
/// and `tests/*/main.rs` are targets); the workspace's contract tests `include!` it.
pub const CONTRACT_CALLS_PATH: &str = "tests/contract/calls.rs";

/// Generates the contract calls for `spec`'s client crate, called `crate_name`.
///
/// The result defines `OPERATIONS` (one `workspace_tests::contract::Operation` per operation,
/// in spec order: id, method, path, documented statuses, a function that performs the call and
/// one that decodes a response body of a given status into the generated type), `ENUMS` (every
/// generated enum with its wire values) and `decode_component` (component schema key -> decode
/// into its generated type).
pub fn generate(spec: &Spec, crate_name: &str) -> Result<String, Error> {
    let api = spec.openapi();
    let lowered = codegen::lower(spec, codegen::Surface::Client)?;
    let model = &lowered.api;
    let refs = spec.resolver();
    let document = refs.document();
    let sampler = Sampler { refs };
    let crate_ident = ident(&crate_name.replace('-', "_"));

    let mut entries = Vec::new();
    let mut functions = Vec::new();
    for group in &model.groups {
        for op in &group.operations {
            let operation = operation_json(document, op)?;
            let call = call_function(&sampler, &crate_ident, &group.accessor, op, operation)?;
            let decode = decode_function(model, op, operation);
            let id = &op.id;
            let method = &op.http_method;
            let path = &op.path;
            let call_name = ident(&format!("call_{}", op.static_name.to_lowercase()));
            let decode_name = ident(&format!("decode_{}", op.static_name.to_lowercase()));
            let statuses = documented_statuses(operation)
                .into_iter()
                .map(Literal::u16_unsuffixed);
            entries.push(quote! {
                harness::Operation {
                    id: #id,
                    method: #method,
                    path: #path,
                    statuses: &[#(#statuses),*],
                    call: #call_name,
                    decode: #decode_name,
                },
            });
            functions.push(call);
            functions.push(decode);
        }
    }
    let components = lowered.components.iter().map(|(key, name)| {
        let name = ident(name);
        quote! { #key => Some(harness::round_trip::<models::#name>(body)), }
    });
    let count = Literal::usize_unsuffixed(entries.len());
    let enums: Vec<TokenStream> = lowered
        .types
        .values()
        .filter_map(|def| match def {
            TypeDef::Enum(e) => Some(e),
            _ => None,
        })
        .map(|e| {
            let name = &e.name;
            let ty = ident(&e.name);
            let fallback = ident(&e.fallback);
            let values = e.variants.iter().map(|v| &v.wire);
            quote! {
                harness::EnumCheck {
                    name: #name,
                    values: &[#(#values),*],
                    decode: |wire| harness::enum_value::<models::#ty>(wire, |v| matches!(v, models::#ty::#fallback(_))),
                },
            }
        })
        .collect();
    let enum_count = Literal::usize_unsuffixed(enums.len());
    let tokens = quote! {
        use #crate_ident::models;
        use #crate_ident::runtime as rt;
        use workspace_tests::contract as harness;

        /// Every operation of the API, in the order of the spec.
        pub static OPERATIONS: [harness::Operation<#crate_ident::Client>; #count] = [#(#entries)*];

        /// Every generated enum with its wire values, to check that each value decodes to its
        /// own variant (not the unknown-value fallback) and encodes back unchanged.
        #[allow(deprecated)]
        pub static ENUMS: [harness::EnumCheck; #enum_count] = [#(#enums)*];

        /// Decodes `body` into the generated type of the component schema `key` and serialises
        /// it back; `None` for an unknown key.
        #[allow(deprecated)]
        pub fn decode_component(key: &str, body: &[u8]) -> Option<Result<rt::serde_json::Value, rt::DecodeError>> {
            match key {
                #(#components)*
                _ => None,
            }
        }

        #(#functions)*
    };
    let info = &api.info;
    let mut header = format!(
        "// Generated by `cargo xtask regenerate` from {} {}; do not edit by hand.\n",
        info.title, info.version
    );
    header.push_str(&format!(
        "//\n// Contract-test calls for the `{}` crate, `include!`d by the workspace's contract tests\n\
         // (workspace-tests, tests/tests/contract_*.rs); cargo does not build this file on its own.\n",
        crate_name
    ));
    codegen::format_file(&header, tokens, "#/paths")
}

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// `name` as a Rust raw string literal (`r#"..."#`), so that embedded JSON stays readable.
fn raw_string(text: &str) -> Literal {
    let mut hashes = "#".to_owned();
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{text}\"{hashes}")
        .parse()
        .unwrap_or_else(|_| Literal::string(text))
}

/// `#/a/b` from segments, escaped as JSON pointers require (`~` -> `~0`, `/` -> `~1`).
fn json_pointer(segments: &[&str]) -> String {
    let escaped = segments
        .iter()
        .map(|segment| segment.replace('~', "~0").replace('/', "~1"));
    std::iter::once("#".to_owned())
        .chain(escaped)
        .collect::<Vec<_>>()
        .join("/")
}

fn json_text(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// The operation object in the (normalised) document.
fn operation_json<'d>(document: &'d Value, op: &OperationDef) -> Result<&'d Value, Error> {
    let pointer = json_pointer(&["paths", &op.path, &op.http_method.to_lowercase()]);
    document
        .pointer(&pointer[1..])
        .ok_or_else(|| Error::Invalid {
            pointer,
            message: "operation not found again in the document (generator bug)".to_owned(),
        })
}

/// The explicit numeric statuses the operation documents (`4XX` and `default` are left out:
/// they name no status a mock server can be asked for).
fn documented_statuses(operation: &Value) -> Vec<u16> {
    let responses = operation.get("responses").and_then(Value::as_object);
    responses
        .into_iter()
        .flatten()
        .filter_map(|(status, _)| status.parse().ok())
        .collect()
}

fn is_json(media_type: &str) -> bool {
    // The same rule as `operations::is_json`: `*/*` is how some generated specs say "JSON".
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    essence == "application/json"
        || essence.ends_with("+json")
        || essence == "*/*"
        || essence == "application/*"
}

/// The JSON media type of a request body or response, if it has one.
fn json_media(holder: &Value) -> Option<&Value> {
    media_where(holder, is_json)
}

/// The first media type of a body or response whose name passes `wanted`.
fn media_where(holder: &Value, wanted: impl Fn(&str) -> bool) -> Option<&Value> {
    holder
        .get("content")?
        .as_object()?
        .iter()
        .find(|(media, _)| wanted(media))
        .map(|(_, media)| media)
}

// ---------------------------------------------------------------------------------------------
// The call

/// One input of the generated method: a required argument or an optional setter.
struct Input {
    /// Local variable (and, for setters, the setter's name is `setter`).
    local: Ident,
    setter: Ident,
    wire_name: String,
    ty: TokenStream,
    required: bool,
    value: InputValue,
}

enum InputValue {
    /// JSON text deserialised into the input's type; (required-only variant, all-inputs variant).
    Json(String, String),
    /// A small file for a `format: binary` multipart part.
    File,
    /// A few bytes for a binary body.
    Bytes,
    /// No valid value could be built; the reason is reported by the call.
    Unavailable(String),
}

fn call_function(
    sampler: &Sampler<'_>,
    crate_ident: &Ident,
    accessor: &str,
    op: &OperationDef,
    operation: &Value,
) -> Result<TokenStream, Error> {
    let inputs = call_inputs(sampler, op, operation);
    let declarations = inputs.iter().map(declaration);
    let arguments = inputs.iter().filter(|i| i.required).map(|i| {
        let local = &i.local;
        quote!(#local)
    });
    let setters: Vec<TokenStream> = inputs
        .iter()
        .filter(|i| !i.required)
        .map(|i| {
            let local = &i.local;
            // The `Option` setter: inputs sampled as absent stay unset.
            let setter = ident(&format!(
                "set_{}",
                i.setter.to_string().trim_start_matches("r#")
            ));
            quote! { request = request.#setter(#local); }
        })
        .collect();
    let accessor = ident(accessor);
    let method = ident(&op.method_name);
    let request = if setters.is_empty() {
        quote! { let request = client.#accessor().#method(#(#arguments),*); }
    } else {
        quote! {
            let mut request = client.#accessor().#method(#(#arguments),*);
            #(#setters)*
        }
    };
    let name = ident(&op.static_name.to_lowercase());
    let call_name = ident(&format!("call_{}", op.static_name.to_lowercase()));
    let doc = format!(" `{}`: `{} {}`.", op.id, op.http_method, op.path);
    // Operations whose inputs are the same in both variants do not look at `inputs`.
    let uses_inputs = inputs.iter().any(|i| {
        !i.required && !matches!(i.value, InputValue::Unavailable(_))
            || matches!(&i.value, InputValue::Json(required_only, all) if required_only != all)
    });
    let inputs_name = if uses_inputs {
        ident("inputs")
    } else {
        ident("_inputs")
    };
    Ok(quote! {
        #[doc = #doc]
        #[allow(deprecated)]
        async fn #name(client: &#crate_ident::Client, #inputs_name: harness::Inputs) -> Result<harness::Outcome, harness::Outcome> {
            #(#declarations)*
            #request
            Ok(harness::outcome(request.await))
        }

        fn #call_name(client: &#crate_ident::Client, inputs: harness::Inputs) -> harness::Call<'_> {
            Box::pin(#name(client, inputs))
        }
    })
}

/// Every input of the call ([`OperationDef::inputs`]), with the value the spec gives or allows
/// for it.
fn call_inputs(sampler: &Sampler<'_>, op: &OperationDef, operation: &Value) -> Vec<Input> {
    let reserved = ["client", "inputs", "request"];
    let local = |name: &str| {
        if reserved.contains(&name) {
            ident(&format!("{name}_value"))
        } else {
            ident(name)
        }
    };
    op.inputs
        .iter()
        .map(|input| {
            let (wire_name, value) = match input.source {
                InputSource::Param(index) => {
                    let param = &op.params[index];
                    (
                        param.wire_name.clone(),
                        param_input(sampler, op, operation, param),
                    )
                }
                InputSource::Body => ("body".to_owned(), body_input(sampler, op, operation, input)),
                InputSource::Part(index) => part_input(sampler, op, operation, index),
            };
            Input {
                local: local(&input.rust_name),
                setter: ident(&input.rust_name),
                wire_name,
                ty: match &input.ty {
                    InputType::Value(ty) | InputType::Serialized(ty) => ty.path_tokens(),
                    InputType::Bytes => quote!(rt::bytes::Bytes),
                },
                required: input.required,
                value,
            }
        })
        .collect()
}

/// The value of a parameter: its example, or one sampled from its schema.
fn param_input(
    sampler: &Sampler<'_>,
    op: &OperationDef,
    operation: &Value,
    param: &Param,
) -> InputValue {
    match find_parameter(sampler, op, operation, &param.wire_name, param.location) {
        // A mock server that validates requests warns about a deprecated parameter, and
        // a client should not need one: deprecated optional inputs are left unset.
        Some(_) if param.deprecated && !param.required => {
            InputValue::Unavailable("deprecated".into())
        }
        Some(parameter) => parameter_value(sampler, parameter),
        None => InputValue::Unavailable(format!(
            "parameter `{}` not found in the document",
            param.wire_name
        )),
    }
}

/// The media type object the model chose for the request body.
fn body_media<'d>(
    sampler: &Sampler<'d>,
    op: &OperationDef,
    operation: &'d Value,
) -> Option<&'d Value> {
    let media_type = op.body.as_ref()?.media_type();
    let body = sampler.refs.resolve(operation.get("requestBody")?).value?;
    body.get("content")?.get(media_type)
}

/// The value of a body sent whole: bytes, or the media type's example, or one sampled from
/// its schema.
fn body_input(
    sampler: &Sampler<'_>,
    op: &OperationDef,
    operation: &Value,
    input: &ModelInput,
) -> InputValue {
    if input.ty == InputType::Bytes {
        return InputValue::Bytes;
    }
    match body_media(sampler, op, operation) {
        Some(media) => media_value(sampler, media),
        None => InputValue::Unavailable("request body media type not found in the document".into()),
    }
}

/// The wire name and value of a multipart part: a file, or one sampled from its schema.
fn part_input(
    sampler: &Sampler<'_>,
    op: &OperationDef,
    operation: &Value,
    index: usize,
) -> (String, InputValue) {
    let Some(Body::Multipart { parts, .. }) = &op.body else {
        return (
            String::new(),
            InputValue::Unavailable("no multipart body".into()),
        );
    };
    let part = &parts[index];
    let schema = body_media(sampler, op, operation).and_then(|media| media.get("schema"));
    let property = schema
        .and_then(|s| sampler.refs.resolve(s).value)
        .and_then(|s| s.get("properties")?.get(&part.wire_name));
    let value = match (&part.ty, property) {
        (RType::File, _) => InputValue::File,
        (_, Some(property)) => sampled(sampler, property),
        (_, None) => {
            InputValue::Unavailable(format!("multipart part `{}` has no schema", part.wire_name))
        }
    };
    (part.wire_name.clone(), value)
}

/// `let <local>: <type> = <value>;` for one input (`Option` for an optional one).
fn declaration(input: &Input) -> TokenStream {
    let Input {
        local,
        ty,
        wire_name,
        ..
    } = input;
    let value = match &input.value {
        InputValue::Json(required_only, all) if required_only == all => {
            let text = raw_string(required_only);
            quote!(harness::value(#wire_name, #text)?)
        }
        InputValue::Json(required_only, all) => {
            let (required_only, all) = (raw_string(required_only), raw_string(all));
            quote!(harness::value(#wire_name, inputs.pick(#required_only, #all))?)
        }
        InputValue::File => quote!(harness::file_part(#wire_name)),
        InputValue::Bytes => quote!(harness::body_bytes()),
        InputValue::Unavailable(reason) => {
            quote!(return Err(harness::unavailable(#wire_name, #reason)))
        }
    };
    if input.required {
        quote! { let #local: #ty = #value; }
    } else if let InputValue::Unavailable(_) = input.value {
        // An optional input without a valid value is simply not set.
        quote! { let #local: Option<#ty> = None; }
    } else {
        quote! { let #local: Option<#ty> = if inputs.all() { Some(#value) } else { None }; }
    }
}

/// The parameter object named `name` in `location`, operation-level first (as the generator
/// resolves them).
fn find_parameter<'d>(
    sampler: &Sampler<'d>,
    op: &OperationDef,
    operation: &'d Value,
    name: &str,
    location: Location,
) -> Option<&'d Value> {
    let location = match location {
        Location::Path => "path",
        Location::Query => "query",
        Location::Header => "header",
    };
    let item_pointer = json_pointer(&["paths", &op.path]);
    let path_level = sampler
        .refs
        .document()
        .pointer(&format!("{}/parameters", &item_pointer[1..]));
    [operation.get("parameters"), path_level]
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(|parameter| sampler.refs.resolve(parameter).value)
        .find(|parameter| {
            parameter.get("name").and_then(Value::as_str) == Some(name)
                && parameter.get("in").and_then(Value::as_str) == Some(location)
        })
}

fn parameter_value(sampler: &Sampler<'_>, parameter: &Value) -> InputValue {
    let Some(schema) = parameter.get("schema") else {
        return InputValue::Unavailable("parameter without a schema".into());
    };
    if let Some(example) = given_example(sampler, parameter, schema) {
        let text = json_text(&example);
        return InputValue::Json(text.clone(), text);
    }
    sampled(sampler, schema)
}

fn media_value(sampler: &Sampler<'_>, media: &Value) -> InputValue {
    let Some(schema) = media.get("schema") else {
        return InputValue::Json("{}".into(), "{}".into());
    };
    if let Some(example) = given_example(sampler, media, schema) {
        let text = json_text(&example);
        return InputValue::Json(text.clone(), text);
    }
    sampled(sampler, schema)
}

/// The `example` (or first of `examples`) of a parameter or media type, if it fits `schema`.
fn given_example(sampler: &Sampler<'_>, holder: &Value, schema: &Value) -> Option<Value> {
    let named = holder
        .get("examples")
        .and_then(Value::as_object)
        .into_iter()
        .flatten();
    let mut candidates = holder
        .get("example")
        .into_iter()
        .chain(named.filter_map(|(_, e)| sampler.refs.resolve(e).value?.get("value")));
    candidates
        .find(|&example| sampler.fits(schema, example))
        .cloned()
}

fn sampled(sampler: &Sampler<'_>, schema: &Value) -> InputValue {
    let required_only = sampler.sample(schema, Fill::Required, &mut Vec::new());
    let all = sampler.sample(schema, Fill::All, &mut Vec::new());
    match (required_only, all) {
        (Some(required_only), Some(all)) => {
            InputValue::Json(json_text(&required_only), json_text(&all))
        }
        (Some(value), None) | (None, Some(value)) => {
            let text = json_text(&value);
            InputValue::Json(text.clone(), text)
        }
        (None, None) => InputValue::Unavailable(
            "no valid value can be built from the schema (recursive or contradictory)".into(),
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Decoding

/// `decode_<op>(status, body)`: the body of a documented status decoded into the type the
/// client decodes it into (the success type for 2xx, the error body type otherwise).
fn decode_function(model: &Api, op: &OperationDef, operation: &Value) -> TokenStream {
    let mut arms = Vec::new();
    if let Success::Json(ty) = &op.success {
        let responses = operation.get("responses").and_then(Value::as_object);
        let success: Vec<&String> = responses
            .into_iter()
            .flatten()
            .filter(|(status, response)| status.starts_with('2') && json_media(response).is_some())
            .map(|(status, _)| status)
            .collect();
        if !success.is_empty() {
            let ty = ty.path_tokens();
            arms.push(quote! { #(#success)|* => Some(harness::round_trip::<#ty>(body)), });
        }
    }
    if let Success::Several { statuses, .. } = &op.success {
        // Each status has its own body type.
        for status in statuses {
            if let StatusBody::Json(ty) = &status.body {
                let code = &status.status;
                let ty = ty.path_tokens();
                arms.push(quote! { #code => Some(harness::round_trip::<#ty>(body)), });
            }
        }
    }
    let error_body = op
        .error
        .as_ref()
        .and_then(|name| model.error_bodies.iter().find(|b| &b.name == name));
    let mut seen = BTreeSet::new();
    for status in error_body.into_iter().flat_map(|b| &b.statuses) {
        if let Some(ty) = &status.body {
            if seen.insert(status.status.clone()) {
                let code = &status.status;
                let ty = ty.path_tokens();
                arms.push(quote! { #code => Some(harness::round_trip::<#ty>(body)), });
            }
        }
    }
    let name = ident(&format!("decode_{}", op.static_name.to_lowercase()));
    let (status, body) = if arms.is_empty() {
        (quote!(_status), quote!(_body))
    } else {
        (quote!(status), quote!(body))
    };
    let decode = if arms.is_empty() {
        quote!(None)
    } else {
        quote! {
            match #status {
                #(#arms)*
                _ => None,
            }
        }
    };
    quote! {
        #[allow(deprecated)]
        fn #name(#status: &str, #body: &[u8]) -> Option<Result<rt::serde_json::Value, rt::DecodeError>> {
            #decode
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Values from schemas

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fill {
    /// Required properties only: the smallest valid request.
    Required,
    /// Every property: exercises the serialisation of every optional field.
    All,
}

/// Builds and checks JSON values against the schemas of the (normalised, 3.0-style) document.
struct Sampler<'d> {
    refs: Resolver<'d>,
}

/// How deep values are built; recursive schemas stop earlier, at their first repetition.
const MAX_DEPTH: usize = 12;

impl<'d> Sampler<'d> {
    /// Follows `$ref`s (to any part of the document); returns the target and the last
    /// reference followed.
    fn resolve<'v>(&self, value: &'v Value) -> (Option<&'v Value>, Option<&'v str>)
    where
        'd: 'v,
    {
        let Resolved { value, reference } = self.refs.resolve(value);
        (value, reference)
    }

    /// A valid value for `schema`, or `None` when none can be built (a required property that
    /// recurses into itself).
    fn sample(&self, schema: &'d Value, fill: Fill, stack: &mut Vec<&'d str>) -> Option<Value> {
        let (schema, reference) = self.resolve(schema);
        let schema = schema?;
        if let Some(reference) = reference {
            if stack.contains(&reference) || stack.len() >= MAX_DEPTH {
                return None;
            }
            stack.push(reference);
            let value = self.sample_resolved(schema, fill, stack);
            stack.pop();
            return value;
        }
        if stack.len() >= MAX_DEPTH {
            return None;
        }
        self.sample_resolved(schema, fill, stack)
    }

    fn sample_resolved(
        &self,
        schema: &'d Value,
        fill: Fill,
        stack: &mut Vec<&'d str>,
    ) -> Option<Value> {
        for key in ["example", "default"] {
            if let Some(given) = schema.get(key) {
                if self.fits(schema, given) {
                    return Some(given.clone());
                }
            }
        }
        if let Some(first) = schema
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|e| e.iter().find(|v| !v.is_null()))
        {
            return Some(first.clone());
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            let mut merged = Map::new();
            let mut other = None;
            for part in parts {
                match self.sample(part, fill, stack)? {
                    Value::Object(object) => merged.extend(object),
                    value => other = Some(value),
                }
            }
            if let Value::Object(own) = self.sample_object(schema, fill, stack)? {
                merged.extend(own);
            }
            return Some(match other {
                Some(value) if merged.is_empty() => value,
                _ => Value::Object(merged),
            });
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(alternatives) = schema.get(key).and_then(Value::as_array) {
                return alternatives
                    .iter()
                    .find_map(|alternative| self.sample(alternative, fill, stack));
            }
        }
        match schema_type(schema) {
            Some("string") => Some(Value::String(sample_string(schema))),
            Some("integer") => Some(sample_number(schema, true)),
            Some("number") => Some(sample_number(schema, false)),
            Some("boolean") => Some(Value::Bool(true)),
            Some("array") => {
                let item = match schema.get("items") {
                    Some(items) => self.sample(items, fill, stack)?,
                    None => Value::String("string".into()),
                };
                let min = schema
                    .get("minItems")
                    .and_then(Value::as_u64)
                    .unwrap_or(1)
                    .max(1);
                let max = schema
                    .get("maxItems")
                    .and_then(Value::as_u64)
                    .unwrap_or(u64::MAX);
                let count = min.min(max);
                // `uniqueItems` with more than one item would need distinct values; one item is
                // valid for every schema that does not demand more.
                Some(Value::Array((0..count).map(|_| item.clone()).collect()))
            }
            Some("object") | None => self.sample_object(schema, fill, stack),
            Some(_) => None,
        }
    }

    /// The properties of an object schema: required ones, and with [`Fill::All`] every
    /// optional one that can be built (read-only ones are the server's, and are left out).
    fn sample_object(
        &self,
        schema: &'d Value,
        fill: Fill,
        stack: &mut Vec<&'d str>,
    ) -> Option<Value> {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let mut object = Map::new();
        for (name, property) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let is_required = required.contains(&name.as_str());
            if !is_required
                && (fill == Fill::Required
                    || self.flag(property, "readOnly")
                    || self.flag(property, "deprecated"))
            {
                continue;
            }
            match self.sample(property, fill, stack) {
                Some(value) => {
                    object.insert(name.clone(), value);
                }
                None if is_required => return None,
                None => {}
            }
        }
        Some(Value::Object(object))
    }

    fn flag(&self, schema: &'d Value, key: &str) -> bool {
        let resolved = self.resolve(schema).0;
        [Some(schema), resolved]
            .into_iter()
            .flatten()
            .any(|s| s.get(key) == Some(&Value::Bool(true)))
    }

    /// Whether `value` is valid for `schema`, for the keywords these specs use (types, formats,
    /// enums, bounds, lengths, required properties, `allOf`/`oneOf`/`anyOf`). Unknown formats
    /// and keywords are accepted, as validators do.
    fn fits(&self, schema: &Value, value: &Value) -> bool {
        self.fits_at(schema, value, 0)
    }

    fn fits_at(&self, schema: &Value, value: &Value, depth: usize) -> bool {
        let Some(schema) = self.resolve(schema).0 else {
            return false;
        };
        if depth > 32 {
            return true;
        }
        if value.is_null() {
            return schema.get("nullable") == Some(&Value::Bool(true))
                || schema
                    .get("enum")
                    .and_then(Value::as_array)
                    .is_some_and(|e| e.contains(&Value::Null));
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            if !values.contains(value) {
                return false;
            }
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            if !parts
                .iter()
                .all(|part| self.fits_at(part, value, depth + 1))
            {
                return false;
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(alternatives) = schema.get(key).and_then(Value::as_array) {
                if !alternatives
                    .iter()
                    .any(|alternative| self.fits_at(alternative, value, depth + 1))
                {
                    return false;
                }
            }
        }
        let number = |key: &str| schema.get(key).and_then(Value::as_f64);
        let exclusive = |key: &str| schema.get(key) == Some(&Value::Bool(true));
        match schema_type(schema) {
            Some("string") => {
                let Some(text) = value.as_str() else {
                    return false;
                };
                let length = text.chars().count() as u64;
                let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0);
                let max = schema
                    .get("maxLength")
                    .and_then(Value::as_u64)
                    .unwrap_or(u64::MAX);
                (min..=max).contains(&length)
                    && format_fits(schema.get("format").and_then(Value::as_str), text)
            }
            Some(kind @ ("integer" | "number")) => {
                let Some(n) = value.as_f64() else {
                    return false;
                };
                if kind == "integer" && !(value.is_i64() || value.is_u64()) {
                    return false;
                }
                let above = number("minimum").is_none_or(|min| {
                    if exclusive("exclusiveMinimum") {
                        n > min
                    } else {
                        n >= min
                    }
                });
                let below = number("maximum").is_none_or(|max| {
                    if exclusive("exclusiveMaximum") {
                        n < max
                    } else {
                        n <= max
                    }
                });
                above && below
            }
            Some("boolean") => value.is_boolean(),
            Some("array") => {
                let Some(items) = value.as_array() else {
                    return false;
                };
                let count = items.len() as u64;
                let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
                let max = schema
                    .get("maxItems")
                    .and_then(Value::as_u64)
                    .unwrap_or(u64::MAX);
                (min..=max).contains(&count)
                    && schema
                        .get("items")
                        .is_none_or(|item| items.iter().all(|v| self.fits_at(item, v, depth + 1)))
            }
            Some("object") => value.is_object() && self.object_fits(schema, value, depth),
            None if value.is_object() => self.object_fits(schema, value, depth),
            None => schema.get("properties").is_none(),
            Some(_) => false,
        }
    }

    fn object_fits(&self, schema: &Value, value: &Value, depth: usize) -> bool {
        let Some(object) = value.as_object() else {
            return false;
        };
        let required = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str);
        if !required.into_iter().all(|name| object.contains_key(name)) {
            return false;
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
        object
            .iter()
            .all(|(name, v)| match properties.and_then(|p| p.get(name)) {
                Some(property) => self.fits_at(property, v, depth + 1),
                None => !closed,
            })
    }
}

/// The `type` of a schema; an untyped schema with `properties` or `items` is an object or an
/// array.
fn schema_type(schema: &Value) -> Option<&str> {
    match schema.get("type").and_then(Value::as_str) {
        Some(kind) => Some(kind),
        None if schema.get("properties").is_some()
            || schema.get("additionalProperties").is_some() =>
        {
            Some("object")
        }
        None if schema.get("items").is_some() => Some("array"),
        None => None,
    }
}

/// A string of the schema's format, padded or cut to its length bounds.
fn sample_string(schema: &Value) -> String {
    let format = schema
        .get("format")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let text = match format {
        "date" => "2024-01-15",
        "date-time" => "2024-01-15T10:00:00Z",
        "time" => "10:00:00",
        "uuid" => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "email" => "user@example.com",
        "uri" | "url" => "https://example.com/",
        "hostname" => "example.com",
        "ipv4" => "192.0.2.1",
        "byte" => "c3RyaW5n",
        // Non-standard but common formats named after the standard they follow.
        "ISO 3166-1" | "iso-3166-1" => "DE",
        "ISO 4217" | "iso-4217" => "EUR",
        "ISO 639-1" | "iso-639-1" => "de",
        _ => "string",
    };
    let mut text = text.to_owned();
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = schema
        .get("maxLength")
        .and_then(Value::as_u64)
        .map_or(usize::MAX, |m| m as usize);
    while text.chars().count() < min {
        text.push('x');
    }
    text.chars().take(max).collect()
}

/// 1, moved inside `minimum`/`maximum` (respecting exclusive bounds).
fn sample_number(schema: &Value, integer: bool) -> Value {
    let step = 1.0;
    let min = schema.get("minimum").and_then(Value::as_f64);
    let max = schema.get("maximum").and_then(Value::as_f64);
    let exclusive = |key: &str| schema.get(key) == Some(&Value::Bool(true));
    let mut n: f64 = 1.0;
    if let Some(min) = min {
        n = if exclusive("exclusiveMinimum") {
            min + step
        } else {
            min
        };
    }
    if let Some(max) = max {
        if n > max || (n == max && exclusive("exclusiveMaximum")) {
            n = if exclusive("exclusiveMaximum") {
                max - step
            } else {
                max
            };
        }
    }
    if integer {
        Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map_or(Value::from(1), Value::Number)
    }
}

/// The format checks a validator such as ajv-formats applies; other formats are not checked.
fn format_fits(format: Option<&str>, text: &str) -> bool {
    match format {
        Some("date") => is_date(text),
        Some("date-time") => {
            let Some((date, time)) = text.split_once(['T', 't', ' ']) else {
                return false;
            };
            is_date(date) && is_time(time, true)
        }
        Some("time") => is_time(text, false),
        Some("uuid") => {
            let groups: Vec<&str> = text.split('-').collect();
            groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
                && groups
                    .iter()
                    .all(|g| g.chars().all(|c| c.is_ascii_hexdigit()))
        }
        Some("email") => text
            .split_once('@')
            .is_some_and(|(user, host)| !user.is_empty() && host.contains('.')),
        _ => true,
    }
}

fn digits(text: &str, count: usize) -> Option<u32> {
    (text.len() == count && text.chars().all(|c| c.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// `YYYY-MM-DD` with a month and day that exist.
fn is_date(text: &str) -> bool {
    let mut parts = text.split('-');
    let (Some(year), Some(month), Some(day), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let (Some(year), Some(month), Some(day)) = (digits(year, 4), digits(month, 2), digits(day, 2))
    else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// `HH:MM:SS[.frac]` followed by `Z` or `±HH:MM` (required when `offset_required`, as RFC 3339
/// date-times demand).
fn is_time(text: &str, offset_required: bool) -> bool {
    let (clock, offset) = match text.find(['Z', 'z', '+', '-']) {
        Some(index) => text.split_at(index),
        None => (text, ""),
    };
    let clock = clock.split_once('.').map_or(clock, |(whole, fraction)| {
        if fraction.is_empty() || !fraction.chars().all(|c| c.is_ascii_digit()) {
            "invalid"
        } else {
            whole
        }
    });
    let mut fields = clock.split(':');
    let valid_clock = match (fields.next(), fields.next(), fields.next(), fields.next()) {
        (Some(h), Some(m), Some(s), None) => {
            digits(h, 2).is_some_and(|h| h < 24)
                && digits(m, 2).is_some_and(|m| m < 60)
                && digits(s, 2).is_some_and(|s| s <= 60)
        }
        _ => false,
    };
    let valid_offset = match offset {
        "" => !offset_required,
        "Z" | "z" => true,
        signed => signed[1..].split_once(':').is_some_and(|(h, m)| {
            digits(h, 2).is_some_and(|h| h < 24) && digits(m, 2).is_some_and(|m| m < 60)
        }),
    };
    valid_clock && valid_offset
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sampler(document: &Value) -> Sampler<'_> {
        Sampler {
            refs: Resolver::new(document),
        }
    }

    #[test]
    fn examples_that_break_their_schema_are_not_used() {
        let document = json!({"components": {"schemas": {"Address": {
            "type": "object",
            "required": ["houseNumber"],
            "properties": {
                "houseNumber": {"type": "string", "example": 89},
                "since": {"type": "string", "format": "date-time", "example": "2022-06-15T23:59:59.999+02:00[Europe/Berlin]"},
                "floor": {"type": "integer", "minimum": 3, "example": 7}
            }
        }}}});
        let s = sampler(&document);
        let reference = json!({"$ref": "#/components/schemas/Address"});
        let minimal = s
            .sample(&reference, Fill::Required, &mut Vec::new())
            .unwrap();
        assert_eq!(minimal, json!({"houseNumber": "string"}));
        let all = s.sample(&reference, Fill::All, &mut Vec::new()).unwrap();
        assert_eq!(
            all,
            json!({"houseNumber": "string", "since": "2024-01-15T10:00:00Z", "floor": 7})
        );
        assert!(s.fits(&reference, &all));
        assert!(!s.fits(&reference, &json!({"houseNumber": 89})));
    }

    #[test]
    fn recursion_stops_at_optional_properties_and_fails_required_ones() {
        let document = json!({"components": {"schemas": {
            "Node": {"type": "object", "properties": {"child": {"$ref": "#/components/schemas/Node"}, "name": {"type": "string"}}},
            "Loop": {"type": "object", "required": ["next"], "properties": {"next": {"$ref": "#/components/schemas/Loop"}}}
        }}});
        let s = sampler(&document);
        let node = s.sample(
            &json!({"$ref": "#/components/schemas/Node"}),
            Fill::All,
            &mut Vec::new(),
        );
        assert_eq!(node, Some(json!({"name": "string"})));
        assert_eq!(
            s.sample(
                &json!({"$ref": "#/components/schemas/Loop"}),
                Fill::All,
                &mut Vec::new()
            ),
            None
        );
    }

    #[test]
    fn numbers_strings_and_lists_respect_their_bounds() {
        let document = json!({});
        let s = sampler(&document);
        let bounded = json!({"type": "integer", "minimum": 10, "maximum": 100});
        assert_eq!(
            s.sample(&bounded, Fill::Required, &mut Vec::new()),
            Some(json!(10))
        );
        let below = json!({"type": "integer", "maximum": 0, "exclusiveMaximum": true});
        assert_eq!(
            s.sample(&below, Fill::Required, &mut Vec::new()),
            Some(json!(-1))
        );
        let short = json!({"type": "string", "minLength": 8, "maxLength": 9});
        assert_eq!(
            s.sample(&short, Fill::Required, &mut Vec::new()),
            Some(json!("stringxx"))
        );
        let list = json!({"type": "array", "items": {"type": "string", "enum": ["A", "B"]}, "minItems": 2});
        assert_eq!(
            s.sample(&list, Fill::Required, &mut Vec::new()),
            Some(json!(["A", "A"]))
        );
        let parameter_example = json!("FIRST_KEY&key=SECOND_KEY");
        assert!(!s.fits(
            &json!({"type": "array", "items": {"type": "string"}}),
            &parameter_example
        ));
    }

    #[test]
    fn formats() {
        assert!(format_fits(Some("date-time"), "2024-06-13T10:33:00Z"));
        assert!(format_fits(
            Some("date-time"),
            "2023-12-03T10:15:30.5+01:00"
        ));
        assert!(!format_fits(Some("date-time"), "2025-09-21T00:00:00"));
        assert!(!format_fits(
            Some("date-time"),
            "2022-06-15T23:59:59.999+02:00[Europe/Berlin]"
        ));
        assert!(format_fits(Some("date"), "2024-02-29"));
        assert!(!format_fits(Some("date"), "2023-02-29"));
        assert!(format_fits(Some("time"), "10:00:00"));
        assert!(format_fits(
            Some("uuid"),
            "3fa85f64-5717-4562-b3fc-2c963f66afa6"
        ));
        assert!(!format_fits(Some("uuid"), "not-a-uuid"));
        assert!(format_fits(Some("ISO 3166-1"), "anything"));
    }

    #[test]
    fn raw_strings_survive_quotes_and_hashes() {
        assert_eq!(
            raw_string(r#"{"a":"b"}"#).to_string(),
            r####"r#"{"a":"b"}"#"####
        );
        assert_eq!(
            raw_string(r##"{"a":"#"}"##).to_string(),
            r####"r##"{"a":"#"}"##"####
        );
    }
}
