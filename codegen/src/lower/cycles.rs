//! Types that would contain themselves (`Node { next: Option<Node> }`) get a `Box` on the
//! fields and variants that close the cycle.

use std::collections::BTreeMap;

use crate::model::{RType, TypeDef};

/// Boxes every field and variant that would otherwise make a type contain itself.
pub(crate) fn break_cycles(defs: &mut BTreeMap<String, TypeDef>) {
    let mut edges: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, def) in defs.iter() {
        let mut direct = Vec::new();
        match def {
            TypeDef::Struct(s) => s.fields.iter().for_each(|f| f.ty.direct_names(&mut direct)),
            TypeDef::Union(u) => u
                .variants
                .iter()
                .for_each(|(_, ty)| ty.direct_names(&mut direct)),
            TypeDef::Alias(a) => a.ty.direct_names(&mut direct),
            TypeDef::Enum(_) => {}
        }
        edges.insert(name.clone(), direct);
    }
    // A field of `name` that names `target` directly closes a cycle when `target` reaches
    // `name` again: when both are in one strongly connected component.
    let component = strongly_connected_components(&edges);
    let mut boxes = Vec::new();
    for (name, def) in defs.iter() {
        let types: Vec<&RType> = match def {
            TypeDef::Struct(s) => s.fields.iter().map(|f| &f.ty).collect(),
            TypeDef::Union(u) => u.variants.iter().map(|(_, ty)| ty).collect(),
            _ => continue,
        };
        let Some(own) = component.get(name.as_str()) else {
            continue;
        };
        for (index, ty) in types.into_iter().enumerate() {
            let mut direct = Vec::new();
            ty.direct_names(&mut direct);
            if direct
                .iter()
                .any(|target| component.get(target.as_str()) == Some(own))
            {
                boxes.push((name.clone(), index));
            }
        }
    }
    for (name, index) in boxes {
        match defs.get_mut(&name) {
            Some(TypeDef::Struct(s)) => box_type(&mut s.fields[index].ty),
            Some(TypeDef::Union(u)) => box_type(&mut u.variants[index].1),
            _ => {}
        }
    }
}

/// The strongly connected component of every node of `edges` (node -> the nodes it names),
/// by Tarjan's algorithm: two nodes share a component exactly when each reaches the other.
/// Iterative, so that a long chain of references cannot overflow the stack; edges to names
/// that are not nodes are ignored.
fn strongly_connected_components(edges: &BTreeMap<String, Vec<String>>) -> BTreeMap<&str, usize> {
    const UNVISITED: usize = usize::MAX;
    let position: BTreeMap<&str, usize> = (edges.keys().enumerate())
        .map(|(i, name)| (name.as_str(), i))
        .collect();
    let successors: Vec<Vec<usize>> = (edges.values())
        .map(|targets| {
            (targets.iter())
                .filter_map(|target| position.get(target.as_str()).copied())
                .collect()
        })
        .collect();
    let count = successors.len();
    let (mut index, mut low) = (vec![UNVISITED; count], vec![0; count]);
    let (mut on_stack, mut stack) = (vec![false; count], Vec::new());
    let mut component = vec![0; count];
    let (mut next_index, mut next_component) = (0, 0);
    for root in 0..count {
        if index[root] != UNVISITED {
            continue;
        }
        // (node, how many of its successors have been looked at)
        let mut work = vec![(root, 0)];
        while let Some((node, seen)) = work.pop() {
            if seen == 0 {
                (index[node], low[node]) = (next_index, next_index);
                next_index += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            let unvisited =
                (successors[node].iter().enumerate().skip(seen)).find(|&(_, &target)| {
                    if index[target] == UNVISITED {
                        return true;
                    }
                    if on_stack[target] {
                        low[node] = low[node].min(index[target]);
                    }
                    false
                });
            if let Some((at, &target)) = unvisited {
                work.push((node, at + 1));
                work.push((target, 0));
                continue;
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
        }
    }
    (position.into_iter())
        .map(|(name, i)| (name, component[i]))
        .collect()
}

/// `T` -> `Box<T>`, `Option<T>` -> `Option<Box<T>>`.
pub(super) fn box_type(ty: &mut RType) {
    *ty = match std::mem::replace(ty, RType::Json) {
        RType::Option(inner) => RType::Option(Box::new(RType::Boxed(inner))),
        other => RType::Boxed(Box::new(other)),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(edges: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        (edges.iter())
            .map(|(from, to)| (from.to_string(), to.iter().map(|t| t.to_string()).collect()))
            .collect()
    }

    #[test]
    fn nodes_share_a_component_exactly_when_each_reaches_the_other() {
        // a -> b -> c -> a is a cycle; d -> a hangs off it; e names itself; f names nothing
        // and g names a type that is not a node.
        let edges = graph(&[
            ("a", &["b"]),
            ("b", &["c"]),
            ("c", &["a", "d"]),
            ("d", &["a"]),
            ("e", &["e", "a"]),
            ("f", &[]),
            ("g", &["missing"]),
        ]);
        let component = strongly_connected_components(&edges);
        let cycle = component["a"];
        for name in ["b", "c", "d"] {
            assert_eq!(component[name], cycle, "{name}");
        }
        for name in ["e", "f", "g"] {
            assert_ne!(component[name], cycle, "{name}");
        }
        assert_ne!(component["e"], component["f"]);
        assert_ne!(component["f"], component["g"]);
        assert!(!component.contains_key("missing"));
    }

    #[test]
    fn a_long_chain_does_not_overflow_the_stack() {
        // 200 000 types, each naming the next, the last naming the first: one component.
        let count = 200_000;
        let edges: BTreeMap<String, Vec<String>> = (0..count)
            .map(|i| (format!("t{i}"), vec![format!("t{}", (i + 1) % count)]))
            .collect();
        let component = strongly_connected_components(&edges);
        assert!(component.values().all(|&c| c == component["t0"]));
    }
}
