#!/usr/bin/env bash
# The product read benchmark: the shipped `build/out/dca scan` reading 250
# printers, against a net-snmp script walking the same subtrees of the same
# printers, one after the other in one run, alternating which goes first.
#
#   npm run build && bash test/bench/read/run.sh          # 3 rounds, as root
#   ROUNDS=5 DELAY_MS=5 bash test/bench/read/run.sh
#
# Everything runs in a private network namespace (unshare --net): Debian's
# snmpd on 127.10.0.1-250 port 1161 (snmpd-conf.ts makes it a colour MFP),
# and delay-relay.ts on port 161 of the same addresses holding every
# datagram DELAY_MS each way (this kernel has no sch_netem for tc), so a
# round trip takes 2 x DELAY_MS. Each run is measured with /usr/bin/time -v.
# Prints one line per run: tool wall_s user_s sys_s maxrss_kb read.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
ROUNDS=${ROUNDS:-3}
COUNT=${COUNT:-250}
DELAY_MS=${DELAY_MS:-5}
BUN=$(readlink -f "$ROOT/node_modules/.bin/bun")
DCA=${DCA:-$ROOT/build/out/dca}

die() { echo "run.sh: $*" >&2; exit 1; }
command -v snmpd >/dev/null || die "snmpd is missing (apt-get install -y snmpd)"
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (apt-get install -y time)"
[[ -x $DCA ]] || die "$DCA is missing (npm run build)"

if [[ -z ${DCA_BENCH_IN_NETNS:-} ]]; then
  unshare --net true 2>/dev/null || die "cannot create a network namespace (run as root)"
  exec unshare --net env DCA_BENCH_IN_NETNS=1 ROUNDS="$ROUNDS" COUNT="$COUNT" DELAY_MS="$DELAY_MS" DCA="$DCA" BASE_DCA="${BASE_DCA:-}" bash "$0" "$@"
fi

# ---- inside the namespace from here on
ip link set lo up
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

cd "$ROOT"
LAST=127.10.0.$COUNT
"$BUN" "$HERE/snmpd-conf.ts" >"$WORK/snmpd.conf"
# One snmpd process, one socket per address; the addresses go on the command line (see snmpd-conf.ts).
mapfile -t LISTEN < <(for i in $(seq 1 "$COUNT"); do echo "udp:127.10.0.$i:1161"; done)
snmpd -f -Lf "$WORK/snmpd.log" -C -c "$WORK/snmpd.conf" -p "$WORK/snmpd.pid" "${LISTEN[@]}" &
PIDS+=($!)
"$BUN" "$HERE/delay-relay.ts" --base 127.10.0.1 --count "$COUNT" --port 161 --upstream-port 1161 --delay "$DELAY_MS" >"$WORK/relay.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do grep -q '"ready":true' "$WORK/relay.out" && break; sleep 0.1; done
grep -q '"ready":true' "$WORK/relay.out" || { cat "$WORK/relay.out" >&2; die "the relay did not start"; }
for _ in $(seq 50); do snmpget -v2c -c public -t 1 -r 0 "127.10.0.1:1161" 1.3.6.1.2.1.1.5.0 >/dev/null 2>&1 && break; sleep 0.2; done

time_fields() {
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
    /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident/ { r = $2 }
    END { printf "%.2f %.2f %.2f %d\n", w, u, s, r }' "$1"
}

run_dca() {
  /usr/bin/time -v "$DCA" scan "127.10.0.1-$LAST" --json >"$WORK/dca.out" 2>"$WORK/dca.err" || { tail -5 "$WORK/dca.err" >&2; die "dca scan failed"; }
  # The last column: printers read with SNMPv1 because their v1 probe answered first (see README).
  echo "dca $(time_fields "$WORK/dca.err") $(grep -c '"address"' "$WORK/dca.out") $(grep -c '"SNMP_VERSION_V1"' "$WORK/dca.out" || true)"
}

# BASE_DCA=/path/to/an/older/dca adds its row to each round (before/after in one run).
run_base() {
  [[ -n ${BASE_DCA:-} ]] || return 0
  /usr/bin/time -v "$WORK/base-dca" scan "127.10.0.1-$LAST" --json >"$WORK/base.out" 2>"$WORK/base.err" || { tail -5 "$WORK/base.err" >&2; die "base dca scan failed"; }
  echo "dca-base $(time_fields "$WORK/base.err") $(grep -c '"address"' "$WORK/base.out") $(grep -c '"SNMP_VERSION_V1"' "$WORK/base.out" || true)"
}

run_peer() {
  /usr/bin/time -v "$BUN" "$HERE/net-snmp-peer.ts" "127.10.0.1-$LAST" >"$WORK/peer.out" 2>"$WORK/peer.err" || { tail -5 "$WORK/peer.err" >&2; die "peer failed"; }
  echo "net-snmp $(time_fields "$WORK/peer.err") $(sed -n 's/.*"read":\([0-9]*\).*/\1/p' "$WORK/peer.out")"
}

# A copy written now, like the freshly built dca: a binary whose pages came into the page
# cache by being written maps more of them per fault (4-6 MB more RSS) than one read from disk.
[[ -z ${BASE_DCA:-} ]] || cp "$BASE_DCA" "$WORK/base-dca"

echo "# tool wall_s user_s sys_s maxrss_kb printers_read [read_with_v1]"
for round in $(seq "$ROUNDS"); do
  if (( round % 2 )); then run_dca; run_peer; run_base; else run_base; run_peer; run_dca; fi
done
echo "# dca, last run (printers per version and requests): $(grep -o '"snmpVersion":"[A-Z0-9_]*","profile":"[a-z-]*","requestCount":[0-9]*' "$WORK/dca.out" | sed 's/,"profile":"[a-z-]*"//' | sort | uniq -c | tr '\n' ' ')"
echo "# peer: $(cat "$WORK/peer.out")"
