//! Answer files: YAML or JSON (JSON is read as the YAML it also is), with positions for
//! every problem. One lesson:
//!
//! ```yaml
//! format_version: 1
//! lesson: ftp-modes
//! student: s1234          # optional
//! answers:
//!   default-mode: active
//!   ports: [20, 21]       # a list is joined with spaces
//! ```
//!
//! or the whole course, answers grouped by lesson id (`answers: {primer: {...}, ...}`).

use crate::lesson::yaml::{self, Node, Pos};

#[derive(Debug, Clone, PartialEq)]
pub enum Given {
    Text(String),
    /// An answer of the wrong shape (a mapping where text was expected): graded wrong.
    Invalid(String),
}

#[derive(Debug, Clone)]
pub struct Submission {
    pub file: String,
    pub lesson: Option<String>,
    /// Where the file names its lesson (`lesson:`), for messages about it.
    pub lesson_pos: Option<Pos>,
    pub student: Option<String>,
    /// (lesson id, question id, answer)
    answers: Vec<(String, String, Given)>,
}

impl Submission {
    pub fn answer(&self, lesson: &str, question: &str) -> Option<&Given> {
        self.answers
            .iter()
            .find(|(l, q, _)| l == lesson && q == question)
            .map(|(_, _, g)| g)
    }

    pub fn keys(&self) -> impl Iterator<Item = (String, String)> + '_ {
        self.answers.iter().map(|(l, q, _)| (l.clone(), q.clone()))
    }

    /// Files the answers of lesson `from` (as the file wrote it: an id or a number)
    /// under the lesson id `to`.
    pub fn rename_lesson(&mut self, from: &str, to: &str) {
        for (lesson, _, _) in &mut self.answers {
            if lesson == from {
                *lesson = to.to_string();
            }
        }
        if self.lesson.as_deref() == Some(from) {
            self.lesson = Some(to.to_string());
        }
    }

    /// The lessons the answers are grouped under, in the file's order, each once.
    pub fn lessons(&self) -> Vec<String> {
        let mut seen: Vec<String> = Vec::new();
        for (lesson, _, _) in &self.answers {
            if !seen.contains(lesson) {
                seen.push(lesson.clone());
            }
        }
        seen
    }

    /// Keeps only the answers to lesson `id` of a whole-course file, and grades it as
    /// that lesson's file.
    pub fn pick_lesson(&mut self, id: &str) {
        self.answers.retain(|(lesson, _, _)| lesson == id);
        self.lesson = Some(id.to_string());
    }
}

/// An answer file that cannot be used: where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unusable {
    pub pos: Pos,
    pub message: String,
}

fn unusable(pos: Pos, message: impl Into<String>) -> Unusable {
    Unusable {
        pos,
        message: message.into(),
    }
}

fn given(node: &Node) -> Given {
    match node {
        // YAML's null (`q1: ~`, `q1: null`) is no answer; quoted, it is the text.
        Node::Scalar {
            text, quoted: false, ..
        } if matches!(text.as_str(), "~" | "null" | "Null" | "NULL") => Given::Text(String::new()),
        Node::Scalar { text, .. } => Given::Text(text.clone()),
        Node::Seq { items, .. } => {
            let parts: Option<Vec<&str>> = items.iter().map(Node::text).collect();
            match parts {
                Some(parts) => Given::Text(parts.join(" ")),
                None => Given::Invalid(format!("line {}: a list of lists is not an answer", node.pos().line)),
            }
        }
        Node::Map { .. } => Given::Invalid(format!("line {}: a mapping is not an answer", node.pos().line)),
    }
}

