//! The four questions the README answers with wirelab: the commands it shows work and
//! give the answers it implies. If a command changes, change the README with it.

use super::common::{bundled, stdout_of, wirelab};

fn readme() -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

fn run(args: &[&str]) -> String {
    stdout_of(wirelab().args(args))
}

#[test]
fn who_tried_to_log_on_over_smb_and_how_often_it_failed() {
    let file = bundled("investigation.pcapng");
    let file = file.to_str().unwrap();
    let text = readme();
    assert!(text
        .contains("-Y 'ntlmssp.messagetype == 3' -T fields -e ip.src -e ntlmssp.auth.domain -e ntlmssp.auth.username"));
    let users = run(&[
        "replay",
        file,
        "-Y",
        "ntlmssp.messagetype == 3",
        "-T",
        "fields",
        "-e",
        "ip.src",
        "-e",
        "ntlmssp.auth.domain",
        "-e",
        "ntlmssp.auth.username",
    ]);
    assert_eq!(
        users.lines().filter(|l| *l == "10.20.30.22\tLAB\tjdoe").count(),
        6,
        "{users}"
    );
    assert_eq!(
        users.lines().filter(|l| *l == "10.20.30.21\tLAB\tjdoe").count(),
        1,
        "{users}"
    );
    let failures = run(&[
        "replay",
        file,
        "-Y",
        "smb2.nt_status == 0xc000006d",
        "-T",
        "fields",
        "-e",
        "ip.dst",
        "-e",
        "smb2.nt_status",
    ]);
    assert_eq!(failures.lines().count(), 5);
    assert!(failures.lines().all(|l| l == "10.20.30.22\t0xc000006d"), "{failures}");
    let notes = run(&["replay", file, "--annotate", "--color", "never", "--width", "200"]);
    assert!(notes.contains("Suspicious: 5 failed SMB logons so far from 10.20.30.22 for LAB\\jdoe"));
}

#[test]
fn what_is_in_secrets_txt() {
    assert!(readme().contains("wirelab export captures/ftp-passive.pcapng recovered/ && cat recovered/secrets.txt"));
    let dir = tempfile::tempdir().unwrap();
    run(&[
        "export",
        bundled("ftp-passive.pcapng").to_str().unwrap(),
        dir.path().to_str().unwrap(),
    ]);
    let secrets = std::fs::read_to_string(dir.path().join("secrets.txt")).unwrap();
    assert_eq!(secrets, "The vault code is 4-8-15-16-23-42. Do not share.\n");
}

#[test]
fn which_tls_version_and_cipher_the_server_picked() {
    assert!(readme().contains(
        "-e tls.handshake.version -e tls.handshake.extensions.supported_version -e wirelab.tls.ciphersuite_name"
    ));
    let answer = |capture: &str| {
        run(&[
            "replay",
            bundled(capture).to_str().unwrap(),
            "-Y",
            "tls.handshake.type == 2",
            "-T",
            "fields",
            "-e",
            "tls.handshake.version",
            "-e",
            "tls.handshake.extensions.supported_version",
            "-e",
            "wirelab.tls.ciphersuite_name",
        ])
    };
    assert_eq!(
        answer("tls13-handshake.pcapng"),
        "0x0303\t0x0304\tTLS_AES_256_GCM_SHA384\n"
    );
    assert_eq!(
        answer("tls12-handshake.pcapng"),
        "0x0303\t\tTLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\n"
    );
}

#[test]
fn whether_an_ftp_session_was_active_or_passive() {
    let filter = r#"ftp.request.command in {"PORT", "EPRT", "PASV", "EPSV"}"#;
    assert!(readme().contains(&format!("wirelab replay captures/ftp-active.pcapng -Y '{filter}'")));
    let commands = |capture: &str| {
        run(&[
            "replay",
            bundled(capture).to_str().unwrap(),
            "-Y",
            filter,
            "-T",
            "fields",
            "-e",
            "ftp.request.command",
        ])
    };
    let active = commands("ftp-active.pcapng");
    assert!(
        active.lines().all(|c| c == "PORT" || c == "EPRT") && active.contains("PORT"),
        "{active}"
    );
    let passive = commands("ftp-passive.pcapng");
    assert!(
        passive.lines().all(|c| c == "PASV" || c == "EPSV") && passive.contains("PASV"),
        "{passive}"
    );
}
