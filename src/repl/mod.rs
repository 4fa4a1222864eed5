//! The student REPL (`wirelab` with no subcommand). On a terminal it is a rustyline
//! session with history and completion; with stdin from a file or pipe it reads commands
//! line by line and prints only their output (no prompts, no escape codes), so a session
//! can be scripted. Both feed lines to the same [`session::Session`].

pub mod command;
mod complete;
mod replayed;
pub mod session;
mod wrap;

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::{Config, Editor};

use crate::cli::ColorChoice;
use crate::progress::{self, Store};
use complete::Completion;
use session::Session;

/// How the REPL was asked to start.
#[derive(Debug, Clone)]
pub struct Options {
    pub course: Option<PathBuf>,
    pub progress: Option<PathBuf>,
    pub color: ColorChoice,
}

pub fn run(options: &Options) -> anyhow::Result<ExitCode> {
    let (course, source) = crate::cli::load_course(options.course.as_deref())?;

    let path = options.progress.clone().unwrap_or_else(progress::default_path);
    let (store, warning) = Store::open(&path);
    if let Some(warning) = warning {
        eprintln!("warning: {warning}");
    }
    let interactive = io::stdin().is_terminal() && io::stdout().is_terminal();
    // Scripted sessions get plain text unless colour is asked for explicitly.
    let color = match options.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => interactive && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    colored::control::set_override(color);
    let mut session = Session::new(course, source, store, crate::cli::terminal_width(), color);
    if interactive {
        interactive_loop(&mut session)?;
    } else {
        scripted_loop(&mut session)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Lines from a pipe or file: each is run and its output printed; the end of input
/// saves like Ctrl-D.
fn scripted_loop(session: &mut Session) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    write_or_quit(&mut out, &session.greeting())?;
    let mut input = io::stdin().lock();
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            write_or_quit(&mut out, &session.finish())?;
            return Ok(());
        }
        let outcome = session.execute(&String::from_utf8_lossy(&line));
        write_or_quit(&mut out, &outcome.text)?;
        if outcome.quit {
            return Ok(());
        }
    }
}

/// A closed pipe ends the session quietly (progress is saved after every change).
fn write_or_quit(out: &mut impl Write, text: &str) -> io::Result<()> {
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => std::process::exit(0),
        other => other,
    }
}

fn interactive_loop(session: &mut Session) -> anyhow::Result<()> {
    let config = Config::builder()
        .auto_add_history(true)
        .history_ignore_dups(true)?
        .history_ignore_space(true)
        .max_history_size(1000)?
        .completion_type(rustyline::CompletionType::List)
        .build();
    let mut editor: Editor<Completion, FileHistory> = Editor::with_config(config)?;
    editor.set_helper(Some(Completion::new(session)));
    let history = progress::data_dir().join("history.txt");
    // A first run has no history yet; an unreadable one is simply not loaded.
    let _ = editor.load_history(&history);
    let (columns, rows) = crate::cli::terminal_size();
    session.resize(columns, rows);
    print!("{}", session.greeting());
    loop {
        if let Some(helper) = editor.helper_mut() {
            helper.update(session);
        }
        match editor.readline(&session.prompt()) {
            Ok(line) => {
                // The window may have been resized since the last command.
                let (columns, rows) = crate::cli::terminal_size();
                session.resize(columns, rows);
                let outcome = session.execute(&line);
                print!("{}", outcome.text);
                io::stdout().flush()?;
                if outcome.quit {
                    break;
                }
            }
            // Ctrl-C clears the line, as in a shell.
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => {
                println!("Progress saved. Bye!{}", session.finish());
                break;
            }
            Err(e) => {
                eprintln!("{}", session.finish());
                return Err(e.into());
            }
        }
    }
    if let Some(dir) = history.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Err(e) = editor.save_history(&history) {
        eprintln!("warning: history not saved to {}: {e}", history.display());
    }
    Ok(())
}
