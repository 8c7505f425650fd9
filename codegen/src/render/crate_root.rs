//! `src/lib.rs`, `src/api/mod.rs` and `Cargo.toml`: the crate's root, its docs and manifest.

use proc_macro2::TokenStream;
use quote::quote;

use super::types::ident;
use super::{CrateInfo, docs, features, format_file};
use crate::docs::sanitise;
use crate::error::Error;
use crate::model::{Api, Auth, FeaturePlan};

/// A `# Warnings` section for the crate docs: what the generator tolerated in the document or
/// expressed only loosely, so that a review of the generated code sees it.
fn warnings_doc(info: &CrateInfo) -> String {
    if info.warnings.is_empty() {
        return String::new();
    }
    let mut doc = String::from(
        "# Warnings\n\nThe generator tolerated these problems in the API's document, or expressed\nthese parts of it only loosely:\n\n",
    );
    for warning in &info.warnings {
        doc.push_str(&format!(
            "- `{}`: {}\n",
            warning.pointer.replace('`', "'"),
            sanitise(&warning.message)
        ));
    }
    doc
}

/// `src/lib.rs` of a crate of models only: the docs, the models, and the document's API-key
/// header, if it names one.
pub(crate) fn models_only_lib_file(info: &CrateInfo) -> Result<String, Error> {
    let mut crate_doc = title_doc(info);
    let description = sanitise(&info.description);
    if !description.is_empty() {
        crate_doc.push_str(&description);
        crate_doc.push_str("\n\n");
    }
    crate_doc.push_str(
        "Generated from the API's OpenAPI document: every schema a type in [`models`]; the\n\
         document's operations are not generated (they are not calls this crate makes).\n\n",
    );
    crate_doc.push_str(&warnings_doc(info));
    let crate_doc = docs::inner_attributes(crate_doc.trim_end());
    let header_const = match &info.auth {
        Auth::ApiKeyHeader(header) => quote! {
            /// The header that carries the API key, from the document's security scheme.
            pub const API_KEY_HEADER: &str = #header;
        },
        Auth::None | Auth::Bearer => TokenStream::new(),
    };
    let tokens = quote! {
        #crate_doc

        pub mod models;

        pub use rt::DateTime;
        /// The runtime the models use (lenient decoding with `runtime::decode_json`).
        pub use rt as runtime;

        #header_const
    };
    format_file(&info.header, tokens, "#")
}

