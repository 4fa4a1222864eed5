//! JUnit XML (testsuites/testsuite/testcase/failure), as CI systems read it: a test
//! suite per submission, a test case per question; a wrong or missing answer fails, and
//! a batch's unusable file is a suite with one test case in error.

use super::Failed;
use crate::grade::{Report, Status};

/// Text for XML: markup characters escaped, and the characters XML 1.0 forbids
/// (control bytes) written as `\xNN`, so the document stays valid.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

pub fn render(reports: &[Report], unusable: &[Failed]) -> Vec<u8> {
    let tests: usize = reports.iter().map(|r| r.results.len()).sum::<usize>() + unusable.len();
    let failures: usize = reports
        .iter()
        .flat_map(|r| &r.results)
        .filter(|q| q.status != Status::Correct)
        .count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"wirelab\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{}\">\n",
        unusable.len()
    ));
    for report in reports {
        let suite_failures = report.results.iter().filter(|q| q.status != Status::Correct).count();
        let name = match &report.student {
            Some(student) => format!("{} ({student})", report.scope),
            None => report.scope.clone(),
        };
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{suite_failures}\" errors=\"0\" skipped=\"0\">\n",
            xml(&name),
            report.results.len()
        ));
        out.push_str(&format!(
            "    <properties>\n      <property name=\"file\" value=\"{}\"/>\n      <property name=\"score\" value=\"{}/{}\"/>\n    </properties>\n",
            xml(&report.file),
            report.score,
            report.max
        ));
        for q in &report.results {
            let case = format!("    <testcase classname=\"{}\" name=\"{}\"", xml(&q.lesson), xml(&q.id));
            match q.status {
                Status::Correct => out.push_str(&format!("{case}/>\n")),
                status => {
                    let mut detail = format!("{}\n", q.prompt);
                    if let Some(given) = &q.given {
                        detail.push_str(&format!("given: {given}\n"));
                    }
                    if let Some(feedback) = &q.feedback {
                        detail.push_str(&format!("feedback: {feedback}\n"));
                    }
                    if let Some(expected) = &q.expected {
                        detail.push_str(&format!("expected: {expected}\n"));
                    }
                    out.push_str(&format!(
                        "{case}>\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                        status.name(),
                        status.name(),
                        xml(&detail)
                    ));
                }
            }
        }
        // Answers to questions that do not exist, and the like: graded nowhere, said here.
        if !report.notes.is_empty() {
            out.push_str(&format!(
                "    <system-out>{}</system-out>\n",
                xml(&report.notes.iter().map(|n| format!("note: {n}\n")).collect::<String>())
            ));
        }
        out.push_str("  </testsuite>\n");
    }
    for f in unusable {
        let file = xml(&f.file);
        out.push_str(&format!(
            "  <testsuite name=\"{file}\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n    \
             <testcase classname=\"unusable\" name=\"{file}\">\n      \
             <error message=\"unusable\" type=\"unusable\">{}</error>\n    </testcase>\n  </testsuite>\n",
            xml(&f.message)
        ));
    }
    out.push_str("</testsuites>\n");
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    #[test]
    fn xml_text_is_escaped_and_valid() {
        assert_eq!(super::xml("a<b & \"c\"\u{1b}"), "a&lt;b &amp; &quot;c&quot;\\x1b");
    }
}
