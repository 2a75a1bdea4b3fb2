/**
 * The printer's IEEE 1284 device ID ("MFG:Brother;CMD:PJL;MDL:HL-L3270CDW
 * series;CLS:PRINTER;"): what the printer tells a host about itself, so it
 * names the printer even where sysDescr names only its network card. Read
 * only when neither the profile nor hrDeviceDescr gives a model.
 */
import type { SnmpSession, VarBind } from "../snmp/session.ts";
import { isException } from "../snmp/session.ts";
import { textOf } from "./values.ts";

/** ppmPrinterIEEE1284DeviceId (PWG Port Monitor MIB, PWG 5107.1), indexed by ppmPrinterIndex. */
export const PPM_DEVICE_ID_COLUMN = "1.3.6.1.4.1.2699.1.2.1.2.1.1.3";

/**
 * Vendor OIDs that carry the same string: HP's gdStatusId (also answered by
 * OKI and Zebra print servers) and Brother's copy of it under its own arc.
 */
export const VENDOR_DEVICE_ID_OIDS = ["1.3.6.1.4.1.11.2.3.9.1.1.7.0", "1.3.6.1.4.1.2435.2.3.9.1.1.7.0"] as const;

/** The keys of a device ID, upper-cased, with their values ("MDL" -> "HL-L3270CDW series"). */
export function parseDeviceId(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(";")) {
    const colon = part.indexOf(":");
    if (colon <= 0) continue;
    const key = part.slice(0, colon).trim().toUpperCase();
    const value = part.slice(colon + 1).trim();
    if (value && !out.has(key)) out.set(key, value);
  }
  return out;
}

/** The model a device ID names: `MDL`, or the long form `MODEL` (OKI writes that). */
export function modelOfDeviceId(text: string): string {
  const keys = parseDeviceId(text);
  return keys.get("MDL") ?? keys.get("MODEL") ?? "";
}

/**
 * The first device ID that names a model, from values already read or one
 * GET of the candidates (ppmPrinterIEEE1284DeviceId at the printer's
 * hrDeviceIndex and at 1, then the vendor OIDs). A device that answers none
 * of them, or fails the GET, gives "".
 */
export async function readDeviceId(session: SnmpSession, known: Map<string, VarBind>, printerIndex: string): Promise<string> {
  const ppm = [...new Set([printerIndex, "1"].filter(Boolean))].map((i) => `${PPM_DEVICE_ID_COLUMN}.${i}`);
  const candidates = [...ppm, ...VENDOR_DEVICE_ID_OIDS];
  const values = new Map(candidates.flatMap((oid) => (known.has(oid) ? [[oid, known.get(oid)!] as const] : [])));
  const missing = candidates.filter((oid) => !values.has(oid));
  if (missing.length) {
    try {
      for (const vb of await session.get(missing)) if (!isException(vb)) values.set(vb.oid, vb);
    } catch {
      // The ID only refines the model; a device that cannot answer keeps the fallback.
    }
  }
  for (const oid of candidates) {
    const text = textOf(values.get(oid));
    if (modelOfDeviceId(text)) return text;
  }
  return "";
}
