//! Names a type by the page its link leads to, when the link's text names no type.
//!
//! Link text is display text: "returns a [NamedItem](../resources/workbooknameditem.md)
//! object" means the type that `workbooknameditem.md` defines (`workbookNamedItem`),
//! not a type called `NamedItem`. Types are read from link text first (that is
//! what the pages mean almost always); this pass fixes the references whose text
//! names nothing in the tree but whose link leads to a page that defines exactly
//! one type, whose name contains the text.

use super::{type_key, Operation, RequestBody, ResponseShape, TypeDef, TypeRef};
use crate::parse::{links, Page};
use std::collections::BTreeMap;

/// `single_type_of_page`: lowercased page file → key of the only type that page
/// defines.
pub fn rename_by_linked_page(
    pages: &[Page],
    single_type_of_page: &BTreeMap<String, String>,
    types: &mut BTreeMap<String, TypeDef>,
    operations: &mut [Operation],
) {
    let targets = link_targets(pages, single_type_of_page, types);
    if targets.is_empty() {
        return;
    }
    let defined: Vec<String> = types.keys().cloned().collect();
    let fix = |ty: &mut TypeRef, file: &str| {
        if ty.primitive.is_some() || defined.binary_search(&type_key(&ty.name)).is_ok() {
            return;
        }
        if let Some(Some(target)) = targets.get(&(file.to_string(), type_key(&ty.name))) {
            ty.name = target.clone();
        }
    };
    for def in types.values_mut() {
        for property in &mut def.properties {
            fix(&mut property.ty, &property.source.file);
        }
    }
    for op in operations {
        let file = op.source.file.clone();
        match &mut op.body {
            RequestBody::Type { ty } => fix(ty, &file),
            RequestBody::Parameters { parameters } => {
                for parameter in parameters {
                    fix(&mut parameter.ty, &parameter.source.file);
                }
            }
            _ => {}
        }
        if let ResponseShape::Single { ty } | ResponseShape::Collection { ty } = &mut op.response {
            fix(ty, &file);
        }
    }
}

/// (page file, key of the name a link's text gives) → the type its target page
/// defines; `None` when the same text leads to two different types on one page.
fn link_targets(
    pages: &[Page],
    single_type_of_page: &BTreeMap<String, String>,
    types: &BTreeMap<String, TypeDef>,
) -> BTreeMap<(String, String), Option<String>> {
    let mut targets: BTreeMap<(String, String), Option<String>> = BTreeMap::new();
    for page in pages {
        let dir = links::page_dir(&page.file);
        for (link, _) in page.links() {
            let Some(target) = links::page_dest(&link.dest)
                .and_then(|dest| links::resolve_relative(dir, &dest))
                .and_then(|file| single_type_of_page.get(&file.to_ascii_lowercase()))
                .and_then(|key| types.get(key))
            else {
                continue;
            };
            let written = type_key(&TypeRef::named(link.text.trim().trim_matches('`'), false).name);
            // The text must still be part of the name ("NamedItem" of
            // `workbookNamedItem`): a link to a page that lists many types under one
            // title ("NAV.PostalAddress" to `dynamics-complextypes.md`) is not followed.
            let target_key = type_key(&target.name);
            if written.is_empty() || written == target_key || !target_key.contains(&written) {
                continue;
            }
            targets
                .entry((page.file.clone(), written))
                .and_modify(|known| {
                    if known.as_deref() != Some(target.name.as_str()) {
                        *known = None;
                    }
                })
                .or_insert_with(|| Some(target.name.clone()));
        }
    }
    targets
}
