//! `application/x-www-form-urlencoded` bodies and structured query parameters, written as
//! OpenAPI describes them: each property of a form body in its `encoding` style, each query
//! parameter in its `style` (`form`, exploded, unless the document says otherwise).

use serde::Serialize;
use serde_json::{Map, Value};

/// How one property of a form body, or one query parameter, is written (OpenAPI's `style` and
/// `explode`).
///
/// Generated request builders pass the styles their document gives; properties and parameters
/// without one are sent as `Form { explode: true }`, OpenAPI's default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FormStyle {
    /// `style: form`. Exploded: a list as repeated `name=item` pairs, an object as its own
    /// `key=value` pairs. Not exploded: `name=a,b,c`, an object as `name=key,value,...`.
    Form {
        /// OpenAPI's `explode`.
        explode: bool,
    },
    /// `style: spaceDelimited`: a list as `name=a b c`.
    SpaceDelimited,
    /// `style: pipeDelimited`: a list as `name=a|b|c`.
    PipeDelimited,
    /// `style: deepObject`: nested values as `name[key]=value`, list items as `name[0]=item`.
    DeepObject,
}

/// Encodes `body`, which must serialise to a JSON object, as form pairs in `styles`.
///
/// `null` values and absent options are left out. A value nested where its style has no form
/// for it (an object inside an exploded list, say) is sent as its JSON text.
pub(crate) fn encode(
    body: &impl Serialize,
    styles: &[(&str, FormStyle)],
) -> Result<String, String> {
    let value = serde_json::to_value(body).map_err(|err| err.to_string())?;
    let Value::Object(object) = value else {
        return Err("a form body must be an object of named values".to_owned());
    };
    let mut pairs = form_urlencoded::Serializer::new(String::new());
    for (name, value) in &object {
        let style = styles
            .iter()
            .find(|(styled, _)| styled == name)
            .map_or(FormStyle::Form { explode: true }, |(_, style)| *style);
        for (key, text) in property_pairs(name, value, style) {
            pairs.append_pair(&key, &text);
        }
    }
    Ok(pairs.finish())
}

/// The `(key, value)` pairs of `value` written in `style` as the property or query parameter
/// `name`, not yet percent-encoded; `Err` when `value` does not serialise.
pub(crate) fn styled_pairs(
    name: &str,
    value: &(impl Serialize + ?Sized),
    style: FormStyle,
) -> Result<Vec<(String, String)>, String> {
    let value = serde_json::to_value(value).map_err(|err| err.to_string())?;
    Ok(property_pairs(name, &value, style))
}

/// The `(key, value)` pairs of one property, not yet percent-encoded.
fn property_pairs(name: &str, value: &Value, style: FormStyle) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    match (value, style) {
        (Value::Null, _) => {}
        (_, FormStyle::DeepObject) => deep_pairs(name.to_owned(), value, &mut pairs),
        (Value::Array(items), FormStyle::Form { explode: true }) => pairs.extend(
            items
                .iter()
                .filter(|item| !item.is_null())
                .map(|item| (name.to_owned(), text(item))),
        ),
        (Value::Array(items), _) => {
            let separator = match style {
                FormStyle::SpaceDelimited => " ",
                FormStyle::PipeDelimited => "|",
                _ => ",",
            };
            let joined: Vec<String> = items.iter().map(text).collect();
            pairs.push((name.to_owned(), joined.join(separator)));
        }
        (Value::Object(fields), FormStyle::Form { explode: true }) => pairs.extend(
            fields
                .iter()
                .filter(|(_, value)| !value.is_null())
                .map(|(key, value)| (key.clone(), text(value))),
        ),
        (Value::Object(fields), _) => {
            let joined: Vec<String> = fields
                .iter()
                .filter(|(_, value)| !value.is_null())
                .flat_map(|(key, value)| [key.clone(), text(value)])
                .collect();
            pairs.push((name.to_owned(), joined.join(",")));
        }
        (scalar, _) => pairs.push((name.to_owned(), text(scalar))),
    }
    pairs
}

/// `deepObject`: `key[field]=value` for objects, `key[0]=value` for lists, to any depth.
fn deep_pairs(key: String, value: &Value, pairs: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Object(fields) => deep_object(&key, fields, pairs),
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                deep_pairs(format!("{key}[{index}]"), item, pairs);
            }
        }
        scalar => pairs.push((key, text(scalar))),
    }
}

fn deep_object(key: &str, fields: &Map<String, Value>, pairs: &mut Vec<(String, String)>) {
    for (field, value) in fields {
        deep_pairs(format!("{key}[{field}]"), value, pairs);
    }
}

/// A value's text: strings as they are, everything else as JSON.
fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn encoded(body: Value, styles: &[(&str, FormStyle)]) -> String {
        encode(&body, styles).unwrap()
    }

    #[test]
    fn scalars_are_pairs_and_nulls_are_left_out() {
        let body = json!({"name": "Anna Müller", "age": 31, "member": true, "note": null});
        assert_eq!(
            encoded(body, &[]),
            "name=Anna+M%C3%BCller&age=31&member=true"
        );
    }

    #[test]
    fn lists_repeat_by_default_and_join_when_not_exploded() {
        let body = json!({"tag": ["a", "b&c"], "ids": [1, 2], "pipe": [1, 2], "space": ["x", "y"]});
        let styles = [
            ("ids", FormStyle::Form { explode: false }),
            ("pipe", FormStyle::PipeDelimited),
            ("space", FormStyle::SpaceDelimited),
        ];
        assert_eq!(
            encoded(body, &styles),
            "tag=a&tag=b%26c&ids=1%2C2&pipe=1%7C2&space=x+y"
        );
    }

    #[test]
    fn objects_explode_into_their_fields_or_join_into_one_value() {
        let body = json!({"address": {"city": "Köln", "zip": "50667"}, "point": {"x": 1, "y": 2}});
        let styles = [("point", FormStyle::Form { explode: false })];
        assert_eq!(
            encoded(body, &styles),
            "city=K%C3%B6ln&zip=50667&point=x%2C1%2Cy%2C2"
        );
    }

    #[test]
    fn deep_objects_nest_with_brackets_at_any_depth() {
        let body = json!({
            "metadata": {"order": "42", "empty": null},
            "items": [{"price": "p_1", "quantity": 2}],
            "expand": ["customer"]
        });
        let styles = [
            ("metadata", FormStyle::DeepObject),
            ("items", FormStyle::DeepObject),
            ("expand", FormStyle::DeepObject),
        ];
        assert_eq!(
            encoded(body, &styles),
            "metadata%5Border%5D=42&items%5B0%5D%5Bprice%5D=p_1&items%5B0%5D%5Bquantity%5D=2\
             &expand%5B0%5D=customer"
        );
    }

    #[test]
    fn a_body_that_is_not_an_object_is_refused() {
        let error = encode(&json!(["a"]), &[]).unwrap_err();
        assert!(error.contains("object"), "{error}");
    }
}
