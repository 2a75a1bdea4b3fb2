/**
 * Turns the hub's AgentConfig (proto) into the agent's checked Config and
 * schedule, with the contract's check (src/common/config), the same the hub
 * ran before it stored it. The whole config is checked before any of it is
 * used: a bad one is refused as a whole and the agent keeps the previous one.
 */
import type { AgentConfig } from "../../gen/dca/v1/agent_service_pb.ts";
import { type Config, DEFAULTS, configFromProto } from "../../common/config/index.ts";
import { credentialToProto } from "../../common/credential.ts";

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
  /** Device Web Access: the ports the site allows besides the default ones, and whether it is off. */
  webAccess: { ports: number[]; disabled: boolean };
}

/** Discovery three times a day, reads hourly, polls every 5 minutes. */
export const DEFAULT_SCHEDULE: Schedule = DEFAULTS.schedule;

/** Throws ConfigError (naming the field, never a secret) if anything is off. */
export function serviceConfigFromHub(c: AgentConfig): ServiceConfig {
  const config = configFromProto(c);
  const { maxReadings, maxBytes, maxAge } = config.outbox;
  return {
    version: c.version,
    config,
    schedule: { discoveryMs: config.schedule.discovery, readMs: config.schedule.read, pollMs: config.schedule.poll },
    outbox: {
      ...(maxReadings ? { maxReadings } : {}),
      ...(maxBytes ? { maxBytes } : {}),
      ...(maxAge ? { maxAgeMs: maxAge } : {}),
    },
    webAccess: { ports: [...c.webAccessPorts], disabled: c.webAccessDisabled },
  };
}

/**
 * What discovery sweeps, as a string: the service remembers the key of its
 * last discovery and runs discovery again as soon as the key changes.
 */
export function targetsKey(c: Config): string {
  return JSON.stringify([c.scan.targets, c.scan.exclude, c.snmp.port]);
}

/**
 * What a discovery pass depends on (the targets and the credentials, secrets
 * included): a new config with another key replaces a pass under way. Kept
 * in memory only, never logged or stored.
 */
export function discoveryKey(c: Config): string {
  return JSON.stringify([targetsKey(c), c.credentials.map(credentialToProto)]);
}
