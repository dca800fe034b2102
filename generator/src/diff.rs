//! `docgen diff`: the semantic API changes between two docs trees, each marked
//! **breaking** or **additive** for the Rust crate `docgen generate` writes.
//!
//! [`diff`] compares two [`ApiModel`]s and nothing else; the renderers turn its
//! list into the `human`, `json` and `markdown` forms of the command. The rules
//! (documented in the README under `docgen diff`) think like semver for the
//! generated crate: anything that can stop code written against the old crate
//! from compiling, or make the same call send something else, is breaking.
//!
//! - Operations are matched by method and path first (an endpoint is one
//!   operation wherever it is documented, so a page move is a move, not a
//!   removal plus an addition), then by name within the same page, then by path
//!   alone within the same page (a changed method), then by method within the
//!   same page where exactly one operation on each side is left (a changed path).
//!   Paths are compared with parameter names blanked and literal text lowercased.
//! - A request function renamed only because another operation now shares (or
//!   no longer shares) its short name is attributed to that operation's page: the
//!   page that changed, not the unchanged page the function comes from.
//! - Types are matched by their lowercased name; properties and enum members by
//!   their JSON name, then case-insensitively (a changed case is a rename);
//!   a property removed and one added in the same type are a rename where the
//!   pairing is unambiguous: the only pair left with that type, and the same
//!   description or a similar name.
//! - A property that moved between a type and one of its base types is still a
//!   field of the generated struct, so it is no change.

use crate::diagnostics::Location;
use crate::emit::areas::Areas;
use crate::emit::names;
use crate::model::{
    type_key, ApiModel, Operation, Primitive, Property, RequestBody, ResponseShape, TypeDef,
    TypeKind, TypeRef,
};
use crate::parse::path_template::{PathPart, PathTemplate};
use crate::source::SourceError;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

/// What changed. The JSON name is the snake_case form (`operation_added`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// An operation only the new tree has.
    OperationAdded,
    /// An operation only the old tree has.
    OperationRemoved,
    /// Same method and path, another request function name.
    OperationRenamed,
    /// Same operation name, another HTTP method.
    OperationMethodChanged,
    /// Same operation name, another path.
    OperationPathChanged,
    /// The body's type or kind changed, or one of its action parameters did.
    OperationBodyChanged,
    /// The response's type or shape changed.
    OperationResponseChanged,
    /// The success status changed.
    OperationStatusChanged,
    /// Same method and path, documented on another page. Breaking only when the
    /// operation leaves a cargo feature (area) it was compiled in.
    OperationMoved,
    /// A type only the new tree has.
    TypeAdded,
    /// A type only the old tree has.
    TypeRemoved,
    /// Same type (lowercased name), another Rust type name.
    TypeRenamed,
    /// Object became enum or the other way round.
    TypeKindChanged,
    /// The base type changed.
    TypeBaseChanged,
    /// The type gained its first derived type or lost its last one, which adds or
    /// removes its `Any…` enum.
    TypePolymorphismChanged,
    /// A property only the new type has.
    PropertyAdded,
    /// A property only the old type has.
    PropertyRemoved,
    /// The JSON name changed case.
    PropertyRenamed,
    /// The type name or the collection flag changed.
    PropertyRetyped,
    /// A member only the new enum has.
    EnumMemberAdded,
    /// A member only the old enum has.
    EnumMemberRemoved,
    /// The member's name changed case.
    EnumMemberRenamed,
}

impl ChangeKind {
    /// The group the change is listed in.
    pub fn category(self) -> Category {
        use ChangeKind::*;
        match self {
            OperationAdded
            | OperationRemoved
            | OperationRenamed
            | OperationMethodChanged
            | OperationPathChanged
            | OperationBodyChanged
            | OperationResponseChanged
            | OperationStatusChanged
            | OperationMoved => Category::Operations,
            TypeAdded
            | TypeRemoved
            | TypeRenamed
            | TypeKindChanged
            | TypeBaseChanged
            | TypePolymorphismChanged => Category::Types,
            PropertyAdded | PropertyRemoved | PropertyRenamed | PropertyRetyped => {
                Category::Properties
            }
            EnumMemberAdded | EnumMemberRemoved | EnumMemberRenamed => Category::EnumMembers,
        }
    }
}

/// The groups changes are listed in, in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Operations added, removed or changed.
    Operations,
    /// Types added, removed or changed.
    Types,
    /// Properties added, removed or changed.
    Properties,
    /// Enum members added, removed or changed.
    EnumMembers,
}

impl Category {
    /// Every category, in listing order.
    pub const ALL: [Category; 4] = [
        Category::Operations,
        Category::Types,
        Category::Properties,
        Category::EnumMembers,
    ];

    /// The heading the category is listed under.
    pub fn title(self) -> &'static str {
        match self {
            Category::Operations => "Operations",
            Category::Types => "Types",
            Category::Properties => "Properties",
            Category::EnumMembers => "Enum members",
        }
    }
}

/// Which of the two trees a location is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The old tree.
    Old,
    /// The new tree.
    New,
}

/// Where a change is documented: the new definition, or the old one when the
/// item is gone. `file` is relative to that tree's root.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ChangeLocation {
    /// Which tree.
    pub tree: Side,
    /// Where in that tree.
    #[serde(flatten)]
    pub at: Location,
}

/// One semantic change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// What changed.
    pub kind: ChangeKind,
    /// Whether code written against the crate generated from the old tree may
    /// stop compiling or behave differently with the crate generated from the new one.
    pub breaking: bool,
    /// What changed: an operation name, a type name, `type.property` or `enum.member`.
    pub item: String,
    /// A self-contained phrase saying what changed, with code in backticks.
    pub detail: String,
    /// The value before, where there is one (a method, a path, a type…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    /// The value after, where there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
    /// Where the change is documented.
    pub location: ChangeLocation,
    /// The cargo features (areas) of the generated crate the change is in, filled
    /// by [`with_areas`] (`diff --areas`): the new side's, or the old side's for
    /// something removed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub areas: Vec<String>,
}

