#!/usr/bin/env bash
# Regenerates fuzz/corpus/<target>/ (and corpus/dicts/) from the repository: the bundled
# captures (captures/), everything under tests/data/ (captures, lessons, answer files),
# the lessons/ course, the filter test cases (tests/integration/filters.rs), and the
# hand-made seeds in fuzz/seeds/<target>/ and fuzz/regressions/<target>-*.
# Needs only a stable Rust toolchain (wirelab itself extracts the TCP/UDP conversations).
set -euo pipefail
cd "$(dirname "$0")"
rm -rf corpus
cargo run --quiet --release --example seedgen
