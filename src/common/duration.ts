import { DcaError } from "./errors.ts";

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * Parses a duration into milliseconds: "500ms", "2s", "1.5s", "5m", "1h", "7d",
 * or a bare number. A bare number (or a number value) is milliseconds unless
 * `unitRequired`, where only "0" may stand alone. Throws a DcaError
 * `invalid-argument` saying what is allowed; callers put the field or option
 * name in front.
 */
export function parseDuration(input: string | number, opts: { unitRequired?: boolean } = {}): number {
  if (typeof input === "number") {
    if (!Number.isFinite(input) || input < 0 || opts.unitRequired) throw new DcaError("invalid-argument", `"${input}" is not a duration`);
    return input;
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(input);
  if (!m || (m[2] === undefined && opts.unitRequired && Number(m[1]) !== 0)) {
    throw new DcaError("invalid-argument", `"${input}" is not a duration (use milliseconds, or a unit: 500ms, 2s, 5m, 1h, 7d)`);
  }
  const ms = Math.round(Number(m[1]) * UNIT_MS[(m[2] ?? "ms") as keyof typeof UNIT_MS]);
  if (!Number.isSafeInteger(ms)) throw new DcaError("invalid-argument", `"${input}" is too long a duration`, { reason: "too-long" });
  return ms;
}

/** Milliseconds as the largest unit that divides them: "10m", "90d", "1500ms". */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** A round trip for people: "0.42 ms", "12.5 ms". */
export const formatMs = (n: number): string => `${n.toFixed(n < 10 ? 2 : 1)} ms`;

/** Milliseconds rounded to the microsecond, for round trips kept in results. */
export const roundMs = (n: number): number => Math.round(n * 1000) / 1000;
