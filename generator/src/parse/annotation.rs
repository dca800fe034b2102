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
    Invalid {
        message: String,
        /// 0-based line of the error within the comment text.
        line_offset: usize,
    },
}

/// Reads the inside of `<!-- ... -->`.
pub fn parse_comment(comment: &str) -> Parsed {
    let opened = comment.trim_start().trim_start_matches("<!--").trim_start();
    let inner = opened.trim_end().trim_end_matches("-->").trim_end();
    if !inner.starts_with('{') {
        return Parsed::NotAnnotation;
    }
    // Lines before the JSON starts, so the error can be located in the page.
    let lines_before = comment
        .get(..comment.len() - opened.len())
        .map_or(0, |before| before.matches('\n').count());
    let parsed = parse_lenient(inner);
    match (parsed.value, parsed.error) {
        (Some(Value::Object(fields)), _) => Parsed::Annotation {
            annotation: Annotation { fields },
            repairs: parsed.repairs.iter().map(|r| r.kind).collect(),
        },
        (_, Some(error)) => Parsed::Invalid {
            message: error.message,
            line_offset: lines_before + error.line.saturating_sub(1),
        },
        _ => Parsed::Invalid {
            message: "the annotation is not a JSON object".into(),
            line_offset: lines_before,
        },
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
            Parsed::Invalid { line_offset: 0, .. }
        ));
        assert!(matches!(
            parse_comment("<!--\n{\n  \"blockType\": \"request\",\n  \"name\": : x\n} -->"),
            Parsed::Invalid { line_offset: 3, .. }
        ));
        assert!(matches!(
            parse_comment("<!-- [1] -->"),
            Parsed::NotAnnotation
        ));
        assert!(matches!(
            parse_comment("<!-- {} trailing { -->"),
            Parsed::Annotation { .. } | Parsed::Invalid { .. }
        ));
    }

    #[test]
    fn plain_comment_is_not_an_annotation() {
        assert_eq!(parse_comment("<!-- a note -->"), Parsed::NotAnnotation);
    }
}
