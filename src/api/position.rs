//! Where each field of a manifest sits in its file: field paths in Kubernetes' notation
//! (`spec.template.spec.containers[0].image`) and an index from those paths to line and column.
//!
//! `yaml_serde` gives values without positions, so the index is built from a second pass over
//! the text with `saphyr-parser`'s marked event stream. This module only locates nodes: it never
//! decides whether a document is valid, and a document it cannot index still loads (its
//! messages then point at the document's first line).

use std::fmt;

use saphyr_parser::{Event, Parser, ScalarStyle};

/// One step of a field path. `Field` and `Key` both select a mapping entry; they differ only in
/// how Kubernetes prints them: `.name` for a struct field, `[key]` for a map key (labels,
/// resource names).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum PathSeg {
    Field(String),
    Key(String),
    Index(usize),
}

/// A field path as the API server prints it in validation errors.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct FieldPath(pub Vec<PathSeg>);

impl FieldPath {
    pub fn root() -> FieldPath {
        FieldPath(Vec::new())
    }

    /// Builds a path of struct fields from dotted text: `FieldPath::of("spec.template")`.
    pub fn of(dotted: &str) -> FieldPath {
        FieldPath(
            dotted
                .split('.')
                .filter(|s| !s.is_empty())
                .map(|s| PathSeg::Field(s.to_string()))
                .collect(),
        )
    }

    pub fn child(&self, field: &str) -> FieldPath {
        self.with(PathSeg::Field(field.to_string()))
    }

    pub fn key(&self, key: &str) -> FieldPath {
        self.with(PathSeg::Key(key.to_string()))
    }

    pub fn index(&self, index: usize) -> FieldPath {
        self.with(PathSeg::Index(index))
    }

    pub fn with(&self, seg: PathSeg) -> FieldPath {
        let mut segs = self.0.clone();
        segs.push(seg);
        FieldPath(segs)
    }

    /// Appends every step of `tail` after this path.
    pub fn join(&self, tail: &FieldPath) -> FieldPath {
        let mut segs = self.0.clone();
        segs.extend(tail.0.iter().cloned());
        FieldPath(segs)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// True when `self` equals `other` or lies inside it.
    pub fn starts_with(&self, other: &FieldPath) -> bool {
        self.0.len() >= other.0.len() && self.0[..other.0.len()] == other.0[..]
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                PathSeg::Field(name) if i == 0 => f.write_str(name)?,
                PathSeg::Field(name) => write!(f, ".{name}")?,
                PathSeg::Key(key) => write!(f, "[{key}]")?,
                PathSeg::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

/// A mapping key or sequence index as the index stores it (struct fields and map keys alike).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum NodeKey {
    Name(String),
    Index(usize),
}

/// What the index knows about one node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct NodeInfo {
    /// Where the mapping key naming this node starts (none for sequence items and the root).
    key: Option<Pos>,
    /// Where the value starts.
    value: Pos,
    /// The value is a plain (unquoted) scalar: `yes` rather than `"yes"`.
    plain_scalar: bool,
}

/// The id of a node in [`DocPositions`]; [`ROOT`] is the document's root value.
type NodeId = usize;
const ROOT: NodeId = 0;

/// Positions of the nodes of one YAML document, as a tree: each node is stored once, under
/// its parent and its own key, so building the index is linear in the size of the document
/// however deep it nests (a node never copies the path that leads to it).
#[derive(Debug, Clone, Default)]
pub struct DocPositions {
    /// By node id; `None` for the root until it is read.
    nodes: Vec<Option<NodeInfo>>,
    /// A node's children by key. Only looked up, never iterated, so its order cannot reach an
    /// output.
    children: std::collections::HashMap<(NodeId, NodeKey), NodeId>,
    /// Where the document starts; the answer for paths with no indexed ancestor.
    start: Option<Pos>,
}

impl DocPositions {
    /// An index that knows no node and answers `fallback` for every path (for objects that
    /// did not come from text, such as inline manifests in a scenario).
    pub fn fixed(fallback: Pos) -> DocPositions {
        DocPositions {
            nodes: Vec::new(),
            children: Default::default(),
            start: Some(fallback),
        }
    }

    fn starting_at(start: Pos) -> DocPositions {
        DocPositions {
            nodes: vec![None],
            children: Default::default(),
            start: Some(start),
        }
    }

