//! Text from the wire made safe to print: the escaping tshark 4.0 applies to Info and
//! string fields. Every byte that came from a capture goes through here before any
//! output, so a hostile URI or banner cannot move the cursor or change colours.

use std::fmt::Write as _;

/// Appends `bytes` to `out`: valid UTF-8 stays, invalid sequences become U+FFFD, and
/// control characters become C escapes (`\n`, `\t`...) or octal (`\033`, `\177`). C1
/// controls (U+0080..U+009F), which some terminals obey, are written as octal of their
/// bytes.
///
/// Invalid sequences are counted as Wireshark counts them: a lead byte (including the
/// old 5- and 6-byte ones) with the continuation bytes that follow it is one U+FFFD.
pub fn escape_bytes(bytes: &[u8], out: &mut String) {
    let mut i = 0;
    while i < bytes.len() {
        // Most text is printable ASCII, which stays as it is: copied a run at a time.
        let run = printable_ascii_run(&bytes[i..]);
        if run > 0 {
            out.push_str(std::str::from_utf8(&bytes[i..i + run]).expect("ASCII"));
            i += run;
            continue;
        }
        let lead = bytes[i];
        let len = match lead {
            0x00..=0x7f => {
                push_char(lead as char, out);
                i += 1;
                continue;
            }
            0xc0..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf7 => 4,
            0xf8..=0xfb => 5,
            0xfc..=0xfd => 6,
            _ => {
                out.push('\u{fffd}');
                i += 1;
                continue;
            }
        };
        let continuation = bytes[i + 1..]
            .iter()
            .take(len - 1)
            .take_while(|b| (0x80..=0xbf).contains(*b))
            .count();
        let sequence = &bytes[i..i + 1 + continuation];
        match std::str::from_utf8(sequence) {
            Ok(text) if continuation == len - 1 => text.chars().for_each(|c| push_char(c, out)),
            _ => out.push('\u{fffd}'),
        }
        i += 1 + continuation;
    }
}

/// Like [`escape_bytes`] for text already known to be UTF-8.
pub fn escape_str(s: &str, out: &mut String) {
    let run = printable_ascii_run(s.as_bytes());
    out.push_str(&s[..run]);
    for c in s[run..].chars() {
        push_char(c, out);
    }
}

/// How many bytes at the start of `bytes` are printable ASCII (space to `~`).
fn printable_ascii_run(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    // Eight bytes at a time while none is below a space or above `~` (the "hasless" and
    // "hasmore" word tests: exact about whether such a byte is in the word, not where).
    let mut at = 0;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        let below_space = word.wrapping_sub(ONES * 0x20) & !word;
        let above_tilde = word.wrapping_add(ONES) | word;
        if (below_space | above_tilde) & HIGH_BITS != 0 {
            break;
        }
        at += 8;
    }
    let rest = &bytes[at..];
    at + rest
        .iter()
        .position(|b| !(b' '..=b'~').contains(b))
        .unwrap_or(rest.len())
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

