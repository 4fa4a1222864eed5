//! Is an answer right? Pure matching for the written kinds; the capture-derived kinds
//! decode the capture they name, through a [`Captures`] source.

use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;

use super::{Answer, Question, Take};
use crate::capture::CaptureReader;
use crate::decode::single_pass::{Options, SinglePass};
use crate::decode::{Decoder, Field, Packet};
use crate::filter::Filter;

/// Where lesson captures come from (a course folder, or the bundled set).
pub trait Captures {
    /// The capture's bytes as a reader, and a name for messages.
    fn open(&self, name: &str) -> Result<Box<dyn Read>, String>;
}

/// Decoded captures, as questions need them.
pub trait Packets {
    fn packets(&self, name: &str) -> Result<Arc<Vec<Packet>>, String>;
}

/// Any capture source decodes on demand (fine for a few questions; see [`Library`]).
impl<C: Captures + ?Sized> Packets for C {
    fn packets(&self, name: &str) -> Result<Arc<Vec<Packet>>, String> {
        let mut all = Vec::new();
        decode_all(self, name, |p| all.push(p.clone()))?;
        Ok(Arc::new(all))
    }
}

/// Captures decoded once and kept, for grading many answers (batch grading shares one
/// across threads). Course captures are small; each is held whole.
#[derive(Debug, Default)]
pub struct Library {
    decoded: HashMap<String, Result<Arc<Vec<Packet>>, String>>,
}

impl Library {
    /// Decodes every capture the questions name.
    pub fn for_questions<'q>(captures: &dyn Captures, questions: impl Iterator<Item = &'q Question>) -> Library {
        let mut decoded = HashMap::new();
        for q in questions {
            let name = match &q.answer {
                Answer::FromCapture { capture, .. } | Answer::FilterMatches { capture, .. } => capture,
                _ => continue,
            };
            decoded.entry(name.clone()).or_insert_with(|| captures.packets(name));
        }
        Library { decoded }
    }
}