    fn info(&self, id: NodeId) -> Option<NodeInfo> {
        self.nodes.get(id).copied().flatten()
    }

    /// The ids of the nodes along `path` from the root, as far as they are indexed.
    fn walk(&self, path: &FieldPath) -> Vec<NodeId> {
        let mut ids = Vec::new();
        if self.info(ROOT).is_none() {
            return ids;
        }
        ids.push(ROOT);
        for seg in &path.0 {
            let key = match seg {
                PathSeg::Field(s) | PathSeg::Key(s) => NodeKey::Name(s.clone()),
                PathSeg::Index(i) => NodeKey::Index(*i),
            };
            let parent = *ids.last().expect("not empty");
            match self.children.get(&(parent, key)) {
                Some(id) => ids.push(*id),
                None => break,
            }
        }
        ids
    }

    /// The node at exactly `path`, if indexed.
    fn node(&self, path: &FieldPath) -> Option<NodeInfo> {
        let ids = self.walk(path);
        if ids.len() == path.0.len() + 1 {
            self.info(*ids.last()?)
        } else {
            None
        }
    }

    /// The position of the value at `path`, or of its nearest indexed ancestor when the field
    /// is absent (a missing `image` points at its container).
    pub fn value_pos(&self, path: &FieldPath) -> Pos {
        self.walk(path)
            .last()
            .and_then(|id| self.info(*id))
            .map(|info| info.value)
            .unwrap_or(self.start.unwrap_or(Pos { line: 1, column: 1 }))
    }

    /// The position of the key naming the field at `path` (for "unknown field" warnings);
    /// falls back to [`DocPositions::value_pos`].
    pub fn key_pos(&self, path: &FieldPath) -> Pos {
        match self.node(path) {
            Some(NodeInfo { key: Some(k), .. }) => k,
            _ => self.value_pos(path),
        }
    }

