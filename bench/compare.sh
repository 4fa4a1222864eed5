#!/usr/bin/env bash
# Times wirelab against tshark (and tcpdump, if present) on one large generated capture,
# in one run on one machine, and prints the results as Markdown (docs/PERFORMANCE.md
# holds a copy). Needs tshark and GNU time (apt-get install tshark time).
#
#   bench/compare.sh [--frames N] [--rounds N] [--gigabyte]
#
# --frames N   frames in the benchmark capture (default 1,000,000, about 305 MB)
# --rounds N   runs of every command, one round after the other (default 3)
# --gigabyte   also check peak memory on a capture of about 1 GB (3.3 million frames)
#
# The capture is written by the bench-capture example into $TMPDIR (never committed)
# and removed at the end. wirelab decodes it on every core (one shard of the
# conversations per core, at most 8); the "(one thread)" line shows a single core.
# Every command, tshark and tcpdump included, runs once per round; the table gives
# each command's best and median, and compares best with best.
set -euo pipefail
cd "$(dirname "$0")/.."

frames=1000000
rounds=3
gigabyte=no
while (($#)); do
    case $1 in
        --frames) frames=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --gigabyte) gigabyte=yes; shift ;;
        *) echo "usage: bench/compare.sh [--frames N] [--rounds N] [--gigabyte]" >&2; exit 2 ;;
    esac
done
for tool in tshark /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "compare.sh: $tool is needed (apt-get install tshark time)" >&2; exit 2; }
done

cargo build --release --quiet --bin wirelab --examples
wirelab=target/release/wirelab
dir=$(mktemp -d "${TMPDIR:-/tmp}/wirelab-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
file=$dir/bench.pcap
target/release/examples/bench-capture "$file" --frames "$frames" 2>/dev/null
bytes=$(stat -c %s "$file")
filter='ftp || smb2 || tls.handshake'

# The commands measured, by label.
labels=(
    "read frames only (floor)"
    "header lines, no state (bound, one thread)"
    "wirelab replay -T tsv"
    "wirelab replay -T tsv (one thread)"
    "wirelab replay (table)"
    "wirelab replay -Y '$filter'"
    "tshark -r"
    "tshark -r -Y '$filter'"
)
if command -v tcpdump >/dev/null; then labels+=("tcpdump -nn -r"); fi

# command_of LABEL: sets `cmd` to the label's command line.
command_of() {
    case $1 in
        "read frames only (floor)") cmd=(target/release/examples/read-frames "$file") ;;
        "header lines, no state (bound, one thread)") cmd=(target/release/examples/header-lines "$file") ;;
        "wirelab replay -T tsv") cmd=("$wirelab" replay -T tsv "$file") ;;
        "wirelab replay -T tsv (one thread)") cmd=(env WIRELAB_THREADS=1 "$wirelab" replay -T tsv "$file") ;;
        "wirelab replay (table)") cmd=("$wirelab" replay --color never "$file") ;;
        "wirelab replay -Y '$filter'") cmd=("$wirelab" replay -Y "$filter" "$file") ;;
        "tshark -r") cmd=(tshark -r "$file") ;;
        "tshark -r -Y '$filter'") cmd=(tshark -r "$file" -Y "$filter") ;;
        "tcpdump -nn -r") cmd=(tcpdump -nn -r "$file") ;;
    esac
}

# measure LABEL: runs the label's command once; appends "LABEL<TAB>seconds<TAB>peak KiB".
measure() {
    local label=$1 s kb
    command_of "$label"
    /usr/bin/time -f '%e %M' -o "$dir/time" "${cmd[@]}" >/dev/null 2>"$dir/err" || {
        echo "compare.sh: $label failed:" >&2; cat "$dir/err" >&2; exit 1; }
    read -r s kb <"$dir/time"
    printf '%s\t%s\t%s\n' "$label" "$s" "$kb" >>"$dir/runs"
}

# Every command once per round, the rounds one after the other: a slow spell of the
# machine (a shared VM has them) then falls on all commands alike, not on the runs of
# one command.
for _ in $(seq "$rounds"); do
    for label in "${labels[@]}"; do
        measure "$label"
    done
