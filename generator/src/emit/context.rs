//! What every emitter needs to know about the model's types: their Rust names,
//! which are polymorphic, and how a property's value is held.

use super::areas::Areas;
use super::names::{self, Scope};
use crate::model::{type_key, ApiModel, Primitive, TypeDef, TypeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeMap;

/// Names the generated crate reserves in its `models` module: its runtime's
/// types, and the prelude, std and serde names generated code uses unqualified
/// (a model named `String` or `Option` would shadow them).
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Nullable",
    "Value",
    "Map",
    "Page",
    "Request",
    "Error",
    "String",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Vec",
    "Box",
    "Default",
    "Clone",
    "Copy",
    "Debug",
    "PartialEq",
    "Eq",
    "Hash",
    "From",
    "Into",
    "Send",
    "Sync",
    "Sized",
    "Fn",
    "Serialize",
    "Deserialize",
];

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
    /// The API areas (cargo features) and the types each needs.
    pub areas: Areas,
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
            let (module, _) = modules.claim(&names::module_name(&name), "_");
            type_names.insert(key.clone(), name);
            module_names.insert(key.clone(), module);
        }
        let descendants = crate::model::descendants(model.types.iter());
        let mut polymorphic = BTreeMap::new();
        for key in descendants.keys() {
            let wanted = format!(
                "Any{}",
                type_names.get(key).map(String::as_str).unwrap_or("Type")
            );
            let (name, _) = scope.claim(&wanted, "");
            polymorphic.insert(key.clone(), name);
        }
        Context {
            model,
            types,
            type_names,
            module_names,
            polymorphic,
            descendants,
            areas: Areas::new(model),
        }
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

    /// The Rust type of a property's value (without `Nullable`). A single nested
    /// object is boxed: that breaks recursive types (a folder holding its parent),
    /// and keeps structs small, since Graph types nest hundreds of properties deep
    /// and unboxed they overflow the stack when read.
    pub fn field_type(&self, ty: &TypeRef) -> TokenStream {
        let rust = self.rust_type(ty);
        let object = ty.primitive.is_none()
            && !ty.collection
            && self
                .type_def(&ty.name)
                .is_some_and(|d| d.kind == TypeKind::Object);
        if object {
            quote! { Box<#rust> }
        } else {
            rust
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
        // Names seen, as a set: scanning the list for each property was
        // quadratic in a type's size (50,000 rows: 21.7 s).
        let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for def in chain.iter().rev() {
            for property in &def.properties {
                if !property.name.starts_with('@') && seen.insert(property.name.as_str()) {
                    properties.push(property);
                }
            }
        }
        properties
    }
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
        // Single is read as f64 too: examples give more digits than f32 holds,
        // and every f32 is exact in f64, so nothing sent or received is lost.
        Primitive::Single | Primitive::Double | Primitive::Decimal => quote! { f64 },
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
