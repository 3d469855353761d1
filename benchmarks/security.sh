#!/usr/bin/env bash
# The security stages' cost (issue 13): James with the pipeline on our server main, the same distribution run twice on
# fresh servers, OFF (stages=route) then ON (stages=auth,spam,virus,route with the shipped mailetcontainer.xml), with
# the same MESSAGES files sent by the same SESSIONS SMTP sessions (benchmarks/src/.../SecurityLoad.java), then:
#   1. accept: msg/s and p50/p99 of the end of DATA → 250, ON against OFF;
#   2. end to end: accepted / (first message → last mail.delivered event), every message delivered (a durable queue
#      of ours on mail.events, bound before the load);
#   3. CPU per message: each stage's consumer threads (threads named …pipeline.stage.<stage>-<n>; their cpu= from
#      jcmd Thread.print before and after the measured run, which includes the drain), James's process, RabbitMQ's,
#      and the scanner daemons' (Rspamd's process tree, clamd; utime+stime from /proc);
#   4. the scanners' own throughput over the same message files, as a ceiling: clamd over INSTREAM and Rspamd's
#      POST /checkv2 with the stages' own clients (ScannerCeiling), CEILING_THREADS in parallel, with the daemon's CPU.
# Peers, the tests' own (benchmarks/src/.../SecurityPeers.java): a private Rspamd (RspamdPeer: minimal configuration,
# one normal worker), a private clamd with the shipped test signatures (ClamdPeer) and a dnsmasq (TestDns, 127.0.53.x:53)
# with the sender domain load.local's SPF (ip4:127.0.0.1), DKIM key (s1) and DMARC (p=reject) records, which both
# James runs use as their DNS (conf/dnsservice.xml). The messages: clean text of SIZE bytes from load@load.local, each
# DKIM-signed, to user<n % MAILBOXES>@bench.test; so ON does real SPF (MAIL FROM and HELO), DKIM and DMARC lookups that
# pass. After the ON run one delivered message is fetched over IMAP and its Authentication-Results and X-Spam fields are
# printed, as a witness that the stages ran. Both runs first get WARMUP other messages (JIT, pools), not measured.
# Writes OUT.md (the table, also printed) and OUT.log. Not part of the tests; root only (port 53).
#   benchmarks/security.sh [MESSAGES=2000] [SESSIONS=20] [SIZE_BYTES=10240]
#   VARIANTS ["off on"] WARMUP [500] MAILBOXES [100] CEILING_THREADS [SESSIONS] DRAIN_TIMEOUT_S [600] OUT [benchmarks/results/security-<UTC stamp>]
# All traffic stays on 127.0.0.1; everything it starts it stops (its scratch OpenSearch indexes deleted).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
messages=${1:-2000}; sessions=${2:-20}; size=${3:-10240}
warmup=${WARMUP:-500}; mailboxes=${MAILBOXES:-100}; ceiling_threads=${CEILING_THREADS:-$sessions}; drain=${DRAIN_TIMEOUT_S:-600}
out=${OUT:-benchmarks/results/security-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$(dirname "$out")"
exec > >(tee "$out.log") 2>&1
. benchmarks/lib.sh
. scripts/rspamd.sh
. scripts/clamav.sh
. scripts/opensearch.sh
[ "$(id -u)" = 0 ] || { echo "benchmarks/security.sh runs as root: its dnsmasq listens on port 53"; exit 2; }
ensure_rspamd || exit 2
ensure_clamav || exit 2
ensure_debian_packages dnsmasq-base curl || exit 2
ensure_opensearch
opensearch="http://127.0.0.1:${OPENSEARCH_PORT:-9200}"
amqp="amqp://guest:guest@127.0.0.1:5672/%2F"

peers_pid=
stop_peers() {
  if [ -n "$peers_pid" ]; then kill "$peers_pid" 2>/dev/null || true; wait "$peers_pid" 2>/dev/null || true; peers_pid=; fi
}
trap 'stop_james; delete_scratch_index; stop_peers; bench_cleanup' EXIT

command="WARMUP=$warmup MAILBOXES=$mailboxes CEILING_THREADS=$ceiling_threads benchmarks/security.sh $messages $sessions $size"
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "# security stages: $messages DKIM-signed messages of $size bytes, $sessions SMTP sessions, stages OFF then ON, scanners' ceiling"
echo "# command: $command   ($(nproc) cores, $(date -u +%FT%TZ), load average $load_at_start)"

peers="$work/security-peers"
mkdir -p "$peers"
java -cp "$(bench_classpath)" dev.jamespipeline.bench.SecurityPeers "$peers" bench.test "$mailboxes" "$size" "$warmup" "$messages" \
  > "$peers/peers.out" 2>&1 &
peers_pid=$!
for _ in $(seq 1 180); do
  grep -qs '^peers ' "$peers/peers.out" && break
  kill -0 "$peers_pid" 2>/dev/null || { echo "the peers did not start:"; cat "$peers/peers.out"; exit 2; }
  sleep 1
done
peer_line=$(grep '^peers ' "$peers/peers.out") || { echo "the peers did not start within 180 s:"; cat "$peers/peers.out"; exit 2; }
echo "# $peer_line"
peer() { echo "$peer_line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
rspamd_url=$(peer rspamd_url); rspamd_port=$(peer rspamd_port); clamd_port=$(peer clamd_port)

# listener_root PORT: the process listening on 127.0.0.1:PORT whose parent does not (Rspamd's main process, clamd).
listener_root() {
  local pids p
  pids=$(ss -ltnpH "sport = :$1" | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -un)
  for p in $pids; do
    echo "$pids" | grep -qx "$(awk '{ print $4 }' "/proc/$p/stat")" || { echo "$p"; return; }
  done
}
rspamd_pid=$(listener_root "$rspamd_port"); clamd_pid=$(listener_root "$clamd_port")
[ -n "$rspamd_pid" ] && [ -n "$clamd_pid" ] || { echo "no process found listening on rspamd $rspamd_port or clamd $clamd_port"; exit 2; }

# stage_cpu_ms PID: "stage=milliseconds ..." of the CPU the consumer threads of each stage have used (jcmd Thread.print's cpu=).
stage_cpu_ms() {
  jcmd "$1" Thread.print | awk '
    /^"/ && match($0, /pipeline\.stage\.[A-Za-z0-9_]+-[0-9]+"/) {
      name = substr($0, RSTART + 15, RLENGTH - 15); sub(/-[0-9]+"$/, "", name)
      if (match($0, / cpu=[0-9.]+ms/)) cpu[name] += substr($0, RSTART + 5, RLENGTH - 7)
    }
    END { for (name in cpu) printf "%s=%.1f ", name, cpu[name] }'
}
# snapshot: the CPU counters a run is measured between: James, RabbitMQ, Rspamd, clamd (s) and the stages' threads (ms).
snapshot() {
  echo "james=$(tree_cpu "$pid") rabbitmq=$(tree_cpu "$(pgrep -f beam.smp | head -n 1)") rspamd=$(tree_cpu "$rspamd_pid") clamd=$(tree_cpu "$clamd_pid") $(stage_cpu_ms "$pid")"
}
# per_message BEFORE AFTER COUNT: "<name>_cpu_ms_per_message=..." for every counter (processes in s, stages in ms).
per_message() {
  echo "$1 | $2" | awk -v n="$3" '
    { split($0, halves, " [|] "); split(halves[1], b, " "); split(halves[2], a, " ")
      for (i in b) { split(b[i], kv, "="); before[kv[1]] = kv[2] }
      for (i in a) { split(a[i], kv, "="); after[kv[1]] = kv[2]; order[i] = kv[1] } }
    END { for (i = 1; i in order; i++) { k = order[i]; scale = (k ~ /^(james|rabbitmq|rspamd|clamd)$/) ? 1000 : 1
            printf "%s_cpu_ms_per_message=%.3f ", (scale == 1 ? "stage_" k : k), scale * (after[k] - before[k]) / (n > 0 ? n : 1) } }'
}

results="$work/results.txt"
: > "$results"
for variant in ${VARIANTS:-off on}; do
  dir="$work/$variant"
  echo "## stages $variant"
  prepare pipeline "$dir"
  cp "$peers/dnsservice.xml" "$dir/conf/dnsservice.xml"
  # The load comes from 127.0.0.1, which the shipped smtpserver.xml authorizes (relay): the auth stage skips such mail as
  # our users' own. Here it is inbound mail from a stranger, in both runs (as AuthenticationStageIT does).
  sed -i 's#<authorizedAddresses>127.0.0.0/8</authorizedAddresses>#<authorizedAddresses>192.0.2.0/24</authorizedAddresses>#' "$dir/conf/smtpserver.xml"
  grep -q '<authorizedAddresses>127' "$dir/conf/smtpserver.xml" && { echo "smtpserver.xml still authorizes 127.0.0.0/8"; exit 2; }
  use_scratch_index "$dir" "bench-security-$variant-$(date -u +%Y%m%dt%H%M%Sz)-$$"
  properties="$dir/conf/pipeline.properties"
  if [ "$variant" = on ]; then
    sed -i 's/^stages=.*/stages=auth,spam,virus,route/' "$properties"
    for setting in "security.spam.rspamd.url=$rspamd_url" "security.virus.clamd.host=127.0.0.1" "security.virus.clamd.port=$clamd_port"; do
      sed -i "/^${setting%%=*}=/d" "$properties"
      echo "$setting" >> "$properties"
    done
  fi
  grep '^stages=' "$properties"
  start_james "$dir" dev.jamespipeline.server.PipelineJamesServerMain
  prefix=$(sed -n 's/^topology.name.prefix=//p' "$properties")
  stages=$(sed -n 's/^stages=//p' "$properties" | tr ',' ' ')
  # shellcheck disable=SC2086
  echo "warm-up: $(java -cp "$load" dev.jamespipeline.bench.SecurityLoad 12525 "$sessions" "$peers/warmup" "$amqp" "$prefix" "$drain" $stages | head -1)"
  before=$(snapshot)
  # shellcheck disable=SC2086
  result=$(java -cp "$load" dev.jamespipeline.bench.SecurityLoad 12525 "$sessions" "$peers/measured" "$amqp" "$prefix" "$drain" $stages)
  after=$(snapshot)
  echo "$result" | tail -n +2
  accepted=$(echo "$result" | head -1 | sed -n 's/.* accepted=\([0-9]*\).*/\1/p')
  echo "$variant $(echo "$result" | head -1) $(per_message "$before" "$after" "${accepted:-0}")" | tee -a "$results"
  if [ "$variant" = on ]; then
    echo "# witness: the header of one delivered message (user0's first), as IMAP shows it"
    curl -s --max-time 20 --user user0@bench.test:secret 'imap://127.0.0.1:11143/INBOX;UID=1;SECTION=HEADER' \
      | grep -E '^(Authentication-Results|[[:space:]]+(spf|dkim|dmarc)=|X-Spam-|X-Virus)' | tee "$work/witness.txt" || echo "(no message fetched)"
  fi
  stop_james
  delete_scratch_index
done

echo "## the scanners' ceiling: $messages messages, $ceiling_threads in parallel"
for scanner in clamd rspamd; do
  scanner_pid=$clamd_pid; target=$clamd_port
  [ "$scanner" = clamd ] || { scanner_pid=$rspamd_pid; target=$rspamd_url; }
  before=$(tree_cpu "$scanner_pid")
  line=$(java -cp "$(bench_classpath)" dev.jamespipeline.bench.ScannerCeiling "$scanner" "$target" "$peers/measured" "$ceiling_threads")
  echo "ceiling $line daemon_cpu_ms_per_message=$(awk -v b="$before" -v a="$(tree_cpu "$scanner_pid")" -v n="$messages" 'BEGIN { printf "%.3f", 1000 * (a - b) / n }')" \
    | tee -a "$results"
done
load_at_end=$(cut -d' ' -f1-3 /proc/loadavg)

{
  echo "## Security stages: cost of auth, spam and virus"
  echo
  echo "\`$command\` at $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo ' (uncommitted changes)');"
  echo "$(nproc) cores shared by James, RabbitMQ, PostgreSQL, OpenSearch, Rspamd, clamd, dnsmasq and the load; load average $load_at_start at start, $load_at_end at end."
  echo "$messages DKIM-signed clean messages of $size bytes (after a warm-up of $warmup), $sessions SMTP sessions; OFF: stages=route; ON: stages=auth,spam,virus,route"
  echo "(private Rspamd with a minimal configuration and one worker, private clamd with the test signatures, dnsmasq with load.local's SPF, DKIM and DMARC)."
  echo
  echo "| stages | accepted | accept msg/s | p50 ms | p99 ms | end-to-end msg/s | all delivered | James CPU ms/msg | RabbitMQ CPU ms/msg | Rspamd CPU ms/msg | clamd CPU ms/msg |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  awk '$1 == "off" || $1 == "on" { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[$1, kv[1]] = kv[2] }
         printf "| %s | %s of %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", toupper($1), v[$1, "accepted"], v[$1, "sent"],
           v[$1, "msg_per_s"], v[$1, "p50_ms"], v[$1, "p99_ms"], v[$1, "end_to_end_msg_per_s"], v[$1, "all_delivered"],
           v[$1, "james_cpu_ms_per_message"], v[$1, "rabbitmq_cpu_ms_per_message"], v[$1, "rspamd_cpu_ms_per_message"], v[$1, "clamd_cpu_ms_per_message"] }
       END { r = "| ON / OFF | |"
         n = split("msg_per_s p50_ms p99_ms end_to_end_msg_per_s", keys, " ")
         for (i = 1; i <= n; i++) r = r sprintf(" %.2f |", v["off", keys[i]] > 0 ? v["on", keys[i]] / v["off", keys[i]] : 0)
         r = r sprintf(" | %.2f | | | |", v["off", "james_cpu_ms_per_message"] > 0 ? v["on", "james_cpu_ms_per_message"] / v["off", "james_cpu_ms_per_message"] : 0)
         print r }' "$results"
  echo
  echo "CPU per message of each stage's consumer threads (jcmd Thread.print cpu=, measured run incl. drain; work a stage hands to other threads,"
  echo "such as the JDK HttpClient's selector for Rspamd, is in James's total but not here), and of the scanner daemons:"
  echo
  echo "| stages | stage | stage threads CPU ms/msg |"
  echo "|---|---|---|"
  awk '$1 == "off" || $1 == "on" { for (i = 2; i <= NF; i++) if ($i ~ /^stage_.*_cpu_ms_per_message=/) { split($i, kv, "="); s = kv[1]; sub(/^stage_/, "", s); sub(/_cpu_ms_per_message$/, "", s)
         printf "| %s | %s | %s |\n", toupper($1), s, kv[2] } }' "$results"
  echo
  echo "The scanners' own throughput over the same $messages files ($ceiling_threads in parallel, the stages' own clients, straight at the daemon):"
  echo
  echo "| scanner | msg/s | flagged | daemon CPU ms/msg |"
  echo "|---|---|---|---|"
  awk '$1 == "ceiling" { for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
         printf "| %s | %s | %s | %s |\n", $2, v["msg_per_s"], v["flagged"], v["daemon_cpu_ms_per_message"] }' "$results"
  echo
  echo "Witness, one delivered message of the ON run (user0's first) as IMAP shows it:"
  echo
  echo '```'
  cat "$work/witness.txt" 2>/dev/null || echo "(none fetched)"
  echo '```'
} > "$out.md"
cat "$out.md"
echo "written: $out.md $out.log"
