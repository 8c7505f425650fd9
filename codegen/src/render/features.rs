//! Feature gates as `#[cfg(...)]` attributes.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::FeaturePlan;

/// `#[cfg(...)]` for the items of type `name`, or nothing when it is always compiled.
pub(crate) fn type_cfg(plan: &FeaturePlan, name: &str) -> TokenStream {
    match plan.gates.get(name) {
        Some(features) => cfg_any(features.iter()),
        None => TokenStream::new(),
    }
}

/// `#[cfg(feature = "...")]` for a group's module and accessor.
pub(crate) fn group_cfg(plan: &FeaturePlan, module: &str) -> TokenStream {
    cfg_any(plan.groups.get(module).into_iter())
}

fn cfg_any<'a>(features: impl Iterator<Item = &'a String>) -> TokenStream {
    let features: Vec<&String> = features.collect();
    match features.as_slice() {
        [one] => quote!(#[cfg(feature = #one)]),
        many => quote!(#[cfg(any(#(feature = #many),*))]),
    }
}
