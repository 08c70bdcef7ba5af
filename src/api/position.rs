//! Where each field of a manifest sits in its file: field paths in Kubernetes' notation
//! (`spec.template.spec.containers[0].image`) and an index from those paths to line and column.
//!
//! `yaml_serde` gives values without positions, so the index is built from a second pass over
//! the text with `saphyr-parser`'s marked event stream. This module only locates nodes: it never
//! decides whether a document is valid, and a document it cannot index still loads (its
//! messages then point at the document's first line).

use std::collections::BTreeMap;
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

    fn lookup_key(&self) -> Vec<NodeKey> {
        self.0
            .iter()
            .map(|seg| match seg {
                PathSeg::Field(s) | PathSeg::Key(s) => NodeKey::Name(s.clone()),
                PathSeg::Index(i) => NodeKey::Index(*i),
            })
            .collect()
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
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
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

/// Positions of the nodes of one YAML document, by path from the document root.
#[derive(Debug, Clone, Default)]
pub struct DocPositions {
    nodes: BTreeMap<Vec<NodeKey>, NodeInfo>,
    /// Where the document starts; the answer for paths with no indexed ancestor.
    start: Option<Pos>,
}

impl DocPositions {
    /// An index that knows no node and answers `fallback` for every path (for objects that
    /// did not come from text, such as inline manifests in a scenario).
    pub fn fixed(fallback: Pos) -> DocPositions {
        DocPositions {
            nodes: BTreeMap::new(),
            start: Some(fallback),
        }
    }

    /// The position of the value at `path`, or of its nearest indexed ancestor when the field
    /// is absent (a missing `image` points at its container).
    pub fn value_pos(&self, path: &FieldPath) -> Pos {
        let mut key = path.lookup_key();
        loop {
            if let Some(info) = self.nodes.get(&key) {
                return info.value;
            }
            if key.pop().is_none() {
                return self.start.unwrap_or(Pos { line: 1, column: 1 });
            }
        }
    }

    /// The position of the key naming the field at `path` (for "unknown field" warnings);
    /// falls back to [`DocPositions::value_pos`].
    pub fn key_pos(&self, path: &FieldPath) -> Pos {
        match self.nodes.get(&path.lookup_key()) {
            Some(NodeInfo { key: Some(k), .. }) => *k,
            _ => self.value_pos(path),
        }
    }

    /// Whether the value at `path` was written as a quoted or block string rather than a
    /// plain scalar. `None` when the path is not indexed.
    pub fn is_quoted(&self, path: &FieldPath) -> Option<bool> {
        self.nodes.get(&path.lookup_key()).map(|i| !i.plain_scalar)
    }
}

/// One open collection while walking the event stream.
enum Frame {
    Mapping {
        path: Option<Vec<NodeKey>>,
        /// The key read and waiting for its value, with its position.
        pending_key: Option<(String, Pos)>,
    },
    Sequence {
        path: Option<Vec<NodeKey>>,
        next_index: usize,
    },
}

/// Where the next value goes: its path (none inside complex keys) and its key's position.
type Slot = Option<(Vec<NodeKey>, Option<Pos>)>;

/// Indexes every document of `text`, in order. Stops quietly at a syntax error: the YAML
/// loader reports syntax errors itself, with their own position.
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
                current = Some(DocPositions {
                    nodes: BTreeMap::new(),
                    start: Some(pos),
                });
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
                let is_key = matches!(
                    stack.last(),
                    Some(Frame::Mapping {
                        pending_key: None,
                        ..
                    })
                );
                let path = if is_key {
                    None
                } else {
                    let slot = next_slot(&mut stack);
                    let path = slot.as_ref().map(|(p, _)| p.clone());
                    record(&mut current, slot, pos, false);
                    path
                };
                stack.push(match event {
                    Event::MappingStart(..) => Frame::Mapping {
                        path,
                        pending_key: None,
                    },
                    _ => Frame::Sequence {
                        path,
                        next_index: 0,
                    },
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let was_key = matches!(
                    stack.pop(),
                    Some(Frame::Mapping { path: None, .. } | Frame::Sequence { path: None, .. })
                ) && matches!(
                    stack.last(),
                    Some(Frame::Mapping {
                        pending_key: None,
                        path: Some(_)
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

/// The path of the value about to be read, advancing the innermost collection past it.
fn next_slot(stack: &mut [Frame]) -> Slot {
    match stack.last_mut() {
        None => Some((Vec::new(), None)),
        Some(Frame::Mapping { path, pending_key }) => {
            let (key, key_pos) = pending_key.take()?;
            let mut p = path.clone()?;
            p.push(NodeKey::Name(key));
            Some((p, Some(key_pos)))
        }
        Some(Frame::Sequence { path, next_index }) => {
            let index = *next_index;
            *next_index += 1;
            let mut p = path.clone()?;
            p.push(NodeKey::Index(index));
            Some((p, None))
        }
    }
}

fn record(current: &mut Option<DocPositions>, slot: Slot, value: Pos, plain_scalar: bool) {
    if let (Some(doc), Some((path, key))) = (current.as_mut(), slot) {
        // The first occurrence wins; a duplicate key is reported by the YAML loader.
        doc.nodes.entry(path).or_insert(NodeInfo {
            key,
            value,
            plain_scalar,
        });
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
