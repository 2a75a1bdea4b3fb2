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

type CredentialInput = NonNullable<ConfigInput["credentials"]>[number];

/** One proto credential as the check's input (secrets still plain: the check wraps them). */
export function credentialInput(k: SnmpCredential): CredentialInput {
  if (k.version === SnmpVersion.V3) {
    return {
      name: k.name,
      version: "v3",
      user: k.user,
      ...(k.authProtocol || k.authPassword ? { auth: { protocol: k.authProtocol, password: k.authPassword } } : {}),
      ...(k.privProtocol || k.privPassword ? { priv: { protocol: k.privProtocol, password: k.privPassword } } : {}),
      ...(k.context ? { context: k.context } : {}),
    };
  }
  const version = k.version === SnmpVersion.V1 ? "v1" : k.version === SnmpVersion.V2C ? "v2c" : (`version ${k.version}` as "v1");
  return { name: k.name, version, community: k.community } as CredentialInput;
}

const set = <T>(value: T, keep: boolean) => (keep ? value : undefined);

/** The proto as the check's input: zeros left out, so the defaults apply. */
export function configInput(c: AgentConfig): ConfigInput {
  const s = c.snmp;
  const o = c.outbox;
  const drop = <T extends object>(x: T) => Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined)) as T;
  return {
    credentials: c.credentials.map(credentialInput),
    snmp: drop({
      port: set(s?.port, !!s?.port),
      timeout: set(s?.timeoutMs, !!s?.timeoutMs),
      retries: set(s?.retries, !!s?.retries),
      concurrency: set(s?.concurrency, !!s?.concurrency),
      rate: set(s?.rate, !!s?.rate),
      readConcurrency: set(s?.readConcurrency, !!s?.readConcurrency),
    }),
    scan: { targets: [...c.targets], exclude: [...c.exclude] },
    schedule: drop({
      discovery: set(c.discoveryIntervalSeconds * 1000, c.discoveryIntervalSeconds > 0),
      read: set(c.readIntervalSeconds * 1000, c.readIntervalSeconds > 0),
      poll: set(c.pollIntervalSeconds * 1000, c.pollIntervalSeconds > 0),
    }),
    outbox: drop({
      maxReadings: set(Number(o?.maxReadings ?? 0n), !!o?.maxReadings),
      maxBytes: set(Number(o?.maxBytes ?? 0n), !!o?.maxBytes),
      maxAge: set((o?.maxAgeSeconds ?? 0) * 1000, !!o?.maxAgeSeconds),
    }),
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
