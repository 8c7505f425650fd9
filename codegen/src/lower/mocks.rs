//! The public names of a client crate's `mock` module (its `mock` feature): per group the struct
//! of its expectation constructors and the `MockServer` method returning it, per operation the
//! expectation type, per optional input the setters matching it. Claimed here, once the groups
//! are final, so that they are in the model (and the change report knows them) like every other
//! public name; `render/mock.rs` only spells them.

use crate::model::{Api, InputMock, InputSource, OperationDef};
use crate::names::{self, Namespace};

/// Types the `mock` module defines or re-exports itself.
const RESERVED_TYPES: &[&str] = &[
    "MockServer",
    "Expectation",
    "Mounted",
    "Response",
    "Scenario",
    "Times",
    "VerifyError",
    "When",
    "ErrorAnswer",
];

/// Methods of the generated `MockServer`; a group accessor with one of these names gets a number.
const RESERVED_SERVER_METHODS: &[&str] = &[
    "start",
    "client",
    "client_builder",
    "uri",
    "check",
    "verify",
    "reset",
    "runtime",
    "fmt",
];

/// Methods of every expectation; an optional input with one of these names gets a number.
const RESERVED_SETTERS: &[&str] = &["returns", "fails", "responds_with", "fmt"];

/// Claims every name of the `mock` module, in group and operation order: a name depends on the
/// groups and operations before it only through collisions, as the `api` module's do.
pub(super) fn claim_names(api: &mut Api) {
    let mut type_names = Namespace::with_reserved(RESERVED_TYPES);
    let mut server_methods = Namespace::with_reserved(RESERVED_SERVER_METHODS);
    for group in &mut api.groups {
        group.mock.struct_name = type_names.claim(format!("{}Mocks", group.struct_name));
        group.mock.accessor = server_methods.claim(group.accessor.clone());
        for operation in &mut group.operations {
            operation.mock_name = type_names.claim(format!("{}Mock", names::camel(&operation.id)));
            claim_setters(operation);
        }
    }
}

/// The matcher setters of an operation's expectation: `x` and `without_x` for each optional
/// parameter, then for an optional body sent whole. Multipart parts are not compared.
fn claim_setters(operation: &mut OperationDef) {
    let mut setters = Namespace::with_reserved(RESERVED_SETTERS);
    for input in operation.inputs.iter_mut().filter(|input| !input.required) {
        if let InputSource::Param(_) | InputSource::Body = input.source {
            let setter = setters.claim(input.rust_name.clone());
            let without = setters.claim(format!("without_{}", input.rust_name));
            input.mock = Some(InputMock { setter, without });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::InputMock;

    #[test]
    fn mock_names_are_claimed_beside_the_module_s_own() {
        let spec = crate::Spec::from_value(serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {
                "operationId": "mockServer",
                "tags": ["start"],
                "parameters": [
                    {"name": "returns", "in": "query", "schema": {"type": "string"}},
                    {"name": "without_returns", "in": "query", "schema": {"type": "string"}}
                ],
                "requestBody": {"content": {"text/plain": {"schema": {"type": "string"}}}},
                "responses": {"204": {"description": "done"}}
            }}}
        }))
        .unwrap();
        let model = crate::lower(&spec, crate::Surface::Client).unwrap();
        let group = &model.api.groups[0];
        assert_eq!(
            (
                group.mock.struct_name.as_str(),
                group.mock.accessor.as_str()
            ),
            ("StartMocks", "start2")
        );
        let operation = &group.operations[0];
        assert_eq!(operation.mock_name, "MockServerMock");
        let setters: Vec<Option<&InputMock>> =
            operation.inputs.iter().map(|i| i.mock.as_ref()).collect();
        let mock = |setter: &str, without: &str| InputMock {
            setter: setter.to_owned(),
            without: without.to_owned(),
        };
        assert_eq!(
            setters,
            [
                Some(&mock("returns2", "without_returns")),
                Some(&mock("without_returns2", "without_without_returns")),
                Some(&mock("body", "without_body")),
            ]
        );
    }
}
