/**
 * Which device a reading belongs to. A printer keeps one identity across IP
 * changes: it is found by serial number first, then by MAC, and by address
 * only while the known device has neither (a device at an address that
 * later shows a serial is the same one, now identified better).
 */
import type { DeviceReading } from "../../gen/dca/v1/reading_pb.ts";
import { CounterKind } from "../../gen/dca/v1/reading_pb.ts";
import type { Database } from "bun:sqlite";
import { inError, worstSupply } from "./device-condition.ts";
import { newId } from "./ids.ts";

/** The identity columns of a devices row. */
export interface DeviceIdentityRow {
  id: string;
  serial_key: string;
  mac_key: string;
  last_read_at: number | null;
}

/** A serial number as compared: trimmed, case-insensitive. */
export const serialKey = (serial: string): string => serial.trim().toLowerCase();

/** A MAC as compared: 12 lower-case hex digits, whatever the separators; empty when absent or all zeros. */
export function macKey(mac: string): string {
  const hex = mac.toLowerCase().replace(/[^0-9a-f]/g, "");
  return hex.length === 12 && !/^0+$/.test(hex) ? hex : "";
}

const COLUMNS = "id, serial_key, mac_key, last_read_at";

/** Finds the site's device that a reading belongs to, or undefined for a new device. */
export function findDevice(db: Database, siteId: string, r: DeviceReading): DeviceIdentityRow | undefined {
  const serial = serialKey(r.serialNumber);
  const mac = macKey(r.macAddress);
  if (serial) {
    const d = db
      .query<DeviceIdentityRow, [string, string]>(`SELECT ${COLUMNS} FROM devices WHERE site_id = ? AND serial_key = ? AND serial_key <> '' ORDER BY last_read_at DESC LIMIT 1`)
      .get(siteId, serial);
    if (d) return d;
  }
  if (mac) {
    // A device with another serial behind the same MAC is another device (a moved network card), not this one.
    const d = db
      .query<DeviceIdentityRow, [string, string, string]>(
        `SELECT ${COLUMNS} FROM devices WHERE site_id = ? AND mac_key = ? AND mac_key <> '' AND (serial_key = '' OR ? = '') ORDER BY last_read_at DESC LIMIT 1`,
      )
      .get(siteId, mac, serial);
    if (d) return d;
  }
  if (!r.address) return undefined;
  return (
    db
      .query<DeviceIdentityRow, [string, string]>(
        `SELECT ${COLUMNS} FROM devices WHERE site_id = ? AND address = ? AND serial_key = '' AND mac_key = '' ORDER BY last_read_at DESC LIMIT 1`,
      )
      .get(siteId, r.address) ?? undefined
  );
}

/** Adds a device for a reading that matched none; its fields are filled by `applyReading`. */
export function createDevice(db: Database, siteId: string, nowMs: number): DeviceIdentityRow {
  const id = newId("dev");
  db.run("INSERT INTO devices (id, site_id, created_at) VALUES (?, ?, ?)", [id, siteId, nowMs]);
  return { id, serial_key: "", mac_key: "", last_read_at: null };
}

/**
 * Makes `r` the device's latest reading if it is newer than the one the
 * device shows: a late, older reading is stored but changes nothing here.
 * An empty serial or MAC (a failed identity read) keeps the known one.
 */
export function applyReading(db: Database, device: DeviceIdentityRow, readingId: string, readAtMs: number, r: DeviceReading): void {
  if (device.last_read_at !== null && readAtMs < device.last_read_at) return;
  const s = summarise(r);
  const supply = worstSupply(r);
  db.run(
    `UPDATE devices SET
       vendor = CASE WHEN ?1 <> '' THEN ?1 ELSE vendor END,
       model = CASE WHEN ?2 <> '' THEN ?2 ELSE model END,
       serial_number = CASE WHEN ?3 <> '' THEN ?3 ELSE serial_number END,
       serial_key = CASE WHEN ?4 <> '' THEN ?4 ELSE serial_key END,
       mac_address = CASE WHEN ?6 <> '' THEN ?5 ELSE mac_address END,
       mac_key = CASE WHEN ?6 <> '' THEN ?6 ELSE mac_key END,
       address = ?7, last_read_at = ?8, last_reading_id = ?9, total_pages = ?10,
       lowest_supply_description = ?11, lowest_supply_percent = ?12, status = ?13,
       supply_state = ?15, supply_state_description = ?16,
       error_since = CASE WHEN ?17 = 0 THEN NULL ELSE coalesce(error_since, ?8) END
     WHERE id = ?14`,
    [
      r.vendor,
      r.model,
      r.serialNumber.trim(),
      serialKey(r.serialNumber),
      r.macAddress,
      macKey(r.macAddress),
      r.address,
      readAtMs,
      readingId,
      s.totalPages ?? null,
      s.lowestSupply?.description ?? null,
      s.lowestSupply?.percent ?? null,
      s.status,
      device.id,
      supply.state,
      supply.description,
      inError(r) ? 1 : 0,
    ],
  );
}

/** What listings show of a reading: total pages, the lowest supply, the status in words. */
export function summarise(r: DeviceReading): {
  totalPages?: string;
  lowestSupply?: { description: string; percent: number };
  status: string;
} {
  const total = r.counters.find((c) => c.kind === CounterKind.TOTAL);
  let lowest: { description: string; percent: number } | undefined;
  for (const s of r.supplies) {
    // Only really known levels count: a supply without percent is a state, never a number.
    if (s.percent === undefined || !Number.isFinite(s.percent)) continue;
    if (!lowest || s.percent < lowest.percent) lowest = { description: s.description || s.color || `supply ${s.index}`, percent: s.percent };
  }
  const st = r.status;
  const status = st ? [st.deviceStatus, st.printerStatus, ...st.detectedErrors].filter(Boolean).join(", ") : "";
  return { totalPages: total?.value.toString(), lowestSupply: lowest, status };
}
