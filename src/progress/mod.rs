//! A student's progress: per course and lesson, each question's answer, attempts, hints
//! and solution steps used, points, and completion. Kept in a versioned JSON file,
//! written atomically (temporary file, fsync, rename) after every change, keyed by
//! stable ids so that an edited course keeps what still applies. A file that cannot be
//! read (corrupt, or from a newer wirelab) is set aside under a new name, never
//! overwritten.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The version of the progress file's layout.
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QuestionProgress {
    pub answer: Option<String>,
    pub correct: bool,
    pub attempts: u32,
    pub hints: u32,
    pub solution_steps: u32,
    pub points: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LessonProgress {
    pub questions: BTreeMap<String, QuestionProgress>,
    /// The section last read (0-based).
    pub section: usize,
    pub completed: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CourseProgress {
    pub lessons: BTreeMap<String, LessonProgress>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub version: u32,
    pub courses: BTreeMap<String, CourseProgress>,
}

impl Default for Progress {
    fn default() -> Self {
        Progress {
            version: VERSION,
            courses: BTreeMap::new(),
        }
    }
}

/// Where progress is kept: `--progress FILE`, else `$WIRELAB_HOME/progress.json`, else
/// the XDG data directory (`$XDG_DATA_HOME/wirelab`, `~/.local/share/wirelab`).
pub fn default_path() -> PathBuf {
    data_dir().join("progress.json")
}

/// wirelab's data directory (progress, REPL history).
pub fn data_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("WIRELAB_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(home);
    }
    if let Some(xdg) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(xdg).join("wirelab");
    }
    match std::env::var_os("HOME").filter(|v| !v.is_empty()) {
        Some(home) => PathBuf::from(home).join(".local/share/wirelab"),
        None => PathBuf::from(".wirelab"),
    }
}

/// The progress file and what it holds.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    pub data: Progress,
    /// Lessons (or whole courses, `None`) reset since the last save: the merge must not
    /// bring them back from the file.
    forgotten: Vec<(String, Option<String>)>,
}

impl Store {
    /// Opens the file (an absent one is empty progress). Returns a warning when the file
    /// could not be used and was set aside.
    pub fn open(path: &Path) -> (Store, Option<String>) {
        let empty = |warning| {
            (
                Store {
                    path: path.to_path_buf(),
                    data: Progress::default(),
                    forgotten: Vec::new(),
                },
                warning,
            )
        };
        let text = match fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return empty(None),
            Err(e) => {
                return empty(Some(format!(
                    "cannot read {}: {}; starting afresh",
                    path.display(),
                    crate::io_error_text(&e)
                )))
            }
        };
        let problem = match serde_json::from_str::<Progress>(&text) {
            Ok(data) if data.version <= VERSION => {
                return (
                    Store {
                        path: path.to_path_buf(),
                        data,
                        forgotten: Vec::new(),
                    },
                    None,
                )
            }
            Ok(data) => format!("it was written by a newer wirelab (version {})", data.version),
            Err(e) => format!("it is damaged ({e})"),
        };
        let aside = set_aside(path);
        empty(Some(match aside {
            Ok(aside) => format!(
                "progress in {} could not be used: {problem}. It was kept as {}; starting afresh.",
                path.display(),
                aside.display()
            ),
            Err(e) => format!(
                "progress in {} could not be used: {problem}, nor moved aside: {e}",
                path.display()
            ),
        }))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Saves: under an exclusive lock on `FILE.lock`, what another wirelab wrote to the
    /// file since is merged in (answers are only ever gained), then the file is written
    /// atomically — a temporary file in the same folder, flushed to disk, renamed over
    /// the old one — so a crash leaves the old or the new file, never half of one.
    pub fn save(&mut self) -> std::io::Result<()> {
        let dir = self
            .path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        fs::create_dir_all(&dir)?;
        let _lock = Lock::exclusive(&PathBuf::from(format!("{}.lock", self.path.display())))?;
        let name = self
            .path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("progress")
            .to_string();
        // Savers write their temporary file only while holding the lock, so any other
        // one here was left by a session killed mid-save: it is never the real data.
        if let Ok(entries) = fs::read_dir(&dir) {
            let (prefix, suffix) = (format!(".{name}."), ".tmp");
            for entry in entries.flatten() {
                let file = entry.file_name();
                let file = file.to_string_lossy();
                if file.starts_with(&prefix) && file.ends_with(suffix) {
                    let _ = fs::remove_file(entry.path());
                }
            }
        }
        if let Ok(text) = fs::read_to_string(&self.path) {
            if let Ok(on_disk) = serde_json::from_str::<Progress>(&text) {
                if on_disk.version <= VERSION {
                    self.merge(on_disk);
                }
            }
        }
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let mut file = File::create(&tmp)?;
        file.write_all(
            serde_json::to_string_pretty(&self.data)
                .expect("progress serialises")
                .as_bytes(),
        )?;
        file.write_all(b"\n")?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, &self.path)?;
        // The rename itself must reach the disk too.
        if let Ok(d) = File::open(&dir) {
            let _ = d.sync_all();
        }
        self.forgotten.clear();
        Ok(())
    }

    /// Takes in progress written by another session, except what was reset here.
    fn merge(&mut self, on_disk: Progress) {
        for (key, course) in on_disk.courses {
            if self.forgotten.contains(&(key.clone(), None)) {
                continue;
            }
            let mine = self.data.courses.entry(key.clone()).or_default();
            for (id, lesson) in course.lessons {
                if self.forgotten.contains(&(key.clone(), Some(id.clone()))) {
                    continue;
                }
                mine.lessons.entry(id).or_default().merge(lesson);
            }
        }
    }

    /// Forgets a lesson's progress, or a whole course's.
    pub fn forget(&mut self, course: &str, lesson: Option<&str>) -> bool {
        self.forgotten.push((course.to_string(), lesson.map(str::to_string)));
        let Some(progress) = self.data.courses.get_mut(course) else {
            return false;
        };
        match lesson {
            Some(id) => progress.lessons.remove(id).is_some(),
            None => {
                let had = !progress.lessons.is_empty();
                progress.lessons.clear();
                had
            }
        }
    }

    pub fn course(&mut self, key: &str) -> &mut CourseProgress {
        self.data.courses.entry(key.to_string()).or_default()
    }
}

