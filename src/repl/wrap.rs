//! Keeps the REPL's output inside the terminal: a line wider than the terminal is broken
//! at spaces, its continuation indented like the line itself.

/// Wraps every line of `text` to fewer than `width` columns (the last column is left
/// free, so terminals do not wrap on their own). Lines with escape codes are left alone:
/// they are coloured table rows, which are fitted when drawn.
pub fn fit_lines(text: &str, width: usize) -> String {
    let room = width.saturating_sub(1).max(20);
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        if body.chars().count() <= room || body.contains('\x1b') {
            out.push_str(line);
            continue;
        }
        let indent = &body[..body.len() - body.trim_start().len()];
        // Continuation lines are indented two more columns than the line itself.
        let lines = crate::view::markup::wrap(body.trim_start(), room.saturating_sub(indent.len() + 2).max(10));
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                out.push('\n');
                out.push_str("  ");
            }
            out.push_str(indent);
            out.push_str(line);
        }
        out.push_str(newline);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_break_at_spaces_with_their_indent() {
        let text = "  1. primer   Layers 5-7 primer: HTTP, HTTPS, FTP and SMB on the wire  (0/8 points)\nshort\n";
        let fitted = fit_lines(text, 40);
        assert!(fitted.lines().all(|l| l.chars().count() < 40), "{fitted}");
        // The same words in the same order (a wrapped line's runs of spaces become one),
        // continuations indented two more columns than their line.
        let words = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(words(&fitted), words(text));
        assert!(fitted.starts_with("  1. primer Layers"), "{fitted}");
        assert!(fitted.lines().nth(1).unwrap().starts_with("    "), "{fitted}");
        assert!(fitted.ends_with("\nshort\n"));
        // A word longer than the line stays whole; coloured rows are untouched.
        let long = "x".repeat(60);
        assert_eq!(fit_lines(&long, 40), long);
        let row = "\x1b[35mTCP\x1b[0m ".repeat(20);
        assert_eq!(fit_lines(&row, 40), row);
    }
}
