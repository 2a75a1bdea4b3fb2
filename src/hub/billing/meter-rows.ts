/**
 * A device's meter rows for a billing period [start, end): one per counter
 * (kind, name and OID, as the reading writer tells meters apart), with the
 * meter at each boundary (meter-at.ts), the usage in between and, in words,
 * everything that makes a row less than a plain subtraction. Pure: the store
 * (meter-history.ts) picks the readings, this computes.
 *
 * Usage is the sum of the increases between consecutive readings, so a
 * meter that went down (a reset, a new main board) splits the period into
 * parts whose increases are added; the pages between the last reading
 * before a reset and the reset itself are not known and not counted.
 */
import { type Counter, CounterKind, type CounterUnit } from "../../gen/dca/v1/reading_pb.ts";
import { type DeviceMeterHistory, MAX_RESETS_FOLLOWED, type MeterPeriod, type MeterReading } from "../store/index.ts";
import { type MeterSource, type MeterValue, meterAt, wordsTime } from "./meter-at.ts";

/** A reading where a meter was lower than before it. */
export interface MeterReset {
  readingId: string;
  readAt: Date;
  value: bigint;
  /** The meter before it (the reading before, or the estimated start). */
  previous: bigint;
}

/** One counter of one device over a period. */
export interface MeterRow {
  siteId: string;
  siteName: string;
  deviceId: string;
  vendor: string;
  model: string;
  serialNumber: string;
  address: string;
  kind: CounterKind;
  counterName: string;
  oid: string;
  unit: CounterUnit;
  start: MeterValue;
  end: MeterValue;
  difference: bigint;
  resets: MeterReset[];
  /** The device's first reading, when it began in the period. */
  beganAt?: Date;
  /** The device's last reading, when it was not read at or after the end. */
  endedAt?: Date;
  /** Device ids of the one it took over from and the one that took over from it ("" for none). */
  replaces: string;
  replacedBy: string;
  readingsInPeriod: number;
  notes: string[];
}

// Counts since power-on restart at every power cycle: not a meter anyone bills, nor one whose drops are resets.
const NOT_BILLED = new Set<CounterKind>([CounterKind.POWER_ON]);

const keyOf = (c: Counter) => `${c.kind}\u0000${c.name}\u0000${c.oid}`;

/** Each counter's readings, oldest first, and its newest appearance (for its unit). */
function seriesByCounter(readings: readonly MeterReading[]): Map<string, { counter: Counter; series: MeterSource[] }> {
  const out = new Map<string, { counter: Counter; series: MeterSource[] }>();
  for (const r of readings) {
    const seen = new Set<string>();
    for (const c of r.counters) {
      const k = keyOf(c);
      // A reading that lists one meter twice: its first value counts (as the counter flags do).
      if (NOT_BILLED.has(c.kind) || seen.has(k)) continue;
      seen.add(k);
      const entry = out.get(k) ?? { counter: c, series: [] };
      entry.counter = c;
      entry.series.push({ readingId: r.id, readAt: r.readAt, value: c.value });
      out.set(k, entry);
    }
  }
  return out;
}

/** The usage between the start and end meters over the readings in between, and where the meter went down. */
function usage(series: readonly MeterSource[], period: MeterPeriod, start: MeterValue, end: MeterValue): { difference: bigint; resets: MeterReset[] } {
  const [t0, t1] = [period.start.getTime(), period.end.getTime()];
  const steps = series.filter((s) => s.readAt.getTime() > t0 && s.readAt.getTime() < t1);
  // A meter read exactly at the end is a reading like the others (it may be the reset).
  if (!end.estimated) steps.push(end.sources[0]!);
  let previous = start.value;
  let difference = 0n;
  const resets: MeterReset[] = [];
  for (const s of steps) {
    if (s.value < previous) resets.push({ readingId: s.readingId, readAt: s.readAt, value: s.value, previous });
    else difference += s.value - previous;
    previous = s.value;
  }
  // An estimated end lies at or above the last reading before it (meter-at.ts), never below.
  if (end.estimated && end.value > previous) difference += end.value - previous;
  return { difference, resets };
}

const num = (v: bigint) => v.toLocaleString("en-US");

