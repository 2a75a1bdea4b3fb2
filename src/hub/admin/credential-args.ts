/**
 * `site add-credential` options into an SnmpCredential. The rules (name,
 * lengths, protocols, passwords) are the agents' own (src/common/config),
 * named here by the options that set them; errors never echo what was typed
 * for a secret option: a mistyped "sha256:pass" may be a password with the
 * colon in the wrong place.
 */
import { type ParsedArgs, UsageError, flag } from "../../common/args.ts";
import { withLabels } from "../../common/config/index.ts";
import { parseCredential } from "../../common/config/index.ts";
import { credentialToProto } from "../../common/credential.ts";
import type { SnmpCredential } from "../../gen/dca/v1/agent_service_pb.ts";
import { StoreError } from "../store/index.ts";

/** The admin commands' names for the config fields they set. */
export const ADMIN_LABELS = withLabels({
  "credentials.name": "--name",
  "credentials.community": "--community",
  "credentials.user": "--v3-user",
  "credentials.auth": "--v3-auth",
  "credentials.priv": "--v3-priv",
  "credentials.context": "--context",
  "snmp.port": "--port",
  "snmp.timeout": "--timeout",
  "snmp.retries": "--retries",
  "snmp.concurrency": "--concurrency",
  "snmp.rate": "--rate",
  "snmp.readConcurrency": "--read-concurrency",
  "snmp.sweepTimeout": "--sweep-timeout",
  "snmp.readDeadline": "--read-deadline",
  "scan.targets": "TARGET",
  "scan.exclude": "--exclude",
  "schedule.discovery": "--discovery",
  "schedule.read": "--read",
  "schedule.poll": "--poll",
  "outbox.maxReadings": "--max-readings",
  "outbox.maxBytes": "--max-bytes",
  "outbox.maxAge": "--max-age",
});

/** The options `site add-credential` takes. */
export const CREDENTIAL_FLAGS = { valued: ["name", "community", "v3-user", "v3-auth", "v3-priv", "context"], booleans: ["v1", "json"] } as const;

/** The credential the options describe, as typed (checked by `credentialFromArgs`). */
export function credentialInputFromArgs(p: ParsedArgs): Record<string, unknown> {
  const name = flag(p, "name");
  if (!name) throw new UsageError("--name is required (the name shows in readings instead of the secret)");
  const user = flag(p, "v3-user");
  // DCA_COMMUNITY in the environment is a default for community credentials, not a second kind.
  const community = user !== undefined && p.fromEnv?.has("community") ? undefined : flag(p, "community");
  if ((community === undefined) === (user === undefined)) throw new UsageError("give either --community or --v3-user");
  if (community !== undefined) {
    for (const f of ["v3-auth", "v3-priv", "context"]) if (p.flags.has(f) && !p.fromEnv?.has(f)) throw new UsageError(`--${f} is for --v3-user credentials`);
    return { name, version: p.flags.has("v1") ? "v1" : "v2c", community };
  }
  if (p.flags.has("v1")) throw new UsageError("--v1 is for --community credentials");
  const optional = (key: string, f: string) => (flag(p, f) === undefined ? {} : { [key]: flag(p, f) });
  return { name, version: "v3", user, ...optional("auth", "v3-auth"), ...optional("priv", "v3-priv"), ...optional("context", "context") };
}

/**
 * Checks the credential as the agents will, as the `index`-th of the site
 * (so refusals name "credentials.<index>.<field>" as an agent would), and
 * gives its proto form. Refusals are "invalid-argument" (exit 2).
 */
export function credentialFromArgs(input: Record<string, unknown>, index: number): SnmpCredential {
  const r = parseCredential(input, `credentials.${index}`, ADMIN_LABELS);
  if ("refusals" in r) throw new StoreError("invalid-argument", r.refusals.map((x) => `${x.path}: ${x.message}`).join("; "));
  return credentialToProto(r.credential);
}
