//! Pages → one merged [`ApiModel`].

use super::infer::Inference;
use super::links::{link_target, LinkTarget};
use super::naming::assign_names;
use super::operations::page_operations;
use super::page_kind::PageKind;
use super::types::{enum_page_types, resource_types};
use super::{
    type_key, ApiModel, Example, Operation, PageSummary, RequestBody, ResponseShape, TypeDef,
    TypeRef,
};
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::parse::path_template::{PathPart, PathTemplate};
use crate::parse::{Block, Page};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// Service roots examples may be sent to; anything else is reported.
const KNOWN_ROOTS: &[&str] = &["/v1.0", "/beta"];
const SERVICE_HOST: &str = "https://graph.microsoft.com";

/// Builds the model of a docs tree from its parsed pages (in any order).
/// `tree_name` is the docs folder's name; `v1.0` or `beta` fixes the service root.
pub fn build_model(pages: Vec<Page>, tree_name: &str) -> ApiModel {
    build_model_of(&pages, tree_name)
}

/// [`build_model`] of borrowed pages, so that a caller (the analysis) keeps
/// them for the checks that read pages. Pages read by `source::read_tree`
/// come sorted and are used as they are; others are sorted into a copy first.
pub fn build_model_of(pages: &[Page], tree_name: &str) -> ApiModel {
    let sorted_copy: Vec<Page>;
    let pages: &[Page] = if pages.is_sorted_by(|a, b| a.file <= b.file) {
        pages
    } else {
        let mut copy = pages.to_vec();
        copy.sort_by(|a, b| a.file.cmp(&b.file));
        sorted_copy = copy;
        &sorted_copy
    };
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut types: BTreeMap<String, TypeDef> = BTreeMap::new();
    let mut operations: Vec<Operation> = Vec::new();
    let mut summaries = Vec::new();
    // (summary index, type key, row names) of each resource page, checked after merging.
    let mut resource_rows: Vec<(usize, String, Vec<String>)> = Vec::new();
    // Lowercased file → key of the only type the page defines, to follow links.
    let mut single_type_of_page: BTreeMap<String, String> = BTreeMap::new();
    let areas = super::areas::page_areas(pages);

    // What each page yields on its own is found in parallel; merging runs in
    // page order (sorted above), so the model is the same for any thread count.
    let extracts: Vec<PageExtract> = pages
        .par_iter()
        .map(|page| extract_page(page, &areas))
        .collect();
    for extract in extracts {
        let PageExtract {
            diagnostics: mut page_diagnostics,
            summary,
            types: page_types,
            operations: mut page_ops,
            resource_rows: rows,
        } = extract;
        diagnostics.append(&mut page_diagnostics);
        if let Some((key, rows)) = rows {
            resource_rows.push((summaries.len(), key, rows));
        }
        if let [only] = page_types.as_slice() {
            single_type_of_page.insert(summary.file.to_ascii_lowercase(), type_key(&only.name));
        }
        summaries.push(summary);
        for def in page_types {
            merge_type(&mut types, def, &mut diagnostics);
        }
        operations.append(&mut page_ops);
    }

    check_links(pages, &mut diagnostics);
    super::namespaces::qualify_references(&mut types, &mut operations);
    resolve_base_types(&mut types, &mut diagnostics);
    super::linked_names::rename_by_linked_page(
        pages,
        &single_type_of_page,
        &mut types,
        &mut operations,
    );
    answer_with_addressed_resources(pages, &types, &mut operations);
    // Operations of one page are contiguous (pages are merged in order).
    for page_ops in operations.chunk_by_mut(|a, b| a.source.file == b.source.file) {
        super::path_shapes::shape_extended_paths(page_ops, &types);
    }
    for op in &mut operations {
        update_body_as_resource(op, &types);
    }
    merge_duplicate_operations(&mut operations, &types, &mut diagnostics);
    let mut inference = Inference::new(&types);
    inference.observe_operations(&operations);
    let inferred = inference.into_types();
    report_undefined(&types, &inferred, &operations, &mut diagnostics);
    for def in inferred {
        types.entry(type_key(&def.name)).or_insert(def);
    }
    for (index, key, rows) in resource_rows {
        let carried = types
            .get(&key)
            .map(|def| {
                // A set, not a scan per row: a 50,000-row table was quadratic here.
                let names: std::collections::HashSet<&str> =
                    def.properties.iter().map(|p| p.name.as_str()).collect();
                rows.iter().filter(|r| names.contains(r.as_str())).count()
            })
            .unwrap_or(0);
        if let Some(summary) = summaries.get_mut(index) {
            summary.property_rows = rows.len();
            summary.properties_carried = carried;
        }
    }
    super::conformance::classify(&mut operations, &types, &mut diagnostics);
    assign_names(&mut operations, &mut diagnostics);
    let service_root = service_root(tree_name, &operations);

    operations.par_sort_by(|a, b| a.name.cmp(&b.name));
    diagnostics.par_sort();
    diagnostics.dedup();
    ApiModel {
        service_root,
        types: types.into_values().collect(),
        operations,
        pages: summaries,
        diagnostics,
    }
}

