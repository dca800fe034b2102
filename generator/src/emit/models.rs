//! One Rust file per type: a serde struct or enum, plus its `Any…` enum when
//! other types derive from it.

use super::context::Context;
use super::derives::struct_derives;
use super::docs::{clean, doc_attrs, doc_safe, paragraphs};
use super::json_impls::{enum_impls, object_impls, EnumMember, FieldShape, JsonField};
use super::names::{self, Scope};
use crate::model::{type_key, TypeDef, TypeKind};
use proc_macro2::TokenStream;
use quote::quote;

/// Field names every struct reserves for its own bookkeeping.
const RESERVED_FIELDS: &[&str] = &["odata_type", "additional_properties"];

/// The items of a type's file.
pub fn type_items(cx: &Context<'_>, def: &TypeDef) -> TokenStream {
    match def.kind {
        TypeKind::Enum => enum_items(cx, def),
        TypeKind::Object => {
            let object = struct_items(cx, def);
            let constructors = super::constructors::constructors(cx, def);
            let any = polymorphic_items(cx, def);
            quote! { #object #constructors #any }
        }
    }
}

/// Where a type is documented, for its doc comment.
fn source_note(cx: &Context<'_>, def: &TypeDef) -> String {
    let mut files: Vec<&str> = def.sources.iter().map(|s| s.file.as_str()).collect();
    files.dedup();
    let origin = match def.origin {
        crate::model::TypeOrigin::InferredFromExamples => {
            "No page documents this type; its shape is inferred from the examples of "
        }
        _ => "Documented in ",
    };
    let list: Vec<String> = files
        .iter()
        .map(|f| super::operations::page_link(cx, f))
        .collect();
    format!("{origin}{}.", list.join(", "))
}

fn type_doc(cx: &Context<'_>, def: &TypeDef) -> TokenStream {
    let title = format!("`{}` ({}).", def.name, def.qualified_name());
    doc_attrs(&paragraphs(&[
        title,
        clean(&def.description),
        source_note(cx, def),
    ]))
}

fn struct_items(cx: &Context<'_>, def: &TypeDef) -> TokenStream {
    let name = names::ident(
        cx.type_names
            .get(&type_key(&def.name))
            .map(String::as_str)
            .unwrap_or("Unnamed"),
    );
    let doc = type_doc(cx, def);
    let properties = field_names(cx, def);
    // Each property's field, JSON name and `#[cfg]`, computed once.
    let property_fields: Vec<JsonField> = properties
        .iter()
        .map(|(property, field_name)| JsonField {
            field: names::ident(field_name),
            json_name: property.name.clone(),
            cfg: cx.areas.field_cfg(&def.name, property),
            shape: cx.field_shape(&property.ty),
        })
        .collect();
    let fields = properties.iter().zip(&property_fields).map(|((property, _), json)| {
        let JsonField { field, cfg, .. } = json;
        let ty = cx.field_type(&property.ty);
        let description = clean(&property.description);
        let mut description = if description.is_empty() {
            format!("The `{}` property.", property.name)
        } else {
            description
        };
        if !cfg.is_empty() {
            description.push_str(&format!(
                "\n\nA relationship, compiled with {}: without it the property is kept in `additional_properties`.",
                features_phrase(cx.areas.of_type(&property.ty.name))
            ));
        }
        let doc = doc_attrs(&description);
        quote! {
            #doc
            #cfg
            pub #field: Nullable<#ty>,
        }
    });
    let odata_type = JsonField {
        field: names::ident("odata_type"),
        json_name: "@odata.type".to_string(),
        cfg: TokenStream::new(),
        shape: FieldShape::Value,
    };
    let json_fields: Vec<JsonField> = std::iter::once(odata_type)
        .chain(property_fields.iter().cloned())
        .collect();
    let impls = object_impls(&cx.root, &name, &json_fields);
    let (derive, std_impls) = struct_derives(&cx.root, &name, &json_fields);
    quote! {
        #doc
        #derive
        pub struct #name {
            /// The `@odata.type` annotation: the concrete type of this value.
            pub odata_type: Option<String>,
            #(#fields)*
            /// Properties the docs do not list, kept so that JSON round-trips without loss.
            pub additional_properties: serde_json::Map<String, serde_json::Value>,
        }

        #std_impls
        #impls
    }
}

/// "the cargo feature `outlook`" / "one of the cargo features `a`, `b`".
fn features_phrase(areas: &super::areas::AreaSet) -> String {
    let names: Vec<String> = areas.iter().map(|a| format!("`{a}`")).collect();
    match names.as_slice() {
        [one] => format!("the cargo feature {one}"),
        _ => format!("one of the cargo features {}", names.join(", ")),
    }
}

