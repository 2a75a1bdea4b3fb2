/**
 * The billing page's question, shared by the page and its downloads: a
 * period [start, end) of whole UTC days (given, or a preset: last month,
 * this month) and a site. What is wrong with the period is ExportMeters's
 * to say; here a date that is not one is only left out.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ExportMetersRequestSchema } from "../../../gen/dca/v1/admin_billing_pb.ts";
import type { PortalCtx } from "../portal-context.ts";

/** The billing page's question. */
export interface BillingQuery {
  /** YYYY-MM-DD (UTC midnight), the first day in the period. */
  start: string;
  /** YYYY-MM-DD (UTC midnight), the first day after the period. */
  end: string;
  /** A site's id or name; "" for every site the person may read meters of. */
  site: string;
}

const ymd = (d: Date) => d.toISOString().slice(0, 10);
const isDay = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));

/** A calendar month of `now` (UTC), `offset` months away: [first day, first day of the month after). */
export function monthPeriod(now: Date, offset: number): { start: string; end: string } {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth() + offset;
  return { start: ymd(new Date(Date.UTC(y, m, 1))), end: ymd(new Date(Date.UTC(y, m + 1, 1))) };
}

/** The presets the page offers. */
export const PRESETS = [
  { id: "last-month", label: "Last month", offset: -1 },
  { id: "this-month", label: "This month", offset: 0 },
] as const;

/** The question out of the request's query; no period (or a preset) gives the preset's (last month by default). */
export function billingQueryOf(c: PortalCtx, now: Date): BillingQuery {
  const q = (k: string) => (c.req.query(k) ?? "").trim().slice(0, 200);
  const site = q("site");
  const preset = PRESETS.find((p) => p.id === q("preset"));
  const start = q("start");
  const end = q("end");
  if (!preset && isDay(start) && isDay(end)) return { start, end, site };
  return { ...monthPeriod(now, (preset ?? PRESETS[0]).offset), site };
}

/** The ExportMeters request of the question (one page of it). */
export function exportRequest(q: BillingQuery, pageSize: number, pageToken = ""): MessageInitShape<typeof ExportMetersRequestSchema> {
  return {
    start: timestampFromDate(new Date(`${q.start}T00:00:00Z`)),
    end: timestampFromDate(new Date(`${q.end}T00:00:00Z`)),
    site: q.site,
    pageSize,
    pageToken,
  };
}

/** The query string of `q` with `more`. */
export function billingSearch(q: BillingQuery, more: Record<string, string> = {}): string {
  return `?${new URLSearchParams(Object.entries({ start: q.start, end: q.end, site: q.site, ...more }).filter(([, v]) => v !== "")).toString()}`;
}

/** The downloaded file's name, naming the period (and the site): "meters_2026-03-01_to_2026-04-01.csv". */
export function exportFilename(q: BillingQuery, ext: "csv" | "json"): string {
  const site = q.site ? `_${q.site.replace(/[^A-Za-z0-9-]+/g, "-").slice(0, 40)}` : "";
  return `meters_${q.start}_to_${q.end}${site}.${ext}`;
}