impl Change {
    /// `breaking` or `additive`, as printed.
    pub fn label(&self) -> &'static str {
        if self.breaking {
            "breaking"
        } else {
            "additive"
        }
    }

    /// The order changes are listed in: by category, breaking first, then by item.
    fn sort_key(&self) -> (Category, bool, String, String, ChangeKind, String) {
        (
            self.kind.category(),
            !self.breaking,
            self.item.to_ascii_lowercase(),
            self.item.clone(),
            self.kind,
            self.detail.clone(),
        )
    }
}

/// Builds both models at once, one thread each.
pub fn models_for_trees(old: &Path, new: &Path) -> Result<(ApiModel, ApiModel), SourceError> {
    let (old, new) = std::thread::scope(|scope| {
        let old = scope.spawn(|| crate::model_for_tree(old));
        let new = crate::model_for_tree(new);
        let old = old
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (old, new)
    });
    Ok((old?, new?))
}

/// The changes from `old` to `new`, in a fixed order: by category (operations,
/// types, properties, enum members), breaking before additive, then by item.
pub fn diff(old: &ApiModel, new: &ApiModel) -> Vec<Change> {
    let mut changes = Vec::new();
    diff_operations(old, new, &mut changes);
    diff_types(old, new, &mut changes);
    changes.sort_by_cached_key(Change::sort_key);
    changes
}

/// Fills each change's [`Change::areas`]: the cargo features of the generated
/// crate that compile the item — an operation's areas, or the areas that need a
/// type (for a property or enum member, its type). Taken from the new tree, or
/// from the old one for what was removed.
pub fn with_areas(changes: &mut [Change], old: &ApiModel, new: &ApiModel) {
    let old_areas = Areas::new(old);
    let new_areas = Areas::new(new);
    let op_areas = |model: &ApiModel, name: &str| -> Vec<String> {
        model
            .operations
            .iter()
            .filter(|op| op.name == name)
            .flat_map(|op| op.areas.iter().cloned())
            .collect::<BTreeSet<String>>()
            .into_iter()
            .collect()
    };
    for change in changes.iter_mut() {
        let removed = matches!(
            change.kind,
            ChangeKind::OperationRemoved
                | ChangeKind::TypeRemoved
                | ChangeKind::PropertyRemoved
                | ChangeKind::EnumMemberRemoved
        );
        let (model, areas) = if removed {
            (old, &old_areas)
        } else {
            (new, &new_areas)
        };
        change.areas = match change.kind.category() {
            Category::Operations => op_areas(model, &change.item),
            Category::Types => areas.of_type(&change.item).iter().cloned().collect(),
            Category::Properties | Category::EnumMembers => {
                // `owner.member`; a type name may hold dots (a namespace), a
                // member name rarely does, so the owner is the longest prefix
                // that names a type.
                let owner = change
                    .item
                    .match_indices('.')
                    .map(|(at, _)| &change.item[..at])
                    .rfind(|owner| model.type_named(owner).is_some())
                    .unwrap_or_else(|| change.item.rsplit_once('.').map_or("", |(o, _)| o));
                areas.of_type(owner).iter().cloned().collect()
            }
        };
    }
}

/// How many changes are breaking and how many additive.
pub fn counts(changes: &[Change]) -> (usize, usize) {
    let breaking = changes.iter().filter(|c| c.breaking).count();
    (breaking, changes.len() - breaking)
}

// ---------------------------------------------------------------------------
// Operations

fn old_at(location: &Location) -> ChangeLocation {
    ChangeLocation {
        tree: Side::Old,
        at: location.clone(),
    }
}

fn new_at(location: &Location) -> ChangeLocation {
    ChangeLocation {
        tree: Side::New,
        at: location.clone(),
    }
}

/// The path as the comparison sees it: literal text lowercased (Graph paths are
/// case-insensitive), every parameter `{}`, no trailing `/`.
fn path_shape(path: &PathTemplate) -> String {
    let mut shape = String::new();
    for part in &path.parts {
        match part {
            PathPart::Literal { text } => shape.push_str(&text.to_ascii_lowercase()),
            PathPart::Param { .. } => shape.push_str("{}"),
        }
    }
    let shape = blank_argument_values(&shape);
    let trimmed = shape.trim_end_matches('/');
    if trimmed.is_empty() {
        shape
    } else {
        trimmed.to_string()
    }
}

/// `image(width=640,height=480)` → `image(width=,height=)`: the values in a
/// function call written into a path are the page's example values, not part of
/// the endpoint; two pages that pick other numbers document the same function.
fn blank_argument_values(shape: &str) -> String {
    let mut out = String::with_capacity(shape.len());
    let (mut depth, mut in_value) = (0usize, false);
    for c in shape.chars() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth = depth.saturating_sub(1);
                in_value = false;
            }
            ',' if depth > 0 => in_value = false,
            '=' if depth > 0 => {
                out.push(c);
                in_value = true;
                continue;
            }
            _ => {}
        }
        if !in_value {
            out.push(c);
        }
    }
    out
}

fn request_line(op: &Operation) -> String {
    format!("{} {}", op.method, op.path.raw)
}

