//! The fuzz harnesses, one public function per cargo-fuzz target (fuzz_targets/*.rs
//! are one-line wrappers), so that `cargo test` here can replay fuzz/regressions/
//! through exactly the code the fuzzers ran.

pub mod pcap;
pub mod stream;

use std::collections::HashMap;
use std::io::Cursor;
use std::sync::{Arc, OnceLock};

use wirelab::capture::{BoxedReader, CaptureReader};
use wirelab::decode::shards::Shard;
use wirelab::decode::single_pass::{Options, SinglePass};
use wirelab::decode::{first_pass, Decoder, Field, Packet};
use wirelab::filter::Filter;
use wirelab::grade::{self, report, submission};
use wirelab::lesson::answer::{self, Captures, Library, Packets};
use wirelab::lesson::source::CourseSource;
use wirelab::lesson::{bundled, check, load, Answer, Course};
use wirelab::view::annotate::{self, Annotator};
use wirelab::view::fields::{FieldOptions, Fields};
use wirelab::view::follow::{Follow, Mode};
use wirelab::view::json::JsonLines;
use wirelab::view::ladder::{self, Step};
use wirelab::view::stats::Stats;
use wirelab::view::table::Table;
use wirelab::view::tsv::Tsv;
use wirelab::view::{detail, hexdump, markup, MacNames, PacketFormat};

/// Frames decoded per input at most (a fuzzed pcap of tiny records can hold many).
pub const MAX_FRAMES: u64 = 2000;

/// The captures the course bundles, by name.
pub const BUNDLED_CAPTURES: [&str; 11] = [
    "ftp-active.pcapng",
    "ftp-errors.pcapng",
    "ftp-passive.pcapng",
    "http-methods.pcapng",
    "http-proxy-connect.pcapng",
    "investigation.pcapng",
    "name-services.pcapng",
    "smb-logon-failures.pcapng",
    "tls-alerts.pcapng",
    "tls12-handshake.pcapng",
    "tls13-handshake.pcapng",
];

/// Wireshark's MAC names when installed (loaded once), so the named paths run too.
fn mac_names() -> &'static MacNames {
    static NAMES: OnceLock<MacNames> = OnceLock::new();
    NAMES.get_or_init(|| MacNames::load(std::path::Path::new(wirelab::view::names::DEFAULT_DIR)))
}

/// Filters every decoded packet is matched against.
const FILTERS: &[&str] = &[
    "tcp",
    "http.request.method == \"GET\" or http.response.code >= 400",
    "http.request.uri contains \"a\" && http.host matches \"^w.*\\\\.test$\"",
    "tls.handshake.type in {1, 2, 11..16}",
    "tls.handshake.extensions_server_name contains \"e\"",
    "ftp.request.command in {\"PORT\", \"EPRT\", \"PASV\", \"EPSV\"}",
    "ftp.response.code == 227 || ftp-data",
    "smb2.nt_status == 0xc000006d",
    "ntlmssp.messagetype == 3 and ntlmssp.auth.username != \"x\"",
    "dns.qry.name contains \"a\" or dns.flags.response == 1",
    "nbns || ssdp",
    "ip.addr == 10.0.0.0/8 and not arp",
    "ipv6.addr == fd00::/8",
    "eth.addr == ff:ff:ff:ff:ff:ff",
    "tcp.port in {80, 443, 8000..8100} and tcp.len > 0",
    "tcp.flags.syn == 1 && tcp.flags.ack == 0",
    "tcp.analysis.flags",
    "frame.len > 100 and frame.number <= 10",
    "udp.port != 53",
    "!tcp.len == 0",
];

fn filters() -> &'static [Filter] {
    static PARSED: OnceLock<Vec<Filter>> = OnceLock::new();
    PARSED.get_or_init(|| {
        FILTERS
            .iter()
            .map(|f| Filter::parse(f).unwrap_or_else(|e| panic!("harness filter {f}: {e}")))
            .collect()
    })
}

/// Every view a decoded packet can be printed with, fed packet after packet.
struct Views {
    table: Table,
    narrow: Table,
    tsv: Tsv,
    json: JsonLines,
    all_fields: Fields,
    last_fields: Fields,
    annotator: Annotator,
    stats: Stats,
    steps: Vec<Step>,
    follows: HashMap<u64, (String, Follow)>,
    out: Vec<u8>,
}

