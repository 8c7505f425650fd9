//! Which security scheme the client sends, and a warning for each one it does not.

use crate::error::{Pointer, Warning};
use crate::model::Auth;
use crate::spec::Spec;

/// The first scheme the document requires, globally or per operation, that the runtime can
/// send (an API key in a header, or an HTTP bearer token), and its name.
pub(super) fn auth(api: &openapiv3::OpenAPI) -> (Auth, Option<&str>) {
    let Some(components) = api.components.as_ref() else {
        return (Auth::None, None);
    };
    let schemes = &components.security_schemes;
    for name in required_schemes(api) {
        match schemes.get(name) {
            Some(openapiv3::ReferenceOr::Item(openapiv3::SecurityScheme::APIKey {
                location: openapiv3::APIKeyLocation::Header,
                name: header,
                ..
            })) => return (Auth::ApiKeyHeader(header.clone()), Some(name)),
            Some(openapiv3::ReferenceOr::Item(openapiv3::SecurityScheme::HTTP {
                scheme, ..
            })) if scheme.eq_ignore_ascii_case("bearer") => {
                return (Auth::Bearer, Some(name));
            }
            _ => {}
        }
    }
    (Auth::None, None)
}

/// The names of the schemes the document's security requirements name, global ones first.
fn required_schemes(api: &openapiv3::OpenAPI) -> impl Iterator<Item = &String> {
    api.security
        .iter()
        .flatten()
        .chain(
            api.operations()
                .flat_map(|(_, _, op)| op.security.iter().flatten()),
        )
        .flat_map(|requirement| requirement.keys())
}

/// A warning for every security scheme of the document as written (`mutualTLS` included, which
/// reading leaves out) other than `used`, saying why the client does not send it: a user reading
/// the crate's docs should not assume a scheme is handled that is not.
pub(super) fn security_warnings(spec: &Spec, used: Option<&str>) -> Vec<Warning> {
    let Some(schemes) = spec
        .source()
        .pointer("/components/securitySchemes")
        .and_then(serde_json::Value::as_object)
    else {
        return Vec::new();
    };
    let required: Vec<&String> = required_schemes(spec.openapi()).collect();
    let schemes_pointer = Pointer::root().join("components").join("securitySchemes");
    let mut warnings = Vec::new();
    for (name, scheme) in schemes {
        if Some(name.as_str()) == used {
            continue;
        }
        let text = |key: &str| scheme.get(key).and_then(serde_json::Value::as_str);
        let why = match (text("type"), text("in"), text("scheme")) {
            _ if scheme.get("$ref").is_some() => {
                "a security scheme given as $ref is not followed".to_owned()
            }
            (Some("mutualTLS"), _, _) => "the client does not present a client certificate by \
                itself (give `ClientBuilder` a `reqwest::ClientBuilder` with an identity)"
                .to_owned(),
            (Some(kind @ ("oauth2" | "openIdConnect")), _, _) => format!(
                "the client does not obtain {kind} tokens (an HTTP bearer scheme takes a token \
                 obtained elsewhere)"
            ),
            (Some("apiKey"), Some(location), _) if location != "header" => {
                format!("the client sends an API key only in a header, not in the {location}")
            }
            (Some("http"), _, Some(kind)) if !kind.eq_ignore_ascii_case("bearer") => {
                format!("the client sends no HTTP `{kind}` credentials, only bearer tokens")
            }
            (Some("apiKey" | "http"), _, _) => match used {
                _ if !required.contains(&name) => {
                    "no security requirement of the document names it".to_owned()
                }
                Some(used) => format!("the client authenticates with `{used}` only"),
                None => "the client cannot send it".to_owned(),
            },
            (kind, _, _) => format!(
                "the client does not know the scheme type {}",
                kind.unwrap_or("(none)")
            ),
        };
        warnings.push(Warning::new(
            &schemes_pointer.join(name),
            format!("security scheme skipped: {why}"),
        ));
    }
    warnings
}
