//! The report for people: a line per question, then the score.

use crate::decode::text::escaped;
use crate::grade::{Report, Status};

pub fn render(report: &Report) -> Vec<u8> {
    let mut out = String::new();
    let who = report
        .student
        .as_deref()
        .map(|s| format!(" ({})", escaped(s.as_bytes())))
        .unwrap_or_default();
    out.push_str(&format!(
        "{}{who}: {}\n",
        escaped(report.file.as_bytes()),
        escaped(report.scope.as_bytes())
    ));
    for r in &report.results {
        let mark = match r.status {
            Status::Correct => "✔",
            Status::Wrong => "✘",
            Status::Unanswered => "·",
        };
        let given = r
            .given
            .as_deref()
            .map(|g| format!("  \"{}\"", escaped(g.as_bytes())))
            .unwrap_or_default();
        out.push_str(&format!(
            "  {mark} {}/{}  {}/{}{given}\n",
            escaped(r.lesson.as_bytes()),
            escaped(r.id.as_bytes()),
            r.points,
            r.max
        ));
        if let Some(feedback) = &r.feedback {
            out.push_str(&format!("      {}\n", escaped(feedback.as_bytes())));
        }
        if let Some(expected) = &r.expected {
            out.push_str(&format!("      expected: {}\n", escaped(expected.as_bytes())));
        }
    }
    for note in &report.notes {
        out.push_str(&format!("  note: {}\n", escaped(note.as_bytes())));
    }
    out.push_str(&format!("score: {}/{}\n", report.score, report.max));
    out.into_bytes()
}