pub(crate) fn api_module_file(
    info: &CrateInfo,
    api: &Api,
    plan: &FeaturePlan,
) -> Result<String, Error> {
    let modules = api.groups.iter().map(|g| {
        let module = ident(&g.module);
        let cfg = features::group_cfg(plan, &g.module);
        quote! { #cfg mod #module; #cfg pub use #module::*; }
    });
    let tokens = quote! {
        //! Operations, grouped as the API groups them (by tag). Reach a group through the
        //! matching method on [`Client`](crate::Client).
        #(#modules)*
    };
    format_file(&info.header, tokens, "#/tags")
}

pub(crate) fn lib_file(info: &CrateInfo, api: &Api, plan: &FeaturePlan) -> Result<String, Error> {
    let crate_doc = lib_docs(info, api);
    let servers = servers_const(info);
    let auth = match &info.auth {
        Auth::ApiKeyHeader(header) => quote!(rt::Auth::ApiKeyHeader(#header)),
        Auth::Bearer => quote!(rt::Auth::Bearer),
        Auth::None => quote!(rt::Auth::None),
    };
    let key_doc = match &info.auth {
        Auth::ApiKeyHeader(header) => {
            format!(" Requests carry the API key (set with `api_key`) in the `{header}` header.")
        }
        Auth::Bearer => " Requests carry the bearer token (set with `bearer_token`) in the \
                         `Authorization` header."
            .to_owned(),
        Auth::None => " The API needs no key.".to_owned(),
    };
    let result_alias = result_alias(api, plan);
    let accessors = api.groups.iter().map(|g| {
        let accessor = ident(&g.accessor);
        let struct_name = ident(&g.struct_name);
        let doc = docs::attributes(&g.doc);
        let cfg = features::group_cfg(plan, &g.module);
        quote! {
            #doc
            #cfg
            pub fn #accessor(&self) -> api::#struct_name<'_> {
                api::#struct_name::new(self)
            }
        }
    });
    let prelude = prelude_module(api, plan);
    let tokens = quote! {
        #crate_doc
        // On docs.rs (`--cfg docsrs`, see `Cargo.toml`), every feature-gated item says which
        // feature it needs.
        #![cfg_attr(docsrs, feature(doc_cfg))]

        pub mod api;
        #[cfg(feature = "mock")]
        pub mod mock;
        pub mod models;

        pub use rt::{BuildError, CallOptions, DateTime, Error, Response, RetryPolicy, Slice, from_json};
        /// The runtime shared by all generated clients (errors, retries, pagination, uploads).
        pub use rt as runtime;
        /// The `reqwest` this client is built on, re-exported so that HTTP settings
        /// ([`ClientBuilder::reqwest_builder`](rt::ClientBuilder::reqwest_builder)) are built
        /// with exactly this version, whichever `reqwest` the rest of an application uses.
        pub use rt::reqwest;

        #prelude

        #result_alias

        #servers

        const DEFAULTS: rt::ApiDefaults = rt::ApiDefaults {
            // From Cargo, so that a version bump leaves this file alone.
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")),
            auth: #auth,
        };

        /// A client for the API: cheap to clone, share one per process.
        ///
        #[doc = #key_doc]
        #[derive(Debug, Clone)]
        pub struct Client {
            raw: rt::Client,
        }

        /// Configures a [`Client`]: base URL, API key, timeouts, retries, headers.
        pub type ClientBuilder = rt::ClientBuilder<Client>;

        impl Client {
            /// Starts configuring a client. Set the base URL: there is no default (see
            /// [`SERVERS`]).
            pub fn builder() -> ClientBuilder {
                rt::ClientBuilder::new(DEFAULTS)
            }

            /// The runtime client underneath, for requests the generated methods do not cover.
            pub fn raw(&self) -> &rt::Client {
                &self.raw
            }

            #(#accessors)*
        }

        impl From<rt::Client> for Client {
            fn from(raw: rt::Client) -> Self {
                Client { raw }
            }
        }
    };
    format_file(&info.header, tokens, "#")
}

/// The crate docs' title. The spec's version is not in it: `Cargo.toml` states it (in the
/// description docs.rs shows), so that a spec update changes only the files whose code changes.
fn title_doc(info: &CrateInfo) -> String {
    format!("# {}\n\n", info.title)
}

/// The crate docs: title, description, a first example, warnings.
fn lib_docs(info: &CrateInfo, api: &Api) -> TokenStream {
    let mut crate_doc = title_doc(info);
    let description = sanitise(&info.description);
    if !description.is_empty() {
        crate_doc.push_str(&description);
        crate_doc.push_str("\n\n");
    }
    let crate_name = info.crate_name.replace('-', "_");
    let example_group = match api.groups.first() {
        Some(group) => format!(
            "let group = client.{}();\n# let _ = group;\n",
            group.accessor
        ),
        None => "# let _ = client;\n".to_owned(),
    };
    let key_line = match &info.auth {
        Auth::ApiKeyHeader(_) => "    .api_key(std::env::var(\"API_KEY\")?)\n",
        Auth::Bearer => "    .bearer_token(std::env::var(\"BEARER_TOKEN\")?)\n",
        Auth::None => "",
    };
    crate_doc.push_str(&format!(
        "Generated from the API's OpenAPI document; every operation is a method on an operation\n\
         group of [`Client`], every schema a type in [`models`].\n\n\
         ```no_run\n\
         # async fn example() -> Result<(), Box<dyn std::error::Error>> {{\n\
         let client = {crate_name}::Client::builder()\n    .base_url(\"https://api.example.com\")\n{key_line}    .build()?;\n\
         {example_group}\
         # Ok(())\n\
         # }}\n\
         ```\n\n\
         For tests, the `mock` feature adds a `mock` module: a local mock server with a typed\n\
         expectation for every operation, to test code using this client without a server.\n"
    ));
    if !info.warnings.is_empty() {
        crate_doc.push('\n');
        crate_doc.push_str(&warnings_doc(info));
    }
    docs::inner_attributes(&crate_doc)
}

/// `SERVERS`, with the document's description of each.
fn servers_const(info: &CrateInfo) -> TokenStream {
    let servers = info.servers.iter().map(|(url, _)| quote!(#url,));
    let mut servers_doc = String::from(
        "The servers the API's document names, in its order. There is no default: each\n\
         deployment of an API usually has its own URL, and a server named in the document is\n\
         often a demo. Pass your own URL, or one of these on purpose, to `base_url`.",
    );
    if !info.servers.is_empty() {
        servers_doc.push('\n');
        for (index, (url, description)) in info.servers.iter().enumerate() {
            servers_doc.push_str(&format!("\n- `{index}`: <{url}>"));
            if !description.is_empty() {
                servers_doc.push_str(&format!(" ({})", description.replace('\n', " ")));
            }
        }
    }
    let servers_doc = docs::attributes(&servers_doc);
    quote! {
        #servers_doc
        pub const SERVERS: &[&str] = &[#(#servers)*];
    }
}

/// `prelude`: what code calling the API needs, in one glob import.
fn prelude_module(api: &Api, plan: &FeaturePlan) -> TokenStream {
    // `Result` is gated like its default error body.
    let result_cfg = common_error(api).map(|name| features::type_cfg(plan, name));
    quote! {
        /// What code calling the API needs, in one `use …::prelude::*;`: the [`Client`],
        /// [`Result`] and [`Error`], and [`TryStreamExt`](rt::futures::TryStreamExt) for the
        /// streams of sliced lists (`items()`, `pages()`: `.try_next().await?`,
        /// `.try_collect::<Vec<_>>().await?`).
        pub mod prelude {
            pub use crate::{Client, Error};
            #result_cfg
            pub use crate::Result;
            pub use rt::futures::TryStreamExt;
        }
    }
}

/// The error body most operations share: the default `E` of `Result`.
fn common_error(api: &Api) -> Option<&str> {
    let mut error_counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for op in api.groups.iter().flat_map(|g| &g.operations) {
        if let Some(name) = &op.error {
            *error_counts.entry(name).or_default() += 1;
        }
    }
    error_counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(name, _)| *name)
}

/// `Result<T, E = ...>`: the error body most operations share is its default.
fn result_alias(api: &Api, plan: &FeaturePlan) -> TokenStream {
    // The error body most operations share is the alias's default; others name theirs.
    match common_error(api) {
        Some(name) => {
            let cfg = features::type_cfg(plan, name);
            let error = ident(name);
            let doc = docs::attributes(&format!(
                "The result of an operation: `E` is its documented error body,\n\
                 [`models::{name}`] (the one most operations share) unless given."
            ));
            quote! {
                #doc
                #cfg
                pub type Result<T, E = models::#error> = std::result::Result<T, rt::Error<E>>;
            }
        }
        None => quote! {
            /// The result of an operation: `E` is its documented error body (none by default).
            pub type Result<T, E = std::convert::Infallible> = std::result::Result<T, rt::Error<E>>;
        },
    }
}

pub(crate) fn cargo_toml(
    info: &CrateInfo,
    runtime: &crate::Runtime,
    standalone: bool,
    plan: &FeaturePlan,
) -> String {
    let runtime_source = match &runtime.source {
        crate::RuntimeSource::Path(path) => format!("path = {}", toml_string(path)),
        crate::RuntimeSource::Version(version) => format!("version = {}", toml_string(version)),
    };
    let runtime_package = toml_string(&runtime.package);
    let header = &info.manifest_header;
    let workspace = if standalone {
        "\n# A crate of its own, not a member of an enclosing workspace.\n[workspace]\n"
    } else {
        ""
    };
    let kind = match info.surface {
        crate::Surface::Client => "Client for",
        crate::Surface::ModelsOnly => "Types of",
    };
    let description = toml_string(&format!(
        "{kind} {} {}, generated from its OpenAPI document",
        info.title, info.version
    ));
    if info.surface == crate::Surface::ModelsOnly {
        return format!(
            "{header}\n[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\nrust-version = \"1.85\"\n\
             description = {description}\nlicense = \"MIT OR Apache-2.0\"\npublish = false\n\n\
             [dependencies]\n\
             # The runtime, named `rt` in the generated code whichever package provides it; without\n\
             # its default features only its model helpers, which need serde and no HTTP client.\n\
             rt = {{ package = {runtime_package}, {runtime_source}, default-features = false }}\n\
             serde = {{ version = \"1\", features = [\"derive\"] }}\n\n\
             [features]\n\
             # The runtime's `webhook` module (as `runtime::webhook`): receiving these types at an\n\
             # endpoint, with the key check, lenient decoding and duplicate detection.\n\
             receiver = [\"rt/webhook\"]\n{workspace}",
            name = info.crate_name,
            version = info.crate_version,
        );
    }
    format!(
        "{header}\n[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\nrust-version = \"1.85\"\n\
         description = {description}\nlicense = \"MIT OR Apache-2.0\"\npublish = false\n\n\
         [dependencies]\n\
         # The runtime, named `rt` in the generated code whichever package provides it: its HTTP\n\
         # client, with the TLS backend the features below choose.\n\
         rt = {{ package = {runtime_package}, {runtime_source}, default-features = false, features = [\"client\"] }}\n\
         serde = {{ version = \"1\", features = [\"derive\"] }}\n\n\
         # One feature per operation group (tag); turn off `default-features` and pick the groups\n\
         # you use (and a TLS backend) to compile only their operations and the types they need.\n\
         [features]\ndefault = [{defaults}]\n{features}\n\
         {tls}\n\
         # Typed test doubles (the `mock` module): a local mock server with an expectation per operation.\n\
         mock = [\"rt/mock\"]\n\n\
         # docs.rs documents every feature and marks each gated item with the feature it needs.\n\
         [package.metadata.docs.rs]\nall-features = true\nrustdoc-args = [\"--cfg\", \"docsrs\"]\n{workspace}",
        name = info.crate_name,
        version = info.crate_version,
        defaults = plan
            .features
            .iter()
            .map(String::as_str)
            .chain([DEFAULT_TLS])
            .map(|f| format!("\"{f}\""))
            .collect::<Vec<_>>()
            .join(", "),
        tls = TLS_FEATURES,
        features = plan
            .features
            .iter()
            .map(|f| format!("{f} = []\n"))
            .collect::<String>(),
    )
}

/// The TLS backend a client crate enables by default, one of [`TLS_FEATURES`].
const DEFAULT_TLS: &str = "rustls-ring";

/// A client crate's TLS backends: each forwards to the runtime's feature of the same name. The
/// default (`ring`) is the one that builds fastest and needs no C toolchain (see
/// BENCHMARKS.md, "TLS backends").
const TLS_FEATURES: &str = "\
# The TLS backend of HTTPS connections; one is enough (with none, only `http://` works).
# rustls with the `ring` crypto provider: the default, the quickest to build, no C toolchain.
rustls-ring = [\"rt/rustls-ring\"]
# rustls with the `aws-lc-rs` crypto provider (its build compiles AWS-LC, with a C toolchain).
rustls-aws-lc-rs = [\"rt/rustls-aws-lc-rs\"]
# The platform's TLS library (OpenSSL on Linux, which needs its headers to build).
native-tls = [\"rt/native-tls\"]
";

/// A TOML basic string: quotes and backslashes escaped.
fn toml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}
