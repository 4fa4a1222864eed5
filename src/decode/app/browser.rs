//! The NetBIOS Datagram Service (UDP 138) and what Windows and Samba hosts send over it:
//! SMB mailslot writes to `\MAILSLOT\BROWSE` carrying the Browser protocol (host and
//! master announcements, elections). Named as tshark names them: Protocol `BROWSER`,
//! Info `Host Announcement NAME, Workstation, Server, ...`; a datagram that carries no
//! browser message is `NBDS`. Damage is a note and `[Malformed Packet]` in Info.
//!
//! Layout (RFC 1002 4.4, MS-SMB, MS-BRWS): a 14-byte datagram header and two encoded
//! NetBIOS names, then an SMB1 Transaction request whose data is the browser message.

use super::dns::netbios_name;
use super::Out;
use crate::decode::packet::Severity;
use crate::decode::{Field, Proto, Value};

/// Browser commands as tshark names them.
fn command_name(command: u8) -> String {
    match command {
        0x01 => "Host Announcement".into(),
        0x02 => "Request Announcement".into(),
        0x08 => "Browser Election Request".into(),
        0x09 => "Get Backup List Request".into(),
        0x0a => "Get Backup List Response".into(),
        0x0b => "Become Backup Browser".into(),
        0x0c => "Domain/Workgroup Announcement".into(),
        0x0d => "Master Announcement".into(),
        0x0e => "Reset Browser State Announcement".into(),
        0x0f => "Local Master Announcement".into(),
        other => format!("Unknown command:0x{other:02x}"),
    }
}

/// Server type bits, lowest first, as tshark lists them in Info.
fn server_type_name(bit: u32) -> String {
    let name = match bit {
        0 => "Workstation",
        1 => "Server",
        2 => "SQL Server",
        3 => "Domain Controller",
        4 => "Backup Controller",
        5 => "Time Source",
        6 => "Apple Server",
        7 => "Novell Server",
        8 => "Domain Member Server",
        9 => "Print Queue Server",
        10 => "Dialin Server",
        11 => "Xenix Server",
        12 => "NT Workstation",
        13 => "Windows for Workgroups",
        15 => "NT Server",
        16 => "Potential Browser",
        17 => "Backup Browser",
        18 => "Master Browser",
        19 => "Domain Master Browser",
        20 => "OSF",
        21 => "VMS",
        22 => "Windows 95 or above",
        23 => "DFS server",
        30 => "Local List Only",
        31 => "Domain Enum",
        other => return format!("Unknown server type:{other}"),
    };
    name.to_string()
}

/// NetBIOS datagram types (the first byte).
const DIRECT_UNIQUE: u8 = 0x10;
const BROADCAST: u8 = 0x12;

/// A length-checked view of the datagram.
struct Bytes<'a>(&'a [u8]);

impl<'a> Bytes<'a> {
    fn u8(&self, at: usize) -> Option<u8> {
        self.0.get(at).copied()
    }
    fn u16_le(&self, at: usize) -> Option<u16> {
        Some(u16::from_le_bytes(self.0.get(at..at + 2)?.try_into().ok()?))
    }
    fn u32_le(&self, at: usize) -> Option<u32> {
        Some(u32::from_le_bytes(self.0.get(at..at + 4)?.try_into().ok()?))
    }
    /// A NUL-terminated string from `at` (to the end if unterminated), at most `max` bytes.
    fn stringz(&self, at: usize, max: usize) -> Option<&'a [u8]> {
        let rest = self.0.get(at..)?;
        let rest = &rest[..rest.len().min(max)];
        Some(&rest[..rest.iter().position(|&b| b == 0).unwrap_or(rest.len())])
    }
}

/// Decodes a datagram on UDP 138 (an empty one is left to UDP).
pub fn nbdgm(payload: &[u8], out: &mut Out) -> bool {
    let d = Bytes(payload);
    let Some(kind) = d.u8(0) else {
        return false;
    };
    out.message(Proto::Nbdgm, "NBDS");
    out.uint(Field::NbdgmType, kind);
    out.info_part(&datagram_type_name(kind));
    if !(DIRECT_UNIQUE..=0x16).contains(&kind) {
        return true;
    }
    let Some(src) = payload.get(4..10) else {
        malformed(out, "NetBIOS datagram header cut short");
        return true;
    };
    out.uint(Field::NbdgmDgramId, u16::from_be_bytes([payload[2], payload[3]]));
    out.field(Field::NbdgmSrcIp, Value::Ipv4([src[0], src[1], src[2], src[3]].into()));
    out.uint(Field::NbdgmSrcPort, u16::from_be_bytes([src[4], src[5]]));
    // Data datagrams carry a source and a destination name after 4 more bytes; query
    // datagrams a destination name right away; an error datagram an error code.
    let (mut at, names) = match kind {
        DIRECT_UNIQUE..=BROADCAST => (14, &[Field::NbdgmSourceName, Field::NbdgmDestinationName][..]),
        0x14..=0x16 => (10, &[Field::NbdgmDestinationName][..]),
        _ => return true,
    };
    // Each name: a length byte (32), the encoded name, a 0 label.
    for &field in names {
        let Some(encoded) = d.u8(at).and_then(|len| payload.get(at + 1..at + 1 + usize::from(len))) else {
            malformed(out, "NetBIOS name cut short");
            return true;
        };
        if let Some((name, _)) = netbios_name(encoded) {
            out.str(field, name);
        }
        at += 1 + encoded.len() + 1;
    }
    if let Some(smb) = payload.get(at..).filter(|_| kind <= BROADCAST) {
        mailslot(smb, out);
    }
    true
}

