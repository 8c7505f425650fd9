//! `src/api/<group>.rs`: a group's struct, and per operation its method, request builder and
//! success enum.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::docs::deprecated_attribute;
use super::status::{exact_codes, status_pattern};
use super::types::{Scope, ident, type_tokens};
use super::{CrateInfo, Piece, docs, join_pieces, unparse};
use crate::error::Error;
use crate::model::{
    Body, Group, InputType, Location, OperationDef, Param, Part, RType, StatusBody, Style,
    StyleName, Success,
};

/// How many operations' request builders make one [`Piece`] of a group's file.
const OPERATIONS_PER_PIECE: usize = 16;

const OPERATIONS_POINTER: &str = "#/paths";

/// A run of top-level items of `api/<group>.rs`. The file holds the group's struct and its
/// methods, then every operation's `rt::Operation` static, then every request builder, then
/// every enum of success responses.
pub(crate) enum GroupPiece<'g> {
    StructAndMethods,
    Statics,
    Builders(&'g [OperationDef]),
    SuccessEnums(&'g [OperationDef]),
}

/// The pieces of `group`'s file, in file order.
pub(crate) fn group_pieces(group: &Group) -> Vec<GroupPiece<'_>> {
    let mut pieces = vec![GroupPiece::StructAndMethods, GroupPiece::Statics];
    pieces.extend(
        group
            .operations
            .chunks(OPERATIONS_PER_PIECE)
            .map(GroupPiece::Builders),
    );
    pieces.extend(
        group
            .operations
            .chunks(OPERATIONS_PER_PIECE)
            .map(GroupPiece::SuccessEnums),
    );
    pieces
}

