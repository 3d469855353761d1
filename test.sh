#!/usr/bin/env bash
# Runs every test: unit tests, then end-to-end tests against a real James, RabbitMQ, SMTP and IMAP.
# The broker: PIPELINE_TEST_AMQP_URI if set; otherwise the local RabbitMQ on 127.0.0.1:5672 (started,
# or installed from Debian's packages when run as root); otherwise, with a Docker engine,
# Testcontainers starts one.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/rabbitmq.sh

if [ -z "${PIPELINE_TEST_AMQP_URI:-}" ]; then
  if ensure_rabbitmq 127.0.0.1 5672 install; then
    export PIPELINE_TEST_AMQP_URI="amqp://guest:guest@127.0.0.1:5672/%2F"
  elif docker info >/dev/null 2>&1; then
    echo "No local RabbitMQ: the tests start one with Testcontainers."
  else
    exit 1
  fi
fi
exec mvn -B verify "$@"
