/**
 * The meter at one instant (a boundary of a billing period) from the
 * readings of one counter. Read exactly then, it is that reading; otherwise
 * it is estimated, marked, and the method said in words, because a bill
 * built on an estimate must be able to say so: interpolated between the
 * readings on either side, or the nearest reading when there is only one side.
 */

/** One reading of one counter. */
export interface MeterSource {
  readingId: string;
  readAt: Date;
  value: bigint;
}

/** A meter at a boundary and where it came from. */
export interface MeterValue {
  value: bigint;
  estimated: boolean;
  /** How, in words ("interpolated between readings of 2026-03-31 22:00:00Z and 2026-04-01 02:00:00Z"). */
  method: string;
  /** The reading it is, or the two it lies between. */
  sources: MeterSource[];
}

/** A time as the words of an export print it: "2026-03-31 22:00:00Z" (UTC). */
export const wordsTime = (d: Date): string => `${d.toISOString().slice(0, 19).replace("T", " ")}Z`;

/** Rounds a / b (b > 0, a >= 0) to the nearest integer, halves up. */
const roundDiv = (a: bigint, b: bigint): bigint => (2n * a + b) / (2n * b);

/**
 * The meter at `at` from `series` (one counter's readings, oldest first; at least one).
 * Among several readings at the same instant the last one counts.
 */
export function meterAt(series: readonly MeterSource[], at: Date): MeterValue {
  const t = at.getTime();
  let before: MeterSource | undefined;
  let after: MeterSource | undefined;
  for (const s of series) {
    const st = s.readAt.getTime();
    if (st <= t) before = s;
    else if (!after) after = s;
  }
  if (before && before.readAt.getTime() === t) return { value: before.value, estimated: false, method: `read at ${wordsTime(before.readAt)}`, sources: [before] };
  if (before && after) {
    const between = `readings of ${wordsTime(before.readAt)} and ${wordsTime(after.readAt)}`;
    if (after.value < before.value) {
      // Where in the gap the meter went down is unknown: the earlier reading holds on both sides of the
      // boundary, so this period and the one next to it agree on it.
      return {
        value: before.value,
        estimated: true,
        method: `the meter went down between ${between} (a reset): the earlier reading is taken`,
        sources: [before, after],
      };
    }
    const span = BigInt(after.readAt.getTime() - before.readAt.getTime());
    const value = before.value + roundDiv((after.value - before.value) * BigInt(t - before.readAt.getTime()), span);
    return { value, estimated: true, method: `interpolated between ${between}`, sources: [before, after] };
  }
  const only = (before ?? after)!;
  const side = before ? "none after it" : "none before it";
  return { value: only.value, estimated: true, method: `nearest reading, ${wordsTime(only.readAt)} (${side})`, sources: [only] };
}
