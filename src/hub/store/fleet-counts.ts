/**
 * The fleet counted per site, for the overview and the metrics: devices
 * read or missed, in error, with a low supply or a flagged counter; agents
 * and those offline; queued tasks; readings received lately. Every count is
 * one grouped query over the denormalized rows. The one thing the devices
 * row does not hold is a supply in a low or empty *state* with no percent
 * (levels -3 and -2 are states): that needs the newest reading's supplies,
 * decoded once per reading and remembered until the device has a newer one.
 */
import { supplyNeedsAttention, SUPPLY_LOW_PERCENT } from "../../common/supply-state.ts";
import { healthSql } from "./device-health.ts";
import { suppliesOf } from "./reading-parts.ts";
import { type StoreContext, optDate } from "./store-context.ts";

/** Where a site's devices count as missed and its agents as offline (times in ms). */
export interface SiteCut {
  siteId: string;
  /** A device last read before this is missed. */
  missedBefore: number;
  /** An agent that last polled before this (or never) is offline. */
  offlineBefore: number;
}

/** One site's devices counted. */
export interface SiteDeviceCounts {
  devices: number;
  online: number;
  missed: number;
  error: number;
  warning: number;
  suppliesLow: number;
  flagged: number;
  lastReadAt?: Date;
}

/** One site's active agents (neither disabled nor replaced) counted. */
export interface SiteAgentCounts {
  agents: number;
  offline: number;
  outboxDepth: number;
}

/** One site's unfinished tasks by state. */
export interface SiteTaskCounts {
  pending: number;
  sent: number;
  running: number;
}

/** The cut as an SQL table `cut(site_id, missed_before, offline_before)`: one JSON parameter, however many sites. */
const CUT_CTE = `WITH cut(site_id, missed_before, offline_before) AS (
  SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each(?))`;
const cutParam = (cuts: readonly SiteCut[]) => JSON.stringify(cuts.map((c) => [c.siteId, c.missedBefore, c.offlineBefore]));

const zeroDevices = (): SiteDeviceCounts => ({ devices: 0, online: 0, missed: 0, error: 0, warning: 0, suppliesLow: 0, flagged: 0 });

