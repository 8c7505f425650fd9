//! The name settings (`codegen::NameSettings`): a prefix common to the schema names stripped,
//! single types renamed, wherever the crate names them; and every setting that cannot apply
//! is an error that names what it collides with, or that it is stale.

use std::collections::BTreeMap;

use codegen::model::{Body, RType, Success, TypeDef};
use codegen::{Error, NameSettings};
use serde_json::json;

/// A document whose schemas share the prefix `ShopV1`, with an inline enum (named after its
/// place), a union named after its alternatives, a list response and a request body.
fn document(extra_schemas: serde_json::Value) -> codegen::Spec {
    let mut schemas = json!({
        "ShopV1Pet": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string"},
                "kind": {"type": "string", "enum": ["cat", "dog"]},
                "owner": {"$ref": "#/components/schemas/ShopV1Owner"}
            }
        },
        "ShopV1Owner": {
            "type": "object",
            "properties": {"name": {"type": "string"}}
        },
        "Animal": {
            "oneOf": [
                {"$ref": "#/components/schemas/ShopV1Pet"},
                {"$ref": "#/components/schemas/ShopV1Owner"}
            ]
        }
    });
    for (key, value) in extra_schemas.as_object().into_iter().flatten() {
        schemas[key] = value.clone();
    }
    let document = json!({
        "openapi": "3.0.3",
        "info": {"title": "Shop", "version": "1.0.0"},
        "paths": {
            "/pets": {
                "post": {
                    "operationId": "addPet",
                    "tags": ["pets"],
                    "requestBody": {
                        "required": true,
                        "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/ShopV1Pet"}
                        }}
                    },
                    "responses": {"200": {
                        "description": "the pets",
                        "content": {"application/json": {"schema": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Animal"}
                        }}}
                    }}
                }
            }
        },
        "components": {"schemas": schemas}
    });
    codegen::Spec::parse(&document.to_string()).expect("the document parses")
}

fn names(strip: &[&str], rename: &[(&str, &str)]) -> NameSettings {
    NameSettings {
        strip_prefixes: strip.iter().map(|p| (*p).to_owned()).collect(),
        rename: (rename.iter())
            .map(|(old, new)| ((*old).to_owned(), (*new).to_owned()))
            .collect(),
    }
}

fn lower(spec: &codegen::Spec, settings: &NameSettings) -> Result<codegen::model::Model, Error> {
    codegen::lower_named(spec, codegen::Surface::Client, settings)
}

fn message(error: Error) -> String {
    match error {
        Error::Names { message } => message,
        other => panic!("expected a name settings error, got {other:?}"),
    }
}

#[test]
fn a_stripped_prefix_and_a_rename_reach_every_mention() {
    let spec = document(json!({}));
    let plain = lower(&spec, &NameSettings::default()).unwrap();
    let plain_names: Vec<&String> = plain.types.keys().collect();
    assert_eq!(
        plain_names,
        ["Animal", "ShopV1Owner", "ShopV1Pet", "ShopV1PetKind"]
    );
    assert!(plain.renamed_types.is_empty());

    let settings = names(&["ShopV1"], &[("ShopV1Owner", "Keeper")]);
    let model = lower(&spec, &settings).unwrap();
    let named: Vec<&String> = model.types.keys().collect();
    assert_eq!(named, ["Animal", "Keeper", "Pet", "PetKind"]);
    let expected: BTreeMap<String, String> = [
        ("ShopV1Owner", "Keeper"),
        ("ShopV1Pet", "Pet"),
        ("ShopV1PetKind", "PetKind"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_owned(), b.to_owned()))
    .collect();
    assert_eq!(model.renamed_types, expected);
    assert_eq!(model.components["ShopV1Owner"], "Keeper");

    // The definitions carry their new names and mention each other by them.
    let Some(TypeDef::Struct(pet)) = model.get("Pet") else {
        panic!("Pet is a struct")
    };
    assert_eq!(pet.name, "Pet");
    assert_eq!(pet.pointer, "#/components/schemas/ShopV1Pet");
    let types: Vec<String> = pet.fields.iter().map(|f| f.ty.to_string()).collect();
    assert_eq!(types, ["String", "Option<PetKind>", "Option<Keeper>"]);
    let Some(TypeDef::Union(animal)) = model.get("Animal") else {
        panic!("Animal is a union")
    };
    // Variants named after their types follow them.
    assert_eq!(
        animal.variants,
        [
            ("Pet".to_owned(), RType::Named("Pet".into())),
            ("Keeper".to_owned(), RType::Named("Keeper".into()))
        ]
    );
    let (_, add_pet) = model.operations().next().unwrap();
    let Some(Body::Json { ty, .. }) = &add_pet.body else {
        panic!("a JSON body")
    };
    assert_eq!(ty, &RType::Named("Pet".into()));
    assert_eq!(
        add_pet.success,
        Success::Json(RType::Vec(Box::new(RType::Named("Animal".into()))))
    );

    // The generated crate names only the new names.
    let mut generate_settings =
        codegen::Settings::new("shop", "0.1.0", codegen::Runtime::version("rt", "0.1"));
    generate_settings.names = settings;
    let output = codegen::generate(&spec, &generate_settings).unwrap();
    let models = output
        .files
        .iter()
        .find(|file| file.path == "src/models.rs")
        .unwrap();
    assert!(
        models.contents.contains("pub struct Pet {"),
        "{}",
        models.contents
    );
    assert!(models.contents.contains("pub struct Keeper {"));
    assert!(models.contents.contains("pub enum PetKind {"));
    assert!(models.contents.contains("Pet(Pet)"));
    for file in &output.files {
        assert!(
            !file.contents.contains("ShopV1") && !file.contents.contains("Owner"),
            "{} still names an old name:\n{}",
            file.path,
            file.contents
        );
    }
}

