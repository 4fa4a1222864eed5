//! DHCP and BOOTP (UDP 67 and 68; RFC 951, RFC 2131, RFC 2132), named as tshark 4.0
//! names them: Protocol `DHCP` and Info `DHCP Discover - Transaction ID 0x3d1d` when
//! the message carries a DHCP Message Type option, else `BOOTP` with
//! `Boot Request from MAC (MAC)` or `Boot Reply`. Fields are `dhcp.*` for both, in
//! the order of the message; options wirelab has no field for keep their type, length
//! and value.
//!
//! A message cut by the capture's snaplen keeps the fields read before the cut and
//! ends Info with `[Packet size limited during capture]`; one that is too short
//! without a cut, or whose option runs past its end, with `[Malformed Packet]`.

use std::net::Ipv4Addr;

use super::Out;
use crate::decode::field::format_mac;
use crate::decode::packet::Severity;
use crate::decode::{Field, Proto, Value};

/// The fixed part: op .. file (236 bytes), then the magic cookie.
const FIXED_LEN: usize = 236;
const MAGIC_COOKIE: [u8; 4] = [0x63, 0x82, 0x53, 0x63];

const OPTION_PAD: u8 = 0;
const OPTION_MESSAGE_TYPE: u8 = 53;
const OPTION_CLIENT_ID: u8 = 61;
const OPTION_END: u8 = 255;

/// DHCP message types (option 53) as tshark names them.
pub(crate) fn message_type_name(kind: u8) -> &'static str {
    match kind {
        1 => "Discover",
        2 => "Offer",
        3 => "Request",
        4 => "Decline",
        5 => "ACK",
        6 => "NAK",
        7 => "Release",
        8 => "Inform",
        9 => "Force Renew",
        10 => "Lease query",
        11 => "Lease Unassigned",
        12 => "Lease Unknown",
        13 => "Lease Active",
        14 => "Bulk Lease Query",
        15 => "Lease Query Done",
        16 => "Active LeaseQuery",
        17 => "Lease Query Status",
        18 => "TLS",
        _ => "Unknown Message Type",
    }
}

/// How an option's value is shown as a field.
enum OptionValue {
    Ipv4(Field),
    /// Several IPv4 addresses, each a value of the field.
    Ipv4List(Field),
    Text(Field),
    U8(Field),
    U16(Field),
    U32(Field),
    /// One value per byte (the parameter request list).
    EachByte(Field),
}

/// The options with a field of their own.
fn option_value(code: u8) -> Option<OptionValue> {
    use OptionValue::*;
    Some(match code {
        1 => Ipv4(Field::DhcpOptionSubnetMask),
        3 => Ipv4List(Field::DhcpOptionRouter),
        6 => Ipv4List(Field::DhcpOptionDomainNameServer),
        12 => Text(Field::DhcpOptionHostname),
        15 => Text(Field::DhcpOptionDomainName),
        28 => Ipv4(Field::DhcpOptionBroadcastAddress),
        50 => Ipv4(Field::DhcpOptionRequestedIpAddress),
        51 => U32(Field::DhcpOptionIpAddressLeaseTime),
        53 => U8(Field::DhcpOptionDhcp),
        54 => Ipv4(Field::DhcpOptionDhcpServerId),
        55 => EachByte(Field::DhcpOptionRequestListItem),
        57 => U16(Field::DhcpOptionDhcpMaxMessageSize),
        58 => U32(Field::DhcpOptionRenewalTimeValue),
        59 => U32(Field::DhcpOptionRebindingTimeValue),
        60 => Text(Field::DhcpOptionVendorClassId),
        _ => return None,
    })
}

/// Why decoding stopped before the message's end.
enum Stop {
    /// The bytes ran out.
    Short,
    /// An option's length runs past the message.
    OptionOverrun(u8),
}

