//! Regenerates fuzz/corpus/<target>/ from the repository's captures, lessons, answer
//! files and filter tests (run by seed.sh: `cargo run --release --example seedgen`).
//!
//! Application targets get the conversations of the bundled and test captures, as
//! wirelab's own TCP reassembly delivers them, in the turn format of src/stream.rs.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use wirelab::capture::CaptureReader;
use wirelab::decode::{Address, Decoder, Field, Proto, Value};
use wirelab_fuzz::stream::{self, AppTarget, Transport};

const MAX_SEED: usize = 64 * 1024;
fn max_per_target(target: &str) -> usize {
    match target {
        "capture_reader" => usize::MAX,
        "decode_linktypes" | "filter_parse" => 400,
        _ => 150,
    }
}

struct Corpus {
    root: PathBuf,
    seen: HashSet<(String, u64)>,
    counts: BTreeMap<String, usize>,
}

impl Corpus {
    fn add(&mut self, target: &str, name: &str, bytes: &[u8]) {
        let count = self.counts.entry(target.to_string()).or_default();
        if *count >= max_per_target(target) {
            return;
        }
        // FNV-1a, to drop duplicates.
        let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
        });
        if !self.seen.insert((target.to_string(), hash)) {
            return;
        }
        *count += 1;
        let dir = self.root.join(target);
        fs::create_dir_all(&dir).unwrap();
        let safe: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        fs::write(dir.join(safe), bytes).unwrap();
    }
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn ext(path: &Path) -> &str {
    path.extension().and_then(|e| e.to_str()).unwrap_or("")
}

