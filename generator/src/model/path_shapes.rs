//! Each path line of a page answers with what it addresses.
//!
//! A page gives one response for its HTTP request section, but some of its
//! path lines go further than the one that response is about:
//! `user-get-mailboxsettings.md` lists `GET /me/mailboxSettings` and
//! `GET /me/mailboxSettings/language`; `insights-list-trending.md` lists
//! `GET /me/insights/trending` and `GET /me/insights/trending/{id}/resource`;
//! a list page lists `GET /x` and `GET /x/{id}`. A path line that extends
//! another path line of the page (same method, no query string) addresses a
//! part of what that line returns: a key picks one item of a collection, a
//! name picks a property of the type (its own or a base type's, as the
//! resource pages document it). When every step of the extension is such a
//! step, the longer line answers with the type reached; otherwise it keeps
//! the page's response.

use super::{type_key, Operation, ResponseShape, TypeDef, TypeRef};
use crate::parse::path_template::{PathPart, PathTemplate};
use std::collections::BTreeMap;

/// One `/`-separated segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// Only a parameter: `{id}`.
    Key,
    /// Only literal text: `mailboxSettings`, `$value`, `delta()`.
    Name(String),
    /// Literal text and parameters together: `range(address='{a}')`, `root:{path}:`.
    Mixed(String),
}

fn segments(path: &PathTemplate) -> Vec<Segment> {
    let mut out = Vec::new();
    // The pieces of the current segment: literal text, and whether it holds a parameter.
    let mut text = String::new();
    let mut params = 0usize;
    let flush = |text: &mut String, params: &mut usize, out: &mut Vec<Segment>| {
        let segment = match (text.is_empty(), *params) {
            (true, 0) => None,
            (true, 1) => Some(Segment::Key),
            (false, 0) => Some(Segment::Name(text.to_ascii_lowercase())),
            _ => Some(Segment::Mixed(text.to_ascii_lowercase())),
        };
        out.extend(segment);
        text.clear();
        *params = 0;
    };
    for part in &path.parts {
        match part {
            PathPart::Param { raw, .. } => {
                params += 1;
                // Two parameters in one segment differ from one: keep them apart.
                if params > 1 {
                    text.push_str(raw);
                }
            }
            PathPart::Literal { text: literal } => {
                let mut pieces = literal.split('/');
                if let Some(first) = pieces.next() {
                    text.push_str(first);
                }
                for piece in pieces {
                    flush(&mut text, &mut params, &mut out);
                    text.push_str(piece);
                }
            }
        }
    }
    flush(&mut text, &mut params, &mut out);
    out
}

/// The property `name` of the type `key` or of one of its base types.
pub(super) fn property_type<'t>(
    types: &'t BTreeMap<String, TypeDef>,
    key: &str,
    name: &str,
) -> Option<&'t TypeRef> {
    let mut current = types.get(key);
    let mut seen = 0usize;
    while let Some(def) = current {
        if let Some(property) = def
            .properties
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
        {
            return Some(&property.ty);
        }
        seen += 1;
        if seen > types.len() {
            return None;
        }
        current = def
            .base_type
            .as_deref()
            .and_then(|b| types.get(&type_key(b)));
    }
    None
}

/// The response reached from `shape` by the segments `rest`, when every step is
/// a key of a collection or a property of a documented type.
fn walk(
    shape: &ResponseShape,
    rest: &[Segment],
    types: &BTreeMap<String, TypeDef>,
) -> Option<ResponseShape> {
    let mut current = shape.clone();
    for segment in rest {
        current = match (segment, &current) {
            (Segment::Key, ResponseShape::Collection { ty }) => {
                ResponseShape::Single { ty: ty.element() }
            }
            (Segment::Name(name), ResponseShape::Single { ty }) if ty.primitive.is_none() => {
                let property = property_type(types, &type_key(&ty.name), name)?;
                match property.primitive {
                    Some(super::Primitive::Stream) if !property.collection => ResponseShape::Stream,
                    _ if property.collection => ResponseShape::Collection {
                        ty: property.element(),
                    },
                    _ => ResponseShape::Single {
                        ty: property.clone(),
                    },
                }
            }
            _ => return None,
        };
    }
    Some(current)
}

