#!/usr/bin/env bash
# Outbound delivery to DOMAINS (100) destination domains, measured at the receiving end: every domain
# d<i>.outbound.test has an MX mx.d<i>.outbound.test in a dnsmasq of the benchmark's own (127.0.53.250:53), and
# every MX host is the address of one Postfix smtp-sink (127.0.0.250:25, counting what arrives: -c). The same
# load (MESSAGES messages of SIZE bytes, one recipient each, user<k>@d<n % DOMAINS>.outbound.test, SESSIONS
# SMTP sessions as fast as answered, submitted to 127.0.0.1:12525) goes to each variant, each run on fresh
# servers and a fresh sink:
#   postfix   a private Postfix instance (benchmarks/lib.sh start_postfix) relaying with its own smtp client, its
#             defaults otherwise (20 per destination, 100 smtp processes); smtp runs chrooted in its queue
#             directory, whose etc/resolv.conf names the benchmark's dnsmasq: it resolves the 100 MX records and
#             their A records by DNS like James (no transport map, no cache: dnsmasq answers with TTL 0).
#   pipeline  James with the pipeline on our server main (benchmarks/lib.sh prepare/start_james; its indexer on a
#             scratch OpenSearch index, deleted afterwards), its DNSService pointed at the same dnsmasq
#             (conf/dnsservice.xml), delivering through the outbound worker with the shipped settings.
# Two modes (MODES, both by default):
#   drain     the backlog: all messages are submitted while the server holds delivery back (Postfix:
#             defer_transports=smtp; the pipeline: outbound.worker.enabled=false, James restarted with it true once
#             every job waits in its queue), then released (Postfix: postqueue -f); delivered msg/s = arrivals
#             after the first / (last − first arrival): the delivery engine alone.
#   flow      submission and delivery at once; delivered msg/s = arrivals / (last arrival − first submission),
#             which the accept rate bounds.
# Arrivals are sampled every 100 ms until all accepted messages arrived or DRAIN_S passed. Not part of the tests;
# root only (ports 53 and 25). Writes OUT.md (and prints it).
#   benchmarks/outbound.sh [MESSAGES=5000] [SESSIONS=20] [SIZE_BYTES=10240] [DOMAINS=100]
#   VARIANTS="postfix pipeline", MODES="drain flow", DRAIN_S=300, OUT=benchmarks/results/outbound-<UTC stamp>
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
messages=${1:-5000}; sessions=${2:-20}; size=${3:-10240}; domains=${4:-100}
out=${OUT:-benchmarks/results/outbound-$(date -u +%Y%m%dT%H%M%SZ)}
mailboxes=1   # start_james's bench.test users: none receives here
. benchmarks/lib.sh
mkdir -p "$(dirname "$out")"
ensure_debian_packages postfix dnsmasq-base || exit 2
[ "$(id -u)" = 0 ] || { echo "benchmarks/outbound.sh runs as root: its DNS and SMTP sink listen on ports 53 and 25"; exit 2; }
dns_address=127.0.53.250
sink_address=127.0.0.250
for port_check in "$dns_address:53" "$sink_address:25" "0.0.0.0:53" "0.0.0.0:25"; do
  if ss -ltnuH | awk '{ print $5 }' | grep -qxF "$port_check"; then echo "$port_check is taken: the outbound benchmark needs it"; exit 2; fi
done

# Our server main runs the search indexer too: on a scratch index of its own, deleted once James is stopped.
if [[ " ${VARIANTS:-postfix pipeline} " == *" pipeline "* ]]; then
  . scripts/opensearch.sh
  ensure_opensearch
fi
opensearch="http://127.0.0.1:${OPENSEARCH_PORT:-9200}"
scratch_index=
delete_scratch_index() {
  [ -z "$scratch_index" ] || java -cp "$load" dev.jamespipeline.bench.OpenSearchHttp "$opensearch" delete "$scratch_index" || true
  scratch_index=
}

