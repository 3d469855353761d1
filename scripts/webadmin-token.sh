#!/usr/bin/env bash
# Prints a WebAdmin admin token (RS256 JWT: sub "admin", admin true) for the James whose conf directory
# is given, creating its key pair on first use: conf/jwt_publickey (read by James, webadmin.properties
# jwt.publickeypem.url) and conf/jwt_privatekey (mode 600, only this script reads it).
#   TOKEN=$(scripts/webadmin-token.sh distribution/target/james/conf)
#   curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8000/domains
set -euo pipefail
conf=${1:?usage: webadmin-token.sh JAMES_CONF_DIR}
private_key="$conf/jwt_privatekey"
public_key="$conf/jwt_publickey"

if [ ! -s "$private_key" ]; then
  (umask 077 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$private_key" 2>/dev/null)
  rm -f "$public_key"
fi
[ -s "$public_key" ] || openssl pkey -in "$private_key" -pubout -out "$public_key"

base64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
signed=$(printf '{"alg":"RS256","typ":"JWT"}' | base64url).$(printf '{"sub":"admin","admin":true}' | base64url)
signature=$(printf '%s' "$signed" | openssl dgst -sha256 -sign "$private_key" -binary | base64url)
echo "$signed.$signature"
