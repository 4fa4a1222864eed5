//! The computed sides of a test: slices (`eth.src[0:3]`, `tcp[13]`), functions
//! (`len()`, `count()`, `lower()`, `upper()`, `string()`, `max()`, `min()`, `abs()`)
//! and arithmetic (`tcp.len - 1`, `{a + b} * 2`), as Wireshark 4.0 has them. Each
//! operand's type is known when the filter is parsed; its values are computed per
//! packet. (A plain field against a literal, the common case, never comes here: see
//! `Expr::Compare`.)

use std::cmp::Ordering;

use super::eval::{compare_values, protocol_bytes, Literal};
use super::FilterError;
use crate::decode::field::{Field, Kind, Value};
use crate::decode::packet::Proto;
use crate::decode::Packet;

#[derive(Debug, Clone)]
pub enum Operand {
    Field(Field),
    /// A field's values in some instances of its protocol (`ip.src#2`).
    Layered(Field, Vec<Range>),
    /// A protocol's bytes, to the end of its packet (only sliced, or counted).
    Protocol(Proto),
    /// Some instances of a protocol (`ip#2`): only tested for presence.
    ProtocolLayers(Proto, Vec<Range>),
    Literal(Literal),
    Slice(Box<Operand>, Vec<Range>),
    Call(Function, Vec<Operand>),
    Arith(ArithOp, Box<Operand>, Box<Operand>),
    Negate(Box<Operand>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    Len,
    Count,
    Lower,
    Upper,
    String,
    Max,
    Min,
    Abs,
}

impl Function {
    pub fn from_name(name: &str) -> Option<Function> {
        Some(match name {
            "len" => Function::Len,
            "count" => Function::Count,
            "lower" => Function::Lower,
            "upper" => Function::Upper,
            "string" => Function::String,
            "max" => Function::Max,
            "min" => Function::Min,
            "abs" => Function::Abs,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Function::Len => "len",
            Function::Count => "count",
            Function::Lower => "lower",
            Function::Upper => "upper",
            Function::String => "string",
            Function::Max => "max",
            Function::Min => "min",
            Function::Abs => "abs",
        }
    }

    /// The type of the function's values.
    fn kind(self) -> Kind {
        match self {
            Function::Lower | Function::Upper | Function::String => Kind::Str,
            Function::Len | Function::Count | Function::Max | Function::Min | Function::Abs => Kind::Dec,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    BitAnd,
}

impl ArithOp {
    pub fn from_token(text: &str) -> Option<ArithOp> {
        Some(match text {
            "+" => ArithOp::Add,
            "-" => ArithOp::Sub,
            "*" => ArithOp::Mul,
            "/" => ArithOp::Div,
            "%" => ArithOp::Rem,
            "&" | "bitwise_and" => ArithOp::BitAnd,
            _ => return None,
        })
    }

    /// `None` where the result has no value: division by zero, overflow.
    fn apply(self, a: i128, b: i128) -> Option<i128> {
        match self {
            ArithOp::Add => a.checked_add(b),
            ArithOp::Sub => a.checked_sub(b),
            ArithOp::Mul => a.checked_mul(b),
            ArithOp::Div => a.checked_div(b),
            ArithOp::Rem => a.checked_rem(b),
            ArithOp::BitAnd => Some(a & b),
        }
    }
}

/// One range of a slice, in Wireshark's forms: `i:n` (n bytes from i), `i-j` (i to j,
/// both included), `i:` (to the end), `:n` (n from the start), `i` (one byte). A
/// negative offset counts from the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    start: i64,
    end: RangeEnd,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RangeEnd {
    Length(u64),
    Through(i64),
    ToEnd,
}

impl Range {
    /// Does the range, read as a layer operator's (`#2`, `#[1-2]`, `#[-1]`: layers
    /// counted from 1, negative from the last), take instance `instance` of `count`?
    pub fn covers_layer(&self, instance: usize, count: usize) -> bool {
        let (instance, count) = (instance as i64, count as i64);
        let at = |n: i64| if n < 0 { count + n + 1 } else { n };
        let first = at(self.start);
        let last = match self.end {
            RangeEnd::Length(n) => first.saturating_add(i64::try_from(n).unwrap_or(i64::MAX)) - 1,
            RangeEnd::Through(last) => at(last),
            RangeEnd::ToEnd => count,
        };
        instance >= 1 && first <= instance && instance <= last
    }
}

/// The layers of a layer operator as written after `#` (a number, or ranges as a
/// slice's between brackets; `column`: the `#`).
pub fn parse_layers(text: &str, column: usize) -> Result<Vec<Range>, FilterError> {
    parse_ranges(text, column).map_err(|_| {
        FilterError::new(
            column,
            format!("#{text} is not a layer: write a number (ip.src#2) or ranges ([1-2], [2:], [-1])"),
        )
    })
}

/// The ranges of a slice as written between its brackets (`column`: the `[`).
pub fn parse_ranges(text: &str, column: usize) -> Result<Vec<Range>, FilterError> {
    let bad = |why: String| FilterError::new(column, format!("[{text}] is not a slice: {why}"));
    let offset = |word: &str| {
        word.trim()
            .parse::<i64>()
            .ok()
            .filter(|n| n.unsigned_abs() <= u64::from(u32::MAX))
            .ok_or_else(|| bad(format!("'{}' is not an offset", word.trim())))
    };
    text.split(',')
        .map(|part| {
            let part = part.trim();
            if part.is_empty() {
                return Err(bad("a range is empty".into()));
            }
            if let Some((start, length)) = part.split_once(':') {
                let start = if start.trim().is_empty() { 0 } else { offset(start)? };
                if length.trim().is_empty() {
                    return Ok(Range {
                        start,
                        end: RangeEnd::ToEnd,
                    });
                }
                let length = offset(length)?;
                if length <= 0 {
                    return Err(bad(format!("the length in {part} is not positive")));
                }
                return Ok(Range {
                    start,
                    end: RangeEnd::Length(length as u64),
                });
            }
            // `i-j`: the dash after the first character (`-2` alone is an offset).
            if let Some(dash) = part.char_indices().skip(1).find(|(_, c)| *c == '-').map(|(i, _)| i) {
                let (start, end) = (offset(&part[..dash])?, offset(&part[dash + 1..])?);
                if start >= 0 && end >= 0 && end < start {
                    return Err(bad(format!("{part} ends before it starts")));
                }
                return Ok(Range {
                    start,
                    end: RangeEnd::Through(end),
                });
            }
            Ok(Range {
                start: offset(part)?,
                end: RangeEnd::Length(1),
            })
        })
        .collect()
}

/// The bytes the ranges pick, joined; `None` when one reaches past the end (Wireshark
/// then has no value).
fn slice(ranges: &[Range], bytes: &[u8]) -> Option<Vec<u8>> {
    let len = bytes.len() as i64;
    let at = |offset: i64| if offset < 0 { len + offset } else { offset };
    let mut out = Vec::new();
    for range in ranges {
        let start = at(range.start);
        if start < 0 || start >= len {
            return None;
        }
        let end = match range.end {
            RangeEnd::Length(n) => start.checked_add(i64::try_from(n).ok()?)?,
            RangeEnd::Through(last) => at(last).checked_add(1)?,
            RangeEnd::ToEnd => len,
        };
        if end > len || end <= start {
            return None;
        }
        out.extend_from_slice(&bytes[start as usize..end as usize]);
    }
    Some(out)
}

/// A computed value: integers as signed (`tcp.srcport - 81` may be below zero), text,
/// bytes (slices are bytes), anything else (addresses, times) as decoded.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Int(i128),
    Str(Vec<u8>),
    Bytes(Vec<u8>),
    Other(Value),
}

impl Item {
    fn of_value(value: &Value) -> Item {
        match value {
            Value::U(u) => Item::Int(i128::from(*u)),
            Value::Bool(b) => Item::Int(i128::from(*b)),
            Value::Str(s) => Item::Str(s.as_bytes().to_vec()),
            Value::Bytes(b) => Item::Bytes(b.clone()),
            other => Item::Other(other.clone()),
        }
    }

    fn of_literal(literal: &Literal) -> Item {
        match literal {
            Literal::U(u) => Item::Int(i128::from(*u)),
            Literal::Bool(b) => Item::Int(i128::from(*b)),
            Literal::Str(b) => Item::Str(b.clone()),
            Literal::Bytes(b) => Item::Bytes(b.clone()),
            Literal::Ipv4(a, _) => Item::Other(Value::Ipv4(*a)),
            Literal::Ipv6(a, _) => Item::Other(Value::Ipv6(*a)),
            Literal::Ether(m) => Item::Other(Value::Ether(*m)),
            Literal::Time(t) => Item::Other(Value::Time(*t)),
        }
    }

    /// The bytes a `contains`, `matches` or a slice reads.
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            Item::Str(b) | Item::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// A bare test of a computed value: true unless it is 0 (bytes: all zero).
    pub fn nonzero(&self) -> bool {
        match self {
            Item::Int(n) => *n != 0,
            Item::Str(b) | Item::Bytes(b) => b.iter().any(|byte| *byte != 0),
            Item::Other(_) => true,
        }
    }
}

/// How two computed values order (`None` when they cannot compare): text in byte
/// order, bytes as Wireshark orders them (the shorter first, then byte order).
pub fn order(a: &Item, b: &Item) -> Option<Ordering> {
    match (a, b) {
        // A value not below zero is unsigned in Wireshark, and a negative literal does
        // not convert to it: they do not compare (`tcp.srcport + 0 > -1` keeps nothing),
        // where a negative value compares with any (`tcp.srcport - 100 < 60000`).
        (Item::Int(a), Item::Int(b)) if *a >= 0 && *b < 0 => None,
        (Item::Int(a), Item::Int(b)) => Some(a.cmp(b)),
        (Item::Bytes(a), Item::Bytes(b) | Item::Str(b)) => Some(bytes_order(a, b)),
        (Item::Str(a), Item::Str(b) | Item::Bytes(b)) => Some(a.cmp(b)),
        (Item::Other(a), Item::Other(b)) => compare_values(a, b),
        _ => None,
    }
}

/// The bytes of a value that can be sliced: text, bytes and addresses.
fn sliceable(value: &Value) -> Option<Vec<u8>> {
    Some(match value {
        Value::Str(s) => s.as_bytes().to_vec(),
        Value::Bytes(b) => b.clone(),
        Value::Ether(m) => m.to_vec(),
        Value::Ipv4(a) => a.octets().to_vec(),
        Value::Ipv6(a) => a.octets().to_vec(),
        _ => return None,
    })
}

impl Operand {
    /// The type of the operand's values.
    pub fn kind(&self) -> Kind {
        match self {
            Operand::Field(field) | Operand::Layered(field, _) => field.kind(),
            Operand::Protocol(_) | Operand::Slice(..) => Kind::Bytes,
            Operand::ProtocolLayers(..) => Kind::Flag,
            Operand::Literal(literal) => match literal {
                Literal::U(_) => Kind::Dec,
                Literal::Bool(_) => Kind::Bool,
                Literal::Ipv4(..) => Kind::Ipv4,
                Literal::Ipv6(..) => Kind::Ipv6,
                Literal::Ether(_) => Kind::Ether,
                Literal::Str(_) => Kind::Str,
                Literal::Bytes(_) => Kind::Bytes,
                Literal::Time(_) => Kind::RelTime,
            },
            Operand::Call(function, _) => function.kind(),
            Operand::Arith(..) | Operand::Negate(_) => Kind::Dec,
        }
    }

    /// Does the operand read the packet (a field or a protocol), or is it constant?
    pub fn reads_packet(&self) -> bool {
        match self {
            Operand::Field(_) | Operand::Layered(..) | Operand::Protocol(_) | Operand::ProtocolLayers(..) => true,
            Operand::Literal(_) => false,
            Operand::Slice(base, _) | Operand::Negate(base) => base.reads_packet(),
            Operand::Call(_, args) => args.iter().any(Operand::reads_packet),
            Operand::Arith(_, a, b) => a.reads_packet() || b.reads_packet(),
        }
    }

    /// Adds the fields the operand reads (a protocol's bytes come from the frame's).
    pub fn fields(&self, out: &mut Vec<Field>) {
        match self {
            Operand::Field(field) | Operand::Layered(field, _) => out.push(*field),
            Operand::Protocol(_) => out.push(Field::WirelabFrameBytes),
            Operand::ProtocolLayers(..) => {}
            Operand::Literal(_) => {}
            Operand::Slice(base, _) | Operand::Negate(base) => base.fields(out),
            Operand::Call(Function::Count, args) if matches!(args[..], [Operand::Protocol(_)]) => {}
            Operand::Call(_, args) => args.iter().for_each(|a| a.fields(out)),
            Operand::Arith(_, a, b) => {
                a.fields(out);
                b.fields(out);
            }
        }
    }

    /// A field's values, all or those of the selected instances of its protocol; none
    /// for an operand that is not a field.
    pub fn values<'p>(&self, p: &'p Packet) -> Vec<&'p Value> {
        match self {
            Operand::Field(field) => p.values(*field).collect(),
            Operand::Layered(field, ranges) => p
                .fields
                .iter()
                .enumerate()
                .filter(|(_, (f, _))| f == field)
                .filter(|(index, _)| {
                    let (instance, count) = p.layer_of_field(*index);
                    ranges.iter().any(|r| r.covers_layer(instance, count))
                })
                .map(|(_, (_, value))| value)
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The operand's values in the packet (none when a field is absent, a slice
    /// reaches past the end, or arithmetic divides by zero).
    pub fn items(&self, p: &Packet) -> Vec<Item> {
        match self {
            Operand::Field(_) | Operand::Layered(..) => self.values(p).into_iter().map(Item::of_value).collect(),
            Operand::Protocol(proto) => protocol_bytes(p, *proto).map(|b| Item::Bytes(b.to_vec())).collect(),
            Operand::ProtocolLayers(proto, ranges) => {
                let count = p
                    .layers
                    .iter()
                    .filter(|l| l.proto == *proto && !proto.names_only())
                    .count();
                (1..=count)
                    .filter(|&instance| ranges.iter().any(|r| r.covers_layer(instance, count)))
                    .map(|_| Item::Other(Value::Flag))
                    .collect()
            }
            Operand::Literal(literal) => vec![Item::of_literal(literal)],
            Operand::Slice(base, ranges) => {
                let whole: Vec<Vec<u8>> = match &**base {
                    Operand::Field(_) | Operand::Layered(..) => {
                        base.values(p).into_iter().filter_map(sliceable).collect()
                    }
                    other => other
                        .items(p)
                        .into_iter()
                        .filter_map(|item| match item {
                            Item::Str(b) | Item::Bytes(b) => Some(b),
                            _ => None,
                        })
                        .collect(),
                };
                whole
                    .iter()
                    .filter_map(|bytes| slice(ranges, bytes).map(Item::Bytes))
                    .collect()
            }
            Operand::Call(function, args) => call(*function, args, p),
            Operand::Arith(ArithOp::BitAnd, a, b) if matches!(**b, Operand::Literal(Literal::Bytes(_))) => {
                let Operand::Literal(Literal::Bytes(mask)) = &**b else {
                    unreachable!("matched above")
                };
                masked_bytes(a, mask, p)
            }
            Operand::Arith(op, a, b) => {
                // A negative constant does not convert to a field's unsigned type: beside
                // a field, Wireshark then has no value (`tcp.srcport + -1`).
                let values = |this: &Operand, other: &Operand| {
                    let mut values = integers(this, p);
                    if !this.reads_packet() && other.reads_packet() {
                        values.retain(|n| *n >= 0);
                    }
                    values
                };
                let (a, b) = (values(a, b), values(b, a));
                a.iter()
                    .flat_map(|x| b.iter().filter_map(move |y| op.apply(*x, *y)))
                    .map(Item::Int)
                    .collect()
            }
            Operand::Negate(a) => integers(a, p)
                .into_iter()
                .filter_map(|x| x.checked_neg().map(Item::Int))
                .collect(),
        }
    }
}

/// Wireshark's order of byte strings: the shorter first, then byte by byte.
pub fn bytes_order(a: &[u8], b: &[u8]) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// An operand's values (bytes, MAC addresses) masked byte by byte.
fn masked_bytes(operand: &Operand, mask: &[u8], p: &Packet) -> Vec<Item> {
    let values: Vec<Vec<u8>> = match operand {
        Operand::Field(_) | Operand::Layered(..) => operand.values(p).into_iter().filter_map(sliceable).collect(),
        other => other
            .items(p)
            .iter()
            .filter_map(|item| item.bytes().map(<[u8]>::to_vec))
            .collect(),
    };
    values
        .into_iter()
        .map(|bytes| Item::Bytes(bytes.iter().zip(mask).map(|(byte, m)| byte & m).collect()))
        .collect()
}

/// An operand's values as integers: bytes (a slice under `&`) read big-endian.
fn integers(operand: &Operand, p: &Packet) -> Vec<i128> {
    operand
        .items(p)
        .into_iter()
        .filter_map(|item| match item {
            Item::Int(n) => Some(n),
            Item::Bytes(b) if b.len() <= 8 => Some(b.iter().fold(0i128, |n, byte| n << 8 | i128::from(*byte))),
            _ => None,
        })
        .collect()
}

fn call(function: Function, args: &[Operand], p: &Packet) -> Vec<Item> {
    match function {
        Function::Count => {
            let n = match args {
                [Operand::Protocol(proto)] if proto.names_only() => 0,
                [Operand::Protocol(proto)] => p.layers.iter().filter(|l| l.proto == *proto).count(),
                [field @ (Operand::Field(_) | Operand::Layered(..))] => field.values(p).len(),
                _ => 0,
            };
            // Of a field or protocol that is not there, Wireshark has no count at all.
            if n == 0 {
                return Vec::new();
            }
            vec![Item::Int(n as i128)]
        }
        Function::Len => match args {
            // An integer's length is its width in bytes (`len(tcp.port) == 2`).
            [operand @ (Operand::Field(field) | Operand::Layered(field, _))] => operand
                .values(p)
                .into_iter()
                .filter_map(|value| match (value, field.integer_bits()) {
                    (Value::U(_), Some(bits)) => Some(bits as usize / 8),
                    _ => sliceable(value).map(|b| b.len()),
                })
                .map(|len| Item::Int(len as i128))
                .collect(),
            _ => Vec::new(),
        },
        Function::Lower | Function::Upper => args[0]
            .items(p)
            .into_iter()
            .filter_map(|item| match item {
                Item::Str(mut b) => {
                    if function == Function::Lower {
                        b.make_ascii_lowercase();
                    } else {
                        b.make_ascii_uppercase();
                    }
                    Some(Item::Str(b))
                }
                _ => None,
            })
            .collect(),
        Function::String => match args {
            // Integers in decimal whatever their display base, addresses as printed.
            [operand @ (Operand::Field(field) | Operand::Layered(field, _))] => operand
                .values(p)
                .into_iter()
                .map(|value| match value {
                    Value::U(u) => Item::Str(u.to_string().into_bytes()),
                    other => Item::Str(other.to_field_string(field.kind()).into_bytes()),
                })
                .collect(),
            _ => Vec::new(),
        },
        Function::Max | Function::Min => {
            let all = args.iter().flat_map(|a| integers(a, p));
            let best = if function == Function::Max {
                all.max()
            } else {
                all.min()
            };
            best.map(Item::Int).into_iter().collect()
        }
        Function::Abs => integers(&args[0], p)
            .into_iter()
            .filter_map(|n| n.checked_abs().map(Item::Int))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_ranges_count_from_one_and_from_the_last() {
        // Which of three layers each operator takes.
        let taken = |text: &str| -> Vec<usize> {
            let ranges = parse_layers(text, 1).unwrap();
            (0..=4)
                .filter(|&i| ranges.iter().any(|r| r.covers_layer(i, 3)))
                .collect()
        };
        assert_eq!(taken("2"), [2]);
        assert_eq!(taken("0"), [] as [usize; 0], "layers start at 1");
        assert_eq!(taken("1-2"), [1, 2]);
        assert_eq!(taken("2:"), [2, 3]);
        assert_eq!(taken("2:1"), [2]);
        assert_eq!(taken("-1"), [3]);
        assert_eq!(taken("-2:"), [2, 3]);
        assert_eq!(taken("1,3"), [1, 3]);
        assert!(parse_layers("2-", 7)
            .unwrap_err()
            .to_string()
            .contains("is not a layer"));
    }

    fn picked(text: &str, bytes: &[u8]) -> Option<Vec<u8>> {
        slice(&parse_ranges(text, 1).expect("ranges"), bytes)
    }

    #[test]
    fn slices_pick_as_wireshark_picks() {
        let mac = [0x00, 0x50, 0x56, 0xa1, 0x10, 0x15];
        assert_eq!(picked("0:3", &mac), Some(vec![0x00, 0x50, 0x56]));
        assert_eq!(picked("1-2", &mac), Some(vec![0x50, 0x56]));
        assert_eq!(picked(":2", &mac), Some(vec![0x00, 0x50]));
        assert_eq!(picked("4:", &mac), Some(vec![0x10, 0x15]));
        assert_eq!(picked("-2:", &mac), Some(vec![0x10, 0x15]));
        assert_eq!(picked("2", &mac), Some(vec![0x56]));
        assert_eq!(picked("0:2,4", &mac), Some(vec![0x00, 0x50, 0x10]));
        assert_eq!(picked(":", &mac), Some(mac.to_vec()));
        // Past the end: no value at all, as in Wireshark.
        assert_eq!(picked("4:10", &mac), None);
        assert_eq!(picked("6:", &mac), None);
        assert_eq!(picked("-7", &mac), None);
        for bad in ["0:0", "", "1,", "a:2", "3-1", "0:-1"] {
            assert!(parse_ranges(bad, 5).is_err(), "{bad}");
        }
        assert!(parse_ranges("0:0", 5).unwrap_err().message.contains("not positive"));
    }

    #[test]
    fn arithmetic_has_no_value_where_it_cannot_be_done() {
        assert_eq!(ArithOp::Sub.apply(80, 81), Some(-1));
        assert_eq!(ArithOp::Div.apply(80, 0), None);
        assert_eq!(ArithOp::Rem.apply(80, 0), None);
        assert_eq!(ArithOp::Mul.apply(i128::MAX, 2), None);
        assert_eq!(ArithOp::BitAnd.apply(0x12, 0x02), Some(0x02));
    }
}
