//! What a first pass over a capture learns about frames that come later, so that a
//! second pass can label earlier frames as `tshark -2` does: the version a TLS session
//! settles on (its Client Hello is labelled with it) and which frame answers an echo
//! request.
//!
//! The two passes may run at once, the first on its own thread ahead of the second.
//! They share a board: the first pass posts what it has decided, per TLS stream and per
//! echo request, and the second takes each answer once, waiting only when the first
//! has not decided yet. It decides a TLS stream at its Server Hello or when the
//! conversation ends, an echo request at its reply, and everything else at the end of
//! the capture. Answers are removed when taken, so the board holds only what the
//! first pass is ahead by; and the first pass pauses while the board holds
//! [`MAX_AHEAD`] answers nobody has asked for yet (unless the second pass is waiting
//! for one), so memory stays flat however long the capture.
//!
//! Most decoding now reads a capture once (`decode::single_pass`), and learns the same
//! answers itself through a local writer ([`HintWriter::local`]); a board is used when
//! it has held packets back too long and starts a first pass, which then posts only
//! what it is asked for ([`Hints::board_for`]).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use super::FastSet;

/// The second pass's side of the board; without one, a single pass that knows
/// nothing of later frames.
#[derive(Debug, Clone, Default)]
pub struct Hints {
    shared: Option<Arc<Shared>>,
}

/// Answers the board holds before the first pass waits for the second to take some.
pub const MAX_AHEAD: usize = 1 << 16;

#[derive(Debug, Default)]
struct Shared {
    board: Mutex<Board>,
    /// Signalled when answers are posted (the second pass waits on it)...
    posted: Condvar,
    /// ...and when they are taken, or the second pass starts waiting (the first pass
    /// pauses on it).
    taken: Condvar,
    /// The second pass is waiting: the first posts what it holds at its next frame.
    waiting: AtomicBool,
    /// Answers on the board.
    entries: AtomicUsize,
}

#[derive(Debug, Default)]
struct Board {
    /// The version each TLS stream settled on (`None`: it never named one).
    tls: HashMap<u64, Option<u16>>,
    /// Echo request frame -> the frame that answered it.
    echoes: HashMap<u64, u64>,
    /// The first pass is over: whatever it did not post is undecided for good.
    done: bool,
}

impl Board {
    fn entries(&self) -> usize {
        self.tls.len() + self.echoes.len()
    }
}

impl Hints {
    /// A board with its two sides: the writer goes to the first pass.
    pub fn board() -> (HintWriter, Hints) {
        let shared = Arc::new(Shared::default());
        let writer = HintWriter {
            shared: Some(Arc::clone(&shared)),
            tls: Vec::new(),
            echoes: Vec::new(),
            pauses: true,
            wanted: None,
        };
        (writer, Hints { shared: Some(shared) })
    }

    /// A board on which the first pass posts only what `wanted` names: for a single
    /// pass that has held packets back too long and asks a first pass to decide them.
    pub(crate) fn board_for(wanted: Wanted) -> (HintWriter, Hints) {
        let (mut writer, hints) = Hints::board();
        writer.wanted = Some(wanted);
        (writer, hints)
    }

    /// Is this a second pass (unanswered requests can be called unanswered)?
    pub(crate) fn is_second_pass(&self) -> bool {
        self.shared.is_some()
    }

    /// The version TLS stream `stream` settled on. Ask once per stream: the answer
    /// is taken off the board.
    pub(crate) fn tls_version(&self, stream: u64) -> Option<u16> {
        self.take(|board| board.tls.remove(&stream)).flatten()
    }

    /// The frame that answered the echo request in frame `request`. Ask once.
    pub(crate) fn echo_reply(&self, request: u64) -> Option<u64> {
        self.take(|board| board.echoes.remove(&request))
    }

