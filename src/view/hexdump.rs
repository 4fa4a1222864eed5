//! Frame bytes as tshark's `-x` shows them: offset, 16 hex bytes, printable ASCII.

use std::fmt::Write as _;

pub fn render(bytes: &[u8], out: &mut Vec<u8>) {
    let mut text = String::new();
    for (row, chunk) in bytes.chunks(16).enumerate() {
        let _ = write!(text, "{:04x}  ", row * 16);
        for i in 0..16 {
            match chunk.get(i) {
                Some(b) => {
                    let _ = write!(text, "{b:02x} ");
                }
                None => text.push_str("   "),
            }
        }
        text.push_str("  ");
        for &b in chunk {
            text.push(if b.is_ascii_graphic() || b == b' ' {
                b as char
            } else {
                '.'
            });
        }
        text.push('\n');
    }
    out.extend_from_slice(text.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_of_sixteen_with_printable_ascii_only() {
        let mut out = Vec::new();
        let mut bytes = b"GET / HTTP/1.1\r\n".to_vec();
        bytes.push(0x1b);
        render(&bytes, &mut out);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "0000  47 45 54 20 2f 20 48 54 54 50 2f 31 2e 31 0d 0a   GET / HTTP/1.1..\n\
             0010  1b                                                .\n"
        );
    }
}
