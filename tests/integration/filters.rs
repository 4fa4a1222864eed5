//! Display filters: the frames a filter selects equal the frames `tshark -2 -Y` selects
//! on the bundled captures, and bad filters are refused with the column and a hint.

use super::common::{bundled, data, require_tshark, stdout_of, tshark, wirelab};

/// (capture in captures/, or a path under tests/data with its extension; filter)
const CASES: &[(&str, &str)] = &[
    // A protocol's bytes, to the end of its packet: searched with contains and matches.
    ("ftp-active", r#"frame contains "USER""#),
    ("ftp-active", r#"eth contains "USER""#),
    (
        "ftp-active",
        r#"tcp contains "PORT" and not ftp.request.command == "PORT""#,
    ),
    ("ftp-active", r#"ip contains 00:15"#),
    ("ftp-passive", r#"ftp matches "^pasv""#),
    ("ftp-passive", r#"ftp-data contains "vault""#),
    ("http-methods", r#"http contains "DAV""#),
    // A login form's fields, password included, in clear.
    ("http-methods", r#"urlencoded-form.value contains "Summer""#),
    ("http-methods", r#"urlencoded-form.key == "password""#),
    ("http-methods", r#"frame matches "dav" && !http"#),
    (
        "http-methods",
        r#"frame contains 00:00:00:00 and not tcp contains 00:00:00:00"#,
    ),
    ("smb-logon-failures", r#"smb2 contains 4e:54:4c:4d:53:53:50"#),
    // SMB2's security blobs: GSS-API around SPNEGO around NTLMSSP (a verifier alone is
    // no NTLMSSP message).
    ("smb-logon-failures", r#"gss-api && !ntlmssp"#),
    ("smb-logon-failures", r#"spnego"#),
    ("smb-logon-failures", r#"ntlmssp"#),
    ("name-services", r#"dns contains "wirelab""#),
    ("name-services", r#"nbns contains 20:45"#),
    ("http-methods", r#"http"#),
    ("http-methods", r#"http.request"#),
    ("http-methods", r#"http.request.method == "PUT""#),
    ("http-methods", r#"http.request.method in {"PUT", "DELETE"}"#),
    ("http-methods", r#"http.response.code == 405"#),
    ("http-methods", r#"http.response.code >= 400"#),
    (
        "http-methods",
        r#"http.response.code ge 200 and http.response.code lt 300"#,
    ),
    ("http-methods", r#"http.request.uri contains "dav""#),
    ("http-methods", r#"http.request.uri matches "^/DAV/""#),
    ("http-methods", r#"http.host == "www.wirelab.test""#),
    ("http-methods", r#"http.content_type contains "html""#),
    ("http-methods", r#"http.location"#),
    ("http-methods", r#"tcp.flags.syn == 1 && tcp.flags.ack == 0"#),
    // Bitwise and: a set bit of the mask.
    ("http-methods", r#"tcp.flags & 0x02"#),
    ("http-methods", r#"!(tcp.flags & 0x10) || tcp.flags & 0x01"#),
    ("investigation", r#"dns.flags & 0x8000"#),
    ("ftp-active", r#"ip.flags & 0x02 && udp"#),
    ("ftp-active", r#"browser.command == 0x08 && nbdgm.type == 17"#),
    ("http-methods", r#"tcp.port == 80"#),
    ("http-methods", r#"tcp.stream == 3"#),
    ("http-methods", r#"tcp.len > 100"#),
    ("http-methods", r#"!tcp.len == 0"#),
    ("http-methods", r#"tcp.len != 0"#),
    ("http-methods", r#"not http and tcp.len > 0"#),
    ("http-methods", r#"frame.number <= 10"#),
    ("http-methods", r#"frame.len > 300 || arp"#),
    ("http-methods", r#"eth.src == 00:50:56:a1:10:15"#),
    ("http-methods", r#"eth.addr == 00-0c-29-5e-10-0a and arp"#),
    ("http-methods", r#"ip.src == 10.20.30.10"#),
    ("http-methods", r#"ip.addr == 10.20.30.0/24 and tcp.flags.fin == 1"#),
    (
        "http-methods",
        r#"http.request.version == "HTTP/1.1" and http.request.method != "GET""#,
    ),
    ("http-methods", r#"tcp.analysis.flags"#),
    ("http-proxy-connect", r#"http.request.method == "CONNECT""#),
    ("http-proxy-connect", r#"tls"#),
    // What a CONNECT tunnel carries is inside HTTP, as tshark layers it.
    ("http-proxy-connect", r#"http"#),
    ("http-proxy-connect", r#"http && tls.handshake"#),
    ("http-proxy-connect", r#"tls.handshake.type == 1"#),
    ("tls12-handshake", "tls.handshake"),
    ("investigation", "ftp || smb2 || tls.handshake"),
    ("http-proxy-connect", r#"tcp.port == 8888 and tls"#),
    ("http-proxy-connect", r#"tls.record.opaque_type == 23"#),
    ("tls12-handshake", r#"tls.handshake.type == 11"#),
    ("tls12-handshake", r#"tls.handshake.type in {12, 14, 16}"#),
    ("tls12-handshake", r#"tls.record.content_type == 20"#),
    ("tls12-handshake", r#"tls.handshake.ciphersuite == 0xc02f"#),
    (
        "tls12-handshake",
        r#"tls.handshake.extensions_server_name == "www.wirelab.test""#,
    ),
    ("tls12-handshake", r#"tls.record.version == 0x0303"#),
    ("tls12-handshake", r#"tls.handshake.version >= 0x0303"#),
    (
        "tls13-handshake",
        r#"tls.handshake.extensions.supported_version == 0x0304"#,
    ),
    (
        "tls13-handshake",
        r#"tls.handshake.type == 2 and tls.handshake.extensions.supported_version == 0x0304"#,
    ),
    ("tls13-handshake", r#"tls.handshake.extensions_alpn_str == "h2""#),
    ("tls13-handshake", r#"tls.record.content_type == 23"#),
    ("tls-alerts", r#"tls.alert_message"#),
    ("tls-alerts", r#"tls.alert_message.desc == 70"#),
    (
        "tls-alerts",
        r#"tls.alert_message.level == 2 and tls.alert_message.desc == 40"#,
    ),
    ("ftp-passive", r#"ftp"#),
    ("ftp-passive", r#"ftp-data"#),
    ("ftp-passive", r#"ftp.request.command == "RETR""#),
    ("ftp-passive", r#"ftp.request.command == "USER""#),
    ("ftp-passive", r#"ftp.response.code == 227"#),
    ("ftp-passive", r#"ftp.response.code in {227, 229}"#),
    ("ftp-passive", r#"ftp.passive.port > 30000"#),
    ("ftp-passive", r#"ftp.passive.ip == 10.20.30.10"#),
    ("ftp-passive", r#"ftp-data.command contains "RETR""#),
    ("ftp-passive", r#"ftp-data.setup-method == "PASV""#),
    ("ftp-passive", r#"ftp.request.arg matches "secret""#),
    ("ftp-passive", r#"ftp.response.arg contains "Passive""#),
    ("ftp-passive", r#"ftp.current-working-directory == "/reports""#),
    ("ftp-active", r#"ftp.request.command == "PORT""#),
    ("ftp-active", r#"ftp.active.port"#),
    ("ftp-active", r#"tcp.srcport == 20"#),
    ("ftp-active", r#"ftp-data and tcp.srcport == 20"#),
    ("ftp-active", r#"ftp.eprt.port"#),
    ("ftp-errors", r#"ftp.response.code == 530"#),
    ("ftp-errors", r#"ftp.response.code >= 400"#),
    ("smb-logon-failures", r#"smb2"#),
    ("smb-logon-failures", r#"smb2.nt_status == 0xc000006d"#),
    ("smb-logon-failures", r#"smb2.cmd == 1"#),
    (
        "smb-logon-failures",
        r#"smb2.cmd == 1 and smb2.flags.response == 1 and smb2.nt_status == 0"#,
    ),
    ("smb-logon-failures", r#"ntlmssp.messagetype == 0x00000003"#),
    ("smb-logon-failures", r#"ntlmssp.auth.username == "jdoe""#),
    (
        "smb-logon-failures",
        r#"ntlmssp.auth.domain == "LAB" && ntlmssp.auth.hostname == "WS01""#,
    ),
    ("smb-logon-failures", r#"smb2.tree contains "projects""#),
    ("smb-logon-failures", r#"smb2.filename contains "2026""#),
    ("smb-logon-failures", r#"smb2.cmd == 8"#),
    ("smb-logon-failures", r#"nbss.length > 200"#),
    ("smb-logon-failures", r#"smb2.dialect == 0x0311"#),
    ("smb-logon-failures", r#"smb2.sesid != 0"#),
    ("smb-logon-failures", r#"smb2.nt_status ~= 0"#),
    ("name-services", r#"dns"#),
    ("name-services", r#"nbns"#),
    ("name-services", r#"arp"#),
    ("name-services", r#"dns.qry.type == 28"#),
    ("name-services", r#"dns.flags.response == 0"#),
    ("name-services", r#"dns.flags.rcode == 3"#),
    ("name-services", r#"dns.a == 10.20.30.10"#),
    ("name-services", r#"dns.aaaa == fd20:30::10"#),
    ("name-services", r#"dns.cname"#),
    ("name-services", r#"nbns.name contains "WPAD""#),
    ("name-services", r#"udp.port == 137"#),
    ("name-services", r#"ip.dst == 10.20.30.255"#),
    ("name-services", r#"ip.addr != 10.20.30.10"#),
    ("name-services", r#"eth.dst == ff:ff:ff:ff:ff:ff"#),
    ("name-services", r#"arp.opcode == 2"#),
    (
        "investigation",
        r#"smb2.nt_status == 0xc000006d and ip.dst == 10.20.30.22"#,
    ),
    ("investigation", r#"ip.src == 10.20.30.22 and smb2.cmd == 5"#),
    ("investigation", r#"(dns or nbns) and ip.src == 10.20.30.21"#),
    ("investigation", r#"not (tcp or udp)"#),
    ("investigation", r#"http.request or ftp.request"#),
    ("investigation", r#"udp.stream == 0"#),
    ("investigation", r#"frame.time_relative > 0.5"#),
    (
        "investigation",
        r#"frame.time_delta > 0.1 or frame.time_delta < 0.000010 and tcp"#,
    ),
    ("investigation", r#"tcp.stream in {1..3}"#),
    // Wireshark 4.0's operators, masks, fields against fields, value names, escapes.
    ("investigation", r#"tcp.port === 445"#),
    ("investigation", r#"tcp.port !== 445 && tcp"#),
    ("investigation", r#"tcp.port all_eq 445 || udp.port any_eq 53"#),
    ("investigation", r#"tcp.flags & 0x12 == 0x12"#),
    ("investigation", r#"tcp.flags bitwise_and 0x04"#),
    ("investigation", r#"udp.srcport == udp.dstport"#),
    ("investigation", r#"tcp.srcport > tcp.dstport"#),
    ("investigation", r#"smb2.nt_status == STATUS_LOGON_FAILURE"#),
    ("investigation", r#"smb2.cmd == "Session Setup""#),
    ("investigation", r#"ntlmssp.messagetype == NTLMSSP_AUTH"#),
    ("investigation", r#"eth.type == ARP || arp.opcode == Reply"#),
    ("investigation", r#"ip.proto == "UDP""#),
    ("investigation", r#"tcp.flags.syn == 2"#),
    ("tls12-handshake", r#"tls.handshake.type == "client hello""#),
    ("tls12-handshake", r#"tls.handshake.type == Certificate"#),
    ("tls12-handshake", r#"tls.record.content_type == "Application Data""#),
    ("ftp-active", r#"frame contains "\125\123\105\122""#),
    ("ftp-active", r#"frame contains r"USER""#),
    ("ftp-active", r#"frame contains """#),
    ("ftp-passive", r#"ftp.request.arg matches "\\.txt$""#),
    // PCRE on raw bytes: `$` before a final newline, ASCII word boundaries.
    ("ftp-active", r#"frame matches "jdoe\\r$""#),
    ("http-methods", r#"http.file_data matches "</html>$""#),
    ("ftp-active", r#"frame matches "\\bUSER""#),
    // Slices: of addresses, bytes, text and protocols; every form of range.
    ("http-methods", r#"eth.src[0:3] == 00:0c:29"#),
    ("http-methods", r#"eth.addr[0:3] == 00:0c:29 && eth.src[1-2] == 50:56"#),
    ("http-methods", r#"eth.src[:2] == 00:50 || eth.src[-2:] == 5e:10"#),
    ("http-methods", r#"eth.src[4:] == 10:15 and eth.src[2] == 0x56"#),
    ("http-methods", r#"eth.src[0:2,4] == 00:50:10"#),
    ("http-methods", r#"eth.src[4:10] == 10:15 or eth.src[6:]"#),
    ("http-methods", r#"eth.src[0:3] > 00:10 && eth.src[0:3] != 00:50:56"#),
    ("http-methods", r#"ip.src[0:3] == 0a.14.1e && ip.dst[3] == 0x15"#),
    ("http-methods", r#"frame[12:2] == 08:00 and tcp[13] & 0x02"#),
    ("http-methods", r#"tcp[0:2] == 00:50 && frame[-1:] == 0a"#),
    ("http-methods", r#"tcp.payload[0:4] == "HTTP""#),
    ("http-methods", r#"tcp.payload[0:2] > 47"#),
    (
        "http-methods",
        r#"http.request.method[0:1] == "G" or http.host[-4:] == "test""#,
    ),
    (
        "http-methods",
        r#"eth.src[0:3] contains 50 && eth.dst[0:3] matches "\x0c""#,
    ),
    ("name-services", r#"dns[2:1] == 81 or ip[9] == 11 and arp[7] == 02"#),
    (
        "name-services",
        r#"dns.qry.name[-4:] == "test" && dns.aaaa[0:2] == fd:20"#,
    ),
    // Masks on MAC addresses and bytes, byte by byte (the group bit: multicast).
    ("name-services", r#"eth.dst & 01:00:00:00:00:00 or eth.dst[0] & 1"#),
    (
        "name-services",
        r#"eth.dst & ff:ff:ff:00:00:00 == ff:ff:ff:00:00:00 && !(eth.src & 00:00:00:00:00:01)"#,
    ),
    ("name-services", r#"udp.payload & 00:01"#),
    // Bytes order by length first, as in Wireshark.
    ("http-methods", r#"tcp.payload > 48"#),
    // Functions.
    ("http-methods", r#"len(http.host) > 3 && len(http.request.method) == 4"#),
    ("http-methods", r#"len(eth.src) == 6 and len(tcp.payload) > 100"#),
    (
        "http-methods",
        r#"len(tcp.port) == 2 && len(tcp.seq) == 4 && len(frame.len) == 4"#,
    ),
    (
        "smb-logon-failures",
        r#"len(smb2.sesid) == 8 and len(nbss.length) == 3"#,
    ),
    ("http-methods", r#"count(tcp.port) == 2 && count(http.host) == 1"#),
    ("http-methods", r#"count(http) == 1 or count(http.host) == 0"#),
    ("http-methods", r#"lower(http.request.method) == "get""#),
    ("http-methods", r#"upper(http.request.method) == http.request.method"#),
    (
        "http-methods",
        r#"lower(http.host) matches "WIRELAB" && upper(http.host) contains "LAB""#,
    ),
    (
        "http-methods",
        r#"string(tcp.port) == "80" && string(tcp.flags) == "24""#,
    ),
    (
        "http-methods",
        r#"string(eth.src) contains "00:50" and string(ip.src)[0:2] == "10""#,
    ),
    (
        "http-methods",
        r#"max(tcp.srcport, tcp.dstport) > 50000 && min(tcp.srcport,tcp.dstport) == 80"#,
    ),
    ("http-methods", r#"abs(tcp.srcport) == 80"#),
    (
        "smb-logon-failures",
        r#"lower(ntlmssp.auth.username) == "jdoe" && len(ntlmssp.auth.domain) == 3"#,
    ),
    (
        "ftp-passive",
        r#"string(ftp.response.code) matches "^2" && upper(ftp.request.command) == "USER""#,
    ),
    // Arithmetic: precedence, grouping, values below zero, division by zero, constants.
    ("http-methods", r#"tcp.dstport - 1 == 79"#),
    ("http-methods", r#"{tcp.dstport - 1} * 2 == 158"#),
    ("http-methods", r#"tcp.srcport + 1 * 2 == 82"#),
    ("http-methods", r#"tcp.srcport == 81 - 1"#),
    ("http-methods", r#"tcp.srcport / 2 == 40 or tcp.srcport % 7 == 3"#),
    ("http-methods", r#"tcp.len > tcp.hdr_len * 2"#),
    ("http-methods", r#"tcp.srcport - 100 < 0"#),
    // Character constants, and `not in`.
    (
        "http-methods",
        r#"tcp.flags == '\x12' or http.request.method[0] == 'G'"#,
    ),
    ("http-methods", r#"tcp[13] == '\x02' || tcp.payload[0] == 'P'"#),
    ("http-methods", r#"tcp.port not in {80, 443}"#),
    ("http-methods", r#"tcp.srcport not in {80} && tcp"#),
    // Negative literals compare only with values below zero, as in Wireshark.
    ("http-methods", r#"tcp.srcport - 100 > -30 || tcp.srcport + 0 < -1"#),
    ("http-methods", r#"-tcp.srcport < 0 && tcp.srcport - 100 != -20"#),
    (
        "http-methods",
        r#"tcp.srcport - 100 < 60000 and {tcp.srcport - 100} * 2 < -30"#,
    ),
    ("http-methods", r#"tcp.srcport - 80"#),
    ("http-methods", r#"tcp.port + 1 == 81"#),
    ("http-methods", r#"tcp.srcport / 0 == 1 or tcp.srcport + -1 == 79"#),
    ("http-methods", r#"tcp.srcport & 0x50 == 0x50 && tcp.flags & 0x02 + 0"#),
    (
        "smb-logon-failures",
        r#"tcp.seq + tcp.len == tcp.nxtseq && nbss.length - 64 > 100"#,
    ),
    (
        "ftp-passive",
        r#"ftp.passive.port - 30000 > 0 && ftp.response.code / 100 == 2"#,
    ),
    // The LAN services: their protocols, Wireshark's older name for DHCP, their fields
    // and value names.
    ("recorded/lan-services.pcap", "mdns"),
    ("recorded/lan-services.pcap", "llmnr && dns.flags.response == 1"),
    ("recorded/lan-services.pcap", "bootp"),
    ("recorded/lan-services.pcap", "dhcp.option.dhcp == ACK"),
    (
        "recorded/lan-services.pcap",
        r#"dhcp.option.dhcp == "nak" || dhcp.type == "Boot Request" && dhcp.ip.client != 0.0.0.0"#,
    ),
    (
        "recorded/lan-services.pcap",
        r#"dhcp.option.hostname == "wirelab-cli" && dhcp.option.requested_ip_address"#,
    ),
    ("recorded/lan-services.pcap", "dns.qry.qu"),
    ("recorded/lan-services.pcap", "dns.resp.cache_flush == 0 && mdns"),
    (
        "recorded/lan-services.pcap",
        "dns.retransmission && dns.flags.response == 0",
    ),
    (
        "recorded/lan-services.pcap",
        "dns.srv.port == 22 || dns.txt contains \"lab=\"",
    ),
    ("recorded/lan-services.pcap", "mdns && dns.response_to"),
    // The layer operator: the IP header and UDP datagram an ICMP error quotes are the
    // second IP layer (l4-basic: a port unreachable; eth_smtp: four of them).
    ("recorded/l4-basic.pcap", "ip.src#2"),
    ("recorded/l4-basic.pcap", "ip#2 && !ip#3"),
    (
        "recorded/l4-basic.pcap",
        "ip.addr#[2] == 10.77.0.2 && ip.src#[-1] != 10.77.0.2",
    ),
    (
        "recorded/l4-basic.pcap",
        "ip.src#[2:1] == ip.dst#1 && ip.ttl#2 in {60..70}",
    ),
    ("recorded/l4-basic.pcap", "ip.src #1 == 10.77.0.1 && udp.port#1"),
    (
        "recorded/l4-basic.pcap",
        "count(ip.addr#[1-2]) == 4 && len(ip.src#2) == 4",
    ),
    (
        "recorded/l4-basic.pcap",
        "max(ip.ttl#1, ip.ttl#2) > 60 && icmp.type#1 == 3",
    ),
    ("thirdparty/eth_smtp.pcap", "ip.dst#1 == ip.src#2 && ip.proto#2 == 6"),
    ("thirdparty/eth_smtp.pcap", "tcp.port#1 == 25 || ip#[2:]"),
];

/// The capture a case names.
fn capture_file(capture: &str) -> std::path::PathBuf {
    if capture.contains('/') {
        data(capture)
    } else {
        bundled(&format!("{capture}.pcapng"))
    }
}

fn frames_ours(capture: &str, filter: &str) -> String {
    let file = capture_file(capture);
    stdout_of(
        wirelab()
            .args(["replay", "-Y", filter, "-T", "fields", "-e", "frame.number"])
            .arg(&file),
    )
}

#[test]
fn filters_select_the_frames_tshark_selects() {
    if !require_tshark() {
        return;
    }
    assert!(CASES.len() >= 60);
    let mut failures = Vec::new();
    let mut empty = 0;
    for (capture, filter) in CASES {
        let file = capture_file(capture);
        let theirs = tshark(&file, &["-2", "-Y", filter, "-T", "fields", "-e", "frame.number"]);
        let ours = frames_ours(capture, filter);
        if theirs.trim().is_empty() {
            empty += 1;
        }
        if ours != theirs {
            failures.push(format!(
                "{capture}: {filter}\n  wirelab: {}\n  tshark:  {}",
                ours.replace('\n', " "),
                theirs.replace('\n', " ")
            ));
        }
    }
    assert!(
        empty * 10 < CASES.len(),
        "too many filters select nothing: the cases would prove little"
    );
    assert!(
        failures.is_empty(),
        "{} filters differ from tshark:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn error_of(filter: &str) -> String {
    let output = wirelab()
        .args(["replay", "-Y", filter])
        .arg(bundled("name-services.pcapng"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{filter} should be refused");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    stderr.trim_end().to_string()
}

#[test]
fn bad_filters_are_refused_with_the_column_and_a_hint() {
    let cases = [
        (
            "tcp.prot == 80",
            "column 1: unknown field or protocol 'tcp.prot' (did you mean tcp.port?)",
        ),
        (
            "ip.src == 10.0.0.300",
            "column 11: '10.0.0.300' is not an IPv4 address, as ip.src needs",
        ),
        (
            "tcp.port == 80 and",
            "column 19: the filter ends where a field or '(' is expected",
        ),
        ("(dns or arp", "column 12: the '(' at column 1 is never closed"),
        (
            "ip.src = 10.0.0.1",
            "column 8: '=' is not an operator: compare with '=='",
        ),
        (
            "udp.port == 70000",
            "column 13: '70000' is too big for udp.port, at most 65535",
        ),
        (
            "tcp.port == eighty",
            "column 13: 'eighty' is not an integer, as tcp.port needs",
        ),
        (
            "http.host matches \"(\"",
            "column 19: invalid regular expression: unclosed group",
        ),
        ("dns dns", "column 5: unexpected 'dns' after a complete expression"),
        (
            "ip.src#-1 == 10.0.0.1",
            "column 7: '#' needs a layer: a number (ip.src#2) or ranges in brackets (ip.src#[1-2])",
        ),
        (
            "ip.src#[2-] == 10.0.0.1",
            "column 7: #2- is not a layer: write a number (ip.src#2) or ranges ([1-2], [2:], [-1])",
        ),
        (
            "http.host & 1",
            "column 11: http.host is not an integer: '&' does not apply",
        ),
        ("tcp.flags &", "column 12: a value is needed after '&'"),
        (
            "udp.port in {53 137}",
            "column 17: expected ',' or '}' in the set, found '137'",
        ),
        ("", "column 1: the filter is empty"),
        (
            "tcp.flags.syn == yes",
            "column 18: 'yes' is not a boolean (1, 0, True, False), as tcp.flags.syn needs",
        ),
        // What Wireshark refuses, wirelab refuses too (or says it cannot do).
        (
            r#"http.request.uri matches "\.txt$""#,
            r#"column 27: \. is not an escape Wireshark knows"#,
        ),
        (
            "tcp.port matches \"80\"",
            "column 10: tcp.port is not text or bytes: 'matches' does not apply",
        ),
        (
            "frame.time_relative > nan",
            "column 23: 'nan' is not a number of seconds",
        ),
        ("ip.proto == udp", "column 13: 'udp' is the protocol udp here"),
        (
            "ip.src == tcp.port",
            "ip.src and tcp.port hold different kinds of values",
        ),
        // Slices, functions and arithmetic: Wireshark's refusals, and wirelab's limits.
        (
            "tcp.port[0:1] == 00",
            "column 9: tcp.port is not text, bytes or an address and cannot be sliced",
        ),
        (
            "eth.src[0:0] == 00",
            "column 8: [0:0] is not a slice: the length in 0:0 is not positive",
        ),
        (
            "eth.src[0:3 == 00",
            "column 8: the slice's '[' is never closed with ']'",
        ),
        (
            "len(dns.qry.name)",
            "column 1: len() cannot be tested alone: compare its value",
        ),
        (
            "lower(udp.port) == 53",
            "column 1: lower() takes text, and udp.port is not text",
        ),
        (
            "len(dns.qry.name) in {5..9}",
            "column 1: only a field can be tested for membership in a set",
        ),
        ("abs(5) == 5", "column 1: the left side reads no field"),
        (
            "ip.src + 1 == 10.20.30.11",
            "column 8: ip.src is not an integer: arithmetic does not apply",
        ),
        (
            "udp.port + 1 == \"54\"",
            "column 17: \"54\" is not an integer, as arithmetic needs",
        ),
        ("lenght(dns.qry.name) > 5", "column 1: 'lenght' is not a function"),
        (
            "smb2[0:4] == fe:53:4d:42",
            "column 5: wirelab slices link, network and transport protocols and UDP messages",
        ),
        ("{udp.port + 1 == 54", "column 15: expected '}' but found '=='"),
        (
            "udp.port == 'ab'",
            "column 13: a character constant holds one character",
        ),
        (
            "dns.qry.name == 'w'",
            "column 17: 'w' is a character constant, a byte: dns.qry.name needs text, in double quotes",
        ),
        ("udp.port & '\\x02'", "column 12: a character constant is not a mask"),
    ];
    for (filter, expected) in cases {
        let message = error_of(filter);
        assert!(
            message.contains(expected),
            "filter {filter:?}\n  got:      {message}\n  expected: {expected}"
        );
        assert!(
            message.starts_with(&format!("wirelab: invalid filter '{filter}'")),
            "{message}"
        );
    }
}

#[test]
fn every_output_format_is_filtered() {
    let file = bundled("ftp-passive.pcapng");
    let filter = "ftp.request.command == \"RETR\"";
    for format in ["table", "tsv", "json", "fields"] {
        let mut cmd = wirelab();
        cmd.args(["replay", "-Y", filter, "-T", format, "--color", "never"])
            .arg(&file);
        if format == "fields" {
            cmd.args(["-e", "ftp.request.arg"]);
        }
        let out = stdout_of(&mut cmd);
        let lines: Vec<&str> = out.lines().collect();
        // Three RETRs: two by ftplib, one by curl.
        let expected = if format == "table" { 4 } else { 3 };
        assert_eq!(lines.len(), expected, "{format}: {out}");
        assert!(
            out.contains("secrets.txt") && out.contains("Shield-prototype-plans"),
            "{format}: {out}"
        );
    }
}
