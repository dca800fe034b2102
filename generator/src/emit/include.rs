//! The `include!` layout: the crate's `src/` as files a build script writes
//! into `OUT_DIR` and the user's crate includes (see `crate::build_script`).
//!
//! The emitter decides the layout while it builds token trees: a module is
//! `mod x { include!(…); }` instead of `mod x;`, the items name the SDK's root
//! by the user's module path instead of `crate`, and every file is plain
//! formatter output. What this module adds works on token and syntax trees:
//! the runtime templates are parsed, and nothing formatted is edited.

use super::EmitError;
use proc_macro2::{Spacing, TokenStream, TokenTree};
use quote::quote;
use syn::visit_mut::VisitMut;

/// `mod x { #inner include!(concat!(env!("OUT_DIR"), "/<dir>/<path>")); }`:
/// `mod x;` would resolve relative to the *including* file, the user's
/// `src/`. No absolute path is written, so moving the target folder does not
/// break the build. The module's inner attributes (its file's `//!` docs) are
/// given here, since an included file may not start with them.
pub fn included_module(
    visibility: TokenStream,
    module: &syn::Ident,
    inner: TokenStream,
    dir: &str,
    path: &str,
) -> TokenStream {
    let file = format!("/{dir}/{path}");
    quote! {
        #visibility mod #module {
            #inner
            include!(concat!(env!("OUT_DIR"), #file));
        }
    }
}

/// A runtime template (`runtime.rs`, `client.rs`) in the include layout: its
/// inner attributes, for the including module, and the file without them and
/// without its own unit tests (they test docgen, not the user's crate), its
/// `crate::` paths naming `root`.
pub fn template(
    path: &str,
    text: &str,
    root: &TokenStream,
) -> Result<(TokenStream, syn::File), EmitError> {
    let error = |err: syn::Error| EmitError {
        file: path.to_string(),
        message: err.to_string(),
    };
    let mut file = syn::parse_file(text).map_err(error)?;
    let inner = std::mem::take(&mut file.attrs);
    file.items.retain(|item| !is_cfg_test(item));
    let items = &file.items;
    let tokens = retarget(quote! { #(#items)* }, root);
    let file = syn::parse2::<syn::File>(tokens).map_err(error)?;
    Ok((quote! { #(#inner)* }, file))
}

/// A `#[cfg(test)]` module.
fn is_cfg_test(item: &syn::Item) -> bool {
    let syn::Item::Mod(item) = item else {
        return false;
    };
    item.attrs.iter().any(|attr| {
        attr.path().is_ident("cfg")
            && attr
                .parse_args::<syn::Ident>()
                .is_ok_and(|ident| ident == "test")
    })
}

/// `crate::x` → `<root>::x` in a token tree, outside of `$crate` (macro
/// bodies) and `pub(crate)` (no `::` follows).
fn retarget(tokens: TokenStream, root: &TokenStream) -> TokenStream {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = TokenStream::new();
    for (index, tree) in trees.iter().enumerate() {
        match tree {
            TokenTree::Ident(ident) if ident == "crate" => {
                let after_dollar = index > 0
                    && matches!(&trees[index - 1], TokenTree::Punct(p) if p.as_char() == '$');
                let path_follows = matches!(
                    (trees.get(index + 1), trees.get(index + 2)),
                    (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)))
                        if a.as_char() == ':' && a.spacing() == Spacing::Joint && b.as_char() == ':'
                );
                if path_follows && !after_dollar {
                    out.extend(root.clone());
                } else {
                    out.extend([tree.clone()]);
                }
            }
            TokenTree::Group(group) => {
                let mut inner =
                    proc_macro2::Group::new(group.delimiter(), retarget(group.stream(), root));
                inner.set_span(group.span());
                out.extend([TokenTree::Group(inner)]);
            }
            other => out.extend([other.clone()]),
        }
    }
    out
}

/// The docs of the included SDK: the generated crate's own name
/// (`graph_sdk::x`) and `crate::x` in links and examples name `root`, and
/// Rust code blocks become `text` blocks: as doc tests of the user's crate
/// they would have to name it, and docgen does not know its name.
pub struct IncludedDocs<'a> {
    /// The module path the SDK is included at (`crate`, `crate::graph`).
    pub root: &'a str,
    /// Inside a code block (the docs are visited in file order).
    in_block: bool,
}

impl<'a> IncludedDocs<'a> {
    pub fn new(root: &'a str) -> Self {
        IncludedDocs {
            root,
            in_block: false,
        }
    }

    fn line(&mut self, line: &str) -> Option<String> {
        let mut changed = None;
        let trimmed = line.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            if self.in_block {
                self.in_block = false;
            } else {
                self.in_block = true;
                let is_rust = info.split(',').map(str::trim).all(|attr| {
                    matches!(
                        attr,
                        "" | "rust" | "no_run" | "should_panic" | "compile_fail" | "test_harness"
                    ) || attr.starts_with("edition")
                });
                if is_rust {
                    let fence_at = line.len() - trimmed.len();
                    changed = Some(format!("{}```text", &line[..fence_at]));
                }
            }
        }
        let text = changed.as_deref().unwrap_or(line);
        let named = name_root(text, self.root);
        if named != text {
            changed = Some(named);
        }
        changed
    }
}

impl VisitMut for IncludedDocs<'_> {
    fn visit_attribute_mut(&mut self, attr: &mut syn::Attribute) {
        if let syn::Meta::NameValue(meta) = &mut attr.meta {
            if meta.path.is_ident("doc") {
                if let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(text),
                    ..
                }) = &mut meta.value
                {
                    if let Some(changed) = self.line(&text.value()) {
                        *text = syn::LitStr::new(&changed, text.span());
                    }
                }
            }
        }
        syn::visit_mut::visit_attribute_mut(self, attr);
    }
}

