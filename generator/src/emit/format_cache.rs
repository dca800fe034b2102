//! Reusing the formatted code of an earlier run.
//!
//! Formatting (syn parsing the token tree, then prettyplease) is most of what
//! emitting costs, and after a docs change most files' token trees are the same
//! as before. A file's formatted code depends only on its token tree (and on
//! docgen itself), so the code of an earlier run, found under the same path
//! with the same token hash, is used as it is. The caller vouches that the
//! cached code is what this docgen formatted from those tokens (see
//! `stamp::Stamp::format_cache`, which only takes files still as written by
//! the same executable).

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use std::collections::{BTreeMap, HashMap};
use std::fmt::{self, Write as _};

use super::GeneratedCrate;
use crate::stamp::FieldHasher;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Formatted code from an earlier run, by output path.
#[derive(Debug, Default, Clone)]
pub struct FormatCache {
    files: HashMap<String, (u64, String)>,
}

impl FormatCache {
    /// Records that `code` is the formatted code of the token tree hashed as
    /// `tokens` (see [`token_hash`]) for the file at `path`.
    pub fn insert(&mut self, path: String, tokens: u64, code: String) {
        self.files.insert(path, (tokens, code));
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

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

/// The cache as a file: which docgen formatted the code, and per path the
/// token hash and the code. For callers whose written files are not the
/// formatter's output (the build-script API rewrites paths in them), so the
/// code cannot be taken from the files themselves.
#[derive(Serialize, Deserialize)]
struct CacheFile {
    formatter: String,
    files: BTreeMap<String, (u64, String)>,
}

impl FormatCache {
    /// The cache stored at `path` by [`FormatCache::save`], when `formatter`
    /// (see `stamp::formatter_fingerprint`) wrote it; empty otherwise, and when
    /// the file is missing, unreadable, damaged or a symbolic link: a cache can
    /// only make a run faster, never fail it.
    pub fn load(path: &Path, formatter: &str) -> FormatCache {
        let is_file = std::fs::symlink_metadata(path).is_ok_and(|meta| meta.is_file());
        let Some(stored) = is_file
            .then(|| std::fs::read(path).ok())
            .flatten()
            .and_then(|bytes| serde_json::from_slice::<CacheFile>(&bytes).ok())
        else {
            return FormatCache::default();
        };
        if stored.formatter != formatter {
            return FormatCache::default();
        }
        FormatCache {
            files: stored.files.into_iter().collect(),
        }
    }

    /// Stores the formatted code of every file in `token_hashes` (taken from
    /// `generated`, after its header) at `path`, for [`FormatCache::load`].
    pub fn save(
        path: &Path,
        formatter: &str,
        generated: &GeneratedCrate,
        token_hashes: &TokenHashes,
    ) -> std::io::Result<()> {
        let files = token_hashes
            .iter()
            .filter_map(|(file, &tokens)| {
                let code = formatted_code(generated.files.get(file)?)?;
                Some((file.clone(), (tokens, code.to_string())))
            })
            .collect();
        let stored = CacheFile {
            formatter: formatter.to_string(),
            files,
        };
        let bytes = serde_json::to_vec(&stored).map_err(std::io::Error::other)?;
        crate::output::write_file_atomic(path, &bytes)
    }
}

/// Output path → hash of the token tree its code was formatted from, for every
/// Rust file the emitter formats.
pub type TokenHashes = BTreeMap<String, u64>;

/// A hash of a token tree that two trees share only when they print the same
/// Rust code: every token's kind, text and spacing, and every group's delimiter.
pub fn token_hash(tokens: &TokenStream) -> u64 {
    let mut hasher = FieldHasher::default();
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
pub fn formatted_code(text: &str) -> Option<&str> {
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
    fn a_saved_cache_loads_for_the_same_formatter_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache");
        let mut generated = GeneratedCrate::default();
        generated.files.insert(
            "src/a.rs".into(),
            "// @generated by docgen\n\nstruct A;\n".into(),
        );
        let hashes: TokenHashes = [("src/a.rs".to_string(), 7)].into();
        FormatCache::save(&path, "docgen 1 exe:a", &generated, &hashes).unwrap();
        let cache = FormatCache::load(&path, "docgen 1 exe:a");
        assert_eq!(cache.lookup("src/a.rs", 7), Some("struct A;\n"));
        assert!(FormatCache::load(&path, "docgen 1 exe:b").is_empty());
        std::fs::write(&path, "{ damaged").unwrap();
        assert!(FormatCache::load(&path, "docgen 1 exe:a").is_empty());
        assert!(FormatCache::load(&dir.path().join("missing"), "x").is_empty());
    }

    #[test]
    fn formatted_code_follows_the_header() {
        let text = "// @generated by docgen\n// Source pages: a.md\n\nstruct A;\n\nstruct B;\n";
        assert_eq!(formatted_code(text), Some("struct A;\n\nstruct B;\n"));
        assert_eq!(formatted_code("no header"), None);
    }
}
