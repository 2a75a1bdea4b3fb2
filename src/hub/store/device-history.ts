/**
 * One device over time, for its page: its newest reading, the addresses it
 * was read at, a page of its readings, and its meters day by day. Every
 * query walks the device's own readings through readings_device
 * (device_id, read_at): a year of daily readings is a few hundred rows.
 */
import type { Counter } from "../../gen/dca/v1/reading_pb.ts";
import { countersOf } from "./reading-parts.ts";
import { type ReadingRow, storedReadingOf } from "./devices.ts";
import type { StoreContext } from "./store-context.ts";
import type { StoredReading } from "./types.ts";

/** The most addresses a device's history lists (a device that wandered further shows its first ones). */
export const MAX_ADDRESSES = 100;
const DAY_MS = 86_400_000;

/** An address a device was read at. */
export interface AddressSeen {
  address: string;
  firstSeen: Date;
  lastSeen: Date;
  readings: number;
}

/** The meters of the last reading of one day. */
export interface MeterDay {
  /** The day: its local midnight written as if it were UTC (`new Date(dayStartMs)` has the local date in UTC fields). */
  dayStartMs: number;
  readingId: string;
  readAt: Date;
  counters: Counter[];
}


/** The device history methods of the store. */
export function createDeviceHistory(ctx: StoreContext) {
  const { db } = ctx;
  return {
    /** The reading the device's row shows (its newest by read time). */
    latestReading(deviceId: string): StoredReading | undefined {
      return ctx.read(() => {
        const r = db
          .query<ReadingRow, [string]>("SELECT r.* FROM devices d JOIN readings r ON r.id = d.last_reading_id WHERE d.id = ?")
          .get(deviceId);
        return r ? storedReadingOf(r) : undefined;
      });
    },

    /** The addresses the device was read at, first seen first (at most MAX_ADDRESSES). */
    addressHistory(deviceId: string): AddressSeen[] {
      return ctx.read(() =>
        db
          .query<{ address: string; first: number; last: number; n: number }, [string]>(
            `SELECT address, min(read_at) AS first, max(read_at) AS last, count(*) AS n FROM readings WHERE device_id = ?
             GROUP BY address ORDER BY first, address LIMIT ${MAX_ADDRESSES}`,
          )
          .all(deviceId)
          .map((r) => ({ address: r.address, firstSeen: new Date(r.first), lastSeen: new Date(r.last), readings: r.n })),
      );
    },

    /** A page of the device's readings, newest first, and how many it has. */
    readingPage(deviceId: string, limit: number, offset: number): { readings: StoredReading[]; total: number } {
      return ctx.read(() => {
        const total = db.query<{ n: number }, [string]>("SELECT count(*) AS n FROM readings WHERE device_id = ?").get(deviceId)?.n ?? 0;
        const rows = db
          .query<ReadingRow, [string, number, number]>(
            "SELECT * FROM readings WHERE device_id = ? ORDER BY read_at DESC, received_at DESC, rowid DESC LIMIT ? OFFSET ?",
          )
          .all(deviceId, limit, offset);
        return { readings: rows.map(storedReadingOf), total };
      });
    },

    /**
     * The counters of the last reading of each day with a reading, read in [sinceMs, untilMs),
     * days running from midnight at `offsetMs` from UTC; oldest first.
     */
    meterDays(deviceId: string, sinceMs: number, untilMs: number, offsetMs: number): MeterDay[] {
      return ctx.read(() =>
        db
          // SQLite takes the bare columns of a max() group from the row holding the maximum.
          .query<{ id: string; read_at: number; data: Uint8Array; day: number }, [number, string, number, number]>(
            `SELECT id, max(read_at) AS read_at, data, (read_at + ?1) / ${DAY_MS} AS day FROM readings
             WHERE device_id = ?2 AND read_at >= ?3 AND read_at < ?4 GROUP BY day ORDER BY day`,
          )
          .all(offsetMs, deviceId, sinceMs, untilMs)
          .map((r) => ({ dayStartMs: r.day * DAY_MS, readingId: r.id, readAt: new Date(r.read_at), counters: countersOf(r.data) })),
      );
    },
  };
}
