//! The bundled captures (captures/) hold what captures/README.md says they hold.
//!
//! These tests ask tshark, not wirelab: they check the recordings themselves, so that
//! a re-recording that lost a scenario fails here rather than in a lesson.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use super::common::{bundled, require_tshark, tshark};

const CAPTURES: [&str; 11] = [
    "http-methods",
    "http-proxy-connect",
    "tls12-handshake",
    "tls13-handshake",
    "tls-alerts",
    "ftp-passive",
    "ftp-active",
    "ftp-errors",
    "smb-logon-failures",
    "name-services",
    "investigation",
];

fn capture(name: &str) -> PathBuf {
    bundled(&format!("{name}.pcapng"))
}

/// One line per matching frame (two-pass, as the course shows packets), fields joined by tabs.
fn rows(name: &str, filter: &str, fields: &[&str]) -> Vec<String> {
    let mut args = vec!["-2", "-Y", filter, "-T", "fields"];
    for field in fields {
        args.extend(["-e", field]);
    }
    tshark(&capture(name), &args)
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// Every value of one field over the frames a filter matches (multi-valued fields split).
fn values(name: &str, filter: &str, field: &str) -> BTreeSet<String> {
    rows(name, filter, &[field])
        .iter()
        .flat_map(|line| line.split(',').map(str::to_string).collect::<Vec<_>>())
        .collect()
}

fn count(name: &str, filter: &str) -> usize {
    rows(name, filter, &["frame.number"]).len()
}

fn frame_numbers(name: &str, filter: &str) -> Vec<u64> {
    rows(name, filter, &["frame.number"])
        .iter()
        .map(|n| n.parse().expect("frame number"))
        .collect()
}

fn assert_contains_all(have: &BTreeSet<String>, want: &[&str], what: &str) {
    let missing: Vec<_> = want.iter().filter(|w| !have.contains(**w)).collect();
    assert!(missing.is_empty(), "{what}: missing {missing:?}; found {have:?}");
}

#[test]
fn every_capture_is_listed_small_ethernet_and_clean() {
    if !require_tshark() {
        return;
    }
    let readme = std::fs::read_to_string(bundled("README.md")).expect("captures/README.md");
    let mut total = 0;
    for entry in std::fs::read_dir(bundled("")).expect("captures/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "pcapng" || e == "pcap") {
            let stem = path.file_stem().unwrap().to_string_lossy().to_string();
            assert!(
                CAPTURES.contains(&stem.as_str()),
                "{stem} is not checked by these tests"
            );
        }
    }
    for name in CAPTURES {
        let path = capture(name);
        let size = std::fs::metadata(&path).unwrap_or_else(|e| panic!("{name}: {e}")).len();
        assert!(size < 200_000, "{name} is {size} bytes; keep each capture under 200 KB");
        total += size;
        assert!(
            readme.contains(&format!("`{name}.pcapng`")),
            "{name} is missing from captures/README.md"
        );

        // tshark reads the whole file without complaint and finds nothing malformed.
        let output = Command::new("tshark")
            .arg("-r")
            .arg(&path)
            .output()
            .expect("tshark runs");
        assert!(
            output.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let frames = String::from_utf8_lossy(&output.stdout).lines().count();
        assert!(frames > 10, "{name}: only {frames} frames");
        assert_eq!(
            count(name, "_ws.malformed || _ws.expert.severity == error"),
            0,
            "{name}: malformed frames"
        );
        assert_eq!(
            values(name, "", "frame.encap_type"),
            BTreeSet::from(["1".to_string()]),
            "{name}: not Ethernet"
        );
    }
    assert!(
        total < 3_000_000,
        "captures/ holds {total} bytes of captures; keep it under 3 MB"
    );
}

#[test]
fn checksums_match_the_manifest() {
    // The manifest is what tells a lesson author the bytes changed.
    let output = Command::new("sha256sum")
        .args(["--check", "--quiet", "SHA256SUMS"])
        .current_dir(bundled(""))
        .output()
        .expect("sha256sum runs");
    assert!(
        output.status.success(),
        "captures/SHA256SUMS does not match: {}{}\nrun `bash captures/manifest.sh` after re-recording",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn http_methods_and_what_the_server_answered() {
    if !require_tshark() {
        return;
    }
    let methods = values("http-methods", "http.request", "http.request.method");
    assert_contains_all(
        &methods,
        &["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE"],
        "methods",
    );
    let codes = values("http-methods", "http.response", "http.response.code");
    assert_contains_all(
        &codes,
        &["100", "200", "201", "204", "301", "404", "405"],
        "status codes",
    );
    // The read-only site refuses the writes that the WebDAV location accepts.
    let refused = values("http-methods", "http.response.code == 405", "http.response_for.uri");
    assert_eq!(refused.len(), 2, "405 for the writes to / and /index.html: {refused:?}");
    assert_eq!(
        count("http-methods", "http.response.code == 405"),
        4,
        "PUT, DELETE, OPTIONS, TRACE"
    );
    assert_eq!(
        count(
            "http-methods",
            r#"http.request.method == "PUT" && http.request.uri contains "/dav/""#
        ),
        1
    );
    assert_eq!(count("http-methods", "http.response.code == 201"), 1);
    assert_eq!(
        values("http-methods", "http.response.code == 301", "http.location"),
        BTreeSet::from(["http://www.wirelab.test/about.html".to_string()])
    );
}

#[test]
fn http_connect_through_a_proxy_then_tls() {
    if !require_tshark() {
        return;
    }
    let uris = values(
        "http-proxy-connect",
        r#"http.request.method == "CONNECT""#,
        "http.request.uri",
    );
    assert_eq!(uris, BTreeSet::from(["www.wirelab.test:443".to_string()]));
    let absolute = values(
        "http-proxy-connect",
        r#"http.request.method == "GET""#,
        "http.request.uri",
    );
    assert_eq!(absolute, BTreeSet::from(["http://www.wirelab.test/".to_string()]));
    assert!(count("http-proxy-connect", "http.response.code == 200") >= 2);
    assert_eq!(
        count("http-proxy-connect", "tls.handshake.type == 1"),
        1,
        "a Client Hello inside the tunnel"
    );
}

#[test]
fn tls12_handshake_shows_every_step() {
    if !require_tshark() {
        return;
    }
    let types = values("tls12-handshake", "tls.handshake", "tls.handshake.type");
    // Client Hello, Server Hello, Certificate, Server Key Exchange, Server Hello Done, Client Key Exchange.
    assert_contains_all(&types, &["1", "2", "11", "12", "14", "16"], "handshake types");
    assert_eq!(
        count("tls12-handshake", "tls.record.content_type == 20"),
        2,
        "Change Cipher Spec both ways"
    );
    assert_eq!(
        values(
            "tls12-handshake",
            "tls.handshake.type == 2",
            "tls.handshake.ciphersuite"
        ),
        BTreeSet::from(["0xc02f".to_string()]),
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
    );
    assert_eq!(
        values(
            "tls12-handshake",
            "tls.handshake.type == 1",
            "tls.handshake.extensions_server_name"
        ),
        BTreeSet::from(["www.wirelab.test".to_string()])
    );
    assert_eq!(
        count(
            "tls12-handshake",
            "tls.handshake.extensions.supported_version == 0x0304 && tls.handshake.type == 2"
        ),
        0
    );
    assert!(
        count("tls12-handshake", "tls.record.content_type == 23") >= 2,
        "Application Data"
    );
}

#[test]
fn tls13_server_hello_selects_version_0x0304() {
    if !require_tshark() {
        return;
    }
    assert_eq!(
        values(
            "tls13-handshake",
            "tls.handshake.type == 2",
            "tls.handshake.extensions.supported_version"
        ),
        BTreeSet::from(["0x0304".to_string()])
    );
    assert_eq!(
        values(
            "tls13-handshake",
            "tls.handshake.type == 1",
            "tls.handshake.extensions_server_name"
        ),
        BTreeSet::from(["www.wirelab.test".to_string()])
    );
    assert_eq!(
        count("tls13-handshake", "tls.handshake.type == 11"),
        0,
        "the certificate is encrypted in 1.3"
    );
}

#[test]
fn tls_key_logs_decrypt_their_captures() {
    if !require_tshark() {
        return;
    }
    for name in ["tls12-handshake", "tls13-handshake"] {
        let keys = bundled(&format!("{name}.keys"));
        let option = format!("tls.keylog_file:{}", keys.display());
        let methods = tshark(
            &capture(name),
            &[
                "-2",
                "-o",
                &option,
                "-Y",
                "http.request",
                "-T",
                "fields",
                "-e",
                "http.request.method",
            ],
        );
        assert_eq!(
            methods.trim(),
            "GET",
            "{name}: the key log should reveal the GET inside"
        );
    }
}

#[test]
fn tls_alerts_for_no_shared_version_and_no_shared_cipher() {
    if !require_tshark() {
        return;
    }
    let alerts = values("tls-alerts", "tls.alert_message", "tls.alert_message.desc");
    // 70 protocol_version, 40 handshake_failure; both fatal (level 2).
    assert_eq!(alerts, BTreeSet::from(["40".to_string(), "70".to_string()]));
    assert_eq!(
        values("tls-alerts", "tls.alert_message", "tls.alert_message.level"),
        BTreeSet::from(["2".to_string()])
    );
    assert_eq!(
        count("tls-alerts", "tls.handshake.type == 2"),
        0,
        "no Server Hello: both handshakes fail"
    );
}

#[test]
fn ftp_passive_session_and_its_data_channels() {
    if !require_tshark() {
        return;
    }
    let commands = values("ftp-passive", "ftp.request", "ftp.request.command");
    let course = [
        "USER", "PASS", "SYST", "PWD", "TYPE", "CWD", "SIZE", "PASV", "LIST", "RETR", "QUIT", "EPSV",
    ];
    assert_contains_all(&commands, &course, "FTP commands");
    assert!(count("ftp-passive", "ftp.response.code == 227") >= 3);
    assert_eq!(count("ftp-passive", "ftp.response.code == 229"), 1);
    assert_eq!(
        values("ftp-passive", r#"ftp.request.command == "USER""#, "ftp.request.arg"),
        BTreeSet::from(["anonymous".to_string(), "jdoe".to_string()])
    );
    let retrieved = values("ftp-passive", "ftp-data", "ftp-data.command");
    assert_contains_all(
        &retrieved,
        &["RETR secrets.txt", "RETR Shield-prototype-plans", "LIST"],
        "ftp-data commands",
    );
    let methods = values("ftp-passive", "ftp-data", "ftp-data.setup-method");
    assert_contains_all(&methods, &["PASV", "EPASV"], "data channel setup");
    // The 227 tuple names the server itself: no NAT in this lab.
    assert_eq!(
        values("ftp-passive", "ftp.response.code == 227", "ftp.passive.ip"),
        BTreeSet::from(["10.20.30.10".to_string()])
    );
}

#[test]
fn ftp_active_session_opens_data_from_port_20() {
    if !require_tshark() {
        return;
    }
    let commands = values("ftp-active", "ftp.request", "ftp.request.command");
    assert_contains_all(&commands, &["PORT", "EPRT", "LIST", "RETR", "STOR"], "FTP commands");
    assert_eq!(
        values("ftp-active", r#"ftp.request.command == "PORT""#, "ftp.active.cip"),
        BTreeSet::from(["10.20.30.21".to_string()])
    );
    let from_20 = count(
        "ftp-active",
        "tcp.srcport == 20 && tcp.flags.syn == 1 && tcp.flags.ack == 0",
    );
    assert!(
        from_20 >= 4,
        "the server opens each active data connection from port 20 ({from_20} SYNs)"
    );
    let stored = values("ftp-active", "ftp-data", "ftp-data.command");
    assert!(stored.contains("STOR notes-from-ws01.txt"), "{stored:?}");
}

#[test]
fn ftp_errors_530_500_425() {
    if !require_tshark() {
        return;
    }
    let codes = values("ftp-errors", "ftp.response", "ftp.response.code");
    assert_contains_all(&codes, &["530", "500", "425"], "error replies");
    let ports = rows("ftp-errors", r#"ftp.request.command == "PORT""#, &["ftp.request.arg"]);
    assert!(
        ports.iter().any(|p| p.ends_with(",287,99")),
        "the impossible tuple: {ports:?}"
    );
}

#[test]
fn smb_logon_failures_then_success() {
    if !require_tshark() {
        return;
    }
    let failures = frame_numbers("smb-logon-failures", "smb2.nt_status == 0xc000006d");
    assert!(failures.len() >= 3, "STATUS_LOGON_FAILURE answers: {failures:?}");
    let successes = frame_numbers(
        "smb-logon-failures",
        "smb2.cmd == 1 && smb2.flags.response == 1 && smb2.nt_status == 0",
    );
    assert_eq!(successes.len(), 1);
    assert!(
        successes[0] > *failures.last().unwrap(),
        "the successful logon comes after the failures"
    );
    assert_eq!(
        values(
            "smb-logon-failures",
            "ntlmssp.messagetype == 3",
            "ntlmssp.auth.username"
        ),
        BTreeSet::from(["jdoe".to_string()])
    );
    assert_eq!(
        values("smb-logon-failures", "ntlmssp.messagetype == 3", "ntlmssp.auth.domain"),
        BTreeSet::from(["LAB".to_string()])
    );
    assert_eq!(
        values(
            "smb-logon-failures",
            "ntlmssp.messagetype == 3",
            "ntlmssp.auth.hostname"
        ),
        BTreeSet::from(["WS01".to_string()])
    );
    assert_eq!(
        values(
            "smb-logon-failures",
            "smb2.cmd == 0 && smb2.flags.response == 1",
            "smb2.dialect"
        ),
        BTreeSet::from(["0x0311".to_string()])
    );
    // Tree connect, listing, reading a file, logoff.
    let commands = values("smb-logon-failures", "smb2", "smb2.cmd");
    assert_contains_all(&commands, &["3", "5", "14", "8", "2"], "SMB2 commands");
    assert!(values("smb-logon-failures", "smb2.cmd == 3", "smb2.tree")
        .iter()
        .any(|t| t.ends_with(r"\projects")));
}

#[test]
fn name_services_dns_nbns_and_arp() {
    if !require_tshark() {
        return;
    }
    let types = values("name-services", "dns.flags.response == 0", "dns.qry.type");
    assert_contains_all(&types, &["1", "28", "12"], "query types A, AAAA, PTR");
    assert!(values("name-services", "dns.flags.response == 1", "dns.a").contains("10.20.30.10"));
    assert_eq!(count("name-services", "dns.flags.rcode == 3"), 1, "one NXDOMAIN");
    assert!(count("name-services", "dns.cname") >= 1);
    let names = values("name-services", "nbns.flags.response == 0", "nbns.name");
    assert!(names.iter().any(|n| n.starts_with("WPAD<00>")), "{names:?}");
    assert_eq!(
        count(
            "name-services",
            "nbns.flags.response == 1 && nbns.name contains \"WPAD\""
        ),
        0,
        "nobody answers WPAD"
    );
    assert!(count("name-services", "arp.opcode == 1") >= 1 && count("name-services", "arp.opcode == 2") >= 1);
}

#[test]
fn investigation_mixes_normal_work_with_a_password_guesser() {
    if !require_tshark() {
        return;
    }
    let guesser = "ip.dst == 10.20.30.22 && smb2.nt_status == 0xc000006d";
    assert!(count("investigation", guesser) >= 5);
    assert_eq!(
        count("investigation", "ip.dst == 10.20.30.21 && smb2.nt_status == 0xc000006d"),
        0
    );
    let ws02_success = "ip.dst == 10.20.30.22 && smb2.cmd == 1 && smb2.flags.response == 1 && smb2.nt_status == 0";
    assert_eq!(count("investigation", ws02_success), 1, "the guesser finally gets in");
    assert!(values(
        "investigation",
        "ip.src == 10.20.30.22 && smb2.cmd == 5",
        "smb2.filename"
    )
    .contains("payroll-november.txt"));
    for protocol in ["dns", "nbns", "arp", "http.request", "ftp.request", "ftp-data"] {
        assert!(
            count("investigation", protocol) > 0,
            "no {protocol} in the investigation capture"
        );
    }
}
