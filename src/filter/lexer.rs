//! Display-filter tokens, each with the column (1-based, in characters) where it starts.

use super::FilterError;

#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    /// A field or protocol name, a bare literal (`10.0.0.1`, `0x50`, `aa:bb:cc`), or a
    /// word operator (`and`, `eq`, `contains`...): the parser decides which.
    Word(String),
    /// A double-quoted string, escapes resolved (bytes: `\xhh` may make non-UTF-8).
    Quoted(Vec<u8>),
    /// A character constant (`'G'`, `'\x12'`): one byte, an integer in Wireshark.
    Char(u8),
    Op(&'static str),
    LParen,
    RParen,
    LBrace,
    RBrace,
    Comma,
    DotDot,
    /// A slice's ranges as written between `[` and `]` (`0:3`, `-2:`, `1-2,4`): the
    /// parser reads them.
    Slice(String),
    /// The layer operator: `#2`, or `#[1-2]` with ranges as a slice's (`ip.src#2`, the
    /// second IP header's source).
    Layer(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Spanned {
    pub token: Token,
    pub column: usize,
}

/// Operators made of symbols, longest first. (`-` and `/` are word characters, for
/// `00-50-56` and `10.0.0.0/8`: alone, they are words the parser reads as operators.)
const SYMBOLS: [&str; 18] = [
    "===", "!==", "==", "!=", "~=", ">=", "<=", "&&", "||", ">", "<", "!", "~", "=", "&", "+", "*", "%",
];

/// The text between the `[` at `open` and its `]`, and where reading goes on after it
/// (`what`: the slice or layer it belongs to, for the error).
fn bracketed(chars: &[char], open: usize, column: usize, what: &str) -> Result<(String, usize), FilterError> {
    let close = chars[open..]
        .iter()
        .position(|&c| c == ']')
        .ok_or_else(|| FilterError::new(column, format!("the {what}'s '[' is never closed with ']'")))?;
    Ok((chars[open + 1..open + close].iter().collect(), open + close + 1))
}

pub fn tokens(text: &str) -> Result<Vec<Spanned>, FilterError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let column = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let single = match c {
            '(' => Some(Token::LParen),
            ')' => Some(Token::RParen),
            '{' => Some(Token::LBrace),
            '}' => Some(Token::RBrace),
            ',' => Some(Token::Comma),
            _ => None,
        };
        if let Some(token) = single {
            out.push(Spanned { token, column });
            i += 1;
            continue;
        }
        // A raw string (r"..."): backslashes stay, as regular expressions want them.
        if matches!(c, 'r' | 'R') && chars.get(i + 1) == Some(&'"') {
            let (bytes, next) = raw_quoted(&chars, i + 1)?;
            out.push(Spanned {
                token: Token::Quoted(bytes),
                column,
            });
            i = next;
            continue;
        }
        if c == '\'' {
            let (bytes, next) = quoted(&chars, i)?;
            let [byte] = bytes[..] else {
                return Err(FilterError::new(
                    column,
                    "a character constant holds one character ('G', '\\x12')",
                ));
            };
            out.push(Spanned {
                token: Token::Char(byte),
                column,
            });
            i = next;
            continue;
        }
        if c == '"' {
            let (bytes, next) = quoted(&chars, i)?;
            out.push(Spanned {
                token: Token::Quoted(bytes),
                column,
            });
            i = next;
            continue;
        }
        if c == '[' {
            let (ranges, next) = bracketed(&chars, i, column, "slice")?;
            out.push(Spanned {
                token: Token::Slice(ranges),
                column,
            });
            i = next;
            continue;
        }
        if c == '#' {
            let after = chars[i + 1..]
                .iter()
                .position(|c| !c.is_whitespace())
                .map_or(chars.len(), |n| i + 1 + n);
            let (ranges, next) = if chars.get(after) == Some(&'[') {
                bracketed(&chars, after, column, "layer")?
            } else {
                let end = chars[after..]
                    .iter()
                    .position(|c| !c.is_ascii_digit())
                    .map_or(chars.len(), |n| after + n);
                (chars[after..end].iter().collect::<String>(), end)
            };
            if ranges.is_empty() {
                return Err(FilterError::new(
                    column,
                    "'#' needs a layer: a number (ip.src#2) or ranges in brackets (ip.src#[1-2])",
                ));
            }
            out.push(Spanned {
                token: Token::Layer(ranges),
                column,
            });
            i = next;
            continue;
        }
        if c == '.' && chars.get(i + 1) == Some(&'.') {
            out.push(Spanned {
                token: Token::DotDot,
                column,
            });
            i += 2;
            continue;
        }
        let rest: String = chars[i..chars.len().min(i + 3)].iter().collect();
        if let Some(op) = SYMBOLS.iter().find(|op| rest.starts_with(**op)) {
            if *op == "=" {
                return Err(FilterError::new(column, "'=' is not an operator: compare with '=='"));
            }
            out.push(Spanned {
                token: Token::Op(op),
                column,
            });
            i += op.chars().count();
            continue;
        }
        if is_word_char(c) {
            let start = i;
            while i < chars.len() && is_word_char(chars[i]) {
                // `1..5` inside a set: stop a word before `..`.
                if chars[i] == '.' && chars.get(i + 1) == Some(&'.') {
                    break;
                }
                i += 1;
            }
            out.push(Spanned {
                token: Token::Word(chars[start..i].iter().collect()),
                column,
            });
            continue;
        }
        return Err(FilterError::new(
            column,
            format!("unexpected character '{}'", c.escape_debug()),
        ));
    }
    Ok(out)
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | ':' | '/')
}