impl Views {
    fn new() -> Self {
        let mut last = FieldOptions::default();
        for option in ["header=y", "separator=/s", "occurrence=l", "aggregator=|"] {
            last.set(option).expect("valid -E option");
        }
        let mut views = Views {
            table: Table::new(MacNames::none(), true),
            narrow: Table::fitted(MacNames::none(), false, 60),
            tsv: Tsv::new(MacNames::none()),
            json: JsonLines::new(MacNames::none()),
            all_fields: Fields::new(Field::ALL.to_vec(), FieldOptions::default()),
            last_fields: Fields::new(Field::ALL.to_vec(), last),
            annotator: Annotator::default(),
            stats: Stats::default(),
            steps: Vec::new(),
            follows: HashMap::new(),
            out: Vec::new(),
        };
        let out = &mut views.out;
        views.table.header(out);
        views.narrow.header(out);
        views.tsv.header(out);
        views.json.header(out);
        views.all_fields.header(out);
        views.last_fields.header(out);
        views
    }

    fn packet(&mut self, p: &Packet, data: &[u8], delivered: &[u8]) {
        let out = &mut self.out;
        out.clear();
        self.table.packet(p, out);
        self.narrow.packet(p, out);
        self.tsv.packet(p, out);
        self.json.packet(p, out);
        self.all_fields.packet(p, out);
        self.last_fields.packet(p, out);
        detail::render(p, mac_names(), out);
        hexdump::render(data, out);
        for note in self.annotator.notes(p) {
            annotate::wrap(&note, 40);
        }
        self.stats.add(p);
        self.steps.push(Step::of(p, mac_names()));
        if let Some(stream) = p.uint(Field::TcpStream) {
            let src = wirelab::view::address_text(&p.src, &MacNames::none());
            let (first, follow) = self.follows.entry(stream).or_insert_with(|| {
                let follow = Follow::new(Mode::Hex, false);
                follow.header("tcp", stream, [&src, "peer"], out);
                (src.clone(), follow)
            });
            follow.turn(usize::from(*first != src), delivered, out);
        }
        for filter in filters() {
            filter.matches(p);
        }
    }

    fn finish(mut self) {
        let out = &mut self.out;
        out.clear();
        self.stats.render(Some("tcp"), out);
        for width in [100, 30] {
            // Too many hosts for the width is an answer too, not a failure.
            let _ = ladder::render_text(&self.steps, width, out);
        }
        ladder::render_mermaid(&self.steps, out);
        for (_, follow) in self.follows.values() {
            follow.footer(out);
        }
    }
}

