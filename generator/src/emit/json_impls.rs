//! The `Serialize` / `Deserialize` impls of generated models, written out
//! instead of derived.
//!
//! Why: a serde derive with `#[serde(flatten)]` expands every struct into a
//! field enum, a visitor and a buffering deserializer, and rustc spent most of
//! a generated crate's `cargo check` type- and borrow-checking that expansion.
//! The impls here are one line per property and call into the crate's runtime
//! (`ObjectWriter`, `ObjectReader`, `read_object`, `deserialize_object`),
//! which does the work once for every model. Models and lists of models are
//! read by the runtime too, not by serde's `Box`/`Vec` impls: in a release
//! build, code that can drop a model is compiled into each codegen unit that
//! has any, and keeping it in the runtime keeps it to one. The JSON they read and write is the same: present
//! properties in declaration order, absent ones left out, unknown ones kept.

use super::context::RootPath;
use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// A struct field and the JSON property it holds.
#[derive(Clone)]
pub struct JsonField {
    pub field: Ident,
    pub json_name: String,
    /// The field's `#[cfg(...)]`, when only some features compile it; the
    /// property is then read and written only where the field exists.
    pub cfg: TokenStream,
    pub shape: FieldShape,
}

/// What a field holds, which says how the runtime reads it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FieldShape {
    /// A primitive, a string enum or a list of them: read by serde.
    Value,
    /// A model (`Box<T>`): read by the runtime's `ObjectReader::object`.
    Model,
    /// A list of models (`Vec<T>`): read by `ObjectReader::objects`.
    Models,
}

/// `Serialize`, `Deserialize`, `FromJsonObject` and `ReadProperties` for a
/// struct whose fields are `fields` (each `Nullable<_>` or `Option<_>`) plus
/// `additional_properties`.
pub fn object_impls(root: &RootPath, name: &Ident, fields: &[JsonField]) -> TokenStream {
    let writes = fields.iter().map(
        |JsonField {
             field,
             json_name,
             cfg,
             ..
         }| {
            quote! { #cfg object.field(#json_name, &self.#field); }
        },
    );
    let reads = fields.iter().map(
        |JsonField {
             field,
             json_name,
             cfg,
             shape,
         }| {
            let read = match shape {
                FieldShape::Value => quote! { field },
                FieldShape::Model => quote! { object },
                FieldShape::Models => quote! { objects },
            };
            quote! { #cfg #json_name => reader.#read(&mut self.#field, &key, json), }
        },
    );
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut object = #root::runtime::ObjectWriter::new(serializer)?;
                #(#writes)*
                object.end(&self.additional_properties)
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #root::runtime::deserialize_object(deserializer)
            }
        }

        impl #root::runtime::FromJsonObject for #name {
            fn from_json_object(object: #root::runtime::JsonObject) -> Result<Self, #root::runtime::FieldError> {
                #root::runtime::read_object(object)
            }
        }

        impl #root::runtime::ReadProperties for #name {
            fn read_property(
                &mut self,
                key: String,
                json: serde_json::Value,
                reader: &mut #root::runtime::ObjectReader,
            ) {
                match key.as_str() {
                    #(#reads)*
                    _ => reader.other(key, json),
                }
            }

            fn additional_properties_mut(&mut self) -> &mut #root::runtime::JsonObject {
                &mut self.additional_properties
            }
        }
    }
}

/// A variant of a string enum and the value the API spells it with.
pub struct EnumMember {
    pub variant: Ident,
    pub json_name: String,
}

/// `as_str`, `Serialize` and `Deserialize` for a string enum whose last
/// variant is `Unknown(String)`.
pub fn enum_impls(name: &Ident, members: &[EnumMember]) -> TokenStream {
    let to_str = members.iter().map(|EnumMember { variant, json_name }| {
        quote! { Self::#variant => #json_name, }
    });
    let from_str = members.iter().map(|EnumMember { variant, json_name }| {
        quote! { #json_name => Self::#variant, }
    });
    quote! {
        impl #name {
            /// The value as the API spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <String as serde::Deserialize>::deserialize(deserializer)?;
                Ok(match value.as_str() {
                    #(#from_str)*
                    _ => Self::Unknown(value),
                })
            }
        }
    }
}
