//! The service's CSDL metadata (`$metadata`, OData CSDL XML): an oracle for the
//! docs that is not docgen itself.
//!
//! - [`parse`] reads the XML into a [`Csdl`] (schemas, types, entity container,
//!   functions and actions), each item with the line of its element;
//! - [`index`] answers lookups across schemas: a type by name (alias or
//!   namespace, case-insensitively), base chains, properties through base types,
//!   bound operations;
//! - `resolve` walks a documented path through the CSDL to the response it gives;
//! - [`agreement`] compares one docs type reference with one CSDL type reference;
//! - [`types`] compares types, properties, enum members and base types;
//! - [`responses`] compares each operation's response with what its path gives;
//! - [`compare`] runs both: the findings of `docgen lint --metadata`, and the
//!   checks the metadata oracle test counts.

pub mod agreement;
pub mod index;
pub mod parse;
pub mod resolve;
pub mod responses;
pub mod types;

pub use index::Index;
pub use parse::{load, parse_str, MetadataError};
pub use resolve::{resolve, Resolution, Target};
pub use responses::{response_checks, ResponseCheck, ResponseClass};
pub use types::PropertyCheck;

use crate::diagnostics::Diagnostic;
use crate::model::ApiModel;

/// The model compared with the CSDL.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    /// The findings, sorted.
    pub findings: Vec<Diagnostic>,
    /// Every operation's response check, sorted by method and path.
    pub responses: Vec<ResponseCheck>,
    /// Every documented property found in the CSDL, with how its type compares.
    pub properties: Vec<PropertyCheck>,
}

/// Compares the model with the CSDL.
pub fn compare(model: &ApiModel, csdl: &Csdl) -> Comparison {
    let index = Index::new(csdl);
    let mut findings = Vec::new();
    let mut properties = types::compare_types(model, &index, &mut findings);
    properties.sort_by(|a, b| (&a.property, &a.location).cmp(&(&b.property, &b.location)));
    let responses = response_checks(model, &index);
    responses::response_findings(&responses, &csdl.file, &mut findings);
    findings.sort();
    findings.dedup();
    Comparison {
        findings,
        responses,
        properties,
    }
}

/// A CSDL document: every schema of its `edmx:DataServices`.
#[derive(Debug, Clone, Default)]
pub struct Csdl {
    /// The name the document's locations use (the file name, for example `v1.0_metadata.xml`).
    pub file: String,
    pub schemas: Vec<Schema>,
}

/// One `<Schema>`.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    pub namespace: String,
    pub alias: Option<String>,
    pub structured: Vec<StructuredType>,
    pub enums: Vec<EnumType>,
    pub operations: Vec<CsdlOperation>,
    pub entity_sets: Vec<ContainerItem>,
    pub singletons: Vec<ContainerItem>,
}

/// A type reference of the CSDL: `graph.user`, `Collection(Edm.String)`,
/// resolved against the schemas' aliases to a namespace-qualified name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CsdlTypeRef {
    /// Namespace-qualified (`microsoft.graph.user`, `Edm.String`).
    pub name: String,
    pub collection: bool,
}

impl CsdlTypeRef {
    /// The name after the last dot (`user`, `String`).
    pub fn simple(&self) -> &str {
        simple_name(&self.name)
    }

    pub fn is_primitive(&self) -> bool {
        self.name.starts_with("Edm.")
    }
}

impl std::fmt::Display for CsdlTypeRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.collection {
            write!(f, "Collection({})", self.name)
        } else {
            f.write_str(&self.name)
        }
    }
}

/// The name after the last dot.
pub fn simple_name(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StructuredKind {
    Entity,
    Complex,
}

/// An `<EntityType>` or `<ComplexType>`.
#[derive(Debug, Clone)]
pub struct StructuredType {
    pub kind: StructuredKind,
    pub name: String,
    /// Namespace-qualified.
    pub base_type: Option<String>,
    pub is_abstract: bool,
    pub is_open: bool,
    pub properties: Vec<CsdlProperty>,
    pub navigation: Vec<NavigationProperty>,
    pub line: usize,
}

/// A structural `<Property>`.
#[derive(Debug, Clone)]
pub struct CsdlProperty {
    pub name: String,
    pub ty: CsdlTypeRef,
    pub line: usize,
}

/// A `<NavigationProperty>`.
#[derive(Debug, Clone)]
pub struct NavigationProperty {
    pub name: String,
    pub ty: CsdlTypeRef,
    pub contains_target: bool,
    pub line: usize,
}

/// An `<EnumType>` and its members.
#[derive(Debug, Clone)]
pub struct EnumType {
    pub name: String,
    pub members: Vec<String>,
    pub is_flags: bool,
    pub line: usize,
}

/// An `<EntitySet>` or `<Singleton>` of the entity container.
#[derive(Debug, Clone)]
pub struct ContainerItem {
    pub name: String,
    /// The entity type, namespace-qualified (for an entity set, the element type).
    pub ty: String,
    pub line: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationKind {
    Function,
    Action,
}

/// A `<Function>` or `<Action>`.
#[derive(Debug, Clone)]
pub struct CsdlOperation {
    pub kind: OperationKind,
    pub name: String,
    pub is_bound: bool,
    /// The first parameter's type when bound.
    pub binding: Option<CsdlTypeRef>,
    /// The other parameters.
    pub parameters: Vec<(String, CsdlTypeRef)>,
    pub return_type: Option<CsdlTypeRef>,
    pub line: usize,
}
