#!/usr/bin/env bash
# The SMTP accept matrix: concurrent sessions × message sizes for the pipeline, stock James and
# (when installed) Postfix, each cell run by benchmarks/accept.sh on fresh servers. Prints a Markdown
# table and writes it with a JSON copy and a PNG chart (accept rate, p50, p99) to benchmarks/results/.
# benchmarks/results/ is gitignored: a run's files stay local. To keep one in git, add it by hand
# (git add -f benchmarks/results/<file>) and drop the older one of the same kind.
#   benchmarks/matrix.sh [ROUNDS=1] [MAILBOXES=100]
# Environment, all optional:
#   ROUNDS=1               rounds per cell (the first argument wins)
#   SIZES="10240 102400"   message sizes in bytes
#   SESSIONS="1 20 100"    concurrent sessions
#   MESSAGES=1000          measured messages per cell, split over its sessions; a warm-up of about
#                          half as many again goes first
#   VARIANTS=...           as for benchmarks/accept.sh (default: pipeline stock, and postfix when installed)
#   OUT=benchmarks/results/accept-<UTC stamp>   path prefix of the .txt, .md, .json and .png written
# Smoke run: SIZES=10240 SESSIONS=20 MESSAGES=200 benchmarks/matrix.sh
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-${ROUNDS:-1}}; mailboxes=${2:-100}
sizes=${SIZES:-10240 102400}; session_counts=${SESSIONS:-1 20 100}; messages=${MESSAGES:-1000}
out=${OUT:-benchmarks/results/accept-$(date -u +%Y%m%dT%H%M%SZ)}
[ -n "${BENCH_BUILT:-}" ] || benchmarks/build.sh
export BENCH_BUILT=1
mkdir -p "$(dirname "$out")"
raw="$out.txt"
: > "$raw"

for size in $sizes; do
  for sessions in $session_counts; do
    per_session=$(( messages / sessions > 0 ? messages / sessions : 1 ))
    WARMUP_PER_SESSION=$(( per_session / 2 + 1 )) benchmarks/accept.sh "$sessions" "$per_session" "$size" "$rounds" "$mailboxes" \
      | sed 's/\x1b\[[0-9;]*m//g' | grep -E '^(pipeline|pipeline-slow|stock|postfix|smtp-source) ' \
      | sed "s/^/size=$size sessions=$sessions /" | tee -a "$raw"
  done
done

command="SIZES=\"$sizes\" SESSIONS=\"$session_counts\" MESSAGES=$messages benchmarks/matrix.sh $rounds $mailboxes"
awk -v cmd="$command" -v cores="$(nproc)" '
  function field(name,   i, kv) { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == name) return kv[2] } return "" }
  BEGIN { print "# SMTP accept, " cores " cores, command: " cmd "\n";
          print "| size | sessions | variant | round | msg/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | all delivered after s |";
          print "|---|---|---|---|---|---|---|---|---|---|---|" }
  { print "| " field("size") " | " field("sessions") " | " $3 " | " substr($5, 1, length($5) - 1) " | " field("msg_per_s") " | " field("p50_ms") " | " \
      field("p90_ms") " | " field("p99_ms") " | " field("p999_ms") " | " field("max_ms") " | " (field("delivered_all_after_s") == "" ? "n/a" : field("delivered_all_after_s")) " |" }
' "$raw" | tee "$out.md"
awk '
  function field(name,   i, kv) { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == name) return kv[2] } return "null" }
  BEGIN { print "[" }
  { printf "%s  {\"size\": %s, \"sessions\": %s, \"variant\": \"%s\", \"round\": %s, \"msg_per_s\": %s, \"p50_ms\": %s, \"p90_ms\": %s, \"p99_ms\": %s, \"p999_ms\": %s, \"max_ms\": %s, \"delivered_all_after_s\": %s}",
      (NR > 1 ? ",\n" : ""), field("size"), field("sessions"), $3, substr($5, 1, length($5) - 1), field("msg_per_s"),
      field("p50_ms"), field("p90_ms"), field("p99_ms"), field("p999_ms"), field("max_ms"), field("delivered_all_after_s") }
  END { print "\n]" }
' "$raw" > "$out.json"
java -Djava.awt.headless=true -cp benchmarks/target/smtp-load.jar dev.jamespipeline.bench.ChartWriter accept "$out.json" "$out.png" \
  "SMTP accept ($(nproc) cores, $(date -u +%FT%TZ)): $command"
echo "written: $out.md $out.json $out.png"
