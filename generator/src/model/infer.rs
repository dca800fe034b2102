//! Types that no page defines, inferred from the example bodies that use them.

use super::type_ref::{Primitive, TypeRef};
use super::{
    type_key, Operation, Property, RequestBody, ResponseShape, TypeDef, TypeKind, TypeOrigin,
};
use crate::diagnostics::Location;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Properties observed for an undefined type, with where they were first seen.
#[derive(Default)]
struct Observed {
    name: String,
    namespace: String,
    properties: Vec<Property>,
    first_seen: Option<Location>,
}

pub struct Inference<'a> {
    types: &'a BTreeMap<String, TypeDef>,
    observed: BTreeMap<String, Observed>,
}

impl<'a> Inference<'a> {
    pub fn new(types: &'a BTreeMap<String, TypeDef>) -> Self {
        Inference {
            types,
            observed: BTreeMap::new(),
        }
    }

    /// Walks every example body of the operations with the type it should have.
    pub fn observe_operations(&mut self, operations: &[Operation]) {
        for op in operations {
            for example in &op.examples {
                if let Some(request) = &example.request {
                    if let Some(body) = &request.body {
                        match &op.body {
                            RequestBody::Type { ty } => self.walk(body, ty, &request.location),
                            RequestBody::Parameters { parameters } => {
                                for parameter in parameters {
                                    if let Some(value) = body.get(&parameter.name) {
                                        self.walk(value, &parameter.ty, &request.location);
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                }
                if let Some(response) = &example.response {
                    let Some(body) = &response.body else { continue };
                    match &op.response {
                        ResponseShape::Single { ty } => self.walk(body, ty, &response.location),
                        ResponseShape::Collection { ty } => {
                            if let Some(Value::Array(items)) = body.get("value") {
                                for item in items {
                                    self.walk(item, ty, &response.location);
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    fn walk(&mut self, value: &Value, ty: &TypeRef, location: &Location) {
        if ty.primitive.is_some() {
            return;
        }
        match value {
            Value::Array(items) => {
                let element = ty.element();
                for item in items {
                    self.walk(item, &element, location);
                }
            }
            Value::Object(object) => {
                let declared = object
                    .get("@odata.type")
                    .and_then(Value::as_str)
                    .map(|t| t.trim_start_matches('#'));
                let actual = declared.unwrap_or(&ty.name);
                let key = type_key(actual);
                match self.types.get(&key) {
                    Some(def) if def.kind == TypeKind::Object => {
                        for property in all_properties(self.types, def) {
                            if let Some(inner) = object.get(&property.name) {
                                let ty = property.ty.clone();
                                self.walk(inner, &ty, location);
                            }
                        }
                    }
                    Some(_) => {}
                    None => self.record(actual, object, location),
                }
            }
            _ => {}
        }
    }

    fn record(&mut self, qualified: &str, object: &Map<String, Value>, location: &Location) {
        let (namespace, name) = qualified
            .rsplit_once('.')
            .map(|(ns, n)| (ns.to_string(), n.to_string()))
            .unwrap_or_else(|| {
                (
                    super::types::DEFAULT_NAMESPACE.to_string(),
                    qualified.to_string(),
                )
            });
        let entry = self.observed.entry(type_key(qualified)).or_default();
        if entry.first_seen.is_none() {
            entry.name = super::name_in_namespace(&namespace, &name);
            entry.namespace = namespace;
            entry.first_seen = Some(location.clone());
        }
        for (key, value) in object {
            if key.contains('@') || entry.properties.iter().any(|p| &p.name == key) {
                continue;
            }
            entry.properties.push(Property {
                name: key.clone(),
                ty: infer_type(value),
                description: String::new(),
                is_relationship: false,
                source: location.clone(),
            });
        }
        for (key, value) in object {
            if let Value::Object(_) | Value::Array(_) = value {
                if let Some(nested) = entry_property_type(&self.observed, qualified, key) {
                    self.walk(value, &nested, location);
                }
            }
        }
    }

    /// The types inferred, keyed like the type map.
    pub fn into_types(self) -> Vec<TypeDef> {
        self.observed
            .into_values()
            .map(|observed| TypeDef {
                name: observed.name,
                namespace: observed.namespace,
                kind: TypeKind::Object,
                origin: TypeOrigin::InferredFromExamples,
                base_type: None,
                is_abstract: false,
                is_open: true,
                key_property: None,
                description: String::new(),
                properties: observed.properties,
                members: Vec::new(),
                sources: observed.first_seen.into_iter().collect(),
            })
            .collect()
    }
}

fn entry_property_type(
    observed: &BTreeMap<String, Observed>,
    qualified: &str,
    key: &str,
) -> Option<TypeRef> {
    let entry = observed.get(&type_key(qualified))?;
    let property = entry.properties.iter().find(|p| p.name == key)?;
    (property.ty.primitive.is_none()).then(|| property.ty.clone())
}

/// The type a JSON value suggests.
fn infer_type(value: &Value) -> TypeRef {
    match value {
        Value::String(_) => TypeRef::primitive(Primitive::String, false),
        Value::Bool(_) => TypeRef::primitive(Primitive::Boolean, false),
        Value::Number(n) if n.is_i64() || n.is_u64() => TypeRef::primitive(Primitive::Int64, false),
        Value::Number(_) => TypeRef::primitive(Primitive::Double, false),
        Value::Array(items) => {
            let element = items
                .first()
                .map(infer_type)
                .unwrap_or_else(|| TypeRef::primitive(Primitive::Json, false));
            TypeRef {
                collection: true,
                ..element
            }
        }
        Value::Object(object) => match object.get("@odata.type").and_then(Value::as_str) {
            Some(name) => TypeRef::named(name.trim_start_matches('#'), false),
            None => TypeRef::primitive(Primitive::Json, false),
        },
        Value::Null => TypeRef::primitive(Primitive::Json, false),
    }
}

/// A type's properties including inherited ones, base first, each name once.
pub fn all_properties<'t>(
    types: &'t BTreeMap<String, TypeDef>,
    def: &'t TypeDef,
) -> Vec<&'t Property> {
    let mut chain = vec![def];
    let mut current = def;
    while let Some(base) = current
        .base_type
        .as_ref()
        .and_then(|b| types.get(&type_key(b)))
    {
        if chain.iter().any(|t| std::ptr::eq(*t, base)) {
            break;
        }
        chain.push(base);
        current = base;
    }
    let mut properties: Vec<&Property> = Vec::new();
    for def in chain.iter().rev() {
        for property in &def.properties {
            if !properties.iter().any(|p| p.name == property.name) {
                properties.push(property);
            }
        }
    }
    properties
}
