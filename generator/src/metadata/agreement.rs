//! Whether a docs type reference and a CSDL type reference agree: the same type
//! (simple names compared case-insensitively; primitives by their `Edm` type),
//! a base or derived type in place of the type (milder), an unrelated type, or
//! the same type with the other collection flag.

use super::index::Index;
use super::CsdlTypeRef;
use crate::model::{Primitive, TypeRef};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Agreement {
    Same,
    /// One type derives from the other.
    Related,
    /// The same (or related) type, but one side is a collection and the other not.
    Collection,
    /// Unrelated types.
    Different,
    /// The docs give no type to compare (`Json`, `Object`).
    Untyped,
}

/// Compares `docs` (with its collection flag) with `csdl`.
pub fn agreement(index: &Index<'_>, docs: &TypeRef, csdl: &CsdlTypeRef) -> Agreement {
    let element = element_agreement(index, docs, csdl);
    match element {
        Agreement::Same | Agreement::Related if docs.collection != csdl.collection => {
            Agreement::Collection
        }
        other => other,
    }
}

fn element_agreement(index: &Index<'_>, docs: &TypeRef, csdl: &CsdlTypeRef) -> Agreement {
    if docs.primitive == Some(Primitive::Json) {
        return Agreement::Untyped;
    }
    let csdl_primitive = csdl
        .is_primitive()
        .then(|| Primitive::from_doc_name(&csdl.name))
        .flatten();
    match (docs.primitive, csdl_primitive) {
        (Some(a), Some(b)) => {
            if a == b {
                Agreement::Same
            } else {
                Agreement::Different
            }
        }
        (Some(_), None) | (None, Some(_)) => Agreement::Different,
        (None, None) => {
            if csdl.is_primitive() {
                return Agreement::Different;
            }
            // The model names a type by its qualified name without the service's
            // namespace (`callRecords.session`, `user`).
            if docs
                .name
                .eq_ignore_ascii_case(crate::model::doc_type_name(&csdl.name))
            {
                return Agreement::Same;
            }
            let namespace = csdl.name.rsplit_once('.').map(|(namespace, _)| namespace);
            let simple = docs.name.rsplit('.').next().unwrap_or(&docs.name);
            match index.type_simple(simple, namespace) {
                Some(ty) if index.related(&ty.qualified(), &csdl.name) => Agreement::Related,
                _ => Agreement::Different,
            }
        }
    }
}

/// How a docs type reference reads in messages: `Collection(user)`, `String`.
pub fn docs_text(ty: &TypeRef) -> String {
    if ty.collection {
        format!("Collection({})", ty.name)
    } else {
        ty.name.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metadata::parse::parse_str;

    const CSDL: &str = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <EntityType Name="entity" />
  <EntityType Name="directoryObject" BaseType="graph.entity" />
  <EntityType Name="user" BaseType="graph.directoryObject" />
  <EntityType Name="message" BaseType="graph.entity" />
</Schema></edmx:DataServices></edmx:Edmx>"#;

    fn csdl(name: &str, collection: bool) -> CsdlTypeRef {
        CsdlTypeRef {
            name: name.into(),
            collection,
        }
    }

    #[test]
    fn same_related_collection_different_untyped() {
        let doc = parse_str(CSDL, "t.xml").expect("parses");
        let index = Index::new(&doc);
        let user = csdl("microsoft.graph.user", false);
        assert_eq!(
            agreement(&index, &TypeRef::named("User", false), &user),
            Agreement::Same
        );
        assert_eq!(
            agreement(&index, &TypeRef::named("directoryObject", false), &user),
            Agreement::Related
        );
        assert_eq!(
            agreement(
                &index,
                &TypeRef::named("user", false),
                &csdl("microsoft.graph.entity", false)
            ),
            Agreement::Related
        );
        assert_eq!(
            agreement(&index, &TypeRef::named("user", true), &user),
            Agreement::Collection
        );
        assert_eq!(
            agreement(&index, &TypeRef::named("message", false), &user),
            Agreement::Different
        );
        assert_eq!(
            agreement(
                &index,
                &TypeRef::primitive(Primitive::Int32, false),
                &csdl("Edm.Int64", false)
            ),
            Agreement::Different
        );
        assert_eq!(
            agreement(
                &index,
                &TypeRef::primitive(Primitive::String, true),
                &csdl("Edm.String", true)
            ),
            Agreement::Same
        );
        assert_eq!(
            agreement(&index, &TypeRef::primitive(Primitive::String, false), &user),
            Agreement::Different
        );
        assert_eq!(
            agreement(&index, &TypeRef::primitive(Primitive::Json, false), &user),
            Agreement::Untyped
        );
    }
}
