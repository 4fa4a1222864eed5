//! NTP (UDP 123; RFC 5905) time messages, named as tshark 4.0 names them: Protocol
//! `NTP`, Info `NTP Version 4, client`, and the header's fields. Control (mode 6) and
//! private (mode 7) messages have other layouts: they are left to UDP, undecoded.

use super::Out;
use crate::decode::{Field, Proto, Value};

/// The fixed header of a time message.
const HEADER_LEN: usize = 48;

fn mode_name(mode: u8) -> &'static str {
    match mode {
        1 => "symmetric active",
        2 => "symmetric passive",
        3 => "client",
        4 => "server",
        _ => "broadcast",
    }
}

/// Decodes a datagram to or from port 123 when it is a time message; returns whether
/// it was one.
pub fn datagram(msg: &[u8], out: &mut Out) -> bool {
    let Some(header) = msg.get(..HEADER_LEN) else {
        return false;
    };
    let flags = header[0];
    let (leap, version, mode) = (flags >> 6, (flags >> 3) & 0x7, flags & 0x7);
    if !(1..=5).contains(&mode) {
        return false;
    }
    out.message(Proto::Ntp, "NTP");
    out.info_fmt(format_args!("NTP Version {version}, {}", mode_name(mode)));
    out.uint(Field::NtpFlags, flags);
    out.uint(Field::NtpFlagsLi, leap);
    out.uint(Field::NtpFlagsVn, version);
    out.uint(Field::NtpFlagsMode, mode);
    out.uint(Field::NtpStratum, header[1]);
    out.uint(Field::NtpPpoll, header[2]);
    out.uint(Field::NtpPrecision, header[3]);
    let be32 = |at: usize| u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]]);
    out.uint(Field::NtpRootdelay, be32(4));
    out.uint(Field::NtpRootdispersion, be32(8));
    out.field(Field::NtpRefid, Value::Bytes(header[12..16].to_vec()));
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::app::testing::{packet, values};

    #[test]
    fn time_messages_are_named_by_version_and_mode() {
        let mut msg = vec![0u8; HEADER_LEN];
        msg[0] = 0x23;
        msg[1] = 2;
        msg[3] = 0xec;
        let mut p = packet(1);
        assert!(datagram(&msg, &mut Out::new(&mut p, 0, 42)));
        assert_eq!((p.protocol, p.info.as_str()), ("NTP", "NTP Version 4, client"));
        assert_eq!(values(&p, Field::NtpFlags), ["0x23"]);
        assert_eq!(values(&p, Field::NtpPrecision), ["236"]);
        msg[0] = 0x1c;
        let mut server = packet(2);
        datagram(&msg, &mut Out::new(&mut server, 0, 42));
        assert_eq!(server.info, "NTP Version 3, server");
    }

    #[test]
    fn control_private_and_short_messages_are_not_claimed() {
        let mut msg = vec![0u8; HEADER_LEN];
        for flags in [0x16u8, 0x17, 0x20] {
            msg[0] = flags;
            assert!(!datagram(&msg, &mut Out::new(&mut packet(1), 0, 42)), "{flags:#x}");
        }
        assert!(!datagram(&[0x23; 47], &mut Out::new(&mut packet(1), 0, 42)));
    }
}
