//! Every example embedded in the specs decodes into its generated type and serialises back to
//! an equivalent JSON value; no server involved.
//!
//! Response examples: for every operation and documented status with a JSON body, the
//! media-type example where the spec has one, else the document composed from the schema's
//! embedded examples (`workspace_tests::examples::compose`, as Prism's static mode would serve
//! it), decoded with the type the client decodes that status into. Component examples: every
//! component schema's own `example`, and the document composed from each component schema
//! (which contains every property-level example of the spec). "Equivalent" is defined in
//! `workspace_tests::examples`: lenient strings (`89` -> `"89"`), numbers by value, and absent
//! = `null`; nothing else.

use workspace_tests::contract::Decode;
use workspace_tests::examples::{Example, component_examples, equivalent, response_examples};
use workspace_tests::specs::{ApiSpec, CONNECT, DEVICE, OPENAPI};

#[allow(dead_code)]
mod openapi {
    include!(concat!(env!("OUT_DIR"), "/contract_calls/magicline.rs"));
}

#[allow(dead_code)]
mod connect {
    include!(concat!(
        env!("OUT_DIR"),
        "/contract_calls/magicline-connect.rs"
    ));
}

#[allow(dead_code)]
mod device {
    include!(concat!(
        env!("OUT_DIR"),
        "/contract_calls/magicline-device.rs"
    ));
}

/// A spec example that cannot decode, named by the field it breaks (the end of the decode
/// error's path, so that every example containing it is covered), and why. The test fails if
/// no example fails this way any more.
struct KnownBad {
    field: &'static str,
    reason: &'static str,
}

type ComponentDecode =
    fn(&str, &[u8]) -> Option<Result<serde_json::Value, openapi_client_runtime::DecodeError>>;

/// Decodes every example; returns (examples checked, problems).
fn check(
    api: &ApiSpec,
    operations: &[(&'static str, Decode)],
    decode_component: ComponentDecode,
    known: &[KnownBad],
) -> (usize, Vec<String>) {
    let document = api.json();
    let mut examples: Vec<Example> = response_examples(&document);
    let responses = examples.len();
    examples.extend(component_examples(&document));
    let mut problems = Vec::new();
    let mut known_seen = Vec::new();
    for example in &examples {
        let body = serde_json::to_vec(&example.value).expect("a JSON value serialises");
        let decoded = if example.operation.is_empty() {
            decode_component(&example.key, &body)
        } else {
            match operations.iter().find(|(id, _)| *id == example.operation) {
                Some((_, decode)) => decode(&example.key, &body),
                None => {
                    problems.push(format!(
                        "{}: no generated operation `{}`",
                        example.label, example.operation
                    ));
                    continue;
                }
            }
        };
        let (verdict, path) = match decoded {
            None => (
                Err("the client has no type for this JSON body (generator gap)".to_owned()),
                String::new(),
            ),
            Some(Err(error)) => (
                Err(format!(
                    "does not decode at `{}`: {}",
                    error.path, error.message
                )),
                error.path,
            ),
            Some(Ok(back)) => (
                equivalent(&example.value, &back).map_err(|e| format!("decodes, but {e}")),
                String::new(),
            ),
        };
        if let Err(problem) = verdict {
            match known
                .iter()
                .find(|k| !path.is_empty() && path.ends_with(k.field))
            {
                Some(k) => {
                    println!(
                        "  known bad example {}: {} ({problem})",
                        example.label, k.reason
                    );
                    known_seen.push(k.field);
                }
                None => problems.push(format!("{}: {problem}", example.label)),
            }
        }
    }
    for k in known.iter().filter(|k| !known_seen.contains(&k.field)) {
        problems.push(format!(
            "no example breaks `{}` any more ({}): remove it from the list",
            k.field, k.reason
        ));
    }
    println!(
        "examples {}: {}/{} decode and serialise back equivalently ({} response examples, {} component examples, {} known bad)",
        api.name,
        examples.len() - problems.len() - known_seen.len(),
        examples.len(),
        responses,
        examples.len() - responses,
        known_seen.len(),
    );
    for problem in &problems {
        println!("  FAILED {problem}");
    }
    (examples.len(), problems)
}

fn decoders<C>(
    operations: &[workspace_tests::contract::Operation<C>],
) -> Vec<(&'static str, Decode)> {
    operations.iter().map(|o| (o.id, o.decode)).collect()
}

#[test]
fn openapi_examples_decode_and_round_trip() {
    let known = [KnownBad {
        field: "totalContractVolume",
        reason: "spec bug: ContractVolume.totalContractVolume (and the average volumes) are $ref Money, an object, \
                 with a number as example",
    }];
    let (count, problems) = check(
        &OPENAPI,
        &decoders(&openapi::OPERATIONS),
        openapi::decode_component,
        &known,
    );
    assert!(count > 0, "no examples found");
    assert!(
        problems.is_empty(),
        "{} examples fail:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn connect_examples_decode_and_round_trip() {
    let (count, problems) = check(
        &CONNECT,
        &decoders(&connect::OPERATIONS),
        connect::decode_component,
        &[],
    );
    assert!(count > 0, "no examples found");
    assert!(
        problems.is_empty(),
        "{} examples fail:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn device_examples_decode_and_round_trip() {
    let (count, problems) = check(
        &DEVICE,
        &decoders(&device::OPERATIONS),
        device::decode_component,
        &[],
    );
    assert!(count > 0, "no examples found");
    assert!(
        problems.is_empty(),
        "{} examples fail:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Every value of every generated enum decodes to its own variant and encodes back: the
/// dynamic passes see only some values of large enums (country codes), this sees them all.
fn check_enums(api: &str, enums: &[workspace_tests::contract::EnumCheck]) {
    let mut problems = Vec::new();
    let mut values = 0;
    for check in enums {
        for value in check.values {
            values += 1;
            if let Err(problem) = (check.decode)(value) {
                problems.push(format!("{}::{value}: {problem}", check.name));
            }
        }
    }
    println!(
        "enums {api}: {}/{values} values of {} enums decode to their variant",
        values - problems.len(),
        enums.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn openapi_enum_values_decode_to_their_variants() {
    check_enums("openapi", &openapi::ENUMS);
}

#[test]
fn connect_enum_values_decode_to_their_variants() {
    check_enums("connect", &connect::ENUMS);
}

#[test]
fn device_enum_values_decode_to_their_variants() {
    check_enums("device", &device::ENUMS);
}
