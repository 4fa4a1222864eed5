//! The lesson and course formats as JSON Schema (`wirelab schema`), so that editors
//! with yaml-language-server complete and validate lessons as they are written.
//! Answers are kept as written, so a scalar may be a string, a number or a boolean, as
//! for the loader (`wirelab check` warns about values YAML 1.1 tools would change).

use serde_json::{json, Value};

/// A value read as the text it is written as.
fn scalar() -> Value {
    json!({ "type": ["string", "number", "boolean"] })
}

/// Text that is not blank (`check` refuses an empty id, title, prompt or body).
fn text() -> Value {
    json!({ "type": "string", "pattern": "\\S" })
}

/// One scalar or a list of them.
fn texts() -> Value {
    json!({ "oneOf": [ scalar(), { "type": "array", "items": scalar() } ] })
}

/// The answer kinds, each a branch of a `oneOf`: exactly one kind per answer (text and
/// regex go together), as the loader requires.
fn one_kind() -> Value {
    let groups: [&[&str]; 7] = [
        &["text", "regex"],
        &["set"],
        &["choice"],
        &["number"],
        &["bool"],
        &["from_capture"],
        &["filter_matches"],
    ];
    let branches: Vec<Value> = groups
        .iter()
        .map(|group| {
            let others: Vec<Value> = groups
                .iter()
                .flat_map(|g| g.iter())
                .filter(|k| !group.contains(k))
                .map(|k| json!({ "required": [k] }))
                .collect();
            let mut branch = json!({
                "anyOf": group.iter().map(|k| json!({ "required": [k] })).collect::<Vec<_>>(),
                "not": { "anyOf": others },
            });
            if group == &["from_capture"] {
                // A filter always; a field unless frames are counted.
                branch["required"] = json!(["filter"]);
                branch["if"] = json!({ "required": ["take"], "properties": { "take": { "const": "count" } } });
                branch["else"] = json!({ "required": ["field"] });
            }
            branch
        })
        .collect();
    Value::Array(branches)
}

/// The schema of a lesson file.
pub fn lesson() -> Value {
    let answer = json!({
        "description": "What counts as right: exactly one kind.",
        "type": "object",
        "additionalProperties": false,
        "oneOf": one_kind(),
        "properties": {
            "text": { "description": "Accepted answers; case and spaces do not matter.", "oneOf": texts()["oneOf"] },
            "regex": { "type": "string", "description": "An accepted pattern, anchored at both ends, case-insensitive." },
            "set": { "type": "array", "items": scalar(), "description": "Tokens in any order; missing or extra ones are wrong." },
            "choice": { "description": "The right option(s), as written in options.", "oneOf": texts()["oneOf"] },
            "number": scalar(),
            "tolerance": scalar(),
            "bool": { "description": "true/false, t/f, yes/no, 1/0.", "type": ["boolean", "string", "integer"] },
            "from_capture": { "type": "string", "description": "A capture of the course: the answer is computed from it." },
            "filter": { "type": "string", "description": "With from_capture: the frames to look at." },
            "field": { "type": "string", "description": "With from_capture: the field whose value is the answer." },
            "take": { "enum": ["first", "all", "count", "distinct"] },
            "filter_matches": {
                "type": "object",
                "additionalProperties": false,
                "required": ["capture", "reference"],
                "properties": { "capture": { "type": "string" }, "reference": { "type": "string" } }
            }
        }
    });
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://wirelab.invalid/schema/lesson-1.json",
        "title": "wirelab lesson",
        "type": "object",
        "additionalProperties": false,
        "required": ["format_version", "id", "title", "sections"],
        "properties": {
            "format_version": { "const": super::FORMAT_VERSION },
            "id": text(),
            "title": text(),
            "summary": { "type": "string" },
            "sections": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["title", "body"],
                    "properties": {
                        "title": text(),
                        "body": { "type": "string", "pattern": "\\S", "description": "Text: # headings, *emphasis*, `code`, lists, | tables |." },
                        "replay": {
                            "type": "object",
                            "additionalProperties": false,
                            "required": ["capture"],
                            "properties": {
                                "capture": { "type": "string" },
                                "filter": { "type": "string" },
                                "annotate": { "type": "boolean" }
                            }
                        }
                    }
                }
            },
            "questions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["id", "prompt", "answer"],
                    "properties": {
                        "id": text(),
                        "prompt": text(),
                        "points": { "type": "integer", "minimum": 0 },
                        "options": { "type": "array", "items": scalar() },
                        "answer": answer,
                        "hints": texts(),
                        "hint_cost": { "type": "integer", "minimum": 0 },
                        "solution": texts(),
                        "feedback": { "type": "object", "additionalProperties": { "type": "string" } }
                    }
                }
            }
        }
    })
}

/// The schema of course.yaml.
pub fn course() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://wirelab.invalid/schema/course-1.json",
        "title": "wirelab course",
        "type": "object",
        "additionalProperties": false,
        "required": ["format_version", "title", "lessons"],
        "properties": {
            "format_version": { "const": super::FORMAT_VERSION },
            "id": { "type": "string", "pattern": "\\S", "description": "Stays when the title changes: progress is kept under it." },
            "title": { "type": "string" },
            "lessons": { "type": "array", "items": { "type": "string" }, "description": "Lesson files, in order." }
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_schemas_name_every_key_the_loader_reads() {
        let lesson = super::lesson().to_string();
        for key in [
            "format_version",
            "sections",
            "replay",
            "annotate",
            "hint_cost",
            "feedback",
            "from_capture",
            "filter_matches",
            "take",
        ] {
            assert!(lesson.contains(&format!("\"{key}\"")), "{key}");
        }
        assert!(super::course().to_string().contains("\"lessons\""));
    }
}
