//! Command-line interface: argument parsing and the subcommands. Every error comes back to
//! `main` as an [`anyhow::Error`] whose first line names the file and position.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;
use clap::{Parser, Subcommand, ValueEnum};

use crate::capture::{BoxedReader, CaptureError, CaptureReader};
use crate::decode::single_pass::{self, End, SinglePass};
use crate::decode::{Decoder, Field};
use crate::filter::Filter;
use crate::view::annotate::{self, Annotator};
use crate::view::fields::{FieldOptions, Fields};
use crate::view::json::JsonLines;
use crate::view::table::Table;
use crate::view::tsv::Tsv;
use crate::view::{detail, hexdump, names, MacNames, PacketFormat};
use colored::Colorize as _;

#[derive(Debug, Parser)]
#[command(
    name = "wirelab",
    version,
    about = "A terminal lab for learning network traffic analysis"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Study an instructor's course folder instead of the bundled course (also read, check,
    /// grade and answers-template's course when given before them)
    #[arg(long, value_name = "DIR")]
    pub course: Option<PathBuf>,
    /// Without a command: keep progress in FILE (default: $WIRELAB_HOME/progress.json,
    /// else $XDG_DATA_HOME/wirelab/progress.json)
    #[arg(long, value_name = "FILE")]
    pub progress: Option<PathBuf>,
    /// Colour: auto (on a terminal, unless NO_COLOR is set), always or never. For the
    /// REPL, and for replay, read and follow (a --color after the command wins)
    #[arg(long, value_enum)]
    pub color: Option<ColorChoice>,
}

mod check;
mod export;
mod follow;
mod grade;
mod ladder;
mod pace;
mod progress;
mod read;
mod schema;
mod sharded;
mod stats;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the packet list of a capture file (pcap or pcapng), as tshark -r does
    Replay(ReplayArgs),
    /// Print a TCP or UDP conversation's bytes turn by turn, as tshark -z follow does
    Follow(follow::FollowArgs),
    /// Write the files a capture carries (FTP transfers, HTTP bodies) into a folder
    Export(export::ExportArgs),
    /// Draw who said what to whom: a sequence diagram of the packets
    Ladder(ladder::LadderArgs),
    /// Summarise a capture: protocol hierarchy, conversations, endpoints, frames over time
    Stats(stats::StatsArgs),
    /// Check a course or lesson before students see it: every problem with file:line:column
    Check(check::CheckArgs),
    /// Print the lesson (or course) file format as JSON Schema, for editors
    Schema(schema::SchemaArgs),
    /// Read the course: the list of lessons, or one lesson with its questions
    Read(read::ReadArgs),
    /// Grade answer files: text, JSON, JUnit XML, TAP or CSV; exit 0 all right, 1 not, 2 unusable
    Grade(grade::GradeArgs),
    /// Print a blank answers file for a lesson
    AnswersTemplate(grade::TemplateArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for people
    Table,
    /// The seven list columns, tab-separated, no header
    Tsv,
    /// One JSON object per frame and line, with every field
    Json,
    /// The values of the fields named with -e
    Fields,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, clap::Args)]
