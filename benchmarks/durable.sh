#!/usr/bin/env bash
# Durable end to end (issue 10): SMTP 250 → the message in its mailbox on disk, our server against
# Postfix → Dovecot LMTP → Maildir on this machine, with the same load and the same tool (Postfix's
# smtp-source), one after the other. For each server, into mailboxes that start empty:
#   1. end to end: MESSAGES × SIZE bytes from SESSIONS smtp-source sessions into ONE mailbox (user0); time from
#      starting smtp-source (the first 250 follows within a loopback connection set-up) until the mailbox holds
#      them all, and until smtp-source had its last 250 (accept);
#   2. growth: GROWTH_MESSAGES into another mailbox (user1), sent in rounds of GROWTH_SLICE (each round's
#      end-to-end rate measured as in 1, the next round once the previous one is all in): the rate per slice as
#      the mailbox fills, and last / first;
#   3. search: 5 messages more in user1's mailbox with the word "zanzibar" in their subject, then IMAP
#      UID SEARCH TEXT zanzibar (5 hits) and UID SEARCH TEXT quetzalcoatl (absent), alternating, p50 / p99 / max
#      (Dovecot: DOVECOT_SEARCHES of each, it has no full-text index here and reads every message).
# The mailbox is counted as a client sees it: Dovecot's Maildir files in new/ and cur/ (a delivery is in new/
# once written, fsync'd and renamed), ours over IMAP (STATUS INBOX (MESSAGES) on one connection); polled
# every 50 ms (benchmarks/src/.../DurableDelivery.java).
# Baseline, set up here on loopback ports of its own: Dovecot (Debian's dovecot-core, -lmtpd and -imapd,
# installed if missing) with its own dovecot.conf in the scratch directory: static passdb and userdb,
# mail_location = maildir:~/Maildir, mail_fsync = always, LMTP on 127.0.0.1:12424 and IMAP on 127.0.0.1:11144;
# a private Postfix instance on 127.0.0.1:12525 relaying bench.test via lmtp:inet:127.0.0.1:12424 (its queue
# file fsync'd before the 250, as always).
# Ours: the server main of the build (dev.jamespipeline.server.PipelineJamesServerMain) with the shipped
# configuration on bench ports, the shared RabbitMQ (scratch topology prefix) and OpenSearch (scratch index,
# deleted at the end), users created through WebAdmin.
# Prints key=value lines per run and a Markdown summary with ratios ours / Postfix+Dovecot, also written to
# OUT.md (the console to OUT.txt). Not part of the tests.
#   benchmarks/durable.sh
# Each server first gets WARMUP messages into a third mailbox (user2), not measured.
# Environment, all optional: WARMUP [1000] MESSAGES [2000] SESSIONS [20] SIZE [10240] GROWTH_MESSAGES [10000] GROWTH_SLICE [1000]
#   SEARCHES [50] DOVECOT_SEARCHES [10] VARIANTS ["dovecot pipeline"] TIMEOUT_S [600, per measured run]
#   OUT [benchmarks/results/durable-<UTC stamp>]
# All traffic stays on 127.0.0.1; everything it starts it stops (KEEP_WORK=1 keeps the scratch directory).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
messages=${MESSAGES:-2000}; sessions=${SESSIONS:-20}; size=${SIZE:-10240}
growth=${GROWTH_MESSAGES:-10000}; slice=${GROWTH_SLICE:-1000}
warmup=${WARMUP:-1000}
mailboxes=3   # user0: end to end; user1: growth, then search; user2: the warm-up
out=${OUT:-benchmarks/results/durable-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$(dirname "$out")"
exec > >(tee "$out.txt") 2>&1
. benchmarks/lib.sh
ensure_debian_packages postfix dovecot-core dovecot-lmtpd dovecot-imapd
opensearch="http://127.0.0.1:${OPENSEARCH_PORT:-9200}"
. scripts/opensearch.sh
ensure_opensearch

trap 'stop_james; stop_dovecot; delete_scratch_index; bench_cleanup' EXIT

# machine_busy: the machine's busy CPU seconds so far (all cores, /proc/stat: user nice system irq softirq steal).
machine_busy() {
  awk -v tck="$(getconf CLK_TCK)" '$1 == "cpu" { printf "%.2f", ($2 + $3 + $4 + $7 + $8 + $9) / tck }' /proc/stat
}

# database_cpu: CPU seconds so far ("user system") of the PostgreSQL backends connected to this run's scratch database
# (James's pool: its connections stay open through a run), or "0 0" on the memory backend.
database_cpu() {
  local name pids
  [ ${#scratch_databases[@]} -gt 0 ] || { echo "0 0"; return; }
  name=${scratch_databases[-1]##* }
  pids=$(psql -h 127.0.0.1 -U postgres -d postgres -Atc "SELECT pid FROM pg_stat_activity WHERE datname = '$name'")
  for backend in $pids; do
    if [ -r "/proc/$backend/stat" ]; then cpu_seconds "$backend"; echo; fi
  done \
    | awk '{ user += $1; sys += $2 } END { printf "%.2f %.2f", user, sys }'
}

# measure VARIANT LABEL TARGET SLICE USER MAILBOX_SPEC... -- LOAD...: one DurableDelivery run, printed as
# "VARIANT LABEL key=value ..." with the machine's busy CPU per message.
measure() {
  local variant=$1 label=$2 target=$3 slice=$4 before result
  shift 4
  before=$(machine_busy)
  result=$(java -cp "$load" dev.jamespipeline.bench.DurableDelivery "$target" "$slice" "${TIMEOUT_S:-600}" "$@") || {
    echo "$variant $label FAILED: $result"; exit 1; }
  echo "$variant $label $result machine_cpu_ms_per_message=$(echo "$before $(machine_busy) $target" | awk '{ printf "%.2f", 1000 * ($2 - $1) / $3 }')" \
    | tee -a "$results"
}

# run_variant VARIANT: the three measurements against one server, started fresh.
run_variant() {
  local variant=$1 dir="$work/$1" e2e_box growth_box warmup_box searches james_before broker broker_before database_before
  if [ "$variant" = dovecot ]; then
    start_dovecot "$dir/dovecot"
    start_postfix "$dir/postfix" "relay_domains=bench.test" "relay_transport=lmtp:inet:127.0.0.1:$lmtp_port"
    e2e_box=(maildir "$dir/dovecot/home/user0@bench.test/Maildir")
    growth_box=(maildir "$dir/dovecot/home/user1@bench.test/Maildir")
    warmup_box=(maildir "$dir/dovecot/home/user2@bench.test/Maildir")
    imap_port=$dovecot_imap_port
    searches=${DOVECOT_SEARCHES:-10}
  else
    prepare pipeline "$dir"
    use_scratch_index "$dir" "bench-durable-$(date -u +%Y%m%dt%H%M%Sz)-$$"
    backend=$(mailbox_backend "$dir")
    start_james "$dir" dev.jamespipeline.server.PipelineJamesServerMain
    e2e_box=(imap 11143 user0@bench.test secret)
    growth_box=(imap 11143 user1@bench.test secret)
    warmup_box=(imap 11143 user2@bench.test secret)
    imap_port=11143
    searches=${SEARCHES:-50}
  fi
  # A warm-up into a mailbox of its own (user2), not measured: JIT, connection pools, Postfix's and Dovecot's processes.
  java -cp "$load" dev.jamespipeline.bench.DurableDelivery "$warmup" "$warmup" "${TIMEOUT_S:-600}" "${warmup_box[@]}" -- \
    smtp-source -s "$sessions" -l "$size" -m "$warmup" -f load@load.local -t user2@bench.test 127.0.0.1:12525 >/dev/null \
    || { echo "$variant: the warm-up did not arrive"; exit 1; }
  if [ "$variant" != dovecot ]; then
    james_before=$(cpu_seconds "$pid"); broker=$(pgrep -f beam.smp | head -n 1); broker_before=$(cpu_seconds "$broker")
    database_before=$(database_cpu)
  fi
  measure "$variant" end-to-end "$messages" "$messages" "${e2e_box[@]}" -- \
    smtp-source -s "$sessions" -l "$size" -m "$messages" -f load@load.local -t user0@bench.test 127.0.0.1:12525
  # Where our CPU went in that run, per message: James's process, the broker's and James's PostgreSQL backends (the
  # rest of the machine's is PostgreSQL's own writers, OpenSearch, smtp-source and whatever else ran).
  [ "$variant" = dovecot ] || echo "$james_before $(cpu_seconds "$pid") $broker_before $(cpu_seconds "$broker") $database_before $(database_cpu) $messages" \
    | awk -v v="$variant" '{ printf "%s process-cpu james_cpu_ms_per_message=%.2f rabbitmq_cpu_ms_per_message=%.2f postgresql_backends_cpu_ms_per_message=%.2f\n", v,
        1000 * ($3 + $4 - $1 - $2) / $13, 1000 * ($7 + $8 - $5 - $6) / $13, 1000 * ($11 + $12 - $9 - $10) / $13 }' | tee -a "$results"
  for round in $(seq 1 $((growth / slice))); do
    measure "$variant" "growth-$round" "$slice" "$slice" "${growth_box[@]}" -- \
      smtp-source -s "$sessions" -l "$size" -m "$slice" -f load@load.local -t user1@bench.test 127.0.0.1:12525
  done
  measure "$variant" search-seed 5 5 "${growth_box[@]}" -- \
    smtp-source -s 1 -l "$size" -m 5 -S "zanzibar quarterly report" -f load@load.local -t user1@bench.test 127.0.0.1:12525
  echo "$variant search $(java -cp "$load" dev.jamespipeline.bench.SearchLatency "$imap_port" user1@bench.test secret "$searches" \
    zanzibar 5 quetzalcoatl 120)" | tee -a "$results"
  stop_james
  stop_dovecot
  delete_scratch_index
}

results="$work/results.txt"
backend="(not run)"
command="benchmarks/durable.sh"
echo "# durable end to end: $messages × $size bytes from $sessions smtp-source sessions into one mailbox; growth to $growth in rounds of $slice; UID SEARCH TEXT"
echo "# command: MESSAGES=$messages SESSIONS=$sessions SIZE=$size GROWTH_MESSAGES=$growth GROWTH_SLICE=$slice $command   ($(nproc) cores, $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg))"
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
for variant in ${VARIANTS:-dovecot pipeline}; do
  run_variant "$variant"
done
load_at_end=$(cut -d' ' -f1-3 /proc/loadavg)
echo "# load average at end $load_at_end"
java -cp "$load" dev.jamespipeline.bench.DurableReport "$results" "$out.md" \
  "$command at $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo ' (uncommitted changes)'): MESSAGES=$messages SESSIONS=$sessions SIZE=$size GROWTH_MESSAGES=$growth GROWTH_SLICE=$slice" \
  "machine: $(nproc) cores, load average $load_at_start at start, $load_at_end at end; $(postconf -h mail_version 2>/dev/null | sed 's/^/Postfix /'), $(dovecot --version | sed 's/^/Dovecot /; s/ (.*//'), conf/james-database.properties backend=$backend"
cat "$out.md"
