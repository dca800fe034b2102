//! The public request API, organised by the resource path each call addresses:
//! `GET /users/{id}/messages` is `operations::users::messages::list`,
//! `POST /me/sendMail` is `operations::me::send_mail`.
//!
//! A module per named path segment, a function named by what it does (`list`,
//! `get`, `create`, `update`, `replace`, `delete`, or the action's or
//! function's own name). The functions are written once, in a private module
//! per doc page; the tree re-exports them, so nothing is compiled twice and
//! the layout of files does not change with the tree.
//!
//! Why modules and not fluent builders (`graph.users().by_id(id)...`): the
//! calls stay plain functions returning the sans-IO `Request`, so no builder
//! type per path segment is compiled, rustdoc lists each module's calls on
//! one page, and a call reads like its URL.

use super::areas::AreaSet;
use super::context::Context;
use super::docs::doc_safe;
use super::names::{self, Scope};
use crate::model::{pieces, verb, Operation};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeMap;

/// Where a call sits in the tree: module names from the root, then the function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallPath {
    pub modules: Vec<String>,
    pub function: String,
}

impl CallPath {
    /// `users::messages::list`.
    pub fn joined(&self) -> String {
        let mut parts = self.modules.clone();
        parts.push(self.function.clone());
        parts.join("::")
    }
}

/// The path of every operation, by operation name. Operations that would share
/// a module and function name keep their own (unique) operation name there,
/// so the tree never depends on which page comes first.
pub fn call_paths(operations: &[Operation]) -> BTreeMap<String, CallPath> {
    let wanted: Vec<(&Operation, CallPath)> =
        operations.iter().map(|op| (op, wanted_path(op))).collect();
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (index, (_, path)) in wanted.iter().enumerate() {
        groups.entry(path.joined()).or_default().push(index);
    }
    let mut paths: Vec<CallPath> = wanted.iter().map(|(_, path)| path.clone()).collect();
    // Operations that share a name tell themselves apart the way their
    // operation names do: `get_by_size`, `replace_by_item_id`; one left with
    // nothing to add keeps the plain name.
    for members in groups.values().filter(|m| m.len() > 1) {
        let candidates: Vec<String> = members
            .iter()
            .map(|&i| {
                let (op, path) = &wanted[i];
                match op.name.split_once("_by_") {
                    Some((_, by)) => format!("{}_by_{by}", path.function),
                    None => without_module_words(&op.name, &path.modules),
                }
            })
            .collect();
        // The member addressed with the fewest parameters is the plain form
        // (`/items/{id}/content` beside `/items/{parent}:/{name}:/content`)
        // and keeps the plain name, when it alone is.
        let params = |i: usize| wanted[i].0.path_params.len();
        let fewest = members.iter().map(|&i| params(i)).min().unwrap_or(0);
        let plain: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| params(i) == fewest)
            .collect();
        let mut candidates = candidates;
        if let [only] = plain.as_slice() {
            if let Some(position) = members.iter().position(|i| i == only) {
                candidates[position] = wanted[*only].1.function.clone();
            }
        }
        for (position, &i) in members.iter().enumerate() {
            let candidate = &candidates[position];
            let unique = candidates.iter().filter(|c| *c == candidate).count() == 1;
            paths[i].function = if unique && !candidate.is_empty() {
                candidate.clone()
            } else {
                wanted[i].0.name.clone()
            };
        }
    }
    // A shortened name may meet another call's: both then keep their
    // operation names, which are unique.
    let mut finals: BTreeMap<String, usize> = BTreeMap::new();
    for path in &paths {
        *finals.entry(path.joined()).or_default() += 1;
    }
    wanted
        .iter()
        .zip(paths)
        .map(|((op, _), mut path)| {
            if finals.get(&path.joined()).copied().unwrap_or(0) > 1 {
                path.function = op.name.clone();
            }
            (op.name.clone(), path)
        })
        .collect()
}

/// `name`'s words without the first run of each module's words, in order.
fn without_module_words(name: &str, modules: &[String]) -> String {
    let mut words: Vec<&str> = name.split('_').collect();
    for module in modules {
        let run: Vec<&str> = module.trim_end_matches('_').split('_').collect();
        if let Some(at) = words.windows(run.len()).position(|w| w == run.as_slice()) {
            words.drain(at..at + run.len());
        }
    }
    words.join("_")
}

