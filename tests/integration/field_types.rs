//! Every field wirelab names is Wireshark's field of that name, with the same type:
//! names and kinds against `tshark -G fields`, and integer widths (which bound the
//! values a filter may compare with, and give `len()`); the EtherType names.

use std::collections::HashMap;
use std::process::Command;

use wirelab::decode::{ethertypes, Field, Kind};

use super::common::require_tshark;

/// The types Wireshark's fields of each name have (a name may be registered twice).
fn wireshark_types() -> HashMap<String, Vec<String>> {
    let output = Command::new("tshark")
        .args(["-G", "fields"])
        .output()
        .expect("tshark runs");
    let mut types: HashMap<String, Vec<String>> = HashMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let columns: Vec<&str> = line.split('\t').collect();
        match columns[..] {
            ["F", _, name, ftype, ..] => types.entry(name.to_string()).or_default().push(ftype.to_string()),
            // Some items are protocols (`tcp.options.sack_perm`): their value is bytes.
            ["P", _, name, ..] => types.entry(name.to_string()).or_default().push("FT_PROTOCOL".into()),
            _ => {}
        }
    }
    types
}

/// Whether a Wireshark type (`FT_UINT16`...) holds values of `field`'s kind and width.
fn agrees(field: Field, ftype: &str) -> bool {
    let bits = |ftype: &str| match ftype {
        "FT_UINT8" | "FT_INT8" => Some(8),
        "FT_UINT16" | "FT_INT16" => Some(16),
        "FT_UINT24" | "FT_INT24" => Some(24),
        "FT_UINT32" | "FT_INT32" | "FT_FRAMENUM" => Some(32),
        "FT_UINT64" | "FT_INT64" => Some(64),
        _ => None,
    };
    match field.kind() {
        Kind::Dec | Kind::Hex(_) => bits(ftype).is_some() && bits(ftype) == field.integer_bits(),
        Kind::Bool => ftype == "FT_BOOLEAN",
        Kind::Ipv4 => ftype == "FT_IPv4",
        Kind::Ipv6 => ftype == "FT_IPv6",
        Kind::Ether => ftype == "FT_ETHER",
        Kind::Str => matches!(ftype, "FT_STRING" | "FT_STRINGZ" | "FT_UINT_STRING" | "FT_STRINGZPAD"),
        Kind::Bytes => matches!(ftype, "FT_BYTES" | "FT_UINT_BYTES" | "FT_PROTOCOL"),
        Kind::RelTime => ftype == "FT_RELATIVE_TIME",
        // Wireshark types frame.time_epoch as a time relative to 1970.
        Kind::AbsTime => matches!(ftype, "FT_ABSOLUTE_TIME" | "FT_RELATIVE_TIME"),
        Kind::UtcDate => ftype == "FT_ABSOLUTE_TIME",
        Kind::Flag => ftype == "FT_NONE",
        Kind::Oid => ftype == "FT_OID",
    }
}

#[test]
fn every_field_is_wiresharks_with_its_type_and_width() {
    if !require_tshark() {
        return;
    }
    let types = wireshark_types();
    assert!(types.len() > 100_000, "tshark -G fields lists {} names", types.len());
    let mut wrong = Vec::new();
    for &field in Field::ALL {
        if field.name().starts_with("wirelab.") {
            continue;
        }
        match types.get(field.name()) {
            None => wrong.push(format!("{}: not a Wireshark field", field.name())),
            Some(ftypes) if !ftypes.iter().any(|t| agrees(field, t)) => wrong.push(format!(
                "{}: {:?} ({:?} bits) but Wireshark's is {}",
                field.name(),
                field.kind(),
                field.integer_bits(),
                ftypes.join(" or ")
            )),
            Some(_) => {}
        }
    }
    assert!(wrong.is_empty(), "{} fields differ:\n{}", wrong.len(), wrong.join("\n"));
}

#[test]
fn integer_fields_and_only_they_have_a_width() {
    for &field in Field::ALL {
        let integer = matches!(field.kind(), Kind::Dec | Kind::Hex(_));
        assert_eq!(field.integer_bits().is_some(), integer, "{}", field.name());
    }
    assert_eq!(Field::from_name("tcp.port").and_then(Field::integer_max), Some(65_535));
    assert_eq!(
        Field::from_name("smb2.sesid").and_then(Field::integer_max),
        Some(u64::MAX)
    );
}

#[test]
fn ethertype_names_are_wiresharks() {
    if !require_tshark() {
        return;
    }
    let output = Command::new("tshark")
        .args(["-G", "values"])
        .output()
        .expect("tshark runs");
    let mut theirs: Vec<(u16, String)> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| match line.split('\t').collect::<Vec<_>>()[..] {
            ["V", "eth.type", value, name] => {
                let value = u16::from_str_radix(value.trim_start_matches("0x"), 16).expect("hex");
                Some((value, name.to_string()))
            }
            _ => None,
        })
        .collect();
    theirs.sort();
    let ours: Vec<(u16, String)> = ethertypes::NAMES.iter().map(|(t, n)| (*t, n.to_string())).collect();
    assert_eq!(ours, theirs);
}
