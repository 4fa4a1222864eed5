//! wirelab: a terminal lab for learning network traffic analysis.
//!
//! Data flows one way: [`capture`] reads frames, [`decode`] turns each into a
//! [`decode::Packet`] of named fields (Wireshark's display-filter names), [`filter`]
//! selects packets with Wireshark's display-filter language, and [`view`] prints them. See DESIGN.md in the shared docs for the whole map.

pub mod capture;
pub mod cli;
pub mod decode;
pub mod export;
pub mod filter;
pub mod grade;
pub mod lesson;
pub mod progress;
pub mod repl;
pub mod view;

/// An I/O error as a short sentence, without Rust's "(os error N)" suffix.
pub fn io_error_text(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    }
}

/// Reads a text file that must be small (a lesson, a course index, an answers file):
/// one larger than `limit` bytes is refused without being read into memory.
pub fn read_small_text(path: &std::path::Path, limit: usize) -> std::io::Result<String> {
    use std::io::Read as _;
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    // One byte more than the limit tells a file at the limit from a larger one.
    file.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    if bytes.len() > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("the file is larger than {limit} bytes"),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        // Where the first byte that is not UTF-8 is, as an editor counts.
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not UTF-8 text (line {line}, column {column})"),
        )
    })
}
