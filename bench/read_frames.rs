//! The floor for decoding speed: reads every frame of a capture with wirelab's reader and
//! does nothing else. `cargo run --release --example read-frames -- FILE`

use std::process::ExitCode;

use wirelab::capture::CaptureReader;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: read-frames FILE");
        return ExitCode::from(2);
    };
    let file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("read-frames: {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let mut reader = match CaptureReader::new(file, &path) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("read-frames: {e}");
            return ExitCode::from(2);
        }
    };
    let (mut frames, mut bytes) = (0u64, 0u64);
    loop {
        match reader.next_frame() {
            Ok(Some(frame)) => {
                frames += 1;
                bytes += frame.data.len() as u64;
            }
            Ok(None) => break,
            Err(e) => {
                eprintln!("read-frames: {e}");
                return ExitCode::from(2);
            }
        }
    }
    println!("{frames} frames, {bytes} bytes");
    ExitCode::SUCCESS
}