fn datagram_type_name(kind: u8) -> String {
    match kind {
        0x10 => "Direct_unique datagram".into(),
        0x11 => "Direct_group datagram".into(),
        0x12 => "Broadcast datagram".into(),
        0x13 => "Datagram error".into(),
        0x14 => "Datagram query request".into(),
        0x15 => "Datagram positive query response".into(),
        0x16 => "Datagram negative query response".into(),
        other => format!("Unknown message type (0x{other:02x})"),
    }
}

/// Marks the frame as tshark does (`...[Malformed Packet]`) and says why in a note.
fn malformed(out: &mut Out, why: &str) {
    out.info("[Malformed Packet]");
    out.note(Severity::Error, Proto::Nbdgm, why);
}

/// An SMB1 Transaction request to a mailslot: the browser message is its data.
fn mailslot(smb: &[u8], out: &mut Out) {
    const HEADER: usize = 32;
    let m = Bytes(smb);
    if !smb.starts_with(b"\xffSMB") {
        return;
    }
    if m.u8(4) != Some(0x25) {
        // Another SMB1 command over a datagram: named, not decoded further.
        super::smb2::smb1(smb, out);
        return;
    }
    // Each layer that decodes takes the columns: SMB, then the mailslot, then BROWSER.
    out.message(Proto::Smb, "SMB");
    out.clear_info();
    out.info_part("Trans Request");
    out.uint(Field::SmbCmd, 0x25u8);
    // Transaction words: data count and offset are words 11 and 12; three setup words
    // (opcode, priority, class) follow word 13; then the byte count and the name.
    // A mailslot write has 17 words: 14 of the transaction and 3 of setup.
    let Some(words) = m.u8(HEADER).map(usize::from).filter(|&w| w >= 17) else {
        malformed(out, "SMB transaction too short for a mailslot write");
        return;
    };
    let (Some(count), Some(offset), Some(opcode)) = (
        m.u16_le(HEADER + 1 + 2 * 11),
        m.u16_le(HEADER + 1 + 2 * 12),
        m.u16_le(HEADER + 1 + 2 * 14),
    ) else {
        return;
    };
    let name_at = HEADER + 1 + 2 * words + 2;
    let Some(name) = m.stringz(name_at, 256) else {
        return;
    };
    out.message(Proto::Mailslot, "SMB Mailslot");
    out.clear_info();
    out.info_part(match opcode {
        1 => "Write Mail Slot",
        _ => "Interim reply",
    });
    out.uint(Field::MailslotOpcode, opcode);
    let name_text = String::from_utf8_lossy(name).into_owned();
    out.str(Field::MailslotName, name_text.as_str());
    if name_text != "\\MAILSLOT\\BROWSE" {
        return;
    }
    // Data past the end: what is there is decoded, and the frame marked.
    let start = usize::from(offset).min(smb.len());
    let end = (start + usize::from(count)).min(smb.len());
    browser(&smb[start..end], out);
    if end - start < usize::from(count) {
        malformed(out, "the browser message runs past the end of the datagram");
    }
}