/// Decodes one datagram to or from port 67 or 68; always claims it.
pub fn datagram(msg: &[u8], out: &mut Out) -> bool {
    let message_type = options_of(msg).and_then(|mut options| {
        options.find_map(|(code, value)| (code == OPTION_MESSAGE_TYPE).then(|| value.first().copied()).flatten())
    });
    match message_type {
        Some(kind) => {
            out.message(Proto::Dhcp, "DHCP");
            let xid = msg
                .get(4..8)
                .map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
            out.info_fmt(format_args!(
                "DHCP {:<8} - Transaction ID 0x{xid:x}",
                message_type_name(kind)
            ));
        }
        None => {
            out.message(Proto::Dhcp, "BOOTP");
            match (msg.first(), msg.get(28..34)) {
                (Some(1), Some(mac)) => {
                    let mac = format_mac(mac.try_into().expect("six bytes"));
                    // tshark adds the MAC's vendor name in the brackets where it knows
                    // one; the decoders name no vendors (the views do, in the columns).
                    out.info_fmt(format_args!("Boot Request from {mac} ({mac})"));
                }
                (Some(1), None) => out.info("Boot Request"),
                (Some(2), _) => out.info("Boot Reply"),
                _ => out.info("Unknown BOOTP message type"),
            }
        }
    }
    match fields(msg, out) {
        Ok(()) => {}
        Err(Stop::Short) if out.snaplen_cut() => {
            out.info("[Packet size limited during capture]");
            out.note(Severity::Warning, Proto::Dhcp, "DHCP/BOOTP message cut by the snaplen");
        }
        Err(stop) => {
            out.info(super::MALFORMED);
            let why = match stop {
                Stop::Short => format!(
                    "malformed DHCP/BOOTP message: {} bytes, shorter than its {FIXED_LEN}-byte header",
                    msg.len()
                ),
                Stop::OptionOverrun(code) => {
                    format!("malformed DHCP/BOOTP message: option {code} runs past the end")
                }
            };
            out.note(Severity::Error, Proto::Dhcp, why);
        }
    }
    true
}

/// The options after a DHCP magic cookie, up to the end option or the first damage.
fn options_of(msg: &[u8]) -> Option<impl Iterator<Item = (u8, &[u8])>> {
    if msg.get(FIXED_LEN..FIXED_LEN + 4)? != MAGIC_COOKIE {
        return None;
    }
    let mut rest = &msg[FIXED_LEN + 4..];
    Some(std::iter::from_fn(move || loop {
        let (&code, tail) = rest.split_first()?;
        match code {
            OPTION_PAD => rest = tail,
            OPTION_END => return None,
            _ => {
                let (&len, tail) = tail.split_first()?;
                let value = tail.get(..usize::from(len))?;
                rest = &tail[usize::from(len)..];
                return Some((code, value));
            }
        }
    }))
}

/// The fields, in the order of the message; stops where the bytes do.
fn fields(msg: &[u8], out: &mut Out) -> Result<(), Stop> {
    let byte = |at: usize| msg.get(at).copied().ok_or(Stop::Short);
    let be16 = |at: usize| Ok(u16::from_be_bytes([byte(at)?, byte(at + 1)?]));
    let be32 = |at: usize| {
        Ok(u32::from_be_bytes([
            byte(at)?,
            byte(at + 1)?,
            byte(at + 2)?,
            byte(at + 3)?,
        ]))
    };
    let ipv4 = |at: usize| be32(at).map(Ipv4Addr::from);
    out.uint(Field::DhcpType, byte(0)?);
    let hw_type = byte(1)?;
    out.uint(Field::DhcpHwType, hw_type);
    let hw_len = byte(2)?;
    out.uint(Field::DhcpHwLen, hw_len);
    out.uint(Field::DhcpHops, byte(3)?);
    out.uint(Field::DhcpId, be32(4)?);
    out.uint(Field::DhcpSecs, be16(8)?);
    let flags = be16(10)?;
    out.uint(Field::DhcpFlags, flags);
    out.field(Field::DhcpFlagsBc, Value::Bool(flags & 0x8000 != 0));
    out.field(Field::DhcpIpClient, Value::Ipv4(ipv4(12)?));
    out.field(Field::DhcpIpYour, Value::Ipv4(ipv4(16)?));
    out.field(Field::DhcpIpServer, Value::Ipv4(ipv4(20)?));
    out.field(Field::DhcpIpRelay, Value::Ipv4(ipv4(24)?));
    let chaddr = msg.get(28..44).ok_or(Stop::Short)?;
    // An Ethernet address is shown as one; any other is bytes, as long as it says.
    let used = usize::from(hw_len).min(16);
    if hw_type == 1 && hw_len == 6 {
        let mac: [u8; 6] = chaddr[..6].try_into().expect("six bytes");
        out.field(Field::DhcpHwMacAddr, Value::Ether(mac));
    } else if used > 0 {
        out.field(Field::DhcpHwAddr, Value::Bytes(chaddr[..used].to_vec()));
    }
    if used < 16 {
        out.field(Field::DhcpHwAddrPadding, Value::Bytes(chaddr[used..].to_vec()));
    }
    out.str(Field::DhcpServer, text_until_nul(msg.get(44..108).ok_or(Stop::Short)?));
    out.str(
        Field::DhcpFile,
        text_until_nul(msg.get(108..FIXED_LEN).ok_or(Stop::Short)?),
    );
    let Some(cookie) = msg.get(FIXED_LEN..FIXED_LEN + 4) else {
        // BOOTP without a vendor area: nothing more to read.
        return if msg.len() == FIXED_LEN {
            Ok(())
        } else {
            Err(Stop::Short)
        };
    };
    out.field(
        Field::DhcpCookie,
        Value::Ipv4(Ipv4Addr::new(cookie[0], cookie[1], cookie[2], cookie[3])),
    );
    if cookie != MAGIC_COOKIE {
        return Ok(());
    }
    option_fields(&msg[FIXED_LEN + 4..], out)
}

