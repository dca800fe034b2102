//! Stable, unique operation names derived from method and path.
//!
//! A name is the verb plus the last path segments, as few as keep it unique:
//! `create_group_assignments_ref` grows to
//! `create_device_management_scripts_group_assignments_ref` only when another
//! operation would share the short form. Titles are never used: pages share them.

use super::{Operation, RequestBody, ResponseShape};
use crate::diagnostics::{codes, Diagnostic};
use heck::ToSnakeCase;
use std::collections::BTreeMap;

/// Path segments that modify the resource before them rather than name one.
const MODIFIERS: &[(&str, &str)] = &[("$ref", "ref"), ("$value", "content"), ("$count", "count")];

fn verb(op: &Operation) -> &'static str {
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

/// (segments, modifiers) of an operation's path, snake_cased.
fn pieces(op: &Operation) -> (Vec<String>, Vec<String>) {
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

fn candidate(verb: &str, segments: &[String], modifiers: &[String], take: usize) -> String {
    let start = segments.len().saturating_sub(take);
    let mut words: Vec<&str> = Vec::new();
    if !verb.is_empty() {
        words.push(verb);
    }
    words.extend(segments[start..].iter().map(String::as_str));
    words.extend(modifiers.iter().map(String::as_str));
    if words.is_empty() {
        "call_root".to_string()
    } else {
        words.join("_")
    }
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
                candidate(verb, segments, modifiers, *take)
            })
            .collect();
        let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (index, name) in names.iter().enumerate() {
            groups.entry(name).or_default().push(index);
        }
        let mut grew = false;
        for members in groups.values().filter(|m| m.len() > 1) {
            for &index in members {
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
    // What still collides documents the same method and path twice (or paths that
    // differ only in parameters): number them in source order.
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
                codes::DUPLICATE_OPERATION,
                op.source.clone(),
                format!(
                    "`{} {}` gets the same name as another operation; named `{}`",
                    op.method, op.path.raw, op.name
                ),
            ));
        }
    }
}
