//! X.509 certificates (RFC 5280), as a TLS Certificate message carries them: the signed
//! part (version, serial number, issuer, validity, subject, public key, extensions) and
//! the issuer's signature, into the fields tshark 4.0 gives them, in its order.
//!
//! The DER is walked element by element (`der::Reader`) rather than parsed whole by a
//! certificate crate: tshark shows a certificate up to where it breaks, and so does
//! this (a note says where it stopped). The extensions read are those a student looks
//! at: alternative names, basicConstraints, keyUsage, extKeyUsage, key identifiers, and
//! the URIs of CRL distribution points and authority information access. Others
//! (policies, certificate transparency, Netscape's) are shown by identifier and
//! criticality, and named in frame.protocols where tshark names them.

use super::Out;
use crate::decode::der::{self, Reader, Tlv};
use crate::decode::field::{Field, Value};
use crate::decode::packet::{Proto, Severity};

/// Decodes one certificate (the DER of a Certificate message's entry).
pub fn certificate(bytes: &[u8], out: &mut Out) {
    // The two outer containers are read even when cut short: what they hold up to
    // the cut is shown.
    let mut outer = Reader::new(bytes);
    let Some(cert) = outer.next_cut_if(der::SEQUENCE) else {
        return broken(out);
    };
    let mut parts = Reader::new(cert.value);
    let Some(signed) = parts.next_cut_if(der::SEQUENCE) else {
        return broken(out);
    };
    out.field(Field::X509afSignedCertificateElement, Value::Flag);
    if !signed_part(signed.value, out) || parts.broken() {
        return broken(out);
    }
    let Some(algorithm) = parts.next_if(der::SEQUENCE) else {
        return broken(out);
    };
    out.field(Field::X509afAlgorithmIdentifierElement, Value::Flag);
    algorithm_identifier(algorithm.value, out);
    let Some(signature) = parts.next_if(der::BIT_STRING) else {
        return broken(out);
    };
    bit_string(signature.value, Field::X509afEncrypted, out);
}

/// The certificate ends early or holds something else than X.509 says.
fn broken(out: &mut Out) {
    out.note(
        Severity::Warning,
        Proto::Tls,
        "certificate: the DER ends early or breaks X.509's structure; decoded as far as it goes",
    );
}

/// TBSCertificate; false when it breaks off.
fn signed_part(bytes: &[u8], out: &mut Out) -> bool {
    let mut r = Reader::new(bytes);
    // [0] EXPLICIT version, absent for v1 (0).
    if let Some(version) = r.next_if(0xa0) {
        if let Some(v) = Reader::new(version.value)
            .next_if(der::INTEGER)
            .and_then(|i| der::uint(i.value))
        {
            out.uint(Field::X509afVersion, v);
        }
    }
    let Some(serial) = r.next_if(der::INTEGER) else {
        return false;
    };
    bytes_field(out, Field::X509afSerialNumber, serial.value);
    let Some(signature) = r.next_if(der::SEQUENCE) else {
        return false;
    };
    out.field(Field::X509afSignatureElement, Value::Flag);
    algorithm_identifier(signature.value, out);
    let Some(issuer) = r.next_if(der::SEQUENCE) else {
        return false;
    };
    out.uint(Field::X509afIssuer, 0u8);
    name(issuer.value, Field::X509ifRdnSequence, out);
    let Some(validity) = r.next_if(der::SEQUENCE) else {
        return false;
    };
    out.field(Field::X509afValidityElement, Value::Flag);
    let mut times = Reader::new(validity.value);
    for choice in [Field::X509afNotBefore, Field::X509afNotAfter] {
        match times.next_any() {
            Some(t) => time(t, choice, out),
            None => return false,
        }
    }
    let Some(subject) = r.next_if(der::SEQUENCE) else {
        return false;
    };
    out.uint(Field::X509afSubject, 0u8);
    name(subject.value, Field::X509afRdnSequence, out);
    let Some(key_info) = r.next_if(der::SEQUENCE) else {
        return false;
    };
    public_key_info(key_info.value, out);
    // [1] issuerUniqueID and [2] subjectUniqueID (v2, rare) are passed over.
    r.next_if(0x81);
    r.next_if(0x82);
    if let Some(extensions) = r.next_cut_if(0xa3) {
        let mut wrapper = Reader::new(extensions.value);
        if let Some(list) = wrapper.next_cut_if(der::SEQUENCE) {
            if !extensions_list(list.value, out) || wrapper.broken() {
                return false;
            }
        }
    }
    !r.broken()
}

