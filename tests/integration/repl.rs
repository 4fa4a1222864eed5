//! The student REPL, driven through stdin (scripted sessions) and through a
//! pseudo-terminal (rustyline: prompts, completion, Ctrl-C, Ctrl-D, history).

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::common::{course_folder, wirelab};

/// Runs a scripted session with its data directory in `home`; returns (stdout, stderr).
fn session(home: &Path, script: &str) -> (String, String) {
    session_columns(home, script, 150)
}

fn session_columns(home: &Path, script: &str, columns: usize) -> (String, String) {
    session_with(home, &[], script, columns)
}

/// A scripted session with extra arguments (`--course DIR`, `--progress FILE`).
fn session_with(home: &Path, args: &[&std::ffi::OsStr], script: &str, columns: usize) -> (String, String) {
    let mut child = wirelab()
        .env("WIRELAB_HOME", home)
        .args(args)
        .env("COLUMNS", columns.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("wirelab starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .expect("script written");
    let output = child.wait_with_output().expect("wirelab runs");
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    (
        String::from_utf8(output.stdout).expect("UTF-8 output"),
        String::from_utf8(output.stderr).expect("UTF-8 errors"),
    )
}

fn progress(home: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(home.join("progress.json")).expect("progress saved");
    serde_json::from_str(&text).expect("progress is JSON")
}

fn primer(progress: &serde_json::Value) -> &serde_json::Value {
    &progress["courses"]["layers-5-7"]["lessons"]["primer"]
}

/// The first lesson, as a student types it: a wrong answer with its feedback, a hint, a
/// solution step, then every answer right, one after the other at the question prompt.
const PRIMER_WALK: &str =
    "open 1\nnext\nreplay\n1\npassive\nhint\nsolution\nactive\n20 21\nTCP\n445\n80\nGET\nHTTPS\nt\nprogress\n";

#[test]
fn a_student_finishes_the_first_lesson_by_reading_what_it_prints() {
    let home = tempfile::tempdir().unwrap();
    let (out, err) = session(home.path(), PRIMER_WALK);
    assert_eq!(err, "");
    // Scripted sessions get no prompts and no escape codes.
    assert!(!out.contains("wirelab>") && !out.contains('\x1b'), "{out}");
    assert!(out.starts_with("Welcome to wirelab"), "{out}");
    assert!(out.contains("Type open 1 to start the first lesson"), "{out}");
    assert!(out.contains("1/5. Applications ride on TCP"));
    assert!(out.contains("2/5. HTTP\n"));
    // The section's replay: the HTTP methods capture, one row per request and response.
    assert!(out.contains("HTTP/1.1 405 Not Allowed"), "{out}");
    assert!(out.contains("(27 of 136 frames of http-methods.pcapng"), "{out}");
    assert!(
        out.contains("✘ Not quite (attempt 1).\nPassive mode is the alternative"),
        "{out}"
    );
    assert!(out.contains("Hint 1/1: In the original design, which side opens the data connection?"));
    assert!(out.contains("Step 1/3: FTP has two modes: active and passive. (solution 1 again for the next step)"));
    assert_eq!(out.matches("✔ Right!").count(), 8, "{out}");
    assert!(
        out.contains("Lesson complete: 8/8 points.\nNext lesson: open http-methods"),
        "{out}"
    );
    assert!(out.contains("  ✔ 1. primer "), "{out}");
    assert!(out.contains("8/42 points, 1 of 5 lessons complete."), "{out}");

    let saved = progress(home.path());
    assert_eq!(saved["version"], 1);
    let lesson = primer(&saved);
    assert_eq!(lesson["completed"], true);
    assert_eq!(lesson["section"], 1);
    let first = &lesson["questions"]["ftp-default-mode"];
    assert_eq!(
        (
            first["attempts"].as_u64(),
            first["hints"].as_u64(),
            first["solution_steps"].as_u64()
        ),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(first["answer"], "active");
    assert_eq!(lesson["questions"]["ftp-ports"]["answer"], "20 21");
}

#[test]
fn progress_survives_a_restart_and_reset_asks_first() {
    let home = tempfile::tempdir().unwrap();
    // The input simply ends (as Ctrl-D does): what was answered is kept.
    session(home.path(), "open primer\n1\nactive\n20 21\n");
    let (out, _) = session(home.path(), "progress\nopen primer\nquestions\nanswer 1 passive\n3\n");
    assert!(out.contains("2/42 points, 0 of 5 lessons complete."), "{out}");
    assert!(
        out.contains("  ✔  1. What is the default operational mode of FTP?"),
        "{out}"
    );
    assert!(out.contains("  ·  3. Does SMB use"), "{out}");
    assert!(out.contains("You already answered question 1 right."), "{out}");
    assert!(out.contains("Question 3 (1 point)"), "{out}");

    let (out, _) = session(home.path(), "reset primer\nno\nprogress\nreset primer\nyes\nprogress\n");
    assert!(
        out.contains("Forget every answer, hint and point of primer? Type yes to confirm."),
        "{out}"
    );
    assert!(out.contains("Nothing was reset.\n"));
    assert!(out.contains("2/42 points"), "{out}");
    assert!(out.contains("Lesson primer reset.\n"));
    assert!(out.contains("0/42 points"), "{out}");
    // What stays of the lesson is when it was reset, so that another session open on
    // the same file drops its answers from before too.
    let primer = primer(&progress(home.path())).clone();
    assert_eq!(primer["questions"], serde_json::json!({}), "{primer}");
    assert!(primer["reset_ms"].as_u64().is_some_and(|t| t > 0), "{primer}");
}

#[test]
fn a_corrupt_progress_file_is_set_aside_not_overwritten() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("progress.json"), "{ this is not JSON").unwrap();
    let (out, err) = session(home.path(), "open 1\n1\nactive\n");
    assert!(err.starts_with("warning: "), "{err}");
    assert!(err.contains("progress.json") && err.contains("unreadable-1"), "{err}");
    assert!(out.contains("✔ Right!"), "{out}");
    let aside = std::fs::read_to_string(home.path().join("progress.json.unreadable-1")).expect("set aside");
    assert_eq!(aside, "{ this is not JSON");
    assert_eq!(
        primer(&progress(home.path()))["questions"]["ftp-default-mode"]["correct"],
        true
    );

    // A file from a newer wirelab is kept as well.
    std::fs::write(home.path().join("progress.json"), r#"{"version": 99, "courses": {}}"#).unwrap();
    let (_, err) = session(home.path(), "progress\n");
    assert!(err.contains("newer"), "{err}");
    assert!(home.path().join("progress.json.unreadable-2").exists());
}

#[test]
fn progress_goes_where_it_is_told() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("elsewhere/me.json");
    let mut child = wirelab()
        .env("WIRELAB_HOME", home.path())
        .arg("--progress")
        .arg(&file)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"open 1\n1\nactive\nquit\n")
        .unwrap();
    assert!(child.wait().unwrap().success());
    assert!(std::fs::read_to_string(&file).unwrap().contains("ftp-default-mode"));
    assert!(!home.path().join("progress.json").exists());
    // A place progress cannot go is said at the start, and the greeting does not promise.
    let blocked = home.path().join("a-file");
    std::fs::write(&blocked, "").unwrap();
    let (out, err) = session_with(
        home.path(),
        &["--progress".as_ref(), blocked.join("p.json").as_os_str()],
        "quit\n",
        150,
    );
    assert!(err.contains("progress cannot be saved to "), "{err}");
    assert!(
        out.contains("Your progress cannot be saved (see the warning above)."),
        "{out}"
    );
    assert!(!out.contains("saved as you go"), "{out}");
}

