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
    /// When it last changed (ms since the epoch; 0 in files from before it was kept):
    /// a reset in another session drops what changed before it.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub updated_ms: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LessonProgress {
    pub questions: BTreeMap<String, QuestionProgress>,
    /// The section last read (0-based).
    pub section: usize,
    pub completed: bool,
    /// When its section or completion last changed (ms since the epoch, 0: unknown).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub updated_ms: u64,
    /// When it was last reset: whatever changed before is gone, in every session.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub reset_ms: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CourseProgress {
    pub lessons: BTreeMap<String, LessonProgress>,
    /// When the whole course was last reset.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub reset_ms: u64,
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
    /// The data as last read or written: what differs from it now changed since, and is
    /// stamped with the time when saved.
    saved: Progress,
    /// The last time stamped (see [`Store::tick`]).
    last_stamp: u64,
    /// Courses kept under another key now ([`Store::rename_course`]): (old, new).
    renamed: Vec<(String, String)>,
    /// Could saving work when the file was opened (see [`Store::writable`])?
    writable: bool,
}

/// Makes the progress file's folder and opens its lock file for writing.
fn can_write_beside(path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir)?;
    }
    fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(format!("{}.lock", path.display()))
        .map(drop)
}

impl Store {
    /// Opens the file (an absent one is empty progress). Returns a warning when the file
    /// could not be used and was set aside.
    pub fn open(path: &Path) -> (Store, Option<String>) {
        let (mut store, warning) = Store::read(path);
        // Said at the start, not at the first answer: a folder the progress cannot go to.
        match can_write_beside(path) {
            Ok(()) => (store, warning),
            Err(e) => {
                store.writable = false;
                let saving = format!(
                    "progress cannot be saved to {}: {}; this session's answers will not be kept (--progress FILE to save elsewhere)",
                    path.display(),
                    crate::io_error_text(&e)
                );
                let warning = match warning {
                    Some(first) => format!("{first}; {saving}"),
                    None => saving,
                };
                (store, Some(warning))
            }
        }
    }

