//! `wirelab check`: everything wrong with a course that can be found before a student
//! meets it, each with file:line:column. Capture-derived answers are recomputed from
//! their captures, so a re-recorded capture that no longer fits a lesson is caught.

use std::collections::HashSet;

use super::answer::{
    frames, from_capture, grade, number, separates_members, separates_options, Captures, Library, Packets,
};
use super::yaml::Pos;
use super::{Answer, Course, Lesson, Problem, Question, Severity, Take};
use crate::filter::Filter;

fn push(problems: &mut Vec<Problem>, lesson: &Lesson, pos: Pos, severity: Severity, message: String) {
    problems.push(Problem {
        file: lesson.file.clone(),
        pos,
        severity,
        message,
    });
}

/// Checks a loaded course; problems are appended.
pub fn course(course: &Course, captures: &dyn Captures, problems: &mut Vec<Problem>) {
    for (index, lesson) in course.lessons.iter().enumerate() {
        if let Some(first) = course.lessons[..index].iter().find(|l| l.id == lesson.id) {
            push(
                problems,
                lesson,
                lesson.id_pos,
                Severity::Error,
                format!("lesson id '{}' is used twice (first in {})", lesson.id, first.file),
            );
        }
        self::lesson(lesson, captures, problems);
    }
}

/// Checks one lesson.
pub fn lesson(lesson: &Lesson, source: &dyn Captures, problems: &mut Vec<Problem>) {
    // Each capture is decoded once for all the questions that use it.
    let library = Library::for_questions(source, lesson.questions.iter());
    let captures = &library;
    for section in &lesson.sections {
        if let Some(replay) = &section.replay {
            // The file must be there and be a capture; damage after some frames is
            // pointed out (students see the frames before it, and a note).
            let opened = source
                .open(&replay.capture)
                .and_then(|input| crate::capture::CaptureReader::new(input, &replay.capture).map_err(|e| e.located()));
            let problem = match opened {
                Err(e) => Some((Severity::Error, e)),
                Ok(mut reader) => loop {
                    match reader.next_frame() {
                        Ok(Some(_)) => {}
                        Ok(None) => break None,
                        Err(e) => {
                            break Some((
                                Severity::Warning,
                                format!("{} (students see only the frames before it)", e.located()),
                            ))
                        }
                    }
                },
            };
            if let Some((severity, e)) = problem {
                push(
                    problems,
                    lesson,
                    replay.capture_pos,
                    severity,
                    format!("capture {}: {e}", replay.capture),
                );
            }
            if let Some(filter) = &replay.filter {
                if let Err(e) = Filter::parse(filter) {
                    push(
                        problems,
                        lesson,
                        replay.filter_pos,
                        Severity::Error,
                        format!("filter '{filter}' does not parse: {e}"),
                    );
                }
            }
        }
    }
    let mut ids = HashSet::new();
    for (index, q) in lesson.questions.iter().enumerate() {
        let start = problems.len();
        let mut problem = |severity: Severity, message: String| push(problems, lesson, q.pos, severity, message);
        if !ids.insert(q.id.clone()) {
            problem(
                Severity::Error,
                format!("question id '{}' is used twice in this lesson", q.id),
            );
        } else if let Some(other) = lesson.questions[..index]
            .iter()
            .find(|o| o.id != q.id && o.id.to_lowercase() == q.id.to_lowercase())
        {
            problem(
                Severity::Warning,
                format!(
                    "question ids '{}' and '{}' differ only in case: answers files will mix them up",
                    other.id, q.id
                ),
            );
        }
        // Ids are typed in answers files and shown in reports.
        if q.id.chars().any(char::is_control) {
            problem(
                Severity::Error,
                format!("question id '{}' holds a control character", q.id),
            );
        }
        if q.hints.is_empty() {
            problem(Severity::Warning, format!("question '{}' has no hint", q.id));
        }
        if q.solution.is_empty() {
            problem(
                Severity::Warning,
                format!("question '{}' has no step-by-step solution", q.id),
            );
        }
        let hints_cost = (q.hints.len() as u64).saturating_mul(u64::from(q.hint_cost));
        if hints_cost > u64::from(q.points) {
            let points = |n: u64| {
                if n == 1 {
                    "1 point".to_string()
                } else {
                    format!("{n} points")
                }
            };
            problem(
                Severity::Warning,
                format!(
                    "question '{}': its hints cost {} in all, more than the {} it is worth (students are told each hint's cost, though they can never lose more than the question)",
                    q.id,
                    points(hints_cost),
                    points(u64::from(q.points))
                ),
            );
        }
        match &q.answer {
            Answer::Text { accept, regex } => {
                if accept.is_empty() && regex.is_none() {
                    problem(Severity::Error, format!("question '{}' accepts no answer", q.id));
                }
                if accept.iter().any(|a| a.trim().is_empty()) {
                    problem(
                        Severity::Error,
                        format!("question '{}': an accepted answer is empty", q.id),
                    );
                }
                if let Some(re) = regex {
                    if let Err(e) = regex::Regex::new(re) {
                        problem(
                            Severity::Error,
                            format!(
                                "question '{}': regex does not compile: {}",
                                q.id,
                                super::answer::regex_error(&e)
                            ),
                        );
                    }
                }
            }
            Answer::Set(members) => {
                let mut seen = HashSet::new();
                for m in members {
                    if !seen.insert(m.to_lowercase()) {
                        problem(
                            Severity::Error,
                            format!("question '{}': '{m}' is in the set twice", q.id),
                        );
                    }
                }
                if members.is_empty() {
                    problem(Severity::Error, format!("question '{}': the set is empty", q.id));
                }
                // A student lists members separated by spaces or commas.
                for m in members.iter().filter(|m| m.contains(separates_members) || m.is_empty()) {
                    problem(
                        Severity::Error,
                        format!(
                            "question '{}': set member '{m}' is not one word (students separate members with spaces or commas)",
                            q.id
                        ),
                    );
                }
            }
            Answer::Choice(right) => {
                if q.options.is_empty() {
                    problem(
                        Severity::Error,
                        format!("question '{}' is a choice without options", q.id),
                    );
                }
                // Options a student cannot tell apart, or tell from the letters they pick by.
                let normalized: Vec<String> = q.options.iter().map(|o| super::answer::normalize(o)).collect();
                for (i, o) in q.options.iter().enumerate() {
                    if normalized[..i].contains(&normalized[i]) {
                        problem(
                            Severity::Error,
                            format!(
                                "question '{}': option '{o}' is there twice (case and spaces aside)",
                                q.id
                            ),
                        );
                    }
                }
                if q.options
                    .iter()
                    .any(|o| o.trim().len() == 1 && o.trim().chars().all(|c| c.is_ascii_alphabetic()))
                {
                    problem(
                        Severity::Warning,
                        format!(
                            "question '{}': an option that is a single letter reads as the letter students pick an option by (a, b, ...); write it out",
                            q.id
                        ),
                    );
                }
                // A student picks several options separated by commas or semicolons.
                for o in q.options.iter().filter(|o| o.contains(separates_options)) {
                    problem(
                        Severity::Error,
                        format!(
                            "question '{}': option '{o}' has a comma or semicolon, which separate the options a student picks",
                            q.id
                        ),
                    );
                }
                for r in right {
                    if !q
                        .options
                        .iter()
                        .any(|o| super::answer::normalize(o) == super::answer::normalize(r))
                    {
                        problem(
                            Severity::Error,
                            format!("question '{}': the answer '{r}' is not among its options", q.id),
                        );
                    }
                }
            }
            Answer::Number { value, tolerance } => {
                for (what, text) in [("number", value), ("tolerance", tolerance)] {
                    match number(text) {
                        Some(n) if n.is_finite() && (what == "number" || n >= 0.0) => {}
                        Some(n) if n.is_finite() => problem(
                            Severity::Error,
                            format!("question '{}': tolerance '{text}' is below 0", q.id),
                        ),
                        _ => problem(
                            Severity::Error,
                            format!("question '{}': {what} '{text}' is not a finite number", q.id),
                        ),
                    }
                }
            }
            Answer::Bool(_) | Answer::Unreadable => {}
            Answer::FromCapture {
                capture,
                filter,
                field,
                take,
                pos,
                filter_pos,
                field_pos,
            } => {
                // The filter and the field are reported where they are written.
                let unusable = Filter::parse(filter)
                    .err()
                    .map(|e| (*filter_pos, format!("question '{}': filter '{filter}': {e}", q.id)))
                    .or_else(|| {
                        let e = crate::decode::Field::lookup(field).err()?;
                        Some((*field_pos, format!("question '{}': {e}", q.id)))
                    });
                if let Some((at, message)) = unusable {
                    push(problems, lesson, at, Severity::Error, message);
                } else {
                    match from_capture(captures, capture, filter, field, *take) {
                        Err(e) => push(
                            problems,
                            lesson,
                            *pos,
                            Severity::Error,
                            format!("question '{}': {e}", q.id),
                        ),
                        Ok(values) if values.is_empty() || values == ["0"] && *take == Take::Count => push(
                            problems,
                            lesson,
                            *pos,
                            Severity::Error,
                            match take {
                                Take::Count => format!("question '{}': '{filter}' keeps no frame of {capture}", q.id),
                                _ => format!("question '{}': '{filter}' finds no {field} in {capture}", q.id),
                            },
                        ),
                        Ok(_) if *take == Take::Only => {
                            // One value is expected: several different ones make the question ambiguous.
                            if let Ok(distinct) = from_capture(captures, capture, filter, field, Take::Distinct) {
                                if distinct.len() > 1 {
                                    push(
                                        problems,
                                        lesson,
                                        *pos,
                                        Severity::Error,
                                        format!(
                                            "question '{}': '{filter}' finds several values of {field} ({}); narrow the filter, or say take: first or take: distinct",
                                            q.id,
                                            distinct.join(", ")
                                        ),
                                    );
                                }
                            }
                        }
                        Ok(values) if matches!(take, Take::All | Take::Distinct) => {
                            // Listed answers are matched word by word.
                            if let Some(v) = values.iter().find(|v| v.contains(separates_members) || v.is_empty()) {
                                push(
                                    problems,
                                    lesson,
                                    *pos,
                                    Severity::Error,
                                    format!(
                                        "question '{}': {field} has a value that is not one word ('{v}'), which a listed answer cannot give; take: first, or another field",
                                        q.id
                                    ),
                                );
                            }
                        }
                        Ok(_) => {}
                    }
                }
            }
            Answer::FilterMatches {
                capture,
                reference,
                pos,
                reference_pos,
            } => match Filter::parse(reference) {
                Err(e) => push(
                    problems,
                    lesson,
                    *reference_pos,
                    Severity::Error,
                    format!("question '{}': reference filter: {e}", q.id),
                ),
                Ok(filter) => match frames(captures, capture, &filter) {
                    Err(e) => push(
                        problems,
                        lesson,
                        *pos,
                        Severity::Error,
                        format!("question '{}': {e}", q.id),
                    ),
                    Ok(kept) if kept.is_empty() => push(
                        problems,
                        lesson,
                        *pos,
                        Severity::Error,
                        format!("question '{}': the reference filter keeps no frame of {capture}", q.id),
                    ),
                    Ok(_) => {}
                },
            },
        }
        if !problems[start..].iter().any(|p| p.severity == Severity::Error) {
            if let Some(message) = own_answer_graded_wrong(q, captures) {
                push(problems, lesson, q.pos, Severity::Error, message);
            }
        }
    }
}

