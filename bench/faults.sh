#!/usr/bin/env bash
# Fault harness: a fixed SMTP load against James with the pipeline, with one fault injected
# mid-load per scenario; then counts what became of every message answered 250. Pass condition:
# zero lost and zero duplicates (exit 1 otherwise). Not part of the tests.
#   bench/faults.sh [SCENARIOS="james-kill rabbitmq-restart consumer-crash"] [TOTAL=2000] [SESSIONS=10]
# Scenarios, each injected after FAULT_AFTER_S (3) seconds of load:
#   james-kill        kill -9 of the James process, then a restart
#   rabbitmq-restart  rabbitmqctl stop_app, 5 s, start_app (the machine's local broker)
#   consumer-crash    the broker drops the stage consumers' connection: every message they were
#                     working on is redelivered, whether or not its work was done
# Messages go to a remote recipient, so each accepted message must become exactly one
# outbound.deliver job: those jobs, durable in RabbitMQ, are the witness (a restarted memory-app
# James has forgotten its mailboxes, so INBOXes cannot be). All traffic stays on 127.0.0.1; every
# loop is bounded (DEADLINE_S, drain timeout); everything started is stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scenarios=${1:-james-kill rabbitmq-restart consumer-crash}; total=${2:-2000}; sessions=${3:-10}
mailboxes=0
. bench/lib.sh
amqp="amqp://guest:guest@127.0.0.1:5672/%2F"
failed=0

# Waits until the pipeline's stage and retry queues of this prefix hold nothing (ready or unacked).
wait_for_drain() {
  local prefix=$1 quiet=0
  for _ in $(seq 1 180); do
    pending=$(rabbitmqctl list_queues -q name messages 2>/dev/null \
      | awk -v p="$prefix" 'index($1, p) == 1 && $1 ~ /stage\./ && $1 !~ /\.dlq$/ { n += $2 } END { print n + 0 }')
    if [ "$pending" = 0 ]; then
      quiet=$((quiet + 1)); [ "$quiet" -ge 3 ] && return 0
    else
      quiet=0
    fi
    sleep 1
  done
  echo "queues of $prefix did not drain within 180 s"; return 1
}

echo "# fault harness: $total messages, $sessions sessions; command: bench/faults.sh \"$scenarios\" $total $sessions ($(date -u +%FT%TZ))"
for scenario in $scenarios; do
  dir="$work/$scenario"
  prepare pipeline "$dir"
  prefix=$(sed -n 's/^topology.name.prefix=//p' "$dir/conf/pipeline.properties")
  start_james "$dir"
  java -cp "$load" dev.jamespipeline.bench.FaultLoad 12525 "$sessions" "$total" 10240 someone@remote.test \
    "$dir/accepted.txt" "${DEADLINE_S:-180}" > "$dir/load.txt" &
  loader=$!
  sleep "${FAULT_AFTER_S:-3}"
  case "$scenario" in
    james-kill)
      kill -9 "$pid"; wait "$pid" 2>/dev/null || true; pid=
      start_james "$dir" ;;
    rabbitmq-restart)
      rabbitmqctl stop_app >/dev/null; sleep 5; rabbitmqctl start_app >/dev/null ;;
    consumer-crash)
      consumers=$(rabbitmqctl list_connections -q pid client_properties | grep 'james-pipeline-stage-consumers' | awk '{ print $1 }')
      [ -n "$consumers" ] || { echo "no stage consumer connection found"; exit 2; }
      for connection in $consumers; do rabbitmqctl close_connection "$connection" "fault harness: consumer crash" >/dev/null; done ;;
    *) echo "unknown scenario $scenario"; exit 2 ;;
  esac
  wait "$loader"
  wait_for_drain "$prefix"
  dead=$(rabbitmqctl list_queues -q name messages | awk -v q="${prefix}pipeline.stage.route.dlq" '$1 == q { print $2 }')
  if ! java -cp "$load" dev.jamespipeline.bench.WitnessCount "$amqp" "${prefix}pipeline.outbound.deliver" \
      "$dir/accepted.txt" "$scenario" | tr '\n' ' '; then
    failed=1
  fi
  echo "| smtp: $(cat "$dir/load.txt") | dead-lettered=${dead:-0}"
  stop_james
done
exit "$failed"
