//! `wirelab grade`: reports in every format (golden files), exit codes, a batch with a
//! broken file, and outputs parsed back by the tools that read them.

use std::process::Command;

use super::common::{course_folder, data, stdout_of, wirelab};

fn grade(args: &[&str]) -> (i32, String, String) {
    let output = wirelab()
        .arg("grade")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (
        output.status.code().expect("exited"),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// Compares with tests/data/golden/NAME (WIRELAB_BLESS=1 rewrites it; review the diff).
fn golden(name: &str, actual: &str) {
    let path = data(&format!("golden/{name}"));
    if std::env::var_os("WIRELAB_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    assert_eq!(actual, std::fs::read_to_string(&path).unwrap(), "differs from {name}");
}

#[test]
fn the_course_pages_answers_all_grade_correct() {
    let (code, out, _) = grade(&["tests/data/answers/primer-page.yaml"]);
    assert_eq!(code, 0);
    assert!(out.ends_with("score: 8/8\n"), "{out}");
}

#[test]
fn reports_in_every_format_match_their_golden_files() {
    let file = "tests/data/answers/http-mixed.json";
    for (format, golden_name) in [
        ("text", "grade-http-mixed.txt"),
        ("json", "grade-http-mixed.json"),
        ("junit", "grade-http-mixed.xml"),
        ("tap", "grade-http-mixed.tap"),
    ] {
        let (code, out, _) = grade(&[file, "--format", format, "--reveal"]);
        assert_eq!(code, 1, "{format}: wrong answers exit 1");
        golden(golden_name, &out);
    }
    // Without --reveal, nothing gives the answers away.
    let (_, out, _) = grade(&[file, "--format", "json"]);
    assert!(!out.contains("\"expected\""), "{out}");
    // A pass mark lets a partly right submission pass.
    assert_eq!(grade(&[file, "--pass-mark", "4"]).0, 0);
    assert_eq!(grade(&[file, "--pass-mark", "5"]).0, 1);
}

#[test]
fn json_and_junit_reports_load_in_the_tools_that_read_them() {
    let (_, out, _) = grade(&["tests/data/answers/http-mixed.json", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["score"], 4);
    assert_eq!(report["questions"][2]["result"], "wrong");
    assert_eq!(
        report["notes"][0],
        "answer to an unknown question: http-methods/no-such-question"
    );
    let (_, xml, _) = grade(&["tests/data/answers/http-mixed.json", "--format", "junit"]);
    validate_junit(&xml);
}

/// Checks a JUnit report against tests/data/junit.xsd with xmllint (required in CI).
fn validate_junit(xml: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.xml");
    std::fs::write(&path, xml).unwrap();
    match Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(data("junit.xsd"))
        .arg(&path)
        .output()
    {
        Ok(output) => assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr)),
        Err(_) if std::env::var_os("CI").is_none() => {
            eprintln!("*** SKIPPED: xmllint not found; the JUnit schema check did not run ***")
        }
        Err(e) => panic!("CI must validate JUnit with xmllint (.ci/run installs libxml2-utils): {e}"),
    }
}

#[test]
fn a_class_is_graded_with_one_broken_file_reported() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["primer-page.yaml", "http-mixed.json", "broken.yaml"] {
        std::fs::copy(data(&format!("answers/{name}")), dir.path().join(name)).unwrap();
    }
    let output = wirelab()
        .args(["grade", "--submissions"])
        .arg(dir.path())
        .args(["--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "a file could not be graded");
    let csv = String::from_utf8(output.stdout).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert!(rows[0].starts_with("student,file,score,max,"), "{csv}");
    assert_eq!(rows.len(), 4, "a header, two graded, one unusable: {csv}");
    assert!(
        rows.iter().any(|r| r.starts_with("page,") && r.contains(",8,8,")),
        "{csv}"
    );
    assert!(rows[0].ends_with(",error"), "{csv}");
    let columns = rows[0].split(',').count();
    let broken = rows
        .iter()
        .find(|r| r.contains("broken.yaml,"))
        .expect("a row for the broken file");
    assert!(broken.contains(",,,") && broken.contains(",unusable: "), "{broken}");
    for row in &rows {
        // Quoted fields here hold no comma but the unusable file's message.
        let unquoted = row.split('"').step_by(2).collect::<String>();
        assert_eq!(
            unquoted.split(',').count(),
            columns,
            "every row has every column: {row}"
        );
    }
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("broken.yaml:3:10: answers must map question ids to answers"),
        "{stderr}"
    );
    let output = wirelab()
        .args(["grade", "--submissions"])
        .arg(dir.path())
        .args(["--format", "json"])
        .output()
        .unwrap();
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["submissions"].as_array().unwrap().len(), 2);
    assert_eq!(summary["unusable"].as_array().unwrap().len(), 1);

    // The columns follow the course (primer before http-methods), not the file order.
    let header = csv.lines().next().unwrap();
    let primer = header.find("primer/").expect("primer columns");
    let http = header.find("http-methods/").expect("http-methods columns");
    assert!(primer < http, "{header}");

    // JUnit and TAP carry the unusable file too, as an error and a failed test point.
    let batch = |format: &str| {
        let output = wirelab()
            .args(["grade", "--submissions"])
            .arg(dir.path())
            .args(["--format", format])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        String::from_utf8(output.stdout).unwrap()
    };
    let junit = batch("junit");
    assert!(
        junit.contains("<testsuites name=\"wirelab\" tests=\"17\" failures=\"4\" errors=\"1\">"),
        "{junit}"
    );
    assert!(
        junit.contains("<error message=\"unusable\" type=\"unusable\">")
            && junit.contains("answers must map question ids to answers</error>"),
        "{junit}"
    );
    validate_junit(&junit);
    let tap = batch("tap");
    assert!(tap.starts_with("TAP version 14\n1..17\n"), "{tap}");
    assert!(
        tap.contains("broken.yaml\n  ---\n  result: unusable\n  error: \""),
        "{tap}"
    );
}

#[test]
fn unusable_answers_exit_2_with_the_position() {
    let (code, _, err) = grade(&["tests/data/answers/broken.yaml"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "wirelab: tests/data/answers/broken.yaml:3:10: answers must map question ids to answers\n"
    );
    let (code, _, err) = grade(&["no-such-file.yaml"]);
    assert_eq!(code, 2);
    assert!(err.starts_with("wirelab: no-such-file.yaml: "), "{err}");
}

#[test]
fn a_template_has_every_question_and_grades_as_unanswered() {
    let template = stdout_of(wirelab().args(["answers-template", "ftp-modes"]));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("blank.yaml");
    std::fs::write(&path, &template).unwrap();
    let (code, out, _) = grade(&[path.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(out.matches(" · ").count(), 8, "{out}");
    // Its `student: ""` names no one: no empty "()" after the file or in JUnit.
    assert!(!out.contains("()"), "{out}");
    let (_, junit, _) = grade(&[path.to_str().unwrap(), "--format", "junit"]);
    assert!(!junit.contains("()"), "{junit}");
    // A lesson is named by its id or its number, as everywhere.
    assert_eq!(stdout_of(wirelab().args(["answers-template", "4"])), template);
    // Without a lesson: the whole course, grouped by lesson.
    let template = stdout_of(wirelab().arg("answers-template"));
    std::fs::write(&path, &template).unwrap();
    let (code, out, _) = grade(&[path.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(out.matches(" · ").count(), 42, "every question of the course: {out}");
    assert!(out.ends_with("score: 0/42\n"), "{out}");
    // A pass mark no one can reach is pointed out.
    let (code, _, err) = grade(&[path.to_str().unwrap(), "--pass-mark", "43"]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "wirelab: warning: --pass-mark 43 is more than the 42 points there are; only answers that are all right pass\n"
    );
}

#[test]
fn the_lesson_is_given_on_the_command_line_or_by_number() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    };
    // A file that does not say its lesson, answers as in a lesson's file.
    let bare = write("bare.yaml", "format_version: 1\nanswers:\n  default-mode: active\n");
    for which in ["ftp-modes", "4"] {
        let (code, out, err) = grade(&[&bare, "--lesson", which]);
        assert_eq!(code, 1, "{err}");
        assert!(
            out.contains("✔ ftp-modes/default-mode") && out.ends_with("score: 1/8\n"),
            "{out}"
        );
    }
    let (code, _, err) = grade(&[&bare, "--lesson", "9"]);
    assert_eq!((code, err.contains("no lesson '9' in the course")), (2, true), "{err}");
    // A lesson named by its number in the file, as `read 4` names it.
    let numbered = write(
        "numbered.yaml",
        "format_version: 1\nlesson: 4\nanswers:\n  default-mode: active\n",
    );
    let (_, out, _) = grade(&[&numbered]);
    assert!(out.contains("✔ ftp-modes/default-mode"), "{out}");
    let (code, _, err) = grade(&[&numbered, "--lesson", "primer"]);
    assert_eq!(code, 2);
    assert!(err.contains("answers lesson 'ftp-modes', not 'primer'"), "{err}");
    // One lesson out of a whole-course file: no notes about the other lessons' answers.
    let course = write(
        "course.yaml",
        "format_version: 1\nanswers:\n  ftp-modes: {default-mode: active}\n  primer: {ftp-ports: 20 21}\n",
    );
    let (_, out, _) = grade(&[&course, "--lesson", "ftp-modes", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (report["scope"].as_str(), report["score"].as_u64()),
        (Some("ftp-modes"), Some(1))
    );
    assert_eq!(report["notes"], serde_json::json!([]), "{out}");
    // A lesson the course does not have: in a batch, the file and the line that names it.
    let batch = tempfile::tempdir().unwrap();
    std::fs::write(
        batch.path().join("a.yaml"),
        "format_version: 1\nlesson: nope\nanswers:\n  x: y\n",
    )
    .unwrap();
    std::fs::copy(data("answers/primer-page.yaml"), batch.path().join("b.yaml")).unwrap();
    let output = wirelab()
        .args(["grade", "--submissions"])
        .arg(batch.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("a.yaml:2:9: no lesson 'nope' in the course (lessons: primer,"),
        "{stderr}"
    );
}

#[test]
fn a_whole_course_submission_is_graded_across_lessons() {
    let (code, out, _) = grade(&["tests/data/answers/course-partial.yaml", "--format", "json"]);
    assert_eq!(code, 1, "most questions are unanswered");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["scope"], "course");
    assert_eq!(report["max"], 42);
    assert_eq!(report["score"], 5);
    let results: Vec<&str> = report["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["result"].as_str().unwrap())
        .collect();
    assert_eq!(results.iter().filter(|r| **r == "correct").count(), 5);
    assert_eq!(results.iter().filter(|r| **r == "unanswered").count(), 37);
}

#[test]
fn a_course_given_before_the_command_is_used_and_its_template_says_how_to_grade_it() {
    let dir = tempfile::tempdir().unwrap();
    let course = course_folder(
        dir.path(),
        "course",
        &[
            ("course.yaml", "format_version: 1\nid: tiny-course\ntitle: Tiny\nlessons:\n  - tiny.yaml\n"),
            (
                "tiny.yaml",
                "format_version: 1\nid: tiny\ntitle: Tiny\nsections: [{title: One, body: Text}]\nquestions:\n  - id: port\n    prompt: FTP's port?\n    answer: { text: \"21\" }\n    hints: [h]\n    solution: [s]\n",
            ),
        ],
    );
    // `wirelab --course DIR COMMAND` is `wirelab COMMAND --course DIR`, never the bundled course.
    let template = stdout_of(wirelab().arg("--course").arg(&course).arg("answers-template"));
    assert!(
        template.starts_with(&format!(
            "# Answers for the course \"Tiny\". Fill in each answer, then: wirelab grade --course {} FILE\n",
            course.display()
        )),
        "{template}"
    );
    assert!(
        template.contains("  tiny:\n    # FTP's port?\n    port: \"\"\n"),
        "{template}"
    );
    let answers = dir.path().join("answers.yaml");
    std::fs::write(&answers, template.replace("port: \"\"", "port: \"21\"")).unwrap();
    let output = wirelab()
        .arg("--course")
        .arg(&course)
        .arg("grade")
        .arg(&answers)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let check = stdout_of(wirelab().arg("--course").arg(&course).arg("check"));
    assert!(
        check.ends_with("1 lesson, 1 question: 0 errors, 0 warnings\n"),
        "{check}"
    );

    // Graded against the wrong course, the file is said to belong elsewhere.
    let (code, _, err) = grade(&[answers.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        err.ends_with(&format!(
            "wirelab: note: {}: none of its answers is to a question of this course; is it for another course (--course DIR)?\n",
            answers.display()
        )),
        "{err}"
    );
    // Commands that take no course say so rather than ignore it.
    let output = wirelab()
        .arg("--course")
        .arg(&course)
        .args(["replay", "captures/ftp-active.pcapng"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}
