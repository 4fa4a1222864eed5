//! Keeps the REPL's output inside the terminal: a line wider than the terminal is broken
//! at spaces, and two-column lists (help, fields) keep their columns.

/// Wraps every line of `text` to at most `width` columns. The session passes one column
/// less than the terminal has, so terminals never wrap on their own. A broken line's
/// padding is kept; its continuation lines hang under its last column (the text after a
/// run of two or more spaces in the line's first half), else two columns in from the
/// line's indent. Lines with escape codes are left alone: they are coloured table rows,
/// which are fitted when drawn.
pub fn fit_lines(text: &str, width: usize) -> String {
    let room = width.max(20);
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        if body.chars().count() <= room || body.contains('\x1b') {
            out.push_str(line);
        } else {
            fit_line(body, room, &mut out);
            out.push_str(newline);
        }
    }
    out
}

fn fit_line(line: &str, room: usize, out: &mut String) {
    let indent = line.len() - line.trim_start().len();
    let hang = hanging_column(line, room).unwrap_or(indent + 2).min(room / 2);
    let mut rest = line;
    let mut first = true;
    loop {
        let avail = if first { room } else { room - hang };
        if rest.chars().count() <= avail {
            out.push_str(rest);
            return;
        }
        // The last space that leaves some text before it and fits; else the first
        // space after the room (a long word stays whole).
        let limit = rest.char_indices().nth(avail).map_or(rest.len(), |(i, _)| i);
        // A space just past the room is a fine place to cut too.
        let window = limit + usize::from(rest[limit..].starts_with(' '));
        let keep = if first { indent } else { 0 };
        let cut = rest[..window]
            .rfind(' ')
            .filter(|&i| !rest[keep..i.max(keep)].trim().is_empty())
            .or_else(|| rest[limit..].find(' ').map(|i| i + limit));
        let Some(cut) = cut else {
            out.push_str(rest);
            return;
        };
        out.push_str(rest[..cut].trim_end());
        rest = rest[cut..].trim_start();
        if rest.is_empty() {
            return;
        }
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', hang));
        first = false;
    }
}

/// Where a table row's last column starts: after the last run of two or more spaces
/// within the first half of the room.
fn hanging_column(line: &str, room: usize) -> Option<usize> {
    let chars: Vec<char> = line.chars().take(room / 2 + 1).collect();
    (2..chars.len()).rev().find(|&i| {
        chars[i] != ' ' && chars[i - 1] == ' ' && chars[i - 2] == ' ' && chars[..i - 2].iter().any(|c| *c != ' ')
    })
}

/// Rows of two columns, indented two spaces: the first column as wide as its widest
/// entry (up to half the width; a longer one puts its description on the next line),
/// descriptions wrapped within the second column.
pub fn two_columns<'a>(rows: impl IntoIterator<Item = (&'a str, String)>, width: usize) -> String {
    let rows: Vec<(&str, String)> = rows.into_iter().collect();
    let widest = rows.iter().map(|(name, _)| name.chars().count()).max().unwrap_or(0);
    let column = (widest + 4).min(width.max(40) / 2);
    let mut out = String::new();
    for (name, description) in rows {
        let lines = crate::view::markup::wrap(&description, width.max(40) - column);
        out.push_str("  ");
        out.push_str(name);
        let used = 2 + name.chars().count();
        let mut pad = column.saturating_sub(used);
        if used + 2 > column {
            out.push('\n');
            pad = column;
        }
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                out.push('\n');
                pad = column;
            }
            out.extend(std::iter::repeat_n(' ', pad));
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_break_at_spaces_and_hang_under_their_last_column() {
        let text = "  1. primer         Layers 5-7 primer: HTTP, HTTPS, FTP and SMB on the wire  (0/8 points)\nshort\n";
        let fitted = fit_lines(text, 50);
        assert!(fitted.lines().all(|l| l.chars().count() <= 50), "{fitted}");
        let words = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(words(&fitted), words(text));
        // The padding stays; continuations start under the title.
        assert!(fitted.starts_with("  1. primer         Layers"), "{fitted}");
        let title_at = text.find("Layers").unwrap();
        let second = fitted.lines().nth(1).unwrap();
        assert_eq!(second.len() - second.trim_start().len(), title_at, "{fitted}");
        assert!(fitted.ends_with("\nshort\n"));
    }

    #[test]
    fn prose_continues_two_columns_in_and_lines_that_fit_are_untouched() {
        let text = "The port is a convention, not a law: a service can run on any port at all.";
        let fitted = fit_lines(text, 40);
        assert!(fitted.lines().all(|l| l.chars().count() <= 40), "{fitted}");
        assert!(
            fitted
                .lines()
                .skip(1)
                .all(|l| l.starts_with("  ") && !l.starts_with("   ")),
            "{fitted}"
        );
        // Exactly the width is not wrapped.
        let exact = "x ".repeat(20);
        let exact = exact.trim_end();
        assert_eq!(fit_lines(exact, 39), exact);
        // A word longer than the line stays whole; coloured rows are untouched.
        let long = "x".repeat(60);
        assert_eq!(fit_lines(&long, 40), long);
        let row = "\x1b[35mTCP\x1b[0m ".repeat(20);
        assert_eq!(fit_lines(&row, 40), row);
    }

    #[test]
    fn two_columns_wrap_descriptions_in_their_column() {
        let rows = [
            ("read", "show the current section again".to_string()),
            (
                "replay [CAPTURE] [-Y FILTER]",
                "show a capture's packets, the section's by default, one page at a time".to_string(),
            ),
        ];
        let text = two_columns(rows, 70);
        assert!(text.lines().all(|l| l.chars().count() <= 70), "{text}");
        let column = 2 + "replay [CAPTURE] [-Y FILTER]".len() + 2;
        assert_eq!(text.lines().next().unwrap().find("show"), Some(column), "{text}");
        assert!(
            text.lines().skip(2).all(|l| l.len() - l.trim_start().len() == column),
            "{text}"
        );
        // A first column wider than half the width: the description goes below it.
        let text = two_columns([("x".repeat(40).as_str(), "what it does".to_string())], 60);
        assert_eq!(text.lines().nth(1).unwrap().trim_start(), "what it does", "{text}");
    }
}
