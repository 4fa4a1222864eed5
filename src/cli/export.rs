//! `wirelab export FILE DIR`: writes the files carried by FTP data connections and
//! the bodies of HTTP messages, under safe names, and says what it wrote.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::decode::single_pass::{Decoded, Options, SinglePass};
use crate::decode::{Decoder, Field, Packet, Value};
use crate::export::{ftp_name, http_name, UniqueNames};

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The capture file
    pub file: PathBuf,
    /// The folder to write into (created if missing; existing files are never overwritten)
    pub dir: PathBuf,
}

struct Written {
    path: PathBuf,
    file: File,
    bytes: u64,
    what: String,
}

fn text(p: &Packet, field: Field) -> Option<String> {
    match p.value(field)? {
        Value::Str(s) => Some(s.clone()),
        _ => None,
    }
}

pub fn run(args: &ExportArgs) -> anyhow::Result<ExitCode> {
    if args.dir.exists() && !args.dir.is_dir() {
        anyhow::bail!("{}: exists and is not a folder", args.dir.display());
    }
    let size = fs::metadata(&args.file).map_or(0, |m| m.len());
    let progress = super::progress::Progress::bytes(size, "exporting");
    let options = Options {
        with_delivered: true,
        reopen: Some(super::reopen(&args.file)),
        ..Options::default()
    };
    let mut packets = SinglePass::new(super::open_capture(&args.file)?, Decoder::new().deferring(), options);
    let mut names = UniqueNames::default();
    let mut ftp: HashMap<u64, Written> = HashMap::new();
    let mut written: Vec<(PathBuf, u64, String)> = Vec::new();
    let dir = args.dir.clone();
    // The folder is made with the first file, so a capture with nothing to export
    // leaves nothing behind.
    let create = |names: &mut UniqueNames, name: &str| -> anyhow::Result<(PathBuf, File)> {
        fs::create_dir_all(&dir).map_err(|e| super::io_failed(format!("cannot create {}", dir.display()), &e))?;
        let name = names.claim(name, |n| dir.join(n).exists());
        let path = dir.join(name);
        let file = File::options()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| super::io_failed(format!("cannot create {}", path.display()), &e))?;
        Ok((path, file))
    };
    let mut shown_progress = 0;
    loop {
        if packets.frames_read() >= shown_progress + 4096 {
            shown_progress = packets.frames_read();
            progress.set(packets.bytes_read());
        }
        let Some(Decoded { packet, delivered, .. }) = packets.next_decoded() else {
            break;
        };
        if packet.value(Field::FtpDataSetupFrame).is_some() || packet.protocol == "FTP-DATA" {
            let stream = packet.uint(Field::TcpStream).unwrap_or(0);
            if delivered.is_empty() {
                continue;
            }
            let entry = match ftp.entry(stream) {
                std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
                std::collections::hash_map::Entry::Vacant(slot) => {
                    let command =
                        text(packet, Field::WirelabFtpDataTransfer).or_else(|| text(packet, Field::FtpDataCommand));
                    let (path, file) = create(&mut names, &ftp_name(command.as_deref(), stream))?;
                    let what = format!(
                        "FTP-DATA tcp.stream {stream}{}",
                        command.map(|c| format!(", {c}")).unwrap_or_default()
                    );
                    slot.insert(Written {
                        path,
                        file,
                        bytes: 0,
                        what,
                    })
                }
            };
            entry
                .file
                .write_all(delivered)
                .map_err(|e| super::io_failed(format!("cannot write {}", entry.path.display()), &e))?;
            entry.bytes += delivered.len() as u64;
        }
        if let Some(Value::Bytes(body)) = packet.value(Field::HttpFileData) {
            let target = text(packet, Field::HttpResponseForUri).or_else(|| text(packet, Field::HttpRequestUri));
            let name = http_name(target.as_deref().unwrap_or(""));
            let (path, mut file) = create(&mut names, &name)?;
            file.write_all(body)
                .map_err(|e| super::io_failed(format!("cannot write {}", path.display()), &e))?;
            let what = format!(
                "HTTP body in frame {}{}",
                packet.number,
                target.map(|t| format!(", {t}")).unwrap_or_default()
            );
            written.push((path, body.len() as u64, what));
        }
    }
    // Damage after some frames is a note after the list, as for the other commands:
    // what was written from the frames before it is there, and is listed.
    let damage = packets.end().and_then(|end| end.damage);
    if let Some(damage) = damage.as_ref().filter(|_| packets.frames_read() == 0) {
        anyhow::bail!("{damage}");
    }
    let mut all: Vec<(PathBuf, u64, String)> = ftp.into_values().map(|w| (w.path, w.bytes, w.what)).collect();
    all.append(&mut written);
    all.sort();
    for (path, bytes, what) in &all {
        // `what` quotes the capture (an FTP command, an HTTP target): escaped.
        let line = format!("wrote {} ({bytes} bytes): {what}", path.display());
        println!("{}", crate::decode::text::escaped(line.as_bytes()));
    }
    if all.is_empty() {
        println!(
            "nothing to export: no FTP data connection and no HTTP body in {}",
            args.file.display()
        );
    }
    if let Some(damage) = damage {
        eprintln!("wirelab: note: {damage} (the frames before it are used)");
    }
    Ok(ExitCode::SUCCESS)
}