/// Pairs the operations of two unmatched lists that share a key, in name order.
/// With `unique_only`, a key pairs only when exactly one operation on each side
/// has it: a weak key (the page and method) is evidence only when nothing else
/// could be meant.
fn pair_operations<'m, K: Ord>(
    old: &mut Vec<&'m Operation>,
    new: &mut Vec<&'m Operation>,
    key: impl Fn(&Operation) -> K,
    unique_only: bool,
    pairs: &mut Vec<(&'m Operation, &'m Operation)>,
) {
    let mut by_key: BTreeMap<K, Vec<&'m Operation>> = BTreeMap::new();
    for op in old.iter() {
        by_key.entry(key(op)).or_default().push(op);
    }
    let mut new_count: BTreeMap<K, usize> = BTreeMap::new();
    if unique_only {
        for op in new.iter() {
            *new_count.entry(key(op)).or_default() += 1;
        }
    }
    let mut paired_old: BTreeSet<*const Operation> = BTreeSet::new();
    let mut paired_new: BTreeSet<*const Operation> = BTreeSet::new();
    for op in new.iter() {
        let op_key = key(op);
        if unique_only && new_count.get(&op_key) != Some(&1) {
            continue;
        }
        if let Some(candidates) = by_key.get_mut(&op_key) {
            if unique_only && candidates.len() != 1 {
                continue;
            }
            if !candidates.is_empty() {
                let matched = candidates.remove(0);
                paired_old.insert(matched);
                paired_new.insert(*op);
                pairs.push((matched, op));
            }
        }
    }
    old.retain(|op| !paired_old.contains(&(*op as *const Operation)));
    new.retain(|op| !paired_new.contains(&(*op as *const Operation)));
}

fn diff_operations(old: &ApiModel, new: &ApiModel, changes: &mut Vec<Change>) {
    fn sorted(model: &ApiModel) -> Vec<&Operation> {
        let mut ops: Vec<&Operation> = model.operations.iter().collect();
        ops.sort_by(|a, b| (&a.name, &a.source).cmp(&(&b.name, &b.source)));
        ops
    }
    let mut old_ops = sorted(old);
    let mut new_ops = sorted(new);
    let mut pairs = Vec::new();
    // The endpoint first: a request function's name is derived from the paths of
    // every operation (it grows when another one shares its short form), so a
    // name can pass from one endpoint to another while both are still documented.
    pair_operations(
        &mut old_ops,
        &mut new_ops,
        |op| (op.method.to_ascii_uppercase(), path_shape(&op.path)),
        false,
        &mut pairs,
    );
    pair_operations(
        &mut old_ops,
        &mut new_ops,
        |op| (op.source.file.clone(), op.name.clone()),
        false,
        &mut pairs,
    );
    pair_operations(
        &mut old_ops,
        &mut new_ops,
        |op| (op.source.file.clone(), path_shape(&op.path)),
        false,
        &mut pairs,
    );
    pair_operations(
        &mut old_ops,
        &mut new_ops,
        |op| (op.source.file.clone(), op.method.to_ascii_uppercase()),
        true,
        &mut pairs,
    );
    // Operations added or removed, by name, to find what renamed a function
    // whose own page did not change.
    let unmatched: Vec<(&Operation, Side)> = old_ops
        .iter()
        .map(|op| (*op, Side::Old))
        .chain(new_ops.iter().map(|op| (*op, Side::New)))
        .collect();
    for op in old_ops {
        changes.push(Change {
            kind: ChangeKind::OperationRemoved,
            breaking: true,
            item: op.name.clone(),
            detail: format!("operation `{}` removed (`{}`)", op.name, request_line(op)),
            old: Some(request_line(op)),
            new: None,
            location: old_at(&op.source),
            areas: Vec::new(),
        });
    }
    for op in new_ops {
        changes.push(Change {
            kind: ChangeKind::OperationAdded,
            breaking: false,
            item: op.name.clone(),
            detail: format!("operation `{}` added (`{}`)", op.name, request_line(op)),
            old: None,
            new: Some(request_line(op)),
            location: new_at(&op.source),
            areas: Vec::new(),
        });
    }
    for (before, after) in pairs {
        compare_operations(before, after, &unmatched, changes);
    }
}

