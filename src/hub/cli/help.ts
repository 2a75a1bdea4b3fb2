/**
 * The hub's --version / --help, answered before anything else is imported.
 */
import { exitCodesHelp } from "../../common/exit-codes.ts";
import { VERSION } from "../../common/version.ts";

export const HUB_HELP = `dca-hub ${VERSION}: the hub of the dca print-fleet agents

Usage: dca-hub <command> [options]

  serve --data DIR      run the hub (its API for agents and for people, and the web portal at /, over HTTPS)
  admin-local --data DIR owner create|reset|sign-in-link NAME
                        break glass on the hub machine with the hub stopped
  login --hub URL       sign in (password and TOTP, --sso, or --token-file); logout
  account ...           your account: password, TOTP, sessions, API tokens
  site ...              customer sites: create, list, show, set-targets, add-credential,
                        remove-credential, set-schedule, set-snmp, set-outbox
  code create SITE      a single-use activation code for an agent of SITE
  agent list            agents and their last poll
  install list|reset    activation lockouts per install
  device list|missed|readings|flags
  task create|list|show tasks for agents (scan now, read a device now)
  web-access open|list|close|audit  a printer's web page through the agent's tunnel
  user|role|group ...   people, their roles per site or group of sites
  security|sso ...      2FA, lockout, inactivity, sessions; OpenID Connect and LDAP
  audit list|export|verify  the hash-chained audit log
  alert rule|channel|list  alert rules, their webhook and e-mail channels, open and resolved alerts

serve and admin-local take --data DIR (default: $DCA_HUB_DATA, else /var/lib/dca-hub
when it exists (the packaged hub; root works there as its owner), else ./dca-hub-data).
Every other command is a client of a hub's API as the user "dca-hub login" signed in
(or --hub URL with $DCA_HUB_TOKEN). Listings take --json. "dca-hub help admin" lists
the admin commands in full, "dca-hub site --help" (or any group) those of one group.

serve options:
  --listen HOST:PORT    where to listen (default: 0.0.0.0:8443; 443 needs privileges)
  --cert FILE --key FILE  a real certificate (PEM); without them the hub makes its own CA
  --hostname NAME       extra name or address for the self-made certificate (repeatable)
  --poll DURATION       default poll interval for sites that set none: 30s, 5m, 1h
                        (default: 5m)
  --quota-readings N    readings one agent may upload per hour (default: 20000)
  --quota-bytes N       reading bytes one agent may upload per day (default: 1073741824)
  --max-connections-per-address N  connections from one address (default: 256);
                        raise it behind a load balancer, where every agent shares one
  --web-access-domain D  Device Web Access sessions are served at <session>.D on the hub's
                        port (default: wa.<first --hostname, else this machine's name>); D's
                        wildcard must resolve to the hub, and a --cert must cover *.D
                        (the self-made one does); see docs/web-access.md
  --public-url URL      the hub's URL as browsers reach it (https://hub.example:8443), for
                        single sign-on: the provider sends people back to URL/sso/callback
                        (default: the URL each sign-in request came to)
  --alert-every DURATION  how often alert rules are evaluated and notices sent: 1s to 1h
                        (default: 1m); see docs/alerts.md

MQTT wake-ups (agents start new tasks at once instead of at their next poll):
  --mqtt-listen HOST:PORT  MQTT over TLS of the hub's own broker (default: the --listen
                        host, port 8883; 0 picks a free port). MQTT over secure WebSocket
                        is always on the hub's port at /mqtt.
  --no-mqtt             no broker: agents only poll
  --mqtt-public-url URL what agents are told (repeatable, in order of preference; default:
                        wss://<host the agent reached the hub by>:<port>/mqtt, then
                        mqtts://<that host>:<MQTT port>)
  --mqtt-broker URL --mqtt-user U --mqtt-password-file F [--mqtt-ca FILE]
                        publish through an external broker (wss:// or mqtts://) instead;
                        needs --mqtt-public-url

Device Web Access relay (agents open SSH tunnels to it; see docs/web-access.md):
  --relay-listen HOST:PORT  SSH of the hub's own relay (default: the --listen host, port 22,
                        if free and allowed; else, and with "none", SSH over secure
                        WebSocket only, which is always on the hub's port at /relay)
  --relay-url URL       what agents are told (repeatable, in order of preference; default:
                        ssh://<host the agent reached the hub by>:<SSH port>, then
                        wss://<that host>:<port>/relay)
  --relay sshd --relay-socket-dir DIR --relay-url ssh://HOST:PORT --relay-host-key FILE.pub
               [--relay-user dca-relay]
                        OpenSSH's sshd is the relay instead: agents log in as that user
                        and sshd makes their sockets in DIR
  --relay off           no relay: Device Web Access is off

${exitCodesHelp([0, 1, 2])}`;

/**
 * Answers --version / --help; returns the exit code if it did, undefined
 * otherwise. No command at all is a usage error: the usage goes to stderr
 * and the exit code is 2, as for any other.
 */
export function answerHubFast(argv: readonly string[]): number | undefined {
  const [cmd] = argv;
  if (cmd === "--version" || cmd === "-v" || cmd === "version") {
    console.log(`dca-hub ${VERSION}`);
    return 0;
  }
  if (cmd === undefined) {
    process.stderr.write(`dca-hub: no command given\n\n${HUB_HELP}`);
    return 2;
  }
  if (cmd === "--help" || cmd === "-h" || (cmd === "help" && argv.length === 1)) {
    process.stdout.write(HUB_HELP);
    return 0;
  }
  return undefined;
}
