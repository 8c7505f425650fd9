//! The harness: an example program written into a generated crate
//! (`examples/conformance.rs`) that decodes each case with the crate's own `from_json` (its
//! `runtime::from_json`, which both client and models-only crates export) into the component's
//! Rust type, and says what came out: the value encoded again and the name its `Debug` starts
//! with (for an enum, the variant), or the decode error with its path. One program per crate,
//! built once, every case of the document through it.
//!
//! Input, on stdin: one case a line, `TYPE_INDEX<TAB>JSON`. Output, on stdout: one JSON object a
//! line, `{"variant", "encoded"}`, `{"error": {"path", "message"}}` or `{"panic"}`.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

/// The harness's file in the generated crate.
pub const EXAMPLE: &str = "examples/conformance.rs";

/// What the harness said about one case.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// It decoded.
    Decoded {
        /// The start of its `Debug` text: the variant of an enum, else the type's name.
        variant: String,
        /// The value encoded to JSON again.
        encoded: Value,
    },
    /// `from_json` refused it.
    Failed {
        /// Where, as the runtime's `DecodeError` says.
        path: String,
        /// Why.
        message: String,
    },
    /// Decoding or encoding panicked.
    Panicked(String),
}

/// The source of the harness for the crate `crate_name` whose component types are `types`
/// (a case names its type by index in this list).
pub fn source(crate_name: &str, types: &[String]) -> String {
    let krate = crate_name.replace('-', "_");
    let mut arms = String::new();
    for (index, name) in types.iter().enumerate() {
        let _ = writeln!(
            arms,
            "            \"{index}\" => check::<{krate}::models::{name}>(json),"
        );
    }
    format!(
        r#"//! Written by `cargo xtask conformance` (xtask/src/conformance/harness.rs); not part of the
//! generated crate. Decodes each case on stdin with the crate's `from_json` and prints what came
//! out, one JSON object a line.

use std::io::{{BufRead, Write}};

use {krate}::runtime::serde_json::{{self, json}};

fn check<T>(json: &str) -> String
where
    T: serde::de::DeserializeOwned + serde::Serialize + std::fmt::Debug,
{{
    match {krate}::runtime::from_json::<T>(json.as_bytes()) {{
        Ok(value) => {{
            let debug = format!("{{value:?}}");
            let variant: String = debug
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            match serde_json::to_value(&value) {{
                Ok(encoded) => json!({{"variant": variant, "encoded": encoded}}).to_string(),
                Err(error) => json!({{"panic": format!("does not encode: {{error}}")}}).to_string(),
            }}
        }}
        Err(error) => {{
            json!({{"error": {{"path": error.path, "message": error.message}}}}).to_string()
        }}
    }}
}}

fn one(line: &str) -> String {{
    let Some((index, json)) = line.split_once('\t') else {{
        return json!({{"panic": "a case is TYPE_INDEX<TAB>JSON"}}).to_string();
    }};
    match index {{
{arms}            _ => json!({{"panic": format!("no type {{index}}")}}).to_string(),
    }}
}}

fn main() {{
    std::panic::set_hook(Box::new(|_| {{}}));
    // Deeply nested values decode recursively.
    let worker = std::thread::Builder::new().stack_size(256 << 20).spawn(|| {{
        let stdin = std::io::stdin().lock();
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        for line in stdin.lines() {{
            let line = line.expect("cases on stdin");
            let result = std::panic::catch_unwind(|| one(&line)).unwrap_or_else(|panic| {{
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                json!({{"panic": message}}).to_string()
            }});
            writeln!(out, "{{result}}").expect("stdout");
        }}
    }});
    worker.expect("a thread").join().expect("the harness");
}}
"#
    )
}

/// Runs the built harness `program` on `cases` (`(type index, instance)`), one outcome each.
pub fn run(program: &Path, cases: &[(usize, &Value)]) -> Result<Vec<Outcome>, String> {
    let mut input = String::new();
    for (index, instance) in cases {
        let _ = writeln!(input, "{index}\t{instance}");
    }
    let mut child = Command::new(program)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| format!("cannot run {}: {error}", program.display()))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    // Written from another thread: the harness answers while it reads.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child
        .wait_with_output()
        .map_err(|error| format!("the harness did not finish: {error}"))?;
    let _ = writer.join();
    if !output.status.success() {
        return Err(format!(
            "the harness failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let outcomes: Vec<Outcome> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(outcome)
        .collect();
    if outcomes.len() != cases.len() {
        return Err(format!(
            "the harness answered {} of {} cases",
            outcomes.len(),
            cases.len()
        ));
    }
    Ok(outcomes)
}

fn outcome(line: &str) -> Outcome {
    let Ok(value) = serde_json::from_str::<Value>(line) else {
        return Outcome::Panicked(format!("unreadable answer: {line}"));
    };
    let text = |value: &Value| value.as_str().unwrap_or_default().to_owned();
    if let Some(error) = value.get("error") {
        return Outcome::Failed {
            path: text(&error["path"]),
            message: text(&error["message"]),
        };
    }
    match (value.get("variant"), value.get("encoded")) {
        (Some(variant), Some(encoded)) => Outcome::Decoded {
            variant: text(variant),
            encoded: encoded.clone(),
        },
        _ => Outcome::Panicked(text(&value["panic"])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_harness_names_each_type_by_index() {
        let source = source("corpus-pets", &["Pet".into(), "Owner".into()]);
        assert!(source.contains("\"0\" => check::<corpus_pets::models::Pet>(json),"));
        assert!(source.contains("\"1\" => check::<corpus_pets::models::Owner>(json),"));
        assert!(source.contains("corpus_pets::runtime::from_json::<T>"));
    }

    #[test]
    fn answers_are_read_back() {
        assert_eq!(
            outcome(r#"{"variant":"Cat","encoded":{"a":1}}"#),
            Outcome::Decoded {
                variant: "Cat".into(),
                encoded: serde_json::json!({"a": 1})
            }
        );
        assert_eq!(
            outcome(r#"{"error":{"path":"a.b","message":"missing field `c`"}}"#),
            Outcome::Failed {
                path: "a.b".into(),
                message: "missing field `c`".into()
            }
        );
        assert_eq!(
            outcome(r#"{"panic":"boom"}"#),
            Outcome::Panicked("boom".into())
        );
    }
}
