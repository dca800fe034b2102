//! Cargo features per API area: which area needs which type, and the `#[cfg]`
//! attributes that compile an item only when an area that needs it is enabled.
//!
//! An area needs the operations of its pages, the types its pages define, the
//! types its operations send and return, and, transitively, the types of their
//! properties (relationships included) and their base types. Derived types are
//! not pulled in by their base type: a variant of an `Any…` enum is compiled only
//! when its type is, and a value of a derived type that is not compiled is read
//! as the base type, with its other properties kept (as for a type the crate does
//! not know).

use crate::model::{type_key, ApiModel, RequestBody, ResponseShape, TypeDef};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};

/// Sets of area names.
pub type AreaSet = BTreeSet<String>;

/// What one area holds, for the crate's docs.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct AreaContents {
    pub pages: usize,
    pub operations: usize,
    /// Types compiled when this area is enabled.
    pub types: usize,
}

#[derive(Debug, Default)]
pub struct Areas {
    /// Area name → what it holds, sorted by name.
    pub contents: BTreeMap<String, AreaContents>,
    all: AreaSet,
    /// Type key → the areas that need it.
    type_areas: BTreeMap<String, AreaSet>,
}

impl Areas {
    pub fn new(model: &ApiModel) -> Self {
        let types: BTreeMap<String, &TypeDef> =
            model.types.iter().map(|t| (type_key(&t.name), t)).collect();
        let page_area: BTreeMap<&str, &str> = model
            .pages
            .iter()
            .map(|p| (p.file.as_str(), p.area.as_str()))
            .collect();
        let mut contents: BTreeMap<String, AreaContents> = BTreeMap::new();
        for page in &model.pages {
            contents.entry(page.area.clone()).or_default().pages += 1;
        }

        // The types each area needs directly.
        let mut roots: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (key, def) in &types {
            for source in &def.sources {
                if let Some(area) = page_area.get(source.file.as_str()) {
                    roots
                        .entry(area.to_string())
                        .or_default()
                        .insert(key.clone());
                }
            }
        }
        for op in &model.operations {
            let mut named = Vec::new();
            match &op.body {
                RequestBody::Type { ty } => named.push(ty),
                RequestBody::Parameters { parameters } => {
                    named.extend(parameters.iter().map(|p| &p.ty))
                }
                RequestBody::None | RequestBody::Stream => {}
            }
            if let ResponseShape::Single { ty } | ResponseShape::Collection { ty } = &op.response {
                named.push(ty);
            }
            for area in &op.areas {
                contents.entry(area.clone()).or_default().operations += 1;
                let area_roots = roots.entry(area.clone()).or_default();
                for ty in &named {
                    let key = type_key(&ty.name);
                    if ty.primitive.is_none() && types.contains_key(&key) {
                        area_roots.insert(key);
                    }
                }
            }
        }

        // Each area's closure over properties and base types.
        let mut type_areas: BTreeMap<String, AreaSet> = BTreeMap::new();
        for (area, area_roots) in &roots {
            let mut seen: BTreeSet<&str> = BTreeSet::new();
            let mut stack: Vec<&str> = area_roots.iter().map(String::as_str).collect();
            while let Some(key) = stack.pop() {
                if !seen.insert(key) {
                    continue;
                }
                let Some(def) = types.get(key) else {
                    continue;
                };
                let base = def.base_type.as_deref().map(type_key);
                // Relationships are not followed: a `user` does not compile
                // `managedDevice` for `users`. Their fields are compiled where
                // the type they hold is (`Areas::field_cfg`).
                let properties = def
                    .properties
                    .iter()
                    .filter(|p| p.ty.primitive.is_none() && !p.is_relationship)
                    .map(|p| type_key(&p.ty.name));
                for next in base.into_iter().chain(properties) {
                    if let Some((key, _)) = types.get_key_value(&next) {
                        if !seen.contains(key.as_str()) {
                            stack.push(key);
                        }
                    }
                }
            }
            let entry = contents.entry(area.clone()).or_default();
            entry.types = seen.len();
            for key in seen {
                type_areas
                    .entry(key.to_string())
                    .or_default()
                    .insert(area.clone());
            }
        }
        let all: AreaSet = contents.keys().cloned().collect();
        Areas {
            contents,
            all,
            type_areas,
        }
    }

    /// Every area.
    pub fn all(&self) -> &AreaSet {
        &self.all
    }

    /// The areas that need a type (every area for a type no area reaches, which
    /// only a type without a source page could be).
    pub fn of_type(&self, name: &str) -> &AreaSet {
        self.type_areas.get(&type_key(name)).unwrap_or(&self.all)
    }

