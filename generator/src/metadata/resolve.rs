//! Walks a documented path through the CSDL: entity set or singleton first,
//! then keys, navigation and structural properties (through base types), type
//! casts, bound functions and actions (bound to the type or a base; bound to a
//! collection when the path is at a collection), drive item paths
//! (`root:/{path}:`), `/$ref`, `/$value` and `/$count`.

use super::index::{Index, Member};
use super::{CsdlTypeRef, OperationKind};
use crate::parse::path_template::{PathPart, PathTemplate};

/// A piece of a path between slashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A name, with the argument list of a call (or a key in parentheses) stripped.
    Name {
        name: String,
        call: bool,
    },
    /// A `{param}` segment: a key.
    Key,
    /// `:/{path}:` addressing (drive items, sites by path).
    ItemPath,
    Ref,
    Value,
    Count,
}

/// What the path's last segment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Root,
    Key,
    Navigation,
    Property,
    Cast,
    ItemPath,
    Function,
    Action,
    Ref,
    Value,
    Count,
}

/// What a resolved path addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A value of a type (an entity, complex, enum or primitive value), or a collection of them.
    Value(CsdlTypeRef),
    /// An action that returns nothing.
    NoValue,
    /// Raw bytes: `/$value`, or an `Edm.Stream` property.
    Stream,
    /// `/$count`: a number as text.
    Count,
    /// `/$ref`: references to the entities (a collection when `true`).
    Ref(bool),
}

/// A path that resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    pub target: Target,
    pub last: Step,
    /// The value before the last step (for example the collection an entity is
    /// created in, or the entity a `$ref` or `$value` belongs to).
    pub before: Option<CsdlTypeRef>,
}

/// Why a path did not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    /// The segment (as written, parameters shown as `{}`) where resolution stopped.
    pub segment: String,
    /// A short, stable category (`no-root`, `no-member`, …) for counting.
    pub kind: &'static str,
    pub message: String,
}

/// The path's segments.
pub fn segments(path: &PathTemplate) -> Vec<Segment> {
    // Parameters become one-character markers so that their text cannot
    // confuse the split: `\u{0}` a key, `\u{1}` a value that keeps slashes.
    let mut text = String::new();
    for part in &path.parts {
        match part {
            PathPart::Literal { text: literal } => text.push_str(literal),
            PathPart::Param { keeps_slashes, .. } => {
                text.push(if *keeps_slashes { '\u{1}' } else { '\u{0}' })
            }
        }
    }
    let mut result = Vec::new();
    // Colons outside parentheses delimit item paths: `/root:/{path}:/content`.
    let mut depth = 0usize;
    let mut pieces = vec![String::new()];
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ':' if depth == 0 => {
                pieces.push(String::new());
                continue;
            }
            _ => {}
        }
        if let Some(last) = pieces.last_mut() {
            last.push(c);
        }
    }
    for (i, piece) in pieces.iter().enumerate() {
        if i % 2 == 1 {
            if !piece.trim_matches('/').is_empty() {
                result.push(Segment::ItemPath);
            }
            continue;
        }
        for raw in piece.split('/').filter(|s| !s.is_empty()) {
            result.push(segment(raw));
        }
    }
    result
}

fn segment(raw: &str) -> Segment {
    match raw {
        "$ref" => return Segment::Ref,
        "$value" => return Segment::Value,
        "$count" => return Segment::Count,
        _ => {}
    }
    let (name, call) = match raw.split_once('(') {
        Some((name, _)) => (name, true),
        None => (raw, false),
    };
    if name.is_empty() || name.contains(['\u{0}', '\u{1}']) {
        return Segment::Key;
    }
    Segment::Name {
        name: name.to_string(),
        call,
    }
}

fn shown(segment: &Segment) -> String {
    match segment {
        Segment::Name { name, call: true } => format!("{name}(…)"),
        Segment::Name { name, .. } => name.clone(),
        Segment::Key => "{}".into(),
        Segment::ItemPath => ":/{}:".into(),
        Segment::Ref => "$ref".into(),
        Segment::Value => "$value".into(),
        Segment::Count => "$count".into(),
    }
}

