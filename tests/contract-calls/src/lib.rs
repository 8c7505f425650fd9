//! Contract-test calls: for every operation, Rust code that calls it through the generated
//! client with valid arguments, and decoders from (operation, status) to the generated types.
//!
//! The contract tests of the workspace (`tests/tests/contract_*.rs`) run these calls against a
//! spec-validating mock server; the calls are generated rather than written by hand because
//! there is one per operation, and because the arguments must follow the spec.
//!
//! Argument values come from the spec where it has them (parameter `example`, media-type
//! `example`) and otherwise from [`sample`], the sampler the example tests use too, for a
//! request: required properties only (or every property, for the "all inputs" variant of a
//! call), and an example the spec gives only if it fits its own schema (`Sampler::fits`): specs
//! carry examples that do not (a number for a string, a date-time with a zone name), and a
//! contract call has to send valid requests.
//!
//! The `workspace-tests` crate writes the file at build time (`tests/build.rs`) and its tests
//! `include!` it: it names that crate's support module as `workspace_tests::contract` (see
//! `tests/src/contract.rs`).

use std::collections::BTreeSet;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;
use serde_json::Value;

use codegen::model::{
    Api, Body, Input as ModelInput, InputSource, InputType, Location, OperationDef, Param, RType,
    StatusBody, Success, TypeDef,
};
use codegen::{Error, Spec};

pub mod sample;

use sample::{Purpose, Sampler};

/// Generates the contract calls for `spec`'s client crate, called `crate_name`, its types
/// named as `names` says.
///
/// The result defines `OPERATIONS` (one `workspace_tests::contract::Operation` per operation,
/// in spec order: id, method, path, documented statuses, a function that performs the call and
/// one that decodes a response body of a given status into the generated type), `ENUMS` (every
/// generated enum with its wire values) and `decode_component` (component schema key -> decode
/// into its generated type).
pub fn generate(
    spec: &Spec,
    crate_name: &str,
    names: &codegen::NameSettings,
) -> Result<String, Error> {
    let api = spec.openapi();
    let lowered = codegen::lower_named(spec, codegen::Surface::Client, names)?;
    let model = &lowered.api;
    let refs = spec.resolver();
    let document = refs.document();
    let sampler = Sampler::new(refs);
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
    let header = format!(
        "// Contract-test calls for the `{crate_name}` crate, from {} {}, written by\n\
         // workspace-tests' build script (tests/build.rs) for its contract and example tests.\n",
        info.title, info.version
    );
    codegen::format_file(&header, tokens, "#/paths")
}

/// The calls of `crate_name` when its spec is not there: no operations, no enums, no
/// components. The tests that use them read the spec too, and fail saying how to fetch it.
pub fn without_spec(crate_name: &str) -> String {
    let crate_ident = ident(&crate_name.replace('-', "_"));
    let tokens = quote! {
        use #crate_ident::runtime as rt;
        use workspace_tests::contract as harness;

        /// No operations: the spec was not fetched.
        pub static OPERATIONS: [harness::Operation<#crate_ident::Client>; 0] = [];

        /// No enums: the spec was not fetched.
        pub static ENUMS: [harness::EnumCheck; 0] = [];

        /// Nothing to decode: the spec was not fetched.
        pub fn decode_component(_key: &str, _body: &[u8]) -> Option<Result<rt::serde_json::Value, rt::DecodeError>> {
            None
        }
    };
    let header =
        format!("// Contract-test calls for the `{crate_name}` crate: its spec is not fetched.\n");
    codegen::format_file(&header, tokens, "#/paths")
        .unwrap_or_else(|_| format!("{header}compile_error!(\"no contract calls\");\n"))
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

/// The JSON media type of a request body or response, if it has one.
fn json_media(holder: &Value) -> Option<&Value> {
    media_where(holder, codegen::is_json_media_type)
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
    let body = sampler
        .refs()
        .resolve(operation.get("requestBody")?)
        .value?;
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
        .and_then(|s| sampler.refs().resolve(s).value)
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
        .refs()
        .document()
        .pointer(&format!("{}/parameters", &item_pointer[1..]));
    [operation.get("parameters"), path_level]
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(|parameter| sampler.refs().resolve(parameter).value)
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
        .chain(named.filter_map(|(_, e)| sampler.refs().resolve(e).value?.get("value")));
    candidates
        .find(|&example| sampler.fits(schema, example))
        .cloned()
}

fn sampled(sampler: &Sampler<'_>, schema: &Value) -> InputValue {
    let required_only = sampler.sample(schema, Purpose::RequiredInputs);
    let all = sampler.sample(schema, Purpose::AllInputs);
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

#[cfg(test)]
mod tests {
    use super::*;

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
