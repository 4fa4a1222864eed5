//! `wirelab ladder`: a capture (or what a filter keeps of it) as a sequence diagram.

use std::path::PathBuf;
use std::process::ExitCode;

use super::read_packets;
use crate::view::ladder::{render_mermaid, render_text, Step};
use crate::view::MacNames;

#[derive(Debug, clap::Args)]
pub struct LadderArgs {
    /// The capture file
    pub file: PathBuf,
    /// Display filter: draw only the packets it keeps (e.g. -Y 'tcp.stream == 0')
    #[arg(short = 'Y', long = "filter", value_name = "FILTER", allow_hyphen_values = true)]
    pub filter: Option<String>,
    /// text (for the terminal) or mermaid (for slides and web pages)
    #[arg(long, value_enum, default_value_t = LadderFormat::Text)]
    pub format: LadderFormat,
    /// Columns to fit, 30 or more (default: $COLUMNS, else 80)
    #[arg(long, value_name = "N", value_parser = super::at_least::<30>)]
    pub width: Option<usize>,
    /// Draw at most this many packets (1 or more)
    #[arg(long, value_name = "N", default_value_t = 500, value_parser = super::at_least::<1>)]
    pub max: usize,
}

/// A whole number no smaller than `MIN`, for clap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LadderFormat {
    Text,
    Mermaid,
}

pub fn run(args: &LadderArgs) -> anyhow::Result<ExitCode> {
    let names = MacNames::none();
    let mut steps = Vec::new();
    // One packet past the limit tells a diagram cut short from one that is whole.
    let damage = read_packets(&args.file, args.filter.as_deref(), |packet| {
        steps.push(Step::of(packet, &names));
        steps.len() <= args.max
    })?;
    let cut = steps.len() > args.max;
    steps.truncate(args.max);
    let width = args.width.unwrap_or_else(super::terminal_width);
    let mut buf = Vec::new();
    match args.format {
        LadderFormat::Text => render_text(&steps, width, &mut buf).map_err(|e| {
            anyhow::anyhow!(
                "{}: {e}: narrow the packets with -Y, widen the terminal (--width), or use --format mermaid",
                args.file.display()
            )
        })?,
        LadderFormat::Mermaid => render_mermaid(&steps, &mut buf),
    }
    let code = super::print_then_note(&buf, damage)?;
    if cut {
        eprintln!(
            "wirelab: note: drew the first {} packets; narrow them with -Y, or draw more with --max",
            args.max
        );
    }
    Ok(code)
}
