# Sourced by the bench scripts: builds, then prepares, starts and stops the servers under test
# (James with the pipeline, stock James, Postfix) on 127.0.0.1 bench ports. Expects $root, and
# $mailboxes for the users start_james creates.
. scripts/rabbitmq.sh
. scripts/postgresql.sh
. scripts/debian-packages.sh

[ -n "${BENCH_BUILT:-}" ] || benchmarks/build.sh
ensure_rabbitmq 127.0.0.1 5672
ensure_postgresql 127.0.0.1 5432 || exit 1
stock_conf="$root/benchmarks/target/stock-james/james-server-memory-app/conf"
load="$root/benchmarks/target/smtp-load.jar"
work=$(mktemp -d /tmp/james-bench.XXXXXX)
chmod 755 "$work"   # Postfix daemons run as user postfix and must reach their queue below it
pid=

stop_james() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"; wait "$pid" 2>/dev/null || true
  fi
  pid=
  if [ -n "${postfix_conf:-}" ]; then
    postfix -c "$postfix_conf" stop >/dev/null 2>&1 || true
    postfix_conf=
  fi
}

# start_postfix DIR [SETTING...]: a private Postfix instance on the bench port. By default it relays for
# 127.0.0.0/8 and discards after queueing, so what is measured is its accept path (smtpd, cleanup, fsync'd
# queue file); postconf SETTINGs given after DIR override that (benchmarks/durable.sh relays to Dovecot's LMTP).
start_postfix() {
  local dir=$1
  shift
  wait_for_bench_ports
  mkdir -p "$dir/queue" "$dir/data"
  cp /etc/postfix/main.cf /etc/postfix/master.cf "$dir/"
  chown postfix "$dir/data"
  postconf -c "$dir" -e "queue_directory=$dir/queue" "data_directory=$dir/data" "inet_interfaces=127.0.0.1" \
    "mynetworks=127.0.0.0/8" "mydestination=" "relay_domains=" "default_transport=discard:bench" \
    "local_transport=discard:bench" "relay_transport=discard:bench" "smtpd_relay_restrictions=permit_mynetworks,reject" \
    "maillog_file=" "syslog_name=postfix-bench" "$@"
  postconf -c "$dir" -M "smtp/inet=127.0.0.1:12525 inet n - n - - smtpd"
  # postfix -c accepts only directories the default instance lists.
  postconf -e "alternate_config_directories=$dir"
  postfix -c "$dir" check && postfix -c "$dir" start >/dev/null
  postfix_conf=$dir
}
delete_bench_queues() {
  for q in $(rabbitmqctl list_queues -q name 2>/dev/null | grep '^bench-' || true); do rabbitmqctl delete_queue -q "$q" >/dev/null; done
}
# A private RabbitMQ node, for a script that restarts its broker or must not share it (other work on the
# machine restarts the shared one and deletes bench-* queues): start_private_rabbitmq NODE PORT DIST_PORT
# starts it on 127.0.0.1 with its data and logs under $work/rabbitmq; private_rabbitmqctl talks to it;
# bench_cleanup stops it.
private_node=
private_rabbitmqctl() { rabbitmqctl -n "$private_node" "$@"; }
start_private_rabbitmq() {
  local port base="$work/rabbitmq"
  private_node=$1
  for port in "$2" "$3"; do
    if ss -ltnH | awk '{ print $4 }' | grep -q ":$port\$"; then echo "port $port is taken: the private RabbitMQ node needs it"; exit 2; fi
  done
  mkdir -p "$base" && chown rabbitmq "$base"
  RABBITMQ_NODENAME="$private_node" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$2" RABBITMQ_DIST_PORT="$3" \
    RABBITMQ_MNESIA_BASE="$base/mnesia" RABBITMQ_LOG_BASE="$base/log" RABBITMQ_PID_FILE="$base/pid" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$base/enabled_plugins" RABBITMQ_CONFIG_FILE="$base/rabbitmq" rabbitmq-server -detached
  for _ in $(seq 1 60); do
    private_rabbitmqctl -q await_startup >/dev/null 2>&1 && return 0
    sleep 1
  done
  echo "the private RabbitMQ node $private_node did not start within 60 s (logs in $base/log)"; exit 2
}

