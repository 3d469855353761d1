#!/usr/bin/env bash
# A local single-node OpenSearch 2.19.6 (the integ-test distribution from Maven Central) for the search index
# and its tests. Needs only Java 17 and Maven.
#   scripts/opensearch.sh start|stop|status     or, sourced:  . scripts/opensearch.sh; ensure_opensearch
# Environment (all optional):
#   OPENSEARCH_PORT            HTTP port on 127.0.0.1 (9200)
#   OPENSEARCH_TRANSPORT_PORT  node-to-node port on 127.0.0.1 (9300)
#   OPENSEARCH_HOME            where the distribution is unpacked once ($HOME/.cache/james-pipeline/opensearch-2.19.6;
#                              as root /var/cache/james-pipeline/opensearch-2.19.6, because the unprivileged user
#                              OpenSearch runs as cannot enter /root)
#   OPENSEARCH_VAR             config copy, data, logs and pid file (<repo>/var/opensearch; as root
#                              /var/lib/james-pipeline/opensearch, because the checkout may be closed to that user)
# If something already answers on the port with a healthy cluster, it is used as it is.

OPENSEARCH_VERSION=2.19.6
OPENSEARCH_ARTIFACT=org.opensearch.distribution.integ-test-zip:opensearch:$OPENSEARCH_VERSION:zip
OPENSEARCH_REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# OpenSearch refuses to run as root: as root we run it as this system user.
OPENSEARCH_RUN_USER=opensearch

opensearch_settings() {
  OPENSEARCH_PORT=${OPENSEARCH_PORT:-9200}
  OPENSEARCH_TRANSPORT_PORT=${OPENSEARCH_TRANSPORT_PORT:-9300}
  if [ -z "${OPENSEARCH_HOME:-}" ]; then
    if [ "$(id -u)" = 0 ]; then
      OPENSEARCH_HOME=/var/cache/james-pipeline/opensearch-$OPENSEARCH_VERSION
    else
      OPENSEARCH_HOME=$HOME/.cache/james-pipeline/opensearch-$OPENSEARCH_VERSION
    fi
  fi
  if [ -z "${OPENSEARCH_VAR:-}" ]; then
    if [ "$(id -u)" = 0 ]; then
      # The unprivileged user may not enter the checkout (a mktemp -d clone is mode 700).
      OPENSEARCH_VAR=/var/lib/james-pipeline/opensearch
    else
      OPENSEARCH_VAR=$OPENSEARCH_REPO_DIR/var/opensearch
    fi
  fi
  OPENSEARCH_PIDFILE=$OPENSEARCH_VAR/opensearch.pid
}

opensearch_port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# Prints the body of GET http://127.0.0.1:$OPENSEARCH_PORT$1 (curl when present, else bash's /dev/tcp).
opensearch_get() {
  if command -v curl >/dev/null; then
    curl -s -m 10 "http://127.0.0.1:$OPENSEARCH_PORT$1"
  else
    timeout 10 bash -c '
      exec 3<>"/dev/tcp/127.0.0.1/$0" || exit 1
      printf "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" "$1" >&3
      sed "1,/^\r\{0,1\}$/d" <&3' "$OPENSEARCH_PORT" "$1" 2>/dev/null
  fi
}

opensearch_healthy() {
  opensearch_get "/_cluster/health?wait_for_status=yellow&timeout=${1:-1}s" | grep -Eq '"status" *: *"(yellow|green)"'
}

