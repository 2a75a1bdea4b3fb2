/**
 * The devices table as the portal pages it at 10,000 devices: filters,
 * sorting and paging in SQL on the denormalized devices columns (what the
 * newest reading left there), so no reading is opened. A page is found in
 * two steps: the ordered ids of the page (one query, or for an address sort
 * the ids and addresses of every match sorted here: SQL cannot sort
 * "10.0.0.9" before "10.0.0.10"), then those rows with their reading and
 * flag counts (counting readings is the costly part; only a page pays it).
 */
import { type DeviceHealthName, healthRankSql, healthSql } from "./device-health.ts";
import { type DeviceRow, DEVICE_SELECT, toSummary } from "./device-rows.ts";
import type { StoreContext } from "./store-context.ts";
import type { DeviceSummary } from "./types.ts";

/** The sort keys of a device listing ("default": site name, then address, as "site" is). */
export const DEVICE_SORTS = ["default", "site", "vendor", "model", "serial", "address", "lastRead", "totalPages", "lowestSupply", "status", "flags", "mac"] as const;
export type DeviceSortKey = (typeof DEVICE_SORTS)[number];

/** Which devices a listing shows and in what order. */
export interface DeviceQuery {
  /** The sites to look in: every one, or these ids (none: nothing matches). */
  sites: "all" | readonly string[];
  sort?: DeviceSortKey;
  descending?: boolean;
  /** Exact, any letter case. */
  vendor?: string;
  model?: string;
  health?: DeviceHealthName;
  /** Lowest known supply at or below this percent. */
  supplyBelowPercent?: number;
  /** Contained in serial, address, model, vendor, MAC (any separators) or id; any letter case. */
  search?: string;
  /** At most this many (undefined: every match). */
  limit?: number;
  offset?: number;
}

/** One value of a filter and how many devices have it. */
export interface Facet {
  value: string;
  count: number;
}

/** The most distinct values a facet lists. */
export const MAX_FACET_VALUES = 200;

// Sort expressions over `d` (devices) and `s` (sites); column names are ours, never input.
const SORT_SQL: Record<Exclude<DeviceSortKey, "default" | "site" | "address">, string[]> = {
  vendor: ["d.vendor COLLATE NOCASE"],
  model: ["d.model COLLATE NOCASE"],
  serial: ["d.serial_number COLLATE NOCASE"],
  mac: ["d.mac_key"],
  lastRead: ["d.last_read_at"],
  totalPages: ["CAST(d.total_pages AS INTEGER)"],
  lowestSupply: ["d.lowest_supply_percent"],
  status: [healthRankSql("d.status"), "d.status COLLATE NOCASE"],
  flags: ["(SELECT count(*) FROM counter_flags f WHERE f.device_id = d.id)"],
};
// Rows without the value (NULL, or an empty text) go last in either direction.
const MISSING_SQL: Partial<Record<DeviceSortKey, string>> = {
  vendor: "d.vendor = ''",
  model: "d.model = ''",
  serial: "d.serial_number = ''",
  mac: "d.mac_key = ''",
  lastRead: "d.last_read_at IS NULL",
  totalPages: "d.total_pages IS NULL",
  lowestSupply: "d.lowest_supply_percent IS NULL",
  status: "d.status = ''",
};

const likeTerm = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The WHERE clause of a query (site scope and filters) and its parameters. */
export function deviceWhere(q: Omit<DeviceQuery, "sort" | "descending" | "limit" | "offset">): { where: string; params: (string | number)[] } {
  const clauses: string[] = [];
  const params: (string | number)[] = [];
  if (q.sites !== "all") {
    clauses.push(q.sites.length ? `d.site_id IN (${q.sites.map(() => "?").join(", ")})` : "0");
    params.push(...q.sites);
  }
  if (q.vendor) clauses.push("d.vendor = ? COLLATE NOCASE"), params.push(q.vendor);
  if (q.model) clauses.push("d.model = ? COLLATE NOCASE"), params.push(q.model);
  if (q.health) clauses.push(`${healthSql("d.status")} = ?`), params.push(q.health);
  if (q.supplyBelowPercent !== undefined) clauses.push("d.lowest_supply_percent <= ?"), params.push(q.supplyBelowPercent);
  const search = q.search?.trim();
  if (search) {
    const like = likeTerm(search);
    const fields = ["d.serial_number", "d.address", "d.model", "d.vendor", "d.mac_address"].map((c) => `${c} LIKE ? ESCAPE '\\'`);
    params.push(like, like, like, like, like);
    // A MAC typed with other separators (or none) still finds the device.
    const hex = search.toLowerCase().replace(/[^0-9a-f]/g, "");
    if (hex.length >= 4 && /^[0-9a-f:.\- ]+$/i.test(search)) fields.push("d.mac_key LIKE ?"), params.push(`%${hex}%`);
    fields.push("d.id = ?"), params.push(search);
    clauses.push(`(${fields.join(" OR ")})`);
  }
  return { where: clauses.length ? `WHERE ${clauses.join(" AND ")}` : "", params };
}