/// Each property of a struct (its own and inherited) with its Rust field name.
pub fn field_names<'m>(
    cx: &Context<'m>,
    def: &'m TypeDef,
) -> Vec<(&'m crate::model::Property, String)> {
    let mut scope = Scope::with_reserved(RESERVED_FIELDS);
    cx.all_properties(def)
        .into_iter()
        .map(|property| {
            let (field_name, _) = scope.claim(&names::snake_name(&property.name), "_");
            (property, field_name)
        })
        .collect()
}

/// `AnyX`: a value of `X` or of any type derived from it, told apart by `@odata.type`.
fn polymorphic_items(cx: &Context<'_>, def: &TypeDef) -> TokenStream {
    let root = &cx.root;
    let key = type_key(&def.name);
    let (Some(any_name), Some(descendants)) = (cx.polymorphic.get(&key), cx.descendants.get(&key))
    else {
        return TokenStream::new();
    };
    let any = names::ident(any_name);
    let base = names::ident(
        cx.type_names
            .get(&key)
            .map(String::as_str)
            .unwrap_or("Unnamed"),
    );
    // A derived type is a variant only when its areas compile it; otherwise its
    // values are read as the base type.
    let enclosing = cx.areas.of_type(&def.name);
    let variants: Vec<(proc_macro2::Ident, String, TokenStream)> = descendants
        .iter()
        .filter_map(|d| {
            let def = cx.types.get(d)?;
            let cfg = cx.areas.cfg_within(cx.areas.of_type(&def.name), enclosing);
            Some((
                names::ident(cx.type_names.get(d)?),
                def.qualified_name(),
                cfg,
            ))
        })
        .collect();
    // `@odata.type` is looked at only when some derived type is compiled.
    let derived_areas: super::areas::AreaSet = descendants
        .iter()
        .flat_map(|d| cx.areas.of_type(d).iter().cloned())
        .collect();
    let odata_type_cfg = cx.areas.cfg_within(&derived_areas, enclosing);
    let variant_items = variants.iter().map(|(ident, qualified, cfg)| {
        let doc = format!(" A `{}`.", doc_safe(qualified));
        quote! { #[doc = #doc] #cfg #ident(#ident), }
    });
    // `@odata.type` is matched as `odata_type_key` gives it: no `#`, lower case.
    let arms: Vec<TokenStream> = variants
        .iter()
        .map(|(ident, qualified, cfg)| {
            let key = qualified.to_ascii_lowercase();
            quote! {
                #cfg
                #key => return <#ident as #root::runtime::FromJsonObject>::from_json_object(object).map(Self::#ident),
            }
        })
        .collect();
    // One derived type is an `if`, as it would be written by hand.
    let dispatch = match variants.as_slice() {
        [] => TokenStream::new(),
        [(ident, qualified, _)] => {
            let key = qualified.to_ascii_lowercase();
            quote! {
                #odata_type_cfg
                if #root::runtime::odata_type_key(&object) == #key {
                    return <#ident as #root::runtime::FromJsonObject>::from_json_object(object).map(Self::#ident);
                }
            }
        }
        _ => quote! {
            #odata_type_cfg
            match #root::runtime::odata_type_key(&object).as_str() {
                #(#arms)*
                _ => {}
            }
        },
    };
    let base_doc = format!(
        " A `{}`, or a derived type this crate does not know (its extra properties are kept).",
        doc_safe(&def.qualified_name())
    );
    let doc = format!(
        " `{}` or any type derived from it, told apart by `@odata.type`.",
        doc_safe(&def.name)
    );
    let match_arms = variants
        .iter()
        .map(|(ident, _, cfg)| quote! { #cfg Self::#ident(value) => serde::Serialize::serialize(value, serializer), });
    // `value.into()` wherever the enum, or a property holding it, is expected:
    // bodies are then written without naming the enum or boxing by hand.
    let conversions = std::iter::once((&base, TokenStream::new()))
        .chain(variants.iter().map(|(ident, _, cfg)| (ident, cfg.clone())))
        .map(|(ident, cfg)| {
            quote! {
                #cfg
                impl From<#ident> for #any {
                    fn from(value: #ident) -> Self {
                        Self::#ident(value)
                    }
                }

                #cfg
                impl From<#ident> for #root::runtime::Nullable<Box<#any>> {
                    fn from(value: #ident) -> Self {
                        Self::Value(Box::new(#any::#ident(value)))
                    }
                }
            }
        });
    quote! {
        #[doc = #doc]
        ///
        /// New derived types appear as variants when the docs add them or another
        /// cargo feature compiles them, so a `match` needs a `_` arm.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #any {
            #[doc = #base_doc]
            #base(#base),
            #(#variant_items)*
        }

        impl Default for #any {
            fn default() -> Self {
                Self::#base(#base::default())
            }
        }

        impl serde::Serialize for #any {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    Self::#base(value) => serde::Serialize::serialize(value, serializer),
                    #(#match_arms)*
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for #any {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #root::runtime::deserialize_object(deserializer)
            }
        }

        impl #root::runtime::FromJsonObject for #any {
            fn from_json_object(object: #root::runtime::JsonObject) -> Result<Self, #root::runtime::FieldError> {
                #dispatch
                <#base as #root::runtime::FromJsonObject>::from_json_object(object).map(Self::#base)
            }
        }

        #(#conversions)*
    }
}

