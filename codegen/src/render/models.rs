//! `src/models.rs`: a struct, enum, union or alias per schema, page types and error bodies.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::deprecated_attribute;
use super::status::{exact_codes, status_pattern};
use super::types::{Scope, ident, type_tokens};
use super::{CrateInfo, MODELS_POINTER, Piece, docs, features, join_pieces, unparse};
use crate::error::Error;
use crate::model::{
    Discriminator, EnumDef, ErrorBody, Field, Model, Page, RType, StructDef, TypeDef, UnionDef,
};

/// One item of `models.rs`.
pub(crate) enum ModelItem<'m> {
    Type(&'m str, &'m TypeDef),
    Page(&'m str, &'m Page),
    Error(&'m ErrorBody),
}

/// How many items of `models.rs` make one [`Piece`]: enough that a piece is worth a job, few
/// enough that a large document's pieces keep every core busy to the end.
pub(crate) const MODEL_ITEMS_PER_PIECE: usize = 24;

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
            let cfg = features::type_cfg(plan, name);
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
        ModelItem::Page(name, page) => page_tokens(name, page, &features::type_cfg(plan, name)),
        ModelItem::Error(body) => error_body_tokens(body, &features::type_cfg(plan, &body.name)),
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
    let tag_attribute = def.tag.as_ref().map(|tag| {
        let (property, value) = (&tag.property, &tag.value);
        quote!(#[serde(tag = #property, rename(serialize = #value))])
    });
    let consumed_tag = consumed_tag_property(def).map(|property| {
        quote! {
            #[serde(rename = #property, default, skip_serializing)]
            _discriminator: serde::de::IgnoredAny,
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
        #tag_attribute
        pub struct #name {
            #(#fields)*
            #additional
            #consumed_tag
        }

        #cfg
        impl #name {
            #constructor
            #(#setters)*
        }
    }
}

