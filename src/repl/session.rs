//! What the REPL does with each line: the student's place in the course, the last
//! capture replayed, and the progress store, which is saved after every change. A line
//! in, text out: the same code serves the terminal and scripted stdin, and is tested
//! without either.

use colored::Colorize;

use super::command::{self, Command, COMMANDS};
use super::replayed::{Replayed, SCRIPTED_PAGE};
use super::wrap::{fit_lines, two_columns};
use crate::decode::text::escaped;
use crate::decode::Field;
use crate::filter::Filter;
use crate::lesson::answer::{grade, Library};
use crate::lesson::source::CourseSource;
use crate::lesson::{Answer, Course, Lesson, Question};
use crate::progress::{LessonProgress, Store};
use crate::view::markup;

const NOTHING_REPLAYED: &str = "Replay a capture first.\n";

/// What a line produced.
#[derive(Debug, Default)]
pub struct Outcome {
    pub text: String,
    pub quit: bool,
    /// Shown as it is, not fitted to the width (stream contents).
    pub verbatim: bool,
}

pub struct Session {
    course: Course,
    source: CourseSource,
    key: String,
    store: Store,
    lesson: Option<usize>,
    question: Option<usize>,
    library: Library,
    last: Option<Replayed>,
    confirm_reset: Option<Option<String>>,
    /// The question (lesson, id) whose last solution step was asked for once: asked
    /// again, it is shown (it gives the answer away).
    confirm_solution: Option<(usize, String)>,
    /// Columns output may use: the terminal's less its last.
    width: usize,
    /// The terminal's rows, when output goes to one: pages of packets fit in them.
    rows: Option<usize>,
    pub color: bool,
}

impl Session {
    /// A session for a terminal `columns` wide (see `resize`).
    pub fn new(course: Course, source: CourseSource, mut store: Store, columns: usize, color: bool) -> Session {
        let key = course.progress_key().to_string();
        // Progress kept under the title, from before the course had an id, moves to it.
        if course.id.is_some() {
            store.rename_course(&course.title, &key);
        }
        let mut session = Session {
            course,
            source,
            key,
            store,
            lesson: None,
            question: None,
            library: Library::default(),
            last: None,
            confirm_reset: None,
            confirm_solution: None,
            width: 0,
            rows: None,
            color,
        };
        session.resize(columns, None);
        session
    }

    /// Follows the terminal's size, as it reports it. Output keeps the last column free
    /// (`width` is one less), so terminals never wrap a line on their own.
    pub fn resize(&mut self, columns: usize, rows: Option<usize>) {
        self.width = columns.saturating_sub(1).max(20);
        self.rows = rows;
    }

    /// The prompt: the lesson and question the student is on.
    pub fn prompt(&self) -> String {
        match (self.lesson, self.question) {
            (Some(l), Some(q)) => format!("{} q{}> ", self.course.lessons[l].id, q + 1),
            (Some(l), None) => format!("{}> ", self.course.lessons[l].id),
            _ => "wirelab> ".into(),
        }
    }

    pub fn greeting(&self) -> String {
        let mut t = format!("Welcome to wirelab: {}\n\n", escaped(self.course.title.as_bytes()));
        t.push_str(&self.outline());
        t.push('\n');
        // Commands in code style: coloured on a terminal, plain words otherwise.
        let saved = if self.store.writable() {
            "Your progress is saved as you go."
        } else {
            "Your progress cannot be saved (see the warning above)."
        };
        let how =
            format!("Type `open 1` to start the first lesson, `help` for every command, `quit` to leave. {saved}");
        for line in markup::render(&how, self.width, self.color) {
            t.push_str(&line);
            t.push('\n');
        }
        fit_lines(&t, self.width)
    }

    fn lesson_progress(&mut self, lesson: usize) -> &mut LessonProgress {
        let id = self.course.lessons[lesson].id.clone();
        self.store.course(&self.key).lessons.entry(id).or_default()
    }

