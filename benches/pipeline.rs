//! Criterion benchmarks of each stage, on the course's own captures (frames per second
//! are reported as throughput): reading, L2-L4 decoding, TCP reassembly, each
//! application analyzer, filter evaluation, grading. `cargo bench`; bench/compare.sh
//! measures the whole program against tshark on a large capture.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use wirelab::capture::CaptureReader;
use wirelab::decode::{Decoder, Packet};
use wirelab::filter::Filter;
use wirelab::grade::{grade_submission, submission};
use wirelab::lesson::answer::Library;
use wirelab::lesson::bundled::{self, CAPTURES};
use wirelab::lesson::source::CourseSource;

fn capture(name: &str) -> &'static [u8] {
    bundled::capture(name).unwrap_or_else(|| panic!("{name} is bundled"))
}

fn frame_count(bytes: &[u8]) -> u64 {
    let mut reader = CaptureReader::new(bytes, "bench").expect("readable");
    let mut n = 0;
    while reader.next_frame().expect("readable").is_some() {
        n += 1;
    }
    n
}

/// Decodes a whole capture; `fields` false is the packet-list fast path.
fn decode_all(bytes: &[u8], fields: bool) -> usize {
    let mut reader = CaptureReader::new(bytes, "bench").expect("readable");
    let mut decoder = if fields {
        Decoder::new()
    } else {
        Decoder::new().columns_only()
    };
    let mut info = 0;
    while let Some(frame) = reader.next_frame().expect("readable") {
        info += decoder.decode(&frame).info.len();
    }
    info
}

fn decoded(name: &str) -> Vec<Packet> {
    let mut reader = CaptureReader::new(capture(name), name).expect("readable");
    let mut decoder = Decoder::new();
    let mut packets = Vec::new();
    while let Some(frame) = reader.next_frame().expect("readable") {
        packets.push(decoder.decode(&frame));
    }
    packets
}

fn reading(c: &mut Criterion) {
    let mut group = c.benchmark_group("read");
    let all: Vec<&[u8]> = CAPTURES.iter().map(|(_, b)| *b).collect();
    group.throughput(Throughput::Elements(all.iter().map(|b| frame_count(b)).sum()));
    group.bench_function("course captures", |b| {
        b.iter(|| all.iter().map(|c| frame_count(black_box(c))).sum::<u64>())
    });
    group.finish();
}

fn decoding(c: &mut Criterion) {
    let mut group = c.benchmark_group("decode");
    // L2-L4 with TCP analysis and reassembly: the recorded bulk downloads are almost all
    // full-size TCP segments (their TLS records are opaque application data).
    let bulk: &[u8] = include_bytes!("../bench/bulk.pcapng");
    group.throughput(Throughput::Elements(frame_count(bulk)));
    group.bench_function("tcp bulk, reassembled", |b| {
        b.iter(|| decode_all(black_box(bulk), true))
    });
    group.bench_function("tcp bulk, columns only", |b| {
        b.iter(|| decode_all(black_box(bulk), false))
    });
    // One capture per application analyzer.
    for (analyzer, name) in [
        ("http", "http-methods.pcapng"),
        ("tls", "tls12-handshake.pcapng"),
        ("ftp + ftp-data", "ftp-passive.pcapng"),
        ("smb2 + ntlmssp", "smb-logon-failures.pcapng"),
        ("dns + nbns", "name-services.pcapng"),
    ] {
        let bytes = capture(name);
        group.throughput(Throughput::Elements(frame_count(bytes)));
        group.bench_function(analyzer, |b| b.iter(|| decode_all(black_box(bytes), true)));
    }
    group.finish();
}

fn filtering(c: &mut Criterion) {
    let mut group = c.benchmark_group("filter");
    let packets = decoded("investigation.pcapng");
    group.throughput(Throughput::Elements(packets.len() as u64));
    for text in [
        "tcp.port == 21",
        "ftp || smb2 || tls.handshake",
        r#"http.request.method in {"PUT" "DELETE"} and ip.addr == 10.20.30.0/24"#,
        r#"ftp.request.command matches "^(RETR|STOR)$""#,
    ] {
        let filter = Filter::parse(text).expect("a valid filter");
        group.bench_function(text, |b| {
            b.iter(|| packets.iter().filter(|p| filter.matches(black_box(p))).count())
        });
    }
    group.bench_function("compile", |b| {
        b.iter(|| Filter::parse(black_box("ftp.request.command == \"RETR\" && !(ip.src == 10.20.30.10)")))
    });
    group.finish();
}

fn grading(c: &mut Criterion) {
    let mut problems = Vec::new();
    let source = CourseSource::Bundled;
    let course = source.load(&mut problems).expect("the bundled course loads");
    let lesson = course.lessons.iter().find(|l| l.id == "http-methods").expect("lesson");
    let library = Library::for_questions(&source.captures(), lesson.questions.iter());
    let answers = r#"{"format_version": 1, "lesson": "http-methods", "answers": {"head": "HEAD",
        "required-methods": "GET HEAD", "refused-code": "405", "meaning-405": "Method Not Allowed",
        "requests": "13", "redirect": "http://www.wirelab.test/about.html",
        "dav-writes": "http.request.method == \"PUT\" and http.request.uri contains \"/dav/\"",
        "client-errors": "http.response.code >= 400 && http.response.code < 500"}}"#;
    let mut group = c.benchmark_group("grade");
    group.throughput(Throughput::Elements(1));
    group.bench_function("parse and grade one submission", |b| {
        b.iter_batched(
            || answers.to_string(),
            |text| {
                let parsed = submission::parse("bench.json", &text, None).expect("valid answers");
                grade_submission(&[lesson], &parsed, &library, false)
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(benches, reading, decoding, filtering, grading);
criterion_main!(benches);
