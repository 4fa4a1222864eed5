//! A class summary as CSV (RFC 4180): a row per submission, a column per question.

use super::Failed;
use crate::grade::Report;

/// A CSV field: quoted when it must be; control characters (which a student id or a
/// file name could carry) shown escaped, as everywhere wirelab prints text. Text a
/// spreadsheet would run as a formula (`=`, `+`, `-`, `@` first: a student writes their
/// own name) gets a leading `'`, as OWASP advises for CSV files opened in spreadsheets.
fn field(text: &str) -> String {
    let mut text = crate::decode::text::escaped(text.as_bytes());
    if text.starts_with(['=', '+', '-', '@']) {
        text.insert(0, '\'');
    }
    if text.contains([',', '"']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// `order` lists the course's questions as `lesson/id`: the columns follow it, whichever
/// lessons the submissions answer.
pub fn render(reports: &[Report], failed: &[Failed], order: &[String]) -> Vec<u8> {
    let mut columns: Vec<String> = Vec::new();
    for r in reports.iter().flat_map(|r| &r.results) {
        let name = format!("{}/{}", r.lesson, r.id);
        if !columns.contains(&name) {
            columns.push(name);
        }
    }
    // Stable: a question the course does not list keeps its place at the end.
    columns.sort_by_key(|c| order.iter().position(|o| o == c).unwrap_or(usize::MAX));
    // Every row has every column: a file that could not be graded leaves the scores
    // empty and says why in the last one.
    let mut out = String::from("student,file,score,max");
    for c in &columns {
        out.push(',');
        out.push_str(&field(c));
    }
    out.push_str(",error\r\n");
    for report in reports {
        out.push_str(&format!(
            "{},{},{},{}",
            field(report.student.as_deref().unwrap_or("")),
            field(&report.file),
            report.score,
            report.max
        ));
        for c in &columns {
            let result = report
                .results
                .iter()
                .find(|r| format!("{}/{}", r.lesson, r.id) == *c)
                .map(|r| r.status.name())
                .unwrap_or("");
            out.push(',');
            out.push_str(result);
        }
        out.push_str(",\r\n");
    }
    for f in failed {
        out.push_str(&format!(",{},,", field(&f.file)));
        out.push_str(&",".repeat(columns.len()));
        out.push_str(&format!(",{}\r\n", field(&format!("unusable: {}", f.message))));
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    #[test]
    fn fields_are_quoted_and_never_carry_control_bytes() {
        assert_eq!(super::field("plain"), "plain");
        assert_eq!(super::field("a,b"), "\"a,b\"");
        assert_eq!(super::field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(super::field("s\x1b[2J\nx"), "s\\033[2J\\nx");
        // Never a formula in a spreadsheet, whatever a student calls themselves.
        assert_eq!(super::field("=1+1"), "'=1+1");
        assert_eq!(
            super::field("=HYPERLINK(\"http://x\")"),
            "\"'=HYPERLINK(\"\"http://x\"\")\""
        );
        assert_eq!(super::field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(super::field("\t=1"), "\\t=1");
    }
}
