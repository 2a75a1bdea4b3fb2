/**
 * Help and version text. Imports nothing but the version and the exit-code table, so
 * that `dca --help` and `dca --version` answer without loading the SNMP stack.
 */

import { exitCodesHelp } from "../../common/exit-codes.ts";
import { VERSION } from "../../common/version.ts";
import { buildNote } from "../../common/trust-root.ts";

const COMMON = `SNMP options:
  --community LIST        v1/v2c communities, comma-separated, tried in order (default: public)
  --snmp-version V        1 or 2c for communities (default: 2c)
  --v3-user NAME          SNMPv3 user (tried after the communities)
  --v3-auth PROTO:PASS    md5, sha, sha224, sha256, sha384, sha512
  --v3-priv PROTO:PASS    des, aes128, aes256
  --v3-context NAME       SNMPv3 context name
  --port N                UDP port (default: 161)
  --timeout T             per request: milliseconds, or 500ms, 2s (default: 2s)
  --retries N             retries per request (default: 1)
  --read-deadline T       the most one device's read may take (default: 60s)
  --config FILE           dca.toml or .json with credentials, snmp and scan settings
  --json                  machine-readable output (protobuf JSON of dca.v1.DeviceReading)
Secrets (--community, --v3-auth, --v3-priv) show in "ps": give them as
--community-file FILE (one per line) or $DCA_COMMUNITY, $DCA_V3_AUTH, $DCA_V3_PRIV.`;

const STATE = `  --state DIR             state folder (default: $DCA_STATE_DIR, /var/lib/dca as root
                          or as its owner, ~/.local/state/dca otherwise; %ProgramData%\\dca
                          on Windows, /Library/Application Support/dca as root on macOS)`;

