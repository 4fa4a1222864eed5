//! From YAML nodes to lessons: every key checked (unknown and missing keys reported with
//! their positions), every expected answer kept as text, YAML 1.1 traps warned about.

use super::yaml::{self, Node, Pos};
use super::{Answer, Course, Lesson, Problem, Question, Replay, Section, Severity, Take, FORMAT_VERSION};

/// Collects problems while reading one file.
pub struct Reader<'p> {
    file: String,
    problems: &'p mut Vec<Problem>,
}

impl<'p> Reader<'p> {
    pub fn new(file: &str, problems: &'p mut Vec<Problem>) -> Self {
        Reader {
            file: file.to_string(),
            problems,
        }
    }

    fn error(&mut self, pos: Pos, message: impl Into<String>) {
        self.problems.push(Problem {
            file: self.file.clone(),
            pos,
            severity: Severity::Error,
            message: message.into(),
        });
    }

    fn warning(&mut self, pos: Pos, message: impl Into<String>) {
        self.problems.push(Problem {
            file: self.file.clone(),
            pos,
            severity: Severity::Warning,
            message: message.into(),
        });
    }

    /// The mapping's entries, after reporting keys that are not among `allowed`.
    fn map<'n>(&mut self, node: &'n Node, what: &str, allowed: &[&str]) -> Option<&'n [(Node, Node)]> {
        let Node::Map { entries, .. } = node else {
            self.error(node.pos(), format!("{what} must be a mapping, not {}", node.kind()));
            return None;
        };
        let mut seen: Vec<&str> = Vec::new();
        for (key, _) in entries {
            let name = key.text().unwrap_or("");
            if !allowed.contains(&name) {
                let hint = crate::decode::field::nearest(name, allowed.iter().copied())
                    .map(|n| format!(" (did you mean {n}?)"))
                    .unwrap_or_else(|| format!(" (known: {})", allowed.join(", ")));
                self.error(key.pos(), format!("unknown key '{name}' in {what}{hint}"));
            } else if seen.contains(&name) {
                self.error(key.pos(), format!("'{name}' appears twice in {what}"));
            }
            seen.push(name);
        }
        Some(entries)
    }

    /// A scalar's text, warning about plain scalars YAML 1.1 tools would not read as text.
    fn text(&mut self, node: &Node, what: &str) -> Option<String> {
        match node {
            Node::Scalar { text, quoted, pos } => {
                if !quoted {
                    self.yaml11_trap(text, *pos);
                }
                Some(text.clone())
            }
            other => {
                self.error(other.pos(), format!("{what} must be a value, not {}", other.kind()));
                None
            }
        }
    }

    fn yaml11_trap(&mut self, text: &str, pos: Pos) {
        let lower = text.to_ascii_lowercase();
        let trap = if matches!(lower.as_str(), "yes" | "no" | "on" | "off" | "y" | "n") {
            Some("is a boolean to YAML 1.1 tools")
        } else if text.len() > 1 && text.starts_with('0') && text.bytes().all(|b| b.is_ascii_digit()) {
            Some("has a leading zero: YAML 1.1 tools read it as an octal number")
        } else if text.contains(':')
            && text
                .split(':')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            && text.split(':').count() > 1
        {
            Some("looks like a YAML 1.1 sexagesimal number (21:20 is 1280 there)")
        } else {
            None
        };
        if let Some(why) = trap {
            self.warning(pos, format!("unquoted '{text}' {why}: quote it"));
        }
    }

    fn required<'n>(&mut self, entries: &'n [(Node, Node)], key: &str, what: &str, at: Pos) -> Option<&'n Node> {
        let found = entries.iter().find(|(k, _)| k.text() == Some(key)).map(|(_, v)| v);
        if found.is_none() {
            self.error(at, format!("{what} needs '{key}'"));
        }
        found
    }

    /// A required text value: reported when missing or not text (then empty).
    /// A required value that is not blank (an empty id, title or prompt is a slip).
    fn required_text(&mut self, entries: &[(Node, Node)], key: &str, what: &str, at: Pos) -> String {
        let Some(node) = self.required(entries, key, what, at) else {
            return String::new();
        };
        let text = self.text(node, key).unwrap_or_default();
        if text.trim().is_empty() && matches!(node, Node::Scalar { .. }) {
            self.error(node.pos(), format!("{key} of {what} is empty"));
        }
        text
    }

    fn optional<'n>(entries: &'n [(Node, Node)], key: &str) -> Option<&'n Node> {
        entries.iter().find(|(k, _)| k.text() == Some(key)).map(|(_, v)| v)
    }

    /// An optional whole number; a value that is not one is reported and `default` used.
    fn whole_number(&mut self, entries: &[(Node, Node)], key: &str, default: u32) -> u32 {
        let Some(n) = Self::optional(entries, key) else {
            return default;
        };
        let text = n.text().unwrap_or("");
        text.parse().unwrap_or_else(|_| {
            // Digits only, and still no u32: too large.
            let message = if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
                format!("{key} is too large (at most {})", u32::MAX)
            } else {
                format!("{key} must be a whole number, 0 or more")
            };
            self.error(n.pos(), message);
            default
        })
    }

    /// A list of texts (a single value counts as a list of one).
    fn texts(&mut self, node: &Node, what: &str) -> Vec<String> {
        match node {
            Node::Seq { items, .. } => items.iter().filter_map(|i| self.text(i, what)).collect(),
            other => self.text(other, what).into_iter().collect(),
        }
    }

    fn format_version(&mut self, entries: &[(Node, Node)], at: Pos) {
        let Some(node) = self.required(entries, "format_version", "the file", at) else {
            return;
        };
        match node.text().and_then(|t| t.parse::<u32>().ok()) {
            Some(v) if v <= FORMAT_VERSION => {}
            Some(v) => self.error(
                node.pos(),
                format!("format_version {v} is newer than this wirelab reads ({FORMAT_VERSION}): update wirelab"),
            ),
            None => self.error(node.pos(), "format_version must be a whole number"),
        }
    }
}

