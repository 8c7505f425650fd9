//! `src/mock.rs` of a generated crate (behind its `mock` feature): typed test doubles.
//!
//! A `MockServer` with one accessor per operation group, and per operation a constructor that
//! takes the client method's required arguments and returns an expectation with setters for the
//! optional inputs and answers typed by the operation (`returns` its success type, `fails` a
//! documented error). Everything else (matching, reports, counts, sequencing) is the runtime's
//! `mock` module; this file only names things.

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::quote;

use super::api::{form_styles, input_tokens, param_call};
use super::docs;
use super::types::{Scope, type_tokens};
use super::{CrateInfo, features};
use crate::error::Error;
use crate::model::{
    Api, Body, ErrorBody, Group, InputSource, Location, Model, OperationDef, Param, RType,
    StatusBody, Success, SuccessStatus,
};

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The contents of `src/mock.rs`.
pub(crate) fn mock_file(info: &CrateInfo, model: &Model) -> Result<String, Error> {
    let (api, plan) = (&model.api, &model.features);
    let mut accessors = Vec::new();
    let mut groups = Vec::new();
    for group in &api.groups {
        let cfg = features::group_cfg(plan, &group.module);
        let struct_name = ident(&group.mock.struct_name);
        let accessor = ident(&group.mock.accessor);
        let doc = format!(
            " Expectations for the operations of [`api::{0}`](crate::api::{0}).",
            group.struct_name
        );
        accessors.push(quote! {
            #[doc = #doc]
            #cfg
            pub fn #accessor(&self) -> #struct_name<'_> {
                #struct_name { server: &self.inner }
            }
        });
        groups.push(group_tokens(group, &struct_name, &cfg, api));
    }
    let error_answers = api
        .error_bodies
        .iter()
        .filter(|body| body.shared.is_none())
        .map(|body| qualify(error_answer(body, &features::type_cfg(plan, &body.name))));

    let module_doc = docs::inner_attributes(&(module_doc(info) + &example(info, model)));
    let (key, builder_doc) = match &info.auth {
        crate::model::Auth::ApiKeyHeader(_) => (
            Some(quote!(.api_key("mock-api-key"))),
            " A client builder for this server: its base URL, and a placeholder API key (the server does not check it).",
        ),
        crate::model::Auth::Bearer => (
            Some(quote!(.bearer_token("mock-bearer-token"))),
            " A client builder for this server: its base URL, and a placeholder bearer token (the server does not check it).",
        ),
        crate::model::Auth::None => (None, " A client builder for this server: its base URL."),
    };
    let tokens = quote! {
        #module_doc

        pub use rt::mock::{Expectation, Mounted, Response, Scenario, Times, VerifyError};

        /// A mock server for this API, answering as the test says.
        ///
        /// Expectations are set through the operation groups (`mock.<group>().<operation>(..)`),
        /// in the shape of the client's calls. Dropping the server runs [`verify`](Self::verify).
        #[derive(Debug)]
        pub struct MockServer {
            inner: rt::mock::MockServer,
        }

        impl MockServer {
            /// Starts a server on a free local port.
            pub async fn start() -> Self {
                MockServer { inner: rt::mock::MockServer::start().await }
            }

            #[doc = #builder_doc]
            ///
            /// Set timeouts and the retry policy on it as in production.
            pub fn client_builder(&self) -> crate::ClientBuilder {
                crate::Client::builder().base_url(self.inner.uri()) #key
            }

            /// A client for this server, with the default timeouts and retry policy.
            pub fn client(&self) -> crate::Client {
                self.client_builder().build().expect("a client for the mock server always builds")
            }

            /// The server's base URL.
            pub fn uri(&self) -> String {
                self.inner.uri()
            }

            /// Every problem so far: requests that matched no expectation, expectations whose call
            /// count is off.
            pub fn check(&self) -> Result<(), VerifyError> {
                self.inner.check()
            }

            /// Panics with the report of [`check`](Self::check) if there is a problem.
            #[track_caller]
            pub fn verify(&self) {
                self.inner.verify()
            }

            /// Forgets every expectation and every request received.
            pub async fn reset(&self) {
                self.inner.reset().await
            }

            /// The runtime's server underneath, for expectations of requests the operations do not
            /// describe (`runtime().when(..)`) and for the `wiremock` server itself.
            pub fn runtime(&self) -> &rt::mock::MockServer {
                &self.inner
            }

            #(#accessors)*
        }

        #(#groups)*
        #(#error_answers)*
    };
    super::format_file(&info.header, tokens, "#/paths")
}

