//! Two models in, the changes of the generated crate's public API out.
//!
//! Every judgement is about Rust: a field of a `#[non_exhaustive]` struct may come and go
//! without breaking a struct literal (there are none outside the crate), a constructor's
//! arguments may not change, and so on. See the crate docs for the rule.

use std::collections::BTreeMap;

use codegen::model::{
    EnumDef, ErrorBody, Group, InputType, Model, OperationDef, RType, StatusBody, StructDef,
    Success, SuccessStatus, TypeDef, UnionDef,
};

use crate::report::{Change, ChangeKind, Item, Severity};

use ChangeKind::*;
use Severity::{Breaking, NonBreaking};

/// Every change from `old` to `new`, unsorted.
pub(crate) fn changes(old: &Model, new: &Model) -> Vec<Change> {
    let mut out = Changes::default();
    let renames = renamed_types(old, new);
    for (before, after) in &renames {
        let detail = format!("renamed to `{after}`");
        let cause = new.types[after].pointer();
        out.push(
            TypeRenamed,
            Item::Type(before.clone()),
            Breaking,
            detail,
            cause,
        );
    }
    // The old model with the new names: the rest of the comparison sees each renamed type as
    // the same type, so its mentions are unchanged and its own changes are listed once.
    let renamed_old;
    let old = if renames.is_empty() {
        old
    } else {
        renamed_old = {
            let mut model = old.clone();
            model.rename_types(&renames);
            model
        };
        &renamed_old
    };
    types(old, new, &mut out);
    error_bodies(old, new, &mut out);
    groups(old, new, &mut out);
    features(old, new, &mut out);
    out.0
}

/// The types `new` calls otherwise than `old` (old name -> new name). Each model records the
/// name the generator gave each type its name settings renamed ([`Model::renamed_types`]): a
/// type is the same type when the generator gave it the same name, whatever the settings made
/// of it on each side.
fn renamed_types(old: &Model, new: &Model) -> BTreeMap<String, String> {
    let generated: BTreeMap<&str, &str> = (old.renamed_types.iter())
        .map(|(generated, used)| (used.as_str(), generated.as_str()))
        .collect();
    (old.types.keys())
        .filter_map(|name| {
            let generated = generated.get(name.as_str()).copied().unwrap_or(name);
            let now = new
                .renamed_types
                .get(generated)
                .map_or(generated, String::as_str);
            (now != name && new.types.contains_key(now)).then(|| (name.clone(), now.to_owned()))
        })
        .collect()
}

#[derive(Default)]
struct Changes(Vec<Change>);

impl Changes {
    fn push(
        &mut self,
        kind: ChangeKind,
        item: Item,
        severity: Severity,
        detail: impl Into<String>,
        cause: &str,
    ) {
        self.0.push(Change {
            kind,
            item,
            severity,
            detail: detail.into(),
            cause: cause.to_owned(),
        });
    }

    /// A deprecation the new side adds (removing one breaks nothing and is not reported).
    fn deprecation(&mut self, before: bool, after: bool, item: Item, cause: &str) {
        if after && !before {
            self.push(
                Deprecated,
                item,
                NonBreaking,
                "now `#[deprecated]`: uses warn",
                cause,
            );
        }
    }
}

/// One item matched by key between the old and the new side.
enum Pair<'a, T> {
    Removed(&'a T),
    Added(&'a T),
    Both(&'a T, &'a T),
}

/// Matches `old` and `new` items by key: removed and kept ones in old order, then added ones.
fn pairs<'a, K: Ord, T>(
    old: impl IntoIterator<Item = (K, &'a T)>,
    new: impl IntoIterator<Item = (K, &'a T)>,
) -> Vec<Pair<'a, T>> {
    let old: BTreeMap<K, &T> = old.into_iter().collect();
    let new: BTreeMap<K, &T> = new.into_iter().collect();
    let mut pairs: Vec<Pair<'a, T>> = old
        .iter()
        .map(|(key, &before)| match new.get(key) {
            Some(&after) => Pair::Both(before, after),
            None => Pair::Removed(before),
        })
        .collect();
    let added = new.iter().filter(|(key, _)| !old.contains_key(key));
    pairs.extend(added.map(|(_, after)| Pair::Added(*after)));
    pairs
}

// ---------------------------------------------------------------------------------------------
// Types

fn types(old: &Model, new: &Model, out: &mut Changes) {
    let mut both = Vec::new();
    for pair in pairs(old.types.iter(), new.types.iter()) {
        match pair {
            Pair::Removed(before) => {
                let detail = format!("{} removed", kind_word(before));
                out.push(
                    TypeRemoved,
                    Item::Type(before.name().to_owned()),
                    Breaking,
                    detail,
                    before.pointer(),
                );
            }
            Pair::Added(after) => {
                let detail = format!("new {}", kind_word(after));
                out.push(
                    TypeAdded,
                    Item::Type(after.name().to_owned()),
                    NonBreaking,
                    detail,
                    after.pointer(),
                );
            }
            Pair::Both(before, after) => both.push((before, after)),
        }
    }
    for (before, after) in both {
        type_changes(before, after, out);
    }
}

fn kind_word(def: &TypeDef) -> &'static str {
    match def {
        TypeDef::Struct(_) => "struct",
        TypeDef::Enum(_) => "enum",
        TypeDef::Union(_) => "enum (one of several types)",
        TypeDef::Alias(_) => "type alias",
    }
}