/// AlgorithmIdentifier: the algorithm's identifier (a signature's parameters are NULL
/// or absent; a public key's are read in `public_key_info`).
fn algorithm_identifier(bytes: &[u8], out: &mut Out) {
    if let Some(oid) = Reader::new(bytes).next_if(der::OID) {
        out.field(Field::X509afAlgorithmId, Value::Bytes(oid.value.to_vec()));
    }
}

/// Name: a sequence of relative distinguished names, each a set of attributes.
fn name(bytes: &[u8], count_field: Field, out: &mut Out) {
    let mut rdns = Reader::new(bytes);
    out.uint(count_field, rdns.count() as u64);
    while let Some(rdn) = rdns.next_any() {
        let mut attributes = Reader::new(rdn.value);
        out.uint(Field::X509ifRdnSequenceItem, attributes.count() as u64);
        while let Some(attribute) = attributes.next_any() {
            out.field(Field::X509ifRelativeDistinguishedNameItemElement, Value::Flag);
            let mut parts = Reader::new(attribute.value);
            let Some(oid) = parts.next_if(der::OID) else {
                continue;
            };
            out.field(Field::X509ifOid, Value::Bytes(oid.value.to_vec()));
            if let Some(value) = parts.next_any() {
                attribute_value(oid.value, value, out);
            }
        }
    }
}

const COUNTRY_NAME: &[u8] = &[0x55, 0x04, 0x06];
/// 2.5.4: the attribute types X.520 defines (commonName 2.5.4.3...).
const ATTRIBUTE_TYPES: &[u8] = &[0x55, 0x04];
/// 1.2.840.113549.1.9.1 (PKCS #9 emailAddress) and 0.9.2342.19200300.100.1.25
/// (domainComponent): IA5Strings.
const EMAIL_ADDRESS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01];
const DOMAIN_COMPONENT: &[u8] = &[0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19];

/// An attribute's value, by its type; tshark hands each of these to its "x509sat"
/// dissector, named once per value among the frame's protocols.
fn attribute_value(oid: &[u8], value: Tlv, out: &mut Out) {
    if oid == COUNTRY_NAME {
        out.nested_layer(Proto::X509sat);
        text_field(out, Field::X509satCountryName, value.value);
    } else if oid == EMAIL_ADDRESS || oid == DOMAIN_COMPONENT {
        out.nested_layer(Proto::X509sat);
        text_field(out, Field::X509satIa5String, value.value);
    } else if oid.len() == 3 && oid.starts_with(ATTRIBUTE_TYPES) {
        out.nested_layer(Proto::X509sat);
        directory_string(value, out);
    }
}

/// DirectoryString: a CHOICE of string types, shown as the choice's number and the text.
fn directory_string(value: Tlv, out: &mut Out) {
    let (choice, field) = match value.tag {
        der::TELETEX_STRING => (0u8, Field::X509satTeletexString),
        der::PRINTABLE_STRING => (1, Field::X509satPrintableString),
        der::UNIVERSAL_STRING => (2, Field::X509satUniversalString),
        der::BMP_STRING => (3, Field::X509satBmpString),
        der::UTF8_STRING => (4, Field::X509satUtf8String),
        _ => return,
    };
    out.uint(Field::X509satDirectoryString, choice);
    match value.tag {
        der::BMP_STRING => {
            let units: Vec<u16> = value
                .value
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            out.str(field, String::from_utf16_lossy(&units));
        }
        der::UNIVERSAL_STRING => {
            let text: String = value
                .value
                .chunks_exact(4)
                .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])).unwrap_or('\u{fffd}'))
                .collect();
            out.str(field, text);
        }
        _ => text_field(out, field, value.value),
    }
}

