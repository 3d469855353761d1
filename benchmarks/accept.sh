#!/usr/bin/env bash
# SMTP accept benchmark: James 3.8.1 with the RabbitMQ pipeline against the same James with its
# stock configuration (James's own sample conf from the memory-app zip) and, when Debian's postfix
# package is installed, Postfix with its fsync'd queue (delivering to discard), in one invocation,
# alternating rounds on a fresh server each time. Not part of the tests.
#   benchmarks/accept.sh [SESSIONS=20] [MESSAGES_PER_SESSION=100] [SIZE_BYTES=10240] [ROUNDS=2] [MAILBOXES=100]
#   VARIANTS="pipeline pipeline-slow" compares accept with a first stage that takes SLOW_STAGE_MS (200)
#   per message (decoupling: SMTP must not feel it).
#   PIPELINE_SETTINGS="queue.type=classic stage.concurrency=8" overrides pipeline.properties keys.
#   VARIANTS="pipeline stock postfix" chooses what runs (postfix needs Debian's postfix package and root).
#   WARMUP_PER_SESSION=50 (default) messages per session are sent first and not reported.
#   PROFILE=1 benchmarks/accept.sh ...   also records a JFR profile per run in /tmp/james-bench-profiles/
# All traffic stays on 127.0.0.1; every James it starts is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
sessions=${1:-20}; per_session=${2:-100}; size=${3:-10240}; rounds=${4:-2}; mailboxes=${5:-100}
. benchmarks/lib.sh

echo "# SMTP accept: $sessions sessions x $per_session messages of $size bytes to $mailboxes mailboxes, $rounds round(s) per variant"
echo "# command: benchmarks/accept.sh $sessions $per_session $size $rounds $mailboxes   ($(nproc) cores, $(date -u +%FT%TZ))"
variants="pipeline stock"
command -v postfix >/dev/null && [ "$(id -u)" = 0 ] && variants="$variants postfix"
variants=${VARIANTS:-$variants}
for round in $(seq 1 "$rounds"); do
  for variant in $variants; do
    dir="$work/$variant-$round"
    if [ "$variant" = postfix ]; then
      start_postfix "$dir"
      java -jar "$load" 12525 "$sessions" "${WARMUP_PER_SESSION:-50}" "$size" bench.test "$mailboxes" >/dev/null
      result=$(java -jar "$load" 12525 "$sessions" "$per_session" "$size" bench.test "$mailboxes" | tr '\n' ' ')
      printf '%-8s round %s: %s\n' "$variant" "$round" "$result"
      if command -v smtp-source >/dev/null; then
        # Cross-check of our load generator: Postfix's own smtp-source, same sessions, count and size.
        total=$((sessions * per_session)); start=$(date +%s%N)
        smtp-source -s "$sessions" -m "$total" -l "$size" -f load@load.local -t user0@bench.test 127.0.0.1:12525
        printf 'smtp-source round %s: (Postfix) sent=%s msg_per_s=%s\n' "$round" "$total" \
          "$(echo "$total $start $(date +%s%N)" | awk '{ printf "%.1f", $1 / (($3 - $2) / 1e9) }')"
      fi
      stop_james
      continue
    fi
    prepare "$variant" "$dir"
    start_james "$dir"
    if [ "$variant" = pipeline-slow ]; then
      # The slow stage drains far behind the burst: measure accept only, the point of decoupling.
      java -jar "$load" 12525 "$sessions" "${WARMUP_PER_SESSION:-50}" "$size" bench.test "$mailboxes" >/dev/null
      result=$(java -jar "$load" 12525 "$sessions" "$per_session" "$size" bench.test "$mailboxes" | tr '\n' ' ')
      printf '%-8s round %s: %s| slow stage %s ms per message\n' "$variant" "$round" "$result" "${SLOW_STAGE_MS:-200}"
      stop_james
      continue
    fi
    # Warm-up, not reported: lets the JIT compile both servers' hot paths before the measured run.
    java -jar "$load" 12525 "$sessions" "${WARMUP_PER_SESSION:-50}" "$size" bench.test "$mailboxes" 18000 >/dev/null
    broker=$(pgrep -f beam.smp | head -n 1)
    james_cpu=$(cpu_seconds "$pid"); broker_cpu=$(cpu_seconds "$broker")
    result=$(java -jar "$load" 12525 "$sessions" "$per_session" "$size" bench.test "$mailboxes" 18000 | tr '\n' ' ')
    james_cpu=$(cpu_delta "$james_cpu" "$(cpu_seconds "$pid")"); broker_cpu=$(cpu_delta "$broker_cpu" "$(cpu_seconds "$broker")")
    printf '%-8s round %s: %s| james_cpu_s %s | rabbitmq_cpu_s %s\n' "$variant" "$round" "$result" "$james_cpu" "$broker_cpu"
    stop_james
  done
done
