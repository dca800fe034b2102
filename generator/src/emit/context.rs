//! What every emitter needs to know about the model's types: their Rust names,
//! which are polymorphic, and which fields must be boxed to break recursion.

use super::names::{self, Scope};
use crate::model::{type_key, ApiModel, Primitive, TypeDef, TypeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};

/// Names the generated crate reserves in its `models` module.
const RESERVED_TYPE_NAMES: &[&str] = &["Nullable", "Value", "Map", "Page", "Request", "Error"];

pub struct Context<'m> {
    pub model: &'m ApiModel,
    /// Type key → definition.
    pub types: BTreeMap<String, &'m TypeDef>,
    /// Type key → Rust type name.
    pub type_names: BTreeMap<String, String>,
    /// Type key → module (file) name under `models/`.
    pub module_names: BTreeMap<String, String>,
    /// Type key → name of its `Any…` enum, for types that have derived types.
    pub polymorphic: BTreeMap<String, String>,
    /// Type key → keys of every type derived from it, directly or not.
    pub descendants: BTreeMap<String, Vec<String>>,
    /// (type key, property name) pairs whose value must be boxed.
    pub boxed: BTreeSet<(String, String)>,
}

impl<'m> Context<'m> {
    pub fn new(model: &'m ApiModel) -> Self {
        let types: BTreeMap<String, &TypeDef> =
            model.types.iter().map(|t| (type_key(&t.name), t)).collect();
        let mut scope = Scope::with_reserved(RESERVED_TYPE_NAMES);
        let mut modules = Scope::with_reserved(&["mod"]);
        let mut type_names = BTreeMap::new();
        let mut module_names = BTreeMap::new();
        for (key, def) in &types {
            let wanted = names::type_name(&def.name);
            let (name, _) = scope.claim(&wanted, "");
            let (module, _) = modules.claim(&names::snake_name(&name), "_");
            type_names.insert(key.clone(), name);
            module_names.insert(key.clone(), module);
        }
        let descendants = descendants(&types);
        let mut polymorphic = BTreeMap::new();
        for key in descendants.keys() {
            let wanted = format!(
                "Any{}",
                type_names.get(key).map(String::as_str).unwrap_or("Type")
            );
            let (name, _) = scope.claim(&wanted, "");
            polymorphic.insert(key.clone(), name);
        }
        let mut context = Context {
            model,
            types,
            type_names,
            module_names,
            polymorphic,
            descendants,
            boxed: BTreeSet::new(),
        };
        context.boxed = context.recursive_fields();
        context
    }

