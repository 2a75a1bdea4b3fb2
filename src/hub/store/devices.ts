/**
 * Read-only views over devices, readings and counter flags, for the admin
 * commands and later the web UI.
 */
import { fromBinary } from "@bufbuild/protobuf";
import { DeviceReadingSchema } from "../../gen/dca/v1/reading_pb.ts";
import type { StoreContext } from "./store-context.ts";
import type { CounterFlag, DeviceSummary, StoredReading } from "./types.ts";
import { type DeviceRow, DEVICE_SELECT, toSummary } from "./device-rows.ts";

/** A readings row with its reading decoded. */
export const storedReadingOf = (r: ReadingRow): StoredReading => ({
  id: r.id,
  deviceId: r.device_id,
  agentId: r.agent_id,
  siteId: r.site_id,
  seq: r.seq,
  taskId: r.task_id,
  readAt: new Date(r.read_at),
  receivedAt: new Date(r.received_at),
  address: r.address,
  reading: fromBinary(DeviceReadingSchema, r.data),
});

/** How many readings `listReadings` returns unless told otherwise. */
export const DEFAULT_READINGS_LIMIT = 100;

/** A row of the readings table as SQLite gives it. */
export interface ReadingRow {
  id: string;
  device_id: string;
  agent_id: string;
  site_id: string;
  seq: number;
  task_id: string;
  read_at: number;
  received_at: number;
  address: string;
  data: Uint8Array;
}

interface FlagRow {
  device_id: string;
  site_id: string;
  reading_id: string;
  kind: number;
  name: string;
  previous: string;
  value: string;
  reason: "backwards" | "jump";
  at: number;
}

const byAddress = (a: DeviceSummary, b: DeviceSummary) =>
  a.siteId.localeCompare(b.siteId) || a.address.localeCompare(b.address, "en", { numeric: true }) || a.id.localeCompare(b.id);

/** A WHERE clause matching each given column (undefined ones are left out); column names are ours, never input. */
function filters(columns: Record<string, string | undefined>): { where: string; params: string[] } {
  const given = Object.entries(columns).filter((e): e is [string, string] => e[1] !== undefined);
  return {
    where: given.length ? `WHERE ${given.map(([c]) => `${c} = ?`).join(" AND ")}` : "",
    params: given.map(([, v]) => v),
  };
}

/** The listing methods of the store. */
export function createDeviceViews(ctx: StoreContext) {
  const { db } = ctx;

  function devices(where: string, params: (string | number)[]): DeviceSummary[] {
    return ctx.read(() => db.query<DeviceRow, (string | number)[]>(`${DEVICE_SELECT} ${where}`).all(...params).map(toSummary).sort(byAddress));
  }

  return {
    listDevices(opts: { siteId?: string } = {}): DeviceSummary[] {
      return opts.siteId === undefined ? devices("", []) : devices("WHERE d.site_id = ?", [opts.siteId]);
    },

    getDevice(id: string): DeviceSummary | undefined {
      return devices("WHERE d.id = ?", [id])[0];
    },

    missedReads(opts: { olderThanMs: number; siteId?: string }): DeviceSummary[] {
      const cutoff = ctx.now().getTime() - opts.olderThanMs;
      const missed = "(d.last_read_at IS NULL OR d.last_read_at < ?)";
      return opts.siteId === undefined ? devices(`WHERE ${missed}`, [cutoff]) : devices(`WHERE ${missed} AND d.site_id = ?`, [cutoff, opts.siteId]);
    },

    listReadings(deviceId: string, opts: { limit?: number; since?: Date; until?: Date } = {}): StoredReading[] {
      const limit = Math.max(1, Math.trunc(opts.limit ?? DEFAULT_READINGS_LIMIT));
      // Unbounded ends are the widest times SQLite's integers hold, so one statement serves every window.
      const since = opts.since?.getTime() ?? Number.MIN_SAFE_INTEGER;
      const until = opts.until?.getTime() ?? Number.MAX_SAFE_INTEGER;
      return ctx.read(() =>
        db
          .query<ReadingRow, [string, number, number, number]>(
            "SELECT * FROM readings WHERE device_id = ? AND read_at >= ? AND read_at < ? ORDER BY read_at DESC, received_at DESC, rowid DESC LIMIT ?",
          )
          .all(deviceId, since, until, limit)
          .map(storedReadingOf),
      );
    },

    listCounterFlags(opts: { deviceId?: string; siteId?: string } = {}): CounterFlag[] {
      const { where, params } = filters({ device_id: opts.deviceId, site_id: opts.siteId });
      const sql = `SELECT * FROM counter_flags ${where} ORDER BY at DESC, id DESC`;
      return ctx.read(() =>
        db
          .query<FlagRow, string[]>(sql)
          .all(...params)
          .map((f) => ({
            deviceId: f.device_id,
            siteId: f.site_id,
            readingId: f.reading_id,
            kind: f.kind,
            name: f.name,
            previous: Number(f.previous),
            value: Number(f.value),
            reason: f.reason,
            at: new Date(f.at),
          })),
      );
    },

    countReadings(opts: { siteId?: string; agentId?: string } = {}): number {
      const { where, params } = filters({ site_id: opts.siteId, agent_id: opts.agentId });
      const sql = `SELECT count(*) AS n FROM readings ${where}`;
      return ctx.read(() => db.query<{ n: number }, string[]>(sql).get(...params)?.n ?? 0);
    },

    readingIds(opts: { agentId?: string } = {}): string[] {
      return ctx.read(() => {
        const rows =
          opts.agentId === undefined
            ? db.query<{ id: string }, []>("SELECT id FROM readings ORDER BY id").all()
            : db.query<{ id: string }, [string]>("SELECT id FROM readings WHERE agent_id = ? ORDER BY id").all(opts.agentId);
        return rows.map((r) => r.id);
      });
    },
  };
}
