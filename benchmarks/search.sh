#!/usr/bin/env bash
# Search benchmarks (issue 3, items 7 and 8), every server fresh, one after the other:
#  1. Delivery into one growing INBOX. Our server main (IMAP SEARCH from OpenSearch, thread ids from a
#     lookup table) and stock James 3.8.1 (memory app, its own sample configuration) each receive
#     threaded messages (threads of 10: "topic K", then "Re: topic K" with In-Reply-To/References) for
#     ONE user (after a warm-up to another user); the INBOX count is read through WebAdmin every 250 ms and the delivery rate of each
#     1,000 messages is printed side by side. Stock James is capped by count and time. Then the thread
#     ids our server guessed are read from the index: "threads right: X of Y".
#  2. Index lag under sustained load. Our server main at a fixed offered rate to several mailboxes,
#     every PDF_EVERY-th message with a small PDF attachment; index lag p50/p99 from the server
#     (GET /pipeline/search), indexing throughput from the index's _count over time. Then the raw bulk
#     throughput of the same OpenSearch: synthetic documents of the same shape through MailIndex.write,
#     bulks of 100, into a scratch index.
# Prints the report and writes it to benchmarks/results/search-<UTC stamp>.{md,json,png}, the console in .log.
# benchmarks/results/ is gitignored: a run's files stay local. To keep one in git, add it by hand
# (git add -f benchmarks/results/<file>) and drop the older one of the same kind.
# Exits 1 if a guessed thread id is wrong or a part failed (the others still run and are reported).
# Not part of the tests. About 15 minutes on 2 cores.
#   benchmarks/search.sh
# Environment, all optional (defaults in brackets):
#   MESSAGES [10000] TIME_CAP_S [600]                 our server, part 1 (MESSAGES: a multiple of 1,000)
#   STOCK_MESSAGES [3000] STOCK_TIME_CAP_S [360]      stock James, part 1 (it slows as the INBOX grows)
#   INBOX_SESSIONS [20] BODY_SIZE [4096]              part 1 SMTP sessions; body bytes (both parts)
#   WARMUP_MESSAGES [500]                             part 1: sent to another user and delivered before the measure
#   LAG_RATE [50] LAG_SECONDS [60] LAG_SESSIONS [20] LAG_MAILBOXES [20] PDF_EVERY [5] CATCH_UP_TIMEOUT_S [180]
#   BULK_DOCUMENTS [10000] BULK_WRITERS [2]
#   PARTS ["inbox lag"] VARIANTS ["pipeline stock"]   what runs
#   PROFILE=1                                         JFR recording of each James: /tmp/james-bench-profiles/search-*.jfr
# Needs rabbitmq-server installed (a private node is started: 127.0.0.1:15772) and OpenSearch on 127.0.0.1
# (started if it is not running). All traffic stays on 127.0.0.1; every James and the broker it starts are
# stopped, its scratch indexes deleted.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=benchmarks/results/search-$stamp
mkdir -p benchmarks/results
exec > >(tee "$out.log") 2>&1

