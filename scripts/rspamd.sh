# Sourced by test.sh: the spam stage's tests run private Rspamd instances (test-fixtures' RspamdPeer: their own
# configuration, pid file, database directory and loopback port), so Debian's rspamd package is installed here
# when missing (as root). Installing it enables the system service; where it was installed by this script, the
# service is stopped and disabled so it neither holds port 11333/11334 nor fetches maps at boot. An rspamd that
# was installed before is the machine's own: left alone.
. scripts/debian-packages.sh

ensure_rspamd() {
  local had_rspamd=1
  dpkg-query -W -f '${Status}' rspamd 2>/dev/null | grep -q 'install ok installed' || had_rspamd=0
  ensure_debian_packages rspamd \
    || { echo "The spam stage's tests need Debian's rspamd: apt-get install rspamd as root."; return 1; }
  [ "$had_rspamd" = 1 ] || stop_system_rspamd
}

stop_system_rspamd() {
  if [ -d /run/systemd/system ]; then
    systemctl disable --now rspamd >/dev/null 2>&1 || true
  elif [ -x /etc/init.d/rspamd ]; then
    /etc/init.d/rspamd stop >/dev/null 2>&1 || true
    update-rc.d rspamd disable >/dev/null 2>&1 || true
  fi
  return 0
}
