//! References to types of sub-namespaces (`microsoft.graph.termStore`,
//! `microsoft.graph.callRecords`) written by their simple name.
//!
//! Types are keyed by namespace (`group` and `termStore.group` are two types),
//! but pages of a sub-namespace name their own types without it: the
//! `termStore.set` page's `parentGroup` property is of type `group`, meaning
//! `termStore.group`. A simple name is read in the namespace of the type or
//! page that writes it when that namespace defines it; a simple name no
//! namespace but one sub-namespace defines is that type.

use super::{Operation, RequestBody, ResponseShape, TypeDef, TypeRef};
use std::collections::BTreeMap;

/// Qualifies the simple names of `types`' properties and base types, and of
/// `operations`' bodies and responses, as described in the module docs.
pub fn qualify_references(types: &mut BTreeMap<String, TypeDef>, operations: &mut [Operation]) {
    let names = Names::new(types);
    if names.by_simple.is_empty() {
        return;
    }
    for def in types.values_mut() {
        let namespace = sub_namespace(&def.name).map(str::to_string);
        for property in &mut def.properties {
            names.qualify(&mut property.ty, namespace.as_deref());
        }
        if let Some(base) = &def.base_type {
            let mut base_ref = TypeRef::named(base, false);
            names.qualify(&mut base_ref, namespace.as_deref());
            def.base_type = Some(base_ref.name);
        }
    }
    for op in operations {
        let namespace = names.namespace_of_page(&op.source.file);
        match &mut op.body {
            RequestBody::Type { ty } => names.qualify(ty, namespace),
            RequestBody::Parameters { parameters } => parameters
                .iter_mut()
                .for_each(|p| names.qualify(&mut p.ty, namespace)),
            RequestBody::None | RequestBody::Stream => {}
        }
        if let ResponseShape::Single { ty } | ResponseShape::Collection { ty } = &mut op.response {
            names.qualify(ty, namespace);
        }
    }
}

/// `termStore` of `termStore.group`; `None` for types of the service's namespace.
fn sub_namespace(name: &str) -> Option<&str> {
    name.rsplit_once('.').map(|(namespace, _)| namespace)
}

struct Names {
    /// Keys of every type.
    keys: Vec<String>,
    /// Lowercased simple name → the names of the sub-namespaced types that have it.
    by_simple: BTreeMap<String, Vec<String>>,
    /// Lowercased sub-namespaces, longest first (`callrecords`, `termstore`).
    namespaces: Vec<(String, String)>,
}

impl Names {
    fn new(types: &BTreeMap<String, TypeDef>) -> Names {
        let mut by_simple: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut namespaces: Vec<(String, String)> = Vec::new();
        for def in types.values() {
            let Some((namespace, simple)) = def.name.rsplit_once('.') else {
                continue;
            };
            by_simple
                .entry(simple.to_ascii_lowercase())
                .or_default()
                .push(def.name.clone());
            let lower = namespace.to_ascii_lowercase();
            if !namespaces.iter().any(|(l, _)| *l == lower) {
                namespaces.push((lower, namespace.to_string()));
            }
        }
        namespaces.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        Names {
            keys: types.keys().cloned().collect(),
            by_simple,
            namespaces,
        }
    }

    /// The sub-namespace an API page belongs to, by its file name: pages of a
    /// sub-namespace are named after it (`api/termstore-group-get.md`).
    fn namespace_of_page(&self, file: &str) -> Option<&str> {
        let stem = file.rsplit('/').next().unwrap_or(file).to_ascii_lowercase();
        self.namespaces
            .iter()
            .find(|(lower, _)| {
                stem.strip_prefix(lower.as_str())
                    .is_some_and(|rest| rest.starts_with('-'))
            })
            .map(|(_, namespace)| namespace.as_str())
    }

    fn qualify(&self, ty: &mut TypeRef, namespace: Option<&str>) {
        if ty.primitive.is_some() || ty.name.contains('.') {
            return;
        }
        let simple = ty.name.to_ascii_lowercase();
        let Some(candidates) = self.by_simple.get(&simple) else {
            return;
        };
        let in_namespace = namespace.and_then(|namespace| {
            candidates
                .iter()
                .find(|c| sub_namespace(c).is_some_and(|n| n.eq_ignore_ascii_case(namespace)))
        });
        let only_one_defines_it = match candidates.as_slice() {
            [only] if self.keys.binary_search(&simple).is_err() => Some(only),
            _ => None,
        };
        if let Some(name) = in_namespace.or(only_one_defines_it) {
            ty.name = name.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::type_key;

    #[test]
    fn simple_names_resolve_in_their_own_namespace_first() {
        let mut ty = TypeRef::named("group", false);
        let def = |name: &str| TypeDef {
            name: name.to_string(),
            namespace: String::new(),
            kind: crate::model::TypeKind::Object,
            origin: crate::model::TypeOrigin::ResourcePage,
            base_type: None,
            is_abstract: false,
            is_open: false,
            key_property: None,
            description: String::new(),
            properties: Vec::new(),
            members: Vec::new(),
            sources: Vec::new(),
        };
        let types: BTreeMap<String, TypeDef> = ["group", "termStore.group", "ediscovery.custodian"]
            .iter()
            .map(|n| (type_key(n), def(n)))
            .collect();
        let names = Names::new(&types);
        names.qualify(&mut ty, None);
        assert_eq!(
            ty.name, "group",
            "the service's own `group` outside the namespace"
        );
        names.qualify(&mut ty, Some("termstore"));
        assert_eq!(ty.name, "termStore.group");
        let mut custodian = TypeRef::named("custodian", false);
        names.qualify(&mut custodian, None);
        assert_eq!(
            custodian.name, "ediscovery.custodian",
            "only one namespace defines it"
        );
        assert_eq!(
            names.namespace_of_page("api/termstore-group-get.md"),
            Some("termStore")
        );
        assert_eq!(names.namespace_of_page("api/group-get.md"), None);
    }
}
