#!/bin/sh
# The image's entry point: WebAdmin's key pair (conf/jwt_publickey, read by James) on first start, then
# James with the official image's JVM flags, our class path and main. An admin token, from the host:
#   docker compose exec james /root/webadmin-token.sh /root/conf
set -e
/root/webadmin-token.sh /root/conf >/dev/null
exec java -Dlogback.configurationFile=/root/conf/logback.xml -Dworking.directory=/root/ \
  -Djdk.tls.ephemeralDHKeySize=2048 -Dextra.props=/root/conf/jvm.properties \
  -cp "/root/resources:/root/classes:/root/libs/*:/root/pipeline-lib/*" \
  dev.jamespipeline.server.PipelineJamesServerMain "$@"
