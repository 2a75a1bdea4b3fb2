/**
 * ~HQOD (odometer): the "PRINT METERS" block. Each meter prints in the unit
 * set by ^MA: `8560 "` for inches or `21744 cm`; SGD-era firmware may print
 * both (`8516 INCHES, 21632 CENTIMETERS`). Values are kept in the units the
 * printer used; nothing is converted, so a counter stays exact.
 */
import { create } from "@bufbuild/protobuf";
import { type Counter, CounterKind, CounterSchema, CounterUnit } from "../../gen/dca/v1/reading_pb.ts";
import { cleanText } from "../../common/text.ts";
import { ZEBRA_RAW_PORT, etxCount, zebraRaw } from "./zebra-raw.ts";
import type { ZebraReadOptions } from "./host-status.ts";
import { ZebraError, showRaw } from "./zebra-error.ts";

/** Marker in Counter.oid for meters read with ~HQOD (they have no OID). */
export const ODOMETER_SOURCE = "zebra:~HQOD";

/** One meter line: its label and its value in each unit the printer printed. */
export interface ZebraMeter {
  /** The printer's label, cleaned ("USER RESETTABLE CNTR1"). */
  name: string;
  inches?: number;
  cm?: number;
}

/** ~HQOD decoded. */
export interface ZebraOdometer {
  /** TOTAL NONRESETTABLE in inches, when the printer reports inches. */
  totalNonResettableInches?: number;
  /** TOTAL NONRESETTABLE in centimetres, when the printer reports centimetres. */
  totalNonResettableCm?: number;
  /** The user resettable counters (CNTR1, CNTR2), in order. */
  resettable: ZebraMeter[];
  /** Other meter lines (LAST CLEANED, CURRENT PRINTHEAD LIFE...). */
  other: ZebraMeter[];
}

const MAX_DIGITS = 15; // stays a safe integer
const VALUE = new RegExp(
  String.raw`^(?:(\d{1,${MAX_DIGITS}})\s*(?:"|''|INCH(?:ES)?\b|IN\b)\s*,?\s*)?(?:(\d{1,${MAX_DIGITS}})\s*(?:CM|CENTIMETERS?)\b)?\s*$`,
  "i",
);

/** ~HQOD reply text -> meters. Throws `malformed` (quoting the reply) without a TOTAL NONRESETTABLE line. */
export function parseOdometer(reply: string): ZebraOdometer {
  const result: ZebraOdometer = { resettable: [], other: [] };
  let total: ZebraMeter | undefined;
  for (const line of reply.split(/\r\n|\r|\n/)) {
    const colon = line.indexOf(":");
    if (colon < 0) continue; // "PRINT METERS", blank lines, STX/ETX
    const name = cleanText(line.slice(0, colon), 64);
    const upper = name.toUpperCase();
    const m = VALUE.exec(cleanText(line.slice(colon + 1), 128));
    if (!m || (m[1] === undefined && m[2] === undefined)) {
      if (upper.includes("NONRESETTABLE")) throw new ZebraError("malformed", `~HQOD TOTAL NONRESETTABLE is not a length: ${showRaw(line)}`);
      continue;
    }
    const meter: ZebraMeter = { name };
    if (m[1] !== undefined) meter.inches = Number(m[1]);
    if (m[2] !== undefined) meter.cm = Number(m[2]);
    if (upper.includes("NONRESETTABLE")) {
      if (total) throw new ZebraError("malformed", `~HQOD reply has two TOTAL NONRESETTABLE lines: ${showRaw(reply)}`);
      total = meter;
    } else if (upper.includes("RESETTABLE")) result.resettable.push(meter);
    else result.other.push(meter);
  }
  if (!total) throw new ZebraError("malformed", `~HQOD reply has no TOTAL NONRESETTABLE line: ${showRaw(reply)}`);
  if (total.inches !== undefined) result.totalNonResettableInches = total.inches;
  if (total.cm !== undefined) result.totalNonResettableCm = total.cm;
  return result;
}

/**
 * The odometer as reading counters. The lifetime meter is LENGTH; resettable
 * ones are OTHER, because a user reset would look like a meter going
 * backwards. Each unit the printer printed becomes its own counter.
 */
export function odometerCounters(od: ZebraOdometer): Counter[] {
  const out: Counter[] = [];
  const add = (kind: CounterKind, name: string, inches: number | undefined, cm: number | undefined) => {
    if (inches !== undefined)
      out.push(create(CounterSchema, { kind, name, value: BigInt(inches), unit: CounterUnit.INCHES, oid: ODOMETER_SOURCE }));
    if (cm !== undefined)
      out.push(create(CounterSchema, { kind, name, value: BigInt(cm), unit: CounterUnit.CENTIMETERS, oid: ODOMETER_SOURCE }));
  };
  add(CounterKind.LENGTH, "TOTAL NONRESETTABLE", od.totalNonResettableInches, od.totalNonResettableCm);
  for (const m of od.resettable) add(CounterKind.OTHER, m.name, m.inches, m.cm);
  return out;
}

/** Sends ~HQOD to `host` and parses the PRINT METERS block. */
export async function readOdometer(host: string, options: ZebraReadOptions = {}): Promise<ZebraOdometer> {
  const reply = await zebraRaw(host, options.port ?? ZEBRA_RAW_PORT, "~HQOD", {
    timeoutMs: options.timeoutMs,
    maxReplyBytes: options.maxReplyBytes ?? 4096,
    complete: etxCount(1),
  });
  return parseOdometer(Buffer.from(reply).toString("latin1"));
}
