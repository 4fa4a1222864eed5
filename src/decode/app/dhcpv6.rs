//! DHCPv6 (UDP 546 and 547; RFC 8415), named as tshark 4.0 names it: Protocol
//! `DHCPv6`, Info `Solicit XID: 0x9ef0e7 CID: 000100011a79bae1d4c9efee5d9a ` (the
//! message type, the transaction id, then the client's DUID and any address an
//! identity association carries, each followed by a space, as tshark writes them).
//! Relay messages are named, not opened.

use std::fmt::Write as _;
use std::net::Ipv6Addr;

use super::Out;
use crate::decode::packet::Severity;
use crate::decode::{Field, Proto, Value};

const OPTION_CLIENT_ID: u16 = 1;
const OPTION_SERVER_ID: u16 = 2;
const OPTION_IA_NA: u16 = 3;
const OPTION_IA_TA: u16 = 4;
const OPTION_IAADDR: u16 = 5;
const OPTION_ORO: u16 = 6;
const OPTION_ELAPSED_TIME: u16 = 8;

/// Relay-forw and Relay-reply carry another message in an option of their own.
const RELAY_FORW: u8 = 12;
const RELAY_REPLY: u8 = 13;

/// Message types as tshark names them.
fn message_type_name(kind: u8) -> String {
    let name = match kind {
        1 => "Solicit",
        2 => "Advertise",
        3 => "Request",
        4 => "Confirm",
        5 => "Renew",
        6 => "Rebind",
        7 => "Reply",
        8 => "Release",
        9 => "Decline",
        10 => "Reconfigure",
        11 => "Information-request",
        12 => "Relay-forw",
        13 => "Relay-reply",
        14 => "Leasequery",
        15 => "Leasequery-reply",
        other => return format!("Unknown ({other})"),
    };
    name.to_string()
}

/// Decodes one datagram to or from port 546 or 547; always claims it.
pub fn datagram(msg: &[u8], out: &mut Out) -> bool {
    out.message(Proto::Dhcpv6, "DHCPv6");
    let Some(&kind) = msg.first() else {
        return malformed(out, "an empty DHCPv6 message");
    };
    out.uint(Field::Dhcpv6Msgtype, kind);
    if matches!(kind, RELAY_FORW | RELAY_REPLY) {
        out.info(&message_type_name(kind));
        return true;
    }
    let Some(xid) = msg.get(1..4) else {
        out.info(&message_type_name(kind));
        return malformed(out, "DHCPv6 message cut before its transaction id");
    };
    let xid = u32::from_be_bytes([0, xid[0], xid[1], xid[2]]);
    out.info_fmt(format_args!("{} XID: 0x{xid:06x} ", message_type_name(kind)));
    out.uint(Field::Dhcpv6Xid, xid);
    match options(&msg[4..], out) {
        Ok(()) => true,
        Err(code) => malformed(out, &format!("DHCPv6 option {code} runs past the end of its message")),
    }
}

fn malformed(out: &mut Out, why: &str) -> bool {
    out.info(super::MALFORMED);
    out.note(Severity::Error, Proto::Dhcpv6, format!("malformed: {why}"));
    true
}

/// The options of a message or of an identity association, in order; the code of an
/// option that runs past the end is the error.
fn options(mut rest: &[u8], out: &mut Out) -> Result<(), u16> {
    while !rest.is_empty() {
        let Some(head) = rest.get(..4) else {
            return Err(u16::from(rest[0]) << 8);
        };
        let code = u16::from_be_bytes([head[0], head[1]]);
        let len = usize::from(u16::from_be_bytes([head[2], head[3]]));
        out.uint(Field::Dhcpv6OptionType, code);
        out.uint(Field::Dhcpv6OptionLength, len as u64);
        let value = rest.get(4..4 + len).ok_or(code)?;
        option(code, value, out)?;
        rest = &rest[4 + len..];
    }
    Ok(())
}