    /// `#[cfg(...)]` for a field of `owner` holding `property`, inside the
    /// code compiled for `owner`: a relationship's field is compiled only
    /// where the type it holds is (without it, the property is kept in
    /// `additional_properties`); any other field is compiled with its struct.
    pub fn field_cfg(&self, owner: &str, property: &crate::model::Property) -> TokenStream {
        match self.field_predicate(owner, property) {
            Some(predicate) => quote! { #[cfg(#predicate)] },
            None => TokenStream::new(),
        }
    }

    /// The predicate of [`Areas::field_cfg`], and the areas it names.
    pub fn field_predicate(
        &self,
        owner: &str,
        property: &crate::model::Property,
    ) -> Option<TokenStream> {
        if !property.is_relationship || property.ty.primitive.is_some() {
            return None;
        }
        predicate_within(self.of_type(&property.ty.name), self.of_type(owner))
    }

    /// `#[cfg(...)]` for an item needed by `areas`, or nothing when it is always compiled.
    pub fn cfg(&self, areas: &AreaSet) -> TokenStream {
        self.cfg_within(areas, &self.all)
    }

    /// `#[cfg(...)]` for an item needed by `areas` inside code compiled for
    /// `enclosing`: nothing when every area of `enclosing` compiles the item.
    pub fn cfg_within(&self, areas: &AreaSet, enclosing: &AreaSet) -> TokenStream {
        match predicate_within(areas, enclosing) {
            Some(predicate) => quote! { #[cfg(#predicate)] },
            None => TokenStream::new(),
        }
    }
}

/// The model with every page and operation in one API area, so the emitted
/// code has no area features (see `EmitOptions::area_features`).
pub fn one_area(model: &ApiModel) -> ApiModel {
    const AREA: &str = "all";
    let mut model = model.clone();
    for page in &mut model.pages {
        page.area = AREA.to_string();
    }
    for op in &mut model.operations {
        op.areas = vec![AREA.to_string()];
    }
    model
}

/// `feature = "a"` or `any(feature = "a", feature = "b")` for `areas`; `None`
/// when every area of `enclosing` is in `areas` (no condition needed).
pub fn predicate_within(areas: &AreaSet, enclosing: &AreaSet) -> Option<TokenStream> {
    if enclosing.is_subset(areas) {
        return None;
    }
    let features: Vec<TokenStream> = areas.iter().map(|a| quote! { feature = #a }).collect();
    Some(match features.as_slice() {
        [one] => one.clone(),
        _ => quote! { any(#(#features),*) },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(names: &[&str]) -> AreaSet {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn areas_need_what_their_pages_reach_but_not_derived_types() {
        let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-input");
        let model = crate::model_for_tree(&docs).expect("docs-input reads");
        let areas = Areas::new(&model);
        assert_eq!(
            areas.all(),
            &set(&["intune", "microsoft-identity-platform", "other"])
        );
        assert_eq!(
            areas.contents["other"],
            AreaContents {
                pages: 2,
                operations: 2,
                types: 4
            }
        );
        // A type of the area's pages, and its derived type.
        assert_eq!(areas.of_type("deviceManagementScript"), &set(&["intune"]));
        assert_eq!(areas.of_type("deviceHealthScript"), &set(&["intune"]));
        // Needed by `intune`'s pages and reached from `other`'s operations.
        assert_eq!(
            areas.of_type("groupPolicyConfigurationAssignment"),
            &set(&["intune", "other"])
        );
        assert_eq!(areas.of_type("entity"), areas.all());
        // `entity` is its page's area, but the types derived from it are not.
        assert!(!areas
            .of_type("deviceManagementScriptAssignment")
            .contains("microsoft-identity-platform"));
        let entity = areas.of_type("entity");
        assert_eq!(areas.cfg(entity).to_string(), "");
        assert_eq!(
            areas
                .cfg_within(areas.of_type("deviceHealthScript"), entity)
                .to_string(),
            r#"# [cfg (feature = "intune")]"#
        );
    }

    #[test]
    fn predicates_name_only_what_is_needed() {
        let all = set(&["a", "b", "c"]);
        assert!(predicate_within(&all, &all).is_none());
        assert!(predicate_within(&set(&["a", "b"]), &set(&["a"])).is_none());
        assert_eq!(
            predicate_within(&set(&["b"]), &all).map(|p| p.to_string()),
            Some(r#"feature = "b""#.to_string())
        );
        assert_eq!(
            predicate_within(&set(&["a", "c"]), &all).map(|p| p.to_string()),
            Some(r#"any (feature = "a" , feature = "c")"#.to_string())
        );
    }
}