fn module_doc(info: &CrateInfo) -> String {
    let crate_name = info.crate_name.replace('-', "_");
    format!(
        "Typed test doubles (the `mock` feature): a [`MockServer`] that answers this API's operations\n\
         as a test says, so that code using `{crate_name}` can be tested without a server.\n\n\
         Every operation has a constructor on its group (`mock.<group>().<operation>(..)`) taking the\n\
         client method's required arguments; it matches requests carrying them: path, query and header\n\
         values as the client sends them, and the JSON body decoded into its type and compared with\n\
         `PartialEq`. Setters named after the optional inputs match those too (`without_<input>` wants\n\
         one absent). Answer with `returns` (the success type), `fails` (a documented error status\n\
         with its body) or `responds_with` (any [`Response`]: an undocumented status, a `429` with\n\
         `Retry-After`, a dropped connection). On the [`Expectation`] this gives, set `expect(n)`,\n\
         `up_to_n_times(n)`, `delay(..)` or [`Scenario`] states, then `.await` it to mount it.\n\n\
         A request that no expectation matches is answered `501 Not Implemented` with the reason, and\n\
         [`MockServer::verify`] (also run when the server is dropped) panics listing it, with why each\n\
         expectation for its method and path did not match, and every expectation called more or\n\
         fewer times than it expects.\n\n\
         Multipart bodies are matched by content type only; their parts are not compared.\n"
    )
}

/// An example (a doctest, compiled when its group's feature is on) using the first operation
/// whose arguments and answer can be written without knowing the API; empty when there is none.
fn example(info: &CrateInfo, model: &Model) -> String {
    let (api, plan) = (&model.api, &model.features);
    let crate_name = info.crate_name.replace('-', "_");
    let found = api.groups.iter().find_map(|group| {
        group
            .operations
            .iter()
            .filter(|op| !op.deprecated)
            .find_map(|op| {
                let args = example_arguments(op, &crate_name)?;
                let answer = example_answer(&op.success, model)?;
                Some((group, op, args, answer))
            })
    });
    let Some((group, op, args, answer)) = found else {
        return String::new();
    };
    let Some(condition) = cfg_condition(&features::group_cfg(plan, &group.module)) else {
        return String::new();
    };
    format!(
        "\n# Example\n\n\
         ```no_run\n\
         # #[cfg({condition})]\n\
         # async fn example() -> Result<(), Box<dyn std::error::Error>> {{\n\
         use {crate_name}::mock::MockServer;\n\n\
         let mock = MockServer::start().await;\n\
         mock.{accessor}().{method}({args}).returns({answer}).expect(1).await;\n\n\
         let client = mock.client();\n\
         client.{accessor}().{method}({args}).await?;\n\
         mock.verify();\n\
         # Ok(())\n\
         # }}\n\
         ```\n",
        accessor = group.accessor,
        method = op.method_name,
    )
}

/// `feature = "x"` out of `#[cfg(feature = "x")]`.
fn cfg_condition(cfg: &TokenStream) -> Option<String> {
    let attribute = cfg.clone().into_iter().find_map(|token| match token {
        TokenTree::Group(group) if group.delimiter() == proc_macro2::Delimiter::Bracket => {
            Some(group.stream())
        }
        _ => None,
    })?;
    attribute.into_iter().find_map(|token| match token {
        TokenTree::Group(group) if group.delimiter() == proc_macro2::Delimiter::Parenthesis => {
            Some(group.stream().to_string())
        }
        _ => None,
    })
}

fn example_arguments(op: &OperationDef, crate_name: &str) -> Option<String> {
    if op
        .body
        .as_ref()
        .is_some_and(|body| body.required() || matches!(body, Body::Multipart { .. }))
    {
        return None;
    }
    let values: Option<Vec<String>> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| match &p.ty {
            RType::I32 | RType::I64 => Some("42".to_owned()),
            RType::String => Some("\"42\"".to_owned()),
            RType::Bool => Some("true".to_owned()),
            RType::Uuid => Some(format!("{crate_name}::runtime::uuid::Uuid::nil()")),
            _ => None,
        })
        .collect();
    values.map(|values| values.join(", "))
}