/// Reads an answers file. `default_lesson` is the lesson its answers are for when it
/// does not say (`grade --lesson`): its answers then map question ids to answers, unless
/// every one of them is a mapping (a whole-course file, answers grouped by lesson).
pub fn parse(file: &str, source: &str, default_lesson: Option<&str>) -> Result<Submission, Unusable> {
    let root = yaml::parse(source).map_err(|e| unusable(e.pos, e.message))?;
    let Node::Map { entries, .. } = &root else {
        return Err(unusable(
            root.pos(),
            "an answers file is a mapping with format_version and answers",
        ));
    };
    for (key, _) in entries {
        let name = key.text().unwrap_or("");
        if !matches!(name, "format_version" | "lesson" | "course" | "student" | "answers") {
            return Err(unusable(
                key.pos(),
                format!("unknown key '{name}' (known: format_version, lesson, course, student, answers)"),
            ));
        }
    }
    match root.get("format_version").and_then(Node::text).map(str::parse::<u32>) {
        Some(Ok(v)) if v <= crate::lesson::FORMAT_VERSION => {}
        Some(Ok(v)) => {
            return Err(unusable(
                root.get("format_version").unwrap().pos(),
                format!("format_version {v} is newer than this wirelab reads"),
            ))
        }
        Some(Err(_)) => {
            return Err(unusable(
                root.get("format_version").unwrap().pos(),
                "format_version must be a whole number",
            ))
        }
        None => return Err(unusable(root.pos(), "format_version is missing")),
    }
    let text_of = |key: &str| -> Result<Option<String>, Unusable> {
        match root.get(key) {
            None => Ok(None),
            Some(Node::Scalar { text, .. }) => Ok(Some(text.clone())),
            Some(other) => Err(unusable(other.pos(), format!("{key} must be a value"))),
        }
    };
    let lesson_pos = root.get("lesson").map(Node::pos);
    let mut lesson = text_of("lesson")?;
    // The template's `student: ""` left as it is names no one.
    let student = text_of("student")?.filter(|s| !s.trim().is_empty());
    let Some(answers_node) = root.get("answers") else {
        return Err(unusable(root.pos(), "answers is missing"));
    };
    let Node::Map {
        entries: answer_entries,
        ..
    } = answers_node
    else {
        return Err(unusable(answers_node.pos(), "answers must map question ids to answers"));
    };
    let grouped = !answer_entries.is_empty() && answer_entries.iter().all(|(_, v)| matches!(v, Node::Map { .. }));
    if lesson.is_none() && !grouped {
        lesson = default_lesson.map(str::to_string);
    }
    let mut answers = Vec::new();
    match &lesson {
        Some(lesson) => {
            for (key, value) in answer_entries {
                let id = key
                    .text()
                    .ok_or_else(|| unusable(key.pos(), "a question id must be a value"))?;
                answers.push((lesson.clone(), id.to_string(), given(value)));
            }
        }
        None => {
            for (lesson_key, questions) in answer_entries {
                let lesson = lesson_key
                    .text()
                    .ok_or_else(|| unusable(lesson_key.pos(), "a lesson id must be a value"))?;
                let Node::Map { entries, .. } = questions else {
                    return Err(unusable(questions.pos(), format!("without 'lesson:', answers are grouped by lesson: '{lesson}' must map question ids to answers")));
                };
                for (key, value) in entries {
                    let id = key
                        .text()
                        .ok_or_else(|| unusable(key.pos(), "a question id must be a value"))?;
                    answers.push((lesson.to_string(), id.to_string(), given(value)));
                }
            }
        }
    }
    Ok(Submission {
        file: file.to_string(),
        lesson,
        lesson_pos,
        student,
        answers,
    })
}

/// A blank answers file for a lesson, with each question as a comment.
/// A blank answers file for one lesson. Lesson text goes into comments, escaped.
/// `grade` is the command that grades it (with the course folder, if not the bundled one).
pub fn template(lesson: &crate::lesson::Lesson, grade: &str) -> String {
    let mut out = format!(
        "# Answers for the lesson \"{}\". Fill in each answer, then: {grade}\nformat_version: 1\nlesson: {}\nstudent: \"\"\nanswers:\n",
        comment(&lesson.title),
        yaml_text(&lesson.id)
    );
    questions(lesson, "  ", &mut out);
    out
}

/// A blank answers file for the whole course, answers grouped by lesson id.
pub fn course_template(course: &crate::lesson::Course, grade: &str) -> String {
    let mut out = format!(
        "# Answers for the course \"{}\". Fill in each answer, then: {grade}\nformat_version: 1\nstudent: \"\"\nanswers:\n",
        comment(&course.title)
    );
    for lesson in &course.lessons {
        out.push_str(&format!(
            "  # {}\n  {}:\n",
            comment(&lesson.title),
            yaml_text(&lesson.id)
        ));
        questions(lesson, "    ", &mut out);
    }
    out
}

fn questions(lesson: &crate::lesson::Lesson, indent: &str, out: &mut String) {
    for q in &lesson.questions {
        out.push_str(&format!("{indent}# {}\n", comment(&q.prompt)));
        if !q.options.is_empty() {
            let options: Vec<String> = q.options.iter().map(|o| comment(o)).collect();
            out.push_str(&format!("{indent}# options: {}\n", options.join(" | ")));
        }
        out.push_str(&format!("{indent}{}: \"\"\n", yaml_text(&q.id)));
    }
}

/// An id as a YAML scalar: plain when it is a simple word, else double-quoted (JSON's
/// escapes are YAML's, control characters included).
fn yaml_text(id: &str) -> String {
    let lower = id.to_ascii_lowercase();
    let plain = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && id.starts_with(|c: char| c.is_ascii_alphabetic())
        && !matches!(
            lower.as_str(),
            "yes" | "no" | "on" | "off" | "y" | "n" | "true" | "false" | "null"
        );
    if plain {
        id.to_string()
    } else {
        serde_json::to_string(id).expect("strings serialise")
    }
}

