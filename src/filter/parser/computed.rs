//! The tests that compute (slices, functions, arithmetic, `{}`): which tests they are,
//! and their grammar. Arithmetic binds as in Wireshark 4.0: `&` loosest, then `+ -`,
//! then `* / %`, then a minus sign, then slices.

use super::{comparable, comparison, describe, unknown_name, Expr, Parser, RawValue};
use crate::decode::field::{Field, Kind};
use crate::decode::packet::Proto;
use crate::filter::eval::{literal, literal_of_kind, parse_uint, Literal};
use crate::filter::lexer::{Spanned, Token};
use crate::filter::operand::{parse_layers, parse_ranges, ArithOp, Function, Operand};
use crate::filter::FilterError;

impl Parser<'_> {
    /// Does the test at the next token compute: a slice, a function, arithmetic or `{}`
    /// on either side of its operator? Such a test is read by [`Self::relation`]; a
    /// plain field against a literal by [`Self::test`].
    pub(super) fn computes(&self) -> bool {
        let token = |i: usize| self.tokens.get(self.at + i).map(|s| &s.token);
        let computing = |i: usize| match token(i) {
            Some(Token::Slice(_) | Token::Layer(_) | Token::LParen) => true,
            Some(t) => arith_op(t).is_some_and(|op| op != ArithOp::BitAnd),
            None => false,
        };
        match token(0) {
            Some(Token::LBrace) => return true,
            // `-tcp.srcport`: a field negated.
            Some(Token::Word(w)) if w.strip_prefix('-').and_then(Field::from_name).is_some() => return true,
            Some(Token::Word(_)) => {}
            _ => return false,
        }
        if computing(1) {
            return true;
        }
        // `field & mask` (read by `test`) computes when more arithmetic follows.
        let mut op = 1;
        if token(1).and_then(arith_op) == Some(ArithOp::BitAnd) {
            if computing(3) {
                return true;
            }
            op = 3;
        }
        let compares = match token(op) {
            Some(Token::Op(op)) => comparison(op).is_some(),
            Some(Token::Word(w)) => comparison(w).is_some(),
            _ => false,
        };
        compares
            && match token(op + 1) {
                Some(Token::LBrace) => true,
                Some(Token::Word(_) | Token::Quoted(_) | Token::Char(_)) => computing(op + 2),
                _ => false,
            }
    }

    /// A test that computes: an operand alone, or compared, searched or matched.
    pub(super) fn relation(&mut self) -> Result<Expr, FilterError> {
        let column = self.peek().map(|s| s.column).unwrap_or(self.end_column);
        let left = self.arithmetic()?;
        if !left.reads_packet() {
            return Err(FilterError::new(
                column,
                "the left side reads no field: put the field first (tcp.len > 2 * 10)",
            ));
        }
        let op = match self.peek().map(|s| s.token.clone()) {
            Some(Token::Op(op)) if !matches!(op, "&&" | "||" | "!") => op.to_string(),
            Some(Token::Word(w)) if comparison(&w).is_some() || matches!(w.as_str(), "contains" | "matches" | "in") => {
                w
            }
            _ => return bare(left, column),
        };
        let op_column = self.next().map(|s| s.column).unwrap_or(self.end_column);
        let text_or_bytes = matches!(left.kind(), Kind::Str | Kind::Bytes);
        match op.as_str() {
            "in" if matches!(left, Operand::Layered(..)) => {
                let Operand::Layered(field, _) = left else {
                    unreachable!("matched above")
                };
                let items = self.set(field)?;
                Ok(Expr::LayeredIn(left, items))
            }
            "in" => Err(FilterError::new(
                column,
                "only a field can be tested for membership in a set (not a slice, function or arithmetic)",
            )),
            "contains" | "matches" | "~" if !text_or_bytes => Err(FilterError::new(
                op_column,
                format!("{} is not text or bytes: '{op}' does not apply", label(&left)),
            )),
            "contains" => {
                let (value, column) = self.value(&op)?;
                match literal_of_kind(left.kind(), &label(&left), &value, column)? {
                    Literal::Str(needle) | Literal::Bytes(needle) => Ok(Expr::OperandContains(left, needle)),
                    _ => unreachable!("text or bytes read text or bytes"),
                }
            }
            "matches" | "~" => Ok(Expr::OperandMatches(left, self.regex(&op)?)),
            _ => {
                let Some(cmp) = comparison(&op) else {
                    return Err(FilterError::new(op_column, format!("'{op}' is not a comparison")));
                };
                let (right, right_column) = self.right_side(&left, &op)?;
                if !comparable(left.kind(), right.kind()) {
                    return Err(FilterError::new(
                        right_column,
                        format!(
                            "{} and {} hold different kinds of values: they do not compare",
                            label(&left),
                            label(&right)
                        ),
                    ));
                }
                Ok(Expr::Relation(left, cmp, right))
            }
        }
    }

    /// What a computed left side is compared with: a field, a literal of the left
    /// side's type, or more computation.
    fn right_side(&mut self, left: &Operand, op: &str) -> Result<(Operand, usize), FilterError> {
        let column = self.peek().map(|s| s.column).unwrap_or(self.end_column);
        // (A negative number is arithmetic: a literal is never below zero.)
        let negative = matches!(self.peek().map(|s| &s.token),
            Some(Token::Word(w)) if w.strip_prefix('-').and_then(parse_uint).is_some());
        let lone = !negative
            && matches!(
                self.peek().map(|s| &s.token),
                Some(Token::Word(_) | Token::Quoted(_) | Token::Char(_))
            )
            && !matches!(
                self.tokens.get(self.at + 1).map(|s| &s.token),
                Some(t) if matches!(t, Token::Slice(_) | Token::Layer(_) | Token::LParen) || arith_op(t).is_some()
            );
        if !lone {
            return Ok((self.arithmetic()?, column));
        }
        let (value, column) = self.value(op)?;
        if let RawValue::Word(word) = &value {
            if let Some(field) = Field::from_name(word) {
                return Ok((Operand::Field(field), column));
            }
        }
        let literal = match left {
            Operand::Field(field) | Operand::Layered(field, _) => literal(*field, &value, column)?,
            other => literal_of_kind(other.kind(), &label(other), &value, column)?,
        };
        Ok((Operand::Literal(literal), column))
    }

    /// Arithmetic, loosest first: `&`, then `+ -`, then `* / %`.
    fn arithmetic(&mut self) -> Result<Operand, FilterError> {
        self.arithmetic_at(0)
    }

    fn arithmetic_at(&mut self, level: usize) -> Result<Operand, FilterError> {
        const LEVELS: [&[ArithOp]; 3] = [
            &[ArithOp::BitAnd],
            &[ArithOp::Add, ArithOp::Sub],
            &[ArithOp::Mul, ArithOp::Div, ArithOp::Rem],
        ];
        if level == LEVELS.len() {
            return self.negated();
        }
        let mut left = self.arithmetic_at(level + 1)?;
        while let Some(spanned) = self.peek() {
            let Some(op) = arith_op(&spanned.token).filter(|op| LEVELS[level].contains(op)) else {
                break;
            };
            let column = spanned.column;
            self.at += 1;
            let right = self.arithmetic_at(level + 1)?;
            for side in [&left, &right] {
                let bytes_masked = op == ArithOp::BitAnd && side.kind() == Kind::Bytes;
                if !is_integer(side.kind()) && !bytes_masked {
                    return Err(FilterError::new(
                        column,
                        format!("{} is not an integer: arithmetic does not apply", label(side)),
                    ));
                }
            }
            left = Operand::Arith(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    /// `-operand`, or an operand with its slices.
    fn negated(&mut self) -> Result<Operand, FilterError> {
        if let Some(Spanned {
            token: Token::Word(w),
            column,
        }) = self.peek()
        {
            if w == "-" {
                let column = *column;
                self.at += 1;
                let inner = self.nested(column, Self::negated)?;
                if !is_integer(inner.kind()) {
                    return Err(FilterError::new(
                        column,
                        format!("{} is not an integer: '-' does not apply", label(&inner)),
                    ));
                }
                return Ok(Operand::Negate(Box::new(inner)));
            }
        }
        let mut operand = self.atom()?;
        while let Some(Spanned {
            token: Token::Slice(text),
            column,
        }) = self.peek().cloned()
        {
            self.at += 1;
            let sliceable = matches!(
                operand.kind(),
                Kind::Str | Kind::Bytes | Kind::Ether | Kind::Ipv4 | Kind::Ipv6
            );
            if !sliceable {
                return Err(FilterError::new(
                    column,
                    format!(
                        "{} is not text, bytes or an address and cannot be sliced",
                        label(&operand)
                    ),
                ));
            }
            if let Operand::Protocol(proto) = operand {
                if !proto.layer_starts_at_its_header() {
                    return Err(FilterError::new(
                        column,
                        format!(
                            "wirelab slices link, network and transport protocols and UDP messages (frame, eth, ip, tcp, udp, dns...), not {}: slice a field instead (tcp.payload[0:4])",
                            proto.filter_name()
                        ),
                    ));
                }
            }
            operand = Operand::Slice(Box::new(operand), parse_ranges(&text, column)?);
        }
        Ok(operand)
    }

    /// A field, protocol, number, string, function call or `{...}`.
    fn atom(&mut self) -> Result<Operand, FilterError> {
        let end = self.end_column;
        let Some(token) = self.next().cloned() else {
            return Err(FilterError::new(
                end,
                "the filter ends where a field or value is expected",
            ));
        };
        match token.token {
            Token::LBrace => {
                let inner = self.nested(token.column, Self::arithmetic)?;
                self.close_group('{', Token::RBrace, token.column)?;
                Ok(inner)
            }
            Token::Word(name) if matches!(self.peek().map(|s| &s.token), Some(Token::LParen)) => {
                self.call(&name, token.column)
            }
            Token::Word(name) => {
                let layers = match self.peek().cloned() {
                    Some(Spanned {
                        token: Token::Layer(text),
                        column,
                    }) => {
                        self.at += 1;
                        Some(parse_layers(&text, column)?)
                    }
                    _ => None,
                };
                if let Some(field) = Field::from_name(&name) {
                    return Ok(match layers {
                        Some(layers) => Operand::Layered(field, layers),
                        None => Operand::Field(field),
                    });
                }
                if let Some(proto) = Proto::from_filter_name(&name) {
                    return Ok(match layers {
                        Some(layers) => Operand::ProtocolLayers(proto, layers),
                        None => Operand::Protocol(proto),
                    });
                }
                if layers.is_some() {
                    return Err(FilterError::new(token.column, unknown_name(&name)));
                }
                if let Some(n) = parse_uint(&name) {
                    return Ok(Operand::Literal(Literal::U(n)));
                }
                if let Some(n) = name.strip_prefix('-').and_then(parse_uint) {
                    return Ok(Operand::Negate(Box::new(Operand::Literal(Literal::U(n)))));
                }
                if let Some(field) = name.strip_prefix('-').and_then(Field::from_name) {
                    if is_integer(field.kind()) {
                        return Ok(Operand::Negate(Box::new(Operand::Field(field))));
                    }
                }
                let message = if name.starts_with(|c: char| c.is_ascii_digit()) {
                    format!("'{name}' is not an integer")
                } else {
                    unknown_name(&name)
                };
                Err(FilterError::new(token.column, message))
            }
            Token::Quoted(bytes) => Ok(Operand::Literal(Literal::Str(bytes))),
            Token::Char(byte) => Ok(Operand::Literal(Literal::U(u64::from(byte)))),
            other => Err(FilterError::new(
                token.column,
                format!("expected a field or value, found {}", describe(&other)),
            )),
        }
    }

    /// `name(arguments)`, the `(` next; each function's arguments checked as Wireshark
    /// 4.0 checks them.
    fn call(&mut self, name: &str, column: usize) -> Result<Operand, FilterError> {
        let Some(function) = Function::from_name(name) else {
            return Err(FilterError::new(
                column,
                format!(
                    "'{name}' is not a function (Wireshark 4.0 has len, count, lower, upper, string, max, min and abs)"
                ),
            ));
        };
        self.at += 1;
        let mut args = Vec::new();
        if matches!(self.peek().map(|s| &s.token), Some(Token::RParen)) {
            self.at += 1;
        } else {
            loop {
                args.push(self.nested(column, Self::arithmetic)?);
                let end = self.end_column;
                match self.next() {
                    Some(Spanned {
                        token: Token::Comma, ..
                    }) => {}
                    Some(Spanned {
                        token: Token::RParen, ..
                    }) => break,
                    Some(other) => {
                        return Err(FilterError::new(
                            other.column,
                            format!("expected ',' or ')' in {name}(), found {}", describe(&other.token)),
                        ))
                    }
                    None => return Err(FilterError::new(end, format!("the '(' of {name}() is never closed"))),
                }
            }
        }
        let fail = |message: String| Err(FilterError::new(column, message));
        let one = args.len() == 1;
        let kind = args.first().map(Operand::kind);
        match function {
            Function::Max | Function::Min if args.is_empty() => fail(format!("{name}() needs at least one argument")),
            Function::Max | Function::Min => match args.iter().find(|a| !is_integer(a.kind())) {
                Some(other) => fail(format!("{name}() takes integers, and {} is not one", label(other))),
                None => Ok(Operand::Call(function, args)),
            },
            _ if !one => fail(format!("{name}() takes one argument")),
            Function::Count => match &args[0] {
                Operand::Field(_) | Operand::Layered(..) | Operand::Protocol(_) => Ok(Operand::Call(function, args)),
                other => fail(format!("count() takes a field or protocol, not {}", label(other))),
            },
            Function::Len => match (&args[0], kind) {
                (
                    Operand::Field(_) | Operand::Layered(..),
                    Some(
                        Kind::Str
                        | Kind::Bytes
                        | Kind::Oid
                        | Kind::Ether
                        | Kind::Ipv4
                        | Kind::Ipv6
                        | Kind::Dec
                        | Kind::Hex(_),
                    ),
                ) => Ok(Operand::Call(function, args)),
                (Operand::Field(field) | Operand::Layered(field, _), _) => fail(format!(
                    "len() takes fields of text, bytes, addresses or integers, and {} is not one",
                    field.name()
                )),
                (other, _) => fail(format!("len() takes a field, not {}", label(other))),
            },
            Function::Lower | Function::Upper if kind == Some(Kind::Str) => Ok(Operand::Call(function, args)),
            Function::Lower | Function::Upper => {
                fail(format!("{name}() takes text, and {} is not text", label(&args[0])))
            }
            Function::String => match (&args[0], kind) {
                (
                    Operand::Field(_) | Operand::Layered(..),
                    Some(Kind::Dec | Kind::Hex(_) | Kind::Ipv4 | Kind::Ipv6 | Kind::Ether),
                ) => Ok(Operand::Call(function, args)),
                (other, _) => fail(format!(
                    "string() converts fields of integers or addresses, and {} is not one",
                    label(other)
                )),
            },
            Function::Abs if kind.is_some_and(is_integer) => Ok(Operand::Call(function, args)),
            Function::Abs => fail(format!("abs() takes an integer, and {} is not one", label(&args[0]))),
        }
    }
}

/// The arithmetic operator a token stands for (`-` and `/` are words: see the lexer).
fn arith_op(token: &Token) -> Option<ArithOp> {
    match token {
        Token::Op(op) => ArithOp::from_token(op),
        Token::Word(w) if matches!(w.as_str(), "-" | "/" | "bitwise_and") => ArithOp::from_token(w),
        _ => None,
    }
}

fn is_integer(kind: Kind) -> bool {
    matches!(kind, Kind::Dec | Kind::Hex(_))
}

/// A computed operand alone: a function's value cannot be (as in Wireshark).
fn bare(operand: Operand, column: usize) -> Result<Expr, FilterError> {
    match operand {
        Operand::Call(function, _) => Err(FilterError::new(
            column,
            format!(
                "{}() cannot be tested alone: compare its value (len(http.host) > 3)",
                function.name()
            ),
        )),
        other => Ok(Expr::Truthy(other)),
    }
}

/// How an operand is named in errors.
fn label(operand: &Operand) -> String {
    match operand {
        Operand::Field(field) => field.name().to_string(),
        Operand::Layered(field, _) => format!("{} of a layer", field.name()),
        Operand::Protocol(proto) => proto.filter_name().to_string(),
        Operand::ProtocolLayers(proto, _) => format!("a layer of {}", proto.filter_name()),
        Operand::Literal(_) => "a value".into(),
        Operand::Slice(base, _) => format!("a slice of {}", label(base)),
        Operand::Call(function, _) => format!("{}()", function.name()),
        Operand::Arith(..) | Operand::Negate(_) => "arithmetic".into(),
    }
}