/// Time: UTCTime as tshark shows it ("2026-11-26 11:23:05 (UTC)"), GeneralizedTime as a
/// time field.
fn time(t: Tlv, choice: Field, out: &mut Out) {
    match t.tag {
        der::UTC_TIME => {
            out.uint(choice, 0u8);
            out.str(Field::X509afUtcTime, utc_time_text(t.value));
        }
        der::GENERALIZED_TIME => {
            out.uint(choice, 1u8);
            if let Some(ns) = generalized_time_ns(t.value) {
                out.field(Field::X509afGeneralizedTime, Value::Time(ns));
            }
        }
        _ => {}
    }
}

/// `YYMMDDhhmmssZ` as `20YY-MM-DD hh:mm:ss (UTC)` (years 50-99 are 19YY); another form
/// is shown as it is.
fn utc_time_text(value: &[u8]) -> String {
    let digits = value.len() == 13 && value[12] == b'Z' && value[..12].iter().all(u8::is_ascii_digit);
    if !digits {
        return crate::decode::text::escaped(value);
    }
    let d = |i: usize| char::from(value[i]);
    let century = if value[0] >= b'5' { "19" } else { "20" };
    format!(
        "{century}{}{}-{}{}-{}{} {}{}:{}{}:{}{} (UTC)",
        d(0),
        d(1),
        d(2),
        d(3),
        d(4),
        d(5),
        d(6),
        d(7),
        d(8),
        d(9),
        d(10),
        d(11)
    )
}