    /// Waits until `answer` finds something on the board or the first pass is over.
    fn take<T>(&self, mut answer: impl FnMut(&mut Board) -> Option<T>) -> Option<T> {
        let shared = self.shared.as_ref()?;
        let mut board = lock(&shared.board);
        loop {
            if let Some(found) = answer(&mut board) {
                let entries = board.entries();
                shared.entries.store(entries, Ordering::Relaxed);
                if entries == MAX_AHEAD / 2 {
                    shared.taken.notify_all();
                }
                return Some(found);
            }
            if board.done {
                return None;
            }
            shared.waiting.store(true, Ordering::Relaxed);
            shared.taken.notify_all();
            board = shared
                .posted
                .wait(board)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }
}

/// A poisoned board is still a consistent one: every change is a single insert.
fn lock(board: &Mutex<Board>) -> MutexGuard<'_, Board> {
    board.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The first pass's side of the board. Posts in batches (the lock is taken once per
/// batch), at once when the second pass waits, and everything when dropped: a first
/// pass that ends, fails or panics never leaves the second waiting.
#[derive(Debug)]
pub struct HintWriter {
    /// `None`: a single pass keeps what it learns for itself ([`HintWriter::learnt`]).
    shared: Option<Arc<Shared>>,
    tls: Vec<(u64, Option<u16>)>,
    echoes: Vec<(u64, u64)>,
    /// Pauses when far ahead: only when the second pass runs at the same time.
    pauses: bool,
    /// Posts only these answers, when set.
    wanted: Option<Wanted>,
}

/// The answers a single pass that held packets back asks a first pass for: the TLS
/// streams and echo requests it holds, and every one that starts after frame `after`
/// (from then on it asks the board, as a second pass does).
#[derive(Debug, Default)]
pub(crate) struct Wanted {
    pub after: u64,
    pub tls: FastSet<u64>,
    pub echoes: FastSet<u64>,
}

/// What a single pass learnt since it last asked: TLS streams with the version they
/// settled on, echo requests with their replies.
pub(crate) type Learnt = (Vec<(u64, Option<u16>)>, Vec<(u64, u64)>);

/// Decisions held back before they are posted.
const BATCH: usize = 64;

impl HintWriter {
    /// A writer for a first pass that runs to its end before the second starts:
    /// nobody would take answers off the board while it waited, so it never pauses.
    pub(crate) fn never_pausing(mut self) -> Self {
        self.pauses = false;
        self
    }

    /// A writer that posts nowhere: a single pass collects what it learns with
    /// [`HintWriter::learnt`].
    pub(crate) fn local() -> Self {
        HintWriter {
            shared: None,
            tls: Vec::new(),
            echoes: Vec::new(),
            pauses: false,
            wanted: None,
        }
    }

    /// What was learnt since the last call (a local writer's answers).
    pub(crate) fn learnt(&mut self) -> Learnt {
        (std::mem::take(&mut self.tls), std::mem::take(&mut self.echoes))
    }

    /// TLS stream `stream`, whose analysis started at frame `since`, settled on `version`.
    pub(crate) fn tls(&mut self, stream: u64, version: Option<u16>, since: u64) {
        if self
            .wanted
            .as_ref()
            .is_some_and(|w| since <= w.after && !w.tls.contains(&stream))
        {
            return;
        }
        self.tls.push((stream, version));
    }

    pub(crate) fn echo(&mut self, request: u64, reply: u64) {
        if self
            .wanted
            .as_ref()
            .is_some_and(|w| request <= w.after && !w.echoes.contains(&request))
        {
            return;
        }
        self.echoes.push((request, reply));
    }

    /// Called after every frame of the first pass.
    /// Returns false when the second pass has gone (nobody reads what the first learns).
    pub(crate) fn frame_done(&mut self) -> bool {
        let Some(shared) = self.shared.as_ref() else {
            return true;
        };
        let held = self.tls.len() + self.echoes.len();
        if held >= BATCH || (held > 0 && shared.waiting.load(Ordering::Relaxed)) {
            self.post(false);
        }
        match self.shared.as_ref() {
            Some(shared) if self.pauses && shared.entries.load(Ordering::Relaxed) > MAX_AHEAD => pause(shared),
            _ => true,
        }
    }

    fn post(&mut self, done: bool) {
        let Some(shared) = self.shared.as_ref() else {
            return;
        };
        let mut board = lock(&shared.board);
        for (stream, version) in self.tls.drain(..) {
            // The first decision stands (a stream is decided once).
            board.tls.entry(stream).or_insert(version);
        }
        for (request, reply) in self.echoes.drain(..) {
            board.echoes.entry(request).or_insert(reply);
        }
        board.done |= done;
        shared.entries.store(board.entries(), Ordering::Relaxed);
        drop(board);
        shared.waiting.store(false, Ordering::Relaxed);
        shared.posted.notify_all();
    }
}

/// Waits while the board is full and the second pass needs nothing from it.
fn pause(shared: &Arc<Shared>) -> bool {
    let mut board = lock(&shared.board);
    loop {
        // Only the writer holds the board: nobody reads it any more.
        if Arc::strong_count(shared) == 1 {
            return false;
        }
        if board.entries() <= MAX_AHEAD / 2 || shared.waiting.load(Ordering::Relaxed) {
            return true;
        }
        // With a timeout, to notice a second pass that has gone without a word.
        board = match shared.taken.wait_timeout(board, Duration::from_millis(100)) {
            Ok((board, _)) => board,
            Err(poisoned) => poisoned.into_inner().0,
        };
    }
}

impl Drop for HintWriter {
    fn drop(&mut self) {
        self.post(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_single_pass_knows_nothing_and_never_waits() {
        let hints = Hints::default();
        assert!(!hints.is_second_pass());
        assert_eq!(hints.tls_version(0), None);
        assert_eq!(hints.echo_reply(1), None);
    }

    #[test]
    fn answers_are_taken_once_and_undecided_ones_end_with_the_first_pass() {
        let (mut writer, hints) = Hints::board();
        writer.tls(3, Some(0x0304), 0);
        writer.tls(4, None, 0);
        writer.echo(10, 12);
        drop(writer);
        assert!(hints.is_second_pass());
        assert_eq!(hints.tls_version(3), Some(0x0304));
        assert_eq!(hints.tls_version(3), None, "taken off the board");
        assert_eq!(hints.tls_version(4), None);
        assert_eq!(hints.echo_reply(10), Some(12));
        assert_eq!(hints.echo_reply(11), None);
    }

    #[test]
    fn the_second_pass_waits_for_the_first_to_decide() {
        let (mut writer, hints) = Hints::board();
        let first = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            writer.tls(7, Some(0x0303), 0);
            // Fewer than a batch: posted because the second pass is waiting.
            writer.frame_done();
            std::thread::sleep(std::time::Duration::from_millis(50));
            writer.echo(1, 2);
            // Dropped without a frame_done: posted, and the board is closed.
        });
        assert_eq!(hints.tls_version(7), Some(0x0303));
        assert_eq!(hints.echo_reply(1), Some(2));
        assert_eq!(hints.echo_reply(5), None);
        first.join().unwrap();
    }