/// A browser message: its command, and the names and server types it announces.
fn browser(data: &[u8], out: &mut Out) {
    let b = Bytes(data);
    let Some(command) = b.u8(0) else {
        return;
    };
    out.message(Proto::Browser, "BROWSER");
    out.clear_info();
    out.uint(Field::BrowserCommand, command);
    let mut info = command_name(command);
    match command {
        // Host, domain and local master announcements: update count, periodicity,
        // a 16-byte name, OS version, server type flags.
        0x01 | 0x0c | 0x0f => {
            if let Some(name) = b.stringz(6, 16) {
                let name = String::from_utf8_lossy(name).into_owned();
                info.push(' ');
                info.push_str(&name);
                out.str(Field::BrowserServer, name);
            }
            if let Some(types) = b.u32_le(24) {
                out.uint(Field::BrowserServerType, types);
                for bit in (0..32).filter(|bit| types & (1 << bit) != 0) {
                    info.push_str(", ");
                    info.push_str(&server_type_name(bit));
                }
            }
        }
        // Request announcement: flags, then who asks.
        0x02 => {
            if let Some(name) = b.stringz(2, usize::MAX) {
                let name = String::from_utf8_lossy(name).into_owned();
                info.push(' ');
                info.push_str(&name);
                out.str(Field::BrowserResponseComputerName, name);
            }
        }
        // Election: version, criteria, uptime, 4 reserved bytes, the candidate's name.
        0x08 => {
            if let Some(name) = b.stringz(14, usize::MAX) {
                out.str(Field::BrowserServer, String::from_utf8_lossy(name).into_owned());
            }
        }
        _ => {}
    }
    let mut escaped = String::new();
    crate::decode::text::escape_str(&info, &mut escaped);
    out.info_part(&escaped);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_types_and_commands_are_named_as_tshark_names_them() {
        assert_eq!(command_name(0x0f), "Local Master Announcement");
        assert_eq!(command_name(0x42), "Unknown command:0x42");
        assert_eq!(server_type_name(23), "DFS server");
        assert_eq!(server_type_name(14), "Unknown server type:14");
    }

    /// Frame 113 of captures/ftp-active.pcapng: Samba's browser election on LAB<1e>.
    const ELECTION: &str = "110a6cb30a141e0a008a00b00000204547454a454d45464644464346474341434143414341434143414341\
        434141410020454d45424543434143414341434143414341434143414341434143414341424f00ff534d422500\
        0000000000000000000000000000000000000000000000000000110000160000000000000000000000000000\
        000000000016005600030001000100020027005c4d41494c534c4f545c42524f575345000801020f01147017\
        00000000000046494c4553525600";

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    fn decode(bytes: &[u8]) -> (bool, crate::decode::Packet) {
        let mut packet = crate::decode::app::testing::packet(1);
        let claimed = nbdgm(bytes, &mut Out::new(&mut packet, 0, 0));
        (claimed, packet)
    }

    #[test]
    fn a_samba_election_reads_as_tshark_reads_it() {
        let (claimed, p) = decode(&hex(ELECTION));
        assert!(claimed);
        assert_eq!((p.protocol, p.info.as_str()), ("BROWSER", "Browser Election Request"));
        let value = |f| crate::decode::app::testing::values(&p, f).join(",");
        assert_eq!(value(Field::NbdgmSourceName), "FILESRV<00>");
        assert_eq!(value(Field::NbdgmDestinationName), "LAB<1e>");
        assert_eq!(value(Field::NbdgmSrcIp), "10.20.30.10");
        assert_eq!(value(Field::MailslotName), "\\MAILSLOT\\BROWSE");
        assert_eq!(value(Field::BrowserCommand), "0x08");
        assert_eq!(value(Field::BrowserServer), "FILESRV");
    }

    #[test]
    fn every_cut_of_a_datagram_decodes_without_panicking() {
        let full = hex(ELECTION);
        for end in 0..full.len() {
            let (_, p) = decode(&full[..end]);
            // Every cut names as much as it holds: never plain UDP once there is a byte.
            assert!(
                end == 0 || ["NBDS", "SMB", "SMB Mailslot", "BROWSER"].contains(&p.protocol),
                "{end}"
            );
            if end > 0 && end < full.len() {
                assert!(
                    p.info.ends_with("[Malformed Packet]") || p.protocol != "BROWSER",
                    "{end}: {}",
                    p.info
                );
            }
        }
        // A data offset and count pointing past the end are not followed; the frame is
        // marked.
        let mut bad = full.clone();
        let data_offset = 82 + 32 + 1 + 2 * 12;
        bad[data_offset] = 0xff;
        bad[data_offset + 1] = 0xff;
        let (_, p) = decode(&bad);
        assert_eq!(
            (p.protocol, p.info.as_str()),
            ("SMB Mailslot", "Write Mail Slot[Malformed Packet]")
        );
        assert!(!p.notes.is_empty());
    }

    #[test]
    fn views_never_read_past_the_end() {
        let b = Bytes(b"ab\0cd");
        assert_eq!(b.stringz(0, 10), Some(&b"ab"[..]));
        assert_eq!(b.stringz(3, 10), Some(&b"cd"[..]));
        assert_eq!(b.stringz(3, 1), Some(&b"c"[..]));
        assert_eq!(b.stringz(9, 1), None);
        assert_eq!(b.u32_le(2), None);
    }
}