/// Reads a capture as the CLI does (tshark's two passes) and prints every frame with
/// every view.
pub fn decode_capture(bytes: &[u8]) {
    let Ok(mut reader) = CaptureReader::new(Cursor::new(bytes), "fuzz") else {
        return;
    };
    let hints = first_pass(&mut reader, MAX_FRAMES);
    let Ok(mut reader) = CaptureReader::new(Cursor::new(bytes), "fuzz") else {
        panic!("the second pass could not open what the first pass opened");
    };
    let _ = reader.file_format();
    let mut decoder = Decoder::with_hints(hints);
    let mut views = Views::new();
    let mut two_passes = Vec::new();
    let mut listed = Vec::new();
    while reader.frames_read() < MAX_FRAMES {
        match reader.next_frame() {
            Ok(Some(frame)) => {
                let mut delivered = Vec::new();
                let p = decoder.decode_with(&frame, |_, a| delivered.extend_from_slice(&a.delivered));
                views.packet(&p, frame.data, &delivered);
                two_passes.push(shown(&p));
                listed.push(columns(&p));
            }
            Ok(None) => break,
            Err(e) => {
                let _ = e.to_string();
                break;
            }
        }
    }
    views.finish();
    // One read holding few packets back (a first pass is asked often) must give
    // the same packets as the two passes.
    let copy = bytes.to_vec();
    let options = Options {
        limit: MAX_FRAMES,
        max_held: 4,
        reopen: Some(Box::new(move || {
            BoxedReader::new(Box::new(Cursor::new(copy.clone())), "fuzz")
        })),
        ..Options::default()
    };
    let reader = CaptureReader::new(Cursor::new(bytes), "fuzz").expect("opened above");
    let mut pass = SinglePass::new(reader, Decoder::new().deferring(), options);
    let mut i = 0;
    while let Some(p) = pass.next() {
        assert_eq!(Some(&shown(p)), two_passes.get(i), "packet {i}");
        i += 1;
    }
    assert_eq!(i, two_passes.len(), "packet count");
    // Decoded in shards (each its own frames, and every frame that feeds shared state),
    // the packets each shard prints make the same list: all of it, or as far as the
    // shards say they are exact (`replay` lists the rest from one piece).
    let first_ts =
        match CaptureReader::new(Cursor::new(bytes), "fuzz").map(|mut r| r.next_frame().map(|f| f.map(|f| f.ts_ns))) {
            Ok(Ok(Some(ts))) => ts,
            _ => return,
        };
    for count in [2, 3] {
        let mut sharded = Vec::new();
        let mut exact = u64::MAX;
        for index in 0..count {
            let shard = Shard::new(index, count, MAX_FRAMES);
            let reader = CaptureReader::new(Cursor::new(bytes), "fuzz")
                .expect("opened above")
                .select(shard.frames());
            let options = Options {
                limit: MAX_FRAMES,
                quiet: Some(Box::new(shard.quiet())),
                ..Options::default()
            };
            let decoder = Decoder::new().deferring().timed_from(first_ts).reporting_channels();
            let mut pass = SinglePass::new(reader, decoder, options);
            let mut last = 0;
            loop {
                let reports = pass.decoder_mut().take_channel_reports();
                if let Some(through) = shard.exact_through(&reports) {
                    exact = exact.min(last.min(through));
                    break;
                }
                let Some(p) = pass.next() else { break };
                last = p.number;
                if !p.quiet {
                    sharded.push((p.number, columns(p)));
                }
            }
        }
        sharded.sort_by_key(|(number, _)| *number);
        let sharded: Vec<String> = sharded
            .into_iter()
            .filter(|(number, _)| *number <= exact)
            .map(|(_, columns)| columns)
            .collect();
        let whole = listed.len().min(usize::try_from(exact).unwrap_or(usize::MAX));
        assert_eq!(sharded, listed[..whole], "in {count} shards");
    }
}

/// What a packet list shows of a packet.
fn columns(p: &Packet) -> String {
    format!("{} {:?} {:?} {} {}", p.number, p.src, p.dst, p.protocol, p.info)
}

/// Everything a packet shows: columns, fields, layers and notes.
fn shown(p: &Packet) -> String {
    format!(
        "{} {:?} {:?} {} {} {:?} {:?} {:?}",
        p.number, p.src, p.dst, p.protocol, p.info, p.fields, p.layers, p.notes
    )
}

/// capture_reader: the bytes as a pcap or pcapng file; every frame read.
pub fn capture_reader(data: &[u8]) {
    let Ok(mut reader) = CaptureReader::new(Cursor::new(data), "fuzz") else {
        return;
    };
    let _ = reader.file_format();
    let mut total = 0usize;
    loop {
        match reader.next_frame() {
            Ok(Some(frame)) => {
                assert!(frame.data.len() <= wirelab::capture::MAX_PACKET_LEN as usize);
                total += frame.data.len() + frame.linktype.name().len();
            }
            Ok(None) => break,
            Err(e) => {
                let _ = e.to_string();
                break;
            }
        }
    }
    std::hint::black_box(total);
    // And the whole pipeline over what was read (bounded).
    decode_capture(data);
}

/// Link types wirelab decodes, and one it does not.
pub const LINKTYPES: [u32; 9] = [0, 1, 101, 108, 113, 228, 229, 276, 147];

/// decode_linktypes: bytes 0-1 choose the link type (and bit 15 marks the frame cut by
/// a snaplen), the rest is one frame.
pub fn decode_linktypes(data: &[u8]) {
    if data.len() < 2 {
        return;
    }
    let selector = u16::from_be_bytes([data[0], data[1]]);
    let linktype = LINKTYPES[usize::from(selector & 0x7fff) % LINKTYPES.len()];
    let mut pcap = pcap::PcapWriter::new(linktype);
    let frame = &data[2..];
    if selector & 0x8000 != 0 {
        pcap.frame_cut(frame, frame.len() as u32 + 100);
    } else {
        pcap.frame(frame);
    }
    decode_capture(&pcap.bytes);
}

fn app(target: &stream::AppTarget, data: &[u8]) {
    if let Some(pcap) = stream::to_pcap(target, data) {
        decode_capture(&pcap);
    }
}