# mailbox_backend DIR: where the prepared James in DIR keeps its mailboxes: "postgresql" or "memory" (its
# conf/james-database.properties; a build without that file has only the memory app's mailboxes).
mailbox_backend() {
  local file="$1/conf/james-database.properties" backend
  [ -f "$file" ] || { echo memory; return; }
  backend=$(sed -n 's/^backend[ =:]*//p' "$file" | tr -d ' ' | tr '[:upper:]' '[:lower:]')
  echo "${backend:-postgresql}"
}

# use_scratch_database DIR [HOST PORT]: points the James in DIR (PostgreSQL backend) at a fresh database of its own
# on the PostgreSQL at HOST:PORT (127.0.0.1:5432), as user postgres without a password (local trust, as the tests),
# so a run neither reads nor leaves anything in anyone else's; bench_cleanup drops it.
scratch_databases=()
use_scratch_database() {
  local dir=$1 host=${2:-127.0.0.1} port=${3:-5432} name
  name=bench_$(date +%s%N)_$$
  psql -q -h "$host" -p "$port" -U postgres -d postgres -c "CREATE DATABASE $name" >/dev/null \
    || { echo "could not create the scratch database $name on $host:$port"; exit 2; }
  scratch_databases+=("$host $port $name")
  sed -i "s|^database\.url=.*|database.url=jdbc:postgresql://$host:$port/$name|; s|^database\.username=.*|database.username=postgres|; /^database\.password=/d" \
    "$dir/conf/james-database.properties"
  grep -q "^database.url=jdbc:postgresql://$host:$port/$name\$" "$dir/conf/james-database.properties" \
    || { echo "no database.url line to point at $name in $dir/conf/james-database.properties"; exit 2; }
}
drop_scratch_databases() {
  local database host port name
  for database in "${scratch_databases[@]}"; do
    read -r host port name <<< "$database"
    psql -q -h "$host" -p "$port" -U postgres -d postgres -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true
  done
  scratch_databases=()
}

# use_scratch_index DIR NAME: the James in DIR indexes into the OpenSearch index NAME at $opensearch (which the
# caller sets); delete_scratch_index deletes it and its template once James is stopped (so that it writes no more).
scratch_index=
use_scratch_index() {
  scratch_index=$2
  sed -i "s|^search.opensearch.url=.*|search.opensearch.url=$opensearch|; s|^search.index.name=.*|search.index.name=$scratch_index|" \
    "$1/conf/pipeline.properties"
}
delete_scratch_index() {
  [ -z "$scratch_index" ] || java -cp "$load" dev.jamespipeline.bench.OpenSearchHttp "$opensearch" delete "$scratch_index" || true
  scratch_index=
}

# Dovecot as a baseline (Debian's dovecot-core, -lmtpd, -imapd; ensure_debian_packages installs them), on loopback
# ports of its own: start_dovecot DIR [SETTING...] runs one with a configuration of its own under DIR: every user's
# password is "secret", mail in DIR/home/<user>/Maildir, no FTS plugin; each SETTING ("name = value") replaces that
# line of it or is added, a block ("name {" ... "}") is added; stop_dovecot (and bench_cleanup) stops it.
lmtp_port=12424; dovecot_imap_port=11144
dovecot_conf=
stop_dovecot() {
  [ -z "$dovecot_conf" ] || dovecot -c "$dovecot_conf" stop 2>/dev/null || true
  dovecot_conf=
}
start_dovecot() {
  local dir=$1 setting
  shift
  for port in $lmtp_port $dovecot_imap_port; do
    if ss -ltnH | awk '{ print $4 }' | grep -q ":$port\$"; then echo "port $port is taken: the benchmark's Dovecot needs it"; exit 2; fi
  done
  mkdir -p "$dir/run" "$dir/state"
  # The users' Maildirs made beforehand (owned by the mail user Dovecot delivers as), so they can be watched from the start.
  for user in $(seq 0 $((mailboxes - 1))); do
    install -d -o mail -g mail "$dir/home" "$dir/home/user$user@bench.test" "$dir/home/user$user@bench.test/Maildir" \
      "$dir/home/user$user@bench.test/Maildir/new" "$dir/home/user$user@bench.test/Maildir/cur" "$dir/home/user$user@bench.test/Maildir/tmp"
  done
  cat > "$dir/dovecot.conf" <<EOF
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/dovecot.log
protocols = lmtp imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
mail_location = maildir:~/Maildir
# Durable like our fsync + commit: every delivery fsync'd before LMTP answers 250.
mail_fsync = always
first_valid_uid = $(id -u mail)
default_internal_user = dovecot
default_login_user = dovenull
passdb {
  driver = static
  args = password=secret
}
userdb {
  driver = static
  args = uid=mail gid=mail home=$dir/home/%u
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $lmtp_port
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $dovecot_imap_port
  }
  inet_listener imaps {
    port = 0
  }
}
protocol lmtp {
  postmaster_address = postmaster@bench.test
}
EOF
  for setting in "$@"; do
    [[ $setting == *" {"* ]] || sed -i "/^${setting%% =*} =/d" "$dir/dovecot.conf"
    echo "$setting" >> "$dir/dovecot.conf"
  done
  dovecot -c "$dir/dovecot.conf"
  dovecot_conf="$dir/dovecot.conf"
  for _ in $(seq 1 50); do
    ss -ltnH | awk '{ print $4 }' | grep -q ":$lmtp_port\$" && return 0
    sleep 0.2
  done
  echo "Dovecot did not listen on $lmtp_port:"; cat "$dir/dovecot.log"; exit 2
}