/// Text for a one-line YAML comment: control characters shown as escapes, lines joined.
fn comment(text: &str) -> String {
    crate::decode::text::escaped(text.replace('\n', " ").as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_reads_back_whatever_the_ids() {
        let yaml = "format_version: 1\nid: \"odd: lesson\"\ntitle: T\nsections: []\nquestions:\n\
                    - { id: \"a: b\", prompt: \"P \\e[2J\", answer: { text: x } }\n\
                    - { id: \"yes\", prompt: P, answer: { text: x } }\n\
                    - { id: \"q\\e[31m\", prompt: P, answer: { text: x } }\n\
                    - { id: plain-id_1, prompt: P, answer: { text: x } }\n";
        let mut problems = Vec::new();
        let lesson = crate::lesson::load::lesson("t.yaml", yaml, &mut problems).expect("loads");
        let template = template(&lesson, "wirelab grade FILE");
        assert!(!template.contains('\x1b'), "{template}");
        let sub = parse("t.yaml", &template, None).expect("the template parses");
        for q in &lesson.questions {
            assert_eq!(
                sub.answer("odd: lesson", &q.id),
                Some(&Given::Text(String::new())),
                "{}",
                q.id
            );
        }
    }

    #[test]
    fn lesson_and_course_files_read_as_written() {
        let s = parse(
            "a.yaml",
            "format_version: 1\nlesson: primer\nanswers:\n  ftp-ports: [20, 21]\n  smb-port: 0x1bd\n",
            None,
        )
        .unwrap();
        assert_eq!(s.answer("primer", "ftp-ports"), Some(&Given::Text("20 21".into())));
        assert_eq!(s.answer("primer", "smb-port"), Some(&Given::Text("0x1bd".into())));
        let json = parse(
            "a.json",
            r#"{"format_version": 1, "answers": {"primer": {"http-get": "GET"}}}"#,
            None,
        )
        .unwrap();
        assert_eq!(json.answer("primer", "http-get"), Some(&Given::Text("GET".into())));
        let odd = parse("a.yaml", "format_version: 1\nlesson: x\nanswers:\n  q: {a: 1}\n", None).unwrap();
        assert!(matches!(odd.answer("x", "q"), Some(Given::Invalid(_))));
    }

    #[test]
    fn a_file_without_its_lesson_takes_the_one_given() {
        let flat = "format_version: 1\nanswers:\n  default-mode: active\n";
        assert!(
            parse("a.yaml", flat, None).is_err(),
            "without a lesson, answers are grouped"
        );
        let s = parse("a.yaml", flat, Some("ftp-modes")).unwrap();
        assert_eq!(s.lesson.as_deref(), Some("ftp-modes"));
        assert_eq!(
            s.answer("ftp-modes", "default-mode"),
            Some(&Given::Text("active".into()))
        );
        // A whole-course file stays grouped: the caller picks the lesson out of it.
        let course = "format_version: 1\nanswers:\n  ftp-modes: {default-mode: active}\n  primer: {q: x}\n";
        let mut s = parse("a.yaml", course, Some("ftp-modes")).unwrap();
        assert_eq!(s.lesson, None);
        s.pick_lesson("ftp-modes");
        assert_eq!(s.keys().count(), 1);
        assert_eq!(
            s.answer("ftp-modes", "default-mode"),
            Some(&Given::Text("active".into()))
        );
        // Which lesson the file names, and where.
        let named = parse("a.yaml", "format_version: 1\nlesson: nope\nanswers: {}\n", None).unwrap();
        assert_eq!(named.lesson_pos.map(|p| (p.line, p.column)), Some((2, 9)));
    }

    #[test]
    fn yaml_null_is_no_answer_and_quoted_null_is_text() {
        let s = parse(
            "a.yaml",
            "format_version: 1\nlesson: x\nanswers:\n  a: ~\n  b: null\n  c: 'null'\n",
            None,
        )
        .unwrap();
        assert_eq!(s.answer("x", "a"), Some(&Given::Text(String::new())));
        assert_eq!(s.answer("x", "b"), Some(&Given::Text(String::new())));
        assert_eq!(s.answer("x", "c"), Some(&Given::Text("null".into())));
    }

    #[test]
    fn unusable_files_say_where() {
        let err = parse("a.yaml", "format_version: 1\nlesson: x\nanswer:\n  q: 1\n", None).unwrap_err();
        assert_eq!(err.pos.line, 3);
        assert!(parse("a.yaml", "just text", None).is_err());
        assert!(parse("a.yaml", "format_version: 2\nanswers: {}\n", None)
            .unwrap_err()
            .message
            .contains("newer"));
    }
}