/// What one page yields before merging: its diagnostics, summary, types and
/// operations (examples attached), and for a resource page the key of its main
/// type with its property row names, checked once types are merged.
struct PageExtract {
    diagnostics: Vec<Diagnostic>,
    summary: PageSummary,
    types: Vec<TypeDef>,
    operations: Vec<Operation>,
    resource_rows: Option<(String, Vec<String>)>,
}

fn extract_page(page: &Page, areas: &BTreeMap<String, String>) -> PageExtract {
    let mut diagnostics = page.diagnostics.clone();
    let kind = PageKind::of(page);
    let mut page_types = Vec::new();
    let mut page_ops = Vec::new();
    match kind {
        PageKind::Resource => page_types = resource_types(page, &mut diagnostics),
        PageKind::Enum => page_types = enum_page_types(page, &mut diagnostics),
        PageKind::Api => {
            let (ops, examples, from_annotation) = page_operations(page, &mut diagnostics);
            page_ops = ops;
            if let Some(area) = areas.get(&page.file) {
                for op in &mut page_ops {
                    op.areas = vec![area.clone()];
                }
            }
            distribute_examples(&mut page_ops, examples, &mut diagnostics);
            if from_annotation {
                shape_by_route_annotations(&mut page_ops);
            }
            let page_shapes: Vec<ResponseShape> =
                page_ops.iter().map(|op| op.response.clone()).collect();
            for op in &mut page_ops {
                shape_by_examples(op, &mut diagnostics);
            }
            share_across_routes(&mut page_ops, &page_shapes);
        }
        PageKind::Other => {}
    }
    let empty_reason = match (kind, page_types.is_empty() && page_ops.is_empty()) {
        (_, false) => None,
        (PageKind::Other, true) => {
            Some("not an API, resource or enum page (by front matter and headings)".to_string())
        }
        (PageKind::Api, true) => Some("API page without a usable HTTP request section".to_string()),
        (PageKind::Enum, true) => Some("enum page without a member table".to_string()),
        (PageKind::Resource, true) => Some("resource page without a type".to_string()),
    };
    if let Some(reason) = &empty_reason {
        diagnostics.push(Diagnostic::note(
            Code::PageYieldsNothing,
            Location::new(&page.file, 1),
            format!("page yields nothing: {reason}"),
        ));
    }
    let resource_rows = match (kind, page_types.first()) {
        (PageKind::Resource, Some(main)) => {
            Some((type_key(&main.name), super::types::property_row_names(page)))
        }
        _ => None,
    };
    let has_http_section = kind == PageKind::Api
        && page.blocks.iter().any(|b| {
            matches!(b, Block::Heading(h) if h.text.to_ascii_lowercase().starts_with("http request"))
        });
    let summary = PageSummary {
        file: page.file.clone(),
        kind,
        area: areas
            .get(&page.file)
            .cloned()
            .unwrap_or_else(|| super::FALLBACK_AREA.to_string()),
        has_http_section,
        property_rows: 0,
        properties_carried: 0,
        operations: page_ops.len(),
        types: page_types.len(),
        empty_reason,
    };
    PageExtract {
        diagnostics,
        summary,
        types: page_types,
        operations: page_ops,
        resource_rows,
    }
}

/// Adds a type to the map, merging it with an earlier definition of the same name.
fn merge_type(
    types: &mut BTreeMap<String, TypeDef>,
    def: TypeDef,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let key = type_key(&def.name);
    let Some(existing) = types.get_mut(&key) else {
        types.insert(key, def);
        return;
    };
    // The stronger origin leads; the other only adds what it lacks.
    let (mut lead, other) = if def.origin < existing.origin {
        (def, existing.clone())
    } else {
        (existing.clone(), def)
    };
    if lead.kind != other.kind {
        if let Some(location) = other.sources.first() {
            diagnostics.push(Diagnostic::warning(
                Code::TypeConflict,
                location.clone(),
                format!(
                    "`{}` is defined here as {:?} and elsewhere as {:?}",
                    other.name, other.kind, lead.kind
                ),
            ));
        }
    }
    // Name → index in `lead.properties`: merging two large tables by scanning
    // one for each row of the other was quadratic.
    let mut index: std::collections::HashMap<String, usize> = lead
        .properties
        .iter()
        .enumerate()
        .map(|(i, p)| (p.name.clone(), i))
        .collect();
    for property in other.properties {
        match index
            .get(&property.name)
            .and_then(|&i| lead.properties.get(i))
        {
            Some(known) if known.ty != property.ty => diagnostics.push(Diagnostic::warning(
                Code::TypeConflict,
                property.source.clone(),
                format!(
                    "property `{}.{}` is `{}{}` here but `{}{}` at {}",
                    lead.name,
                    property.name,
                    property.ty.name,
                    if property.ty.collection {
                        " collection"
                    } else {
                        ""
                    },
                    known.ty.name,
                    if known.ty.collection {
                        " collection"
                    } else {
                        ""
                    },
                    known.source
                ),
            )),
            Some(_) => {}
            None => {
                index.insert(property.name.clone(), lead.properties.len());
                lead.properties.push(property);
            }
        }
    }
    let mut members: std::collections::HashSet<String> =
        lead.members.iter().map(|m| m.name.clone()).collect();
    for member in other.members {
        if members.insert(member.name.clone()) {
            lead.members.push(member);
        }
    }
    lead.base_type = lead.base_type.or(other.base_type);
    if lead.description.trim().is_empty() {
        lead.description = other.description;
    }
    lead.sources.extend(other.sources);
    types.insert(key, lead);
}

