# Sourced by run.sh and test.sh: finds the RabbitMQ to use and starts the local one if needed.
# Usage: ensure_rabbitmq HOST PORT [install]
#   With "install" (tests, CI), a missing local broker is installed from Debian's packages when we are root.

rabbitmq_reachable() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

ensure_rabbitmq() {
  local host=$1 port=$2 mode=${3:-}
  rabbitmq_reachable "$host" "$port" && return 0
  case "$host" in
    127.0.0.1|localhost) ;;
    *) echo "RabbitMQ is not reachable at $host:$port (a remote broker: start it there, or change amqp.uri)."; return 1 ;;
  esac
  if ! command -v rabbitmq-server >/dev/null && [ "$mode" = install ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing rabbitmq-server from Debian's packages..."
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >/dev/null
  fi
  if command -v rabbitmq-server >/dev/null; then
    echo "Starting the local RabbitMQ (rabbitmq-server -detached)..."
    rabbitmq-server -detached >/dev/null 2>&1 || true
    for _ in $(seq 1 90); do
      rabbitmq_reachable "$host" "$port" && return 0
      sleep 1
    done
  fi
  echo "RabbitMQ is not reachable at $host:$port: install it (apt-get install rabbitmq-server) or run 'docker compose up -d rabbitmq', or set amqp.uri in james-conf/pipeline.properties."
  return 1
}