/// `YYYYMMDDhhmmssZ` as nanoseconds since the epoch.
fn generalized_time_ns(value: &[u8]) -> Option<i64> {
    if value.len() != 15 || value[14] != b'Z' || !value[..14].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let num = |from: usize, to: usize| {
        value[from..to]
            .iter()
            .fold(0i64, |acc, &b| acc * 10 + i64::from(b - b'0'))
    };
    let days = days_from_civil(num(0, 4), num(4, 6), num(6, 8));
    let seconds = days * 86_400 + num(8, 10) * 3600 + num(10, 12) * 60 + num(12, 14);
    seconds.checked_mul(1_000_000_000)
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (H. Hinnant's
/// algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];

/// SubjectPublicKeyInfo: the algorithm, then the key; an RSA key's modulus and exponent
/// are read out, as tshark's PKCS #1 dissector does.
fn public_key_info(bytes: &[u8], out: &mut Out) {
    out.field(Field::X509afSubjectPublicKeyInfoElement, Value::Flag);
    let mut r = Reader::new(bytes);
    let Some(algorithm) = r.next_if(der::SEQUENCE) else {
        return;
    };
    out.field(Field::X509afAlgorithmElement, Value::Flag);
    let mut parts = Reader::new(algorithm.value);
    let oid = parts.next_if(der::OID).map(|o| o.value);
    if let Some(oid) = oid {
        out.field(Field::X509afAlgorithmId, Value::Bytes(oid.to_vec()));
    }
    if oid == Some(EC_PUBLIC_KEY) {
        if let Some(curve) = parts.next_if(der::OID) {
            out.nested_layer(Proto::Pkcs1);
            out.uint(Field::Pkcs1EcParameters, 1u8); // the CHOICE's namedCurve
            out.field(Field::Pkcs1NamedCurve, Value::Bytes(curve.value.to_vec()));
        }
    }
    let Some(key) = r.next_if(der::BIT_STRING) else {
        return;
    };
    if oid != Some(RSA_ENCRYPTION) {
        return bit_string(key.value, Field::X509afSubjectPublicKey, out);
    }
    let Some(key_bytes) = key.value.get(1..) else {
        return;
    };
    bytes_field(out, Field::X509afSubjectPublicKey, key_bytes);
    let Some(rsa) = Reader::new(key_bytes).next_if(der::SEQUENCE) else {
        return;
    };
    let mut numbers = Reader::new(rsa.value);
    if let Some(modulus) = numbers.next_if(der::INTEGER) {
        bytes_field(out, Field::Pkcs1Modulus, modulus.value);
    }
    if let Some(exponent) = numbers.next_if(der::INTEGER).and_then(|e| der::uint(e.value)) {
        out.uint(Field::Pkcs1PublicExponent, exponent);
    }
}

/// A BIT STRING: its count of unused bits, then its bytes.
fn bit_string(value: &[u8], field: Field, out: &mut Out) {
    if let Some((&padding, bits)) = value.split_first() {
        out.uint(Field::BerBitstringPadding, padding);
        bytes_field(out, field, bits);
    }
}

/// The extensions (v3), each with its identifier and criticality, and the value of
/// those read here; false when the list is cut short.
fn extensions_list(bytes: &[u8], out: &mut Out) -> bool {
    let mut list = Reader::new(bytes);
    out.uint(Field::X509afExtensions, list.count() as u64);
    while let Some(extension) = list.next_any() {
        out.field(Field::X509afExtensionElement, Value::Flag);
        let mut parts = Reader::new(extension.value);
        let Some(oid) = parts.next_if(der::OID) else {
            continue;
        };
        out.field(Field::X509afExtensionId, Value::Bytes(oid.value.to_vec()));
        if let Some(critical) = parts.next_if(der::BOOLEAN) {
            out.field(
                Field::X509afCritical,
                Value::Bool(critical.value.first().is_some_and(|&b| b != 0)),
            );
        }
        if let Some(value) = parts.next_if(der::OCTET_STRING) {
            extension_value(oid.value, value.value, out);
        }
    }
    !list.broken()
}

/// 2.5.29: the certificate extensions X.509 defines.
const CERTIFICATE_EXTENSIONS: &[u8] = &[0x55, 0x1d];
const SUBJECT_KEY_IDENTIFIER: u8 = 14;
const KEY_USAGE: u8 = 15;
const CRL_DISTRIBUTION_POINTS: u8 = 31;
const SUBJECT_ALT_NAME: u8 = 17;
const ISSUER_ALT_NAME: u8 = 18;
const BASIC_CONSTRAINTS: u8 = 19;
const CERTIFICATE_POLICIES: u8 = 32;
const AUTHORITY_KEY_IDENTIFIER: u8 = 35;
const EXT_KEY_USAGE: u8 = 37;
/// 1.3.6.1.5.5.7.1.1, authorityInfoAccess.
const AUTHORITY_INFO_ACCESS: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01];
/// 2.16.840.1.113730.1: Netscape's extensions (certificate type, comment...).
const NETSCAPE_EXTENSIONS: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x86, 0xf8, 0x42, 0x01];
/// 1.3.6.1.5.5.7.2: policy qualifiers (CPS pointer, user notice).
const POLICY_QUALIFIERS: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x02];

