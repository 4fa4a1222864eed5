//! YAML read into a small tree that keeps what lessons need and serde would lose: each
//! scalar's text exactly as written (`0x50`, `1.10`, `21:20` stay strings), its style
//! (plain or quoted, to spot YAML 1.1 traps) and the line and column of every node.
//!
//! Aliases are refused (a lesson never needs them, and "billion laughs" documents are
//! built from them); documents and trees are bounded in size.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Largest lesson or course file read (bytes).
pub const MAX_FILE: usize = 1 << 20;
/// Largest number of nodes in one document.
const MAX_NODES: usize = 200_000;
/// Deepest nesting accepted.
const MAX_DEPTH: usize = 64;

/// A position in a file, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Scalar { text: String, quoted: bool, pos: Pos },
    Seq { items: Vec<Node>, pos: Pos },
    Map { entries: Vec<(Node, Node)>, pos: Pos },
}

impl Node {
    pub fn pos(&self) -> Pos {
        match self {
            Node::Scalar { pos, .. } | Node::Seq { pos, .. } | Node::Map { pos, .. } => *pos,
        }
    }

    /// The text of a scalar.
    pub fn text(&self) -> Option<&str> {
        match self {
            Node::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// The value under `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map { entries, .. } => entries.iter().find(|(k, _)| k.text() == Some(key)).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Node::Scalar { .. } => "a value",
            Node::Seq { .. } => "a list",
            Node::Map { .. } => "a mapping",
        }
    }
}

/// A YAML problem at a position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub pos: Pos,
    pub message: String,
}

fn pos_of(mark: &Marker) -> Pos {
    Pos {
        line: mark.line(),
        column: mark.col() + 1,
    }
}

#[derive(Default)]
struct Builder {
    stack: Vec<Node>,
    /// Keys waiting for their value, one slot per open mapping, with the keys the
    /// mapping has (where each was first written).
    pending_keys: Vec<(Option<Node>, HashMap<String, Pos>)>,
    root: Option<Node>,
    nodes: usize,
    /// Documents begun (a file holds one).
    documents: usize,
    error: Option<YamlError>,
}

impl Builder {
    fn fail(&mut self, pos: Pos, message: &str) {
        if self.error.is_none() {
            self.error = Some(YamlError {
                pos,
                message: message.to_string(),
            });
        }
    }

    fn push_value(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Node::Seq { items, .. }) => items.push(node),
            Some(Node::Map { entries, .. }) => {
                let (slot, keys) = self.pending_keys.last_mut().expect("a slot per mapping");
                match slot.take() {
                    Some(key) => entries.push((key, node)),
                    None => {
                        // A key written twice: YAML forbids it, and readers disagree on
                        // which value wins (the first here, the last elsewhere).
                        let twice = match &node {
                            Node::Scalar { text, pos, .. } => keys.insert(text.clone(), *pos).map(|first| {
                                (
                                    *pos,
                                    format!("duplicate key '{text}' (first at {}:{})", first.line, first.column),
                                )
                            }),
                            _ => None,
                        };
                        *slot = Some(node);
                        if let Some((pos, message)) = twice {
                            self.fail(pos, &message);
                        }
                    }
                }
            }
            Some(Node::Scalar { .. }) => unreachable!("scalars are never on the stack"),
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        let pos = pos_of(&mark);
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            self.fail(pos, "the document is too large (more than 200000 nodes)");
            return;
        }
        match event {
            Event::Alias(_) => self.fail(pos, "aliases (*name) are not allowed in lessons"),
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents > 1 {
                    self.fail(
                        pos,
                        "a second document starts here: a file holds one (remove the '---')",
                    );
                }
            }
            Event::Scalar(text, style, _, _) => {
                let quoted = !matches!(style, TScalarStyle::Plain);
                self.push_value(Node::Scalar { text, quoted, pos });
            }
            Event::SequenceStart(_, _) => {
                if self.stack.len() >= MAX_DEPTH {
                    self.fail(pos, "the document nests too deeply");
                    return;
                }
                self.stack.push(Node::Seq { items: Vec::new(), pos });
            }
            Event::MappingStart(_, _) => {
                if self.stack.len() >= MAX_DEPTH {
                    self.fail(pos, "the document nests too deeply");
                    return;
                }
                self.stack.push(Node::Map {
                    entries: Vec::new(),
                    pos,
                });
                self.pending_keys.push((None, HashMap::new()));
            }
            Event::SequenceEnd => {
                if let Some(node) = self.stack.pop() {
                    self.push_value(node);
                }
            }
            Event::MappingEnd => {
                self.pending_keys.pop();
                if let Some(node) = self.stack.pop() {
                    self.push_value(node);
                }
            }
            _ => {}
        }
    }
}

