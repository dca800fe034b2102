//! References to types as written in table cells: `String`, `[user](user.md) collection`,
//! `Collection(microsoft.graph.user)`, `Int32`, `[x][]`.

use crate::parse::TableCell;
use serde::Serialize;

/// The primitive types of the docs (OData's `Edm` types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Primitive {
    /// Text (`Edm.String`).
    String,
    /// `true` or `false`.
    Boolean,
    /// An unsigned 8-bit integer.
    Byte,
    /// A signed 8-bit integer.
    SByte,
    /// A 16-bit integer.
    Int16,
    /// A 32-bit integer.
    Int32,
    /// A 64-bit integer.
    Int64,
    /// A 32-bit float.
    Single,
    /// A 64-bit float.
    Double,
    /// A decimal number.
    Decimal,
    /// A timestamp with offset (ISO 8601).
    DateTimeOffset,
    /// A calendar date (`2021-01-31`).
    Date,
    /// A time of day (`13:45:00`).
    TimeOfDay,
    /// An ISO 8601 duration (`PT1H`).
    Duration,
    /// A GUID, as text.
    Guid,
    /// Base64-encoded bytes.
    Binary,
    /// Raw bytes sent as they are.
    Stream,
    /// Any JSON value (`Json`, `Object`, or a type that could not be resolved).
    Json,
}

impl Primitive {
    /// Recognises a primitive by its doc name, case-insensitively, with or without `Edm.`.
    pub fn from_doc_name(name: &str) -> Option<Primitive> {
        let name = name.trim();
        let name = name
            .strip_prefix("Edm.")
            .or_else(|| name.strip_prefix("edm."))
            .unwrap_or(name);
        Some(match name.to_ascii_lowercase().as_str() {
            "string" | "str" | "url" | "uri" => Primitive::String,
            "boolean" | "bool" => Primitive::Boolean,
            "byte" => Primitive::Byte,
            "sbyte" => Primitive::SByte,
            "int16" => Primitive::Int16,
            "int32" | "int" | "integer" | "number" => Primitive::Int32,
            "int64" | "long" => Primitive::Int64,
            "single" | "float" => Primitive::Single,
            "double" => Primitive::Double,
            "decimal" => Primitive::Decimal,
            "datetimeoffset" | "datetime" | "timestamp" => Primitive::DateTimeOffset,
            "date" => Primitive::Date,
            "timeofday" => Primitive::TimeOfDay,
            "duration" | "timespan" => Primitive::Duration,
            "guid" | "uuid" => Primitive::Guid,
            "binary" => Primitive::Binary,
            "stream" => Primitive::Stream,
            "json" | "object" => Primitive::Json,
            _ => return None,
        })
    }
}

/// A reference to a type, possibly a collection of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct TypeRef {
    /// The primitive's doc name, or the referenced type's name as written.
    pub name: String,
    /// Present when the type is a primitive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primitive: Option<Primitive>,
    /// A collection of the type (`String collection`, `Collection(...)`).
    pub collection: bool,
}

impl TypeRef {
    /// A reference to a primitive.
    pub fn primitive(primitive: Primitive, collection: bool) -> TypeRef {
        TypeRef {
            name: format!("{primitive:?}"),
            primitive: Some(primitive),
            collection,
        }
    }

    /// A reference to a named type; a namespace of the service is dropped.
    pub fn named(name: &str, collection: bool) -> TypeRef {
        TypeRef {
            name: super::doc_type_name(name).to_string(),
            primitive: None,
            collection,
        }
    }

    /// The same type, not as a collection.
    /// Whether a single result of this type comes wrapped as `{"value": …}`, as
    /// OData sends primitive results; untyped JSON and streams come as they are.
    pub fn is_odata_value(&self) -> bool {
        self.primitive
            .is_some_and(|p| !matches!(p, Primitive::Json | Primitive::Stream))
    }

    /// Whether a single result of this type comes wrapped as `{"value": …}`:
    /// a primitive (see [`TypeRef::is_odata_value`]) or an enum, which OData
    /// sends as a string like any other primitive. `is_enum` tells by type name.
    pub fn is_odata_value_with(&self, is_enum: impl Fn(&str) -> bool) -> bool {
        self.is_odata_value()
            || (self.primitive.is_none() && !self.collection && is_enum(&self.name))
    }

    /// The same type, not as a collection.
    pub fn element(&self) -> TypeRef {
        TypeRef {
            collection: false,
            ..self.clone()
        }
    }

    /// Reads a type cell. `None` when the cell is empty or holds no recognisable name.
    pub fn from_cell(cell: &TableCell) -> Option<TypeRef> {
        let link_name = cell
            .links
            .first()
            .map(|link| link.text.trim().to_string())
            .filter(|t| !t.is_empty());
        Self::from_text(&cell.text, link_name.as_deref())
    }

