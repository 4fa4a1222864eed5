//! The course that ships inside the binary: lessons/ and the captures they use, so
//! that `wirelab` works from anywhere without the repository.

/// Lesson files by name (course.yaml lists them in order).
pub const LESSONS: &[(&str, &str)] = &[
    ("course.yaml", include_str!("../../lessons/course.yaml")),
    ("01-primer.yaml", include_str!("../../lessons/01-primer.yaml")),
    (
        "02-http-methods.yaml",
        include_str!("../../lessons/02-http-methods.yaml"),
    ),
    (
        "03-tls-handshake.yaml",
        include_str!("../../lessons/03-tls-handshake.yaml"),
    ),
    ("04-ftp-modes.yaml", include_str!("../../lessons/04-ftp-modes.yaml")),
    ("05-smb-auth.yaml", include_str!("../../lessons/05-smb-auth.yaml")),
];

/// The bundled captures by file name.
pub const CAPTURES: &[(&str, &[u8])] = &[
    ("ftp-active.pcapng", include_bytes!("../../captures/ftp-active.pcapng")),
    ("ftp-errors.pcapng", include_bytes!("../../captures/ftp-errors.pcapng")),
    (
        "ftp-passive.pcapng",
        include_bytes!("../../captures/ftp-passive.pcapng"),
    ),
    (
        "http-methods.pcapng",
        include_bytes!("../../captures/http-methods.pcapng"),
    ),
    (
        "http-proxy-connect.pcapng",
        include_bytes!("../../captures/http-proxy-connect.pcapng"),
    ),
    (
        "investigation.pcapng",
        include_bytes!("../../captures/investigation.pcapng"),
    ),
    (
        "name-services.pcapng",
        include_bytes!("../../captures/name-services.pcapng"),
    ),
    (
        "smb-logon-failures.pcapng",
        include_bytes!("../../captures/smb-logon-failures.pcapng"),
    ),
    ("tls-alerts.pcapng", include_bytes!("../../captures/tls-alerts.pcapng")),
    (
        "tls12-handshake.pcapng",
        include_bytes!("../../captures/tls12-handshake.pcapng"),
    ),
    (
        "tls13-handshake.pcapng",
        include_bytes!("../../captures/tls13-handshake.pcapng"),
    ),
];

pub fn lesson(name: &str) -> Option<&'static str> {
    LESSONS.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}

pub fn capture(name: &str) -> Option<&'static [u8]> {
    CAPTURES.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lesson_file_and_capture_is_bundled() {
        for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/lessons")).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".yaml") {
                assert!(lesson(&name).is_some(), "lessons/{name} is not in LESSONS");
            }
        }
        for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/captures")).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".pcapng") {
                assert!(capture(&name).is_some(), "captures/{name} is not in CAPTURES");
            }
        }
    }
}
