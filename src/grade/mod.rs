//! Grading answer files: pure matching of a submission against a lesson (or the whole
//! course), producing a [`Report`] that the formats in [`report`] print. Captures
//! are decoded once per run (a [`Library`]) and shared by every submission.

pub mod report;
pub mod submission;

use crate::lesson::answer::{expected, grade, Library};
use crate::lesson::{Course, Lesson};
use submission::{Given, Submission};

/// The version of the JSON report's layout.
pub const REPORT_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Correct,
    Wrong,
    Unanswered,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Correct => "correct",
            Status::Wrong => "wrong",
            Status::Unanswered => "unanswered",
        }
    }
}

#[derive(Debug, Clone)]
pub struct QuestionResult {
    pub lesson: String,
    pub id: String,
    pub prompt: String,
    pub points: u32,
    pub max: u32,
    pub status: Status,
    pub given: Option<String>,
    pub feedback: Option<String>,
    /// Only with --reveal.
    pub expected: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub file: String,
    pub student: Option<String>,
    /// The lesson graded, or "course".
    pub scope: String,
    pub results: Vec<QuestionResult>,
    pub score: u32,
    pub max: u32,
    /// Answers to questions that do not exist, and the like: reported, not graded.
    pub notes: Vec<String>,
}

impl Report {
    pub fn all_correct(&self) -> bool {
        self.results.iter().all(|r| r.status == Status::Correct)
    }
}

/// The lessons a submission answers. A lesson the file names by its number in the
/// course (`lesson: 4`, as `read 4` takes it) is filed under its id. The error says
/// where the file names a lesson the course does not have.
pub fn lessons_for<'c>(course: &'c Course, submission: &mut Submission) -> Result<Vec<&'c Lesson>, String> {
    let no_such = |which: &str, submission: &Submission| {
        let at = submission
            .lesson_pos
            .filter(|_| submission.lesson.as_deref() == Some(which))
            .map_or(String::new(), |pos| format!("{}:{}: ", pos.line, pos.column));
        format!("{at}{}", course.no_such_lesson(which))
    };
    match submission.lesson.clone() {
        Some(which) => {
            let index = course.lesson_index(&which).ok_or_else(|| no_such(&which, submission))?;
            let lesson = &course.lessons[index];
            submission.rename_lesson(&which, &lesson.id);
            Ok(vec![lesson])
        }
        None => {
            // Answers grouped under a number go to that lesson too; under a name the
            // course does not have, they are noted as answers to unknown questions.
            for which in submission.lessons() {
                if let Some(index) = course.lesson_index(&which) {
                    submission.rename_lesson(&which, &course.lessons[index].id);
                }
            }
            Ok(course.lessons.iter().collect())
        }
    }
}

/// Grades one submission.
pub fn grade_submission(lessons: &[&Lesson], submission: &Submission, library: &Library, reveal: bool) -> Report {
    let mut results = Vec::new();
    let mut notes = Vec::new();
    for lesson in lessons {
        for q in &lesson.questions {
            let given = submission.answer(&lesson.id, &q.id);
            let (status, points, feedback, given_text) = match given {
                None => (Status::Unanswered, 0, None, None),
                Some(Given::Invalid(why)) => (Status::Wrong, 0, Some(why.clone()), None),
                Some(Given::Text(text)) if text.trim().is_empty() => (Status::Unanswered, 0, None, None),
                Some(Given::Text(text)) => match grade(q, text, library) {
                    Ok(v) if v.correct => (Status::Correct, q.points, None, Some(text.clone())),
                    Ok(v) => (Status::Wrong, 0, v.feedback, Some(text.clone())),
                    Err(e) => {
                        notes.push(format!("{}/{}: cannot be graded: {e}", lesson.id, q.id));
                        (Status::Wrong, 0, None, Some(text.clone()))
                    }
                },
            };
            let expected = if reveal { expected(q, library).ok() } else { None };
            results.push(QuestionResult {
                lesson: lesson.id.clone(),
                id: q.id.clone(),
                prompt: q.prompt.clone(),
                points,
                max: q.points,
                status,
                given: given_text,
                feedback,
                expected,
            });
        }
    }
    for (lesson, id) in submission.keys() {
        let known = lessons
            .iter()
            .any(|l| l.id == lesson && l.questions.iter().any(|q| q.id == id));
        if !known {
            notes.push(format!("answer to an unknown question: {lesson}/{id}"));
        }
    }
    let score = results.iter().map(|r| r.points).sum();
    let max = results.iter().map(|r| r.max).sum();
    Report {
        file: submission.file.clone(),
        student: submission.student.clone(),
        scope: submission.lesson.clone().unwrap_or_else(|| "course".into()),
        results,
        score,
        max,
        notes,
    }
}
