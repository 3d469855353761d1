#!/usr/bin/env bash
# IMAP SEARCH latency and exactness on a 10,000-message INBOX (issue 11, "The cost"), our server against stock
# James 3.8.1 and Dovecot in the same run, one server after the other, each fresh:
#   ours     the build's server main (PipelineJamesServerMain, SEARCH from OpenSearch) on the shipped configuration
#            (PostgreSQL backend: a scratch database), the shared RabbitMQ (scratch topology) and OpenSearch (a scratch
#            index), measured idle, with its indexer paused (WebAdmin POST /pipeline/search?action=pause; reported as
#            unavailable on a build without that route) and while SMTP delivery runs at full speed to another user;
#   stock    James 3.8.1's memory app with its sample configuration (SEARCH scans the mailbox), idle;
#   dovecot  Debian's Dovecot 2.3 (installed if missing) without an FTS plugin (SEARCH TEXT reads every message), idle;
#            its configuration is durable.sh's (benchmarks/lib.sh) with mail_fsync = never, for a quicker fill;
#   dovecot-fts  the same with Debian's fts-xapian plugin (dovecot-fts-xapian, installed if missing), indexing at each
#            append (fts_autoindex) and before each search what is not indexed yet (fts_enforced), idle.
# The INBOX is filled over IMAP APPEND; then UID SEARCH TEXT <a word in 10 messages>, UNSEEN and ALL (10,000 hits),
# APPEND then at once UID SEARCH TEXT <its word>, STORE \Seen then at once UID SEARCH UNSEEN: TRIES of each, timed,
# every answer checked against the uid set the client knows (dev.jamespipeline.bench.ImapSearchBench).
# Prints a table with ratios against stock James and Dovecot, written to OUT.md (the console to OUT.txt).
# Not part of the tests. About 12 minutes on 2 cores with the defaults (filling the four INBOXes takes half of it).
#   benchmarks/imap-search.sh            (or STEPS=search benchmarks/run)
# Environment, all optional (defaults in brackets):
#   MESSAGES [10000] BODY_SIZE [10240] TRIES [20: of each command] MAX_CONDITION_S [60: fewer tries, but at least 3, once
#   the searches or the changes of a condition took half of it] SETTLE_S [180: longest wait for exact answers before a condition]
#   SERVERS ["ours stock dovecot dovecot-fts"] OUR_CONDITIONS ["idle,paused,load"] OUT [benchmarks/results/imap-search-<UTC stamp>]
# All traffic stays on 127.0.0.1; everything it starts it stops (KEEP_WORK=1 keeps the scratch directory).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
messages=${MESSAGES:-10000}; body_size=${BODY_SIZE:-10240}; tries=${TRIES:-20}; max_condition=${MAX_CONDITION_S:-60}
settle=${SETTLE_S:-180}
servers=${SERVERS:-ours stock dovecot dovecot-fts}; our_conditions=${OUR_CONDITIONS:-idle,paused,load}
mailboxes=2   # user0: the INBOX searched; user1: the delivery load
out=${OUT:-benchmarks/results/imap-search-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$(dirname "$out")"
exec > >(tee "$out.txt") 2>&1
. benchmarks/lib.sh
[[ " $servers " != *" dovecot "* ]] || ensure_debian_packages dovecot-core dovecot-lmtpd dovecot-imapd
[[ " $servers " != *" dovecot-fts "* ]] || ensure_debian_packages dovecot-core dovecot-lmtpd dovecot-imapd dovecot-fts-xapian
opensearch="http://127.0.0.1:${OPENSEARCH_PORT:-9200}"
if [[ " $servers " == *" ours "* ]]; then
  . scripts/opensearch.sh
  ensure_opensearch
fi
trap 'stop_james; stop_dovecot; delete_scratch_index; bench_cleanup' EXIT

results="$work/results.txt"
# The tree as the run starts (with BENCH_BUILT=1, what was built from it).
tree="commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo ' (uncommitted changes)') on branch $(git rev-parse --abbrev-ref HEAD)"
settings="MESSAGES=$messages BODY_SIZE=$body_size TRIES=$tries MAX_CONDITION_S=$max_condition SETTLE_S=$settle SERVERS=\"$servers\" OUR_CONDITIONS=$our_conditions"
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "# IMAP SEARCH on a $messages-message INBOX: $settings benchmarks/imap-search.sh"
echo "# $(nproc) cores, $(date -u +%FT%TZ), load average $load_at_start"

# search SERVER IMAP_PORT CONDITIONS [SMTP_PORT WEBADMIN_PORT LOAD_USER]: fill user0's INBOX and measure.
search() {
  bench_java ImapSearchBench "$results" "$1" "$2" user0@bench.test secret "$messages" "$body_size" "$tries" "$settle" "$max_condition" "${@:3}"
}

for server in $servers; do
  echo "## $server"
  dir="$work/$server"
  case $server in
    ours)
      prepare pipeline "$dir"
      use_scratch_index "$dir" "bench-imap-search-$(date -u +%Y%m%dt%H%M%Sz)-$$"
      start_james "$dir" dev.jamespipeline.server.PipelineJamesServerMain
      search ours 11143 "$our_conditions" 12525 "$webadmin_port" user1@bench.test
      stop_james
      delete_scratch_index
      ;;
    stock)
      prepare stock "$dir"
      start_james "$dir"
      search stock 11143 idle
      stop_james
      ;;
    dovecot)
      # Appends not fsync'd: the fill is set-up here, not measured against ours.
      start_dovecot "$dir" "mail_fsync = never"
      search dovecot "$dovecot_imap_port" idle
      stop_dovecot
      ;;
    dovecot-fts)
      # fts-xapian's README configuration, without attachment decoding (the messages have none).
      start_dovecot "$dir" "mail_fsync = never" 'mail_plugins = $mail_plugins fts fts_xapian' "plugin {
  fts = xapian
  fts_xapian = partial=3 full=20
  fts_autoindex = yes
  fts_enforced = yes
}" "service indexer-worker {
  vsz_limit = 2G
}"
      search dovecot-fts "$dovecot_imap_port" idle
      stop_dovecot
      ;;
    *) echo "unknown server '$server': ours, stock, dovecot or dovecot-fts"; exit 2 ;;
  esac
done

bench_java ImapSearchReport "$results" "$out.md" \
  "$settings benchmarks/imap-search.sh at $(date -u +%FT%TZ), $tree" \
  "machine: $(nproc) cores, load average $load_at_start at start, $(cut -d' ' -f1-3 /proc/loadavg) at end; $(command -v dovecot >/dev/null && dovecot --version | sed 's/^/Dovecot /; s/ (.*//')$(dpkg-query -W -f ', dovecot-fts-xapian ${Version}' dovecot-fts-xapian 2>/dev/null || true)"
cat "$out.md"