/// The operation, added or removed, whose name now shares (or no longer shares)
/// the short form of a function renamed between `old` and `new` with the same
/// endpoint: the names differ only in how many path segments they carry, and the
/// other operation's name ends with the same segments after the same verb.
fn rename_cause<'m>(
    old: &Operation,
    new: &Operation,
    unmatched: &[(&'m Operation, Side)],
) -> Option<(&'m Operation, Side)> {
    let (short, long) = if old.name.len() <= new.name.len() {
        (&old.name, &new.name)
    } else {
        (&new.name, &old.name)
    };
    // Actions are named without a verb (`reset_decisions`), other operations
    // with one (`get_manager`): the shared part is the whole short name or the
    // part after the verb.
    let (verb, rest) = short.split_once('_').unwrap_or(("", short.as_str()));
    let (whole, tail) = (format!("_{short}"), format!("_{rest}"));
    if !long.ends_with(&tail) {
        return None;
    }
    unmatched
        .iter()
        .filter(|(other, _)| {
            other.name == *short
                || other.name.ends_with(&whole)
                || (other.name.starts_with(&format!("{verb}_")) && other.name.ends_with(&tail))
        })
        .min_by(|a, b| (&a.0.source, &a.0.name).cmp(&(&b.0.source, &b.0.name)))
        .copied()
}

/// Whether `old` carries areas that `new` does not: a feature set that no longer
/// compiles the operation.
fn lost_areas(old: &Operation, new: &Operation) -> Vec<String> {
    old.areas
        .iter()
        .filter(|area| !new.areas.contains(area))
        .cloned()
        .collect()
}

fn compare_operations(
    old: &Operation,
    new: &Operation,
    unmatched: &[(&Operation, Side)],
    changes: &mut Vec<Change>,
) {
    let item = new.name.clone();
    let change = |kind, breaking, detail: String, before: String, after: String| Change {
        kind,
        breaking,
        item: item.clone(),
        detail,
        old: Some(before),
        new: Some(after),
        location: new_at(&new.source),
        areas: Vec::new(),
    };
    if old.name != new.name {
        let mut renamed = change(
            ChangeKind::OperationRenamed,
            true,
            format!(
                "operation `{}` renamed to `{}` (`{}`)",
                old.name,
                new.name,
                request_line(new)
            ),
            old.name.clone(),
            new.name.clone(),
        );
        // Same endpoint on the same page: the name changed because another
        // operation came or went. Blame the page that changed.
        if old.source.file == new.source.file {
            if let Some((cause, side)) = rename_cause(old, new, unmatched) {
                let verb = match side {
                    Side::Old => "removed",
                    Side::New => "added",
                };
                let _ = write!(
                    renamed.detail,
                    ", because `{}` was {verb} (`{}`); `{}` still documents it the same way",
                    cause.name,
                    request_line(cause),
                    new.source.file
                );
                renamed.location = ChangeLocation {
                    tree: side,
                    at: cause.source.clone(),
                };
            }
        }
        changes.push(renamed);
    }
    if old.source.file != new.source.file {
        let lost = lost_areas(old, new);
        let mut detail = format!(
            "operation `{item}` (`{}`) moved from `{}` to `{}`",
            request_line(new),
            old.source.file,
            new.source.file
        );
        if !lost.is_empty() {
            let _ = write!(
                detail,
                "; no longer compiled with feature {}",
                lost.iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        changes.push(change(
            ChangeKind::OperationMoved,
            !lost.is_empty(),
            detail,
            old.source.file.clone(),
            new.source.file.clone(),
        ));
    }
    if !old.method.eq_ignore_ascii_case(&new.method) {
        changes.push(change(
            ChangeKind::OperationMethodChanged,
            true,
            format!(
                "operation `{item}`: method `{}` → `{}`",
                old.method, new.method
            ),
            old.method.clone(),
            new.method.clone(),
        ));
    }
    if old.path.raw != new.path.raw {
        let same_shape = path_shape(&old.path) == path_shape(&new.path);
        let why = if same_shape {
            " (parameter names or letter case only)"
        } else {
            ""
        };
        changes.push(change(
            ChangeKind::OperationPathChanged,
            !same_shape,
            format!(
                "operation `{item}`: path `{}` → `{}`{why}",
                old.path.raw, new.path.raw
            ),
            old.path.raw.clone(),
            new.path.raw.clone(),
        ));
    }
    compare_bodies(&item, old, new, changes);
    let (before, after) = (response_text(&old.response), response_text(&new.response));
    if response_key(&old.response) != response_key(&new.response) {
        changes.push(change(
            ChangeKind::OperationResponseChanged,
            true,
            format!("operation `{item}`: response `{before}` → `{after}`"),
            before,
            after,
        ));
    }
    if old.success_status != new.success_status {
        changes.push(change(
            ChangeKind::OperationStatusChanged,
            false,
            format!(
                "operation `{item}`: success status {} → {}",
                old.success_status, new.success_status
            ),
            old.success_status.to_string(),
            new.success_status.to_string(),
        ));
    }
}

/// The identity of a type reference in the generated code: the primitive, or
/// the referenced type's key, and whether it is a collection.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum TypeKey {
    Primitive(Primitive, bool),
    Named(String, bool),
}

fn ty_key(ty: &TypeRef) -> TypeKey {
    match ty.primitive {
        Some(primitive) => TypeKey::Primitive(primitive, ty.collection),
        None => TypeKey::Named(type_key(&ty.name), ty.collection),
    }
}

fn ty_text(ty: &TypeRef) -> String {
    if ty.collection {
        format!("{} collection", ty.name)
    } else {
        ty.name.clone()
    }
}

#[derive(Debug, PartialEq, Eq)]
enum ResponseKey {
    None,
    Single(TypeKey),
    Page(TypeKey),
    Stream,
}

fn response_key(response: &ResponseShape) -> ResponseKey {
    match response {
        ResponseShape::None => ResponseKey::None,
        ResponseShape::Single { ty } => ResponseKey::Single(ty_key(ty)),
        ResponseShape::Collection { ty } => ResponseKey::Page(ty_key(&ty.element())),
        ResponseShape::Stream => ResponseKey::Stream,
    }
}

fn response_text(response: &ResponseShape) -> String {
    match response {
        ResponseShape::None => "none".into(),
        ResponseShape::Single { ty } => ty_text(ty),
        ResponseShape::Collection { ty } => format!("{} collection (paged)", ty.name),
        ResponseShape::Stream => "stream".into(),
    }
}

fn body_text(body: &RequestBody) -> String {
    match body {
        RequestBody::None => "none".into(),
        RequestBody::Type { ty } => ty_text(ty),
        RequestBody::Parameters { parameters } => {
            let list: Vec<String> = parameters
                .iter()
                .map(|p| format!("{}: {}", p.name, ty_text(&p.ty)))
                .collect();
            format!("parameters ({})", list.join(", "))
        }
        RequestBody::Stream => "stream".into(),
    }
}

fn compare_bodies(item: &str, old: &Operation, new: &Operation, changes: &mut Vec<Change>) {
    let whole = |changes: &mut Vec<Change>| {
        let (before, after) = (body_text(&old.body), body_text(&new.body));
        changes.push(Change {
            kind: ChangeKind::OperationBodyChanged,
            breaking: true,
            item: item.to_string(),
            detail: format!("operation `{item}`: request body `{before}` → `{after}`"),
            old: Some(before),
            new: Some(after),
            location: new_at(&new.source),
            areas: Vec::new(),
        });
    };
    match (&old.body, &new.body) {
        (RequestBody::None, RequestBody::None) | (RequestBody::Stream, RequestBody::Stream) => {}
        (RequestBody::Type { ty: a }, RequestBody::Type { ty: b }) => {
            if ty_key(a) != ty_key(b) {
                whole(changes);
            }
        }
        (RequestBody::Parameters { parameters: a }, RequestBody::Parameters { parameters: b }) => {
            compare_members(
                a,
                b,
                &MemberContext {
                    owner: item,
                    noun: "body parameter",
                    old_location: &old.source,
                    new_location: &new.source,
                    kinds: [
                        ChangeKind::OperationBodyChanged,
                        ChangeKind::OperationBodyChanged,
                        ChangeKind::OperationBodyChanged,
                        ChangeKind::OperationBodyChanged,
                    ],
                    item_is_owner: true,
                },
                &BTreeSet::new(),
                &BTreeSet::new(),
                changes,
            );
        }
        _ => whole(changes),
    }
}

// ---------------------------------------------------------------------------
// Types

/// Type key → definition, for one model.
struct Types<'m> {
    by_key: BTreeMap<String, &'m TypeDef>,
    /// Keys of the types some other type names as its base: they get an `Any…` enum.
    polymorphic: BTreeSet<String>,
}

impl<'m> Types<'m> {
    fn of(model: &'m ApiModel) -> Types<'m> {
        let mut by_key = BTreeMap::new();
        for def in &model.types {
            by_key.entry(type_key(&def.name)).or_insert(def);
        }
        let polymorphic = model
            .types
            .iter()
            .filter_map(|def| {
                let base = type_key(def.base_type.as_deref()?);
                (base != type_key(&def.name) && by_key.contains_key(&base)).then_some(base)
            })
            .collect();
        Types {
            by_key,
            polymorphic,
        }
    }

    /// The JSON names of a type's properties, its own and inherited ones.
    fn all_property_names(&self, def: &TypeDef) -> BTreeSet<String> {
        let mut names = BTreeSet::new();
        let mut seen = BTreeSet::new();
        let mut current = Some(def);
        while let Some(def) = current {
            if !seen.insert(type_key(&def.name)) {
                break;
            }
            names.extend(def.properties.iter().map(|p| p.name.clone()));
            current = def
                .base_type
                .as_deref()
                .and_then(|base| self.by_key.get(&type_key(base)).copied());
        }
        names
    }
}

fn kind_text(kind: TypeKind) -> &'static str {
    match kind {
        TypeKind::Object => "object",
        TypeKind::Enum => "enum",
    }
}

fn type_location(def: &TypeDef) -> Location {
    def.sources.first().cloned().unwrap_or_default()
}

fn diff_types(old: &ApiModel, new: &ApiModel, changes: &mut Vec<Change>) {
    let old_types = Types::of(old);
    let new_types = Types::of(new);
    for (key, def) in &old_types.by_key {
        if !new_types.by_key.contains_key(key) {
            changes.push(Change {
                kind: ChangeKind::TypeRemoved,
                breaking: true,
                item: def.name.clone(),
                detail: format!("type `{}` removed ({})", def.name, kind_text(def.kind)),
                old: Some(def.qualified_name()),
                new: None,
                location: old_at(&type_location(def)),
                areas: Vec::new(),
            });
        }
    }
    for (key, def) in &new_types.by_key {
        let Some(before) = old_types.by_key.get(key) else {
            changes.push(Change {
                kind: ChangeKind::TypeAdded,
                breaking: false,
                item: def.name.clone(),
                detail: format!("type `{}` added ({})", def.name, kind_text(def.kind)),
                old: None,
                new: Some(def.qualified_name()),
                location: new_at(&type_location(def)),
                areas: Vec::new(),
            });
            continue;
        };
        compare_types(before, def, &old_types, &new_types, changes);
    }
}

fn compare_types(
    old: &TypeDef,
    new: &TypeDef,
    old_types: &Types<'_>,
    new_types: &Types<'_>,
    changes: &mut Vec<Change>,
) {
    let item = new.name.clone();
    let location = new_at(&type_location(new));
    let change = |kind, detail: String, before: Option<String>, after: Option<String>| Change {
        kind,
        breaking: true,
        item: item.clone(),
        detail,
        old: before,
        new: after,
        location: location.clone(),
        areas: Vec::new(),
    };
    let (old_rust, new_rust) = (names::type_name(&old.name), names::type_name(&new.name));
    if old_rust != new_rust {
        changes.push(change(
            ChangeKind::TypeRenamed,
            format!(
                "type `{}` renamed to `{}` (Rust `{old_rust}` → `{new_rust}`)",
                old.name, new.name
            ),
            Some(old.name.clone()),
            Some(new.name.clone()),
        ));
    }
    if old.kind != new.kind {
        changes.push(change(
            ChangeKind::TypeKindChanged,
            format!(
                "type `{item}`: {} → {}",
                kind_text(old.kind),
                kind_text(new.kind)
            ),
            Some(kind_text(old.kind).into()),
            Some(kind_text(new.kind).into()),
        ));
        return;
    }
    let base_key = |def: &TypeDef| def.base_type.as_deref().map(type_key);
    if base_key(old) != base_key(new) {
        let text = |def: &TypeDef| {
            def.base_type
                .as_deref()
                .map(|b| format!("`{}`", b.rsplit('.').next().unwrap_or(b)))
                .unwrap_or_else(|| "none".into())
        };
        changes.push(change(
            ChangeKind::TypeBaseChanged,
            format!("type `{item}`: base type {} → {}", text(old), text(new)),
            old.base_type.clone(),
            new.base_type.clone(),
        ));
    }
    if new.kind == TypeKind::Object {
        let key = type_key(&new.name);
        let (was, is) = (
            old_types.polymorphic.contains(&key),
            new_types.polymorphic.contains(&key),
        );
        if was != is {
            let any = format!("Any{new_rust}");
            let detail = if is {
                format!(
                    "type `{item}` now has derived types: fields and responses of type `{new_rust}` become `{any}`"
                )
            } else {
                format!(
                    "type `{item}` no longer has derived types: `{any}` is gone, its fields and responses become `{new_rust}`"
                )
            };
            let text = |polymorphic: bool| {
                if polymorphic {
                    any.clone()
                } else {
                    new_rust.clone()
                }
            };
            changes.push(change(
                ChangeKind::TypePolymorphismChanged,
                detail,
                Some(text(was)),
                Some(text(is)),
            ));
        }
    }
    match new.kind {
        TypeKind::Object => compare_members(
            &old.properties,
            &new.properties,
            &MemberContext {
                owner: &item,
                noun: "property",
                old_location: &type_location(old),
                new_location: &type_location(new),
                kinds: [
                    ChangeKind::PropertyAdded,
                    ChangeKind::PropertyRemoved,
                    ChangeKind::PropertyRenamed,
                    ChangeKind::PropertyRetyped,
                ],
                item_is_owner: false,
            },
            &old_types.all_property_names(old),
            &new_types.all_property_names(new),
            changes,
        ),
        TypeKind::Enum => compare_enum_members(old, new, changes),
    }
}

/// What [`compare_members`] reports about: properties of a type, or action
/// parameters of an operation's body.
struct MemberContext<'a> {
    owner: &'a str,
    noun: &'a str,
    old_location: &'a Location,
    new_location: &'a Location,
    /// The kinds for added, removed, renamed and retyped.
    kinds: [ChangeKind; 4],
    /// Whether the change's item is the owner (`op`) rather than `owner.member`.
    item_is_owner: bool,
}