#[test]
fn replay_filters_pages_and_drills_down() {
    let home = tempfile::tempdir().unwrap();
    let (out, _) = session(
        home.path(),
        "replay ftp-passive.pcapng -Y ftp.request.command == \"RETR\"\ndetail 46\nfollow 0\nladder\n",
    );
    let retr: Vec<&str> = out.lines().filter(|l| l.contains("Request: RETR")).collect();
    assert_eq!(retr.len(), 3 + 3, "three rows and three ladder arrows: {out}");
    assert!(out.contains("(3 of 114 frames of ftp-passive.pcapng"));
    assert!(out.contains("Frame 46: 84 bytes on wire"));
    assert!(out.contains("    ftp.request.arg: secrets.txt\n"), "{out}");
    assert!(out.contains("Follow: tcp,ascii\nFilter: tcp.stream eq 0\n"));
    assert!(out.contains("227 Entering Passive Mode (10,20,30,10,"));
    // 279 frames: pages of 60, then the end is said.
    let (out, _) = session(
        home.path(),
        "replay investigation.pcapng\nmore\nmore\nmore\nmore\nmore\n",
    );
    assert!(out.contains("... 219 more frames: more for the next page"));
    assert!(out.contains("... 39 more frames"));
    assert!(out.contains("That was the last frame of investigation.pcapng."));
    let rows = out
        .lines()
        .filter(|l| l.starts_with("   ") && l.split_whitespace().next().is_some_and(|w| w.parse::<u32>().is_ok()));
    assert_eq!(rows.count(), 279, "every frame shown once over the pages");
}

