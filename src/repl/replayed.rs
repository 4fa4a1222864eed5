//! A capture replayed in the REPL: decoded once, in memory, so that paging, detail,
//! follow and ladder answer at once. Course captures are small; a cap keeps a large one
//! from filling memory (the `replay` command streams any size).

use crate::capture::CaptureReader;
use crate::decode::single_pass::{Options, SinglePass};
use crate::decode::text::escaped;
use crate::decode::{Decoder, Field, Packet};
use crate::filter::Filter;
use crate::lesson::answer::Captures;
use crate::view::annotate::{self, Annotator};
use crate::view::fields::{FieldOptions, Fields};
use crate::view::follow::{Follow, Mode};
use crate::view::ladder::{render_text, Step};
use crate::view::table::Table;
use crate::view::{detail, MacNames, PacketFormat};

/// Lines of a page when the output is not a terminal (a terminal's pages fit its
/// height); `more` shows the next page.
pub const SCRIPTED_PAGE: usize = 60;
/// Frames kept in memory; a bigger capture is refused here.
const MAX_FRAMES: u64 = 200_000;
/// Arrows drawn by `ladder`.
const MAX_ARROWS: usize = 200;

/// Every frame of a capture, the TCP bytes each delivered, and the page reached.
pub struct Replayed {
    pub name: String,
    packets: Vec<Packet>,
    delivered: Vec<Vec<u8>>,
    /// Indices of the frames the filter kept, and how many of them have been shown.
    shown: Vec<usize>,
    next: usize,
    annotator: Option<Annotator>,
    /// With `-e FIELD`s: their values, one line per frame, as `-T fields` prints them.
    fields: Option<Fields>,
    /// The damage that ended the capture early: the frames before it are listed, and
    /// every page says so.
    damage: Option<String>,
    /// The table the pages are drawn with, kept with its MAC-name tables (which take
    /// longer to read than a page takes to draw).
    table: Option<(usize, bool, Table)>,
}

impl Replayed {
    /// Decodes a course capture as `wirelab replay` does (in one read, labelled as
    /// `tshark -2` labels it).
    pub fn decode(captures: &dyn Captures, name: &str) -> Result<Replayed, String> {
        let reader = CaptureReader::new(captures.open(name)?, name).map_err(|e| e.located())?;
        // The capture is kept whole anyway: packets may wait for any later frame.
        let options = Options {
            limit: MAX_FRAMES + 1,
            with_delivered: true,
            max_held: MAX_FRAMES as usize + 1,
            max_held_bytes: usize::MAX,
            ..Options::default()
        };
        let mut pass = SinglePass::new(reader, Decoder::new().deferring(), options);
        let (mut packets, mut delivered) = (Vec::new(), Vec::new());
        while let Some(decoded) = pass.next_decoded() {
            if decoded.packet.number > MAX_FRAMES {
                return Err(format!(
                    "more than {MAX_FRAMES} frames: too big to keep in the REPL; use wirelab replay, which streams"
                ));
            }
            packets.push(decoded.packet.clone());
            delivered.push(decoded.delivered.to_vec());
        }
        // A capture cut short keeps the frames before the damage, as `wirelab replay`
        // lists them; one with no frame at all is an error.
        let damage = pass.end().and_then(|end| end.damage).map(|d| d.located());
        if let (Some(damage), true) = (&damage, packets.is_empty()) {
            return Err(damage.clone());
        }
        let shown = (0..packets.len()).collect();
        Ok(Replayed {
            name: name.to_string(),
            packets,
            delivered,
            shown,
            next: 0,
            annotator: None,
            fields: None,
            damage,
            table: None,
        })
    }

    /// Keeps the frames a filter selects (all without one), from the first page again.
    pub fn select(mut self, filter: Option<&Filter>, fields: &[Field], annotate: bool) -> Replayed {
        self.shown = (0..self.packets.len())
            .filter(|&i| filter.is_none_or(|f| f.matches(&self.packets[i])))
            .collect();
        self.next = 0;
        self.annotator = annotate.then(Annotator::default);
        self.fields = (!fields.is_empty()).then(|| Fields::new(fields.to_vec(), FieldOptions::default()));
        self
    }

