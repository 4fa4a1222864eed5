//! A progress bar on stderr for long work (a big capture, a class of submissions). Drawn
//! only when stderr is a terminal, and only for work big enough to wait for; otherwise
//! every call is a no-op, so scripts and logs never see it.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Below these, the work is over before a bar is worth drawing.
const MIN_BYTES: u64 = 16 << 20;
const MIN_ITEMS: u64 = 200;

pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// Progress through `total` bytes (of one or more passes over a file).
    pub fn bytes(total: u64, what: &str) -> Progress {
        Progress::new(
            total >= MIN_BYTES,
            total,
            what,
            "{msg} [{bar:30}] {bytes}/{total_bytes} ({eta})",
        )
    }

    /// Progress through `total` items (submissions).
    pub fn items(total: u64, what: &str) -> Progress {
        Progress::new(total >= MIN_ITEMS, total, what, "{msg} [{bar:30}] {pos}/{len} ({eta})")
    }

    /// No bar: for a packet list on the terminal, where it would tear the output.
    pub fn hidden() -> Progress {
        Progress(None)
    }

    fn new(worth_it: bool, total: u64, what: &str, template: &str) -> Progress {
        if !worth_it || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr_with_hz(10));
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(what.to_string());
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress(Some(bar))
    }

    pub fn set(&self, position: u64) {
        if let Some(bar) = &self.0 {
            bar.set_position(position);
        }
    }

    pub fn inc(&self, n: u64) {
        if let Some(bar) = &self.0 {
            bar.inc(n);
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_work_and_non_terminals_get_no_bar() {
        // Under `cargo test` stderr is captured (not a terminal) and the sizes are small.
        assert!(Progress::bytes(1 << 30, "decoding").0.is_none() || std::io::stderr().is_terminal());
        assert!(Progress::bytes(1024, "decoding").0.is_none());
        assert!(Progress::items(10, "grading").0.is_none());
        Progress::hidden().set(5);
    }
}
