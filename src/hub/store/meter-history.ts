/**
 * What a billing export needs of a device's readings, without reading them
 * all: a device read hourly has 744 readings a month, and only a few say
 * anything about the period's meters. Those are the readings on either side
 * of each boundary, and each reading where a meter went down (the reading
 * writer flagged it "backwards" when it arrived) with the reading before it
 * and, for each meter that went down there, the last earlier reading that
 * carried it (the one the writer compared with: the reading just before may
 * have missed the meter); between them every meter only went up, so the sum
 * of the increases over these readings is the sum over all of them.
 * src/hub/billing computes.
 */
import { fromBinary } from "@bufbuild/protobuf";
import { type Counter, DeviceReadingSchema } from "../../gen/dca/v1/reading_pb.ts";
import { LOOKBACK_READINGS, inLookback } from "./counter-flags.ts";
import type { StoreContext } from "./store-context.ts";

/** Readings looked at on each side of each boundary (a read that missed a counter is passed over). */
export const BOUNDARY_READINGS = 3;
/** Readings where a meter went down that one device's export follows; beyond it the export says so. */
export const MAX_RESETS_FOLLOWED = 200;
/** A device at the same site and address counts as a replacement when read again within this gap. */
export const REPLACEMENT_GAP_MS = 31 * 86_400_000;

/** A device as an export names it. */
export interface MeterDevice {
  id: string;
  siteId: string;
  vendor: string;
  model: string;
  serialNumber: string;
  /** The address it was last read at. */
  address: string;
}

/** One reading's meters. */
export interface MeterReading {
  id: string;
  readAt: Date;
  address: string;
  counters: Counter[];
}

/** A device at the same site and address that ended just before this one began (or began just after it ended). */
export interface MeterNeighbour {
  deviceId: string;
  serialNumber: string;
  /** Its last reading (for a predecessor) or its first (for a successor). */
  at: Date;
}

/** A meter that jumped further than the device could print (a flag of the reading writer). */
export interface MeterJump {
  readingId: string;
  at: Date;
  /** The counter's name, or its OID when it has none (as flagged). */
  name: string;
  kind: number;
  previous: bigint;
  value: bigint;
}

/** One device's readings as billing needs them for a period [start, end). */
export interface DeviceMeterHistory {
  device: MeterDevice;
  /** Oldest first: the readings around each boundary, and each reading where a meter went down with the one before it. */
  readings: MeterReading[];
  /** Readings taken in [start, end). */
  readingsInPeriod: number;
  /** More resets than MAX_RESETS_FOLLOWED: the difference may be wrong. */
  resetsTruncated: boolean;
  jumps: MeterJump[];
  /** When the device began in the period: the device it took over from. */
  predecessor?: MeterNeighbour;
  /** When it ended in the period: the device that took over. */
  successor?: MeterNeighbour;
}

/** A billing period: meters at `start` and at `end`. */
export interface MeterPeriod {
  start: Date;
  end: Date;
}

/** Where a page of devices starts: after this one, in (site id, device id) order. */
export interface MeterCursor {
  siteId: string;
  deviceId: string;
}

interface Row {
  id: string;
  read_at: number;
  address: string;
  data: Uint8Array;
}

const READING = "SELECT id, read_at, address, data FROM readings WHERE device_id = ?";
const toMeterReading = (r: Row): MeterReading => ({
  id: r.id,
  readAt: new Date(r.read_at),
  address: r.address,
  counters: fromBinary(DeviceReadingSchema, r.data).counters,
});
// A meter as a counter flag names it: kind, and its name or else its OID.
const meterId = (kind: number, name: string) => `${kind}\u0000${name}`;