/// Two lists of named things matched up: pairs (old, new), and what is only in one.
struct Paired<'a, T> {
    pairs: Vec<(&'a T, &'a T)>,
    removed: Vec<&'a T>,
    added: Vec<&'a T>,
}

/// Pairs two lists by name: exactly first, then case-insensitively where exactly
/// one name on each side is left with the same lowercase form. Later duplicates
/// of a name are ignored.
fn pair_by_name<'a, T>(old: &'a [T], new: &'a [T], name: impl Fn(&T) -> &str) -> Paired<'a, T> {
    fn unique<'a, T>(items: &'a [T], name: &impl Fn(&T) -> &str) -> Vec<&'a T> {
        let mut seen = BTreeSet::new();
        items
            .iter()
            .filter(|item| seen.insert(name(item)))
            .collect()
    }
    let old = unique(old, &name);
    let new = unique(new, &name);
    let old_names: BTreeMap<&str, &T> = old.iter().map(|item| (name(item), *item)).collect();
    let new_names: BTreeSet<&str> = new.iter().map(|item| name(item)).collect();
    let mut pairs: Vec<(&T, &T)> = Vec::new();
    let mut added: Vec<&T> = Vec::new();
    for item in &new {
        match old_names.get(name(item)) {
            Some(before) => pairs.push((before, item)),
            None => added.push(item),
        }
    }
    let removed: Vec<&T> = old
        .into_iter()
        .filter(|item| !new_names.contains(name(item)))
        .collect();
    // Case-insensitive pairing of what is left, where it is unambiguous.
    let by_case = pair_unique(
        removed,
        added,
        |item| name(item).to_lowercase(),
        |_, _| true,
    );
    pairs.extend(by_case.pairs);
    Paired {
        pairs,
        removed: by_case.removed,
        added: by_case.added,
    }
}

