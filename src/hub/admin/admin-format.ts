/**
 * Parsing and printing of the values admin commands deal in: durations
 * with units up to days, times, and aligned text tables.
 */
import { UsageError } from "../../common/args.ts";
import { formatDuration, parseDuration } from "../../common/duration.ts";
import type { DcaError } from "../../common/errors.ts";
import { cleanText } from "../../common/text.ts";

/**
 * A duration such as "30s", "5m", "1h", "8h", "7d" (or "0") in milliseconds;
 * `what` names the option in the error. The grammar is src/common's.
 */
export function parseDurationMs(text: string, what: string): number {
  try {
    return parseDuration(text, { unitRequired: true });
  } catch (e) {
    if ((e as DcaError).reason === "too-long") throw new UsageError(`${what} is too long`);
    throw new UsageError(`${what} must be a duration such as 30s, 5m, 1h, 8h or 7d, got "${text}"`);
  }
}

/** A duration in whole seconds that fits a uint32 field; "0" keeps the agent's default. */
export function parseDurationSeconds(text: string, what: string): number {
  const ms = parseDurationMs(text, what);
  if (ms % 1000 !== 0) throw new UsageError(`${what} must be whole seconds`);
  const s = ms / 1000;
  if (s > 0xffff_ffff) throw new UsageError(`${what} is too long`);
  return s;
}

/** A whole number between `min` and `max`; `what` names the option in the error. */
export function parseCount(text: string, what: string, min: number, max: number): number {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`${what} must be a whole number, got "${text}"`);
  const n = Number(text.trim());
  if (n < min || n > max) throw new UsageError(`${what} must be between ${min} and ${max}`);
  return n;
}

/** Seconds as the largest unit that divides them ("8h", "90s"); "default" for 0. */
export function formatSeconds(s: number | bigint): string {
  const n = Number(s);
  return n === 0 ? "default" : formatDuration(n * 1000);
}

/** A time as "2026-03-01 14:05:09Z"; "-" when there is none. */
export function formatTime(d: Date | undefined): string {
  return d ? `${d.toISOString().slice(0, 19).replace("T", " ")}Z` : "-";
}

/** A time and how long ago it was ("2026-03-01 14:05:09Z (3h ago)"). */
export function formatAgo(d: Date | undefined, now: Date): string {
  if (!d) return "never";
  const s = Math.round((now.getTime() - d.getTime()) / 1000);
  if (s < 0) return formatTime(d);
  const ago = s < 120 ? `${s}s` : s < 7200 ? `${Math.round(s / 60)}m` : s < 172_800 ? `${Math.round(s / 3600)}h` : `${Math.round(s / 86_400)}d`;
  return `${formatTime(d)} (${ago} ago)`;
}

/**
 * An aligned table with a header row. Cells come from devices and agents,
 * so they are cleaned of control characters and terminal escapes first.
 */
export function formatTable(header: string[], rows: (string | number | undefined)[][]): string {
  const body = rows.map((r) => header.map((_, i) => cleanText(String(r[i] ?? ""), 200)));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return `${[line(header), ...body.map(line)].join("\n")}\n`;
}

/** `word` as a POSIX shell reads it back: bare when it is safe, else in single quotes ("Acme Dental" -> 'Acme Dental'). */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
