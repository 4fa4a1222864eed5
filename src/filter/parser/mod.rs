//! Recursive-descent parsing of display filters into an [`Expr`], with every literal
//! checked against its field's type at parse time (errors carry the column).
//!
//! Precedence, as in Wireshark 4.0: `not` binds tightest, then `and`, then `or`.

use regex::bytes::{Regex, RegexBuilder};

mod computed;

use super::eval::{literal, Literal};
use super::lexer::{Spanned, Token};
use super::operand::{ArithOp, Operand};
use super::FilterError;
use crate::decode::field::{Field, Kind};
use crate::decode::packet::Proto;

/// The largest compiled regex a `matches` may build (bytes of automaton).
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// The most tokens a filter may have, and the deepest it may nest (parentheses, `not`,
/// braces, functions, minus signs): parsing, matching and dropping a filter recurse
/// over its tree, and a hostile filter must not exhaust a thread's stack.
const MAX_TOKENS: usize = 1024;
const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`: some value equals.
    Eq,
    /// `===`: every value equals.
    AllEq,
    /// Wireshark 4.0's `!=`: every value differs.
    AllNe,
    /// `~=`: some value differs.
    AnyNe,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone)]
pub enum SetItem {
    One(Literal),
    Range(Literal, Literal),
}

#[derive(Debug, Clone)]
pub enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    /// A protocol layer is present.
    Proto(Proto),
    /// A field has at least one value.
    Exists(Field),
    Compare(Field, CmpOp, Literal),
    Contains(Field, Vec<u8>),
    Matches(Field, Regex),
    /// A protocol's bytes (from its first byte to the end of its packet) contain these.
    ProtoContains(Proto, Vec<u8>),
    /// A protocol's bytes match the expression.
    ProtoMatches(Proto, Regex),
    In(Field, Vec<SetItem>),
    /// `field & mask`: some value of an integer field has a bit of the mask set.
    BitAnd(Field, u64),
    /// `field & mask == value`: the comparison applies to each value with the mask.
    MaskedCompare(Field, u64, CmpOp, Literal),
    /// `field == other`: two fields' values compared (for `==`, some pair is equal).
    CompareFields(Field, CmpOp, Field),
    /// A test with a slice, function or arithmetic on a side (`len(http.host) > 3`,
    /// `eth.src[0:3] == 00:50:56`): each pair of values compared, as `CompareFields`.
    Relation(Operand, CmpOp, Operand),
    /// A computed operand alone: an integer that is not 0 (`tcp.srcport - 80`), or
    /// any value (`eth.src[0:3]`).
    Truthy(Operand),
    OperandContains(Operand, Vec<u8>),
    OperandMatches(Operand, Regex),
    /// `field#layers in {...}`: some value of those layers is in the set.
    LayeredIn(Operand, Vec<SetItem>),
}

struct Parser<'t> {
    tokens: &'t [Spanned],
    at: usize,
    /// How deeply the token being read is nested.
    depth: usize,
    /// Column just past the end of the text, for "something is missing" errors.
    end_column: usize,
}

pub fn parse(tokens: &[Spanned], text_len: usize) -> Result<Expr, FilterError> {
    let mut parser = Parser {
        tokens,
        at: 0,
        depth: 0,
        end_column: text_len + 1,
    };
    if tokens.is_empty() {
        return Err(FilterError::new(1, "the filter is empty"));
    }
    if let Some(past) = tokens.get(MAX_TOKENS) {
        return Err(FilterError::new(
            past.column,
            format!("the filter is longer than {MAX_TOKENS} tokens"),
        ));
    }
    let expr = parser.or()?;
    if let Some(extra) = parser.peek() {
        return Err(FilterError::new(
            extra.column,
            format!("unexpected {} after a complete expression", describe(&extra.token)),
        ));
    }
    Ok(expr)
}

