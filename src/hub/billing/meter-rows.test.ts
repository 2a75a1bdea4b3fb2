import { describe, expect, test } from "bun:test";
import { CounterKind } from "../../gen/dca/v1/reading_pb.ts";
import { tempDataDir, testClock } from "../../../test/support/hub-store-fixtures.ts";
import { type MeterPeriod, openHubStore } from "../store/index.ts";
import { type MeterRow, compareMeterRows, deviceMeterRows } from "./meter-rows.ts";
import { AFTER_FIXTURE_MS, MARCH, billingFleet } from "./testdata/billing-fleet.ts";

const store = openHubStore(tempDataDir(), { clock: testClock(AFTER_FIXTURE_MS) });
const fleet = billingFleet(store);
const names = new Map([
  [fleet.acme.id, "Acme"],
  [fleet.bravo.id, "Bravo"],
]);

/** Every device's rows for the period, in export order. */
function exportRows(period: MeterPeriod): MeterRow[] {
  const rows = store.listMeterDevices({ siteIds: "all", limit: 100 }).flatMap((d) => {
    const h = store.meterHistory(d, period);
    return h ? deviceMeterRows(h, period, names.get(d.siteId)!) : [];
  });
  return rows.sort(compareMeterRows);
}

const rows = exportRows(MARCH);
const row = (device: string, kind = CounterKind.TOTAL) => {
  const found = rows.filter((r) => r.deviceId === device && r.kind === kind);
  expect(found).toHaveLength(1);
  return found[0]!;
};
const src = (readingId: string, iso: string, value: bigint) => ({ readingId, readAt: new Date(iso), value });

