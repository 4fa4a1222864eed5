//! The NetBIOS session service framing (RFC 1002 4.3) that carries SMB on TCP 139 and
//! 445: a 4-byte header (type, length) before each message. Messages are reassembled
//! across segments; a segment can hold several.

use super::smb2::{self, Smb2State};
use super::{Dir, Out, Pending};
use crate::decode::field::Field;
use crate::decode::packet::{Proto, Severity};

/// The longest session message whose header tshark believes whatever follows it
/// (RFC 1002's 17 bits); a longer one must be followed by an SMB header.
const PLAUSIBLE_SESSION_MESSAGE: usize = 0x1ffff;

/// The largest message accepted (SMB2 messages stay far below this).
const MAX_MESSAGE: usize = 1 << 24;

#[derive(Debug, Default)]
pub struct Conversation {
    pending: [Pending; 2],
    lost: [bool; 2],
    smb2: Smb2State,
}

/// Do these bytes start an NBSS message, as tshark judges a header: a known type, a
/// length in bounds, and for a session message an SMB header after it (`None`: too
/// few bytes to tell yet).
fn plausible_header(buf: &[u8]) -> Option<bool> {
    let header = buf.get(..4)?;
    let length = (usize::from(header[1]) << 16) | (usize::from(header[2]) << 8) | usize::from(header[3]);
    if message_type_name(header[0]) == "Unknown" || length > MAX_MESSAGE {
        return Some(false);
    }
    if header[0] != 0 {
        return Some(true);
    }
    if length < 4 {
        // Too short to hold an SMB header.
        return Some(false);
    }
    let smb = || matches!(buf.get(4..8), Some([0xfc..=0xff, b'S', b'M', b'B']));
    if length > PLAUSIBLE_SESSION_MESSAGE {
        // Longer than NetBIOS allows: believed for SMB sent straight over TCP 445
        // (a large read), once its header is there to see.
        return if buf.len() < 8 { None } else { Some(smb()) };
    }
    // A whole session message on SMB's ports is SMB: one that is not is taken for the
    // middle of something else (a message still coming is believed).
    Some(buf.len() < 4 + length || smb())
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
            // tshark looks at each segment afresh: one that starts with a plausible
            // header picks up the messages again.
            if plausible_header(bytes) != Some(true) {
                if !bytes.is_empty() {
                    out.message(Proto::Nbss, "NBSS");
                    out.info_part("NBSS Continuation Message");
                }
                return;
            }
            self.lost[d] = false;
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
            let Some(plausible) = plausible_header(buf) else {
                break;
            };
            if !plausible {
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

    /// Headers tshark does not believe: a session message longer than NetBIOS allows,
    /// one too short for SMB, a whole one that holds no SMB; the next segment that
    /// starts with a believable header picks the messages up again.
    #[test]
    fn unbelievable_headers_are_continuations_until_a_believable_one() {
        let feed = |conv: &mut Conversation, frame: u64, bytes: &[u8]| {
            let mut p = packet(frame);
            conv.feed(Dir::ToServer, bytes, &mut Out::new(&mut p, 0, 0));
            p.info
        };
        let mut conv = Conversation::default();
        assert_eq!(
            feed(&mut conv, 1, b"\x00\x2e\x00\x31\x00\x30\x00\x41"),
            "NBSS Continuation Message"
        );
        let mut other = Conversation::default();
        assert_eq!(feed(&mut other, 1, &[0; 9]), "NBSS Continuation Message");
        let mut other = Conversation::default();
        assert_eq!(
            feed(&mut other, 1, b"\x00\x00\x00\x04abcd"),
            "NBSS Continuation Message"
        );
        // A message still coming is believed: its bytes wait.
        let mut other = Conversation::default();
        assert_eq!(feed(&mut other, 1, b"\x00\x01\x01\x00\x00\x00\x00\x00"), "");
        // So is an SMB message longer than NetBIOS allows (a large read over TCP 445),
        // not garbage of that length.
        let mut large = Conversation::default();
        assert_eq!(feed(&mut large, 1, b"\x00\x04\x93\xe0\xfeSMB@\x00"), "");
        let mut garbage = Conversation::default();
        assert_eq!(
            feed(&mut garbage, 1, b"\x00\x04\x93\xe0\x00\x30\x00\x41"),
            "NBSS Continuation Message"
        );
        // After the garbage, an SMB1 message in a segment of its own.
        let mut smb1 = vec![0xff, b'S', b'M', b'B', 0x72, 0, 0, 0, 0, 0x00];
        smb1.resize(32, 0);
        let mut framed = vec![0, 0, 0, smb1.len() as u8];
        framed.extend(&smb1);
        assert_eq!(feed(&mut conv, 2, &framed), "Negotiate Protocol Request");
    }
}