#[test]
fn a_rename_names_the_type_by_the_generators_name() {
    let spec = document(json!({}));
    // A type without the prefix can be renamed too.
    let model = lower(&spec, &names(&["ShopV1"], &[("Animal", "Creature")])).unwrap();
    let named: Vec<&String> = model.types.keys().collect();
    assert_eq!(named, ["Creature", "Owner", "Pet", "PetKind"]);
    // A renamed type is not stripped: the rename says its whole name.
    let settings = names(&["ShopV1"], &[("ShopV1PetKind", "Species")]);
    let model = lower(&spec, &settings).unwrap();
    let named: Vec<&String> = model.types.keys().collect();
    assert_eq!(named, ["Animal", "Owner", "Pet", "Species"]);
}

#[test]
fn a_strip_that_collides_names_both_types() {
    let spec = document(json!({"Pet": {"type": "object"}}));
    let error = message(lower(&spec, &names(&["ShopV1"], &[])).unwrap_err());
    assert_eq!(
        error,
        "`Pet` (#/components/schemas/Pet) and `ShopV1Pet` (#/components/schemas/ShopV1Pet) \
         would both be called `Pet`"
    );
    // Renaming one of them away settles it.
    let model = lower(&spec, &names(&["ShopV1"], &[("Pet", "PetRecord")])).unwrap();
    assert!(model.get("PetRecord").is_some() && model.get("Pet").is_some());
}

#[test]
fn a_rename_that_collides_names_both_types() {
    let spec = document(json!({}));
    let error =
        message(lower(&spec, &names(&["ShopV1"], &[("ShopV1Owner", "PetKind")])).unwrap_err());
    assert_eq!(
        error,
        "`ShopV1Owner` (#/components/schemas/ShopV1Owner) and `ShopV1PetKind` \
         (#/components/schemas/ShopV1Pet/properties/kind) would both be called `PetKind`"
    );
    let error = message(lower(&spec, &names(&[], &[("Animal", "Client")])).unwrap_err());
    assert_eq!(
        error,
        "`Animal` (#/components/schemas/Animal/oneOf) would be called `Client`, a name the crate \
         already uses"
    );
}

#[test]
fn a_stale_or_invalid_setting_is_an_error() {
    let spec = document(json!({}));
    let error = message(lower(&spec, &names(&["ShopV1"], &[("Owner", "Keeper")])).unwrap_err());
    assert_eq!(
        error,
        "no type is called `Owner` to rename (renames name a type by the name the generator \
         gives it, before `strip_prefixes`)"
    );
    let error = message(lower(&spec, &names(&["ShopV2"], &[])).unwrap_err());
    assert_eq!(
        error,
        "no type name starts with the prefix `ShopV2` to strip"
    );
    let error = message(lower(&spec, &names(&[], &[("Animal", "lower_case")])).unwrap_err());
    assert!(
        error.starts_with("`Animal` cannot be renamed to `lower_case`"),
        "{error}"
    );
    let error = message(lower(&spec, &names(&[], &[("Animal", "AnimalBuilder")])).unwrap_err());
    assert!(error.contains("`Builder`"), "{error}");
    // A prefix must end where a word does: `Sho` does not make `pV1Pet`.
    let error = message(lower(&spec, &names(&["Sho"], &[])).unwrap_err());
    assert_eq!(error, "no type name starts with the prefix `Sho` to strip");
}
