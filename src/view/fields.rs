//! `-T fields -e NAME ...`: field values as `tshark -T fields` prints them, with tshark's
//! `-E header=`, `separator=`, `occurrence=` and `aggregator=` options.

use super::PacketFormat;
use crate::decode::{Field, Packet};

/// Which occurrences of a field to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occurrence {
    All,
    First,
    Last,
}

#[derive(Debug, Clone)]
pub struct FieldOptions {
    pub header: bool,
    pub separator: String,
    pub occurrence: Occurrence,
    pub aggregator: String,
    /// `-E quote=d|s`: around each value that is not empty (not around the header).
    pub quote: Option<char>,
}

impl Default for FieldOptions {
    fn default() -> Self {
        FieldOptions {
            header: false,
            separator: "\t".into(),
            occurrence: Occurrence::All,
            aggregator: ",".into(),
            quote: None,
        }
    }
}

impl FieldOptions {
    /// Applies one tshark-style `-E key=value`. Returns an error sentence when invalid.
    pub fn set(&mut self, option: &str) -> Result<(), String> {
        let (key, value) = option
            .split_once('=')
            .ok_or_else(|| format!("-E {option}: expected KEY=VALUE"))?;
        match key {
            "header" => {
                self.header = match value {
                    "y" => true,
                    "n" => false,
                    _ => return Err(format!("-E header={value}: expected y or n")),
                }
            }
            "separator" => {
                // One character, as tshark takes the first of what is given.
                self.separator = match value {
                    "/t" => "\t".into(),
                    "/s" => " ".into(),
                    other => other.chars().next().map(String::from).unwrap_or_default(),
                }
            }
            "quote" => {
                self.quote = match value {
                    "d" => Some('"'),
                    "s" => Some('\''),
                    "n" => None,
                    _ => return Err(format!("-E quote={value}: expected d, s or n")),
                }
            }
            "occurrence" => {
                self.occurrence = match value {
                    "a" => Occurrence::All,
                    "f" => Occurrence::First,
                    "l" => Occurrence::Last,
                    _ => return Err(format!("-E occurrence={value}: expected f, l or a")),
                }
            }
            "aggregator" => {
                self.aggregator = match value {
                    "/s" => " ".into(),
                    other => other.to_string(),
                }
            }
            other => {
                return Err(format!(
                    "-E {other}: unknown option (header, separator, occurrence, aggregator, quote)"
                ))
            }
        }
        Ok(())
    }
}

pub struct Fields {
    fields: Vec<Field>,
    options: FieldOptions,
}

impl Fields {
    pub fn new(fields: Vec<Field>, options: FieldOptions) -> Self {
        Fields { fields, options }
    }
}

impl PacketFormat for Fields {
    fn header(&mut self, out: &mut Vec<u8>) {
        if self.options.header {
            let names: Vec<&str> = self.fields.iter().map(|f| f.name()).collect();
            out.extend_from_slice(names.join(&self.options.separator).as_bytes());
            out.push(b'\n');
        }
    }

    fn packet(&mut self, p: &Packet, out: &mut Vec<u8>) {
        let mut line = String::new();
        for (i, field) in self.fields.iter().enumerate() {
            if i > 0 {
                line.push_str(&self.options.separator);
            }
            let values: Vec<_> = p.values(*field).collect();
            let chosen: &[_] = match (self.options.occurrence, values.len()) {
                (_, 0) => &[],
                (Occurrence::All, _) => &values,
                (Occurrence::First, _) => &values[..1],
                (Occurrence::Last, n) => &values[n - 1..],
            };
            let quote = self.options.quote.filter(|_| !chosen.is_empty());
            line.extend(quote);
            for (j, value) in chosen.iter().enumerate() {
                if j > 0 {
                    line.push_str(&self.options.aggregator);
                }
                value.write_field(field.kind(), &mut line);
            }
            line.extend(quote);
        }
        line.push('\n');
        out.extend_from_slice(line.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::LinkType;
    use crate::decode::Value;

    fn packet() -> Packet {
        let mut p = Packet::new(7, 0, 0, 60, 60, LinkType::Ethernet);
        p.add_u(Field::FrameNumber, 7u64);
        p.add_u(Field::TcpPort, 80u64);
        p.add_u(Field::TcpPort, 443u64);
        p.add(Field::TcpFlagsSyn, Value::Bool(true));
        p
    }

    fn render(fields: &[&str], options: &[&str]) -> String {
        let mut o = FieldOptions::default();
        for opt in options {
            o.set(opt).unwrap();
        }
        let fields = fields.iter().map(|n| Field::from_name(n).unwrap()).collect();
        let mut f = Fields::new(fields, o);
        let mut out = Vec::new();
        f.header(&mut out);
        f.packet(&packet(), &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn prints_like_tshark_fields() {
        assert_eq!(
            render(&["frame.number", "tcp.port", "udp.port", "tcp.flags.syn"], &[]),
            "7\t80,443\t\t1\n"
        );
        assert_eq!(
            render(
                &["frame.number", "tcp.port"],
                &["header=y", "separator=,", "occurrence=l"]
            ),
            "frame.number,tcp.port\n7,443\n"
        );
        assert_eq!(render(&["tcp.port"], &["aggregator=/s", "occurrence=a"]), "80 443\n");
        assert_eq!(render(&["tcp.port"], &["occurrence=f"]), "80\n");
        // Quotes around values that are there (tshark -E quote=d), never the header.
        assert_eq!(
            render(
                &["frame.number", "tcp.port", "udp.port"],
                &["quote=d", "separator=,", "header=y"]
            ),
            "frame.number,tcp.port,udp.port\n\"7\",\"80,443\",\n"
        );
        assert_eq!(render(&["tcp.port"], &["quote=s", "aggregator=;"]), "'80;443'\n");
        // Only a separator's first character counts, as in tshark.
        assert_eq!(
            render(&["frame.number", "tcp.port"], &["separator=;;", "occurrence=f"]),
            "7;80\n"
        );
    }

    #[test]
    fn bad_options_are_explained() {
        let mut o = FieldOptions::default();
        assert!(o.set("header=maybe").unwrap_err().contains("y or n"));
        assert!(o.set("colour=red").unwrap_err().contains("unknown option"));
        assert!(o.set("header").is_err());
        assert!(o.set("quote=x").unwrap_err().contains("d, s or n"));
    }
}
