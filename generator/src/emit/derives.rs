//! The std traits of a generated struct: derived, except where a derive
//! would break rustc.
//!
//! `#[derive(PartialEq)]` expands to one `a == b && c == d && …` expression,
//! and rustc recurses once per `&&`: a type with 10,000 properties overflowed
//! its stack under `cargo check`. Past [`FLAT_EQ_FROM_FIELDS`] fields the
//! comparison is written out as one statement per field instead, which
//! rustc takes in a loop.

use super::json_impls::JsonField;
use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// From this many fields on, `PartialEq` is written out rather than derived.
/// The largest type the Graph docs have (~300 properties, beta) stays derived.
pub const FLAT_EQ_FROM_FIELDS: usize = 512;

/// The derive attribute of a model or body struct, and any trait impl
/// written out in place of a derive. A field compiled only with some
/// features (its `cfg`) is compared only where it exists.
pub fn struct_derives(name: &Ident, fields: &[JsonField]) -> (TokenStream, TokenStream) {
    if fields.len() < FLAT_EQ_FROM_FIELDS {
        return (
            quote! { #[derive(Debug, Clone, Default, PartialEq)] },
            TokenStream::new(),
        );
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
    (quote! { #[derive(Debug, Clone, Default)] }, eq)
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
            })
            .collect()
    }

    #[test]
    fn ordinary_structs_derive_partial_eq() {
        let name = Ident::new("User", proc_macro2::Span::call_site());
        let (derive, impls) = struct_derives(&name, &field_idents(40));
        assert!(derive.to_string().contains("PartialEq"));
        assert!(impls.is_empty());
    }

    #[test]
    fn very_large_structs_compare_field_by_field() {
        let name = Ident::new("Big", proc_macro2::Span::call_site());
        let (derive, impls) = struct_derives(&name, &field_idents(FLAT_EQ_FROM_FIELDS));
        assert!(!derive.to_string().contains("PartialEq"));
        let text = impls.to_string();
        assert!(text.contains("impl PartialEq for Big"));
        assert!(
            !text.contains("&&"),
            "no operator chain for rustc to recurse on"
        );
    }
}
