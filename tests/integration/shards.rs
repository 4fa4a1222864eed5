//! A packet list decoded in shards on several threads (decode::shards) is the list
//! decoded in one piece, byte for byte: on every capture, in both list formats, with
//! filters, frame limits and damage, and when a shard's packets wait so long that a
//! first pass has to decide them.

use std::path::Path;
use std::process::Output;

use crate::common::{all_captures, data, pcap_bytes, wirelab};

fn replay(file: &Path, threads: usize, args: &[&str]) -> Output {
    wirelab()
        .arg("replay")
        .args(args)
        .arg(file)
        .env("WIRELAB_THREADS", threads.to_string())
        .output()
        .expect("wirelab runs")
}

/// The list with 1, 2 and 3 shards: the same output, errors and exit status.
fn assert_same_in_shards(file: &Path, args: &[&str]) {
    let whole = replay(file, 1, args);
    for threads in [2, 3] {
        let sharded = replay(file, threads, args);
        assert!(
            sharded.stdout == whole.stdout,
            "{} {args:?} in {threads} shards: the lists differ",
            file.display()
        );
        assert_eq!(
            String::from_utf8_lossy(&sharded.stderr),
            String::from_utf8_lossy(&whole.stderr),
            "{} {args:?} in {threads} shards",
            file.display()
        );
        assert_eq!(sharded.status.code(), whole.status.code(), "{}", file.display());
    }
}

#[test]
fn every_capture_lists_the_same_in_shards() {
    for file in all_captures() {
        assert_same_in_shards(&file, &["-T", "tsv"]);
        assert_same_in_shards(&file, &["--color", "never"]);
        assert_same_in_shards(
            &file,
            &["-T", "tsv", "-Y", "ftp || smb2 || tls.handshake || dns || icmp"],
        );
    }
}

#[test]
fn limits_and_damage_end_the_list_at_the_same_frame_in_shards() {
    for file in all_captures().iter().take(12) {
        assert_same_in_shards(file, &["-T", "tsv", "-c", "7"]);
    }
    for entry in std::fs::read_dir(data("malformed")).expect("malformed captures") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "pcap" || e == "pcapng") {
            assert_same_in_shards(&path, &["-T", "tsv"]);
        }
    }
}

/// An Ethernet/IPv4 frame from host `a` to host `b` (10.0.x.y) carrying `protocol`
/// and `payload` (a transport header and what follows it).
fn ipv4(a: u16, b: u16, protocol: u8, payload: &[u8]) -> Vec<u8> {
    let mut frame = vec![0, 0x0c, 0x29, 0, 0, 2, 0, 0x0c, 0x29, 0, 0, 1, 0x08, 0x00];
    let total = (20 + payload.len()) as u16;
    frame.extend_from_slice(&[0x45, 0]);
    frame.extend_from_slice(&total.to_be_bytes());
    frame.extend_from_slice(&[0, 1, 0x40, 0, 64, protocol, 0, 0]);
    frame.extend_from_slice(&[10, 0, (a >> 8) as u8, a as u8]);
    frame.extend_from_slice(&[10, 0, (b >> 8) as u8, b as u8]);
    frame.extend_from_slice(payload);
    frame
}

fn udp(src: u16, dst: u16, body: &[u8]) -> Vec<u8> {
    let mut datagram = Vec::new();
    datagram.extend_from_slice(&src.to_be_bytes());
    datagram.extend_from_slice(&dst.to_be_bytes());
    datagram.extend_from_slice(&((8 + body.len()) as u16).to_be_bytes());
    datagram.extend_from_slice(&[0, 0]);
    datagram.extend_from_slice(body);
    datagram
}

fn echo(kind: u8, seq: u16) -> Vec<u8> {
    let mut icmp = vec![kind, 0, 0, 0, 0x12, 0x34];
    icmp.extend_from_slice(&seq.to_be_bytes());
    icmp.extend_from_slice(b"abcdefgh");
    icmp
}

