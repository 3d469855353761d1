#!/usr/bin/env bash
# The broker's own ceiling for what the ingest hook does: RabbitMQ PerfTest publishing persistent
# messages of the envelope's size (about 480 bytes for mail.received) into a quorum queue, with the
# hook's confirm window (each SMTP session waits for its own confirm: window 1 per publisher).
# Compare its sending rate with the accept rate benchmarks/accept.sh reports for the same sessions:
# every accepted message is one mail.received publish. Not part of the tests.
#   benchmarks/broker-ceiling.sh [PUBLISHERS=20] [SIZE_BYTES=480] [SECONDS=15]
set -euo pipefail
cd "$(dirname "$0")/.."
publishers=${1:-20}; size=${2:-480}; seconds=${3:-15}
. scripts/rabbitmq.sh
ensure_rabbitmq 127.0.0.1 5672
mvn -B -q -Dstyle.color=never -f benchmarks/perf-test/pom.xml dependency:copy-dependencies -DoutputDirectory=target/lib
queue="perf-ceiling-$(date +%s%N)"
trap 'rabbitmqctl delete_queue -q "$queue" >/dev/null 2>&1 || true' EXIT
echo "# command: benchmarks/broker-ceiling.sh $publishers $size $seconds   ($(nproc) cores, $(date -u +%FT%TZ))"
java -cp 'benchmarks/perf-test/target/lib/*' com.rabbitmq.perf.PerfTest -h 'amqp://guest:guest@127.0.0.1:5672/%2F' \
  -x "$publishers" -y 2 -s "$size" -f persistent -c 1 --quorum-queue --queue "$queue" -z "$seconds" 2>&1 \
  | grep -E 'sending rate avg|confirm latency'
