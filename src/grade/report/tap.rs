//! TAP version 14: a test point per question; details of failures as YAML blocks.

use crate::grade::{Report, Status};

fn yaml_text(text: &str) -> String {
    serde_json::to_string(text).expect("strings serialise")
}

pub fn render(reports: &[Report]) -> Vec<u8> {
    let total: usize = reports.iter().map(|r| r.results.len()).sum();
    let mut out = format!("TAP version 14\n1..{total}\n");
    let mut n = 0;
    for report in reports {
        out.push_str(&format!(
            "# {} {}: {}/{}\n",
            report.file.replace('\n', " "),
            report.scope,
            report.score,
            report.max
        ));
        for q in &report.results {
            n += 1;
            let ok = if q.status == Status::Correct { "ok" } else { "not ok" };
            out.push_str(&format!("{ok} {n} - {}/{}\n", q.lesson, q.id));
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
    out.into_bytes()
}