fn type_changes(before: &TypeDef, after: &TypeDef, out: &mut Changes) {
    let name = after.name().to_owned();
    out.deprecation(
        before.is_deprecated(),
        after.is_deprecated(),
        Item::Type(name.clone()),
        after.pointer(),
    );
    match (before, after) {
        (TypeDef::Struct(a), TypeDef::Struct(b)) => struct_changes(a, b, out),
        (TypeDef::Enum(a), TypeDef::Enum(b)) => enum_changes(a, b, out),
        (TypeDef::Union(a), TypeDef::Union(b)) => union_changes(a, b, out),
        (TypeDef::Alias(a), TypeDef::Alias(b)) => {
            if a.ty != b.ty {
                let detail = format!("alias of `{}`, now of `{}`", a.ty, b.ty);
                out.push(TypeChanged, Item::Type(name), Breaking, detail, &b.pointer);
            }
        }
        _ => {
            let detail = format!("was a {}, now a {}", kind_word(before), kind_word(after));
            out.push(
                TypeChanged,
                Item::Type(name),
                Breaking,
                detail,
                after.pointer(),
            );
        }
    }
}

fn struct_changes(a: &StructDef, b: &StructDef, out: &mut Changes) {
    let field = |name: &str| Item::Field {
        ty: b.name.clone(),
        field: name.to_owned(),
    };
    let mut both = Vec::new();
    for pair in pairs(
        a.fields.iter().map(|f| (f.rust_name.as_str(), f)),
        b.fields.iter().map(|f| (f.rust_name.as_str(), f)),
    ) {
        match pair {
            Pair::Removed(removed) => {
                let detail = format!("field `{}: {}` removed", removed.rust_name, removed.ty);
                out.push(
                    FieldRemoved,
                    field(&removed.rust_name),
                    Breaking,
                    detail,
                    &removed.pointer,
                );
            }
            Pair::Added(added) => {
                let detail = format!("new field `{}: {}`", added.rust_name, added.ty);
                out.push(
                    FieldAdded,
                    field(&added.rust_name),
                    NonBreaking,
                    detail,
                    &added.pointer,
                );
            }
            Pair::Both(before, after) => both.push((before, after)),
        }
    }
    for (before, after) in both {
        if before.ty != after.ty {
            let detail = format!("`{}` → `{}`", before.ty, after.ty);
            out.push(
                FieldTypeChanged,
                field(&after.rust_name),
                Breaking,
                detail,
                &after.pointer,
            );
        }
        out.deprecation(
            before.deprecated,
            after.deprecated,
            field(&after.rust_name),
            &after.pointer,
        );
    }
    if a.additional != b.additional {
        let show = |ty: &Option<RType>| match ty {
            Some(ty) => format!("`BTreeMap<String, {ty}>`"),
            None => "none".to_owned(),
        };
        let (kind, severity) = match (&a.additional, &b.additional) {
            (None, Some(_)) => (FieldAdded, NonBreaking),
            (Some(_), None) => (FieldRemoved, Breaking),
            _ => (FieldTypeChanged, Breaking),
        };
        let detail = format!(
            "extra properties: {} → {}",
            show(&a.additional),
            show(&b.additional)
        );
        out.push(
            kind,
            field("additional_properties"),
            severity,
            detail,
            &b.pointer,
        );
    }
    construction_changes(a, b, out);
}

