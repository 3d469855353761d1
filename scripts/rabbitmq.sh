# Sourced by run.sh and test.sh: finds the RabbitMQ to use and starts the local one if needed.
# Usage: ensure_rabbitmq HOST PORT [install]
#   With "install" (tests, CI), a missing local broker is installed from Debian's packages when we are root.

rabbitmq_reachable() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

# The management HTTP API (port 15672), which sets queue limits as policies when amqp.management.uri is set.
# Idempotent, and works on a running node: also run when the broker was already up (CI's is).
enable_rabbitmq_management() {
  if ! command -v rabbitmq-plugins >/dev/null || ! rabbitmq-plugins enable rabbitmq_management >/dev/null 2>&1; then
    echo "Could not enable rabbitmq_management: queue limit policies (amqp.management.uri) need it."
    return 0
  fi
  for _ in $(seq 1 30); do
    (exec 3<>/dev/tcp/127.0.0.1/15672) 2>/dev/null && return 0
    sleep 1
  done
  echo "rabbitmq_management is enabled but 127.0.0.1:15672 did not open within 30 s."
}

ensure_rabbitmq() {
  local host=$1 port=$2 mode=${3:-}
  if rabbitmq_reachable "$host" "$port"; then
    case "$host" in 127.0.0.1|localhost) enable_rabbitmq_management ;; esac
    return 0
  fi
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
      rabbitmq_reachable "$host" "$port" && { enable_rabbitmq_management; return 0; }
      sleep 1
    done
  fi
  echo "RabbitMQ is not reachable at $host:$port: install it (apt-get install rabbitmq-server) or set amqp.uri in james-conf/pipeline.properties."
  return 1
}

# Usage: ensure_pipeline_user CONF_DIR
# James uses a RabbitMQ user and vhost of its own, both "james-pipeline" (amqp.uri in pipeline.properties
# without a password). On first start the password is generated into CONF_DIR/rabbitmq-pipeline.password
# (mode 600) and the user, vhost and permissions are created with rabbitmqctl (set RABBITMQCTL for another
# node); every start writes the password into CONF_DIR/pipeline.properties' amqp.uri (mode 600).
pipeline_rabbitmq_user=james-pipeline
pipeline_rabbitmq_vhost=james-pipeline

ensure_pipeline_user() {
  local conf=$1 password_file="$1/rabbitmq-pipeline.password" ctl=${RABBITMQCTL:-rabbitmqctl} password
  if [ ! -s "$password_file" ]; then
    password=$(openssl rand -hex 24)
    if ! { $ctl -q add_user "$pipeline_rabbitmq_user" "$password" >/dev/null 2>&1 \
          || $ctl -q change_password "$pipeline_rabbitmq_user" "$password" >/dev/null; } \
        || ! { $ctl -q list_vhosts | grep -qx "$pipeline_rabbitmq_vhost" || $ctl -q add_vhost "$pipeline_rabbitmq_vhost"; } \
        || ! $ctl -q set_permissions -p "$pipeline_rabbitmq_vhost" "$pipeline_rabbitmq_user" '.*' '.*' '.*'; then
      echo "Could not create the RabbitMQ user and vhost $pipeline_rabbitmq_user with rabbitmqctl. Create them"
      echo "(README, \"Security defaults\") and put the password into $password_file."
      return 1
    fi
    (umask 077 && printf '%s\n' "$password" > "$password_file")
  fi
  password=$(cat "$password_file")
  chmod 600 "$conf/pipeline.properties"
  sed -i "s#^amqp\.uri=amqp://$pipeline_rabbitmq_user@#amqp.uri=amqp://$pipeline_rabbitmq_user:$password@#" "$conf/pipeline.properties"
}

# The management API, which the mailbox event bus's dead-letter health check reads (several nodes), needs
# a user tag. Tags already set are kept; one that grants the API (policymaker does) is enough.
ensure_management_tag() {
  local ctl=${RABBITMQCTL:-rabbitmqctl} tags
  tags=$($ctl -q list_users 2>/dev/null | awk -v user="$pipeline_rabbitmq_user" '$1 == user { $1 = ""; print }' | tr -d '[],')
  case " $tags " in
    *" management "*|*" policymaker "*|*" monitoring "*|*" administrator "*) return 0 ;;
  esac
  # shellcheck disable=SC2086 # one argument per tag
  $ctl -q set_user_tags "$pipeline_rabbitmq_user" $tags management >/dev/null 2>&1 \
    || echo "Could not tag RabbitMQ user $pipeline_rabbitmq_user 'management': the MailboxEventBusDeadLetterQueue health check will fail (rabbitmqctl set_user_tags $pipeline_rabbitmq_user management)."
}