dns_pid=; sink_pid=
stop_peers() {
  if [ -n "$sink_pid" ]; then kill "$sink_pid" 2>/dev/null || true; wait "$sink_pid" 2>/dev/null || true; sink_pid=; fi
}
trap 'stop_peers; stop_james; delete_scratch_index; [ -z "$dns_pid" ] || kill "$dns_pid" 2>/dev/null || true; bench_cleanup' EXIT

{
  echo "port=53"; echo "listen-address=$dns_address"; echo "bind-interfaces"
  echo "no-resolv"; echo "no-hosts"; echo "pid-file="; echo "local=/#/"
  for i in $(seq 0 $((domains - 1))); do
    echo "mx-host=d$i.outbound.test,mx.d$i.outbound.test,10"
    echo "host-record=mx.d$i.outbound.test,$sink_address"
  done
} > "$work/dnsmasq.conf"
dnsmasq --keep-in-foreground --conf-file="$work/dnsmasq.conf" --log-facility="$work/dnsmasq.log" &
dns_pid=$!

# start_sink LABEL: a fresh smtp-sink (up to 1,000 connections at once), its counters in $work/sink-LABEL.count
start_sink() {
  smtp-sink -c -u nobody -m 1000 "$sink_address:25" 1000 > "$work/sink-$1.count" &
  sink_pid=$!
  for _ in $(seq 1 50); do
    (exec 3<>"/dev/tcp/$sink_address/25") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "smtp-sink did not listen on $sink_address:25"; exit 2
}

# start_server VARIANT DIR HOLD: the server under test on 127.0.0.1:12525; HOLD=1 holds delivery back.
start_server() {
  local variant=$1 dir=$2 hold=$3
  if [ "$variant" = postfix ]; then
    local defer=()
    [ "$hold" = 1 ] && defer=("defer_transports=smtp")
    start_postfix "$dir" "default_transport=smtp" "relay_transport=smtp" "inet_protocols=ipv4" \
      "maillog_file=$dir/maillog" "maillog_file_prefixes=$dir" "${defer[@]}" 2> >(grep -v 'ignoring earlier request' >&2)
    # smtp runs chrooted in the queue directory: the resolver and the service names it reads there.
    mkdir -p "$dir/queue/etc"
    echo "nameserver $dns_address" > "$dir/queue/etc/resolv.conf"
    cp /etc/services /etc/nsswitch.conf /etc/host.conf "$dir/queue/etc/"
  else
    prepare "$variant" "$dir"
    printf '<?xml version="1.0"?>\n<dnsservice>\n  <servers><server>%s</server></servers>\n  <autodiscover>false</autodiscover>\n  <authoritative>false</authoritative>\n  <maxcachesize>50000</maxcachesize>\n</dnsservice>\n' \
      "$dns_address" > "$dir/conf/dnsservice.xml"
    scratch_index=bench-outbound-$(date -u +%Y%m%dt%H%M%Sz)-$$
    sed -i "s|^search.opensearch.url=.*|search.opensearch.url=$opensearch|; s|^search.index.name=.*|search.index.name=$scratch_index|" \
      "$dir/conf/pipeline.properties"
    [ "$hold" = 1 ] && echo "outbound.worker.enabled=false" >> "$dir/conf/pipeline.properties"
    start_james "$dir" dev.jamespipeline.server.PipelineJamesServerMain
  fi
}

# release VARIANT DIR ACCEPTED: lets the held server deliver its backlog.
release() {
  local variant=$1 dir=$2 accepted=$3
  if [ "$variant" = postfix ]; then
    postconf -c "$dir" -e defer_transports= && postfix -c "$dir" reload >/dev/null 2>&1 && postqueue -c "$dir" -f
  else
    local queue waiting=0
    queue="$(sed -n 's/^topology.name.prefix=//p' "$dir/conf/pipeline.properties")pipeline.outbound.deliver"
    for _ in $(seq 1 300); do
      waiting=$(rabbitmqctl list_queues -q name messages 2>/dev/null | awk -v q="$queue" '$1 == q { print $2 }')
      [ "${waiting:-0}" -ge "$accepted" ] && break
      sleep 1
    done
    echo "$waiting jobs wait in $queue: restarting James with the outbound worker"
    stop_james
    sed -i 's/^outbound.worker.enabled=false$/outbound.worker.enabled=true/' "$dir/conf/pipeline.properties"
    create_accounts=0 start_james "$dir" dev.jamespipeline.server.PipelineJamesServerMain
  fi
}

