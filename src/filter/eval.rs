//! Literals typed by their field, and evaluation of a parsed filter over a packet.

use std::cmp::Ordering;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::operand::{self, Item, Operand};
use super::parser::{CmpOp, Expr, RawValue, SetItem};
use super::FilterError;
use crate::decode::field::{Field, Kind, Value};
use crate::decode::packet::Proto;
use crate::decode::value_names;
use crate::decode::Packet;

/// A value to compare with, already in its field's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    U(u64),
    Bool(bool),
    /// An address and a prefix length (32 for a plain address).
    Ipv4(Ipv4Addr, u8),
    Ipv6(Ipv6Addr, u8),
    Ether([u8; 6]),
    Str(Vec<u8>),
    Bytes(Vec<u8>),
    /// Nanoseconds.
    Time(i64),
}

/// Reads `value` as a literal of `field`'s type.
pub fn literal(field: Field, value: &RawValue, column: usize) -> Result<Literal, FilterError> {
    let bad = |what: &str| {
        FilterError::new(
            column,
            format!("{} is not {what}, as {} needs", shown(value), field.name()),
        )
    };
    // A number's name, as the field's value strings give it (`"Client Hello"`).
    let named = |text: &str| value_names::value_of(field, text).map(Literal::U);
    let number_or_name = if value_names::has_names(field) {
        "an integer or the name of a value it has"
    } else {
        "an integer"
    };
    let word = match value {
        RawValue::Word(w) => w.as_str(),
        // A character constant is a byte: an integer, or bytes (`'G'`, `'\x12'`).
        RawValue::Char(byte) => {
            return match field.kind() {
                Kind::Dec | Kind::Hex(_) => Ok(Literal::U(u64::from(*byte))),
                Kind::Bytes => Ok(Literal::Bytes(vec![*byte])),
                _ => Err(FilterError::new(
                    column,
                    format!(
                        "{} is a character constant, a byte: {} needs {}",
                        shown(value),
                        field.name(),
                        if field.kind() == Kind::Str {
                            "text, in double quotes"
                        } else {
                            "another kind of value"
                        }
                    ),
                )),
            };
        }
        RawValue::Quoted(bytes) => {
            return match field.kind() {
                Kind::Str => Ok(Literal::Str(bytes.clone())),
                // As in Wireshark: an object identifier is written bare, not as text.
                Kind::Oid => Err(bad("an object identifier (written bare: 1.2.840.113549.1.1.11)")),
                Kind::Bytes => Ok(Literal::Bytes(bytes.clone())),
                Kind::Dec | Kind::Hex(_) => std::str::from_utf8(bytes)
                    .ok()
                    .and_then(named)
                    .ok_or_else(|| bad(number_or_name)),
                _ => Err(bad("a quoted string's type")),
            };
        }
    };
    match field.kind() {
        Kind::Dec | Kind::Hex(_) => match parse_uint(word) {
            Some(number) => match field.integer_max() {
                Some(max) if number > max => Err(FilterError::new(
                    column,
                    format!("'{word}' is too big for {}, at most {max}", field.name()),
                )),
                _ => Ok(Literal::U(number)),
            },
            // A bare word that names a protocol is that protocol, as in Wireshark.
            None if Proto::from_filter_name(word).is_some() => Err(FilterError::new(
                column,
                format!(
                    "'{word}' is the protocol {word} here, not a value of {}: quote a name (\"{}\") or give the number",
                    field.name(),
                    word.to_uppercase()
                ),
            )),
            None => named(word).ok_or_else(|| bad(number_or_name)),
        },
        // Any number is a boolean, as in Wireshark: true unless 0.
        Kind::Bool => match word {
            "True" | "TRUE" | "true" => Ok(Literal::Bool(true)),
            "False" | "FALSE" | "false" => Ok(Literal::Bool(false)),
            _ => parse_uint(word)
                .map(|n| Literal::Bool(n != 0))
                .ok_or_else(|| bad("a boolean (1, 0, True, False)")),
        },
        Kind::Ipv4 => {
            let (addr, prefix) = split_prefix(word, 32).ok_or_else(|| bad("an IPv4 address"))?;
            Ok(Literal::Ipv4(addr.parse().map_err(|_| bad("an IPv4 address"))?, prefix))
        }
        Kind::Ipv6 => {
            let (addr, prefix) = split_prefix(word, 128).ok_or_else(|| bad("an IPv6 address"))?;
            Ok(Literal::Ipv6(addr.parse().map_err(|_| bad("an IPv6 address"))?, prefix))
        }
        Kind::Ether => {
            let bytes = parse_hex_bytes(word)
                .filter(|b| b.len() == 6)
                .ok_or_else(|| bad("a MAC address"))?;
            Ok(Literal::Ether(bytes.try_into().expect("six bytes")))
        }
        Kind::Str => Ok(Literal::Str(word.as_bytes().to_vec())),
        Kind::Oid => crate::decode::der::oid_from_text(word)
            .map(Literal::Bytes)
            .ok_or_else(|| bad("an object identifier (1.2.840.113549.1.1.11)")),
        Kind::Bytes => parse_hex_bytes(word)
            .map(Literal::Bytes)
            .ok_or_else(|| bad("bytes (aa:bb:cc)")),
        Kind::RelTime | Kind::AbsTime | Kind::UtcDate => {
            let seconds: f64 = word
                .parse()
                .ok()
                .filter(|s: &f64| s.is_finite() && s.abs() < 1e10)
                .ok_or_else(|| bad("a number of seconds"))?;
            Ok(Literal::Time((seconds * 1e9).round() as i64))
        }
        Kind::Flag => Err(FilterError::new(
            column,
            format!("{} has no value to compare: test it alone", field.name()),
        )),
    }
}

