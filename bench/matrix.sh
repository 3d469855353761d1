#!/usr/bin/env bash
# The SMTP accept matrix: 1, 20 and 100 concurrent sessions, 10 KB and 100 KB messages, for the
# pipeline, stock James and (when installed) Postfix, each run by bench/accept.sh.
# Prints a Markdown table and writes it, with a JSON copy, to bench/results/.
#   bench/matrix.sh [ROUNDS=1] [MAILBOXES=100]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-1}; mailboxes=${2:-100}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p bench/results
raw="bench/results/accept-$stamp.txt"
: > "$raw"

# sessions:messages-per-session, about 1,000-2,000 messages per run
for size in 10240 102400; do
  for plan in 1:300 20:50 100:10; do
    sessions=${plan%%:*}; per_session=${plan##*:}
    WARMUP_PER_SESSION=$(( per_session / 2 + 1 )) bench/accept.sh "$sessions" "$per_session" "$size" "$rounds" "$mailboxes" \
      | sed 's/\x1b\[[0-9;]*m//g' | grep -E '^(pipeline|stock|postfix|smtp-source) ' \
      | sed "s/^/size=$size sessions=$sessions /" | tee -a "$raw"
  done
done

markdown="bench/results/accept-$stamp.md"
json="bench/results/accept-$stamp.json"
awk -v cmd="bench/matrix.sh $rounds $mailboxes" -v cores="$(nproc)" '
  function field(name,   i, kv) { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == name) return kv[2] } return "" }
  BEGIN { print "# SMTP accept, " cores " cores, command: " cmd "\n";
          print "| size | sessions | variant | round | msg/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | all delivered after s |";
          print "|---|---|---|---|---|---|---|---|---|---|---|" }
  { print "| " field("size") " | " field("sessions") " | " $3 " | " substr($5, 1, length($5) - 1) " | " field("msg_per_s") " | " field("p50_ms") " | " \
      field("p90_ms") " | " field("p99_ms") " | " field("p999_ms") " | " field("max_ms") " | " (field("delivered_all_after_s") == "" ? "n/a" : field("delivered_all_after_s")) " |" }
' "$raw" | tee "$markdown"
awk '
  function field(name,   i, kv) { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == name) return kv[2] } return "null" }
  BEGIN { print "[" }
  { printf "%s  {\"size\": %s, \"sessions\": %s, \"variant\": \"%s\", \"round\": %s, \"msg_per_s\": %s, \"p50_ms\": %s, \"p90_ms\": %s, \"p99_ms\": %s, \"p999_ms\": %s, \"max_ms\": %s, \"delivered_all_after_s\": %s}",
      (NR > 1 ? ",\n" : ""), field("size"), field("sessions"), $3, substr($5, 1, length($5) - 1), field("msg_per_s"),
      field("p50_ms"), field("p90_ms"), field("p99_ms"), field("p999_ms"), field("max_ms"), field("delivered_all_after_s") }
  END { print "\n]" }
' "$raw" > "$json"
echo "written: $markdown $json"
