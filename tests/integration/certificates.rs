//! X.509 certificates in TLS Certificate messages: every certificate of every capture
//! (the course's and 30 from real servers in the third-party captures: RSA and EC keys,
//! chains, e-mail and directory names, Netscape extensions, a certificate cut short)
//! decoded into the same fields as tshark 4.0 gives, value for value and in order.

use std::collections::BTreeMap;

use super::common::{all_captures, require_tshark, stdout_of, tshark, wirelab};

const FIELDS: &[&str] = &[
    "x509af.signedCertificate_element",
    "x509af.version",
    "x509af.serialNumber",
    "x509af.algorithm.id",
    "x509af.issuer",
    "x509if.rdnSequence",
    "x509af.rdnSequence",
    "x509if.RDNSequence_item",
    "x509if.oid",
    "x509sat.DirectoryString",
    "x509sat.uTF8String",
    "x509sat.printableString",
    "x509sat.teletexString",
    "x509sat.bmpString",
    "x509sat.CountryName",
    "x509sat.IA5String",
    "x509af.notBefore",
    "x509af.notAfter",
    "x509af.utcTime",
    "x509af.generalizedTime",
    "x509af.subject",
    "x509af.subjectPublicKey",
    "pkcs1.ECParameters",
    "pkcs1.namedCurve",
    "pkcs1.modulus",
    "pkcs1.publicExponent",
    "x509af.extensions",
    "x509af.Extension_element",
    "x509af.extension.id",
    "x509af.critical",
    "x509ce.GeneralNames",
    "x509ce.GeneralName",
    "x509ce.directoryName",
    "x509ce.dNSName",
    "x509ce.rfc822Name",
    "x509ce.uniformResourceIdentifier",
    "x509ce.IPAddress.ipv4",
    "x509ce.SubjectKeyIdentifier",
    "x509ce.AuthorityKeyIdentifier_element",
    "x509ce.keyIdentifier",
    "x509ce.authorityCertIssuer",
    "x509ce.authorityCertSerialNumber",
    "x509ce.BasicConstraintsSyntax_element",
    "x509ce.cA",
    "x509ce.pathLenConstraint",
    "x509ce.KeyUsage",
    "x509ce.KeyUsage.digitalSignature",
    "x509ce.KeyUsage.keyCertSign",
    "x509ce.KeyUsage.decipherOnly",
    "x509ce.KeyPurposeIDs",
    "x509ce.KeyPurposeId",
    "pkix1implicit.AuthorityInfoAccessSyntax",
    "pkix1implicit.accessMethod",
    "pkix1implicit.accessLocation",
    "ber.bitstring.padding",
    "x509af.encrypted",
    "x509af.algorithmIdentifier_element",
];

/// Frames where tshark decodes X.509 that is not in a Certificate message: an OCSP
/// response stapled in a CertificateStatus message (its signature algorithms).
const NOT_DECODED: &[(&str, &str)] = &[("eth_tls12_long_cert.pcap", "11")];

/// Frame number to its row of field values, for the frames `tls` keeps.
fn rows(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|line| line.split_once('\t'))
        .map(|(number, rest)| (number.to_string(), rest.to_string()))
        .collect()
}

#[test]
fn certificates_decode_as_tshark_decodes_them() {
    if !require_tshark() {
        return;
    }
    let mut args = vec!["-Y", "tls", "-T", "fields", "-e", "frame.number"];
    for field in FIELDS {
        args.extend(["-e", field]);
    }
    let (mut certificates, mut differ) = (0, Vec::new());
    for file in all_captures() {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let ours = rows(&stdout_of(wirelab().arg("replay").args(&args).arg(&file)));
        let mut two_pass = vec!["-2"];
        two_pass.extend(&args);
        let theirs = rows(&tshark(&file, &two_pass));
        // Frames only one side keeps as TLS (lost segments) are compared elsewhere.
        for (frame, theirs) in &theirs {
            let Some(ours) = ours.get(frame) else { continue };
            if NOT_DECODED.contains(&(name.as_str(), frame.as_str())) {
                continue;
            }
            certificates += theirs
                .split('\t')
                .nth(1)
                .map_or(0, |v| v.split(',').filter(|s| !s.is_empty()).count());
            for ((a, b), field) in ours.split('\t').zip(theirs.split('\t')).zip(FIELDS) {
                if a != b {
                    differ.push(format!("{name} #{frame}: {field}: wirelab {a:?}, tshark {b:?}"));
                }
            }
        }
    }
    assert!(certificates >= 30, "only {certificates} certificates compared");
    assert!(
        differ.is_empty(),
        "{} values differ:\n{}",
        differ.len(),
        differ.join("\n")
    );
}

/// What a student asks of a certificate, as filters: who it names, for which hosts,
/// who signed it, with which algorithm, until when.
#[test]
fn certificate_filters_select_what_tshark_selects() {
    if !require_tshark() {
        return;
    }
    let course = super::common::bundled("tls12-handshake.pcapng");
    let chains = super::common::data("thirdparty/eth_tls_3if_nsres.pcapng");
    let ec_key = super::common::data("thirdparty/eth_tls12_chacha.pcap");
    let many_names = super::common::data("thirdparty/eth_tls12_long_cert.pcap");
    for (file, filter) in [
        (&course, r#"x509sat.uTF8String == "www.wirelab.test""#),
        (&course, r#"x509ce.dNSName contains "intranet""#),
        (&course, "x509af.algorithm.id == 1.2.840.113549.1.1.11"),
        (&course, "x509if.oid == 2.5.4.3 && pkcs1.publicExponent == 65537"),
        (&course, "x509af.version == 2 && x509af.serialNumber[0] == 0x39"),
        (&course, "len(x509af.algorithm.id) == 9"),
        (&course, r#"x509af.utcTime contains "2036""#),
        (&course, "x509sat"),
        (&chains, "x509ce.cA == 1"),
        (&chains, r#"x509sat.CountryName == "BE""#),
        (&chains, "x509ce.KeyPurposeId == 1.3.6.1.5.5.7.3.1"),
        (&chains, "x509af.extension.id == 2.5.29.17 && x509af.critical"),
        (&ec_key, "pkcs1.namedCurve == 1.3.132.0.34"),
        (&chains, "x509ce.KeyUsage.keyCertSign"),
        (&many_names, "count(x509ce.dNSName) > 10"),
    ] {
        let ours = stdout_of(
            wirelab()
                .args(["replay", "-T", "fields", "-e", "frame.number", "-Y", filter])
                .arg(file),
        );
        let theirs = tshark(file, &["-2", "-Y", filter, "-T", "fields", "-e", "frame.number"]);
        assert_eq!(ours, theirs, "{filter} on {}", file.display());
        if filter != "x509sat" {
            assert!(!ours.is_empty(), "{filter} selects nothing on {}", file.display());
        }
    }
}

/// Object identifiers are written bare, as in Wireshark: quoted text or bytes is refused
/// with the column.
#[test]
fn object_identifiers_are_written_bare() {
    for filter in [
        r#"x509af.algorithm.id == "1.2.840.113549.1.1.11""#,
        "x509af.algorithm.id == sha256WithRSAEncryption",
        "x509if.oid == 2a:86",
    ] {
        let output = wirelab()
            .args(["replay", "-Y", filter])
            .arg(super::common::bundled("tls12-handshake.pcapng"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{filter}: {stderr}");
        assert!(stderr.contains("object identifier"), "{filter}: {stderr}");
    }
}
