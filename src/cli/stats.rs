//! `wirelab stats`: the protocol hierarchy, conversations, endpoints and I/O graph.

use std::path::PathBuf;
use std::process::ExitCode;

use super::read_packets;
use crate::view::stats::Stats;

#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    /// The capture file
    pub file: PathBuf,
    /// Display filter: count only the packets it keeps
    #[arg(short = 'Y', long = "filter", value_name = "FILTER", allow_hyphen_values = true)]
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
    super::print_then_note(&buf, damage)
}
