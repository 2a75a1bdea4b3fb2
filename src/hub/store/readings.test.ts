import { afterEach, describe, expect, test } from "bun:test";
import { CounterKind, CounterUnit } from "../../gen/dca/v1/reading_pb.ts";
import { type HubStore, openHubStore } from "./index.ts";
import { makeReading, outbox, tempDataDir, testClock } from "../../../test/support/hub-store-fixtures.ts";

const DAY = 86_400_000;
const open: HubStore[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

function agentOn(store: HubStore, siteName: string, installId: string) {
  const site = store.createSite(siteName);
  const r = store.activate({ code: store.createActivationCode(site.id).code, installId, hostname: "pc", agentVersion: "0.1.0", platform: "linux-x64" });
  if (!r.ok) throw new Error(`activation failed: ${r.reason}`);
  return { site, agent: r.agent };
}

function setup() {
  const clock = testClock();
  const store = openHubStore(tempDataDir(), { now: clock.now });
  open.push(store);
  return { store, clock, ...agentOn(store, "Acme", "install-a") };
}

describe("storing readings", () => {
  test("a batch sent twice is stored once and acknowledged both times", () => {
    const { store, agent, clock } = setup();
    const batch = [1, 2, 3].map((i) => outbox(`r-${i}`, makeReading({ address: `10.0.0.${i}`, serial: `SN${i}`, readAt: clock.ms, total: 100n })));
    const first = store.storeReadings(agent, batch);
    expect(first).toMatchObject({ acknowledgedIds: ["r-1", "r-2", "r-3"], stored: 3, duplicates: 0, flags: [] });
    const second = store.storeReadings(agent, batch);
    expect(second).toMatchObject({ acknowledgedIds: ["r-1", "r-2", "r-3"], stored: 0, duplicates: 3 });
    expect(store.countReadings()).toBe(3);
    expect(store.readingIds({ agentId: agent.id })).toEqual(["r-1", "r-2", "r-3"]);
    expect(store.getAgent(agent.id)?.readingsReceived).toBe(3);
    expect(store.listDevices().map((d) => d.readingCount)).toEqual([1, 1, 1]);
  });

  test("entries without id or reading are skipped, not acknowledged", () => {
    const { store, agent, clock } = setup();
    const r = store.storeReadings(agent, [outbox("", makeReading({ address: "10.0.0.1", readAt: clock.ms })), outbox("r-x", undefined), outbox("r-ok", makeReading({ address: "10.0.0.1", readAt: clock.ms }))]);
    expect(r.acknowledgedIds).toEqual(["r-ok"]);
    expect(store.countReadings()).toBe(1);
  });

  test("a device keeps its identity across IP changes: by serial, then by MAC, then by address", () => {
    const { store, agent, site, clock } = setup();
    const t = clock.ms;
    store.storeReadings(agent, [
      outbox("a1", makeReading({ address: "10.0.0.5", serial: "CNB1234567", mac: "00:11:22:33:44:55", readAt: t })),
      // Same serial (other case, padded), new address and MAC: the same printer.
      outbox("a2", makeReading({ address: "10.0.0.99", serial: " cnb1234567 ", mac: "00:11:22:33:44:66", readAt: t + 1000 })),
      // No serial answered, MAC known: matched by MAC (written with dashes this time).
      outbox("b1", makeReading({ address: "10.0.0.7", mac: "AA:BB:CC:00:00:01", readAt: t })),
      outbox("b2", makeReading({ address: "10.0.0.8", mac: "aa-bb-cc-00-00-01", readAt: t + 1000 })),
      // Neither serial nor MAC: matched by address only.
      outbox("c1", makeReading({ address: "10.0.0.20", readAt: t })),
      outbox("c2", makeReading({ address: "10.0.0.20", readAt: t + 1000, serial: "LATE-SERIAL" })),
      // A device with a serial is never matched by address: this is another printer at .99.
      outbox("d1", makeReading({ address: "10.0.0.99", readAt: t + 2000 })),
    ]);
    const devices = store.listDevices({ siteId: site.id });
    expect(devices).toHaveLength(4);
    const byReading = (id: string) => devices.find((d) => store.listReadings(d.id).some((r) => r.id === id))!;
    expect(byReading("a1").id).toBe(byReading("a2").id);
    expect(byReading("a2")).toMatchObject({ address: "10.0.0.99", serialNumber: "cnb1234567", macAddress: "00:11:22:33:44:66", readingCount: 2 });
    expect(byReading("b1").id).toBe(byReading("b2").id);
    expect(byReading("b2").address).toBe("10.0.0.8");
    expect(byReading("c1")).toMatchObject({ id: byReading("c2").id, serialNumber: "LATE-SERIAL" });
    expect(byReading("d1").id).not.toBe(byReading("a1").id);
    for (const d of devices) expect(d.id).toMatch(/^dev_/);
  });

  test("a MAC shared with a device of another serial does not merge them", () => {
    const { store, agent, clock } = setup();
    store.storeReadings(agent, [
      outbox("x1", makeReading({ address: "10.0.0.5", serial: "SER-A", mac: "00:11:22:33:44:55", readAt: clock.ms })),
      outbox("x2", makeReading({ address: "10.0.0.5", serial: "SER-B", mac: "00:11:22:33:44:55", readAt: clock.ms + 1 })),
    ]);
    expect(store.listDevices()).toHaveLength(2);
  });

  test("an older reading arriving late is stored but does not overwrite the device", () => {
    const { store, agent, clock } = setup();
    const t = clock.ms;
    store.storeReadings(agent, [outbox("new", makeReading({ address: "10.0.0.50", serial: "S1", readAt: t, total: 2000n, model: "New" }))]);
    store.storeReadings(agent, [outbox("old", makeReading({ address: "10.0.0.4", serial: "S1", readAt: t - DAY, total: 1000n, model: "Old" }))]);
    const [d] = store.listDevices();
    expect(d).toMatchObject({ address: "10.0.0.50", model: "New", totalPages: 2000, readingCount: 2, lastReadAt: new Date(t) });
    expect(store.listReadings(d.id).map((r) => r.id)).toEqual(["new", "old"]);
    expect(store.listReadings(d.id, { limit: 1 }).map((r) => r.reading.model)).toEqual(["New"]);
  });

  test("a reading dated in the future is dated on arrival, so later readings still count as newer", () => {
    const { store, agent, clock } = setup();
    store.storeReadings(agent, [outbox("future", makeReading({ address: "10.0.0.5", serial: "S1", readAt: clock.ms + 365 * DAY, total: 10n }))]);
    const [d] = store.listDevices();
    expect(store.listReadings(d.id)[0].readAt).toEqual(clock.now());
    clock.advance(60_000);
    store.storeReadings(agent, [outbox("next", makeReading({ address: "10.0.0.6", serial: "S1", readAt: clock.ms, total: 20n }))]);
    expect(store.listDevices()[0]).toMatchObject({ address: "10.0.0.6", totalPages: 20 });
  });

  test("listings show total pages, the lowest known supply and the status of the last reading", () => {
    const { store, agent, clock } = setup();
    store.storeReadings(agent, [
      outbox("s1", makeReading({
        address: "10.0.0.5",
        serial: "S1",
        readAt: clock.ms,
        total: 12345n,
        supplies: [{ description: "Black Toner", percent: 40 }, { description: "Cyan Toner", percent: 7 }, { description: "Waste", percent: undefined }],
      })),
    ]);
    expect(store.listDevices()[0]).toMatchObject({ totalPages: 12345, lowestSupply: { description: "Cyan Toner", percent: 7 }, status: "running, idle", flags: 0 });
  });

  test("a counter going backwards or jumping is flagged, the reading still stored", () => {
    const { store, agent, site, clock } = setup();
    const t = clock.ms;
    // Each reading arrives as it is taken.
    const upload = (id: string, readAt: number, total: bigint, mono: bigint) => {
      clock.set(readAt);
      return store.storeReadings(agent, [outbox(id, makeReading({ address: "10.0.0.5", serial: "S1", readAt, total, counters: [{ kind: CounterKind.MONO, value: mono }] }))]);
    };
    expect(upload("r1", t, 50_000n, 40_000n).flags).toEqual([]);
    // A day later: 100,000 more is within max(100k, 50k/day); mono went down.
    const r2 = upload("r2", t + DAY, 150_000n, 39_000n);
    expect(r2.stored).toBe(1);
    expect(r2.flags).toMatchObject([{ readingId: "r2", kind: CounterKind.MONO, previous: 40_000, value: 39_000, reason: "backwards" }]);
    // Ten minutes later: 100,001 more pages is a jump.
    const r3 = upload("r3", t + DAY + 600_000, 250_001n, 39_100n);
    expect(r3.flags).toMatchObject([{ kind: CounterKind.TOTAL, previous: 150_000, value: 250_001, reason: "jump", siteId: site.id }]);
    // Ten days later: 450,000 pages is under 50,000 a day; 550,000 would not be.
    expect(upload("r4", t + 11 * DAY + 600_000, 700_001n, 40_000n).flags).toEqual([]);
    expect(upload("r5", t + 21 * DAY + 600_000, 1_250_002n, 40_000n).flags).toMatchObject([{ reason: "jump", previous: 700_001 }]);

    const [d] = store.listDevices();
    expect(d.flags).toBe(3);
    expect(d.readingCount).toBe(5);
    expect(store.listCounterFlags({ deviceId: d.id }).map((f) => `${f.readingId}:${f.reason}`)).toEqual(["r5:jump", "r3:jump", "r2:backwards"]);
    expect(store.listCounterFlags({ siteId: "site_other" })).toEqual([]);
  });

  test("power-on counters may go down, and length meters are not held to pages per day", () => {
    const { store, agent, clock } = setup();
    const upload = (id: string, readAt: number, powerOn: bigint, length: bigint) => {
      clock.set(readAt);
      const counters = [
        { kind: CounterKind.POWER_ON, value: powerOn },
        { kind: CounterKind.LENGTH, value: length, unit: CounterUnit.MICROMETERS },
      ];
      return store.storeReadings(agent, [outbox(id, makeReading({ address: "10.0.0.5", serial: "S1", readAt, counters }))]);
    };
    upload("p1", clock.ms, 5000n, 1_000_000n);
    expect(upload("p2", clock.ms + 3600_000, 10n, 90_000_000n).flags).toEqual([]);
  });

  test("missed reads lists devices not read within the window", () => {
    const { store, agent, site, clock } = setup();
    const t = clock.ms;
    store.storeReadings(agent, [
      outbox("m1", makeReading({ address: "10.0.0.1", serial: "FRESH", readAt: t - 3600_000 })),
      outbox("m2", makeReading({ address: "10.0.0.2", serial: "STALE", readAt: t - 2 * DAY })),
      outbox("m3", makeReading({ address: "10.0.0.3", serial: "GONE", readAt: t - 8 * DAY })),
    ]);
    expect(store.missedReads({ olderThanMs: DAY }).map((d) => d.serialNumber)).toEqual(["STALE", "GONE"]);
    expect(store.missedReads({ olderThanMs: 7 * DAY, siteId: site.id }).map((d) => d.serialNumber)).toEqual(["GONE"]);
    expect(store.missedReads({ olderThanMs: DAY, siteId: "site_other" })).toEqual([]);
  });

  test("an agent's readings land in its own site only, even for a serial known elsewhere", () => {
    const { store, agent, site, clock } = setup();
    const b = agentOn(store, "Beta", "install-b");
    store.storeReadings(agent, [outbox("ra", makeReading({ address: "10.0.0.5", serial: "SHARED", readAt: clock.ms }))]);
    store.storeReadings(b.agent, [outbox("rb", makeReading({ address: "10.0.0.5", serial: "SHARED", readAt: clock.ms }))]);
    const [da] = store.listDevices({ siteId: site.id });
    const [db] = store.listDevices({ siteId: b.site.id });
    expect(da.id).not.toBe(db.id);
    expect(store.listReadings(da.id).map((r) => r.id)).toEqual(["ra"]);
    expect(store.countReadings({ siteId: b.site.id })).toBe(1);
    // The same id from the other site is neither acknowledged nor moved.
    const clash = store.storeReadings(b.agent, [outbox("ra", makeReading({ address: "10.0.0.6", serial: "OTHER", readAt: clock.ms }))]);
    expect(clash).toMatchObject({ acknowledgedIds: [], stored: 0, conflicts: 1 });
    expect(store.listReadings(da.id)[0].agentId).toBe(agent.id);
  });
});
