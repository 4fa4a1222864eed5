//! Display filters in Wireshark's syntax (the subset a student needs, with Wireshark
//! 4.0's meaning), evaluated over a decoded [`Packet`]'s fields and protocol layers.
//!
//! `ftp`, `tcp.flags.syn` (existence), `==` `!=` `~=` `<` `<=` `>` `>=` and `eq ne
//! any_ne lt le gt ge`, `contains`, `matches`/`~` (case-insensitive regex), `in {a, b,
//! c..d}`, `and or not && || !`, parentheses. A field with several values (`ip.addr`,
//! `tcp.port`) matches when any value does, except `!=`, which needs all values to
//! differ (as Wireshark 4.0: `ip.addr != 10.0.0.1` drops every packet from or to it).
//! Slices (`eth.src[0:3]`), functions (`len()`...) and arithmetic (`tcp.len - 1`)
//! compute their values in `operand`.

mod eval;
mod lexer;
mod operand;
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
    /// For a filter that only asks whether protocols or fields are present, joined by
    /// `or` (`ftp || smb2 || tls.handshake`): the protocols' bits. Most packets of a
    /// filtered list fail such a filter, and a packet with none of those layers and no
    /// field fails it without a walk of the expression.
    presence: Option<u64>,
}

impl Filter {
    pub fn parse(text: &str) -> Result<Filter, FilterError> {
        let tokens = lexer::tokens(text)?;
        let expr = parser::parse(&tokens, text.chars().count())?;
        Ok(Filter {
            text: text.to_string(),
            presence: presence_bits(&expr),
            expr,
        })
    }

    /// Does the packet pass the filter?
    pub fn matches(&self, packet: &Packet) -> bool {
        if self.presence.is_some_and(|protos| !packet.may_have_any(protos)) {
            return false;
        }
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
                Expr::ProtoContains(..) | Expr::ProtoMatches(..) => {
                    fields.push(crate::decode::Field::WirelabFrameBytes)
                }
                Expr::Exists(f)
                | Expr::Compare(f, ..)
                | Expr::Contains(f, _)
                | Expr::Matches(f, _)
                | Expr::In(f, _)
                | Expr::BitAnd(f, _)
                | Expr::MaskedCompare(f, ..) => fields.push(*f),
                Expr::CompareFields(a, _, b) => fields.extend([*a, *b]),
                Expr::Relation(a, _, b) => {
                    a.fields(&mut fields);
                    b.fields(&mut fields);
                }
                Expr::Truthy(a) | Expr::OperandContains(a, _) | Expr::OperandMatches(a, _) | Expr::LayeredIn(a, _) => {
                    a.fields(&mut fields)
                }
            }
        }
        fields
    }
}

/// The layers a disjunction of presence tests (`Proto` and `Exists`, joined by `or`)
/// asks for; `None` for any other expression.
fn presence_bits(expr: &Expr) -> Option<u64> {
    match expr {
        Expr::Or(a, b) => Some(presence_bits(a)? | presence_bits(b)?),
        Expr::Proto(proto) => Some(proto.bit()),
        // A field is present only among the packet's fields.
        Expr::Exists(_) => Some(0),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::CaptureReader;
    use crate::decode::Decoder;

    /// Parsing, matching and dropping recurse over the filter: a hostile one is refused
    /// before it can exhaust a stack (a shard's thread has 2 MiB), with its column.
    #[test]
    fn deep_or_long_filters_are_refused_and_the_longest_allowed_run_on_a_small_stack() {
        // (text, the column of the first level too deep)
        let deep = [
            (format!("{}tcp{}", "(".repeat(100), ")".repeat(100)), 65),
            (format!("{}tcp", "!".repeat(100)), 65),
            (format!("{}tcp.port{} == 1", "{".repeat(100), "}".repeat(100)), 65),
            (format!("{}tcp.port == 1", "- ".repeat(100)), 129),
            (format!("{}tcp.port{} == 1", "max(".repeat(100), ")".repeat(100)), 257),
        ];
        for (text, column) in &deep {
            let error = Filter::parse(text).expect_err("too deep");
            assert_eq!(error.column, *column, "{text:.40}");
            assert!(error.message.contains("nests deeper than 64 levels"), "{error}");
        }
        let long = vec!["tcp"; 513].join(" or ");
        let error = Filter::parse(&long).expect_err("too long");
        assert!(error.message.contains("longer than 1024 tokens"), "{error}");
        // The largest filters allowed parse, match and drop on a thread's stack.
        let allowed = [
            vec!["tcp"; 512].join(" or "),
            format!("{}tcp", "!".repeat(64)),
            format!("tcp.port{} > 0", " + 1".repeat(510)),
            format!("{}tcp.port{} > 0", "{".repeat(64), "}".repeat(64)),
            format!("{}tcp{}", "(".repeat(64), ")".repeat(64)),
        ];
        let mut reader = CaptureReader::open(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/captures/http-methods.pcapng"
        )))
        .expect("bundled capture");
        let frame = reader.next_frame().expect("reads").expect("a frame");
        let packet = Decoder::new().decode(&frame);
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                for text in &allowed {
                    let filter = Filter::parse(text).expect("allowed");
                    filter.matches(&packet);
                }
            })
            .expect("thread")
            .join()
            .expect("no overflow");
    }

    #[test]
    fn only_disjunctions_of_presence_tests_are_answered_by_presence() {
        let bits = |text: &str| presence_bits(&Filter::parse(text).expect("parses").expr);
        assert!(bits("ftp || smb2 || tls.handshake").is_some_and(|b| b != 0));
        assert_eq!(bits("tls.handshake or tcp.flags.syn"), Some(0));
        for other in ["!ftp", "ftp && smb2", "tcp.port == 21 || ftp", "ftp || not dns"] {
            assert_eq!(bits(other), None, "{other}");
        }
    }

    /// Packets decoded as a filtered list decodes them (only the filter's fields kept):
    /// the quick rejection never turns away a packet the expression lets through, and
    /// rejects most of those it does not.
    #[test]
    fn presence_filters_pass_the_packets_their_expression_passes() {
        let filters = [
            "ftp || smb2 || tls.handshake",
            "dns || icmp || arp",
            "http.request || tcp.analysis.retransmission",
            "ftp-data or nbns or tls",
        ];
        let (mut packets, mut rejected) = (0, 0);
        for text in filters {
            let filter = Filter::parse(text).expect("parses");
            assert!(filter.presence.is_some(), "{text}");
            let captures = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/captures")).expect("captures");
            for entry in captures {
                let path = entry.expect("entry").path();
                if !path.extension().is_some_and(|e| e == "pcap" || e == "pcapng") {
                    continue;
                }
                let mut reader = CaptureReader::open(&path).expect("bundled capture");
                let mut decoder = Decoder::new().only_fields(&filter.fields());
                while let Some(frame) = reader.next_frame().expect("bundled capture reads") {
                    let packet = decoder.decode(&frame);
                    let walked = eval::matches(&filter.expr, &packet);
                    assert_eq!(
                        filter.matches(&packet),
                        walked,
                        "{text}: {} #{}",
                        path.display(),
                        frame.number
                    );
                    packets += 1;
                    rejected += usize::from(!packet.may_have_any(filter.presence.unwrap_or(0)));
                }
            }
        }
        assert!(rejected > packets / 4, "{rejected} of {packets}");
    }
}
