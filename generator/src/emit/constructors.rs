//! Constructors for the values Graph users build most often in request
//! bodies (a recipient, an item body, a date and time in a time zone), so that
//! `sendMail` or a new event reads as one line per value rather than a nest of
//! `Nullable::Value(Box::new(..))`.
//!
//! Each is emitted only when the type has the properties it fills, with the
//! types it expects; otherwise the type simply has none. Such a type has
//! fields, so its file already imports `Nullable`.

use super::context::Context;
use super::models::field_names;
use super::names;
use crate::model::{type_key, Primitive, TypeDef, TypeKind};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// The constructors of `def`, if it is one of the well-known types.
pub fn constructors(cx: &Context<'_>, def: &TypeDef) -> TokenStream {
    let Some(own) = cx.type_names.get(&type_key(&def.name)) else {
        return TokenStream::new();
    };
    let own = names::ident(own);
    let items = match type_key(&def.name).as_str() {
        "emailaddress" => email_address(cx, def),
        "recipient" => recipient(cx, def),
        "itembody" => item_body(cx, def),
        "datetimetimezone" => date_time_time_zone(cx, def),
        _ => None,
    };
    match items {
        Some(items) => quote! { impl #own { #items } },
        None => TokenStream::new(),
    }
}

/// `EmailAddress::new("a@contoso.com")`.
fn email_address(cx: &Context<'_>, def: &TypeDef) -> Option<TokenStream> {
    let address = string_field(cx, def, "address")?;
    Some(quote! {
        /// An email address with no display name.
        pub fn new(address: impl Into<String>) -> Self {
            Self {
                #address: Nullable::Value(address.into()),
                ..Default::default()
            }
        }
    })
}

/// `Recipient::new("a@contoso.com")`.
fn recipient(cx: &Context<'_>, def: &TypeDef) -> Option<TokenStream> {
    let (field, target) = typed_field(cx, def, "emailAddress", TypeKind::Object)?;
    // Built with `EmailAddress::new`, so only where that one exists.
    email_address(cx, target)?;
    let own = names::ident(cx.type_names.get(&type_key(&target.name))?);
    let value = boxed(cx, target, quote! { super::#own::new(address) });
    Some(quote! {
        /// A recipient with this email address.
        pub fn new(address: impl Into<String>) -> Self {
            Self {
                #field: #value,
                ..Default::default()
            }
        }
    })
}

/// `ItemBody::text("…")` and `ItemBody::html("…")`.
fn item_body(cx: &Context<'_>, def: &TypeDef) -> Option<TokenStream> {
    let content = string_field(cx, def, "content")?;
    let (content_type, kind) = typed_field(cx, def, "contentType", TypeKind::Enum)?;
    let kind_ident = names::ident(cx.type_names.get(&type_key(&kind.name))?);
    let variant = |member: &str| -> Option<Ident> {
        kind.members
            .iter()
            .any(|m| m.name == member)
            .then(|| names::ident(&names::type_name(member)))
    };
    let text = variant("text")?;
    let html = variant("html")?;
    Some(quote! {
        /// A plain-text body.
        pub fn text(content: impl Into<String>) -> Self {
            Self {
                #content_type: Nullable::Value(#kind_ident::#text),
                #content: Nullable::Value(content.into()),
                ..Default::default()
            }
        }

        /// An HTML body.
        pub fn html(content: impl Into<String>) -> Self {
            Self {
                #content_type: Nullable::Value(#kind_ident::#html),
                #content: Nullable::Value(content.into()),
                ..Default::default()
            }
        }
    })
}

/// `DateTimeTimeZone::new("2021-01-15T12:00:00", "Pacific Standard Time")`.
fn date_time_time_zone(cx: &Context<'_>, def: &TypeDef) -> Option<TokenStream> {
    let date_time = string_field(cx, def, "dateTime")?;
    let time_zone = string_field(cx, def, "timeZone")?;
    Some(quote! {
        /// A local date and time (`2021-01-15T12:00:00`) in a time zone
        /// (`Pacific Standard Time`, `UTC`).
        pub fn new(date_time: impl Into<String>, time_zone: impl Into<String>) -> Self {
            Self {
                #date_time: Nullable::Value(date_time.into()),
                #time_zone: Nullable::Value(time_zone.into()),
                ..Default::default()
            }
        }
    })
}

/// The field of a single `String` property.
fn string_field(cx: &Context<'_>, def: &TypeDef, json: &str) -> Option<Ident> {
    field_names(cx, def)
        .into_iter()
        .find(|(p, _)| {
            p.name == json && p.ty.primitive == Some(Primitive::String) && !p.ty.collection
        })
        .map(|(_, field)| names::ident(&field))
}

/// The field of a single property whose type is a named type of `kind`, with
/// that type's definition.
fn typed_field<'m>(
    cx: &Context<'m>,
    def: &'m TypeDef,
    json: &str,
    kind: TypeKind,
) -> Option<(Ident, &'m TypeDef)> {
    let (property, field) = field_names(cx, def)
        .into_iter()
        .find(|(p, _)| p.name == json && p.ty.primitive.is_none() && !p.ty.collection)?;
    let target = cx.type_def(&property.ty.name)?;
    (target.kind == kind).then(|| (names::ident(&field), target))
}

/// `value` (of `target`'s own struct) as a property's Rust value: boxed, and
/// in its `Any…` enum when the target has derived types.
fn boxed(cx: &Context<'_>, target: &TypeDef, value: TokenStream) -> TokenStream {
    let key = type_key(&target.name);
    match (cx.polymorphic.get(&key), cx.type_names.get(&key)) {
        (Some(any), Some(own)) => {
            let any = names::ident(any);
            let own = names::ident(own);
            quote! { Nullable::Value(Box::new(super::#any::#own(#value))) }
        }
        _ => quote! { Nullable::Value(Box::new(#value)) },
    }
}
