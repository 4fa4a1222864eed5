//! Names a filter may give instead of a number, as Wireshark's value strings allow
//! (`smb2.nt_status == STATUS_LOGON_FAILURE`, `tls.handshake.type == "Client Hello"`):
//! each from the table the decoders print names with, matched case-insensitively.

use super::app::{dhcp, ntstatus, smb2, tls};
use super::field::Field;
use super::ip;

/// The value `name` stands for in `field`, if the field has names and this is one.
pub fn value_of(field: Field, name: &str) -> Option<u64> {
    let unique = |mut candidates: Vec<u64>| (candidates.len() == 1).then(|| candidates.remove(0));
    let same = |text: &str| text.eq_ignore_ascii_case(name);
    match field {
        // A name every unknown code falls back to stands for none of them.
        Field::TlsHandshakeType => unique(
            (0..=255u8)
                .filter(|&t| same(tls::handshake_name(t)))
                .map(u64::from)
                .collect(),
        ),
        Field::Smb2Cmd => unique(
            (0..=18u16)
                .filter(|&c| same(smb2::command_name(c)))
                .map(u64::from)
                .collect(),
        ),
        Field::IpProto => unique(
            (0..=255u8)
                .filter(|&p| same(ip::proto_name(p)))
                .map(u64::from)
                .collect(),
        ),
        Field::Smb2NtStatus => ntstatus::NAMES
            .iter()
            .find(|(_, n)| same(n))
            .map(|(v, _)| u64::from(*v)),
        Field::TlsRecordContentType => table(&CONTENT_TYPES, name),
        Field::ArpOpcode => table(&ARP_OPCODES, name),
        Field::NtlmsspMessagetype => table(&NTLMSSP_TYPES, name),
        Field::EthType => super::ethertypes::NAMES
            .iter()
            .find(|(_, n)| same(n))
            .map(|(t, _)| u64::from(*t)),
        Field::DhcpOptionDhcp => unique(
            (1..=255u8)
                .filter(|&t| same(dhcp::message_type_name(t)))
                .map(u64::from)
                .collect(),
        ),
        Field::DhcpType => table(&BOOTP_TYPES, name),
        _ => None,
    }
}

/// The fields [`value_of`] knows names for.
const NAMED: [Field; 10] = [
    Field::TlsHandshakeType,
    Field::Smb2Cmd,
    Field::IpProto,
    Field::Smb2NtStatus,
    Field::TlsRecordContentType,
    Field::ArpOpcode,
    Field::NtlmsspMessagetype,
    Field::EthType,
    Field::DhcpOptionDhcp,
    Field::DhcpType,
];

/// Does the field give its values names (that [`value_of`] reads)?
pub fn has_names(field: Field) -> bool {
    NAMED.contains(&field)
}

fn table(names: &[(u64, &str)], name: &str) -> Option<u64> {
    names
        .iter()
        .find(|(_, n)| n.eq_ignore_ascii_case(name))
        .map(|(v, _)| *v)
}

const CONTENT_TYPES: [(u64, &str); 5] = [
    (20, "Change Cipher Spec"),
    (21, "Alert"),
    (22, "Handshake"),
    (23, "Application Data"),
    (24, "Heartbeat"),
];

const ARP_OPCODES: [(u64, &str); 4] = [
    (1, "request"),
    (2, "reply"),
    (3, "reverse request"),
    (4, "reverse reply"),
];

const NTLMSSP_TYPES: [(u64, &str); 3] = [(1, "NTLMSSP_NEGOTIATE"), (2, "NTLMSSP_CHALLENGE"), (3, "NTLMSSP_AUTH")];

const BOOTP_TYPES: [(u64, &str); 2] = [(1, "Boot Request"), (2, "Boot Reply")];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stand_for_their_values_whatever_the_case() {
        assert_eq!(value_of(Field::TlsHandshakeType, "client hello"), Some(1));
        assert_eq!(value_of(Field::TlsHandshakeType, "Certificate"), Some(11));
        assert_eq!(value_of(Field::TlsHandshakeType, "Encrypted Handshake Message"), None);
        assert_eq!(value_of(Field::Smb2NtStatus, "STATUS_LOGON_FAILURE"), Some(0xc000_006d));
        assert_eq!(value_of(Field::Smb2Cmd, "Session Setup"), Some(1));
        assert_eq!(value_of(Field::Smb2Cmd, "Unknown"), None);
        assert_eq!(value_of(Field::IpProto, "UDP"), Some(17));
        assert_eq!(value_of(Field::ArpOpcode, "Request"), Some(1));
        assert_eq!(value_of(Field::NtlmsspMessagetype, "ntlmssp_auth"), Some(3));
        assert_eq!(value_of(Field::TlsRecordContentType, "application data"), Some(23));
        assert_eq!(value_of(Field::TcpPort, "http"), None);
        assert_eq!(value_of(Field::DhcpOptionDhcp, "ack"), Some(5));
        assert_eq!(value_of(Field::DhcpOptionDhcp, "Unknown Message Type"), None);
        assert_eq!(value_of(Field::DhcpType, "Boot Reply"), Some(2));
        assert!(has_names(Field::Smb2Cmd) && !has_names(Field::TcpPort));
        // Every field said to have names has one of these: the list and the match agree.
        let names = [
            "Client Hello",
            "Session Setup",
            "TCP",
            "STATUS_SUCCESS",
            "Alert",
            "request",
            "NTLMSSP_AUTH",
            "ARP",
            "Discover",
            "Boot Request",
        ];
        for field in NAMED {
            assert!(names.iter().any(|n| value_of(field, n).is_some()), "{field:?}");
        }
    }
}