    pub fn type_def(&self, name: &str) -> Option<&'m TypeDef> {
        self.types.get(&type_key(name)).copied()
    }

    /// The Rust type for a doc type reference (without `Nullable`).
    pub fn rust_type(&self, ty: &TypeRef) -> TokenStream {
        let element = match ty.primitive {
            Some(primitive) => primitive_type(primitive),
            None => self.named_type(&ty.name, true),
        };
        if ty.collection {
            quote! { Vec<#element> }
        } else {
            element
        }
    }

    /// The Rust type for a named doc type; `polymorphic` picks the `Any…` enum when there is one.
    pub fn named_type(&self, name: &str, polymorphic: bool) -> TokenStream {
        let key = type_key(name);
        if polymorphic {
            if let Some(any) = self.polymorphic.get(&key) {
                let ident = names::ident(any);
                return quote! { #ident };
            }
        }
        match self.type_names.get(&key) {
            Some(rust) => {
                let ident = names::ident(rust);
                quote! { #ident }
            }
            None => quote! { serde_json::Value },
        }
    }

    /// Properties of a type including inherited ones, base first, each name once.
    pub fn all_properties(&self, def: &'m TypeDef) -> Vec<&'m crate::model::Property> {
        let mut chain = vec![def];
        let mut current = def;
        while let Some(base) = current.base_type.as_deref().and_then(|b| self.type_def(b)) {
            if chain.iter().any(|t| std::ptr::eq(*t, base)) {
                break;
            }
            chain.push(base);
            current = base;
        }
        let mut properties: Vec<&crate::model::Property> = Vec::new();
        for def in chain.iter().rev() {
            for property in &def.properties {
                if !property.name.starts_with('@')
                    && !properties.iter().any(|p| p.name == property.name)
                {
                    properties.push(property);
                }
            }
        }
        properties
    }

    /// Fields that hold their own type (directly or through other single-valued
    /// fields) must be boxed, or the struct would have infinite size.
    fn recursive_fields(&self) -> BTreeSet<(String, String)> {
        let mut edges: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for (key, def) in &self.types {
            if def.kind != TypeKind::Object {
                continue;
            }
            for property in self.all_properties(def) {
                if property.ty.collection || property.ty.primitive.is_some() {
                    continue;
                }
                let target = type_key(&property.ty.name);
                if !self.types.contains_key(&target) {
                    continue;
                }
                // A polymorphic field may hold any descendant.
                let mut targets = vec![target.clone()];
                if self.polymorphic.contains_key(&target) {
                    targets.extend(self.descendants.get(&target).cloned().unwrap_or_default());
                }
                for t in targets {
                    edges
                        .entry(key.clone())
                        .or_default()
                        .push((t, property.name.clone()));
                }
            }
        }
        let mut boxed = BTreeSet::new();
        for (from, targets) in &edges {
            for (to, property) in targets {
                if reaches(&edges, to, from) {
                    boxed.insert((from.clone(), property.clone()));
                }
            }
        }
        boxed
    }
}

/// Whether `to` can be reached from `from` along `edges` (iterative DFS).
fn reaches(edges: &BTreeMap<String, Vec<(String, String)>>, from: &str, to: &str) -> bool {
    let mut stack = vec![from.to_string()];
    let mut seen = BTreeSet::new();
    while let Some(node) = stack.pop() {
        if node == to {
            return true;
        }
        if !seen.insert(node.clone()) {
            continue;
        }
        if let Some(next) = edges.get(&node) {
            stack.extend(next.iter().map(|(t, _)| t.clone()));
        }
    }
    false
}

/// Type key → all descendants (sorted), only for types that have any.
fn descendants(types: &BTreeMap<String, &TypeDef>) -> BTreeMap<String, Vec<String>> {
    let mut result: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (key, def) in types {
        let mut seen = BTreeSet::from([key.clone()]);
        let mut base = def.base_type.as_deref().map(type_key);
        while let Some(current) = base {
            if !types.contains_key(&current) || !seen.insert(current.clone()) {
                break;
            }
            result
                .entry(current.clone())
                .or_default()
                .insert(key.clone());
            base = types
                .get(&current)
                .and_then(|d| d.base_type.as_deref())
                .map(type_key);
        }
    }
    result
        .into_iter()
        .map(|(k, v)| (k, v.into_iter().collect()))
        .collect()
}

/// The Rust type of a primitive; see the README's mapping table.
pub fn primitive_type(primitive: Primitive) -> TokenStream {
    match primitive {
        Primitive::String => quote! { String },
        Primitive::Boolean => quote! { bool },
        Primitive::Byte => quote! { u8 },
        Primitive::SByte => quote! { i8 },
        Primitive::Int16 => quote! { i16 },
        Primitive::Int32 => quote! { i32 },
        Primitive::Int64 => quote! { i64 },
        Primitive::Single => quote! { f32 },
        Primitive::Double | Primitive::Decimal => quote! { f64 },
        Primitive::DateTimeOffset => quote! { crate::runtime::DateTimeOffset },
        Primitive::Date => quote! { crate::runtime::Date },
        Primitive::TimeOfDay => quote! { crate::runtime::TimeOfDay },
        Primitive::Duration => quote! { crate::runtime::Duration },
        Primitive::Guid => quote! { crate::runtime::Uuid },
        Primitive::Binary => quote! { crate::runtime::Base64 },
        Primitive::Stream => quote! { Vec<u8> },
        Primitive::Json => quote! { serde_json::Value },
    }
}
