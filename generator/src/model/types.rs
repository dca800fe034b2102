//! Types from resource pages, enum pages and enum tables.

use super::sections::{self, Section};
use super::type_ref::TypeRef;
use super::{EnumMember, Property, TypeDef, TypeKind, TypeOrigin};
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::parse::{Block, Page, Table};

pub const DEFAULT_NAMESPACE: &str = "microsoft.graph";

/// Column aliases for a property table's name column.
const NAME_COLUMNS: &[&str] = &[
    "property",
    "name",
    "property name",
    "relationship",
    "relationship name",
    "parameter",
    "member",
];

/// Types defined by a resource page: the resource itself, plus enums documented in
/// its "X values" tables.
pub fn resource_types(page: &Page, diagnostics: &mut Vec<Diagnostic>) -> Vec<TypeDef> {
    let resource_annotation = page.blocks.iter().find_map(|block| match block {
        Block::Code(code) => code
            .annotation
            .as_ref()
            .filter(|a| a.block_type() == Some("resource")),
        _ => None,
    });
    let odata_type = resource_annotation.and_then(|a| a.str_field("@odata.type"));
    let simple = odata_type
        .map(|t| t.rsplit('.').next().unwrap_or(t).to_string())
        .or_else(|| {
            title_name(
                page,
                &[
                    "resource type",
                    "resource",
                    "complex type",
                    "entity type",
                    "object",
                ],
            )
        })
        .unwrap_or_else(|| file_stem(&page.file));
    let namespace = odata_type
        .and_then(|t| {
            t.rsplit_once('.')
                .map(|(ns, _)| ns.trim_start_matches('#').to_string())
        })
        .or_else(|| namespace_line(page))
        .unwrap_or_else(|| DEFAULT_NAMESPACE.to_string());
    // `termStore.group` apart from `group`: types are keyed by namespace.
    let name = super::name_in_namespace(&namespace, &simple);
    let all_sections = sections::sections(page);
    let description = description(page);
    // The annotation's baseType, else the description's "Inherits from [x](x.md)".
    let base_type = resource_annotation
        .and_then(|a| a.str_field("baseType"))
        .map(|b| super::doc_type_name(b).to_string())
        .filter(|b| !b.is_empty())
        .or_else(|| inherits_from(page));
    let mut properties = Vec::new();
    for section in &all_sections {
        let is_relationship = section.is(&["relationship"]);
        if !(is_relationship || section.is(&["properties", "property"])) {
            continue;
        }
        for table in section_tables(section) {
            if table.column(&["type"]).is_none() {
                continue;
            }
            properties.extend(table_properties(
                &page.file,
                table,
                is_relationship,
                diagnostics,
            ));
        }
    }
    // A property listed twice (in one table, or as a property and a
    // relationship) is one JSON member: the first row is kept, the other said.
    let mut first_row: std::collections::BTreeMap<String, usize> =
        std::collections::BTreeMap::new();
    properties.retain(|property: &Property| {
        if let Some(first) = first_row.get(&property.name) {
            diagnostics.push(Diagnostic::warning(
                Code::TypeConflict,
                property.source.clone(),
                format!(
                    "`{}` is listed again (first at line {first}); this row is ignored",
                    property.name
                ),
            ));
            return false;
        }
        first_row.insert(property.name.clone(), property.source.line);
        true
    });
    check_json_representation(page, &properties, diagnostics);
    let line = sections::title(page).map(|(_, line)| line).unwrap_or(1);
    let mut types = vec![TypeDef {
        name,
        namespace: namespace.clone(),
        kind: TypeKind::Object,
        origin: TypeOrigin::ResourcePage,
        base_type,
        is_abstract: resource_annotation
            .and_then(|a| a.bool_field("abstract"))
            .unwrap_or(false),
        is_open: resource_annotation
            .and_then(|a| a.bool_field("openType"))
            .unwrap_or(false),
        key_property: resource_annotation
            .and_then(|a| a.str_field("keyProperty"))
            .map(str::to_string),
        description,
        properties,
        members: Vec::new(),
        sources: vec![Location::new(&page.file, line)],
    }];
    types.extend(enum_tables(page, &namespace, diagnostics));
    types
}