# Downloads the distribution with Maven and unpacks it once into $OPENSEARCH_HOME.
opensearch_install() {
  [ -x "$OPENSEARCH_HOME/bin/opensearch" ] && return 0
  local work
  work=$(mktemp -d) || return 1
  echo "Downloading OpenSearch $OPENSEARCH_VERSION from Maven Central ($OPENSEARCH_ARTIFACT)..."
  # Run outside the project so Maven does not pick up its reactor.
  if ! (cd "$work" && mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy \
        -Dartifact="$OPENSEARCH_ARTIFACT" -DoutputDirectory="$work" >"$work/mvn.log" 2>&1); then
    echo "Could not download $OPENSEARCH_ARTIFACT with Maven:"; tail -n 20 "$work/mvn.log"
    rm -rf "$work"; return 1
  fi
  if command -v unzip >/dev/null; then
    unzip -q "$work/opensearch-$OPENSEARCH_VERSION.zip" -d "$work"
  else
    (cd "$work" && jar xf "opensearch-$OPENSEARCH_VERSION.zip")
  fi || { echo "Could not unpack $work/opensearch-$OPENSEARCH_VERSION.zip"; rm -rf "$work"; return 1; }
  chmod +x "$work/opensearch-$OPENSEARCH_VERSION"/bin/* # jar xf drops the executable bits
  mkdir -p "$(dirname "$OPENSEARCH_HOME")"
  # Unpacked aside and moved in one step, so a half-unpacked directory is never taken for an installation.
  mv "$work/opensearch-$OPENSEARCH_VERSION" "$OPENSEARCH_HOME" || { rm -rf "$work"; return 1; }
  rm -rf "$work"
}

opensearch_create_run_user() {
  id -u "$OPENSEARCH_RUN_USER" >/dev/null 2>&1 && return 0
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$OPENSEARCH_RUN_USER"
}

# Runs its arguments as the user OpenSearch runs as (ourselves unless we are root).
opensearch_as_run_user() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u "$OPENSEARCH_RUN_USER" -- "$@"
  else
    "$@"
  fi
}

opensearch_java_home() {
  if [ -n "${JAVA_HOME:-}" ]; then
    echo "$JAVA_HOME"
  else
    dirname "$(dirname "$(readlink -f "$(command -v java)")")"
  fi
}

opensearch_start() {
  opensearch_settings
  if opensearch_port_open "$OPENSEARCH_PORT"; then
    opensearch_healthy 5 && return 0
    echo "Something answers on 127.0.0.1:$OPENSEARCH_PORT but it is not a healthy OpenSearch: stop it or set OPENSEARCH_PORT."
    return 1
  fi
  if opensearch_port_open "$OPENSEARCH_TRANSPORT_PORT"; then
    echo "Port 127.0.0.1:$OPENSEARCH_TRANSPORT_PORT (OpenSearch transport) is taken: set OPENSEARCH_TRANSPORT_PORT."
    return 1
  fi
  command -v java >/dev/null || { echo "Java 17 is required to run OpenSearch (apt-get install openjdk-17-jre-headless)"; return 1; }
  command -v mvn >/dev/null || { echo "Maven is required to download OpenSearch (apt-get install maven)"; return 1; }
  opensearch_install || return 1

  mkdir -p "$OPENSEARCH_VAR/data" "$OPENSEARCH_VAR/logs"
  # OpenSearch writes its keystore into its config directory: it gets its own copy, whose jvm.options
  # put the GC log and heap dumps under $OPENSEARCH_VAR (they name paths relative to $OPENSEARCH_HOME).
  if [ ! -d "$OPENSEARCH_VAR/config" ]; then
    cp -r "$OPENSEARCH_HOME/config" "$OPENSEARCH_VAR/config.new" &&
      sed -i -e "s|file=logs/|file=$OPENSEARCH_VAR/logs/|" -e "s|ErrorFile=logs/|ErrorFile=$OPENSEARCH_VAR/logs/|" \
        -e "s|HeapDumpPath=data|HeapDumpPath=$OPENSEARCH_VAR/data|" "$OPENSEARCH_VAR/config.new/jvm.options" &&
      mv "$OPENSEARCH_VAR/config.new" "$OPENSEARCH_VAR/config" || return 1
  fi
  if [ "$(id -u)" = 0 ]; then
    opensearch_create_run_user || { echo "Could not create the system user $OPENSEARCH_RUN_USER (OpenSearch refuses to run as root)."; return 1; }
    chown -R "$OPENSEARCH_RUN_USER:" "$OPENSEARCH_VAR"
    if ! runuser -u "$OPENSEARCH_RUN_USER" -- test -r "$OPENSEARCH_HOME/lib" -a -w "$OPENSEARCH_VAR"; then
      echo "The user $OPENSEARCH_RUN_USER cannot read $OPENSEARCH_HOME or write $OPENSEARCH_VAR: choose other OPENSEARCH_HOME / OPENSEARCH_VAR."
      return 1
    fi
  fi

  echo "Starting OpenSearch $OPENSEARCH_VERSION on 127.0.0.1:$OPENSEARCH_PORT (data and logs in $OPENSEARCH_VAR)..."
  rm -f "$OPENSEARCH_PIDFILE"
  if ! opensearch_as_run_user env \
      JAVA_HOME="$(opensearch_java_home)" \
      OPENSEARCH_PATH_CONF="$OPENSEARCH_VAR/config" \
      OPENSEARCH_JAVA_OPTS="-Xms512m -Xmx512m" \
      "$OPENSEARCH_HOME/bin/opensearch" -d -p "$OPENSEARCH_PIDFILE" \
      -E discovery.type=single-node \
      -E cluster.name=james-pipeline \
      -E http.host=127.0.0.1 -E http.port="$OPENSEARCH_PORT" \
      -E transport.host=127.0.0.1 -E transport.port="$OPENSEARCH_TRANSPORT_PORT" \
      -E path.data="$OPENSEARCH_VAR/data" -E path.logs="$OPENSEARCH_VAR/logs" \
      -E cluster.routing.allocation.disk.threshold_enabled=false \
      >"$OPENSEARCH_VAR/logs/startup.out" 2>&1; then
    echo "OpenSearch did not start: $(grep -v -e '^[[:space:]]*at ' -e '^warning:' "$OPENSEARCH_VAR/logs/startup.out" | tail -n 5 | tr '\n' ' ')"
    return 1
  fi
  local deadline=$((SECONDS + 120))
  while [ $SECONDS -lt $deadline ]; do
    opensearch_healthy 1 && return 0
    sleep 1
  done
  echo "OpenSearch did not become healthy on 127.0.0.1:$OPENSEARCH_PORT within 120 s; end of $OPENSEARCH_VAR/logs/james-pipeline.log:"
  tail -n 20 "$OPENSEARCH_VAR/logs/james-pipeline.log" 2>/dev/null || tail -n 20 "$OPENSEARCH_VAR/logs/startup.out"
  return 1
}

# Stops the OpenSearch this script started (the one in its pid file), never another.
opensearch_stop() {
  opensearch_settings
  if [ ! -s "$OPENSEARCH_PIDFILE" ]; then
    echo "No OpenSearch started by this script ($OPENSEARCH_PIDFILE is absent)."
    return 0
  fi
  local pid
  pid=$(cat "$OPENSEARCH_PIDFILE")
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "OpenSearch (pid $pid) did not stop within 60 s."
      return 1
    fi
  fi
  rm -f "$OPENSEARCH_PIDFILE"
  echo "OpenSearch stopped."
}

opensearch_status() {
  opensearch_settings
  if opensearch_healthy 1; then
    echo "OpenSearch answers on 127.0.0.1:$OPENSEARCH_PORT: $(opensearch_get /_cluster/health)"
  else
    echo "No healthy OpenSearch on 127.0.0.1:$OPENSEARCH_PORT."
    return 1
  fi
}

# For run.sh, test.sh and CI: a healthy OpenSearch on 127.0.0.1:$OPENSEARCH_PORT, started if needed.
ensure_opensearch() {
  opensearch_start
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-}" in
    start) opensearch_start && opensearch_status ;;
    stop) opensearch_stop ;;
    status) opensearch_status ;;
    *) echo "usage: $0 start|stop|status"; exit 2 ;;
  esac
fi