impl LessonProgress {
    fn merge(&mut self, other: LessonProgress) {
        self.completed |= other.completed;
        for (id, theirs) in other.questions {
            self.questions.entry(id).or_default().merge(theirs);
        }
    }
}

impl QuestionProgress {
    /// A right answer, and the most attempts, hints and steps used, win.
    fn merge(&mut self, other: QuestionProgress) {
        if other.correct && !self.correct {
            self.answer = other.answer;
            self.points = other.points;
        } else if self.answer.is_none() {
            self.answer = other.answer;
        }
        self.correct |= other.correct;
        self.attempts = self.attempts.max(other.attempts);
        self.hints = self.hints.max(other.hints);
        self.solution_steps = self.solution_steps.max(other.solution_steps);
    }
}

/// An exclusive advisory lock (flock) held while it lives.
struct Lock {
    _file: File,
}

impl Lock {
    fn exclusive(path: &Path) -> std::io::Result<Lock> {
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)?;
        use std::os::fd::AsRawFd as _;
        // SAFETY: flock on a descriptor we own; it is released when the file closes.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(Lock { _file: file })
    }
}

/// Moves an unusable file to `NAME.unreadable-N` (the first N not taken).
fn set_aside(path: &Path) -> std::io::Result<PathBuf> {
    for n in 1.. {
        let aside = PathBuf::from(format!("{}.unreadable-{n}", path.display()));
        if !aside.exists() {
            fs::rename(path, &aside)?;
            return Ok(aside);
        }
    }
    unreachable!("some name is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_and_loads_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/progress.json");
        let (mut store, warning) = Store::open(&path);
        assert!(warning.is_none());
        store.course("c").lessons.entry("l".into()).or_default().completed = true;
        store.save().unwrap();
        let (again, warning) = Store::open(&path);
        assert!(warning.is_none());
        assert!(again.data.courses["c"].lessons["l"].completed);
        let leftovers: Vec<_> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "no temporary file left behind: {leftovers:?}");
    }

    #[test]
    fn damaged_and_newer_files_are_set_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("progress.json");
        fs::write(&path, "{ not json").unwrap();
        let (store, warning) = Store::open(&path);
        assert!(warning.unwrap().contains("damaged"));
        assert_eq!(store.data, Progress::default());
        assert!(dir.path().join("progress.json.unreadable-1").exists());
        fs::write(&path, r#"{"version": 99, "courses": {}}"#).unwrap();
        let (_, warning) = Store::open(&path);
        assert!(warning.unwrap().contains("newer wirelab"));
        assert!(dir.path().join("progress.json.unreadable-2").exists());
    }

    fn answer(store: &mut Store, lesson: &str, question: &str) {
        let q = store
            .course("c")
            .lessons
            .entry(lesson.into())
            .or_default()
            .questions
            .entry(question.into())
            .or_default();
        q.correct = true;
        q.attempts += 1;
        q.answer = Some(question.to_uppercase());
    }

    #[test]
    fn two_sessions_on_one_file_keep_each_others_answers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("progress.json");
        let (mut first, _) = Store::open(&path);
        let (mut second, _) = Store::open(&path);
        answer(&mut first, "l1", "q1");
        first.save().unwrap();
        answer(&mut second, "l1", "q2");
        answer(&mut second, "l2", "q3");
        second.save().unwrap();
        // The first session saves again: it gains what the second wrote, loses nothing.
        first
            .course("c")
            .lessons
            .get_mut("l1")
            .unwrap()
            .questions
            .get_mut("q1")
            .unwrap()
            .hints = 2;
        first.save().unwrap();
        let (merged, _) = Store::open(&path);
        let lessons = &merged.data.courses["c"].lessons;
        assert_eq!(lessons["l1"].questions.keys().collect::<Vec<_>>(), ["q1", "q2"]);
        assert_eq!(lessons["l1"].questions["q1"].hints, 2);
        assert_eq!(lessons["l2"].questions["q3"].answer.as_deref(), Some("Q3"));

        // A reset is not undone by the merge.
        assert!(first.forget("c", Some("l1")));
        first.save().unwrap();
        let (after, _) = Store::open(&path);
        assert!(!after.data.courses["c"].lessons.contains_key("l1"));
        assert!(after.data.courses["c"].lessons.contains_key("l2"));
    }
}