/// The type a resource page's opening paragraphs say it inherits from.
fn inherits_from(page: &Page) -> Option<String> {
    page.blocks
        .iter()
        .take_while(|b| !matches!(b, Block::Heading(h) if h.level == 2))
        .find_map(|block| {
            let Block::Paragraph(p) = block else {
                return None;
            };
            let lower = p.text.to_ascii_lowercase();
            let at = lower
                .find("inherits from ")
                .or_else(|| lower.find("derived from "))?;
            let after = &p.text[at..];
            p.links
                .iter()
                .find(|l| after.contains(&l.text) && l.dest.ends_with(".md"))
                .map(|l| l.text.trim().trim_matches('`').to_string())
                .filter(|name| !name.is_empty() && !name.contains(' '))
        })
}

/// Properties of the table that the page's JSON representation leaves out.
/// Relationships are not expected there (the docs omit navigation properties).
fn check_json_representation(
    page: &Page,
    properties: &[Property],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let json = page.blocks.iter().find_map(|block| match block {
        Block::Code(code)
            if code.annotation.as_ref().and_then(|a| a.block_type()) == Some("resource") =>
        {
            crate::parse::lenient_json::parse_lenient(&code.text).value
        }
        _ => None,
    });
    let Some(serde_json::Value::Object(object)) = json else {
        return;
    };
    for property in properties.iter().filter(|p| !p.is_relationship) {
        if !object.contains_key(&property.name) {
            diagnostics.push(Diagnostic::warning(
                Code::ResourceJsonMissingProperty,
                property.source.clone(),
                format!(
                    "`{}` is in the properties table but not in the JSON representation",
                    property.name
                ),
            ));
        }
    }
}

/// The enums an enum page defines: one per "X values" table where the page has
/// such tables (a page like `enums.md` lists hundreds), else the page's one enum.
pub fn enum_page_types(page: &Page, diagnostics: &mut Vec<Diagnostic>) -> Vec<TypeDef> {
    let namespace = namespace_line(page).unwrap_or_else(|| DEFAULT_NAMESPACE.to_string());
    let tables = enum_tables(page, &namespace, diagnostics);
    if !tables.is_empty() {
        return tables;
    }
    enum_page_type(page, diagnostics).into_iter().collect()
}

/// The enum defined by an enum page about one enum.
fn enum_page_type(page: &Page, diagnostics: &mut Vec<Diagnostic>) -> Option<TypeDef> {
    let name = title_name(
        page,
        &["enum type", "enumeration type", "enumeration", "enum"],
    )
    .unwrap_or_else(|| file_stem(&page.file));
    let table = page.blocks.iter().find_map(|block| match block {
        Block::Table(table) if member_column(table).is_some() => Some(table),
        _ => None,
    })?;
    let line = sections::title(page)
        .map(|(_, line)| line)
        .unwrap_or(table.line);
    let namespace = namespace_line(page).unwrap_or_else(|| DEFAULT_NAMESPACE.to_string());
    Some(TypeDef {
        name: super::name_in_namespace(&namespace, &name),
        namespace,
        kind: TypeKind::Enum,
        origin: TypeOrigin::EnumPage,
        base_type: None,
        is_abstract: false,
        is_open: false,
        key_property: None,
        description: description(page),
        properties: Vec::new(),
        members: members(&page.file, table, diagnostics),
        sources: vec![Location::new(&page.file, line)],
    })
}

/// Tables under a heading "X values" (or "X enum values") that list members.
fn enum_tables(page: &Page, namespace: &str, diagnostics: &mut Vec<Diagnostic>) -> Vec<TypeDef> {
    let mut types = Vec::new();
    let mut heading: Option<(&str, usize)> = None;
    for block in &page.blocks {
        match block {
            Block::Heading(h) => heading = Some((h.text.as_str(), h.line)),
            Block::Table(table) => {
                let Some((text, line)) = heading else {
                    continue;
                };
                let lower = text.to_ascii_lowercase();
                let Some(name) = lower
                    .strip_suffix(" enum values")
                    .or_else(|| lower.strip_suffix(" values"))
                    .map(|n| &text[..n.len()])
                else {
                    continue;
                };
                if member_column(table).is_none() || name.contains(' ') {
                    continue;
                }
                types.push(TypeDef {
                    name: super::name_in_namespace(namespace, name.trim()),
                    namespace: namespace.to_string(),
                    kind: TypeKind::Enum,
                    origin: TypeOrigin::EnumTable,
                    base_type: None,
                    is_abstract: false,
                    is_open: false,
                    key_property: None,
                    description: String::new(),
                    properties: Vec::new(),
                    members: members(&page.file, table, diagnostics),
                    sources: vec![Location::new(&page.file, line)],
                });
                heading = None;
            }
            _ => {}
        }
    }
    types
}

