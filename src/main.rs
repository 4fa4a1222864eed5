use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match wirelab::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // Help and version go to stdout with success.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            // A usage error in one line, as every other error: what is wrong, clap's tip
            // if it has one, and where the usage is.
            eprintln!("wirelab: {}", one_line(&e.render().to_string()));
            return ExitCode::from(2);
        }
    };
    match wirelab::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            // One line: the error and its causes, which may quote a lesson, an answers
            // file or an argument: control characters are shown escaped, never sent.
            eprintln!(
                "wirelab: {}",
                wirelab::decode::text::escaped(format!("{e:#}").as_bytes())
            );
            ExitCode::from(2)
        }
    }
}

/// clap's error text (an `error:` line, what it lists, `tip:` lines, the usage) in one
/// line.
fn one_line(text: &str) -> String {
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"));
    let first = lines.next().unwrap_or("invalid arguments");
    let mut line = first.strip_prefix("error: ").unwrap_or(first).to_string();
    for more in lines {
        match more.strip_prefix("tip: ") {
            // "to pass '--x' as a value, use '-- --x'" misleads more than it helps.
            Some(tip) if tip.starts_with("to pass") => {}
            Some(tip) => {
                line.push_str("; ");
                line.push_str(tip);
            }
            None => {
                line.push(' ');
                line.push_str(more);
            }
        }
    }
    line.push_str(" (--help shows the usage)");
    wirelab::decode::text::escaped(line.as_bytes())
}
