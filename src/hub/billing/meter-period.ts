/**
 * The bounds of one meter export call, shared by the API (which enforces
 * them) and the CLI and portal (which page through them): a period of at
 * most a year, and a page of at most MAX_EXPORT_PAGE_DEVICES devices, each
 * costing a handful of readings (src/hub/store/meter-history.ts).
 */
import { DcaError } from "../../common/errors.ts";
import type { MeterPeriod } from "../store/index.ts";

/** The longest period one export covers (a leap year). */
export const MAX_PERIOD_DAYS = 366;
/** Devices looked at per page (and the page size when none is asked for). */
export const MAX_EXPORT_PAGE_DEVICES = 500;

const DAY_MS = 86_400_000;

/** The period, or invalid-argument saying what is wrong with it. */
export function checkPeriod(start: Date | undefined, end: Date | undefined): MeterPeriod {
  if (!start || !end) throw new DcaError("invalid-argument", "a meter export needs its period: a start and an end (e.g. 2026-03-01 and 2026-04-01)");
  if (start.getTime() >= end.getTime()) throw new DcaError("invalid-argument", `the period's start (${start.toISOString()}) must be before its end (${end.toISOString()})`);
  if (end.getTime() - start.getTime() > MAX_PERIOD_DAYS * DAY_MS) {
    throw new DcaError("invalid-argument", `a meter export covers at most ${MAX_PERIOD_DAYS} days; export a longer time period by period`);
  }
  return { start, end };
}
