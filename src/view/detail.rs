//! The packet detail (`--detail N`, `-V`): each protocol layer with its fields, by
//! their display-filter names, and the notes decoders left on the packet.

use std::fmt::Write as _;

use super::{address_text, MacNames};
use crate::decode::field::{format_mac, Field, Kind, Value};
use crate::decode::{Packet, Proto, Severity};

/// Writes the detail of one packet.
pub fn render(p: &Packet, names: &MacNames, out: &mut Vec<u8>) {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "Frame {}: {} bytes on wire ({} bits), {} bytes captured ({} bits)",
        p.number,
        p.orig_len,
        u64::from(p.orig_len) * 8,
        p.cap_len,
        u64::from(p.cap_len) * 8
    );
    // frame.* first (frame.protocols is added last, once the layers are known).
    // The frame's bytes are shown by --hex, not as a field.
    let (frame_fields, others): (Vec<_>, Vec<_>) = p
        .fields
        .iter()
        .filter(|(f, _)| *f != Field::WirelabFrameBytes)
        .partition(|(f, _)| Proto::of_field(*f) == Some(Proto::Frame));
    let mut layer = 0;
    for (field, value) in frame_fields.into_iter().chain(others) {
        // Move on to the field's layer when it is a later one (several IP layers in an
        // ICMP error, HTTP fields under SSDP stay where they are).
        if let Some(proto) = Proto::of_field(*field) {
            if let Some(next) = p.layers[layer..].iter().position(|l| l.proto.holds_fields_of(proto)) {
                if next > 0 {
                    layer += next;
                    let _ = writeln!(text, "{}", heading(p, layer, names));
                }
            }
        }
        let shown = match value {
            Value::Ether(mac) => {
                let name = names.name(mac);
                let hex = format_mac(mac);
                if name == hex {
                    hex
                } else {
                    format!("{hex} ({name})")
                }
            }
            Value::Bytes(_) if field.kind() == Kind::Oid => {
                let dotted = value.to_field_string(Kind::Oid);
                match crate::decode::app::x509::oid_name(&dotted) {
                    Some(name) => format!("{dotted} ({name})"),
                    None => dotted,
                }
            }
            Value::Bytes(b) if b.len() > 32 => format!("{} bytes", b.len()),
            other => other.to_field_string(field.kind()),
        };
        let _ = writeln!(text, "    {}: {shown}", field.name());
    }
    for l in p.layers.iter().skip(layer + 1).filter(|l| !l.proto.names_only()) {
        let _ = writeln!(text, "{}", l.proto.title());
    }
    for note in &p.notes {
        let severity = match note.severity {
            Severity::Note => "Note",
            Severity::Warning => "Warning",
            Severity::Error => "Error",
        };
        let _ = writeln!(text, "[{severity} ({})]: {}", note.proto.filter_name(), note.message);
    }
    out.extend_from_slice(text.as_bytes());
}

fn heading(p: &Packet, layer: usize, names: &MacNames) -> String {
    let proto = p.layers[layer].proto;
    let title = proto.title();
    let is_network = matches!(proto, Proto::Ip | Proto::Ipv6);
    let is_innermost_network = !p.layers[layer + 1..]
        .iter()
        .any(|l| matches!(l.proto, Proto::Ip | Proto::Ipv6));
    if is_network && is_innermost_network {
        let (src, dst) = (address_text(&p.src, names), address_text(&p.dst, names));
        return format!("{title}, Src: {src}, Dst: {dst}");
    }
    title.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{Frame, LinkType};
    use crate::decode::Decoder;

    #[test]
    fn layers_with_their_fields_and_notes() {
        // An ARP request on Ethernet, cut short by two bytes.
        let mut data = vec![0xff; 6];
        data.extend([0x00, 0x50, 0x56, 0xa1, 0x10, 0x15, 0x08, 0x06]);
        data.extend([0, 1, 8, 0, 6, 4, 0, 1, 0x00, 0x50, 0x56, 0xa1, 0x10, 0x15, 10, 0, 0, 1]);
        data.extend([0; 6]);
        data.extend([10, 0]);
        let frame = Frame {
            number: 1,
            ts_ns: 0,
            previous_ts_ns: None,
            orig_len: data.len() as u32 + 2,
            linktype: LinkType::Ethernet,
            interface: None,
            data: &data,
        };
        let packet = Decoder::new().decode(&frame);
        let mut out = Vec::new();
        render(&packet, &MacNames::none(), &mut out);
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("Frame 1: 42 bytes on wire (336 bits), 40 bytes captured (320 bits)\n"),
            "{text}"
        );
        assert!(
            text.contains("\nEthernet II\n    eth.dst: ff:ff:ff:ff:ff:ff\n"),
            "{text}"
        );
        assert!(text.contains("\nAddress Resolution Protocol\n"), "{text}");
        assert!(text.contains("[Warning (arp)]"), "{text}");
    }
}