/// The first character YAML does not allow in a file (C0 and C1 controls but tab, line
/// feed, carriage return and next line; DEL), and where it is.
fn first_unprintable(source: &str) -> Option<(Pos, char)> {
    let (mut line, mut column) = (1, 1);
    for c in source.chars() {
        let control = (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{85}')) || c == '\u{7f}';
        if control {
            return Some((Pos { line, column }, c));
        }
        if c == '\n' {
            (line, column) = (line + 1, 1);
        } else {
            column += 1;
        }
    }
    None
}

/// Where the first tab at or after character `index` is: the scanner names the start of
/// the value it was reading, which may be lines before the tab.
fn first_tab_from(source: &str, index: usize) -> Option<Pos> {
    let (mut line, mut column) = (1, 1);
    for (i, c) in source.chars().enumerate() {
        if c == '\t' && i >= index {
            return Some(Pos { line, column });
        }
        if c == '\n' {
            (line, column) = (line + 1, 1);
        } else {
            column += 1;
        }
    }
    None
}

/// Parses one YAML document.
pub fn parse(source: &str) -> Result<Node, YamlError> {
    if source.len() > MAX_FILE {
        return Err(YamlError {
            pos: Pos { line: 1, column: 1 },
            message: format!("the file is larger than {MAX_FILE} bytes"),
        });
    }
    // Editors on Windows may start a file with a byte order mark: not part of the text.
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    if let Some((pos, c)) = first_unprintable(source) {
        return Err(YamlError {
            pos,
            message: format!(
                "a control character ({}) is not allowed in YAML text; in a double-quoted string, write it as an escape",
                crate::decode::text::escaped(c.to_string().as_bytes())
            ),
        });
    }
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(source);
    // Every document is read, so that a second one is an error rather than ignored.
    if let Err(e) = parser.load(&mut builder, true) {
        if e.info().contains("found a tab") {
            if let Some(pos) = first_tab_from(source, e.marker().index()) {
                return Err(YamlError {
                    pos,
                    message: "a tab: YAML indents with spaces only".into(),
                });
            }
        }
        return Err(YamlError {
            pos: pos_of(e.marker()),
            message: e.info().to_string(),
        });
    }
    if let Some(error) = builder.error {
        return Err(error);
    }
    builder.root.ok_or(YamlError {
        pos: Pos { line: 1, column: 1 },
        message: "the file is empty".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_and_second_documents_are_errors_where_they_are() {
        let err = parse("id: n\0ul\ntitle: t\n").unwrap_err();
        assert_eq!((err.pos.line, err.pos.column), (1, 6));
        assert!(err.message.contains("control character (\\000)"), "{}", err.message);
        assert!(parse("a: \u{7f}\n").is_err());
        assert!(parse("a: \"tab\there\"\r\nb: ü\n").is_ok());
        let err = parse("a: 1\n---\nb: 2\n").unwrap_err();
        assert_eq!(err.pos.line, 2);
        assert!(err.message.contains("a second document"), "{}", err.message);
        assert!(parse("---\na: 1\n...\n").is_ok(), "one document, marked");
    }

    #[test]
    fn scalars_keep_their_text_and_position() {
        let doc = parse("a: 0x50\nb: '1.10'\nc:\n  - 21:20\n  - yes\n").unwrap();
        let a = doc.get("a").unwrap();
        assert_eq!(a.text(), Some("0x50"));
        assert_eq!(a.pos(), Pos { line: 1, column: 4 });
        assert_eq!(
            doc.get("b").unwrap(),
            &Node::Scalar {
                text: "1.10".into(),
                quoted: true,
                pos: Pos { line: 2, column: 4 }
            }
        );
        let Node::Seq { items, .. } = doc.get("c").unwrap() else {
            panic!()
        };
        assert_eq!(items[0].text(), Some("21:20"));
        assert_eq!(items[1].pos(), Pos { line: 5, column: 5 });
    }

    #[test]
    fn a_key_written_twice_is_an_error_where_it_is_written_again() {
        let err = parse("answers:\n  mode: active\n  other: x\n  mode: passive\n").unwrap_err();
        assert_eq!(err.pos, Pos { line: 4, column: 3 });
        assert_eq!(err.message, "duplicate key 'mode' (first at 2:3)");
        let err = parse("{\"a\": 1, \"b\": {\"a\": 2}, \"a\": 3}").unwrap_err();
        assert_eq!(err.message, "duplicate key 'a' (first at 1:2)");
        // The same key in two mappings is no duplicate.
        assert!(parse("- {a: 1}\n- {a: 2}\n").is_ok());
    }

    #[test]
    fn a_tab_is_reported_where_it_is() {
        let err = parse("id: t\ntitle: T\n\tsections: []\n").unwrap_err();
        assert_eq!(
            (err.pos, err.message.as_str()),
            (Pos { line: 3, column: 1 }, "a tab: YAML indents with spaces only")
        );
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_key() {
        let doc = parse("\u{feff}format_version: 1\n").unwrap();
        assert_eq!(doc.get("format_version").and_then(Node::text), Some("1"));
    }

    #[test]
    fn errors_have_positions_and_aliases_are_refused() {
        let err = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.pos.line >= 1, "{err:?}");
        let laughs = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n";
        let err = parse(laughs).unwrap_err();
        assert_eq!(err.message, "aliases (*name) are not allowed in lessons");
        assert_eq!(err.pos.line, 2);
    }
}