/// One of [`group_pieces`], rendered and formatted.
pub(crate) fn group_piece(group: &Group, piece: &GroupPiece<'_>) -> Result<Piece, Error> {
    let tokens = match piece {
        GroupPiece::StructAndMethods => {
            let name = ident(&group.struct_name);
            let doc = docs::attributes(&group.doc);
            let methods = group.operations.iter().map(operation_method);
            quote! {
                #doc
                #[derive(Debug, Clone, Copy)]
                pub struct #name<'a> {
                    client: &'a crate::Client,
                }

                impl<'a> #name<'a> {
                    pub(crate) fn new(client: &'a crate::Client) -> Self {
                        Self { client }
                    }

                    #(#methods)*
                }
            }
        }
        GroupPiece::Statics => {
            let statics = group.operations.iter().map(|op| {
                let static_name = ident(&op.static_name);
                let id = &op.id;
                let method = ident(&op.http_method);
                let path = &op.path;
                quote! {
                    static #static_name: rt::Operation = rt::Operation { id: #id, method: rt::Method::#method, path: #path };
                }
            });
            quote!(#(#statics)*)
        }
        GroupPiece::Builders(operations) => {
            let builders = operations
                .iter()
                .map(|op| request_builder(&group.struct_name, op));
            quote!(#(#builders)*)
        }
        GroupPiece::SuccessEnums(operations) => {
            let enums = operations
                .iter()
                .filter_map(|op| success_enum_tokens(&group.struct_name, op));
            quote!(#(#enums)*)
        }
    };
    Piece::items(tokens, OPERATIONS_POINTER)
}

/// `api/<group>.rs` from the pieces of [`group_pieces`], in order.
pub(crate) fn group_file(
    info: &CrateInfo,
    group: &Group,
    pieces: &[Piece],
) -> Result<String, Error> {
    let module_doc = format!(" Operations of the `{}` group.", group.struct_name);
    let models_import = (pieces.iter().any(|piece| piece.mentions_models)).then(|| {
        quote!(
            use crate::models;
        )
    });
    let start = quote! {
        #![doc = #module_doc]
        #models_import
    };
    Ok(join_pieces(
        info,
        unparse(start, OPERATIONS_POINTER)?,
        pieces,
    ))
}

/// How an input of type `ty` is held by the request builder and taken by its method or setter
/// (and by the mocks' constructors and setters, which take what the client method takes).
pub(crate) fn input_tokens(ty: &RType) -> (TokenStream, TokenStream, bool) {
    // (field type, argument type, argument needs `.into()`)
    match ty {
        RType::String => (quote!(String), quote!(impl Into<String>), true),
        RType::Named(_)
        | RType::Vec(_)
        | RType::Map(_)
        | RType::JsonObject
        | RType::Json
        | RType::OneOrMany(_) => {
            let t = type_tokens(ty, Scope::Elsewhere);
            (t.clone(), t, false)
        }
        other => {
            let t = type_tokens(other, Scope::Elsewhere);
            (t.clone(), t, false)
        }
    }
}

fn body_input(ty: &RType) -> (TokenStream, TokenStream) {
    // JSON bodies are taken by value: the request owns everything it sends, so it is `'static`
    // and can be spawned or stored (a caller who keeps the value clones it).
    let t = type_tokens(ty, Scope::Elsewhere);
    (t.clone(), t)
}

struct Input {
    name: Ident,
    field_ty: TokenStream,
    arg_ty: TokenStream,
    convert: bool,
    required: bool,
    doc: String,
    deprecated: bool,
}

/// The operation's inputs ([`OperationDef::inputs`]) as the request builder holds them and its
/// method or setters take them.
fn inputs(op: &OperationDef) -> Vec<Input> {
    op.inputs
        .iter()
        .map(|input| {
            let (field_ty, arg_ty, convert) = match &input.ty {
                InputType::Value(ty) => input_tokens(ty),
                InputType::Serialized(ty) => {
                    let (field_ty, arg_ty) = body_input(ty);
                    (field_ty, arg_ty, false)
                }
                InputType::Bytes => (
                    quote!(rt::bytes::Bytes),
                    quote!(impl Into<rt::bytes::Bytes>),
                    true,
                ),
            };
            Input {
                name: ident(&input.rust_name),
                field_ty,
                arg_ty,
                convert,
                required: input.required,
                doc: input.doc.clone(),
                deprecated: input.deprecated,
            }
        })
        .collect()
}

/// The success type as the operation's group module names it.
fn success_type(op: &OperationDef) -> TokenStream {
    match &op.success {
        Success::Json(ty) => type_tokens(ty, Scope::Elsewhere),
        Success::Empty => quote!(()),
        Success::Bytes | Success::Undocumented => quote!(rt::bytes::Bytes),
        // Defined in the same module, beside the request builder.
        Success::Several { name, .. } => {
            let name = ident(name);
            quote!(#name)
        }
    }
}

/// The `Accept` header of an operation with several success bodies: JSON first, anything else
/// (the bytes variants) after.
const ACCEPT_JSON_OR_ANY: &str = "application/json, */*;q=0.8";

/// The status-keyed enum of an operation whose success statuses carry different bodies, and its
/// `rt::SuccessBody` implementation (the response's status picks the variant).
fn success_enum_tokens(group: &str, op: &OperationDef) -> Option<TokenStream> {
    let Success::Several { name, statuses } = &op.success else {
        return None;
    };
    let name = ident(name);
    let variants = statuses.iter().map(|s| {
        let doc = docs::attributes(&format!("`{}`: {}", s.status, s.doc));
        let variant = ident(&s.variant);
        match &s.body {
            StatusBody::Json(ty) => {
                let ty = type_tokens(ty, Scope::Elsewhere);
                quote! { #doc #variant(#ty), }
            }
            StatusBody::Bytes => quote! { #doc #variant(rt::bytes::Bytes), },
            StatusBody::Empty => quote! { #doc #variant, },
        }
    });
    // Exact codes before ranges, as the spec intends.
    let mut ordered: Vec<_> = statuses.iter().collect();
    ordered.sort_by_key(|s| s.status.contains(['X', 'x']));
    let exact = exact_codes(statuses.iter().map(|s| s.status.as_str()));
    let arms = ordered.iter().map(|s| {
        let pattern = status_pattern(&s.status, &exact);
        let variant = ident(&s.variant);
        match &s.body {
            StatusBody::Json(_) => {
                quote!(#pattern => Some(rt::decode_json(body).map(Self::#variant)),)
            }
            StatusBody::Bytes => quote!(#pattern => Some(Ok(Self::#variant(body.clone()))),),
            StatusBody::Empty => quote!(#pattern => Some(Ok(Self::#variant)),),
        }
    });
    let accept = if statuses.iter().any(|s| s.body == StatusBody::Bytes) {
        ACCEPT_JSON_OR_ANY
    } else {
        "application/json"
    };
    let doc = docs::attributes(&format!(
        "What [`{group}::{method}`] returns on success: one variant per documented\n\
         success status, since their bodies differ. A 2xx status without a variant here is an\n\
         [`Error::UnexpectedStatus`](rt::Error::UnexpectedStatus).",
        method = op.method_name,
    ));
    Some(quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }

        impl rt::SuccessBody for #name {
            const ACCEPT: &'static str = #accept;

            fn from_status(status: rt::StatusCode, body: &rt::bytes::Bytes) -> Option<Result<Self, rt::DecodeError>> {
                match status.as_u16() {
                    #(#arms)*
                    _ => None,
                }
            }
        }
    })
}

fn result_type(op: &OperationDef) -> TokenStream {
    let success = success_type(op);
    let error = error_type(op);
    quote!(Result<#success, rt::Error<#error>>)
}

fn error_type(op: &OperationDef) -> TokenStream {
    match &op.error {
        Some(name) => {
            let name = ident(name);
            quote!(models::#name)
        }
        None => quote!(std::convert::Infallible),
    }
}

/// GET, HEAD and OPTIONS change nothing on the server (RFC 9110 "safe"), so the runtime retries
/// them after an ambiguous failure without being asked.
fn is_safe(method: &str) -> bool {
    matches!(method, "GET" | "HEAD" | "OPTIONS")
}

fn operation_method(op: &OperationDef) -> TokenStream {
    let method = ident(&op.method_name);
    let builder = ident(&op.builder_name);
    let mut doc = op.doc.clone();
    let described: Vec<String> = inputs(op)
        .iter()
        .filter(|i| i.required && !i.doc.is_empty())
        .map(|i| {
            format!(
                "- `{}`: {}",
                i.name,
                i.doc
                    .split("\n\n")
                    .next()
                    .unwrap_or_default()
                    .replace('\n', " ")
            )
        })
        .collect();
    if !described.is_empty() {
        doc.push_str("\n\n# Arguments\n\n");
        doc.push_str(&described.join("\n"));
    }
    let optional: Vec<String> = inputs(op)
        .iter()
        .filter(|i| !i.required)
        .map(|i| format!("`{}`", i.name))
        .collect();
    if !optional.is_empty() {
        doc.push_str(&format!(
            "\n\nOptional inputs are set on the returned request: {}.",
            optional.join(", ")
        ));
    }
    if op.success == Success::Undocumented {
        doc.push_str(&format!(
            "\n\n# Response\n\n\
             The document describes no response, so the raw response is returned: awaiting\n\
             the request gives the body of any 2xx status as bytes, and\n\
             [`send_with_response`]({}::send_with_response) the whole response (status,\n\
             headers and body). Any other status is an\n\
             [`Error::UnexpectedStatus`](rt::Error::UnexpectedStatus) with its status, headers\n\
             and raw body.",
            op.builder_name
        ));
    }
    doc.push_str("\n\nAwait the returned request (or call `send`) to perform it.");
    let doc = docs::attributes(&doc);
    let aliases = search_aliases(op)
        .into_iter()
        .map(|alias| quote!(#[doc(alias = #alias)]));
    let deprecated = deprecated_attribute(op.deprecated);
    let all = inputs(op);
    let required: Vec<&Input> = all.iter().filter(|i| i.required).collect();
    let args = required.iter().map(|i| {
        let name = &i.name;
        let ty = &i.arg_ty;
        quote!(#name: #ty)
    });
    let fields = all.iter().map(|i| {
        let name = &i.name;
        if i.required {
            if i.convert {
                quote!(#name: #name.into())
            } else {
                quote!(#name)
            }
        } else {
            quote!(#name: None)
        }
    });
    quote! {
        #doc
        #(#aliases)*
        #deprecated
        pub fn #method(&self, #(#args),*) -> #builder {
            #builder { client: self.client.clone(), #(#fields,)* options: rt::CallOptions::new() }
        }
    }
}

/// What rustdoc's search should also find an operation's method by: its `operationId` and
/// `GET /path`, the names the API's own documentation uses. Rustdoc rejects an alias equal to
/// the item's name, one with quotes or whitespace other than a space, and one that starts or
/// ends with a space, so such a name is left out (the doc text still has it).
fn search_aliases(op: &OperationDef) -> Vec<String> {
    let mut aliases: Vec<String> = Vec::new();
    for alias in [op.id.clone(), format!("{} {}", op.http_method, op.path)] {
        let accepted = !alias.is_empty()
            && alias != op.method_name
            && alias.trim() == alias
            && !alias
                .chars()
                .any(|c| c == '"' || c == '\'' || (c.is_whitespace() && c != ' '));
        if accepted && !aliases.contains(&alias) {
            aliases.push(alias);
        }
    }
    aliases
}

fn request_builder(group: &str, op: &OperationDef) -> TokenStream {
    let builder = ident(&op.builder_name);
    let static_name = ident(&op.static_name);
    let all = inputs(op);
    let builder_doc = docs::attributes(&format!(
        "A request to [`{group}::{}`]; await it or call [`send`](Self::send).\n\n\
         It owns its inputs and a handle to the client, so it is `'static` and `Send`: it can\n\
         be spawned as a task or stored.",
        op.method_name
    ));
    let fields = all.iter().map(|i| {
        let name = &i.name;
        let ty = &i.field_ty;
        if i.required {
            quote!(#name: #ty,)
        } else {
            quote!(#name: Option<#ty>,)
        }
    });
    let (send, send_with_response) = match &op.success {
        Success::Json(_) => (quote!(send), quote!(send_with_response)),
        Success::Empty => (quote!(send_empty), quote!(send_empty_with_response)),
        Success::Bytes | Success::Undocumented => {
            (quote!(send_bytes), quote!(send_bytes_with_response))
        }
        Success::Several { .. } => (quote!(send_by_status), quote!(send_by_status_with_response)),
    };
    let setters = input_setters(&all);
    let call_options = call_option_methods(op);
    let request = request_expression(op, &static_name);
    let paging = paging_methods(op);
    let result = result_type(op);
    let success = success_type(op);
    let error = error_type(op);
    quote! {
        #builder_doc
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is awaited or sent"]
        pub struct #builder {
            client: crate::Client,
            #(#fields)*
            options: rt::CallOptions,
        }

        impl #builder {
            #(#setters)*
            #call_options

            /// Sends the request and decodes the response.
            pub async fn send(self) -> #result {
                #request.#send().await
            }

            /// Sends the request; the decoded body comes with the response's status and
            /// headers (e.g. rate-limit headers).
            pub async fn send_with_response(self) -> Result<rt::Response<#success>, rt::Error<#error>> {
                #request.#send_with_response().await
            }

            #paging
        }

        impl std::future::IntoFuture for #builder {
            type Output = #result;
            type IntoFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Self::Output> + Send + 'static>>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    }
}

/// For each optional input, `x(T)` and `set_x(Option<T>)`.
fn input_setters(all: &[Input]) -> Vec<TokenStream> {
    all.iter()
        .filter(|i| !i.required)
        .map(|i| {
            let name = &i.name;
            let set_name = ident(&format!(
                "set_{}",
                i.name.to_string().trim_start_matches("r#")
            ));
            let ty = &i.arg_ty;
            let field_ty = &i.field_ty;
            let doc = docs::attributes(&i.doc);
            let set_doc = format!(" Sets or clears [`{name}`](Self::{name}) from an `Option`.");
            let deprecated = deprecated_attribute(i.deprecated);
            let value = if i.convert {
                quote!(value.into())
            } else {
                quote!(value)
            };
            quote! {
                #doc
                #deprecated
                pub fn #name(mut self, value: #ty) -> Self {
                    self.#name = Some(#value);
                    self
                }

                #[doc = #set_doc]
                #deprecated
                pub fn #set_name(mut self, value: Option<#field_ty>) -> Self {
                    self.#name = value;
                    self
                }
            }
        })
        .collect()
}

/// The per-call settings every request has: `timeout`, `header`, `retry`, and for calls that
/// are not safe to repeat, `retry_ambiguous`.
fn call_option_methods(op: &OperationDef) -> TokenStream {
    let retry_ambiguous = (!is_safe(&op.http_method)).then(|| {
        quote! {
            /// Lets the client retry this call after an ambiguous failure (a timeout after the
            /// request was sent, a reset connection, `502`, `504`, `503` without a valid
            /// `Retry-After`), when the server may already have performed it. Off by default:
            /// sending it twice could perform it twice. Opt in only when that is harmless.
            pub fn retry_ambiguous(mut self, retry: bool) -> Self {
                self.options = self.options.retry_ambiguous(retry);
                self
            }
        }
    });

    quote! {
        /// Overrides the client's per-attempt timeout for this call.
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.options = self.options.timeout(timeout);
            self
        }

        /// Adds a header to this call (e.g. `Accept-Language`); it replaces a client
        /// default of the same name. An invalid name or value fails the call before
        /// anything is sent.
        pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
            self.options = self.options.header(name, value);
            self
        }

        /// Retries this call by `policy` instead of the client's retry policy.
        pub fn retry(mut self, policy: rt::RetryPolicy) -> Self {
            self.options = self.options.retry(policy);
            self
        }

        #retry_ambiguous
    }
}

/// Whether the runtime serialises the body from a reference (JSON and form bodies) rather than
/// taking it by value (text and bytes).
fn body_by_ref(body: &Body) -> bool {
    matches!(body, Body::Json { .. } | Body::Form { .. })
}

/// The runtime call sending a body that is sent whole, `value` being an expression of the body
/// field's type (a reference to it when [`body_by_ref`]); `None` for a multipart body, which is
/// sent part by part.
fn whole_body_call(body: &Body, value: TokenStream) -> Option<TokenStream> {
    Some(match body {
        Body::Json { .. } => quote!(.json(#value)),
        Body::Form { styles, .. } => {
            let styles = form_styles(styles);
            quote!(.form(#value, #styles))
        }
        Body::Text { content_type, .. } => quote!(.text(#value, #content_type)),
        Body::Binary { content_type, .. } => quote!(.bytes(#value, #content_type)),
        Body::Multipart { .. } => return None,
    })
}

/// The runtime's `&[(name, FormStyle)]` for a form body's styled properties.
pub(crate) fn form_styles(styles: &[(String, Style)]) -> TokenStream {
    let styles = styles.iter().map(|(name, style)| {
        let style = form_style(*style);
        quote!((#name, #style))
    });
    quote!(&[#(#styles),*])
}

/// `.path_param("customerId", value)` and friends: how `param` is added to a request, the same
/// call on the runtime's request builder and on its mock expectations.
pub(crate) fn param_call(param: &Param, value: &TokenStream) -> TokenStream {
    let wire = &param.wire_name;
    match (param.location, param.style) {
        (Location::Path, _) => quote!(.path_param(#wire, #value)),
        (Location::Query, None) => quote!(.query(#wire, #value)),
        (Location::Query, Some(style)) => {
            let style = form_style(style);
            quote!(.query_styled(#wire, #value, #style))
        }
        (Location::Header, _) => quote!(.header(#wire, #value)),
    }
}

/// The runtime's `FormStyle` value for the document's `style`: the runtime defines how each is
/// written (a style other than `form` has no exploded form of its own).
pub(crate) fn form_style(style: Style) -> TokenStream {
    match style.name {
        StyleName::Form => {
            let explode = style.explode;
            quote!(rt::FormStyle::Form { explode: #explode })
        }
        StyleName::SpaceDelimited => quote!(rt::FormStyle::SpaceDelimited),
        StyleName::PipeDelimited => quote!(rt::FormStyle::PipeDelimited),
        StyleName::DeepObject => quote!(rt::FormStyle::DeepObject),
    }
}

/// Statements building the multipart form from the part fields and adding it to `request`.
fn multipart_statements(parts: &[Part]) -> TokenStream {
    let mut required_parts = Vec::new();
    let mut optional_parts = Vec::new();
    for part in parts {
        let wire = &part.wire_name;
        let name = ident(&part.rust_name);
        let (add, by_ref) = match &part.ty {
            RType::File => (quote!(file_part), false),
            RType::String => (quote!(text_part), false),
            _ => (quote!(json_part), true),
        };
        let reference = by_ref.then(|| quote!(&));
        if part.required {
            required_parts.push(quote!(.#add(#wire, #reference self.#name)));
        } else {
            optional_parts.push(quote! {
                if let Some(value) = self.#name {
                    form = form.#add(#wire, #reference value);
                }
            });
        }
    }
    let form_mut = if optional_parts.is_empty() {
        TokenStream::new()
    } else {
        quote!(mut)
    };
    quote! {
        let #form_mut form = rt::multipart::Form::new() #(#required_parts)*;
        #(#optional_parts)*
        request = request.multipart(form);
    }
}

/// The runtime request for this call: its parameters, body and per-call options.
fn request_expression(op: &OperationDef, static_name: &Ident) -> TokenStream {
    let mut calls = Vec::new();
    let mut optional_calls = Vec::new();
    for param in &op.params {
        let name = ident(&param.rust_name);
        calls.push(param_call(param, &quote!(&self.#name)));
    }
    match &op.body {
        Some(Body::Multipart { parts, .. }) => optional_calls.push(multipart_statements(parts)),
        Some(body) => {
            let reference = body_by_ref(body).then(|| quote!(&));
            if body.required() {
                calls.extend(whole_body_call(body, quote!(#reference self.body)));
            } else {
                let call = whole_body_call(body, quote!(body));
                optional_calls.push(quote! {
                    if let Some(body) = #reference self.body {
                        request = request #call;
                    }
                });
            }
        }
        None => {}
    }
    calls.push(quote!(.options(self.options)));
    if optional_calls.is_empty() {
        quote! { self.client.raw().request(&#static_name) #(#calls)* }
    } else {
        quote! {
            {
                let mut request = self.client.raw().request(&#static_name) #(#calls)*;
                #(#optional_calls)*
                request
            }
        }
    }
}

/// `items()` and `pages()` for a sliced list.
fn paging_methods(op: &OperationDef) -> Option<TokenStream> {
    let error = error_type(op);
    op.pagination.as_ref().map(|pagination| {
        let item = type_tokens(&pagination.item, Scope::Elsewhere);
        let cursor = ident(&pagination.cursor_param);
        let set_cursor = if pagination.cursor_is_text {
            quote!(request.#cursor = cursor;)
        } else {
            quote!(request.#cursor = cursor.and_then(|c| c.parse().ok());)
        };
        let first = if pagination.cursor_is_text {
            quote!(self.#cursor.clone())
        } else {
            quote!(self.#cursor.map(|c| c.to_string()))
        };
        let pages_doc = format!(
            " Every slice, fetched lazily, each with the cursor it was fetched with and the \
             cursor of the next one. To resume an interrupted run, pass the last handled slice's \
             [`next_cursor`](rt::Slice::next_cursor) to [`{cursor}`](Self::{cursor}) and stream \
             again. The stream is boxed (so `Unpin`), `Send` and `'static`."
        );
        quote! {
            /// Every item of every slice, fetched lazily: the next slice is requested when the
            /// previous one is used up, until the server says there is no more. Starts at the
            /// cursor set on this request, if any. The stream is boxed (so `Unpin`), `Send`
            /// and `'static`: `try_next().await` works on it directly, and it can be stored
            /// or moved into a task.
            pub fn items(self) -> rt::futures::stream::BoxStream<'static, Result<#item, rt::Error<#error>>> {
                Box::pin(rt::paginate(#first, move |cursor| {
                    let mut request = self.clone();
                    #set_cursor
                    request.send()
                }))
            }

            #[doc = #pages_doc]
            pub fn pages(self) -> rt::futures::stream::BoxStream<'static, Result<rt::Slice<#item>, rt::Error<#error>>> {
                Box::pin(rt::paginate_pages(#first, move |cursor| {
                    let mut request = self.clone();
                    #set_cursor
                    request.send()
                }))
            }
        }
    })
}