fn stem(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

#[derive(Default)]
struct TcpStream {
    client: Option<String>,
    ipv6: bool,
    handshake: bool,
    server_port: u16,
    protos: HashSet<Proto>,
    /// (from the client?, bytes) in order.
    turns: Vec<(bool, Vec<u8>)>,
}

fn endpoint(p: &wirelab::decode::Packet, port: Field) -> String {
    let addr = wirelab::view::address_text(&p.src, &wirelab::view::MacNames::none());
    format!("{addr}:{}", p.uint(port).unwrap_or(0))
}

fn service_index(target: &AppTarget, transport: Transport, port: u16) -> usize {
    target
        .services
        .iter()
        .position(|s| s.transport == transport && s.port == port)
        .or_else(|| {
            target
                .services
                .iter()
                .position(|s| s.transport == transport && s.port == 41234)
        })
        .unwrap_or(0)
}

fn push_turn(turns: &mut Vec<(u8, Vec<u8>)>, channel: u8, bytes: &[u8], budget: &mut usize) {
    let take = bytes.len().min(*budget);
    if take == 0 {
        return;
    }
    *budget -= take;
    match turns.last_mut() {
        Some((c, b)) if *c == channel => b.extend_from_slice(&bytes[..take]),
        _ => turns.push((channel, bytes[..take].to_vec())),
    }
}

/// A UDP service seen in a capture: (target, service port, IPv6).
type UdpService = (&'static str, u16, bool);
/// A datagram: (sent to the server, its bytes).
type Datagram = (bool, Vec<u8>);

fn app_seeds(corpus: &mut Corpus, name: &str, bytes: &[u8]) {
    let Ok(mut reader) = CaptureReader::new(Cursor::new(bytes), name) else {
        return;
    };
    let mut decoder = Decoder::new();
    let mut streams: BTreeMap<u64, TcpStream> = BTreeMap::new();
    let mut udp: BTreeMap<UdpService, Vec<Datagram>> = BTreeMap::new();
    while let Ok(Some(frame)) = reader.next_frame() {
        let mut delivered = Vec::new();
        let p = decoder.decode_with(&frame, |_, a| delivered.extend_from_slice(&a.delivered));
        let ipv6 = matches!(p.src, Address::Ipv6(_));
        if let Some(id) = p.uint(Field::TcpStream) {
            let s = streams.entry(id).or_default();
            let src = endpoint(&p, Field::TcpSrcport);
            let syn = matches!(p.value(Field::TcpFlagsSyn), Some(Value::Bool(true)));
            let ack = matches!(p.value(Field::TcpFlagsAck), Some(Value::Bool(true)));
            if s.client.is_none() {
                let from_server = syn && ack;
                s.client = Some(if from_server {
                    endpoint(&p, Field::TcpDstport)
                } else {
                    src.clone()
                });
                let sport = p.uint(Field::TcpSrcport).unwrap_or(0) as u16;
                let dport = p.uint(Field::TcpDstport).unwrap_or(0) as u16;
                s.server_port = if syn {
                    if from_server {
                        sport
                    } else {
                        dport
                    }
                } else {
                    sport.min(dport)
                };
                s.ipv6 = ipv6;
            }
            s.handshake |= syn;
            for proto in [
                Proto::Http,
                Proto::Ssdp,
                Proto::Tls,
                Proto::Ftp,
                Proto::FtpData,
                Proto::Nbss,
                Proto::Smb,
                Proto::Smb2,
                Proto::Dns,
            ] {
                if p.has_proto(proto) {
                    s.protos.insert(proto);
                }
            }
            if !delivered.is_empty() {
                s.turns.push((s.client.as_deref() == Some(src.as_str()), delivered));
            }
        } else if let Some(Value::Bytes(payload)) = p.value(Field::UdpPayload) {
            let sport = p.uint(Field::UdpSrcport).unwrap_or(0) as u16;
            let dport = p.uint(Field::UdpDstport).unwrap_or(0) as u16;
            let target = if p.has_proto(Proto::Nbns) || p.has_proto(Proto::Dns) || p.has_proto(Proto::Nbdgm) {
                "app_dns_nbns"
            } else if p.has_proto(Proto::Ssdp) {
                "app_http"
            } else {
                continue;
            };
            let server = [53, 137, 138, 1900, 5353]
                .into_iter()
                .find(|port| *port == dport || *port == sport)
                .unwrap_or(sport.min(dport));
            udp.entry((target, server, ipv6))
                .or_default()
                .push((dport == server, payload.clone()));
        }
    }
    // FTP data connections go with the capture's first FTP control connection.
    let mut ftp_data: Vec<(u8, Vec<u8>)> = Vec::new();
    let mut budget = MAX_SEED / 2;
    for s in streams
        .values()
        .filter(|s| s.protos.contains(&Proto::FtpData) && !s.protos.contains(&Proto::Ftp))
    {
        for (from_client, bytes) in &s.turns {
            push_turn(&mut ftp_data, if *from_client { 2 } else { 3 }, bytes, &mut budget);
        }
    }
    for (id, s) in &streams {
        let (target_name, target) = if s.protos.contains(&Proto::Ftp) {
            ("app_ftp", &stream::FTP)
        } else if s.protos.contains(&Proto::Http) {
            ("app_http", &stream::HTTP)
        } else if s.protos.contains(&Proto::Tls) {
            ("app_tls", &stream::TLS)
        } else if s.protos.contains(&Proto::Nbss) || s.protos.contains(&Proto::Smb2) || s.protos.contains(&Proto::Smb) {
            ("app_smb2", &stream::SMB)
        } else if s.protos.contains(&Proto::Dns) {
            ("app_dns_nbns", &stream::DNS)
        } else {
            continue;
        };
        let mut turns = Vec::new();
        let mut budget = MAX_SEED;
        for (from_client, bytes) in &s.turns {
            push_turn(&mut turns, if *from_client { 0 } else { 1 }, bytes, &mut budget);
        }
        if target_name == "app_ftp" {
            turns.append(&mut ftp_data);
        }
        if turns.is_empty() {
            continue;
        }
        let index = service_index(target, Transport::Tcp, s.server_port);
        let config = stream::config(index, s.ipv6, s.handshake, true, 0);
        corpus.add(target_name, &format!("{name}-tcp{id}"), &stream::encode(config, &turns));
    }
    for ((target_name, port, ipv6), datagrams) in udp {
        let target = if target_name == "app_http" {
            &stream::HTTP
        } else {
            &stream::DNS
        };
        let index = service_index(target, Transport::Udp, port);
        let mut turns = Vec::new();
        let mut budget = MAX_SEED;
        for (to_server, bytes) in datagrams.iter().take(40) {
            if budget < bytes.len() {
                break;
            }
            budget -= bytes.len();
            turns.push((if *to_server { 0 } else { 1 }, bytes.clone()));
        }
        let config = stream::config(index, ipv6, false, false, 0);
        corpus.add(
            target_name,
            &format!("{name}-udp{port}"),
            &stream::encode(config, &turns),
        );
    }
}

/// Frames for decode_linktypes: the frame prefixed with its link type's selector.
fn frame_seeds(corpus: &mut Corpus, name: &str, bytes: &[u8]) {
    let Ok(mut reader) = CaptureReader::new(Cursor::new(bytes), name) else {
        return;
    };
    let mut kept = 0;
    let mut protocols = HashSet::new();
    let mut decoder = Decoder::new();
    while let Ok(Some(frame)) = reader.next_frame() {
        let p = decoder.decode(&frame);
        // One frame per protocol stack and link type: a varied, small corpus.
        if !protocols.insert((p.protocols(), p.protocol)) || kept >= 8 {
            continue;
        }
        let Some(index) = wirelab_fuzz::LINKTYPES.iter().position(|c| *c == frame.linktype.code()) else {
            continue;
        };
        let mut seed = (index as u16).to_be_bytes().to_vec();
        seed.extend_from_slice(frame.data);
        corpus.add("decode_linktypes", &format!("{name}-{}", frame.number), &seed);
        kept += 1;
    }
}

/// Strings between r#" and "# in a Rust source (the filter test cases).
fn raw_strings(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(start) = rest.find("r#\"") {
        rest = &rest[start + 3..];
        if let Some(end) = rest.find("\"#") {
            out.push(rest[..end].to_string());
            rest = &rest[end + 2..];
        }
    }
    out
}

fn main() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    let fuzz = repo.join("fuzz");
    let root = fuzz.join("corpus");
    let mut corpus = Corpus {
        root: root.clone(),
        seen: HashSet::new(),
        counts: BTreeMap::new(),
    };

    // Captures: the bundled ones and every test capture.
    let mut paths = Vec::new();
    files(&repo.join("captures"), &mut paths);
    files(&repo.join("tests/data"), &mut paths);
    for path in paths.iter().filter(|p| matches!(ext(p), "pcap" | "pcapng")) {
        let bytes = fs::read(path).unwrap();
        let name = stem(path);
        corpus.add("capture_reader", &name, &bytes);
        frame_seeds(&mut corpus, &name, &bytes);
        app_seeds(&mut corpus, &name, &bytes);
    }

    // Lessons, course indexes and answer files.
    for path in paths.iter().filter(|p| matches!(ext(p), "yaml" | "yml" | "json")) {
        let bytes = fs::read(path).unwrap();
        let target = if path.components().any(|c| c.as_os_str() == "answers") {
            "answers_load"
        } else {
            "lesson_load"
        };
        corpus.add(target, &stem(path), &bytes);
    }
    let mut lessons = Vec::new();
    files(&repo.join("lessons"), &mut lessons);
    for path in lessons.iter().filter(|p| ext(p) == "yaml") {
        corpus.add("lesson_load", &stem(path), &fs::read(path).unwrap());
    }
    let mut problems = Vec::new();
    let course = wirelab::lesson::source::CourseSource::Bundled
        .load(&mut problems)
        .expect("bundled course");
    for lesson in &course.lessons {
        let template = wirelab::grade::submission::template(lesson, "wirelab grade FILE");
        corpus.add(
            "answers_load",
            &format!("template-{}.yaml", lesson.id),
            template.as_bytes(),
        );
    }

    // Filters: the filter tests' cases, and those the lessons use.
    let mut filters: Vec<String> = Vec::new();
    let mut sources = Vec::new();
    files(&repo.join("tests/integration"), &mut sources);
    for path in sources.iter().filter(|p| ext(p) == "rs") {
        let text = fs::read_to_string(path).unwrap();
        if stem(path) == "filters.rs" {
            filters.extend(raw_strings(&text));
        }
    }
    for lesson in &course.lessons {
        for section in &lesson.sections {
            if let Some(f) = section.replay.as_ref().and_then(|r| r.filter.clone()) {
                filters.push(f);
            }
        }
        for q in &lesson.questions {
            match &q.answer {
                wirelab::lesson::Answer::FromCapture { filter, .. } => filters.push(filter.clone()),
                wirelab::lesson::Answer::FilterMatches { reference, .. } => filters.push(reference.clone()),
                _ => {}
            }
        }
    }
    for (i, f) in filters.iter().enumerate() {
        corpus.add("filter_parse", &format!("filter-{i:03}"), f.as_bytes());
    }

    // Dictionaries: every field name for the filter parser.
    let dicts = root.join("dicts");
    fs::create_dir_all(&dicts).unwrap();
    let mut dict = String::new();
    for field in Field::ALL {
        dict.push_str(&format!("\"{}\"\n", field.name()));
    }
    for word in [
        "==",
        "!=",
        "~=",
        "<=",
        ">=",
        "eq",
        "ne",
        "any_ne",
        "lt",
        "le",
        "gt",
        "ge",
        "contains",
        "matches",
        "in",
        "and",
        "or",
        "not",
        "&&",
        "||",
        "&",
        "..",
        "{",
        "}",
        "0x",
        "True",
        "False",
        "\\\"",
        "/24",
        "::",
        "ff:ff:ff:ff:ff:ff",
        // Slices, functions, arithmetic.
        "[0:3]",
        "[-2:]",
        "[1-2,4]",
        "[",
        "]",
        "len(",
        "count(",
        "lower(",
        "upper(",
        "string(",
        "max(",
        "min(",
        "abs(",
        ")",
        ",",
        " + ",
        " - ",
        " * ",
        " / ",
        " % ",
        "frame",
        "tcp",
        // Layers and object identifiers.
        "#2",
        "#[1-2]",
        "#[-1]",
        "ip#2",
        "x509af.algorithm.id",
        "1.2.840.113549.1.1.11",
    ] {
        dict.push_str(&format!("\"{}\"\n", word.replace('\\', "\\\\").replace('"', "\\\"")));
    }
    fs::write(dicts.join("filter_parse.dict"), dict).unwrap();

    // Hand-made seeds kept in the repository.
    let mut extra = Vec::new();
    files(&fuzz.join("seeds"), &mut extra);
    files(&fuzz.join("regressions"), &mut extra);
    for path in &extra {
        let target_dir = path.parent().unwrap();
        let target = if target_dir.ends_with("regressions") {
            // regressions/<target>-<name>
            let name = stem(path);
            match wirelab_fuzz::TARGETS
                .iter()
                .find(|t| name.starts_with(&format!("{t}-")))
            {
                Some(t) => t.to_string(),
                None => continue,
            }
        } else {
            stem(target_dir)
        };
        let bytes = fs::read(path).unwrap();
        corpus.add(&target, &format!("seed-{}", stem(path)), &bytes);
    }

    for (target, count) in &corpus.counts {
        println!("{target}: {count} seeds");
    }
}
