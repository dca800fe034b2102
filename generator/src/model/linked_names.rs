//! Names a type by the page its link leads to, when the link's text names no type.
//!
//! Link text is display text: "returns a [NamedItem](../resources/workbooknameditem.md)
//! object" means the type that `workbooknameditem.md` defines (`workbookNamedItem`),
//! not a type called `NamedItem`. Types are read from link text first (that is
//! what the pages mean almost always); this pass fixes the references whose text
//! names nothing in the tree but whose link leads to a page that defines exactly
//! one type, whose name contains the text or its singular ("[tabs](teamstab.md)"
//! is `teamsTab`), or equals it with each of the text's words made singular
//! ("[riskyUsersHistoryItem](riskyuserhistoryitem.md)" is `riskyUserHistoryItem`).
//! Two more cases read the page the same way:
//! - the text names a type of another page, and the link leads to a page that
//!   defines one type whose name contains the text: the link is what the author
//!   pointed at ("a list of [shared](insights-shared.md) items" is `sharedInsight`,
//!   not the `shared` of `shared.md`);
//! - a name that is no type, with no link, whose singular (as a whole or word
//!   by word) is one ("a collection of **secureScores**" is `secureScore`,
//!   "a **countriesRegions** object" is `countryRegion`), or that reads as
//!   exactly one documented name does with each word of both made singular
//!   ("**customerPaymentJournals**" is the documented `customerPaymentsJournals`).
//!   One or many is still what the page says.

use super::links::{link_target, LinkTarget};
use super::{type_key, Operation, RequestBody, ResponseShape, TypeDef, TypeRef};
use crate::parse::Page;
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
    // Key → name of every type the pages define (before any is renamed).
    let names: BTreeMap<String, String> = types
        .iter()
        .map(|(key, def)| (key.clone(), def.name.clone()))
        .collect();
    // Each word made singular → the one documented name that reads so
    // (`None` when two do).
    let mut by_singular_words: BTreeMap<String, Option<String>> = BTreeMap::new();
    for name in names.values() {
        by_singular_words
            .entry(each_word_singular(name))
            .and_modify(|known| {
                if known.as_deref() != Some(name.as_str()) {
                    *known = None;
                }
            })
            .or_insert_with(|| Some(name.clone()));
    }
    let fix = |ty: &mut TypeRef, file: &str| {
        if ty.primitive.is_some() {
            return;
        }
        let key = type_key(&ty.name);
        match targets.get(&(file.to_string(), key.clone())) {
            Some(Some(target)) if type_key(target) != key => ty.name = target.clone(),
            Some(_) => {}
            None if names.contains_key(&key) => {}
            // "**secureScores**", "**countriesRegions**": a plural of a type
            // the tree defines, made singular as a whole or word by word; else
            // "**customerPaymentJournals**" for the documented
            // `customerPaymentsJournals`: the one documented name that reads
            // the same with each word made singular.
            None => {
                let one = super::singular(&key);
                let words = each_word_singular(&ty.name);
                let found = names
                    .get(&one)
                    .filter(|_| one != key)
                    .or_else(|| names.get(&words))
                    .or_else(|| by_singular_words.get(&words)?.as_ref());
                if let Some(name) = found {
                    ty.name = name.clone();
                }
            }
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
        for (link, _) in page.block_links() {
            let LinkTarget::Page {
                file: Some(file), ..
            } = link_target(&page.file, &link.dest)
            else {
                continue;
            };
            let Some(target) = single_type_of_page
                .get(&file.to_ascii_lowercase())
                .and_then(|key| types.get(key))
            else {
                continue;
            };
            let written = type_key(&TypeRef::named(link.text.trim().trim_matches('`'), false).name);
            if written.is_empty() {
                continue;
            }
            let target_key = type_key(&target.name);
            let text_type = types.get(&written);
            // What this link says the text means. The text, or its singular, must
            // be part of the target's name for the link to be followed ("NamedItem"
            // of `workbookNamedItem`, "tabs" of `teamsTab`): a link to a page that
            // lists many types under one title ("NAV.PostalAddress" to
            // `dynamics-complextypes.md`) is not. Text that names a type the tree
            // defines stays that type unless the link leads to the page of an
            // unrelated type whose name contains the text itself
            // ("[shared](insights-shared.md)"); links that read the text in
            // different ways on one page leave it as written.
            let one = super::singular(&written);
            let followed = written == target_key
                || match text_type {
                    None => {
                        target_key.contains(&written)
                            || target_key.contains(&one)
                            || each_word_singular(link.text.trim().trim_matches('`')) == target_key
                    }
                    Some(_) => {
                        target_key.contains(&written) && !related(types, &written, &target_key)
                    }
                };
            let reading = if followed {
                target.name.clone()
            } else if let Some(own) = text_type {
                own.name.clone()
            } else {
                continue;
            };
            targets
                .entry((page.file.clone(), written))
                .and_modify(|known| {
                    if known.as_deref() != Some(reading.as_str()) {
                        *known = None;
                    }
                })
                .or_insert_with(|| Some(reading.clone()));
        }
    }
    targets
}

/// A camelCase name with each of its words made singular, as a key:
/// `riskyUsersHistoryItem` → `riskyuserhistoryitem` (link text that puts a
/// plural inside the name of the type its page defines).
fn each_word_singular(text: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    for c in text.chars() {
        match words.last_mut() {
            Some(word) if !c.is_ascii_uppercase() => word.push(c.to_ascii_lowercase()),
            _ => words.push(c.to_ascii_lowercase().to_string()),
        }
    }
    words.iter().map(|w| super::singular(w)).collect()
}

/// Whether one of two types (by key) derives from the other, by the `baseType`
/// the pages give.
fn related(types: &BTreeMap<String, TypeDef>, a: &str, b: &str) -> bool {
    let derives = |from: &str, to: &str| {
        let mut current = from.to_string();
        // A bounded walk: base type cycles are reported elsewhere.
        for _ in 0..32 {
            let Some(base) = types.get(&current).and_then(|t| t.base_type.as_deref()) else {
                return false;
            };
            current = type_key(base);
            if current == to {
                return true;
            }
        }
        false
    };
    derives(a, b) || derives(b, a)
}
