#!/usr/bin/env bash
# Fault harness: a fixed SMTP load into many mailboxes of James with the pipeline (our server main, on whatever
# mailbox backend the build's conf/james-database.properties chooses), with one fault injected mid-load per
# scenario; then it counts what became of every message answered 250, with the mailboxes themselves as the
# witness, read over IMAP (every user logs in; the X-James-Pipeline-Id header of every INBOX message).
# Pass condition: zero lost and zero duplicates (exit 1 otherwise). The output is also written to
# benchmarks/results/faults-<UTC stamp>.txt. Not part of the tests.
# benchmarks/results/ is gitignored: a run's files stay local. To keep one in git, add it by hand
# (git add -f benchmarks/results/<file>) and drop the older one of the same kind.
#   benchmarks/faults.sh [SCENARIOS] [TOTAL=2000] [SESSIONS=10] [MAILBOXES=100]
# SCENARIOS defaults to all that the backend can witness: on PostgreSQL "james-kill rabbitmq-restart
# postgresql-restart consumer-crash opensearch-restart"; on the memory backend the same without james-kill (a
# kill -9 loses the memory app's mailboxes and accounts: nothing could witness) and postgresql-restart.
# Scenarios, each injected after FAULT_AFTER_S (3) seconds of load:
#   james-kill          kill -9 of the James process, then a restart on the same store, database and broker
#                       (accounts are not created again: they must have survived)
#   rabbitmq-restart    rabbitmqctl stop_app, 5 s, start_app
#   postgresql-restart  the harness's PostgreSQL stopped (pg_ctl -m fast: connections cut), PG_DOWN_S (5) s, started
#   consumer-crash      the broker drops the stage consumers' connection: every message they were
#                       working on is redelivered, whether or not its work was done
#   opensearch-restart  OpenSearch is stopped, OPENSEARCH_DOWN_S (20) s later started again. Once the stages have
#                       drained: the index queue and its delay queues drained, its dead letters replayed through
#                       WebAdmin, and every delivered message must then be in the index exactly once (searchable,
#                       not_searchable, index_duplicates)
# What the harness restarts is its own, so it disturbs nothing else on the machine: a private RabbitMQ node
# (127.0.0.1:15682), a private OpenSearch (127.0.0.1:19200, data under the scratch directory) and, on the
# PostgreSQL backend, a private PostgreSQL cluster (initdb under the scratch directory, 127.0.0.1:15433), one
# fresh database per scenario. Domain and users (faults.test, user0..user(N-1), password "secret") are created
# through WebAdmin before the load, as an operator would; James's configuration is the shipped one (recipients
# checked at RCPT, local delivery for local users).
# All traffic stays on 127.0.0.1; every loop is bounded (DEADLINE_S for the load, 180 s to drain,
# 60 s for the broker to start, 120 s for OpenSearch); everything started is stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scenarios=${1:-james-kill rabbitmq-restart consumer-crash opensearch-restart}; total=${2:-2000}; sessions=${3:-10}; recipients=${4:-100}
mailboxes=$recipients
bench_domain=faults.test
. benchmarks/lib.sh
backend=$(mailbox_backend "$home")
if [ -z "${1:-}" ]; then
  scenarios="rabbitmq-restart consumer-crash opensearch-restart"
  [ "$backend" = memory ] || scenarios="james-kill rabbitmq-restart postgresql-restart consumer-crash opensearch-restart"
fi
mkdir -p benchmarks/results
exec > >(tee "benchmarks/results/faults-$(date -u +%Y%m%dT%H%M%SZ).txt") 2>&1

broker_port=15682
amqp="amqp://guest:guest@127.0.0.1:$broker_port/%2F"