#[test]
fn a_lessons_shell_command_runs_in_the_repl_as_written() {
    let home = tempfile::tempdir().unwrap();
    // As the SMB lesson's solution writes it: wirelab, captures/, -T fields -e.
    let (out, _) = session(
        home.path(),
        "wirelab replay captures/smb-logon-failures.pcapng -Y 'ntlmssp.messagetype == 3' -T fields -e ip.src -e ntlmssp.auth.username\n",
    );
    let rows: Vec<&str> = out.lines().filter(|l| l.contains('\t')).collect();
    assert!(!rows.is_empty(), "{out}");
    for row in &rows {
        let columns: Vec<&str> = row.split('\t').collect();
        assert_eq!(columns.len(), 2, "{row}");
        assert!(columns[0].starts_with("10.20.30."), "{row}");
    }
    // Options the REPL does not take are named as such, not taken for a capture.
    let (out, _) = session(
        home.path(),
        "replay ftp-passive.pcapng -c 3\nreplay ftp-passive.pcapng -e tcp.strem\n",
    );
    assert!(out.contains("unknown option -c"), "{out}");
    assert!(!out.contains("no such capture"), "{out}");
    assert!(
        out.contains("unknown field 'tcp.strem' (did you mean tcp.stream?)"),
        "{out}"
    );
}

#[test]
fn a_filter_answer_that_does_not_parse_is_no_attempt_and_value_names_are_right() {
    let home = tempfile::tempdir().unwrap();
    let (out, _) = session(
        home.path(),
        "open 3\nquestion 5\ntls.handshake.type = 11\ntls.handshake.type == Certificate\n",
    );
    assert!(
        out.contains("That filter does not parse: column 20: '=' is not an operator"),
        "{out}"
    );
    assert!(out.contains("✔ Right!"), "{out}");
    let saved = progress(home.path());
    let question = &saved["courses"]["layers-5-7"]["lessons"]["tls-handshake"]["questions"]["certificate-filter"];
    assert_eq!(question["attempts"], 1, "{question}");
}

#[test]
fn a_course_capture_damaged_after_some_frames_lists_them_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let whole = std::fs::read(crate::common::bundled("ftp-passive.pcapng")).unwrap();
    let course = course_folder(
        dir.path(),
        "course",
        &[
            ("course.yaml", "format_version: 1\nid: cut\ntitle: Cut\nlessons: [l.yaml]\n"),
            (
                "l.yaml",
                "format_version: 1\nid: l\ntitle: L\nsections:\n  - title: a\n    body: b\n    replay: { capture: cut.pcapng }\nquestions:\n  - { id: q, prompt: p, answer: { text: x } }\n",
            ),
        ],
    );
    std::fs::write(course.join("cut.pcapng"), &whole[..3000]).unwrap();
    let home = tempfile::tempdir().unwrap();
    let (out, _) = session_with(
        home.path(),
        &[std::ffi::OsStr::new("--course"), course.as_os_str()],
        "open 1\nreplay\n",
        150,
    );
    assert!(out.contains("(24 of 24 frames of cut.pcapng"), "{out}");
    assert!(
        out.contains("Note: cut.pcapng: byte offset 2984: truncated block"),
        "{out}"
    );
    // check says so too, as a warning at the section's capture.
    let output = wirelab().arg("check").arg(&course).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        text.contains("l.yaml:7:24: warning: capture cut.pcapng: byte offset 2984"),
        "{text}"
    );
}

