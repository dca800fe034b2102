//! `<!-- { "blockType": "request", ... } -->` annotations, parsed leniently.

use super::lenient_json::{parse_lenient, RepairKind};
use serde_json::{Map, Value};

/// An annotation comment's content.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Annotation {
    pub fields: Map<String, Value>,
}

impl Annotation {
    pub fn block_type(&self) -> Option<&str> {
        self.str_field("blockType")
    }

    pub fn str_field(&self, key: &str) -> Option<&str> {
        self.fields.get(key).and_then(Value::as_str)
    }

    pub fn bool_field(&self, key: &str) -> Option<bool> {
        match self.fields.get(key)? {
            Value::Bool(b) => Some(*b),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
    }
}

/// Outcome of reading one HTML comment.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    /// Not an annotation (a plain comment with no JSON object in it).
    NotAnnotation,
    Annotation {
        annotation: Annotation,
        repairs: Vec<RepairKind>,
    },
    /// Looks like an annotation but is not JSON even leniently.
    Invalid(String),
}

/// Reads the inside of `<!-- ... -->`.
pub fn parse_comment(comment: &str) -> Parsed {
    let inner = comment
        .trim()
        .trim_start_matches("<!--")
        .trim_end_matches("-->")
        .trim();
    if !inner.starts_with('{') {
        return Parsed::NotAnnotation;
    }
    let parsed = parse_lenient(inner);
    match (parsed.value, parsed.error) {
        (Some(Value::Object(fields)), _) => Parsed::Annotation {
            annotation: Annotation { fields },
            repairs: parsed.repairs.iter().map(|r| r.kind).collect(),
        },
        (_, Some(error)) => Parsed::Invalid(error.message),
        _ => Parsed::Invalid("the annotation is not a JSON object".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_annotation() {
        let Parsed::Annotation {
            annotation,
            repairs,
        } = parse_comment("<!-- {\n \"blockType\": \"request\",\n \"name\": \"get_user\"\n} -->")
        else {
            panic!("expected an annotation");
        };
        assert_eq!(annotation.block_type(), Some("request"));
        assert_eq!(annotation.str_field("name"), Some("get_user"));
        assert!(repairs.is_empty());
    }

    #[test]
    fn trailing_comma_is_repaired() {
        let Parsed::Annotation {
            annotation,
            repairs,
        } = parse_comment("<!-- { \"blockType\": \"response\", \"truncated\": true, } -->")
        else {
            panic!("expected an annotation");
        };
        assert_eq!(annotation.bool_field("truncated"), Some(true));
        assert_eq!(repairs, vec![RepairKind::TrailingComma]);
    }

    #[test]
    fn bad_json_is_invalid_not_a_panic() {
        assert!(matches!(
            parse_comment("<!-- { \"blockType\": : } -->"),
            Parsed::Invalid(_)
        ));
    }

    #[test]
    fn plain_comment_is_not_an_annotation() {
        assert_eq!(parse_comment("<!-- a note -->"), Parsed::NotAnnotation);
    }
}