export const HELP: Record<string, string> = {
  activate: `Usage: dca activate --hub https://HOST:PORT --code XXXX-XXXX [options]

Exchanges a single-use activation code (from "dca-hub code create SITE") for
this agent's credential. 5 wrong codes lock the agent (see "dca status").

  --ca FILE               trust the hub's own CA certificate (PEM)
  --ca-fingerprint FP     fetch the hub's CA and trust it only if its SHA-256 is FP
                          ("sha256:HEX", printed by dca-hub serve)
  --proxy URL             HTTP CONNECT proxy, http://[user:pass@]host:port
                          (default: $HTTPS_PROXY)
  --force                 activate again although already activated
  --code-file FILE, --proxy-file FILE, $DCA_CODE, $DCA_PROXY keep them out of "ps"
${STATE}
`,
  run: `Usage: dca run [--state DIR] [--proxy URL]

Runs the agent in the foreground until Ctrl-C: polls the hub (every 5 minutes
unless the hub says otherwise), applies its config, runs discovery (3 times a
day and whenever the targets change) and reads the printers found (hourly),
keeps every reading in the outbox until the hub has it. A release build
installs the signed updates its hub offers and restarts itself in place (exit
code 6 where it cannot: its service manager starts it again); see
docs/release.md, "How a release reaches agents".

  --proxy URL             HTTP CONNECT proxy for this run, http://[user:pass@]host:port
                          (default: the one given at activation, else $HTTPS_PROXY)
  --backoff-base T        first wait after the hub fails (default: 1s)
  --backoff-cap T         longest wait between attempts (default: 8s)
${STATE}
`,
  status: `Usage: dca status [--state DIR] [--json]

Activation, lock state, outbox depth. Exit code 3 when the agent is locked.
${STATE}
`,
  unlock: `Usage: dca unlock [--hub URL] [--ca FILE | --ca-fingerprint FP] [--state DIR]

After 5 failed activations the agent is locked. Once the hub admin has run
"dca-hub install reset INSTALL_ID" (the id "dca status" shows), this asks
the hub and clears the lock. The hub and the CA the activations used are
remembered: --hub, --ca and --ca-fingerprint are needed only to change them.
${STATE}
`,
  doctor: `Usage: dca doctor [--state DIR] [--hub URL] [--printer ADDRESS] [options] [--json]

Checks, from this PC, everything the agent's network needs and prints one
line per check: pass, FAIL (with what to open or allow), or skip (not
checked, with the reason). The hub, its CA and the proxy come from the
agent's identity in the state folder; before activation give --hub.
Nothing changes on the hub: an activated agent makes an empty upload.

  hub:     DNS, TCP (or the proxy and its CONNECT), TLS with the pinned CA,
           the certificate's names and expiry, HTTP/2, the API, clock skew
  MQTT:    each broker URL the hub gave (WebSocket on the hub's port,
           MQTT/TLS on 8883), logging in as the agent
  local:   the state folder (owner, mode 0700, writable, free space),
           ICMP permission for ping and traceroute tasks
  printer: --printer ADDRESS: which credential answers SNMP (the site's
           saved credentials unless --community / --v3-user are given);
           secrets are never printed

  --hub URL               the hub to check (default: the agent's own)
  --ca FILE, --ca-fingerprint FP   trust for --hub (default: the agent's own)
  --proxy URL             check through this proxy (default: the agent's, else $HTTPS_PROXY)
  --json                  { ok, hub, checks: [{ id, title, status, message, action }] }
  --community, --v3-user..., --port, --timeout: SNMP options as for "dca read"
${STATE}

Exit code 4 when any check fails (0 when all pass or are skipped).
`,
  main: `dca ${VERSION}: print-fleet data collection agent

Usage: dca <command> [options]

Commands:
  read ADDRESS...   read one or more printers (ADDRESS is host, host:port or [v6]:port)
  scan TARGET...    find the printers in ranges and read each one
  activate          connect this agent to its hub with an activation code
  run               run as a service: poll the hub, discover, read, upload
  status            this agent's state (works even when locked)
  unlock            clear the lock after the hub admin reset this install
  doctor            check this PC's network for the agent: hub, proxy, MQTT, clock...
  version           print the version

Run "dca <command> --help" for the options of a command.

${exitCodesHelp([0, 1, 2, 3, 4, 5])}`,
  read: `Usage: dca read ADDRESS... [options]

Reads identity, page counters, supplies, trays, status and alerts of each
printer and prints a table, or one JSON object per printer with --json.
A device that answers but is not a printer is printed too, with a warning on
stderr, and the exit code is 3 ("dca scan" skips such devices).

${COMMON}
`,
  scan: `Usage: dca scan TARGET... [--exclude TARGET...] [options]

TARGET is an address (10.0.0.7), a CIDR range (10.0.0.0/24), a range
(10.0.1.10-10.0.1.50 or 10.0.1.10-50), or a host name. Every printer found is
read; --json prints one JSON object per line (NDJSON) as soon as each printer
is read. Non-printers are reported as skipped on stderr.

Scan options:
  --exclude LIST          targets never to probe (comma-separated or repeated)
  --rate N                probe packets per second (default: 50000); this alone
                          sets the pace: a silent address costs packets, not time
  --concurrency N         at most N addresses in flight (default: no bound but
                          what the rate sends while an address is in flight)
  --sweep-timeout T       the sweep's wait after each probe round (default: 1s;
                          --timeout is a read's); an address is listened to for
                          T x (retries + 1) in all (2 s at the defaults: a
                          printer waking up in 1.5 s is found), and a sweep
                          ends T after its last packet
  --read-concurrency N    printers read at once (default: 32)

${COMMON}
`,
};

/**
 * Answers --version / --help without loading anything; returns the exit
 * code if it did, undefined otherwise. No command at all is a usage error:
 * the usage goes to stderr and the exit code is 2, as for any other.
 */
export function answerFast(argv: readonly string[]): number | undefined {
  const [cmd, ...rest] = argv;
  if (cmd === "--version" || cmd === "-v" || cmd === "version") {
    console.log(`dca ${VERSION}${buildNote()}`);
    return 0;
  }
  if (cmd === undefined) {
    process.stderr.write(`dca: no command given\n\n${HELP.main}`);
    return 2;
  }
  if (cmd === "--help" || cmd === "-h" || cmd === "help") {
    const topic = cmd === "help" && rest[0] && HELP[rest[0]] ? rest[0] : "main";
    process.stdout.write(HELP[topic]);
    return 0;
  }
  if ((rest.includes("--help") || rest.includes("-h")) && HELP[cmd]) {
    process.stdout.write(HELP[cmd]);
    return 0;
  }
  return undefined;
}
