//! Reusing the formatted code of an earlier run.
//!
//! Formatting (syn parsing the token tree, then prettyplease) is most of what
//! emitting costs, and after a docs change most files' token trees are the same
//! as before. A file's formatted code depends only on its token tree (and on
//! docgen itself), so the code of an earlier run, found under the same path
//! with the same token hash, is used as it is. The caller vouches that the
//! cached code is what this docgen formatted from those tokens (see
//! `crate::incremental`, which only takes files still as written by the same
//! executable). The emitter only reads the cache; it never writes a file.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use std::collections::{BTreeMap, HashMap};
use std::fmt::{self, Write as _};

use crate::fsutil::FieldHasher;

/// Formatted code from an earlier run, by output path.
#[derive(Debug, Default, Clone)]
pub struct FormatCache {
    files: HashMap<String, (u64, String)>,
}

impl FormatCache {
    /// Records that `code` is the formatted code of the token tree hashed as
    /// `tokens` (see `token_hash`) for the file at `path`.
    pub fn insert(&mut self, path: String, tokens: u64, code: String) {
        self.files.insert(path, (tokens, code));
    }

    /// How many files are recorded.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether no file is recorded.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The cached code for `path`, when it was formatted from the same tokens.
    pub(super) fn lookup(&self, path: &str, tokens: u64) -> Option<&str> {
        self.files
            .get(path)
            .filter(|(hash, _)| *hash == tokens)
            .map(|(_, code)| code.as_str())
    }
}

/// Output path → hash of the token tree its code was formatted from, for every
/// Rust file the emitter formats.
pub type TokenHashes = BTreeMap<String, u64>;

/// A hash of a token tree that two trees share only when they print the same
/// Rust code: every token's kind, text and spacing, and every group's delimiter.
pub(crate) fn token_hash(tokens: &TokenStream) -> u64 {
    let mut hasher = FieldHasher::default();
    hash_stream(tokens.clone(), &mut hasher);
    hasher.finish()
}

/// [`token_hash`] of tokens whose formatted code also depends on `context`
/// (the include layout's root, which its docs name).
pub(crate) fn token_hash_in(context: &str, tokens: &TokenStream) -> u64 {
    let mut hasher = FieldHasher::default();
    hasher.field(context.as_bytes());
    hash_stream(tokens.clone(), &mut hasher);
    hasher.finish()
}

fn hash_stream(tokens: TokenStream, hasher: &mut FieldHasher) {
    for tree in tokens {
        match tree {
            TokenTree::Group(group) => {
                let open: &[u8] = match group.delimiter() {
                    Delimiter::Parenthesis => b"(",
                    Delimiter::Brace => b"{",
                    Delimiter::Bracket => b"[",
                    Delimiter::None => b"<none>",
                };
                hasher.field(open);
                hash_stream(group.stream(), hasher);
                hasher.field(b"<end>");
            }
            TokenTree::Ident(ident) => hash_text(hasher, 1, &ident),
            TokenTree::Punct(punct) => {
                let joint = u64::from(punct.spacing() == Spacing::Joint);
                hasher.u64(2).u64(u64::from(punct.as_char())).u64(joint);
            }
            TokenTree::Literal(literal) => hash_text(hasher, 3, &literal),
        }
    }
}

/// Hashes a token's kind and printed text without allocating it: the text is
/// streamed into the hasher and ended by a byte UTF-8 never contains.
fn hash_text(hasher: &mut FieldHasher, kind: u64, token: &dyn fmt::Display) {
    struct Sink<'h>(&'h mut FieldHasher);
    impl fmt::Write for Sink<'_> {
        fn write_str(&mut self, text: &str) -> fmt::Result {
            self.0.raw(text.as_bytes());
            Ok(())
        }
    }
    hasher.u64(kind);
    // Writing into the hasher cannot fail.
    let _ = write!(Sink(hasher), "{token}");
    hasher.raw(&[0xff]);
}

/// The formatted code of a generated Rust file's text: what follows its header
/// (a few `//` lines, then an empty line).
pub(crate) fn formatted_code(text: &str) -> Option<&str> {
    text.split_once("\n\n").map(|(_, code)| code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn equal_tokens_hash_equal_and_any_difference_shows() {
        let base = token_hash(&quote! { pub struct A { x: Vec<u8> } });
        assert_eq!(base, token_hash(&quote! { pub struct A { x: Vec<u8> } }));
        for other in [
            quote! { pub struct B { x: Vec<u8> } },
            quote! { pub struct A { x: Vec<u16> } },
            quote! { pub struct A ( x: Vec<u8> ) },
            quote! { pub struct A { x: Vec<u8>, } },
            quote! { pub struct A { x: Vec<u8> } ; },
        ] {
            assert_ne!(base, token_hash(&other), "{other}");
        }
        // Spacing changes what the tokens print (`: :` vs `::`).
        let joint: TokenStream = "a::b".parse().unwrap();
        let alone: TokenStream = "a: :b".parse().unwrap();
        assert_ne!(token_hash(&joint), token_hash(&alone));
        // Literals by their text: `1` and `"1"` differ.
        assert_ne!(token_hash(&quote! { 1 }), token_hash(&quote! { "1" }));
    }

    #[test]
    fn the_cache_answers_only_for_the_same_path_and_tokens() {
        let mut cache = FormatCache::default();
        cache.insert("src/a.rs".into(), 7, "struct A;\n".into());
        assert_eq!(cache.lookup("src/a.rs", 7), Some("struct A;\n"));
        assert_eq!(cache.lookup("src/a.rs", 8), None);
        assert_eq!(cache.lookup("src/b.rs", 7), None);
    }

    #[test]
    fn formatted_code_follows_the_header() {
        let text = "// @generated by docgen\n// Source pages: a.md\n\nstruct A;\n\nstruct B;\n";
        assert_eq!(formatted_code(text), Some("struct A;\n\nstruct B;\n"));
        assert_eq!(formatted_code("no header"), None);
    }
}