/// Drops base types that are not defined or that form a cycle, with a diagnostic.
fn resolve_base_types(types: &mut BTreeMap<String, TypeDef>, diagnostics: &mut Vec<Diagnostic>) {
    let keys: Vec<String> = types.keys().cloned().collect();
    for key in &keys {
        let Some(def) = types.get(key) else { continue };
        let Some(base) = def.base_type.clone() else {
            continue;
        };
        let location = def.sources.first().cloned().unwrap_or_default();
        if !types.contains_key(&type_key(&base)) {
            diagnostics.push(Diagnostic::warning(
                Code::BaseTypeNotDefined,
                location,
                format!(
                    "base type `{base}` of `{}` is not defined by any page; inheritance is dropped",
                    def.name
                ),
            ));
            if let Some(def) = types.get_mut(key) {
                def.base_type = None;
            }
            continue;
        }
        // Walk up the chain; meeting the start again is a cycle.
        let mut seen = BTreeSet::from([key.clone()]);
        let mut current = type_key(&base);
        let mut cycle = false;
        while let Some(next) = types.get(&current) {
            if !seen.insert(current.clone()) {
                cycle = current == *key;
                break;
            }
            match &next.base_type {
                Some(b) => current = type_key(b),
                None => break,
            }
        }
        if cycle {
            diagnostics.push(Diagnostic::error(
                Code::BaseTypeCycle,
                location,
                format!(
                    "base types of `{}` form a cycle; its base type is dropped",
                    key
                ),
            ));
            if let Some(def) = types.get_mut(key) {
                def.base_type = None;
            }
        }
    }
}

/// `PATCH /users/{id}` whose Request body table lists properties of `user`
/// ("supply the values for relevant fields that should be updated") sends a
/// part of the `user` it addresses, not a parameters object of its own: when
/// every row of the table is a documented property of the addressed resource's
/// type (or of a base type), the body is that type.
fn update_body_as_resource(op: &mut Operation, types: &BTreeMap<String, TypeDef>) {
    if op.method != "PATCH" {
        return;
    }
    let RequestBody::Parameters { parameters } = &op.body else {
        return;
    };
    let resource = super::addressed_resource(&op.path);
    let Some(def) = [resource.clone(), super::singular(&resource)]
        .iter()
        .find_map(|key| types.get(key))
        .filter(|def| def.kind == super::TypeKind::Object)
    else {
        return;
    };
    let key = type_key(&def.name);
    let all_properties = !parameters.is_empty()
        && parameters
            .iter()
            .all(|p| super::path_shapes::property_type(types, &key, &p.name).is_some());
    if all_properties {
        op.body = RequestBody::Type {
            ty: TypeRef::named(&def.name, false),
        };
    }
}

/// A GET on a page whose body is "the requested resource instance"
/// (singlevaluelegacyextendedproperty-get.md lists messages, events, tasks …)
/// answers with what its path addresses by the documented types, where they
/// give one answer ([`super::path_shapes::addressed_by_documented_types`]).
fn answer_with_addressed_resources(
    pages: &[Page],
    types: &BTreeMap<String, TypeDef>,
    operations: &mut [Operation],
) {
    let files: std::collections::BTreeSet<&str> = pages
        .iter()
        .filter(|page| super::operations::answers_with_addressed_resource(page))
        .map(|page| page.file.as_str())
        .collect();
    for op in operations {
        let unnamed = match &op.response {
            ResponseShape::None => true,
            ResponseShape::Single { ty } | ResponseShape::Collection { ty } => {
                ty.primitive == Some(super::Primitive::Json)
            }
            ResponseShape::Stream => false,
        };
        if op.method != "GET" || !unnamed || !files.contains(op.source.file.as_str()) {
            continue;
        }
        if let Some(shape) = super::path_shapes::addressed_by_documented_types(&op.path, types) {
            op.response = shape;
        }
    }
}

