//! What can only be judged once every type is defined: that no alias stands for itself, which
//! structs requests carry, and how users build each struct.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, Pointer};
use crate::model::{AliasDef, RType, StructDef, TypeDef};

/// Checks and decides what can only be judged once every type is defined: no alias may
/// stand for itself (`A: {$ref: B}`, `B: {$ref: A}` describes no value); which structs
/// requests carry (reachable from `request_types`); and how each struct is built, which
/// depends on types defined after it (see [`decide_construction`]).
pub(crate) fn finish<'t>(
    defs: &mut BTreeMap<String, TypeDef>,
    components: &BTreeMap<String, String>,
    request_types: impl IntoIterator<Item = &'t RType>,
) -> Result<(), Error> {
    let base = Pointer::root().join("components").join("schemas");
    for (key, name) in components {
        let mut current = name.clone();
        for _ in 0..=defs.len() {
            match defs.get(&current) {
                Some(TypeDef::Alias(AliasDef {
                    ty: RType::Named(next),
                    ..
                })) => current = next.clone(),
                Some(_) => break,
                None => {
                    return Err(Error::invalid(
                        &base.join(key),
                        "a cycle of references that never reaches a schema",
                    ));
                }
            }
            if current == *name {
                return Err(Error::invalid(
                    &base.join(key),
                    "a reference cycle: the schema is defined only in terms of itself",
                ));
            }
        }
    }
    mark_inputs(defs, request_types);
    decide_construction(defs);
    Ok(())
}

/// Marks every struct a request can carry, at any depth, as an input.
fn mark_inputs<'t>(
    defs: &mut BTreeMap<String, TypeDef>,
    request_types: impl IntoIterator<Item = &'t RType>,
) {
    let mut pending = BTreeSet::new();
    request_types
        .into_iter()
        .for_each(|ty| ty.all_names(&mut pending));
    let mut seen = BTreeSet::new();
    while let Some(name) = pending.pop_first() {
        if !seen.insert(name.clone()) {
            continue;
        }
        match defs.get_mut(&name) {
            Some(TypeDef::Struct(s)) => {
                s.input = true;
                s.fields.iter().for_each(|f| f.ty.all_names(&mut pending));
                if let Some(additional) = &s.additional {
                    additional.all_names(&mut pending);
                }
            }
            Some(TypeDef::Union(u)) => u
                .variants
                .iter()
                .for_each(|(_, ty)| ty.all_names(&mut pending)),
            Some(TypeDef::Alias(a)) => a.ty.all_names(&mut pending),
            Some(TypeDef::Enum(_)) | None => {}
        }
    }
}

/// How users build each struct, so that additions upstream stay additions in Rust:
///
/// - an *input* (a type sent in requests) has `new` taking its required fields, and
///   `Default` only when it has none: a value missing a required field does not compile;
/// - a type only ever received has `Default` (for tests and mocks) when every field type
///   has one, else `new` taking just the fields no default exists for (a date-time, an enum
///   without a documented default). A required property added to it upstream is then a
///   new field and a new setter, not a new constructor argument.
///
/// Every field `new` does not take gets a chainable `with_*` setter.
fn decide_construction(defs: &mut BTreeMap<String, TypeDef>) {
    // Fixpoint: deriving Default becomes possible as more types turn out to have it.
    loop {
        let candidates: Vec<String> = defs
            .iter()
            .filter_map(|(name, def)| match def {
                TypeDef::Struct(s) if !s.derive_default && can_derive_default(defs, s) => {
                    Some(name.clone())
                }
                TypeDef::Alias(a) if !a.default_possible && a.ty.has_default(defs) => {
                    Some(name.clone())
                }
                _ => None,
            })
            .collect();
        if candidates.is_empty() {
            break;
        }
        for name in candidates {
            match defs.get_mut(&name) {
                Some(TypeDef::Struct(s)) => s.derive_default = true,
                Some(TypeDef::Alias(a)) => a.default_possible = true,
                _ => {}
            }
        }
    }
    let constructors: Vec<(String, Vec<usize>)> = defs
        .iter()
        .filter_map(|(name, def)| match def {
            TypeDef::Struct(s) if !s.derive_default => {
                let taken = s.fields.iter().enumerate().filter(|(_, f)| {
                    !matches!(f.ty, RType::Option(_)) && (s.input || !f.ty.has_default(defs))
                });
                Some((name.clone(), taken.map(|(index, _)| index).collect()))
            }
            _ => None,
        })
        .collect();
    for (name, constructor) in constructors {
        if let Some(TypeDef::Struct(s)) = defs.get_mut(&name) {
            s.constructor = constructor;
        }
    }
}

fn can_derive_default(defs: &BTreeMap<String, TypeDef>, def: &StructDef) -> bool {
    let required_input = def.input && def.fields.iter().any(|f| !matches!(f.ty, RType::Option(_)));
    !required_input && def.fields.iter().all(|f| f.ty.has_default(defs))
}
