//! Operation responses: what the docs say an operation returns against what its
//! path gives in the CSDL, by method.
//!
//! - `GET`: the value the path addresses (a function's result, a stream, a count, references).
//! - `POST`: an action's result (none when it has no return type); on a
//!   collection, the created entity; on a `$ref` collection, nothing.
//! - `PATCH`/`PUT`: the updated entity or no body (both are fine).
//! - `DELETE`: no body.

use super::agreement::{agreement, docs_text, Agreement};
use super::index::Index;
use super::resolve::{resolve, Step, Target};
use super::CsdlTypeRef;
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::model::{ApiModel, Primitive, ResponseShape, TypeRef};

/// How an operation's documented response compares with the CSDL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResponseClass {
    Agree,
    /// A base or derived type of the CSDL's.
    Related,
    /// The same type, the other collection flag.
    Collection,
    /// An unrelated type.
    Different,
    /// The docs say no body; the service returns one.
    DocsNoBody,
    /// The docs give a body; the service returns none.
    ServiceNoBody,
    /// A stream on one side, a typed body on the other.
    Stream,
    /// The docs type the body as untyped JSON.
    Untyped,
    /// The path does not resolve in the CSDL.
    Unresolved,
}

impl ResponseClass {
    /// A short, stable name (used in the expectations files).
    pub fn name(self) -> &'static str {
        match self {
            ResponseClass::Agree => "agree",
            ResponseClass::Related => "related-type",
            ResponseClass::Collection => "collection-flag",
            ResponseClass::Different => "unrelated-type",
            ResponseClass::DocsNoBody => "docs-no-body",
            ResponseClass::ServiceNoBody => "service-no-body",
            ResponseClass::Stream => "stream-vs-body",
            ResponseClass::Untyped => "docs-untyped",
            ResponseClass::Unresolved => "unresolved",
        }
    }

    /// A one-line reason, generated from the class.
    pub fn reason(self) -> &'static str {
        match self {
            ResponseClass::Agree => "agrees",
            ResponseClass::Related => "the docs name a base or derived type of the service's",
            ResponseClass::Collection => "one side is a collection, the other a single value",
            ResponseClass::Different => "the docs name a type unrelated to the service's",
            ResponseClass::DocsNoBody => {
                "the docs give no response body where the service returns one"
            }
            ResponseClass::ServiceNoBody => {
                "the docs give a response body where the service returns none"
            }
            ResponseClass::Stream => "a stream on one side, a typed body on the other",
            ResponseClass::Untyped => "the docs type the response as untyped JSON",
            ResponseClass::Unresolved => "the path does not resolve in the metadata",
        }
    }
}

/// One operation's response compared with the CSDL.
#[derive(Debug, Clone)]
pub struct ResponseCheck {
    pub method: String,
    pub path: String,
    pub class: ResponseClass,
    /// What the docs say, in words (`Collection(user)`, `no body`, `stream`).
    pub docs: String,
    /// What the service says, or why the path did not resolve.
    pub service: String,
    /// The kind of resolution failure (`no-root`, `no-member`, …) for unresolved paths.
    pub unresolved_kind: Option<&'static str>,
    pub location: Location,
}

/// What the service answers to a method on a resolved path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expected {
    Body(CsdlTypeRef),
    /// The body, or nothing (updates).
    BodyOrNone(CsdlTypeRef),
    NoBody,
    Stream,
    Count,
    /// References: a collection of them when `true`.
    Ref(bool),
    /// The CSDL does not say.
    Any,
}

fn expected(method: &str, target: Target, last: Step) -> Expected {
    let action = matches!(last, Step::Action | Step::Function);
    match (method, target) {
        ("DELETE", _) => Expected::NoBody,
        (_, Target::NoValue) => Expected::NoBody,
        ("GET", Target::Value(ty)) => Expected::Body(ty),
        ("GET", Target::Stream) => Expected::Stream,
        ("GET", Target::Count) => Expected::Count,
        ("GET", Target::Ref(collection)) => Expected::Ref(collection),
        (_, Target::Value(ty)) if action => Expected::Body(ty),
        (_, Target::Ref(_)) => Expected::NoBody,
        ("POST", Target::Value(ty)) if ty.collection => Expected::Body(CsdlTypeRef {
            collection: false,
            ..ty
        }),
        ("PATCH" | "PUT", Target::Value(ty)) if !ty.collection => Expected::BodyOrNone(ty),
        _ => Expected::Any,
    }
}