    /// What is saved for a lesson, by its id.
    fn saved(&self, lesson_id: &str) -> Option<&LessonProgress> {
        self.store.data.courses.get(&self.key)?.lessons.get(lesson_id)
    }

    fn points(&self, lesson: &Lesson) -> (u32, u32) {
        let progress = self.saved(&lesson.id);
        let max = lesson.questions.iter().map(|q| q.points).sum();
        let got = lesson
            .questions
            .iter()
            .filter_map(|q| progress.and_then(|p| p.questions.get(&q.id)).map(|qp| qp.points))
            .sum();
        (got, max)
    }

    fn outline(&self) -> String {
        let mut t = String::new();
        for (n, lesson) in self.course.lessons.iter().enumerate() {
            let (got, max) = self.points(lesson);
            let done = self.saved(&lesson.id).is_some_and(|p| p.completed);
            let mark = if done { "✔" } else { " " };
            t.push_str(&format!(
                "  {mark} {}. {:<14} {}  ({got}/{max} points)\n",
                n + 1,
                lesson.id,
                escaped(lesson.title.as_bytes())
            ));
        }
        t
    }

    fn save(&mut self) -> String {
        match self.store.save() {
            Ok(None) => String::new(),
            Ok(Some(warning)) => format!("\nwarning: {warning}\n"),
            Err(e) => format!(
                "\nwarning: progress not saved to {}: {}\n",
                self.store.path().display(),
                crate::io_error_text(&e)
            ),
        }
    }

    /// Runs one line.
    pub fn execute(&mut self, line: &str) -> Outcome {
        let mut outcome = self.run_line(line);
        if !outcome.verbatim {
            outcome.text = fit_lines(&outcome.text, self.width);
        }
        outcome
    }