# KEEP_WORK=1 keeps the scratch directory (servers' logs, stores, ledgers) for a look after the run.
bench_cleanup() {
  stop_james
  stop_dovecot
  drop_scratch_databases
  [ -z "$private_node" ] || private_rabbitmqctl -q stop >/dev/null 2>&1 || true
  if [ "${KEEP_WORK:-0}" = 1 ]; then echo "scratch directory kept: $work"; else rm -rf "$work"; fi
  delete_bench_queues
  drop_bench_databases
}
trap bench_cleanup EXIT

# The pipeline's James keeps users, domains and mailboxes in PostgreSQL: one database per James
# directory (a James restarted in it finds its mail again), as the user run.sh creates, dropped at the end.
bench_database() {
  local dir=$1 name="bench_$$_$(date +%s%N)" password_file="$root/var/postgresql-james.password"
  ensure_postgresql_role 127.0.0.1 5432 james "$password_file" "$name" || exit 1
  sed -i "s#^database\.url=.*#database.url=jdbc:postgresql://127.0.0.1:5432/$name#; s#^database\.username=.*#database.username=james#" \
    "$dir/conf/james-database.properties"
  echo "database.password=$(cat "$password_file")" >> "$dir/conf/james-database.properties"
}

drop_bench_databases() {
  local name
  for name in $(postgresql_admin 127.0.0.1 5432 -c "SELECT datname FROM pg_database WHERE datname LIKE 'bench\_$$\_%'" 2>/dev/null); do
    postgresql_admin 127.0.0.1 5432 -c "DROP DATABASE $name WITH (FORCE)" >/dev/null 2>&1 || echo "could not drop the database $name"
  done
}

# A private copy of the distribution: a build running meanwhile cannot change the server mid-run
# (benchmarks/run makes one copy for all its steps and passes it in BENCH_JAMES_COPY).
home=${BENCH_JAMES_COPY:-$work/james}
[ -n "${BENCH_JAMES_COPY:-}" ] || cp -r "$root/distribution/target/james" "$home"
# And of the helpers' jar.
cp "$load" "$work/smtp-load.jar"
load="$work/smtp-load.jar"

# bench_java CLASS ARG...: a helper of the benchmarks module on the distribution's class path, where mime4j, PDFBox
# and the search index live; without James's logback, so that it logs through the jar's simple logger (warnings only).
bench_java() {
  java -cp "$(bench_classpath)" "dev.jamespipeline.bench.$1" "${@:2}"
}
bench_classpath() {
  echo "$load:$home/pipeline-lib/*:$(ls "$home"/james-server-memory-app.lib/*.jar | grep -v '/logback-classic-' | paste -sd:)"
}

# tree_cpu PID: CPU seconds (user + system) PID and its descendants have used, reaped children included (Postfix's
# master runs short-lived smtp, cleanup... processes; Rspamd's main process its workers; James is one process).
tree_cpu() {
  for stat in /proc/[0-9]*/stat; do sed -E 's/^([0-9]+) \(.*\) /\1 /' "$stat" 2>/dev/null || true; done \
    | awk -v root="$1" -v tck="$(getconf CLK_TCK)" '
      { parent[$1] = $3; cpu[$1] = $13 + $14 + $15 + $16 }
      END {
        tree[root] = 1
        do { grown = 0; for (p in parent) if (!(p in tree) && (parent[p] in tree)) { tree[p] = 1; grown = 1 } } while (grown)
        for (p in tree) total += cpu[p]
        printf "%.2f", total / tck
      }'
}