fn option(code: u16, value: &[u8], out: &mut Out) -> Result<(), u16> {
    match code {
        OPTION_CLIENT_ID | OPTION_SERVER_ID => {
            out.field(Field::Dhcpv6DuidBytes, Value::Bytes(value.to_vec()));
            if code == OPTION_CLIENT_ID {
                out.info_with(|info| {
                    info.push_str("CID: ");
                    for byte in value {
                        let _ = write!(info, "{byte:02x}");
                    }
                    info.push(' ');
                });
            }
        }
        // An identity association: its id (and times), then options of its own.
        OPTION_IA_NA if value.len() >= 12 => options(&value[12..], out)?,
        OPTION_IA_TA if value.len() >= 4 => options(&value[4..], out)?,
        OPTION_IAADDR if value.len() >= 24 => {
            let address = Ipv6Addr::from(<[u8; 16]>::try_from(&value[..16]).expect("16 bytes"));
            out.field(Field::Dhcpv6IaaddrIp, Value::Ipv6(address));
            out.info_fmt(format_args!("IAA: {address} "));
            options(&value[24..], out)?;
        }
        OPTION_ORO => {
            for pair in value.chunks_exact(2) {
                out.uint(Field::Dhcpv6RequestedOptionCode, u16::from_be_bytes([pair[0], pair[1]]));
            }
        }
        // In hundredths of a second; tshark shows milliseconds.
        OPTION_ELAPSED_TIME if value.len() == 2 => out.uint(
            Field::Dhcpv6ElapsedTime,
            u32::from(u16::from_be_bytes([value[0], value[1]])) * 10,
        ),
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::app::testing::{packet, values};

    fn decode(msg: &[u8]) -> crate::decode::Packet {
        let mut p = packet(3);
        datagram(msg, &mut Out::new(&mut p, 0, 62));
        p
    }

    #[test]
    fn a_solicit_names_its_transaction_and_client_as_tshark_does() {
        let mut msg = vec![1, 0x00, 0x28, 0x2f];
        msg.extend_from_slice(&[0, 8, 0, 2, 0x05, 0xdc]);
        msg.extend_from_slice(&[0, 1, 0, 4, 0, 3, 0xab, 0xcd]);
        msg.extend_from_slice(&[0, 6, 0, 4, 0, 23, 0, 24]);
        let p = decode(&msg);
        assert_eq!(p.protocol, "DHCPv6");
        assert_eq!(p.info, "Solicit XID: 0x00282f CID: 0003abcd ");
        assert_eq!(values(&p, Field::Dhcpv6Xid), ["0x00282f"]);
        assert_eq!(values(&p, Field::Dhcpv6OptionType), ["8", "1", "6"]);
        assert_eq!(values(&p, Field::Dhcpv6ElapsedTime), ["15000"]);
        assert_eq!(values(&p, Field::Dhcpv6RequestedOptionCode), ["23", "24"]);
    }

    #[test]
    fn an_address_in_an_identity_association_is_shown() {
        let mut msg = vec![7, 0xfe, 0x02, 0x8c];
        let mut iaaddr = vec![0, 5, 0, 24];
        iaaddr.extend_from_slice(&"2001:db8::5".parse::<Ipv6Addr>().unwrap().octets());
        iaaddr.extend_from_slice(&[0; 8]);
        msg.extend_from_slice(&[0, 3, 0, (12 + iaaddr.len()) as u8]);
        msg.extend_from_slice(&[0; 12]);
        msg.extend_from_slice(&iaaddr);
        let p = decode(&msg);
        assert_eq!(p.info, "Reply XID: 0xfe028c IAA: 2001:db8::5 ");
        assert_eq!(values(&p, Field::Dhcpv6OptionType), ["3", "5"]);
    }

    #[test]
    fn any_bytes_decode_without_panicking() {
        let mut next = crate::decode::app::testing::noise(0x9e37_79b9_7f4a_7c15);
        for _ in 0..3000 {
            let len = (next() % 120) as usize;
            // Mostly small option lengths, so that nested options are reached.
            let msg: Vec<u8> = (0..len)
                .map(|i| if i % 4 == 2 { 0 } else { next() as u8 % 40 })
                .collect();
            let p = decode(&msg);
            assert_eq!(p.protocol, "DHCPv6");
        }
    }

    #[test]
    fn damage_is_malformed_and_relays_are_named() {
        let p = decode(&[1, 0, 0, 1, 0, 1, 0, 9, 1]);
        assert_eq!(p.info, "Solicit XID: 0x000001 [Malformed Packet]");
        assert!(p.notes.iter().any(|n| n.message.contains("option 1 runs past")));
        assert_eq!(decode(&[]).info, "[Malformed Packet]");
        assert_eq!(decode(&[12, 0, 0]).info, "Relay-forw");
    }
}