/// Pairs each removed item with an added one where their `key` is the only
/// one of its kind on both sides and `accept` takes the pair; the rest stay
/// unpaired, in their order.
fn pair_unique<'a, T, K: Ord>(
    removed: Vec<&'a T>,
    added: Vec<&'a T>,
    key: impl Fn(&T) -> K,
    accept: impl Fn(&T, &T) -> bool,
) -> Paired<'a, T> {
    let group = |items: &[&'a T]| {
        let mut groups: BTreeMap<K, Vec<usize>> = BTreeMap::new();
        for (index, item) in items.iter().enumerate() {
            groups.entry(key(item)).or_default().push(index);
        }
        groups
    };
    let added_groups = group(&added);
    let mut taken_removed = BTreeSet::new();
    let mut taken_added = BTreeSet::new();
    let mut pairs = Vec::new();
    for (key, removed_indices) in group(&removed) {
        if let (&[r], Some(&[a])) = (
            removed_indices.as_slice(),
            added_groups.get(&key).map(Vec::as_slice),
        ) {
            if accept(removed[r], added[a]) {
                pairs.push((removed[r], added[a]));
                taken_removed.insert(r);
                taken_added.insert(a);
            }
        }
    }
    let untaken = |items: Vec<&'a T>, taken: &BTreeSet<usize>| -> Vec<&'a T> {
        items
            .into_iter()
            .enumerate()
            .filter(|(index, _)| !taken.contains(index))
            .map(|(_, item)| item)
            .collect()
    };
    Paired {
        pairs,
        removed: untaken(removed, &taken_removed),
        added: untaken(added, &taken_added),
    }
}

/// Pairs a removed and an added property as a rename where nothing else could
/// be meant: they are the only ones left with their type (same primitive or
/// type, same collection flag), and either the description is the same or the
/// names are close (an edit distance of at most a third of the longer name).
/// Anything less certain stays a removal and an addition.
fn pair_renamed<'a>(removed: Vec<&'a Property>, added: Vec<&'a Property>) -> Paired<'a, Property> {
    pair_unique(
        removed,
        added,
        |p| ty_key(&p.ty),
        |before, after| {
            let same_description = !before.description.trim().is_empty()
                && before.description.trim() == after.description.trim();
            let longer = before.name.chars().count().max(after.name.chars().count());
            let close = edit_distance(&before.name.to_lowercase(), &after.name.to_lowercase()) * 3
                <= longer;
            same_description || close
        },
    )
}

/// Levenshtein distance in characters; names are short (table cells), and it is
/// only computed for the one candidate pair per type.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb {
                previous
            } else {
                1 + previous.min(row[j]).min(current)
            };
            previous = current;
        }
    }
    row[b.len()]
}