/// `new(...)` and `Default`: how users build the struct.
fn construction_changes(a: &StructDef, b: &StructDef, out: &mut Changes) {
    let item = Item::Constructor(b.name.clone());
    let signature = |s: &StructDef| {
        let args: Vec<String> = s
            .constructor
            .iter()
            .map(|&i| format!("{}: {}", s.fields[i].rust_name, s.fields[i].ty))
            .collect();
        format!("new({})", args.join(", "))
    };
    let (before, after) = (signature(a), signature(b));
    let detail = match (a.has_constructor(), b.has_constructor()) {
        (true, true) if before != after => format!("`{before}` → `{after}`"),
        (true, false) => format!("`{before}` removed; the struct implements `Default` now"),
        (false, true) => format!("no longer implements `Default`; build it with `{after}`"),
        _ => return,
    };
    // The cause is the first field the two constructors disagree on, else the struct.
    let cause = b
        .constructor
        .iter()
        .map(|&i| &b.fields[i])
        .find(|f| {
            !a.constructor
                .iter()
                .any(|&j| a.fields[j].rust_name == f.rust_name)
        })
        .map_or(b.pointer.as_str(), |f| f.pointer.as_str());
    out.push(ConstructorChanged, item, Breaking, detail, cause);
}

fn enum_changes(a: &EnumDef, b: &EnumDef, out: &mut Changes) {
    let variant = |name: &str| Item::Variant {
        ty: b.name.clone(),
        variant: name.to_owned(),
    };
    let with_fallback = |e: &EnumDef| {
        let mut names: Vec<(String, String)> = e
            .variants
            .iter()
            .map(|v| (v.rust_name.clone(), format!("`{}`", v.wire)))
            .collect();
        names.push((e.fallback.clone(), "values not known".to_owned()));
        names
    };
    let (old_variants, new_variants) = (with_fallback(a), with_fallback(b));
    for (name, what) in &old_variants {
        if !new_variants.iter().any(|(n, _)| n == name) {
            let detail = format!("variant `{name}` ({what}) removed");
            out.push(VariantRemoved, variant(name), Breaking, detail, &b.pointer);
        }
    }
    for (name, what) in &new_variants {
        if !old_variants.iter().any(|(n, _)| n == name) {
            let detail = format!("new variant `{name}` ({what})");
            out.push(VariantAdded, variant(name), NonBreaking, detail, &b.pointer);
        }
    }
    let default = |e: &EnumDef| e.default.map(|i| e.variants[i].rust_name.clone());
    match (default(a), default(b)) {
        (Some(_), None) => out.push(
            ConstructorChanged,
            Item::Constructor(b.name.clone()),
            Breaking,
            "no longer implements `Default`",
            &b.pointer,
        ),
        (None, Some(value)) => out.push(
            ConstructorChanged,
            Item::Constructor(b.name.clone()),
            NonBreaking,
            format!("implements `Default` (`{value}`)"),
            &b.pointer,
        ),
        (Some(before), Some(after)) if before != after => out.push(
            ConstructorChanged,
            Item::Constructor(b.name.clone()),
            Breaking,
            format!("`Default` was `{before}`, now `{after}`"),
            &b.pointer,
        ),
        _ => {}
    }
}

fn union_changes(a: &UnionDef, b: &UnionDef, out: &mut Changes) {
    let model_variant = |v: &str| Item::Variant {
        ty: b.name.clone(),
        variant: v.to_owned(),
    };
    if let (Some(before), Some(after)) = (&a.discriminator, &b.discriminator) {
        if before.property == after.property && before.fallback == after.fallback {
            return tag_changes(a, b, out);
        }
    }
    let (before, after) = (union_variants(a), union_variants(b));
    variant_list_changes(&before, &after, model_variant, &b.pointer, out);
}

/// A union's variants as [`typed_variants`], with the fallback of a discriminated union (it
/// comes and goes with the discriminator).
fn union_variants(union: &UnionDef) -> Vec<(String, String)> {
    let mut variants = typed_variants(&union.variants);
    if let Some(discriminator) = &union.discriminator {
        variants.push((discriminator.fallback.clone(), RType::Json.to_string()));
    }
    variants
}

