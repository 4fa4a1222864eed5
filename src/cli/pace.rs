//! Paced replay (`--pace`): frames printed at the capture's own timing, scaled, so a
//! student watches an exchange unfold. Any key (or Ctrl-C) stops it: while pacing, the
//! terminal is put in a mode that hands single key presses to us, and put back after.

use std::io::{IsTerminal, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The longest pause between two frames, however long the capture's gap.
const MAX_GAP: Duration = Duration::from_secs(2);

pub struct Pacer {
    speed: f64,
    last_ns: Option<i64>,
    stop: Arc<AtomicBool>,
    _keys: Option<RawKeys>,
}

impl Pacer {
    pub fn new(speed: f64) -> Pacer {
        let stop = Arc::new(AtomicBool::new(false));
        let keys = RawKeys::start(Arc::clone(&stop));
        Pacer {
            speed,
            last_ns: None,
            stop,
            _keys: keys,
        }
    }

    /// Waits until the frame at `ts_ns` is due; false when the user asked to stop.
    pub fn wait(&mut self, ts_ns: i64) -> bool {
        if let Some(last) = self.last_ns {
            let gap = Duration::from_nanos(((ts_ns - last).max(0) as f64 / self.speed) as u64).min(MAX_GAP);
            let step = Duration::from_millis(20);
            let mut waited = Duration::ZERO;
            while waited < gap {
                if self.stop.load(Ordering::Relaxed) {
                    return false;
                }
                let this = step.min(gap - waited);
                std::thread::sleep(this);
                waited += this;
            }
        }
        self.last_ns = Some(ts_ns);
        !self.stop.load(Ordering::Relaxed)
    }
}

/// The terminal in non-canonical, no-echo, no-signal mode while pacing (so one key
/// press, Ctrl-C included, arrives as a byte), restored when dropped.
struct RawKeys {
    saved: libc::termios,
}

impl RawKeys {
    fn start(stop: Arc<AtomicBool>) -> Option<RawKeys> {
        if !std::io::stdin().is_terminal() {
            return None;
        }
        // SAFETY: tcgetattr/tcsetattr on fd 0 with a properly sized termios struct.
        let saved = unsafe {
            let mut t: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(0, &mut t) != 0 {
                return None;
            }
            t
        };
        let mut raw = saved;
        raw.c_lflag &= !(libc::ICANON | libc::ECHO | libc::ISIG);
        raw.c_cc[libc::VMIN] = 1;
        raw.c_cc[libc::VTIME] = 0;
        // SAFETY: as above.
        if unsafe { libc::tcsetattr(0, libc::TCSANOW, &raw) } != 0 {
            return None;
        }
        std::thread::spawn(move || {
            let mut byte = [0u8; 1];
            if std::io::stdin().read(&mut byte).is_ok() {
                stop.store(true, Ordering::Relaxed);
            }
        });
        Some(RawKeys { saved })
    }
}

impl Drop for RawKeys {
    fn drop(&mut self) {
        // SAFETY: restores the settings read in start().
        unsafe {
            libc::tcsetattr(0, libc::TCSANOW, &self.saved);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_are_scaled_and_capped() {
        let mut pacer = Pacer::new(1000.0);
        let start = std::time::Instant::now();
        assert!(pacer.wait(0));
        // 5 s of capture time at 1000x: 5 ms.
        assert!(pacer.wait(5_000_000_000));
        // An hour-long gap is capped, then scaled: no more than MAX_GAP.
        assert!(pacer.wait(3_600_000_000_000 + 5_000_000_000));
        assert!(start.elapsed() < MAX_GAP + Duration::from_secs(1));
    }
}