/// The lesson files a course lists, in order, and its title.
/// More lessons than any course needs: each is read and its captures decoded, so a
/// course listing thousands would only be a way to make wirelab slow.
pub const MAX_LESSONS: usize = 256;

/// A course index: its title, its id if it has one, and its lesson files (where each is
/// named).
pub struct CourseIndex {
    pub title: String,
    pub id: Option<String>,
    pub lessons: Vec<(String, Pos)>,
}

pub fn course_index(file: &str, source: &str, problems: &mut Vec<Problem>) -> Option<CourseIndex> {
    let mut r = Reader::new(file, problems);
    let root = match yaml::parse(source) {
        Ok(root) => root,
        Err(e) => {
            r.error(e.pos, e.message);
            return None;
        }
    };
    let entries = r.map(&root, "the course", &["format_version", "id", "title", "lessons"])?;
    r.format_version(entries, root.pos());
    let title = r
        .required(entries, "title", "the course", root.pos())
        .and_then(|n| r.text(n, "title"))?;
    let id = match Reader::optional(entries, "id") {
        Some(node) => r.text(node, "id").filter(|id| {
            let blank = id.trim().is_empty();
            if blank {
                r.error(node.pos(), "id of the course is empty");
            }
            !blank
        }),
        None => {
            r.warning(
                Pos { line: 1, column: 1 },
                "the course has no id: students' progress is kept under its title, which then cannot change without losing it",
            );
            None
        }
    };
    let lessons = match r.required(entries, "lessons", "the course", root.pos()) {
        Some(Node::Seq { items, pos }) if items.len() > MAX_LESSONS => {
            r.error(
                *pos,
                format!(
                    "a course has at most {MAX_LESSONS} lessons, this one lists {}",
                    items.len()
                ),
            );
            Vec::new()
        }
        Some(Node::Seq { items, .. }) => items
            .iter()
            .filter_map(|i| r.text(i, "a lesson file").map(|t| (t, i.pos())))
            .collect(),
        Some(other) => {
            r.error(other.pos(), "lessons must be a list of lesson files");
            Vec::new()
        }
        None => Vec::new(),
    };
    Some(CourseIndex { title, id, lessons })
}

