//! CSDL XML → [`Csdl`], with `roxmltree` (a read-only DOM that keeps each
//! element's byte range, from which the line of every item is taken).
//!
//! Unknown elements and attributes are ignored; a missing `Name` or `Type`
//! drops that item. Only XML that is not well-formed is an error.

use super::{
    ContainerItem, Csdl, CsdlOperation, CsdlProperty, CsdlTypeRef, EnumType, NavigationProperty,
    OperationKind, Schema, StructuredKind, StructuredType,
};
use roxmltree::{Document, Node};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// The metadata file cannot be read or is not XML: a usage error (exit 2).
#[derive(Debug)]
pub struct MetadataError {
    pub path: PathBuf,
    pub message: String,
}

impl fmt::Display for MetadataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid metadata `{}`: {}",
            self.path.display(),
            self.message
        )
    }
}

impl std::error::Error for MetadataError {}

/// Reads and parses a CSDL file. Locations name the file by its file name.
pub fn load(path: &Path) -> Result<Csdl, MetadataError> {
    let error = |message: String| MetadataError {
        path: path.to_path_buf(),
        message,
    };
    let bytes = std::fs::read(path).map_err(|err| error(err.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|err| {
        let at = err.utf8_error().valid_up_to();
        error(format!("not UTF-8 at byte {at}"))
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    parse_str(&text, &name).map_err(error)
}

/// Parses CSDL XML; the error is the XML parser's message with line and column.
pub fn parse_str(text: &str, file: &str) -> Result<Csdl, String> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = Document::parse_with_options(text, options).map_err(|err| err.to_string())?;
    let lines = LineIndex::new(text);
    let schema_nodes: Vec<Node<'_, '_>> = doc
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "Schema")
        .collect();
    // Aliases first: a schema may refer to another's alias before it is declared.
    let aliases: BTreeMap<String, String> = schema_nodes
        .iter()
        .filter_map(|n| {
            Some((
                n.attribute("Alias")?.to_string(),
                n.attribute("Namespace")?.to_string(),
            ))
        })
        .collect();
    let ctx = Context {
        aliases: &aliases,
        lines: &lines,
    };
    let schemas = schema_nodes
        .iter()
        .filter_map(|node| ctx.schema(*node))
        .collect();
    Ok(Csdl {
        file: file.to_string(),
        schemas,
    })
}

/// Byte offset → 1-based line, by binary search over line starts.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(at, _)| at + 1));
        LineIndex { starts }
    }

    fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|start| *start <= offset).max(1)
    }
}

struct Context<'a> {
    aliases: &'a BTreeMap<String, String>,
    lines: &'a LineIndex,
}

fn children<'a, 'input>(
    node: Node<'a, 'input>,
    tag: &'static str,
) -> impl Iterator<Item = Node<'a, 'input>> {
    node.children()
        .filter(move |n| n.is_element() && n.tag_name().name() == tag)
}

