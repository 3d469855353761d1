#!/usr/bin/env bash
# Builds and starts Apache James 3.8.1 with the RabbitMQ pipeline, its users and mailboxes in PostgreSQL
# and IMAP SEARCH from OpenSearch (our server main), after making sure PostgreSQL, RabbitMQ and OpenSearch
# run locally.
#   ./run.sh              build, then run in the foreground (Ctrl-C stops James)
#   SKIP_BUILD=1 ./run.sh run what was built last time
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)
james_home="$root/distribution/target/james"

command -v java >/dev/null || { echo "Java 17 is required (apt-get install openjdk-17-jre-headless)"; exit 1; }
command -v mvn >/dev/null || { echo "Maven is required (apt-get install maven)"; exit 1; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "Building the extension and the James distribution (mvn package)..."
  mvn -B -q -DskipTests package
fi

conf="$james_home/conf"
# Envelope signing key (README, "Configuration"): made once, kept outside target/ so rebuilds keep it.
if ! grep -q '^envelope\.signing\.keys=.' "$conf/pipeline.properties"; then
  key_file="$root/var/envelope-signing.key"
  [ -s "$key_file" ] || (umask 077; mkdir -p "$root/var"; echo "k1:$(head -c 32 /dev/urandom | base64 -w0)" > "$key_file")
  echo "envelope.signing.keys=$(cat "$key_file")" >> "$conf/pipeline.properties"
fi
uri=$(sed -n 's/^amqp\.uri=//p' "$conf/pipeline.properties" | tail -n 1)
hostport=${uri#*://}; hostport=${hostport#*@}; hostport=${hostport%%/*}
amqp_host=${hostport%%:*}; amqp_port=${hostport##*:}
[ "$amqp_port" = "$hostport" ] && amqp_port=5672

. "$root/scripts/rabbitmq.sh"
ensure_rabbitmq "$amqp_host" "$amqp_port" || exit 1
# A password-less james-pipeline URI (the default) gets its user, vhost and password on first start.
case "$uri" in
  "amqp://$pipeline_rabbitmq_user@"*) ensure_pipeline_user "$conf" || exit 1 ;;
esac

# OpenSearch: the local one from Maven Central when search.opensearch.url points at 127.0.0.1 (the default).
search_url=$(sed -n 's/^search\.opensearch\.url=//p' "$conf/pipeline.properties" | tail -n 1)
search_url=${search_url:-http://127.0.0.1:9200}
case "$search_url" in
  http://127.0.0.1:*|http://localhost:*)
    . "$root/scripts/opensearch.sh"
    search_port=${search_url##*:}; OPENSEARCH_PORT=${search_port%%/*}
    ensure_opensearch || exit 1 ;;
  *) echo "Using OpenSearch at $search_url" ;;
esac

# PostgreSQL (james-database.properties): users, domains, mailboxes... unless backend=memory (trials).
db_conf="$conf/james-database.properties"
backend=$(sed -n 's/^backend=//p' "$db_conf" | tail -n 1)
db_url=$(sed -n 's/^database\.url=//p' "$db_conf" | tail -n 1)
if [ "${backend:-postgresql}" = postgresql ]; then
  . "$root/scripts/postgresql.sh"
  db_rest=${db_url#jdbc:postgresql://}; db_hostport=${db_rest%%/*}; db_name=${db_rest#*/}; db_name=${db_name%%\?*}
  db_host=${db_hostport%%:*}; db_port=${db_hostport##*:}
  [ "$db_port" = "$db_hostport" ] && db_port=5432
  ensure_postgresql "$db_host" "$db_port" || exit 1
  db_user=$(sed -n 's/^database\.username=//p' "$db_conf" | tail -n 1)
  # A local server and no password in the conf: our own user (and database), its password kept in var/.
  case "$db_host" in
    127.0.0.1|localhost)
      if ! grep -q '^database\.password=.' "$db_conf" && [ -n "$db_user" ] && [ "$db_user" != postgres ]; then
        ensure_postgresql_role "$db_host" "$db_port" "$db_user" "$root/var/postgresql-$db_user.password" "$db_name" || exit 1
        chmod 600 "$db_conf"
        echo "database.password=$(cat "$root/var/postgresql-$db_user.password")" >> "$db_conf"
      else
        ensure_postgresql_database "$db_host" "$db_port" "$db_name" || exit 1
      fi ;;
  esac
fi

if [ ! -f "$conf/keystore" ]; then
  keytool -genkeypair -alias james -keyalg RSA -storetype PKCS12 -keystore "$conf/keystore" \
    -storepass james72laBalle -keypass james72laBalle -dname CN=localhost -validity 3650 >/dev/null 2>&1
fi

# WebAdmin's key pair (first start) and an admin token.
token=$("$root/scripts/webadmin-token.sh" "$conf")

cat <<TXT
James with the RabbitMQ pipeline is starting (working directory $james_home).
  SMTP        127.0.0.1:2525 (relay for 127.0.0.0/8), submission 127.0.0.1:5870 (STARTTLS + AUTH)
  IMAP        127.0.0.1:1143 (LOGIN after STARTTLS)
  WebAdmin    http://127.0.0.1:8000 (admin token below; another one: scripts/webadmin-token.sh $conf)
  RabbitMQ    $amqp_host:$amqp_port
  Storage     ${backend:-postgresql} (${db_url:-}; james-database.properties)
  OpenSearch  $search_url (IMAP SEARCH; re-index: curl -XPOST -H "Authorization: Bearer \$TOKEN" 'http://127.0.0.1:8000/pipeline/search?action=reindex')
Add a domain and a user once it is up:
  export TOKEN=$token
  curl -XPUT -H "Authorization: Bearer \$TOKEN" http://127.0.0.1:8000/domains/example.com
  curl -XPUT -H "Authorization: Bearer \$TOKEN" http://127.0.0.1:8000/users/bob@example.com -H 'Content-Type: application/json' -d '{"password":"secret"}'
Then send a message:
  swaks --server 127.0.0.1:2525 --from alice@example.com --to bob@example.com
TXT

cd "$james_home"
exec java -Dworking.directory="$james_home" \
  -Dlogback.configurationFile="$conf/logback.xml" \
  -Dextra.props="$conf/jvm.properties" \
  -Djdk.tls.ephemeralDHKeySize=2048 \
  ${JAVA_OPTS:-} \
  -cp "james-server-memory-app.jar:james-server-memory-app.lib/*:pipeline-lib/*" \
  dev.jamespipeline.server.PipelineJamesServerMain
