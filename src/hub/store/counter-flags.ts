/**
 * Counter plausibility between two readings of one device. Billing runs on
 * these meters, so a meter that went down (reset, board swap) or jumped
 * further than the device could print is flagged for a human; the reading
 * itself is always kept.
 */
import type { Counter, DeviceReading } from "../../gen/dca/v1/reading_pb.ts";
import { CounterKind, CounterUnit } from "../../gen/dca/v1/reading_pb.ts";

/** A jump is only suspicious above this many pages, however short the interval. */
export const JUMP_MIN_PAGES = 100_000n;
/** Pages per day no office device sustains; more than this per elapsed day is a jump. */
export const JUMP_PAGES_PER_DAY = 50_000;

const DAY_MS = 86_400_000;

/** One suspicious counter change. */
export interface CounterChange {
  kind: CounterKind;
  /** The counter's name, or its OID when it has none. */
  name: string;
  previous: bigint;
  value: bigint;
  reason: "backwards" | "jump";
}

// Counts since power-on restart at every power cycle: going down is normal for them.
const RESETTING = new Set<CounterKind>([CounterKind.POWER_ON]);

// Only page-like meters have a pages-per-day ceiling; a length in micrometres grows by millions a day.
const PAGE_UNITS = new Set<CounterUnit>([CounterUnit.UNSPECIFIED, CounterUnit.IMPRESSIONS, CounterUnit.SHEETS, CounterUnit.SCANS]);

// Counters are the same meter when kind, name and OID all agree (a device may report several of one kind).
const key = (c: Counter) => `${c.kind}\u0000${c.name}\u0000${c.oid}`;

/** Compares the counters of `next` with those of `previous` (read `elapsedMs` earlier). */
export function compareCounters(previous: DeviceReading, next: DeviceReading, elapsedMs: number): CounterChange[] {
  const before = new Map<string, bigint>();
  for (const c of previous.counters) if (!before.has(key(c))) before.set(key(c), c.value);
  const allowed = bigMax(JUMP_MIN_PAGES, BigInt(Math.ceil((JUMP_PAGES_PER_DAY * Math.max(0, elapsedMs)) / DAY_MS)));
  const changes: CounterChange[] = [];
  const seen = new Set<string>();
  for (const c of next.counters) {
    const k = key(c);
    const prev = before.get(k);
    if (prev === undefined || seen.has(k) || RESETTING.has(c.kind)) continue;
    seen.add(k);
    const name = c.name || c.oid;
    if (c.value < prev) changes.push({ kind: c.kind, name, previous: prev, value: c.value, reason: "backwards" });
    else if (PAGE_UNITS.has(c.unit) && c.value - prev > allowed) changes.push({ kind: c.kind, name, previous: prev, value: c.value, reason: "jump" });
  }
  return changes;
}

const bigMax = (a: bigint, b: bigint) => (a > b ? a : b);