fn flag(node: Node<'_, '_>, attribute: &str) -> bool {
    node.attribute(attribute)
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

impl Context<'_> {
    fn line(&self, node: Node<'_, '_>) -> usize {
        self.lines.line(node.range().start)
    }

    /// `graph.user` → `microsoft.graph.user`.
    fn qualify(&self, name: &str) -> String {
        let name = name.trim();
        if let Some((prefix, rest)) = name.split_once('.') {
            if let Some(namespace) = self.aliases.get(prefix) {
                return format!("{namespace}.{rest}");
            }
        }
        name.to_string()
    }

    fn type_ref(&self, text: &str) -> CsdlTypeRef {
        let text = text.trim();
        match text
            .strip_prefix("Collection(")
            .and_then(|t| t.strip_suffix(')'))
        {
            Some(inner) => CsdlTypeRef {
                name: self.qualify(inner),
                collection: true,
            },
            None => CsdlTypeRef {
                name: self.qualify(text),
                collection: false,
            },
        }
    }

    fn schema(&self, node: Node<'_, '_>) -> Option<Schema> {
        let mut schema = Schema {
            namespace: node.attribute("Namespace")?.to_string(),
            alias: node.attribute("Alias").map(str::to_string),
            ..Schema::default()
        };
        for child in node.children().filter(|n| n.is_element()) {
            match child.tag_name().name() {
                "EntityType" => schema
                    .structured
                    .extend(self.structured(child, StructuredKind::Entity)),
                "ComplexType" => schema
                    .structured
                    .extend(self.structured(child, StructuredKind::Complex)),
                "EnumType" => schema.enums.extend(self.enum_type(child)),
                "Function" => schema
                    .operations
                    .extend(self.operation(child, OperationKind::Function)),
                "Action" => schema
                    .operations
                    .extend(self.operation(child, OperationKind::Action)),
                "EntityContainer" => {
                    for item in child.children().filter(|n| n.is_element()) {
                        let list = match item.tag_name().name() {
                            "EntitySet" => &mut schema.entity_sets,
                            "Singleton" => &mut schema.singletons,
                            _ => continue,
                        };
                        let ty = item.attribute("EntityType").or(item.attribute("Type"));
                        if let (Some(name), Some(ty)) = (item.attribute("Name"), ty) {
                            list.push(ContainerItem {
                                name: name.to_string(),
                                ty: self.qualify(ty),
                                line: self.line(item),
                            });
                        }
                    }
                }
                _ => {}
            }
        }
        Some(schema)
    }

    fn structured(&self, node: Node<'_, '_>, kind: StructuredKind) -> Option<StructuredType> {
        let properties = children(node, "Property")
            .filter_map(|p| {
                Some(CsdlProperty {
                    name: p.attribute("Name")?.to_string(),
                    ty: self.type_ref(p.attribute("Type")?),
                    line: self.line(p),
                })
            })
            .collect();
        let navigation = children(node, "NavigationProperty")
            .filter_map(|p| {
                Some(NavigationProperty {
                    name: p.attribute("Name")?.to_string(),
                    ty: self.type_ref(p.attribute("Type")?),
                    contains_target: flag(p, "ContainsTarget"),
                    line: self.line(p),
                })
            })
            .collect();
        Some(StructuredType {
            kind,
            name: node.attribute("Name")?.to_string(),
            base_type: node.attribute("BaseType").map(|b| self.qualify(b)),
            is_abstract: flag(node, "Abstract"),
            is_open: flag(node, "OpenType"),
            properties,
            navigation,
            line: self.line(node),
        })
    }

    fn enum_type(&self, node: Node<'_, '_>) -> Option<EnumType> {
        Some(EnumType {
            name: node.attribute("Name")?.to_string(),
            members: children(node, "Member")
                .filter_map(|m| m.attribute("Name").map(str::to_string))
                .collect(),
            is_flags: flag(node, "IsFlags"),
            line: self.line(node),
        })
    }

    fn operation(&self, node: Node<'_, '_>, kind: OperationKind) -> Option<CsdlOperation> {
        let is_bound = flag(node, "IsBound");
        let mut parameters: Vec<(String, CsdlTypeRef)> = children(node, "Parameter")
            .filter_map(|p| {
                Some((
                    p.attribute("Name")?.to_string(),
                    self.type_ref(p.attribute("Type")?),
                ))
            })
            .collect();
        let binding = if is_bound && !parameters.is_empty() {
            Some(parameters.remove(0).1)
        } else {
            None
        };
        Some(CsdlOperation {
            kind,
            name: node.attribute("Name")?.to_string(),
            is_bound,
            binding,
            parameters,
            return_type: children(node, "ReturnType")
                .next()
                .and_then(|r| r.attribute("Type"))
                .map(|t| self.type_ref(t)),
            line: self.line(node),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EnumType Name="color">
        <Member Name="red" Value="0" />
        <Member Name="blue" Value="1" />
      </EnumType>
      <EntityType Name="entity" Abstract="true">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
      </EntityType>
      <EntityType Name="user" BaseType="graph.entity" OpenType="true">
        <Property Name="tags" Type="Collection(Edm.String)" />
        <NavigationProperty Name="calls" Type="Collection(microsoft.graph.callRecords.callRecord)" ContainsTarget="true" />
      </EntityType>
      <Function Name="delta" IsBound="true">
        <Parameter Name="bindingParameter" Type="Collection(graph.user)" />
        <ReturnType Type="Collection(graph.user)" />
      </Function>
      <Action Name="wipe" IsBound="true">
        <Parameter Name="bindingParameter" Type="graph.user" />
        <Parameter Name="keep" Type="Edm.Boolean" />
      </Action>
      <EntityContainer Name="GraphService">
        <EntitySet Name="users" EntityType="microsoft.graph.user" />
        <Singleton Name="me" Type="microsoft.graph.user" />
      </EntityContainer>
    </Schema>
    <Schema Namespace="microsoft.graph.callRecords" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="callRecord" BaseType="graph.entity" />
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;

    #[test]
    fn reads_schemas_types_container_and_operations() {
        let csdl = parse_str(SMALL, "small.xml").expect("parses");
        assert_eq!(csdl.schemas.len(), 2);
        let graph = &csdl.schemas[0];
        assert_eq!(graph.alias.as_deref(), Some("graph"));
        assert_eq!(graph.enums[0].members, vec!["red", "blue"]);
        assert_eq!(graph.enums[0].line, 5);
        let user = &graph.structured[1];
        assert_eq!(user.base_type.as_deref(), Some("microsoft.graph.entity"));
        assert!(user.is_open && !user.is_abstract);
        assert_eq!(user.line, 13);
        assert!(user.properties[0].ty.collection);
        assert_eq!(
            user.navigation[0].ty.name,
            "microsoft.graph.callRecords.callRecord"
        );
        assert!(user.navigation[0].contains_target);
        let delta = &graph.operations[0];
        assert_eq!(delta.binding.as_ref().map(|b| b.collection), Some(true));
        assert_eq!(
            delta.return_type.as_ref().map(|r| r.name.as_str()),
            Some("microsoft.graph.user")
        );
        let wipe = &graph.operations[1];
        assert_eq!(wipe.kind, OperationKind::Action);
        assert_eq!(wipe.parameters.len(), 1);
        assert!(wipe.return_type.is_none());
        assert_eq!(graph.singletons[0].ty, "microsoft.graph.user");
        assert_eq!(graph.entity_sets[0].name, "users");
        assert_eq!(
            csdl.schemas[1].structured[0].base_type.as_deref(),
            Some("microsoft.graph.entity")
        );
    }

    #[test]
    fn bad_xml_is_an_error_with_a_position() {
        let err = parse_str("<Schema>\n  <EntityType Name=\"x\">\n</Schema>", "x.xml")
            .expect_err("not well-formed");
        assert!(err.contains("3:"), "{err}");
        assert!(parse_str("", "x.xml").is_err());
        assert!(parse_str("<!DOCTYPE x [<!ENTITY a \"b\">]><x/>", "x.xml").is_err());
    }
}
