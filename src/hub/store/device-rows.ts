/**
 * A devices row as listings read it (with its reading and flag counts) and
 * its summary: shared by the plain listings (devices.ts) and the paged,
 * filtered query (device-query.ts), so both show a device the same way.
 */
import { optDate } from "./store-context.ts";
import type { DeviceSummary } from "./types.ts";

/** A devices row with its counts, as DEVICE_SELECT gives it. */
export interface DeviceRow {
  id: string;
  site_id: string;
  vendor: string;
  model: string;
  serial_number: string;
  mac_address: string;
  address: string;
  last_read_at: number | null;
  last_reading_id: string | null;
  total_pages: string | null;
  lowest_supply_description: string | null;
  lowest_supply_percent: number | null;
  status: string;
  reading_count: number;
  flag_count: number;
}

/** Devices with their reading and flag counts; add a WHERE clause over `d`. */
export const DEVICE_SELECT = `SELECT d.*,
  (SELECT count(*) FROM readings r WHERE r.device_id = d.id) AS reading_count,
  (SELECT count(*) FROM counter_flags f WHERE f.device_id = d.id) AS flag_count
  FROM devices d`;

/** The summary listings show of a row. */
export const toSummary = (r: DeviceRow): DeviceSummary => ({
  id: r.id,
  siteId: r.site_id,
  vendor: r.vendor,
  model: r.model,
  serialNumber: r.serial_number,
  macAddress: r.mac_address,
  address: r.address,
  lastReadAt: optDate(r.last_read_at),
  totalPages: r.total_pages === null ? undefined : Number(r.total_pages),
  lowestSupply:
    r.lowest_supply_percent === null ? undefined : { description: r.lowest_supply_description ?? "", percent: r.lowest_supply_percent },
  status: r.status,
  readingCount: r.reading_count,
  flags: r.flag_count,
});