    fn run_line(&mut self, line: &str) -> Outcome {
        if let Some(target) = self.confirm_reset.take() {
            return Outcome {
                text: if matches!(line.trim().to_ascii_lowercase().as_str(), "yes" | "y") {
                    self.reset(target)
                } else {
                    "Nothing was reset.\n".into()
                },
                ..Outcome::default()
            };
        }
        let number = line
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|_| self.lesson.is_some() && self.question.is_none());
        let command = match self.at_question_prompt(line) {
            Some(command) => command,
            None if number.is_some() => Command::Question(number.expect("checked")),
            None => match command::parse(line) {
                Ok(command) => command,
                Err(message) => {
                    return Outcome {
                        text: format!("{message}\n"),
                        ..Outcome::default()
                    }
                }
            },
        };
        // Stream contents, and packet pages (drawn to the width already: re-wrapping a
        // row on a very narrow terminal would break the page), are shown as they are.
        let verbatim = matches!(command, Command::Follow(_) | Command::Replay { .. } | Command::More);
        let text = match command {
            Command::Empty => String::new(),
            Command::Help(topic) => help(topic.as_deref(), self.width),
            Command::Lessons => format!("{}\n{}", escaped(self.course.title.as_bytes()), self.outline()),
            Command::Open(which) => self.open(&which),
            Command::Read => self.section(0),
            Command::Next => self.section(1),
            Command::Prev => self.section(-1),
            Command::Questions => self.questions(),
            Command::Question(n) => self.show_question(n),
            Command::Answer(n, text) => self.answer(n, &text),
            Command::PromptAnswer(n, text) => self.prompt_answer(n, &text),
            Command::Hint(n) => self.hint(n),
            Command::Solution(n) => self.solution(n),
            Command::Replay {
                capture,
                filter,
                fields,
                annotate,
            } => self.replay(capture, filter, &fields, annotate),
            Command::Detail(n) => self.detail(n),
            Command::Follow(n) => self.follow(n),
            Command::Ladder => self.ladder(),
            Command::More => self.more(),
            Command::Fields(prefix) => fields(&prefix, self.width),
            Command::Progress => self.progress(),
            Command::Reset(Some(which)) if self.course.lesson_index(&which).is_none() => {
                format!(
                    "No lesson '{}'. Type lessons for the list.\n",
                    escaped(which.as_bytes())
                )
            }
            Command::Reset(target) => {
                let target = target
                    .and_then(|which| self.course.lesson_index(&which))
                    .map(|i| self.course.lessons[i].id.clone());
                let what = target.clone().unwrap_or_else(|| "the whole course".into());
                self.confirm_reset = Some(target);
                format!("Forget every answer, hint and point of {what}? Type yes to confirm.\n")
            }
            Command::Quit => {
                let warning = self.save();
                let saved = if warning.is_empty() { "Progress saved. " } else { "" };
                return Outcome {
                    text: format!("{warning}{saved}Bye!\n"),
                    quit: true,
                    verbatim: false,
                };
            }
        };
        Outcome {
            text,
            quit: false,
            verbatim,
        }
    }

    /// At a question prompt, a line that is not a command is the answer; so is an
    /// option letter of a choice question (even `a` or `d`, which are also aliases), any
    /// spelling of true or false at a bool question (`f` and `n` are aliases too), and
    /// `hint` or `solution` alone mean this question.
    fn at_question_prompt(&self, line: &str) -> Option<Command> {
        let n = self.question? + 1;
        let q = &self.current().ok()?.questions[n - 1];
        let line = line.trim();
        let letter = line.len() == 1 && line.chars().all(|c| c.is_ascii_alphabetic());
        if letter
            && matches!(q.answer, Answer::Choice(_))
            && usize::from(line.to_ascii_lowercase().as_bytes()[0] - b'a') < q.options.len()
        {
            return Some(Command::Answer(n, line.to_string()));
        }
        if matches!(q.answer, Answer::Bool(_)) && crate::lesson::answer::boolean(line).is_some() {
            return Some(Command::Answer(n, line.to_string()));
        }
        let mut words = line.split_whitespace();
        match (words.next().map(command::canonical), words.next()) {
            (Some(Some("hint")), None) => Some(Command::Hint(n)),
            (Some(Some("solution")), None) => Some(Command::Solution(n)),
            (Some(Some(_)), _) | (None, _) => None,
            (Some(None), _) => Some(Command::PromptAnswer(n, line.to_string())),
        }
    }

    fn current(&self) -> Result<&Lesson, String> {
        self.lesson
            .map(|l| &self.course.lessons[l])
            .ok_or_else(|| "Open a lesson first: lessons, then open N.\n".to_string())
    }

    fn open(&mut self, which: &str) -> String {
        let Some(index) = self.course.lesson_index(which) else {
            return format!(
                "No lesson '{}'. Type lessons for the list.\n",
                escaped(which.as_bytes())
            );
        };
        self.lesson = Some(index);
        self.question = None;
        self.library = Library::for_questions(&self.source.captures(), self.course.lessons[index].questions.iter());
        let lesson = &self.course.lessons[index];
        let mut t = format!("{}\n", self.bold(&escaped(lesson.title.as_bytes())));
        for line in markup::render(&lesson.summary, self.width, self.color) {
            t.push_str(&format!("{line}\n"));
        }
        t.push('\n');
        t.push_str(&self.section(0));
        t
    }

    fn bold(&self, text: &str) -> String {
        if self.color {
            text.bold().to_string()
        } else {
            text.to_string()
        }
    }

    fn section(&mut self, step: isize) -> String {
        let Some(index) = self.lesson else {
            return "Open a lesson first: lessons, then open N.\n".into();
        };
        let count = self.course.lessons[index].sections.len();
        // `check` rejects such a lesson; a course loaded anyway must not end the session.
        if count == 0 {
            return "This lesson has no sections. Type questions to see the questions.\n".into();
        }
        let current = self.lesson_progress(index).section;
        let next = (current as isize + step).clamp(0, count.saturating_sub(1) as isize) as usize;
        if step > 0 && next == current {
            return "That was the last section. Type questions to see the questions.\n".into();
        }
        if step < 0 && next == current {
            return "This is the first section.\n".into();
        }
        self.lesson_progress(index).section = next;
        let warning = self.save();
        let section = &self.course.lessons[index].sections[next];
        let mut t = format!(
            "{}\n\n",
            self.bold(&format!(
                "{}/{}. {}",
                next + 1,
                count,
                escaped(section.title.as_bytes())
            ))
        );
        for line in markup::render(&section.body, self.width, self.color) {
            t.push_str(&format!("{line}\n"));
        }
        if let Some(replay) = &section.replay {
            t.push_str(&format!(
                "\nSee it in the packets: replay (its capture is {}).\n",
                replay.capture
            ));
        }
        let more = if next + 1 < count {
            "next for the next section"
        } else {
            "questions when you are ready"
        };
        t.push_str(&format!("\n({more})\n{warning}"));
        t
    }

    fn status(&self, lesson: &Lesson, q: &Question) -> &'static str {
        let progress = self.saved(&lesson.id).and_then(|p| p.questions.get(&q.id));
        match progress {
            Some(p) if p.correct => "✔",
            Some(p) if p.attempts > 0 => "✘",
            _ => "·",
        }
    }

    fn questions(&self) -> String {
        let lesson = match self.current() {
            Ok(l) => l,
            Err(e) => return e,
        };
        let mut t = String::new();
        for (n, q) in lesson.questions.iter().enumerate() {
            let lines = markup::render(&q.prompt, self.width.saturating_sub(8), false);
            for (i, line) in lines.iter().enumerate() {
                match i {
                    0 => t.push_str(&format!("  {} {:>2}. {line}\n", self.status(lesson, q), n + 1)),
                    _ => t.push_str(&format!("        {line}\n")),
                }
            }
        }
        let (got, max) = self.points(lesson);
        t.push_str(&format!(
            "\n{got}/{max} points. Type question N to see one, then your answer.\n"
        ));
        t
    }

    fn question_index(&self, n: usize) -> Result<usize, String> {
        let lesson = self.current()?;
        (1..=lesson.questions.len())
            .contains(&n)
            .then_some(n - 1)
            .ok_or_else(|| format!("This lesson has questions 1 to {}.\n", lesson.questions.len()))
    }

    fn show_question(&mut self, n: usize) -> String {
        let index = match self.question_index(n) {
            Ok(i) => i,
            Err(e) => return e,
        };
        self.question = Some(index);
        let lesson = self.current().expect("checked");
        let q = &lesson.questions[index];
        let points = if q.points == 1 {
            "1 point".into()
        } else {
            format!("{} points", q.points)
        };
        let progress = self.saved(&lesson.id).and_then(|p| p.questions.get(&q.id));
        let standing = match progress {
            Some(p) if p.correct => format!(
                ", answered right: {}",
                escaped(p.answer.as_deref().unwrap_or("").as_bytes())
            ),
            Some(p) if p.attempts > 0 => format!(
                ", {} attempt{} so far",
                p.attempts,
                if p.attempts == 1 { "" } else { "s" }
            ),
            _ => String::new(),
        };
        let mut t = format!("{}\n", self.bold(&format!("Question {n} ({points}{standing})")));
        for line in markup::render(&q.prompt, self.width, self.color) {
            t.push_str(&format!("{line}\n"));
        }
        if matches!(q.answer, Answer::Choice(_)) {
            for (letter, i) in ('a'..='z').zip(q.option_order()) {
                t.push_str(&format!("  {letter}) {}\n", escaped(q.options[i].as_bytes())));
            }
        }
        // What a hint costs is said before one is taken.
        let hint = match q.hint_cost {
            0 => "a hint".to_string(),
            1 => "a hint, which costs 1 point".to_string(),
            cost => format!("a hint, which costs {cost} points"),
        };
        t.push_str(&format!(
            "\nType your answer (hint {n} for {hint}, solution {n} for a step of the solution).\n"
        ));
        t
    }

    /// A line typed at a question prompt. One that looks like a mistyped command (one typo
    /// away from a command's name) and would be a wrong answer is not counted.
    fn prompt_answer(&mut self, n: usize, given: &str) -> String {
        let word = given.split_whitespace().next().unwrap_or("").to_lowercase();
        let near = COMMANDS
            .iter()
            .map(|(name, _, _, _)| *name)
            .find(|name| word.len() >= 4 && crate::decode::field::edit_distance(&word, name) == 1);
        if let Some(near) = near {
            let right = self
                .current()
                .ok()
                .and_then(|l| l.questions.get(n - 1))
                .is_some_and(|q| grade(q, given, &self.library).is_ok_and(|v| v.correct));
            if !right {
                return format!(
                    "That looks like the command {near}, so it was not taken as an answer. \
                     To answer with it, type: answer {n} {}\n",
                    escaped(given.as_bytes())
                );
            }
        }
        self.answer(n, given)
    }

    fn answer(&mut self, n: usize, given: &str) -> String {
        let index = match self.question_index(n) {
            Ok(i) => i,
            Err(e) => return e,
        };
        let lesson_index = self.lesson.expect("checked");
        let q = self.course.lessons[lesson_index].questions[index].clone();
        let already = self
            .lesson_progress(lesson_index)
            .questions
            .get(&q.id)
            .is_some_and(|p| p.correct);
        if already {
            return format!("You already answered question {n} right.\n");
        }
        self.question = Some(index);
        // A letter picks an option of a choice question, in the order shown.
        let mut given = given.to_string();
        if let (Answer::Choice(_), 1) = (&q.answer, given.trim().len()) {
            let letter = given.trim().chars().next().expect("one char");
            if let Some(i) = ('a'..='z')
                .position(|c| c == letter.to_ascii_lowercase())
                .and_then(|p| q.option_order().get(p).copied())
            {
                given = q.options[i].clone();
            }
        }
        // A filter that does not parse is a typo to fix, not a wrong answer.
        if let Answer::FilterMatches { .. } = &q.answer {
            if let Err(e) = Filter::parse(&given) {
                return fit_lines(
                    &format!(
                        "That filter does not parse: {} (not counted as an attempt; fix it and answer again)\n",
                        escaped(e.to_string().as_bytes())
                    ),
                    self.width,
                );
            }
        }
        let verdict = match grade(&q, &given, &self.library) {
            Ok(v) => v,
            Err(e) => return format!("This question cannot be graded: {e}\n"),
        };
        let progress = self
            .lesson_progress(lesson_index)
            .questions
            .entry(q.id.clone())
            .or_default();
        progress.attempts += 1;
        progress.answer = Some(given.clone());
        let mut t;
        if verdict.correct {
            let solution_seen = !q.solution.is_empty() && progress.solution_steps as usize >= q.solution.len();
            let points = if solution_seen {
                0
            } else {
                q.points.saturating_sub(progress.hints.saturating_mul(q.hint_cost))
            };
            progress.correct = true;
            progress.points = points;
            t = self.right(if solution_seen {
                "✔ Right, with no points: the whole solution was shown first".to_string()
            } else {
                format!("✔ Right! +{points} point{}", if points == 1 { "" } else { "s" })
            });
            self.question = None;
            let lesson = &self.course.lessons[lesson_index];
            let all = lesson.questions.iter().all(|q| self.status(lesson, q) == "✔");
            let (got, max) = self.points(lesson);
            t.push_str(&format!(" ({got}/{max} in this lesson)\n"));
            if all {
                self.lesson_progress(lesson_index).completed = true;
                t.push_str(&self.lesson_complete(lesson_index));
            } else if let Some(next) = self.next_open_question(lesson_index, index) {
                t.push('\n');
                t.push_str(&self.show_question(next + 1));
            }
        } else {
            let attempts = progress.attempts;
            t = self.wrong(format!("✘ Not quite (attempt {attempts})."));
            t.push('\n');
            if let Some(feedback) = verdict.feedback {
                t.push_str(&format!("{}\n", escaped(feedback.as_bytes())));
            }
            t.push_str(&format!("Try again, or type hint {n}.\n"));
        }
        t.push_str(&self.save());
        t
    }

    /// The first question after `after` (wrapping round) not yet answered right.
    fn next_open_question(&self, lesson_index: usize, after: usize) -> Option<usize> {
        let lesson = &self.course.lessons[lesson_index];
        let count = lesson.questions.len();
        (1..count)
            .map(|step| (after + step) % count)
            .find(|&i| self.status(lesson, &lesson.questions[i]) != "✔")
    }

    fn lesson_complete(&self, lesson_index: usize) -> String {
        let lesson = &self.course.lessons[lesson_index];
        let (got, max) = self.points(lesson);
        let mut t = self.bold(&format!("Lesson complete: {got}/{max} points."));
        t.push('\n');
        match self.course.lessons.get(lesson_index + 1) {
            Some(next) => t.push_str(&format!(
                "Next lesson: open {} ({}).\n",
                next.id,
                escaped(next.title.as_bytes())
            )),
            None => t.push_str("That was the last lesson: type progress for your course summary.\n"),
        }
        t
    }

    fn right(&self, text: String) -> String {
        if self.color {
            text.green().to_string()
        } else {
            text
        }
    }

    fn wrong(&self, text: String) -> String {
        if self.color {
            text.red().to_string()
        } else {
            text
        }
    }

    fn hint(&mut self, n: usize) -> String {
        self.reveal(n, Reveal::Hint)
    }

    fn solution(&mut self, n: usize) -> String {
        self.reveal(n, Reveal::Step)
    }

    /// The next hint or solution step of question `n` (the last again once all are out),
    /// counted in the progress.
    fn reveal(&mut self, n: usize, kind: Reveal) -> String {
        let index = match self.question_index(n) {
            Ok(i) => i,
            Err(e) => return e,
        };
        let lesson_index = self.lesson.expect("checked");
        let q = self.course.lessons[lesson_index].questions[index].clone();
        let items = match kind {
            Reveal::Hint => &q.hints,
            Reveal::Step => &q.solution,
        };
        if items.is_empty() {
            return match kind {
                Reveal::Hint => format!("Question {n} has no hint; solution {n} shows its solution step by step.\n"),
                Reveal::Step => format!("Question {n} has no written solution.\n"),
            };
        }
        let answered = progress_correct(&q, self.saved(&self.course.lessons[lesson_index].id));
        let seen = self
            .saved(&self.course.lessons[lesson_index].id)
            .and_then(|p| p.questions.get(&q.id))
            .map_or(0, |qp| qp.solution_steps as usize);
        // The last step gives the answer away, and a right answer after it earns nothing:
        // the first time, ask for it again.
        let this = Some((lesson_index, q.id.clone()));
        if matches!(kind, Reveal::Step) && seen + 1 == items.len() && !answered && self.confirm_solution != this {
            self.confirm_solution = this;
            return format!(
                "The last step of the solution gives the answer away: a right answer after it earns no \
                 points. Type solution {n} again to see it.\n"
            );
        }
        let progress = self
            .lesson_progress(lesson_index)
            .questions
            .entry(q.id.clone())
            .or_default();
        let counter = match kind {
            Reveal::Hint => &mut progress.hints,
            Reveal::Step => &mut progress.solution_steps,
        };
        // Showing one again (past the last) costs nothing more.
        let new = (*counter as usize) < items.len();
        let shown = (*counter as usize).min(items.len() - 1);
        *counter = (shown + 1) as u32;
        let text = escaped(items[shown].as_bytes());
        let line = match kind {
            Reveal::Hint => {
                let cost = match q.hint_cost {
                    0 => String::new(),
                    _ if !new => " (already shown)".to_string(),
                    1 => " (costs 1 point)".to_string(),
                    n => format!(" (costs {n} points)"),
                };
                format!("Hint {}/{}{cost}: {text}", shown + 1, items.len())
            }
            Reveal::Step => {
                let more = if shown + 1 < items.len() {
                    format!(" (solution {n} again for the next step)")
                } else if !answered {
                    " (answering now earns no points)".to_string()
                } else {
                    String::new()
                };
                format!("Step {}/{}: {text}{more}", shown + 1, items.len())
            }
        };
        format!("{line}\n{}", self.save())
    }

    fn replay(&mut self, capture: Option<String>, filter: Option<String>, fields: &[String], annotate: bool) -> String {
        let section_replay = self.lesson.and_then(|l| {
            let index = self.saved(&self.course.lessons[l].id).map_or(0, |p| p.section);
            self.course.lessons[l]
                .sections
                .get(index)
                .and_then(|s| s.replay.clone())
        });
        let (name, filter, annotate) = match (capture, &section_replay) {
            (Some(name), _) => (name, filter, annotate),
            (None, Some(r)) => (r.capture.clone(), filter.or(r.filter.clone()), annotate || r.annotate),
            (None, None) => match &self.last {
                Some(last) => (last.name.clone(), filter, annotate),
                None => return fit_lines("Which capture? replay CAPTURE [-Y FILTER]; the bundled ones are named in the lessons (e.g. ftp-passive.pcapng).\n", self.width),
            },
        };
        let filter = match filter.as_deref().map(Filter::parse) {
            Some(Err(e)) => {
                let e = escaped(e.to_string().as_bytes());
                return fit_lines(&format!("That filter does not parse: {e}\n"), self.width);
            }
            Some(Ok(f)) => Some(f),
            None => None,
        };
        let fields = match fields
            .iter()
            .map(|name| Field::lookup(name))
            .collect::<Result<Vec<_>, _>>()
        {
            Ok(fields) => fields,
            Err(e) => return fit_lines(&format!("{}\n", escaped(e.as_bytes())), self.width),
        };
        if annotate && !fields.is_empty() {
            return fit_lines(
                "--annotate explains the packet list; it does not go with -e FIELD.\n",
                self.width,
            );
        }
        // A capture named as the lessons' shell commands name it.
        let name = name.strip_prefix("captures/").map_or(name.clone(), str::to_string);
        // The same capture again (another filter): no need to decode it twice.
        let again = self.last.take_if(|last| last.name == name).map(Ok);
        let replayed = match again.unwrap_or_else(|| Replayed::decode(&self.source.captures(), &name)) {
            Ok(r) => r,
            Err(e) => {
                let known = self.vocabulary().captures.join(", ");
                let message = format!("{}: {e}\nThe course's captures: {known}\n", escaped(name.as_bytes()));
                return fit_lines(&message, self.width);
            }
        };
        self.last = Some(replayed.select(filter.as_ref(), &fields, annotate));
        self.more()
    }

    fn more(&mut self) -> String {
        match self.last.as_mut() {
            // A page leaves room for its header, its footer lines and the prompt.
            Some(last) => last.page(
                self.width,
                self.color,
                self.rows.map_or(SCRIPTED_PAGE, |r| r.saturating_sub(5).max(10)),
            ),
            None => NOTHING_REPLAYED.into(),
        }
    }

    fn detail(&self, n: u64) -> String {
        self.last
            .as_ref()
            .map_or_else(|| NOTHING_REPLAYED.into(), |last| last.detail(n))
    }

    fn follow(&self, stream: u64) -> String {
        self.last
            .as_ref()
            .map_or_else(|| NOTHING_REPLAYED.into(), |last| last.follow(stream, self.color))
    }

    fn ladder(&self) -> String {
        self.last
            .as_ref()
            .map_or_else(|| NOTHING_REPLAYED.into(), |last| last.ladder(self.width))
    }

    fn progress(&self) -> String {
        let mut t = self.outline();
        let (got, max) = self
            .course
            .lessons
            .iter()
            .map(|l| self.points(l))
            .fold((0, 0), |(a, b), (c, d)| (a + c, b + d));
        let done = self
            .course
            .lessons
            .iter()
            .filter(|l| self.saved(&l.id).is_some_and(|p| p.completed))
            .count();
        t.push_str(&format!(
            "\n{got}/{max} points, {done} of {} lessons complete.\n",
            self.course.lessons.len()
        ));
        t
    }

    fn reset(&mut self, target: Option<String>) -> String {
        let text = match target {
            Some(id) => match self.store.forget(&self.key, Some(&id)) {
                true => format!("Lesson {} reset.\n", escaped(id.as_bytes())),
                false => format!("No progress in '{}' to reset.\n", escaped(id.as_bytes())),
            },
            None => {
                self.store.forget(&self.key, None);
                "The whole course reset.\n".to_string()
            }
        };
        format!("{text}{}", self.save())
    }

    /// Saves (for Ctrl-D and the end of scripted input).
    pub fn finish(&mut self) -> String {
        self.save()
    }

    /// What tab completion offers in the session's current state.
    pub fn vocabulary(&self) -> Vocabulary {
        let mut captures: Vec<String> = Vec::new();
        for lesson in &self.course.lessons {
            let in_sections = lesson
                .sections
                .iter()
                .filter_map(|s| s.replay.as_ref())
                .map(|r| r.capture.clone());
            let in_questions = lesson.questions.iter().filter_map(|q| match &q.answer {
                Answer::FromCapture { capture, .. } | Answer::FilterMatches { capture, .. } => Some(capture.clone()),
                _ => None,
            });
            captures.extend(in_sections.chain(in_questions));
        }
        captures.sort();
        captures.dedup();
        Vocabulary {
            lessons: self.course.lessons.iter().map(|l| l.id.clone()).collect(),
            questions: self.current().map_or(0, |l| l.questions.len()),
            captures,
        }
    }
}