# OpenSearch for the opensearch-restart scenario: a private instance with its data under $work, so
# that stopping it disturbs nobody else's index (scripts/opensearch.sh stops only what it started).
search_port=19200; search_transport_port=19300
private_opensearch() {
  OPENSEARCH_PORT=$search_port OPENSEARCH_TRANSPORT_PORT=$search_transport_port OPENSEARCH_VAR="$work/opensearch" \
    bash scripts/opensearch.sh "$1" >/dev/null
}
start_private_opensearch() {
  local port
  for port in "$search_port" "$search_transport_port"; do
    if ss -ltn | grep -q ":$port "; then echo "port $port is taken: the harness's private OpenSearch needs it"; exit 2; fi
  done
  private_opensearch start || { echo "the private OpenSearch did not start (logs in $work/opensearch/logs)"; exit 2; }
}
# PostgreSQL for the postgresql backend: a private cluster with its data under $work, so that restarting it disturbs
# nobody else's database (the machine's PostgreSQL serves other work).
pg_port=15433
bench_pg_port=$pg_port
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
private_pg() {
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/postgres/data" -l "$work/postgres/log" -w "$@" >/dev/null
}
start_private_postgres() {
  if ss -ltnH | awk '{ print $4 }' | grep -q ":$pg_port\$"; then echo "port $pg_port is taken: the harness's private PostgreSQL needs it"; exit 2; fi
  [ -x "$pg_bin/initdb" ] || { echo "no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)"; exit 2; }
  install -d -o postgres "$work/postgres"
  runuser -u postgres -- "$pg_bin/initdb" -D "$work/postgres/data" -A trust -U postgres >/dev/null
  private_pg -o "-p $pg_port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$work/postgres" start \
    || { echo "the private PostgreSQL did not start (log: $work/postgres/log)"; exit 2; }
}
# A load generator left running would keep retrying into the next run's James on the same port, and
# its messages would count there as "delivered without a 250" (seen after a run that stopped early).
loader=
trap '[ -z "$loader" ] || kill "$loader" 2>/dev/null; stop_james; [ -d "$work/opensearch" ] && private_opensearch stop
  drop_scratch_databases; [ -d "$work/postgres/data" ] && private_pg -m fast stop; bench_cleanup' EXIT

# The pipeline's James (our server main) with its shipped configuration on the harness's broker, OpenSearch index
# INDEX and, on the PostgreSQL backend, a fresh database on the harness's PostgreSQL (prepare, through bench_pg_port).
prepare_harness() {
  local dir=$1 index=$2
  prepare pipeline "$dir"
  sed -i "s#^amqp.uri=.*#amqp.uri=$amqp#; s|^search.opensearch.url=.*|search.opensearch.url=http://127.0.0.1:$search_port|; s|^search.index.name=.*|search.index.name=$index|" \
    "$dir/conf/pipeline.properties"
  grep -q "^amqp.uri=$amqp" "$dir/conf/pipeline.properties" && grep -q "^search.index.name=$index\$" "$dir/conf/pipeline.properties" \
    || { echo "the harness could not adapt the James configuration in $dir/conf (has its shape changed?)"; exit 2; }
}

# Every queue's "name messages", or nothing (exit 1) when the broker cannot answer.
queue_counts() {
  private_rabbitmqctl list_queues -q --no-table-headers name messages 2>/dev/null
}

# queued WORK_QUEUE: messages (ready or unacked) in the work queue and its delay queues (WORK_QUEUE.retry.N);
# "unknown" unless the broker lists all of them with a count (a quorum queue still recovering after a restart
# may be left out of the listing, or listed with 0 messages for a few seconds: hence WitnessCount await first).
queued() {
  local listing tiers
  tiers=$(sed -n 's/^stage.retry.delays.ms=//p' "$dir/conf/pipeline.properties" | tr ',' '\n' | grep -c .)
  listing=$(queue_counts) || { echo unknown; return; }
  echo "$listing" | awk -v q="$1" -v want=$((tiers + 1)) '
    $1 == q || index($1, q ".retry.") == 1 { listed++; if ($2 ~ /^[0-9]+$/) n += $2; else unknown = 1 }
    END { if (unknown || listed != want) print "unknown"; else print n + 0 }'
}

# messages_in REGEX: messages in the queues whose names match (evidence only; "unknown" if the broker cannot say).
messages_in() {
  local listing
  listing=$(queue_counts) || { echo unknown; return; }
  echo "$listing" | R="$1" awk '$1 ~ ENVIRON["R"] { n += $2 } END { print n + 0 }'
}