fn option_fields(mut rest: &[u8], out: &mut Out) -> Result<(), Stop> {
    while let Some((&code, tail)) = rest.split_first() {
        if code == OPTION_END {
            // tshark gives the end option the type 0 and a field of its own.
            out.uint(Field::DhcpOptionType, 0u8);
            out.uint(Field::DhcpOptionEnd, code);
            if !tail.is_empty() {
                out.field(Field::DhcpOptionPadding, Value::Bytes(tail.to_vec()));
            }
            return Ok(());
        }
        if code == OPTION_PAD {
            let run = rest.iter().take_while(|&&b| b == OPTION_PAD).count();
            out.field(Field::DhcpOptionPadding, Value::Bytes(rest[..run].to_vec()));
            rest = &rest[run..];
            continue;
        }
        out.uint(Field::DhcpOptionType, code);
        let (&len, tail) = tail.split_first().ok_or(Stop::OptionOverrun(code))?;
        out.uint(Field::DhcpOptionLength, len);
        let value = tail.get(..usize::from(len)).ok_or(Stop::OptionOverrun(code))?;
        if out.wants(Field::DhcpOptionValue) {
            out.field(Field::DhcpOptionValue, Value::Bytes(value.to_vec()));
        }
        option_value_fields(code, value, out);
        rest = &tail[usize::from(len)..];
    }
    Ok(())
}

/// An option's own field, when it has one and its value has the length it needs.
fn option_value_fields(code: u8, value: &[u8], out: &mut Out) {
    // A client identifier of a hardware type and a 6-byte address: shown with the
    // header's own fields, as tshark shows it.
    if code == OPTION_CLIENT_ID && value.len() == 7 && (1..48).contains(&value[0]) {
        out.uint(Field::DhcpHwType, value[0]);
        let mac: [u8; 6] = value[1..].try_into().expect("six bytes");
        out.field(Field::DhcpHwMacAddr, Value::Ether(mac));
        return;
    }
    let Some(shown) = option_value(code) else {
        return;
    };
    let ipv4 = |b: &[u8]| Ipv4Addr::new(b[0], b[1], b[2], b[3]);
    match shown {
        OptionValue::Ipv4(field) if value.len() == 4 => out.field(field, Value::Ipv4(ipv4(value))),
        OptionValue::Ipv4List(field) => {
            for address in value.chunks_exact(4) {
                out.field(field, Value::Ipv4(ipv4(address)));
            }
        }
        OptionValue::Text(field) => out.str(field, text_until_nul(value)),
        OptionValue::U8(field) if value.len() == 1 => out.uint(field, value[0]),
        OptionValue::U16(field) if value.len() == 2 => out.uint(field, u16::from_be_bytes([value[0], value[1]])),
        OptionValue::U32(field) if value.len() == 4 => {
            out.uint(field, u32::from_be_bytes([value[0], value[1], value[2], value[3]]))
        }
        OptionValue::EachByte(field) => {
            for &item in value {
                out.uint(field, item);
            }
        }
        _ => {}
    }
}

