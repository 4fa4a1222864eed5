//! `wirelab read [LESSON]`: the course's lessons, or one lesson rendered for the
//! terminal with its sections, the replays that go with them, and its questions.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use colored::Colorize;

use super::{flush, stdout_writer, use_color, write_all, ColorChoice};
use crate::decode::text::escaped;
use crate::lesson::{Answer, Lesson};
use crate::view::markup;

#[derive(Debug, clap::Args)]
pub struct ReadArgs {
    /// A lesson id or number; without it, the list of lessons
    pub lesson: Option<String>,
    /// Read an instructor's course folder instead of the bundled course
    #[arg(long, value_name = "DIR")]
    pub course: Option<PathBuf>,
    /// Columns to wrap to, 20 or more (default: $COLUMNS, else 80)
    #[arg(long, value_name = "N", value_parser = super::at_least::<20>)]
    pub width: Option<usize>,
    /// Colour: auto (on a terminal, unless NO_COLOR is set), always or never
    #[arg(long, value_enum)]
    pub color: Option<ColorChoice>,
}

pub fn run(args: &ReadArgs) -> anyhow::Result<ExitCode> {
    let (course, _) = super::load_course(args.course.as_deref())?;
    let width = args.width.unwrap_or_else(super::terminal_width);
    let color = use_color(args.color);
    colored::control::set_override(color);
    let mut text = String::new();
    match &args.lesson {
        None => {
            text.push_str(&format!("{}\n\n", escaped(course.title.as_bytes())));
            for (n, lesson) in course.lessons.iter().enumerate() {
                text.push_str(&format!(
                    "{:>2}. {:<16} {} ({} questions)\n",
                    n + 1,
                    escaped(lesson.id.as_bytes()),
                    escaped(lesson.title.as_bytes()),
                    lesson.questions.len()
                ));
            }
            text.push_str("\nRead one: wirelab read ID (or its number)\n");
        }
        Some(wanted) => {
            let Some(index) = course.lesson_index(wanted) else {
                bail!("{}", course.no_such_lesson(wanted));
            };
            render(&course.lessons[index], width, color, &mut text);
        }
    }
    let mut out = stdout_writer();
    if write_all(&mut out, text.as_bytes())?.is_some() {
        flush(&mut out)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn render(lesson: &Lesson, width: usize, color: bool, text: &mut String) {
    let title = escaped(lesson.title.as_bytes());
    text.push_str(&format!("{}\n", if color { title.bold().to_string() } else { title }));
    for line in markup::render(&lesson.summary, width, color) {
        text.push_str(&format!("{line}\n"));
    }
    for (n, section) in lesson.sections.iter().enumerate() {
        text.push_str(&format!("\n## {}. {}\n\n", n + 1, escaped(section.title.as_bytes())));
        for line in markup::render(&section.body, width, color) {
            text.push_str(&format!("{line}\n"));
        }
        if let Some(replay) = &section.replay {
            let mut command = format!("wirelab replay captures/{}", replay.capture);
            if let Some(filter) = &replay.filter {
                command.push_str(&format!(" -Y '{filter}'"));
            }
            if replay.annotate {
                command.push_str(" --annotate");
            }
            let command = escaped(command.as_bytes());
            text.push_str(&format!(
                "\n  ▶ {}\n",
                if color { command.cyan().to_string() } else { command }
            ));
        }
    }
    if !lesson.questions.is_empty() {
        text.push_str("\n## Questions\n");
    }
    for (n, q) in lesson.questions.iter().enumerate() {
        text.push('\n');
        let points = if q.points == 1 {
            "1 point".to_string()
        } else {
            format!("{} points", q.points)
        };
        let prompt = format!("{}. {} ({points})", n + 1, q.prompt);
        for line in markup::render(&prompt, width, color) {
            text.push_str(&format!("{line}\n"));
        }
        if matches!(q.answer, Answer::Choice(_)) {
            for (letter, index) in ('a'..='z').zip(q.option_order()) {
                text.push_str(&format!("   {letter}) {}\n", escaped(q.options[index].as_bytes())));
            }
        }
    }
}
