#!/usr/bin/env bash
# The /16 sweep benchmark: the shipped `dca scan` (build/out/dca, run as a user runs it) against
# Debian's onesixtyone, side by side in one run, on 127.10.0.0/16 of which 250 addresses are
# answered by Debian's snmpd (one process, 250 sockets, Printer-MIB objects so that dca reads
# each as a printer) and the rest are silent.
#
#   npm run build && bash test/bench/sweep/run.sh       # silent mode, 3 rounds (as root)
#   MODE=icmp ROUNDS=3 bash test/bench/sweep/run.sh
#   SLASH8_SECONDS=0 bash test/bench/sweep/run.sh       # without the /8 memory row
#
# Everything runs inside a private network namespace (unshare --net): its own loopback, so
# nothing here reaches or disturbs anything else, and the nft rule of silent mode dies with the
# namespace. Silent mode drops the ICMP port-unreachable that loopback returns for an address
# where nothing listens, so "silent" means silent, as for an unused address on a real LAN; icmp
# mode leaves loopback as it is. Both tools see the same mode.
#
# Rows (each round runs them all, onesixtyone first in odd rounds and last in even ones):
#   onesixtyone  onesixtyone -c communities -i hosts -w 0      (find only; hosts: 127.10.0.0/16)
#   issue        dca scan 127.10.0.0/16 --community public --timeout 1000 --retries 1 --json
#   defaults     dca scan 127.10.0.0/16 --community public --json
#   rate100k     dca scan 127.10.0.0/16 --community public --timeout 1000 --retries 1 --rate 100000 --json
# and once, after the rounds, the /8 memory row: dca scan 127.0.0.0/8 --community public --json,
# stopped with SIGINT after SLASH8_SECONDS (default 18).
#
# Needs: build/out/dca, snmpd, onesixtyone, /usr/bin/time, nft (silent mode), unshare, ip
#   apt-get install -y snmpd onesixtyone time nftables
# Writes test/bench/sweep/results-$MODE.md and prints it.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
MODE=${MODE:-silent}
ROUNDS=${ROUNDS:-3}
RESPONDERS=${RESPONDERS:-250}
SLASH8_SECONDS=${SLASH8_SECONDS:-18}
DCA="$ROOT/build/out/dca"
BUN=$(readlink -f "$ROOT/node_modules/.bin/bun")

die() { echo "run.sh: $*" >&2; exit 1; }
for tool in snmpd onesixtyone unshare ip; do command -v "$tool" >/dev/null || die "$tool is missing (apt-get install -y snmpd onesixtyone util-linux iproute2)"; done
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (apt-get install -y time)"
[[ -x $DCA ]] || die "build/out/dca is missing (npm run build)"
[[ $MODE == silent || $MODE == icmp ]] || die "MODE must be silent or icmp, got $MODE"
[[ $MODE == icmp ]] || command -v nft >/dev/null || die "nft is missing (apt-get install -y nftables), or use MODE=icmp"

if [[ -z ${DCA_BENCH_IN_NETNS:-} ]]; then
  unshare --net true 2>/dev/null || die "cannot create a network namespace (run as root)"
  exec unshare --net env DCA_BENCH_IN_NETNS=1 MODE="$MODE" ROUNDS="$ROUNDS" RESPONDERS="$RESPONDERS" SLASH8_SECONDS="$SLASH8_SECONDS" bash "$0" "$@"
fi

# ---- inside the namespace from here on
ip link set lo up
if [[ $MODE == silent ]]; then
  nft add table inet dca_bench
  nft add chain inet dca_bench out '{ type filter hook output priority 0; }'
  nft add rule inet dca_bench out icmp type destination-unreachable drop
fi

