/**
 * How the fleet pages write the values they show: times in UTC (the hub
 * knows no browser's zone; a `<time datetime>` carries the exact instant),
 * counts with thousands separators, health in words, enum names as words,
 * and the one place a secondary call's refusal becomes a sentence instead
 * of the whole page's 403 (a billing role may see devices but not alerts).
 */
import { type Timestamp, timestampDate } from "@bufbuild/protobuf/wkt";
import { DcaError } from "../../../common/errors.ts";
import { DeviceHealth } from "../../../gen/dca/v1/admin_fleet_pb.ts";

/** A timestamp as "2026-03-10 12:00 UTC"; "never" when unset. */
export function utcMinute(t: Timestamp | undefined, none = "never"): string {
  if (!t) return none;
  return `${timestampDate(t).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** A timestamp as RFC 3339 (for `<time datetime>` and files); "" when unset. */
export function isoOf(t: Timestamp | undefined): string {
  return t ? timestampDate(t).toISOString().replace(/\.000Z$/, "Z") : "";
}

const GROUPED = new Intl.NumberFormat("en-US");

/** A count with thousands separators ("12,345"); "-" when unset. */
export function count(n: number | bigint | undefined): string {
  return n === undefined ? "-" : GROUPED.format(n);
}

/** A percent as the device page and table show it ("8 %", "55.5 %"). */
export function percentText(p: number): string {
  return `${Math.round(p * 10) / 10} %`;
}

/** A device's health in words, and the CSS class of its badge. */
export const HEALTH_WORDS: Record<DeviceHealth, string> = {
  [DeviceHealth.UNSPECIFIED]: "unknown",
  [DeviceHealth.OK]: "ok",
  [DeviceHealth.WARNING]: "warning",
  [DeviceHealth.ERROR]: "error",
  [DeviceHealth.UNKNOWN]: "unknown",
};

/** The health names the filter takes, and their proto values. */
export const HEALTH_BY_NAME: Record<string, DeviceHealth> = {
  ok: DeviceHealth.OK,
  warning: DeviceHealth.WARNING,
  error: DeviceHealth.ERROR,
  unknown: DeviceHealth.UNKNOWN,
};

/** A generated enum value as lower-case words ("PRINT_MONO" -> "print mono"); "" for 0. */
export function enumWords(names: Record<number, string>, value: number): string {
  if (value === 0) return "";
  const name = names[value];
  return name ? name.toLowerCase().replace(/_/g, " ") : String(value);
}

/** What a secondary call gave, or the refusal's own words when the caller may not see it. */
export type Maybe<T> = { ok: true; value: T } | { ok: false; refused: string };

/**
 * Awaits a call whose refusal must not take the whole page down: a
 * permission-denied becomes the RPC's message (shown in its section); any
 * other failure still fails the page.
 */
export async function unlessRefused<T>(call: Promise<T>): Promise<Maybe<T>> {
  try {
    return { ok: true, value: await call };
  } catch (e) {
    const err = DcaError.from(e);
    if (err.code !== "permission-denied") throw e;
    return { ok: false, refused: err.message };
  }
}
