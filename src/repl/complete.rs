//! Tab completion for the REPL: command names first, then what the command takes —
//! lesson ids, question numbers, capture names, display-filter field names.

use rustyline::completion::{Completer, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Helper};

use super::command::{self, COMMANDS};
use super::session::{Session, Vocabulary};
use crate::decode::Field;

pub struct Completion {
    vocabulary: Vocabulary,
}

impl Completion {
    pub fn new(session: &Session) -> Completion {
        Completion {
            vocabulary: session.vocabulary(),
        }
    }

    /// Follows the session (the open lesson decides the question numbers).
    pub fn update(&mut self, session: &Session) {
        self.vocabulary = session.vocabulary();
    }
}

/// Where the word being typed at the end of `before` (the line up to the cursor)
/// starts, and its candidates. In a filter the
/// word is the name being typed, after a parenthesis, brace or `!` (`len(http.ho`).
fn completion(before: &str, vocabulary: &Vocabulary) -> (usize, Vec<String>) {
    let mut start = before.rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let earlier: Vec<&str> = before[..start].split_whitespace().collect();
    if earlier.first().and_then(|w| command::canonical(w)) == Some("replay") && earlier.contains(&"-Y") {
        start = before
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
            .map_or(0, |i| i + 1)
            .max(start);
    }
    let word = &before[start..];
    let words: Vec<String> = match earlier.first().map(|w| command::canonical(w)) {
        None => COMMANDS.iter().map(|(name, _, _, _)| name.to_string()).collect(),
        Some(None) => Vec::new(),
        Some(Some(name)) => match (name, earlier.len()) {
            ("help", 1) => COMMANDS.iter().map(|(name, _, _, _)| name.to_string()).collect(),
            ("open" | "reset", 1) => vocabulary.lessons.clone(),
            ("question" | "answer" | "hint" | "solution", 1) => {
                (1..=vocabulary.questions).map(|n| n.to_string()).collect()
            }
            ("fields", 1) => field_names(),
            ("replay", _) if earlier.contains(&"-Y") => {
                let mut words = field_names();
                words.extend(FUNCTIONS.map(String::from));
                words
            }
            ("replay", _) => {
                let mut words = vocabulary.captures.clone();
                words.extend(["-Y".to_string(), "--annotate".to_string()]);
                words
            }
            _ => Vec::new(),
        },
    };
    (start, words.into_iter().filter(|w| w.starts_with(word)).collect())
}

/// The display-filter functions, completed in filters.
const FUNCTIONS: [&str; 8] = ["len", "count", "lower", "upper", "string", "max", "min", "abs"];

/// Every field name, and the protocol names they start with (`ftp`, `tls`).
fn field_names() -> Vec<String> {
    let mut names: Vec<String> = Field::ALL.iter().map(|f| f.name().to_string()).collect();
    names.extend(
        Field::ALL
            .iter()
            .map(|f| f.name().split('.').next().unwrap_or("").to_string()),
    );
    names.sort();
    names.dedup();
    names
}

impl Completer for Completion {
    type Candidate = Pair;

    fn complete(&self, line: &str, pos: usize, _: &Context<'_>) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (start, words) = completion(&line[..pos], &self.vocabulary);
        // A single candidate is complete: a space follows it, ready for the next word.
        let space = if words.len() == 1 { " " } else { "" };
        let pairs = words
            .into_iter()
            .map(|w| Pair {
                replacement: format!("{w}{space}"),
                display: w,
            })
            .collect();
        Ok((start, pairs))
    }
}

impl Hinter for Completion {
    type Hint = String;
}
impl Highlighter for Completion {}
impl Validator for Completion {}
impl Helper for Completion {}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidates(before: &str, vocabulary: &Vocabulary) -> Vec<String> {
        completion(before, vocabulary).1
    }

    fn vocabulary() -> Vocabulary {
        Vocabulary {
            lessons: vec!["01-primer".into(), "04-ftp-modes".into()],
            questions: 3,
            captures: vec!["ftp-passive.pcapng".into(), "tls12.pcapng".into()],
        }
    }

    #[test]
    fn completes_what_each_command_takes() {
        let v = vocabulary();
        assert_eq!(candidates("qu", &v), ["questions", "question", "quit"]);
        assert_eq!(candidates("open 04", &v), ["04-ftp-modes"]);
        assert_eq!(candidates("hint ", &v), ["1", "2", "3"]);
        assert_eq!(candidates("replay ftp", &v), ["ftp-passive.pcapng"]);
        assert_eq!(
            candidates("replay tls12.pcapng -Y ftp.request.comm", &v),
            ["ftp.request.command"]
        );
        assert!(candidates("fields smb2.", &v).contains(&"smb2.cmd".to_string()));
        // Inside a filter: names after a parenthesis, brace or `!`, and functions.
        assert_eq!(candidates("replay -Y len(http.ho", &v), ["http.host"]);
        assert_eq!(completion("replay -Y !(ftp.request.comm", &v).0, 12);
        assert_eq!(candidates("replay -Y lo", &v), ["lower"]);
        assert!(candidates("detail ", &v).is_empty());
        assert!(candidates("frobnicate x", &v).is_empty());
    }
}
