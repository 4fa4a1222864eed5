//! The NetBIOS session service framing (RFC 1002 4.3) that carries SMB on TCP 139 and
//! 445: a 4-byte header (type, length) before each message. Messages are reassembled
//! across segments; a segment can hold several.

use super::smb2::{self, Smb2State};
use super::{Dir, Out, Pending};
use crate::decode::field::Field;
use crate::decode::packet::{Proto, Severity};

/// The largest message accepted (SMB2 messages stay far below this).
const MAX_MESSAGE: usize = 1 << 24;

#[derive(Debug, Default)]
pub struct Conversation {
    pending: [Pending; 2],
    lost: [bool; 2],
    smb2: Smb2State,
}

fn message_type_name(message_type: u8) -> &'static str {
    match message_type {
        0x00 => "Session message",
        0x81 => "Session request",
        0x82 => "Positive session response",
        0x83 => "Negative session response",
        0x84 => "Retarget session response",
        0x85 => "Session keep-alive",
        _ => "Unknown",
    }
}

impl Conversation {
    pub fn feed(&mut self, dir: Dir, bytes: &[u8], out: &mut Out) {
        let d = dir as usize;
        if self.lost[d] {
            if !bytes.is_empty() {
                out.message(Proto::Nbss, "NBSS");
                out.info_part("NBSS Continuation Message");
            }
            return;
        }
        if !self.pending[d].push(bytes) {
            self.pending[d].clear();
            self.lost[d] = true;
            out.message(Proto::Nbss, "NBSS");
            out.info_part("NBSS Continuation Message");
            super::buffers_full(out, Proto::Nbss);
            return;
        }
        // The messages are read where they lie: the bytes are taken out of the
        // conversation while its SMB2 state reads them.
        let mut pending = std::mem::take(&mut self.pending[d]);
        self.read_messages(d, &mut pending, out);
        self.pending[d] = pending;
    }

    fn read_messages(&mut self, d: usize, pending: &mut Pending, out: &mut Out) {
        loop {
            let buf = pending.bytes();
            if buf.len() < 4 {
                break;
            }
            let message_type = buf[0];
            let length = (usize::from(buf[1]) << 16) | (usize::from(buf[2]) << 8) | usize::from(buf[3]);
            if message_type_name(message_type) == "Unknown" || length > MAX_MESSAGE {
                let n = buf.len();
                pending.consume(n);
                self.lost[d] = true;
                out.message(Proto::Nbss, "NBSS");
                out.info_part("NBSS Continuation Message");
                out.note(
                    Severity::Warning,
                    Proto::Nbss,
                    "bytes that are not a NetBIOS session message",
                );
                break;
            }
            if buf.len() < 4 + length {
                break;
            }
            let message = &buf[4..4 + length];
            out.message(Proto::Nbss, "NBSS");
            out.uint(Field::NbssType, message_type);
            out.uint(Field::NbssLength, length as u64);
            if message_type == 0 && !message.is_empty() {
                self.session_message(message, out);
            } else {
                out.info_part(message_type_name(message_type));
            }
            pending.consume(4 + length);
        }
    }

    fn session_message(&mut self, message: &[u8], out: &mut Out) {
        match message.get(..4) {
            Some([0xfe, b'S', b'M', b'B']) => self.smb2.message(message, out),
            Some([0xfd, b'S', b'M', b'B']) => {
                out.message(Proto::Smb2, "SMB2");
                out.info_part("Encrypted SMB3");
            }
            Some([0xff, b'S', b'M', b'B']) => smb2::smb1(message, out),
            _ => out.info_part("Session message"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::app::testing::packet;

    #[test]
    fn a_message_spanning_segments_and_smb1() {
        let mut smb1 = vec![0xff, b'S', b'M', b'B', 0x72, 0, 0, 0, 0, 0x00];
        smb1.resize(32, 0);
        let mut framed = vec![0, 0, 0, smb1.len() as u8];
        framed.extend(&smb1);
        let mut conv = Conversation::default();
        let mut first = packet(1);
        conv.feed(Dir::ToServer, &framed[..10], &mut Out::new(&mut first, 0, 0));
        assert_eq!(first.protocol, "");
        let mut second = packet(2);
        conv.feed(Dir::ToServer, &framed[10..], &mut Out::new(&mut second, 0, 0));
        assert_eq!(second.protocol, "SMB");
        assert_eq!(second.info, "Negotiate Protocol Request");
    }

    #[test]
    fn keep_alives_and_garbage() {
        let mut conv = Conversation::default();
        let mut p = packet(1);
        conv.feed(Dir::ToServer, &[0x85, 0, 0, 0], &mut Out::new(&mut p, 0, 0));
        assert_eq!(p.info, "Session keep-alive");
        let mut p = packet(2);
        conv.feed(
            Dir::ToClient,
            b"\x42 not a session message",
            &mut Out::new(&mut p, 0, 0),
        );
        assert_eq!(p.info, "NBSS Continuation Message");
    }
}