/** The counting methods of the store. */
export function createFleetCounts(ctx: StoreContext) {
  const { db } = ctx;
  // Whether a device's newest reading has a supply needing attention, by device, with the reading it came from.
  const attention = new Map<string, { readingId: string; low: boolean }>();

  function lowSupplyOf(deviceId: string, readingId: string): boolean {
    const known = attention.get(deviceId);
    if (known?.readingId === readingId) return known.low;
    const row = db.query<{ data: Uint8Array }, [string]>("SELECT data FROM readings WHERE id = ?").get(readingId);
    const low = row ? suppliesOf(row.data).some(supplyNeedsAttention) : false;
    attention.set(deviceId, { readingId, low });
    return low;
  }

  return {
    /** Per site of `cuts`: its devices counted; flags count from `flaggedSince` (ms). */
    siteDeviceCounts(cuts: readonly SiteCut[], flaggedSince: number): Map<string, SiteDeviceCounts> {
      return ctx.read(() => {
        const out = new Map(cuts.map((c) => [c.siteId, zeroDevices()]));
        const param = cutParam(cuts);
        const health = healthSql("d.status");
        const rows = db
          .query<{ site_id: string; devices: number; online: number; error: number; warning: number; last_read_at: number | null }, [string]>(
            `${CUT_CTE} SELECT d.site_id, count(*) AS devices,
               coalesce(sum(d.last_read_at >= c.missed_before), 0) AS online,
               coalesce(sum(${health} = 'error'), 0) AS error,
               coalesce(sum(${health} = 'warning'), 0) AS warning,
               max(d.last_read_at) AS last_read_at
             FROM devices d JOIN cut c ON c.site_id = d.site_id GROUP BY d.site_id`,
          )
          .all(param);
        for (const r of rows) {
          Object.assign(out.get(r.site_id)!, { devices: r.devices, online: r.online, missed: r.devices - r.online, error: r.error, warning: r.warning, lastReadAt: optDate(r.last_read_at) });
        }
        const supplies = db
          .query<{ id: string; site_id: string; last_reading_id: string | null; lowest_supply_percent: number | null }, [string]>(
            `${CUT_CTE} SELECT d.id, d.site_id, d.last_reading_id, d.lowest_supply_percent FROM devices d JOIN cut c ON c.site_id = d.site_id`,
          )
          .all(param);
        for (const d of supplies) {
          const low = (d.lowest_supply_percent !== null && d.lowest_supply_percent <= SUPPLY_LOW_PERCENT) || (d.last_reading_id !== null && lowSupplyOf(d.id, d.last_reading_id));
          if (low) out.get(d.site_id)!.suppliesLow++;
        }
        const flagged = db
          .query<{ site_id: string; n: number }, [string, number]>(
            `${CUT_CTE} SELECT f.site_id, count(DISTINCT f.device_id) AS n FROM counter_flags f JOIN cut c ON c.site_id = f.site_id WHERE f.at >= ? GROUP BY f.site_id`,
          )
          .all(param, flaggedSince);
        for (const r of flagged) out.get(r.site_id)!.flagged = r.n;
        return out;
      });
    },

    /** Per site of `cuts`: its active agents, those offline, and their outboxes' readings. */
    siteAgentCounts(cuts: readonly SiteCut[]): Map<string, SiteAgentCounts> {
      return ctx.read(() => {
        const out = new Map(cuts.map((c) => [c.siteId, { agents: 0, offline: 0, outboxDepth: 0 }]));
        const rows = db
          .query<{ site_id: string; agents: number; offline: number; outbox: number }, [string]>(
            `${CUT_CTE} SELECT a.site_id, count(*) AS agents,
               coalesce(sum(a.last_poll_at IS NULL OR a.last_poll_at < c.offline_before), 0) AS offline,
               coalesce(sum(a.outbox_depth), 0) AS outbox
             FROM agents a JOIN cut c ON c.site_id = a.site_id
             WHERE a.disabled = 0 AND a.replaced_by IS NULL GROUP BY a.site_id`,
          )
          .all(cutParam(cuts));
        for (const r of rows) out.set(r.site_id, { agents: r.agents, offline: r.offline, outboxDepth: r.outbox });
        return out;
      });
    },

    /** Every site's unfinished tasks (sites without any are absent). */
    siteTaskCounts(): Map<string, SiteTaskCounts> {
      return ctx.read(() => {
        const out = new Map<string, SiteTaskCounts>();
        const rows = db
          .query<{ site_id: string; state: keyof SiteTaskCounts; n: number }, []>(
            "SELECT site_id, state, count(*) AS n FROM tasks WHERE state IN ('pending', 'sent', 'running') GROUP BY site_id, state",
          )
          .all();
        for (const r of rows) {
          const t = out.get(r.site_id) ?? { pending: 0, sent: 0, running: 0 };
          t[r.state] = r.n;
          out.set(r.site_id, t);
        }
        return out;
      });
    },

    /**
     * Readings received at or after `sinceMs`, and every reading the hub holds. The hub only
     * appends readings, in the order it receives them, so the first rowid received since then
     * is found by bisection (a few indexed lookups however many readings there are).
     */
    readingsReceived(sinceMs: number): { since: number; held: number } {
      return ctx.read(() => {
        // Two subqueries: SQLite finds a lone min() or max() of the rowid at once, both in one SELECT by a full scan.
        const bounds = db.query<{ lo: number | null; hi: number | null }, []>("SELECT (SELECT min(rowid) FROM readings) AS lo, (SELECT max(rowid) FROM readings) AS hi").get();
        if (!bounds || bounds.lo === null || bounds.hi === null) return { since: 0, held: 0 };
        const at = db.query<{ received_at: number }, [number]>("SELECT received_at FROM readings WHERE rowid >= ? ORDER BY rowid LIMIT 1");
        let lo = bounds.lo;
        let hi = bounds.hi + 1;
        while (lo < hi) {
          const mid = Math.floor((lo + hi) / 2);
          if ((at.get(mid)?.received_at ?? Infinity) >= sinceMs) hi = mid;
          else lo = mid + 1;
        }
        return { since: bounds.hi + 1 - lo, held: bounds.hi - bounds.lo + 1 };
      });
    },
  };
}
