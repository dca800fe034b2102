//! Rust names for doc names: types, fields, functions, modules.
//!
//! Every name that comes from doc text goes through here, so it is a valid,
//! non-keyword identifier made of ASCII letters, digits and underscores.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};
use std::collections::BTreeMap;

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Replaces anything but ASCII letters and digits with word breaks, so case
/// conversion sees words, and makes sure the result starts with a letter.
fn words(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    cleaned.trim().to_string()
}

/// `deviceManagementScript` → `DeviceManagementScript`.
pub fn type_name(doc_name: &str) -> String {
    let mut name = words(doc_name).to_upper_camel_case();
    if name.is_empty() {
        name = "Unnamed".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "Type");
    }
    if name == "Self" {
        name.push('_');
    }
    name
}

/// A module (and file) name for a doc name: [`snake_name`], with `_` after the
/// keywords that cannot be raw identifiers (`crate`, `self`, `super`), so that
/// `mod crate_;` and the file `crate_.rs` agree.
///
/// A name longer than [`MAX_MODULE_NAME`] bytes is cut and given a hash of the
/// whole name: it is also a file name, and with the writer's temporary suffix a
/// 238-byte page name went past the file system's 255-byte limit.
pub fn module_name(doc_name: &str) -> String {
    let mut name = snake_name(doc_name);
    if NOT_RAW.contains(&name.as_str()) {
        name.push('_');
    }
    if name.len() > MAX_MODULE_NAME {
        // snake_name gives ASCII only, so any byte index is a char boundary.
        let head = name[..MAX_MODULE_NAME - 17].trim_end_matches('_');
        name = format!("{head}_{:016x}", fnv1a(name.as_bytes()));
    }
    name
}

/// The longest module (file) name: room left under 255 bytes for `.rs`, a
/// numbered variant and the writer's temporary-file suffix.
pub const MAX_MODULE_NAME: usize = 100;

/// FNV-1a, 64 bits: stable across runs and platforms (std's hasher is not).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// `targetGroupId` → `target_group_id`; `@odata.etag` → `odata_etag`.
pub fn snake_name(doc_name: &str) -> String {
    let mut name = words(doc_name).to_snake_case();
    if name.is_empty() {
        name = "value".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
        name.insert(0, 'n');
    }
    name
}

/// An identifier token for a (snake or camel) name, raw where it is a keyword.
///
/// Names normally come here already cleaned (see [`type_name`], [`snake_name`]);
/// anything else is made valid rather than panicking: characters other than
/// ASCII letters, digits and `_` become `_`, a leading digit gets `n_`, and an
/// empty name becomes `unnamed`.
pub fn ident(name: &str) -> Ident {
    let cleaned;
    let name = if is_plain_ident(name) {
        name
    } else {
        let mut text: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        if text.is_empty() {
            text = "unnamed".into();
        } else if text.starts_with(|c: char| c.is_ascii_digit()) {
            text.insert_str(0, "n_");
        }
        cleaned = text;
        cleaned.as_str()
    };
    if NOT_RAW.contains(&name) {
        Ident::new(&format!("{name}_"), Span::call_site())
    } else if KEYWORDS.contains(&name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// Whether `name` is ASCII letters, digits and `_`, not starting with a digit.
fn is_plain_ident(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Hands out unique names within one scope: a name already taken gets `_2`, `_3`…
/// (or `2`, `3` for type names), in the order names are asked for.
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeMap<String, usize>,
}

impl Scope {
    pub fn with_reserved(reserved: &[&str]) -> Self {
        let mut scope = Scope::default();
        for name in reserved {
            scope.taken.insert(name.to_string(), 1);
        }
        scope
    }

    /// Whether `name` is already claimed (or reserved).
    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains_key(name)
    }

    /// Returns `name`, or a numbered variant when taken; the bool says whether it was renamed.
    pub fn claim(&mut self, name: &str, separator: &str) -> (String, bool) {
        let count = self.taken.entry(name.to_string()).or_insert(0);
        *count += 1;
        if *count == 1 {
            return (name.to_string(), false);
        }
        let mut n = *count;
        // `Self_` numbered without a separator would be `Self_2`, which is not
        // camel case (a warning): it becomes `Self2`.
        // `self_` (a keyword made a module name) numbered as `self__2` is not
        // snake case (a warning under `-D warnings`): it becomes `self_2`.
        let base = match name.trim_end_matches('_') {
            "" => name,
            trimmed => trimmed,
        };
        loop {
            let candidate = format!("{base}{separator}{n}");
            if !self.taken.contains_key(&candidate) {
                self.taken.insert(candidate.clone(), 1);
                return (candidate, true);
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_valid_identifiers() {
        assert_eq!(
            type_name("deviceManagementScript"),
            "DeviceManagementScript"
        );
        assert_eq!(type_name("3dModel"), "Type3dModel");
        assert_eq!(type_name("größe"), "GrE");
        assert_eq!(snake_name("targetGroupId"), "target_group_id");
        assert_eq!(snake_name("@odata.etag"), "odata_etag");
        assert_eq!(snake_name("2fa"), "n_2fa");
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("self").to_string(), "self_");
        assert_eq!(ident("9\u{1b}").to_string(), "n_9_");
        assert_eq!(ident("").to_string(), "unnamed");
        assert_eq!(ident("a b/c").to_string(), "a_b_c");
        assert_eq!(ident("_").to_string(), "__");
        assert_eq!(module_name("crate"), "crate_");
        assert_eq!(module_name("Self"), "self_");
        assert_eq!(module_name("type"), "type");
    }

    #[test]
    fn scope_numbers_collisions() {
        let mut scope = Scope::with_reserved(&["additional_properties"]);
        assert_eq!(
            scope.claim("display_name", "_"),
            ("display_name".into(), false)
        );
        assert_eq!(
            scope.claim("display_name", "_"),
            ("display_name_2".into(), true)
        );
        assert_eq!(
            scope.claim("additional_properties", "_"),
            ("additional_properties_2".into(), true)
        );
        let mut types = Scope::default();
        assert_eq!(types.claim("Self_", ""), ("Self_".into(), false));
        assert_eq!(types.claim("Self_", ""), ("Self2".into(), true));
    }
}