# wait_for_drain WORK_QUEUE: waits until the work queue and its delay queues have held nothing for 3 s in a row;
# a moment the broker cannot account for all of them does not count as empty.
wait_for_drain() {
  local queue=$1 quiet=0 pending
  for _ in $(seq 1 180); do
    pending=$(queued "$queue")
    if [ "$pending" = 0 ]; then
      quiet=$((quiet + 1)); [ "$quiet" -ge 3 ] && return 0
    else
      quiet=0
    fi
    sleep 1
  done
  echo "$queue did not drain within 180 s (last count: $pending)"; return 1
}

inject() {
  case "$1" in
    james-kill)
      kill -9 "$pid"; wait "$pid" 2>/dev/null || true; pid=
      create_accounts=0 start_james "$dir" "$main" ;;
    rabbitmq-restart)
      private_rabbitmqctl stop_app >/dev/null; sleep 5; private_rabbitmqctl start_app >/dev/null ;;
    postgresql-restart)
      [ "$backend" != memory ] || { echo "postgresql-restart: this build keeps its mailboxes in memory, there is no PostgreSQL to restart"; exit 2; }
      private_pg -m fast stop; sleep "${PG_DOWN_S:-5}"
      private_pg -o "-p $pg_port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$work/postgres" start ;;
    consumer-crash)
      local consumers
      consumers=$(private_rabbitmqctl list_connections -q pid client_properties | grep 'james-pipeline-stages' | awk '{ print $1 }')
      [ -n "$consumers" ] || { echo "no stage consumer connection found"; exit 2; }
      for connection in $consumers; do private_rabbitmqctl close_connection "$connection" "fault harness: consumer crash" >/dev/null; done ;;
    opensearch-restart)
      private_opensearch stop; sleep "${OPENSEARCH_DOWN_S:-20}"; private_opensearch start
      opensearch_back=$SECONDS
      # Evidence that the outage hit the indexer: its events waiting in delay queues, or dead-lettered.
      index_failures="waiting for a retry when OpenSearch was back: $(messages_in "^${prefix}pipeline\\.index\\.retry\\.")"
      index_failures="$index_failures, dead-lettered by then: $(messages_in "^${prefix}pipeline\\.index\\.dlq$")" ;;
    *) echo "unknown scenario $1 (known: james-kill rabbitmq-restart postgresql-restart consumer-crash opensearch-restart)"; exit 2 ;;
  esac
}

