//! REPL commands: parsed from a line into an enum, with short aliases and help texts in
//! one table. Parsing is pure and tested without a terminal.

use crate::decode::text::escaped;

/// (name, aliases, usage, what it does)
pub const COMMANDS: &[(&str, &[&str], &str, &str)] = &[
    (
        "help",
        &["h", "?"],
        "help [COMMAND]",
        "list the commands, or explain one",
    ),
    (
        "lessons",
        &["ls", "l"],
        "lessons",
        "the course outline with your progress",
    ),
    ("open", &["o"], "open LESSON", "start a lesson (its id or number)"),
    ("read", &["r"], "read", "show the current section again"),
    ("next", &["n"], "next", "the next section"),
    ("prev", &["p"], "prev", "the previous section"),
    (
        "questions",
        &["qs"],
        "questions",
        "the lesson's questions and where you stand",
    ),
    (
        "question",
        &["q"],
        "question N",
        "show question N; then just type your answer",
    ),
    ("answer", &["a"], "answer N TEXT", "answer question N"),
    ("hint", &[], "hint N", "the next hint for question N"),
    (
        "solution",
        &["sol"],
        "solution N",
        "the next step of question N's solution",
    ),
    (
        "replay",
        &["rp"],
        "replay [CAPTURE] [-Y FILTER] [--annotate]",
        "show a capture's packets (the section's, by default)",
    ),
    ("more", &["m"], "more", "the next page of the last replay"),
    (
        "detail",
        &["d"],
        "detail N",
        "frame N of the last capture, layer by layer",
    ),
    (
        "follow",
        &["f"],
        "follow N",
        "TCP stream N of the last capture, turn by turn",
    ),
    ("ladder", &["ld"], "ladder", "the last replay as a sequence diagram"),
    (
        "fields",
        &["fl"],
        "fields PREFIX",
        "field names starting with PREFIX, and what they mean",
    ),
    (
        "progress",
        &["pr"],
        "progress",
        "points and completion, lesson by lesson",
    ),
    ("reset", &[], "reset [LESSON]", "forget your answers (asks first)"),
    ("quit", &["exit", "bye"], "quit", "save and leave (Ctrl-D too)"),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Help(Option<String>),
    Lessons,
    Open(String),
    Read,
    Next,
    Prev,
    Questions,
    Question(usize),
    Answer(usize, String),
    /// A line typed at a question prompt, taken as the answer to that question.
    PromptAnswer(usize, String),
    Hint(usize),
    Solution(usize),
    Replay {
        capture: Option<String>,
        filter: Option<String>,
        annotate: bool,
    },
    More,
    Detail(u64),
    Follow(u64),
    Ladder,
    Fields(String),
    Progress,
    Reset(Option<String>),
    Quit,
    Empty,
}

/// The command name an input word stands for.
pub fn canonical(word: &str) -> Option<&'static str> {
    COMMANDS
        .iter()
        .find(|(name, aliases, _, _)| *name == word || aliases.contains(&word))
        .map(|(name, _, _, _)| *name)
}

fn usage(name: &str) -> String {
    let usage = COMMANDS
        .iter()
        .find(|(n, _, _, _)| *n == name)
        .map(|(_, _, u, _)| *u)
        .unwrap_or(name);
    format!("usage: {usage}")
}

fn number<T: std::str::FromStr>(word: Option<&str>, name: &str) -> Result<T, String> {
    word.and_then(|w| w.parse().ok()).ok_or_else(|| usage(name))
}