/// Resolves a documented path against the CSDL.
pub fn resolve(index: &Index<'_>, path: &PathTemplate) -> Result<Resolution, Unresolved> {
    let mut segments = segments(path);
    // A version prefix written into the path (`/beta/users`) is not a segment.
    if matches!(segments.first(), Some(Segment::Name { name, .. }) if name == "v1.0" || name == "beta")
    {
        segments.remove(0);
    }
    let fail = |segment: &Segment, kind: &'static str, message: String| Unresolved {
        segment: shown(segment),
        kind,
        message,
    };
    let Some((first, rest)) = segments.split_first() else {
        return Err(Unresolved {
            segment: String::new(),
            kind: "empty",
            message: "the path has no segment".into(),
        });
    };
    let Segment::Name { name, call } = first else {
        return Err(fail(
            first,
            "no-root",
            "the path does not start with a name".into(),
        ));
    };
    let Some((item, collection)) = index.root(name) else {
        return Err(fail(
            first,
            "no-root",
            format!("no entity set or singleton `{name}`"),
        ));
    };
    let mut current = CsdlTypeRef {
        name: item.ty.clone(),
        collection,
    };
    let mut last = Step::Root;
    let mut before = None;
    // `users('{id}')`: a key in parentheses.
    if *call && current.collection {
        current.collection = false;
        last = Step::Key;
    }
    let mut done: Option<Target> = None;
    for segment in rest {
        if done.is_some() {
            return Err(fail(
                segment,
                "after-end",
                "a segment after `$ref`, `$value`, `$count` or an action without result".into(),
            ));
        }
        let previous = current.clone();
        match segment {
            Segment::Key => {
                if !current.collection {
                    return Err(fail(
                        segment,
                        "key-on-single",
                        format!("a key after a single value of `{}`", current.name),
                    ));
                }
                current.collection = false;
                last = Step::Key;
            }
            Segment::ItemPath => {
                current.collection = false;
                last = Step::ItemPath;
            }
            Segment::Ref => {
                done = Some(Target::Ref(current.collection));
                last = Step::Ref;
            }
            Segment::Value => {
                done = Some(Target::Stream);
                last = Step::Value;
            }
            Segment::Count => {
                done = Some(Target::Count);
                last = Step::Count;
            }
            Segment::Name { name, call } => {
                let step = name_step(index, &current, name, *call)
                    .map_err(|(kind, message)| fail(segment, kind, message))?;
                last = step.0;
                match step.1 {
                    Some(next) => current = next,
                    None => done = Some(Target::NoValue),
                }
            }
        }
        before = Some(previous);
    }
    let target = match done {
        Some(target) => target,
        None if current.name.eq_ignore_ascii_case("Edm.Stream") => Target::Stream,
        None => Target::Value(current),
    };
    Ok(Resolution {
        target,
        last,
        before,
    })
}