/// A quoted string (or character constant) starting at `start`, its opening quote;
/// returns its bytes and the index after the closing quote, the same character. Escapes are Wireshark 4.0's: `\\ \" \' \a \b \f
/// \n \r \t \v`, `\x` with one or two hex digits, `\` with one to three octal digits;
/// any other is an error (a regex's `\.` is written `\\.` in a filter, as in Wireshark).
fn quoted(chars: &[char], start: usize) -> Result<(Vec<u8>, usize), FilterError> {
    let quote = chars[start];
    let mut bytes = Vec::new();
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            c if c == quote => return Ok((bytes, i + 1)),
            '\\' => {
                let column = i + 1;
                let escaped = *chars
                    .get(i + 1)
                    .ok_or_else(|| FilterError::new(column, "a string ends in a lone backslash"))?;
                i += 2;
                let byte = match escaped {
                    '\\' => b'\\',
                    '"' => b'"',
                    '\'' => b'\'',
                    'a' => 0x07,
                    'b' => 0x08,
                    'f' => 0x0c,
                    'n' => b'\n',
                    'r' => b'\r',
                    't' => b'\t',
                    'v' => 0x0b,
                    'x' => {
                        let digits = digits_at(chars, i, 2, 16);
                        if digits == 0 {
                            return Err(FilterError::new(column, "\\x needs one or two hex digits"));
                        }
                        let text: String = chars[i..i + digits].iter().collect();
                        i += digits;
                        u8::from_str_radix(&text, 16).expect("hex digits")
                    }
                    '0'..='7' => {
                        let digits = digits_at(chars, i - 1, 3, 8);
                        let text: String = chars[i - 1..i - 1 + digits].iter().collect();
                        i += digits - 1;
                        u8::try_from(u32::from_str_radix(&text, 8).expect("octal digits"))
                            .map_err(|_| FilterError::new(column, format!("\\{text} is more than a byte (at most \\377)")))?
                    }
                    other => {
                        return Err(FilterError::new(
                            column,
                            format!(
                                "\\{} is not an escape Wireshark knows; for a backslash write \\\\ (a regex's \\. is \"\\\\.\" in a filter)",
                                other.escape_debug()
                            ),
                        ))
                    }
                };
                bytes.push(byte);
            }
            other => {
                let mut buf = [0; 4];
                bytes.extend(other.encode_utf8(&mut buf).as_bytes());
                i += 1;
            }
        }
    }
    Err(FilterError::new(
        start + 1,
        if quote == '"' {
            "a string is not closed with '\"'"
        } else {
            "a character constant is not closed with \"'\""
        },
    ))
}

/// How many digits of `radix` (at most `max`) start at `at`.
fn digits_at(chars: &[char], at: usize, max: usize, radix: u32) -> usize {
    chars[at.min(chars.len())..]
        .iter()
        .take(max)
        .take_while(|c| c.is_digit(radix))
        .count()
}

