/**
 * Times as the portal's pages show them: UTC to the minute or second, and
 * how long ago; "-" or "never" when there is none.
 */
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { timestampDate } from "@bufbuild/protobuf/wkt";

/** "2026-03-01 14:05:09 UTC", or "-". */
export function timeText(t: Timestamp | undefined): string {
  return t ? `${timestampDate(t).toISOString().slice(0, 19).replace("T", " ")} UTC` : "-";
}

/** "3 min ago" (from `now`), or `never` when there is no time. */
export function agoText(t: Timestamp | undefined, now: number, never = "never"): string {
  if (!t) return never;
  const s = Math.round((now - timestampDate(t).getTime()) / 1000);
  if (s < 0) return "just now";
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  if (s < 172_800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} days ago`;
}