    /// The next page of rows (with their notes when annotating), fitted to `width` and
    /// filling at most `lines` lines (at least one frame).
    pub fn page(&mut self, width: usize, color: bool, lines: usize) -> String {
        if self.shown.is_empty() {
            return format!("No frame of {} matches that filter.\n", self.name);
        }
        if self.next >= self.shown.len() {
            return format!("That was the last frame of {}.\n", self.name);
        }
        if self.table.as_ref().is_none_or(|(w, c, _)| (*w, *c) != (width, color)) {
            let names = MacNames::load(std::path::Path::new(crate::view::names::DEFAULT_DIR));
            self.table = Some((width, color, Table::fitted(names, color, width)));
        }
        let (_, _, table) = self.table.as_mut().expect("made above");
        let format: &mut dyn PacketFormat = match self.fields.as_mut() {
            Some(fields) => fields,
            None => table,
        };
        let mut out = Vec::new();
        format.header(&mut out);
        let start = self.next;
        let mut used = 0;
        while self.next < self.shown.len() && (used < lines || self.next == start) {
            let p = &self.packets[self.shown[self.next]];
            format.packet(p, &mut out);
            used += 1;
            if let Some(annotator) = self.annotator.as_mut() {
                for note in annotator.notes(p) {
                    for line in annotate::wrap(&note, width) {
                        out.extend_from_slice(format!("{line}\n").as_bytes());
                        used += 1;
                    }
                }
            }
            self.next += 1;
        }
        let page = start..self.next;
        let mut t = String::from_utf8_lossy(&out).into_owned();
        let mut footer = String::new();
        let left = self.shown.len() - page.end;
        if left > 0 {
            footer.push_str(&format!(
                "... {left} more frames: more for the next page, or narrow it with -Y FILTER.\n"
            ));
        }
        footer.push_str(&format!(
            "({} of {} frames of {}; detail N, follow STREAM, ladder)\n",
            self.shown.len(),
            self.packets.len(),
            self.name
        ));
        if let Some(damage) = &self.damage {
            footer.push_str(&format!(
                "Note: {}: {damage} (the frames before it are listed)\n",
                escaped(self.name.as_bytes())
            ));
        }
        // The rows are drawn to the width; the footer is prose, wrapped to it.
        t.push_str(&super::wrap::fit_lines(&footer, width));
        t
    }

    /// Frame `n`, layer by layer.
    pub fn detail(&self, n: u64) -> String {
        match self.packets.iter().find(|p| p.number == n) {
            Some(p) => {
                let mut out = Vec::new();
                detail::render(p, &MacNames::none(), &mut out);
                String::from_utf8_lossy(&out).into_owned()
            }
            None => format!("{} has frames 1 to {}.\n", self.name, self.packets.len()),
        }
    }

    /// TCP stream `stream`, turn by turn.
    pub fn follow(&self, stream: u64, color: bool) -> String {
        let mut follow = Follow::new(Mode::Ascii, color);
        let mut out = Vec::new();
        for (p, bytes) in self.packets.iter().zip(&self.delivered) {
            if p.uint(Field::TcpStream) == Some(stream) {
                follow.packet("tcp", stream, p, Field::TcpPort, bytes, &mut out);
            }
        }
        if !follow.started() {
            return format!("{} has no tcp.stream {stream}.\n", self.name);
        }
        follow.footer(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    /// The selected frames as a sequence diagram.
    pub fn ladder(&self, width: usize) -> String {
        let names = MacNames::none();
        let steps: Vec<Step> = self
            .shown
            .iter()
            .take(MAX_ARROWS)
            .map(|&i| Step::of(&self.packets[i], &names))
            .collect();
        let mut out = Vec::new();
        let mut text = match render_text(&steps, width, &mut out) {
            Ok(()) => String::from_utf8_lossy(&out).into_owned(),
            Err(too_many) => format!("{too_many}: narrow the packets with replay -Y, or widen the terminal.\n"),
        };
        if self.shown.len() > MAX_ARROWS {
            text.push_str(&format!(
                "(the first {MAX_ARROWS} of {} frames: narrow it with replay -Y FILTER)\n",
                self.shown.len()
            ));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::source::CourseSource;

    #[test]
    fn pages_fill_the_lines_they_are_given_and_cover_every_frame_once() {
        let replayed = Replayed::decode(&CourseSource::Bundled.captures(), "ftp-active.pcapng").unwrap();
        let total = replayed.packets.len();
        let mut replayed = replayed.select(None, &[], false);
        let mut seen = 0;
        while seen < total {
            let page = replayed.page(80, false, 12);
            let rows = page
                .lines()
                .filter(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit()))
                .count();
            assert!((1..=12).contains(&rows), "{page}");
            seen += rows;
        }
        assert_eq!(seen, total);
        assert!(replayed.page(80, false, 12).starts_with("That was the last frame"));
    }
}