pub struct ReplayArgs {
    /// The capture file
    pub file: PathBuf,
    /// Output format (tshark's -T)
    #[arg(short = 'T', long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// A field to print with -T fields (repeatable), e.g. -e ip.src -e tcp.stream
    #[arg(short = 'e', value_name = "FIELD")]
    pub fields: Vec<String>,
    /// Field output option, as tshark: header=y|n, separator=/t|/s|C, occurrence=f|l|a, aggregator=C, quote=d|s|n
    #[arg(short = 'E', value_name = "KEY=VALUE")]
    pub field_options: Vec<String>,
    /// Display filter, in Wireshark's syntax: -Y 'ftp.request.command == "RETR"'
    #[arg(short = 'Y', long = "filter", value_name = "FILTER", allow_hyphen_values = true)]
    pub filter: Option<String>,
    /// Print the detail of frame N (every layer with its fields and notes), as tshark -V
    #[arg(long, value_name = "N")]
    pub detail: Option<u64>,
    /// Print the detail of every frame shown
    #[arg(short = 'V')]
    pub verbose: bool,
    /// Add each frame's bytes in hex and ASCII, as tshark -x
    #[arg(short = 'x')]
    pub hex: bool,
    /// Explain what happens as it passes: handshakes, TLS steps, FTP modes, logons...
    #[arg(long)]
    pub annotate: bool,
    /// Print frames at the capture's own pace (--pace), or SPEED times faster (--pace=10); gaps capped at 2 s;
    /// any key stops
    #[arg(
        long,
        value_name = "SPEED",
        num_args = 0..=1,
        default_missing_value = "1",
        require_equals = true,
        value_parser = speed
    )]
    pub pace: Option<f64>,
    /// Columns to wrap --annotate notes to, 20 or more (default: $COLUMNS, else 80)
    #[arg(long, value_name = "N", value_parser = at_least::<20>)]
    pub width: Option<usize>,
    /// Stop after this many frames (read, as tshark's -c)
    #[arg(short = 'c', value_name = "N")]
    pub count: Option<u64>,
    /// Colour: auto (on a terminal, unless NO_COLOR is set), always or never
    #[arg(long, value_enum)]
    pub color: Option<ColorChoice>,
    /// Show MAC addresses as hex instead of names (Broadcast, vendor_xx:xx:xx)
    #[arg(short = 'n', long = "no-resolve")]
    pub no_resolve: bool,
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    if cli.command.is_some() && cli.progress.is_some() {
        bail!("--progress is for the REPL (wirelab with no command)");
    }
    // `wirelab --course DIR check` means the same as `wirelab check DIR`: a course given
    // before the command is never quietly dropped for the bundled one.
    let course = |own: Option<PathBuf>| -> anyhow::Result<Option<PathBuf>> {
        let same =
            |a: &Path, b: &Path| a == b || a.canonicalize().ok().is_some_and(|a| b.canonicalize().ok() == Some(a));
        match (own, cli.course.clone()) {
            (Some(own), Some(global)) if !same(&own, &global) => {
                bail!("two courses given: {} and {}", global.display(), own.display())
            }
            (own, global) => Ok(own.or(global)),
        }
    };
    let no_course = || match &cli.course {
        Some(_) => bail!("--course works with read, check, grade, answers-template and the REPL (no command)"),
        None => Ok(()),
    };
    let takes_color = matches!(
        cli.command,
        Some(Command::Replay(_) | Command::Follow(_) | Command::Read(_)) | None
    );
    if cli.color.is_some() && !takes_color {
        bail!("--color works with replay, read, follow and the REPL (no command)");
    }
    match cli.command {
        Some(Command::Replay(mut args)) => {
            args.color = args.color.or(cli.color);
            no_course().and_then(|()| replay(&args))
        }
        Some(Command::Follow(mut args)) => {
            args.color = args.color.or(cli.color);
            no_course().and_then(|()| follow::run(&args))
        }
        Some(Command::Export(args)) => no_course().and_then(|()| export::run(&args)),
        Some(Command::Ladder(args)) => no_course().and_then(|()| ladder::run(&args)),
        Some(Command::Stats(args)) => no_course().and_then(|()| stats::run(&args)),
        Some(Command::Schema(args)) => no_course().and_then(|()| schema::run(&args)),
        Some(Command::Check(mut args)) => {
            args.path = course(args.path)?;
            check::run(&args)
        }
        Some(Command::Read(mut args)) => {
            args.course = course(args.course)?;
            args.color = args.color.or(cli.color);
            read::run(&args)
        }
        Some(Command::Grade(mut args)) => {
            args.course = course(args.course)?;
            grade::run(&args)
        }
        Some(Command::AnswersTemplate(mut args)) => {
            args.course = course(args.course)?;
            grade::template(&args)
        }
        None => crate::repl::run(&crate::repl::Options {
            course: cli.course,
            progress: cli.progress,
            color: cli.color.unwrap_or(ColorChoice::Auto),
        }),
    }
}