/// One endpoint (method and path, parameter names and case aside) is one
/// operation. Pages often document an endpoint more than once: the page about
/// the resource the path addresses, pages about an extension of it (extended
/// properties, open extensions), a list page per derived type, the same GET with
/// a query string. The canonical documentation ([`canonical_rank`]) gives the
/// operation its page, response, body and name; the others add their examples,
/// query options and areas, and are reported. When no page is more about the
/// resource than the others (a list page per derived type), the response and
/// body are the common base of what the pages say, where there is one.
fn merge_duplicate_operations(
    operations: &mut Vec<Operation>,
    types: &BTreeMap<String, TypeDef>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut group_of: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut groups: Vec<Vec<Operation>> = Vec::new();
    for op in operations.drain(..) {
        let key = (op.method.clone(), endpoint_key(&op.path));
        match group_of.get(&key) {
            Some(&index) => groups[index].push(op),
            None => {
                group_of.insert(key, groups.len());
                groups.push(vec![op]);
            }
        }
    }
    for mut group in groups {
        let ranks: Vec<CanonicalRank> = group.iter().map(canonical_rank).collect();
        // The first of the best ranked, so ties keep file order.
        let best =
            (0..ranks.len()).fold(0, |best, i| if ranks[i] > ranks[best] { i } else { best });
        let lead_rank = ranks[best];
        let one_is_about_it = ranks.iter().any(|r| r.about != lead_rank.about);
        // Query-string variants (`GET /me?$expand=manager`) only add examples.
        let peers: Vec<usize> = (0..group.len())
            .filter(|&i| i != best && ranks[i].plain_path == lead_rank.plain_path)
            .collect();
        if !one_is_about_it && !peers.is_empty() {
            let response = peers
                .iter()
                .try_fold(group[best].response.clone(), |acc, &i| {
                    common_response(&acc, &group[i].response, types)
                });
            let body = peers.iter().try_fold(group[best].body.clone(), |acc, &i| {
                common_body(&acc, &group[i].body, types)
            });
            if let (Some(response), Some(body)) = (response, body) {
                group[best].response = response;
                group[best].body = body;
            }
        }
        let mut lead = group.remove(best);
        for op in group {
            diagnostics.push(Diagnostic::note(
                Code::DuplicateOperation,
                op.source.clone(),
                format!(
                    "`{} {}` is also documented at {}; the two are one operation, and that page gives its response, body and name",
                    op.method, op.path.raw, lead.source
                ),
            ));
            lead.examples.extend(op.examples);
            lead.query_options.extend(op.query_options);
            lead.areas.extend(op.areas);
        }
        lead.query_options.sort();
        lead.query_options.dedup();
        lead.areas.sort();
        lead.areas.dedup();
        operations.push(lead);
    }
}

/// How well one documentation of an endpoint fits as its canonical page; the
/// greatest wins. Compared field by field, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct CanonicalRank {
    /// How much the page is about the resource the path addresses: its file is
    /// named after it (`user-list.md` for `GET /users`: 4), names it among its
    /// words (`user-post-events.md` for `POST /me/events`: 2), and its response
    /// or body is of that type (1 more).
    about: u8,
    /// The path line has no query string (`GET /me`, not `GET /me?$expand=manager`).
    plain_path: bool,
    /// The page documents a response (or, for writes, a body).
    documents_shape: bool,
    /// A word of the file name ends with the resource's name
    /// (`outlooktask-update.md` for `PATCH /me/outlook/tasks/{id}`): the last
    /// tie-breaker, since a list page per derived type ends that way too.
    ends_a_word: bool,
}

fn canonical_rank(op: &Operation) -> CanonicalRank {
    let resource = super::addressed_resource(&op.path);
    let singular = super::singular(&resource);
    let stem = op
        .source
        .file
        .rsplit('/')
        .next()
        .unwrap_or(&op.source.file)
        .trim_end_matches(".md")
        .to_ascii_lowercase();
    let names_it = |word: &str| !resource.is_empty() && (word == resource || word == singular);
    let mut about = if stem.split('-').next().is_some_and(names_it) {
        4
    } else if stem.split('-').any(names_it) {
        2
    } else {
        0
    };
    let ends_a_word = stem
        .split('-')
        .any(|word| !singular.is_empty() && word.ends_with(singular.as_str()));
    let shape_type = match (&op.response, &op.body) {
        (ResponseShape::Single { ty } | ResponseShape::Collection { ty }, _) => Some(ty),
        (_, RequestBody::Type { ty }) => Some(ty),
        _ => None,
    };
    if shape_type.is_some_and(|ty| !resource.is_empty() && type_key(&ty.name) == singular) {
        about += 1;
    }
    let documents_shape = !matches!(op.response, ResponseShape::None)
        || (op.method != "GET" && !matches!(op.body, RequestBody::None));
    CanonicalRank {
        about,
        plain_path: op.path.query.is_none(),
        documents_shape,
        ends_a_word,
    }
}

/// A path with parameter names erased and case folded: `/users/{id}` = `/Users/{user-id}`.
/// A trailing `/` is not part of the endpoint either.
fn endpoint_key(path: &PathTemplate) -> String {
    let key: String = path
        .parts
        .iter()
        .map(|part| match part {
            PathPart::Literal { text } => text.to_ascii_lowercase(),
            PathPart::Param { .. } => "{}".to_string(),
        })
        .collect();
    match key.strip_suffix('/') {
        Some(trimmed) if !trimmed.is_empty() => trimmed.to_string(),
        _ => key,
    }
}

/// The response two documentations of one endpoint agree on, if any.
fn common_response(
    a: &ResponseShape,
    b: &ResponseShape,
    types: &BTreeMap<String, TypeDef>,
) -> Option<ResponseShape> {
    match (a, b) {
        (ResponseShape::Single { ty: x }, ResponseShape::Single { ty: y }) => {
            common_type(x, y, types).map(|ty| ResponseShape::Single { ty })
        }
        (ResponseShape::Collection { ty: x }, ResponseShape::Collection { ty: y }) => {
            common_type(x, y, types).map(|ty| ResponseShape::Collection { ty })
        }
        (ResponseShape::None, ResponseShape::None)
        | (ResponseShape::Stream, ResponseShape::Stream) => Some(a.clone()),
        _ => None,
    }
}

