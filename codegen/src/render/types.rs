//! How a model type is spelled in Rust, inside `models` and from elsewhere in the crate.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::model::RType;

pub(super) fn ident(name: &str) -> Ident {
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

impl std::fmt::Display for RType {
    /// The type as `models.rs` spells it (`Option<Vec<Customer>>`, `rt::DateTime`), as the
    /// change report names it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tokens = type_tokens(self, Scope::Models).to_string();
        // Token streams print `Option < Vec < X > >`; people write `Option<Vec<X>>`.
        let text = tokens
            .replace(" :: ", "::")
            .replace(" < ", "<")
            .replace(" <", "<")
            .replace(" >", ">")
            .replace(" ,", ",");
        f.write_str(&text)
    }
}

impl RType {
    /// The type as code outside `models` names it (`Vec<models::Customer>`), for tools that
    /// write calls of a generated crate.
    pub fn path_tokens(&self) -> TokenStream {
        type_tokens(self, Scope::Elsewhere)
    }
}
