#!/usr/bin/env bash
# The pipeline's two message stores, measured in one run: durable writes per second of FileMessageStore
# (temp file, fsync, rename, directory fsync) and PostgresMessageStore (one committed INSERT, synchronous_commit
# on), 10 KB and 100 KB messages, 1, 8 and 32 concurrent writers, and their ratio. The file store writes under
# benchmarks/target (keep it on the disk PostgreSQL's WAL is on); PostgreSQL is found as the tests find it
# (PIPELINE_TEST_POSTGRES_URL, else 127.0.0.1:5432 as postgres). Not part of the tests. See docs/operators.md.
#   benchmarks/message-store.sh [SECONDS_PER_CELL=5]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
[ "${BENCH_BUILT:-}" = 1 ] || mvn -B -q -Dstyle.color=never -DskipTests package -pl benchmarks -am
dir=$(mktemp -d "$PWD/benchmarks/target/message-store.XXXXXX")
trap 'rm -rf "$dir"' EXIT
echo "# command: benchmarks/message-store.sh $seconds   ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ))"
java -cp benchmarks/target/smtp-load.jar dev.jamespipeline.bench.MessageStoreBench "$dir" "$seconds"
