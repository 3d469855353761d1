# Sourced by test.sh: the real peers of the outbound-delivery tests (test-fixtures' TestDns, SmtpSinkPeer and
# PostfixPeer) need dnsmasq (Debian package dnsmasq-base: the binary, no system service) and Postfix (postfix:
# smtp-sink and private instances), installed here when missing and we are root. The peers listen on
# 127.0.53.x:53 and 127.0.0.x:25 (x from 2), so nothing may hold port 25 or 53 on every address.
. scripts/debian-packages.sh

ensure_test_peers() {
  ensure_debian_packages postfix dnsmasq-base \
    || { echo "The outbound tests need Debian's postfix and dnsmasq-base: apt-get install postfix dnsmasq-base as root (Postfix \"Local only\")."; return 1; }
  if [ "$(id -u)" != 0 ]; then
    echo "The outbound tests' DNS and SMTP peers listen on ports 53 and 25 of loopback addresses: run ./test.sh as root."
    return 1
  fi
  release_wildcard_port 25 && release_wildcard_port 53
}

# A listener on the wildcard address takes the port on every loopback address. The system Postfix (whose package
# these tests install) is moved to loopback-only (127.0.0.1, ::1); anything else is reported, not touched.
release_wildcard_port() {
  local port=$1 holder
  holder=$(ss -ltnH "sport = :$port" | awk '$4 ~ /^(0\.0\.0\.0|\*|\[::\]):/ { print $4 }' | head -1)
  [ -z "$holder" ] && return 0
  if [ "$port" = 25 ] && postfix status >/dev/null 2>&1 && [ "$(postconf -h inet_interfaces)" = all ]; then
    echo "The system Postfix listens on $holder: moving it to inet_interfaces=loopback-only for the tests' SMTP peers."
    postconf -e inet_interfaces=loopback-only && postfix stop >/dev/null 2>&1 && postfix start >/dev/null 2>&1 && return 0
  fi
  echo "$(ss -ltnpH "sport = :$port" | awk '{ print $4, $6 }' | head -1) holds port $port on every address: the outbound tests' peers need it on 127.0.x.x; stop it or bind it to one address."
  return 1
}