messages=${MESSAGES:-10000}; time_cap=${TIME_CAP_S:-600}
stock_messages=${STOCK_MESSAGES:-3000}; stock_time_cap=${STOCK_TIME_CAP_S:-360}
inbox_sessions=${INBOX_SESSIONS:-20}; body_size=${BODY_SIZE:-4096}; warmup=${WARMUP_MESSAGES:-500}
lag_rate=${LAG_RATE:-50}; lag_seconds=${LAG_SECONDS:-60}; lag_sessions=${LAG_SESSIONS:-20}
lag_mailboxes=${LAG_MAILBOXES:-20}; pdf_every=${PDF_EVERY:-5}; catch_up_timeout=${CATCH_UP_TIMEOUT_S:-180}
bulk_documents=${BULK_DOCUMENTS:-10000}; bulk_writers=${BULK_WRITERS:-2}
settings="MESSAGES=$messages TIME_CAP_S=$time_cap STOCK_MESSAGES=$stock_messages STOCK_TIME_CAP_S=$stock_time_cap"
settings="$settings INBOX_SESSIONS=$inbox_sessions BODY_SIZE=$body_size WARMUP_MESSAGES=$warmup LAG_RATE=$lag_rate LAG_SECONDS=$lag_seconds"
settings="$settings LAG_SESSIONS=$lag_sessions LAG_MAILBOXES=$lag_mailboxes PDF_EVERY=$pdf_every"
settings="$settings CATCH_UP_TIMEOUT_S=$catch_up_timeout BULK_DOCUMENTS=$bulk_documents BULK_WRITERS=$bulk_writers"
settings="$settings PARTS=\"${PARTS:-inbox lag}\" VARIANTS=\"${VARIANTS:-pipeline stock}\" PROFILE=${PROFILE:-0}"
load_at_start=$(uptime | sed 's/.*load average: //')
echo "# benchmarks/search.sh $stamp: $settings"
echo "# $(nproc) cores; uptime load average at start: $load_at_start"

. benchmarks/lib.sh
. scripts/opensearch.sh
ensure_opensearch
opensearch="http://127.0.0.1:${OPENSEARCH_PORT:-9200}"
parts="$work/parts"
mkdir -p "$parts"
scratch_indexes=()


# RabbitMQ for our James: a private node (127.0.0.1:15772), not the shared broker, which other work on this
# machine stops, restarts and cleans up (deleting every bench-* queue) in the middle of our runs.
broker_port=15772