fn example_answer(success: &Success, model: &Model) -> Option<String> {
    match success {
        Success::Empty => Some(String::new()),
        Success::Bytes | Success::Undocumented => Some("b\"data\".to_vec()".to_owned()),
        // Lists are answered as slices, which have no `Default`.
        Success::Json(RType::Vec(_)) => Some("&[]".to_owned()),
        Success::Json(ty) if model.has_default(ty) => Some("&Default::default()".to_owned()),
        Success::Json(_) => None,
        // Answered with a variant, whose body the example would have to build.
        Success::Several { .. } => None,
    }
}

fn group_tokens(group: &Group, struct_name: &Ident, cfg: &TokenStream, api: &Api) -> TokenStream {
    let mut methods = Vec::new();
    let mut expectations = Vec::new();
    for op in &group.operations {
        let mock_name = ident(&op.mock_name);
        let error = op
            .error
            .as_ref()
            .and_then(|name| api.error_bodies.iter().find(|body| body.name == *name));
        methods.push(constructor(group, op, &mock_name, error));
        expectations.push(expectation(group, op, &mock_name, error, cfg));
    }
    let doc = format!(
        " Expectations for the operations of [`api::{0}`](crate::api::{0}).",
        group.struct_name
    );
    qualify(quote! {
        #[doc = #doc]
        #cfg
        #[derive(Debug, Clone, Copy)]
        pub struct #struct_name<'a> {
            server: &'a rt::mock::MockServer,
        }

        #cfg
        impl<'a> #struct_name<'a> {
            #(#methods)*
        }

        #(#expectations)*
    })
}