#[test]
fn output_fits_the_terminal_width() {
    let home = tempfile::tempdir().unwrap();
    for columns in [60, 72, 80, 100] {
        let script = "open primer\nopen smb-auth\nnext\nreplay smb-logon-failures.pcapng\nreplay tls12-handshake.pcapng --annotate\nladder\nquestions\nhelp\nfields smb2.\n";
        let (out, _) = session_columns(home.path(), script, columns);
        // The last column stays free, so the terminal never wraps a line itself.
        let long: Vec<&str> = out.lines().filter(|l| l.chars().count() >= columns).collect();
        assert!(long.is_empty(), "{columns} columns: {long:#?}");
        assert!(out.contains('…'), "cut rows end in an ellipsis");
        // Drawn to the width, not re-wrapped: every ladder arrow whole on its line.
        let arrows: Vec<&str> = out.lines().filter(|l| l.contains("|--") || l.contains("|<-")).collect();
        assert!(!arrows.is_empty(), "{out}");
        for arrow in arrows {
            assert!(
                arrow.trim_end().ends_with('|'),
                "{columns} columns, a broken arrow: {arrow:?}"
            );
        }
        // Help keeps its two columns: each command starts a line, its text in one column.
        for usage in ["  read ", "  hint N ", "  quit "] {
            assert!(
                out.lines().any(|l| l.starts_with(usage)),
                "{columns} columns: no line for {usage:?}"
            );
        }
        let help = out.split("Commands (help COMMAND").nth(1).expect("help shown");
        let column = help
            .lines()
            .nth(1)
            .unwrap()
            .find("list the commands")
            .expect("help's first row");
        let continuations = help
            .lines()
            .skip(1)
            .take_while(|l| l.starts_with("  "))
            .filter(|l| l.starts_with("    "));
        for line in continuations {
            assert_eq!(
                line.len() - line.trim_start().len(),
                column,
                "{columns} columns: {line:?}"
            );
        }
    }
}

#[test]
fn an_answer_after_the_whole_solution_earns_no_points() {
    let home = tempfile::tempdir().unwrap();
    let (out, _) = session(
        home.path(),
        "open ftp-modes\nquestion 1\nsolution\nsolution\nsolution\nactive\nprogress\n",
    );
    assert!(out.contains("Step 1/2: "), "{out}");
    // The last step is shown only when asked for twice.
    assert!(
        out.contains("The last step of the solution gives the answer away: a right answer after it earns no points. Type solution 1 again to see it."),
        "{out}"
    );
    assert!(out.contains("Step 2/2: "), "{out}");
    assert!(out.contains("(answering now earns no points)"), "{out}");
    assert!(
        out.contains("✔ Right, with no points: the whole solution was shown first"),
        "{out}"
    );
    let saved = std::fs::read_to_string(home.path().join("progress.json")).unwrap();
    let progress: serde_json::Value = serde_json::from_str(&saved).unwrap();
    let course = progress["courses"].as_object().unwrap().values().next().unwrap();
    let q = course["lessons"]["ftp-modes"]["questions"]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap()
        .clone();
    assert_eq!(
        (
            q["correct"].as_bool(),
            q["points"].as_u64(),
            q["solution_steps"].as_u64()
        ),
        (Some(true), Some(0), Some(2)),
        "{saved}"
    );
}

#[test]
fn t_f_y_n_answer_a_bool_question_though_f_and_n_are_aliases() {
    let home = tempfile::tempdir().unwrap();
    // Question 4 of ftp-modes is a bool question (false).
    let (out, _) = session(home.path(), "open ftp-modes\nquestion 4\nt\nf\n");
    assert!(out.contains("✘ Not quite (attempt 1)"), "{out}");
    assert!(out.contains("✔ Right! +1 point"), "{out}");
    assert!(!out.contains("usage: follow"), "{out}");
}

#[test]
fn a_mistyped_command_at_a_question_prompt_is_not_counted_as_a_wrong_answer() {
    let home = tempfile::tempdir().unwrap();
    let (out, _) = session(
        home.path(),
        "open primer\nquestion 8\nopne 2\nprogress\nanswer 8 opne 2\nprogress\n",
    );
    assert!(
        out.contains("That looks like the command open, so it was not taken as an answer. To answer with it, type: answer 8 opne 2"),
        "{out}"
    );
    let saved = std::fs::read_to_string(home.path().join("progress.json")).unwrap();
    let progress: serde_json::Value = serde_json::from_str(&saved).unwrap();
    let q8 = &progress["courses"].as_object().unwrap().values().next().unwrap()["lessons"]["primer"]["questions"];
    // Only the explicit `answer 8 ...` counted.
    let attempts: Vec<_> = q8
        .as_object()
        .unwrap()
        .values()
        .map(|q| q["attempts"].as_u64().unwrap())
        .collect();
    assert_eq!(attempts, [1], "{saved}");
}