# CPU seconds a process has used so far: "user system"
cpu_seconds() {
  awk -v tck="$(getconf CLK_TCK)" '{ printf "%.2f %.2f", $14 / tck, $15 / tck }' "/proc/$1/stat"
}

# cpu_delta "BEFORE" "AFTER": "user=U sys=S" consumed in between
cpu_delta() {
  echo "$1 $2" | awk '{ printf "user=%.2f sys=%.2f", $3 - $1, $4 - $2 }'
}

keystore() {
  rm -f "$1/keystore"
  keytool -genkeypair -alias james -keyalg RSA -storetype PKCS12 -keystore "$1/keystore" -storepass james72laBalle \
    -keypass james72laBalle -dname CN=localhost -validity 30 >/dev/null 2>&1
}

# prepare VARIANT DIR: a working directory with the variant's configuration on bench ports
prepare() {
  local variant=$1 dir=$2
  mkdir -p "$dir"
  if [ "$variant" = pipeline ] || [ "$variant" = pipeline-slow ]; then
    cp -r "$home/conf" "$home/extensions-jars" "$dir/"
    sed -i 's/0.0.0.0:2525/127.0.0.1:12525/; s/0.0.0.0:5870/127.0.0.1:12587/' "$dir/conf/smtpserver.xml"
    sed -i 's/0.0.0.0:1143/127.0.0.1:11143/' "$dir/conf/imapserver.xml"
    sed -i "s/^topology.name.prefix=.*/topology.name.prefix=bench-$(date +%s%N)./" "$dir/conf/pipeline.properties"
    grep -q '^envelope\.signing\.keys=.' "$dir/conf/pipeline.properties" \
      || echo "envelope.signing.keys=bench:$(head -c 32 /dev/urandom | base64 -w0)" >> "$dir/conf/pipeline.properties"
    # The local broker's guest on / like the tests (the shipped james-pipeline user is run.sh's to create).
    sed -i "s|^amqp.uri=.*|amqp.uri=amqp://guest:guest@127.0.0.1:5672/%2F|" "$dir/conf/pipeline.properties"
    bench_database "$dir"
    if [ "$variant" = pipeline-slow ]; then
      # Decoupling: a first stage that takes SLOW_STAGE_MS per message, before routing.
      cp "$root/benchmarks/target/benchmarks-"*.jar "$dir/extensions-jars/"
      sed -i "s/^stages=.*/stages=slow,route/" "$dir/conf/pipeline.properties"
      sed -i 's#<processor state="route" enableJmx="true">#<processor state="slow" enableJmx="false"><mailet match="All" class="dev.jamespipeline.bench.SlowStage"><millis>'"${SLOW_STAGE_MS:-200}"'</millis></mailet><mailet match="All" class="dev.jamespipeline.mailets.PassToNextStage"><onMailetException>propagate</onMailetException></mailet></processor>\n        &#' "$dir/conf/mailetcontainer.xml"
    fi
    for setting in ${PIPELINE_SETTINGS:-}; do
      sed -i "s|^${setting%%=*}=.*|$setting|" "$dir/conf/pipeline.properties"
    done
    # No connection limits, as in stock James's sample configuration: the matrix opens 100 sessions from 127.0.0.1.
    sed -i 's#<connectionLimit>500</connectionLimit>#<connectionLimit>0</connectionLimit>#; s#<connectionLimitPerIP>50</connectionLimitPerIP>#<connectionLimitPerIP>0</connectionLimitPerIP>#' \
      "$dir/conf/smtpserver.xml" "$dir/conf/imapserver.xml"
    # On PostgreSQL, a database of the run's own (on $bench_pg_port: the fault harness has a private cluster).
    [ "$(mailbox_backend "$dir")" = memory ] || use_scratch_database "$dir" 127.0.0.1 "${bench_pg_port:-5432}"
  else
    cp -r "$stock_conf" "$dir/conf"
    sed -i 's/0.0.0.0:25</127.0.0.1:12525</; s/0.0.0.0:465/127.0.0.1:12465/; s/0.0.0.0:587/127.0.0.1:12587/' "$dir/conf/smtpserver.xml"
    sed -i 's/0.0.0.0:143</127.0.0.1:11143</; s/0.0.0.0:993/127.0.0.1:11993/' "$dir/conf/imapserver.xml"
    echo "enabled=false" > "$dir/conf/jmap.properties"
  fi
  # Only so the benchmark can count deliveries over IMAP without TLS; SMTP is untouched.
  sed -i 's#<plainAuthDisallowed>true</plainAuthDisallowed>#<plainAuthDisallowed>false</plainAuthDisallowed>#' "$dir/conf/imapserver.xml"
  sed -i 's/^port=8000/port=18000/' "$dir/conf/webadmin.properties"
  sed -i 's/^jmx.port=9999/jmx.port=19999/' "$dir/conf/jmx.properties"
  sed -i 's#<file>/logs/james.log</file>#<file>'"$dir"'/james-file.log</file>#; s#/logs/james.%i.log.tar.gz#'"$dir"'/james.%i.log.tar.gz#' "$dir/conf/logback.xml"
  keystore "$dir/conf"
}

