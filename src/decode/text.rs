//! Text from the wire made safe to print: the escaping tshark 4.0 applies to Info and
//! string fields. Every byte that came from a capture goes through here before any
//! output, so a hostile URI or banner cannot move the cursor or change colours.

use std::fmt::Write as _;

/// Appends `bytes` to `out`: valid UTF-8 stays, invalid bytes become U+FFFD, and control
/// characters become C escapes (`\n`, `\t`...) or octal (`\033`, `\177`). C1 controls
/// (U+0080..U+009F), which some terminals obey, are written as octal of their bytes.
pub fn escape_bytes(bytes: &[u8], out: &mut String) {
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            push_char(c, out);
        }
        if !chunk.invalid().is_empty() {
            out.push('\u{fffd}');
        }
    }
}

/// Like [`escape_bytes`] for text already known to be UTF-8.
pub fn escape_str(s: &str, out: &mut String) {
    for c in s.chars() {
        push_char(c, out);
    }
}

/// A new escaped string.
pub fn escaped(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    escape_bytes(bytes, &mut out);
    out
}

fn push_char(c: char, out: &mut String) {
    match c {
        '\x07' => out.push_str("\\a"),
        '\x08' => out.push_str("\\b"),
        '\x0c' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\x0b' => out.push_str("\\v"),
        c if (c as u32) < 0x20 || c == '\x7f' => {
            let _ = write!(out, "\\{:03o}", c as u32);
        }
        c if (0x80..0xa0).contains(&(c as u32)) => {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "\\{b:03o}");
            }
        }
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_tshark() {
        assert_eq!(escaped(b"GET /\x1b[2J HTTP/1.1"), "GET /\\033[2J HTTP/1.1");
        assert_eq!(escaped(b"a\tb\r\n\x07\x08\x0b\x0c"), "a\\tb\\r\\n\\a\\b\\v\\f");
        assert_eq!(escaped(b"\x01\x7f"), "\\001\\177");
        assert_eq!(escaped("caf\u{e9}".as_bytes()), "caf\u{e9}");
        assert_eq!(escaped(b"ab\xffcd"), "ab\u{fffd}cd");
        assert_eq!(escaped("\u{9b}31m".as_bytes()), "\\302\\23331m");
    }
}
