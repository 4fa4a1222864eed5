//! `wirelab grade`: answer files graded for scripts and CI, one or a whole class.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;

use super::{flush, stdout_writer, write_all};
use crate::grade::report::{self, Failed};
use crate::grade::submission::{self, Submission};
use crate::grade::{grade_submission, lessons_for, Report};
use crate::lesson::answer::Library;
use crate::lesson::{Course, Lesson};

#[derive(Debug, clap::Args)]
pub struct GradeArgs {
    /// An answers file (YAML or JSON)
    #[arg(required_unless_present = "submissions", conflicts_with = "submissions")]
    pub file: Option<PathBuf>,
    /// Grade every answers file in this folder (in parallel) into one summary
    #[arg(long, value_name = "DIR")]
    pub submissions: Option<PathBuf>,
    /// text, json, junit, tap; csv for a batch summary
    #[arg(long, value_enum, default_value_t = GradeFormat::Text)]
    pub format: GradeFormat,
    /// Add the expected answers to the report (off, so reports can go to students)
    #[arg(long)]
    pub reveal: bool,
    /// Points that pass (exit 0) even with wrong answers
    #[arg(long, value_name = "POINTS")]
    pub pass_mark: Option<u32>,
    /// The lesson the answers are for, when the file does not say
    #[arg(long, value_name = "ID")]
    pub lesson: Option<String>,
    /// Grade against an instructor's course folder instead of the bundled course
    #[arg(long, value_name = "DIR")]
    pub course: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GradeFormat {
    Text,
    Json,
    Junit,
    Tap,
    Csv,
}

#[derive(Debug, clap::Args)]
pub struct TemplateArgs {
    /// The lesson, by id or by number; without it, a file for the whole course
    pub lesson: Option<String>,
    /// An instructor's course folder instead of the bundled course
    #[arg(long, value_name = "DIR")]
    pub course: Option<PathBuf>,
}

/// Reads an answers file for `lesson` (an id of the course: `--lesson`, resolved), or
/// for whatever it says.
fn read_submission(path: &Path, lesson: Option<&str>) -> Result<Submission, String> {
    let name = path.display().to_string();
    let text = crate::read_small_text(path, crate::lesson::yaml::MAX_FILE)
        .map_err(|e| format!("{name}: {}", crate::io_error_text(&e)))?;
    let mut sub = submission::parse(&name, &text, lesson)
        .map_err(|e| format!("{name}:{}:{}: {}", e.pos.line, e.pos.column, e.message))?;
    if let (Some(lesson), None) = (lesson, &sub.lesson) {
        // A whole-course file: the lesson's answers out of it.
        sub.pick_lesson(lesson);
    }
    Ok(sub)
}

/// [`read_submission`] and the lessons it answers; errors name the file.
fn graded_lessons<'c>(
    course: &'c Course,
    path: &Path,
    lesson: Option<&str>,
) -> Result<(Submission, Vec<&'c Lesson>), String> {
    let mut submission = read_submission(path, lesson)?;
    let lessons = lessons_for(course, &mut submission).map_err(|e| format!("{}:{e}", path.display()))?;
    if let (Some(wanted), Some(own)) = (lesson, &submission.lesson) {
        if own != wanted {
            return Err(format!("{}: answers lesson '{own}', not '{wanted}'", path.display()));
        }
    }
    Ok((submission, lessons))
}