/// The body both pages accept: the common base of two types (a create page per
/// derived type), or the same parameters. `None` when they differ otherwise.
fn common_body(
    a: &RequestBody,
    b: &RequestBody,
    types: &BTreeMap<String, TypeDef>,
) -> Option<RequestBody> {
    match (a, b) {
        (RequestBody::Type { ty: x }, RequestBody::Type { ty: y }) => {
            common_type(x, y, types).map(|ty| RequestBody::Type { ty })
        }
        (RequestBody::Parameters { parameters: x }, RequestBody::Parameters { parameters: y }) => {
            let signature = |ps: &[super::Property]| -> Vec<(String, TypeRef)> {
                ps.iter().map(|p| (p.name.clone(), p.ty.clone())).collect()
            };
            (signature(x) == signature(y)).then(|| a.clone())
        }
        (RequestBody::None, RequestBody::None) | (RequestBody::Stream, RequestBody::Stream) => {
            Some(a.clone())
        }
        _ => None,
    }
}

fn common_type(a: &TypeRef, b: &TypeRef, types: &BTreeMap<String, TypeDef>) -> Option<TypeRef> {
    if a.collection != b.collection {
        return None;
    }
    if type_key(&a.name) == type_key(&b.name) {
        return Some(a.clone());
    }
    if a.primitive.is_some() || b.primitive.is_some() {
        return None;
    }
    let chain = |start: &str| {
        let mut chain = vec![type_key(start)];
        while let Some(base) = chain
            .last()
            .and_then(|k| types.get(k))
            .and_then(|t| t.base_type.as_deref())
        {
            let key = type_key(base);
            if chain.contains(&key) {
                break;
            }
            chain.push(key);
        }
        chain
    };
    let of_a = chain(&a.name);
    let common = chain(&b.name).into_iter().find(|k| of_a.contains(k))?;
    let name = types.get(&common).map(|t| t.name.clone())?;
    Some(TypeRef::named(&name, a.collection))
}

/// Reports named types that no page defines, inferred or not.
fn report_undefined(
    types: &BTreeMap<String, TypeDef>,
    inferred: &[TypeDef],
    operations: &[Operation],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut references: BTreeMap<String, (String, Location)> = BTreeMap::new();
    let mut add = |ty: &TypeRef, location: &Location| {
        if ty.primitive.is_none() {
            references
                .entry(type_key(&ty.name))
                .or_insert_with(|| (ty.name.clone(), location.clone()));
        }
    };
    for def in types.values() {
        for property in &def.properties {
            add(&property.ty, &property.source);
        }
    }
    for op in operations {
        match &op.body {
            RequestBody::Type { ty } => add(ty, &op.source),
            RequestBody::Parameters { parameters } => {
                parameters.iter().for_each(|p| add(&p.ty, &p.source))
            }
            _ => {}
        }
        if let ResponseShape::Single { ty } | ResponseShape::Collection { ty } = &op.response {
            add(ty, &op.source);
        }
    }
    for (key, (name, location)) in references {
        if types.contains_key(&key) {
            continue;
        }
        let message = if inferred.iter().any(|t| type_key(&t.name) == key) {
            format!(
                "type `{name}` has no page in the tree; its shape is inferred from the examples"
            )
        } else {
            format!("type `{name}` has no page in the tree and appears in no example; it is kept as any JSON value")
        };
        diagnostics.push(Diagnostic::warning(Code::TypeNotDefined, location, message));
    }
}

/// Assigns each example of a page to the operation (path line) it matches, and
/// reports examples that match none.
fn distribute_examples(
    operations: &mut [Operation],
    examples: Vec<Example>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if operations.is_empty() {
        return;
    }
    for mut example in examples {
        let Some(request) = example.request.as_mut() else {
            operations[0].examples.push(example);
            continue;
        };
        let target = match_example(operations, request, diagnostics);
        if let (Some(response), Some(op)) = (&example.response, operations.get(target)) {
            if let Some(status) = response.status {
                if status != op.success_status && (200..300).contains(&status) {
                    diagnostics.push(Diagnostic::warning(
                        Code::StatusContradictsExample,
                        response.location.clone(),
                        format!(
                            "example responds `{status}` but the Response section documents `{}`",
                            op.success_status
                        ),
                    ));
                }
            }
        }
        if let Some(op) = operations.get_mut(target) {
            op.examples.push(example);
        }
    }
}

