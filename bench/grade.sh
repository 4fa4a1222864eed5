#!/usr/bin/env bash
# Grading throughput: 10,000 answer files for the lesson with the most capture-derived
# and filter questions, graded in one batch. Target: under 2 s on a 2-core machine.
# Usage: bash bench/grade.sh [COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-10000}
cargo build --release --quiet
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for i in $(seq "$count"); do
    # Every fourth submission gets a different (wrong) filter, so grading cannot coast.
    if ((i % 4 == 0)); then filter='http.request.method == \"PUT\"'; else filter='http.request.method == \"PUT\" and http.request.uri contains \"/dav/\"'; fi
    printf '{"format_version": 1, "lesson": "http-methods", "student": "s%05d", "answers": {"head": "HEAD", "required-methods": "GET HEAD", "refused-code": "405", "meaning-405": "Method Not Allowed", "requests": "13", "redirect": "http://www.wirelab.test/about.html", "dav-writes": "%s", "client-errors": "http.response.code >= 400 && http.response.code < 500"}}\n' "$i" "$filter" >"$dir/s$i.json"
done
echo "grading $count submissions ($(nproc) cores)"
start=$(date +%s.%N)
./target/release/wirelab grade --submissions "$dir" --format csv >"$dir/summary.csv" || true
end=$(date +%s.%N)
echo "graded $(($(wc -l <"$dir/summary.csv") - 1)) submissions in $(echo "$end - $start" | bc) s"