# server_pid VARIANT DIR: the process (tree) of the server under test.
server_pid() {
  if [ "$1" = postfix ]; then tr -d ' ' < "$2/queue/pid/master.pid"; else echo "$pid"; fi
}

command="benchmarks/outbound.sh $messages $sessions $size $domains"
echo "# outbound: $messages messages of $size bytes to $domains domains, $sessions SMTP sessions as fast as answered, to smtp-sink"
echo "# command: $command   ($(nproc) cores, $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg))"
rows=()
for variant in ${VARIANTS:-postfix pipeline}; do
  for mode in ${MODES:-drain flow}; do
    dir="$work/$variant-$mode"
    echo "## $variant, $mode"
    if [ "$mode" = drain ]; then
      start_server "$variant" "$dir" 1
      submitted=$(java -cp "$load" dev.jamespipeline.bench.OutboundLoad submit "$variant" 12525 "$sessions" "$messages" "$size" "$domains") || true
      echo "$submitted"
      accepted=$(echo "$submitted" | sed -n 's/.* accepted=\([0-9]*\).*/\1/p')
      start_sink "$variant-$mode"
      java -cp "$load" dev.jamespipeline.bench.OutboundLoad drain "$variant" "${accepted:-0}" "$work/sink-$variant-$mode.count" \
        "${DRAIN_S:-300}" > "$work/drain-$variant.txt" &
      watcher=$!
      release "$variant" "$dir" "${accepted:-0}"
      wait "$watcher" || true
      cat "$work/drain-$variant.txt"
      rows+=("$variant $mode $(echo "$submitted" | head -1 | cut -d' ' -f2-) $(head -1 "$work/drain-$variant.txt" | cut -d' ' -f2-)")
    else
      start_server "$variant" "$dir" 0
      start_sink "$variant-$mode"
      server=$(server_pid "$variant" "$dir")
      cpu_before=$(tree_cpu "$server")
      result=$(java -cp "$load" dev.jamespipeline.bench.OutboundLoad flow "$variant" 12525 "$sessions" "$messages" "$size" "$domains" \
        "$work/sink-$variant-$mode.count" "${DRAIN_S:-300}") || true
      cpu=$(awk -v a="$cpu_before" -v b="$(tree_cpu "$server")" 'BEGIN { printf "%.1f", b - a }')
      echo "$result"
      echo "$variant server_cpu_s=$cpu (from the first submission to the last arrival; the server's processes)"
      rows+=("$variant $mode $(echo "$result" | head -1 | cut -d' ' -f2-) server_cpu_s=$cpu")
    fi
    stop_peers
    stop_james
    delete_scratch_index
  done
done

{
  echo "## Outbound delivery to $domains domains (smtp-sink)"
  echo
  echo "\`$command\` ($(nproc) cores, $(date -u +%FT%TZ)): $messages messages of $size bytes, one recipient each, submitted by"
  echo "$sessions SMTP sessions as fast as answered. drain: the backlog delivered once released, msg/s between the first and"
  echo "the last arrival; flow: submitted while delivering, msg/s from the first submission to the last arrival."
  echo
  echo "| variant | mode | accepted msg/s | delivered | all delivered | seconds | delivered msg/s | server CPU s (flow) |"
  echo "|---|---|---|---|---|---|---|---|"
  for row in "${rows[@]}"; do
    echo "$row" | awk '{ for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      seconds = $2 == "drain" ? v["first_to_last_arrival_s"] : v["last_arrival_after_s"]
      printf "| %s | %s | %s | %s of %s | %s | %s | %s | %s |\n", $1, $2, v["accept_msg_per_s"], v["delivered"], v["accepted"],
        v["all_delivered"], seconds, v["delivered_msg_per_s"], $2 == "flow" ? v["server_cpu_s"] : "–" }'
  done
} > "$out.md"
cat "$out.md"
