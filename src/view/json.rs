//! `--format json`: one JSON object per frame and per line (JSON Lines), with the list
//! columns, the protocol stack, every field (name -> list of values) and the notes.
//! Integers stay numbers; everything else is the text `-T fields` would print.

use serde_json::{json, Map, Value as Json};

use super::{address_text, time_text, MacNames, PacketFormat};
use crate::decode::{Field, Kind, Packet, Severity, Value};

pub struct JsonLines {
    names: MacNames,
}

impl JsonLines {
    pub fn new(names: MacNames) -> Self {
        JsonLines { names }
    }
}

fn json_value(value: &Value, kind: Kind) -> Json {
    match (value, kind) {
        (Value::U(v), Kind::Dec) => json!(v),
        (Value::Bool(b), _) => json!(b),
        (Value::Flag, _) => json!(true),
        _ => Json::String(value.to_field_string(kind)),
    }
}

impl PacketFormat for JsonLines {
    fn packet(&mut self, p: &Packet, out: &mut Vec<u8>) {
        let mut fields = Map::new();
        // The frame's bytes are the capture itself (a filter searching a protocol reads them).
        for (field, value) in p.fields.iter().filter(|(f, _)| *f != Field::WirelabFrameBytes) {
            let entry = fields.entry(field.name()).or_insert_with(|| Json::Array(Vec::new()));
            if let Json::Array(values) = entry {
                values.push(json_value(value, field.kind()));
            }
        }
        let notes: Vec<Json> = p
            .notes
            .iter()
            .map(|n| {
                let severity = match n.severity {
                    Severity::Note => "note",
                    Severity::Warning => "warning",
                    Severity::Error => "error",
                };
                json!({"severity": severity, "protocol": n.proto.filter_name(), "message": n.message})
            })
            .collect();
        let object = json!({
            "number": p.number,
            "time": time_text(p.rel_ns),
            "source": address_text(&p.src, &self.names),
            "destination": address_text(&p.dst, &self.names),
            "protocol": p.protocol,
            "length": p.orig_len,
            "info": p.info,
            "layers": p.layers.iter().map(|l| l.proto.filter_name()).collect::<Vec<_>>(),
            "fields": fields,
            "notes": notes,
        });
        out.extend_from_slice(object.to_string().as_bytes());
        out.push(b'\n');
    }
}
