/**
 * GetMeterSeries: a device's meters day by day for its chart, from the last
 * reading of each day (a day without a reading is absent, never made up).
 * A meter is a counter kind; a device reporting several meters of one kind
 * ("other" ones, each with its own name) gets one series per name.
 */
import { create } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { DcaError } from "../../common/errors.ts";
import { type GetMeterSeriesRequest, type GetMeterSeriesResponse, GetMeterSeriesResponseSchema, type MeterKey, MeterKeySchema } from "../../gen/dca/v1/admin_portal_pb.ts";
import { type Counter, CounterKind } from "../../gen/dca/v1/reading_pb.ts";
import type { FleetViewStore } from "../store/index.ts";
import { ts } from "./to-proto.ts";

const DAY_MS = 86_400_000;
/** The period when the request gives no start: a year before its end. */
export const DEFAULT_SERIES_DAYS = 365;
/** The longest period one call covers (two years and a leap day or two). */
export const MAX_SERIES_DAYS = 732;
/** The furthest a day's start may be from UTC (UTC-14 to UTC+14). */
export const MAX_UTC_OFFSET_MINUTES = 840;

// Kinds a device reports once are one series whatever their name; "other" meters are told apart by name.
const keyOf = (c: Counter) => (c.kind === CounterKind.OTHER ? `${c.kind}\u0000${c.name || c.oid}` : `${c.kind}`);

/** The period a request asks for, checked: [since, until) in ms. */
export function seriesPeriod(req: GetMeterSeriesRequest, nowMs: number): { since: number; until: number; offsetMs: number } {
  const until = req.until ? timestampMs(req.until) : nowMs;
  const since = req.since ? timestampMs(req.since) : until - DEFAULT_SERIES_DAYS * DAY_MS;
  if (since >= until) throw new DcaError("invalid-argument", "since must be before until");
  if (until - since > MAX_SERIES_DAYS * DAY_MS) throw new DcaError("invalid-argument", `a meter series covers at most ${MAX_SERIES_DAYS} days; ask for a shorter period`);
  if (Math.abs(req.utcOffsetMinutes) > MAX_UTC_OFFSET_MINUTES) throw new DcaError("invalid-argument", `utc_offset_minutes must be from -${MAX_UTC_OFFSET_MINUTES} to ${MAX_UTC_OFFSET_MINUTES}`);
  return { since, until, offsetMs: req.utcOffsetMinutes * 60_000 };
}

/** The daily series of a device the caller may read the meters of (the handler checked it). */
export function meterSeries(store: Pick<FleetViewStore, "meterDays">, deviceId: string, period: { since: number; until: number; offsetMs: number }): GetMeterSeriesResponse {
  const keys: MeterKey[] = [];
  const index = new Map<string, number>();
  const points = store.meterDays(deviceId, period.since, period.until, period.offsetMs).map((d) => {
    const seen = new Set<number>();
    const values: { key: number; value: bigint }[] = [];
    for (const c of d.counters) {
      const k = keyOf(c);
      let i = index.get(k);
      if (i === undefined) {
        i = keys.push(create(MeterKeySchema, { kind: c.kind, name: c.name, unit: c.unit })) - 1;
        index.set(k, i);
      }
      // The first counter of a key in a reading is its value (as the listing's total is).
      if (!seen.has(i)) values.push({ key: i, value: c.value }), seen.add(i);
    }
    return {
      day: new Date(d.dayStartMs).toISOString().slice(0, 10),
      readAt: ts(d.readAt),
      readingId: d.readingId,
      totalPages: d.counters.find((c) => c.kind === CounterKind.TOTAL)?.value,
      values,
    };
  });
  return create(GetMeterSeriesResponseSchema, { deviceId, keys, points });
}
