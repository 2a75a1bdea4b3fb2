/**
 * The hub's AgentConfig (proto) and the checked Config. A zero in the proto
 * means "the agent's default"; every other value goes through the one check
 * (schema.ts), which both the agent (on receipt) and the hub (before it
 * stores) run on the same input, so they refuse the same things with the
 * same field paths.
 */
import { clone } from "@bufbuild/protobuf";
import { type AgentConfig, AgentConfigSchema, type SnmpCredential } from "../../gen/dca/v1/agent_service_pb.ts";
import { SnmpVersion } from "../../gen/dca/v1/reading_pb.ts";
import { SECRET_FIELDS } from "../credential.ts";
import { SECRET_MARK } from "../secret.ts";
import { FILE_LABELS, type FieldLabels } from "./labels.ts";
import type { Config, ConfigInput } from "./schema.ts";
import { type Refusal, configRefusals, validateConfig } from "./validate.ts";

/** A proto credential as the check takes it: the stored fields, secrets still plain (the check wraps them). */
export type StoredCredential =
  | { name: string; version: "v1" | "v2c"; community: string }
  | { name: string; version: "v3"; user: string; auth?: ProtocolPassword; priv?: ProtocolPassword; context?: string };
type ProtocolPassword = { protocol: string; password: string };

/** One proto credential as the check's input; an unknown version stays unknown so that the check refuses it. */
export function credentialInput(k: SnmpCredential): StoredCredential {
  if (k.version === SnmpVersion.V3) {
    const pair = (protocol: string, password: string) => (protocol || password ? { protocol, password } : undefined);
    return {
      name: k.name,
      version: "v3",
      user: k.user,
      ...(pair(k.authProtocol, k.authPassword) && { auth: pair(k.authProtocol, k.authPassword) }),
      ...(pair(k.privProtocol, k.privPassword) && { priv: pair(k.privProtocol, k.privPassword) }),
      ...(k.context && { context: k.context }),
    };
  }
  const version = k.version === SnmpVersion.V1 ? "v1" : k.version === SnmpVersion.V2C ? "v2c" : (`version ${k.version}` as "v1");
  return { name: k.name, version, community: k.community };
}

/** `{ [key]: value }` when the proto field is set (non-zero), else nothing: a zero means "the default". */
const ifSet = <K extends string, V>(key: K, value: V, set: unknown) => (set ? ({ [key]: value } as Record<K, V>) : {});

/** The proto as the check's input: zeros left out, so the defaults apply. */
export function configInput(c: AgentConfig): ConfigInput {
  const s = c.snmp;
  const o = c.outbox;
  return {
    credentials: c.credentials.map(credentialInput),
    snmp: {
      ...ifSet("port", s?.port, s?.port),
      ...ifSet("timeout", s?.timeoutMs, s?.timeoutMs),
      ...ifSet("retries", s?.retries, s?.retries),
      ...ifSet("concurrency", s?.concurrency, s?.concurrency),
      ...ifSet("rate", s?.rate, s?.rate),
      ...ifSet("readConcurrency", s?.readConcurrency, s?.readConcurrency),
      ...ifSet("sweepTimeout", s?.sweepTimeoutMs, s?.sweepTimeoutMs),
      ...ifSet("readDeadline", s?.readDeadlineMs, s?.readDeadlineMs),
    },
    scan: { targets: [...c.targets], exclude: [...c.exclude] },
    schedule: {
      ...ifSet("discovery", c.discoveryIntervalSeconds * 1000, c.discoveryIntervalSeconds),
      ...ifSet("read", c.readIntervalSeconds * 1000, c.readIntervalSeconds),
      ...ifSet("poll", c.pollIntervalSeconds * 1000, c.pollIntervalSeconds),
    },
    outbox: {
      ...ifSet("maxReadings", Number(o?.maxReadings), o?.maxReadings),
      ...ifSet("maxBytes", Number(o?.maxBytes), o?.maxBytes),
      ...ifSet("maxAge", (o?.maxAgeSeconds ?? 0) * 1000, o?.maxAgeSeconds),
    },
  };
}

/** The checked Config of a proto config; throws ConfigError naming every refused field. */
export function configFromProto(c: AgentConfig): Config {
  return validateConfig(configInput(c), `the hub's config version ${c.version}`);
}

/** What an agent would refuse in this proto config (the hub asks before it stores one). */
export function agentConfigRefusals(c: AgentConfig, labels: FieldLabels = FILE_LABELS): Refusal[] {
  return configRefusals(configInput(c), labels);
}

/** A copy with every secret replaced by `<secret>`, for anything printed. */
export function redactAgentConfig(config: AgentConfig): AgentConfig {
  const c = clone(AgentConfigSchema, config);
  for (const cred of c.credentials) for (const f of SECRET_FIELDS) if (cred[f]) cred[f] = SECRET_MARK;
  return c;
}
