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