fn docs_words(shape: &ResponseShape) -> String {
    match shape {
        ResponseShape::None => "no body".into(),
        ResponseShape::Stream => "stream".into(),
        ResponseShape::Single { ty } => docs_text(ty),
        ResponseShape::Collection { ty } => docs_text(&TypeRef {
            collection: true,
            ..ty.clone()
        }),
    }
}

/// The docs' body type with its collection flag, when the docs give a typed body.
fn docs_body(shape: &ResponseShape) -> Option<TypeRef> {
    match shape {
        ResponseShape::Single { ty } => Some(ty.clone()),
        ResponseShape::Collection { ty } => Some(TypeRef {
            collection: true,
            ..ty.clone()
        }),
        ResponseShape::None | ResponseShape::Stream => None,
    }
}

fn classify(index: &Index<'_>, shape: &ResponseShape, expected: &Expected) -> ResponseClass {
    let body = docs_body(shape);
    let is_none = matches!(shape, ResponseShape::None);
    let is_stream = matches!(shape, ResponseShape::Stream)
        || body
            .as_ref()
            .is_some_and(|b| matches!(b.primitive, Some(Primitive::Stream | Primitive::Binary)));
    let typed = |ty: &CsdlTypeRef| match &body {
        // A type that is only a stream (`microsoft.graph.report`): the stream
        // itself (a `302 Found` to the download) says the same.
        None if is_stream && !ty.collection && index.is_stream_wrapper(&ty.name) => {
            ResponseClass::Agree
        }
        None if is_stream => ResponseClass::Stream,
        None => ResponseClass::DocsNoBody,
        Some(docs) => match agreement(index, docs, ty) {
            Agreement::Same => ResponseClass::Agree,
            Agreement::Related => ResponseClass::Related,
            Agreement::Collection => ResponseClass::Collection,
            Agreement::Different if is_stream => ResponseClass::Stream,
            Agreement::Different => ResponseClass::Different,
            Agreement::Untyped => ResponseClass::Untyped,
        },
    };
    match expected {
        Expected::Any => ResponseClass::Agree,
        Expected::Body(ty) => typed(ty),
        Expected::BodyOrNone(ty) if is_none => {
            let _ = ty;
            ResponseClass::Agree
        }
        Expected::BodyOrNone(ty) => typed(ty),
        Expected::NoBody if is_none => ResponseClass::Agree,
        Expected::NoBody => ResponseClass::ServiceNoBody,
        Expected::Stream if is_stream => ResponseClass::Agree,
        Expected::Stream if is_none => ResponseClass::DocsNoBody,
        Expected::Stream => ResponseClass::Stream,
        Expected::Count => match &body {
            None if is_none => ResponseClass::DocsNoBody,
            Some(b) if b.primitive.is_some_and(|p| p != Primitive::Json) && !b.collection => {
                ResponseClass::Agree
            }
            _ if is_stream => ResponseClass::Agree,
            _ => ResponseClass::Different,
        },
        Expected::Ref(collection) => match &body {
            None if is_none => ResponseClass::DocsNoBody,
            None => ResponseClass::Stream,
            Some(b) if b.collection == *collection => ResponseClass::Agree,
            Some(_) => ResponseClass::Collection,
        },
    }
}

fn service_words(expected: &Expected) -> String {
    match expected {
        Expected::Body(ty) => ty.to_string(),
        Expected::BodyOrNone(ty) => format!("{ty} or no body"),
        Expected::NoBody => "no body".into(),
        Expected::Stream => "stream".into(),
        Expected::Count => "a count".into(),
        Expected::Ref(true) => "Collection(reference)".into(),
        Expected::Ref(false) => "reference".into(),
        Expected::Any => "anything".into(),
    }
}

