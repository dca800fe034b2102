//! Example conformance: does each documented example fit the documented types?
//!
//! The checks mirror how the generated serde models read JSON (`Nullable` fields
//! accept `null`, enums accept any string, unknown properties are kept, a value
//! of a derived type is read by its `@odata.type`), so an example that passes
//! here is one the generated test must pass. Each contradiction is a diagnostic
//! and makes the example a docs problem; the generated tests then skip it.

use super::infer::all_properties;
use super::type_ref::{Primitive, TypeRef};
use super::TypeOrigin;
use super::{
    type_key, Example, ExampleOutcome, Operation, RequestBody, ResponseShape, TypeDef, TypeKind,
};
use crate::diagnostics::{Code, Diagnostic, Location};
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Deepest JSON nesting followed; deeper values are accepted unchecked.
const MAX_DEPTH: usize = 64;

struct Checker<'a> {
    types: &'a BTreeMap<String, TypeDef>,
    /// Type key → keys of its descendants (for `@odata.type` dispatch).
    descendants: BTreeMap<String, Vec<String>>,
}

/// A value that does not fit: where (a JSON path), why, and which code says so.
/// `example-type-mismatch` keeps the example from being a test; an unknown
/// property or enum member does not (the generated models keep both).
struct Mismatch {
    path: String,
    message: String,
    code: Code,
}

/// Classifies every example of every operation and reports what contradicts the docs.
pub fn classify(
    operations: &mut [Operation],
    types: &BTreeMap<String, TypeDef>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let checker = Checker {
        types,
        descendants: super::descendants(types.values()),
    };
    // Operations are checked in parallel (each reads only the types); their
    // diagnostics are appended in operation order, whatever the thread count.
    let found: Vec<Vec<Diagnostic>> = operations
        .par_iter_mut()
        .map(|op| {
            let mut found = Vec::new();
            let (body, response) = (op.body.clone(), op.response.clone());
            let path_params = op.path_params.len();
            let no_content = op.success_status == 204;
            for example in &mut op.examples {
                example.outcome = dropped_json(&body, &response, no_content, example, &mut found)
                    .unwrap_or_else(|| {
                        checker.outcome(&body, &response, path_params, example, &mut found)
                    });
            }
            found
        })
        .collect();
    diagnostics.extend(found.into_iter().flatten());
}