    /// Posts `n` answers nobody will ask for, a frame at a time.
    fn fill(writer: &mut HintWriter, n: usize) -> bool {
        for i in 0..n {
            writer.tls(1_000_000 + i as u64, None, 0);
            if !writer.frame_done() {
                return false;
            }
        }
        true
    }

    #[test]
    fn a_first_pass_far_ahead_stops_when_the_second_has_gone() {
        let (mut writer, hints) = Hints::board();
        drop(hints);
        assert!(!fill(&mut writer, MAX_AHEAD + 2 * BATCH), "nobody will read: stop");
    }

    #[test]
    fn a_first_pass_before_the_second_never_pauses() {
        let (writer, hints) = Hints::board();
        let mut writer = writer.never_pausing();
        // The second pass is alive but has not started: pausing would never end.
        assert!(fill(&mut writer, MAX_AHEAD + 2 * BATCH));
        drop(writer);
        assert_eq!(hints.tls_version(1_000_000), None);
    }

    #[test]
    fn a_paused_first_pass_goes_on_when_the_second_waits_for_it() {
        let (mut writer, hints) = Hints::board();
        let first = std::thread::spawn(move || {
            // Past the bound the first pass pauses, until the second pass waits.
            assert!(fill(&mut writer, MAX_AHEAD + 2 * BATCH));
            writer.tls(7, Some(0x0304), 0);
        });
        assert_eq!(hints.tls_version(7), Some(0x0304));
        first.join().unwrap();
        let board = lock(&hints.shared.as_ref().unwrap().board);
        assert!(board.entries() <= MAX_AHEAD + 2 * BATCH);
    }

    #[test]
    fn the_first_decision_stands() {
        let (mut writer, hints) = Hints::board();
        writer.tls(1, Some(0x0303), 0);
        writer.tls(1, None, 0);
        drop(writer);
        assert_eq!(hints.tls_version(1), Some(0x0303));
    }

    #[test]
    fn a_local_writer_keeps_what_it_learns_for_its_own_pass() {
        let mut writer = HintWriter::local();
        writer.tls(5, Some(0x0304), 1);
        writer.echo(7, 8);
        assert!(writer.frame_done(), "never pauses, never stops");
        assert_eq!(writer.learnt(), (vec![(5, Some(0x0304))], vec![(7, 8)]));
        assert_eq!(writer.learnt(), (vec![], vec![]), "each answer once");
    }

    #[test]
    fn a_first_pass_asked_late_posts_only_what_is_wanted() {
        let wanted = Wanted {
            after: 100,
            tls: [3].into_iter().collect(),
            echoes: [40].into_iter().collect(),
        };
        let (mut writer, hints) = Hints::board_for(wanted);
        writer.tls(3, Some(0x0303), 10); // held: wanted
        writer.tls(4, Some(0x0303), 20); // settled before: not posted
        writer.tls(6, Some(0x0304), 101); // starts after frame 100: posted
        writer.echo(40, 41);
        writer.echo(50, 51);
        writer.echo(120, 121);
        drop(writer);
        assert_eq!(hints.tls_version(3), Some(0x0303));
        assert_eq!(hints.tls_version(4), None);
        assert_eq!(hints.tls_version(6), Some(0x0304));
        assert_eq!(hints.echo_reply(40), Some(41));
        assert_eq!(hints.echo_reply(50), None);
        assert_eq!(hints.echo_reply(120), Some(121));
    }
}