/// One extension's value, by its identifier. Each goes to the dissector tshark hands it
/// to, which frame.protocols names.
fn extension_value(oid: &[u8], value: &[u8], out: &mut Out) {
    if oid.starts_with(NETSCAPE_EXTENSIONS) && oid.len() == NETSCAPE_EXTENSIONS.len() + 1 {
        out.nested_layer(Proto::NsCertExts);
        // The certificate type is a BIT STRING; its bits are not read here.
        if let Some(bits) = Reader::new(value)
            .next_if(der::BIT_STRING)
            .and_then(|b| b.value.first())
        {
            out.uint(Field::BerBitstringPadding, *bits);
        }
        return;
    }
    if oid == AUTHORITY_INFO_ACCESS {
        out.nested_layer(Proto::Pkix1implicit);
        return authority_info_access(value, out);
    }
    if oid.len() != 3 || !oid.starts_with(CERTIFICATE_EXTENSIONS) {
        return; // an identifier tshark has no dissector for (certificate transparency...)
    }
    out.nested_layer(Proto::X509ce);
    let mut r = Reader::new(value);
    match oid[2] {
        SUBJECT_KEY_IDENTIFIER => {
            if let Some(id) = r.next_if(der::OCTET_STRING) {
                bytes_field(out, Field::X509ceSubjectKeyIdentifier, id.value);
            }
        }
        SUBJECT_ALT_NAME | ISSUER_ALT_NAME => {
            if let Some(names) = r.next_if(der::SEQUENCE) {
                general_names(names.value, out);
            }
        }
        BASIC_CONSTRAINTS => {
            if let Some(constraints) = r.next_if(der::SEQUENCE) {
                out.field(Field::X509ceBasicConstraintsSyntaxElement, Value::Flag);
                let mut parts = Reader::new(constraints.value);
                if let Some(ca) = parts.next_if(der::BOOLEAN) {
                    out.field(Field::X509ceCa, Value::Bool(ca.value.first().is_some_and(|&b| b != 0)));
                }
                if let Some(len) = parts.next_if(der::INTEGER).and_then(|i| der::uint(i.value)) {
                    out.uint(Field::X509cePathLenConstraint, len);
                }
            }
        }
        AUTHORITY_KEY_IDENTIFIER => {
            if let Some(id) = r.next_if(der::SEQUENCE) {
                out.field(Field::X509ceAuthorityKeyIdentifierElement, Value::Flag);
                let mut parts = Reader::new(id.value);
                if let Some(key) = parts.next_if(0x80) {
                    bytes_field(out, Field::X509ceKeyIdentifier, key.value);
                }
                if let Some(issuer) = parts.next_if(0xa1) {
                    let names = Reader::new(issuer.value);
                    out.uint(Field::X509ceAuthorityCertIssuer, names.count() as u64);
                    each_general_name(names, out);
                }
                if let Some(serial) = parts.next_if(0x82) {
                    bytes_field(out, Field::X509ceAuthorityCertSerialNumber, serial.value);
                }
            }
        }
        EXT_KEY_USAGE => {
            if let Some(purposes) = r.next_if(der::SEQUENCE) {
                let mut list = Reader::new(purposes.value);
                out.uint(Field::X509ceKeyPurposeIds, list.count() as u64);
                while let Some(purpose) = list.next_if(der::OID) {
                    out.field(Field::X509ceKeyPurposeId, Value::Bytes(purpose.value.to_vec()));
                }
            }
        }
        CERTIFICATE_POLICIES => policy_qualifiers(value, out),
        KEY_USAGE => {
            if let Some(bits) = r.next_if(der::BIT_STRING) {
                key_usage(bits.value, out);
            }
        }
        CRL_DISTRIBUTION_POINTS => crl_distribution_points(value, out),
        _ => {}
    }
}

/// keyUsage: the BIT STRING, then each of its nine named bits.
fn key_usage(value: &[u8], out: &mut Out) {
    let Some((&padding, bits)) = value.split_first() else {
        return;
    };
    out.uint(Field::BerBitstringPadding, padding);
    bytes_field(out, Field::X509ceKeyUsage, bits);
    let first = bits.first().copied().unwrap_or(0);
    for (i, field) in [
        Field::X509ceKeyUsageDigitalSignature,
        Field::X509ceKeyUsageContentCommitment,
        Field::X509ceKeyUsageKeyEncipherment,
        Field::X509ceKeyUsageDataEncipherment,
        Field::X509ceKeyUsageKeyAgreement,
        Field::X509ceKeyUsageKeyCertSign,
        Field::X509ceKeyUsageCrlSign,
        Field::X509ceKeyUsageEncipherOnly,
    ]
    .into_iter()
    .enumerate()
    {
        out.field(field, Value::Bool(first & (0x80 >> i) != 0));
    }
    let second = bits.get(1).copied().unwrap_or(0);
    out.field(Field::X509ceKeyUsageDecipherOnly, Value::Bool(second & 0x80 != 0));
}

