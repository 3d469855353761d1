# Sourced by test.sh: programs the tests run that Maven does not bring.
# Usage: ensure_test_tools
#   promtool (Debian's prometheus package) checks and unit-tests the alert rules (AlertRulesTest,
#   GrafanaDashboardTest); chromium and chromedriver render the live page (PipelineDashboardIT).
#   Missing ones are installed from Debian's packages when we are root; otherwise it says what to install.

ensure_test_tools() {
  local missing=()
  command -v promtool >/dev/null || missing+=(prometheus)
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  [ ${#missing[@]} = 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing ${missing[*]} from Debian's packages (promtool, headless Chromium for the tests)..."
    DEBIAN_FRONTEND=noninteractive apt-get update -qq \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null && return 0
  fi
  echo "The tests need ${missing[*]}: apt-get install ${missing[*]} (as root)."
  return 1
}
