//! Types, properties, enum members and base types: the model against the CSDL.
//!
//! Docs types count only when a page describes them (a resource page, an enum
//! page or an enum table); types inferred from examples or request bodies are
//! not documentation of the type. A docs type is matched with the CSDL type of
//! the same simple name in its namespace, case-insensitively.

use super::agreement::{agreement, docs_text, Agreement};
use super::index::{key, CsdlType, Index, Member};
use super::StructuredType;
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::model::{ApiModel, PageKind, TypeDef, TypeKind, TypeOrigin};
use std::collections::{HashMap, HashSet};

/// One documented property compared with the CSDL.
#[derive(Debug, Clone)]
pub struct PropertyCheck {
    /// `user.displayName`.
    pub property: String,
    pub docs: String,
    pub service: String,
    pub agreement: Agreement,
    pub location: Location,
}

/// Whether a resource or enum page describes the type (its main source is such
/// a page, not an API page whose request body table yields a type).
pub fn documented(ty: &TypeDef, kinds: &HashMap<&str, PageKind>) -> bool {
    matches!(
        ty.origin,
        TypeOrigin::ResourcePage | TypeOrigin::EnumPage | TypeOrigin::EnumTable
    ) && ty.sources.first().is_some_and(|source| {
        matches!(
            kinds.get(source.file.as_str()),
            Some(PageKind::Resource | PageKind::Enum)
        )
    })
}

/// The kind of each page, by file.
pub fn page_kinds(model: &ApiModel) -> HashMap<&str, PageKind> {
    model
        .pages
        .iter()
        .map(|p| (p.file.as_str(), p.kind))
        .collect()
}

/// The CSDL type a docs type stands for.
pub fn csdl_type_of<'a>(index: &Index<'a>, ty: &TypeDef) -> Option<CsdlType<'a>> {
    index.type_qualified(&ty.qualified_name())
}

/// The findings about types, and the property checks the oracle counts.
pub fn compare_types(
    model: &ApiModel,
    index: &Index<'_>,
    findings: &mut Vec<Diagnostic>,
) -> Vec<PropertyCheck> {
    let file = &index.csdl.file;
    let mut checks = Vec::new();
    // CSDL type (lowercased qualified name) → the documented docs type.
    let mut matched: HashMap<String, &TypeDef> = HashMap::new();
    let kinds = page_kinds(model);
    for ty in model.types.iter().filter(|t| documented(t, &kinds)) {
        let Some(location) = ty.sources.first() else {
            continue;
        };
        match csdl_type_of(index, ty) {
            Some(csdl) => {
                matched.entry(key(&csdl.qualified())).or_insert(ty);
            }
            None => findings.push(Diagnostic::note(
                Code::MetadataTypeGrowth,
                location.clone(),
                format!(
                    "type `{}` is not in the metadata ({file}): likely added to the API after it was published",
                    ty.qualified_name()
                ),
            )),
        }
    }
    for (qualified, csdl) in index.all_types() {
        match matched.get(qualified) {
            None => findings.push(Diagnostic::note(
                Code::MetadataTypeUndocumented,
                Location::new(file.clone(), csdl.line()),
                format!(
                    "type `{}` of the metadata has no page in the docs",
                    csdl.qualified()
                ),
            )),
            Some(docs) => match csdl {
                CsdlType::Enum { ty, .. } => {
                    compare_enum(docs, &ty.members, file, ty.line, findings)
                }
                CsdlType::Structured { ty, .. } => compare_structured(
                    model,
                    index,
                    &matched,
                    docs,
                    qualified,
                    ty,
                    findings,
                    &mut checks,
                ),
            },
        }
    }
    checks
}

fn compare_enum(
    docs: &TypeDef,
    members: &[String],
    file: &str,
    line: usize,
    findings: &mut Vec<Diagnostic>,
) {
    let Some(location) = docs.sources.first() else {
        return;
    };
    if docs.kind != TypeKind::Enum {
        return;
    }
    let service: HashSet<String> = members.iter().map(|m| key(m)).collect();
    let documented: HashSet<String> = docs.members.iter().map(|m| key(&m.name)).collect();
    for member in &docs.members {
        if !service.contains(&key(&member.name)) {
            findings.push(Diagnostic::note(
                Code::MetadataMemberGrowth,
                location.clone(),
                format!(
                    "enum member `{}.{}` is not in the metadata ({file}): likely added after it was published",
                    docs.name, member.name
                ),
            ));
        }
    }
    for member in members {
        if !documented.contains(&key(member)) {
            findings.push(Diagnostic::note(
                Code::MetadataMemberUndocumented,
                location.clone(),
                format!(
                    "enum member `{}.{member}` of the metadata ({file} line {line}) is not documented",
                    docs.name
                ),
            ));
        }
    }
}

