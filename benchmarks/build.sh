#!/usr/bin/env bash
# Builds what the bench scripts run: the James distribution with the pipeline, and the benchmarks
# module (load generators, witness, charts). A script that runs others builds once and exports
# BENCH_BUILT=1 so they do not build again.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Dstyle.color=never -DskipTests package -pl distribution,benchmarks -am