#[test]
fn packets_held_past_the_bound_are_decided_by_each_shards_first_pass_alike() {
    // An echo request answered only after 9,000 datagrams between many pairs of hosts:
    // every shard holds the datagrams behind it past the 8,192 it may hold, and asks a
    // first pass over its own frames.
    let mut frames = vec![ipv4(1, 2, 1, &echo(8, 1))];
    for i in 0..9000u16 {
        frames.push(ipv4(100 + i % 50, 200 + i % 7, 17, &udp(40000 + i % 13, 9999, b"data")));
    }
    frames.push(ipv4(2, 1, 1, &echo(0, 1)));
    frames.push(ipv4(1, 2, 1, &echo(8, 2)));
    let timed: Vec<(u32, u32, &[u8])> = frames
        .iter()
        .enumerate()
        .map(|(i, f)| (1_700_000_000 + i as u32 / 1000, (i as u32 % 1000) * 1000, f.as_slice()))
        .collect();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = dir.path().join("held.pcap");
    std::fs::write(&file, pcap_bytes(1, &timed)).expect("written");
    let list = String::from_utf8(replay(&file, 2, &["-T", "tsv"]).stdout).expect("text");
    let first = list.lines().next().expect("a first line");
    assert!(first.ends_with("(reply in 9002)"), "{first}");
    assert!(list
        .lines()
        .last()
        .expect("a last line")
        .ends_with("(no response found!)"));
    assert_same_in_shards(&file, &["-T", "tsv"]);
    assert_same_in_shards(&file, &["-T", "tsv", "-Y", "icmp"]);
}

