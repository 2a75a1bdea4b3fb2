#!/usr/bin/env bash
# The /16 sweep benchmark: dca's discovery prober against Debian's onesixtyone,
# side by side in one run, on 65,536 loopback addresses of which 250 answer
# (the fleet simulator, in its own process) and the rest are silent.
#
#   bash test/bench/sweep/run.sh            # silent mode, 3 rounds
#   MODE=icmp ROUNDS=1 bash test/bench/sweep/run.sh
#
# Everything runs inside a private network namespace (unshare --net, as root):
# its own loopback, so nothing here can reach or disturb anything else, and
# the nft rule of silent mode dies with the namespace. Silent mode drops the
# ICMP port-unreachable that loopback returns for an address where nothing
# listens, so "silent" means silent, as for an unused address on a real LAN;
# icmp mode leaves loopback as it is. Both tools see the same mode.
#
# Needs: onesixtyone, /usr/bin/time, nft (silent mode), unshare, ip
#   apt-get install -y onesixtyone time nftables
# Writes test/bench/sweep/results-$MODE.md (table) and prints it.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
MODE=${MODE:-silent}
ROUNDS=${ROUNDS:-3}
RESPONDERS=${RESPONDERS:-250}
RATE=${RATE:-100000}
TIMEOUT_MS=1000
RETRIES=1
BUN=$(readlink -f "$ROOT/node_modules/.bin/bun")

die() { echo "run.sh: $*" >&2; exit 1; }
for tool in onesixtyone unshare ip; do command -v "$tool" >/dev/null || die "$tool is missing (apt-get install -y onesixtyone util-linux iproute2)"; done
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (apt-get install -y time)"
[[ -x $BUN ]] || die "bun not found at node_modules/.bin/bun (npm install)"
[[ $MODE == silent || $MODE == icmp ]] || die "MODE must be silent or icmp, got $MODE"
[[ $MODE == icmp ]] || command -v nft >/dev/null || die "nft is missing (apt-get install -y nftables), or use MODE=icmp"

if [[ -z ${DCA_BENCH_IN_NETNS:-} ]]; then
  unshare --net true 2>/dev/null || die "cannot create a network namespace (run as root)"
  exec unshare --net env DCA_BENCH_IN_NETNS=1 MODE="$MODE" ROUNDS="$ROUNDS" RESPONDERS="$RESPONDERS" RATE="$RATE" bash "$0" "$@"
fi

# ---- inside the namespace from here on
ip link set lo up
if [[ $MODE == silent ]]; then
  nft add table inet dca_bench
  nft add chain inet dca_bench out '{ type filter hook output priority 0; }'
  nft add rule inet dca_bench out ip saddr 127.77.0.0/16 icmp type destination-unreachable drop
fi

WORK=$(mktemp -d)
SIM_PID=
cleanup() {
  [[ -n $SIM_PID ]] && kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

cd "$ROOT"
"$BUN" test/sim/main.ts --recordings "$HERE/printer.snmprec" --base 127.77.0.1 --count "$RESPONDERS" --port 161 >"$WORK/sim.out" 2>&1 &
SIM_PID=$!
for _ in $(seq 100); do grep -q '"ready":true' "$WORK/sim.out" && break; sleep 0.1; done
grep -q '"ready":true' "$WORK/sim.out" || { cat "$WORK/sim.out" >&2; die "the simulator did not start"; }

echo public >"$WORK/communities.txt"
echo 127.77.0.0/16 >"$WORK/hosts.txt"

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
  found=$(grep -oE '127\.77\.[0-9]+\.[0-9]+ \[public\]' "$WORK/161.out" | sort -u | wc -l)
  echo "onesixtyone $(time_fields "$WORK/161.time") $found"
}

run_dca() {
  # The same 65,536 addresses (a range, not the /16, so network and broadcast are probed too).
  /usr/bin/time -v "$BUN" test/bench/sweep/run-dca-sweep.ts --targets 127.77.0.0-127.77.255.255 \
    --timeout "$TIMEOUT_MS" --retries "$RETRIES" --rate "$RATE" --window 100000 --versions v2c \
    >"$WORK/dca.out" 2>"$WORK/dca.time" || { cat "$WORK/dca.out" "$WORK/dca.time" >&2; die "dca sweep failed"; }
  local found
  found=$(sed -n 's/.*"found":\([0-9]*\).*/\1/p' "$WORK/dca.out")
  echo "dca $(time_fields "$WORK/dca.time") $found"
}

: >"$WORK/rows"
for round in $(seq "$ROUNDS"); do
  # Alternate who goes first, so neither always runs on a warmer machine.
  if (( round % 2 )); then run_onesixtyone >>"$WORK/rows"; run_dca >>"$WORK/rows"; else run_dca >>"$WORK/rows"; run_onesixtyone >>"$WORK/rows"; fi
  tail -2 "$WORK/rows" | sed "s/^/round $round: /" >&2
done

kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null || true; SIM_PID=
sim_stats=$(grep '"stopped"' "$WORK/sim.out" || echo '{}')

RESULT="$HERE/results-$MODE.md"
"$BUN" "$HERE/summarize.ts" --rows "$WORK/rows" --mode "$MODE" --responders "$RESPONDERS" --rate "$RATE" \
  --timeout "$TIMEOUT_MS" --retries "$RETRIES" --sim "$sim_stats" >"$RESULT"
cat "$RESULT"
