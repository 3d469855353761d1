# Sourced by test.sh: the real peers of the outbound-delivery tests (test-fixtures' TestDns, SmtpSinkPeer and
# PostfixPeer) need dnsmasq (Debian package dnsmasq-base: the binary, no system service) and Postfix (postfix:
# smtp-sink and private instances), installed here when missing and we are root. The peers listen on
# 127.0.53.x:53 and 127.0.0.x:25 (x from 2), so nothing may hold port 25 or 53 on every address.
. scripts/debian-packages.sh

ensure_test_peers() {
  local had_postfix=1
  dpkg-query -W -f '${Status}' postfix 2>/dev/null | grep -q 'install ok installed' || had_postfix=0
  ensure_debian_packages postfix dnsmasq-base \
    || { echo "The outbound tests need Debian's postfix and dnsmasq-base: apt-get install postfix dnsmasq-base as root (Postfix \"Local only\")."; return 1; }
  if [ "$(id -u)" != 0 ]; then
    echo "The outbound tests' DNS and SMTP peers listen on ports 53 and 25 of loopback addresses: run ./test.sh as root."
    return 1
  fi
  [ "$had_postfix" = 1 ] || stop_system_postfix
  release_wildcard_port 25 && release_wildcard_port 53
}

# Where systemd runs, installing postfix starts the system's Postfix on 127.0.0.1:25 ("Local only"), an address
# the tests use as one where nothing answers. Installed here for the tests' private instances only, it is
# stopped and not started again at boot. A Postfix that was installed before is the machine's MTA: left alone.
stop_system_postfix() {
  [ -d /run/systemd/system ] && systemctl disable --now postfix >/dev/null 2>&1
  if postfix status >/dev/null 2>&1; then postfix stop >/dev/null 2>&1 || true; fi
  return 0
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