/// One value or a collection, by what a path's own examples answer, where the
/// page's words say the other: a response the service wrote, with an
/// `@odata.context` that ends in `/$entity` and no `value` array (one), or a
/// `value` array under a context that is not `/$entity` (many; for a write,
/// only under an operation result's `#Collection(…)`, and never for a GET of a
/// path that ends in a key), in every example whose request has the
/// operation's exact path; without a context, a `value` array in an example
/// annotated `"isCollection": true` (many, not for a path that ends in a key).
/// A page's sentence is
/// often copied from a sibling page ("a collection of chat objects" on the page
/// that gets one chat; "the requested offerShiftRequest object" for a list); the
/// example shows the answer to this path. The contradiction is still reported.
fn shape_by_examples(op: &mut Operation, diagnostics: &mut Vec<Diagnostic>) {
    let (ty, collection) = match &op.response {
        ResponseShape::Single { ty } => (ty.clone(), false),
        ResponseShape::Collection { ty } => (ty.clone(), true),
        _ => return,
    };
    if ty.primitive.is_some() {
        return;
    }
    let mut evidence: Vec<(bool, &Location)> = Vec::new();
    for example in &op.examples {
        let (Some(request), Some(response)) = (&example.request, &example.response) else {
            continue;
        };
        if !request.path_matches || response.status.is_some_and(|s| !(200..300).contains(&s)) {
            continue;
        }
        let Some(body) = response.body.as_ref().and_then(|b| b.as_object()) else {
            continue;
        };
        let many = body.get("value").is_some_and(|v| v.is_array());
        let Some(context) = body.get("@odata.context").and_then(|c| c.as_str()) else {
            // No context, but the example's annotation says `"isCollection":
            // true` and its body holds a `value` array: two statements of many.
            if many && response.is_collection && !op.path.ends_in_key() {
                evidence.push((true, &response.location));
            }
            continue;
        };
        let entity = context.ends_with("/$entity");
        // Many where the path says one is a list example copied onto the page:
        // a GET of a path that ends in a key, or a write whose context is not
        // an operation's result (`#Collection(…)`) but a collection's path.
        let fragment = context.rsplit_once('#').map_or("", |(_, f)| f);
        if many
            && ((op.method == "GET" && op.path.ends_in_key())
                || (op.method != "GET" && !fragment.starts_with("Collection(")))
        {
            return;
        }
        match (many, entity) {
            (true, false) => evidence.push((true, &response.location)),
            (false, true) => evidence.push((false, &response.location)),
            // A context and a body that disagree say nothing.
            _ => return,
        }
    }
    let Some(&(many, location)) = evidence.first() else {
        return;
    };
    if many == collection || evidence.iter().any(|(m, _)| *m != many) {
        return;
    }
    diagnostics.push(Diagnostic::warning(
        Code::ResponseShapeContradicts,
        location.clone(),
        format!(
            "the Response section documents {} `{}`, but every example of `{} {}` responds with {} (by its `@odata.context`); the response is read as the examples'",
            if collection { "a collection of" } else { "one" },
            ty.name,
            op.method,
            op.path.raw,
            if many { "a collection" } else { "one value" }
        ),
    ));
    op.response = if many {
        ResponseShape::Collection { ty: ty.element() }
    } else {
        ResponseShape::Single { ty: ty.element() }
    };
}

/// A page whose Response section names no type gets its response from the
/// first annotated example, which is about one path line:
/// opentypeextension-post-opentypeextension.md annotates its first example
/// (`POST /me/messages`) `microsoft.graph.message` and its `…/extensions`
/// examples `microsoft.graph.openTypeExtension`. Each route of the page
/// ([`super::path_shapes::route_key`]: `…/extensions`, `…/messages`) whose
/// examples' annotations name one type answers with that type.
fn shape_by_route_annotations(ops: &mut [Operation]) {
    // (method, route) → the shapes its examples' annotations name.
    let mut named: BTreeMap<(String, String), Vec<ResponseShape>> = BTreeMap::new();
    for op in ops.iter() {
        let Some(route) = super::path_shapes::route_key(&op.path) else {
            continue;
        };
        for example in &op.examples {
            let Some(response) = &example.response else {
                continue;
            };
            if response.status.is_some_and(|s| !(200..300).contains(&s)) {
                continue;
            }
            let Some(ty) = response
                .odata_type
                .as_deref()
                .and_then(|t| TypeRef::from_text(t, None))
            else {
                continue;
            };
            let shape = if ty.collection || response.is_collection {
                ResponseShape::Collection { ty: ty.element() }
            } else {
                ResponseShape::Single { ty }
            };
            named
                .entry((op.method.clone(), route.clone()))
                .or_default()
                .push(shape);
        }
    }
    for op in ops.iter_mut() {
        let Some(route) = super::path_shapes::route_key(&op.path) else {
            continue;
        };
        let Some(shapes) = named.get(&(op.method.clone(), route)) else {
            continue;
        };
        if let Some(first) = shapes.first() {
            if shapes.iter().all(|s| s == first) {
                op.response = first.clone();
            }
        }
    }
}