/// The tag property a struct with extra properties reads into a field of its own, so that
/// the tag is never kept among the extra properties and written twice.
fn consumed_tag_property(def: &StructDef) -> Option<&str> {
    def.additional.as_ref()?;
    def.tag_property.as_deref()
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
    let consumed_tag =
        consumed_tag_property(def).map(|_| quote!(_discriminator: Default::default(),));
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
            Self { #(#inits,)* #additional #consumed_tag }
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

/// A string enum: the type, its wire values written once (`KNOWN_VALUES`) and its known
/// variants once more in the same order (`rt::StringEnum::VARIANTS`); the runtime's provided
/// methods match a value to a variant and back, so no impl here has a `match` per variant.
fn enum_tokens(def: &EnumDef, cfg: &TokenStream) -> TokenStream {
    let name = ident(&def.name);
    let doc = type_doc(&def.doc, def.deprecated);
    let fallback = ident(&def.fallback);
    let variants = def.variants.iter().map(|v| {
        let doc = docs::attributes(&v.doc);
        let variant = ident(&v.rust_name);
        quote! { #doc #variant, }
    });
    let wires = def.variants.iter().map(|v| &v.wire);
    let known = def.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        quote!(Self::#variant)
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
                rt::StringEnum::as_wire(self)
            }
        }

        #cfg
        impl rt::StringEnum for #name {
            const VARIANTS: &'static [Self] = &[#(#known),*];
            const WIRE_VALUES: &'static [&'static str] = Self::KNOWN_VALUES;

            fn unknown(value: String) -> Self {
                Self::#fallback(value)
            }

            fn unknown_value(&self) -> Option<&str> {
                match self {
                    Self::#fallback(value) => Some(value),
                    _ => None,
                }
            }
        }

        #cfg
        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;

            /// Never fails: a value the client does not know becomes the fallback variant;
            /// check [`is_unknown`](Self::is_unknown) to reject it.
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(rt::StringEnum::from_wire(value))
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
    if let Some(discriminator) = &def.discriminator {
        return discriminated_tokens(def, discriminator, model, cfg);
    }
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

/// A discriminated union: decoded by its tag alone (a tag it does not know kept as JSON in the
/// fallback variant), encoded with the tag of its variant, which the caller never writes.
fn discriminated_tokens(
    def: &UnionDef,
    discriminator: &Discriminator,
    model: &Model,
    cfg: &TokenStream,
) -> TokenStream {
    let name = ident(&def.name);
    let property = &discriminator.property;
    let fallback = ident(&discriminator.fallback);
    let json = type_tokens(&RType::Json, Scope::Models);
    let listed: Vec<String> = (def.variants.iter().zip(&discriminator.tags))
        .map(|((variant, _), tag)| format!("`{tag}` ([`{variant}`](Self::{variant}))"))
        .collect();
    let how = format!(
        "Told apart by the `{property}` property: {}; any other value decodes as [`{}`](Self::{}), keeping the JSON as sent. Encoding writes the tag of the variant.",
        listed.join(", "),
        discriminator.fallback,
        discriminator.fallback
    );
    let doc = type_doc(
        &if def.doc.is_empty() {
            how
        } else {
            format!("{}\n\n{how}", def.doc)
        },
        def.deprecated,
    );
    let variants = (def.variants.iter().zip(&discriminator.tags)).map(|((variant, ty), tag)| {
        let variant = ident(variant);
        let ty = type_tokens(ty, Scope::Models);
        let doc = format!(" `\"{property}\": \"{tag}\"`.");
        quote! { #[doc = #doc] #variant(#ty), }
    });
    let decode = (def.variants.iter().zip(&discriminator.tags)).map(|((variant, _), tag)| {
        let variant = ident(variant);
        quote!(#tag => rt::lenient::from_value(value).map(Self::#variant),)
    });
    let encode = (def.variants.iter().zip(&discriminator.tags)).map(|((variant, ty), tag)| {
        let variant = ident(variant);
        if writes_own_tag(model, ty, property, tag) {
            quote!(Self::#variant(value) => serde::Serialize::serialize(value, serializer),)
        } else {
            quote!(Self::#variant(value) => rt::discriminator::serialize(serializer, #property, #tag, value),)
        }
    });
    let tag_arms = (def.variants.iter().zip(&discriminator.tags)).map(|((variant, _), tag)| {
        let variant = ident(variant);
        quote!(Self::#variant(_) => Some(#tag),)
    });
    quote! {
        #cfg
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A tag this version of the client does not know: the value as sent.
            #fallback(#json),
        }

        #cfg
        impl #name {
            /// The value's tag, as sent on the wire (`None` only for a fallback value without one).
            pub fn tag(&self) -> Option<&str> {
                match self {
                    #(#tag_arms)*
                    Self::#fallback(value) => value.get(#property).and_then(|tag| tag.as_str()),
                }
            }

            /// Whether the value carries a tag this version of the client does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::#fallback(_))
            }
        }

        #cfg
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#encode)*
                    Self::#fallback(value) => serde::Serialize::serialize(value, serializer),
                }
            }
        }

        #cfg
        impl<'de> serde::Deserialize<'de> for #name {
            /// The variant the tag names; a tag this client does not know keeps the JSON.
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                rt::discriminator::deserialize(deserializer, #property, |tag, value| {
                    Some(match tag {
                        #(#decode)*
                        _ => return None,
                    })
                }, Self::#fallback)
            }
        }
    }
}

/// Whether the variant type is a struct that writes this tag itself.
fn writes_own_tag(model: &Model, ty: &RType, property: &str, tag: &str) -> bool {
    let ty = match ty {
        RType::Boxed(inner) => inner.as_ref(),
        other => other,
    };
    let RType::Named(name) = ty else {
        return false;
    };
    match model.get(name) {
        Some(TypeDef::Struct(s)) => s
            .tag
            .as_ref()
            .is_some_and(|t| t.property == property && t.value == tag),
        _ => false,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_rule_matches_serde() {
        assert_eq!(serde_camel_case("first_name"), "firstName");
        assert_eq!(serde_camel_case("type_"), "type");
        assert_eq!(serde_camel_case("id"), "id");
    }
}
