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
        let mut current = String::from(indent);
        for word in body.trim_start().split(' ') {
            let fits = current.chars().count() + 1 + word.chars().count() <= room;
            if current.trim().is_empty() || fits {
                if !current.trim().is_empty() {
                    current.push(' ');
                }
                current.push_str(word);
            } else {
                out.push_str(&current);
                out.push('\n');
                current = format!("{indent}  {word}");
            }
        }
        out.push_str(&current);
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
        assert_eq!(
            fitted.replace("\n    ", " ").replace("  ", " "),
            text.replace("  ", " ")
        );
        assert!(fitted.ends_with("\nshort\n"));
        // A word longer than the line stays whole; coloured rows are untouched.
        let long = "x".repeat(60);
        assert_eq!(fit_lines(&long, 40), long);
        let row = "\x1b[35mTCP\x1b[0m ".repeat(20);
        assert_eq!(fit_lines(&row, 40), row);
    }
}
