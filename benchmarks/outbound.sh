#!/usr/bin/env bash
# Outbound delivery to DOMAINS (100) destination domains, measured at the receiving end: every domain
# d<i>.outbound.test has an MX mx.d<i>.outbound.test in a dnsmasq of the benchmark's own (127.0.53.250:53), and
# every MX host is the address of one Postfix smtp-sink (127.0.0.250:25, counting what arrives: -c). The same
# load (MESSAGES messages of SIZE bytes, one recipient each, user<k>@d<n % DOMAINS>.outbound.test, SESSIONS
# SMTP sessions as fast as answered, submitted to 127.0.0.1:12525) goes, one after the other, each with a fresh sink:
#   postfix   a private Postfix instance (benchmarks/lib.sh start_postfix) relaying with its own smtp client, its
#             defaults otherwise (20 per destination, 100 smtp processes); smtp runs chrooted in its queue
#             directory, whose etc/resolv.conf names the benchmark's dnsmasq: it resolves the 100 MX records and
#             their A records by DNS like James (no transport map, no cache: dnsmasq answers with TTL 0).
#   pipeline  James with the pipeline (benchmarks/lib.sh prepare/start_james), its DNSService pointed at the same
#             dnsmasq (conf/dnsservice.xml), delivering through the outbound worker.
# Delivered msg/s = arrivals at the sink / the time from the first submission to the last arrival; arrivals are
# sampled every 100 ms until all accepted messages arrived or DRAIN_S passed. Not part of the tests; root only
# (ports 53 and 25). Writes OUT.md (and prints it).
#   benchmarks/outbound.sh [MESSAGES=5000] [SESSIONS=20] [SIZE_BYTES=10240] [DOMAINS=100]
#   VARIANTS="postfix pipeline" (default), DRAIN_S=300, OUT=benchmarks/results/outbound-<UTC stamp>
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

dns_pid=; sink_pid=
stop_peers() {
  if [ -n "$sink_pid" ]; then kill "$sink_pid" 2>/dev/null || true; wait "$sink_pid" 2>/dev/null || true; sink_pid=; fi
}
trap 'stop_peers; [ -z "$dns_pid" ] || kill "$dns_pid" 2>/dev/null || true; bench_cleanup' EXIT

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

# start_sink VARIANT: a fresh smtp-sink, its counters in $work/sink-VARIANT.count
start_sink() {
  mkdir -p "$work/sink"
  smtp-sink -c -u nobody -m 1000 "$sink_address:25" 1000 > "$work/sink-$1.count" &
  sink_pid=$!
  for _ in $(seq 1 50); do
    (exec 3<>"/dev/tcp/$sink_address/25") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "smtp-sink did not listen on $sink_address:25"; exit 2
}

command="benchmarks/outbound.sh $messages $sessions $size $domains"
echo "# outbound: $messages messages of $size bytes to $domains domains, $sessions SMTP sessions as fast as answered, to smtp-sink"
echo "# command: $command   ($(nproc) cores, $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg))"
results=()
for variant in ${VARIANTS:-postfix pipeline}; do
  dir="$work/$variant-outbound"
  if [ "$variant" = postfix ]; then
    start_postfix "$dir" "default_transport=smtp" "relay_transport=smtp" "inet_protocols=ipv4" \
      "maillog_file=$dir/maillog" "maillog_file_prefixes=$dir"
    # smtp runs chrooted in the queue directory: the resolver and the service names it reads there.
    mkdir -p "$dir/queue/etc"
    echo "nameserver $dns_address" > "$dir/queue/etc/resolv.conf"
    cp /etc/services /etc/nsswitch.conf /etc/host.conf "$dir/queue/etc/"
  else
    prepare "$variant" "$dir"
    printf '<?xml version="1.0"?>\n<dnsservice>\n  <servers><server>%s</server></servers>\n  <autodiscover>false</autodiscover>\n  <authoritative>false</authoritative>\n  <maxcachesize>50000</maxcachesize>\n</dnsservice>\n' \
      "$dns_address" > "$dir/conf/dnsservice.xml"
    start_james "$dir"
  fi
  start_sink "$variant"
  result=$(java -cp "$load" dev.jamespipeline.bench.OutboundLoad "$variant" 12525 "$sessions" "$messages" "$size" "$domains" \
    "$work/sink-$variant.count" "${DRAIN_S:-300}") || true
  echo "$result"
  results+=("$(echo "$result" | head -1)")
  stop_peers
  stop_james
done

{
  echo "## Outbound delivery to $domains domains (smtp-sink)"
  echo
  echo "\`$command\` ($(nproc) cores, $(date -u +%FT%TZ)): $messages messages of $size bytes, one recipient each, $sessions SMTP sessions"
  echo "as fast as answered; delivered msg/s = arrivals at the sink / (last arrival − first submission)."
  echo
  echo "| variant | accepted msg/s | accept p99 ms | delivered | all delivered | last arrival after s | delivered msg/s |"
  echo "|---|---|---|---|---|---|---|"
  for line in "${results[@]}"; do
    [ -n "$line" ] || continue
    echo "$line" | awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      printf "| %s | %s | %s | %s of %s | %s | %s | %s |\n", $1, v["accept_msg_per_s"], v["accept_p99_ms"], v["delivered"], v["accepted"],
        v["all_delivered"], v["last_arrival_after_s"], v["delivered_msg_per_s"] }'
  done
} > "$out.md"
cat "$out.md"