echo "# fault harness: $total messages of 10 KB over $sessions sessions to $recipients mailboxes (user0..user$((recipients - 1))@$bench_domain), mailbox backend: $backend"
echo "# command: benchmarks/faults.sh \"$scenarios\" $total $sessions $recipients   ($(nproc) cores, $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo "# how counted: accepted_250 = 250 answers (each message retried after a 4xx or a broken connection, as an MTA would);"
echo "#   in_mailboxes = answered 250 and in the recipient's INBOX, read over IMAP after the pipeline drained (each user logs"
echo "#   in; UID FETCH 1:* of the X-James-Pipeline-Id header); lost = answered 250 and not there; duplicates = (pipeline id,"
echo "#   user) held twice or more; unreadable_mailboxes = users who could not log in; delivered_without_250 = messages in the"
echo "#   mailboxes the client never saw a 250 for (it resent them under a new id); announced = in a mailbox and announced by"
echo "#   a mail.delivered event (a durable queue of the harness's, bound before the load; evidence, not the pass condition)."
echo "#   Pass: every message answered 250, none lost, none duplicated. opensearch-restart also counts the search index:"
echo "#   searchable = messages in the mailboxes whose index document (found by the X-James-Pipeline-Id header it holds) is"
echo "#   there after the index queue drained and its dead letters were replayed; it passes only if all are, each once."
[ "$backend" != memory ] || echo "#   Memory backend: a kill -9 loses every mailbox and account, so james-kill cannot pass there; postgresql-restart does not apply."
start_private_rabbitmq "bench-faults-$$@localhost" "$broker_port" 25682
start_private_opensearch
[ "$backend" = memory ] || start_private_postgres
failed=0
for scenario in $scenarios; do
  dir="$work/$scenario"
  index="faults-$$-$scenario"
  prepare_harness "$dir" "$index"
  prefix=$(sed -n 's/^topology.name.prefix=//p' "$dir/conf/pipeline.properties")
  main=dev.jamespipeline.server.PipelineJamesServerMain
  start_james "$dir" "$main"
  witness="faults-witness-$scenario-$$"
  java -cp "$load" dev.jamespipeline.bench.WitnessCount bind "$amqp" "${prefix}mail.events" "$witness"
  java -cp "$load" dev.jamespipeline.bench.FaultLoad 12525 "$sessions" "$total" 10240 "$bench_domain" "$recipients" \
    "$dir/accepted.txt" "${DEADLINE_S:-180}" > "$dir/load.txt" &
  loader=$!
  sleep "${FAULT_AFTER_S:-3}"
  fault_at=$(date +%s%3N)
  inject "$scenario"
  wait "$loader"
  loader=
  # A fault before the first 250 tests nothing (on a loaded machine James may not have answered yet).
  before_fault=$(awk -v t="$fault_at" '$1 < t' "$dir/accepted.txt" | wc -l)
  # Done when every message answered 250 is in its mailbox (the broker's counts alone are not to be trusted right
  # after a restart, see queued), then when the queues are empty too (a duplicate may still be on its way).
  java -cp "$load" dev.jamespipeline.bench.WitnessCount await 11143 "$bench_domain" "$recipients" "$dir/accepted.txt" 180 || true
  for stage in $(sed -n 's/^stages=//p' "$dir/conf/pipeline.properties" | tr ',' ' '); do
    wait_for_drain "${prefix}pipeline.stage.$stage" || failed=1
  done
  dead=$(private_rabbitmqctl list_queues -q name messages | awk -v q="${prefix}pipeline.stage.route.dlq" '$1 == q { print $2 }')
  index_check=() index_note=
  if [ "$scenario" = opensearch-restart ]; then
    # What an operator does once OpenSearch is back: let the retries run out, then replay what was dead-lettered.
    wait_for_drain "${prefix}pipeline.index" || failed=1
    # The replay is a James task: wait for it to finish before waiting for the queue to drain.
    task=$(curl -sf -XPOST -H "Authorization: Bearer $BENCH_WEBADMIN_TOKEN" "http://127.0.0.1:18000/pipeline/queues/${prefix}pipeline.index/dead-letters?action=replay" \
      | jq -r .taskId)
    replayed=$(curl -sf -H "Authorization: Bearer $BENCH_WEBADMIN_TOKEN" "http://127.0.0.1:18000/tasks/$task/await?timeout=300s" \
      | jq -r .additionalInformation.replayed)
    wait_for_drain "${prefix}pipeline.index" || failed=1
    index_check=("http://127.0.0.1:$search_port" "$index")
    index_note=" | index: $index_failures; dead letters replayed $replayed; index queues empty $((SECONDS - opensearch_back)) s after OpenSearch was back"
  fi
  if ! java -cp "$load" dev.jamespipeline.bench.WitnessCount count "$amqp" "$witness" 11143 "$bench_domain" "$recipients" \
      "$dir/accepted.txt" "$scenario" "${prefix}pipeline.stage.route.dlq" "${index_check[@]}" | tr '\n' ' '; then
    failed=1
  fi
  echo "| smtp: $(cat "$dir/load.txt") accepted_before_fault=$before_fault | dead-lettered=${dead:-0}$index_note"
  if [ "$before_fault" = 0 ]; then
    echo "$scenario: inconclusive, no message was answered 250 before the fault (raise FAULT_AFTER_S)"; failed=1
  fi
  if ! grep -q "^accepted_250=$total " "$dir/load.txt"; then
    echo "$scenario: inconclusive, not every message was answered 250 (see smtp: above)"; failed=1
  fi
  stop_james
done
[ "$failed" = 0 ] && echo "PASS: zero lost, zero duplicates" || echo "FAIL: messages lost, duplicated, not accepted or not searchable (see above)"
exit "$failed"
