/**
 * Turns the hub's AgentConfig (proto) into the agent's validated Config and
 * schedule. The whole config is checked before any of it is used: a bad one
 * is refused as a whole and the agent keeps running the previous one.
 */
import type { AgentConfig } from "../../gen/dca/v1/agent_service_pb.ts";
import { SnmpVersion } from "../../gen/dca/v1/reading_pb.ts";
import { validateConfig } from "../config/load-config.ts";
import type { Config, ConfigInput } from "../config/schema.ts";

export interface Schedule {
  discoveryMs: number;
  readMs: number;
  pollMs: number;
}

export interface OutboxLimitsMs {
  maxReadings?: number;
  maxBytes?: number;
  maxAgeMs?: number;
}

export interface ServiceConfig {
  version: bigint;
  config: Config;
  schedule: Schedule;
  outbox: OutboxLimitsMs;
}

/** Discovery three times a day, reads hourly, polls every 5 minutes. */
export const DEFAULT_SCHEDULE: Schedule = { discoveryMs: 8 * 3600_000, readMs: 3600_000, pollMs: 300_000 };

const orDefault = (seconds: number, fallbackMs: number) => (seconds > 0 ? Math.max(1, seconds) * 1000 : fallbackMs);

/** Throws ConfigError (naming the field, never a secret) if anything is off. */
export function serviceConfigFromHub(c: AgentConfig): ServiceConfig {
  const credentials: NonNullable<ConfigInput["credentials"]> = c.credentials.map((k) => {
    if (k.version === SnmpVersion.V3) {
      return {
        name: k.name,
        version: "v3" as const,
        user: k.user,
        ...(k.authProtocol ? { auth: { protocol: k.authProtocol, password: k.authPassword } } : {}),
        ...(k.privProtocol ? { priv: { protocol: k.privProtocol, password: k.privPassword } } : {}),
        ...(k.context ? { context: k.context } : {}),
      };
    }
    return { name: k.name, version: k.version === SnmpVersion.V1 ? ("v1" as const) : ("v2c" as const), community: k.community };
  });
  const s = c.snmp;
  const snmp: NonNullable<ConfigInput["snmp"]> = {};
  if (s?.port) snmp.port = s.port;
  if (s?.timeoutMs) snmp.timeout = s.timeoutMs;
  if (s?.retries) snmp.retries = s.retries;
  if (s?.concurrency) snmp.concurrency = s.concurrency;
  if (s?.rate) snmp.rate = s.rate;
  if (s?.readConcurrency) snmp.readConcurrency = s.readConcurrency;
  const config = validateConfig({ credentials, snmp, scan: { targets: c.targets, exclude: c.exclude } }, `the hub's config version ${c.version}`);
  const o = c.outbox;
  return {
    version: c.version,
    config,
    schedule: {
      discoveryMs: orDefault(c.discoveryIntervalSeconds, DEFAULT_SCHEDULE.discoveryMs),
      readMs: orDefault(c.readIntervalSeconds, DEFAULT_SCHEDULE.readMs),
      pollMs: orDefault(c.pollIntervalSeconds, DEFAULT_SCHEDULE.pollMs),
    },
    outbox: {
      ...(o?.maxReadings ? { maxReadings: Number(o.maxReadings) } : {}),
      ...(o?.maxBytes ? { maxBytes: Number(o.maxBytes) } : {}),
      ...(o?.maxAgeSeconds ? { maxAgeMs: o.maxAgeSeconds * 1000 } : {}),
    },
  };
}

/**
 * What discovery sweeps, as a string: the service remembers the key of its
 * last discovery and runs discovery again as soon as the key changes.
 */
export function targetsKey(c: Config): string {
  return JSON.stringify([c.scan.targets, c.scan.exclude, c.snmp.port]);
}
