//! Stable, unique operation names derived from method and path.
//!
//! A name is the verb plus the last path segments, as few as keep it unique:
//! `create_group_assignments_ref` grows to
//! `create_device_management_scripts_group_assignments_ref` only when another
//! operation would share the short form. Titles are never used: pages share them.

use super::{Operation, RequestBody, ResponseShape};
use crate::diagnostics::{Code, Diagnostic};
use heck::ToSnakeCase;
use std::collections::BTreeMap;

/// The resource a path addresses, lowercased: its last named segment, without a
/// `$ref`/`$value`/`$count` modifier, a namespace or function arguments
/// (`/me/drive/root/children` → `children`; `/groups/{id}/members/$ref` → `members`).
/// `/me` is the signed-in user.
pub fn addressed_resource(path: &crate::parse::path_template::PathTemplate) -> String {
    let resource = path
        .literal_segments()
        .iter()
        .rev()
        .find(|s| !s.starts_with('$'))
        .map(|s| s.rsplit('.').next().unwrap_or(s).to_ascii_lowercase())
        .unwrap_or_default();
    if resource == "me" {
        "user".to_string()
    } else {
        resource
    }
}

/// `users` → `user`, `policies` → `policy`: the English plural of path segments.
pub fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if word.ends_with("ss") {
        word.to_string()
    } else {
        word.strip_suffix('s').unwrap_or(word).to_string()
    }
}

/// Path segments that modify the resource before them rather than name one.
const MODIFIERS: &[(&str, &str)] = &[("$ref", "ref"), ("$value", "content"), ("$count", "count")];

/// What an operation does to the resource its path addresses: `list`, `get`,
/// `create`, `update`, `replace`, `delete`, or `""` for actions and functions,
/// which are named by their own segment.
pub fn verb(op: &Operation) -> &'static str {
    match op.method.as_str() {
        "GET" => match op.response {
            ResponseShape::Collection { .. } => "list",
            _ => "get",
        },
        "POST" => match op.body {
            RequestBody::Type { .. } | RequestBody::Stream => "create",
            // Actions and functions are named by their own segment.
            RequestBody::Parameters { .. } | RequestBody::None => "",
        },
        "PATCH" => "update",
        "PUT" => "replace",
        "DELETE" => "delete",
        "HEAD" => "head",
        _ => "call",
    }
}

/// (segments, modifiers) of an operation's path, snake_cased: named
/// segments without namespaces, and the `$ref`/`$value`/`$count` after them.
pub fn pieces(op: &Operation) -> (Vec<String>, Vec<String>) {
    let mut segments = Vec::new();
    let mut modifiers = Vec::new();
    for segment in op.path.literal_segments() {
        if let Some((_, name)) = MODIFIERS
            .iter()
            .find(|(m, _)| segment.eq_ignore_ascii_case(m))
        {
            modifiers.push(name.to_string());
            continue;
        }
        // `microsoft.graph.delta` → `delta`.
        let segment = segment.rsplit('.').next().unwrap_or(&segment);
        let snake = segment.trim_start_matches('$').to_snake_case();
        if !snake.is_empty() {
            segments.push(snake);
        }
    }
    (segments, modifiers)
}

/// The snake_case names of a path's parameters and function arguments
/// (`/charts/{name}/image(width=640)` → `name`, `width`), in order.
fn parameter_words(op: &Operation) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut push = |word: String| {
        if !word.is_empty() && !words.contains(&word) {
            words.push(word);
        }
    };
    let mut argument_value = false;
    for part in &op.path.parts {
        match part {
            // `(period='{period_value}')` is named by `period`, already taken.
            crate::parse::path_template::PathPart::Param { .. } if argument_value => {}
            crate::parse::path_template::PathPart::Param { name, .. } => push(name.to_snake_case()),
            crate::parse::path_template::PathPart::Literal { text } => {
                argument_value = text.trim_end_matches('\'').ends_with('=');
                // `(width=640,height=480)`: the names before `=` inside parentheses.
                for call in text.split('(').skip(1) {
                    let arguments = call.split(')').next().unwrap_or("");
                    for argument in arguments.split(',') {
                        if let Some((name, _)) = argument.split_once('=') {
                            push(name.trim().to_snake_case());
                        }
                    }
                }
            }
        }
    }
    words
}

