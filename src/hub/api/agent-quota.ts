/**
 * Per-agent upload quotas: readings per hour and payload bytes per day, so
 * that a stolen agent credential cannot fill the hub's disk. Each agent has
 * a fixed hour window and a fixed day window starting at its first upload
 * after the last one ended; the counts live in memory (a restart gives every
 * agent a fresh window, which an attacker cannot cause).
 *
 * How the defaults were chosen: a large site of 2,000 printers read hourly
 * (the default) sends 2,000 readings an hour of about 2 KB each (the sample
 * reading of src/agent/outbox/testdata is 2 KB; our recorded printers give
 * 0.5-1.7 KB), 96 MB a day. The quotas are ten times that: a site read every
 * 6 minutes, or a week's backlog of a 300-printer site drained in under
 * 3 hours, still passes; a stolen credential stores at most 1 GiB a day.
 */
import type { Clock } from "../../common/clock.ts";

/** The two quotas of one agent. */
export interface AgentQuotaLimits {
  readingsPerHour: number;
  bytesPerDay: number;
}

/** The quotas unless `dca-hub serve` is told otherwise. */
export const DEFAULT_AGENT_QUOTA: AgentQuotaLimits = { readingsPerHour: 20_000, bytesPerDay: 1024 ** 3 };

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** What an agent may store now. */
export interface Allowance {
  /** How many of the readings offered (in order) fit; 0 when the quota is used up. */
  take: number;
  /** When `take` is 0: milliseconds until the window that blocks starts again. */
  retryAfterMs: number;
  /** When `take` is 0: which quota blocks ("readings per hour", "bytes per day"). */
  blocking?: string;
}

/** The quota book of every agent that uploaded. */
export interface AgentQuota {
  readonly limits: AgentQuotaLimits;
  /** How many readings of the sizes given (payload bytes, in order) the agent may store now. */
  allow(agentId: string, sizes: readonly number[]): Allowance;
  /** Counts what was stored. */
  charge(agentId: string, readings: number, bytes: number): void;
}

interface Usage {
  hourStart: number;
  readings: number;
  dayStart: number;
  bytes: number;
}

/** A quota book on `clock` (monotonic time, so that a clock step neither frees nor blocks anyone). */
export function createAgentQuota(clock: Clock, limits: AgentQuotaLimits = DEFAULT_AGENT_QUOTA): AgentQuota {
  const usage = new Map<string, Usage>();
  const current = (agentId: string): Usage => {
    const now = clock.monotonic();
    let u = usage.get(agentId);
    if (!u) usage.set(agentId, (u = { hourStart: now, readings: 0, dayStart: now, bytes: 0 }));
    if (now - u.hourStart >= HOUR_MS) Object.assign(u, { hourStart: now, readings: 0 });
    if (now - u.dayStart >= DAY_MS) Object.assign(u, { dayStart: now, bytes: 0 });
    return u;
  };
  return {
    limits,
    allow(agentId, sizes) {
      const u = current(agentId);
      let take = 0;
      let bytes = u.bytes;
      while (take < sizes.length && u.readings + take < limits.readingsPerHour && bytes + sizes[take]! <= limits.bytesPerDay) bytes += sizes[take++]!;
      if (take > 0 || sizes.length === 0) return { take, retryAfterMs: 0 };
      const now = clock.monotonic();
      return u.readings >= limits.readingsPerHour
        ? { take, retryAfterMs: u.hourStart + HOUR_MS - now, blocking: "readings per hour" }
        : { take, retryAfterMs: u.dayStart + DAY_MS - now, blocking: "bytes per day" };
    },
    charge(agentId, readings, bytes) {
      const u = current(agentId);
      u.readings += readings;
      u.bytes += bytes;
    },
  };
}