/// `bytes` as text, invalid sequences replaced: `String::from_utf8_lossy`, with the
/// common case (valid, mostly ASCII text) checked by the faster `str::from_utf8`.
pub fn lossy(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// Appends an IPv4 address in dotted decimal (as its `Display`, which costs several
/// times more).
pub fn push_ipv4(out: &mut String, addr: std::net::Ipv4Addr) {
    let [a, b, c, d] = addr.octets();
    push_num(out, a);
    for octet in [b, c, d] {
        out.push('.');
        push_num(out, octet);
    }
}

/// Appends a number in decimal: the hot paths (Info text, packet lists) write millions
/// of them (a TCP line has six to eight).
pub fn push_num(out: &mut String, n: impl Into<u64>) {
    let n: u64 = n.into();
    if n >= MAX_SHORT {
        out.push_str(itoa::Buffer::new().format(n));
        return;
    }
    let (digits, start) = short_decimal(n);
    // SAFETY: only ASCII digits are appended, and the cut falls between two of them,
    // so the string stays UTF-8.
    let bytes = unsafe { out.as_mut_vec() };
    append_digits(bytes, &digits, start);
}

/// [`push_num`] into bytes.
pub fn push_num_bytes(out: &mut Vec<u8>, n: impl Into<u64>) {
    let n: u64 = n.into();
    if n >= MAX_SHORT {
        out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
        return;
    }
    let (digits, start) = short_decimal(n);
    append_digits(out, &digits, start);
}

/// How many decimal digits `n` has (1 for 0).
pub fn decimal_len(n: u64) -> usize {
    n.checked_ilog10().map_or(1, |log| log as usize + 1)
}

/// Numbers below this have at most 16 digits: [`short_decimal`] writes them.
const MAX_SHORT: u64 = 10_000_000_000_000_000;

/// Appends the digits `digits[start..16]` with a copy of 16 bytes cut short after: a
/// copy of fixed size compiles to a few moves, where one of any length calls `memcpy`.
#[inline(always)]
fn append_digits(out: &mut Vec<u8>, digits: &[u8; 32], start: usize) {
    out.extend_from_slice(&digits[start..start + 16]);
    out.truncate(out.len() - start);
}

/// `n` (below `MAX_SHORT`) in decimal, ending at index 16 of a buffer of ASCII zeros:
/// its digits are `[start..16]`.
#[inline(always)]
pub fn short_decimal(mut n: u64) -> ([u8; 32], usize) {
    let mut digits = [b'0'; 32];
    let mut start = 16;
    // Four digits a division while there are more than four (as `itoa` does).
    while n >= 10_000 {
        let four = (n % 10_000) as usize;
        n /= 10_000;
        let (high, low) = (four / 100 * 2, four % 100 * 2);
        start -= 4;
        digits[start..start + 2].copy_from_slice(&DIGIT_PAIRS[high..high + 2]);
        digits[start + 2..start + 4].copy_from_slice(&DIGIT_PAIRS[low..low + 2]);
    }
    if n >= 100 {
        let pair = (n % 100) as usize * 2;
        n /= 100;
        start -= 2;
        digits[start..start + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
    }
    if n >= 10 {
        let pair = n as usize * 2;
        start -= 2;
        digits[start..start + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
    } else {
        start -= 1;
        digits[start] = b'0' + n as u8;
    }
    (digits, start)
}

/// "00" to "99": two digits at a time.
pub const DIGIT_PAIRS: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// UTF-16LE text (SMB2 and NTLMSSP names): an odd last byte is dropped and invalid code
/// units are shown as U+FFFD, as `String::from_utf16_lossy` does, but decoded straight
/// into the string, with room for an ASCII name made at once.
pub fn utf16le_lossy(bytes: &[u8]) -> String {
    let units = bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]]));
    let mut text = String::with_capacity(bytes.len() / 2);
    text.extend(char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_names() {
        assert_eq!(utf16le_lossy(&[b'j', 0, b'd', 0, b'o', 0, b'e', 0]), "jdoe");
        // As `String::from_utf16_lossy` reads them: a surrogate pair, a lone surrogate,
        // an odd last byte.
        let units = [0x63, 0xd83d, 0xde00, 0xdc00, 0x00e9, 0xd800];
        let mut bytes: Vec<u8> = units.iter().flat_map(|u: &u16| u.to_le_bytes()).collect();
        bytes.push(b'x');
        assert_eq!(utf16le_lossy(&bytes), String::from_utf16_lossy(&units));
        assert_eq!(utf16le_lossy(&bytes), "c\u{1f600}\u{fffd}\u{e9}\u{fffd}");
    }

    #[test]
    fn lossy_text_is_borrowed_when_valid_and_replaced_as_std_does_when_not() {
        for bytes in [
            &b"USER anonymous"[..],
            "Hüttinger →".as_bytes(),
            b"\xff\xfeok",
            b"cut \xe2\x86",
            b"",
        ] {
            let text = lossy(bytes);
            assert_eq!(text, String::from_utf8_lossy(bytes));
            assert_eq!(
                matches!(text, std::borrow::Cow::Borrowed(_)),
                std::str::from_utf8(bytes).is_ok()
            );
        }
    }

    #[test]
    fn escapes_like_tshark() {
        assert_eq!(escaped(b"GET /\x1b[2J HTTP/1.1"), "GET /\\033[2J HTTP/1.1");
        assert_eq!(escaped(b"a\tb\r\n\x07\x08\x0b\x0c"), "a\\tb\\r\\n\\a\\b\\v\\f");
        assert_eq!(escaped(b"\x01\x7f"), "\\001\\177");
        assert_eq!(escaped("caf\u{e9}".as_bytes()), "caf\u{e9}");
        assert_eq!(escaped(b"ab\xffcd"), "ab\u{fffd}cd");
        // A 5-byte lead and its continuation byte are one replacement, as in Wireshark.
        assert_eq!(escaped(b"n\xfb\xbdQ"), "n\u{fffd}Q");
        assert_eq!(escaped(b"\xe2\x82"), "\u{fffd}");
        assert_eq!(escaped(b"\xbf\xbf"), "\u{fffd}\u{fffd}");
        assert_eq!(escaped("\u{9b}31m".as_bytes()), "\\302\\23331m");
    }

    #[test]
    fn printable_runs_end_at_the_first_byte_that_is_not() {
        // Every byte value, at every offset of a 20-byte run of printable text.
        for byte in 0..=255u8 {
            for at in 0..20 {
                let mut bytes = [b'a'; 20];
                bytes[at] = byte;
                let expected = if (b' '..=b'~').contains(&byte) { 20 } else { at };
                assert_eq!(printable_ascii_run(&bytes), expected, "{byte:#04x} at {at}");
            }
        }
        // Two odd bytes, whose carries and borrows could hide each other in a word.
        let naive = |b: &[u8]| b.iter().position(|b| !(b' '..=b'~').contains(b)).unwrap_or(b.len());
        let odd = [0x00, 0x01, 0x1f, 0x20, 0x21, 0x7e, 0x7f, 0x80, 0xa0, 0xfe, 0xff];
        for (first, second) in odd.iter().flat_map(|a| odd.iter().map(move |b| (*a, *b))) {
            for (i, j) in (0..17).flat_map(|i| (0..17).map(move |j| (i, j))) {
                let mut bytes = [b'~'; 17];
                bytes[i] = first;
                bytes[j] = second;
                assert_eq!(printable_ascii_run(&bytes), naive(&bytes), "{bytes:?}");
            }
        }
        assert_eq!(printable_ascii_run(b""), 0);
        assert_eq!(printable_ascii_run(b" ~ ~ ~ ~ ~"), 10);
    }

    #[test]
    fn numbers_read_as_their_display_at_every_length() {
        let mut numbers = vec![0, u64::MAX, MAX_SHORT - 1, MAX_SHORT];
        for digits in 1..20 {
            let power = 10u64.pow(digits);
            numbers.extend([power - 1, power, power + 1, power / 2 + 37]);
        }
        for n in numbers {
            // After text that is not ASCII: the cut must keep it whole.
            let mut text = String::from("é→");
            push_num(&mut text, n);
            assert_eq!(text, format!("é→{n}"));
            let mut bytes = b"x".to_vec();
            push_num_bytes(&mut bytes, n);
            assert_eq!(bytes, format!("x{n}").into_bytes());
            assert_eq!(decimal_len(n), n.to_string().len(), "{n}");
        }
    }

    #[test]
    fn ipv4_addresses_read_as_their_display() {
        for addr in [[0, 0, 0, 0], [10, 0, 0, 9], [192, 168, 100, 255], [255; 4]] {
            let addr = std::net::Ipv4Addr::from(addr);
            let mut out = String::from("at ");
            push_ipv4(&mut out, addr);
            assert_eq!(out, format!("at {addr}"));
        }
    }

    #[test]
    fn printable_runs_and_escapes_interleave() {
        assert_eq!(escaped(b"ab\x1bcd\xffe~ \x7f"), "ab\\033cd\u{fffd}e~ \\177");
        let mut out = String::from("x");
        escape_str("a\u{9b}b\tc", &mut out);
        assert_eq!(out, "xa\\302\\233b\\tc");
        assert_eq!(escaped(b""), "");
    }
}
