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
        "replay [CAPTURE] [-Y FILTER] [-e FIELD]",
        "show a capture's packets (the section's, by default); -e FIELD (repeatable, -T fields optional) shows field values instead, --annotate explains each packet",
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
        /// `-e FIELD`s (with `-T fields` or alone): their values instead of the list.
        fields: Vec<String>,
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
    let (mut word, mut rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    // A command pasted from a lesson's solution, as a shell takes it.
    if word == "wirelab" && !rest.trim().is_empty() {
        (word, rest) = rest.trim().split_once(char::is_whitespace).unwrap_or((rest.trim(), ""));
    }
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
        // `q` alone is how many tools quit: say how to, with the usage.
        "question" => Command::Question(number(args.next(), name).map_err(|usage| match word {
            "q" if rest.is_empty() => format!("{usage} (to leave: quit, or Ctrl-D)"),
            _ => usage,
        })?),
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

/// `replay [CAPTURE] [-Y FILTER...] [-T fields -e FIELD...] [--annotate]`: the filter
/// runs up to the next option, so it needs no quotes. A word outside quotes that starts
/// with `-` and a letter is an option, unless it is a field negated (`-tcp.len`).
fn replay(rest: &str) -> Result<Command, String> {
    let words = words(rest);
    let is_option = |w: &(usize, usize)| {
        let word = &rest[w.0..w.1];
        if word
            .strip_prefix('-')
            .is_some_and(|field| crate::decode::Field::from_name(field).is_some())
        {
            return false;
        }
        let body = word.strip_prefix("--").or_else(|| word.strip_prefix('-'));
        body.is_some_and(|b| b.starts_with(|c: char| c.is_ascii_alphabetic()))
    };
    let (mut capture, mut filter, mut fields, mut annotate) = (None, None, Vec::new(), false);
    let mut i = 0;
    while i < words.len() {
        let (start, end) = words[i];
        let word = &rest[start..end];
        if !is_option(&words[i]) {
            // Words before the first option name the capture.
            if capture.is_some() || filter.is_some() || !fields.is_empty() || annotate {
                return Err(format!(
                    "{}: '{}' is out of place",
                    usage("replay"),
                    escaped(word.as_bytes())
                ));
            }
            let last = words[i..].iter().position(is_option).map_or(words.len(), |n| i + n);
            capture = Some(rest[start..words[last - 1].1].to_string());
            i = last;
            continue;
        }
        let value = words.get(i + 1).filter(|w| !is_option(w)).map(|w| &rest[w.0..w.1]);
        match word {
            "-Y" => {
                let last = words[i + 1..]
                    .iter()
                    .position(is_option)
                    .map_or(words.len(), |n| i + 1 + n);
                let text = if last > i + 1 {
                    rest[words[i + 1].0..words[last - 1].1].trim()
                } else {
                    ""
                };
                // Quotes a shell would need are allowed around the whole filter, in a pair
                // (a filter that is one string in double quotes could not be valid anyway).
                let text = ['\'', '"']
                    .iter()
                    .find_map(|&q| text.strip_prefix(q).and_then(|t| t.strip_suffix(q)))
                    .unwrap_or(text);
                if text.trim().is_empty() {
                    return Err(format!("{}: -Y needs a filter", usage("replay")));
                }
                filter = Some(text.to_string());
                i = last;
                continue;
            }
            "-T" => match value {
                Some("fields") => {}
                Some(other) => {
                    return Err(format!(
                        "-T {}: the REPL shows the packet list or, with -T fields, field values; \
                         for other formats run wirelab replay in a shell",
                        escaped(other.as_bytes())
                    ))
                }
                None => return Err(format!("{}: -T needs fields", usage("replay"))),
            },
            "-e" => match value {
                Some(field) => fields.push(field.to_string()),
                None => return Err(format!("{}: -e needs a field name", usage("replay"))),
            },
            "--annotate" => {
                annotate = true;
                i += 1;
                continue;
            }
            other => {
                return Err(format!(
                    "unknown option {}; {} (wirelab replay in a shell takes every option)",
                    escaped(other.as_bytes()),
                    usage("replay")
                ))
            }
        }
        i += 2;
    }
    Ok(Command::Replay {
        capture,
        filter,
        fields,
        annotate,
    })
}

/// The byte ranges of the words of `text`, split at whitespace outside quotes (a quote
/// without its pair runs to the end).
fn words(text: &str) -> Vec<(usize, usize)> {
    let mut words = Vec::new();
    let (mut start, mut quote) = (None, None);
    for (at, c) in text.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c.is_whitespace() => {
                if let Some(s) = start.take() {
                    words.push((s, at));
                }
            }
            None => {
                start.get_or_insert(at);
                if c == '\'' || c == '"' {
                    quote = Some(c);
                }
            }
        }
    }
    if let Some(s) = start {
        words.push((s, text.len()));
    }
    words
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
                fields: vec![],
                annotate: true
            })
        );
        assert_eq!(
            parse("rp"),
            Ok(Command::Replay {
                capture: None,
                filter: None,
                fields: vec![],
                annotate: false
            })
        );
        // A lesson's solution pasted as it is written for a shell.
        assert_eq!(
            parse(
                "wirelab replay captures/smb.pcapng -Y 'smb2.flags.response == 0' -T fields -e tcp.dstport -e ip.src"
            ),
            Ok(Command::Replay {
                capture: Some("captures/smb.pcapng".into()),
                filter: Some("smb2.flags.response == 0".into()),
                fields: vec!["tcp.dstport".into(), "ip.src".into()],
                annotate: false
            })
        );
        // Words inside a filter's strings are not options; a negative number is no option.
        let Ok(Command::Replay { filter, annotate, .. }) =
            parse("replay -Y http.user_agent contains \"curl -v --x\" || tcp.window_size_scalefactor == -1 --annotate")
        else {
            panic!()
        };
        assert_eq!(
            filter.as_deref(),
            Some("http.user_agent contains \"curl -v --x\" || tcp.window_size_scalefactor == -1")
        );
        assert!(annotate);
        // Nor is a field negated in arithmetic.
        let Ok(Command::Replay { filter, .. }) = parse("replay -Y -tcp.srcport < 0 -e tcp.port") else {
            panic!()
        };
        assert_eq!(filter.as_deref(), Some("-tcp.srcport < 0"));
    }

    #[test]
    fn mistakes_get_the_nearest_command_or_the_usage() {
        assert_eq!(
            parse("qestions").unwrap_err(),
            "unknown command 'qestions' (did you mean questions?) — type help"
        );
        assert_eq!(parse("hint").unwrap_err(), "usage: hint N");
        assert_eq!(parse("q").unwrap_err(), "usage: question N (to leave: quit, or Ctrl-D)");
        assert_eq!(parse("answer two x").unwrap_err(), "usage: answer N TEXT");
        assert_eq!(
            parse("replay -Y").unwrap_err(),
            "usage: replay [CAPTURE] [-Y FILTER] [-e FIELD]: -Y needs a filter"
        );
        // Options the REPL does not take are named, never taken for a capture or a filter.
        for line in [
            "replay -c 3",
            "replay ftp.pcapng -V",
            "replay ftp.pcapng -Y ftp --filter x",
        ] {
            let err = parse(line).unwrap_err();
            assert!(err.contains("unknown option -"), "{line}: {err}");
        }
        assert!(parse("replay x.pcapng -T json").unwrap_err().starts_with("-T json: "));
        assert!(parse("replay x.pcapng -e")
            .unwrap_err()
            .ends_with("-e needs a field name"));
        assert!(parse("replay -Y ftp x.pcapng").is_ok_and(|c| matches!(c, Command::Replay { capture: None, .. })));
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
