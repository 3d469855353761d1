#!/usr/bin/env bash
# SMTP backpressure under overload: James with the pipeline on our server main, its route stage slowed
# (SlowStage, STAGE_MS per message, before the route's own mailets; stage.concurrency consumers) so its
# delivery capacity is known, backpressure entering at ENTER ready messages and leaving below LEAVE, the
# state sampler every SAMPLER_MS. The benchmark (BackpressureBench) measures that capacity in the same run
# (a burst below ENTER, delivered per second while the queue holds messages), then SESSIONS sessions offer
# twice it for SECONDS, on a private RabbitMQ node (BROKER_PORT=15692, BROKER_DIST_PORT=25692); once a second: stage depth, backpressure state and reason (/pipeline/state), 250s
# and 451s, James's heap used (/metrics). It waits for the backlog to drain, counts deliveries (mail.delivered
# events and INBOX counts) and prints PASS/FAIL lines. Writes OUT.{csv,md,png}. Not part of the tests.
#   benchmarks/backpressure.sh [SECONDS=120] [SESSIONS=20]
#   STAGE_MS=40 CONSUMERS=4 ENTER=500 LEAVE=250 SAMPLER_MS=1000 SIZE=10240 MAILBOXES=20 DRAIN_TIMEOUT_S=300
#   OUT=benchmarks/results/backpressure-<UTC stamp>
# All traffic stays on 127.0.0.1; James is stopped and its scratch index deleted at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
seconds=${1:-120}; sessions=${2:-20}
stage_ms=${STAGE_MS:-40}; consumers=${CONSUMERS:-4}; enter=${ENTER:-500}; leave=${LEAVE:-250}; sampler_ms=${SAMPLER_MS:-1000}
mailboxes=${MAILBOXES:-20}
out=${OUT:-benchmarks/results/backpressure-$(date -u +%Y%m%dT%H%M%SZ)}
. benchmarks/lib.sh
. scripts/opensearch.sh
ensure_opensearch
opensearch="http://127.0.0.1:${OPENSEARCH_PORT:-9200}"
scratch_index=bench-bp-$(date -u +%Y%m%dt%H%M%Sz)-$$
trap 'stop_james; java -cp "$load" dev.jamespipeline.bench.OpenSearchHttp "$opensearch" delete "$scratch_index" || true; bench_cleanup' EXIT
mkdir -p "$(dirname "$out")"
# A RabbitMQ node of its own: other work on the machine restarts the shared one and deletes bench-* queues.
broker_port=${BROKER_PORT:-15692}
start_private_rabbitmq "bench-bp-$$@localhost" "$broker_port" "${BROKER_DIST_PORT:-25692}"
amqp="amqp://guest:guest@127.0.0.1:$broker_port/%2F"

dir="$work/backpressure"
prepare pipeline "$dir"
cp "$root/benchmarks/target/benchmarks-"*.jar "$dir/extensions-jars/"
sed -i 's#<processor state="route" enableJmx="true">#&\n            <mailet match="All" class="dev.jamespipeline.bench.SlowStage"><millis>'"$stage_ms"'</millis></mailet>#' \
  "$dir/conf/mailetcontainer.xml"
grep -q 'bench.SlowStage' "$dir/conf/mailetcontainer.xml" || { echo "no route processor to slow in $dir/conf/mailetcontainer.xml"; exit 2; }
properties="$dir/conf/pipeline.properties"
for setting in "stage.concurrency=$consumers" "backpressure.enabled=true" "backpressure.depth.enter=$enter" \
    "backpressure.depth.leave=$leave" "sampler.interval.ms=$sampler_ms" "search.opensearch.url=$opensearch" \
    "search.index.name=$scratch_index" "amqp.uri=$amqp"; do
  sed -i "/^${setting%%=*}=/d" "$properties"
  echo "$setting" >> "$properties"
done
start_james "$dir" dev.jamespipeline.server.PipelineJamesServerMain
prefix=$(sed -n 's/^topology.name.prefix=//p' "$properties")

command="STAGE_MS=$stage_ms CONSUMERS=$consumers ENTER=$enter LEAVE=$leave SAMPLER_MS=$sampler_ms benchmarks/backpressure.sh $seconds $sessions"
echo "# backpressure: $command   ($(nproc) cores, $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg))"
status=0
java -Djava.awt.headless=true -cp "$load" dev.jamespipeline.bench.BackpressureBench "$out" 12525 "$webadmin_port" "$pid" \
  "$amqp" "$prefix" pipeline.stage.route "$sessions" "$seconds" "${SIZE:-10240}" bench.test \
  "$mailboxes" "$enter" "$leave" "$sampler_ms" "${DRAIN_TIMEOUT_S:-300}" "$command" || status=$?
echo "# James log: backpressure transitions"
grep -h 'Backpressure O' "$dir/james.log" "$dir/james-file.log" 2>/dev/null | sort -u | head -20 || true
exit "$status"