    /// Reads a type from text such as `String collection` or `Collection(Edm.String)`;
    /// `link_name` is the text of a link in it, which names the type when present.
    pub fn from_text(text: &str, link_name: Option<&str>) -> Option<TypeRef> {
        let text = text.trim();
        let lower = text.to_ascii_lowercase();
        // "collection" as a word outside the type's own name: `deviceLogCollectionResponse`
        // is one object, `[x](x.md) collection` and `Collection(x)` are many.
        let outside_name = match link_name {
            Some(link) => lower.replacen(&link.to_ascii_lowercase(), " ", 1),
            None => lower.clone(),
        };
        let mut collection = outside_name
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|word| word == "collection")
            || text.ends_with("[]");
        let mut name = match link_name {
            Some(link) => link.to_string(),
            None => {
                let inner = match (lower.find("collection("), text.rfind(')')) {
                    (Some(open), Some(close)) if close > open + 11 => &text[open + 11..close],
                    _ => text,
                };
                inner
                    .split(|c: char| c.is_whitespace() || c == ',' || c == '(')
                    .find(|w| !w.is_empty() && !w.eq_ignore_ascii_case("collection"))?
                    .to_string()
            }
        };
        if let Some(inner) = name
            .strip_prefix("Collection(")
            .and_then(|n| n.strip_suffix(')'))
        {
            collection = true;
            name = inner.to_string();
        }
        let name = name
            .trim_end_matches("[]")
            .trim_matches(|c: char| c == '`' || c == '*');
        if name.is_empty() || !name.chars().next().is_some_and(|c| c.is_alphabetic()) {
            return None;
        }
        if let Some(primitive) = Primitive::from_doc_name(name) {
            return Some(TypeRef::primitive(primitive, collection));
        }
        if !name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '_')
        {
            return None;
        }
        Some(TypeRef::named(name, collection))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::markdown::Link;

    #[test]
    fn enum_and_primitive_results_come_wrapped_in_value() {
        let is_enum = |name: &str| name == "delegateMeetingMessageDeliveryOptions";
        let wrapped = |ty: TypeRef| ty.is_odata_value_with(is_enum);
        assert!(wrapped(TypeRef::named(
            "delegateMeetingMessageDeliveryOptions",
            false
        )));
        assert!(wrapped(TypeRef::primitive(Primitive::String, false)));
        assert!(!wrapped(TypeRef::named(
            "delegateMeetingMessageDeliveryOptions",
            true
        )));
        assert!(!wrapped(TypeRef::named("user", false)));
        assert!(!wrapped(TypeRef::primitive(Primitive::Stream, false)));
    }

    fn cell(text: &str, link: Option<&str>) -> TableCell {
        TableCell {
            text: text.into(),
            markdown: text.into(),
            links: link
                .map(|l| {
                    vec![Link {
                        text: l.into(),
                        dest: format!("{l}.md"),
                        ..Link::default()
                    }]
                })
                .unwrap_or_default(),
        }
    }

    #[test]
    fn primitives_and_collections() {
        assert_eq!(
            TypeRef::from_cell(&cell("String", None)),
            Some(TypeRef::primitive(Primitive::String, false))
        );
        assert_eq!(
            TypeRef::from_cell(&cell("String collection", None)),
            Some(TypeRef::primitive(Primitive::String, true))
        );
        assert_eq!(
            TypeRef::from_cell(&cell("Collection(Edm.Int32)", None)),
            Some(TypeRef::primitive(Primitive::Int32, true))
        );
        assert_eq!(
            TypeRef::from_cell(&cell("dateTimeOffset", None)),
            Some(TypeRef::primitive(Primitive::DateTimeOffset, false))
        );
    }

    #[test]
    fn collection_inside_a_name_is_not_a_collection() {
        assert_eq!(
            TypeRef::from_cell(&cell(
                "deviceLogCollectionResponse",
                Some("deviceLogCollectionResponse")
            )),
            Some(TypeRef::named("deviceLogCollectionResponse", false))
        );
        assert_eq!(
            TypeRef::from_cell(&cell(
                "deviceLogCollectionResponse collection",
                Some("deviceLogCollectionResponse")
            )),
            Some(TypeRef::named("deviceLogCollectionResponse", true))
        );
    }

    #[test]
    fn named_types() {
        assert_eq!(
            TypeRef::from_cell(&cell(
                "assignmentTarget collection",
                Some("assignmentTarget")
            )),
            Some(TypeRef::named("assignmentTarget", true))
        );
        assert_eq!(
            TypeRef::from_cell(&cell("microsoft.graph.user", None)),
            Some(TypeRef::named("user", false))
        );
        assert_eq!(
            TypeRef::from_cell(&cell("Collection(microsoft.graph.user)", None)),
            Some(TypeRef::named("user", true))
        );
        assert_eq!(TypeRef::from_cell(&cell("", None)), None);
        assert_eq!(TypeRef::from_cell(&cell("—", None)), None);
    }
}
