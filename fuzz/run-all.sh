#!/usr/bin/env bash
# Runs each fuzz target in turn, one process at a time (fork mode with one child, so a
# crash is recorded and fuzzing goes on). Usage: fuzz/run-all.sh [SECONDS] [TARGET...]
# Binaries are taken from a snapshot (BIN, default: copied from fuzz/target after
# `cargo fuzz build`) so that edits to src/ during a run do not rebuild them.
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_EACH=${1:-600}
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
    TARGETS=(capture_reader decode_linktypes app_http app_tls app_ftp app_smb2 app_dns_nbns filter_parse lesson_load answers_load)
fi
BIN=${BIN:-}
if [ -z "$BIN" ]; then
    cargo +nightly fuzz build
    BIN=$(mktemp -d /tmp/wirelab-fuzz-bin.XXXXXX)
    cp target/x86_64-unknown-linux-gnu/release/{capture_reader,decode_linktypes,app_http,app_tls,app_ftp,app_smb2,app_dns_nbns,filter_parse,lesson_load,answers_load} "$BIN/"
fi
[ -d corpus ] || ./seed.sh
mkdir -p logs
for t in "${TARGETS[@]}"; do
    extra=()
    case $t in
        capture_reader|decode_linktypes|app_*) extra+=(-max_len=65536) ;;
        filter_parse) extra+=(-max_len=512 -dict=corpus/dicts/filter_parse.dict) ;;
        lesson_load) extra+=(-max_len=16384) ;;
        answers_load) extra+=(-max_len=8192) ;;
    esac
    [ -f "dict/$t.dict" ] && extra+=("-dict=dict/$t.dict")
    mkdir -p "artifacts/$t" "corpus/$t"
    echo "== $t: ${SECONDS_EACH}s, started $(date -u +%FT%TZ)"
    nice -n 10 "$BIN/$t" "corpus/$t" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="artifacts/$t/" "${extra[@]}" > "logs/$t.log" 2>&1 || true
    grep -E '^#[0-9]+: cov' "logs/$t.log" | tail -1 || true
    ls "artifacts/$t" | head -20
done