/// Whether a question was already answered right.
fn progress_correct(q: &Question, saved: Option<&LessonProgress>) -> bool {
    saved.and_then(|p| p.questions.get(&q.id)).is_some_and(|qp| qp.correct)
}

#[derive(Debug, Clone, Copy)]
enum Reveal {
    Hint,
    Step,
}

/// Words for tab completion that depend on the course and the open lesson.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    pub lessons: Vec<String>,
    pub questions: usize,
    pub captures: Vec<String>,
}

fn help(topic: Option<&str>, width: usize) -> String {
    if let Some(topic) = topic {
        return match command::canonical(topic).and_then(|name| COMMANDS.iter().find(|(n, _, _, _)| *n == name)) {
            Some((_, aliases, usage, what)) => {
                let aliases = if aliases.is_empty() {
                    String::new()
                } else {
                    format!(" (also: {})", aliases.join(", "))
                };
                format!("{usage}{aliases}\n  {what}\n")
            }
            None => format!("No command '{}'. Type help for the list.\n", escaped(topic.as_bytes())),
        };
    }
    let mut t = String::from("Commands (help COMMAND for one; short forms in brackets):\n");
    let rows = COMMANDS.iter().map(|(_, aliases, usage, what)| {
        let what = match aliases.first() {
            Some(_) => format!("{what} [{}]", aliases.join(", ")),
            None => what.to_string(),
        };
        (*usage, what)
    });
    t.push_str(&two_columns(rows, width));
    t.push_str("At a question prompt, type the answer itself.\n");
    t
}

/// Field names starting with a prefix, with their descriptions.
fn fields(prefix: &str, width: usize) -> String {
    let matching: Vec<Field> = Field::ALL
        .iter()
        .copied()
        .filter(|f| f.name().starts_with(prefix))
        .collect();
    if matching.is_empty() {
        return format!(
            "No field starts with '{}'. Try a protocol: http, tls, ftp, smb2, dns.\n",
            escaped(prefix.as_bytes())
        );
    }
    let mut t = two_columns(
        matching
            .iter()
            .take(80)
            .map(|f| (f.name(), f.description().to_string())),
        width,
    );
    if matching.len() > 80 {
        t.push_str(&format!("  ... and {} more: be more specific.\n", matching.len() - 80));
    }
    t
}
