//! Spec to model: every schema and operation lowered, in one pass, into the [`Model`] the
//! renderers and the change report read.
//!
//! The steps, in order: `schemas` types every component schema (`TypeSpace`); `operations`
//! lowers the operations, typing the inline schemas they meet, and `mocks` names their test
//! doubles; `payloads` types the bodies of the calls the API makes to the reader (webhooks);
//! `construction` decides, once every type is known, which structs requests carry and how each
//! is built; `cycles` and `sizes` box the fields and variants that would make a type
//! infinite or its enum too large; `security` picks the scheme the client sends; `features`
//! gates every type by the operation groups that need it.

mod construction;
mod cycles;
mod discriminators;
mod evidence;
mod features;
mod mocks;
mod operations;
mod payloads;
mod schemas;
mod security;
mod sizes;

pub(crate) use operations::is_json;

use std::collections::BTreeMap;

use crate::error::Error;
use crate::model::{Api, ApiInfo, Model};
use crate::spec::Spec;
use crate::{NameSettings, Surface};

/// Lowers `spec` into the [`Model`] of its crate with `surface` (see [`crate::lower()`]).
pub(crate) fn lower(spec: &Spec, surface: Surface, names: &NameSettings) -> Result<Model, Error> {
    lower_unlocated(spec, surface, names).map_err(|error| spec.locate(error))
}

fn lower_unlocated(spec: &Spec, surface: Surface, names: &NameSettings) -> Result<Model, Error> {
    let api = spec.openapi();
    let mut types = schemas::TypeSpace::new(api, spec.resolver())?;
    let mut operations = match surface {
        Surface::Client => {
            let mut operations = operations::collect(api, &mut types)?;
            mocks::claim_names(&mut operations);
            operations
        }
        Surface::ModelsOnly => Api::empty(),
    };
    payloads::type_payloads(spec, surface, &mut types)?;
    let (mut types, components, mut warnings) = types.into_parts();
    construction::finish(&mut types, &components, operations.request_types())?;
    cycles::break_cycles(&mut types);
    sizes::box_large_variants(&mut types);
    sizes::box_large_success_bodies(&types, &mut operations);
    warnings.extend(security::security_warnings(spec, security::auth(api).1));
    warnings.sort();
    warnings.dedup();
    let features = features::plan(&types, &operations);
    let mut model = Model {
        info: api_info(api),
        surface,
        types,
        components,
        api: operations,
        features,
        renamed_types: BTreeMap::new(),
        warnings: {
            let mut all = spec.warnings().to_vec();
            all.extend(warnings);
            all
        },
    };
    apply_names(names, &mut model)?;
    Ok(model)
}

/// Gives the types the names `settings` chooses, once every type is named (so each name still
/// depends only on its place in the document, plus the settings).
fn apply_names(settings: &NameSettings, model: &mut Model) -> Result<(), Error> {
    let named: BTreeMap<&str, &str> = (model.types.iter())
        .map(|(name, def)| (name.as_str(), def.pointer()))
        .collect();
    let mut fixed: Vec<&str> = schemas::RESERVED_TYPE_NAMES.to_vec();
    fixed.extend(model.api.error_bodies.iter().map(|body| body.name.as_str()));
    let renames = crate::names::settle(&named, &fixed, settings)?;
    model.rename_types(&renames);
    Ok(())
}

/// What the document says about itself, as far as it shapes the crate.
fn api_info(api: &openapiv3::OpenAPI) -> ApiInfo {
    ApiInfo {
        title: api.info.title.clone(),
        version: api.info.version.clone(),
        description: api.info.description.clone().unwrap_or_default(),
        servers: api
            .servers
            .iter()
            .map(|s| {
                (
                    s.url.trim_end_matches('/').to_owned(),
                    s.description.clone().unwrap_or_default(),
                )
            })
            .collect(),
        auth: security::auth(api).0,
    }
}
