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