/// A raw string whose opening quote is at `start`: every character as written, a
/// backslash included; `\"` does not end it.
fn raw_quoted(chars: &[char], start: usize) -> Result<(Vec<u8>, usize), FilterError> {
    let mut text = String::new();
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            '"' => return Ok((text.into_bytes(), i + 1)),
            '\\' if chars.get(i + 1) == Some(&'"') => {
                text.push_str("\\\"");
                i += 2;
            }
            c => {
                text.push(c);
                i += 1;
            }
        }
    }
    Err(FilterError::new(start, "a string is not closed with '\"'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Token> {
        tokens(text).unwrap().into_iter().map(|s| s.token).collect()
    }

    #[test]
    fn words_operators_and_strings() {
        assert_eq!(
            kinds(r#"tcp.port==80&&!http.host contains "a\"b""#),
            vec![
                Token::Word("tcp.port".into()),
                Token::Op("=="),
                Token::Word("80".into()),
                Token::Op("&&"),
                Token::Op("!"),
                Token::Word("http.host".into()),
                Token::Word("contains".into()),
                Token::Quoted(b"a\"b".to_vec()),
            ]
        );
        assert_eq!(
            kinds("tcp.port in {80, 443..445}"),
            vec![
                Token::Word("tcp.port".into()),
                Token::Word("in".into()),
                Token::LBrace,
                Token::Word("80".into()),
                Token::Comma,
                Token::Word("443".into()),
                Token::DotDot,
                Token::Word("445".into()),
                Token::RBrace,
            ]
        );
    }

    #[test]
    fn escapes_are_wiresharks() {
        let one = |text: &str| match kinds(text).pop() {
            Some(Token::Quoted(bytes)) => bytes,
            other => panic!("{other:?}"),
        };
        assert_eq!(one(r#""\125\123\105\122""#), b"USER");
        assert_eq!(one(r#""\x4\x41\0""#), [4, 0x41, 0]);
        assert_eq!(one(r#""\a\b\f\n\r\t\v\\\"\'""#), b"\x07\x08\x0c\n\r\t\x0b\\\"'");
        assert_eq!(one(r#""\\.txt$""#), br"\.txt$");
        assert_eq!(one(r#"r"\.txt$\"x""#), br#"\.txt$\"x"#);
        for bad in [r#""\.txt""#, r#""US\ER""#, r#""\x""#, r#""\400""#] {
            assert!(tokens(bad).is_err(), "{bad}");
        }
        assert!(tokens(r#""\.txt""#)
            .unwrap_err()
            .message
            .contains("not an escape Wireshark knows"));
    }

    #[test]
    fn errors_point_at_their_column() {
        assert_eq!(tokens("ip.src = 1.2.3.4").unwrap_err().column, 8);
        assert_eq!(tokens("http.host == \"abc").unwrap_err().column, 14);
        assert_eq!(tokens("a $ b").unwrap_err().column, 3);
        assert_eq!(tokens("eth.src[0:3 == 1").unwrap_err().column, 8);
    }

    #[test]
    fn slices_and_arithmetic() {
        assert_eq!(
            kinds("eth.src[-2:,0-1] == x[2] + 1 * 2 % 3"),
            vec![
                Token::Word("eth.src".into()),
                Token::Slice("-2:,0-1".into()),
                Token::Op("=="),
                Token::Word("x".into()),
                Token::Slice("2".into()),
                Token::Op("+"),
                Token::Word("1".into()),
                Token::Op("*"),
                Token::Word("2".into()),
                Token::Op("%"),
                Token::Word("3".into()),
            ]
        );
        assert_eq!(
            kinds(r"a == 'G' || b == '\x12'"),
            vec![
                Token::Word("a".into()),
                Token::Op("=="),
                Token::Char(b'G'),
                Token::Op("||"),
                Token::Word("b".into()),
                Token::Op("=="),
                Token::Char(0x12),
            ]
        );
        assert!(tokens("a == 'ab'").is_err() && tokens("a == '").is_err());
        // The layer operator: a number, or ranges in brackets, spaces allowed after '#'.
        assert_eq!(
            kinds("ip.src#2 == ip.dst # [1-2,-1]"),
            vec![
                Token::Word("ip.src".into()),
                Token::Layer("2".into()),
                Token::Op("=="),
                Token::Word("ip.dst".into()),
                Token::Layer("1-2,-1".into()),
            ]
        );
        for bad in ["ip.src#", "ip.src#-1", "ip.src#[2"] {
            assert!(tokens(bad).is_err(), "{bad}");
        }
        // Alone, `-` and `/` are words: the parser makes them operators.
        assert_eq!(
            kinds("a - 1 / 2"),
            ["a", "-", "1", "/", "2"].map(|w| Token::Word(w.into())).to_vec()
        );
    }
}