/// Reads `value` as a literal of a computed operand's type (`what` names the operand in
/// errors): an integer, text, or bytes (`aa:bb`, `0x56`, or a quoted string).
pub fn literal_of_kind(kind: Kind, what: &str, value: &RawValue, column: usize) -> Result<Literal, FilterError> {
    let bad = |needs: &str| FilterError::new(column, format!("{} is not {needs}, as {what} needs", shown(value)));
    match (kind, value) {
        (Kind::Str, RawValue::Quoted(bytes)) => Ok(Literal::Str(bytes.clone())),
        (Kind::Str, RawValue::Word(word)) => Ok(Literal::Str(word.as_bytes().to_vec())),
        (Kind::Bytes, RawValue::Quoted(bytes)) => Ok(Literal::Bytes(bytes.clone())),
        (Kind::Bytes, RawValue::Word(word)) => parse_hex_bytes(word)
            .or_else(|| match word.strip_prefix("0x").or_else(|| word.strip_prefix("0X")) {
                Some(hex) => u8::from_str_radix(hex, 16).ok().map(|b| vec![b]),
                None => None,
            })
            .map(Literal::Bytes)
            .ok_or_else(|| bad("bytes (aa:bb:cc)")),
        (Kind::Dec | Kind::Hex(_), RawValue::Word(word)) => {
            parse_uint(word).map(Literal::U).ok_or_else(|| bad("an integer"))
        }
        (Kind::Dec | Kind::Hex(_), RawValue::Quoted(_)) => Err(bad("an integer")),
        (Kind::Dec | Kind::Hex(_), RawValue::Char(byte)) => Ok(Literal::U(u64::from(*byte))),
        (Kind::Bytes, RawValue::Char(byte)) => Ok(Literal::Bytes(vec![*byte])),
        _ => Err(FilterError::new(
            column,
            format!("{what} does not compare with a value"),
        )),
    }
}

fn shown(value: &RawValue) -> String {
    match value {
        RawValue::Word(w) => format!("'{w}'"),
        RawValue::Quoted(q) => format!("\"{}\"", String::from_utf8_lossy(q)),
        RawValue::Char(c) => format!("'{}'", char::from(*c).escape_default()),
    }
}

