/**
 * Storing uploaded readings. A batch is one transaction; the reading id is
 * the primary key, so an upload that is retried (the acknowledgement was
 * lost) stores nothing twice and is acknowledged again.
 */
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { OutboxReading } from "../../gen/dca/v1/agent_service_pb.ts";
import { type DeviceReading, DeviceReadingSchema } from "../../gen/dca/v1/reading_pb.ts";
import { ID_PATTERN } from "../../common/wire-limits.ts";
import { type EarlierReading, type KnownCounter, LOOKBACK_READINGS, compareCounters, lastKnownCounters } from "./counter-flags.ts";
import { applyReading, createDevice, findDevice } from "./device-identity.ts";
import type { StoreContext } from "./store-context.ts";
import { StoreError } from "./store-error.ts";
import type { Agent, CounterFlag, StoreReadingsResult } from "./types.ts";

/** How far ahead of the hub an agent's clock may be before its read times are not believed. */
export const MAX_CLOCK_AHEAD_MS = 5 * 60_000;

/**
 * When the reading was taken. A time from the future (an agent clock far
 * ahead) would make every later reading look older and freeze the device's
 * listing, so such a reading is dated when it arrived instead.
 */
function readTime(r: DeviceReading, receivedAt: number): number {
  const t = r.readAt ? timestampMs(r.readAt) : receivedAt;
  return t > receivedAt + MAX_CLOCK_AHEAD_MS ? receivedAt : t;
}

/** The reading-upload method of the store. */
export function createReadingWriter(ctx: StoreContext) {
  const { db } = ctx;
  // Newest first; one range scan of the readings_device index, read only as far as the look back goes.
  const earlier = db.query<{ data: Uint8Array; read_at: number }, [string, number, number]>(
    "SELECT data, read_at FROM readings WHERE device_id = ? AND read_at <= ? ORDER BY read_at DESC, received_at DESC, rowid DESC LIMIT ?",
  );

  return {
    storeReadings(agent: Agent, readings: OutboxReading[]): StoreReadingsResult {
      return ctx.write(() => {
        // The site comes from the database, not from the object handed in.
        const row = db.query<{ site_id: string }, [string]>("SELECT site_id FROM agents WHERE id = ?").get(agent.id);
        if (!row) throw new StoreError("not-found", `unknown agent "${agent.id}"`);
        const siteId = row.site_id;
        const receivedAt = ctx.now().getTime();
        const result: StoreReadingsResult = { acknowledgedIds: [], stored: 0, storedBytes: 0, duplicates: 0, conflicts: 0, flags: [] };

        for (const o of readings) {
          if (!ID_PATTERN.test(o.id) || !o.reading) continue;
          const held = db.query<{ site_id: string }, [string]>("SELECT site_id FROM readings WHERE id = ?").get(o.id);
          if (held) {
            // Another site's row is not this agent's to confirm (nor to overwrite).
            if (held.site_id === siteId) {
              result.duplicates++;
              result.acknowledgedIds.push(o.id);
            } else result.conflicts++;
            continue;
          }
          const r = o.reading;
          const readAt = readTime(r, receivedAt);
          const device = findDevice(db, siteId, r) ?? createDevice(db, siteId, receivedAt);
          // Before the insert: the new reading is not its own predecessor. A reading older than the
          // newest (arriving late) is compared with those before it, as it was taken.
          const known = lastKnownCounters(r, readAt, earlierReadings(earlier.iterate(device.id, readAt, LOOKBACK_READINGS)));
          const data = toBinary(DeviceReadingSchema, r);
          db.run(
            `INSERT INTO readings (id, device_id, agent_id, site_id, seq, task_id, read_at, received_at, address, data)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            [o.id, device.id, agent.id, siteId, Number(o.seq), o.taskId, readAt, receivedAt, r.address, data],
          );
          result.storedBytes += data.length;
          result.flags.push(...flagCounters(ctx, siteId, device.id, o.id, readAt, known, r));
          applyReading(db, device, o.id, readAt, r);
          result.stored++;
          result.acknowledgedIds.push(o.id);
        }
        db.run("UPDATE agents SET readings_received = readings_received + ? WHERE id = ?", [result.stored, agent.id]);
        return result;
      });
    },
  };
}

/** Rows as the counter look back takes them: each decoded only when it is looked at. */
function* earlierReadings(rows: Iterable<{ data: Uint8Array; read_at: number }>): Generator<EarlierReading> {
  for (const row of rows) yield { readAt: row.read_at, decode: () => fromBinary(DeviceReadingSchema, row.data) };
}

function flagCounters(
  ctx: StoreContext,
  siteId: string,
  deviceId: string,
  readingId: string,
  readAt: number,
  known: ReadonlyMap<string, KnownCounter>,
  r: DeviceReading,
): CounterFlag[] {
  // `previous` is the meter's last known value, which may come from a reading before the one just
  // before (that one missed the meter); the export finds that reading by the meter's name.
  return compareCounters(known, r, readAt).map((c) => {
    ctx.db.run(
      "INSERT INTO counter_flags (device_id, site_id, reading_id, kind, name, previous, value, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      [deviceId, siteId, readingId, c.kind, c.name, c.previous.toString(), c.value.toString(), c.reason, readAt],
    );
    return { deviceId, siteId, readingId, kind: c.kind, name: c.name, previous: Number(c.previous), value: Number(c.value), reason: c.reason, at: new Date(readAt) };
  });
}