/// Two discriminated unions with the same tag property, compared tag by tag: a mapping entry
/// added is a new variant (the enum is `#[non_exhaustive]`), one removed takes its variant away
/// (and such values now decode as unknown), one re-targeted changes the type its variant holds.
fn tag_changes(a: &UnionDef, b: &UnionDef, out: &mut Changes) {
    let tagged = |union: &UnionDef| -> Vec<(String, String, String)> {
        let tags = union.discriminator.as_ref().map(|d| d.tags.as_slice());
        (tags.unwrap_or_default().iter().zip(&union.variants))
            .map(|(tag, (variant, ty))| (tag.clone(), variant.clone(), ty.to_string()))
            .collect()
    };
    let (before, after) = (tagged(a), tagged(b));
    let item = |variant: &str| Item::Variant {
        ty: b.name.clone(),
        variant: variant.to_owned(),
    };
    let fallback = b.discriminator.as_ref().map(|d| d.fallback.as_str());
    let fallback = fallback.unwrap_or_default();
    for pair in pairs(
        before.iter().map(|t| (t.0.as_str(), t)),
        after.iter().map(|t| (t.0.as_str(), t)),
    ) {
        match pair {
            Pair::Removed((tag, variant, ty)) => {
                let detail = format!(
                    "tag `{tag}` removed: variant `{}` removed (such values decode as `{fallback}`)",
                    variant_text(variant, ty)
                );
                out.push(VariantRemoved, item(variant), Breaking, detail, &b.pointer);
            }
            Pair::Added((tag, variant, ty)) => {
                let detail = format!(
                    "tag `{tag}` added: new variant `{}`",
                    variant_text(variant, ty)
                );
                out.push(VariantAdded, item(variant), NonBreaking, detail, &b.pointer);
            }
            Pair::Both((tag, old_variant, old), (_, new_variant, new)) => {
                if old_variant != new_variant {
                    let detail = format!(
                        "tag `{tag}`: variant `{}` renamed to `{}`",
                        variant_text(old_variant, old),
                        variant_text(new_variant, new)
                    );
                    out.push(
                        VariantRemoved,
                        item(old_variant),
                        Breaking,
                        detail,
                        &b.pointer,
                    );
                    let detail = format!(
                        "tag `{tag}`: new variant `{}`",
                        variant_text(new_variant, new)
                    );
                    out.push(
                        VariantAdded,
                        item(new_variant),
                        NonBreaking,
                        detail,
                        &b.pointer,
                    );
                } else if old != new {
                    let detail = format!(
                        "tag `{tag}` now names `{new}` instead of `{old}` (variant `{new_variant}`)"
                    );
                    out.push(
                        VariantTypeChanged,
                        item(new_variant),
                        Breaking,
                        detail,
                        &b.pointer,
                    );
                }
            }
        }
    }
}

/// Variants as the list comparison takes them: name and the type carried, as text.
fn typed_variants(variants: &[(String, RType)]) -> Vec<(String, String)> {
    let text = |(name, ty): &(String, RType)| (name.clone(), ty.to_string());
    variants.iter().map(text).collect()
}

/// `Name(Type)`, or `Name` for a variant carrying nothing.
fn variant_text(name: &str, carried: &str) -> String {
    if carried.is_empty() {
        name.to_owned()
    } else {
        format!("{name}({carried})")
    }
}

/// Variants (unions, status-keyed error and success enums), matched by name; each carries the
/// type given as text (empty for none). `item` names a variant.
fn variant_list_changes(
    before: &[(String, String)],
    after: &[(String, String)],
    item: impl Fn(&str) -> Item,
    cause: &str,
    out: &mut Changes,
) {
    let mut both = Vec::new();
    for pair in pairs(
        before.iter().map(|v| (v.0.as_str(), v)),
        after.iter().map(|v| (v.0.as_str(), v)),
    ) {
        match pair {
            Pair::Removed((v, ty)) => {
                let detail = format!("variant `{}` removed", variant_text(v, ty));
                out.push(VariantRemoved, item(v), Breaking, detail, cause);
            }
            Pair::Added((v, ty)) => {
                let detail = format!("new variant `{}`", variant_text(v, ty));
                out.push(VariantAdded, item(v), NonBreaking, detail, cause);
            }
            Pair::Both(old, new) => both.push((old, new)),
        }
    }
    for ((v, old), (_, new)) in both {
        if old != new {
            let detail = format!("`{}` → `{}`", variant_text(v, old), variant_text(v, new));
            out.push(VariantTypeChanged, item(v), Breaking, detail, cause);
        }
    }
}