/// A NUL-terminated text field (the server and file names, host and domain names).
fn text_until_nul(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    crate::decode::text::escaped(&bytes[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Packet;

    /// A DHCP message with `options` after the cookie.
    fn message(op: u8, options: &[u8]) -> Vec<u8> {
        let mut msg = vec![0u8; FIXED_LEN];
        msg[0] = op;
        msg[1] = 1;
        msg[2] = 6;
        msg[4..8].copy_from_slice(&0x0000_3d1du32.to_be_bytes());
        msg[28..34].copy_from_slice(&[0x02, 0x78, 0, 0, 0, 2]);
        msg.extend_from_slice(&MAGIC_COOKIE);
        msg.extend_from_slice(options);
        msg
    }

    fn decode(msg: &[u8]) -> Packet {
        let mut p = crate::decode::app::testing::packet(9);
        datagram(msg, &mut Out::new(&mut p, 0, 42));
        p
    }

    #[test]
    fn the_message_type_names_the_message_padded_as_tshark_pads_it() {
        let p = decode(&message(2, &[53, 1, 2, 54, 4, 10, 0, 0, 1, 255]));
        assert_eq!(p.protocol, "DHCP");
        assert_eq!(p.info, "DHCP Offer    - Transaction ID 0x3d1d");
        assert_eq!(p.uint(Field::DhcpOptionDhcp), Some(2));
        assert_eq!(
            p.value(Field::DhcpOptionDhcpServerId),
            Some(&Value::Ipv4(Ipv4Addr::new(10, 0, 0, 1)))
        );
        let types: Vec<_> = p.values(Field::DhcpOptionType).cloned().collect();
        assert_eq!(
            types,
            [Value::U(53), Value::U(54), Value::U(0)],
            "the end option is type 0"
        );
        assert_eq!(p.uint(Field::DhcpOptionEnd), Some(255));
    }

    #[test]
    fn without_a_message_type_it_is_bootp() {
        let request = decode(&message(1, &[12, 3, b'p', b'c', b'1', 255]));
        assert_eq!(request.protocol, "BOOTP");
        assert_eq!(request.info, "Boot Request from 02:78:00:00:00:02 (02:78:00:00:00:02)");
        assert_eq!(
            request.value(Field::DhcpOptionHostname),
            Some(&Value::Str("pc1".into()))
        );
        assert_eq!(decode(&message(2, &[255])).info, "Boot Reply");
    }

    #[test]
    fn an_option_past_the_end_is_malformed_and_a_short_message_too() {
        let p = decode(&message(1, &[53, 1, 3, 12, 200, b'x']));
        assert_eq!(p.info, "DHCP Request  - Transaction ID 0x3d1d[Malformed Packet]");
        assert!(p
            .notes
            .iter()
            .any(|n| n.message.contains("option 12 runs past the end")));
        let short = decode(&message(1, &[])[..100]);
        assert_eq!(
            short.info,
            "Boot Request from 02:78:00:00:00:02 (02:78:00:00:00:02)[Malformed Packet]"
        );
        assert_eq!(
            short.uint(Field::DhcpId),
            Some(0x3d1d),
            "fields read before the end stay"
        );
        assert_eq!(decode(&[]).info, "Unknown BOOTP message type[Malformed Packet]");
    }

    #[test]
    fn any_options_after_a_good_header_decode_without_panicking() {
        // A small generator: every option code and length, runs past the end included.
        let mut next = crate::decode::app::testing::noise(0x2545_f491_4f6c_dd1d);
        for _ in 0..2000 {
            let len = (next() % 80) as usize;
            let options: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            let msg = message((next() % 3) as u8, &options);
            let p = decode(&msg);
            assert!(p.protocol == "DHCP" || p.protocol == "BOOTP");
            let cut = (next() as usize) % (msg.len() + 1);
            decode(&msg[..cut]);
        }
    }

    #[test]
    fn lists_and_request_items_give_one_value_each() {
        let p = decode(&message(
            2,
            &[53, 1, 5, 6, 8, 10, 0, 0, 1, 10, 0, 0, 2, 55, 3, 1, 3, 6, 255, 0, 0],
        ));
        assert_eq!(p.values(Field::DhcpOptionDomainNameServer).count(), 2);
        let items: Vec<_> = p.values(Field::DhcpOptionRequestListItem).cloned().collect();
        assert_eq!(items, [Value::U(1), Value::U(3), Value::U(6)]);
        assert_eq!(p.value(Field::DhcpOptionPadding), Some(&Value::Bytes(vec![0, 0])));
    }
}
