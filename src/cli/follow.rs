//! `wirelab follow`: one conversation's bytes, turn by turn.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;

use super::{flush, stdout_writer, use_color, write_all, ColorChoice};
use crate::decode::{Decoder, Field, Value};
use crate::view::follow::{Follow, Mode};

#[derive(Debug, clap::Args)]
pub struct FollowArgs {
    /// The capture file
    pub file: PathBuf,
    /// The conversation: its tcp.stream (or udp.stream with --udp) number
    #[arg(long, value_name = "N")]
    pub stream: u64,
    /// Follow a UDP conversation instead of a TCP one
    #[arg(long)]
    pub udp: bool,
    /// ascii (text, other bytes as '.'), hex (offsets, hex and ASCII) or raw (hex per turn)
    #[arg(long, value_enum, default_value_t = FollowMode::Ascii)]
    pub mode: FollowMode,
    /// Colour: auto (on a terminal, unless NO_COLOR is set), always or never
    #[arg(long, value_enum)]
    pub color: Option<ColorChoice>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FollowMode {
    Ascii,
    Hex,
    Raw,
}

pub fn run(args: &FollowArgs) -> anyhow::Result<ExitCode> {
    let mode = match args.mode {
        FollowMode::Ascii => Mode::Ascii,
        FollowMode::Hex => Mode::Hex,
        FollowMode::Raw => Mode::Raw,
    };
    let (transport, stream_field, port_field) = if args.udp {
        ("udp", Field::UdpStream, Field::UdpPort)
    } else {
        ("tcp", Field::TcpStream, Field::TcpPort)
    };
    let mut reader = super::open_capture(&args.file)?;
    let mut decoder = Decoder::new();
    let mut follow = Follow::new(mode, use_color(args.color));
    let mut out = stdout_writer();
    let mut buf = Vec::new();
    let mut damage = None;
    loop {
        let frame = match reader.next_frame() {
            Ok(Some(frame)) => frame,
            Ok(None) => break,
            Err(e) => {
                damage = Some(e);
                break;
            }
        };
        let mut delivered = Vec::new();
        let packet = decoder.decode_with(&frame, |_, analysis| delivered = analysis.delivered.clone());
        if packet.uint(stream_field) != Some(args.stream) {
            continue;
        }
        let bytes = if args.udp {
            match packet.value(Field::UdpPayload) {
                Some(Value::Bytes(b)) => b.clone(),
                _ => Vec::new(),
            }
        } else {
            delivered
        };
        follow.packet(transport, args.stream, &packet, port_field, &bytes, &mut buf);
        if write_all(&mut out, &buf)?.is_none() {
            return Ok(ExitCode::SUCCESS);
        }
        buf.clear();
    }
    if !follow.started() {
        if let Some(e) = damage {
            return Err(e.into());
        }
        bail!(
            "{}: there is no {transport}.stream {}",
            args.file.display(),
            args.stream
        );
    }
    follow.footer(&mut buf);
    if write_all(&mut out, &buf)?.is_none() || flush(&mut out)?.is_none() {
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(e) = damage {
        eprintln!("wirelab: note: {e} (the stream up to it is shown)");
    }
    Ok(ExitCode::SUCCESS)
}
