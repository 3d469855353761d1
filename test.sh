#!/usr/bin/env bash
# Runs every test: unit tests, then end-to-end tests against a real James, RabbitMQ, OpenSearch, SMTP and IMAP.
# The broker: PIPELINE_TEST_AMQP_URI if set; otherwise the local RabbitMQ on 127.0.0.1:5672 (started,
# or installed from Debian's packages when run as root); otherwise, with a Docker engine,
# Testcontainers starts one.
# PostgreSQL (each test class gets a fresh database on it): PIPELINE_TEST_POSTGRES_URL if set (a JDBC URL
# whose user may create databases); otherwise the local PostgreSQL on 127.0.0.1:5432 (started, or installed
# from Debian's packages when run as root; as user postgres if it trusts it, else as a user pipeline_test
# created for the tests); otherwise, with a Docker engine, Testcontainers starts one.
# OpenSearch: PIPELINE_TEST_OPENSEARCH_URI if set; otherwise a local OpenSearch 2.19.6 from Maven Central
# (scripts/opensearch.sh; stopped again afterwards if this script started it); otherwise, with a Docker
# engine, Testcontainers starts one.
# The outbound tests' real DNS and SMTP peers: dnsmasq-base and postfix from Debian's packages (installed when
# missing, as root: scripts/test-peers.sh); they listen on ports 53 and 25 of loopback addresses, so as root.
# The spam stage's tests: Debian's rspamd (installed when missing, as root: scripts/rspamd.sh); each test class
# starts a private instance on a loopback port.
# The antivirus tests' private clamd: Debian's clamav-daemon (installed when missing, as root: scripts/clamav.sh).
# promtool (alert rules) and headless Chromium with its chromedriver (the live page): installed from
# Debian's packages when missing and run as root (scripts/test-tools.sh).
set -euo pipefail
cd "$(dirname "$0")"
. scripts/rabbitmq.sh
. scripts/opensearch.sh
. scripts/postgresql.sh
. scripts/test-peers.sh
. scripts/rspamd.sh
. scripts/test-tools.sh
. scripts/clamav.sh

ensure_test_tools || exit 1

if [ -z "${PIPELINE_TEST_POSTGRES_URL:-}" ]; then
  if ensure_postgresql 127.0.0.1 5432 install; then
    if PGCONNECT_TIMEOUT=5 psql -h 127.0.0.1 -U postgres -w -d postgres -qAtc 'SELECT 1' >/dev/null 2>&1; then
      export PIPELINE_TEST_POSTGRES_URL="jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres"
    else
      ensure_postgresql_role 127.0.0.1 5432 pipeline_test var/postgresql-pipeline_test.password || exit 1
      export PIPELINE_TEST_POSTGRES_URL="jdbc:postgresql://127.0.0.1:5432/postgres?user=pipeline_test&password=$(cat var/postgresql-pipeline_test.password)"
    fi
  elif docker info >/dev/null 2>&1; then
    echo "No local PostgreSQL: the tests start one with Testcontainers."
  else
    exit 1
  fi
fi

if [ -z "${PIPELINE_TEST_AMQP_URI:-}" ]; then
  if ensure_rabbitmq 127.0.0.1 5672 install; then
    export PIPELINE_TEST_AMQP_URI="amqp://guest:guest@127.0.0.1:5672/%2F"
  elif docker info >/dev/null 2>&1; then
    echo "No local RabbitMQ: the tests start one with Testcontainers."
  else
    exit 1
  fi
fi

if [ -z "${PIPELINE_TEST_OPENSEARCH_URI:-}" ]; then
  opensearch_settings
  started_opensearch=0
  opensearch_healthy 1 || started_opensearch=1
  if ensure_opensearch; then
    export PIPELINE_TEST_OPENSEARCH_URI="http://127.0.0.1:$OPENSEARCH_PORT"
    [ "$started_opensearch" = 1 ] && trap opensearch_stop EXIT
  elif docker info >/dev/null 2>&1; then
    echo "No local OpenSearch: the tests start one with Testcontainers."
  else
    exit 1
  fi
fi
ensure_test_peers || exit 1
ensure_rspamd || exit 1
ensure_clamav || exit 1

# ConcurrentAppendsAcrossNodesTest: 10,000 appends here (the same two-node race, a tenth of the count);
# issue 10's 100,000 (about two minutes): PIPELINE_TEST_APPENDS=100000 ./test.sh, or the command in README.
mvn -B verify -Dpipeline.test.appends="${PIPELINE_TEST_APPENDS:-10000}" "$@"
