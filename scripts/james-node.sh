# Sourced by run.sh: the configuration of node N among several James nodes on one machine.
# Usage: prepare_node_conf DIST_CONF NODE_DIR N SHARED_STORE
#   Copies DIST_CONF into NODE_DIR/conf (the node's own keystore and WebAdmin keys are kept), shifts every
#   port by 100 x (N - 1) (SMTP, submission, IMAP, POP3, ManageSieve, LMTP, WebAdmin, JMX), points store.root
#   at SHARED_STORE, turns on the RabbitMQ mailbox event bus (mailbox.event.bus=rabbitmq) and, unless DIST_CONF
#   has one, writes James's rabbitmq.properties from amqp.uri (same broker, user and vhost as the pipeline).

node_port_offset() {
  echo $(( ($1 - 1) * 100 ))
}

set_property() {
  local file=$1 key=$2 value=$3
  if grep -q "^${key//./\\.}=" "$file"; then
    KEY="$key" VALUE="$value" perl -pi -e 's/^\Q$ENV{KEY}\E=.*/$ENV{KEY}=$ENV{VALUE}/' "$file"
  else
    printf '%s=%s\n' "$key" "$value" >> "$file"
  fi
}

prepare_node_conf() {
  local dist_conf=$1 node_dir=$2 node=$3 shared_store=$4
  local conf="$node_dir/conf" offset file
  offset=$(node_port_offset "$node")
  mkdir -p "$conf"
  for file in "$dist_conf"/*; do
    case "$(basename "$file")" in
      keystore|jwt_privatekey|jwt_publickey) [ -e "$conf/$(basename "$file")" ] && continue ;;
    esac
    cp -p "$file" "$conf/"
  done
  for file in smtpserver.xml imapserver.xml pop3server.xml managesieveserver.xml lmtpserver.xml; do
    [ -f "$conf/$file" ] && OFFSET=$offset perl -pi -e 's{(<bind>[^<]*:)(\d+)(</bind>)}{$1.($2+$ENV{OFFSET}).$3}ge' "$conf/$file"
  done
  OFFSET=$offset perl -pi -e 's/^port=(\d+)/"port=".($1+$ENV{OFFSET})/e' "$conf/webadmin.properties"
  OFFSET=$offset perl -pi -e 's/^jmx\.port=(\d+)/"jmx.port=".($1+$ENV{OFFSET})/e' "$conf/jmx.properties"

  set_property "$conf/pipeline.properties" store.root "$shared_store"
  set_property "$conf/pipeline.properties" mailbox.event.bus rabbitmq
  [ -f "$dist_conf/rabbitmq.properties" ] || write_rabbitmq_properties "$conf"
}

# James's rabbitmq.properties from pipeline.properties' amqp.uri (and amqp.management.uri, else port 15672).
write_rabbitmq_properties() {
  local conf=$1 uri management userinfo host
  uri=$(sed -n 's/^amqp\.uri=//p' "$conf/pipeline.properties" | tail -n 1)
  management=$(sed -n 's/^amqp\.management\.uri=//p' "$conf/pipeline.properties" | tail -n 1)
  userinfo=${uri#*://}; userinfo=${userinfo%%@*}
  host=${uri#*@}; host=${host%%/*}; host=${host%%:*}
  (umask 077 && cat > "$conf/rabbitmq.properties" <<PROPERTIES
# Written by run.sh --node from amqp.uri: James's own RabbitMQ settings, for the mailbox event bus.
uri=$uri
management.uri=${management:-http://$host:15672}
management.user=${userinfo%%:*}
management.password=${userinfo#*:}
PROPERTIES
  )
}