type StepResult = Result<(Step, Option<CsdlTypeRef>), (&'static str, String)>;

/// One named segment after `current`: a member, a cast, or a bound operation.
fn name_step(index: &Index<'_>, current: &CsdlTypeRef, name: &str, call: bool) -> StepResult {
    if !current.collection {
        if let Some(member) = index.member(&current.name, name) {
            let (step, ty) = match member {
                Member::Navigation(nav) => (Step::Navigation, nav.ty.clone()),
                Member::Property(p) => (Step::Property, p.ty.clone()),
            };
            // `members('{id}')`: a key in parentheses.
            let ty = if call && ty.collection {
                CsdlTypeRef {
                    collection: false,
                    ..ty
                }
            } else {
                ty
            };
            return Ok((step, Some(ty)));
        }
    }
    if name.contains('.') {
        if let Some(cast) = index.type_qualified(name) {
            return Ok((
                Step::Cast,
                Some(CsdlTypeRef {
                    name: cast.qualified(),
                    collection: current.collection,
                }),
            ));
        }
    }
    let simple = super::simple_name(name);
    if let Some(op) = index.bound_operation(simple, &current.name, current.collection) {
        let step = match op.kind {
            OperationKind::Function => Step::Function,
            OperationKind::Action => Step::Action,
        };
        return Ok((step, op.return_type.clone()));
    }
    // A literal key: `/directoryRoles/roleTemplateId=…`, a GUID, or a
    // well-known folder name (`/me/mailFolders/inbox`).
    if current.collection && looks_like_key(name) {
        return Ok((
            Step::Key,
            Some(CsdlTypeRef {
                collection: false,
                ..current.clone()
            }),
        ));
    }
    if !current.collection {
        if let Some(derived) = index.derived_with_member(&current.name, name) {
            return Err((
                "needs-cast",
                format!(
                    "`{name}` is not on `{}` but on its derived type `{derived}`: the path needs the cast `/{derived}`",
                    current.name
                ),
            ));
        }
    }
    let what = if current.collection {
        format!("a collection of `{}`", current.name)
    } else {
        format!("`{}`", current.name)
    };
    let kind = if current.collection {
        "no-collection-operation"
    } else {
        "no-member"
    };
    Err((
        kind,
        format!("no property, navigation property, cast or bound operation `{name}` on {what}"),
    ))
}

/// Well-known names that stand for a key (mail folders by name).
const WELL_KNOWN_KEYS: &[&str] = &[
    "archive",
    "clutter",
    "conflicts",
    "conversationhistory",
    "deleteditems",
    "drafts",
    "inbox",
    "junkemail",
    "localfailures",
    "msgfolderroot",
    "outbox",
    "recoverableitemsdeletions",
    "scheduled",
    "searchfolders",
    "sentitems",
    "serverfailures",
    "syncissues",
];

/// Whether a segment at a collection is a literal key rather than a name: it
/// holds a digit, `-`, `=` or a quote, or is a well-known folder name.
fn looks_like_key(segment: &str) -> bool {
    segment
        .chars()
        .any(|c| c.is_ascii_digit() || matches!(c, '-' | '=' | '\''))
        || WELL_KNOWN_KEYS
            .iter()
            .any(|known| known.eq_ignore_ascii_case(segment))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metadata::parse::parse_str;

    const CSDL: &str = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <EntityType Name="entity" Abstract="true"><Property Name="id" Type="Edm.String" /></EntityType>
  <EntityType Name="directoryObject" BaseType="graph.entity">
    <NavigationProperty Name="memberOf" Type="Collection(graph.directoryObject)" />
  </EntityType>
  <EntityType Name="user" BaseType="graph.directoryObject" OpenType="true">
    <Property Name="photoBytes" Type="Edm.Stream" />
    <Property Name="settings" Type="graph.settings" />
    <NavigationProperty Name="drive" Type="graph.drive" ContainsTarget="true" />
    <NavigationProperty Name="messages" Type="Collection(graph.message)" ContainsTarget="true" />
  </EntityType>
  <EntityType Name="group" BaseType="graph.directoryObject" />
  <ComplexType Name="settings"><Property Name="zone" Type="Edm.String" /></ComplexType>
  <EntityType Name="message" BaseType="graph.entity" />
  <EntityType Name="drive" BaseType="graph.entity"><NavigationProperty Name="root" Type="graph.driveItem" ContainsTarget="true" /></EntityType>
  <EntityType Name="driveItem" BaseType="graph.entity"><Property Name="content" Type="Edm.Stream" /></EntityType>
  <Function Name="delta" IsBound="true"><Parameter Name="b" Type="Collection(graph.message)" /><ReturnType Type="Collection(graph.message)" /></Function>
  <Function Name="reminderView" IsBound="true"><Parameter Name="b" Type="graph.user" /><Parameter Name="start" Type="Edm.String" /><ReturnType Type="Collection(graph.settings)" /></Function>
  <Action Name="checkMemberGroups" IsBound="true"><Parameter Name="b" Type="graph.directoryObject" /><ReturnType Type="Collection(Edm.String)" /></Action>
  <Action Name="send" IsBound="true"><Parameter Name="b" Type="graph.message" /></Action>
  <EntityContainer Name="GraphService">
    <EntitySet Name="users" EntityType="graph.user" />
    <Singleton Name="me" Type="graph.user" />
  </EntityContainer>
</Schema></edmx:DataServices></edmx:Edmx>"#;

    fn run(path: &str) -> Result<Resolution, Unresolved> {
        let csdl = parse_str(CSDL, "t.xml").expect("parses");
        let index = Index::new(&csdl);
        resolve(&index, &PathTemplate::parse(path))
    }

    fn value(name: &str, collection: bool) -> Target {
        Target::Value(CsdlTypeRef {
            name: name.into(),
            collection,
        })
    }

    #[test]
    fn roots_keys_and_navigation_through_base_types() {
        assert_eq!(
            run("/me").map(|r| r.target),
            Ok(value("microsoft.graph.user", false))
        );
        assert_eq!(
            run("/users").map(|r| r.target),
            Ok(value("microsoft.graph.user", true))
        );
        assert_eq!(
            run("/users/{id | userPrincipalName}").map(|r| r.target),
            Ok(value("microsoft.graph.user", false))
        );
        assert_eq!(
            run("/users/{id}/memberOf").map(|r| r.target),
            Ok(value("microsoft.graph.directoryObject", true))
        );
        assert_eq!(
            run("/me/memberOf/microsoft.graph.group").map(|r| (r.target, r.last)),
            Ok((value("microsoft.graph.group", true), Step::Cast))
        );
        assert_eq!(
            run("/me/settings").map(|r| r.target),
            Ok(value("microsoft.graph.settings", false))
        );
    }

    #[test]
    fn operations_streams_refs_and_item_paths() {
        assert_eq!(
            run("/me/messages/delta()").map(|r| r.target),
            Ok(value("microsoft.graph.message", true))
        );
        assert_eq!(
            run("/me/reminderView(start={start})").map(|r| r.target),
            Ok(value("microsoft.graph.settings", true))
        );
        assert_eq!(
            run("/users/{id}/checkMemberGroups").map(|r| (r.target, r.last)),
            Ok((value("Edm.String", true), Step::Action))
        );
        assert_eq!(
            run("/me/messages/{id}/send").map(|r| r.target),
            Ok(Target::NoValue)
        );
        assert_eq!(
            run("/me/drive/root:/{item-path}:/content").map(|r| r.target),
            Ok(Target::Stream)
        );
        assert_eq!(run("/me/photoBytes").map(|r| r.target), Ok(Target::Stream));
        assert_eq!(
            run("/me/messages/$count").map(|r| r.target),
            Ok(Target::Count)
        );
        assert_eq!(
            run("/users/{id}/memberOf/$ref").map(|r| r.target),
            Ok(Target::Ref(true))
        );
        assert_eq!(
            run("/me/messages/{id}/$value").map(|r| r.target),
            Ok(Target::Stream)
        );
    }

    #[test]
    fn unresolved_paths_say_why() {
        assert_eq!(run("/nothing").map_err(|e| e.kind), Err("no-root"));
        assert_eq!(run("/me/unknown").map_err(|e| e.kind), Err("no-member"));
        assert_eq!(run("/me/{id}").map_err(|e| e.kind), Err("key-on-single"));
        assert_eq!(
            run("/me/messages/send").map_err(|e| e.kind),
            Err("no-collection-operation")
        );
        assert_eq!(
            run("/me/messages/{id}/send/more").map_err(|e| e.kind),
            Err("after-end")
        );
        assert_eq!(run("/").map_err(|e| e.kind), Err("empty"));
        // `drive` is on `user`, not on `directoryObject`.
        assert_eq!(
            run("/users/{id}/memberOf/{id}/drive").map_err(|e| e.kind),
            Err("needs-cast")
        );
    }

    #[test]
    fn literal_keys_at_a_collection() {
        assert_eq!(
            run("/users/acdefc6b-2dc6-4e71-b1e9-6d9810ab1793/memberOf").map(|r| r.target),
            Ok(value("microsoft.graph.directoryObject", true))
        );
        assert_eq!(
            run("/me/messages/inbox").map(|r| r.target),
            Ok(value("microsoft.graph.message", false))
        );
    }
}