/// The last check of a question otherwise sound: its own answer, typed as a student
/// would type it, must be graded right (the grader and the author can disagree in ways
/// the checks above do not name).
fn own_answer_graded_wrong(q: &Question, captures: &dyn Packets) -> Option<String> {
    let typed = match &q.answer {
        Answer::Text { accept, .. } => accept.first()?.clone(),
        Answer::Set(members) => members.join(" "),
        Answer::Choice(right) => right.join(", "),
        Answer::Number { value, .. } => value.clone(),
        Answer::Bool(b) => b.to_string(),
        Answer::FromCapture {
            capture,
            filter,
            field,
            take,
            ..
        } => from_capture(captures, capture, filter, field, *take).ok()?.join(" "),
        Answer::FilterMatches { reference, .. } => reference.clone(),
        // Reported where it is written.
        Answer::Unreadable => return None,
    };
    match grade(q, &typed, captures) {
        Ok(verdict) if verdict.correct => None,
        Ok(_) => Some(format!(
            "question '{}': its own answer, typed as '{typed}', is graded wrong",
            q.id
        )),
        Err(e) => Some(format!("question '{}': {e}", q.id)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::yaml::Pos;

    struct NoCaptures;
    impl super::Captures for NoCaptures {
        fn open(&self, name: &str) -> Result<Box<dyn std::io::Read>, String> {
            Err(format!("no capture {name}"))
        }
    }

    fn question(options: &[&str], answer: Answer) -> Question {
        Question {
            id: "q".into(),
            prompt: "p".into(),
            points: 1,
            options: options.iter().map(|o| o.to_string()).collect(),
            answer,
            hints: vec![],
            hint_cost: 0,
            solution: vec![],
            feedback: vec![],
            pos: Pos { line: 1, column: 1 },
        }
    }

    #[test]
    fn an_answer_the_grader_refuses_is_caught_whatever_the_reason() {
        let sound = question(&["Yes", "No"], Answer::Choice(vec!["Yes".into()]));
        assert_eq!(own_answer_graded_wrong(&sound, &NoCaptures), None);
        let split = question(&["Yes, always", "No"], Answer::Choice(vec!["Yes, always".into()]));
        let message = own_answer_graded_wrong(&split, &NoCaptures).expect("graded wrong");
        assert!(message.contains("typed as 'Yes, always'"), "{message}");
        let infinite = question(
            &[],
            Answer::Number {
                value: "inf".into(),
                tolerance: "0".into(),
            },
        );
        assert!(own_answer_graded_wrong(&infinite, &NoCaptures).is_some());
    }
}
