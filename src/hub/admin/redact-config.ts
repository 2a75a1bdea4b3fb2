/**
 * A site's agent config as an admin may see it: every community and
 * password replaced by "<secret>", as a proto (for --json) or as text.
 */
import { clone } from "@bufbuild/protobuf";
import { type AgentConfig, AgentConfigSchema, type SnmpCredential } from "../../gen/dca/v1/agent_service_pb.ts";
import { SnmpVersion } from "../../gen/dca/v1/reading_pb.ts";
import { formatSeconds } from "./admin-format.ts";

/** What stands in for a secret in anything printed. */
export const SECRET = "<secret>";

/** A copy of the config with all secrets replaced by SECRET. */
export function redactConfig(config: AgentConfig): AgentConfig {
  const c = clone(AgentConfigSchema, config);
  for (const cred of c.credentials) {
    if (cred.community) cred.community = SECRET;
    if (cred.authPassword) cred.authPassword = SECRET;
    if (cred.privPassword) cred.privPassword = SECRET;
  }
  return c;
}

/** "office (v2c, community <secret>)", "ops (v3 user ops, authPriv sha256/aes128)". */
export function describeSnmpCredential(c: SnmpCredential): string {
  if (c.version !== SnmpVersion.V3) return `${c.name} (${c.version === SnmpVersion.V1 ? "v1" : "v2c"}, community ${SECRET})`;
  const level = c.privProtocol ? `authPriv ${c.authProtocol}/${c.privProtocol}` : c.authProtocol ? `authNoPriv ${c.authProtocol}` : "noAuthNoPriv";
  return `${c.name} (v3 user ${c.user}, ${level}${c.context ? `, context ${c.context}` : ""})`;
}

const orDefault = (n: number | bigint, unit = "") => (Number(n) === 0 ? "default" : `${n}${unit}`);

/** The config as "label  value" lines, secrets redacted. */
export function describeConfig(c: AgentConfig): string {
  const snmp = c.snmp;
  const outbox = c.outbox;
  const lines: [string, string][] = [
    ["Version", c.version.toString()],
    ["Targets", c.targets.join(" ") || "(none)"],
    ["Exclude", c.exclude.join(" ") || "-"],
    ["Schedule", `discovery ${formatSeconds(c.discoveryIntervalSeconds)}, read ${formatSeconds(c.readIntervalSeconds)}, poll ${formatSeconds(c.pollIntervalSeconds)}`],
    [
      "SNMP",
      `port ${orDefault(snmp?.port ?? 0)}, timeout ${orDefault(snmp?.timeoutMs ?? 0, "ms")}, retries ${orDefault(snmp?.retries ?? 0)}, ` +
        `concurrency ${orDefault(snmp?.concurrency ?? 0)}, rate ${orDefault(snmp?.rate ?? 0, "/s")}, read concurrency ${orDefault(snmp?.readConcurrency ?? 0)}`,
    ],
    [
      "Outbox",
      `max readings ${orDefault(outbox?.maxReadings ?? 0n)}, max bytes ${orDefault(outbox?.maxBytes ?? 0n)}, max age ${formatSeconds(outbox?.maxAgeSeconds ?? 0)}`,
    ],
  ];
  const creds = c.credentials.length ? c.credentials.map((x) => `\n  ${describeSnmpCredential(x)}`).join("") : " (none)";
  return `${lines.map(([k, v]) => `${k.padEnd(11)}${v}`).join("\n")}\nCredentials${creds}\n`;
}
