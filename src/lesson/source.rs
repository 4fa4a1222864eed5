//! Where a course comes from: the bundled one, or a folder an instructor points at.
//! Capture names are looked up in the course folder (and its captures/), then among
//! the bundled captures; a name that would leave the folder is refused.

use std::io::{Cursor, Read};
use std::path::{Component, Path, PathBuf};

use super::answer::Captures;
use super::{bundled, load, Course, Problem};

#[derive(Debug, Clone)]
pub enum CourseSource {
    Bundled,
    Folder(PathBuf),
}

impl CourseSource {
    /// A folder holding course.yaml, or the folder of a lesson file given directly.
    /// A course folder; the empty path (the parent of a bare file name) is ".".
    pub fn folder(path: &Path) -> CourseSource {
        let path = if path.as_os_str().is_empty() {
            Path::new(".")
        } else {
            path
        };
        CourseSource::Folder(path.to_path_buf())
    }

    pub fn captures(&self) -> CourseCaptures {
        CourseCaptures {
            dir: match self {
                CourseSource::Bundled => None,
                CourseSource::Folder(dir) => Some(dir.clone()),
            },
        }
    }

    /// Loads the course; problems (with positions) go to `problems`.
    pub fn load(&self, problems: &mut Vec<Problem>) -> Option<Course> {
        match self {
            CourseSource::Bundled => {
                let index = bundled::lesson("course.yaml").expect("the bundled course has course.yaml");
                load::course(
                    "lessons/course.yaml",
                    index,
                    |name| {
                        bundled::lesson(name)
                            .map(str::to_string)
                            .ok_or_else(|| "not bundled".to_string())
                    },
                    |name| format!("lessons/{name}"),
                    problems,
                )
            }
            CourseSource::Folder(dir) => {
                let index_path = dir.join("course.yaml");
                let index_name = index_path.display().to_string();
                let index =
                    crate::read_small_text(&index_path, super::yaml::MAX_FILE).map_err(|e| crate::io_error_text(&e));
                let index = match index {
                    Ok(text) => text,
                    Err(why) => {
                        problems.push(Problem {
                            file: index_name,
                            pos: super::yaml::Pos { line: 1, column: 1 },
                            severity: super::Severity::Error,
                            message: format!("cannot read the course: {why}"),
                        });
                        return None;
                    }
                };
                load::course(
                    &index_name,
                    &index,
                    |name| {
                        let path = inside(dir, name).ok_or_else(|| "the path leaves the course folder".to_string())?;
                        crate::read_small_text(&path, super::yaml::MAX_FILE).map_err(|e| crate::io_error_text(&e))
                    },
                    |name| dir.join(name).display().to_string(),
                    problems,
                )
            }
        }
    }
}

/// `dir/name`, when `name` is relative and never climbs out: no `..`, no root, and no
/// symbolic link on the way that leads outside `dir`.
fn inside(dir: &Path, name: &str) -> Option<PathBuf> {
    let relative = Path::new(name);
    if !relative.components().all(|c| matches!(c, Component::Normal(_))) {
        return None;
    }
    let path = dir.join(relative);
    // What does not exist yet cannot lead anywhere; opening it will say it is missing.
    match (path.canonicalize(), dir.canonicalize()) {
        (Ok(real), Ok(root)) if real.starts_with(&root) => Some(path),
        (Ok(_), _) => None,
        (Err(_), _) => Some(path),
    }
}

pub struct CourseCaptures {
    dir: Option<PathBuf>,
}

impl Captures for CourseCaptures {
    fn open(&self, name: &str) -> Result<Box<dyn Read>, String> {
        if let Some(dir) = &self.dir {
            let (Some(direct), Some(in_captures)) = (inside(dir, name), inside(dir, &format!("captures/{name}")))
            else {
                return Err("capture paths must stay inside the course folder".into());
            };
            for path in [in_captures, direct] {
                if path.is_file() {
                    let file = std::fs::File::open(&path).map_err(|e| crate::io_error_text(&e))?;
                    return Ok(Box::new(std::io::BufReader::new(file)));
                }
            }
        }
        match bundled::capture(name) {
            Some(bytes) => Ok(Box::new(Cursor::new(bytes))),
            None => Err("no such capture in the course or among the bundled captures".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_leave_the_course() {
        assert!(inside(Path::new("/c"), "a.pcapng").is_some());
        assert!(inside(Path::new("/c"), "sub/a.pcapng").is_some());
        assert!(inside(Path::new("/c"), "../a.pcapng").is_none());
        assert!(inside(Path::new("/c"), "/etc/passwd").is_none());
        let captures = CourseSource::Folder(PathBuf::from("/nonexistent")).captures();
        assert!(captures.open("../../etc/passwd").is_err());
        assert!(
            captures.open("ftp-passive.pcapng").is_ok(),
            "bundled captures are the fallback"
        );
    }

    #[test]
    fn symbolic_links_cannot_lead_out_of_the_course() {
        let course = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.pcap"), b"not for students").unwrap();
        std::os::unix::fs::symlink(outside.path(), course.path().join("captures")).unwrap();
        std::os::unix::fs::symlink(outside.path(), course.path().join("elsewhere")).unwrap();
        let captures = CourseSource::Folder(course.path().to_path_buf()).captures();
        for name in ["secret.pcap", "elsewhere/secret.pcap"] {
            let error = captures.open(name).err().expect("refused");
            assert_eq!(error, "capture paths must stay inside the course folder", "{name}");
        }
        // A link that stays inside is fine.
        std::fs::create_dir(course.path().join("real")).unwrap();
        std::fs::write(course.path().join("real/a.pcap"), b"x").unwrap();
        std::os::unix::fs::symlink(course.path().join("real"), course.path().join("alias")).unwrap();
        assert!(captures.open("alias/a.pcap").is_ok());
        // A lesson checked by its bare file name: its folder is ".", links checked too.
        assert_eq!(
            CourseSource::folder(Path::new("")).captures().dir,
            Some(PathBuf::from("."))
        );
    }

    #[test]
    fn the_bundled_course_loads_without_problems() {
        let mut problems = Vec::new();
        let course = CourseSource::Bundled.load(&mut problems).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(course.lessons[0].id, "primer");
        assert_eq!(course.lessons[0].questions.len(), 8);
    }
}