fn member_column(table: &Table) -> Option<usize> {
    table.column(&["member", "members", "name"]).or_else(|| {
        table
            .column(&["value"])
            .filter(|_| table.column(&["type"]).is_none())
    })
}

fn members(file: &str, table: &Table, diagnostics: &mut Vec<Diagnostic>) -> Vec<EnumMember> {
    let Some(name_column) = member_column(table) else {
        return Vec::new();
    };
    let value_column = table.column(&["value"]).filter(|c| *c != name_column);
    let description_column = table.column(&["description"]);
    let mut seen: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    let mut members = Vec::new();
    for (line, row) in &table.rows {
        let Some(cell) = row.get(name_column) else {
            continue;
        };
        let written = cell.text.trim();
        let Some(name) = clean_name(written) else {
            if written.is_empty() {
                continue;
            }
            // `""`, `r#x`: no member name a value could carry. Reported, since
            // a value of the enum the docs name here will read as `Unknown`.
            diagnostics.push(Diagnostic::warning(
                Code::EnumMemberInvalid,
                Location::new(file, *line),
                format!("`{written}` is not an enum member name; the row is skipped"),
            ));
            continue;
        };
        // A member listed twice is one member.
        if let Some(first) = seen.get(&name) {
            // `JIS B4` after `JIS B0`: a name is read up to its first space, so
            // say what was written where it differs.
            let as_written = if written.trim_matches(['`', '*', '"']) == name {
                String::new()
            } else {
                format!(" (written `{written}`)")
            };
            diagnostics.push(Diagnostic::warning(
                Code::TypeConflict,
                Location::new(file, *line),
                format!(
                    "member `{name}`{as_written} is listed again (first at line {first}); this row is ignored"
                ),
            ));
            continue;
        }
        seen.insert(name.clone(), *line);
        members.push(EnumMember {
            name,
            value: value_column
                .and_then(|c| row.get(c))
                .and_then(|cell| cell.text.trim().parse().ok()),
            description: description_column
                .and_then(|c| row.get(c))
                .map(|cell| cell.markdown.clone())
                .unwrap_or_default(),
        });
    }
    members
}

/// Properties from a property, relationship or parameter table.
pub fn table_properties(
    file: &str,
    table: &Table,
    is_relationship: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Property> {
    let (Some(name_column), Some(type_column)) =
        (table.column(NAME_COLUMNS), table.column(&["type"]))
    else {
        return Vec::new();
    };
    let description_column = table.column(&["description"]);
    let mut properties = Vec::new();
    for (line, row) in &table.rows {
        let location = Location::new(file, *line);
        let written = row.get(name_column).map(|c| c.text.trim()).unwrap_or("");
        let Some(name) = clean_name(written) else {
            if !written.is_empty() {
                diagnostics.push(Diagnostic::warning(
                    Code::PropertyNameInvalid,
                    location,
                    format!("`{written}` is not a property name; the row is skipped"),
                ));
            }
            continue;
        };
        if is_group_label(row, name_column, type_column) {
            continue;
        }
        if let Some(rest) = words_after_name(written) {
            // `a b`: a JSON name with a space, or two words; the first is read,
            // and said, so the change is not silent.
            diagnostics.push(Diagnostic::warning(
                Code::PropertyNameInvalid,
                location.clone(),
                format!("`{written}` is not one property name (`{rest}` follows `{name}`); it is read as `{name}`"),
            ));
        }
        let Some(ty) = row.get(type_column).and_then(TypeRef::from_cell) else {
            diagnostics.push(Diagnostic::warning(
                Code::TypeNotDefined,
                location.clone(),
                format!("property `{name}` has no readable type; it is kept as any JSON value"),
            ));
            properties.push(Property {
                name,
                ty: TypeRef::primitive(super::Primitive::Json, false),
                description: String::new(),
                is_relationship,
                source: location,
            });
            continue;
        };
        let description = description_column
            .and_then(|c| row.get(c))
            .map(|cell| cell.markdown.clone())
            .unwrap_or_default();
        if description.trim().is_empty() && description_column.is_some() {
            diagnostics.push(Diagnostic::note(
                Code::DescriptionEmpty,
                location.clone(),
                format!("`{name}` has an empty description"),
            ));
        }
        properties.push(Property {
            name,
            ty,
            description,
            is_relationship,
            source: location,
        });
    }
    properties
}

/// The name cell of every non-empty row of a resource page's property and
/// relationship tables, as written: what coverage is measured against.
pub fn property_row_names(page: &Page) -> Vec<String> {
    let mut names = Vec::new();
    for section in sections::sections(page) {
        if !section.is(&["relationship", "properties", "property"]) {
            continue;
        }
        for table in section_tables(&section) {
            let (Some(name_column), Some(type_column)) =
                (table.column(NAME_COLUMNS), table.column(&["type"]))
            else {
                continue;
            };
            for (_, row) in &table.rows {
                let Some(cell) = row.get(name_column) else {
                    continue;
                };
                if is_group_label(row, name_column, type_column) {
                    continue;
                }
                // Rows that are not properties (diagnosed as such) are not counted.
                if let Some(name) = clean_name(cell.text.trim()) {
                    names.push(name);
                }
            }
        }
    }
    names
}

/// A row that labels a group of the rows below it (`|**Group Policy Analytics**||`):
/// a bold name and no type. It is not a property.
fn is_group_label(row: &[crate::parse::TableCell], name_column: usize, type_column: usize) -> bool {
    let no_type = row
        .get(type_column)
        .is_none_or(|c| c.text.trim().is_empty());
    let bold = row
        .get(name_column)
        .is_some_and(|c| c.markdown.starts_with("**"));
    no_type && bold
}

/// A property or member name from a cell: the first word, without emphasis or code marks.
/// The words a name cell holds after its name, where they are not a note
/// [`clean_name`] means to drop (`name (deprecated)`, `name, read-only`,
/// `**name** Read-only`... are notes; `a b` is not).
fn words_after_name(text: &str) -> Option<&str> {
    let text = text.trim();
    if text.starts_with(['*', '`']) {
        return None;
    }
    let (_, rest) = text.split_once(char::is_whitespace)?;
    let rest = rest.trim_start();
    let note = rest.is_empty()
        || rest.starts_with(['(', ',', '*', '_', '<', '[', '-'])
        || rest.chars().next().is_some_and(char::is_uppercase);
    (!note).then_some(rest)
}

fn clean_name(text: &str) -> Option<String> {
    let word = text
        .trim()
        .trim_matches(|c: char| c == '*' || c == '`')
        .split(|c: char| c.is_whitespace() || c == '(' || c == ',')
        .next()?
        .trim_matches(|c: char| c == '*' || c == '`' || c == '"' || c == '\'');
    let valid = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '@' | '.' | '-' | '$'));
    valid.then(|| word.to_string())
}

