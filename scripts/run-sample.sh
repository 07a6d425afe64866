#!/usr/bin/env bash
# Sets up, builds, and runs the main job on a sample post-mortem: the postmortem CLI checks
# it against the rule catalog, measures its lifecycle (milestones, metrics, gaps), scores it
# (incident severity, action priorities, SSVC, post-mortem quality), orders its plan, and
# writes its post-incident report (Markdown and HTML, in build/); then it analyses a small
# corpus of post-mortems (trends, recurrences, remediation health). Usage: scripts/run-sample.sh [FILE.json]
# (default: tests/data/examples/data-exfiltration-cloud-bucket.json)
set -euo pipefail
cd "$(dirname "$0")/.."

sample=${1:-tests/data/examples/data-exfiltration-cloud-bucket.json}

scripts/install-deps.sh >/dev/null
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)" --target postmortem_cli >/dev/null
cli=build/examples/cli/postmortem

run() {
  echo "\$ postmortem $*"
  # Exit status 1 means "findings at or above --fail-on": expected for a realistic sample.
  "$cli" "$@" || [ $? -eq 1 ]
  echo
}

# A fixed "now" (the day the samples were reviewed) makes the output reproducible.
run check --as-of 2024-06-01T00:00:00Z "$sample"
run metrics "$sample"
run score --as-of 2024-06-01T00:00:00Z "$sample"
run plan --as-of 2024-06-01T00:00:00Z "$sample"

# The post-incident report: both files next to the build, and the Markdown's first lines here.
name=$(basename "$sample" .json)
"$cli" report --as-of 2024-06-01T00:00:00Z -o "build/report-$name.md" "$sample"
"$cli" report --format html --as-of 2024-06-01T00:00:00Z -o "build/report-$name.html" "$sample"
echo "\$ postmortem report --as-of 2024-06-01T00:00:00Z $sample   (first 40 lines)"
head -n 40 "build/report-$name.md"
echo "..."
echo
echo "Report written to build/report-$name.md and build/report-$name.html (open it in a browser)."
echo

# Learning across post-mortems: the three samples plus three later incidents (one NDJSON file
# with two bad lines, which are reported and skipped) that repeat some of their root causes.
echo "\$ postmortem stats --as-of 2024-07-01T00:00:00Z tests/cli/data/corpus   (first 40 lines)"
"$cli" stats --progress never --as-of 2024-07-01T00:00:00Z -o build/stats.txt tests/cli/data/corpus 2>/dev/null
head -n 40 build/stats.txt
echo "..."
echo "The whole analysis is in build/stats.txt ('--format json' gives postmortem-stats/1, docs/corpus.md)."
