/** The admin usage text. Kept free of imports so that `dca-hub help` loads nothing else. */

/** Usage of every admin command of `dca-hub`. */
export const ADMIN_HELP = `Usage: dca-hub <command> [options]

Admin commands are clients of the hub's API (AdminService, docs/api.md), as the signed-in user:
  login --hub https://HUB:8443 [--ca CA.pem | --ca-fingerprint FP] [--user NAME] [--password-file F] [--totp CODE]
  login --hub URL --sso [--no-browser]          single sign-on in the browser (a loopback redirect)
  login --hub URL --token-file F                an API token instead of a session
  logout
      the session is kept in ~/.config/dca-hub/session.json (0600; $DCA_HUB_SESSION for another file);
      without one, --hub URL with $DCA_HUB_TOKEN (or --token-file F) and --ca F work per command

Your account (security changes need --password-file CURRENT, $DCA_HUB_PASSWORD or --totp CODE):
  account show [--json]
  account password [--new-password-file F]
  account totp-enrol | account totp-confirm CODE | account totp-disable | account recovery-codes
  account sessions [--json] | account revoke-sessions (SESSION_ID | --all-others)
  account tokens [--all] [--json] | account revoke-token TOKEN_ID
  account create-token NAME --scope meters|tasks|relay|broker|metrics|full [--expires 90d] [--json]

Sites and their agent config (every change prints the new config version):
  site create NAME
  site list [--json]
  site show SITE [--json]                       config with secrets shown as <secret>
  site set-targets SITE TARGET... [--exclude X,Y] [--allow-large]
      targets covering more than 65,536 addresses need --allow-large (the refusal says how long a sweep takes)
  site add-credential SITE --name N --community C [--v1]
  site add-credential SITE --name N --v3-user U [--v3-auth sha256:PASS] [--v3-priv aes128:PASS] [--context C]
      secrets out of "ps": --community-file F, --v3-auth-file F, --v3-priv-file F, or $DCA_COMMUNITY, $DCA_V3_AUTH, $DCA_V3_PRIV
  site remove-credential SITE NAME
  site set-schedule SITE [--discovery 8h] [--read 1h] [--poll 5m]
  site set-snmp SITE [--port N] [--timeout 2s] [--retries N] [--concurrency N] [--rate N] [--read-concurrency N] [--sweep-timeout 1s] [--read-deadline 60s]
  site set-outbox SITE [--max-readings N] [--max-bytes N] [--max-age 30d]
  site set-updates SITE [--channel stable|beta] [--window "Sat 01:00-05:00"|any] [--health 10m] [--hold|--resume]
      when the site's agents update themselves (window in the agent's local time; --hold: never until --resume)
  site set-web-access SITE (--ports 8080,9443 | --off | --on)
      Device Web Access: ports allowed besides 80, 443 and 8000, or off for the site

Agents:
  code create SITE [--ttl 7d] [--json]          a single-use activation code
  agent list [--site S] [--json]
  agent show AGENT_ID [--json]                  with what its last self-update came to
  agent disable AGENT_ID | agent enable AGENT_ID
  agent reset-ssh-key AGENT_ID                  forget its SSH key (Device Web Access); the next one it sends is kept
  install list [--json]                         activation attempts per install
  install reset INSTALL_ID                      lift an install's activation lockout

Devices:
  overview [--site S] [--search TEXT] [--json]   each site: devices online, missed, in error, supplies low, flagged, agents offline
  device list [--site S] [--json]
      filters: [--vendor V] [--model M] [--status ok|warning|error|unknown] [--supply-below PERCENT] [--search TEXT]
      order and pages: [--sort [-]site|vendor|model|serial|address|last-read|pages|supply|status|flags|mac] [--page N] [--page-size 50]
  device show DEVICE_ID [--readings 10] [--json]   identity, addresses, status, supplies, every counter with its OID, flags
  device missed [--site S] [--since 24h|7d] [--json]
  device readings DEVICE_ID [--since TIME] [--until TIME] [--limit N] [--json]
      newest first, at most 10000 (default 20); TIME is 2026-03-01, 2026-03-01T08:00Z (UTC without a zone) or 7d (ago)
  device flags [--device D] [--site S] [--json] counters that went backwards or jumped

Billing (meters per device and counter for a period; see docs/api.md "Meter exports"):
  meters export --from 2026-03-01 --to 2026-04-01 [--site S] [--device D] [--format csv|json] [--out FILE]
      the start and end meter, the difference and the readings they came from; a meter not read at a
      boundary is estimated (interpolated or nearest reading) and marked; resets and replaced devices noted

Tasks (agents are nudged over MQTT at once; --wait blocks until the result is in and shows it):
  task create SITE scan [TARGET...]
  task create SITE read ADDRESS
  task create SITE ping ADDRESS [--count 1-100] [--timeout-ms 50-10000] [--interval-ms 10-10000]
  task create SITE traceroute ADDRESS [--max-hops 1-64] [--timeout-ms 50-10000]
  task create SITE snmp-test ADDRESS            which of the site's credentials work
  task create SITE zebra ADDRESS read           ~HS status and ~HQOD odometer into a reading
  task create SITE zebra ADDRESS send (--file F | --text ZPL) [--lpr [--queue Q]] [--port N]
  task create SITE zebra ADDRESS getvar NAME | setvar NAME VALUE [--port N]
  task create SITE web ADDRESS [--ports P,...] [--tls-ports P,...] [--ledm]
                                                --tls-ports are probed too (with TLS), at most 16 ports
      every task create also takes: [--agent A] [--wait [--wait-seconds 60]] [--json]
      ADDRESS must be inside the site's targets (not excluded) or a device the site knows
  task list [--site S] [--state STATE] [--limit N] [--json]
  task show TASK_ID [--json]
  task cancel TASK_ID                           no agent gets it any more; a late result is dropped

Device Web Access (a printer's web page through the agent's tunnel; see docs/web-access.md):
  web-access open DEVICE [--port 80] [--minutes 30] [--idle 300] [--concurrent] [--tls|--no-tls]
                 [--site S] [--wait [--wait-seconds 20]] [--json]
      prints the session URL (with its key); one open session per device unless --concurrent
  web-access list [--site S] [--json]           open sessions, with an HTTPS printer's certificate facts
  web-access close SESSION                      ends it: the hub drops the tunnel, the agent closes it
  web-access audit [--site S] [--limit N] [--json|--jsonl]   who opened what, when, how long, bytes

Releases (self-update; see docs/release.md):
  release add FILE [--channel stable|beta] [--url https://...] [--json]
      FILE and FILE.sig as "npm run release" wrote them, sent to the hub, which checks them against its built-in root key
  release list [--json]
  release add-revocations FILE                  a root-signed revocation list; agents get the newest

External MQTT broker (mosquitto; see docs/mqtt.md):
  mqtt passwd-file FILE|- [--hub-user U --hub-password-file F]   agents' password hashes
  mqtt acl-file FILE|- [--hub-user U]                            each agent reads only its topic
  mqtt broker-cert CERT_FILE KEY_FILE --name HOST [--name ...] [--days 825]
                                                signed by the hub's CA, which agents trust (the key is written 0600)
      the files are written where the command runs (the broker's machine); the hub runs first

Device Web Access relay (see docs/web-access.md):
  relay authorized-keys [--hub URL --token-file F --ca CA.pem]
                                                agents' SSH keys for sshd's AuthorizedKeysCommand (--relay sshd),
                                                with an API token of scope relay

People (admins; owners for owners, security and SSO; see docs/security.md "People"):
  user create NAME [--display-name N] [--email E] [--password-file F] [--json]
      the password: --password-file F, $DCA_HUB_NEW_PASSWORD, or typed twice at a terminal
  user list [--json]
  user show USER [--json]                       roles, 2FA, lock, sessions
  user disable USER | user enable USER          disabling revokes their sessions and API tokens
  user unlock USER                              lift a lockout after failed sign-ins
  user reset-password USER [--password-file F]  revokes their sessions
  user reset-totp USER                          they enrol two-factor sign-in again
  user revoke-sessions USER
  role grant USER ROLE [--site S | --group G]   owner, admin, technician, viewer, billing; everywhere without --site/--group
  role revoke GRANT_ID
  role list [USER] [--json]
  group create NAME | group list [--json]       site groups (a customer's sites, granted as one)
  group add-site GROUP SITE | group remove-site GROUP SITE
  security show [--json]
  security set [--require-2fa on|off] [--lockout-attempts N] [--lockout-minutes N (0 = until unlocked)]
               [--inactivity-days N] [--session-hours N] [--session-idle-minutes N] [--audit-retention-days N]
  sso show [--json]
  sso set-oidc --issuer URL --client-id ID --client-secret-file F [--groups-claim C] [--idp-ca FILE]
  sso set-ldap --url ldaps://HOST --bind-dn DN --bind-password-file F --user-base DN [--user-filter F]
               [--group-base DN] [--start-tls] [--idp-ca FILE]
      secrets from files (or $DCA_HUB_OIDC_CLIENT_SECRET, $DCA_HUB_LDAP_BIND_PASSWORD); left out, the hub keeps
      the one it has; --idp-ca: an absolute path of a PEM file on the hub's machine
  sso map GROUP ROLE [--site S | --group G]     members of an SSO group get the role at their next sign-on
  sso unmap GROUP | sso off oidc|ldap

Audit log (hash-chained; see docs/security.md "Audit log"):
  audit list [--since 7d] [--until T] [--actor A] [--action X] [--site S] [--outcome ok|denied|failed] [--limit N] [--before SEQ] [--json]
  audit export [--since 30d] [--until T] > audit.jsonl   JSON lines, each record with its hashes
  audit verify                                  the hub checks its chain; exits 1 naming the first bad record
  audit verify --file audit.jsonl               checks an export here, no hub needed

Alerts (rules global or per site, notices by signed webhook or e-mail; see docs/alerts.md):
  alert rule add KIND [--site S] [--channel NAME]... [--name N] [--json]   one term per kind:
      supply-below --percent 10 | supply-state [--state low|empty] | not-read --for 24h
      agent-offline --for 30m | device-error --for 15m | counter-flagged [--for 1d]
      without --site the rule watches every site; without --channel it notifies every channel
  alert rule list [--site S] [--json] | alert rule rm RULE_ID
  alert channel webhook NAME --url https://... [--secret-file F] [--allow-http] [--channel-ca CA.pem] [--json]
      signed X-Dca-Signature: sha256=HMAC(secret, body); given no secret, the hub makes one and prints it once
  alert channel smtp NAME --host H [--port 587] [--security starttls|tls|none] [--username U --password-file F]
                     --from ADDR --to ADDR [--to ...] [--channel-ca CA.pem] [--json]
      STARTTLS is required unless --security says otherwise; the password may come from $DCA_SMTP_PASSWORD
  alert channel list [--json] | alert channel rm NAME | alert channel test NAME
  alert list [--site S] [--subject ID] [--open|--resolved] [--limit N] [--before TIME] [--json]
      newest first, with each notice's state; --subject: one device's or agent's alerts

  serve                                         run the hub (see "dca-hub serve --help")
  admin-local --data DIR owner create NAME | owner reset NAME
                                                break glass on the hub machine, hub stopped (first owner, locked-out owner)
  help                                          this text

SITE is a site name or id. Durations: 30s, 5m, 1h, 8h, 7d (0 = the agent's default).
Auth protocols: md5, sha, sha224, sha256, sha384, sha512; privacy: des, aes128, aes256;
passwords have at least 8 characters.
`;