/// Parses a line. `Err` holds what to tell the user (unknown command with the nearest
/// one, or the command's usage).
pub fn parse(line: &str) -> Result<Command, String> {
    let line = line.trim();
    if line.is_empty() {
        return Ok(Command::Empty);
    }
    let (word, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    let rest = rest.trim();
    let Some(name) = canonical(word) else {
        let names = COMMANDS.iter().map(|(n, _, _, _)| *n);
        // What was typed may hold control bytes (a pasted escape): shown escaped.
        let shown = escaped(word.as_bytes());
        return Err(match crate::decode::field::nearest(word, names) {
            Some(near) => format!("unknown command '{shown}' (did you mean {near}?) — type help"),
            None => format!("unknown command '{shown}' — type help"),
        });
    };
    let mut args = rest.split_whitespace();
    Ok(match name {
        "help" => Command::Help(args.next().map(str::to_string)),
        "lessons" => Command::Lessons,
        "open" => Command::Open(args.next().ok_or_else(|| usage(name))?.to_string()),
        "read" => Command::Read,
        "next" => Command::Next,
        "prev" => Command::Prev,
        "questions" => Command::Questions,
        "question" => Command::Question(number(args.next(), name)?),
        "answer" => {
            let (n, text) = rest.split_once(char::is_whitespace).ok_or_else(|| usage(name))?;
            Command::Answer(n.parse().map_err(|_| usage(name))?, text.trim().to_string())
        }
        "hint" => Command::Hint(number(args.next(), name)?),
        "solution" => Command::Solution(number(args.next(), name)?),
        "replay" => replay(rest)?,
        "more" => Command::More,
        "detail" => Command::Detail(number(args.next(), name)?),
        "follow" => Command::Follow(number(args.next(), name)?),
        "ladder" => Command::Ladder,
        "fields" => Command::Fields(args.next().unwrap_or("").to_string()),
        "progress" => Command::Progress,
        "reset" => Command::Reset(args.next().map(str::to_string)),
        _ => Command::Quit,
    })
}

/// `replay [CAPTURE] [-Y FILTER...] [--annotate]`: the filter is everything after -Y
/// (up to --annotate), so it needs no quotes.
fn replay(rest: &str) -> Result<Command, String> {
    let mut annotate = false;
    let mut rest = rest.to_string();
    if let Some(at) = rest.find("--annotate") {
        annotate = true;
        rest.replace_range(at..at + "--annotate".len(), "");
    }
    let (before, filter) = match rest.find("-Y") {
        Some(at) => {
            // Quotes a shell would need are allowed around the whole filter, in a pair
            // (a filter that is one string in double quotes could not be valid anyway).
            let text = rest[at + 2..].trim();
            let text = ['\'', '"']
                .iter()
                .find_map(|&q| text.strip_prefix(q).and_then(|t| t.strip_suffix(q)))
                .unwrap_or(text);
            if text.trim().is_empty() {
                return Err(format!("{}: -Y needs a filter", usage("replay")));
            }
            (rest[..at].trim().to_string(), Some(text.to_string()))
        }
        None => (rest.trim().to_string(), None),
    };
    let capture = (!before.is_empty()).then_some(before);
    Ok(Command::Replay {
        capture,
        filter,
        annotate,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_aliases_and_arguments() {
        assert_eq!(parse("ls"), Ok(Command::Lessons));
        assert_eq!(parse("open ftp-modes"), Ok(Command::Open("ftp-modes".into())));
        assert_eq!(parse("a 2 20 21"), Ok(Command::Answer(2, "20 21".into())));
        assert_eq!(parse("  "), Ok(Command::Empty));
        assert_eq!(
            parse("replay ftp-passive.pcapng -Y ftp.request.command == \"RETR\" --annotate"),
            Ok(Command::Replay {
                capture: Some("ftp-passive.pcapng".into()),
                filter: Some("ftp.request.command == \"RETR\"".into()),
                annotate: true
            })
        );
        assert_eq!(
            parse("rp"),
            Ok(Command::Replay {
                capture: None,
                filter: None,
                annotate: false
            })
        );
    }

    #[test]
    fn mistakes_get_the_nearest_command_or_the_usage() {
        assert_eq!(
            parse("qestions").unwrap_err(),
            "unknown command 'qestions' (did you mean questions?) — type help"
        );
        assert_eq!(parse("hint").unwrap_err(), "usage: hint N");
        assert_eq!(parse("answer two x").unwrap_err(), "usage: answer N TEXT");
        assert_eq!(
            parse("replay -Y").unwrap_err(),
            "usage: replay [CAPTURE] [-Y FILTER] [--annotate]: -Y needs a filter"
        );
        // A quote without its pair is left for the filter parser to point at.
        let Ok(Command::Replay { filter, .. }) = parse("replay -Y 'ftp") else {
            panic!()
        };
        assert_eq!(filter.as_deref(), Some("'ftp"));
        let Ok(Command::Replay { filter, .. }) = parse("replay -Y 'ftp || dns'") else {
            panic!()
        };
        assert_eq!(filter.as_deref(), Some("ftp || dns"));
    }
}