/// Property names of the docs type, of its documented bases, and of the docs
/// types of the CSDL type's bases, lowercased: what the docs say the type has.
fn documented_properties(
    model: &ApiModel,
    index: &Index<'_>,
    matched: &HashMap<String, &TypeDef>,
    docs: &TypeDef,
    qualified: &str,
) -> HashSet<String> {
    let mut names = HashSet::new();
    let mut current = Some(docs);
    let mut depth = 0;
    while let Some(ty) = current {
        names.extend(ty.properties.iter().map(|p| key(&p.name)));
        depth += 1;
        current = if depth < 64 {
            ty.base_type.as_deref().and_then(|b| model.type_named(b))
        } else {
            None
        };
    }
    for base in index.chain(qualified) {
        if let Some(ty) = matched.get(&base) {
            names.extend(ty.properties.iter().map(|p| key(&p.name)));
        }
    }
    names
}

#[allow(clippy::too_many_arguments)]
fn compare_structured(
    model: &ApiModel,
    index: &Index<'_>,
    matched: &HashMap<String, &TypeDef>,
    docs: &TypeDef,
    qualified: &str,
    csdl: &StructuredType,
    findings: &mut Vec<Diagnostic>,
    checks: &mut Vec<PropertyCheck>,
) {
    let file = &index.csdl.file;
    let Some(location) = docs.sources.first() else {
        return;
    };
    if docs.kind != TypeKind::Object {
        return;
    }
    if let Some(base) = &docs.base_type {
        let service = csdl.base_type.as_deref().map(super::simple_name);
        if !service.is_some_and(|s| s.eq_ignore_ascii_case(super::simple_name(base))) {
            findings.push(Diagnostic::warning(
                Code::MetadataBaseTypeMismatch,
                location.clone(),
                format!(
                    "type `{}` has base type `{base}` in the docs and {} in the metadata ({file} line {})",
                    docs.name,
                    csdl.base_type
                        .as_deref()
                        .map_or("none".to_string(), |b| format!("`{b}`")),
                    csdl.line
                ),
            ));
        }
    }
    // `@odata.type`-style instance annotations are not properties.
    for property in docs.properties.iter().filter(|p| !p.name.starts_with('@')) {
        let Some(member) = index.member(qualified, &property.name) else {
            findings.push(Diagnostic::note(
                Code::MetadataPropertyGrowth,
                property.source.clone(),
                format!(
                    "property `{}.{}` is not in the metadata's type `{}` or its bases ({file}): likely added after it was published",
                    docs.name, property.name, csdl.name
                ),
            ));
            continue;
        };
        let service = member.ty();
        let found = agreement(index, &property.ty, service);
        let line = match member {
            Member::Property(p) => p.line,
            Member::Navigation(n) => n.line,
        };
        checks.push(PropertyCheck {
            property: format!("{}.{}", docs.name, property.name),
            docs: docs_text(&property.ty),
            service: service.to_string(),
            agreement: found,
            location: property.source.clone(),
        });
        let (code, why) = match found {
            Agreement::Same | Agreement::Untyped => continue,
            Agreement::Related => (
                Code::MetadataPropertyTypeRelated,
                "one type derives from the other",
            ),
            Agreement::Collection => (
                Code::MetadataPropertyCollectionMismatch,
                "one is a collection, the other a single value",
            ),
            Agreement::Different => (Code::MetadataPropertyTypeMismatch, "unrelated types"),
        };
        let message = format!(
            "property `{}.{}` is `{}` in the docs and `{service}` in the metadata ({file} line {line}): {why}",
            docs.name,
            property.name,
            docs_text(&property.ty),
        );
        findings.push(if found == Agreement::Related {
            Diagnostic::note(code, property.source.clone(), message)
        } else {
            Diagnostic::warning(code, property.source.clone(), message)
        });
    }
    let documented = documented_properties(model, index, matched, docs, qualified);
    let own = csdl
        .properties
        .iter()
        .map(|p| (&p.name, p.line, false))
        .chain(csdl.navigation.iter().map(|n| (&n.name, n.line, true)));
    for (name, line, navigation) in own {
        if !documented.contains(&key(name)) {
            findings.push(Diagnostic::note(
                Code::MetadataPropertyUndocumented,
                location.clone(),
                format!(
                    "{} `{}.{name}` of the metadata ({file} line {line}) is not documented",
                    if navigation {
                        "navigation property"
                    } else {
                        "property"
                    },
                    docs.name
                ),
            ));
        }
    }
}
