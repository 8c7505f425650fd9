//! Spec descriptions as rustdoc: the text is Markdown already, but rustdoc reads a few things
//! differently from a documentation portal, and `cargo doc -D warnings` must stay clean.

/// Doc text for an item: description, then the example if there is one.
pub(crate) fn doc_text(description: Option<&str>, example: Option<&serde_json::Value>) -> String {
    let mut text = description.map(sanitise).unwrap_or_default();
    if let Some(example) = example {
        let rendered = serde_json::to_string(example).unwrap_or_default();
        if !rendered.is_empty() && rendered.len() <= 200 && !rendered.contains('`') {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(&format!("Example: `{rendered}`"));
        }
    }
    text
}

/// Makes portal Markdown safe for rustdoc:
/// - indented lines would become Rust doctests, so leading whitespace goes;
/// - fenced blocks would too, unless they say they are text;
/// - `[x]` would be read as an intra-doc link and `<br>` as unbalanced HTML, so they are escaped
///   outside code spans; bare URLs become autolinks;
/// - Markdown comments (`[//]: # (text)`, a link definition nothing uses) render as nothing in
///   Markdown, so they go rather than showing up escaped;
/// - a list item's wrapped lines are indented under its text again (with the leading
///   whitespace gone they would be "lazy continuations", which rustdoc renders but clippy
///   rejects).
pub(crate) fn sanitise(text: &str) -> String {
    let mut out = Vec::new();
    let mut in_fence = false;
    // The indentation of the text of the list item the current paragraph is in.
    let mut list_indent: Option<usize> = None;
    for line in text.trim().lines() {
        let line = line.trim();
        if !in_fence && is_markdown_comment(line) {
            continue;
        }
        if line.starts_with("```") {
            out.push(if in_fence { "```" } else { "```text" }.to_owned());
            in_fence = !in_fence;
            list_indent = None;
            continue;
        }
        if in_fence {
            out.push(line.to_owned());
            continue;
        }
        let marker = list_marker_width(line);
        let indent = match (marker, list_indent) {
            (None, Some(indent)) if !line.is_empty() => indent,
            _ => 0,
        };
        list_indent = if line.is_empty() {
            None
        } else {
            marker.or(list_indent)
        };
        out.push(format!("{}{}", " ".repeat(indent), escape_line(line)));
    }
    if in_fence {
        out.push("```".to_owned());
    }
    // A dropped comment may leave blank lines at either end.
    out.join("\n").trim().to_owned()
}

/// The width of a list item's marker with the space after it (`- `, `* `, `+ `, `1. `, `2) `),
/// or `None` when the line does not start a list item.
fn list_marker_width(line: &str) -> Option<usize> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let marker = match line.as_bytes().get(digits) {
        Some(b'.' | b')') if (1..=9).contains(&digits) => digits + 1,
        Some(b'-' | b'*' | b'+') if digits == 0 => 1,
        _ => return None,
    };
    (line.as_bytes().get(marker) == Some(&b' ')).then_some(marker + 1)
}

/// `[//]: # (text)` and its variants `[comment]: # "text"`: a link reference definition
/// whose target is `#`.
fn is_markdown_comment(line: &str) -> bool {
    line.starts_with('[')
        && line
            .split_once("]:")
            .is_some_and(|(_, target)| target.trim_start().starts_with('#'))
}

fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for (index, part) in line.split('`').enumerate() {
        if index > 0 {
            out.push('`');
        }
        let inside_code = index % 2 == 1;
        if inside_code {
            out.push_str(part);
        } else {
            out.push_str(&escape_prose(part));
        }
    }
    // An odd number of backticks leaves an unterminated code span; close it.
    if line.matches('`').count() % 2 == 1 {
        out.push('`');
    }
    out
}

fn escape_prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (index, word) in text.split(' ').enumerate() {
        if index > 0 {
            out.push(' ');
        }
        if word.starts_with("http://") || word.starts_with("https://") {
            let end = word.trim_end_matches(['.', ',', ')', ';', ':']).len();
            out.push('<');
            out.push_str(&word[..end]);
            out.push('>');
            out.push_str(&word[end..]);
            continue;
        }
        for c in word.chars() {
            match c {
                '[' => out.push_str("\\["),
                ']' => out.push_str("\\]"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '\\' => out.push_str("\\\\"),
                c => out.push(c),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_comments_are_dropped() {
        assert_eq!(
            sanitise("[//]: # (The content of this file)\n\nText."),
            "Text."
        );
        assert_eq!(sanitise("[comment]: # \"hidden\""), "");
        // A real link definition stays (escaped, as every other bracket).
        assert_eq!(sanitise("[a]: https://x.y"), "\\[a\\]: <https://x.y>");
    }

    #[test]
    fn wrapped_list_items_stay_in_their_item() {
        assert_eq!(
            sanitise("Lists:\n\n* one that\nwraps\n* two\n  also wraps\n\nAfter.\n10. ten\nmore"),
            "Lists:\n\n* one that\n  wraps\n* two\n  also wraps\n\nAfter.\n10. ten\n    more"
        );
        // Not list markers: emphasis, a rule, a number without a space.
        assert_eq!(
            sanitise("*bold*\nnext\n---\n3.5 kg\nx"),
            "*bold*\nnext\n---\n3.5 kg\nx"
        );
    }

    #[test]
    fn rustdoc_hazards_are_defused() {
        assert_eq!(sanitise("  indented\n    more"), "indented\nmore");
        assert_eq!(
            sanitise("see [docs] <br> here"),
            "see \\[docs\\] &lt;br&gt; here"
        );
        assert_eq!(sanitise("at https://x.y/z."), "at <https://x.y/z>.");
        assert_eq!(sanitise("`a[0] <b>` ok"), "`a[0] <b>` ok");
        assert_eq!(sanitise("```json\n{}\n```"), "```text\n{}\n```");
        assert_eq!(sanitise("odd `tick"), "odd `tick`");
    }
}