pub fn run(args: &GradeArgs) -> anyhow::Result<ExitCode> {
    let (course, source) = super::load_course(args.course.as_deref())?;
    // Every capture the course's questions use, decoded once for the whole run.
    let library = Library::for_questions(&source.captures(), course.lessons.iter().flat_map(|l| &l.questions));
    let passes = |r: &Report| r.all_correct() || args.pass_mark.is_some_and(|mark| r.score >= mark);
    // `--lesson` by id or number, as everywhere else.
    let lesson = match &args.lesson {
        Some(which) => match course.lesson_index(which) {
            Some(index) => Some(course.lessons[index].id.as_str()),
            None => bail!("{}", course.no_such_lesson(which)),
        },
        None => None,
    };
    if let Some(file) = &args.file {
        let (submission, lessons) = graded_lessons(&course, file, lesson).map_err(anyhow::Error::msg)?;
        let report = grade_submission(&lessons, &submission, &library, args.reveal);
        let bytes = match args.format {
            GradeFormat::Text => report::text::render(&report),
            GradeFormat::Json => report::json::render(&report),
            GradeFormat::Junit => report::junit::render(std::slice::from_ref(&report), &[]),
            GradeFormat::Tap => report::tap::render(std::slice::from_ref(&report), &[]),
            GradeFormat::Csv => report::csv::render(std::slice::from_ref(&report), &[], &question_order(&course)),
        };
        emit(&bytes)?;
        warn_unreachable_pass_mark(args.pass_mark, report.max);
        if !report.notes.is_empty() && report.results.iter().all(|r| r.given.is_none()) {
            eprintln!(
                "wirelab: note: {}: none of its answers is to a question of this course; is it for another course (--course DIR)?",
                file.display()
            );
        }
        return Ok(if passes(&report) {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    let dir = args
        .submissions
        .as_ref()
        .expect("clap requires a file or --submissions");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| super::io_failed(format!("cannot read {}", dir.display()), &e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "json"))
        .collect();
    files.sort();
    if files.is_empty() {
        bail!("{}: no answers files (*.yaml, *.yml, *.json)", dir.display());
    }
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len());
    let chunk = files.len().div_ceil(threads);
    let progress = super::progress::Progress::items(files.len() as u64, "grading");
    let graded: Vec<Result<Report, Failed>> = std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                let (course, library, progress) = (&course, &library, &progress);
                scope.spawn(move || {
                    part.iter()
                        .map(|path| {
                            progress.inc(1);
                            let failed = |message: String| Failed {
                                file: path.display().to_string(),
                                message,
                            };
                            let (submission, lessons) = graded_lessons(course, path, lesson).map_err(failed)?;
                            Ok(grade_submission(&lessons, &submission, library, args.reveal))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("grading threads do not panic"))
            .collect()
    });
    let (mut reports, mut failed) = (Vec::new(), Vec::new());
    for result in graded {
        match result {
            Ok(report) => reports.push(report),
            Err(f) => failed.push(f),
        }
    }
    for f in &failed {
        eprintln!(
            "wirelab: {} (not graded)",
            crate::decode::text::escaped(f.message.as_bytes())
        );
    }
    let bytes = match args.format {
        GradeFormat::Csv => report::csv::render(&reports, &failed, &question_order(&course)),
        GradeFormat::Json => report::json::render_batch(&reports, &failed),
        GradeFormat::Junit => report::junit::render(&reports, &failed),
        GradeFormat::Tap => report::tap::render(&reports, &failed),
        GradeFormat::Text => reports.iter().flat_map(report::text::render).collect(),
    };
    emit(&bytes)?;
    if reports.is_empty() {
        bail!("{}: no answers file could be graded", dir.display());
    }
    // The smallest maximum: a mark above it is out of reach for some submission.
    warn_unreachable_pass_mark(args.pass_mark, reports.iter().map(|r| r.max).min().unwrap_or(0));
    // A file that could not be graded is unusable input (2), whatever the others scored:
    // a script must not read it as a class that merely failed.
    Ok(if !failed.is_empty() {
        ExitCode::from(2)
    } else if reports.iter().all(passes) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// A path for a command in a one-line comment: control characters escaped, and quoted
/// for the shell when it holds anything but plain path characters.
fn comment_safe(text: &str) -> String {
    let text = crate::decode::text::escaped(text.as_bytes());
    if text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+,:@".contains(c))
    {
        text
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// A pass mark above the points there are is almost surely a mistake: say so.
fn warn_unreachable_pass_mark(pass_mark: Option<u32>, max: u32) {
    if let Some(mark) = pass_mark.filter(|&mark| mark > max) {
        eprintln!("wirelab: warning: --pass-mark {mark} is more than the {max} points there are; only answers that are all right pass");
    }
}

/// Every question of the course as `lesson/id`, in course order.
fn question_order(course: &crate::lesson::Course) -> Vec<String> {
    course
        .lessons
        .iter()
        .flat_map(|l| l.questions.iter().map(move |q| format!("{}/{}", l.id, q.id)))
        .collect()
}

fn emit(bytes: &[u8]) -> anyhow::Result<()> {
    let mut out = stdout_writer();
    if write_all(&mut out, bytes)?.is_some() {
        flush(&mut out)?;
    }
    Ok(())
}

pub fn template(args: &TemplateArgs) -> anyhow::Result<ExitCode> {
    let (course, _) = super::load_course(args.course.as_deref())?;
    let grade = match &args.course {
        Some(dir) => format!(
            "wirelab grade --course {} FILE",
            comment_safe(&dir.display().to_string())
        ),
        None => "wirelab grade FILE".to_string(),
    };
    let Some(wanted) = &args.lesson else {
        emit(submission::course_template(&course, &grade).as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    };
    let Some(index) = course.lesson_index(wanted) else {
        bail!("{}", course.no_such_lesson(wanted));
    };
    emit(submission::template(&course.lessons[index], &grade).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
