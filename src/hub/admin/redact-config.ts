/**
 * A site's agent config as an admin may see it, as text, secrets redacted
 * (the redaction and the credential description are the contract's, in
 * src/common).
 */
import { type AgentConfig, type SnmpCredential } from "../../gen/dca/v1/agent_service_pb.ts";
import { credentialInput, redactAgentConfig } from "../../common/config/index.ts";
import { describeCredential } from "../../common/credential.ts";
import { formatSeconds } from "./admin-format.ts";

/** A copy of the config with all secrets replaced by `<secret>`. */
export const redactConfig = redactAgentConfig;

/** "office (v2c, community <secret>)", "ops (v3 user ops, authPriv sha256/aes128)": the stored form, unchecked. */
export const describeSnmpCredential = (c: SnmpCredential): string => describeCredential(credentialInput(c));

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
        `concurrency ${orDefault(snmp?.concurrency ?? 0)}, rate ${orDefault(snmp?.rate ?? 0, "/s")}, read concurrency ${orDefault(snmp?.readConcurrency ?? 0)}, ` +
        `sweep timeout ${orDefault(snmp?.sweepTimeoutMs ?? 0, "ms")}, read deadline ${orDefault(snmp?.readDeadlineMs ?? 0, "ms")}`,
    ],
    [
      "Outbox",
      `max readings ${orDefault(outbox?.maxReadings ?? 0n)}, max bytes ${orDefault(outbox?.maxBytes ?? 0n)}, max age ${formatSeconds(outbox?.maxAgeSeconds ?? 0)}`,
    ],
  ];
  const creds = c.credentials.length ? c.credentials.map((x) => `\n  ${describeSnmpCredential(x)}`).join("") : " (none)";
  return `${lines.map(([k, v]) => `${k.padEnd(11)}${v}`).join("\n")}\nCredentials${creds}\n`;
}
