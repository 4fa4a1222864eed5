//! Display-filter tokens, each with the column (1-based, in characters) where it starts.

use super::FilterError;

#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    /// A field or protocol name, a bare literal (`10.0.0.1`, `0x50`, `aa:bb:cc`), or a
    /// word operator (`and`, `eq`, `contains`...): the parser decides which.
    Word(String),
    /// A double-quoted string, escapes resolved (bytes: `\xhh` may make non-UTF-8).
    Quoted(Vec<u8>),
    Op(&'static str),
    LParen,
    RParen,
    LBrace,
    RBrace,
    Comma,
    DotDot,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Spanned {
    pub token: Token,
    pub column: usize,
}

/// Operators made of symbols, longest first.
const SYMBOLS: [&str; 13] = ["==", "!=", "~=", ">=", "<=", "&&", "||", ">", "<", "!", "~", "=", "&"];

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
        if c == '"' {
            let (bytes, next) = quoted(&chars, i)?;
            out.push(Spanned {
                token: Token::Quoted(bytes),
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
        let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
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

/// A quoted string starting at `start` (the opening quote); returns its bytes and the
/// index after the closing quote.
fn quoted(chars: &[char], start: usize) -> Result<(Vec<u8>, usize), FilterError> {
    let mut bytes = Vec::new();
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            '"' => return Ok((bytes, i + 1)),
            '\\' => {
                let escaped = *chars
                    .get(i + 1)
                    .ok_or_else(|| FilterError::new(i + 1, "a string ends in a lone backslash"))?;
                match escaped {
                    'n' => bytes.push(b'\n'),
                    'r' => bytes.push(b'\r'),
                    't' => bytes.push(b'\t'),
                    '0' => bytes.push(0),
                    'x' => {
                        let hex: String = chars.get(i + 2..i + 4).unwrap_or_default().iter().collect();
                        let byte = u8::from_str_radix(&hex, 16)
                            .map_err(|_| FilterError::new(i + 1, "\\x needs two hex digits"))?;
                        bytes.push(byte);
                        i += 2;
                    }
                    other => {
                        let mut buf = [0; 4];
                        bytes.extend(other.encode_utf8(&mut buf).as_bytes());
                    }
                }
                i += 2;
            }
            other => {
                let mut buf = [0; 4];
                bytes.extend(other.encode_utf8(&mut buf).as_bytes());
                i += 1;
            }
        }
    }
    Err(FilterError::new(start + 1, "a string is not closed with '\"'"))
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
    fn errors_point_at_their_column() {
        assert_eq!(tokens("ip.src = 1.2.3.4").unwrap_err().column, 8);
        assert_eq!(tokens("http.host == \"abc").unwrap_err().column, 14);
        assert_eq!(tokens("a $ b").unwrap_err().column, 3);
    }
}