/// Reads one lesson; problems go to `problems`. Returns what could be read.
pub fn lesson(file: &str, source: &str, problems: &mut Vec<Problem>) -> Option<Lesson> {
    let mut r = Reader::new(file, problems);
    let root = match yaml::parse(source) {
        Ok(root) => root,
        Err(e) => {
            r.error(e.pos, e.message);
            return None;
        }
    };
    let keys = ["format_version", "id", "title", "summary", "sections", "questions"];
    let entries = r.map(&root, "the lesson", &keys)?;
    r.format_version(entries, root.pos());
    let at = root.pos();
    let id = r.required_text(entries, "id", "the lesson", at);
    let id_pos = Reader::optional(entries, "id").map_or(at, Node::pos);
    let title = r.required_text(entries, "title", "the lesson", at);
    let summary = Reader::optional(entries, "summary")
        .and_then(|n| r.text(n, "summary"))
        .unwrap_or_default();
    let mut sections = Vec::new();
    if let Some(node) = r.required(entries, "sections", "the lesson", at) {
        match node {
            Node::Seq { items, pos } => {
                if items.is_empty() {
                    r.error(*pos, "a lesson needs at least one section");
                }
                sections = items.iter().filter_map(|i| section(&mut r, i)).collect();
            }
            other => r.error(other.pos(), "sections must be a list"),
        }
    }
    let mut questions = Vec::new();
    let mut written_questions = 0;
    if let Some(node) = Reader::optional(entries, "questions") {
        match node {
            Node::Seq { items, .. } => {
                written_questions = items.len();
                questions = items.iter().filter_map(|i| question(&mut r, i)).collect();
            }
            other => r.error(other.pos(), "questions must be a list"),
        }
    }
    Some(Lesson {
        file: file.to_string(),
        id,
        id_pos,
        title,
        summary,
        sections,
        questions,
        written_questions,
    })
}

fn section(r: &mut Reader, node: &Node) -> Option<Section> {
    let entries = r.map(node, "a section", &["title", "body", "replay"])?;
    let title = r.required_text(entries, "title", "a section", node.pos());
    let body = r.required_text(entries, "body", "a section", node.pos());
    let replay = Reader::optional(entries, "replay").and_then(|n| {
        let e = r.map(n, "a replay", &["capture", "filter", "annotate"])?;
        let capture_node = r.required(e, "capture", "a replay", n.pos())?;
        let capture = r.text(capture_node, "capture")?;
        let filter_node = Reader::optional(e, "filter");
        let filter = filter_node.and_then(|f| r.text(f, "filter"));
        let annotate_node = Reader::optional(e, "annotate");
        // Spelt as bool answers are (true/false, yes/no, t/f, 1/0).
        let annotate = match annotate_node.and_then(|a| a.text()) {
            None => false,
            Some(text) => super::answer::boolean(text).unwrap_or_else(|| {
                let at = annotate_node.map_or(n.pos(), Node::pos);
                r.error(at, format!("annotate must be true or false, not '{text}'"));
                false
            }),
        };
        Some(Replay {
            capture,
            filter,
            annotate,
            capture_pos: capture_node.pos(),
            filter_pos: filter_node.map_or(n.pos(), Node::pos),
        })
    });
    Some(Section { title, body, replay })
}