/// The tables of a section, including those under its sub-headings.
pub fn section_tables<'a>(section: &Section<'a>) -> impl Iterator<Item = &'a Table> {
    section.blocks.iter().filter_map(|block| match block {
        Block::Table(table) => Some(table),
        _ => None,
    })
}

/// The type name a title gives: "deviceManagementScript resource type" → `deviceManagementScript`.
fn title_name(page: &Page, suffixes: &[&str]) -> Option<String> {
    let (title, _) = sections::title(page)?;
    let lower = title.to_ascii_lowercase();
    let stripped = suffixes
        .iter()
        .find_map(|s| lower.strip_suffix(s).map(|rest| title[..rest.len()].trim()))?;
    let name = stripped.trim_matches('`');
    (!name.is_empty() && !name.contains(' ')).then(|| name.to_string())
}

fn namespace_line(page: &Page) -> Option<String> {
    page.blocks.iter().find_map(|block| match block {
        Block::Paragraph(p) => p
            .text
            .strip_prefix("Namespace:")
            .map(|ns| ns.trim().to_string())
            .filter(|ns| !ns.is_empty() && !ns.contains(' ')),
        _ => None,
    })
}

/// The page's description: the first paragraph after the title that is not the
/// namespace line, a note or an include.
pub fn description(page: &Page) -> String {
    let mut after_title = false;
    for block in &page.blocks {
        match block {
            Block::Heading(h) if h.level == 1 && !after_title => after_title = true,
            Block::Heading(_) if after_title => break,
            Block::Paragraph(p) if after_title => {
                let text = p.text.trim();
                let skip = text.starts_with("Namespace:")
                    || text.starts_with("[!INCLUDE")
                    || text.starts_with("[!NOTE")
                    || text.starts_with("[!IMPORTANT")
                    || text.starts_with("Note:")
                    || text.starts_with("**Note")
                    || p.markdown.starts_with('>');
                if !skip {
                    return p.markdown.clone();
                }
            }
            _ => {}
        }
    }
    page.front_matter.description.clone().unwrap_or_default()
}

pub fn file_stem(file: &str) -> String {
    let name = file.rsplit('/').next().unwrap_or(file);
    name.strip_suffix(".md").unwrap_or(name).to_string()
}
