//! `--format tsv`: exactly the seven list columns, tab-separated, one line per frame, no
//! header. Tabs inside Info cannot occur: Info text is escaped (`\t`).

use super::{push_address_bytes, push_time_bytes, MacNames, PacketFormat, SeenNames};
use crate::decode::text::push_num_bytes;
use crate::decode::Packet;

pub struct Tsv {
    names: MacNames,
    /// Address names already written.
    seen: SeenNames,
}

impl Tsv {
    pub fn new(names: MacNames) -> Self {
        Tsv {
            names,
            seen: SeenNames::default(),
        }
    }
}

impl PacketFormat for Tsv {
    /// Written straight into `out`: a line per frame, millions of them.
    fn packet(&mut self, p: &Packet, out: &mut Vec<u8>) {
        let info = p.info_text();
        out.reserve(96 + info.len());
        push_num_bytes(out, p.number);
        out.push(b'\t');
        push_time_bytes(out, p.rel_ns);
        out.push(b'\t');
        push_address_bytes(out, &p.src, &self.names, &mut self.seen);
        out.push(b'\t');
        push_address_bytes(out, &p.dst, &self.names, &mut self.seen);
        out.push(b'\t');
        out.extend_from_slice(p.protocol.as_bytes());
        out.push(b'\t');
        push_num_bytes(out, p.orig_len);
        out.push(b'\t');
        out.extend_from_slice(info.as_bytes());
        out.push(b'\n');
    }
}
