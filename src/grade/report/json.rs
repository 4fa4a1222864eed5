//! JSON reports: one submission, or a batch with its unusable files.

use serde_json::{json, Value};

use super::Failed;
use crate::grade::{Report, REPORT_SCHEMA_VERSION};

pub fn value(report: &Report) -> Value {
    let questions: Vec<Value> = report
        .results
        .iter()
        .map(|r| {
            let mut q = json!({
                "lesson": r.lesson, "id": r.id, "points": r.points, "max": r.max,
                "result": r.status.name(), "given": r.given, "feedback": r.feedback,
            });
            if let Some(expected) = &r.expected {
                q["expected"] = json!(expected);
            }
            q
        })
        .collect();
    json!({
        "file": report.file, "student": report.student, "scope": report.scope,
        "score": report.score, "max": report.max, "questions": questions, "notes": report.notes,
    })
}

pub fn render(report: &Report) -> Vec<u8> {
    let mut v = value(report);
    v["schema_version"] = json!(REPORT_SCHEMA_VERSION);
    let mut out = serde_json::to_vec_pretty(&v).expect("JSON values serialise");
    out.push(b'\n');
    out
}

pub fn render_batch(reports: &[Report], failed: &[Failed]) -> Vec<u8> {
    let v = json!({
        "schema_version": REPORT_SCHEMA_VERSION,
        "submissions": reports.iter().map(value).collect::<Vec<_>>(),
        "unusable": failed.iter().map(|f| json!({"file": f.file, "error": f.message})).collect::<Vec<_>>(),
    });
    let mut out = serde_json::to_vec_pretty(&v).expect("JSON values serialise");
    out.push(b'\n');
    out
}