/// app_http: a conversation on an HTTP port (or SSDP, or a port the heuristics decide).
pub fn app_http(data: &[u8]) {
    app(&stream::HTTP, data);
}

/// app_tls: a conversation on a TLS port (or one the heuristics decide).
pub fn app_tls(data: &[u8]) {
    app(&stream::TLS, data);
}

/// app_ftp: an FTP control connection and an active-mode data connection.
pub fn app_ftp(data: &[u8]) {
    app(&stream::FTP, data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = wirelab::decode::app::ftp::parse_six(text);
        let _ = wirelab::decode::app::ftp::parse_eprt(text);
        let _ = wirelab::decode::app::ftp::parse_epsv(text);
    }
}

/// app_smb2: NBSS on 445/139 carrying SMB1/SMB2 and NTLMSSP.
pub fn app_smb2(data: &[u8]) {
    app(&stream::SMB, data);
    if let Some(msg) = wirelab::decode::app::ntlmssp::find(data) {
        std::hint::black_box(msg);
    }
}

/// app_dns_nbns: DNS, NBNS and NetBIOS datagram (browser) datagrams, and DNS over TCP.
pub fn app_dns_nbns(data: &[u8]) {
    app(&stream::DNS, data);
}

/// Packets of the bundled captures, decoded once.
fn bundled_packets() -> &'static HashMap<String, Arc<Vec<Packet>>> {
    static PACKETS: OnceLock<HashMap<String, Arc<Vec<Packet>>>> = OnceLock::new();
    PACKETS.get_or_init(|| {
        let captures = CourseSource::Bundled.captures();
        BUNDLED_CAPTURES
            .iter()
            .map(|name| {
                let packets = captures.packets(name).expect("bundled capture decodes");
                (name.to_string(), packets)
            })
            .collect()
    })
}

struct BundledPackets;

impl Packets for BundledPackets {
    fn packets(&self, name: &str) -> Result<Arc<Vec<Packet>>, String> {
        bundled_packets()
            .get(name)
            .cloned()
            .ok_or_else(|| format!("no capture {name}"))
    }
}

