import { describe, expect, test } from "bun:test";
import { type MeterSource, meterAt } from "./meter-at.ts";

const src = (readingId: string, iso: string, value: bigint): MeterSource => ({ readingId, readAt: new Date(iso), value });
const at = (iso: string) => new Date(iso);

describe("the meter at a boundary", () => {
  const series = [src("r1", "2026-03-31T00:00:00Z", 8000n), src("r2", "2026-04-02T00:00:00Z", 8480n)];

  test("a reading exactly at the boundary is the meter, not an estimate", () => {
    expect(meterAt(series, at("2026-03-31T00:00:00Z"))).toEqual({ value: 8000n, estimated: false, method: "read at 2026-03-31 00:00:00Z", sources: [series[0]!] });
  });

  test("between two readings it is interpolated on time, marked and explained", () => {
    expect(meterAt(series, at("2026-04-01T00:00:00Z"))).toEqual({
      value: 8240n,
      estimated: true,
      method: "interpolated between readings of 2026-03-31 00:00:00Z and 2026-04-02 00:00:00Z",
      sources: series,
    });
    // A quarter of the way: 8,120; a third: 8,160 exactly; rounding to whole pages, halves up.
    expect(meterAt(series, at("2026-03-31T12:00:00Z")).value).toBe(8120n);
    expect(meterAt(series, at("2026-03-31T16:00:00Z")).value).toBe(8160n);
    const odd = [src("a", "2026-03-01T00:00:00Z", 0n), src("b", "2026-03-01T02:00:00Z", 3n)];
    expect(meterAt(odd, at("2026-03-01T01:00:00Z")).value).toBe(2n);
    expect(meterAt(odd, at("2026-03-01T00:20:00Z")).value).toBe(1n);
  });

  test("with readings on one side only, the nearest reading, saying which side is missing", () => {
    expect(meterAt(series, at("2026-04-05T00:00:00Z"))).toMatchObject({ value: 8480n, estimated: true, method: "nearest reading, 2026-04-02 00:00:00Z (none after it)", sources: [series[1]] });
    expect(meterAt(series, at("2026-03-01T00:00:00Z"))).toMatchObject({ value: 8000n, estimated: true, method: "nearest reading, 2026-03-31 00:00:00Z (none before it)", sources: [series[0]] });
  });

  test("a meter that went down between the two readings is not interpolated: the earlier reading holds", () => {
    const reset = [src("r1", "2026-03-31T00:00:00Z", 8000n), src("r2", "2026-04-02T00:00:00Z", 40n)];
    expect(meterAt(reset, at("2026-04-01T00:00:00Z"))).toEqual({
      value: 8000n,
      estimated: true,
      method: "the meter went down between readings of 2026-03-31 00:00:00Z and 2026-04-02 00:00:00Z (a reset): the earlier reading is taken",
      sources: reset,
    });
  });

  test("of readings at the same instant the last one counts; meters beyond 2^53 stay exact", () => {
    const same = [src("r1", "2026-04-01T00:00:00Z", 10n), src("r2", "2026-04-01T00:00:00Z", 11n)];
    expect(meterAt(same, at("2026-04-01T00:00:00Z"))).toMatchObject({ value: 11n, sources: [same[1]] });
    const big = [src("a", "2026-03-01T00:00:00Z", 2n ** 60n), src("b", "2026-03-03T00:00:00Z", 2n ** 60n + 4n)];
    expect(meterAt(big, at("2026-03-02T00:00:00Z")).value).toBe(2n ** 60n + 2n);
  });
});
