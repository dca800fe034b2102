//! What every emitter needs to know about the model's types: their Rust names,
//! which are polymorphic, and how a property's value is held.

use super::areas::Areas;
use super::json_impls::FieldShape;
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
    /// Operation name → the parameters struct its body is, for actions.
    pub body_structs: BTreeMap<String, BodyStruct>,
    /// Operation name → where its function sits in `operations`.
    pub call_paths: BTreeMap<String, super::path_tree::CallPath>,
    /// The path items name the SDK's root by: `crate`, or in the include
    /// layout the module the user includes it in (`crate::graph`).
    pub root: RootPath,
}

/// The struct of an action's parameters: one per action, shared by every
/// path line of the page that documents it (`/me/sendMail` and
/// `/users/{id}/sendMail` both take a `SendMailBody`).
#[derive(Debug, Clone)]
pub struct BodyStruct {
    pub name: String,
    /// The operations that take it, in name order.
    pub operations: Vec<String>,
}

/// A module path (`crate`, `crate::graph`), kept as its segments: token trees
/// cannot be shared between the emitter's threads, so each use makes its own.
#[derive(Debug, Clone)]
pub struct RootPath(Vec<String>);

impl RootPath {
    /// `path` when it is `crate` followed by `::`-separated identifiers.
    pub fn parse(path: &str) -> Option<RootPath> {
        let segments: Vec<String> = path.split("::").map(str::to_string).collect();
        let (first, rest) = segments.split_first()?;
        let valid = first == "crate"
            && rest
                .iter()
                .all(|segment| syn::parse_str::<syn::Ident>(segment).is_ok());
        valid.then_some(RootPath(segments))
    }
}

impl quote::ToTokens for RootPath {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let span = proc_macro2::Span::call_site();
        for (index, segment) in self.0.iter().enumerate() {
            if index > 0 {
                tokens.extend(quote! { :: });
            }
            // Valid identifiers by `parse`: neither constructor panics.
            let ident = match segment.strip_prefix("r#") {
                Some(raw) => proc_macro2::Ident::new_raw(raw, span),
                None => proc_macro2::Ident::new(segment, span),
            };
            tokens.extend([proc_macro2::TokenTree::Ident(ident)]);
        }
    }
}

impl<'m> Context<'m> {
    pub fn new(model: &'m ApiModel, root: RootPath) -> Self {
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
        let body_structs = body_structs(model, &mut scope);
        Context {
            model,
            types,
            type_names,
            module_names,
            polymorphic,
            descendants,
            areas: Areas::new(model),
            body_structs,
            call_paths: super::path_tree::call_paths(&model.operations),
            root,
        }
    }

    pub fn type_def(&self, name: &str) -> Option<&'m TypeDef> {
        self.types.get(&type_key(name)).copied()
    }

    /// The Rust type for a doc type reference (without `Nullable`).
    pub fn rust_type(&self, ty: &TypeRef) -> TokenStream {
        let element = match ty.primitive {
            Some(primitive) => primitive_type(primitive, &self.root),
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
        if self.field_shape(ty) == FieldShape::Model {
            quote! { Box<#rust> }
        } else {
            rust
        }
    }

    /// How the runtime reads a field of type `ty` (see [`FieldShape`]).
    pub fn field_shape(&self, ty: &TypeRef) -> FieldShape {
        let model = ty.primitive.is_none()
            && self
                .type_def(&ty.name)
                .is_some_and(|d| d.kind == TypeKind::Object);
        match (model, ty.collection) {
            (false, _) => FieldShape::Value,
            (true, false) => FieldShape::Model,
            (true, true) => FieldShape::Models,
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
pub fn primitive_type(primitive: Primitive, root: &RootPath) -> TokenStream {
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
        Primitive::DateTimeOffset => quote! { #root::runtime::DateTimeOffset },
        Primitive::Date => quote! { #root::runtime::Date },
        Primitive::TimeOfDay => quote! { #root::runtime::TimeOfDay },
        Primitive::Duration => quote! { #root::runtime::Duration },
        Primitive::Guid => quote! { #root::runtime::Uuid },
        Primitive::Binary => quote! { #root::runtime::Base64 },
        Primitive::Stream => quote! { Vec<u8> },
        Primitive::Json => quote! { serde_json::Value },
    }
}

/// Groups the operations whose bodies are action parameters: one group per page
/// and parameter list. A group is named after its action (`SendMailBody`) when
/// no other group or type takes that name, else after its first operation
/// (`MeSendMailBody`), which is unique because operation names are.
fn body_structs(model: &ApiModel, scope: &mut Scope) -> BTreeMap<String, BodyStruct> {
    // (page, action, parameters): two actions of one page with equal parameters
    // (`activate`, `deactivate`) keep a struct each.
    type Key = (String, Option<String>, String);
    let mut groups: BTreeMap<Key, Vec<&crate::model::Operation>> = BTreeMap::new();
    for op in &model.operations {
        if let crate::model::RequestBody::Parameters { parameters } = &op.body {
            // The parameters as JSON: equal lists are the same action's.
            let signature = serde_json::to_string(parameters).unwrap_or_default();
            groups
                .entry((op.source.file.clone(), action_name(&op.path), signature))
                .or_default()
                .push(op);
        }
    }
    let mut wanted: BTreeMap<String, usize> = BTreeMap::new();
    let candidates: Vec<Option<String>> = groups
        .keys()
        .map(|(_, action, _)| {
            let candidate = action.clone();
            if let Some(name) = &candidate {
                *wanted.entry(name.clone()).or_default() += 1;
            }
            candidate
        })
        .collect();
    let mut structs = BTreeMap::new();
    for (ops, candidate) in groups.into_values().zip(candidates) {
        let mut operations: Vec<String> = ops.iter().map(|op| op.name.clone()).collect();
        operations.sort();
        let shared = candidate.filter(|name| wanted.get(name) == Some(&1));
        let name = match shared {
            Some(name) if !scope.is_taken(&name) => name,
            _ => {
                let first = operations.first().map(String::as_str).unwrap_or("unnamed");
                format!("{}Body", names::type_name(first))
            }
        };
        scope.claim(&name, "");
        for op in &operations {
            structs.insert(
                op.clone(),
                BodyStruct {
                    name: name.clone(),
                    operations: operations.clone(),
                },
            );
        }
    }
    structs
}

/// `SendMailBody` for `/users/{id}/sendMail` or `/me/microsoft.graph.sendMail`:
/// the action's own segment, without namespace or arguments.
fn action_name(path: &crate::parse::path_template::PathTemplate) -> Option<String> {
    use crate::parse::path_template::PathPart;
    // Only a path that ends in its action names one: `PATCH /alerts/{id}` with
    // a parameters table is an update, named after its operation.
    let last = match path.parts.last()? {
        PathPart::Literal { text } => text.as_str(),
        PathPart::Param { .. } => return None,
    };
    let segment = last.trim_end_matches('/').rsplit('/').next()?;
    let segment = segment.split('(').next()?;
    let segment = segment.rsplit('.').next()?;
    let plain = !segment.is_empty()
        && segment.chars().all(|c| c.is_ascii_alphanumeric())
        && segment.starts_with(|c: char| c.is_ascii_alphabetic());
    plain.then(|| format!("{}Body", names::type_name(segment)))
}