/** The meter-export methods of the store. */
export function createMeterHistory(ctx: StoreContext) {
  const { db } = ctx;
  const atOrBefore = db.query<Row, [string, number, number]>(`${READING} AND read_at <= ? ORDER BY read_at DESC, received_at DESC, rowid DESC LIMIT ?`);
  const before = db.query<Row, [string, number, number]>(`${READING} AND read_at < ? ORDER BY read_at DESC, received_at DESC, rowid DESC LIMIT ?`);
  const after = db.query<Row, [string, number, number]>(`${READING} AND read_at > ? ORDER BY read_at, received_at, rowid LIMIT ?`);
  const byId = db.query<Row, [string]>("SELECT id, read_at, address, data FROM readings WHERE id = ?");

  /**
   * The reading just before a reset reading `r` and, for each of `meters` (that went down at `r`), the
   * last reading before it that carried the meter, looking back as far as the reading writer did.
   */
  function beforeReset(deviceId: string, r: Row, meters: ReadonlySet<string>): Row[] {
    const missing = new Set(meters);
    const out: Row[] = [];
    let index = 0;
    for (const p of before.iterate(deviceId, r.read_at, LOOKBACK_READINGS)) {
      if (!inLookback(r.read_at, p.read_at, index++)) break;
      let carries = false;
      for (const c of fromBinary(DeviceReadingSchema, p.data).counters) carries = missing.delete(meterId(c.kind, c.name || c.oid)) || carries;
      if (index === 1 || carries) out.push(p);
      if (missing.size === 0) break;
    }
    return out;
  }

  /** A device at the site and address whose readings stop (or start) within the replacement gap of `at`. */
  function neighbour(device: MeterDevice, address: string, at: number, side: "before" | "after"): MeterNeighbour | undefined {
    const candidates = db
      .query<{ id: string; serial_number: string }, [string, string, string]>("SELECT id, serial_number FROM devices WHERE site_id = ? AND address = ? AND id <> ?")
      .all(device.siteId, address, device.id);
    let best: MeterNeighbour | undefined;
    for (const c of candidates) {
      const edge = side === "before" ? atOrBefore.get(c.id, Number.MAX_SAFE_INTEGER, 1) : after.get(c.id, Number.MIN_SAFE_INTEGER, 1);
      if (!edge) continue;
      const gap = side === "before" ? at - edge.read_at : edge.read_at - at;
      if (gap < 0 || gap > REPLACEMENT_GAP_MS) continue;
      if (!best || Math.abs(best.at.getTime() - at) > gap) best = { deviceId: c.id, serialNumber: c.serial_number, at: new Date(edge.read_at) };
    }
    return best;
  }

  return {
    listMeterDevices(opts: { siteIds: readonly string[] | "all"; deviceId?: string; after?: MeterCursor; limit: number }): MeterDevice[] {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (opts.siteIds !== "all") {
        if (opts.siteIds.length === 0) return [];
        where.push(`site_id IN (${opts.siteIds.map(() => "?").join(", ")})`);
        params.push(...opts.siteIds);
      }
      if (opts.deviceId !== undefined) (where.push("id = ?"), params.push(opts.deviceId));
      if (opts.after) (where.push("(site_id > ? OR (site_id = ? AND id > ?))"), params.push(opts.after.siteId, opts.after.siteId, opts.after.deviceId));
      const sql = `SELECT id, site_id, vendor, model, serial_number, address FROM devices ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY site_id, id LIMIT ?`;
      return ctx.read(() =>
        db
          .query<{ id: string; site_id: string; vendor: string; model: string; serial_number: string; address: string }, (string | number)[]>(sql)
          .all(...params, Math.max(1, Math.trunc(opts.limit)))
          .map((d) => ({ id: d.id, siteId: d.site_id, vendor: d.vendor, model: d.model, serialNumber: d.serial_number, address: d.address })),
      );
    },

    meterHistory(device: MeterDevice, period: MeterPeriod): DeviceMeterHistory | undefined {
      const [start, end] = [period.start.getTime(), period.end.getTime()];
      // One read transaction: the readings of one device come from one snapshot.
      return ctx.read(() =>
        db.transaction(() => {
          const readingsInPeriod =
            db.query<{ n: number }, [string, number, number]>("SELECT count(*) AS n FROM readings WHERE device_id = ? AND read_at >= ? AND read_at < ?").get(device.id, start, end)?.n ?? 0;
          const rows = new Map<string, Row>();
          const keep = (list: Row[]) => list.forEach((r) => rows.set(r.id, r));
          const startBefore = atOrBefore.all(device.id, start, BOUNDARY_READINGS);
          const endBefore = atOrBefore.all(device.id, end, BOUNDARY_READINGS);
          const endAfter = after.all(device.id, end, BOUNDARY_READINGS);
          // Read in the period, or on both sides of it (a device not reached for the whole period): else not billed here.
          const bothSides = startBefore.length > 0 && (endAfter.length > 0 || endBefore[0]?.read_at === end);
          if (readingsInPeriod === 0 && !bothSides) return undefined;
          keep(startBefore);
          keep(after.all(device.id, start, BOUNDARY_READINGS));
          keep(endBefore);
          keep(endAfter);

          const flags = db
            .query<{ reading_id: string; reason: string; kind: number; name: string; previous: string; value: string; at: number }, [string, number, number]>(
              "SELECT reading_id, reason, kind, name, previous, value, at FROM counter_flags WHERE device_id = ? AND at > ? AND at <= ? ORDER BY at, id",
            )
            .all(device.id, start, end);
          // Each reading where a meter went down, with the meters that did.
          const resets = new Map<string, Set<string>>();
          for (const f of flags) if (f.reason === "backwards") resets.set(f.reading_id, (resets.get(f.reading_id) ?? new Set()).add(meterId(f.kind, f.name)));
          for (const [id, meters] of [...resets].slice(0, MAX_RESETS_FOLLOWED)) {
            const r = byId.get(id);
            if (!r) continue;
            rows.set(r.id, r);
            keep(beforeReset(device.id, r, meters));
          }
          const readings = [...rows.values()].sort((x, y) => x.read_at - y.read_at).map(toMeterReading);
          const jumps = flags
            .filter((f) => f.reason === "jump")
            .map((f) => ({ readingId: f.reading_id, at: new Date(f.at), name: f.name, kind: f.kind, previous: BigInt(f.previous), value: BigInt(f.value) }));
          const first = startBefore.length === 0 ? readings[0] : undefined;
          const last = endAfter.length === 0 && endBefore[0]?.read_at !== end ? readings.at(-1) : undefined;
          return {
            device,
            readings,
            readingsInPeriod,
            resetsTruncated: resets.size > MAX_RESETS_FOLLOWED,
            jumps,
            predecessor: first && neighbour(device, first.address, first.readAt.getTime(), "before"),
            successor: last && neighbour(device, last.address, last.readAt.getTime(), "after"),
          };
        })(),
      );
    },
  };
}