/// Status-keyed error enums are types of `models` too; shared error schemas are compared as
/// the types they are.
fn error_bodies(old: &Model, new: &Model, out: &mut Changes) {
    fn defined(model: &Model) -> impl Iterator<Item = (&str, &ErrorBody)> {
        let bodies = model.api.error_bodies.iter();
        bodies
            .filter(|body| body.shared.is_none())
            .map(|body| (body.name.as_str(), body))
    }
    fn variants(body: &ErrorBody) -> Vec<(String, String)> {
        body.statuses
            .iter()
            .map(|s| {
                let ty = s.body.clone().unwrap_or(RType::Json);
                (s.variant.clone(), ty.to_string())
            })
            .collect()
    }
    let cause = "#/paths";
    let mut both = Vec::new();
    for pair in pairs(defined(old), defined(new)) {
        match pair {
            Pair::Removed(body) => {
                let item = Item::Type(body.name.clone());
                out.push(TypeRemoved, item, Breaking, "error enum removed", cause);
            }
            Pair::Added(body) => {
                let item = Item::Type(body.name.clone());
                out.push(TypeAdded, item, NonBreaking, "new error enum", cause);
            }
            Pair::Both(before, after) => both.push((before, after)),
        }
    }
    for (before, after) in both {
        let model_variant = |v: &str| Item::Variant {
            ty: after.name.clone(),
            variant: v.to_owned(),
        };
        let (old_variants, new_variants) = (variants(before), variants(after));
        variant_list_changes(&old_variants, &new_variants, model_variant, cause, out);
    }
}

// ---------------------------------------------------------------------------------------------
// Operations

fn groups(old: &Model, new: &Model, out: &mut Changes) {
    let mut both = Vec::new();
    for pair in pairs(
        old.api.groups.iter().map(|g| (g.struct_name.as_str(), g)),
        new.api.groups.iter().map(|g| (g.struct_name.as_str(), g)),
    ) {
        match pair {
            Pair::Removed(group) => {
                let detail = format!(
                    "operation group removed, with `Client::{}` and its {} operation(s): {}",
                    group.accessor,
                    group.operations.len(),
                    operation_list(group)
                );
                out.push(
                    GroupRemoved,
                    Item::Group(group.struct_name.clone()),
                    Breaking,
                    detail,
                    "#/tags",
                );
            }
            Pair::Added(group) => {
                let detail = format!(
                    "new operation group `Client::{}` with {} operation(s): {}",
                    group.accessor,
                    group.operations.len(),
                    operation_list(group)
                );
                out.push(
                    GroupAdded,
                    Item::Group(group.struct_name.clone()),
                    NonBreaking,
                    detail,
                    "#/tags",
                );
            }
            Pair::Both(before, after) => both.push((before, after)),
        }
    }
    for (before, after) in both {
        operations(before, after, new, out);
    }
}

/// Every operation of a group added or removed whole, by its method and endpoint, so the report
/// names what arrived or left (`get_lead` (`GET /v1/leads/{id}`), ...).
fn operation_list(group: &Group) -> String {
    group
        .operations
        .iter()
        .map(|op| format!("`{}` (`{} {}`)", op.method_name, op.http_method, op.path))
        .collect::<Vec<_>>()
        .join(", ")
}

fn operation_item(group: &Group, op: &OperationDef) -> Item {
    Item::Operation {
        group: group.struct_name.clone(),
        method: op.method_name.clone(),
    }
}

fn operations(before: &Group, after: &Group, new: &Model, out: &mut Changes) {
    let mut both = Vec::new();
    for pair in pairs(
        before
            .operations
            .iter()
            .map(|op| (op.method_name.as_str(), op)),
        after
            .operations
            .iter()
            .map(|op| (op.method_name.as_str(), op)),
    ) {
        match pair {
            Pair::Removed(op) => {
                let endpoint = format!("`{} {}`", op.http_method, op.path);
                let moved = new.operations().find(|(_, other)| {
                    other.http_method == op.http_method && other.path == op.path
                });
                let detail = match moved {
                    Some((group, other)) => format!(
                        "method removed; {endpoint} is now `api::{}::{}`",
                        group.struct_name, other.method_name
                    ),
                    None => format!("method removed ({endpoint} is gone)"),
                };
                out.push(
                    OperationRemoved,
                    operation_item(before, op),
                    Breaking,
                    detail,
                    &op.pointer,
                );
            }
            Pair::Added(op) => {
                let detail = format!("new method for `{} {}`", op.http_method, op.path);
                out.push(
                    OperationAdded,
                    operation_item(after, op),
                    NonBreaking,
                    detail,
                    &op.pointer,
                );
            }
            Pair::Both(old, new) => both.push((old, new)),
        }
    }
    for (old, new) in both {
        operation_changes(after, old, new, out);
    }
}

