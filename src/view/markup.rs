//! Lesson text for the terminal: the light Markdown lessons are written in (headings,
//! paragraphs, **bold**, *emphasis*, `code`, lists, pipe tables), wrapped to a width.
//! Every character from a lesson goes through the wire-text escaping first, so a lesson
//! cannot send control sequences to the terminal either.

use colored::Colorize;

use crate::decode::text::escaped;

/// Renders `text` into lines of at most `width` columns (tables may be wider).
pub fn render(text: &str, width: usize, color: bool) -> Vec<String> {
    let mut out = Vec::new();
    let lines: Vec<String> = text.lines().map(|l| escaped(l.as_bytes())).collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim_end();
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            out.push(String::new());
            i += 1;
        } else if let Some(heading) = trimmed.strip_prefix('#') {
            let heading = heading.trim_start_matches('#').trim();
            out.push(if color {
                heading.bold().underline().to_string()
            } else {
                heading.to_string()
            });
            i += 1;
        } else if trimmed.starts_with('|') {
            let start = i;
            while i < lines.len() && lines[i].trim_start().starts_with('|') {
                i += 1;
            }
            out.extend(table(&lines[start..i], color));
        } else if let Some((marker, item)) = list_item(trimmed) {
            // A list item, with its continuation lines.
            let mut body = item.to_string();
            i += 1;
            while i < lines.len()
                && !lines[i].trim().is_empty()
                && list_item(lines[i].trim_start()).is_none()
                && lines[i].starts_with("  ")
            {
                body.push(' ');
                body.push_str(lines[i].trim());
                i += 1;
            }
            let indent = " ".repeat(marker.chars().count() + 1);
            for (n, l) in wrap(&inline(&body, color), width.saturating_sub(indent.len()).max(20))
                .into_iter()
                .enumerate()
            {
                out.push(if n == 0 {
                    format!("{marker} {l}")
                } else {
                    format!("{indent}{l}")
                });
            }
        } else {
            // A paragraph: lines up to the next blank line or block.
            let mut body = trimmed.to_string();
            i += 1;
            while i < lines.len() {
                let next = lines[i].trim();
                if next.is_empty() || next.starts_with('#') || next.starts_with('|') || list_item(next).is_some() {
                    break;
                }
                body.push(' ');
                body.push_str(next);
                i += 1;
            }
            out.extend(wrap(&inline(&body, color), width));
        }
    }
    out
}

/// `- item`, `* item` or `1. item`: the marker and the item's text.
fn list_item(line: &str) -> Option<(String, &str)> {
    if let Some(rest) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
        return Some(("•".to_string(), rest));
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && line[digits..].starts_with(". ") {
        return Some((line[..digits + 1].to_string(), &line[digits + 2..]));
    }
    None
}

/// **bold**, *emphasis* and `code`, styled (or their markers dropped without colour).
fn inline(text: &str, color: bool) -> String {
    let mut out = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        let (marker, style): (&str, fn(&str) -> String) = if rest.starts_with("**") {
            ("**", |s| s.bold().to_string())
        } else if rest.starts_with('`') {
            ("`", |s| s.cyan().to_string())
        } else if rest.starts_with('*') && !rest.starts_with("* ") {
            ("*", |s| s.italic().to_string())
        } else {
            let c = rest.chars().next().expect("non-empty");
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        };
        match rest[marker.len()..].find(marker) {
            Some(end) => {
                let inner = &rest[marker.len()..marker.len() + end];
                out.push_str(&if color { style(inner) } else { inner.to_string() });
                rest = &rest[marker.len() * 2 + end..];
            }
            None => {
                out.push_str(marker);
                rest = &rest[marker.len()..];
            }
        }
    }
    out
}

/// Visible width: ANSI styling does not count.
fn visible_len(s: &str) -> usize {
    let mut n = 0;
    let mut in_escape = false;
    for c in s.chars() {
        match (in_escape, c) {
            (false, '\u{1b}') => in_escape = true,
            (true, 'm') => in_escape = false,
            (true, _) => {}
            (false, _) => n += 1,
        }
    }
    n
}

/// Breaks text at spaces into lines of at most `width` visible columns (escape codes do
/// not count); a word longer than that stays whole on its own line.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if !line.is_empty() && visible_len(&line) + 1 + visible_len(word) > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn table(rows: &[String], color: bool) -> Vec<String> {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .filter(|r| {
            !r.trim()
                .trim_matches('|')
                .chars()
                .all(|c| matches!(c, '-' | ':' | '|' | ' '))
        })
        .map(|r| {
            r.trim()
                .trim_matches('|')
                .split('|')
                .map(|c| inline(c.trim(), color))
                .collect()
        })
        .collect();
    let columns = cells.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            cells
                .iter()
                .filter_map(|r| r.get(c))
                .map(|s| visible_len(s))
                .max()
                .unwrap_or(0)
        })
        .collect();
    cells
        .iter()
        .enumerate()
        .map(|(n, row)| {
            let line: Vec<String> = (0..columns)
                .map(|c| {
                    let cell = row.get(c).cloned().unwrap_or_default();
                    let pad = widths[c] - visible_len(&cell);
                    format!("{cell}{}", " ".repeat(pad))
                })
                .collect();
            let line = format!("  {}", line.join("  ").trim_end());
            if n == 0 && color {
                line.bold().to_string()
            } else {
                line
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_wrap_and_markers_drop_without_colour() {
        let lines = render("One **two** three `four` *five* six seven eight.", 20, false);
        assert_eq!(lines, ["One two three four", "five six seven", "eight."]);
    }

    #[test]
    fn headings_lists_and_tables() {
        let text = "# Title\n\n- first item\n  continues\n1. numbered\n\n| a | bb |\n|---|---|\n| ccc | d |\n";
        let lines = render(text, 40, false);
        assert_eq!(lines[0], "Title");
        assert_eq!(lines[2], "• first item continues");
        assert_eq!(lines[3], "1. numbered");
        assert_eq!(lines[5], "  a    bb");
        assert_eq!(lines[6], "  ccc  d");
    }

    #[test]
    fn lesson_text_cannot_drive_the_terminal() {
        let lines = render("Look \u{1b}[2J here", 80, false);
        assert_eq!(lines, ["Look \\033[2J here"]);
    }
}
