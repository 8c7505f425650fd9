//! One cargo feature per operation group, so an application that uses a few groups compiles a
//! fraction of the crate. A type is compiled when any feature whose operations reach it (through
//! parameters, bodies, responses, errors and the fields of those types) is on.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Api, Body, FeaturePlan, TypeDef};

/// Which cargo features each type of `types` needs, from the operations of `api` that reach it.
pub(crate) fn plan(types: &BTreeMap<String, TypeDef>, api: &Api) -> FeaturePlan {
    let features: Vec<String> = api.groups.iter().map(|g| feature_name(&g.module)).collect();
    let edges = type_edges(types, api);
    let mut users: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for group in &api.groups {
        let mut roots = BTreeSet::new();
        for op in &group.operations {
            op.params.iter().for_each(|p| p.ty.all_names(&mut roots));
            for ty in op.body.iter().flat_map(Body::types) {
                ty.all_names(&mut roots);
            }
            for ty in op.success.body_types() {
                ty.all_names(&mut roots);
            }
            if let Some(pagination) = &op.pagination {
                pagination.item.all_names(&mut roots);
            }
            roots.extend(op.error.clone());
        }
        for name in reachable(&edges, roots) {
            users
                .entry(name)
                .or_default()
                .insert(feature_name(&group.module));
        }
    }
    let all: BTreeSet<String> = features.iter().cloned().collect();
    let gates = users
        .into_iter()
        .filter(|(_, groups)| *groups != all)
        .collect();
    let groups = (api.groups.iter())
        .map(|g| (g.module.clone(), feature_name(&g.module)))
        .collect();
    FeaturePlan {
        features,
        groups,
        gates,
    }
}

/// Cargo feature names are conventionally kebab-case: `customers_self_service` ->
/// `customers-self-service`.
fn feature_name(module: &str) -> String {
    module.replace('_', "-")
}

/// Type name -> names of the types it mentions.
fn type_edges(types: &BTreeMap<String, TypeDef>, api: &Api) -> BTreeMap<String, BTreeSet<String>> {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, def) in types {
        let mut out = BTreeSet::new();
        match def {
            TypeDef::Struct(s) => {
                s.fields.iter().for_each(|f| f.ty.all_names(&mut out));
                if let Some(additional) = &s.additional {
                    additional.all_names(&mut out);
                }
            }
            TypeDef::Union(u) => u.variants.iter().for_each(|(_, ty)| ty.all_names(&mut out)),
            TypeDef::Alias(a) => a.ty.all_names(&mut out),
            TypeDef::Enum(_) => {}
        }
        edges.insert(name.clone(), out);
    }
    for body in &api.error_bodies {
        let entry = edges.entry(body.name.clone()).or_default();
        body.statuses
            .iter()
            .filter_map(|s| s.body.as_ref())
            .for_each(|ty| ty.all_names(entry));
    }
    edges
}

fn reachable(
    edges: &BTreeMap<String, BTreeSet<String>>,
    roots: BTreeSet<String>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<String> = roots.into_iter().collect();
    while let Some(name) = stack.pop() {
        if seen.insert(name.clone()) {
            stack.extend(edges.get(&name).into_iter().flatten().cloned());
        }
    }
    seen
}