/// An example whose JSON the operation has no place for. That is docgen's
/// failure to read the page, unless the page says there is no content (`204`):
/// then the example contradicts its page.
fn dropped_json(
    body: &RequestBody,
    response: &ResponseShape,
    no_content: bool,
    example: &Example,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<ExampleOutcome> {
    use super::failure_causes::*;
    let sends_json = example.request.as_ref().is_some_and(|r| r.body.is_some());
    if sends_json && matches!(body, RequestBody::None) {
        return Some(ExampleOutcome::GeneratorFailure {
            cause: REQUEST_BODY_DROPPED,
        });
    }
    let documented = example.response.as_ref()?;
    let success = documented.status.is_none_or(|s| (200..300).contains(&s));
    let json = documented
        .body
        .as_ref()
        .filter(|v| success && (v.is_object() || v.is_array()))?;
    match response {
        ResponseShape::None if no_content => {
            diagnostics.push(Diagnostic::warning(
                Code::ResponseShapeContradicts,
                documented.location.clone(),
                format!(
                    "the Response section documents no content (`204`), but the example responds with {}",
                    kind(json)
                ),
            ));
            Some(ExampleOutcome::DocsProblem {
                code: Code::ResponseShapeContradicts,
                blocks_test: true,
            })
        }
        ResponseShape::None => Some(ExampleOutcome::GeneratorFailure {
            cause: RESPONSE_BODY_DROPPED,
        }),
        // A stream is bytes, whatever they hold; JSON ones are not compared.
        _ => None,
    }
}

impl Checker<'_> {
    fn is_enum(&self, name: &str) -> bool {
        self.types
            .get(&type_key(name))
            .is_some_and(|def| def.kind == TypeKind::Enum)
    }

    fn outcome(
        &self,
        body: &RequestBody,
        response: &ResponseShape,
        path_params: usize,
        example: &Example,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> ExampleOutcome {
        let Some(request) = &example.request else {
            return ExampleOutcome::DocsProblem {
                code: Code::ExampleUnpaired,
                blocks_test: true,
            };
        };
        let mut outcome = ExampleOutcome::Pass;
        let problem = |code: Code, blocks_test: bool, outcome: &mut ExampleOutcome| {
            // The first blocking problem wins; a blocking one replaces a mild one.
            match outcome {
                ExampleOutcome::Pass => {
                    *outcome = ExampleOutcome::DocsProblem { code, blocks_test }
                }
                ExampleOutcome::DocsProblem {
                    blocks_test: false, ..
                } if blocks_test => *outcome = ExampleOutcome::DocsProblem { code, blocks_test },
                _ => {}
            }
        };
        if !request.path_documented {
            // Without a value for every parameter, the request cannot be rebuilt.
            let blocks = request.path_values.len() != path_params;
            problem(Code::ExamplePathMismatch, blocks, &mut outcome);
        }
        if super::examples::parameters_without_value(request.query.as_deref())
            .next()
            .is_some()
        {
            problem(Code::ExampleQueryMalformed, true, &mut outcome);
        }
        if request.body_invalid {
            problem(Code::JsonInvalid, true, &mut outcome);
        }
        if let Some(value) = &request.body {
            let mismatches = match body {
                RequestBody::Type { ty } => self.check(value, ty, 0),
                RequestBody::Parameters { parameters } => match value {
                    Value::Object(object) => parameters
                        .iter()
                        .filter_map(|p| object.get(&p.name).map(|v| (p, v)))
                        .flat_map(|(p, v)| prefixed(&p.name, self.check_property(v, &p.ty, 1)))
                        .collect(),
                    _ => vec![Mismatch {
                        path: String::new(),
                        message: format!("the action parameters are sent as a JSON object, but the example body is {}", kind(value)), code: Code::ExampleTypeMismatch }],
                },
                _ => Vec::new(),
            };
            if let Some((code, blocks)) =
                self.report(&mismatches, "request body", &request.location, diagnostics)
            {
                problem(code, blocks, &mut outcome);
            }
        }
        let Some(documented) = &example.response else {
            return outcome;
        };
        if documented.body_invalid {
            problem(Code::JsonInvalid, true, &mut outcome);
        }
        let success = documented.status.is_none_or(|s| (200..300).contains(&s));
        let Some(value) = documented.body.as_ref().filter(|_| success) else {
            return outcome;
        };
        let contradiction = match response {
            ResponseShape::Single { ty } => self.collection_for_single(value, ty),
            ResponseShape::Collection { ty } => single_for_collection(value, ty),
            ResponseShape::None | ResponseShape::Stream => None,
        };
        if let Some(shape) = contradiction {
            diagnostics.push(Diagnostic::warning(
                Code::ResponseShapeContradicts,
                documented.location.clone(),
                shape,
            ));
            problem(Code::ResponseShapeContradicts, true, &mut outcome);
            return outcome;
        }
        let mismatches = match response {
            ResponseShape::Single { ty } if ty.is_odata_value_with(|name| self.is_enum(name)) => {
                self.check_odata_value(value, ty)
            }
            ResponseShape::Single { ty } => self.check(value, ty, 0),
            ResponseShape::Collection { ty } => self.check_page(value, ty),
            ResponseShape::None | ResponseShape::Stream => Vec::new(),
        };
        if let Some((code, blocks)) = self.report(
            &mismatches,
            "response body",
            &documented.location,
            diagnostics,
        ) {
            problem(code, blocks, &mut outcome);
        }
        outcome
    }

    /// A response documented as one object whose example is a collection page.
    fn collection_for_single(&self, value: &Value, ty: &TypeRef) -> Option<String> {
        let wrapped = value.as_object()?.get("value")?;
        let shape = match wrapped {
            Value::Array(items) if !items.is_empty() => "a collection (`value` array)",
            // Generated Intune pages wrap one object as `{"value": {…}}`.
            Value::Object(_) => "one object wrapped in `value`",
            _ => return None,
        };
        if ty.primitive.is_some() || ty.collection {
            return None;
        }
        let def = self.types.get(&type_key(&ty.name))?;
        let has_value_property = all_properties(self.types, def)
            .iter()
            .any(|p| p.name == "value");
        (!has_value_property).then(|| {
            format!(
                "the Response section documents one `{}`, but the example responds with {shape}",
                ty.name
            )
        })
    }

    /// Reports mismatches, one diagnostic per code; returns the code of the worst
    /// (a type mismatch blocks the test) and whether it blocks.
    fn report(
        &self,
        mismatches: &[Mismatch],
        what: &str,
        location: &Location,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<(Code, bool)> {
        let mut worst: Option<(Code, bool)> = None;
        for code in [
            Code::ExampleTypeMismatch,
            Code::ExamplePropertyUnknown,
            Code::ExampleEnumUnknown,
        ] {
            let of_code: Vec<&Mismatch> = mismatches.iter().filter(|m| m.code == code).collect();
            let Some(first) = of_code.first() else {
                continue;
            };
            let more = match of_code.len() {
                1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            };
            let at = if first.path.is_empty() {
                String::new()
            } else {
                format!(" at `{}`", first.path)
            };
            diagnostics.push(Diagnostic::warning(
                code,
                location.clone(),
                format!("{what}{at}: {}{more}", first.message),
            ));
            let blocks = code == Code::ExampleTypeMismatch;
            if worst.is_none_or(|(_, worst_blocks)| blocks && !worst_blocks) {
                worst = Some((code, blocks));
            }
        }
        worst
    }

    /// A primitive result: `{"value": …}` holding the primitive.
    fn check_odata_value(&self, value: &Value, ty: &TypeRef) -> Vec<Mismatch> {
        match value.as_object().and_then(|o| o.get("value")) {
            Some(inner) => prefixed("value", self.check(inner, ty, 1)),
            None => vec![Mismatch {
                path: String::new(),
                message: format!(
                    "a `{}` result is sent as `{{\"value\": …}}`, but the example is {}",
                    ty.name,
                    kind(value)
                ),
                code: Code::ExampleTypeMismatch,
            }],
        }
    }

    fn check_page(&self, value: &Value, ty: &TypeRef) -> Vec<Mismatch> {
        let Value::Object(object) = value else {
            return vec![Mismatch {
                path: String::new(),
                message: format!(
                    "a collection response is a JSON object with `value`, but the example is {}",
                    kind(value)
                ),
                code: Code::ExampleTypeMismatch,
            }];
        };
        let mut mismatches = Vec::new();
        for (key, expected) in [
            ("@odata.nextLink", "string"),
            ("@odata.context", "string"),
            ("@odata.deltaLink", "string"),
        ] {
            if let Some(v) = object.get(key) {
                if !v.is_string() && !v.is_null() {
                    mismatches.push(Mismatch {
                        path: key.into(),
                        message: format!("expected a {expected}, found {}", kind(v)),
                        code: Code::ExampleTypeMismatch,
                    });
                }
            }
        }
        if let Some(count) = object.get("@odata.count") {
            if !(count.is_i64() || count.is_null()) {
                mismatches.push(Mismatch {
                    path: "@odata.count".into(),
                    message: format!("expected an integer, found {}", kind(count)),
                    code: Code::ExampleTypeMismatch,
                });
            }
        }
        match object.get("value") {
            None => {}
            Some(Value::Array(items)) => {
                let element = ty.element();
                for (index, item) in items.iter().enumerate() {
                    mismatches.extend(prefixed(
                        &format!("value[{index}]"),
                        self.check(item, &element, 1),
                    ));
                }
            }
            Some(other) => mismatches.push(Mismatch {
                path: "value".into(),
                message: format!("expected an array, found {}", kind(other)),
                code: Code::ExampleTypeMismatch,
            }),
        }
        mismatches
    }

    /// A property value: `null` is always accepted (`Nullable`).
    fn check_property(&self, value: &Value, ty: &TypeRef, depth: usize) -> Vec<Mismatch> {
        if value.is_null() {
            return Vec::new();
        }
        self.check(value, ty, depth)
    }

    /// A value that must be exactly `ty` (not nullable at this level).
    fn check(&self, value: &Value, ty: &TypeRef, depth: usize) -> Vec<Mismatch> {
        if depth > MAX_DEPTH {
            return Vec::new();
        }
        if ty.collection {
            let Value::Array(items) = value else {
                return vec![Mismatch {
                    path: String::new(),
                    message: format!(
                        "expected a collection of `{}`, found {}",
                        ty.name,
                        kind(value)
                    ),
                    code: Code::ExampleTypeMismatch,
                }];
            };
            let element = ty.element();
            return items
                .iter()
                .enumerate()
                .flat_map(|(i, item)| {
                    prefixed(&format!("[{i}]"), self.check(item, &element, depth + 1))
                })
                .collect();
        }
        if let Some(primitive) = ty.primitive {
            return match primitive_fits(primitive, value) {
                true => Vec::new(),
                false => vec![Mismatch {
                    path: String::new(),
                    message: format!("expected `{}`, found {}", ty.name, kind(value)),
                    code: Code::ExampleTypeMismatch,
                }],
            };
        }
        let key = type_key(&ty.name);
        let Some(def) = self.types.get(&key) else {
            // Undefined types are any JSON value in the generated crate.
            return Vec::new();
        };
        match def.kind {
            TypeKind::Enum => match value {
                Value::String(text) => unknown_members(def, text),
                other => vec![Mismatch {
                    path: String::new(),
                    message: format!(
                        "expected a `{}` member (a string), found {}",
                        def.name,
                        kind(other)
                    ),
                    code: Code::ExampleTypeMismatch,
                }],
            },
            TypeKind::Object => {
                let Value::Object(object) = value else {
                    return vec![Mismatch {
                        path: String::new(),
                        message: format!("expected a `{}` object, found {}", def.name, kind(value)),
                        code: Code::ExampleTypeMismatch,
                    }];
                };
                if let Some(derived) = self.derived_type(&key, object) {
                    return self.check_object(object, derived, depth);
                }
                let mismatches = self.check_object(object, def, depth);
                match self.unrelated_type(object) {
                    // The generated code reads the value as the declared type, so
                    // that is what its values are judged by; a property the named
                    // type documents is not reported as unknown.
                    Some(named) => {
                        let documented = all_properties(self.types, named);
                        mismatches
                            .into_iter()
                            .filter(|m| {
                                m.code != Code::ExamplePropertyUnknown
                                    || !documented.iter().any(|p| p.name == m.path)
                            })
                            .collect()
                    }
                    None => mismatches,
                }
            }
        }
    }

    /// The descendant of the declared type that a value's `@odata.type` names:
    /// the generated code reads the value as that type.
    fn derived_type(&self, key: &str, object: &Map<String, Value>) -> Option<&TypeDef> {
        let annotation = odata_type(object)?;
        self.descendants
            .get(key)
            .into_iter()
            .flatten()
            .filter_map(|d| self.types.get(d))
            .find(|d| d.qualified_name().eq_ignore_ascii_case(annotation))
    }

    /// A type of the tree that a value's `@odata.type` names although the docs do
    /// not derive it from the declared one (often forgotten).
    fn unrelated_type(&self, object: &Map<String, Value>) -> Option<&TypeDef> {
        let annotation = odata_type(object)?;
        self.types.get(&type_key(annotation)).filter(|d| {
            d.kind == TypeKind::Object && d.qualified_name().eq_ignore_ascii_case(annotation)
        })
    }

    fn check_object(
        &self,
        object: &Map<String, Value>,
        def: &TypeDef,
        depth: usize,
    ) -> Vec<Mismatch> {
        let mut mismatches = Vec::new();
        if let Some(annotation) = object.get("@odata.type") {
            if !annotation.is_string() {
                mismatches.push(Mismatch {
                    path: "@odata.type".into(),
                    message: format!("expected a string, found {}", kind(annotation)),
                    code: Code::ExampleTypeMismatch,
                });
            }
        }
        let properties = all_properties(self.types, def);
        // Open types and types inferred from examples take any property by design.
        if !def.is_open && def.origin != TypeOrigin::InferredFromExamples {
            for key in object.keys().filter(|k| !k.contains('@')) {
                if !properties.iter().any(|p| &p.name == key) {
                    mismatches.push(Mismatch {
                        path: key.clone(),
                        message: format!("`{key}` is not a documented property of `{}`", def.name),
                        code: Code::ExamplePropertyUnknown,
                    });
                }
            }
        }
        for property in properties {
            if property.name.starts_with('@') {
                continue;
            }
            if let Some(value) = object.get(&property.name) {
                mismatches.extend(prefixed(
                    &property.name,
                    self.check_property(value, &property.ty, depth + 1),
                ));
            }
        }
        mismatches
    }
}

/// Members of a (possibly comma-separated, for flag enums) enum value that the
/// docs do not list. The generated enum keeps them as `Unknown`, so this never blocks.
/// A value's `@odata.type`, without the leading `#`.
fn odata_type(object: &Map<String, Value>) -> Option<&str> {
    Some(object.get("@odata.type")?.as_str()?.trim_start_matches('#'))
}

fn unknown_members(def: &TypeDef, text: &str) -> Vec<Mismatch> {
    if def.members.is_empty() {
        return Vec::new();
    }
    text.split(',')
        .map(str::trim)
        // The service reads enum values case-insensitively, so case alone is no mistake.
        .filter(|part| {
            !part.is_empty()
                && !def
                    .members
                    .iter()
                    .any(|m| m.name.eq_ignore_ascii_case(part))
        })
        .map(|part| Mismatch {
            path: String::new(),
            message: format!("`{part}` is not a member of `{}`", def.name),
            code: Code::ExampleEnumUnknown,
        })
        .collect()
}

/// Whether serde reads `value` as the Rust type a primitive maps to.
fn primitive_fits(primitive: Primitive, value: &Value) -> bool {
    let integer_in = |min: i64, max: i64| value.as_i64().is_some_and(|n| n >= min && n <= max);
    match primitive {
        Primitive::String
        | Primitive::DateTimeOffset
        | Primitive::Date
        | Primitive::TimeOfDay
        | Primitive::Duration
        | Primitive::Guid
        | Primitive::Binary => value.is_string(),
        Primitive::Boolean => value.is_boolean(),
        Primitive::Byte => value.as_u64().is_some_and(|n| n <= u64::from(u8::MAX)),
        Primitive::SByte => integer_in(i64::from(i8::MIN), i64::from(i8::MAX)),
        Primitive::Int16 => integer_in(i64::from(i16::MIN), i64::from(i16::MAX)),
        Primitive::Int32 => integer_in(i64::from(i32::MIN), i64::from(i32::MAX)),
        Primitive::Int64 => value.is_i64(),
        Primitive::Single | Primitive::Double | Primitive::Decimal => value.is_number(),
        Primitive::Stream => value
            .as_array()
            .is_some_and(|items| items.iter().all(|i| i.as_u64().is_some_and(|n| n <= 255))),
        Primitive::Json => true,
    }
}

/// A response documented as a collection whose example is one object (no `value`).
fn single_for_collection(value: &Value, ty: &TypeRef) -> Option<String> {
    let object = value.as_object()?;
    let single = !object.contains_key("value") && object.keys().any(|k| !k.starts_with("@odata."));
    single.then(|| {
        format!(
            "the Response section documents a collection of `{}`, but the example responds with one object",
            ty.name
        )
    })
}

fn kind(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean `{b}`"),
        Value::Number(n) => format!("the number `{n}`"),
        Value::String(s) if s.chars().count() > 40 => {
            format!("a string (\"{}…\")", s.chars().take(40).collect::<String>())
        }
        Value::String(s) => format!("the string \"{s}\""),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

fn prefixed(prefix: &str, mismatches: Vec<Mismatch>) -> Vec<Mismatch> {
    mismatches
        .into_iter()
        .map(|m| Mismatch {
            path: match (m.path.is_empty(), m.path.starts_with('[')) {
                (true, _) => prefix.to_string(),
                (false, true) => format!("{prefix}{}", m.path),
                (false, false) => format!("{prefix}.{}", m.path),
            },
            message: m.message,
            code: m.code,
        })
        .collect()
}
