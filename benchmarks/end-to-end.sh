#!/usr/bin/env bash
# End to end: sustained SMTP → INBOX across many mailboxes, James with the pipeline against stock
# James, each on a fresh server. Load runs for SECONDS (as fast as the server answers, or paced to
# RATE msg/s in total); once a second it samples accepted (250s), delivered and the backlog
# (accepted − delivered) until everything is delivered or DRAIN_TIMEOUT_S passes. How "delivered"
# is counted is printed with each run: the pipeline's own mail.delivered events (distinct pipeline
# ids, read from a durable queue of ours bound before the load), and for stock James the sum of the
# users' INBOX counts through WebAdmin.
# A third variant, pipeline-search: the pipeline's configuration run with our server main
# (dev.jamespipeline.server.PipelineJamesServerMain), indexing into a scratch OpenSearch index of its own
# (bench-e2e-<stamp>, deleted at the end, also on failure; OpenSearch on 127.0.0.1:9200 is started if it
# is not running). Besides the above it samples searchable = the index's _count once a second (what a
# search sees after the product's own ~1 s refresh; none is forced) and the search backlog (accepted −
# searchable), until the index holds every accepted message too; and it measures, per message, the time
# from the 250 to searchable of 1 accepted message in SEARCH_SAMPLE_EVERY: its Message-ID and the time its
# 250 arrived are kept, and a watcher asks OpenSearch 200 ms after each answer, with one terms query on
# the pending Message-IDs (field mimeMessageId), which are found; the poll is the resolution.
# Writes OUT-<variant>.json and a chart OUT.png. Not part of the tests.
# benchmarks/results/ is gitignored: a run's files stay local. To keep one in git, add it by hand
# (git add -f benchmarks/results/<file>) and drop the older one of the same kind.
#   benchmarks/end-to-end.sh [SECONDS=60] [SESSIONS=20] [SIZE_BYTES=10240] [MAILBOXES=100] [RATE=0]
#   VARIANTS="pipeline stock" (default; any of pipeline, pipeline-search, stock), SEARCH_SAMPLE_EVERY=10,
#   DRAIN_TIMEOUT_S=300, OUT=benchmarks/results/end-to-end-<UTC stamp>
# All traffic stays on 127.0.0.1; every James it starts is stopped, its scratch index deleted.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
seconds=${1:-60}; sessions=${2:-20}; size=${3:-10240}; mailboxes=${4:-100}; rate=${5:-0}
out=${OUT:-benchmarks/results/end-to-end-$(date -u +%Y%m%dT%H%M%SZ)}
. benchmarks/lib.sh
amqp="amqp://guest:guest@127.0.0.1:5672/%2F"
mkdir -p "$(dirname "$out")"
opensearch="http://127.0.0.1:${OPENSEARCH_PORT:-9200}"
trap 'stop_james; delete_scratch_index; bench_cleanup' EXIT
if [[ " ${VARIANTS:-pipeline stock} " == *" pipeline-search "* ]]; then
  . scripts/opensearch.sh
  ensure_opensearch
fi

command="benchmarks/end-to-end.sh $seconds $sessions $size $mailboxes $rate"
echo "# end to end: $sessions sessions for $seconds s, $size-byte messages to $mailboxes mailboxes, rate ${rate:-0} (0 = as fast as answered)"
echo "# command: $command   ($(nproc) cores, $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg))"
runs=()
for variant in ${VARIANTS:-pipeline stock}; do
  dir="$work/$variant-end-to-end"
  search=()
  if [ "$variant" = pipeline-search ]; then
    prepare pipeline "$dir"
    use_scratch_index "$dir" "bench-e2e-$(date -u +%Y%m%dt%H%M%Sz)-$$"
    start_james "$dir" dev.jamespipeline.server.PipelineJamesServerMain
    search=(search "$opensearch" "$scratch_index" "${SEARCH_SAMPLE_EVERY:-10}")
  else
    prepare "$variant" "$dir"
    start_james "$dir"
  fi
  if [ "$variant" = stock ]; then
    probe=(stock 18000)
  else
    prefix=$(sed -n 's/^topology.name.prefix=//p' "$dir/conf/pipeline.properties")
    stage_queues=$(sed -n 's/^stages=//p' "$dir/conf/pipeline.properties" | tr ',' '\n' | sed 's/^/pipeline.stage./')
    # shellcheck disable=SC2206
    probe=(pipeline "$amqp" "$prefix" $stage_queues)
  fi
  broker=$(pgrep -f beam.smp | head -n 1)
  james_cpu=$(cpu_seconds "$pid"); broker_cpu=$(cpu_seconds "$broker")
  java -cp "$load" dev.jamespipeline.bench.EndToEndLoad "$out-$variant.json" "$variant" 12525 "$sessions" "$seconds" "$rate" \
    "$size" bench.test "$mailboxes" "${DRAIN_TIMEOUT_S:-300}" "${search[@]}" "${probe[@]}"
  # CPU the run cost (load and drain), in all and per accepted message: where a variant's time goes.
  accepted=$(grep -m1 '"accepted"' "$out-$variant.json" | tr -dc '0-9')
  for process in "james $pid $james_cpu" "rabbitmq $broker $broker_cpu"; do
    read -r name process_id before <<< "$process"
    echo "$name $before $(cpu_seconds "$process_id") $accepted"
  done | awk -v variant="$variant" '{ user = $4 - $2; sys = $5 - $3
      printf "%s %s_cpu_s user=%.1f sys=%.1f per_message_ms=%.2f\n", variant, $1, user, sys, 1000 * (user + sys) / ($6 > 0 ? $6 : 1) }'
  runs+=("$out-$variant.json")
  stop_james
  delete_scratch_index
done
java -Djava.awt.headless=true -cp "$load" dev.jamespipeline.bench.ChartWriter end-to-end "$out.png" \
  "SMTP → INBOX ($(nproc) cores, $(date -u +%FT%TZ)): $command" "${runs[@]}"
echo "written: ${runs[*]} $out.png"
