/**
 * Counter plausibility of a new reading against each meter's last known
 * value. Billing runs on these meters, so a meter that went down (reset,
 * board swap) or jumped further than the device could print is flagged for
 * a human; the reading itself is always kept.
 *
 * The last known value is not simply the reading just before: when the walk
 * of a counter table failed once, that reading lacks the meter, and a reset
 * across it would go unflagged (and the billing export, which finds resets
 * by these flags, would undercount). So each meter is compared with the
 * most recent earlier reading that carried it, within a bounded look back.
 */
import type { Counter, DeviceReading } from "../../gen/dca/v1/reading_pb.ts";
import { CounterKind, CounterUnit } from "../../gen/dca/v1/reading_pb.ts";

/** A jump is only suspicious above this many pages, however short the interval. */
export const JUMP_MIN_PAGES = 100_000n;
/** Pages per day no office device sustains; more than this per elapsed day is a jump. */
export const JUMP_PAGES_PER_DAY = 50_000;

const DAY_MS = 86_400_000;

/**
 * Earlier readings looked at for a meter the reading just before lacked. Each
 * one is decoded (tens of microseconds for a full reading), in the intake's write
 * transaction; that is paid only after a gap (the reading just before lacks a
 * meter the new one has), and once per followed reset in an export. 168 is a
 * week of the default hourly reads that each missed the meter; a device that
 * cannot be reached stores no readings at all, so only partial reads count
 * here, and a week of them is a fault someone has seen.
 */
export const LOOKBACK_READINGS = 168;
/**
 * How far back (from the new reading) a meter's last value is still believed,
 * past the reading just before (which is always compared, however old, as
 * with no gap). A value older than a quarter says little about the meter
 * now: a device known only by its address may be another printer, a board
 * may have been swapped and its meter set anew.
 */
export const LOOKBACK_MS = 90 * DAY_MS;

/**
 * Whether a look back from a reading read at `at` goes on to the earlier one
 * read at `earlierAt`, the `index`th newest before it (0: the one just before).
 */
export function inLookback(at: number, earlierAt: number, index: number): boolean {
  return index === 0 || (index < LOOKBACK_READINGS && at - earlierAt <= LOOKBACK_MS);
}

/** One suspicious counter change. */
export interface CounterChange {
  kind: CounterKind;
  /** The counter's name, or its OID when it has none. */
  name: string;
  /** The meter's last known value, and when it was read. */
  previous: bigint;
  previousAt: number;
  value: bigint;
  reason: "backwards" | "jump";
}

/** A meter's last known value and when it was read. */
export interface KnownCounter {
  value: bigint;
  readAt: number;
}

/** An earlier reading of the device; `decode` is called only when it is looked at. */
export interface EarlierReading {
  readAt: number;
  decode(): DeviceReading;
}

// Counts since power-on restart at every power cycle: going down is normal for them.
const RESETTING = new Set<CounterKind>([CounterKind.POWER_ON]);

// Only page-like meters have a pages-per-day ceiling; a length in micrometres grows by millions a day.
const PAGE_UNITS = new Set<CounterUnit>([CounterUnit.UNSPECIFIED, CounterUnit.IMPRESSIONS, CounterUnit.SHEETS, CounterUnit.SCANS]);

/** The key that tells meters apart: kind, name and OID all agree (a device may report several of one kind). */
export const counterKey = (c: Counter): string => `${c.kind}\u0000${c.name}\u0000${c.oid}`;

/**
 * The last known value of each meter of `next` (read at `readAt`) that could
 * be flagged, from `earlier` (newest first). Stops as soon as every one is
 * known, so in the usual case only the reading just before is decoded.
 */
export function lastKnownCounters(next: DeviceReading, readAt: number, earlier: Iterable<EarlierReading>): Map<string, KnownCounter> {
  const wanted = new Set(next.counters.filter((c) => !RESETTING.has(c.kind)).map(counterKey));
  const known = new Map<string, KnownCounter>();
  if (wanted.size === 0) return known;
  let index = 0;
  for (const e of earlier) {
    if (!inLookback(readAt, e.readAt, index++)) break;
    for (const c of e.decode().counters) {
      const k = counterKey(c);
      // A reading that lists one meter twice: its first value counts.
      if (wanted.delete(k)) known.set(k, { value: c.value, readAt: e.readAt });
    }
    if (wanted.size === 0) break;
  }
  return known;
}

/** Compares the counters of `next` (read at `readAt`) with their last known values. */
export function compareCounters(known: ReadonlyMap<string, KnownCounter>, next: DeviceReading, readAt: number): CounterChange[] {
  const changes: CounterChange[] = [];
  const seen = new Set<string>();
  for (const c of next.counters) {
    const k = counterKey(c);
    const prev = known.get(k);
    if (prev === undefined || seen.has(k) || RESETTING.has(c.kind)) continue;
    seen.add(k);
    const name = c.name || c.oid;
    const change = { kind: c.kind, name, previous: prev.value, previousAt: prev.readAt, value: c.value };
    // The ceiling grows with the time since this meter was last read, not since the reading just before.
    const allowed = bigMax(JUMP_MIN_PAGES, BigInt(Math.ceil((JUMP_PAGES_PER_DAY * Math.max(0, readAt - prev.readAt)) / DAY_MS)));
    if (c.value < prev.value) changes.push({ ...change, reason: "backwards" });
    else if (PAGE_UNITS.has(c.unit) && c.value - prev.value > allowed) changes.push({ ...change, reason: "jump" });
  }
  return changes;
}

const bigMax = (a: bigint, b: bigint) => (a > b ? a : b);