/// filter_parse: the bytes (as UTF-8) as a display filter; one that parses is matched
/// against every packet of a few bundled captures.
pub fn filter_parse(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Filter::parse(text) {
        Ok(filter) => {
            let _ = filter.text();
            let packets = bundled_packets();
            for name in [
                "http-methods.pcapng",
                "tls12-handshake.pcapng",
                "ftp-passive.pcapng",
                "name-services.pcapng",
            ] {
                for p in packets[name].iter() {
                    filter.matches(p);
                }
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
}

/// Serves lesson captures from the bundled set for `wirelab check` (it decodes them).
struct BundledCaptures;

impl Captures for BundledCaptures {
    fn open(&self, name: &str) -> Result<Box<dyn std::io::Read>, String> {
        // The small captures only: check decodes on every call, and the fuzzer should
        // spend its time in the loader, not in decoding the same capture again.
        match name {
            "name-services.pcapng" | "tls-alerts.pcapng" | "tls12-handshake.pcapng" | "ftp-errors.pcapng" => {
                bundled::capture(name)
                    .map(|b| Box::new(Cursor::new(b)) as Box<dyn std::io::Read>)
                    .ok_or_else(|| "not bundled".to_string())
            }
            _ => Err("not served while fuzzing".into()),
        }
    }
}

fn exercise_lesson(lesson: &wirelab::lesson::Lesson, problems: &mut Vec<wirelab::lesson::Problem>) {
    for section in &lesson.sections {
        markup::render(&section.body, 50, false);
        markup::render(&section.body, 10, true);
    }
    let template = submission::template(lesson, "wirelab grade FILE");
    let _ = submission::parse("template.yaml", &template, None);
    for q in &lesson.questions {
        q.option_order();
        let _ = answer::expected(q, &BundledPackets);
        let mut givens: Vec<String> = vec![String::new(), "x".into(), "1 2".into()];
        givens.extend(q.options.iter().cloned());
        givens.extend(q.feedback.iter().map(|(k, _)| k.clone()));
        match &q.answer {
            Answer::Text { accept, .. } | Answer::Set(accept) | Answer::Choice(accept) => {
                givens.extend(accept.iter().cloned())
            }
            Answer::Number { value, tolerance } => {
                givens.push(value.clone());
                givens.push(tolerance.clone());
            }
            Answer::FilterMatches { reference, .. } => givens.push(reference.clone()),
            _ => {}
        }
        for given in givens.iter().take(16) {
            let _ = answer::grade(q, given, &BundledPackets);
            let _ = answer::normalize(given);
        }
    }
    check::lesson(lesson, &BundledCaptures, problems);
}

/// lesson_load: the text as a lesson file, and as a course index whose every lesson
/// file is the same text; what loads is checked, rendered and graded against.
pub fn lesson_load(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut problems = Vec::new();
    if let Some(lesson) = load::lesson("fuzz.yaml", text, &mut problems) {
        exercise_lesson(&lesson, &mut problems);
    }
    let _ = load::course_index("course.yaml", text, &mut problems);
    // At most a few lesson files per course: each is this text again.
    let reads = std::cell::Cell::new(0u32);
    if let Some(course) = load::course(
        "course.yaml",
        text,
        |name| {
            reads.set(reads.get() + 1);
            if reads.get() > 3 {
                Err(format!("{name}: enough"))
            } else {
                Ok(text.to_string())
            }
        },
        |name| format!("lessons/{name}"),
        &mut problems,
    ) {
        check::course(&course, &BundledCaptures, &mut problems);
    }
    problems.sort();
    for p in &problems {
        let _ = p.to_string();
    }
}

struct Grading {
    course: Course,
    library: Library,
}

fn grading() -> &'static Grading {
    static GRADING: OnceLock<Grading> = OnceLock::new();
    GRADING.get_or_init(|| {
        let mut problems = Vec::new();
        let source = CourseSource::Bundled;
        let course = source.load(&mut problems).expect("the bundled course loads");
        let library = Library::for_questions(
            &source.captures(),
            course.lessons.iter().flat_map(|l| l.questions.iter()),
        );
        Grading { course, library }
    })
}

/// answers_load: the text as an answers file (YAML or JSON), graded against the
/// bundled course and rendered in every report format.
pub fn answers_load(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The first byte, when odd, stands for `grade --lesson primer`.
    let lesson = data.first().filter(|b| *b & 1 == 1).map(|_| "primer");
    match submission::parse("answers.yaml", text, lesson) {
        Ok(mut sub) => {
            let keys: Vec<_> = sub.keys().collect();
            for (l, q) in &keys {
                let _ = sub.answer(l, q);
            }
            let g = grading();
            let Ok(lessons) = grade::lessons_for(&g.course, &mut sub) else {
                return;
            };
            let reports = vec![
                grade::grade_submission(&lessons, &sub, &g.library, true),
                grade::grade_submission(&lessons, &sub, &g.library, false),
            ];
            for r in &reports {
                r.all_correct();
                report::text::render(r);
                report::json::render(r);
            }
            let failed = vec![report::Failed {
                file: "other.yaml".into(),
                message: "line 1: broken".into(),
            }];
            report::junit::render(&reports, &failed);
            report::tap::render(&reports, &failed);
            let order: Vec<String> = lessons
                .iter()
                .flat_map(|l| l.questions.iter().map(move |q| format!("{}/{}", l.id, q.id)))
                .collect();
            report::csv::render(&reports, &failed, &order);
            report::json::render_batch(&reports, &failed);
        }
        Err(e) => {
            let _ = (e.pos, e.message);
        }
    }
}

/// Every target, by name.
pub const TARGETS: [&str; 10] = [
    "capture_reader",
    "decode_linktypes",
    "app_http",
    "app_tls",
    "app_ftp",
    "app_smb2",
    "app_dns_nbns",
    "filter_parse",
    "lesson_load",
    "answers_load",
];

/// Runs one target's harness on an input, by target name.
pub fn run(target: &str, data: &[u8]) {
    match target {
        "capture_reader" => capture_reader(data),
        "decode_linktypes" => decode_linktypes(data),
        "app_http" => app_http(data),
        "app_tls" => app_tls(data),
        "app_ftp" => app_ftp(data),
        "app_smb2" => app_smb2(data),
        "app_dns_nbns" => app_dns_nbns(data),
        "filter_parse" => filter_parse(data),
        "lesson_load" => lesson_load(data),
        "answers_load" => answers_load(data),
        other => panic!("no fuzz target {other}"),
    }
}
