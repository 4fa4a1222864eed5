use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match wirelab::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with success; usage errors exit 2.
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
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
