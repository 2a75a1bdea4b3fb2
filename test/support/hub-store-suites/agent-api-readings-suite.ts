/**
 * AgentApiStore, uploads: a batch is stored once however often it is sent,
 * each reading lands on the right device of the agent's own site, and
 * suspicious counter changes are flagged.
 */
import { describe, expect, test } from "bun:test";
import { CounterKind, CounterUnit } from "../../../src/gen/dca/v1/reading_pb.ts";
import { type AgentApiStore, LOOKBACK_MS, LOOKBACK_READINGS } from "../../../src/hub/store/index.ts";
import { makeReading, outbox } from "../hub-store-fixtures.ts";
import { type OpenStore, codeOf, siteWithAgent, storesUnderTest } from "./store-under-test.ts";

const DAY = 86_400_000;

/** The upload tests of an AgentApiStore. */
export function describeAgentApiReadings(open: OpenStore): void {
  describe("storing readings", () => {
    const opened = storesUnderTest<AgentApiStore>(open);
    const setup = () => {
      const t = opened();
      const agentOn = (siteName: string, installId: string) => siteWithAgent(t.rest, t.rest, t.store, siteName, installId);
      return { ...t, agentOn, ...agentOn("Acme", "install-a") };
    };

    test("a batch sent twice is stored once and acknowledged both times", () => {
      const { store, rest, agent, clock } = setup();
      const batch = [1, 2, 3].map((i) => outbox(`r-${i}`, makeReading({ address: `10.0.0.${i}`, serial: `SN${i}`, readAt: clock.ms, total: 100n })));
      const first = store.storeReadings(agent, batch);
      expect(first).toMatchObject({ acknowledgedIds: ["r-1", "r-2", "r-3"], stored: 3, duplicates: 0, flags: [] });
      const second = store.storeReadings(agent, batch);
      expect(second).toMatchObject({ acknowledgedIds: ["r-1", "r-2", "r-3"], stored: 0, duplicates: 3 });
      expect(rest.countReadings()).toBe(3);
      expect(rest.readingIds({ agentId: agent.id })).toEqual(["r-1", "r-2", "r-3"]);
      expect(rest.getAgent(agent.id)?.readingsReceived).toBe(3);
      expect(rest.listDevices().map((d) => d.readingCount)).toEqual([1, 1, 1]);
    });

    test("entries without id or reading, or with an id over 128 characters, are skipped, not acknowledged", () => {
      const { store, rest, agent, clock } = setup();
      const r = store.storeReadings(agent, [outbox("", makeReading({ address: "10.0.0.1", readAt: clock.ms })), outbox("r-x", undefined), outbox("r-ok", makeReading({ address: "10.0.0.1", readAt: clock.ms }))]);
      expect(r.acknowledgedIds).toEqual(["r-ok"]);
      expect(rest.countReadings()).toBe(1);
      expect(store.storeReadings(agent, [outbox("x".repeat(129), makeReading({ address: "10.0.0.1", readAt: clock.ms }))])).toMatchObject({ acknowledgedIds: [], stored: 0 });
      expect(rest.countReadings()).toBe(1);
    });

    test("a batch from an agent the store does not know is not-found", () => {
      const { store, agent, clock } = setup();
      expect(codeOf(() => store.storeReadings({ ...agent, id: "agt_nosuchagent000" }, [outbox("r-1", makeReading({ address: "10.0.0.1", readAt: clock.ms }))]))).toBe("not-found");
    });

    test("a device keeps its identity across IP changes: by serial, then by MAC, then by address", () => {
      const { store, rest, agent, site, clock } = setup();
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
      const devices = rest.listDevices({ siteId: site.id });
      expect(devices).toHaveLength(4);
      const byReading = (id: string) => devices.find((d) => rest.listReadings(d.id).some((r) => r.id === id))!;
      expect(byReading("a1").id).toBe(byReading("a2").id);
      expect(byReading("a2")).toMatchObject({ address: "10.0.0.99", serialNumber: "cnb1234567", macAddress: "00:11:22:33:44:66", readingCount: 2 });
      expect(byReading("b1").id).toBe(byReading("b2").id);
      expect(byReading("b2").address).toBe("10.0.0.8");
      expect(byReading("c1")).toMatchObject({ id: byReading("c2").id, serialNumber: "LATE-SERIAL" });
      expect(byReading("d1").id).not.toBe(byReading("a1").id);
      for (const d of devices) expect(d.id).toMatch(/^dev_/);
    });

    test("a MAC shared with a device of another serial does not merge them", () => {
      const { store, rest, agent, clock } = setup();
      store.storeReadings(agent, [
        outbox("x1", makeReading({ address: "10.0.0.5", serial: "SER-A", mac: "00:11:22:33:44:55", readAt: clock.ms })),
        outbox("x2", makeReading({ address: "10.0.0.5", serial: "SER-B", mac: "00:11:22:33:44:55", readAt: clock.ms + 1 })),
      ]);
      expect(rest.listDevices()).toHaveLength(2);
    });

    test("an older reading arriving late is stored but does not overwrite the device", () => {
      const { store, rest, agent, clock } = setup();
      const t = clock.ms;
      store.storeReadings(agent, [outbox("new", makeReading({ address: "10.0.0.50", serial: "S1", readAt: t, total: 2000n, model: "New" }))]);
      store.storeReadings(agent, [outbox("old", makeReading({ address: "10.0.0.4", serial: "S1", readAt: t - DAY, total: 1000n, model: "Old" }))]);
      const [d] = rest.listDevices();
      expect(d).toMatchObject({ address: "10.0.0.50", model: "New", totalPages: 2000, readingCount: 2, lastReadAt: new Date(t) });
      expect(rest.listReadings(d.id).map((r) => r.id)).toEqual(["new", "old"]);
      expect(rest.listReadings(d.id, { limit: 1 }).map((r) => r.reading.model)).toEqual(["New"]);
    });

    test("a reading dated in the future is dated on arrival, so later readings still count as newer", () => {
      const { store, rest, agent, clock } = setup();
      store.storeReadings(agent, [outbox("future", makeReading({ address: "10.0.0.5", serial: "S1", readAt: clock.ms + 365 * DAY, total: 10n }))]);
      const [d] = rest.listDevices();
      expect(rest.listReadings(d.id)[0].readAt).toEqual(new Date(clock.ms));
      clock.advance(60_000);
      store.storeReadings(agent, [outbox("next", makeReading({ address: "10.0.0.6", serial: "S1", readAt: clock.ms, total: 20n }))]);
      expect(rest.listDevices()[0]).toMatchObject({ address: "10.0.0.6", totalPages: 20 });
    });

    test("a counter going backwards or jumping is flagged, the reading still stored", () => {
      const { store, rest, agent, site, clock } = setup();
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

      const [d] = rest.listDevices();
      expect(d.flags).toBe(3);
      expect(d.readingCount).toBe(5);
      expect(rest.listCounterFlags({ deviceId: d.id }).map((f) => `${f.readingId}:${f.reason}`)).toEqual(["r5:jump", "r3:jump", "r2:backwards"]);
      expect(rest.listCounterFlags({ siteId: "site_other" })).toEqual([]);
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

    // A partial read: the walk of one counter table failed, the other meters are there.
    const monoUpload = (store: AgentApiStore, agent: Parameters<AgentApiStore["storeReadings"]>[0], serial: string) => (id: string, readAt: number, mono?: bigint) =>
      store.storeReadings(agent, [outbox(id, makeReading({ address: "10.0.0.5", serial, readAt, total: 1000n, counters: mono === undefined ? [] : [{ kind: CounterKind.MONO, value: mono }] }))]);

    test("a meter the reading just before missed is compared with its last known value, the ceiling from when that was read", () => {
      const { store, rest, agent, clock } = setup();
      const t = clock.ms - 30 * DAY;
      const up = monoUpload(store, agent, "S1");
      up("r1", t, 40_000n);
      expect(up("r2", t + 3600_000).flags).toEqual([]);
      expect(up("r3", t + 7200_000, 39_000n).flags).toMatchObject([{ readingId: "r3", kind: CounterKind.MONO, previous: 40_000, value: 39_000, reason: "backwards" }]);
      // Three days without mono, then 140,000 more: under 50,000 a day since r3 (an hour after r4 alone would not be).
      up("r4", t + 3 * DAY);
      expect(up("r5", t + 3 * DAY + 3600_000, 179_000n).flags).toEqual([]);
      up("r6", t + 3 * DAY + 7200_000);
      expect(up("r7", t + 3 * DAY + 3 * 3600_000, 279_001n).flags).toMatchObject([{ previous: 179_000, value: 279_001, reason: "jump" }]);
      expect(rest.listCounterFlags().map((f) => `${f.readingId}:${f.reason}:${f.previous}`)).toEqual(["r7:jump:179000", "r3:backwards:40000"]);
    });

    test("a reading arriving late is compared with the readings before it, and is the last known value for those after it", () => {
      const { store, agent, clock } = setup();
      const t = clock.ms - 30 * DAY;
      const up = monoUpload(store, agent, "S1");
      up("o1", t, 40_000n);
      up("o3", t + 2 * DAY);
      expect(up("o2", t + DAY, 39_000n).flags).toMatchObject([{ readingId: "o2", previous: 40_000, value: 39_000, reason: "backwards" }]);
      expect(up("o4", t + 3 * DAY, 38_500n).flags).toMatchObject([{ readingId: "o4", previous: 39_000, value: 38_500, reason: "backwards" }]);
    });

    test(`the look back stops after ${LOOKBACK_READINGS} readings or ${LOOKBACK_MS / DAY} days; the reading just before is compared however old`, () => {
      const { store, agent, clock } = setup();
      const t = clock.ms - 400 * DAY;
      const old = monoUpload(store, agent, "OLD");
      old("a1", t, 40_000n);
      expect(old("a2", t + 200 * DAY, 39_000n).flags).toMatchObject([{ previous: 40_000, reason: "backwards" }]);
      // Past a reading that missed it: a2 is a millisecond too old for a4, a4 just young enough for a6.
      old("a3", t + 210 * DAY);
      const a4 = t + 200 * DAY + LOOKBACK_MS + 1;
      expect(old("a4", a4, 38_000n).flags).toEqual([]);
      old("a5", t + 300 * DAY);
      expect(old("a6", a4 + LOOKBACK_MS, 37_000n).flags).toMatchObject([{ previous: 38_000, reason: "backwards" }]);

      // Readings a minute apart that each missed mono: one fewer than the bound in between, then as many.
      for (const [serial, gap] of [["NEAR", LOOKBACK_READINGS - 1], ["FAR", LOOKBACK_READINGS]] as const) {
        const up = monoUpload(store, agent, serial);
        up(`${serial}-0`, t, 40_000n);
        for (let i = 1; i <= gap; i++) up(`${serial}-${i}`, t + i * 60_000);
        const last = up(`${serial}-last`, t + (gap + 1) * 60_000, 39_000n).flags;
        expect(last).toHaveLength(serial === "NEAR" ? 1 : 0);
      }
    });

    test("an agent's readings land in its own site only, even for a serial known elsewhere", () => {
      const { store, rest, agent, site, clock, agentOn } = setup();
      const b = agentOn("Beta", "install-b");
      store.storeReadings(agent, [outbox("ra", makeReading({ address: "10.0.0.5", serial: "SHARED", readAt: clock.ms }))]);
      store.storeReadings(b.agent, [outbox("rb", makeReading({ address: "10.0.0.5", serial: "SHARED", readAt: clock.ms }))]);
      const [da] = rest.listDevices({ siteId: site.id });
      const [db] = rest.listDevices({ siteId: b.site.id });
      expect(da.id).not.toBe(db.id);
      expect(rest.listReadings(da.id).map((r) => r.id)).toEqual(["ra"]);
      expect(rest.countReadings({ siteId: b.site.id })).toBe(1);
      // The same id from the other site is neither acknowledged nor moved.
      const clash = store.storeReadings(b.agent, [outbox("ra", makeReading({ address: "10.0.0.6", serial: "OTHER", readAt: clock.ms }))]);
      expect(clash).toMatchObject({ acknowledgedIds: [], stored: 0, conflicts: 1 });
      expect(rest.listReadings(da.id)[0].agentId).toBe(agent.id);
    });
  });
}