    /// Whether the value at `path` was written as a quoted or block string rather than a
    /// plain scalar. `None` when the path is not indexed.
    pub fn is_quoted(&self, path: &FieldPath) -> Option<bool> {
        self.node(path).map(|i| !i.plain_scalar)
    }
}

/// How deep collections may nest in an input file. Kubernetes objects nest about a dozen
/// levels (a container's resource requests sit at depth 8 of a CronJob); anything deeper
/// than this is refused before it is parsed further, so that neither time nor stack grows
/// with hostile nesting. (Below the 255 flow levels the event parser itself accepts.)
pub const MAX_NESTING_DEPTH: usize = 200;

/// Where `text` first nests collections deeper than [`MAX_NESTING_DEPTH`], if it does.
/// Reads the raw event stream (no recursion, linear time); a syntax error ends the check
/// quietly (the YAML loader reports it with its own position).
pub fn too_deep(text: &str) -> Option<Pos> {
    let mut depth = 0usize;
    for item in Parser::new_from_str(text) {
        let (event, span) = match item {
            Ok(item) => item,
            // The parser's own limit on flow nesting.
            Err(e) if e.info().contains("recursion limit") => {
                return Some(Pos {
                    line: e.marker().line(),
                    column: e.marker().col() + 1,
                });
            }
            Err(_) => break,
        };
        match event {
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                depth += 1;
                if depth > MAX_NESTING_DEPTH {
                    return Some(Pos {
                        line: span.start.line(),
                        column: span.start.col() + 1,
                    });
                }
            }
            Event::MappingEnd | Event::SequenceEnd => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// How many items the sequence at `path` (mapping keys from the root) of the first document
/// of `text` holds, counting no further than `cap + 1`: a cheap look at a list's length
/// before the text is decoded whole. `None` when there is no sequence there or the text does
/// not parse. Also gives where the sequence starts.
pub fn sequence_len(text: &str, path: &[&str], cap: usize) -> Option<(usize, Pos)> {
    struct Open {
        map: bool,
        on_path: bool,
        expect_key: bool,
        key: Option<String>,
        target: bool,
        items: usize,
        at: Pos,
    }
    let mut stack: Vec<Open> = Vec::new();
    for item in Parser::new_from_str(text) {
        let Ok((event, span)) = item else { return None };
        let starts = matches!(
            event,
            Event::Scalar(..)
                | Event::Alias(_)
                | Event::MappingStart(..)
                | Event::SequenceStart(..)
        );
        let depth = stack.len();
        let (mut is_key, mut on_path) = (false, depth == 0);
        if starts && let Some(parent) = stack.last_mut() {
            if parent.map && parent.expect_key {
                is_key = true;
                parent.expect_key = false;
            } else {
                if parent.target {
                    parent.items += 1;
                    if parent.items > cap {
                        return Some((parent.items, parent.at));
                    }
                }
                on_path = parent.on_path
                    && parent.map
                    && depth <= path.len()
                    && parent.key.as_deref() == Some(path[depth - 1]);
                if parent.map {
                    parent.expect_key = true;
                }
            }
        }
        match event {
            Event::Scalar(value, ..) if is_key => {
                if let Some(parent) = stack.last_mut() {
                    parent.key = Some(value.to_string());
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let map = matches!(event, Event::MappingStart(..));
                if is_key && let Some(parent) = stack.last_mut() {
                    parent.key = None;
                }
                stack.push(Open {
                    map,
                    on_path: on_path && !is_key,
                    expect_key: true,
                    key: None,
                    target: !map && !is_key && on_path && depth == path.len(),
                    items: 0,
                    at: Pos {
                        line: span.start.line(),
                        column: span.start.col() + 1,
                    },
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let open = stack.pop()?;
                if open.target {
                    return Some((open.items, open.at));
                }
            }
            Event::DocumentEnd => return None,
            _ => {}
        }
    }
    None
}

/// The `kind` of the first non-empty document of `text` (a top-level scalar), read from the
/// event stream without decoding the document. `None` when that document is not a mapping,
/// has no scalar `kind`, or the text does not parse before it.
pub fn first_document_kind(text: &str) -> Option<String> {
    let mut depth = 0usize;
    // At depth 1 of the root mapping: whether the next node is a key, and whether the
    // previous key was `kind`.
    let mut expect_key = true;
    let mut after_kind = false;
    for item in Parser::new_from_str(text) {
        let Ok((event, _)) = item else { return None };
        match event {
            Event::Scalar(value, style, ..) => {
                if depth == 0 {
                    let empty = style == ScalarStyle::Plain
                        && matches!(&*value, "" | "~" | "null" | "Null" | "NULL");
                    if empty {
                        continue; // an empty document: look at the next
                    }
                    return None;
                }
                if depth == 1 {
                    if expect_key {
                        after_kind = value == "kind";
                    } else if after_kind {
                        return Some(value.to_string());
                    }
                    expect_key = !expect_key;
                }
            }
            Event::Alias(_) if depth == 1 => {
                if !expect_key && after_kind {
                    return None;
                }
                after_kind = false;
                expect_key = !expect_key;
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if depth == 0 && matches!(event, Event::SequenceStart(..)) {
                    return None;
                }
                if depth == 1 {
                    if !expect_key && after_kind {
                        return None;
                    }
                    after_kind = false;
                }
                depth += 1;
            }
            Event::MappingEnd | Event::SequenceEnd => {
                depth -= 1;
                match depth {
                    0 => return None,
                    1 => expect_key = !expect_key,
                    _ => {}
                }
            }
            _ => {}
        }
    }
    None
}

/// One open collection while walking the event stream.
enum Frame {
    Mapping {
        /// The collection's own node (none inside complex keys).
        node: Option<NodeId>,
        /// The key read and waiting for its value, with its position.
        pending_key: Option<(String, Pos)>,
    },
    Sequence {
        node: Option<NodeId>,
        next_index: usize,
    },
}

/// Where the next value goes: the root, or under a parent with a key (and the key's
/// position); none inside complex keys.
enum Slot {
    Root,
    Child(NodeId, NodeKey, Option<Pos>),
    Nowhere,
}

/// Indexes every document of `text`, in order. Stops quietly at a syntax error: the YAML
/// loader reports syntax errors itself, with their own position. Also stops (leaving the
/// documents unindexed) when nesting exceeds [`MAX_NESTING_DEPTH`]: callers refuse such
/// text with [`too_deep`] first.
pub fn index_documents(text: &str) -> Vec<DocPositions> {
    let mut docs = Vec::new();
    let mut current: Option<DocPositions> = None;
    let mut stack: Vec<Frame> = Vec::new();
    for item in Parser::new_from_str(text) {
        let Ok((event, span)) = item else { break };
        let pos = Pos {
            line: span.start.line(),
            column: span.start.col() + 1,
        };
        match event {
            Event::DocumentStart(_) => {
                stack.clear();
                current = Some(DocPositions::starting_at(pos));
            }
            Event::DocumentEnd => {
                if let Some(doc) = current.take() {
                    docs.push(doc);
                }
            }
            Event::Scalar(text, style, _, _) => {
                if take_key(&mut stack, &text, pos) {
                    continue;
                }
                let slot = next_slot(&mut stack);
                record(&mut current, slot, pos, style == ScalarStyle::Plain);
            }
            Event::Alias(_) => {
                if take_key(&mut stack, "*alias", pos) {
                    continue;
                }
                let slot = next_slot(&mut stack);
                record(&mut current, slot, pos, true);
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if stack.len() >= MAX_NESTING_DEPTH {
                    return docs;
                }
                let is_key = matches!(
                    stack.last(),
                    Some(Frame::Mapping {
                        pending_key: None,
                        ..
                    })
                );
                let node = if is_key {
                    None
                } else {
                    let slot = next_slot(&mut stack);
                    record(&mut current, slot, pos, false)
                };
                stack.push(match event {
                    Event::MappingStart(..) => Frame::Mapping {
                        node,
                        pending_key: None,
                    },
                    _ => Frame::Sequence {
                        node,
                        next_index: 0,
                    },
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let was_key = matches!(
                    stack.pop(),
                    Some(Frame::Mapping { node: None, .. } | Frame::Sequence { node: None, .. })
                ) && matches!(
                    stack.last(),
                    Some(Frame::Mapping {
                        pending_key: None,
                        node: Some(_)
                    })
                );
                // A complex (collection) key: the value that follows cannot be named.
                if was_key {
                    take_key(&mut stack, "?complex", pos);
                }
            }
            _ => {}
        }
    }
    docs
}

/// If the innermost collection is a mapping waiting for a key, takes `text` as that key.
fn take_key(stack: &mut [Frame], text: &str, pos: Pos) -> bool {
    if let Some(Frame::Mapping { pending_key, .. }) = stack.last_mut()
        && pending_key.is_none()
    {
        *pending_key = Some((text.to_string(), pos));
        return true;
    }
    false
}

/// Where the value about to be read goes, advancing the innermost collection past it.
fn next_slot(stack: &mut [Frame]) -> Slot {
    match stack.last_mut() {
        None => Slot::Root,
        Some(Frame::Mapping { node, pending_key }) => match (pending_key.take(), node) {
            (Some((key, key_pos)), Some(parent)) => {
                Slot::Child(*parent, NodeKey::Name(key), Some(key_pos))
            }
            _ => Slot::Nowhere,
        },
        Some(Frame::Sequence { node, next_index }) => {
            let index = *next_index;
            *next_index += 1;
            match node {
                Some(parent) => Slot::Child(*parent, NodeKey::Index(index), None),
                None => Slot::Nowhere,
            }
        }
    }
}

/// Records the value at `slot`; returns its node (for a collection's children).
fn record(
    current: &mut Option<DocPositions>,
    slot: Slot,
    value: Pos,
    plain_scalar: bool,
) -> Option<NodeId> {
    let doc = current.as_mut()?;
    let info = NodeInfo {
        key: None,
        value,
        plain_scalar,
    };
    match slot {
        Slot::Nowhere => None,
        Slot::Root => {
            // The first occurrence wins.
            let root = &mut doc.nodes[ROOT];
            root.get_or_insert(info);
            Some(ROOT)
        }
        Slot::Child(parent, key, key_pos) => {
            // The first occurrence wins; a duplicate key is reported by the YAML loader.
            let next = doc.nodes.len();
            let id = *doc.children.entry((parent, key)).or_insert(next);
            if id == next {
                doc.nodes.push(Some(NodeInfo {
                    key: key_pos,
                    ..info
                }));
            }
            Some(id)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JOB: &str = "\
apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  completions: -1
  template:
    spec:
      containers:
      - name: pi
        imagePullPolicy: Always
      - name: two
        image: \"busybox\"
---
kind: Job
";

    #[test]
    fn field_path_prints_fields_with_dots_and_keys_in_brackets() {
        let p = FieldPath::of("spec.template.spec")
            .child("containers")
            .index(0)
            .child("resources")
            .child("requests")
            .key("cpu");
        assert_eq!(
            p.to_string(),
            "spec.template.spec.containers[0].resources.requests[cpu]"
        );
    }

    #[test]
    fn value_position_is_where_the_value_starts() {
        let docs = index_documents(JOB);
        assert_eq!(docs.len(), 2);
        let p = docs[0].value_pos(&FieldPath::of("spec.completions"));
        assert_eq!(
            p,
            Pos {
                line: 6,
                column: 16
            }
        );
    }

    #[test]
    fn key_position_is_where_the_key_starts() {
        let docs = index_documents(JOB);
        let path = FieldPath::of("spec.template.spec.containers")
            .index(0)
            .child("imagePullPolicy");
        assert_eq!(
            docs[0].key_pos(&path),
            Pos {
                line: 11,
                column: 9
            }
        );
    }

    #[test]
    fn missing_field_points_at_nearest_ancestor() {
        let docs = index_documents(JOB);
        let path = FieldPath::of("spec.template.spec.containers")
            .index(0)
            .child("image");
        // The container mapping starts at its first key, `name`, after the dash.
        assert_eq!(
            docs[0].value_pos(&path),
            Pos {
                line: 10,
                column: 9
            }
        );
    }

    #[test]
    fn second_document_positions_are_absolute() {
        let docs = index_documents(JOB);
        assert_eq!(
            docs[1].value_pos(&FieldPath::of("kind")),
            Pos {
                line: 15,
                column: 7
            }
        );
    }

    #[test]
    fn quoted_scalars_are_told_apart_from_plain_ones() {
        let docs = index_documents(JOB);
        let c = FieldPath::of("spec.template.spec.containers");
        assert_eq!(docs[0].is_quoted(&c.index(1).child("image")), Some(true));
        assert_eq!(docs[0].is_quoted(&c.index(1).child("name")), Some(false));
    }

    fn count(text: &str, path: &[&str], cap: usize) -> Option<usize> {
        sequence_len(text, path, cap).map(|(n, _)| n)
    }

    #[test]
    fn sequence_length_is_counted_from_the_events_up_to_a_cap() {
        let text = "a: {x: [1]}\nspec:\n  other: [1, 2, 3, 4]\n  workloads:\n  - {w: [1, 2]}\n  - b\n  - [c]\n";
        assert_eq!(count(text, &["spec", "workloads"], 10), Some(3));
        assert_eq!(count(text, &["spec", "workloads"], 1), Some(2));
        assert_eq!(count(text, &["spec", "other"], 10), Some(4));
        assert_eq!(count(text, &["a", "x"], 10), Some(1));
        assert_eq!(count(text, &["spec"], 10), None);
        assert_eq!(count(text, &["nothing"], 10), None);
        assert_eq!(
            sequence_len(text, &["spec", "workloads"], 10).map(|(_, at)| at),
            Some(Pos { line: 5, column: 5 })
        );
        assert_eq!(count("? [k]\n: [1]\nk: [1, 2]\n", &["k"], 10), Some(2));
    }

    #[test]
    fn first_document_kind_skips_empty_documents_and_nested_kinds() {
        assert_eq!(
            first_document_kind("---\n# c\n---\napiVersion: v\nkind: Scenario\n").as_deref(),
            Some("Scenario")
        );
        assert_eq!(
            first_document_kind("meta: {kind: Job}\nlist: [kind]\nkind: CronJob\n").as_deref(),
            Some("CronJob")
        );
        assert_eq!(first_document_kind("kind: {a: b}\n"), None);
        assert_eq!(first_document_kind("- kind: Job\n"), None);
        assert_eq!(first_document_kind("a: 1\n---\nkind: Job\n"), None);
        assert_eq!(first_document_kind("a: [unclosed"), None);
        assert_eq!(first_document_kind(""), None);
    }

    #[test]
    fn flow_collections_are_indexed() {
        let docs = index_documents("a: {b: [x, {c: 1}]}\n");
        let p = FieldPath::of("a.b").index(1).child("c");
        assert_eq!(
            docs[0].value_pos(&p),
            Pos {
                line: 1,
                column: 16
            }
        );
    }
}
