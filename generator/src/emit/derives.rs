//! The std traits of a generated struct: derived, except where a derive
//! would cost users too much.
//!
//! * `Debug` is written out: it shows the properties a value holds, not
//!   the hundred absent ones of a `User`, and it is not `#[inline]` as the
//!   derive is, so it is compiled once in the SDK rather than into every
//!   codegen unit of every crate that prints a model (with the formatting
//!   and drop code of every model the printed one can hold: a fifth of a
//!   small program's binary).
//! * `#[derive(PartialEq)]` expands to one `a == b && c == d && …`
//!   expression, and rustc recurses once per `&&`: a type with 10,000
//!   properties overflowed its stack under `cargo check`. Past
//!   [`FLAT_EQ_FROM_FIELDS`] fields the comparison is written out as one
//!   statement per field instead, which rustc takes in a loop.

use super::context::RootPath;
use super::json_impls::JsonField;
use proc_macro2::{Ident, TokenStream};
use quote::quote;
use syn::ext::IdentExt as _;

/// From this many fields on, `PartialEq` is written out rather than derived.
/// The largest type the Graph docs have (~300 properties, beta) stays derived.
pub const FLAT_EQ_FROM_FIELDS: usize = 512;

/// The derive attribute of a model or body struct, and the trait impls
/// written out in place of a derive. A field compiled only with some
/// features (its `cfg`) is shown and compared only where it exists.
pub fn struct_derives(
    root: &RootPath,
    name: &Ident,
    fields: &[JsonField],
) -> (TokenStream, TokenStream) {
    let debug = debug_impl(root, name, fields);
    if fields.len() < FLAT_EQ_FROM_FIELDS {
        return (quote! { #[derive(Clone, Default, PartialEq)] }, debug);
    }
    let comparisons = fields.iter().map(|JsonField { field, cfg, .. }| {
        quote! {
            #cfg
            if self.#field != other.#field {
                return false;
            }
        }
    });
    let eq = quote! {
        impl PartialEq for #name {
            fn eq(&self, other: &Self) -> bool {
                #(#comparisons)*
                true
            }
        }
    };
    (quote! { #[derive(Clone, Default)] }, quote! { #debug #eq })
}

/// `Debug` through the runtime's `DebugModel`: present properties only.
fn debug_impl(root: &RootPath, name: &Ident, fields: &[JsonField]) -> TokenStream {
    let type_name = name.to_string();
    let properties = fields.iter().map(|JsonField { field, cfg, .. }| {
        let field_name = field.unraw().to_string();
        quote! {
            #cfg
            model.property(#field_name, &self.#field);
        }
    });
    quote! {
        impl std::fmt::Debug for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let mut model = #root::runtime::DebugModel::new(f, #type_name);
                #(#properties)*
                model.finish(&self.additional_properties)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_idents(n: usize) -> Vec<JsonField> {
        (0..n)
            .map(|i| JsonField {
                field: Ident::new(&format!("f{i}"), proc_macro2::Span::call_site()),
                json_name: format!("f{i}"),
                cfg: TokenStream::new(),
                shape: super::super::json_impls::FieldShape::Value,
            })
            .collect()
    }

    fn root() -> RootPath {
        RootPath::parse("crate").expect("`crate` is a root path")
    }

    #[test]
    fn ordinary_structs_derive_partial_eq() {
        let name = Ident::new("User", proc_macro2::Span::call_site());
        let (derive, impls) = struct_derives(&root(), &name, &field_idents(40));
        assert!(derive.to_string().contains("PartialEq"));
        assert!(!impls.to_string().contains("PartialEq"));
    }

    #[test]
    fn debug_is_written_out_through_the_runtime() {
        let name = Ident::new("User", proc_macro2::Span::call_site());
        let mut fields = field_idents(2);
        fields[1].field = Ident::new_raw("type", proc_macro2::Span::call_site());
        fields[1].cfg = quote! { #[cfg(feature = "users")] };
        let (derive, impls) = struct_derives(&root(), &name, &fields);
        assert!(
            !derive.to_string().contains("Debug"),
            "not derived: {derive}"
        );
        let text = impls.to_string();
        assert!(text.contains("impl std :: fmt :: Debug for User"), "{text}");
        assert!(text.contains("DebugModel :: new (f , \"User\")"), "{text}");
        // A raw identifier is shown by its name; a gated field only where it exists.
        assert!(
            text.contains(
                "# [cfg (feature = \"users\")] model . property (\"type\" , & self . r#type)"
            ),
            "{text}"
        );
        assert!(text.contains("model . finish (& self . additional_properties)"));
    }

    #[test]
    fn very_large_structs_compare_field_by_field() {
        let name = Ident::new("Big", proc_macro2::Span::call_site());
        let (derive, impls) = struct_derives(&root(), &name, &field_idents(FLAT_EQ_FROM_FIELDS));
        assert!(!derive.to_string().contains("PartialEq"));
        let text = impls.to_string();
        assert!(text.contains("impl PartialEq for Big"));
        assert!(
            !text.contains("&&"),
            "no operator chain for rustc to recurse on"
        );
    }
}