/// Gives each path line of one page's operations (`ops`, in path-line order)
/// the response of what it addresses, where it extends another line of the page.
pub(crate) fn shape_extended_paths(ops: &mut [Operation], types: &BTreeMap<String, TypeDef>) {
    let all: Vec<Vec<Segment>> = ops.iter().map(|op| segments(&op.path)).collect();
    let page_shapes: Vec<ResponseShape> = ops.iter().map(|op| op.response.clone()).collect();
    // Shorter lines first, so that a line's anchor has its own response already.
    let mut order: Vec<usize> = (0..ops.len()).collect();
    order.sort_by_key(|&i| (all[i].len(), i));
    for &index in &order {
        let Some(op) = ops.get(index) else { continue };
        let mine = &all[index];
        // The longest other line this one extends.
        let anchor = (0..ops.len())
            .filter(|&other| {
                other != index
                    && ops[other].method == op.method
                    && ops[other].path.query.is_none()
                    && all[other].len() < mine.len()
                    && mine.starts_with(&all[other])
                    && page_shapes[other] == op.response
            })
            .max_by_key(|&other| (all[other].len(), std::cmp::Reverse(other)));
        let Some(anchor) = anchor else { continue };
        let rest = &mine[all[anchor].len()..];
        if let Some(shape) = walk(&ops[anchor].response.clone(), rest, types) {
            if let Some(op) = ops.get_mut(index) {
                op.response = shape;
            }
        }
    }
    // `GET /communications/presences/{id}` and `GET /communications/presences`
    // on a page about one presence: a path that a key extends is a collection
    // (OData keys only collections), so it answers with many of the one.
    for index in 0..ops.len() {
        let ResponseShape::Single { ty } = &ops[index].response else {
            continue;
        };
        let keyed = (0..ops.len()).any(|other| {
            other != index
                && ops[other].method == ops[index].method
                && ops[other].path.query.is_none()
                && page_shapes[other] == page_shapes[index]
                && ops[other].response == page_shapes[index]
                && all[other].len() == all[index].len() + 1
                && all[other].starts_with(&all[index])
                && all[other].last() == Some(&Segment::Key)
        });
        if keyed && ops[index].response == page_shapes[index] {
            let ty = ty.element();
            if let Some(op) = ops.get_mut(index) {
                op.response = ResponseShape::Collection { ty };
            }
        }
    }
}

/// What a path addresses, by the types the resource pages document: from the
/// last name segment that every documented type having a property of that
/// name types alike (`taskFolders`: a collection of `outlookTaskFolder` on
/// both `outlookUser` and `outlookTaskGroup`; `tasks` alone is typed
/// differently by several types), each later segment a key of a collection
/// or a property of the type reached. `None` when no segment gives one answer.
pub(crate) fn addressed_by_documented_types(
    path: &PathTemplate,
    types: &BTreeMap<String, TypeDef>,
) -> Option<ResponseShape> {
    let all = segments(path);
    (0..all.len()).rev().find_map(|start| {
        let Segment::Name(name) = &all[start] else {
            return None;
        };
        let mut typed = types.values().filter_map(|def| {
            def.properties
                .iter()
                .find(|p| p.name.eq_ignore_ascii_case(name))
                .map(|p| &p.ty)
        });
        let first = typed.next()?;
        if typed.any(|ty| {
            ty.collection != first.collection || type_key(&ty.name) != type_key(&first.name)
        }) {
            return None;
        }
        let shape = if first.collection {
            ResponseShape::Collection {
                ty: first.element(),
            }
        } else {
            ResponseShape::Single { ty: first.clone() }
        };
        walk(&shape, &all[start + 1..], types)
    })
}

/// What a path line addresses, whatever route leads there: its last segment
/// (function arguments left out), after the segment a key picks from:
/// `/me/chats/{chat-id}` and `/chats/{id}` → `chats/{}`;
/// `/reports/getX(date={d})` and `/reports/getX(period='{p}')` → `getx()`.
pub(crate) fn route_key(path: &PathTemplate) -> Option<String> {
    let all = segments(path);
    let name = |segment: &Segment| match segment {
        Segment::Key => "{}".to_string(),
        Segment::Name(text) | Segment::Mixed(text) => match text.find('(') {
            Some(open) => format!("{}()", &text[..open]),
            None => text.clone(),
        },
    };
    let last = all.last()?;
    Some(match last {
        Segment::Key => format!("{}/{{}}", name(all.get(all.len().checked_sub(2)?)?)),
        _ => name(last),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_of_paths() {
        let of = |p: &str| segments(&PathTemplate::parse(p));
        assert_eq!(
            of("/users/{id | userPrincipalName}/mailboxSettings"),
            [
                Segment::Name("users".into()),
                Segment::Key,
                Segment::Name("mailboxsettings".into())
            ]
        );
        assert_eq!(
            of("/me/drive/root:/{item-path}:/content"),
            [
                Segment::Name("me".into()),
                Segment::Name("drive".into()),
                Segment::Name("root:".into()),
                Segment::Mixed(":".into()),
                Segment::Name("content".into())
            ]
        );
        assert_eq!(
            of("/reports/getThing(period='{p}')"),
            [
                Segment::Name("reports".into()),
                Segment::Mixed("getthing(period='')".into())
            ]
        );
    }

    #[test]
    fn routes_to_one_thing() {
        let key = |p: &str| route_key(&PathTemplate::parse(p));
        assert_eq!(key("/me/chats/{chat-id}"), Some("chats/{}".into()));
        assert_eq!(key("/chats/{id}"), Some("chats/{}".into()));
        assert_eq!(
            key("/reports/getX(date={d})"),
            key("/reports/getX(period='{p}')")
        );
        assert_eq!(key("/me/photo"), Some("photo".into()));
        assert_eq!(key("/{id}"), None);
    }
}
