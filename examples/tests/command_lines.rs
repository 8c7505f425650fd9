//! The command lines the documentation shows work as written: every usage line in an example's
//! own docs (its `text` block) and every `cargo run -p magicline-examples --bin ...` line of the
//! README is given to the program, which must accept it (clap refuses a command line with exit
//! status 2 and a usage text). Nothing reaches a server: the Open API key is unset, so those
//! examples stop before their first request, and every base URL points at a closed local port.
//! The README's example table names every example program, and only those.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The programs, by name, as cargo built them.
const PROGRAMS: &[(&str, &str)] = &[
    ("communications", env!("CARGO_BIN_EXE_communications")),
    (
        "contract_cancellation",
        env!("CARGO_BIN_EXE_contract_cancellation"),
    ),
    (
        "contract_conclusion",
        env!("CARGO_BIN_EXE_contract_conclusion"),
    ),
    ("device_vending", env!("CARGO_BIN_EXE_device_vending")),
    ("export_customers", env!("CARGO_BIN_EXE_export_customers")),
    ("self_service", env!("CARGO_BIN_EXE_self_service")),
    ("webhook_receiver", env!("CARGO_BIN_EXE_webhook_receiver")),
];

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Splits a shell command line into words: whitespace separates them, single and double quotes
/// group, a word starting with `#` ends the line, `>` and what follows (a redirection) is left
/// out, and leading `NAME=value` assignments are dropped.
fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quote = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.get_or_insert_with(String::new).push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                word.get_or_insert_with(String::new);
            }
            (None, c) if c.is_whitespace() => words.extend(word.take()),
            (None, '#') if word.is_none() => break,
            (None, c) => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    if let Some(redirect) = words.iter().position(|word| word == ">") {
        words.truncate(redirect);
    }
    let assignments = words
        .iter()
        .take_while(|word| word.contains('=') && !word.starts_with('-'))
        .count();
    words.split_off(assignments)
}

/// The command lines of the first ```` ```text ```` block of a program's `//!` docs, with
/// continuation lines (ending in `\`) joined.
fn usage_lines(source: &str) -> Vec<String> {
    let docs: Vec<&str> = source
        .lines()
        .map_while(|line| line.strip_prefix("//!"))
        .map(|line| line.strip_prefix(' ').unwrap_or(line))
        .collect();
    let block = docs
        .iter()
        .skip_while(|line| **line != "```text")
        .skip(1)
        .take_while(|line| **line != "```");
    let mut lines = Vec::new();
    let mut current = String::new();
    for line in block {
        let line = line.trim();
        match line.strip_suffix('\\') {
            Some(start) => {
                current.push_str(start);
                current.push(' ');
            }
            None => {
                current.push_str(line);
                lines.push(std::mem::take(&mut current));
            }
        }
    }
    lines
}

/// A base URL where nothing listens: a port that was free a moment ago.
fn closed_port_url() -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("the OS hands out a free port")
        .port();
    format!("http://127.0.0.1:{port}")
}

/// Runs `program` with `args` in an empty folder, without an API key; fails the test, naming
/// `origin`, when the program does not accept the command line.
fn assert_accepted(origin: &str, program: &str, args: &[String]) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let output = Command::new(program)
        .args(args)
        .current_dir(dir.path())
        .env_remove("MAGICLINE_API_KEY")
        .env_remove("MAGICLINE_WEBHOOK_KEY")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.code() != Some(2) && !stderr.contains("Usage:"),
        "{origin}: the command line is refused ({}):\n  {}\n{stderr}",
        output.status,
        args.join(" ")
    );
}

/// `args` with the value of every base URL flag (`--base-url`, `--open-api-base-url`,
/// `--device-base-url`) replaced by `url`, and `--base-url url` put first for a program that
/// takes one but was not given one.
fn pointed_at(name: &str, mut args: Vec<String>, url: &str) -> Vec<String> {
    let mut given = false;
    for index in 1..args.len() {
        if args[index - 1].ends_with("base-url") {
            args[index] = url.to_owned();
            given = true;
        }
    }
    // `device_vending` takes two base URLs, and stops before using them here (no key, no token).
    if !given && name != "device_vending" {
        args.splice(0..0, ["--base-url".to_owned(), url.to_owned()]);
    }
    args
}

#[test]
fn every_usage_line_of_an_example_works_as_written() {
    let url = closed_port_url();
    for (name, program) in PROGRAMS {
        let path: PathBuf = crate_dir().join("src/bin").join(format!("{name}.rs"));
        let source = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let mut checked = 0;
        for line in usage_lines(&source) {
            let words = words(&line);
            let Some((first, args)) = words.split_first() else {
                continue;
            };
            if first == "export" {
                continue;
            }
            assert_eq!(
                first,
                name,
                "{}: a usage line of another program: {line}",
                path.display()
            );
            let args = pointed_at(name, args.to_vec(), &url);
            assert_accepted(&format!("{name}.rs"), program, &args);
            checked += 1;
        }
        assert!(checked > 0, "{} shows no usage line", path.display());
    }
}

#[test]
fn every_command_line_of_the_readme_works_as_written() {
    let readme = std::fs::read_to_string(crate_dir().join("../README.md")).expect("the README");
    let url = closed_port_url();
    let mut checked = 0;
    for line in readme.lines() {
        let words = words(line);
        let Some(bin) = words.windows(2).position(|pair| pair[0] == "--bin") else {
            continue;
        };
        if words[..bin] != ["cargo", "run", "-p", "magicline-examples"] {
            continue;
        }
        let name = words[bin + 1].as_str();
        let program = PROGRAMS
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, program)| *program)
            .unwrap_or_else(|| panic!("README: no example program {name}: {line}"));
        assert_eq!(words.get(bin + 2).map(String::as_str), Some("--"), "{line}");
        let args = pointed_at(name, words[bin + 3..].to_vec(), &url);
        assert_accepted("README.md", program, &args);
        checked += 1;
    }
    assert!(
        checked >= PROGRAMS.len() - 2,
        "only {checked} command lines"
    );
}

#[test]
fn the_readme_table_names_every_example() {
    let readme = std::fs::read_to_string(crate_dir().join("../README.md")).expect("the README");
    let mut named: Vec<&str> = readme
        .lines()
        .filter_map(|line| line.strip_prefix("| [`"))
        .filter_map(|rest| rest.split_once('`').map(|(name, _)| name))
        .filter(|name| !name.is_empty())
        .collect();
    for (name, _) in PROGRAMS {
        let link = format!("| [`{name}`](examples/src/bin/{name}.rs) |");
        assert!(readme.contains(&link), "the README table lacks {link}");
    }
    named.sort_unstable();
    let mut programs: Vec<&str> = PROGRAMS.iter().map(|(name, _)| *name).collect();
    programs.sort_unstable();
    assert_eq!(named, programs, "the README table names other programs");
    let mut built: Vec<String> = std::fs::read_dir(crate_dir().join("src/bin"))
        .expect("the examples")
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            Some(path.file_stem()?.to_str()?.to_owned())
        })
        .collect();
    built.sort_unstable();
    assert_eq!(
        built, programs,
        "PROGRAMS lists other programs than src/bin"
    );
}