/// A JSON body or answer as taken by reference, as the client takes bodies: a list as a slice.
/// Returns the referenced type and, for matching, `name` as a reference to the body type.
fn borrowed(ty: &RType, name: &TokenStream) -> (TokenStream, TokenStream) {
    match ty {
        RType::Vec(item) => {
            let item = type_tokens(item, Scope::Elsewhere);
            (quote!([#item]), quote!(&#name.to_vec()))
        }
        other => (type_tokens(other, Scope::Elsewhere), name.clone()),
    }
}

/// How a mock matches a body that is sent whole.
struct BodyMatcher {
    /// The argument type of the expected body.
    ty: TokenStream,
    /// The matcher call comparing it.
    call: TokenStream,
    /// The setter's doc line.
    doc: &'static str,
}

/// The matcher of a body sent whole, for an argument named `value`; `None` for a multipart body
/// (its parts are not compared).
fn body_matcher(body: &Body, value: &TokenStream) -> Option<BodyMatcher> {
    const EXACT: &str = " Matches requests whose body is `value`, as the client sends it.";
    Some(match body {
        Body::Json { ty, .. } => {
            let (ty, owned) = borrowed(ty, value);
            BodyMatcher {
                ty: quote!(&#ty),
                call: quote!(.json_body(#owned)),
                doc: " Matches requests whose JSON body, decoded, equals `value`.",
            }
        }
        Body::Form { ty, styles, .. } => {
            let (ty, owned) = borrowed(ty, value);
            let styles = form_styles(styles);
            BodyMatcher {
                ty: quote!(&#ty),
                call: quote!(.form_body(#owned, #styles)),
                doc: EXACT,
            }
        }
        Body::Text { .. } => BodyMatcher {
            ty: quote!(impl Into<String>),
            call: quote!(.text_body(#value)),
            doc: EXACT,
        },
        Body::Binary { .. } => BodyMatcher {
            ty: quote!(impl Into<rt::bytes::Bytes>),
            call: quote!(.bytes_body(#value)),
            doc: EXACT,
        },
        Body::Multipart { .. } => return None,
    })
}

fn endpoint(op: &OperationDef, error: Option<&ErrorBody>) -> TokenStream {
    let id = &op.id;
    let method = &op.http_method;
    let path = &op.path;
    let errors: Vec<&str> = error
        .iter()
        .flat_map(|body| body.statuses.iter().map(|s| s.status.as_str()))
        .collect();
    quote! {
        static ENDPOINT: rt::mock::Endpoint = rt::mock::Endpoint {
            id: #id,
            method: #method,
            path: #path,
            errors: &[#(#errors),*],
        };
    }
}

fn constructor(
    group: &Group,
    op: &OperationDef,
    mock_name: &Ident,
    error: Option<&ErrorBody>,
) -> TokenStream {
    let method = ident(&op.method_name);
    let mut args = Vec::new();
    let mut conversions = Vec::new();
    let mut calls = Vec::new();
    for input in op.inputs.iter().filter(|input| input.required) {
        match input.source {
            InputSource::Param(index) => {
                let param = &op.params[index];
                let name = ident(&input.rust_name);
                let (_, ty, is_string) = input_tokens(&param.ty);
                args.push(quote!(#name: #ty));
                if is_string {
                    conversions.push(quote!(let #name: String = #name.into();));
                }
                calls.push(param_call(param, &quote!(&#name)));
            }
            InputSource::Body => {
                let matcher = op
                    .body
                    .as_ref()
                    .and_then(|body| body_matcher(body, &quote!(body)));
                if let Some(matcher) = matcher {
                    let ty = matcher.ty;
                    args.push(quote!(body: #ty));
                    calls.push(matcher.call);
                }
            }
            // Multipart bodies are matched by content type only.
            InputSource::Part(_) => {}
        }
    }
    if let Some(Body::Multipart { .. }) = &op.body {
        calls.push(quote!(.multipart_body()));
    }
    let endpoint = endpoint(op, error);
    let doc = docs::attributes(&format!(
        "Expects a call of [`{group}::{method}`](crate::api::{group}::{method}) (`{http} {path}`) with these \
         arguments.\n\nMatch optional inputs with the setters of the result, answer it, then `.await` it to mount it.",
        group = group.struct_name,
        method = op.method_name,
        http = op.http_method,
        path = op.path,
    ));
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    quote! {
        #doc
        #deprecated
        pub fn #method(&self, #(#args),*) -> #mock_name<'a> {
            #endpoint
            #(#conversions)*
            #mock_name(self.server.when(&ENDPOINT) #(#calls)*)
        }
    }
}

fn expectation(
    group: &Group,
    op: &OperationDef,
    mock_name: &Ident,
    error: Option<&ErrorBody>,
    cfg: &TokenStream,
) -> TokenStream {
    let setters = matcher_setters(op);
    let (returns, fails) = answers(op, error);
    let doc = format!(
        " An expectation of [`{group}::{method}`](crate::api::{group}::{method}): match optional inputs with its \
         setters, then answer it.",
        group = group.struct_name,
        method = op.method_name,
    );
    quote! {
        #[doc = #doc]
        #cfg
        #[derive(Debug)]
        #[must_use = "an expectation does nothing until it is answered and mounted with `.await`"]
        pub struct #mock_name<'a>(rt::mock::When<'a>);

        #cfg
        impl<'a> #mock_name<'a> {
            #(#setters)*
            #returns
            #fails

            /// Answers with `response`: an undocumented status, a rate limit, a dropped connection.
            pub fn responds_with(self, response: Response) -> Expectation<'a> {
                self.0.responds_with(response)
            }
        }
    }
}

/// A matcher for each optional input (and `without_*` for its absence), named by the model.
fn matcher_setters(op: &OperationDef) -> Vec<TokenStream> {
    let mut setters = Vec::new();
    for input in &op.inputs {
        let Some(names) = &input.mock else { continue };
        let setter = ident(&names.setter);
        let without = ident(&names.without);
        setters.push(match input.source {
            InputSource::Param(index) => {
                param_matchers(&op.params[index], &setter, &without, input.deprecated)
            }
            InputSource::Body => {
                let Some(matcher) = op
                    .body
                    .as_ref()
                    .and_then(|b| body_matcher(b, &quote!(value)))
                else {
                    continue;
                };
                let BodyMatcher { ty, call, doc } = matcher;
                quote! {
                    #[doc = #doc]
                    pub fn #setter(self, value: #ty) -> Self {
                        Self(self.0 #call)
                    }

                    /// Matches requests without a body.
                    pub fn #without(self) -> Self {
                        Self(self.0.without_body())
                    }
                }
            }
            InputSource::Part(_) => continue,
        });
    }
    setters
}

/// The setters matching an optional parameter: its value, and its absence.
fn param_matchers(param: &Param, setter: &Ident, without: &Ident, deprecated: bool) -> TokenStream {
    let wire = &param.wire_name;
    let kind = match param.location {
        Location::Path => "path parameter",
        Location::Query => "query parameter",
        Location::Header => "header",
    };
    let (_, ty, is_string) = input_tokens(&param.ty);
    let conversion = is_string.then(|| quote!(let value: String = value.into();));
    let call = param_call(param, &quote!(&value));
    let without_call = match param.location {
        Location::Header => quote!(.without_header(#wire)),
        _ => quote!(.without_query(#wire)),
    };
    let doc = format!(" Matches requests whose `{wire}` {kind} is `value`.");
    let without_doc = format!(" Matches requests without the `{wire}` {kind}.");
    let deprecated = deprecated.then(|| quote!(#[deprecated]));
    quote! {
        #[doc = #doc]
        #deprecated
        pub fn #setter(self, value: #ty) -> Self {
            #conversion
            Self(self.0 #call)
        }

        #[doc = #without_doc]
        #deprecated
        pub fn #without(self) -> Self {
            Self(self.0 #without_call)
        }
    }
}

/// `returns` (the success body) and `fails` (a documented error), as the operation answers.
fn answers(op: &OperationDef, error: Option<&ErrorBody>) -> (TokenStream, Option<TokenStream>) {
    let returns = match &op.success {
        Success::Json(ty) => {
            let (ty, _) = borrowed(ty, &quote!(body));
            quote! {
                /// Answers `200 OK` with `body`.
                pub fn returns(self, body: &#ty) -> Expectation<'a> {
                    self.0.returns(body)
                }
            }
        }
        Success::Empty => quote! {
            /// Answers `204 No Content`.
            pub fn returns(self) -> Expectation<'a> {
                self.0.returns_empty()
            }
        },
        Success::Bytes | Success::Undocumented => quote! {
            /// Answers `200 OK` with `body`.
            pub fn returns(self, body: impl Into<rt::bytes::Bytes>) -> Expectation<'a> {
                self.0.returns_bytes(body)
            }
        },
        Success::Several { name, statuses } => several_returns(name, statuses),
    };
    let fails = error.map(|body| {
        let name = ident(&body.name);
        let statuses: Vec<&str> = body.statuses.iter().map(|s| s.status.as_str()).collect();
        if body.shared.is_some() {
            let doc = docs::attributes(&format!(
                "Answers with a documented error status ({}) and its body.\n\n# Panics\n\nWhen `status` is not \
                 documented for the operation (send it with `responds_with`).",
                statuses.join(", ")
            ));
            quote! {
                #doc
                #[track_caller]
                pub fn fails(self, status: u16, body: &models::#name) -> Expectation<'a> {
                    self.0.fails_with(status, body)
                }
            }
        } else {
            quote! {
                /// Answers with the documented error status of the variant, and its body.
                pub fn fails(self, error: models::#name) -> Expectation<'a> {
                    self.0.fails(error)
                }
            }
        }
    });
    (returns, fails)
}

/// `returns` for an operation whose success statuses carry different bodies: any variant of its
/// enum, as the response that decodes back into it (the variant's status and body).
fn several_returns(name: &str, statuses: &[SuccessStatus]) -> TokenStream {
    let name = ident(name);
    let all: Vec<&str> = statuses.iter().map(|s| s.status.as_str()).collect();
    let arms = statuses.iter().map(|status| {
        let variant = ident(&status.variant);
        let code = proc_macro2::Literal::u16_unsuffixed(answer_status(&status.status, &all));
        match status.body {
            StatusBody::Json(_) => quote! {
                crate::api::#name::#variant(body) => Response::status(#code).json(&body),
            },
            StatusBody::Bytes => quote! {
                crate::api::#name::#variant(body) => {
                    Response::status(#code).bytes(body, "application/octet-stream")
                }
            },
            StatusBody::Empty => quote!(crate::api::#name::#variant => Response::status(#code),),
        }
    });
    quote! {
        /// Answers with the documented success status of the variant, and its body.
        pub fn returns(self, answer: crate::api::#name) -> Expectation<'a> {
            let response = match answer {
                #(#arms)*
            };
            self.0.responds_with(response)
        }
    }
}

/// `impl ErrorAnswer` for a status-keyed error enum: each variant as the response that decodes
/// back into it.
fn error_answer(body: &ErrorBody, cfg: &TokenStream) -> TokenStream {
    let name = ident(&body.name);
    let all: Vec<&str> = body.statuses.iter().map(|s| s.status.as_str()).collect();
    let arms = body.statuses.iter().map(|status| {
        let variant = ident(&status.variant);
        let code = proc_macro2::Literal::u16_unsuffixed(answer_status(&status.status, &all));
        match status.body {
            Some(_) => {
                quote!(Self::#variant(body) => rt::mock::Response::status(#code).json(&body),)
            }
            None => quote!(Self::#variant => rt::mock::Response::status(#code),),
        }
    });
    quote! {
        #cfg
        impl rt::mock::ErrorAnswer for models::#name {
            fn into_response(self) -> rt::mock::Response {
                match self {
                    #(#arms)*
                }
            }
        }
    }
}

/// The status that answers a documented `status` and decodes back into it: the code itself, for
/// a range the first code of it not documented on its own, for `default` the first code no other
/// documented status covers (5xx first).
fn answer_status(status: &str, all: &[&str]) -> u16 {
    let range = |s: &str| match s.as_bytes() {
        [digit @ b'1'..=b'9', b'X' | b'x', b'X' | b'x'] => Some(u16::from(digit - b'0') * 100),
        _ => None,
    };
    let exact = |code: u16| all.iter().any(|s| *s == code.to_string());
    let covered = |code: u16| {
        exact(code)
            || all
                .iter()
                .any(|s| range(s).is_some_and(|low| (low..low + 100).contains(&code)))
    };
    if let Some(low) = range(status) {
        return (low..low + 100).find(|code| !exact(*code)).unwrap_or(low);
    }
    if status == "default" {
        return (500..600)
            .chain(400..500)
            .chain(300..400)
            .find(|code| !covered(*code))
            .unwrap_or(500);
    }
    status.parse().unwrap_or(500)
}

/// `models::X` -> `crate::models::X`, so the module needs no `use crate::models` (which would be
/// unused when the features that use it are off).
fn qualify(tokens: TokenStream) -> TokenStream {
    let mut out = Vec::new();
    // `::` right before `models` means it is already a path segment (`crate::models`).
    let mut colons = 0;
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    // Only a `models` followed by `::` is the module; a method or field may be called so too.
    let starts_path = |index: usize| {
        matches!(
            (tokens.get(index + 1), tokens.get(index + 2)),
            (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)))
                if a.as_char() == ':' && b.as_char() == ':'
        )
    };
    for (index, token) in tokens.iter().cloned().enumerate() {
        match token {
            TokenTree::Group(group) => {
                let mut inner = proc_macro2::Group::new(group.delimiter(), qualify(group.stream()));
                inner.set_span(group.span());
                out.push(TokenTree::Group(inner));
                colons = 0;
            }
            TokenTree::Ident(ident) if ident == "models" && colons < 2 && starts_path(index) => {
                out.extend(quote!(crate::));
                out.push(TokenTree::Ident(ident));
                colons = 0;
            }
            TokenTree::Punct(punct) => {
                colons = if punct.as_char() == ':' {
                    colons + 1
                } else {
                    0
                };
                out.push(TokenTree::Punct(punct));
            }
            other => {
                colons = 0;
                out.push(other);
            }
        }
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answer_statuses_decode_back_to_their_variant() {
        let all = ["400", "404", "4XX", "5XX", "default"];
        assert_eq!(answer_status("404", &all), 404);
        assert_eq!(answer_status("4XX", &all), 401);
        assert_eq!(answer_status("5XX", &all), 500);
        assert_eq!(answer_status("default", &all), 300);
        assert_eq!(answer_status("default", &["default"]), 500);
        let success = ["200", "2XX", "204"];
        assert_eq!(answer_status("2XX", &success), 201);
        assert_eq!(answer_status("204", &success), 204);
    }

    #[test]
    fn model_paths_are_qualified_once() {
        let tokens = qualify(quote!(
            fn f(a: &models::A, b: Vec<models::B>, c: crate::models::C) {}
        ));
        let expected = quote!(
            fn f(a: &crate::models::A, b: Vec<crate::models::B>, c: crate::models::C) {}
        );
        assert_eq!(tokens.to_string(), expected.to_string());
    }
}