/// The terminal's size: columns (stdout's window, else $COLUMNS, else 80) and rows
/// (none when stdout is not a terminal).
pub(crate) fn terminal_size() -> (usize, Option<usize>) {
    // SAFETY: TIOCGWINSZ only writes a winsize struct we own.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) } == 0;
    let columns = Some(usize::from(size.ws_col))
        .filter(|&c| ok && c > 0)
        .or_else(|| std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()))
        .unwrap_or(80);
    let rows = Some(usize::from(size.ws_row)).filter(|&r| ok && r > 0);
    (columns, rows)
}

/// "1 frame", "2 frames".
pub(crate) fn counted(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

pub(crate) fn terminal_width() -> usize {
    terminal_size().0
}

pub(crate) fn use_color(choice: Option<ColorChoice>) -> bool {
    match choice.unwrap_or(ColorChoice::Auto) {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

/// Looks up `-e` names; an unknown one is an error that suggests the nearest name.
pub fn resolve_fields(names: &[String]) -> anyhow::Result<Vec<Field>> {
    names
        .iter()
        .map(|name| Field::lookup(name).map_err(anyhow::Error::msg))
        .collect()
}

fn mac_names(args: &ReplayArgs) -> MacNames {
    if args.no_resolve {
        MacNames::none()
    } else {
        MacNames::load(Path::new(names::DEFAULT_DIR))
    }
}

fn formatter(args: &ReplayArgs) -> anyhow::Result<Box<dyn PacketFormat>> {
    formatter_with(args, mac_names(args))
}

/// The output `replay` writes: `-e FIELD` alone means `-T fields`.
fn output_format(args: &ReplayArgs) -> Format {
    if !args.fields.is_empty() && args.format == Format::Table {
        Format::Fields
    } else {
        args.format
    }
}

/// [`formatter`] with these MAC names.
fn formatter_with(args: &ReplayArgs, names: MacNames) -> anyhow::Result<Box<dyn PacketFormat>> {
    let format = output_format(args);
    if format != Format::Fields && !args.fields.is_empty() {
        bail!("-e FIELD works with -T fields only");
    }
    if (args.verbose || args.detail.is_some()) && format != Format::Table {
        bail!("-V and --detail print each layer of a frame; they do not combine with -T or -e");
    }
    Ok(match format {
        Format::Table => {
            let color = use_color(args.color);
            colored::control::set_override(color);
            Box::new(Table::new(names, color))
        }
        Format::Tsv => Box::new(Tsv::new(names)),
        Format::Json => Box::new(JsonLines::new(names)),
        Format::Fields => {
            if args.fields.is_empty() {
                bail!("-T fields needs at least one -e FIELD");
            }
            let mut options = FieldOptions::default();
            for option in &args.field_options {
                options.set(option).map_err(anyhow::Error::msg)?;
            }
            Box::new(Fields::new(resolve_fields(&args.fields)?, options))
        }
    })
}

fn replay(args: &ReplayArgs) -> anyhow::Result<ExitCode> {
    let mut format = formatter(args)?;
    let filter = match &args.filter {
        Some(text) => Some(Filter::parse(text).map_err(|e| anyhow::anyhow!("invalid filter '{text}': {e}"))?),
        None => None,
    };
    let limit = args.count.unwrap_or(u64::MAX);
    // A bar, when the list goes to a file or a pipe.
    let size = std::fs::metadata(&args.file).map_or(0, |m| m.len());
    let progress = if io::stdout().is_terminal() {
        progress::Progress::hidden()
    } else {
        progress::Progress::bytes(size, "decoding")
    };
    // Labelled as `tshark -2` labels them, in one read of the capture: packets whose
    // labels depend on later frames wait for them (see decode::single_pass).
    let output = output_format(args);
    let make_decoder = || -> anyhow::Result<Decoder> {
        let decoder = Decoder::new().deferring();
        // Keep only the fields something will read: a plain packet list needs none, a
        // filter or `-T fields` a few; the detail, JSON and annotations read them all.
        let every_field = matches!(output, Format::Json) || args.detail.is_some() || args.verbose || args.annotate;
        if every_field {
            return Ok(decoder);
        }
        // A filtered list writes TCP's summary line only for the packets it shows (a
        // filter never reads Info).
        let decoder = if filter.is_some() && matches!(output, Format::Table | Format::Tsv) {
            decoder.defer_tcp_line()
        } else {
            decoder
        };
        let mut wanted = filter.as_ref().map(Filter::fields).unwrap_or_default();
        if output == Format::Fields {
            wanted.extend(resolve_fields(&args.fields)?);
        }
        Ok(if wanted.is_empty() {
            decoder.columns_only()
        } else {
            decoder.only_fields(&wanted)
        })
    };
    let decoder = make_decoder()?;
    let mut out = stdout_writer();
    let mut buf = Vec::with_capacity(4096);
    let names = mac_names(args);
    if args.annotate && (args.format != Format::Table || !args.fields.is_empty()) {
        bail!("--annotate works with the table format only");
    }
    let mut annotator = args.annotate.then(Annotator::default);
    let mut pacer = args.pace.map(pace::Pacer::new);
    let note_color = use_color(args.color);
    let width = args.width.unwrap_or_else(terminal_width);
    if args.detail.is_none() && !args.verbose {
        format.header(&mut buf);
    }
    let mut detail_shown = false;
    // Packets up to this frame are already listed (by shards that stopped there).
    let mut listed_through = 0;
    // A large capture is decoded in shards, on every core (see decode::shards).
    let shards = sharded::shard_count(args, filter.as_ref());
    if shards > 1 {
        if write_all(&mut out, &buf)?.is_none() {
            return Ok(ExitCode::SUCCESS);
        }
        buf.clear();
        // One set of MAC names for all the shards, read by this thread while they start.
        let make_format = || formatter_with(args, names.clone());
        match sharded::replay(
            args,
            filter.as_ref(),
            shards,
            &make_decoder,
            &make_format,
            &names,
            &mut out,
            &progress,
        )? {
            sharded::Sharded::Closed => return Ok(ExitCode::SUCCESS),
            sharded::Sharded::Listed { frames, end } => return finish_list(frames, end, &mut out, &buf),
            // The first frame cannot be read: decoded in one piece, for its error.
            sharded::Sharded::Unread => {}
            // The rest is listed from one piece.
            sharded::Sharded::Unfinished { through } => listed_through = through,
        }
    }
    let reader = open_capture(&args.file)?;
    let options = single_pass::Options {
        limit,
        with_bytes: args.hex,
        reopen: Some(reopen(&args.file)),
        ..single_pass::Options::default()
    };
    let mut packets = SinglePass::new(reader, decoder, options);
    let mut shown_progress = 0;
    loop {
        if packets.frames_read() >= shown_progress + 4096 {
            shown_progress = packets.frames_read();
            progress.set(packets.bytes_read());
        }
        let Some(single_pass::Decoded {
            packet,
            frame: frame_bytes,
            ..
        }) = packets.next_decoded()
        else {
            break;
        };
        if packet.number <= listed_through || filter.as_ref().is_some_and(|f| !f.matches(packet)) {
            continue;
        }
        match args.detail {
            Some(n) if packet.number != n => continue,
            Some(_) => detail_shown = true,
            None => {}
        }
        if let Some(pacer) = pacer.as_mut() {
            // Show what is printed so far, then wait for this frame's time.
            if write_all(&mut out, &buf)?.is_none() || flush(&mut out)?.is_none() {
                return Ok(ExitCode::SUCCESS);
            }
            buf.clear();
            if !pacer.wait(packet.ts_ns) {
                break;
            }
        }
        if args.detail.is_some() || args.verbose {
            detail::render(packet, &names, &mut buf);
        } else {
            format.packet(packet, &mut buf);
        }
        if let Some(annotator) = annotator.as_mut() {
            for note in annotator.notes(packet) {
                for line in annotate::wrap(&note, width) {
                    let line = if note_color { line.cyan().to_string() } else { line };
                    buf.extend_from_slice(line.as_bytes());
                    buf.push(b'\n');
                }
            }
        }
        if args.hex {
            hexdump::render(frame_bytes, &mut buf);
            buf.push(b'\n');
        } else if args.detail.is_some() || args.verbose {
            buf.push(b'\n');
        }
        if write_all(&mut out, &buf)?.is_none() {
            return Ok(ExitCode::SUCCESS);
        }
        buf.clear();
        if detail_shown {
            break;
        }
    }
    let frames = packets.frames_read();
    let end = packets.end().unwrap_or(End {
        damage: None,
        more_after_limit: false,
    });
    let damage = end.damage;
    if let Some(n) = args.detail.filter(|_| !detail_shown) {
        let file = args.file.display();
        if let Some(e) = damage {
            bail!(
                "{e} (frame {n} is past it: {} could be read)",
                counted(frames as usize, "frame")
            );
        }
        // -c stopped the reading early only if the file has more frames.
        if n > frames && end.more_after_limit {
            bail!("{file}: frame {n} comes after the {limit} frames read (-c {limit})");
        }
        if frames == 0 {
            bail!("{file}: the capture has no frames");
        }
        if n == 0 || n > frames {
            bail!("{file}: there is no frame {n}; the frames are numbered 1 to {frames}");
        }
        bail!("{file}: frame {n} does not match the filter");
    }
    finish_list(
        frames,
        End {
            damage,
            more_after_limit: end.more_after_limit,
        },
        &mut out,
        &buf,
    )
}

/// Ends a packet list: writes what is left of it, then notes the damage that ended the
/// capture early.
fn finish_list(frames: u64, end: End, out: &mut dyn Write, rest: &[u8]) -> anyhow::Result<ExitCode> {
    let mut damage = end.damage;
    // A file refused at its first frame prints nothing but the error (not a lone header).
    if let Some(e) = damage.take_if(|_| frames == 0) {
        return Err(e.into());
    }
    if write_all(out, rest)?.is_none() || flush(out)?.is_none() {
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(e) = damage {
        eprintln!("wirelab: note: {e} (the {frames} frames before it are listed)");
    }
    Ok(ExitCode::SUCCESS)
}

/// "cannot create DIR: No such file or directory": an I/O error with what was being
/// done, without the OS's "(os error N)".
pub(crate) fn io_failed(doing: String, e: &io::Error) -> anyhow::Error {
    anyhow::anyhow!("{doing}: {}", crate::io_error_text(e))
}

/// A whole number of at least `MIN`, for clap.
pub(crate) fn at_least<const MIN: usize>(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n >= MIN => Ok(n),
        _ => Err(format!("a whole number, {MIN} or more")),
    }
}

/// A speed-up above 0 (`--pace=0.5` is half speed), for clap.
fn speed(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(n) if n.is_finite() && n > 0.0 => Ok(n),
        _ => Err("a number above 0 (1 is the capture's own pace, 10 ten times faster)".into()),
    }
}

/// Opens `file` again from its start (for a first pass a single pass may need).
pub(crate) fn reopen(file: &Path) -> single_pass::Reopen {
    let file = file.to_path_buf();
    Box::new(move || open_capture(&file))
}

/// The capture at `path`, or, when there is no such file, the bundled capture it names
/// (`ftp-passive.pcapng` or `captures/ftp-passive.pcapng`, as the lessons write their
/// commands): so a lesson's commands work wherever wirelab is installed.
pub(crate) fn open_capture(path: &Path) -> Result<BoxedReader, CaptureError> {
    match CaptureReader::open_boxed(path) {
        Err(e) if !path.exists() => match bundled_capture(path) {
            Some(bytes) => CaptureReader::new(Box::new(io::Cursor::new(bytes)), &path.display().to_string()),
            None => Err(e),
        },
        opened => opened,
    }
}

/// The bundled capture a path names: its bare name, or its name under `captures/`.
fn bundled_capture(path: &Path) -> Option<&'static [u8]> {
    let parts: Vec<_> = path.components().collect();
    let name = match parts.as_slice() {
        [std::path::Component::Normal(name)] => name,
        [std::path::Component::Normal(dir), std::path::Component::Normal(name)] if *dir == "captures" => name,
        _ => return None,
    };
    crate::lesson::bundled::capture(name.to_str()?)
}

/// Prints a command's output, then the damage that cut the capture short (on stderr).
pub(crate) fn print_then_note(buf: &[u8], damage: Option<impl std::fmt::Display>) -> anyhow::Result<ExitCode> {
    let mut out = stdout_writer();
    if write_all(&mut out, buf)?.is_some() {
        flush(&mut out)?;
    }
    if let Some(note) = damage {
        eprintln!("wirelab: note: {note}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Decodes a capture (labelled as `tshark -2` labels it, in one read) and hands each
/// packet the filter keeps to `each`, until it returns false. Returns the damage that ended the file
/// early, if any (an error when no frame could be read at all).
pub(crate) fn read_packets(
    file: &Path,
    filter: Option<&str>,
    mut each: impl FnMut(&crate::decode::Packet) -> bool,
) -> anyhow::Result<Option<String>> {
    let filter = match filter {
        Some(text) => Some(Filter::parse(text).map_err(|e| anyhow::anyhow!("invalid filter '{text}': {e}"))?),
        None => None,
    };
    let size = std::fs::metadata(file).map_or(0, |m| m.len());
    let progress = progress::Progress::bytes(size, "decoding");
    let options = single_pass::Options {
        reopen: Some(reopen(file)),
        ..single_pass::Options::default()
    };
    let mut packets = SinglePass::new(open_capture(file)?, Decoder::new().deferring(), options);
    let mut shown_progress = 0;
    while let Some(packet) = packets.next() {
        if filter.as_ref().is_none_or(|f| f.matches(packet)) && !each(packet) {
            return Ok(None);
        }
        if packets.frames_read() >= shown_progress + 4096 {
            shown_progress = packets.frames_read();
            progress.set(packets.bytes_read());
        }
    }
    match packets.end().and_then(|end| end.damage) {
        Some(e) if packets.frames_read() == 0 => Err(e.into()),
        Some(e) => Ok(Some(format!("{e} (the frames before it are used)"))),
        None => Ok(None),
    }
}

/// The bundled course, or an instructor's folder; its first error (if any) is the error.
pub(crate) fn load_course(
    dir: Option<&Path>,
) -> anyhow::Result<(crate::lesson::Course, crate::lesson::source::CourseSource)> {
    use crate::lesson::source::CourseSource;
    use crate::lesson::{Problem, Severity};
    let source = match dir {
        Some(dir) => CourseSource::folder(dir),
        None => CourseSource::Bundled,
    };
    let mut problems: Vec<Problem> = Vec::new();
    let course = source.load(&mut problems);
    if let Some(p) = problems.iter().find(|p| p.severity == Severity::Error) {
        anyhow::bail!("{p} (run wirelab check for every problem)");
    }
    let course = anyhow::Context::context(course, "the course could not be read")?;
    Ok((course, source))
}

/// Standard output: line-buffered on a terminal (a student sees packets as they come),
/// block-buffered into pipes and files.
pub(crate) fn stdout_writer() -> Box<dyn Write> {
    let stdout = io::stdout();
    if stdout.is_terminal() {
        Box::new(io::LineWriter::new(stdout.lock()))
    } else {
        Box::new(io::BufWriter::with_capacity(64 * 1024, stdout.lock()))
    }
}

/// Writes, treating a closed pipe (`wirelab replay x | head`) as a normal end: `None`.
pub(crate) fn write_all(out: &mut dyn Write, bytes: &[u8]) -> anyhow::Result<Option<()>> {
    match out.write_all(bytes) {
        Ok(()) => Ok(Some(())),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(None),
        Err(e) => Err(anyhow::anyhow!("cannot write the output: {}", crate::io_error_text(&e))),
    }
}

pub(crate) fn flush(out: &mut dyn Write) -> anyhow::Result<Option<()>> {
    match out.flush() {
        Ok(()) => Ok(Some(())),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(None),
        Err(e) => Err(anyhow::anyhow!("cannot write the output: {}", crate::io_error_text(&e))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_get_a_suggestion() {
        let err = resolve_fields(&["tcp.strem".to_string()]).unwrap_err();
        assert_eq!(err.to_string(), "unknown field 'tcp.strem' (did you mean tcp.stream?)");
        let err = resolve_fields(&["zzzzzzzzzzzzzzzzzzzzzz".to_string()]).unwrap_err();
        assert_eq!(err.to_string(), "unknown field 'zzzzzzzzzzzzzzzzzzzzzz'");
    }
}