/// authorityInfoAccess: each access method and its location (a URI, mostly).
fn authority_info_access(value: &[u8], out: &mut Out) {
    let Some(list) = Reader::new(value).next_if(der::SEQUENCE) else {
        return;
    };
    let mut list = Reader::new(list.value);
    out.uint(Field::Pkix1implicitAuthorityInfoAccessSyntax, list.count() as u64);
    while let Some(description) = list.next_if(der::SEQUENCE) {
        out.field(Field::Pkix1implicitAccessDescriptionElement, Value::Flag);
        let mut parts = Reader::new(description.value);
        if let Some(method) = parts.next_if(der::OID) {
            out.field(Field::Pkix1implicitAccessMethod, Value::Bytes(method.value.to_vec()));
        }
        if let Some(location) = parts.next_any() {
            out.uint(Field::Pkix1implicitAccessLocation, location.tag & 0x1f);
            general_name_value(location, out);
        }
    }
}

/// cRLDistributionPoints: the names of each point's full name (its URIs).
fn crl_distribution_points(value: &[u8], out: &mut Out) {
    let Some(points) = Reader::new(value).next_if(der::SEQUENCE) else {
        return;
    };
    let mut points = Reader::new(points.value);
    while let Some(point) = points.next_if(der::SEQUENCE) {
        // distributionPoint [0] { fullName [1] GeneralNames (IMPLICIT) }
        let full_name = Reader::new(point.value)
            .next_if(0xa0)
            .and_then(|p| Reader::new(p.value).next_if(0xa0));
        if let Some(names) = full_name {
            each_general_name(Reader::new(names.value), out);
        }
    }
}

/// GeneralNames (a subjectAltName's): how many, then each.
fn general_names(bytes: &[u8], out: &mut Out) {
    let names = Reader::new(bytes);
    out.uint(Field::X509ceGeneralNames, names.count() as u64);
    each_general_name(names, out);
}

/// Each GeneralName: its kind (the context tag) and the name.
fn each_general_name(mut names: Reader, out: &mut Out) {
    while let Some(name) = names.next_any() {
        out.uint(Field::X509ceGeneralName, name.tag & 0x1f);
        general_name_value(name, out);
    }
}

/// One GeneralName's value, by its kind.
fn general_name_value(name: Tlv, out: &mut Out) {
    match name.tag & 0x1f {
        1 => text_field(out, Field::X509ceRfc822Name, name.value),
        2 => text_field(out, Field::X509ceDnsName, name.value),
        4 => {
            // [4] EXPLICIT Name
            if let Some(inner) = Reader::new(name.value).next_if(der::SEQUENCE) {
                out.uint(Field::X509ceDirectoryName, 0u8);
                self::name(inner.value, Field::X509ifRdnSequence, out);
            }
        }
        6 => text_field(out, Field::X509ceUniformResourceIdentifier, name.value),
        7 => {
            if let Ok(octets) = <[u8; 4]>::try_from(name.value) {
                out.field(Field::X509ceIpAddressIpv4, Value::Ipv4(octets.into()));
            } else if let Ok(octets) = <[u8; 16]>::try_from(name.value) {
                out.field(Field::X509ceIpAddressIpv6, Value::Ipv6(octets.into()));
            }
        }
        _ => {}
    }
}

/// certificatePolicies: tshark hands each policy qualifier (a CPS pointer, a user
/// notice) to its "pkix1explicit" dissector.
fn policy_qualifiers(value: &[u8], out: &mut Out) {
    let Some(policies) = Reader::new(value).next_if(der::SEQUENCE) else {
        return;
    };
    let mut policies = Reader::new(policies.value);
    while let Some(policy) = policies.next_if(der::SEQUENCE) {
        let mut parts = Reader::new(policy.value);
        parts.next_if(der::OID);
        let Some(qualifiers) = parts.next_if(der::SEQUENCE) else {
            continue;
        };
        let mut qualifiers = Reader::new(qualifiers.value);
        while let Some(qualifier) = qualifiers.next_if(der::SEQUENCE) {
            let id = Reader::new(qualifier.value).next_if(der::OID);
            if id.is_some_and(|id| {
                id.value.len() == POLICY_QUALIFIERS.len() + 1 && id.value.starts_with(POLICY_QUALIFIERS)
            }) {
                out.nested_layer(Proto::Pkix1explicit);
            }
        }
    }
}