/// `crate::x` and `graph_sdk::x` → `<root>::x` in doc prose, where the word
/// is not part of a longer name or of `$crate`.
fn name_root(text: &str, root: &str) -> String {
    let crate_name = super::CRATE_IDENT;
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut previous: Option<char> = None;
    'scan: while !rest.is_empty() {
        let boundary =
            previous.is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == '$'));
        if boundary {
            for word in ["crate", crate_name] {
                if word == "crate" && root == "crate" {
                    continue;
                }
                let Some(after) = rest.strip_prefix(word) else {
                    continue;
                };
                let spaces = after.len() - after.trim_start().len();
                if after[spaces..].starts_with("::") {
                    out.push_str(root);
                    out.push_str(&after[..spaces]);
                    out.push_str("::");
                    rest = &after[spaces + 2..];
                    previous = Some(':');
                    continue 'scan;
                }
            }
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            out.push(c);
            previous = Some(c);
        }
        rest = chars.as_str();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_paths_name_the_root_but_not_dollar_crate() {
        let root: TokenStream = "crate::graph".parse().unwrap();
        let tokens: TokenStream =
            "use crate::runtime::Request; macro_rules! m { () => { $crate::y } } pub(crate) fn h() { crate :: runtime::g() }"
                .parse()
                .unwrap();
        let text = retarget(tokens, &root).to_string();
        assert!(
            text.contains("use crate :: graph :: runtime :: Request"),
            "{text}"
        );
        assert!(text.contains("$ crate :: y"), "{text}");
        assert!(text.contains("pub (crate) fn h"), "{text}");
    }

    #[test]
    fn doc_prose_names_the_root_and_rust_blocks_become_text() {
        assert_eq!(
            name_root(
                "[`x`](crate::runtime::X), graph_sdk::y, my_crate::z, $crate::w",
                "crate::graph"
            ),
            "[`x`](crate::graph::runtime::X), crate::graph::y, my_crate::z, $crate::w"
        );
        assert_eq!(name_root("use graph_sdk::x;", "crate"), "use crate::x;");
        let mut docs = IncludedDocs::new("crate::g");
        let lines = [
            " ```",
            " use graph_sdk::x;",
            " ```",
            " ```text",
            " ```",
            " ```no_run",
        ];
        let changed: Vec<Option<String>> = lines.iter().map(|l| docs.line(l)).collect();
        assert_eq!(
            changed,
            [
                Some(" ```text".to_string()),
                Some(" use crate::g::x;".to_string()),
                None,
                None,
                None,
                Some(" ```text".to_string()),
            ]
        );
    }
}
