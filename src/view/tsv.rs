//! `--format tsv`: exactly the seven list columns, tab-separated, one line per frame, no
//! header. Tabs inside Info cannot occur: Info text is escaped (`\t`).

use super::{push_address, push_time, MacNames, PacketFormat};
use crate::decode::text::push_num;
use crate::decode::Packet;

pub struct Tsv {
    names: MacNames,
    /// The line being built, reused from packet to packet.
    line: String,
}

impl Tsv {
    pub fn new(names: MacNames) -> Self {
        Tsv {
            names,
            line: String::with_capacity(256),
        }
    }
}

impl PacketFormat for Tsv {
    fn packet(&mut self, p: &Packet, out: &mut Vec<u8>) {
        let line = &mut self.line;
        line.clear();
        push_num(line, p.number);
        line.push('\t');
        push_time(line, p.rel_ns);
        line.push('\t');
        push_address(line, &p.src, &self.names);
        line.push('\t');
        push_address(line, &p.dst, &self.names);
        line.push('\t');
        line.push_str(p.protocol);
        line.push('\t');
        push_num(line, p.orig_len);
        line.push('\t');
        line.push_str(&p.info);
        line.push('\n');
        out.extend_from_slice(line.as_bytes());
    }
}