/** What the device's own history says (began, ended, replaced, resets followed), the same on each of its rows. */
function deviceNotes(h: DeviceMeterHistory, period: MeterPeriod): { notes: string[]; beganAt?: Date; endedAt?: Date } {
  const notes: string[] = [];
  const first = h.readings[0];
  const last = h.readings.at(-1);
  const beganAt = first && first.readAt.getTime() > period.start.getTime() ? first.readAt : undefined;
  const endedAt = last && last.readAt.getTime() < period.end.getTime() ? last.readAt : undefined;
  if (beganAt) {
    const p = h.predecessor;
    const from = p ? `, taking over from device ${p.deviceId} (serial ${p.serialNumber || "unknown"}, last read ${wordsTime(p.at)}) at the same address` : "";
    notes.push(`first read ${wordsTime(beganAt)}: the device began in the period${from}`);
  }
  if (endedAt) {
    const s = h.successor;
    notes.push(
      s
        ? `last read ${wordsTime(endedAt)}: the device ended in the period, replaced by device ${s.deviceId} (serial ${s.serialNumber || "unknown"}, first read ${wordsTime(s.at)}) at the same address`
        : `last read ${wordsTime(endedAt)}, nothing after it: the device ended in the period, or has not been read since`,
    );
  }
  if (h.resetsTruncated) notes.push(`the meters went down at more than ${MAX_RESETS_FOLLOWED} readings in the period; only the first ${MAX_RESETS_FOLLOWED} were followed: check this device before billing`);
  return { notes, beganAt, endedAt };
}

/** The rows of one device for the period (none for a device with no counters in the readings given). */
export function deviceMeterRows(h: DeviceMeterHistory, period: MeterPeriod, siteName: string): MeterRow[] {
  const device = deviceNotes(h, period);
  const rows: MeterRow[] = [];
  for (const { counter, series } of seriesByCounter(h.readings).values()) {
    const start = meterAt(series, period.start);
    const end = meterAt(series, period.end);
    const { difference, resets } = usage(series, period, start, end);
    const notes = [...device.notes];
    if (start.estimated) notes.push(`start: ${start.method}`);
    if (end.estimated) notes.push(`end: ${end.method}`);
    for (const r of resets) {
      notes.push(`the meter went down from ${num(r.previous)} to ${num(r.value)} at the reading of ${wordsTime(r.readAt)} (${r.readingId}): a reset or a new main board; the difference adds the increases before and after it`);
    }
    for (const j of h.jumps) {
      if (j.kind !== counter.kind || j.name !== (counter.name || counter.oid)) continue;
      notes.push(`flagged: the meter jumped from ${num(j.previous)} to ${num(j.value)} at the reading of ${wordsTime(j.at)} (${j.readingId}), more than the device can print: check before billing`);
    }
    rows.push({
      siteId: h.device.siteId,
      siteName,
      deviceId: h.device.id,
      vendor: h.device.vendor,
      model: h.device.model,
      serialNumber: h.device.serialNumber,
      address: h.device.address,
      kind: counter.kind,
      counterName: counter.name,
      oid: counter.oid,
      unit: counter.unit,
      start,
      end,
      difference,
      resets,
      beganAt: device.beganAt,
      endedAt: device.endedAt,
      replaces: device.beganAt ? (h.predecessor?.deviceId ?? "") : "",
      replacedBy: device.endedAt ? (h.successor?.deviceId ?? "") : "",
      readingsInPeriod: h.readingsInPeriod,
      notes,
    });
  }
  return rows;
}

/** Rows in the order of an export: site name, address (numbers as numbers), device, counter kind, name, OID. */
export function compareMeterRows(a: Pick<MeterRow, "siteName" | "address" | "deviceId" | "kind" | "counterName" | "oid">, b: typeof a): number {
  return (
    a.siteName.localeCompare(b.siteName) ||
    a.address.localeCompare(b.address, "en", { numeric: true }) ||
    a.deviceId.localeCompare(b.deviceId) ||
    a.kind - b.kind ||
    a.counterName.localeCompare(b.counterName) ||
    a.oid.localeCompare(b.oid)
  );
}
