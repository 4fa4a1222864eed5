//! `wirelab stats`: the protocol hierarchy, conversations, endpoints and I/O graph.

use std::path::PathBuf;
use std::process::ExitCode;

use super::{flush, read_packets, stdout_writer, write_all};
use crate::view::stats::Stats;

#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    /// The capture file
    pub file: PathBuf,
    /// Display filter: count only the packets it keeps
    #[arg(short = 'Y', long = "filter", value_name = "FILTER")]
    pub filter: Option<String>,
}

pub fn run(args: &StatsArgs) -> anyhow::Result<ExitCode> {
    let mut stats = Stats::default();
    let damage = read_packets(&args.file, args.filter.as_deref(), |packet| {
        stats.add(packet);
        true
    })?;
    let mut buf = Vec::new();
    stats.render(args.filter.as_deref(), &mut buf);
    let mut out = stdout_writer();
    if write_all(&mut out, &buf)?.is_some() {
        flush(&mut out)?;
    }
    if let Some(note) = damage {
        eprintln!("wirelab: note: {note}");
    }
    Ok(ExitCode::SUCCESS)
}