/// A bytes field, copied only if kept.
fn bytes_field(out: &mut Out, field: Field, bytes: &[u8]) {
    if out.wants(field) {
        out.field(field, Value::Bytes(bytes.to_vec()));
    }
}

/// A text field from the wire (ASCII or UTF-8; anything else is shown lossily).
fn text_field(out: &mut Out, field: Field, bytes: &[u8]) {
    if out.wants(field) {
        out.str(field, crate::decode::text::lossy(bytes).into_owned());
    }
}

/// Wireshark's names for the object identifiers certificates commonly hold (the detail
/// shows them beside the numbers, as tshark does).
pub fn oid_name(dotted: &str) -> Option<&'static str> {
    Some(match dotted {
        "2.5.4.3" => "id-at-commonName",
        "2.5.4.4" => "id-at-surname",
        "2.5.4.5" => "id-at-serialNumber",
        "2.5.4.6" => "id-at-countryName",
        "2.5.4.7" => "id-at-localityName",
        "2.5.4.8" => "id-at-stateOrProvinceName",
        "2.5.4.9" => "id-at-streetAddress",
        "2.5.4.10" => "id-at-organizationName",
        "2.5.4.11" => "id-at-organizationalUnitName",
        "2.5.4.12" => "id-at-title",
        "2.5.4.42" => "id-at-givenName",
        "1.2.840.113549.1.9.1" => "pkcs-9-at-emailAddress",
        "1.2.840.113549.1.1.1" => "rsaEncryption",
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.10045.2.1" => "id-ecPublicKey",
        "1.2.840.10045.3.1.7" => "secp256r1",
        "1.3.132.0.34" => "secp384r1",
        "1.3.132.0.35" => "secp521r1",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "2.5.29.14" => "id-ce-subjectKeyIdentifier",
        "2.5.29.15" => "id-ce-keyUsage",
        "2.5.29.17" => "id-ce-subjectAltName",
        "2.5.29.18" => "id-ce-issuerAltName",
        "2.5.29.19" => "id-ce-basicConstraints",
        "2.5.29.31" => "id-ce-cRLDistributionPoints",
        "2.5.29.32" => "id-ce-certificatePolicies",
        "2.5.29.32.0" => "anyPolicy",
        "2.5.29.35" => "id-ce-authorityKeyIdentifier",
        "2.5.29.37" => "id-ce-extKeyUsage",
        "1.3.6.1.5.5.7.1.1" => "id-pe-authorityInfoAccess",
        "1.3.6.1.5.5.7.2.1" => "id-qt-cps",
        "1.3.6.1.5.5.7.3.1" => "id-kp-serverAuth",
        "1.3.6.1.5.5.7.3.2" => "id-kp-clientAuth",
        "1.3.6.1.5.5.7.3.3" => "id-kp-codeSigning",
        "1.3.6.1.5.5.7.3.4" => "id-kp-emailProtection",
        "1.3.6.1.5.5.7.3.9" => "id-kp-OCSPSigning",
        "1.3.6.1.5.5.7.48.1" => "id-ad-ocsp",
        "1.3.6.1.5.5.7.48.2" => "id-ad-caIssuers",
        "1.3.6.1.4.1.11129.2.4.2" => "SignedCertificateTimestampList",
        "2.16.840.1.113730.1.1" => "ns_cert_exts.cert_type",
        "2.16.840.1.113730.1.13" => "ns_cert_exts.comment",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::app::testing::{noise, packet, values};

    /// The course's server certificate (tls12-handshake.pcapng, frame 8).
    const SERVER: &[u8] = include_bytes!("../../../tests/data/certificates/www.wirelab.test.der");

    fn decode(bytes: &[u8]) -> crate::decode::Packet {
        let mut p = packet(1);
        certificate(bytes, &mut Out::new(&mut p, 0, 0));
        p
    }

    #[test]
    fn a_whole_certificate_in_tsharks_fields() {
        let p = decode(SERVER);
        assert!(p.notes.is_empty());
        assert_eq!(
            values(&p, Field::X509ceDnsName),
            ["www.wirelab.test", "intranet.wirelab.test"]
        );
        assert_eq!(
            values(&p, Field::X509satUtf8String),
            ["Wirelab Lab", "Wirelab Lab CA", "Wirelab Lab", "www.wirelab.test"]
        );
        assert_eq!(
            values(&p, Field::X509ifOid),
            ["2.5.4.10", "2.5.4.3", "2.5.4.10", "2.5.4.3"]
        );
        assert_eq!(values(&p, Field::X509afUtcTime)[1], "2036-11-23 11:23:05 (UTC)");
        assert_eq!(values(&p, Field::Pkcs1PublicExponent), ["65537"]);
        assert_eq!(
            values(&p, Field::X509afExtensionId),
            ["2.5.29.17", "2.5.29.14", "2.5.29.35"]
        );
        assert_eq!(p.protocols(), "x509sat:x509sat:x509sat:x509sat:x509ce:x509ce:x509ce");
    }

    #[test]
    fn a_cut_or_damaged_certificate_is_decoded_as_far_as_it_goes() {
        let whole = decode(SERVER).fields.len();
        let mut previous = 0;
        for len in 0..SERVER.len() {
            let p = decode(&SERVER[..len]);
            assert_eq!(p.notes.len(), 1, "cut at {len}: one note");
            assert!(p.fields.len() < whole, "cut at {len}");
            // More bytes never show less: what comes before the cut is shown.
            assert!(p.fields.len() >= previous, "cut at {len}");
            previous = p.fields.len();
        }
        // Cut inside the public key: the names and validity are there, no extension.
        let p = decode(&SERVER[..400]);
        assert_eq!(values(&p, Field::X509satUtf8String).last().unwrap(), "www.wirelab.test");
        assert_eq!(values(&p, Field::X509afUtcTime).len(), 2);
        assert!(values(&p, Field::X509afExtensionId).is_empty());
        // Cut inside the last extension: the two before it are there.
        let p = decode(&SERVER[..SERVER.len() - 300]);
        assert_eq!(values(&p, Field::X509afExtensionId), ["2.5.29.17", "2.5.29.14"]);
        let mut random = noise(7);
        for _ in 0..2_000 {
            let mut bytes = SERVER.to_vec();
            let at = random() as usize % bytes.len();
            bytes[at] ^= 1 << (random() % 8);
            decode(&bytes); // no panic, whatever the flip
        }
    }

    #[test]
    fn utc_times_as_tshark_shows_them() {
        assert_eq!(utc_time_text(b"261126112305Z"), "2026-11-26 11:23:05 (UTC)");
        assert_eq!(utc_time_text(b"991231235959Z"), "1999-12-31 23:59:59 (UTC)");
        assert_eq!(utc_time_text(b"2611261123Z"), "2611261123Z", "another form as it is");
    }

    #[test]
    fn generalized_times_since_the_epoch() {
        assert_eq!(generalized_time_ns(b"19700101000000Z"), Some(0));
        assert_eq!(
            generalized_time_ns(b"20500101000000Z"),
            Some(2_524_608_000 * 1_000_000_000)
        );
        assert_eq!(
            generalized_time_ns(b"20000229120000Z"),
            Some(951_825_600 * 1_000_000_000)
        );
        assert_eq!(generalized_time_ns(b"2050010100000Z"), None);
    }
}