/// Compares properties (or action parameters). `old_all` and `new_all` are the
/// names a struct has including inherited ones: a property that only moved to or
/// from a base type is still a field, so it is not reported.
fn compare_members(
    old: &[Property],
    new: &[Property],
    cx: &MemberContext<'_>,
    old_all: &BTreeSet<String>,
    new_all: &BTreeSet<String>,
    changes: &mut Vec<Change>,
) {
    let is_annotation = |p: &&Property| p.name.starts_with('@');
    let Paired {
        pairs,
        removed,
        added,
    } = pair_by_name(old, new, |p| p.name.as_str());
    let [added_kind, removed_kind, renamed_kind, retyped_kind] = cx.kinds;
    let item = |name: &str| {
        if cx.item_is_owner {
            cx.owner.to_string()
        } else {
            format!("{}.{name}", cx.owner)
        }
    };
    let located = |property: &Property, fallback: &Location| {
        if property.source.file.is_empty() {
            fallback.clone()
        } else {
            property.source.clone()
        }
    };
    let what = |name: &str| {
        if cx.item_is_owner {
            format!("operation `{}`: {} `{name}`", cx.owner, cx.noun)
        } else {
            format!("{} `{}.{name}`", cx.noun, cx.owner)
        }
    };
    let removed: Vec<&Property> = removed
        .into_iter()
        .filter(|p| !is_annotation(p) && !new_all.contains(&p.name))
        .collect();
    let added: Vec<&Property> = added
        .into_iter()
        .filter(|p| !is_annotation(p) && !old_all.contains(&p.name))
        .collect();
    let Paired {
        pairs: renames,
        removed,
        added,
    } = pair_renamed(removed, added);
    let mut pairs = pairs;
    pairs.extend(renames);
    for property in removed {
        changes.push(Change {
            kind: removed_kind,
            breaking: true,
            item: item(&property.name),
            detail: format!(
                "{} removed (`{}`)",
                what(&property.name),
                ty_text(&property.ty)
            ),
            old: Some(ty_text(&property.ty)),
            new: None,
            location: old_at(&located(property, cx.old_location)),
            areas: Vec::new(),
        });
    }
    for property in added {
        changes.push(Change {
            kind: added_kind,
            breaking: false,
            item: item(&property.name),
            detail: format!(
                "{} added (`{}`)",
                what(&property.name),
                ty_text(&property.ty)
            ),
            old: None,
            new: Some(ty_text(&property.ty)),
            location: new_at(&located(property, cx.new_location)),
            areas: Vec::new(),
        });
    }
    for (before, after) in pairs {
        if is_annotation(&after) {
            continue;
        }
        let location = new_at(&located(after, cx.new_location));
        if before.name != after.name {
            changes.push(Change {
                kind: renamed_kind,
                breaking: true,
                item: item(&after.name),
                detail: format!("{} renamed to `{}`", what(&before.name), after.name),
                old: Some(before.name.clone()),
                new: Some(after.name.clone()),
                location: location.clone(),
                areas: Vec::new(),
            });
        }
        if ty_key(&before.ty) != ty_key(&after.ty) {
            let (old_ty, new_ty) = (ty_text(&before.ty), ty_text(&after.ty));
            changes.push(Change {
                kind: retyped_kind,
                breaking: true,
                item: item(&after.name),
                detail: format!("{}: `{old_ty}` → `{new_ty}`", what(&after.name)),
                old: Some(old_ty),
                new: Some(new_ty),
                location,
                areas: Vec::new(),
            });
        }
    }
}

fn compare_enum_members(old: &TypeDef, new: &TypeDef, changes: &mut Vec<Change>) {
    let Paired {
        pairs,
        removed,
        added,
    } = pair_by_name(&old.members, &new.members, |m| m.name.as_str());
    let owner = &new.name;
    for member in removed {
        changes.push(Change {
            kind: ChangeKind::EnumMemberRemoved,
            breaking: true,
            item: format!("{owner}.{}", member.name),
            detail: format!("enum member `{owner}.{}` removed", member.name),
            old: Some(member.name.clone()),
            new: None,
            location: old_at(&type_location(old)),
            areas: Vec::new(),
        });
    }
    for member in added {
        changes.push(Change {
            kind: ChangeKind::EnumMemberAdded,
            breaking: false,
            item: format!("{owner}.{}", member.name),
            detail: format!("enum member `{owner}.{}` added", member.name),
            old: None,
            new: Some(member.name.clone()),
            location: new_at(&type_location(new)),
            areas: Vec::new(),
        });
    }
    for (before, after) in pairs {
        if before.name != after.name {
            changes.push(Change {
                kind: ChangeKind::EnumMemberRenamed,
                breaking: true,
                item: format!("{owner}.{}", after.name),
                detail: format!(
                    "enum member `{owner}.{}` renamed to `{}`",
                    before.name, after.name
                ),
                old: Some(before.name.clone()),
                new: Some(after.name.clone()),
                location: new_at(&type_location(new)),
                areas: Vec::new(),
            });
        }
    }
}

// ---------------------------------------------------------------------------
// Output

/// The two trees as the user named them, to print locations with: a change in
/// the new tree at `api/x.md:12` prints as `<new>/api/x.md:12`.
#[derive(Debug, Clone, Copy)]
pub struct Trees<'a> {
    /// The old tree's name as given.
    pub old: &'a str,
    /// The new tree's name as given.
    pub new: &'a str,
}

impl Trees<'_> {
    /// The location as printed: the tree's name joined with the file, then the line.
    pub fn locate(&self, location: &ChangeLocation) -> String {
        let root = match location.tree {
            Side::Old => self.old,
            Side::New => self.new,
        };
        let root = root.trim_end_matches(['/', '\\']);
        let at = &location.at;
        if root.is_empty() {
            format!("{}:{}", at.file, at.line)
        } else {
            format!("{root}/{}:{}", at.file, at.line)
        }
    }
}

fn summary_line(changes: &[Change]) -> String {
    let (breaking, additive) = counts(changes);
    if changes.is_empty() {
        "docgen diff: no API changes".into()
    } else {
        format!(
            "docgen diff: {} changes ({breaking} breaking, {additive} additive)",
            changes.len()
        )
    }
}