done

# Per command: the best time, the median time, the highest peak RSS of its runs.
for label in "${labels[@]}"; do
    awk -F'\t' -v l="$label" '$1 == l { print $2, $3 }' "$dir/runs" | sort -n | awk -v l="$label" '
        { s[NR] = $1; if ($2 > kb) kb = $2 }
        END { printf "%s\t%s\t%s\t%s\n", l, s[1], s[int((NR + 1) / 2)], kb }'
done >"$dir/results"

get() { awk -F'\t' -v l="$1" '$1 == l { print $2 }' "$dir/results"; }
tshark_s=$(get "tshark -r")
tshark_y=$(get "tshark -r -Y '$filter'")
floor=$(get "read frames only (floor)")

echo "### $(date -u +%Y-%m-%d): $frames frames, $((bytes / 1000000)) MB"
echo
shards=$(($(nproc) < 8 ? $(nproc) : 8))
echo "Machine: $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}'), $(nproc) cores," \
    "$(free -g | awk '/Mem:/ {print $2}') GiB; $(tshark --version 2>/dev/null | head -n 1); $("$wirelab" --version)" \
    "(decoding in $shards shards)."
echo
echo "Each command ran $rounds times, in rounds of every command once: its best and median time, the"
echo "highest peak RSS of its runs; the ratio to tshark compares best with best."
echo
echo "| command | best s | median s | frames/s | MB/s | peak RSS (MiB) | vs tshark |"
echo "|---|---:|---:|---:|---:|---:|---:|"
while IFS=$'\t' read -r label s median kb; do
    base=$tshark_s
    case $label in *-Y*) base=$tshark_y ;; esac
    awk -v l="$label" -v s="$s" -v m="$median" -v kb="$kb" -v f="$frames" -v b="$bytes" -v base="$base" 'BEGIN {
        if (s < 0.005) s = 0.005
        printf "| `%s` | %.2f | %.2f | %.0f | %.0f | %.1f | %.1fx |\n", l, s, m, f / s, b / s / 1e6, kb / 1024, base / s }'
done <"$dir/results"
echo
awk -v f="$floor" -v w="$(get "wirelab replay -T tsv")" -v h="$(get "header lines, no state (bound, one thread)")" 'BEGIN {
    printf "Full decode with Info (`-T tsv`) runs at %.0f%% of the read-only floor; rows of", 100 * f / w
    printf " headers alone, with no state (bench/header_lines.rs), at %.0f%% on one thread.\n", 100 * f / h }'

# Start-up: the REPL to its first prompt (greeting printed, stdin at its end) and
# `wirelab check` of the bundled course; best of 20.
best_of() {
    local best=''
    for _ in $(seq 20); do
        local t0 t1 ms
        t0=$(date +%s%N)
        "$@" </dev/null >/dev/null 2>&1 || true
        t1=$(date +%s%N)
        ms=$(((t1 - t0) / 1000000))
        if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
    done
    echo "$best"
}
echo
echo "REPL to first prompt: $(WIRELAB_HOME=$dir best_of "$wirelab") ms; \`wirelab check\` of the bundled course: $(best_of "$wirelab" check) ms."

if [ "$gigabyte" = yes ]; then
    rm -f "$file"
    big=$dir/big.pcap
    target/release/examples/bench-capture "$big" --frames 3300000 2>/dev/null
    for args in "-T tsv" "-Y $filter"; do
        /usr/bin/time -f '%e\t%M' -o "$dir/time" "$wirelab" replay ${args%% *} "${args#* }" "$big" >/dev/null
        printf 'big\t%s\n' "$(cat "$dir/time")" >>"$dir/big"
    done
    echo
    awk -F'\t' -v b="$(stat -c %s "$big")" '
        NR == 1 { printf "On a %.2f GB capture (3,300,000 frames): `replay -T tsv` peaks at %.1f MiB", b / 1e9, $3 / 1024 }
        NR == 2 { printf ", `replay -Y` at %.1f MiB.\n", $3 / 1024 }' "$dir/big"
fi