/// Every operation's response compared with the CSDL, sorted by method and path.
pub fn response_checks(model: &ApiModel, index: &Index<'_>) -> Vec<ResponseCheck> {
    let mut checks: Vec<ResponseCheck> = model
        .operations
        .iter()
        .map(|op| {
            let method = op.method.to_ascii_uppercase();
            let docs = docs_words(&op.response);
            let (class, service, unresolved_kind) = match resolve(index, &op.path) {
                Ok(resolution) => {
                    let expected = expected(&method, resolution.target, resolution.last);
                    (
                        classify(index, &op.response, &expected),
                        service_words(&expected),
                        None,
                    )
                }
                Err(why) => (ResponseClass::Unresolved, why.message, Some(why.kind)),
            };
            ResponseCheck {
                method,
                path: op.path.raw.clone(),
                class,
                docs,
                service,
                unresolved_kind,
                location: op.source.clone(),
            }
        })
        .collect();
    checks
        .sort_by(|a, b| (&a.method, &a.path, &a.location).cmp(&(&b.method, &b.path, &b.location)));
    checks
}

/// The lint findings of the response checks.
pub fn response_findings(checks: &[ResponseCheck], file: &str, findings: &mut Vec<Diagnostic>) {
    for check in checks {
        let what = format!("`{} {}`", check.method, check.path);
        let diagnostic = match check.class {
            ResponseClass::Agree => continue,
            ResponseClass::Unresolved => Diagnostic::note(
                Code::MetadataPathUnresolved,
                check.location.clone(),
                format!(
                    "the path of {what} does not resolve in the metadata ({file}): {}",
                    check.service
                ),
            ),
            ResponseClass::Related => Diagnostic::note(
                Code::MetadataResponseRelated,
                check.location.clone(),
                format!(
                    "{what} returns `{}` in the docs, a base or derived type of `{}` in the metadata ({file})",
                    check.docs, check.service
                ),
            ),
            class => Diagnostic::warning(
                Code::MetadataResponseMismatch,
                check.location.clone(),
                format!(
                    "{what} returns {} in the docs and {} in the metadata ({file}): {}",
                    check.docs,
                    check.service,
                    class.reason()
                ),
            ),
        };
        findings.push(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metadata::parse::parse_str;

    const CSDL: &str = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <EntityType Name="entity"><Property Name="id" Type="Edm.String" /></EntityType>
  <ComplexType Name="report"><Property Name="content" Type="Edm.Stream" /></ComplexType>
  <EntityType Name="profilePhoto" BaseType="graph.entity" HasStream="true"><Property Name="content" Type="Edm.Stream" /></EntityType>
</Schema></edmx:DataServices></edmx:Edmx>"#;

    fn body(name: &str, collection: bool) -> Expected {
        Expected::Body(CsdlTypeRef {
            name: name.into(),
            collection,
        })
    }

    #[test]
    fn a_stream_agrees_with_a_type_that_is_only_a_stream() {
        let doc = parse_str(CSDL, "t.xml").expect("parses");
        let index = Index::new(&doc);
        let stream = ResponseShape::Stream;
        assert_eq!(
            classify(&index, &stream, &body("microsoft.graph.report", false)),
            ResponseClass::Agree
        );
        // A collection of reports is not one stream.
        assert_eq!(
            classify(&index, &stream, &body("microsoft.graph.report", true)),
            ResponseClass::Stream
        );
        // `id` (from `entity`) is a second structural property.
        assert_eq!(
            classify(
                &index,
                &stream,
                &body("microsoft.graph.profilePhoto", false)
            ),
            ResponseClass::Stream
        );
        assert_eq!(
            classify(
                &index,
                &ResponseShape::None,
                &body("microsoft.graph.report", false)
            ),
            ResponseClass::DocsNoBody
        );
    }
}