/// One line per change, grouped by category under a `== title ==` line:
/// `breaking: <detail>  [<file>:<line>]`, after a summary line.
pub fn render_human(changes: &[Change], trees: Trees<'_>) -> String {
    let mut out = summary_line(changes);
    out.push('\n');
    for category in Category::ALL {
        let mut group = changes
            .iter()
            .filter(|c| c.kind.category() == category)
            .peekable();
        if group.peek().is_none() {
            continue;
        }
        let _ = writeln!(out, "\n== {} ==", category.title().to_ascii_lowercase());
        for change in group {
            let _ = writeln!(
                out,
                "{}: {}  [{}]{}",
                change.label(),
                change.detail,
                trees.locate(&change.location),
                areas_suffix(change)
            );
        }
    }
    out
}

/// A JSON array of changes, pretty-printed, with a trailing newline.
pub fn render_json(changes: &[Change]) -> String {
    let mut json = serde_json::to_string_pretty(changes).unwrap_or_else(|_| "[]".into());
    json.push('\n');
    json
}

/// GitHub rejects a pull-request comment over 65,536 characters; the report
/// stops short of that with room for its closing lines.
pub const MARKDOWN_LIMIT: usize = 60_000;

/// The longest detail a Markdown line carries: one change with a huge path or
/// name must not use up the comment.
const MARKDOWN_DETAIL_LIMIT: usize = 400;

fn clipped(text: &str, limit: usize) -> String {
    if text.len() <= limit {
        return text.to_string();
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    // A cut inside a code span would leave a backtick open for the rest of
    // the comment; close it.
    let head = &text[..end];
    let tick = if head.matches('`').count() % 2 == 1 {
        "`"
    } else {
        ""
    };
    format!("{head}{tick}…")
}

fn areas_suffix(change: &Change) -> String {
    if change.areas.is_empty() {
        return String::new();
    }
    let list: Vec<String> = change.areas.iter().map(|a| format!("`{a}`")).collect();
    format!(" (feature {})", list.join(", "))
}

/// A Markdown report for a pull-request comment or a changelog: a summary
/// table, then the breaking changes by category, then the additive ones folded
/// in a `<details>` block. It never exceeds [`MARKDOWN_LIMIT`] bytes: past that
/// it says how many changes are left out and points to the JSON form, which
/// lists every change (upload it as a workflow artifact).
pub fn render_markdown(changes: &[Change], trees: Trees<'_>) -> String {
    let (breaking, additive) = counts(changes);
    let mut out = String::from("## API changes\n\n");
    let between = format!(
        "`{}` → `{}`",
        clipped(trees.old, MARKDOWN_DETAIL_LIMIT),
        clipped(trees.new, MARKDOWN_DETAIL_LIMIT)
    );
    if changes.is_empty() {
        let _ = writeln!(out, "No API changes ({between}).");
        return out;
    }
    let plural = |n: usize| if n == 1 { "change" } else { "changes" };
    let _ = if breaking == 0 {
        writeln!(
            out,
            "{between}: no breaking changes, {additive} additive {}.",
            plural(additive)
        )
    } else {
        writeln!(
            out,
            "{between}: **{breaking} breaking {}**, {additive} additive.",
            plural(breaking)
        )
    };
    out.push_str("\n| | breaking | additive |\n|---|---:|---:|\n");
    for category in Category::ALL {
        let count = |is_breaking: bool| {
            changes
                .iter()
                .filter(|c| c.breaking == is_breaking && c.kind.category() == category)
                .count()
        };
        let (b, a) = (count(true), count(false));
        if b + a > 0 {
            let _ = writeln!(out, "| {} | {b} | {a} |", category.title());
        }
    }
    let _ = writeln!(out, "| **total** | **{breaking}** | **{additive}** |");

    // Room kept for the closing lines: `</details>` and the "N more" note.
    const TAIL: usize = 400;
    let mut shown = 0;
    let mut full = false;
    let mut in_details = false;
    'sections: for (is_breaking, title) in [(true, "Breaking"), (false, "Additive")] {
        let in_section = |c: &&Change| c.breaking == is_breaking;
        let section_count = changes.iter().filter(in_section).count();
        if section_count == 0 {
            continue;
        }
        if !is_breaking {
            let opening = format!(
                "\n<details><summary>{section_count} additive {}</summary>\n",
                plural(section_count)
            );
            if out.len() + opening.len() + TAIL > MARKDOWN_LIMIT {
                full = true;
                break;
            }
            out.push_str(&opening);
            in_details = true;
        }
        for category in Category::ALL {
            let mut group = changes
                .iter()
                .filter(|c| in_section(c) && c.kind.category() == category)
                .peekable();
            if group.peek().is_none() {
                continue;
            }
            let heading = format!(
                "\n### {title}: {}\n\n",
                category.title().to_ascii_lowercase()
            );
            let mut heading = Some(heading);
            for change in group {
                let line = format!(
                    "- {} — `{}`{}\n",
                    clipped(&change.detail, MARKDOWN_DETAIL_LIMIT),
                    clipped(&trees.locate(&change.location), MARKDOWN_DETAIL_LIMIT),
                    areas_suffix(change)
                );
                let heading_len = heading.as_ref().map_or(0, String::len);
                if out.len() + heading_len + line.len() + TAIL > MARKDOWN_LIMIT {
                    full = true;
                    break 'sections;
                }
                if let Some(heading) = heading.take() {
                    out.push_str(&heading);
                }
                out.push_str(&line);
                shown += 1;
            }
        }
    }
    if in_details {
        out.push_str("\n</details>\n");
    }
    if full {
        let left = changes.len() - shown;
        let left_breaking = breaking.saturating_sub(shown.min(breaking));
        let _ = writeln!(
            out,
            "\n**… and {left} more {} ({left_breaking} breaking)** not shown: this comment \
             is capped below GitHub's 65,536 characters. Every change is in \
             `docgen diff OLD NEW --format json`.",
            plural(left)
        );
    }
    out
}