    fn read(path: &Path) -> (Store, Option<String>) {
        let empty = |warning| (Store::with(path, Progress::default()), warning);
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
            Ok(data) if data.version <= VERSION => return (Store::with(path, data), None),
            Ok(data) => unusable_version(data.version),
            Err(e) => format!("it is damaged ({e})"),
        };
        empty(Some(set_aside_saying(path, &problem, "starting afresh")))
    }

    /// Could saving work when the file was opened: its folder made, and the lock file
    /// [`Store::save`] takes opened (created if need be; it stays, as after any save).
    pub fn writable(&self) -> bool {
        self.writable
    }

    fn with(path: &Path, data: Progress) -> Store {
        Store {
            path: path.to_path_buf(),
            saved: data.clone(),
            data,
            last_stamp: 0,
            renamed: Vec::new(),
            writable: true,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Saves: under an exclusive lock on `FILE.lock`, what another wirelab wrote to the
    /// file since is merged in (answers are only ever gained, save what a reset in
    /// either session dropped), then the file is written atomically — a temporary file
    /// in the same folder, flushed to disk, renamed over the old one — so a crash leaves
    /// the old or the new file, never half of one. A file there that cannot be read
    /// (damaged, or from a newer wirelab) is set aside first, never overwritten: the
    /// warning returned says where it went.
    pub fn save(&mut self) -> std::io::Result<Option<String>> {
        let now = self.tick();
        self.stamp_changes(now);
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
        let mut warning = None;
        match fs::read_to_string(&self.path) {
            Ok(text) => match serde_json::from_str::<Progress>(&text) {
                Ok(on_disk) if on_disk.version <= VERSION => self.merge(on_disk),
                Ok(on_disk) => {
                    warning = Some(set_aside_saying(
                        &self.path,
                        &unusable_version(on_disk.version),
                        "this session's progress is saved in its place",
                    ))
                }
                Err(e) => {
                    warning = Some(set_aside_saying(
                        &self.path,
                        &format!("it is damaged ({e})"),
                        "this session's progress is saved in its place",
                    ))
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            // Unreadable (permissions): not replaced by a file that lacks what it holds.
            Err(e) => return Err(e),
        }
        self.drop_what_resets_cleared();
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
        self.saved = self.data.clone();
        Ok(warning)
    }

    /// The time to stamp a change or a reset with: later than any this store stamped
    /// before, so that within a session a reset always follows what it clears, even in
    /// the same millisecond.
    fn tick(&mut self) -> u64 {
        self.last_stamp = now_ms().max(self.last_stamp + 1);
        self.last_stamp
    }

    /// Stamps what changed since the last read or write with `now`.
    fn stamp_changes(&mut self, now: u64) {
        for (key, course) in &mut self.data.courses {
            let before = self.saved.courses.get(key);
            for (id, lesson) in &mut course.lessons {
                let was = before.and_then(|c| c.lessons.get(id));
                if was.is_none_or(|w| (w.section, w.completed) != (lesson.section, lesson.completed)) {
                    lesson.updated_ms = now;
                }
                for (qid, question) in &mut lesson.questions {
                    if was.and_then(|w| w.questions.get(qid)) != Some(question) {
                        question.updated_ms = now;
                    }
                }
            }
        }
    }

    /// Moves a course's progress to another key, in the file too (what a session
    /// still writes under the old key joins it), unless the new key has some already.
    pub fn rename_course(&mut self, from: &str, to: &str) {
        if self.data.courses.contains_key(to) {
            return;
        }
        if let Some(progress) = self.data.courses.remove(from) {
            self.data.courses.insert(to.to_string(), progress);
            self.renamed.push((from.to_string(), to.to_string()));
        }
    }

    /// Takes in progress written by another session, and its resets.
    fn merge(&mut self, on_disk: Progress) {
        for (key, course) in on_disk.courses {
            let key = match self.renamed.iter().find(|(from, _)| *from == key) {
                Some((_, to)) => to.clone(),
                None => key,
            };
            let mine = self.data.courses.entry(key).or_default();
            mine.reset_ms = mine.reset_ms.max(course.reset_ms);
            for (id, lesson) in course.lessons {
                mine.lessons.entry(id).or_default().merge(lesson);
            }
        }
    }

    /// Drops what changed before a reset of its lesson or course, whichever session
    /// it was made in.
    fn drop_what_resets_cleared(&mut self) {
        for course in self.data.courses.values_mut() {
            for lesson in course.lessons.values_mut() {
                let reset = lesson.reset_ms.max(course.reset_ms);
                lesson.questions.retain(|_, q| q.updated_ms >= reset);
                if lesson.updated_ms < reset {
                    lesson.section = 0;
                    lesson.completed = false;
                }
            }
            course.lessons.retain(|_, l| {
                l.reset_ms > course.reset_ms || !l.questions.is_empty() || l.updated_ms >= course.reset_ms
            });
        }
    }

    /// Forgets a lesson's progress, or a whole course's, in this session and in any
    /// other that saves to the same file. Returns whether there was any.
    pub fn forget(&mut self, course: &str, lesson: Option<&str>) -> bool {
        let now = self.tick();
        let progress = self.data.courses.entry(course.to_string()).or_default();
        match lesson {
            Some(id) => {
                let lesson = progress.lessons.entry(id.to_string()).or_default();
                let had = !lesson.questions.is_empty() || lesson.completed || lesson.section > 0;
                *lesson = LessonProgress {
                    reset_ms: now,
                    ..LessonProgress::default()
                };
                had
            }
            None => {
                let had = !progress.lessons.is_empty();
                progress.lessons.clear();
                progress.reset_ms = now;
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
        self.reset_ms = self.reset_ms.max(other.reset_ms);
        if other.updated_ms > self.updated_ms {
            self.section = other.section;
            self.updated_ms = other.updated_ms;
        }
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
        self.updated_ms = self.updated_ms.max(other.updated_ms);
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

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

fn unusable_version(version: u32) -> String {
    format!("it was written by a newer wirelab (version {version})")
}

/// Sets an unusable file aside; the warning says why, where it went, and what now.
fn set_aside_saying(path: &Path, problem: &str, then: &str) -> String {
    match set_aside(path) {
        Ok(aside) => format!(
            "progress in {} could not be used: {problem}. It was kept as {}; {then}.",
            path.display(),
            aside.display()
        ),
        Err(e) => format!(
            "progress in {} could not be used: {problem}, nor moved aside: {e}",
            path.display()
        ),
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
        assert_eq!(store.save().unwrap(), None);
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

        // A reset is not undone by the merge (made a moment after the other session's
        // last change: within one millisecond the two could not be ordered).
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert!(first.forget("c", Some("l1")));
        first.save().unwrap();
        let (after, _) = Store::open(&path);
        assert!(after.data.courses["c"].lessons["l1"].questions.is_empty());
        assert!(after.data.courses["c"].lessons.contains_key("l2"));
    }

    /// Session B still holds answers another session then reset: its next save does not
    /// bring them back, but keeps what it answers after the reset.
    #[test]
    fn a_reset_in_one_session_holds_in_another_that_saves_later() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("progress.json");
        let (mut a, _) = Store::open(&path);
        let (mut b, _) = Store::open(&path);
        answer(&mut b, "l1", "q1");
        answer(&mut b, "l2", "q2");
        b.save().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(5));
        a.save().unwrap();
        assert!(a.forget("c", Some("l1")));
        a.save().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(5));
        // B answers another question of the reset lesson, after the reset.
        answer(&mut b, "l1", "q3");
        b.save().unwrap();
        let (after, _) = Store::open(&path);
        let lessons = &after.data.courses["c"].lessons;
        assert_eq!(lessons["l1"].questions.keys().collect::<Vec<_>>(), ["q3"]);
        assert_eq!(lessons["l2"].questions.keys().collect::<Vec<_>>(), ["q2"]);
        // A whole course reset, the same.
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert!(a.forget("c", None));
        a.save().unwrap();
        answer(&mut b, "l3", "q4");
        b.save().unwrap();
        let (after, _) = Store::open(&path);
        let answered: Vec<&String> = after.data.courses["c"]
            .lessons
            .values()
            .flat_map(|l| l.questions.keys())
            .collect();
        assert_eq!(answered, ["q4"]);
    }

    /// A file a newer wirelab (or damage) left while a session ran is set aside, not
    /// overwritten, and the save says so.
    #[test]
    fn a_file_that_became_unreadable_during_a_session_is_set_aside_when_saving() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("progress.json");
        let (mut store, _) = Store::open(&path);
        answer(&mut store, "l1", "q1");
        store.save().unwrap();
        let newer = r#"{"version": 2, "courses": {}, "more": true}"#;
        fs::write(&path, newer).unwrap();
        let warning = store.save().unwrap().expect("a warning");
        assert!(warning.contains("newer wirelab (version 2)"), "{warning}");
        assert_eq!(
            fs::read_to_string(dir.path().join("progress.json.unreadable-1")).unwrap(),
            newer
        );
        fs::write(&path, "{ damaged").unwrap();
        let warning = store.save().unwrap().expect("a warning");
        assert!(warning.contains("damaged"), "{warning}");
        assert!(dir.path().join("progress.json.unreadable-2").exists());
        let (again, _) = Store::open(&path);
        assert!(again.data.courses["c"].lessons["l1"].questions["q1"].correct);
    }
}