fn enum_items(cx: &Context<'_>, def: &TypeDef) -> TokenStream {
    let name = names::ident(
        cx.type_names
            .get(&type_key(&def.name))
            .map(String::as_str)
            .unwrap_or("Unnamed"),
    );
    let doc = type_doc(cx, def);
    let mut scope = Scope::with_reserved(&["Unknown"]);
    let mut members = Vec::new();
    let variants: Vec<TokenStream> = def
        .members
        .iter()
        .map(|member| {
            let (variant, _) = scope.claim(&names::type_name(&member.name), "");
            let variant = names::ident(&variant);
            let json = &member.name;
            let description = clean(&member.description);
            let description = if description.is_empty() {
                format!("`{json}`")
            } else {
                description
            };
            let doc = doc_attrs(&description);
            members.push(EnumMember {
                variant: variant.clone(),
                json_name: json.clone(),
            });
            quote! {
                #doc
                #variant,
            }
        })
        .collect();
    let impls = enum_impls(&name, &members);
    quote! {
        #doc
        ///
        /// The docs may add members, so a `match` needs a `_` arm.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the crate does not know, kept as sent.
            Unknown(String),
        }

        #impls
    }
}

/// The `use` lines a type's file needs.
pub fn type_imports(cx: &Context<'_>, def: &TypeDef) -> TokenStream {
    let mut used = std::collections::BTreeSet::new();
    // Names compiled only with some areas (relationship fields, derived types
    // of an `Any…` enum): cfg predicate → names.
    let mut gated: std::collections::BTreeMap<String, (TokenStream, Vec<String>)> =
        std::collections::BTreeMap::new();
    let mut import = |name: &String, predicate: Option<TokenStream>| match predicate {
        None => {
            used.insert(name.clone());
        }
        Some(predicate) => gated
            .entry(predicate.to_string())
            .or_insert_with(|| (predicate, Vec::new()))
            .1
            .push(name.clone()),
    };
    if def.kind == TypeKind::Object {
        for property in cx.all_properties(def) {
            if property.ty.primitive.is_none() {
                let key = type_key(&property.ty.name);
                if let Some(name) = cx.polymorphic.get(&key).or_else(|| cx.type_names.get(&key)) {
                    import(name, cx.areas.field_predicate(&def.name, property));
                }
            }
        }
        if let Some(descendants) = cx.descendants.get(&type_key(&def.name)) {
            if cx.polymorphic.contains_key(&type_key(&def.name)) {
                let enclosing = cx.areas.of_type(&def.name);
                for d in descendants {
                    if let Some(name) = cx.type_names.get(d) {
                        let areas = cx.areas.of_type(d);
                        import(name, super::areas::predicate_within(areas, enclosing));
                    }
                }
            }
        }
    }
    // The type's own names are defined here, not imported.
    let own_names: Vec<&String> = [
        cx.type_names.get(&type_key(&def.name)),
        cx.polymorphic.get(&type_key(&def.name)),
    ]
    .into_iter()
    .flatten()
    .collect();
    for own in &own_names {
        used.remove(*own);
    }
    let models: Vec<_> = used.iter().map(|n| names::ident(n)).collect();
    let models = if models.is_empty() {
        TokenStream::new()
    } else {
        quote! { use super::{#(#models),*}; }
    };
    let gated = gated.into_values().map(|(predicate, mut names)| {
        // A derived type also used as a property is imported unconditionally above.
        names.retain(|n| !used.contains(n) && !own_names.contains(&n));
        names.sort();
        names.dedup();
        let idents: Vec<_> = names.iter().map(|n| names::ident(n)).collect();
        match idents.as_slice() {
            [] => TokenStream::new(),
            [one] => quote! { #[cfg(#predicate)] use super::#one; },
            _ => quote! { #[cfg(#predicate)] use super::{#(#idents),*}; },
        }
    });
    let has_fields = def.kind == TypeKind::Object && !cx.all_properties(def).is_empty();
    let runtime = if has_fields {
        let root = &cx.root;
        quote! { use #root::runtime::Nullable; }
    } else {
        TokenStream::new()
    };
    quote! {
        #models
        #(#gated)*
        #runtime
    }
}