/// One input of an operation, as the method or its request builder takes it.
struct Input<'a> {
    name: &'a str,
    /// The Rust type, as written in the signature.
    ty: String,
    required: bool,
    deprecated: bool,
    cause: &'a str,
}

/// The operation's inputs ([`OperationDef::inputs`]), each with its type as text.
fn inputs(op: &OperationDef) -> Vec<Input<'_>> {
    op.inputs
        .iter()
        .map(|input| Input {
            name: &input.rust_name,
            ty: match &input.ty {
                InputType::Value(ty) | InputType::Serialized(ty) => ty.to_string(),
                InputType::Bytes => "Bytes".to_owned(),
            },
            required: input.required,
            deprecated: input.deprecated,
            cause: &input.pointer,
        })
        .collect()
}

fn operation_changes(group: &Group, a: &OperationDef, b: &OperationDef, out: &mut Changes) {
    let item = || operation_item(group, b);
    let input = |name: &str| Item::Input {
        group: group.struct_name.clone(),
        method: b.method_name.clone(),
        input: name.to_owned(),
    };
    out.deprecation(a.deprecated, b.deprecated, item(), &b.pointer);
    if a.builder_name != b.builder_name {
        let detail = format!(
            "returns `{}` instead of `{}`",
            b.builder_name, a.builder_name
        );
        out.push(RequestTypeRenamed, item(), Breaking, detail, &b.pointer);
    }

    let (old_inputs, new_inputs) = (inputs(a), inputs(b));
    let arguments = |inputs: &[Input<'_>]| -> Vec<String> {
        let required = inputs.iter().filter(|i| i.required);
        required.map(|i| format!("{}: {}", i.name, i.ty)).collect()
    };
    let (old_args, new_args) = (arguments(&old_inputs), arguments(&new_inputs));
    if old_args != new_args {
        let detail = format!("`({})` → `({})`", old_args.join(", "), new_args.join(", "));
        let cause = new_inputs
            .iter()
            .filter(|i| i.required)
            .find(|i| !old_args.contains(&format!("{}: {}", i.name, i.ty)))
            .map_or(b.pointer.as_str(), |i| i.cause);
        out.push(ArgumentsChanged, item(), Breaking, detail, cause);
    }
    let optional = |inputs: &'_ [Input<'_>]| -> Vec<(String, String, String)> {
        let optional = inputs.iter().filter(|i| !i.required);
        optional
            .map(|i| (i.name.to_owned(), i.ty.to_string(), i.cause.to_owned()))
            .collect()
    };
    let (old_optional, new_optional) = (optional(&old_inputs), optional(&new_inputs));
    let mut both = Vec::new();
    for pair in pairs(
        old_optional.iter().map(|i| (i.0.as_str(), i)),
        new_optional.iter().map(|i| (i.0.as_str(), i)),
    ) {
        match pair {
            Pair::Removed((name, ty, cause)) => {
                // A required input that was optional is an argument now: reported there.
                if !new_inputs.iter().any(|i| i.name == name) {
                    let detail = format!("optional input `{name}: {ty}` removed");
                    out.push(OptionalInputRemoved, input(name), Breaking, detail, cause);
                }
            }
            Pair::Added((name, ty, cause)) => {
                if !old_inputs.iter().any(|i| i.name == name) {
                    let detail = format!("new optional input `{name}: {ty}`");
                    out.push(OptionalInputAdded, input(name), NonBreaking, detail, cause);
                }
            }
            Pair::Both(old, new) => both.push((old, new)),
        }
    }
    for ((name, old_ty, _), (_, new_ty, cause)) in both {
        if old_ty != new_ty {
            let detail = format!("`{old_ty}` → `{new_ty}`");
            out.push(
                OptionalInputTypeChanged,
                input(name),
                Breaking,
                detail,
                cause,
            );
        }
    }
    for new_input in &new_inputs {
        let was = old_inputs.iter().find(|i| i.name == new_input.name);
        let was_deprecated = was.is_some_and(|i| i.deprecated);
        if was.is_some() {
            out.deprecation(
                was_deprecated,
                new_input.deprecated,
                input(new_input.name),
                new_input.cause,
            );
        }
    }

    success_changes(item(), a, b, out);
    if a.error != b.error {
        let show = |error: &Option<String>| error.clone().unwrap_or_else(|| "none".to_owned());
        let detail = format!("error body `{}` → `{}`", show(&a.error), show(&b.error));
        out.push(ErrorTypeChanged, item(), Breaking, detail, &b.pointer);
    }
    match (&a.pagination, &b.pagination) {
        (Some(_), None) => out.push(
            PaginationRemoved,
            item(),
            Breaking,
            "no longer a sliced list: `items()` removed from its request",
            &b.pointer,
        ),
        (None, Some(_)) => out.push(
            PaginationAdded,
            item(),
            NonBreaking,
            "now a sliced list: its request gains `items()`",
            &b.pointer,
        ),
        _ => {}
    }
}

