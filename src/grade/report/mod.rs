//! Report formats: one trait-free function per format and file, each turning reports
//! into bytes, so every format is tested without I/O. All are deterministic: results in
//! course order, batches in file-name order.

pub mod csv;
pub mod json;
pub mod junit;
pub mod tap;
pub mod text;

/// A batch's file that could not be graded.
#[derive(Debug, Clone)]
pub struct Failed {
    pub file: String,
    pub message: String,
}