#[test]
fn mistakes_get_a_helpful_line() {
    let home = tempfile::tempdir().unwrap();
    let (out, err) = session(
        home.path(),
        "qestions\nquestions\nopen 9\nhint 1\nopen primer\nhint 12\nanswer x y\n\
         replay nowhere.pcap\nreplay ../../etc/passwd\nreplay http-methods.pcapng -Y http.reqest\nreplay http-methods.pcapng -Y http\ndetail 5000\nfollow 77\nhelp hint\nfields zz\n",
    );
    assert_eq!(err, "");
    for expected in [
        "unknown command 'qestions' (did you mean questions?) — type help",
        "Open a lesson first: lessons, then open N.",
        "No lesson '9'. Type lessons for the list.",
        "This lesson has questions 1 to 8.",
        "usage: answer N TEXT",
        "nowhere.pcap: no such capture in the course or among the bundled captures",
        "../../etc/passwd: no such capture",
        "That filter does not parse: column 1: unknown field or protocol 'http.reqest' (did you mean http.request?)",
        "http-methods.pcapng has frames 1 to 136.",
        "http-methods.pcapng has no tcp.stream 77.",
        "hint N\n  the next hint for question N",
        "No field starts with 'zz'.",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
}

#[test]
fn hostile_answers_never_reach_the_terminal_raw() {
    let home = tempfile::tempdir().unwrap();
    let (out, _) = session(
        home.path(),
        "open primer\n1\n\x1b]0;owned\x07\x1b[2J\n\u{202e}evil\nanswer 2 \x1b[31m20 21\nq 2\n",
    );
    assert!(!out.contains('\x1b') && !out.contains('\x07'), "{out:?}");
    assert_eq!(out.matches("✘ Not quite").count(), 3, "{out}");
    // The answers are kept as typed (JSON escapes them), and counted.
    let saved = progress(home.path());
    assert_eq!(primer(&saved)["questions"]["ftp-default-mode"]["attempts"], 2);
    assert_eq!(primer(&saved)["questions"]["ftp-ports"]["answer"], "\x1b[31m20 21");
}

#[test]
fn choice_letters_and_bare_hint_work_at_a_question_prompt() {
    let home = tempfile::tempdir().unwrap();
    let (shown, _) = session(home.path(), "open tls-handshake\nquestion 1\n");
    // Options come in a stable shuffled order; find the letters from what is printed.
    let letter_of = |option: &str| {
        shown
            .lines()
            .find_map(|l| l.strip_suffix(&format!(") {option}")).map(|l| l.trim().to_string()))
            .expect("option shown")
    };
    let (right, finished, certificate) = (
        letter_of("Hello exchange"),
        letter_of("Finished"),
        letter_of("Certificate"),
    );
    // `a` and `d` are also command aliases; at a choice prompt they are answers.
    let script = format!("open tls-handshake\n1\n{finished}\n{certificate}\nhint\nsolution\n{right}\n");
    let (out, _) = session(home.path(), &script);
    assert_eq!(out.matches("✘ Not quite").count(), 2, "{out}");
    assert!(out.contains("Hint 1/1: Before anything else"), "{out}");
    assert!(
        out.contains("Step 1/3: The Client Hello opens every handshake"),
        "{out}"
    );
    assert!(out.contains("✔ Right! +1 point (1/10 in this lesson)"), "{out}");
    let saved = progress(home.path());
    let first = &saved["courses"]["layers-5-7"]["lessons"]["tls-handshake"]["questions"]["first-step"];
    assert_eq!(first["answer"], "Hello exchange");
    assert_eq!(first["attempts"], 3);
}

// ---- through a pseudo-terminal ----

fn pty(home: &Path) -> rexpect::session::PtySession {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("wirelab"));
    cmd.env("WIRELAB_HOME", home)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env("COLUMNS", "100");
    rexpect::session::spawn_command(cmd, Some(20_000)).expect("wirelab starts on a pty")
}

