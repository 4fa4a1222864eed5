//! TAP version 14: a test point per question, and one per unusable file of a batch;
//! details of failures as YAML blocks.

use super::Failed;
use crate::decode::text::escaped;
use crate::grade::{Report, Status};

fn yaml_text(text: &str) -> String {
    serde_json::to_string(text).expect("strings serialise")
}

pub fn render(reports: &[Report], unusable: &[Failed]) -> Vec<u8> {
    let total: usize = reports.iter().map(|r| r.results.len()).sum::<usize>() + unusable.len();
    let mut out = format!("TAP version 14\n1..{total}\n");
    let mut n = 0;
    for report in reports {
        out.push_str(&format!(
            "# {} {}: {}/{}\n",
            escaped(report.file.as_bytes()),
            escaped(report.scope.as_bytes()),
            report.score,
            report.max
        ));
        for note in &report.notes {
            out.push_str(&format!("# note: {}\n", escaped(note.as_bytes())));
        }
        for q in &report.results {
            n += 1;
            let ok = if q.status == Status::Correct { "ok" } else { "not ok" };
            out.push_str(&format!(
                "{ok} {n} - {}/{}\n",
                escaped(q.lesson.as_bytes()),
                escaped(q.id.as_bytes())
            ));
            if q.status != Status::Correct {
                out.push_str("  ---\n");
                out.push_str(&format!("  result: {}\n", q.status.name()));
                if let Some(given) = &q.given {
                    out.push_str(&format!("  given: {}\n", yaml_text(given)));
                }
                if let Some(feedback) = &q.feedback {
                    out.push_str(&format!("  feedback: {}\n", yaml_text(feedback)));
                }
                if let Some(expected) = &q.expected {
                    out.push_str(&format!("  expected: {}\n", yaml_text(expected)));
                }
                out.push_str("  ...\n");
            }
        }
    }
    for f in unusable {
        n += 1;
        out.push_str(&format!(
            "not ok {n} - {}\n  ---\n  result: unusable\n  error: {}\n  ...\n",
            escaped(f.file.as_bytes()),
            yaml_text(&f.message)
        ));
    }
    out.into_bytes()
}
