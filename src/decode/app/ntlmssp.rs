//! NTLMSSP (MS-NLMP): the three messages of an NTLM logon, found raw or inside a
//! SPNEGO token by their `NTLMSSP\0` signature.

use super::Out;
use crate::decode::field::{Field, Value};
use crate::decode::packet::{Proto, Severity};
use crate::decode::text::utf16le_lossy;

const SIGNATURE: &[u8; 8] = b"NTLMSSP\0";
const NEGOTIATE_UNICODE: u32 = 0x0000_0001;

/// Finds an NTLMSSP message in a security blob (raw, or wrapped in GSS-API/SPNEGO DER:
/// the signature is searched for rather than the DER walked, as every wrapper keeps
/// the message contiguous).
pub fn find(blob: &[u8]) -> Option<&[u8]> {
    let at = find_bytes(blob, SIGNATURE)?;
    Some(&blob[at..])
}

/// Where `needle` first starts in a short haystack: its first byte found by `memchr`,
/// the rest compared (a `memmem` searcher costs more to build than a blob to scan).
fn find_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memchr_iter(needle[0], haystack).find(|&at| haystack[at..].starts_with(needle))
}

/// Decodes an SMB2 security blob: GSS-API and SPNEGO around an NTLMSSP message, or the
/// message alone; returns the message's Info text. The layers are tshark's: a SPNEGO
/// token's mechListMIC holds an NTLMSSP verifier, which tshark shows as NTLMSSP too
/// (after the message, when the token has one).
pub fn security_blob(blob: &[u8], out: &mut Out) -> Option<String> {
    if blob.is_empty() {
        return None;
    }
    if !blob.starts_with(SIGNATURE) {
        out.layer(Proto::GssApi);
        out.layer(Proto::Spnego);
    }
    let text = find(blob).and_then(|msg| decode(msg, out));
    if has_ntlmssp_verifier(blob) {
        out.nested_layer(Proto::NtlmsspVerifier);
    }
    text
}

/// Does a SPNEGO token carry a mechListMIC that is an NTLMSSP verifier (an OCTET STRING
/// of 16 bytes starting with version 1: `a3 12 04 10 01 00 00 00`)?
fn has_ntlmssp_verifier(token: &[u8]) -> bool {
    find_bytes(token, &[0xa3, 0x12, 0x04, 0x10, 0x01, 0x00, 0x00, 0x00]).is_some()
}

/// Decodes one message; returns its Info text (`NTLMSSP_AUTH, User: LAB\jdoe`).
pub fn decode(msg: &[u8], out: &mut Out) -> Option<String> {
    let le32 = |at: usize| {
        msg.get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let message_type = le32(8)?;
    out.layer(Proto::Ntlmssp);
    out.uint(Field::NtlmsspMessagetype, message_type);
    match message_type {
        1 => {
            if let Some(flags) = le32(12) {
                out.uint(Field::NtlmsspNegotiateflags, flags);
            }
            Some("NTLMSSP_NEGOTIATE".into())
        }
        2 => {
            if let Some(flags) = le32(20) {
                out.uint(Field::NtlmsspNegotiateflags, flags);
            }
            if let Some(challenge) = msg.get(24..32) {
                out.field(Field::NtlmsspNtlmserverchallenge, Value::Bytes(challenge.to_vec()));
            }
            Some("NTLMSSP_CHALLENGE".into())
        }
        3 => {
            let flags = le32(60).unwrap_or(0);
            out.uint(Field::NtlmsspNegotiateflags, flags);
            let unicode = flags & NEGOTIATE_UNICODE != 0;
            let string_at = |field_at: usize| -> Option<String> {
                let len = usize::from(u16::from_le_bytes([*msg.get(field_at)?, *msg.get(field_at + 1)?]));
                let offset = le32(field_at + 4)? as usize;
                let bytes = msg.get(offset..offset.checked_add(len)?)?;
                Some(if unicode {
                    utf16le_lossy(bytes)
                } else {
                    String::from_utf8_lossy(bytes).into_owned()
                })
            };
            let (domain, user, host) = (string_at(28), string_at(36), string_at(44));
            if user.is_none() {
                out.note(
                    Severity::Warning,
                    Proto::Ntlmssp,
                    "NTLMSSP_AUTH names fall outside the message",
                );
            }
            // A string of length 0 is "NULL" in the fields (as tshark: an anonymous
            // logon's user, a domain left out), and nothing in Info; one outside the
            // message is empty.
            let shown = |text: &Option<String>| match text.as_deref() {
                Some("") => "NULL".to_string(),
                other => other.unwrap_or_default().to_string(),
            };
            out.str(Field::NtlmsspAuthDomain, shown(&domain));
            out.str(Field::NtlmsspAuthUsername, shown(&user));
            if host.is_some() {
                out.str(Field::NtlmsspAuthHostname, shown(&host));
            }
            let (domain, user) = (domain.unwrap_or_default(), user.unwrap_or_default());
            Some(format!("NTLMSSP_AUTH, User: {domain}\\{user}"))
        }
        other => Some(format!("NTLMSSP message type 0x{other:08x}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_message_inside_spnego() {
        let mut blob = vec![0xa1, 0x81, 0x20, 0x30, 0x04, 0xa2, 0x02, 0x04, 0x00];
        blob.extend_from_slice(b"NTLMSSP\0\x01\0\0\0");
        assert_eq!(&find(&blob).unwrap()[..8], SIGNATURE);
        assert!(find(b"no ntlm here").is_none());
    }
}
