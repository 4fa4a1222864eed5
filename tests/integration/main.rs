//! wirelab's integration tests: one binary, a module per topic.

mod bad_input;
mod bundled_captures;
mod certificates;
mod cli;
mod common;
mod field_types;
mod filters;
mod follow_export;
mod grading;
mod kept_fields;
mod lessons;
mod linktypes;
mod malformed;
mod passes;
mod readme_questions;
mod regressions;
mod repl;
mod shards;
mod streams;
mod tcp_line;
mod tshark_diff;
