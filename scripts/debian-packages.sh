# Sourced by test.sh (scripts/test-peers.sh) and the benchmarks (benchmarks/lib.sh).
# ensure_debian_packages PACKAGE...: installs the Debian packages that are missing (root only; Postfix as "Local
# only"; the scripts run private instances, whether or not the package started its system service). Returns 1 when one is missing and cannot be installed.
ensure_debian_packages() {
  local missing=() package
  for package in "$@"; do
    dpkg-query -W -f '${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  [ ${#missing[@]} = 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then echo "missing Debian packages ${missing[*]} (apt-get install them as root)"; return 1; fi
  echo "installing ${missing[*]}"
  echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections
  echo "postfix postfix/mailname string localhost" | debconf-set-selections
  (DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }) \
    || { echo "could not install ${missing[*]}"; return 1; }
}
