# Sourced by test.sh: the antivirus tests run a private clamd (test-fixtures' ClamdPeer) with the small signature
# database the repository ships (test-fixtures/src/main/resources/clamav: EICAR and one signature of our own),
# so they need Debian's clamav-daemon (clamd; clamdscan comes with it), installed here when missing and we are root.
# freshclam cannot download signatures on these machines and the tests need no system clamd: where the package
# started its services (systemd), they are stopped and not started again at boot. A clamav-daemon that was
# installed before is the machine's own: left alone.
. scripts/debian-packages.sh

ensure_clamav() {
  local had_clamd=1
  dpkg-query -W -f '${Status}' clamav-daemon 2>/dev/null | grep -q 'install ok installed' || had_clamd=0
  ensure_debian_packages clamav-daemon \
    || { echo "The antivirus tests need Debian's clamav-daemon: apt-get install clamav-daemon as root."; return 1; }
  [ "$had_clamd" = 1 ] || stop_system_clamav
  return 0
}

stop_system_clamav() {
  if [ -d /run/systemd/system ]; then
    systemctl disable --now clamav-daemon.socket clamav-daemon clamav-freshclam >/dev/null 2>&1 || true
  fi
  return 0
}