#[test]
fn on_a_terminal_prompts_completion_ctrl_c_and_ctrl_d_work() {
    let home = tempfile::tempdir().unwrap();
    let mut p = pty(home.path());
    p.exp_string("to start the first lesson").unwrap();
    p.exp_string("wirelab> ").unwrap();
    // Tab completes a command and a lesson id.
    p.send("ope\t").unwrap();
    p.send("pri\t").unwrap();
    p.send_line("").unwrap();
    p.exp_string("1/5. Applications ride on TCP").unwrap();
    p.exp_string("primer> ").unwrap();
    p.send_line("1").unwrap();
    p.exp_string("primer q1> ").unwrap();
    p.send_line("passive").unwrap();
    p.exp_string("Not quite (attempt 1)").unwrap();
    p.send_line("active").unwrap();
    p.exp_string("Right! +1 point").unwrap();
    p.exp_string("primer q2> ").unwrap();
    // Ctrl-C drops the half-typed line and keeps the session.
    p.send("20 2").unwrap();
    p.send_control('c').unwrap();
    p.exp_string("primer q2> ").unwrap();
    p.send_line("20 21").unwrap();
    p.exp_string("Right! +1 point (2/8 in this lesson)").unwrap();
    p.exp_string("primer q3> ").unwrap();
    // Ctrl-D saves and leaves.
    p.send_control('d').unwrap();
    p.exp_string("Progress saved. Bye!").unwrap();
    p.exp_eof().unwrap();

    let lesson = progress(home.path());
    let questions = &primer(&lesson)["questions"];
    assert_eq!(
        questions["ftp-ports"]["attempts"], 1,
        "the interrupted line was not an answer"
    );
    let history = std::fs::read_to_string(home.path().join("history.txt")).expect("history kept");
    assert!(
        history.contains("open primer") && history.contains("20 21"),
        "{history}"
    );

    // Back again: the outline shows the points, and history recalls the last line.
    let mut p = pty(home.path());
    p.exp_string("(2/8 points)").unwrap();
    p.exp_string("wirelab> ").unwrap();
    p.send_line("quit").unwrap();
    p.exp_string("Progress saved. Bye!").unwrap();
    p.exp_eof().unwrap();
}

// ---- progress under stress ----

#[test]
fn killing_the_repl_mid_save_never_damages_progress() {
    let home = tempfile::tempdir().unwrap();
    // Every line saves: hints, solution steps and wrong answers are all progress.
    let script = format!(
        "open 1\n{}",
        "hint 1\nsolution 1\nanswer 2 22 23\nanswer 3 UDP\n".repeat(300)
    );
    for round in 0..25u64 {
        let mut child = wirelab()
            .env("WIRELAB_HOME", home.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let script = script.clone();
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(script.as_bytes());
        });
        std::thread::sleep(std::time::Duration::from_millis(5 + (round * 37) % 120));
        child.kill().unwrap(); // SIGKILL: no chance to finish a write
        child.wait().unwrap();
        let _ = writer.join();
        let path = home.path().join("progress.json");
        if path.exists() {
            let text = std::fs::read_to_string(&path).unwrap();
            let saved: serde_json::Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("round {round}: damaged ({e}):\n{text}"));
            assert_eq!(saved["version"], 1);
        }
    }
    // One clean session tidies what the killed ones left, and reads everything.
    let (out, err) = session(home.path(), "progress\n");
    assert!(err.is_empty() && out.contains("0/42 points"), "{err}{out}");
    // The attempts only ever grew, and nothing was ever set aside as unreadable.
    let saved = progress(home.path());
    assert!(primer(&saved)["questions"]["ftp-ports"]["attempts"].as_u64().unwrap() > 0);
    let names: Vec<String> = std::fs::read_dir(home.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names.iter().any(|n| n.contains("unreadable") || n.ends_with(".tmp")),
        "{names:?}"
    );
}

