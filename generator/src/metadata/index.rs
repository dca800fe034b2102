//! Lookups across the schemas of a [`Csdl`]: types by name (case-insensitively,
//! namespace-qualified or simple), base chains, members through base types,
//! bound functions and actions. Built once, in linear time; every lookup is a
//! hash lookup plus a walk of a base chain.

use super::{
    ContainerItem, Csdl, CsdlOperation, CsdlProperty, CsdlTypeRef, EnumType, NavigationProperty,
    StructuredType,
};
use std::collections::{BTreeMap, HashMap};

/// Base chains longer than this are cut (a cycle in bad metadata ends there).
const MAX_DEPTH: usize = 64;

/// A type of the CSDL.
#[derive(Debug, Clone, Copy)]
pub enum CsdlType<'a> {
    Structured {
        namespace: &'a str,
        ty: &'a StructuredType,
    },
    Enum {
        namespace: &'a str,
        ty: &'a EnumType,
    },
}

impl<'a> CsdlType<'a> {
    pub fn name(&self) -> &'a str {
        match self {
            CsdlType::Structured { ty, .. } => &ty.name,
            CsdlType::Enum { ty, .. } => &ty.name,
        }
    }

    pub fn namespace(&self) -> &'a str {
        match self {
            CsdlType::Structured { namespace, .. } | CsdlType::Enum { namespace, .. } => namespace,
        }
    }

    pub fn qualified(&self) -> String {
        format!("{}.{}", self.namespace(), self.name())
    }

    pub fn line(&self) -> usize {
        match self {
            CsdlType::Structured { ty, .. } => ty.line,
            CsdlType::Enum { ty, .. } => ty.line,
        }
    }
}

/// A member of a structured type found through its base chain.
#[derive(Debug, Clone, Copy)]
pub enum Member<'a> {
    Property(&'a CsdlProperty),
    Navigation(&'a NavigationProperty),
}

impl<'a> Member<'a> {
    pub fn ty(&self) -> &'a CsdlTypeRef {
        match self {
            Member::Property(p) => &p.ty,
            Member::Navigation(n) => &n.ty,
        }
    }

    pub fn name(&self) -> &'a str {
        match self {
            Member::Property(p) => &p.name,
            Member::Navigation(n) => &n.name,
        }
    }
}

/// The lookups.
#[derive(Debug)]
pub struct Index<'a> {
    pub csdl: &'a Csdl,
    /// Lowercased qualified name → type.
    types: HashMap<String, CsdlType<'a>>,
    /// Lowercased simple name → lowercased qualified names, sorted.
    simple: HashMap<String, Vec<String>>,
    /// Lowercased entity set or singleton name → (item, whether a collection).
    roots: HashMap<String, (&'a ContainerItem, bool)>,
    /// Lowercased operation name → bound operations of that name.
    bound: HashMap<String, Vec<&'a CsdlOperation>>,
    /// Lowercased qualified name → the types whose base it is (directly), sorted.
    derived: HashMap<String, Vec<String>>,
}

pub fn key(name: &str) -> String {
    name.to_ascii_lowercase()
}

impl<'a> Index<'a> {
    pub fn new(csdl: &'a Csdl) -> Index<'a> {
        let mut types = HashMap::new();
        let mut simple: HashMap<String, Vec<String>> = HashMap::new();
        let mut roots = HashMap::new();
        let mut bound: HashMap<String, Vec<&'a CsdlOperation>> = HashMap::new();
        for schema in &csdl.schemas {
            let namespace = schema.namespace.as_str();
            let all = schema
                .structured
                .iter()
                .map(|ty| CsdlType::Structured { namespace, ty })
                .chain(
                    schema
                        .enums
                        .iter()
                        .map(|ty| CsdlType::Enum { namespace, ty }),
                );
            for ty in all {
                let qualified = key(&ty.qualified());
                // The first definition wins; a repeated one is ignored.
                if let std::collections::hash_map::Entry::Vacant(slot) =
                    types.entry(qualified.clone())
                {
                    slot.insert(ty);
                    simple.entry(key(ty.name())).or_default().push(qualified);
                }
            }
            for set in &schema.entity_sets {
                roots.entry(key(&set.name)).or_insert((set, true));
            }
            for singleton in &schema.singletons {
                roots
                    .entry(key(&singleton.name))
                    .or_insert((singleton, false));
            }
            for op in schema.operations.iter().filter(|op| op.is_bound) {
                bound.entry(key(&op.name)).or_default().push(op);
            }
        }
        for names in simple.values_mut() {
            names.sort();
        }
        let mut derived: HashMap<String, Vec<String>> = HashMap::new();
        for (name, ty) in &types {
            if let CsdlType::Structured { ty, .. } = ty {
                if let Some(base) = &ty.base_type {
                    derived.entry(key(base)).or_default().push(name.clone());
                }
            }
        }
        for names in derived.values_mut() {
            names.sort();
        }
        Index {
            csdl,
            types,
            simple,
            roots,
            bound,
            derived,
        }
    }

    /// Every type, sorted by lowercased qualified name.
    pub fn all_types(&self) -> Vec<(&str, CsdlType<'a>)> {
        let mut all: Vec<(&str, CsdlType<'a>)> =
            self.types.iter().map(|(k, t)| (k.as_str(), *t)).collect();
        all.sort_by(|a, b| a.0.cmp(b.0));
        all
    }

    /// A type by namespace-qualified name, case-insensitively.
    pub fn type_qualified(&self, name: &str) -> Option<CsdlType<'a>> {
        self.types.get(&key(name)).copied()
    }

    /// A type by simple name: the one in `namespace` when there is one, else
    /// the only one with that simple name, else the first (sorted).
    pub fn type_simple(&self, simple: &str, namespace: Option<&str>) -> Option<CsdlType<'a>> {
        if let Some(namespace) = namespace {
            if let Some(ty) = self.type_qualified(&format!("{namespace}.{simple}")) {
                return Some(ty);
            }
        }
        let names = self.simple.get(&key(simple))?;
        names.first().and_then(|n| self.types.get(n)).copied()
    }

