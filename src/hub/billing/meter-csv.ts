/**
 * Meter rows as CSV, for billing systems and spreadsheets: one header line,
 * one line per row, RFC 4180 (CRLF, fields with a comma, quote or line
 * break in double quotes, quotes doubled). A cell a spreadsheet would run as
 * a formula (starting with = + - @, or a tab or carriage return) gets a
 * leading apostrophe: names and notes come from devices and people, and a
 * file opened in a spreadsheet must not run what a printer's name says.
 */
import { type Timestamp, timestampDate } from "@bufbuild/protobuf/wkt";
import type { MeterRow, MeterValue } from "../../gen/dca/v1/admin_billing_pb.ts";
import { CounterKind, CounterUnit } from "../../gen/dca/v1/reading_pb.ts";

/** The columns, in order. */
export const METER_CSV_COLUMNS = [
  "site",
  "site_id",
  "device_id",
  "serial_number",
  "vendor",
  "model",
  "address",
  "counter",
  "counter_name",
  "oid",
  "unit",
  "start",
  "start_estimated",
  "start_method",
  "start_readings",
  "end",
  "end_estimated",
  "end_method",
  "end_readings",
  "difference",
  "resets",
  "began_at",
  "ended_at",
  "replaces",
  "replaced_by",
  "readings_in_period",
  "notes",
] as const;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field: guarded against formulas, quoted when it must be. */
export function csvField(value: string): string {
  const v = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** A time as RFC 3339 in UTC, without milliseconds when they are 0 ("" when unset). */
export function isoTime(t: Timestamp | undefined): string {
  return t ? timestampDate(t).toISOString().replace(/\.000Z$/, "Z") : "";
}

/** An enum value's name in lower case ("print_mono"; the generated names have no prefix); "" for unspecified. */
function enumWord(names: Record<number, string>, value: number): string {
  const name = names[value];
  if (name === undefined) return String(value);
  return name === "UNSPECIFIED" ? "" : name.toLowerCase();
}

const kindWord = (k: CounterKind) => enumWord(CounterKind, k);
const unitWord = (u: CounterUnit) => enumWord(CounterUnit, u);

/** "READING_ID@TIME=VALUE; ..." */
const sources = (v: MeterValue | undefined) => (v?.readings ?? []).map((s) => `${s.readingId}@${isoTime(s.readAt)}=${s.value}`).join("; ");

/** The fields of one row, in column order. */
function fields(r: MeterRow): string[] {
  return [
    r.siteName,
    r.siteId,
    r.deviceId,
    r.serialNumber,
    r.vendor,
    r.model,
    r.address,
    kindWord(r.kind),
    r.counterName,
    r.oid,
    unitWord(r.unit),
    String(r.start?.value ?? ""),
    String(r.start?.estimated ?? false),
    r.start?.method ?? "",
    sources(r.start),
    String(r.end?.value ?? ""),
    String(r.end?.estimated ?? false),
    r.end?.method ?? "",
    sources(r.end),
    String(r.difference),
    r.resets.map((x) => `${x.readingId}@${isoTime(x.readAt)}: ${x.previous} to ${x.value}`).join("; "),
    isoTime(r.beganAt),
    isoTime(r.endedAt),
    r.replaces,
    r.replacedBy,
    String(r.readingsInPeriod),
    r.notes.join(" | "),
  ];
}

/** The header line (with its CRLF). */
export const meterCsvHeader = (): string => `${METER_CSV_COLUMNS.join(",")}\r\n`;

/** One row's line (with its CRLF). */
export const meterCsvLine = (r: MeterRow): string => `${fields(r).map(csvField).join(",")}\r\n`;

/** The whole file: the header, then one line per row. */
export function meterRowsToCsv(rows: readonly MeterRow[]): string {
  return meterCsvHeader() + rows.map(meterCsvLine).join("");
}
