//! The lesson and course formats as JSON Schema (`wirelab schema`), so that editors
//! with yaml-language-server complete and validate lessons as they are written.
//! Answers are strings throughout: quote values YAML could read as numbers or booleans.

use serde_json::{json, Value};

fn texts() -> Value {
    json!({ "oneOf": [ { "type": "string" }, { "type": "array", "items": { "type": "string" } } ] })
}

/// The schema of a lesson file.
pub fn lesson() -> Value {
    let answer = json!({
        "description": "What counts as right: exactly one kind.",
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "text": { "description": "Accepted answers; case and spaces do not matter.", "oneOf": texts()["oneOf"] },
            "regex": { "type": "string", "description": "An accepted pattern, anchored at both ends, case-insensitive." },
            "set": { "type": "array", "items": { "type": "string" }, "description": "Tokens in any order; missing or extra ones are wrong." },
            "choice": { "description": "The right option(s), as written in options.", "oneOf": texts()["oneOf"] },
            "number": { "type": "string" },
            "tolerance": { "type": "string" },
            "bool": { "type": "boolean" },
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
            "id": { "type": "string" },
            "title": { "type": "string" },
            "summary": { "type": "string" },
            "sections": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["title", "body"],
                    "properties": {
                        "title": { "type": "string" },
                        "body": { "type": "string", "description": "Text: # headings, *emphasis*, `code`, lists, | tables |." },
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
                        "id": { "type": "string" },
                        "prompt": { "type": "string" },
                        "points": { "type": "integer", "minimum": 0 },
                        "options": { "type": "array", "items": { "type": "string" } },
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