describe("meter rows of a hand-made fleet history, March 2026", () => {
  test("one row per device and counter, devices read only outside the period left out, power-on counts never billed", () => {
    const { A, B, C, D, E, H, bravo } = fleet.device;
    expect(rows.map((r) => [r.siteName, r.address, r.deviceId, CounterKind[r.kind]])).toEqual([
      ["Acme", "10.0.0.7", A, "TOTAL"],
      ["Acme", "10.0.0.7", A, "COLOR"],
      ["Acme", "10.0.0.8", B, "TOTAL"],
      ["Acme", "10.0.0.9", C, "TOTAL"],
      // D and E share an address; their order between them is by id.
      ...[
        ["Acme", "10.0.0.10", D, "TOTAL"],
        ["Acme", "10.0.0.10", E, "TOTAL"],
      ].sort((x, y) => x[2]!.localeCompare(y[2]!)),
      ["Acme", "10.0.0.13", H, "TOTAL"],
      ["Bravo", "10.1.0.7", bravo, "TOTAL"],
    ]);
  });

  test("read exactly at both boundaries: the two readings and their difference, nothing estimated", () => {
    expect(row(fleet.device.A)).toEqual({
      siteId: fleet.acme.id,
      siteName: "Acme",
      deviceId: fleet.device.A,
      vendor: "HP",
      model: "LaserJet M507",
      serialNumber: "SN-A",
      address: "10.0.0.7",
      kind: CounterKind.TOTAL,
      counterName: "",
      oid: "1.3.6.1.2.1.43.10.2.1.4.1.1",
      unit: 1,
      start: { value: 1000n, estimated: false, method: "read at 2026-03-01 00:00:00Z", sources: [src("a-2", "2026-03-01T00:00:00Z", 1000n)] },
      end: { value: 2000n, estimated: false, method: "read at 2026-04-01 00:00:00Z", sources: [src("a-4", "2026-04-01T00:00:00Z", 2000n)] },
      difference: 1000n,
      resets: [],
      beganAt: undefined,
      endedAt: undefined,
      replaces: "",
      replacedBy: "",
      readingsInPeriod: 2,
      notes: [],
    });
    expect(row(fleet.device.A, CounterKind.COLOR)).toMatchObject({ start: { value: 100n }, end: { value: 300n }, difference: 200n });
  });

  test("no read at a boundary: interpolated between the readings around it, marked and said", () => {
    const b = row(fleet.device.B);
    expect(b.start).toEqual({
      value: 5100n,
      estimated: true,
      method: "interpolated between readings of 2026-02-28 12:00:00Z and 2026-03-02 12:00:00Z",
      sources: [src("b-1", "2026-02-28T12:00:00Z", 5000n), src("b-2", "2026-03-02T12:00:00Z", 5400n)],
    });
    expect(b.end).toEqual({
      value: 8240n,
      estimated: true,
      method: "interpolated between readings of 2026-03-31 00:00:00Z and 2026-04-02 00:00:00Z",
      sources: [src("b-3", "2026-03-31T00:00:00Z", 8000n), src("b-4", "2026-04-02T00:00:00Z", 8480n)],
    });
    expect(b.difference).toBe(3140n);
    expect(b.readingsInPeriod).toBe(2);
    expect(b.notes).toEqual([
      "start: interpolated between readings of 2026-02-28 12:00:00Z and 2026-03-02 12:00:00Z",
      "end: interpolated between readings of 2026-03-31 00:00:00Z and 2026-04-02 00:00:00Z",
    ]);
  });

  test("a counter reset mid-period: the increases before and after it added, the reset reading named", () => {
    const c = row(fleet.device.C);
    expect(c.start).toMatchObject({ value: 20_000n, estimated: false });
    expect(c.end).toMatchObject({ value: 1100n, estimated: false, sources: [src("c-31", "2026-04-01T00:00:00Z", 1100n)] });
    // 20,000 -> 21,100 before the new board, 150 -> 1,100 after it.
    expect(c.difference).toBe(1100n + 950n);
    expect(c.resets).toEqual([{ readingId: "c-12", readAt: new Date("2026-03-13T00:00:00Z"), value: 150n, previous: 21_100n }]);
    expect(c.readingsInPeriod).toBe(32);
    expect(c.notes).toEqual([
      "the meter went down from 21,100 to 150 at the reading of 2026-03-13 00:00:00Z (c-12): a reset or a new main board; the difference adds the increases before and after it",
    ]);
  });

  test("the reset is found without reading the whole month: the boundaries, the flagged reading, the one before it and the last with the meter", () => {
    const [c] = store.listMeterDevices({ siteIds: "all", deviceId: fleet.device.C, limit: 1 });
    // c-11b, just before the reset, missed the counter table: the reset was flagged against c-11.
    expect(store.meterHistory(c!, MARCH)!.readings.map((r) => r.id)).toEqual(["c-0", "c-1", "c-2", "c-3", "c-11", "c-11b", "c-12", "c-29", "c-30", "c-31"]);
    expect(store.listCounterFlags({ deviceId: fleet.device.C })).toMatchObject([{ readingId: "c-12", reason: "backwards", previous: 21_100, value: 150 }]);
  });

  test("a device replaced mid-period: both appear with their partial periods, which ended and which began", () => {
    const { D, E } = fleet.device;
    expect(row(D)).toMatchObject({
      start: { value: 3100n, estimated: true, method: "interpolated between readings of 2026-02-28 00:00:00Z and 2026-03-02 00:00:00Z" },
      end: { value: 4000n, estimated: true, method: "nearest reading, 2026-03-10 00:00:00Z (none after it)", sources: [src("d-3", "2026-03-10T00:00:00Z", 4000n)] },
      difference: 900n,
      beganAt: undefined,
      endedAt: new Date("2026-03-10T00:00:00Z"),
      replaces: "",
      replacedBy: E,
      readingsInPeriod: 2,
    });
    expect(row(D).notes[0]).toBe(
      `last read 2026-03-10 00:00:00Z: the device ended in the period, replaced by device ${E} (serial SN-E, first read 2026-03-11 06:00:00Z) at the same address`,
    );
    expect(row(E)).toMatchObject({
      start: { value: 10n, estimated: true, method: "nearest reading, 2026-03-11 06:00:00Z (none before it)", sources: [src("e-1", "2026-03-11T06:00:00Z", 10n)] },
      end: { value: 1200n, estimated: false },
      difference: 1190n,
      beganAt: new Date("2026-03-11T06:00:00Z"),
      endedAt: undefined,
      replaces: D,
      replacedBy: "",
      readingsInPeriod: 2,
    });
    expect(row(E).notes[0]).toBe(
      `first read 2026-03-11 06:00:00Z: the device began in the period, taking over from device ${D} (serial SN-D, last read 2026-03-10 00:00:00Z) at the same address`,
    );
  });

  test("a device not reached all period is estimated on both sides; the next period starts where this one ended", () => {
    expect(row(fleet.device.H)).toMatchObject({ start: { value: 1090n, estimated: true }, end: { value: 1400n, estimated: true }, difference: 310n, readingsInPeriod: 0 });
    const april = exportRows({ start: MARCH.end, end: new Date("2026-05-01T00:00:00Z") });
    for (const r of rows) {
      const next = april.find((x) => x.deviceId === r.deviceId && x.kind === r.kind);
      if (next) expect(next.start.value).toBe(r.end.value);
    }
    // D ended in March; G began in April.
    expect(april.map((r) => r.deviceId)).not.toContain(fleet.device.D);
    expect(april.find((r) => r.deviceId === fleet.device.G)).toMatchObject({ beganAt: new Date("2026-04-05T00:00:00Z"), difference: 0n });
  });
});
