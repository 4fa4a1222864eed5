//! Display filters in Wireshark's syntax (the subset a student needs, with Wireshark
//! 4.0's meaning), evaluated over a decoded [`Packet`]'s fields and protocol layers.
//!
//! `ftp`, `tcp.flags.syn` (existence), `==` `!=` `~=` `<` `<=` `>` `>=` and `eq ne
//! any_ne lt le gt ge`, `contains`, `matches`/`~` (case-insensitive regex), `in {a, b,
//! c..d}`, `and or not && || !`, parentheses. A field with several values (`ip.addr`,
//! `tcp.port`) matches when any value does, except `!=`, which needs all values to
//! differ (as Wireshark 4.0: `ip.addr != 10.0.0.1` drops every packet from or to it).

mod eval;
mod lexer;
mod parser;

use std::fmt;

use crate::decode::Packet;

pub use parser::Expr;

/// A filter that does not parse: where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    /// 1-based character column in the filter text.
    pub column: usize,
    pub message: String,
}

impl FilterError {
    pub(crate) fn new(column: usize, message: impl Into<String>) -> Self {
        FilterError {
            column,
            message: message.into(),
        }
    }
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

impl std::error::Error for FilterError {}

/// A parsed display filter.
#[derive(Debug, Clone)]
pub struct Filter {
    text: String,
    expr: Expr,
}

impl Filter {
    pub fn parse(text: &str) -> Result<Filter, FilterError> {
        let tokens = lexer::tokens(text)?;
        let expr = parser::parse(&tokens, text.chars().count())?;
        Ok(Filter {
            text: text.to_string(),
            expr,
        })
    }

    /// Does the packet pass the filter?
    pub fn matches(&self, packet: &Packet) -> bool {
        eval::matches(&self.expr, packet)
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The fields the filter reads (protocols are read from the layers).
    pub fn fields(&self) -> Vec<crate::decode::Field> {
        let mut fields = Vec::new();
        let mut todo = vec![&self.expr];
        while let Some(expr) = todo.pop() {
            match expr {
                Expr::And(a, b) | Expr::Or(a, b) => todo.extend([&**a, &**b]),
                Expr::Not(a) => todo.push(a),
                Expr::Proto(_) => {}
                Expr::Exists(f)
                | Expr::Compare(f, ..)
                | Expr::Contains(f, _)
                | Expr::Matches(f, _)
                | Expr::In(f, _)
                | Expr::BitAnd(f, _) => fields.push(*f),
            }
        }
        fields
    }
}
