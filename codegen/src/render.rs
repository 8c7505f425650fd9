//! The model of types and operations to formatted Rust files.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::docs;
use crate::error::Error;
use crate::features::FeaturePlan;
use crate::model::{
    Api, Auth, Body, EnumDef, ErrorBody, Field, FormStyle, Group, Location, Model, OperationDef,
    Page, Param, Part, RType, StatusBody, StructDef, Success, TypeDef, UnionDef,
};

/// What every generated file needs to know about the crate it belongs to.
pub(crate) struct CrateInfo {
    pub title: String,
    pub version: String,
    pub description: String,
    /// The document's servers: URL (without a trailing `/`) and description.
    pub servers: Vec<(String, String)>,
    pub auth: Auth,
    pub crate_name: String,
    pub crate_version: String,
    pub surface: crate::Surface,
    pub header: String,
    pub warnings: Vec<crate::Warning>,
}

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
            docs::sanitise(&warning.message)
        ));
    }
    doc
}

/// `src/lib.rs` of a crate of models only: the docs, the models, and the document's API-key
/// header, if it names one.
pub(crate) fn models_only_lib_file(info: &CrateInfo) -> Result<String, Error> {
    let mut crate_doc = format!("# {} {}\n\n", info.title, info.version);
    let description = docs::sanitise(&info.description);
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

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// Where a type is named from: inside `models`, or from another module of the crate.
#[derive(Clone, Copy)]
pub(crate) enum Scope {
    Models,
    Elsewhere,
}

pub(crate) fn type_tokens(ty: &RType, scope: Scope) -> TokenStream {
    match ty {
        RType::String => quote!(String),
        RType::Bool => quote!(bool),
        RType::I32 => quote!(i32),
        RType::I64 => quote!(i64),
        RType::F32 => quote!(f32),
        RType::F64 => quote!(f64),
        RType::Date => quote!(rt::chrono::NaiveDate),
        RType::DateTime => quote!(rt::DateTime),
        RType::Uuid => quote!(rt::uuid::Uuid),
        RType::File => quote!(rt::multipart::FilePart),
        RType::Json => quote!(rt::serde_json::Value),
        RType::JsonObject => quote!(rt::serde_json::Map<String, rt::serde_json::Value>),
        RType::Named(name) => {
            let name = ident(name);
            match scope {
                Scope::Models => quote!(#name),
                Scope::Elsewhere => quote!(models::#name),
            }
        }
        RType::Vec(inner) => {
            let inner = type_tokens(inner, scope);
            quote!(Vec<#inner>)
        }
        RType::Map(inner) => {
            let inner = type_tokens(inner, scope);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        RType::Option(inner) => {
            let inner = type_tokens(inner, scope);
            quote!(Option<#inner>)
        }
        RType::Boxed(inner) => {
            let inner = type_tokens(inner, scope);
            quote!(Box<#inner>)
        }
        RType::OneOrMany(inner) => {
            let inner = type_tokens(inner, scope);
            quote!(rt::OneOrMany<#inner>)
        }
    }
}

/// Parses `tokens` as a Rust file and formats it the way every generated file is formatted
/// (prettyplease, a blank line between items), after `header`. A parse failure is a bug of
/// whoever built the tokens, reported as [`Error::Unsupported`] at `pointer_for_errors`.
pub fn format_file(
    header: &str,
    tokens: TokenStream,
    pointer_for_errors: &str,
) -> Result<String, Error> {
    let code = unparse(tokens, pointer_for_errors)?;
    Ok(format!("{header}\n{}", space_items(&code)))
}

/// Tokens of a whole file, formatted by prettyplease (items back to back).
fn unparse(tokens: TokenStream, pointer_for_errors: &str) -> Result<String, Error> {
    let file = syn::parse2::<syn::File>(tokens).map_err(|e| Error::Unsupported {
        pointer: pointer_for_errors.to_owned(),
        message: format!("generated code did not parse ({e}); this is a generator bug"),
    })?;
    Ok(prettyplease::unparse(&file))
}

/// prettyplease puts items back to back; a blank line between items (not between fields or
/// statements) makes the files read like hand-formatted code.
fn space_items(code: &str) -> String {
    const ITEM_STARTS: &[&str] = &[
        "///",
        "#[",
        "#![",
        "pub ",
        "pub(crate) ",
        "impl",
        "fn ",
        "async fn ",
        "static ",
        "const ",
        "mod ",
        "use ",
        "type ",
    ];
    let mut out = String::with_capacity(code.len() + code.len() / 20);
    let mut previous = "";
    for line in code.lines() {
        let trimmed = line.trim_start();
        let previous_trimmed = previous.trim();
        let previous_is_comment = previous_trimmed.starts_with("//");
        let previous_closes =
            !previous_is_comment && (previous_trimmed == "}" || previous_trimmed.ends_with(';'));
        let both_uses = trimmed.starts_with("use ") && previous_trimmed.starts_with("use ")
            || trimmed.starts_with("pub use ") && previous_trimmed.starts_with("pub use ")
            || trimmed.starts_with("mod ") && previous_trimmed.starts_with("pub use ");
        let same_depth = line.len() - trimmed.len() <= previous.len() - previous.trim_start().len();
        if previous_closes
            && same_depth
            && !both_uses
            && ITEM_STARTS.iter().any(|start| trimmed.starts_with(start))
        {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        previous = line;
    }
    out
}

/// A run of top-level items of a file, rendered and formatted on its own. Top-level items
/// format independently, so a large file is cut into pieces that render on every core (see
/// [`crate::parallel`]) and are joined in order: how a file is cut never changes a byte of it.
pub(crate) struct Piece {
    code: String,
    /// Whether the items name something in `models` by a `models::` path, so that the file
    /// needs `use crate::models;`.
    mentions_models: bool,
}

impl Piece {
    /// Formats `tokens`, top-level items only (no inner attributes), outside `models`.
    fn items(tokens: TokenStream, pointer_for_errors: &str) -> Result<Piece, Error> {
        Ok(Piece {
            mentions_models: uses_path(&tokens, "models"),
            code: unparse(tokens, pointer_for_errors)?,
        })
    }

    /// Formats `tokens` of `models.rs`, which names its types without a `models::` path.
    fn models_items(tokens: TokenStream) -> Result<Piece, Error> {
        Ok(Piece {
            mentions_models: false,
            code: unparse(tokens, MODELS_POINTER)?,
        })
    }

    /// A file rendered whole, as a piece of its own.
    pub(crate) fn whole(contents: String) -> Piece {
        Piece {
            code: contents,
            mentions_models: false,
        }
    }

    /// The formatted code.
    pub(crate) fn code(&self) -> &str {
        &self.code
    }
}

/// A file from its formatted start (module docs, imports) and its pieces, spaced like
/// [`format_file`] spaces a file formatted whole.
fn join_pieces(info: &CrateInfo, start: String, pieces: &[Piece]) -> String {
    let mut code = start;
    code.reserve(pieces.iter().map(|piece| piece.code.len()).sum());
    for piece in pieces {
        code.push_str(&piece.code);
    }
    format!("{}\n{}", info.header, space_items(&code))
}

// ---------------------------------------------------------------------------------------------
// models.rs

/// One item of `models.rs`.
pub(crate) enum ModelItem<'m> {
    Type(&'m str, &'m TypeDef),
    Page(&'m str, &'m Page),
    Error(&'m ErrorBody),
}

/// How many items of `models.rs` make one [`Piece`]: enough that a piece is worth a job, few
/// enough that a large document's pieces keep every core busy to the end.
pub(crate) const MODEL_ITEMS_PER_PIECE: usize = 24;

const MODELS_POINTER: &str = "#/components/schemas";

/// The items of `models.rs`, in file order.
pub(crate) fn model_items(model: &Model) -> Vec<ModelItem<'_>> {
    (model.types.iter())
        .map(|(name, def)| ModelItem::Type(name, def))
        .chain(model.api.pages.iter().map(|(n, p)| ModelItem::Page(n, p)))
        .chain(model.api.error_bodies.iter().map(ModelItem::Error))
        .collect()
}

/// A run of [`model_items`], rendered and formatted.
pub(crate) fn models_piece(model: &Model, items: &[ModelItem<'_>]) -> Result<Piece, Error> {
    Piece::models_items(model_item_tokens(model, items))
}

/// `models.rs` from the pieces of all its items, in order.
pub(crate) fn models_file(info: &CrateInfo, pieces: &[Piece]) -> Result<String, Error> {
    let doc = quote! {
        //! Every type the API sends or receives.
    };
    Ok(join_pieces(info, unparse(doc, MODELS_POINTER)?, pieces))
}

fn model_item_tokens(model: &Model, items: &[ModelItem<'_>]) -> TokenStream {
    let plan = &model.features;
    let items = items.iter().map(|item| match item {
        ModelItem::Type(name, def) => {
            let cfg = plan.cfg_for_type(name);
            match def {
                TypeDef::Struct(s) => struct_tokens(s, model, &cfg),
                TypeDef::Enum(e) => enum_tokens(e, &cfg),
                TypeDef::Union(u) => union_tokens(u, model, &cfg),
                TypeDef::Alias(a) => {
                    let doc = type_doc(&a.doc, a.deprecated);
                    let name = ident(&a.name);
                    let ty = type_tokens(&a.ty, Scope::Models);
                    quote! { #cfg #doc pub type #name = #ty; }
                }
            }
        }
        ModelItem::Page(name, page) => page_tokens(name, page, &plan.cfg_for_type(name)),
        ModelItem::Error(body) => error_body_tokens(body, &plan.cfg_for_type(&body.name)),
    });
    quote!(#(#items)*)
}

/// Deprecated types stay usable without warnings inside the crate's own impls, so the type
/// says it in its docs, and every field and method using it carries `#[deprecated]`.
fn type_doc(doc: &str, deprecated: bool) -> TokenStream {
    if deprecated {
        let note = "**Deprecated:** the API marks this type as deprecated.";
        let text = if doc.is_empty() {
            note.to_owned()
        } else {
            format!("{doc}\n\n{note}")
        };
        docs::attributes(&text)
    } else {
        docs::attributes(doc)
    }
}

/// Whether `tokens` mention the path root `root` (`rt::...`), to import only what is used.
fn uses_path(tokens: &TokenStream, root: &str) -> bool {
    use proc_macro2::TokenTree;
    let mut previous_is_root = false;
    let mut colons = 0;
    for token in tokens.clone() {
        match &token {
            TokenTree::Group(group) if uses_path(&group.stream(), root) => return true,
            TokenTree::Ident(ident) => {
                previous_is_root = ident == root;
                colons = 0;
                continue;
            }
            TokenTree::Punct(p) if p.as_char() == ':' && previous_is_root => {
                colons += 1;
                if colons == 2 {
                    return true;
                }
                continue;
            }
            _ => {}
        }
        previous_is_root = false;
        colons = 0;
    }
    false
}

fn deprecated_attribute(deprecated: bool) -> TokenStream {
    if deprecated {
        quote!(#[deprecated])
    } else {
        TokenStream::new()
    }
}

/// serde's `rename_all = "camelCase"` rule for a field name, to know when a field needs an
/// explicit rename (most do not, which keeps the models readable).
fn serde_camel_case(field: &str) -> String {
    let mut pascal = String::new();
    let mut capitalize = true;
    for c in field.chars() {
        if c == '_' {
            capitalize = true;
        } else if capitalize {
            pascal.push(c.to_ascii_uppercase());
            capitalize = false;
        } else {
            pascal.push(c);
        }
    }
    let mut chars = pascal.chars();
    chars
        .next()
        .map(|first| first.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

fn struct_tokens(def: &StructDef, model: &Model, cfg: &TokenStream) -> TokenStream {
    let name = ident(&def.name);
    let doc = type_doc(&def.doc, def.deprecated);
    let camel_matches = def
        .fields
        .iter()
        .filter(|f| serde_camel_case(&f.rust_name) == f.wire_name)
        .count();
    let use_camel = camel_matches * 2 > def.fields.len();
    let rename_all = if use_camel {
        quote!(#[serde(rename_all = "camelCase")])
    } else {
        TokenStream::new()
    };
    let fields = def.fields.iter().map(|field| {
        let field_name = ident(&field.rust_name);
        let ty = type_tokens(&field.ty, Scope::Models);
        let doc = docs::attributes(&field.doc);
        let deprecated = deprecated_attribute(field.deprecated || model.uses_deprecated(&field.ty));
        let mut serde = Vec::new();
        let expected = if use_camel {
            serde_camel_case(&field.rust_name)
        } else {
            field.rust_name.clone()
        };
        if expected != field.wire_name {
            let wire = &field.wire_name;
            serde.push(quote!(rename = #wire));
        }
        let optional = matches!(field.ty, RType::Option(_));
        if optional {
            serde.push(quote!(default));
            if !field.required {
                serde.push(quote!(skip_serializing_if = "Option::is_none"));
            }
        }
        let serde = if serde.is_empty() {
            TokenStream::new()
        } else {
            quote!(#[serde(#(#serde),*)])
        };
        quote! { #doc #deprecated #serde pub #field_name: #ty, }
    });
    let additional = def.additional.as_ref().map(|ty| {
        let ty = type_tokens(ty, Scope::Models);
        quote! {
            /// Properties not named by the schema.
            #[serde(flatten)]
            pub additional_properties: std::collections::BTreeMap<String, #ty>,
        }
    });
    let default = if def.derive_default {
        quote!(Default,)
    } else {
        TokenStream::new()
    };
    let constructor = (!def.derive_default).then(|| constructor_tokens(def, model));
    let setters = def.setter_fields().map(|field| setter_tokens(field, model));
    quote! {
        #cfg
        #doc
        #[derive(Debug, Clone, PartialEq, #default serde::Serialize, serde::Deserialize)]
        #[non_exhaustive]
        #rename_all
        pub struct #name {
            #(#fields)*
            #additional
        }

        #cfg
        impl #name {
            #constructor
            #(#setters)*
        }
    }
}

/// `new(...)` taking the fields decided by `TypeSpace::finish`; every other field starts
/// empty (`None`) or at its type's default.
fn constructor_tokens(def: &StructDef, model: &Model) -> TokenStream {
    let taken: Vec<&Field> = def.constructor.iter().map(|&i| &def.fields[i]).collect();
    let args = taken.iter().map(|f| {
        let name = ident(&f.rust_name);
        let ty = argument_tokens(&f.ty);
        quote!(#name: #ty)
    });
    let inits = def.fields.iter().map(|f| {
        let name = ident(&f.rust_name);
        if taken.iter().any(|t| t.rust_name == f.rust_name) {
            match &f.ty {
                RType::Option(_) | RType::Boxed(_) | RType::String => {
                    let value = field_value(&f.ty, quote!(#name));
                    quote!(#name: #value)
                }
                _ => quote!(#name),
            }
        } else if matches!(f.ty, RType::Option(_)) {
            quote!(#name: None)
        } else {
            quote!(#name: Default::default())
        }
    });
    let additional = def
        .additional
        .as_ref()
        .map(|_| quote!(additional_properties: Default::default(),));
    // Setting a deprecated field to `None` is not a use of it; say so for this function only.
    let touches_deprecated = def
        .fields
        .iter()
        .any(|f| f.deprecated || model.uses_deprecated(&f.ty));
    let allow = touches_deprecated.then(|| quote!(#[allow(deprecated)]));
    let list: Vec<String> = taken.iter().map(|f| format!("`{}`", f.rust_name)).collect();
    let doc = if def.input {
        format!(
            " A value with the required fields ({}); set the others with the `with_*` methods.",
            list.join(", ")
        )
    } else {
        format!(
            " A value with the fields that have no default ({}); set the others with the `with_*` methods.",
            list.join(", ")
        )
    };
    let too_many = (taken.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #[doc = #doc]
        #allow
        #too_many
        pub fn new(#(#args),*) -> Self {
            Self { #(#inits,)* #additional }
        }
    }
}

/// `with_<field>(value)`: sets one field and returns the value, so a value reads as one chain.
fn setter_tokens(field: &Field, model: &Model) -> TokenStream {
    let name = ident(&field.rust_name);
    let setter = ident(&format!(
        "with_{}",
        field.rust_name.trim_start_matches("r#")
    ));
    let argument = argument_tokens(&field.ty);
    let value = field_value(&field.ty, quote!(value));
    let deprecated = field.deprecated || model.uses_deprecated(&field.ty);
    let attributes = deprecated.then(|| quote!(#[deprecated] #[allow(deprecated)]));
    let doc = format!(
        " Sets [`{0}`](Self::{0}).",
        field.rust_name.trim_start_matches("r#")
    );
    quote! {
        #[doc = #doc]
        #attributes
        pub fn #setter(mut self, value: #argument) -> Self {
            self.#name = #value;
            self
        }
    }
}

/// What a constructor or setter takes for a field of type `ty`: the value itself, without the
/// `Option` or `Box` the field stores it in; text as `impl Into<String>`.
fn argument_tokens(ty: &RType) -> TokenStream {
    match ty {
        RType::Option(inner) | RType::Boxed(inner) => argument_tokens(inner),
        RType::String => quote!(impl Into<String>),
        other => type_tokens(other, Scope::Models),
    }
}

/// `argument` (taken as [`argument_tokens`] says) turned into the field's type `ty`.
fn field_value(ty: &RType, argument: TokenStream) -> TokenStream {
    match ty {
        RType::Option(inner) => {
            let inner = field_value(inner, argument);
            quote!(Some(#inner))
        }
        RType::Boxed(inner) => {
            let inner = field_value(inner, argument);
            quote!(Box::new(#inner))
        }
        RType::String => quote!(#argument.into()),
        _ => argument,
    }
}

fn enum_tokens(def: &EnumDef, cfg: &TokenStream) -> TokenStream {
    let name = ident(&def.name);
    let doc = type_doc(&def.doc, def.deprecated);
    let fallback = ident(&def.fallback);
    let variants = def.variants.iter().map(|v| {
        let doc = docs::attributes(&v.doc);
        let variant = ident(&v.rust_name);
        quote! { #doc #variant, }
    });
    let to_wire = def.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let wire = &v.wire;
        quote! { Self::#variant => #wire, }
    });
    let wires = def.variants.iter().map(|v| &v.wire);
    let from_wire = def.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let wire = &v.wire;
        quote! { #wire => Self::#variant, }
    });
    let default = def.default.map(|index| {
        let variant = ident(&def.variants[index].rust_name);
        quote! {
            #cfg
            impl Default for #name {
                /// The default the API documents.
                fn default() -> Self {
                    Self::#variant
                }
            }
        }
    });
    quote! {
        #cfg
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the client does not know; kept as sent.
            #fallback(String),
        }

        #cfg
        impl #name {
            /// Every value this version of the client knows, as sent on the wire.
            pub const KNOWN_VALUES: &'static [&'static str] = &[#(#wires),*];

            /// Whether the server sent a value this version of the client does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::#fallback(_))
            }

            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_wire)*
                    Self::#fallback(other) => other,
                }
            }
        }

        #cfg
        impl rt::StringEnum for #name {
            fn from_wire(value: &str) -> Self {
                match value {
                    #(#from_wire)*
                    other => Self::#fallback(other.to_owned()),
                }
            }

            fn as_wire(&self) -> &str {
                self.as_str()
            }
        }

        #cfg
        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;

            /// Never fails: a value the client does not know becomes the fallback variant;
            /// check [`is_unknown`](Self::is_unknown) to reject it.
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(<Self as rt::StringEnum>::from_wire(value))
            }
        }

        #cfg
        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #cfg
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                rt::string_enum::serialize(self, serializer)
            }
        }

        #cfg
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                rt::string_enum::deserialize(deserializer)
            }
        }

        #default
    }
}

fn union_tokens(def: &UnionDef, model: &Model, cfg: &TokenStream) -> TokenStream {
    let name = ident(&def.name);
    let doc = type_doc(&def.doc, def.deprecated);
    let variants = def.variants.iter().map(|(variant, ty)| {
        let variant = ident(variant);
        let ty = type_tokens(ty, Scope::Models);
        let doc = format!(" The `{variant}` alternative.");
        quote! { #[doc = #doc] #variant(#ty), }
    });
    // Decoded by hand rather than by `#[serde(untagged)]`: serde decodes untagged variants from
    // a private buffer that the runtime's lenient adapter cannot reach, so a number sent for a
    // string inside a variant would fail there and nowhere else.
    let alternatives = def.variants.iter().map(|(variant, _)| {
        let variant = ident(variant);
        quote!(|value| value.decode().map(Self::#variant),)
    });
    let wire_name = &def.name;
    let param_value = def.is_param_text(&model.types).then(|| {
        let variants = def.variants.iter().map(|(variant, _)| ident(variant));
        quote! {
            #cfg
            /// Written as the alternative it holds, in a path, query or header.
            impl rt::ParamValue for #name {
                fn for_each_value(&self, f: &mut dyn FnMut(&str)) {
                    match self {
                        #(Self::#variants(value) => value.for_each_value(f),)*
                    }
                }
            }
        }
    });
    quote! {
        #cfg
        #doc
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }

        #param_value

        #cfg
        impl<'de> serde::Deserialize<'de> for #name {
            /// Tries each alternative in order; the first that accepts the value wins.
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                rt::lenient::untagged(deserializer, #wire_name, &[#(#alternatives)*])
            }
        }
    }
}

fn page_tokens(name: &str, page: &Page, cfg: &TokenStream) -> TokenStream {
    let name = ident(name);
    let item = type_tokens(&page.item, Scope::Models);
    let items = ident(&page.items_field);
    let has_more = ident(&page.has_more_field);
    let cursor = ident(&page.cursor_field);
    let items = if page.items_optional {
        quote!(self.#items.unwrap_or_default())
    } else {
        quote!(self.#items)
    };
    let has_more = if page.has_more_optional {
        quote!(self.#has_more.unwrap_or(false))
    } else {
        quote!(self.#has_more)
    };
    let cursor = match (page.cursor_optional, page.cursor_is_text) {
        (true, true) => quote!(self.#cursor),
        (false, true) => quote!(Some(self.#cursor)),
        (true, false) => quote!(self.#cursor.map(|cursor| cursor.to_string())),
        (false, false) => quote!(Some(self.#cursor.to_string())),
    };
    quote! {
        #cfg
        impl rt::Page for #name {
            type Item = #item;

            fn into_page(self) -> (Vec<Self::Item>, Option<String>) {
                let next = if #has_more { #cursor } else { None };
                (#items, next)
            }
        }
    }
}

/// The codes of `statuses` documented one by one (not as a range or `default`).
fn exact_codes<'a>(statuses: impl Iterator<Item = &'a str>) -> Vec<u16> {
    let mut codes: Vec<u16> = statuses.filter_map(|s| s.parse().ok()).collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// The match pattern of a documented status: its code; for a range (`4XX`), the range without
/// the codes in `exact`, which are documented on their own and matched before it (arms that
/// overlap are a clippy error in the generated crate); `_` for `default`.
fn status_pattern(status: &str, exact: &[u16]) -> TokenStream {
    match status.as_bytes() {
        [digit, b'X', b'X'] | [digit, b'x', b'x'] => {
            let low = u16::from(digit - b'0') * 100;
            let high = low + 99;
            let span = |from: u16, to: u16| {
                let (from_literal, to_literal) = (
                    proc_macro2::Literal::u16_unsuffixed(from),
                    proc_macro2::Literal::u16_unsuffixed(to),
                );
                if from == to {
                    quote!(#from_literal)
                } else {
                    quote!(#from_literal..=#to_literal)
                }
            };
            let mut parts = Vec::new();
            let mut next = low;
            for &code in exact.iter().filter(|code| (low..=high).contains(*code)) {
                if code > next {
                    parts.push(span(next, code - 1));
                }
                next = code + 1;
            }
            if next <= high {
                parts.push(span(next, high));
            }
            if parts.is_empty() {
                // Every code of the range is documented on its own: the range adds nothing.
                parts.push(span(low, high));
            }
            quote!(#(#parts)|*)
        }
        _ if status == "default" => quote!(_),
        _ => {
            let code = proc_macro2::Literal::u16_unsuffixed(status.parse().unwrap_or_default());
            quote!(#code)
        }
    }
}

fn error_body_tokens(body: &ErrorBody, cfg: &TokenStream) -> TokenStream {
    let name = ident(&body.name);
    // Exact codes first, then ranges, then `default`, as the spec intends.
    let mut statuses: Vec<_> = body.statuses.iter().collect();
    statuses.sort_by_key(|s| match s.status.as_str() {
        "default" => 2,
        s if s.contains(['X', 'x']) => 1,
        _ => 0,
    });
    let decode = |variant: Option<&str>, has_body: bool| match (variant, has_body) {
        (None, _) => quote!(Some(rt::decode_json(body))),
        (Some(variant), true) => {
            let variant = ident(variant);
            quote!(Some(rt::decode_json(body).map(Self::#variant)))
        }
        (Some(variant), false) => {
            let variant = ident(variant);
            quote!(Some(Ok(Self::#variant)))
        }
    };
    let shared = body.shared.is_some();
    let exact = exact_codes(statuses.iter().map(|s| s.status.as_str()));
    let arms: Vec<(TokenStream, TokenStream)> = if shared {
        // One body type for every status: one arm listing them all.
        let patterns = statuses.iter().map(|s| status_pattern(&s.status, &exact));
        vec![(quote!(#(#patterns)|*), decode(None, true))]
    } else {
        statuses
            .iter()
            .map(|s| {
                (
                    status_pattern(&s.status, &exact),
                    decode(Some(&s.variant), s.body.is_some()),
                )
            })
            .collect()
    };
    let has_default = statuses.iter().any(|s| s.status == "default");
    let function_body = match arms.as_slice() {
        // Only `default`: every status decodes the same way, no match needed.
        [(_, only)] if has_default => quote! {
            let _ = status;
            #only
        },
        _ => {
            let arms = arms
                .iter()
                .map(|(pattern, action)| quote!(#pattern => #action,));
            let fallthrough = (!has_default).then(|| quote!(_ => None,));
            quote! {
                match status.as_u16() {
                    #(#arms)*
                    #fallthrough
                }
            }
        }
    };
    // Statuses that all come without a body leave the body unread.
    let body_param = if shared || statuses.iter().any(|s| s.body.is_some()) {
        quote!(body)
    } else {
        quote!(_body)
    };
    let implementation = quote! {
        #cfg
        impl rt::ErrorBody for #name {
            fn from_status(status: rt::StatusCode, #body_param: &[u8]) -> Option<Result<Self, rt::DecodeError>> {
                #function_body
            }
        }
    };
    if shared {
        return implementation;
    }
    let variants = body.statuses.iter().map(|s| {
        let doc = docs::attributes(&format!("`{}`: {}", s.status, s.doc));
        let variant = ident(&s.variant);
        match &s.body {
            Some(ty) => {
                let ty = type_tokens(ty, Scope::Models);
                quote! { #doc #variant(#ty), }
            }
            None => quote! { #doc #variant, },
        }
    });
    let bodies = common_body_accessor(body, cfg);
    quote! {
        #cfg
        /// The documented error responses, by status.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }

        #implementation
        #bodies
    }
}

/// When every documented error body is one type `T`, or a `OneOrMany<T>` of it ("one error or a
/// list of them"), a `bodies()` accessor that reads them all as one slice: callers then read the
/// codes and messages of any error the same way, whichever form the response took.
fn common_body_accessor(body: &ErrorBody, cfg: &TokenStream) -> Option<TokenStream> {
    let named = |ty: &RType| match ty {
        RType::Named(name) => Some((name.clone(), false)),
        RType::OneOrMany(inner) => match inner.as_ref() {
            RType::Named(name) => Some((name.clone(), true)),
            _ => None,
        },
        _ => None,
    };
    let mut common: Option<String> = None;
    let mut arms = Vec::new();
    for status in &body.statuses {
        let variant = ident(&status.variant);
        match &status.body {
            None => arms.push(quote!(Self::#variant => &[],)),
            Some(ty) => {
                let (name, many) = named(ty)?;
                if common.get_or_insert_with(|| name.clone()) != &name {
                    return None;
                }
                arms.push(if many {
                    quote!(Self::#variant(body) => body.as_slice(),)
                } else {
                    quote!(Self::#variant(body) => std::slice::from_ref(body),)
                });
            }
        }
    }
    let common = ident(&common?);
    let name = ident(&body.name);
    Some(quote! {
        #cfg
        impl #name {
            /// The error bodies of this response as one list, whichever documented form (one
            /// object or a list of them) the response took; empty for a status documented
            /// without a body.
            pub fn bodies(&self) -> &[#common] {
                match self {
                    #(#arms)*
                }
            }
        }
    })
}

// ---------------------------------------------------------------------------------------------
// api/<group>.rs

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

/// How an input is held by the request builder and taken by its method or setter.
fn input_tokens(ty: &RType) -> (TokenStream, TokenStream, bool) {
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

fn inputs(op: &OperationDef) -> Vec<Input> {
    let mut inputs: Vec<Input> = op
        .params
        .iter()
        .map(|p: &Param| {
            let (field_ty, arg_ty, convert) = input_tokens(&p.ty);
            Input {
                name: ident(&p.rust_name),
                field_ty,
                arg_ty,
                convert,
                required: p.required,
                doc: p.doc.clone(),
                deprecated: p.deprecated,
            }
        })
        .collect();
    match &op.body {
        Some(
            Body::Json { ty, required, doc }
            | Body::Form {
                ty, required, doc, ..
            },
        ) => {
            let (field_ty, arg_ty) = body_input(ty);
            inputs.push(Input {
                name: ident("body"),
                field_ty,
                arg_ty,
                convert: false,
                required: *required,
                doc: doc.clone(),
                deprecated: false,
            });
        }
        Some(Body::Text { required, doc, .. }) => inputs.push(Input {
            name: ident("body"),
            field_ty: quote!(String),
            arg_ty: quote!(impl Into<String>),
            convert: true,
            required: *required,
            doc: doc.clone(),
            deprecated: false,
        }),
        Some(Body::Binary { required, doc, .. }) => inputs.push(Input {
            name: ident("body"),
            field_ty: quote!(rt::bytes::Bytes),
            arg_ty: quote!(impl Into<rt::bytes::Bytes>),
            convert: true,
            required: *required,
            doc: doc.clone(),
            deprecated: false,
        }),
        Some(Body::Multipart { parts }) => {
            for part in parts {
                let (field_ty, arg_ty, convert) = match &part.ty {
                    RType::File | RType::String => input_tokens(&part.ty),
                    other => {
                        let (field, arg) = body_input(other);
                        (field, arg, false)
                    }
                };
                inputs.push(Input {
                    name: ident(&part.rust_name),
                    field_ty,
                    arg_ty,
                    convert,
                    required: part.required,
                    doc: part.doc.clone(),
                    deprecated: false,
                });
            }
        }
        None => {}
    }
    inputs
}

/// The success type as the operation's group module names it.
fn success_type(op: &OperationDef) -> TokenStream {
    match &op.success {
        Success::Json(ty) => type_tokens(ty, Scope::Elsewhere),
        Success::Empty => quote!(()),
        Success::Bytes => quote!(rt::bytes::Bytes),
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
    doc.push_str("\n\nAwait the returned request (or call `send`) to perform it.");
    let doc = docs::attributes(&doc);
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
        #deprecated
        pub fn #method(&self, #(#args),*) -> #builder {
            #builder { client: self.client.clone(), #(#fields,)* options: rt::CallOptions::new() }
        }
    }
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
        Success::Bytes => (quote!(send_bytes), quote!(send_bytes_with_response)),
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
            /// request was sent, a reset connection, `502`, `504`, `503` without `Retry-After`),
            /// when the server may already have performed it. Off by default: sending it twice
            /// could perform it twice. Opt in only when that is harmless.
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
        Body::Text { media_type, .. } => quote!(.text(#value, #media_type)),
        Body::Binary { media_type, .. } => quote!(.bytes(#value, #media_type)),
        Body::Multipart { .. } => return None,
    })
}

/// The runtime's `&[(name, FormStyle)]` for a form body's styled properties.
pub(crate) fn form_styles(styles: &[(String, FormStyle)]) -> TokenStream {
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

/// The runtime's `FormStyle` value for `style`.
pub(crate) fn form_style(style: FormStyle) -> TokenStream {
    match style {
        FormStyle::Form { explode } => quote!(rt::FormStyle::Form { explode: #explode }),
        FormStyle::SpaceDelimited => quote!(rt::FormStyle::SpaceDelimited),
        FormStyle::PipeDelimited => quote!(rt::FormStyle::PipeDelimited),
        FormStyle::DeepObject => quote!(rt::FormStyle::DeepObject),
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
        Some(Body::Multipart { parts }) => optional_calls.push(multipart_statements(parts)),
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

// ---------------------------------------------------------------------------------------------
// lib.rs, api/mod.rs, Cargo.toml

pub(crate) fn api_module_file(
    info: &CrateInfo,
    api: &Api,
    plan: &FeaturePlan,
) -> Result<String, Error> {
    let modules = api.groups.iter().map(|g| {
        let module = ident(&g.module);
        let cfg = plan.cfg_for_group(&g.module);
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
    let user_agent = format!("{}/{}", info.crate_name, info.crate_version);
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
        let cfg = plan.cfg_for_group(&g.module);
        quote! {
            #doc
            #cfg
            pub fn #accessor(&self) -> api::#struct_name<'_> {
                api::#struct_name::new(self)
            }
        }
    });
    let tokens = quote! {
        #crate_doc

        pub mod api;
        #[cfg(feature = "mock")]
        pub mod mock;
        pub mod models;

        pub use rt::{BuildError, CallOptions, DateTime, Error, Response, RetryPolicy, Slice, from_json};
        /// The runtime shared by all generated clients (errors, retries, pagination, uploads).
        pub use rt as runtime;

        #result_alias

        #servers

        const DEFAULTS: rt::ApiDefaults = rt::ApiDefaults {
            user_agent: #user_agent,
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

/// The crate docs: title, description, a first example, warnings.
fn lib_docs(info: &CrateInfo, api: &Api) -> TokenStream {
    let mut crate_doc = format!("# {} {}\n\n", info.title, info.version);
    let description = docs::sanitise(&info.description);
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

/// `Result<T, E = ...>`: the error body most operations share is its default.
fn result_alias(api: &Api, plan: &FeaturePlan) -> TokenStream {
    // The error body most operations share is the alias's default; others name theirs.
    let mut error_counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for op in api.groups.iter().flat_map(|g| &g.operations) {
        if let Some(name) = &op.error {
            *error_counts.entry(name).or_default() += 1;
        }
    }
    let common_error = error_counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(name, _)| *name);
    match common_error {
        Some(name) => {
            let cfg = plan.cfg_for_type(name);
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
    let header: String = info
        .header
        .lines()
        .map(|l| format!("#{}\n", l.trim_start_matches("//")))
        .collect();
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
             # The runtime, named `rt` in the generated code whichever package provides it.\n\
             rt = {{ package = {runtime_package}, {runtime_source} }}\n\
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
         # The runtime, named `rt` in the generated code whichever package provides it.\n\
         rt = {{ package = {runtime_package}, {runtime_source} }}\n\
         serde = {{ version = \"1\", features = [\"derive\"] }}\n\n\
         # One feature per operation group (tag); turn off `default-features` and pick the groups\n\
         # you use to compile only their operations and the types they need.\n\
         [features]\ndefault = [{defaults}]\n{features}\n\
         # Typed test doubles (the `mock` module): a local mock server with an expectation per operation.\n\
         mock = [\"rt/mock\"]\n{workspace}",
        name = info.crate_name,
        version = info.crate_version,
        defaults = plan
            .features
            .iter()
            .map(|f| format!("\"{f}\""))
            .collect::<Vec<_>>()
            .join(", "),
        features = plan
            .features
            .iter()
            .map(|f| format!("{f} = []\n"))
            .collect::<String>(),
    )
}

/// A TOML basic string: quotes and backslashes escaped.
fn toml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_leaves_out_the_codes_documented_on_their_own() {
        let pattern = |status: &str, exact: &[u16]| status_pattern(status, exact).to_string();
        assert_eq!(
            pattern("2XX", &[200, 202, 299, 404]),
            quote!(201 | 203..=298).to_string()
        );
        assert_eq!(pattern("4XX", &[200]), quote!(400..=499).to_string());
        assert_eq!(pattern("404", &[404]), quote!(404).to_string());
        assert_eq!(pattern("default", &[404]), quote!(_).to_string());
    }

    #[test]
    fn camel_case_rule_matches_serde() {
        assert_eq!(serde_camel_case("first_name"), "firstName");
        assert_eq!(serde_camel_case("type_"), "type");
        assert_eq!(serde_camel_case("id"), "id");
    }
}