impl Packets for Library {
    fn packets(&self, name: &str) -> Result<Arc<Vec<Packet>>, String> {
        self.decoded
            .get(name)
            .cloned()
            .unwrap_or_else(|| Err(format!("capture {name} was not loaded")))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub correct: bool,
    /// What the author prepared for this particular wrong answer, if anything.
    pub feedback: Option<String>,
}

/// Case-insensitive, spaces trimmed and folded, in Unicode's compatibility form (NFKC):
/// "é" typed as one character or as "e" and an accent, and full-width "２１" from an
/// East Asian keyboard, compare equal to what the author wrote.
pub fn normalize(text: &str) -> String {
    compatible(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// `text` in NFKC (see [`normalize`]).
fn compatible(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    text.nfkc().collect()
}

/// Does `c` separate the members of a listed answer (a set, `take: all`)?
pub(crate) fn separates_members(c: char) -> bool {
    c.is_whitespace() || c == ',' || c == ';'
}

/// Does `c` separate the options a student picks in a choice?
pub(crate) fn separates_options(c: char) -> bool {
    matches!(c, ',' | ';' | '\n')
}

fn tokens(text: &str) -> Vec<String> {
    let mut t: Vec<String> = compatible(text)
        .split(separates_members)
        .filter(|t| !t.is_empty())
        .map(|t| t.to_lowercase())
        .collect();
    t.sort();
    t
}

/// A number with a unit word after it ("49 bytes", "445 tcp") is the number.
fn without_unit(text: &str) -> &str {
    let mut words = text.split_whitespace();
    match (words.next(), words.next(), words.next()) {
        (Some(number), Some(unit), None) if unit.chars().all(char::is_alphabetic) => number,
        _ => text,
    }
}

pub(crate) fn number(text: &str) -> Option<f64> {
    let text = &compatible(text);
    let t = without_unit(text.trim());
    match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok().map(|n| n as f64),
        None => t.parse().ok(),
    }
}

pub fn boolean(text: &str) -> Option<bool> {
    match normalize(text).as_str() {
        "true" | "t" | "yes" | "y" | "1" => Some(true),
        "false" | "f" | "no" | "n" | "0" => Some(false),
        _ => None,
    }
}

/// The expected answer as text, for reports that reveal it.
pub fn expected(question: &Question, captures: &dyn Packets) -> Result<String, String> {
    Ok(match &question.answer {
        Answer::Text { accept, regex } => match (accept.first(), regex) {
            (Some(first), _) => first.clone(),
            (None, Some(re)) => format!("/{re}/"),
            (None, None) => String::new(),
        },
        Answer::Set(members) => members.join(" "),
        Answer::Choice(right) => right.join(", "),
        Answer::Number { value, tolerance } if tolerance.trim() == "0" => value.clone(),
        Answer::Number { value, tolerance } => format!("{value} ± {tolerance}"),
        Answer::Bool(b) => if *b { "true" } else { "false" }.to_string(),
        Answer::FromCapture {
            capture,
            filter,
            field,
            take,
            ..
        } => from_capture(captures, capture, filter, field, *take)?.join(" "),
        Answer::FilterMatches { reference, .. } => reference.clone(),
        Answer::Unreadable => return Err(UNREADABLE.into()),
    })
}

const UNREADABLE: &str = "the question's answer could not be read (wirelab check says why)";

/// A regex error in one line: the crate's message quotes the pattern over several lines
/// with a caret under the fault, and ends with what the fault is.
pub(crate) fn regex_error(e: &regex::Error) -> String {
    let text = e.to_string();
    let last = text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or(&text);
    last.trim().trim_start_matches("error: ").to_string()
}

/// A value read from a capture and a student's spelling of it: the same text, or, for
/// a whole number (a port, `0x0304`), the same number in decimal or hex.
fn same_value(expected: &str, given: &str) -> bool {
    let whole = |text: &str| {
        let t = without_unit(text.trim());
        match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
            Some(hex) => u64::from_str_radix(hex, 16).ok(),
            None => t.parse::<u64>().ok(),
        }
    };
    normalize(expected) == normalize(given) || whole(expected).is_some_and(|e| whole(&compatible(given)) == Some(e))
}

/// Grades a student's answer to a question.
pub fn grade(question: &Question, given: &str, captures: &dyn Packets) -> Result<Verdict, String> {
    let correct = match &question.answer {
        Answer::Text { accept, regex } => {
            let given_n = normalize(given);
            accept.iter().any(|a| normalize(a) == given_n)
                || match regex {
                    Some(re) => regex::RegexBuilder::new(&format!("^(?:{re})$"))
                        .case_insensitive(true)
                        .size_limit(1 << 20)
                        .build()
                        .map_err(|e| format!("the question's regex does not compile: {}", regex_error(&e)))?
                        .is_match(compatible(given).trim()),
                    None => false,
                }
        }
        Answer::Set(expected) => {
            let mut expected: Vec<String> = expected.iter().map(|e| compatible(e).to_lowercase()).collect();
            expected.sort();
            tokens(given) == expected
        }
        Answer::Choice(right) => {
            let mut right: Vec<String> = right.iter().map(|r| normalize(r)).collect();
            right.sort();
            let mut picked: Vec<String> = given
                .split(separates_options)
                .map(normalize)
                .filter(|s| !s.is_empty())
                .collect();
            picked.sort();
            picked.dedup();
            picked == right
        }
        Answer::Number { value, tolerance } => match (number(given), number(value), number(tolerance)) {
            (Some(g), Some(v), Some(t)) => (g - v).abs() <= t,
            (None, _, _) => false,
            _ => {
                return Err(format!(
                    "the question's number '{value}' or tolerance '{tolerance}' is not a number"
                ))
            }
        },
        Answer::Bool(expected) => boolean(given) == Some(*expected),
        Answer::FromCapture {
            capture,
            filter,
            field,
            take,
            ..
        } => {
            let expected = from_capture(captures, capture, filter, field, *take)?;
            match take {
                Take::Only | Take::First | Take::Count => expected.first().is_some_and(|e| same_value(e, given)),
                Take::All | Take::Distinct => {
                    let mut expected: Vec<String> = expected.iter().map(|e| e.to_lowercase()).collect();
                    expected.sort();
                    tokens(given) == expected
                }
            }
        }
        Answer::FilterMatches { capture, reference, .. } => {
            let student = match Filter::parse(given) {
                Ok(filter) => filter,
                Err(e) => {
                    return Ok(Verdict {
                        correct: false,
                        feedback: Some(format!("that is not a display filter wirelab can read: {e}")),
                    })
                }
            };
            let reference = Filter::parse(reference).map_err(|e| format!("the reference filter: {e}"))?;
            frames(captures, capture, &student)? == frames(captures, capture, &reference)?
        }
        Answer::Unreadable => return Err(UNREADABLE.into()),
    };
    let feedback = if correct {
        None
    } else {
        // Feedback is keyed by a wrong answer; for a bool, by any spelling of it.
        let same = |wrong: &str| match (&question.answer, boolean(wrong)) {
            (Answer::Bool(_), Some(key)) => boolean(given) == Some(key),
            _ => normalize(wrong) == normalize(given),
        };
        question
            .feedback
            .iter()
            .find(|(wrong, _)| same(wrong))
            .map(|(_, f)| f.clone())
    };
    Ok(Verdict { correct, feedback })
}

/// Decodes a capture (labelled as replay shows it) and calls `each` per packet.
fn decode_all<C: Captures + ?Sized>(captures: &C, name: &str, mut each: impl FnMut(&Packet)) -> Result<(), String> {
    let reader = CaptureReader::new(captures.open(name)?, name).map_err(|e| e.to_string())?;
    // Course captures are small and every packet is kept: packets may wait as long
    // as they need for later frames.
    let options = Options {
        max_held: usize::MAX,
        max_held_bytes: usize::MAX,
        ..Options::default()
    };
    let mut pass = SinglePass::new(reader, Decoder::new().deferring(), options);
    while let Some(packet) = pass.next() {
        each(packet);
    }
    match pass.end().and_then(|end| end.damage) {
        Some(damage) => Err(damage.to_string()),
        None => Ok(()),
    }
}

/// The frame numbers a filter keeps.
pub fn frames(captures: &dyn Packets, name: &str, filter: &Filter) -> Result<Vec<u64>, String> {
    Ok(captures
        .packets(name)?
        .iter()
        .filter(|p| filter.matches(p))
        .map(|p| p.number)
        .collect())
}

/// The expected answer of a from_capture question: the field's values (as `-T fields`
/// prints them) in the frames the filter keeps, taken as the question says.
pub fn from_capture(
    captures: &dyn Packets,
    name: &str,
    filter: &str,
    field: &str,
    take: Take,
) -> Result<Vec<String>, String> {
    let filter = Filter::parse(filter).map_err(|e| format!("filter '{filter}': {e}"))?;
    let field = Field::lookup(field)?;
    let mut values = Vec::new();
    let mut frames = 0u64;
    for p in captures.packets(name)?.iter().filter(|p| filter.matches(p)) {
        frames += 1;
        values.extend(p.values(field).map(|v| v.to_field_string(field.kind())));
    }
    Ok(match take {
        Take::Only | Take::First => values.into_iter().take(1).collect(),
        Take::All => values,
        Take::Count => vec![frames.to_string()],
        Take::Distinct => {
            let mut seen = Vec::new();
            for v in values {
                if !seen.contains(&v) {
                    seen.push(v);
                }
            }
            seen
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::yaml::Pos;

    struct NoCaptures;
    impl Captures for NoCaptures {
        fn open(&self, name: &str) -> Result<Box<dyn Read>, String> {
            Err(format!("no capture {name}"))
        }
    }

    fn q(answer: Answer) -> Question {
        Question {
            id: "q".into(),
            prompt: "?".into(),
            points: 1,
            options: vec![],
            answer,
            hints: vec![],
            hint_cost: 0,
            solution: vec![],
            feedback: vec![("passive".into(), "Passive is the other mode.".into())],
            pos: Pos::default(),
        }
    }

    fn right(answer: &Answer, given: &str) -> bool {
        grade(&q(answer.clone()), given, &NoCaptures).unwrap().correct
    }

    #[test]
    fn the_pages_eight_answers_are_accepted() {
        let text = |t: &str| Answer::Text {
            accept: vec![t.into()],
            regex: None,
        };
        assert!(right(&text("active"), " Active "));
        assert!(right(&Answer::Set(vec!["20".into(), "21".into()]), "21 20"));
        assert!(right(&Answer::Set(vec!["20".into(), "21".into()]), "20, 21"));
        assert!(!right(&Answer::Set(vec!["20".into(), "21".into()]), "20 21 22"));
        assert!(right(&text("TCP"), "tcp"));
        assert!(right(
            &Answer::Number {
                value: "445".into(),
                tolerance: "0".into()
            },
            "445"
        ));
        assert!(right(&Answer::Bool(true), "True"));
        assert!(right(&Answer::Bool(true), "yes"));
        assert!(!right(&Answer::Bool(true), "maybe"));
    }

    #[test]
    fn unicode_spellings_of_one_answer_are_one_answer() {
        let text = |t: &str| Answer::Text {
            accept: vec![t.into()],
            regex: None,
        };
        // "é" as one code point, or "e" and a combining accent.
        assert!(right(&text("cafe\u{301}"), "caf\u{e9}"));
        assert!(right(&text("caf\u{e9}"), "CAFE\u{301}"));
        let regex = Answer::Text {
            accept: vec![],
            regex: Some("caf\u{e9}s?".into()),
        };
        assert!(right(&regex, "cafe\u{301}s"));
        // Full-width digits and letters, as East Asian keyboards type them.
        let port = Answer::Number {
            value: "21".into(),
            tolerance: "0".into(),
        };
        assert!(right(&port, "\u{ff12}\u{ff11}"));
        assert!(right(&port, "21 tcp"), "a unit after the number");
        assert!(!right(&port, "21 22"));
        assert!(right(
            &Answer::Set(vec!["20".into(), "21".into()]),
            "\u{ff12}\u{ff10} 21"
        ));
        assert!(right(&text("GET"), "\u{ff27}\u{ff25}\u{ff34}"));
        assert!(!right(&text("cafe"), "caf\u{e9}"), "an accent still counts");
    }

    #[test]
    fn a_whole_number_from_a_capture_is_right_in_decimal_or_hex() {
        assert!(same_value("0x0304", "0x304"));
        assert!(same_value("0x0304", "772"));
        assert!(same_value("80", "0x50"));
        assert!(same_value("jdoe", " JDOE "));
        assert!(same_value("49", "49 bytes"), "a unit after the number");
        assert!(!same_value("49", "49 50"));
        assert!(!same_value("1.10", "1.1"), "only whole numbers");
        assert!(!same_value("0x0304", "0x0303"));
    }

    #[test]
    fn regexes_are_anchored_and_feedback_is_given() {
        let a = Answer::Text {
            accept: vec![],
            regex: Some("https?".into()),
        };
        assert!(right(&a, "HTTPS"));
        assert!(!right(&a, "xhttps"));
        let verdict = grade(
            &q(Answer::Text {
                accept: vec!["active".into()],
                regex: None,
            }),
            "Passive",
            &NoCaptures,
        )
        .unwrap();
        assert_eq!(verdict.feedback.as_deref(), Some("Passive is the other mode."));
        assert!(right(
            &Answer::Number {
                value: "0x50".into(),
                tolerance: "0".into()
            },
            "80"
        ));
        assert!(right(&Answer::Choice(vec!["TLS 1.3".into()]), "tls 1.3"));
        // A bool's feedback, keyed "true", answers every spelling of true.
        let mut question = q(Answer::Bool(false));
        question.feedback = vec![("true".into(), "Only the records are encrypted.".into())];
        for given in ["yes", "T", "1", "true"] {
            let verdict = grade(&question, given, &NoCaptures).unwrap();
            assert_eq!(
                verdict.feedback.as_deref(),
                Some("Only the records are encrypted."),
                "{given}"
            );
        }
        assert_eq!(grade(&question, "maybe", &NoCaptures).unwrap().feedback, None);
    }

    #[test]
    fn wrong_answers_are_wrong_for_every_kind() {
        let text = Answer::Text {
            accept: vec!["GET".into()],
            regex: None,
        };
        assert!(!right(&text, "POST"));
        assert!(!right(&text, "GETS"));
        assert!(!right(&Answer::Set(vec!["20".into(), "21".into()]), "20"));
        let choice = Answer::Choice(vec!["a".into(), "c".into()]);
        assert!(right(&choice, "c, a"));
        assert!(!right(&choice, "a"), "a multiple choice needs every right option");
        assert!(!right(&choice, "a, b, c"));
        let number = Answer::Number {
            value: "1.5".into(),
            tolerance: "0.1".into(),
        };
        assert!(right(&number, "1.55"));
        assert!(!right(&number, "1.7"));
        assert!(!right(&number, "one and a half"));
        assert!(!right(&Answer::Bool(false), "true"));
    }
}