WORK=$(mktemp -d)
SNMPD_PID=
cleanup() {
  [[ -n $SNMPD_PID ]] && kill "$SNMPD_PID" 2>/dev/null && wait "$SNMPD_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# snmpd on 127.10.0.1-250: `override` adds Printer-MIB objects (the printer's name, a page
# counter, one toner), which is what makes dca's classifier call it a printer and read it.
# The 250 listening addresses go on the command line: an agentAddress line is cut at 2,560
# characters (net-snmp's SPRINT_MAX_LEN), which holds only 127 of them.
LISTEN=()
for i in $(seq "$RESPONDERS"); do LISTEN+=("udp:127.10.$((i / 256)).$((i % 256)):161"); done
{
  cat <<'CONF'
rocommunity public
sysName bench-printer
override 1.3.6.1.2.1.43.5.1.1.16.1 octet_str "Bench LaserJet"
override 1.3.6.1.2.1.43.10.2.1.4.1.1 counter 12345
override 1.3.6.1.2.1.43.11.1.1.6.1.1 octet_str "Black Toner"
override 1.3.6.1.2.1.43.11.1.1.8.1.1 integer 100
override 1.3.6.1.2.1.43.11.1.1.9.1.1 integer 40
CONF
} >"$WORK/snmpd.conf"
MIBS= snmpd -f -Lf "$WORK/snmpd.log" -C -c "$WORK/snmpd.conf" -I -smux "${LISTEN[@]}" &
SNMPD_PID=$!
for _ in $(seq 100); do grep -q 'NET-SNMP version' "$WORK/snmpd.log" 2>/dev/null && break; sleep 0.1; done
grep -q 'NET-SNMP version' "$WORK/snmpd.log" || { cat "$WORK/snmpd.log" >&2; die "snmpd did not start"; }

echo public >"$WORK/communities.txt"
echo 127.10.0.0/16 >"$WORK/hosts.txt"

# wall_s user_s sys_s maxrss_kb from a /usr/bin/time -v report
time_fields() {
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
    /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident/ { r = $2 }
    END { printf "%.2f %.2f %.2f %d\n", w, u, s, r }' "$1"
}

run_onesixtyone() {
  # -w 0: no pause between packets (the default 10 ms would take 11 minutes); one v1 GET per
  # address, no retry; it then listens 5 s for late answers (fixed in its source).
  /usr/bin/time -v onesixtyone -c "$WORK/communities.txt" -i "$WORK/hosts.txt" -w 0 >"$WORK/161.out" 2>"$WORK/161.time" || true
  local found
  found=$(grep -oE '127\.10\.[0-9]+\.[0-9]+ \[public\]' "$WORK/161.out" | sort -u | wc -l)
  echo "onesixtyone $(time_fields "$WORK/161.time") $found 0"
}

# run_dca ROW ARGS...: one `dca scan`; found = answered SNMP, read = printers read (NDJSON lines).
run_dca() {
  local row=$1
  shift
  /usr/bin/time -v "$DCA" scan "$@" >"$WORK/dca.out" 2>"$WORK/dca.err" || { cat "$WORK/dca.err" >&2; die "dca scan $* failed"; }
  local found read
  found=$(sed -n 's/.* \([0-9]*\) answered SNMP.*/\1/p' "$WORK/dca.err")
  read=$(grep -c '"address"' "$WORK/dca.out" || true)
  echo "$row $(time_fields "$WORK/dca.err") ${found:-0} $read"
}

run_row() {
  case $1 in
    onesixtyone) run_onesixtyone ;;
    issue) run_dca issue 127.10.0.0/16 --community public --timeout 1000 --retries 1 --json ;;
    defaults) run_dca defaults 127.10.0.0/16 --community public --json ;;
    rate100k) run_dca rate100k 127.10.0.0/16 --community public --timeout 1000 --retries 1 --rate 100000 --json ;;
  esac
}

cd "$WORK"
: >"$WORK/rows"
ORDER=(onesixtyone issue defaults rate100k)
for round in $(seq "$ROUNDS"); do
  # Alternate the order, so that no row always runs on a warmer (or busier) machine.
  if ((round % 2)); then rows=("${ORDER[@]}"); else rows=(rate100k defaults issue onesixtyone); fi
  for r in "${rows[@]}"; do
    run_row "$r" | tee -a "$WORK/rows" | sed "s/^/round $round: /" >&2
  done
done

if ((SLASH8_SECONDS > 0)); then
  # The memory row: a /8 (16.7M addresses) must cost what is in flight, not its size. dca is
  # stopped with SIGINT (timeout -s INT) after SLASH8_SECONDS; time -v reports its peak RSS.
  /usr/bin/time -v timeout -s INT "$SLASH8_SECONDS" "$DCA" scan 127.0.0.0/8 --community public --json >"$WORK/dca8.out" 2>"$WORK/dca8.err" || true
  echo "slash8 $(time_fields "$WORK/dca8.err") 0 $(grep -c '"address"' "$WORK/dca8.out" || true)" | tee -a "$WORK/rows" >&2
fi

kill "$SNMPD_PID"; wait "$SNMPD_PID" 2>/dev/null || true; SNMPD_PID=

RESULT="$HERE/results-$MODE.md"
"$BUN" "$HERE/summarize.ts" --rows "$WORK/rows" --mode "$MODE" --responders "$RESPONDERS" --slash8 "$SLASH8_SECONDS" >"$RESULT"
cat "$RESULT"