/// The path an operation asks for, before collisions are settled.
fn wanted_path(op: &Operation) -> CallPath {
    let (mut segments, modifiers) = pieces(op);
    let verb = verb(op);
    // A function call (`getOffice365ActiveUserCounts(period='D7')`) or an
    // action is named by its segment; so is `delta`, the function every
    // change-tracking resource has.
    let last_raw = op
        .path
        .raw
        .split('?')
        .next()
        .unwrap_or_default()
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default();
    let named_by_segment =
        verb.is_empty() || last_raw.contains('(') || segments.last().is_some_and(|s| s == "delta");
    let mut words: Vec<String> = Vec::new();
    if named_by_segment && modifiers.is_empty() {
        if let Some(last) = segments.pop() {
            words.push(last);
        }
    } else if !verb.is_empty() {
        words.push(verb.to_string());
    }
    words.extend(modifiers);
    // `GET /users/$count` counts rather than lists.
    if words == ["list", "count"] || words == ["get", "count"] {
        words = vec!["count".to_string()];
    }
    if words.is_empty() {
        words.push("call".to_string());
    }
    let function = names::snake_name(&words.join("_"));
    let modules = segments.iter().map(|s| names::module_name(s)).collect();
    CallPath { modules, function }
}

/// One module of the tree.
#[derive(Default)]
struct Node<'m> {
    children: BTreeMap<String, Node<'m>>,
    calls: Vec<(String, &'m Operation)>,
    /// The path segments leading here as the docs spell them, for the module doc.
    spelled: String,
}

/// Each operation's private page module and the areas that compile it.
pub type PageModules = BTreeMap<String, (String, AreaSet)>;

/// The tree's modules, to be written into `operations/mod.rs`. `page_modules`
/// maps each operation name to the private module that defines it, and the
/// areas that compile that module: a call is exported wherever its function
/// is compiled, so no function is ever dead code.
pub fn tree_items(cx: &Context<'_>, page_modules: &PageModules) -> TokenStream {
    let mut root = Node::default();
    for op in &cx.model.operations {
        let Some(path) = cx.call_paths.get(&op.name) else {
            continue;
        };
        let spelled = spelled_segments(op);
        let mut node = &mut root;
        for (depth, module) in path.modules.iter().enumerate() {
            node = node.children.entry(module.clone()).or_default();
            if node.spelled.is_empty() {
                node.spelled = spelled
                    .get(..=depth)
                    .map(|s| s.join("/"))
                    .unwrap_or_default();
            }
        }
        node.calls.push((path.function.clone(), op));
    }
    node_items(cx, &root, 0, cx.areas.all(), page_modules)
}

/// The named segments of a path as written, `{…}` dropped: `users/messages`.
fn spelled_segments(op: &Operation) -> Vec<String> {
    let (segments, _) = pieces(op);
    let literal = op.path.literal_segments();
    // `pieces` drops modifiers and empty names; keep the doc spelling where
    // the two line up, else the snake name.
    let spelled: Vec<String> = literal
        .into_iter()
        .filter(|s| !s.starts_with('$'))
        .map(|s| s.rsplit('.').next().unwrap_or(&s).to_string())
        .collect();
    if spelled.len() == segments.len() {
        spelled
    } else {
        segments
    }
}

/// A module's items; `enclosing` are the areas its own `cfg` already requires.
fn node_items(
    cx: &Context<'_>,
    node: &Node<'_>,
    depth: usize,
    enclosing: &AreaSet,
    page_modules: &PageModules,
) -> TokenStream {
    let up: Vec<TokenStream> = (0..depth).map(|_| quote! { super:: }).collect();
    let mut calls = node.calls.clone();
    calls.sort_by(|a, b| a.0.cmp(&b.0));
    let uses = calls.iter().filter_map(|(function, op)| {
        let (module, areas) = page_modules.get(&op.name)?;
        let module = names::ident(module);
        let defined = names::ident(&op.name);
        let cfg = cx.areas.cfg_within(areas, enclosing);
        let function = names::ident(function);
        Some(if defined == function {
            quote! { #cfg pub use #(#up)* #module::#defined; }
        } else {
            quote! { #cfg pub use #(#up)* #module::#defined as #function; }
        })
    });
    let mut scope = Scope::with_reserved(&["mod"]);
    let children = node.children.iter().map(|(name, child)| {
        let (name, _) = scope.claim(name, "_");
        let ident = names::ident(&name);
        let areas: AreaSet = child_operations(child)
            .filter_map(|op| page_modules.get(&op.name))
            .flat_map(|(_, areas)| areas.iter().cloned())
            .collect();
        let cfg = cx.areas.cfg_within(&areas, enclosing);
        let doc = format!(
            " Calls on `/{}`.",
            doc_safe(&child.spelled).replace('`', "")
        );
        let within: AreaSet = areas.intersection(enclosing).cloned().collect();
        let items = node_items(cx, child, depth + 1, &within, page_modules);
        quote! {
            #[doc = #doc]
            #cfg
            pub mod #ident {
                #items
            }
        }
    });
    quote! { #(#uses)* #(#children)* }
}

/// Every operation in a module and the modules below it.
fn child_operations<'a, 'm>(node: &'a Node<'m>) -> Box<dyn Iterator<Item = &'m Operation> + 'a> {
    Box::new(
        node.calls
            .iter()
            .map(|(_, op)| *op)
            .chain(node.children.values().flat_map(child_operations)),
    )
}