/// Decimal, `0x` hexadecimal or `0`-prefixed octal, as Wireshark reads integers.
pub(super) fn parse_uint(word: &str) -> Option<u64> {
    if let Some(hex) = word.strip_prefix("0x").or_else(|| word.strip_prefix("0X")) {
        u64::from_str_radix(hex, 16).ok()
    } else if word.len() > 1 && word.starts_with('0') {
        u64::from_str_radix(&word[1..], 8).ok()
    } else {
        word.parse().ok()
    }
}

fn split_prefix(word: &str, max: u8) -> Option<(&str, u8)> {
    match word.split_once('/') {
        Some((addr, prefix)) => {
            let prefix: u8 = prefix.parse().ok()?;
            (prefix <= max).then_some((addr, prefix))
        }
        None => Some((word, max)),
    }
}

/// `aa:bb:cc`, `aa-bb-cc`, `aabb.cc00` or `aabbcc`.
fn parse_hex_bytes(word: &str) -> Option<Vec<u8>> {
    let digits: String = word.chars().filter(|c| !matches!(c, ':' | '-' | '.')).collect();
    if digits.is_empty() || digits.len() % 2 != 0 {
        return None;
    }
    (0..digits.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).ok())
        .collect()
}

pub fn matches(expr: &Expr, p: &Packet) -> bool {
    match expr {
        Expr::And(a, b) => matches(a, p) && matches(b, p),
        Expr::Or(a, b) => matches(a, p) || matches(b, p),
        Expr::Not(a) => !matches(a, p),
        Expr::Proto(proto) => p.has_proto(*proto),
        Expr::Exists(field) => p.values(*field).next().is_some(),
        Expr::Compare(field, op, lit) => holds(*op, p.values(*field).map(|v| compare(v, lit))),
        Expr::MaskedCompare(field, mask, op, lit) => holds(
            *op,
            p.values(*field).map(|v| match v {
                Value::U(u) => compare(&Value::U(u & mask), lit),
                _ => None,
            }),
        ),
        Expr::CompareFields(a, op, b) => holds(
            *op,
            p.values(*a)
                .flat_map(|x| p.values(*b).map(move |y| compare_values(x, y))),
        ),
        // An empty needle is in nothing, as in Wireshark.
        Expr::Contains(field, needle) => p.values(*field).any(|v| {
            let hay = bytes_of(v);
            !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle.as_slice())
        }),
        Expr::Matches(field, regex) => p.values(*field).any(|v| regex.is_match(&bytes_of(v))),
        Expr::ProtoContains(proto, needle) => protocol_bytes(p, *proto)
            .any(|hay| !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle.as_slice())),
        Expr::ProtoMatches(proto, regex) => protocol_bytes(p, *proto).any(|hay| regex.is_match(hay)),
        Expr::BitAnd(field, mask) => p.values(*field).any(|v| matches!(v, Value::U(u) if u & mask != 0)),
        Expr::Relation(left, op, right) => {
            let (left, right) = (left.items(p), right.items(p));
            holds(
                *op,
                left.iter()
                    .flat_map(|a| right.iter().map(move |b| operand::order(a, b))),
            )
        }
        // Arithmetic alone holds when not 0 (`tcp.srcport - 80`); a slice, when there.
        Expr::Truthy(operand) => {
            let items = operand.items(p);
            match operand {
                Operand::Arith(..) | Operand::Negate(_) => items.iter().any(Item::nonzero),
                _ => !items.is_empty(),
            }
        }
        Expr::OperandContains(operand, needle) => operand
            .items(p)
            .iter()
            .filter_map(Item::bytes)
            .any(|hay| !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle.as_slice())),
        Expr::OperandMatches(operand, regex) => operand
            .items(p)
            .iter()
            .filter_map(Item::bytes)
            .any(|hay| regex.is_match(hay)),
        Expr::In(field, items) => p.values(*field).any(|v| in_set(v, items)),
        Expr::LayeredIn(operand, items) => operand.values(p).into_iter().any(|v| in_set(v, items)),
    }
}