#[test]
fn two_sessions_on_one_progress_file_keep_each_others_answers() {
    let home = tempfile::tempdir().unwrap();
    let start = || {
        wirelab()
            .env("WIRELAB_HOME", home.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap()
    };
    // B starts first, so what it holds in memory knows nothing of A's answer.
    let mut b = start();
    let mut b_in = b.stdin.take().unwrap();
    b_in.write_all(b"open 1\n").unwrap();
    let mut a = start();
    a.stdin.take().unwrap().write_all(b"open 1\n1\nactive\nquit\n").unwrap();
    assert!(a.wait().unwrap().success());
    assert_eq!(
        primer(&progress(home.path()))["questions"]["ftp-default-mode"]["correct"],
        true
    );
    b_in.write_all(b"2\n20 21\nquit\n").unwrap();
    drop(b_in);
    assert!(b.wait().unwrap().success());
    let saved = progress(home.path());
    let questions = &primer(&saved)["questions"];
    assert_eq!(
        questions["ftp-default-mode"]["correct"], true,
        "A's answer survived B's save"
    );
    assert_eq!(questions["ftp-ports"]["correct"], true);
}

#[test]
fn hint_costs_are_said_once_and_an_empty_replay_says_so() {
    let home = tempfile::tempdir().unwrap();
    let course = course_folder(
        home.path(),
        "course",
        &[
            ("course.yaml", "format_version: 1\ntitle: C\nlessons: [l.yaml]\n"),
            (
                "l.yaml",
                "format_version: 1\nid: l\ntitle: L\nsections:\n  - title: S\n    body: B\n    replay: { capture: ftp-active.pcapng }\n\
                 questions:\n  - id: q\n    prompt: Port?\n    points: 3\n    hint_cost: 2\n    answer: { text: \"21\" }\n    hints: [one]\n    solution: [s]\n",
            ),
        ],
    );
    let (out, _) = session_with(
        home.path(),
        &["--course".as_ref(), course.as_os_str()],
        "open 1\nquestion 1\nhint\nhint\n21\nreplay -Y dns\nmore\nreplay -Y \"ftp.response.code == 220\"\n",
        150,
    );
    // Said before the student takes one, then when it is shown.
    assert!(
        out.contains("(hint 1 for a hint, which costs 2 points, solution 1"),
        "{out}"
    );
    assert!(out.contains("Hint 1/1 (costs 2 points): one"), "{out}");
    assert!(out.contains("Hint 1/1 (already shown): one"), "{out}");
    assert!(out.contains("✔ Right! +1 point"), "3 points less one hint of 2: {out}");
    assert_eq!(
        out.matches("No frame of ftp-active.pcapng matches that filter.")
            .count(),
        2,
        "{out}"
    );
    // A filter in double quotes, as a shell would want it, works too.
    assert!(out.contains("(2 of 113 frames of ftp-active.pcapng"), "{out}");
}

/// Control bytes typed or pasted at the prompt come back escaped in every message that
/// quotes them, never raw to the terminal.
#[test]
fn what_the_student_typed_is_quoted_escaped() {
    let home = tempfile::tempdir().unwrap();
    let script = "x\x1b[31mred\nhelp \x1b[2J\nfields \x1b[2J\nopen \x1b[2J\nopen 1\nreplay -Y \"\x1b[2J\"\n";
    let (out, err) = session(home.path(), script);
    assert!(!out.contains('\x1b') && !err.contains('\x1b'), "{out:?}\n{err:?}");
    for quoted in [
        "'x\\033[31mred'",
        "No command '\\033[2J'",
        "No field starts with '\\033[2J'",
    ] {
        assert!(
            out.contains(quoted) || err.contains(quoted),
            "{quoted}: {out:?} {err:?}"
        );
    }
}

/// Progress is kept under the course's id, so a new title keeps it; progress kept under
/// the title before the course had an id moves to the id.
#[test]
fn progress_follows_the_course_id_not_its_title() {
    let home = tempfile::tempdir().unwrap();
    let old = serde_json::json!({
        "version": 1,
        "courses": {"Network traffic analysis, layers 5-7": {"lessons": {"primer": {
            "questions": {"ftp-default-mode": {"answer": "active", "correct": true, "attempts": 1,
                "hints": 0, "solution_steps": 0, "points": 1}},
            "section": 0, "completed": false}}}}
    });
    std::fs::write(home.path().join("progress.json"), old.to_string()).unwrap();
    let (out, _) = session(home.path(), "progress\nopen 1\nnext\n");
    assert!(out.contains("1/42 points"), "{out}");
    let saved = progress(home.path());
    assert!(
        saved["courses"].get("Network traffic analysis, layers 5-7").is_none(),
        "{saved}"
    );
    assert_eq!(
        primer(&saved)["questions"]["ftp-default-mode"]["correct"],
        true,
        "{saved}"
    );
}
