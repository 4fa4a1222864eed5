//! `--format tsv`: exactly the seven list columns, tab-separated, one line per frame, no
//! header. Tabs inside Info cannot occur: Info text is escaped (`\t`).

use super::{address_text, time_text, MacNames, PacketFormat};
use crate::decode::Packet;

pub struct Tsv {
    names: MacNames,
}

impl Tsv {
    pub fn new(names: MacNames) -> Self {
        Tsv { names }
    }
}

impl PacketFormat for Tsv {
    fn packet(&mut self, p: &Packet, out: &mut Vec<u8>) {
        let line = format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            p.number,
            time_text(p.rel_ns),
            address_text(&p.src, &self.names),
            address_text(&p.dst, &self.names),
            p.protocol,
            p.orig_len,
            p.info
        );
        out.extend_from_slice(line.as_bytes());
    }
}