/// A changed response type; for the same success enum on both sides, its variants' changes.
fn success_changes(item: Item, a: &OperationDef, b: &OperationDef, out: &mut Changes) {
    match (same_rust(&a.success), same_rust(&b.success)) {
        (
            Success::Several {
                name: old_name,
                statuses: old_statuses,
            },
            Success::Several { name, statuses },
        ) if old_name == name => {
            let response_variant = |v: &str| Item::ResponseVariant {
                ty: name.clone(),
                variant: v.to_owned(),
            };
            let (before, after) = (success_variants(old_statuses), success_variants(statuses));
            variant_list_changes(&before, &after, response_variant, &b.pointer, out);
        }
        (before, after) if before != after => {
            let detail = format!("`{}` → `{}`", success(before), success(after));
            out.push(ResponseTypeChanged, item, Breaking, detail, &b.pointer);
        }
        _ => {}
    }
}

/// The success as the Rust user sees it: an operation without documented responses returns
/// bytes, as one documenting a body that is not JSON does.
fn same_rust(success: &Success) -> &Success {
    match success {
        Success::Undocumented => &Success::Bytes,
        other => other,
    }
}

/// The response type as text: `Customer`, `()`, `Bytes`, or a success enum with its variants
/// (`api::CreateCustomerSuccess { Ok(Customer), NoContent }`).
fn success(success: &Success) -> String {
    match success {
        Success::Json(ty) => ty.to_string(),
        Success::Empty => "()".to_owned(),
        Success::Bytes | Success::Undocumented => "Bytes".to_owned(),
        Success::Several { name, statuses } => {
            let variants: Vec<String> = success_variants(statuses)
                .iter()
                .map(|(v, ty)| variant_text(v, ty))
                .collect();
            format!("api::{name} {{ {} }}", variants.join(", "))
        }
    }
}

/// The variants of a success enum as the list comparison takes them.
fn success_variants(statuses: &[SuccessStatus]) -> Vec<(String, String)> {
    let carried = |body: &StatusBody| match body {
        StatusBody::Json(ty) => ty.to_string(),
        StatusBody::Bytes => "Bytes".to_owned(),
        StatusBody::Empty => String::new(),
    };
    statuses
        .iter()
        .map(|s| (s.variant.clone(), carried(&s.body)))
        .collect()
}

fn features(old: &Model, new: &Model, out: &mut Changes) {
    for pair in pairs(
        old.features.features.iter().map(|f| (f.as_str(), f)),
        new.features.features.iter().map(|f| (f.as_str(), f)),
    ) {
        match pair {
            Pair::Removed(feature) => {
                out.push(
                    FeatureRemoved,
                    Item::Feature(feature.clone()),
                    Breaking,
                    "cargo feature removed",
                    "#/tags",
                );
            }
            Pair::Added(feature) => {
                out.push(
                    FeatureAdded,
                    Item::Feature(feature.clone()),
                    NonBreaking,
                    "new cargo feature (on by default)",
                    "#/tags",
                );
            }
            Pair::Both(..) => {}
        }
    }
}