# The ports of a bench James (prepare writes them into its configuration; benchmarks/search.sh moves them all).
bench_ports="12525 12587 12465 11143 11993 18000 19999"
webadmin_port=18000

# Another benchmark on this machine may hold the bench ports: wait for them (bounded) rather than
# fail halfway through starting.
wait_for_bench_ports() {
  local busy
  for _ in $(seq 1 600); do
    busy=$(ss -ltnH | awk '{ print $4 }' | grep -oE ":($(echo $bench_ports | tr ' ' '|'))\$" | tr '\n' ' ' || true)
    [ -z "$busy" ] && return 0
    [ $((SECONDS % 60)) = 0 ] && echo "waiting for bench ports $busy (another benchmark is running?)"
    sleep 1
  done
  echo "bench ports $busy still taken after 10 minutes"; exit 1
}

# start_james DIR [MAIN]: James in DIR, by default the memory app's main (with our extension jar when DIR
# has one); MAIN=dev.jamespipeline.server.PipelineJamesServerMain is our server main (search from
# OpenSearch, users and mailboxes in the PostgreSQL database of DIR's conf), which also needs the
# distribution's pipeline-lib on its class path. Then the domain $bench_domain (bench.test) and users
# user0..user$((mailboxes - 1)) with the password "secret" through WebAdmin on $webadmin_port, unless
# create_accounts=0 (a restart on accounts that must have survived), with the admin token in
# $BENCH_WEBADMIN_TOKEN (also read by the Java benchmarks; stock James's WebAdmin ignores it).
start_james() {
  local dir=$1 main=${2:-org.apache.james.MemoryJamesServerMain} profile= classpath="$home/james-server-memory-app.jar:$home/james-server-memory-app.lib/*"
  [ "$main" = org.apache.james.MemoryJamesServerMain ] || classpath="$classpath:$home/pipeline-lib/*"
  # James's own main has no PostgreSQL backend: its error mail stays in memory (as DistributionIT does).
  [ "$main" != org.apache.james.MemoryJamesServerMain ] || sed -i 's#postgres://var/mail/#memory://var/mail/#g' "$dir/conf/mailetcontainer.xml"
  wait_for_bench_ports
  BENCH_WEBADMIN_TOKEN=$("$root/scripts/webadmin-token.sh" "$dir/conf"); export BENCH_WEBADMIN_TOKEN
  if [ "${PROFILE:-0}" = 1 ]; then
    mkdir -p /tmp/james-bench-profiles
    profile="-XX:StartFlightRecording=filename=/tmp/james-bench-profiles/$(basename "$dir").jfr,settings=profile"
  fi
  (cd "$dir" && exec java -Xmx2g $profile -Dworking.directory="$dir" -Dlogback.configurationFile="$dir/conf/logback.xml" \
    -Dextra.props="$dir/conf/jvm.properties" -cp "$classpath" "$main" >"$dir/james.log" 2>&1) &
  pid=$!
  for _ in $(seq 1 120); do
    grep -q "JAMES server started" "$dir/james.log" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || { echo "James exited:"; tail -20 "$dir/james.log"; exit 1; }
    sleep 1
  done
  [ "${create_accounts:-1}" = 1 ] || return 0
  local domain=${bench_domain:-bench.test}
  curl -sf -XPUT -H "Authorization: Bearer $BENCH_WEBADMIN_TOKEN" "http://127.0.0.1:$webadmin_port/domains/$domain"
  for user in $(seq 0 $((mailboxes - 1))); do
    curl -sf -XPUT -H "Authorization: Bearer $BENCH_WEBADMIN_TOKEN" "http://127.0.0.1:$webadmin_port/users/user$user@$domain" -H 'Content-Type: application/json' -d '{"password":"secret"}'
  done
}

