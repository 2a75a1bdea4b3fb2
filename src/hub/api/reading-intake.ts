/**
 * What the hub does with an upload once the agent is known and the request
 * is well formed: the reading's bounds (src/common/reading-limits.ts), then
 * the agent's quotas (./agent-quota.ts), then the store. A reading with a
 * list over its bound is refused (no agent builds one); a string over its
 * bound is cut with a ReadProblem; readings beyond the quota are not
 * acknowledged, so the agent keeps them in its outbox and sends them again
 * when the refusal's retry delay has passed: nothing is lost or doubled.
 */
import { toBinary } from "@bufbuild/protobuf";
import type { OutboxReading } from "../../gen/dca/v1/agent_service_pb.ts";
import { DeviceReadingSchema } from "../../gen/dca/v1/reading_pb.ts";
import { DcaError } from "../../common/errors.ts";
import { capReading, readingOverLimits } from "../../common/reading-limits.ts";
import { plural } from "../../common/text.ts";
import type { Agent, AgentApiStore, StoreReadingsResult } from "../store/index.ts";
import type { AgentQuota, Allowance } from "./agent-quota.ts";

/** Takes one agent's upload. */
export interface ReadingIntake {
  /** Stores what the bounds and quotas allow; throws `invalid-argument` or `resource-exhausted` (with retryAfterMs). */
  take(agent: Agent, readings: OutboxReading[]): StoreReadingsResult;
  /**
   * The refusal an upload of `agent` gets now whatever it carries (its quota is used up), so the
   * front door can answer before reading the body; undefined while the agent may store.
   */
  refusal(agent: Agent): DcaError | undefined;
}

/** The intake over `store`, counting against `quota`; `log` hears when an agent's quota is first used up. */
export function createReadingIntake(store: AgentApiStore, quota: AgentQuota, log: (line: string) => void): ReadingIntake {
  /** Agents refused now, so the hub log says it once per quota window, not once per retry. */
  const refused = new Set<string>();
  const quotaError = (agent: Agent, allowed: Allowance): DcaError => {
    const secs = Math.ceil(allowed.retryAfterMs / 1000);
    const limit = allowed.blocking === "bytes per day" ? `${quota.limits.bytesPerDay} bytes per day` : `${quota.limits.readingsPerHour} readings per hour`;
    if (!refused.has(agent.id)) log(`agent ${agent.id}: upload quota used up (${limit}); its uploads are refused for ${secs} s`);
    refused.add(agent.id);
    return new DcaError("resource-exhausted", `this agent's upload quota is used up (${limit}); the readings stay in its outbox, retry in ${secs} s`, {
      retryAfterMs: allowed.retryAfterMs,
    });
  };
  return {
    refusal(agent) {
      const allowed = quota.allow(agent.id, [1]);
      return allowed.take > 0 ? undefined : quotaError(agent, allowed);
    },
    take(agent, readings) {
      for (const [i, o] of readings.entries()) {
        const over = o.reading && readingOverLimits(o.reading);
        if (over) throw new DcaError("invalid-argument", `readings[${i}]: ${over}`);
        if (o.reading) o.reading = capReading(o.reading);
      }
      const sizes = readings.map((o) => (o.reading ? toBinary(DeviceReadingSchema, o.reading).length : 0));
      const total: StoreReadingsResult = { acknowledgedIds: [], stored: 0, storedBytes: 0, duplicates: 0, conflicts: 0, flags: [] };
      // Readings the hub holds already (a retried upload) cost no quota: what they did not use
      // goes to the next ones, until the batch is done or the quota is.
      let from = 0;
      let allowed = quota.allow(agent.id, sizes);
      while (allowed.take > 0) {
        const r = store.storeReadings(agent, readings.slice(from, from + allowed.take));
        quota.charge(agent.id, r.stored, r.storedBytes);
        total.acknowledgedIds.push(...r.acknowledgedIds);
        total.flags.push(...r.flags);
        for (const k of ["stored", "storedBytes", "duplicates", "conflicts"] as const) total[k] += r[k];
        from += allowed.take;
        allowed = quota.allow(agent.id, sizes.slice(from));
      }
      if (from > 0 || readings.length === 0) {
        refused.delete(agent.id);
        return total;
      }
      throw quotaError(agent, allowed);
    },
  };
}