/// Is a value one of a set's members, or within one of its ranges?
fn in_set(v: &Value, items: &[SetItem]) -> bool {
    items.iter().any(|item| match item {
        SetItem::One(lit) => compare(v, lit) == Some(Ordering::Equal),
        SetItem::Range(low, high) => {
            compare(v, low).is_some_and(|o| o != Ordering::Less)
                && compare(v, high).is_some_and(|o| o != Ordering::Greater)
        }
    })
}

/// Whether a comparison holds over the orderings of a field's values (each against the
/// literal, or each pair of two fields' values): `==` some equal, `===` all equal, `!=`
/// none equal, `~=`/`!==` some not equal, the orders some; no value, no match.
pub(super) fn holds(op: CmpOp, orderings: impl Iterator<Item = Option<Ordering>>) -> bool {
    let mut orderings = orderings.peekable();
    if orderings.peek().is_none() {
        return false;
    }
    let equal = |o: &Option<Ordering>| *o == Some(Ordering::Equal);
    match op {
        CmpOp::AllEq => orderings.all(|o| equal(&o)),
        CmpOp::AllNe => orderings.all(|o| !equal(&o)),
        CmpOp::AnyNe => orderings.any(|o| !equal(&o)),
        _ => orderings.any(|o| {
            o.is_some_and(|ord| match op {
                CmpOp::Eq => ord == Ordering::Equal,
                CmpOp::Lt => ord == Ordering::Less,
                CmpOp::Le => ord != Ordering::Greater,
                CmpOp::Gt => ord == Ordering::Greater,
                CmpOp::Ge => ord != Ordering::Less,
                CmpOp::AllEq | CmpOp::AllNe | CmpOp::AnyNe => unreachable!("handled above"),
            })
        }),
    }
}

/// How two decoded values order (`None` when they cannot compare).
pub(super) fn compare_values(a: &Value, b: &Value) -> Option<Ordering> {
    let literal = match b {
        Value::U(u) => Literal::U(*u),
        Value::Bool(v) => Literal::Bool(*v),
        Value::Ipv4(v) => Literal::Ipv4(*v, 32),
        Value::Ipv6(v) => Literal::Ipv6(*v, 128),
        Value::Ether(v) => Literal::Ether(*v),
        Value::Str(v) => Literal::Str(v.as_bytes().to_vec()),
        Value::Bytes(v) => Literal::Bytes(v.clone()),
        Value::Time(v) => Literal::Time(*v),
        _ => return None,
    };
    match (a, &literal) {
        (Value::Bool(v), Literal::U(u)) => Some(u64::from(*v).cmp(u)),
        (Value::Str(v), Literal::Bytes(l)) => Some(v.as_bytes().cmp(l.as_slice())),
        _ => compare(a, &literal),
    }
}

/// The bytes of each layer of `proto` in the packet, as Wireshark gives a protocol's
/// value: from its first byte to the end of the packet that carries it, which for a
/// layer inside IP is where the IP header says the packet ends (not the frame's
/// Ethernet padding).
pub(super) fn protocol_bytes(p: &Packet, proto: Proto) -> impl Iterator<Item = &[u8]> {
    let frame = match p.value(Field::WirelabFrameBytes) {
        Some(Value::Bytes(bytes)) => bytes.as_slice(),
        _ => &[],
    };
    p.layers
        .iter()
        .filter(move |l| l.proto == proto)
        .filter_map(move |layer| {
            let end = p
                .layers
                .iter()
                .rev()
                .find(|l| matches!(l.proto, Proto::Ip | Proto::Ipv6) && l.offset <= layer.offset)
                .and_then(|ip| ip_packet_end(frame, ip.proto, ip.offset))
                .unwrap_or(frame.len())
                .min(frame.len());
            frame.get(layer.offset..end.max(layer.offset))
        })
}

