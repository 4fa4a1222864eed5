//! Lessons: the YAML schema, loading with positions, the authoring lint (`check`) and
//! answer matching. A course is a `course.yaml` listing lesson files in order; each
//! lesson has sections (prose and replays of captures) and questions.
//!
//! YAML is read by [`yaml`] (the only YAML user) into position-carrying nodes, then into
//! the types below by [`load`], which reports every problem with its line and column
//! rather than stopping at the first.

pub mod answer;
pub mod bundled;
pub mod check;
pub mod load;
pub mod schema;
pub mod source;
pub mod yaml;

use yaml::Pos;

/// The lesson format this build reads (and writes in `wirelab schema`).
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone)]
pub struct Course {
    pub title: String,
    /// A name that stays when the title changes (`id:` in course.yaml).
    pub id: Option<String>,
    pub lessons: Vec<Lesson>,
}

impl Course {
    /// What students' progress is kept under: the course's id, else its title.
    pub fn progress_key(&self) -> &str {
        self.id.as_deref().unwrap_or(&self.title)
    }

    /// A lesson by its id, or by its number in the outline (from 1): every command that
    /// names a lesson takes either.
    pub fn lesson_index(&self, which: &str) -> Option<usize> {
        self.lessons.iter().position(|l| l.id == which).or_else(|| {
            which
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=self.lessons.len()).contains(n))
                .map(|n| n - 1)
        })
    }

    /// "no lesson 'x' in the course (lessons: a, b)", what was asked for escaped.
    pub fn no_such_lesson(&self, which: &str) -> String {
        let ids: Vec<&str> = self.lessons.iter().map(|l| l.id.as_str()).collect();
        format!(
            "no lesson '{}' in the course (lessons: {})",
            crate::decode::text::escaped(which.as_bytes()),
            ids.join(", ")
        )
    }
}

#[derive(Debug, Clone)]
pub struct Lesson {
    /// The file it came from, as given to the loader (for messages).
    pub file: String,
    pub id: String,
    /// Where the id is written (for `check`).
    pub id_pos: Pos,
    pub title: String,
    pub summary: String,
    pub sections: Vec<Section>,
    pub questions: Vec<Question>,
    /// Questions as written, those that could not be read included (`check` counts them).
    pub written_questions: usize,
}

#[derive(Debug, Clone)]
pub struct Section {
    pub title: String,
    pub body: String,
    pub replay: Option<Replay>,
}

/// A capture shown inside a section.
#[derive(Debug, Clone)]
pub struct Replay {
    pub capture: String,
    pub filter: Option<String>,
    pub annotate: bool,
    /// Where the capture's name and the filter are written, for `check`.
    pub capture_pos: Pos,
    pub filter_pos: Pos,
}

#[derive(Debug, Clone)]
pub struct Question {
    pub id: String,
    pub prompt: String,
    pub points: u32,
    /// Options of a choice question, in the author's order.
    pub options: Vec<String>,
    pub answer: Answer,
    pub hints: Vec<String>,
    /// Points taken off for each hint revealed.
    pub hint_cost: u32,
    pub solution: Vec<String>,
    /// Feedback for known wrong answers (compared as text answers are).
    pub feedback: Vec<(String, String)>,
    pub pos: Pos,
}

impl Question {
    /// The order to show a choice question's options in: shuffled, so that the right
    /// one is not always first, but the same every time (seeded by the question id).
    pub fn option_order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.options.len()).collect();
        // FNV-1a of the id, then a Fisher-Yates shuffle driven by xorshift.
        let mut state = self.id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        }) | 1;
        for i in (1..order.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            order.swap(i, (state % (i as u64 + 1)) as usize);
        }
        order
    }
}

/// What counts as right. Every expected value is kept as the author wrote it.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Any of these texts, compared without case and with spaces folded; or a regex.
    Text {
        accept: Vec<String>,
        regex: Option<String>,
    },
    /// These tokens in any order, no more, no fewer.
    Set(Vec<String>),
    /// The right options (one or several).
    Choice(Vec<String>),
    /// A number within a tolerance.
    Number {
        value: String,
        tolerance: String,
    },
    Bool(bool),
    /// Computed by decoding a capture: values of `field` in frames `filter` keeps.
    FromCapture {
        capture: String,
        filter: String,
        field: String,
        take: Take,
        /// Where the answer, its filter and its field are written, for `check`.
        pos: Pos,
        filter_pos: Pos,
        field_pos: Pos,
    },
    /// A display filter, right when it keeps the frames the reference keeps.
    FilterMatches {
        capture: String,
        reference: String,
        /// Where the answer and its reference filter are written, for `check`.
        pos: Pos,
        reference_pos: Pos,
    },
    /// An answer the loader could not read (and reported): kept so that `check` still
    /// looks at the rest of its question, never graded.
    Unreadable,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_order_is_shuffled_but_stable() {
        let q = |id: &str| Question {
            id: id.into(),
            prompt: String::new(),
            points: 1,
            options: (0..6).map(|i| i.to_string()).collect(),
            answer: Answer::Bool(true),
            hints: vec![],
            hint_cost: 0,
            solution: vec![],
            feedback: vec![],
            pos: Pos::default(),
        };
        let order = q("meaning-405").option_order();
        assert_eq!(order, q("meaning-405").option_order(), "the same every time");
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(sorted, (0..6).collect::<Vec<_>>(), "a permutation");
        assert!((0..8).any(|i| q(&format!("q{i}")).option_order() != (0..6).collect::<Vec<_>>()));
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Take {
    /// The default: the value, which `check` requires to be the only one found.
    Only,
    /// The first value, said explicitly: other values may follow.
    First,
    All,
    Count,
    Distinct,
}

/// Something wrong (or suspicious) in a lesson, and where.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub file: String,
    pub pos: Pos,
    pub severity: Severity,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}:{}: {severity}: {}",
            self.file, self.pos.line, self.pos.column, self.message
        )
    }
}