/// Path lines of a page that address one thing by other routes
/// (`/me/chats/{chat-id}` and `/chats/{chat-id}`) or call one function with
/// other arguments (`(period=…)` and `(date=…)`) answer alike: where a line's
/// examples corrected the page's response ([`shape_by_examples`]), a line that
/// kept the page's response and has no example of its own to say otherwise
/// takes the same. `page_shapes` are the responses before the examples were read.
fn share_across_routes(ops: &mut [Operation], page_shapes: &[ResponseShape]) {
    let corrected: Vec<(String, String, ResponseShape, ResponseShape)> = ops
        .iter()
        .zip(page_shapes)
        .filter(|(op, before)| op.response != **before)
        .filter_map(|(op, before)| {
            Some((
                op.method.clone(),
                super::path_shapes::route_key(&op.path)?,
                before.clone(),
                op.response.clone(),
            ))
        })
        .collect();
    for (op, before) in ops.iter_mut().zip(page_shapes) {
        if op.response != *before || op.examples.iter().any(|e| e.response.is_some()) {
            continue;
        }
        let Some(key) = super::path_shapes::route_key(&op.path) else {
            continue;
        };
        let mut answers = corrected
            .iter()
            .filter(|(method, k, page, _)| *method == op.method && *k == key && page == before)
            .map(|(_, _, _, shape)| shape);
        if let Some(first) = answers.next() {
            if answers.all(|other| other == first) {
                op.response = first.clone();
            }
        }
    }
}

/// Finds the operation an example request belongs to and records its path values.
/// Returns the operation's index.
fn match_example(
    operations: &[Operation],
    request: &mut super::ExampleRequest,
    diagnostics: &mut Vec<Diagnostic>,
) -> usize {
    let same_method: Vec<usize> = (0..operations.len())
        .filter(|&i| operations[i].method == request.method)
        .collect();
    if same_method.is_empty() {
        diagnostics.push(Diagnostic::warning(
            Code::ExampleMethodMismatch,
            request.location.clone(),
            format!(
                "example sends `{}` but the HTTP request section documents `{}`",
                request.method, operations[0].method
            ),
        ));
        return 0;
    }
    // Exact matches first; then `/me/…` read as `/users/me/…` (Graph's alias for the
    // signed-in user, which pages use in examples of `/users/{id}/…` paths); then the
    // documented path without a trailing `/$ref`, `/$value` or `/$count` (the
    // example forgot it).
    for strategy in [
        Strategy::Exact,
        Strategy::MeAlias,
        Strategy::WithoutModifier,
    ] {
        for &index in &same_method {
            let template = match strategy {
                Strategy::WithoutModifier => match without_modifier(&operations[index].path) {
                    Some(t) => t,
                    None => continue,
                },
                _ => operations[index].path.clone(),
            };
            let found = match strategy {
                Strategy::MeAlias => match_me_alias(&template, &request.path).or_else(|| {
                    key_segments(&request.path).and_then(|path| {
                        match_with_root(&template, &path)
                            .or_else(|| match_me_alias(&template, &path))
                    })
                }),
                _ => match_with_root(&template, &request.path),
            };
            let Some((root, values)) = found else {
                continue;
            };
            // Another documented path may match more of the example (a path that is
            // a suffix of another would otherwise swallow part of it as "root").
            let longer = same_method.iter().any(|&other| {
                other != index
                    && match_with_root(&operations[other].path, &request.path)
                        .is_some_and(|(other_root, _)| other_root.len() < root.len())
            });
            if longer && strategy == Strategy::Exact {
                continue;
            }
            request.path_values = values;
            request.path_matches = strategy == Strategy::Exact;
            request.path_documented = strategy != Strategy::WithoutModifier;
            request.root = root.clone();
            report_root(request, &root, diagnostics);
            if strategy == Strategy::WithoutModifier {
                diagnostics.push(
                    Diagnostic::warning(
                        Code::ExamplePathMismatch,
                        request.location.clone(),
                        format!(
                            "example path `{}` lacks the end of the documented path `{}`",
                            request.path.trim_start_matches(&root),
                            operations[index].path.raw
                        ),
                    )
                    .with_suggestion(format!(
                        "use `{}` in the example, or fix the HTTP request section",
                        operations[index].path.raw
                    )),
                );
            }
            return index;
        }
    }
    let documented: Vec<&str> = same_method
        .iter()
        .map(|&i| operations[i].path.raw.as_str())
        .collect();
    diagnostics.push(Diagnostic::warning(
        Code::ExamplePathMismatch,
        request.location.clone(),
        format!(
            "example path `{}` matches no documented path ({})",
            request.path,
            documented.join(", ")
        ),
    ));
    same_method[0]
}

/// How an example's path was matched to a documented one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Strategy {
    Exact,
    MeAlias,
    WithoutModifier,
}

