/** Parses a duration: a number of milliseconds, or a number with a unit (ms, s, m, h). */
export function parseDuration(input: string | number): number {
  if (typeof input === "number") {
    if (!Number.isFinite(input) || input < 0) throw new Error(`"${input}" is not a duration`);
    return input;
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(input);
  if (!m) throw new Error(`"${input}" is not a duration (use milliseconds, or a unit: 500ms, 2s, 5m, 1h)`);
  const n = Number(m[1]);
  const unit = m[2] ?? "ms";
  return Math.round(n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit]!);
}

/** A round trip for people: "0.42 ms", "12.5 ms". */
export const formatMs = (n: number): string => `${n.toFixed(n < 10 ? 2 : 1)} ms`;

/** Milliseconds rounded to the microsecond, for round trips kept in results. */
export const roundMs = (n: number): number => Math.round(n * 1000) / 1000;