/** An address as it sorts: IPv4 numerically (then the port), anything else after, as text. */
export function addressSortKey(address: string): string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?::(\d{1,5}))?$/.exec(address);
  if (!m) return `1${address.toLowerCase()}`;
  const pad = (s: string | undefined, n: number) => (s ?? "").padStart(n, "0");
  return `0${pad(m[1], 3)}.${pad(m[2], 3)}.${pad(m[3], 3)}.${pad(m[4], 3)}:${pad(m[5], 5)}`;
}

/** The query methods of the store. */
export function createDeviceQuery(ctx: StoreContext) {
  const { db } = ctx;

  /** The ids of the page, in order. */
  function pageIds(q: DeviceQuery, where: string, params: (string | number)[]): string[] {
    const sort = q.sort ?? "default";
    const offset = Math.max(0, Math.trunc(q.offset ?? 0));
    const limit = q.limit === undefined ? -1 : Math.max(0, Math.trunc(q.limit));
    if (sort === "default" || sort === "site" || sort === "address") {
      // Sorted here: SQL would put "10.0.0.10" before "10.0.0.9". By site name, then address; or by address alone.
      const rows = db
        .query<{ id: string; site: string; address: string }, (string | number)[]>(`SELECT d.id, lower(s.name) AS site, d.address FROM devices d JOIN sites s ON s.id = d.site_id ${where}`)
        .all(...params);
      const bySite = sort !== "address";
      const keyed = rows.map((r) => ({ id: r.id, site: bySite ? r.site : "", key: addressSortKey(r.address), missing: r.address === "" }));
      const dir = q.descending ? -1 : 1;
      const cmp = (a: string, b: string) => (a < b ? -dir : a > b ? dir : 0);
      keyed.sort((a, b) => cmp(a.site, b.site) || Number(a.missing) - Number(b.missing) || cmp(a.key, b.key) || (a.id < b.id ? -1 : 1));
      return keyed.slice(offset, limit < 0 ? undefined : offset + limit).map((r) => r.id);
    }
    const dir = q.descending ? "DESC" : "ASC";
    const order = SORT_SQL[sort].map((e) => `${e} ${dir}`).join(", ");
    // (A bare integer in ORDER BY names a column: a sort without missing values has no such term.)
    const missing = MISSING_SQL[sort] ? `${MISSING_SQL[sort]}, ` : "";
    const sql = `SELECT d.id FROM devices d JOIN sites s ON s.id = d.site_id ${where} ORDER BY ${missing}${order}, d.id LIMIT ? OFFSET ?`;
    return db.query<{ id: string }, (string | number)[]>(sql).all(...params, limit, offset).map((r) => r.id);
  }

  return {
    /** The devices of a page, in order, and how many match. */
    queryDevices(q: DeviceQuery): { devices: DeviceSummary[]; total: number } {
      return ctx.read(() => {
        const { where, params } = deviceWhere(q);
        const total = db.query<{ n: number }, (string | number)[]>(`SELECT count(*) AS n FROM devices d ${where}`).get(...params)?.n ?? 0;
        const ids = total === 0 ? [] : pageIds(q, where, params);
        if (ids.length === 0) return { devices: [], total };
        const rows = new Map<string, DeviceSummary>();
        // In chunks: SQLite bounds the parameters of one statement.
        for (let i = 0; i < ids.length; i += 500) {
          const chunk = ids.slice(i, i + 500);
          for (const r of db.query<DeviceRow, string[]>(`${DEVICE_SELECT} WHERE d.id IN (${chunk.map(() => "?").join(", ")})`).all(...chunk)) rows.set(r.id, toSummary(r));
        }
        return { devices: ids.map((id) => rows.get(id)).filter((d): d is DeviceSummary => d !== undefined), total };
      });
    },

    /** Vendors and models of the devices in `sites` (most common first, at most MAX_FACET_VALUES each). */
    deviceFacets(sites: DeviceQuery["sites"]): { vendors: Facet[]; models: Facet[] } {
      return ctx.read(() => {
        const { where, params } = deviceWhere({ sites });
        const facet = (col: string) =>
          db
            .query<Facet, (string | number)[]>(
              `SELECT min(d.${col}) AS value, count(*) AS count FROM devices d ${where}${where ? " AND" : " WHERE"} d.${col} <> '' GROUP BY d.${col} COLLATE NOCASE ORDER BY count DESC, value LIMIT ${MAX_FACET_VALUES}`,
            )
            .all(...params);
        return { vendors: facet("vendor"), models: facet("model") };
      });
    },
  };
}