/// `messages('AAMk')/attachments('AAMk')/` → `messages/AAMk/attachments/AAMk`: OData's
/// key-in-parentheses form of `/{id}` segments. `None` when the path has none.
/// Calls with named arguments (`range(address='A1')`) are left as they are.
fn key_segments(path: &str) -> Option<String> {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    let mut changed = false;
    while let Some(open) = rest.find('(') {
        let close = rest[open..].find(')').map(|i| open + i)?;
        let inner = &rest[open + 1..close];
        out.push_str(&rest[..open]);
        if inner.is_empty() || inner.contains('=') || inner.contains(',') {
            out.push_str(&rest[open..=close]);
        } else {
            out.push('/');
            out.push_str(inner.trim_matches('\''));
            changed = true;
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    let out = out.trim_end_matches('/').to_string();
    changed.then_some(out)
}

/// Matches an example path that uses `/me` where the template says `/users/{id}`.
fn match_me_alias(template: &PathTemplate, path: &str) -> Option<(String, Vec<String>)> {
    path.match_indices('/').find_map(|(start, _)| {
        let rest = &path[start..];
        let alias = rest.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("/me"))
            && rest[3..]
                .chars()
                .next()
                .is_none_or(|c| c == '/' || c == '?');
        if !alias {
            return None;
        }
        let rewritten = format!("/users/me{}", &rest[3..]);
        let (inner_root, values) = match_with_root(template, &rewritten)?;
        inner_root
            .is_empty()
            .then(|| (path[..start].to_string(), values))
    })
}

/// The template without a trailing `$ref`/`$value`/`$count` segment.
fn without_modifier(template: &PathTemplate) -> Option<PathTemplate> {
    let raw = template.raw.trim_end_matches('/');
    let (head, last) = raw.rsplit_once('/')?;
    ["$ref", "$value", "$count"]
        .iter()
        .any(|m| last.eq_ignore_ascii_case(m))
        .then(|| PathTemplate::parse(head))
        .filter(|t| {
            t.parts
                .iter()
                .any(|p| matches!(p, PathPart::Literal { .. }))
        })
}

/// Matches a template against an example path, letting a service root (`/beta`,
/// or something unexpected) come first. Returns the root and the parameter values.
fn match_with_root(template: &PathTemplate, path: &str) -> Option<(String, Vec<String>)> {
    let mut starts: Vec<usize> = vec![0];
    starts.extend(path.match_indices('/').map(|(i, _)| i).filter(|&i| i > 0));
    starts.into_iter().find_map(|start| {
        template
            .match_path(&path[start..])
            .map(|values| (path[..start].to_string(), values))
    })
}

fn report_root(request: &super::ExampleRequest, root: &str, diagnostics: &mut Vec<Diagnostic>) {
    let origin_ok =
        request.url.starts_with('/') || request.url.to_ascii_lowercase().starts_with(SERVICE_HOST);
    // A relative example (`GET /me/drive`) names no root at all, which is fine.
    let root_ok = KNOWN_ROOTS
        .iter()
        .any(|known| root.eq_ignore_ascii_case(known))
        || (root.is_empty() && request.url.starts_with('/'));
    if !(origin_ok && root_ok) {
        // Show the root as written (backslashes and all); normalising kept lengths.
        let origin = crate::parse::http_example::split_url(&request.url).origin;
        let shown = request
            .url
            .get(..origin.len() + root.len())
            .unwrap_or(&request.url);
        diagnostics.push(Diagnostic::warning(
            Code::ExampleBaseUrl,
            request.location.clone(),
            format!("example is sent to `{shown}`, which is not a documented service root (`{SERVICE_HOST}/v1.0` or `{SERVICE_HOST}/beta`)"),
        ));
    }
}

/// The tree's service root: from its folder name, else the root most examples use.
fn service_root(tree_name: &str, operations: &[Operation]) -> String {
    if let Some(known) = KNOWN_ROOTS
        .iter()
        .find(|r| r[1..].eq_ignore_ascii_case(tree_name))
    {
        return format!("{SERVICE_HOST}{known}");
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for example in operations.iter().flat_map(|op| &op.examples) {
        let Some(request) = &example.request else {
            continue;
        };
        if let Some(root) = KNOWN_ROOTS.iter().find(|r| {
            request.path.len() > r.len()
                && request.path[..r.len()].eq_ignore_ascii_case(r)
                && request.path[r.len()..].starts_with('/')
        }) {
            *counts.entry(root).or_default() += 1;
        }
    }
    let best = counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
        .map(|(root, _)| root)
        .unwrap_or("/v1.0");
    format!("{SERVICE_HOST}{best}")
}

/// Reports relative links to pages that are not in the tree.
fn check_links(pages: &[Page], diagnostics: &mut Vec<Diagnostic>) {
    let files: BTreeSet<String> = pages.iter().map(|p| p.file.to_ascii_lowercase()).collect();
    let per_page: Vec<Vec<Diagnostic>> = pages
        .par_iter()
        .map(|page| broken_links(page, &files))
        .collect();
    diagnostics.extend(per_page.into_iter().flatten());
}

/// The links of `page` to pages that are not among `files` (lowercased paths).
fn broken_links(page: &Page, files: &BTreeSet<String>) -> Vec<Diagnostic> {
    let mut broken = Vec::new();
    for (link, line) in page.block_links() {
        let LinkTarget::Page { path: dest, file } = link_target(&page.file, &link.dest) else {
            continue;
        };
        // Include files and snippets live outside API trees by design.
        if dest.contains("includes/") {
            continue;
        }
        // Case differences are tolerated: the docs site is case-insensitive.
        let found = file.is_some_and(|r| files.contains(&r.to_ascii_lowercase()));
        if !found {
            broken.push(Diagnostic::warning(
                Code::LinkBroken,
                Location::new(&page.file, line),
                format!("link to `{dest}`, which is not in the docs tree"),
            ));
        }
    }
    broken
}