fn tcp(src: u16, dst: u16, seq: u32, flags: u8, body: &[u8]) -> Vec<u8> {
    let mut segment = Vec::new();
    segment.extend_from_slice(&src.to_be_bytes());
    segment.extend_from_slice(&dst.to_be_bytes());
    segment.extend_from_slice(&seq.to_be_bytes());
    segment.extend_from_slice(&1u32.to_be_bytes());
    segment.extend_from_slice(&[0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    segment.extend_from_slice(body);
    segment
}

/// The shard that decodes the conversations between two hosts (10.0.x.y numbering).
fn shard_of(a: u16, b: u16, shards: usize) -> usize {
    let frame = ipv4(a, b, 17, &udp(1000, 2000, b""));
    wirelab::decode::shards::route(wirelab::capture::LinkType::Ethernet, &frame, shards).owner
}

fn write_capture(dir: &Path, name: &str, frames: &[Vec<u8>]) -> std::path::PathBuf {
    let timed: Vec<(u32, u32, &[u8])> = frames
        .iter()
        .enumerate()
        .map(|(i, f)| (1_700_000_000, i as u32 * 1000, f.as_slice()))
        .collect();
    let file = dir.join(name);
    std::fs::write(&file, pcap_bytes(1, &timed)).expect("written");
    file
}

/// State one conversation leaves for conversations between other hosts: a data channel
/// announced for other hosts than its control connection's (decode::shards lists the
/// rest of the capture from one piece), and DNS ids.
#[test]
fn state_one_conversation_leaves_for_another_on_other_hosts_is_shared_by_the_shards() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (client, server) = (1, 2);
    // A server behind NAT announces another address than its own for the data channel:
    // one whose conversations another shard decodes.
    let announced = (0x0900..0x0a00)
        .find(|&host| shard_of(client, host, 2) != shard_of(client, server, 2))
        .expect("hosts in both shards");
    let reply = format!(
        "227 Entering Passive Mode (10,0,{},{},200,10)\r\n",
        announced >> 8,
        announced & 0xff
    );
    let ftp = write_capture(
        dir.path(),
        "ftp-nat.pcap",
        &[
            ipv4(server, client, 6, &tcp(21, 40000, 1000, 0x18, b"220 ready\r\n")),
            ipv4(client, server, 6, &tcp(40000, 21, 5000, 0x18, b"PASV\r\n")),
            ipv4(server, client, 6, &tcp(21, 40000, 1011, 0x18, reply.as_bytes())),
            ipv4(client, server, 6, &tcp(40000, 21, 5006, 0x18, b"RETR notes.txt\r\n")),
            ipv4(client, announced, 6, &tcp(40001, 51210, 7000, 0x02, b"")),
            ipv4(announced, client, 6, &tcp(51210, 40001, 9000, 0x18, b"the notes")),
        ],
    );
    let list = String::from_utf8(replay(&ftp, 1, &["-T", "tsv"]).stdout).expect("text");
    assert!(list.lines().last().expect("lines").contains("\tFTP-DATA\t"), "{list}");
    assert_same_in_shards(&ftp, &["-T", "tsv"]);

    // The same among thousands of datagrams between other hosts, before and after the
    // announcement: the shards list the frames up to it, and one piece the rest.
    let noise = |from: u16, count: u16| -> Vec<Vec<u8>> {
        (0..count)
            .map(|i| {
                ipv4(
                    0x0100 + (from + i) % 40,
                    0x0200 + i % 9,
                    17,
                    &udp(40000 + i % 13, 9999, b"data"),
                )
            })
            .collect()
    };
    let mut frames = noise(0, 3000);
    frames.push(ipv4(server, client, 6, &tcp(21, 40000, 1000, 0x18, b"220 ready\r\n")));
    frames.extend(noise(7, 500));
    frames.push(ipv4(client, server, 6, &tcp(40000, 21, 5000, 0x18, b"PASV\r\n")));
    frames.push(ipv4(server, client, 6, &tcp(21, 40000, 1011, 0x18, reply.as_bytes())));
    frames.extend(noise(11, 700));
    frames.push(ipv4(
        client,
        server,
        6,
        &tcp(40000, 21, 5006, 0x18, b"RETR notes.txt\r\n"),
    ));
    frames.push(ipv4(client, announced, 6, &tcp(40001, 51210, 7000, 0x02, b"")));
    for i in 0..20u32 {
        let seq = 9000 + i * 9;
        frames.push(ipv4(announced, client, 6, &tcp(51210, 40001, seq, 0x18, b"the notes")));
        frames.extend(noise(i as u16, 150));
    }
    frames.extend(noise(3, 3000));
    let long = write_capture(dir.path(), "ftp-nat-long.pcap", &frames);
    let list = String::from_utf8(replay(&long, 1, &["-T", "tsv"]).stdout).expect("text");
    assert_eq!(
        list.lines().filter(|l| l.contains("\tFTP-DATA\t")).count(),
        20,
        "{list}"
    );
    assert_same_in_shards(&long, &["-T", "tsv"]);
    assert_same_in_shards(&long, &["--color", "never"]);
    assert_same_in_shards(&long, &["-T", "tsv", "-Y", "ftp-data || ftp"]);
    assert_same_in_shards(&long, &["-T", "tsv", "-c", "4300"]);

    // Two clients ask their own servers with the same DNS id: tshark, and wirelab,
    // match a response to the latest query with its id, wherever it went.
    let other = (0x0300..0x0400)
        .find(|&host| shard_of(host, host + 1, 2) != shard_of(client, server, 2))
        .expect("hosts in both shards");
    let query = |response: bool| {
        let mut message = vec![
            0xab,
            0xcd,
            if response { 0x81 } else { 0x01 },
            0x00,
            0,
            1,
            0,
            0,
            0,
            0,
            0,
            0,
        ];
        message.extend_from_slice(b"\x04host\x04test\x00\x00\x01\x00\x01");
        message
    };
    let dns = write_capture(
        dir.path(),
        "dns-ids.pcap",
        &[
            ipv4(client, server, 17, &udp(5000, 53, &query(false))),
            ipv4(other, other + 1, 17, &udp(5001, 53, &query(false))),
            ipv4(server, client, 17, &udp(53, 5000, &query(true))),
        ],
    );
    let matched = replay(&dns, 1, &["-T", "tsv", "-Y", "dns.response_to == 2"]);
    assert_eq!(String::from_utf8_lossy(&matched.stdout).lines().count(), 1);
    assert_same_in_shards(&dns, &["-T", "tsv", "-Y", "dns.response_to == 2"]);
}

#[test]
fn a_data_channel_announced_thousands_of_announcements_ago_is_found_in_shards_too() {
    // Each shard remembers its own hosts' announcements: the lists agree as long as no
    // decoder forgets one that is still used (see ftp::MAX_CHANNELS).
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (client, server) = (1, 2);
    let reply = |host: u16, port: u16| {
        format!(
            "227 Entering Passive Mode (10,0,{},{},{},{})\r\n",
            host >> 8,
            host & 0xff,
            port >> 8,
            port & 0xff
        )
    };
    let mut frames = vec![ipv4(
        server,
        client,
        6,
        &tcp(21, 40000, 1000, 0x18, reply(server, 51210).as_bytes()),
    )];
    // 5,000 announcements on control connections between 40 other pairs of hosts.
    let mut next_seq = [1000u32; 40];
    for i in 0..5000u16 {
        let (c, s) = (0x0100 + i % 40, 0x0200 + i % 40);
        let text = reply(s, 20000 + i);
        let seq = &mut next_seq[usize::from(i % 40)];
        frames.push(ipv4(s, c, 6, &tcp(21, 41000, *seq, 0x18, text.as_bytes())));
        *seq += text.len() as u32;
    }
    frames.push(ipv4(client, server, 6, &tcp(40001, 51210, 7000, 0x02, b"")));
    frames.push(ipv4(server, client, 6, &tcp(51210, 40001, 9000, 0x18, b"late data")));
    let file = write_capture(dir.path(), "ftp-many.pcap", &frames);
    let list = String::from_utf8(replay(&file, 1, &["-T", "tsv"]).stdout).expect("text");
    assert!(list.lines().last().expect("lines").contains("\tFTP-DATA\t"), "{list}");
    assert_same_in_shards(&file, &["-T", "tsv"]);
}

/// An Ethernet/IPv6 frame from host `a` to host `b` (fd00::x), with a hop-by-hop
/// options header first when `hop_by_hop`, carrying TCP `segment`.
fn ipv6(a: u16, b: u16, hop_by_hop: bool, segment: &[u8]) -> Vec<u8> {
    let mut frame = vec![0, 0x0c, 0x29, 0, 0, 2, 0, 0x0c, 0x29, 0, 0, 1, 0x86, 0xdd];
    let mut payload = Vec::new();
    if hop_by_hop {
        // Next header TCP, length 0 (8 bytes), a PadN option filling them.
        payload.extend_from_slice(&[6, 0, 1, 4, 0, 0, 0, 0]);
    }
    payload.extend_from_slice(segment);
    frame.extend_from_slice(&[0x60, 0, 0, 0]);
    frame.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    frame.extend_from_slice(&[if hop_by_hop { 0 } else { 6 }, 64]);
    for host in [a, b] {
        frame.extend_from_slice(&[0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        frame.extend_from_slice(&host.to_be_bytes());
    }
    frame.extend_from_slice(&payload);
    frame
}

#[test]
fn a_data_channel_in_frames_every_shard_decodes_is_labelled_as_in_one_piece() {
    // The data connection's frames carry a hop-by-hop header: the router does not walk
    // it, so every shard decodes them and the first prints them, while the control
    // connection (plain) is decoded by its own shard only. Hosts whose own shard is
    // not the first.
    let host = |n: u16| std::net::IpAddr::V6(std::net::Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, n));
    let (client, server) = (1u16..200)
        .map(|c| (c, c + 1))
        .find(|&(c, s)| wirelab::decode::shards::owner_of_hosts(host(c), host(s), 2) == Some(1))
        .expect("hosts of the second shard");
    let frames = [
        ipv6(server, client, false, &tcp(21, 40000, 1000, 0x18, b"220 ready\r\n")),
        ipv6(client, server, false, &tcp(40000, 21, 5000, 0x18, b"EPSV\r\n")),
        ipv6(
            server,
            client,
            false,
            &tcp(21, 40000, 1011, 0x18, b"229 Extended (|||51210|)\r\n"),
        ),
        ipv6(
            client,
            server,
            false,
            &tcp(40000, 21, 5006, 0x18, b"RETR notes.txt\r\n"),
        ),
        ipv6(client, server, true, &tcp(40001, 51210, 7000, 0x02, b"")),
        ipv6(server, client, true, &tcp(51210, 40001, 9000, 0x18, b"the notes")),
        ipv6(server, client, true, &tcp(51210, 40001, 9009, 0x18, b"and more")),
    ];
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = write_capture(dir.path(), "ftp-hop-by-hop.pcap", &frames);
    let list = String::from_utf8(replay(&file, 1, &["-T", "tsv"]).stdout).expect("text");
    assert_eq!(list.lines().filter(|l| l.contains("\tFTP-DATA\t")).count(), 2, "{list}");
    assert_same_in_shards(&file, &["-T", "tsv"]);
    assert_same_in_shards(&file, &["-T", "tsv", "-Y", "ftp-data"]);
}