fn describe(token: &Token) -> String {
    match token {
        Token::Word(w) => format!("'{w}'"),
        Token::Quoted(_) => "a string".into(),
        Token::Char(_) => "a character constant".into(),
        Token::Op(op) => format!("'{op}'"),
        Token::LParen => "'('".into(),
        Token::RParen => "')'".into(),
        Token::LBrace => "'{'".into(),
        Token::RBrace => "'}'".into(),
        Token::Comma => "','".into(),
        Token::DotDot => "'..'".into(),
        Token::Slice(text) => format!("the slice [{text}]"),
        Token::Layer(text) => format!("the layer #{text}"),
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Spanned> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<&Spanned> {
        let token = self.tokens.get(self.at);
        self.at += 1;
        token
    }

    /// Is the next token one of these operators or words?
    fn at_any(&self, ops: &[&str]) -> bool {
        match self.peek().map(|s| &s.token) {
            Some(Token::Op(op)) => ops.contains(op),
            Some(Token::Word(w)) => ops.contains(&w.as_str()),
            _ => false,
        }
    }

    /// Runs `parse` one level deeper, refusing a filter nested past [`MAX_DEPTH`].
    fn nested<T>(
        &mut self,
        column: usize,
        parse: impl FnOnce(&mut Self) -> Result<T, FilterError>,
    ) -> Result<T, FilterError> {
        if self.depth >= MAX_DEPTH {
            return Err(FilterError::new(
                column,
                format!("the filter nests deeper than {MAX_DEPTH} levels"),
            ));
        }
        self.depth += 1;
        let result = parse(self);
        self.depth -= 1;
        result
    }

    /// Takes the token that closes a group (`)` or `}`) opened at column `opened_at`.
    fn close_group(&mut self, open: char, close: Token, opened_at: usize) -> Result<(), FilterError> {
        let end = self.end_column;
        match self.next() {
            Some(next) if next.token == close => Ok(()),
            Some(other) => Err(FilterError::new(
                other.column,
                format!("expected {} but found {}", describe(&close), describe(&other.token)),
            )),
            None => Err(FilterError::new(
                end,
                format!("the '{open}' at column {opened_at} is never closed"),
            )),
        }
    }

    fn or(&mut self) -> Result<Expr, FilterError> {
        let mut left = self.and()?;
        while self.at_any(&["or", "||"]) {
            self.at += 1;
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, FilterError> {
        let mut left = self.unary()?;
        while self.at_any(&["and", "&&"]) {
            self.at += 1;
            left = Expr::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, FilterError> {
        if self.at_any(&["not", "!"]) {
            let end = self.end_column;
            let column = self.next().map_or(end, |s| s.column);
            return Ok(Expr::Not(Box::new(self.nested(column, Self::unary)?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, FilterError> {
        if self.computes() {
            return self.relation();
        }
        let end = self.end_column;
        let Some(token) = self.next().cloned() else {
            return Err(FilterError::new(
                end,
                "the filter ends where a field or '(' is expected",
            ));
        };
        match token.token {
            Token::LParen => {
                let inner = self.nested(token.column, Self::or)?;
                self.close_group('(', Token::RParen, token.column)?;
                Ok(inner)
            }
            Token::Word(name) => self.test(&name, token.column),
            other => Err(FilterError::new(
                token.column,
                format!("expected a field or protocol name, found {}", describe(&other)),
            )),
        }
    }

    /// A field or protocol, alone (existence) or with a comparison.
    fn test(&mut self, name: &str, column: usize) -> Result<Expr, FilterError> {
        let field = Field::from_name(name);
        let proto = Proto::from_filter_name(name);
        let op = match self.peek().map(|s| s.token.clone()) {
            Some(Token::Op(op)) if !matches!(op, "&&" | "||" | "!") => Some(op.to_string()),
            Some(Token::Word(w))
                if matches!(
                    w.as_str(),
                    "eq" | "ne"
                        | "any_eq"
                        | "all_eq"
                        | "any_ne"
                        | "all_ne"
                        | "lt"
                        | "le"
                        | "gt"
                        | "ge"
                        | "contains"
                        | "matches"
                        | "in"
                        | "bitwise_and"
                ) =>
            {
                Some(w)
            }
            // `not in`: Wireshark 4.0's `!(field in {...})`.
            Some(Token::Word(w))
                if w == "not"
                    && matches!(self.tokens.get(self.at + 1).map(|s| &s.token), Some(Token::Word(w)) if w == "in") =>
            {
                Some("not in".to_string())
            }
            _ => None,
        };
        let Some(field) = field else {
            return match (proto, op) {
                (Some(proto), None) => Ok(Expr::Proto(proto)),
                (Some(proto), Some(op)) => self.protocol_test(proto, &op),
                (None, _) => Err(FilterError::new(column, unknown_name(name))),
            };
        };
        let Some(op) = op else {
            return Ok(Expr::Exists(field));
        };
        let op_column = self.next().map(|s| s.column).unwrap_or(self.end_column);
        if op == "not in" {
            self.at += 1;
            return Ok(Expr::Not(Box::new(Expr::In(field, self.set(field)?))));
        }
        match op.as_str() {
            "contains" => {
                let (value, column) = self.value(&op)?;
                let needle = match literal(field, &value, column)? {
                    Literal::Str(bytes) | Literal::Bytes(bytes) => bytes,
                    _ => {
                        return Err(FilterError::new(
                            op_column,
                            format!("{} is not text or bytes: 'contains' does not apply", field.name()),
                        ))
                    }
                };
                Ok(Expr::Contains(field, needle))
            }
            "matches" | "~" => {
                // As in Wireshark: a regex applies to text and bytes, not to numbers or
                // addresses (whose printed form it would silently search).
                if !matches!(field.kind(), Kind::Str | Kind::Bytes) {
                    return Err(FilterError::new(
                        op_column,
                        format!("{} is not text or bytes: 'matches' does not apply", field.name()),
                    ));
                }
                Ok(Expr::Matches(field, self.regex(&op)?))
            }
            "in" => Ok(Expr::In(field, self.set(field)?)),
            "&" | "bitwise_and" => {
                let (value, column) = self.value(&op)?;
                if matches!(value, RawValue::Char(_)) {
                    return Err(FilterError::new(
                        column,
                        "a character constant is not a mask: write it as a number (0x02)",
                    ));
                }
                // A MAC address or bytes, masked byte by byte (`eth.dst & 01:00:00:00:00:00`).
                if matches!(field.kind(), Kind::Ether | Kind::Bytes) {
                    let mask = bytes_of_literal(literal(field, &value, column)?);
                    let masked = Operand::Arith(
                        ArithOp::BitAnd,
                        Box::new(Operand::Field(field)),
                        Box::new(Operand::Literal(Literal::Bytes(mask))),
                    );
                    return match self.comparison() {
                        Some(cmp) => {
                            let (value, column) = self.value("the comparison")?;
                            let expected = bytes_of_literal(literal(field, &value, column)?);
                            Ok(Expr::Relation(masked, cmp, Operand::Literal(Literal::Bytes(expected))))
                        }
                        None => Ok(Expr::Truthy(masked)),
                    };
                }
                let Literal::U(mask) = literal(field, &value, column)? else {
                    return Err(FilterError::new(
                        op_column,
                        format!("{} is not an integer: '&' does not apply", field.name()),
                    ));
                };
                // `field & mask == value`: the masked value compared.
                match self.comparison() {
                    Some(cmp) => {
                        let (value, column) = self.value("the comparison")?;
                        Ok(Expr::MaskedCompare(field, mask, cmp, literal(field, &value, column)?))
                    }
                    None => Ok(Expr::BitAnd(field, mask)),
                }
            }
            _ => {
                let Some(cmp) = comparison(&op) else {
                    return Err(FilterError::new(op_column, format!("'{op}' is not a comparison")));
                };
                let (value, column) = self.value(&op)?;
                // A bare word that names a field compares with that field's values
                // (`udp.srcport == udp.dstport`), as in Wireshark.
                if let Some(other) = match &value {
                    RawValue::Word(word) => Field::from_name(word),
                    RawValue::Quoted(_) | RawValue::Char(_) => None,
                } {
                    return comparable(field.kind(), other.kind())
                        .then_some(Expr::CompareFields(field, cmp, other))
                        .ok_or_else(|| {
                            FilterError::new(
                                column,
                                format!(
                                    "{} and {} hold different kinds of values: they do not compare",
                                    field.name(),
                                    other.name()
                                ),
                            )
                        });
                }
                Ok(Expr::Compare(field, cmp, literal(field, &value, column)?))
            }
        }
    }

    /// A comparison operator next, taken.
    fn comparison(&mut self) -> Option<CmpOp> {
        let cmp = match self.peek().map(|s| &s.token) {
            Some(Token::Op(op)) => comparison(op),
            Some(Token::Word(w)) => comparison(w),
            _ => None,
        }?;
        self.at += 1;
        Some(cmp)
    }

    /// A protocol with an operator: its bytes searched (`frame contains "USER"`, as in
    /// Wireshark, where a protocol's value is its bytes to the end of its packet).
    fn protocol_test(&mut self, proto: Proto, op: &str) -> Result<Expr, FilterError> {
        let op_column = self.next().map(|s| s.column).unwrap_or(self.end_column);
        match op {
            "contains" => {
                let (value, column) = self.value(op)?;
                // Text in quotes, or bytes (aa:bb:cc), as for a field of bytes.
                match literal(Field::WirelabFrameBytes, &value, column)? {
                    Literal::Str(bytes) | Literal::Bytes(bytes) => Ok(Expr::ProtoContains(proto, bytes)),
                    _ => unreachable!("a field of bytes reads bytes"),
                }
            }
            "matches" | "~" => Ok(Expr::ProtoMatches(proto, self.regex(op)?)),
            other => Err(FilterError::new(
                op_column,
                format!(
                    "'{other}' does not apply to the protocol {}: test it alone, or with contains or matches",
                    proto.filter_name()
                ),
            )),
        }
    }

    /// The regular expression after `matches`: case-insensitive, as in Wireshark.
    fn regex(&mut self, op: &str) -> Result<Regex, FilterError> {
        let (value, column) = self.value(op)?;
        let pattern = match value {
            RawValue::Quoted(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            RawValue::Word(word) => word,
            RawValue::Char(_) => {
                return Err(FilterError::new(
                    column,
                    "a regular expression is a string in double quotes",
                ))
            }
        };
        // Wireshark's PCRE2 on raw bytes: ASCII classes and word boundaries (a byte
        // that is not UTF-8 is no word character), `$` also before a final newline.
        RegexBuilder::new(&pcre_dollar(&pattern))
            .case_insensitive(true)
            .unicode(false)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map_err(|e| {
                FilterError::new(
                    column,
                    format!("invalid regular expression: {}", regex_reason(&e.to_string())),
                )
            })
    }

    fn value(&mut self, after: &str) -> Result<(RawValue, usize), FilterError> {
        let end = self.end_column;
        match self.next() {
            Some(Spanned {
                token: Token::Word(w),
                column,
            }) => Ok((RawValue::Word(w.clone()), *column)),
            Some(Spanned {
                token: Token::Quoted(q),
                column,
            }) => Ok((RawValue::Quoted(q.clone()), *column)),
            Some(Spanned {
                token: Token::Char(c),
                column,
            }) => Ok((RawValue::Char(*c), *column)),
            Some(other) => Err(FilterError::new(
                other.column,
                format!("expected a value after '{after}', found {}", describe(&other.token)),
            )),
            None => Err(FilterError::new(end, format!("a value is needed after '{after}'"))),
        }
    }

    /// `{a, b, c..d}`
    fn set(&mut self, field: Field) -> Result<Vec<SetItem>, FilterError> {
        let end = self.end_column;
        match self.next() {
            Some(Spanned {
                token: Token::LBrace, ..
            }) => {}
            Some(other) => {
                return Err(FilterError::new(
                    other.column,
                    "expected '{' to open the set after 'in'",
                ));
            }
            None => return Err(FilterError::new(end, "expected '{' to open the set after 'in'")),
        }
        let mut items = Vec::new();
        loop {
            let (value, column) = self.value("{")?;
            let first = literal(field, &value, column)?;
            if matches!(self.peek().map(|s| &s.token), Some(Token::DotDot)) {
                self.at += 1;
                let (value, column) = self.value("..")?;
                items.push(SetItem::Range(first, literal(field, &value, column)?));
            } else {
                items.push(SetItem::One(first));
            }
            match self.next() {
                Some(Spanned {
                    token: Token::Comma, ..
                }) => continue,
                Some(Spanned {
                    token: Token::RBrace, ..
                }) => return Ok(items),
                Some(other) => {
                    return Err(FilterError::new(
                        other.column,
                        format!("expected ',' or '}}' in the set, found {}", describe(&other.token)),
                    ))
                }
                None => return Err(FilterError::new(end, "the set is never closed with '}'")),
            }
        }
    }
}

/// The comparison an operator (symbol or word) stands for.
fn comparison(op: &str) -> Option<CmpOp> {
    Some(match op {
        "==" | "eq" | "any_eq" => CmpOp::Eq,
        "===" | "all_eq" => CmpOp::AllEq,
        "!=" | "ne" | "all_ne" => CmpOp::AllNe,
        "~=" | "!==" | "any_ne" => CmpOp::AnyNe,
        "<" | "lt" => CmpOp::Lt,
        "<=" | "le" => CmpOp::Le,
        ">" | "gt" => CmpOp::Gt,
        ">=" | "ge" => CmpOp::Ge,
        _ => return None,
    })
}

/// The bytes of a literal of a field of bytes or a MAC address.
fn bytes_of_literal(literal: Literal) -> Vec<u8> {
    match literal {
        Literal::Ether(mac) => mac.to_vec(),
        Literal::Str(bytes) | Literal::Bytes(bytes) => bytes,
        other => unreachable!("not a literal of bytes: {other:?}"),
    }
}

/// Can values of these two kinds be compared with each other?
fn comparable(a: Kind, b: Kind) -> bool {
    let class = |kind: Kind| match kind {
        Kind::Dec | Kind::Hex(_) | Kind::Bool => 0,
        Kind::Str | Kind::Bytes => 1,
        Kind::Ipv4 => 2,
        Kind::Ipv6 => 3,
        Kind::Ether => 4,
        Kind::RelTime | Kind::AbsTime | Kind::UtcDate => 5,
        Kind::Flag => 6,
        Kind::Oid => 7,
    };
    class(a) == class(b) && a != Kind::Flag
}

/// A value as written: a bare word or a quoted string.
#[derive(Debug, Clone)]
pub enum RawValue {
    Word(String),
    Quoted(Vec<u8>),
    /// A character constant: one byte.
    Char(u8),
}

/// `pattern` with each `$` that ends the subject (outside a class, not escaped) written
/// as PCRE reads it without multi-line mode: at the end, or before a final newline.
fn pcre_dollar(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let (mut escaped, mut in_class) = (false, false);
    for c in pattern.chars() {
        match c {
            _ if escaped => {
                escaped = false;
                out.push(c);
                continue;
            }
            '\\' => escaped = true,
            '[' => in_class = true,
            ']' => in_class = false,
            '$' if !in_class => {
                out.push_str("(?:\n?\\z)");
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out
}

/// The regex crate's reason on one line: its "error: ..." line (the others draw the
/// pattern with a caret under the fault), else its first line.
fn regex_reason(text: &str) -> &str {
    text.lines()
        .find_map(|l| l.trim().strip_prefix("error: "))
        .or_else(|| text.lines().find(|l| !l.trim().is_empty()))
        .unwrap_or(text)
        .trim()
}

/// "unknown field or protocol 'tcp.prot' (did you mean tcp.port?)"
fn unknown_name(name: &str) -> String {
    let protocols = Proto::ALL.iter().map(|p| p.filter_name());
    let candidates = Field::ALL.iter().map(|f| f.name()).chain(protocols);
    match crate::decode::field::nearest(name, candidates) {
        Some(near) => format!("unknown field or protocol '{name}' (did you mean {near}?)"),
        None => format!("unknown field or protocol '{name}'"),
    }
}

#[cfg(test)]
mod tests {
    use super::pcre_dollar;

    #[test]
    fn a_dollar_also_matches_before_a_final_newline() {
        assert_eq!(pcre_dollar("a$"), "a(?:\n?\\z)");
        assert_eq!(pcre_dollar(r"a\$[$]"), r"a\$[$]");
    }
}