# When the script ends: James stopped (so it writes no more), our scratch indexes deleted, then lib.sh's own
# cleanup (which stops our broker and removes $work, our helpers' jar and the broker's data with it).
delete_scratch_indexes() {
  [ ${#scratch_indexes[@]} -eq 0 ] || bench_java OpenSearchHttp "$opensearch" delete "${scratch_indexes[@]}" || true
}
eval "set -- $(trap -p EXIT)"   # trap -- 'COMMAND' EXIT
lib_exit=${3:-true}
trap 'stop_james; delete_scratch_indexes; eval "$lib_exit"' EXIT
start_private_rabbitmq "search-bench-$$@localhost" "$broker_port" 25772

# prepare_on_own_ports VARIANT DIR: lib.sh's prepare, then ports of our own (its bench ports + 1000, POP3 and
# ManageSieve of the stock configuration moved too), so that a benchmark of lib.sh's running at the same time
# cannot take them from under us.
prepare_on_own_ports() {
  local conf=$2/conf
  prepare "$1" "$2"
  sed -i 's/127.0.0.1:12525</127.0.0.1:13525</; s/127.0.0.1:12587</127.0.0.1:13587</; s/127.0.0.1:12465</127.0.0.1:13465</' "$conf/smtpserver.xml"
  sed -i 's/127.0.0.1:11143</127.0.0.1:13143</; s/127.0.0.1:11993</127.0.0.1:13993</' "$conf/imapserver.xml"
  sed -i 's/0.0.0.0:110</127.0.0.1:13110</' "$conf/pop3server.xml"
  sed -i 's/0.0.0.0:4190</127.0.0.1:13190</' "$conf/managesieveserver.xml"
  sed -i 's/^port=18000/port=13800/' "$conf/webadmin.properties"
  sed -i 's/^jmx.port=19999/jmx.port=13999/' "$conf/jmx.properties"
}
smtp_port=13525
webadmin_port=13800
bench_ports="13525 13587 13465 13143 13993 13110 13190 13800 13999"

# prepare_ours DIR NAME: our server's working directory, on our private broker, indexing into its own
# scratch index NAME.
prepare_ours() {
  prepare_on_own_ports pipeline "$1"
  sed -i "s|^amqp.uri=.*|amqp.uri=amqp://guest:guest@127.0.0.1:$broker_port/%2F|; s|^search.opensearch.url=.*|search.opensearch.url=$opensearch|; s|^search.index.name=.*|search.index.name=$2|" \
    "$1/conf/pipeline.properties"
  scratch_indexes+=("$2")
}

stop_server() {
  echo "James CPU seconds since it started (user system): $(cpu_seconds "$pid")"
  stop_james
}

index_prefix=bench-search-$(echo "$stamp" | tr 'A-Z' 'a-z')
# A part that fails is named here and the others still run; the report says which, and the script exits 1.
failures=()
if [[ " ${PARTS:-inbox lag} " == *" inbox "* ]]; then
  echo "## 1/2 delivery into one growing INBOX"
  for variant in ${VARIANTS:-pipeline stock}; do
    dir="$work/search-inbox-$variant"
    mailboxes=2
    if [ "$variant" = pipeline ]; then
      prepare_ours "$dir" "$index_prefix-inbox"
      start_james "$dir" dev.jamespipeline.server.PipelineJamesServerMain
      bench_java InboxGrowthBench "$parts/growth-pipeline.json" pipeline "$smtp_port" "$webadmin_port" user0@bench.test "$messages" \
        "$inbox_sessions" "$body_size" "$time_cap" user1@bench.test "$warmup" || failures+=("delivery into one INBOX (pipeline)")
      bench_java ThreadIdCheck "$opensearch" "$index_prefix-inbox" user0@bench.test "$messages" 300 "$parts/threads.json" ||
        failures+=("thread ids (not all right, see 'threads right')")
    elif [ "$variant" = stock ]; then
      prepare_on_own_ports stock "$dir"
      start_james "$dir"
      bench_java InboxGrowthBench "$parts/growth-stock.json" stock "$smtp_port" "$webadmin_port" user0@bench.test "$stock_messages" \
        "$inbox_sessions" "$body_size" "$stock_time_cap" user1@bench.test "$warmup" || failures+=("delivery into one INBOX (stock)")
    else
      echo "unknown variant '$variant': pipeline or stock"; exit 2
    fi
    stop_server
  done
fi

if [[ " ${PARTS:-inbox lag} " == *" lag "* ]]; then
  echo "## 2/2 index lag under sustained load, then the raw bulk throughput of the same OpenSearch"
  dir="$work/search-lag"
  mailboxes=$lag_mailboxes
  prepare_ours "$dir" "$index_prefix-lag"
  start_james "$dir" dev.jamespipeline.server.PipelineJamesServerMain
  bench_java IndexLagBench "$parts/lag.json" "$smtp_port" "$webadmin_port" "$opensearch" "$index_prefix-lag" bench.test "$lag_mailboxes" \
    "$lag_sessions" "$lag_rate" "$lag_seconds" "$body_size" "$pdf_every" "$catch_up_timeout" || failures+=("index lag")
  stop_server
  bench_java RawBulkThroughput "$opensearch" "$bulk_documents" "$body_size" "$pdf_every" "$bulk_writers" "$parts/raw-bulk.json" ||
    failures+=("raw bulk throughput")
fi

echo "## report"
outcome="every part ran"
[ ${#failures[@]} -eq 0 ] || outcome="FAILED: $(IFS=';'; echo "${failures[*]}" | sed 's/;/; /g') (see the log)"
bench_java SearchBenchReport "$out" "$parts" \
  "benchmarks/search.sh at $stamp, commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo ' (with uncommitted changes in the tree)')" \
  "settings: $settings" \
  "machine: $(nproc) cores shared by James, RabbitMQ, OpenSearch and the load generator; uptime load average $load_at_start at start, $(uptime | sed 's/.*load average: //') at end" \
  "outcome: $outcome"
echo "written: $out.md $out.json $out.png $out.log"
[ ${#failures[@]} -eq 0 ] || { echo "$outcome"; exit 1; }