    pub fn structured(&self, qualified: &str) -> Option<&'a StructuredType> {
        match self.type_qualified(qualified)? {
            CsdlType::Structured { ty, .. } => Some(ty),
            CsdlType::Enum { .. } => None,
        }
    }

    /// The type and its bases, nearest first, as lowercased qualified names.
    pub fn chain(&self, qualified: &str) -> Vec<String> {
        let mut chain = vec![key(qualified)];
        let mut current = self.structured(qualified);
        while let Some(base) = current.and_then(|t| t.base_type.as_deref()) {
            let base = key(base);
            if chain.len() >= MAX_DEPTH || chain.contains(&base) {
                break;
            }
            current = self.structured(&base);
            chain.push(base);
        }
        chain
    }

    /// Whether one of the two types derives from the other (directly or not).
    pub fn related(&self, a: &str, b: &str) -> bool {
        let (a, b) = (key(a), key(b));
        a != b && (self.chain(&a).contains(&b) || self.chain(&b).contains(&a))
    }

    /// Whether the type's only structural property (its own and its bases',
    /// navigation properties aside) is an `Edm.Stream`: a value that is only a
    /// stream (`microsoft.graph.report`, whose only property is `content`), so
    /// a response that is the stream itself carries the same information.
    pub fn is_stream_wrapper(&self, qualified: &str) -> bool {
        let mut properties = self
            .chain(qualified)
            .into_iter()
            .filter_map(|ty| self.structured(&ty))
            .flat_map(|ty| ty.properties.iter());
        match (properties.next(), properties.next()) {
            (Some(only), None) => !only.ty.collection && only.ty.name == "Edm.Stream",
            _ => false,
        }
    }

    /// A structural or navigation property of the type or one of its bases,
    /// case-insensitively.
    pub fn member(&self, qualified: &str, name: &str) -> Option<Member<'a>> {
        for ty in self.chain(qualified) {
            let Some(ty) = self.structured(&ty) else {
                continue;
            };
            if let Some(nav) = ty
                .navigation
                .iter()
                .find(|n| n.name.eq_ignore_ascii_case(name))
            {
                return Some(Member::Navigation(nav));
            }
            if let Some(p) = ty
                .properties
                .iter()
                .find(|p| p.name.eq_ignore_ascii_case(name))
            {
                return Some(Member::Property(p));
            }
        }
        None
    }

    /// The nearest type derived from `qualified` (breadth first, sorted) that has
    /// the member `name`: where a path that omits a type cast finds it.
    pub fn derived_with_member(&self, qualified: &str, name: &str) -> Option<String> {
        let mut queue = std::collections::VecDeque::from([key(qualified)]);
        let mut seen = std::collections::HashSet::new();
        while let Some(current) = queue.pop_front() {
            for child in self.derived.get(&current).into_iter().flatten() {
                if !seen.insert(child.clone()) {
                    continue;
                }
                let Some(ty) = self.structured(child) else {
                    continue;
                };
                let has = ty
                    .navigation
                    .iter()
                    .any(|n| n.name.eq_ignore_ascii_case(name))
                    || ty
                        .properties
                        .iter()
                        .any(|p| p.name.eq_ignore_ascii_case(name));
                if has {
                    return self.type_qualified(child).map(|t| t.qualified());
                }
                queue.push_back(child.clone());
            }
        }
        None
    }

    /// An entity set (collection) or singleton by name.
    pub fn root(&self, name: &str) -> Option<(&'a ContainerItem, bool)> {
        self.roots.get(&key(name)).copied()
    }

    /// The bound function or action `name` that applies to a value of type
    /// `qualified` (a collection of it when `collection`): bound to the type
    /// itself, else to the nearest base.
    pub fn bound_operation(
        &self,
        name: &str,
        qualified: &str,
        collection: bool,
    ) -> Option<&'a CsdlOperation> {
        let candidates = self.bound.get(&key(name))?;
        self.chain(qualified).into_iter().find_map(|ty| {
            candidates.iter().copied().find(|op| {
                op.binding
                    .as_ref()
                    .is_some_and(|b| b.collection == collection && key(&b.name) == ty)
            })
        })
    }

    /// The namespaces, lowercased, with the qualified-name prefix they give.
    pub fn namespaces(&self) -> BTreeMap<String, String> {
        self.csdl
            .schemas
            .iter()
            .map(|s| (key(&s.namespace), s.namespace.clone()))
            .collect()
    }
}