/// `said_once`: a word repeated by the next segment is said once (see below).
fn candidate(
    verb: &str,
    segments: &[String],
    modifiers: &[String],
    take: usize,
    said_once: bool,
) -> String {
    let start = segments.len().saturating_sub(take);
    let mut words: Vec<&str> = Vec::new();
    // No verb where the segment says it already (`createUploadSession`,
    // `getSchedule`): `create_create_upload_session` reads badly.
    let says_verb = segments
        .get(start)
        .is_some_and(|s| s.split('_').next() == Some(verb));
    if !verb.is_empty() && !says_verb {
        words.push(verb);
    }
    words.extend(segments[start..].iter().map(String::as_str));
    words.extend(modifiers.iter().map(String::as_str));
    if words.is_empty() {
        return "call_root".to_string();
    }
    // A segment that repeats the one before it (`calendar/calendarPermissions`,
    // `identity/identityProviders`) says its word once.
    let mut said: Vec<&str> = words.iter().flat_map(|w| w.split('_')).collect();
    if said_once {
        said.dedup();
    }
    said.join("_")
}

/// The indices of names shared by more than one operation, a group per name
/// (in name order, indices ascending).
fn collisions(names: &[String]) -> Vec<Vec<usize>> {
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, name) in names.iter().enumerate() {
        groups.entry(name).or_default().push(index);
    }
    groups.into_values().filter(|m| m.len() > 1).collect()
}

/// Gives every operation its name. Operations must be in a stable order (by file, line).
pub fn assign_names(operations: &mut [Operation], diagnostics: &mut Vec<Diagnostic>) {
    let pieces: Vec<_> = operations.iter().map(|op| (verb(op), pieces(op))).collect();
    let mut take = vec![1usize; operations.len()];
    let mut names: Vec<String>;
    loop {
        names = pieces
            .iter()
            .zip(&take)
            .map(|((verb, (segments, modifiers)), take)| {
                candidate(verb, segments, modifiers, *take, true)
            })
            .collect();
        let mut grew = false;
        for members in collisions(&names) {
            for index in members {
                if take[index] < pieces[index].1 .0.len() {
                    take[index] += 1;
                    grew = true;
                }
            }
        }
        if !grew {
            break;
        }
    }
    // What still collides are paths that differ only in parameters (`/organization`
    // and `/organization/{id}`; `getX(date=…)` and `getX(period=…)`): each takes
    // the parameters the others lack (`get_organization_by_organization_id`).
    for members in collisions(&names) {
        let params: Vec<Vec<String>> = members
            .iter()
            .map(|&i| parameter_words(&operations[i]))
            .collect();
        for (position, &index) in members.iter().enumerate() {
            let own: Vec<&str> = params[position]
                .iter()
                .filter(|p| !params.iter().all(|other| other.contains(p)))
                .map(String::as_str)
                .collect();
            if !own.is_empty() {
                names[index] = format!("{}_by_{}", names[index], own.join("_and_"));
            }
        }
    }
    // Saying a repeated word once can make two paths meet (`/identityProviders`
    // and `/identity/identityProviders`): those keep every word.
    for members in collisions(&names) {
        for index in members {
            let (verb, (segments, modifiers)) = &pieces[index];
            let full = candidate(verb, segments, modifiers, take[index], false);
            if !names.contains(&full) {
                names[index] = full;
            }
        }
    }
    // What still collides documents the same method and path twice: number them
    // in source order.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (index, op) in operations.iter_mut().enumerate() {
        let name = names[index].clone();
        let count = seen.entry(name.clone()).or_insert(0);
        *count += 1;
        if *count == 1 {
            op.name = name;
        } else {
            op.name = format!("{name}_{count}");
            diagnostics.push(Diagnostic::warning(
                Code::DuplicateOperation,
                op.source.clone(),
                format!(
                    "`{} {}` gets the same name as another operation; named `{}`",
                    op.method, op.path.raw, op.name
                ),
            ));
        }
    }
}
