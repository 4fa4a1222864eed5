//! `wirelab check [PATH]`: an instructor's lint for a course (or one lesson file), every
//! problem with file:line:column. Exit 0 when clean (warnings allowed), 1 with errors,
//! 2 when the input cannot be used at all.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;

use super::counted;
use crate::lesson::source::CourseSource;
use crate::lesson::{check, load, Problem, Severity};

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// A course folder (with course.yaml) or one lesson file; the bundled course if omitted
    pub path: Option<PathBuf>,
    /// text (one problem a line) or json (for editors and CI)
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
}

pub fn run(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let mut problems: Vec<Problem> = Vec::new();
    let (lessons, questions) = match &args.path {
        None => check_course(CourseSource::Bundled, &mut problems),
        Some(path) if path.is_dir() => check_course(CourseSource::folder(path), &mut problems),
        Some(path) if path.file_name().is_some_and(|n| n == "course.yaml") => check_course(
            CourseSource::folder(path.parent().unwrap_or(Path::new(""))),
            &mut problems,
        ),
        Some(path) if path.is_file() => check_lesson_file(path, &mut problems)?,
        Some(path) => bail!("{}: no such file or folder", path.display()),
    };
    problems.sort();
    problems.dedup();
    let errors = problems.iter().filter(|p| p.severity == Severity::Error).count();
    let warnings = problems.len() - errors;
    match args.format {
        CheckFormat::Text => {
            // Messages quote the lesson (names, filters, keys): escaped for the terminal.
            for p in &problems {
                println!("{}", crate::decode::text::escaped(p.to_string().as_bytes()));
            }
            println!(
                "{}, {}: {}, {}",
                counted(lessons, "lesson"),
                counted(questions, "question"),
                counted(errors, "error"),
                counted(warnings, "warning")
            );
        }
        CheckFormat::Json => {
            let list: Vec<serde_json::Value> = problems
                .iter()
                .map(|p| {
                    serde_json::json!({
                        "file": p.file,
                        "line": p.pos.line,
                        "column": p.pos.column,
                        "severity": if p.severity == Severity::Error { "error" } else { "warning" },
                        "message": p.message,
                    })
                })
                .collect();
            let report = serde_json::json!({
                "lessons": lessons, "questions": questions, "errors": errors, "warnings": warnings, "problems": list,
            });
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
    }
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn check_course(source: CourseSource, problems: &mut Vec<Problem>) -> (usize, usize) {
    let Some(course) = source.load(problems) else {
        return (0, 0);
    };
    check::course(&course, &source.captures(), problems);
    (
        course.lessons.len(),
        course.lessons.iter().map(|l| l.written_questions).sum(),
    )
}

fn check_lesson_file(path: &Path, problems: &mut Vec<Problem>) -> anyhow::Result<(usize, usize)> {
    let name = path.display().to_string();
    // A file there that cannot be read as a lesson is a problem of the lesson, reported
    // as the others are (as when a course names it).
    let text = match crate::read_small_text(path, crate::lesson::yaml::MAX_FILE) {
        Ok(text) => text,
        Err(e) => {
            problems.push(Problem {
                file: name,
                pos: crate::lesson::yaml::Pos { line: 1, column: 1 },
                severity: Severity::Error,
                message: format!("cannot read the lesson: {}", crate::io_error_text(&e)),
            });
            return Ok((0, 0));
        }
    };
    let Some(lesson) = load::lesson(&name, &text, problems) else {
        return Ok((0, 0));
    };
    let folder = CourseSource::folder(path.parent().unwrap_or(Path::new("")));
    check::lesson(&lesson, &folder.captures(), problems);
    Ok((1, lesson.written_questions))
}