fn question(r: &mut Reader, node: &Node) -> Option<Question> {
    let keys = [
        "id",
        "prompt",
        "points",
        "options",
        "answer",
        "hints",
        "hint_cost",
        "solution",
        "feedback",
    ];
    let entries = r.map(node, "a question", &keys)?;
    let at = node.pos();
    let id = r.required_text(entries, "id", "a question", at);
    let prompt = r.required_text(entries, "prompt", "a question", at);
    let points = r.whole_number(entries, "points", 1);
    let options = Reader::optional(entries, "options")
        .map(|n| r.texts(n, "an option"))
        .unwrap_or_default();
    let hints = Reader::optional(entries, "hints")
        .map(|n| r.texts(n, "a hint"))
        .unwrap_or_default();
    let hint_cost = r.whole_number(entries, "hint_cost", 0);
    let solution = Reader::optional(entries, "solution")
        .map(|n| r.texts(n, "a solution step"))
        .unwrap_or_default();
    let mut feedback = Vec::new();
    if let Some(n) = Reader::optional(entries, "feedback") {
        if let Node::Map { entries, .. } = n {
            for (k, v) in entries {
                if let (Some(k), Some(v)) = (r.text(k, "a wrong answer"), r.text(v, "feedback")) {
                    feedback.push((k, v));
                }
            }
        } else {
            r.error(n.pos(), "feedback must map wrong answers to what to say");
        }
    }
    // A question whose answer cannot be read is kept, so that every other problem of
    // it is reported in the same run.
    let answer = r
        .required(entries, "answer", "a question", at)
        .and_then(|node| answer(r, node))
        .unwrap_or(Answer::Unreadable);
    Some(Question {
        id,
        prompt,
        points,
        options,
        answer,
        hints,
        hint_cost,
        solution,
        feedback,
        pos: at,
    })
}

const ANSWER_KINDS: [&str; 8] = [
    "text",
    "regex",
    "set",
    "choice",
    "number",
    "bool",
    "from_capture",
    "filter_matches",
];

fn answer(r: &mut Reader, node: &Node) -> Option<Answer> {
    let allowed = [&ANSWER_KINDS[..], &["tolerance", "filter", "field", "take"]].concat();
    let entries = r.map(node, "an answer", &allowed)?;
    let kinds: Vec<&str> = entries
        .iter()
        .filter_map(|(k, _)| k.text())
        .filter(|k| ANSWER_KINDS.contains(k))
        .collect();
    let kind = match kinds.as_slice() {
        [one] => *one,
        ["text", "regex"] | ["regex", "text"] => "text",
        [] => {
            r.error(
                node.pos(),
                format!("an answer needs one of: {}", ANSWER_KINDS.join(", ")),
            );
            return None;
        }
        many => {
            r.error(
                node.pos(),
                format!("an answer has one kind, not {}", many.join(" and ")),
            );
            return None;
        }
    };
    let value = |key: &str| Reader::optional(entries, key);
    Some(match kind {
        "text" | "regex" => Answer::Text {
            accept: value("text")
                .map(|n| r.texts(n, "an accepted answer"))
                .unwrap_or_default(),
            regex: value("regex").and_then(|n| r.text(n, "regex")),
        },
        "set" => Answer::Set(value("set").map(|n| r.texts(n, "a set member")).unwrap_or_default()),
        "choice" => Answer::Choice(
            value("choice")
                .map(|n| r.texts(n, "a right option"))
                .unwrap_or_default(),
        ),
        "number" => Answer::Number {
            value: value("number").and_then(|n| r.text(n, "number")).unwrap_or_default(),
            tolerance: value("tolerance")
                .and_then(|n| r.text(n, "tolerance"))
                .unwrap_or_else(|| "0".into()),
        },
        "bool" => {
            let n = value("bool")?;
            // The spellings a student may answer with are the author's too.
            match n.text().and_then(super::answer::boolean) {
                Some(b) => Answer::Bool(b),
                None => {
                    r.error(n.pos(), "bool must be true or false (or t/f, yes/no, 1/0)");
                    return None;
                }
            }
        }
        "from_capture" => {
            let capture = value("from_capture").and_then(|n| r.text(n, "from_capture"))?;
            let filter_node = r.required(entries, "filter", "a from_capture answer", node.pos())?;
            let filter = r.text(filter_node, "filter")?;
            let take = match value("take").and_then(|n| n.text()) {
                None => Take::Only,
                Some("first") => Take::First,
                Some("all") => Take::All,
                Some("count") => Take::Count,
                Some("distinct") => Take::Distinct,
                Some(other) => {
                    r.error(
                        value("take").map_or(node.pos(), Node::pos),
                        format!("take must be first, all, count or distinct, not '{other}'"),
                    );
                    Take::Only
                }
            };
            // Counting frames needs no field.
            let (field, field_pos) = match (take, Reader::optional(entries, "field")) {
                (Take::Count, None) => ("frame.number".to_string(), node.pos()),
                _ => {
                    let n = r.required(entries, "field", "a from_capture answer", node.pos())?;
                    (r.text(n, "field")?, n.pos())
                }
            };
            Answer::FromCapture {
                capture,
                filter,
                field,
                take,
                pos: node.pos(),
                filter_pos: filter_node.pos(),
                field_pos,
            }
        }
        _ => {
            let n = value("filter_matches")?;
            let e = r.map(n, "filter_matches", &["capture", "reference"])?;
            let capture = r
                .required(e, "capture", "filter_matches", n.pos())
                .and_then(|c| r.text(c, "capture"))?;
            let reference_node = r.required(e, "reference", "filter_matches", n.pos())?;
            let reference = r.text(reference_node, "reference")?;
            Answer::FilterMatches {
                capture,
                reference,
                pos: n.pos(),
                reference_pos: reference_node.pos(),
            }
        }
    })
}

