//! Recovering the files a capture carries: names for them that are safe to create.
//! The writing itself is the `export` command's; this module decides names only, so it
//! is tested without touching a disk.

use std::collections::HashSet;

/// Longest name kept (bytes), before any `(n)` suffix.
const MAX_NAME: usize = 100;

/// A file name built from a name seen on the wire (`RETR ../../etc/passwd`,
/// `GET /a/b/report.pdf?x=1`): its last path component, with anything but letters,
/// digits, `.`, `-` and `_` replaced, no leading dots, never empty. It cannot name a
/// directory or leave the folder it is created in.
pub fn safe_name(wire_name: &str) -> String {
    let without_query = wire_name.split(['?', '#']).next().unwrap_or("");
    let last = without_query.rsplit(['/', '\\']).next().unwrap_or("");
    let mut name: String = last
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    name = name.trim_start_matches('.').to_string();
    if name.len() > MAX_NAME {
        name.truncate(MAX_NAME);
    }
    if name.is_empty() {
        name = "object".into();
    }
    name
}

/// The file an FTP data connection carried, from its command (`RETR secrets.txt`).
pub fn ftp_name(command: Option<&str>, stream: u64) -> String {
    match command.and_then(|c| c.split_once(' ')) {
        Some((verb, arg)) if matches!(verb.to_ascii_uppercase().as_str(), "RETR" | "STOR" | "STOU" | "APPE") => {
            safe_name(arg)
        }
        _ => match command {
            Some(c) if c.to_ascii_uppercase().starts_with("LIST") || c.to_ascii_uppercase().starts_with("NLST") => {
                format!("ftp-listing-stream-{stream}.txt")
            }
            _ => format!("ftp-data-stream-{stream}.bin"),
        },
    }
}

/// The file an HTTP body is, from the target it answers (`/dav/notes.txt`); a
/// directory target becomes `index.html`.
pub fn http_name(target: &str) -> String {
    let path = target.split(['?', '#']).next().unwrap_or("");
    if path.ends_with('/') || path.is_empty() {
        "index.html".into()
    } else {
        safe_name(path)
    }
}

/// Names already given in one export, so that none is written twice.
#[derive(Debug, Default)]
pub struct UniqueNames {
    used: HashSet<String>,
}

impl UniqueNames {
    /// `name`, or `name(1)`, `name(2)`... when taken (here or, per `exists`, on disk).
    pub fn claim(&mut self, name: &str, exists: impl Fn(&str) -> bool) -> String {
        let (stem, ext) = match name.rfind('.') {
            Some(dot) if dot > 0 => (&name[..dot], &name[dot..]),
            _ => (name, ""),
        };
        let mut candidate = name.to_string();
        let mut n = 1;
        while self.used.contains(&candidate) || exists(&candidate) {
            candidate = format!("{stem}({n}){ext}");
            n += 1;
        }
        self.used.insert(candidate.clone());
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_never_climb_out_or_hide() {
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("..\\..\\boot.ini"), "boot.ini");
        assert_eq!(safe_name(".."), "object");
        assert_eq!(safe_name(".bashrc"), "bashrc");
        assert_eq!(safe_name("a b\u{1b}[2J.txt"), "a_b__2J.txt");
        assert_eq!(safe_name(""), "object");
        assert_eq!(safe_name(&"x".repeat(300)).len(), MAX_NAME);
    }

    #[test]
    fn ftp_and_http_names() {
        assert_eq!(ftp_name(Some("RETR secrets.txt"), 2), "secrets.txt");
        assert_eq!(ftp_name(Some("STOR ../notes.txt"), 2), "notes.txt");
        assert_eq!(ftp_name(Some("LIST"), 7), "ftp-listing-stream-7.txt");
        assert_eq!(ftp_name(None, 9), "ftp-data-stream-9.bin");
        assert_eq!(http_name("http://www.wirelab.test/"), "index.html");
        assert_eq!(http_name("/dav/meeting-notes.txt?v=2"), "meeting-notes.txt");
    }

    #[test]
    fn clashing_names_get_a_number() {
        let mut names = UniqueNames::default();
        assert_eq!(names.claim("a.txt", |_| false), "a.txt");
        assert_eq!(names.claim("a.txt", |_| false), "a(1).txt");
        assert_eq!(names.claim("b", |n| n == "b"), "b(1)");
    }
}
