//! `wirelab schema [lesson|course]`: the file formats as JSON Schema, for editors.

use std::process::ExitCode;

use crate::lesson::schema;

#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// Which file: a lesson, or course.yaml
    #[arg(value_enum, default_value_t = SchemaKind::Lesson)]
    pub kind: SchemaKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemaKind {
    Lesson,
    Course,
}

pub fn run(args: &SchemaArgs) -> anyhow::Result<ExitCode> {
    let value = match args.kind {
        SchemaKind::Lesson => schema::lesson(),
        SchemaKind::Course => schema::course(),
    };
    println!("{}", serde_json::to_string_pretty(&value)?);
    Ok(ExitCode::SUCCESS)
}