/// Reads a whole course from its index and a way to read lesson files.
/// `display` names a lesson file in messages (its path as the user knows it).
pub fn course(
    index_file: &str,
    index: &str,
    read: impl Fn(&str) -> Result<String, String>,
    display: impl Fn(&str) -> String,
    problems: &mut Vec<Problem>,
) -> Option<Course> {
    let CourseIndex {
        title,
        id,
        lessons: files,
    } = course_index(index_file, index, problems)?;
    let mut lessons = Vec::new();
    let mut listed: Vec<(&str, Pos)> = Vec::new();
    for (file, pos) in &files {
        let (file, pos) = (file.as_str(), *pos);
        if let Some((_, first)) = listed.iter().find(|(f, _)| *f == file) {
            problems.push(Problem {
                file: index_file.to_string(),
                pos,
                severity: Severity::Error,
                message: format!("{file} is listed twice (first on line {})", first.line),
            });
            continue;
        }
        listed.push((file, pos));
        match read(file) {
            Ok(source) => {
                if let Some(l) = lesson(&display(file), &source, problems) {
                    lessons.push(l);
                }
            }
            Err(why) => problems.push(Problem {
                file: index_file.to_string(),
                pos,
                severity: Severity::Error,
                message: format!("cannot read lesson {file}: {why}"),
            }),
        }
    }
    Some(Course { title, id, lessons })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(source: &str) -> (Option<Lesson>, Vec<Problem>) {
        let mut problems = Vec::new();
        let lesson = lesson("t.yaml", source, &mut problems);
        (lesson, problems)
    }

    const GOOD: &str = "format_version: 1\nid: ftp\ntitle: FTP\nsections:\n  - title: One\n    body: Text\nquestions:\n  - id: ports\n    prompt: Which ports?\n    answer: { set: [20, 21] }\n    hints: [one]\n    solution: [a, b]\n";

    #[test]
    fn a_good_lesson_reads_with_answers_as_written() {
        let (lesson, problems) = load(GOOD);
        assert!(problems.is_empty(), "{problems:?}");
        let lesson = lesson.unwrap();
        assert_eq!(lesson.questions[0].answer, Answer::Set(vec!["20".into(), "21".into()]));
    }

    #[test]
    fn unknown_and_missing_keys_have_positions() {
        let source = GOOD.replace("    prompt: Which ports?\n", "    promt: Which ports?\n");
        let (_, problems) = load(&source);
        let messages: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert!(
            messages
                .contains(&"t.yaml:9:5: error: unknown key 'promt' in a question (did you mean prompt?)".to_string()),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with("t.yaml:8:7: error: a question needs 'prompt'")),
            "{messages:?}"
        );
    }

    #[test]
    fn yaml_1_1_traps_are_warned() {
        let source = GOOD.replace("{ set: [20, 21] }", "{ text: [yes, 021, 21:20] }");
        let (_, problems) = load(&source);
        assert_eq!(
            problems.iter().filter(|p| p.severity == Severity::Warning).count(),
            3,
            "{problems:?}"
        );
    }

    #[test]
    fn a_newer_format_is_refused() {
        let (_, problems) = load(&GOOD.replace("format_version: 1", "format_version: 9"));
        assert!(problems[0].message.contains("newer than this wirelab reads"));
    }
}