/// Where the IP packet at `offset` ends, as its header says (None: it does not say).
fn ip_packet_end(frame: &[u8], proto: Proto, offset: usize) -> Option<usize> {
    let header = frame.get(offset..)?;
    match proto {
        Proto::Ip => {
            let total = usize::from(u16::from_be_bytes([*header.get(2)?, *header.get(3)?]));
            (total >= 20).then_some(offset + total)
        }
        _ => {
            // A payload length of 0 is a jumbogram's: the frame's end.
            let payload = usize::from(u16::from_be_bytes([*header.get(4)?, *header.get(5)?]));
            (payload > 0).then_some(offset + 40 + payload)
        }
    }
}

/// The value's bytes, for `contains` and `matches`.
fn bytes_of(value: &Value) -> Vec<u8> {
    match value {
        Value::Str(s) => s.as_bytes().to_vec(),
        Value::Bytes(b) => b.clone(),
        other => other.to_field_string(Kind::Str).into_bytes(),
    }
}

/// How a decoded value orders against a literal; `None` when they cannot compare.
/// An address with a prefix compares Equal when the value lies in the network.
fn compare(value: &Value, lit: &Literal) -> Option<Ordering> {
    match (value, lit) {
        (Value::U(v), Literal::U(l)) => Some(v.cmp(l)),
        (Value::Bool(v), Literal::Bool(l)) => Some(v.cmp(l)),
        (Value::U(v), Literal::Bool(l)) => Some((*v != 0).cmp(l)),
        (Value::Ipv4(v), Literal::Ipv4(net, prefix)) => {
            let mask = if *prefix == 0 {
                0
            } else {
                u32::MAX << (32 - u32::from(*prefix))
            };
            let (v, net) = (u32::from(*v), u32::from(*net));
            Some(if v & mask == net & mask {
                Ordering::Equal
            } else {
                v.cmp(&net)
            })
        }
        (Value::Ipv6(v), Literal::Ipv6(net, prefix)) => {
            let mask = if *prefix == 0 {
                0
            } else {
                u128::MAX << (128 - u32::from(*prefix))
            };
            let (v, net) = (u128::from(*v), u128::from(*net));
            Some(if v & mask == net & mask {
                Ordering::Equal
            } else {
                v.cmp(&net)
            })
        }
        (Value::Ether(v), Literal::Ether(l)) => Some(v.cmp(l)),
        (Value::Str(v), Literal::Str(l)) => Some(v.as_bytes().cmp(l.as_slice())),
        // Bytes order as in Wireshark: the shorter first (`tcp.payload > 48` holds for
        // "GET ..."), then byte by byte.
        (Value::Bytes(v), Literal::Str(l) | Literal::Bytes(l)) => Some(operand::bytes_order(v, l)),
        (Value::Time(v), Literal::Time(l)) => Some(v.cmp(l)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_read_as_wireshark_reads_them() {
        assert_eq!(parse_uint("80"), Some(80));
        assert_eq!(parse_uint("0x50"), Some(80));
        assert_eq!(parse_uint("0120"), Some(80));
        assert_eq!(parse_uint("eighty"), None);
    }

    #[test]
    fn networks_and_macs() {
        let net = Literal::Ipv4("10.20.30.0".parse().unwrap(), 24);
        assert_eq!(
            compare(&Value::Ipv4("10.20.30.7".parse().unwrap()), &net),
            Some(Ordering::Equal)
        );
        assert_ne!(
            compare(&Value::Ipv4("10.20.31.7".parse().unwrap()), &net),
            Some(Ordering::Equal)
        );
        assert_eq!(
            parse_hex_bytes("00-50-56-a1-10-15"),
            Some(vec![0, 0x50, 0x56, 0xa1, 0x10, 0x15])
        );
        assert_eq!(parse_hex_bytes("0050.56a1.1015").map(|b| b.len()), Some(6));
        assert_eq!(parse_hex_bytes("abc"), None);
    }
}
