//! Keeping union enums small: every value of an enum takes the size of its largest variant, so
//! one large alternative (an expanded object next to its id, say) makes every value large.
//! Variants much larger than the others are boxed, by an estimate of each type's size in bytes
//! on a 64-bit target. The threshold is clippy's `large_enum_variant` default, so the generated
//! code passes it without an `allow`.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Api, RType, StatusBody, Success, TypeDef};

/// How much larger than the next largest a variant may be before it is boxed.
const LARGE_VARIANT_BYTES: usize = 200;

/// Boxes union variants much larger than their siblings.
pub(crate) fn box_large_variants(defs: &mut BTreeMap<String, TypeDef>) {
    for (name, index) in large_variants(defs) {
        if let Some(TypeDef::Union(u)) = defs.get_mut(&name)
            && let Some((_, ty)) = u.variants.get_mut(index)
        {
            super::cycles::box_type(ty);
        }
    }
}

/// Boxes the bodies of status-keyed success enums ([`Success::Several`]) much larger than their
/// siblings, by the same rule as union variants: a large `200` body beside an empty `204` would
/// make every `204` as large. Runs after [`box_large_variants`], so it sizes unions boxed.
pub(crate) fn box_large_success_bodies(defs: &BTreeMap<String, TypeDef>, api: &mut Api) {
    let mut estimate = Estimate::new(defs);
    let operations = api.groups.iter_mut().flat_map(|g| g.operations.iter_mut());
    for op in operations {
        let Success::Several { statuses, .. } = &mut op.success else {
            continue;
        };
        let mut sizes: Vec<(usize, usize)> = statuses
            .iter()
            .enumerate()
            .map(|(index, status)| {
                let size = match &status.body {
                    StatusBody::Json(ty) => estimate.of(ty),
                    // `bytes::Bytes`: a pointer, a length, data and a vtable.
                    StatusBody::Bytes => 32,
                    StatusBody::Empty => 0,
                };
                (size, index)
            })
            .collect();
        estimate.boxes.clear();
        estimate.box_large(&op.id, &mut sizes);
        for (_, index) in estimate.boxes.drain(..) {
            if let StatusBody::Json(ty) = &mut statuses[index].body {
                super::cycles::box_type(ty);
            }
        }
    }
}

/// Where union variants should be boxed: (union name, variant index), in name order.
fn large_variants(defs: &BTreeMap<String, TypeDef>) -> Vec<(String, usize)> {
    let mut estimate = Estimate::new(defs);
    for name in defs.keys() {
        estimate.named(name);
    }
    estimate.boxes.sort();
    estimate.boxes
}

struct Estimate<'a> {
    defs: &'a BTreeMap<String, TypeDef>,
    /// Sizes of named types, unions as they are once their large variants are boxed.
    sizes: BTreeMap<String, usize>,
    /// Types being sized, to stop at a cycle that is not boxed yet.
    visiting: BTreeSet<String>,
    boxes: Vec<(String, usize)>,
}

impl<'a> Estimate<'a> {
    fn new(defs: &'a BTreeMap<String, TypeDef>) -> Self {
        Estimate {
            defs,
            sizes: BTreeMap::new(),
            visiting: BTreeSet::new(),
            boxes: Vec::new(),
        }
    }

    fn of(&mut self, ty: &RType) -> usize {
        match ty {
            RType::Bool => 1,
            RType::I32 | RType::F32 | RType::Date => 4,
            RType::I64 | RType::F64 | RType::Boxed(_) => 8,
            RType::Uuid => 16,
            RType::String | RType::Vec(_) | RType::Map(_) => 24,
            RType::DateTime | RType::File => 64,
            // With `serde_json`'s `preserve_order` (an `IndexMap` inside), the larger case.
            RType::Json | RType::JsonObject => 80,
            // Scalars get a tag, padded to their alignment; everything else has spare bits
            // (a pointer, a length, an enum's tag) that `None` fits in.
            RType::Option(inner) => match inner.as_ref() {
                RType::Bool => 1,
                RType::I32 | RType::F32 | RType::Date => 8,
                RType::I64 | RType::F64 => 16,
                RType::Uuid => 24,
                other => self.of(other),
            },
            RType::OneOrMany(inner) => self.of(inner).max(24) + 8,
            RType::Named(name) => self.named(name),
        }
    }

    fn named(&mut self, name: &str) -> usize {
        if let Some(size) = self.sizes.get(name) {
            return *size;
        }
        if !self.visiting.insert(name.to_owned()) {
            return 8;
        }
        let size = match self.defs.get(name) {
            Some(TypeDef::Struct(s)) => {
                let fields: usize = s.fields.iter().map(|f| self.of(&f.ty)).sum();
                let additional = s.additional.as_ref().map_or(0, |_| 24);
                round_up(fields + additional)
            }
            Some(TypeDef::Union(u)) => {
                let mut sizes: Vec<(usize, usize)> = u
                    .variants
                    .iter()
                    .enumerate()
                    .map(|(index, (_, ty))| (self.of(ty), index))
                    .collect();
                if u.discriminator.is_some() {
                    // The variant keeping an unknown tag's JSON, which rendering adds; its index
                    // is past the model's variants, and being small it is never the one boxed.
                    sizes.push((self.of(&RType::Json), u.variants.len()));
                }
                self.box_large(name, &mut sizes);
                round_up(sizes.iter().map(|(size, _)| *size).max().unwrap_or(0) + 8)
            }
            Some(TypeDef::Alias(a)) => self.of(&a.ty),
            // String enums keep unknown values as text.
            Some(TypeDef::Enum(_)) | None => 24,
        };
        self.visiting.remove(name);
        self.sizes.insert(name.to_owned(), size);
        size
    }

    /// Boxes the largest variant while it is much larger than the next one.
    fn box_large(&mut self, union: &str, sizes: &mut [(usize, usize)]) {
        loop {
            sizes.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            match sizes {
                [(largest, index), (next, _), ..] if *largest >= *next + LARGE_VARIANT_BYTES => {
                    self.boxes.push((union.to_owned(), *index));
                    *largest = 8;
                }
                _ => return,
            }
        }
    }
}

fn round_up(size: usize) -> usize {
    size.div_ceil(8) * 8
}
