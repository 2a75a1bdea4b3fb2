/**
 * The suite of DeviceAdminStore, what the `device` admin commands need:
 * devices with a summary of their newest reading, their readings, counter
 * flags, missed reads, and counts.
 */
import { describe, expect, test } from "bun:test";
import { CounterKind } from "../../../src/gen/dca/v1/reading_pb.ts";
import type { DeviceAdminStore } from "../../../src/hub/store/index.ts";
import { makeReading, outbox } from "../hub-store-fixtures.ts";
import { type OpenStore, newAgent, siteWithAgent, storesUnderTest } from "./store-under-test.ts";

const DAY = 86_400_000;

/** Runs every DeviceAdminStore test on the stores `open` makes; `name` names the implementation. */
export function describeDeviceAdminStore(name: string, open: OpenStore): void {
  describe(`${name} as DeviceAdminStore`, () => {
    const opened = storesUnderTest<DeviceAdminStore>(open);
    const setup = () => {
      const t = opened();
      const agentOn = (siteName: string, installId: string) => siteWithAgent(t.rest, t.rest, t.rest, siteName, installId);
      return { ...t, agentOn, ...agentOn("Acme", "install-a") };
    };

    test("listings show total pages, the lowest known supply and the status of the last reading", () => {
      const { store, rest, agent, clock } = setup();
      rest.storeReadings(agent, [
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

    test("devices are listed by site, then address in numeric order; one is found by id", () => {
      const { store, rest, agent, site, clock, agentOn } = setup();
      const b = agentOn("Beta", "install-b");
      for (const address of ["10.0.0.10", "10.0.0.100", "10.0.0.9"]) rest.storeReadings(agent, [outbox(`r-${address.replaceAll(".", "-")}`, makeReading({ address, readAt: clock.ms }))]);
      rest.storeReadings(b.agent, [outbox("r-b", makeReading({ address: "10.0.0.1", readAt: clock.ms }))]);
      const mine = store.listDevices({ siteId: site.id });
      expect(mine.map((d) => d.address)).toEqual(["10.0.0.9", "10.0.0.10", "10.0.0.100"]);
      const all = store.listDevices();
      expect(all).toHaveLength(4);
      expect(all.map((d) => d.siteId)).toEqual(all.map((d) => d.siteId).sort());
      expect(all.filter((d) => d.siteId === site.id)).toEqual(mine);
      expect(store.getDevice(mine[1].id)).toEqual(mine[1]);
      expect(store.getDevice("dev_nope")).toBeUndefined();
      expect(store.listDevices({ siteId: "site_nope" })).toEqual([]);
    });

    test("a device's readings come newest first, as many as asked (at least one), with where and when they arrived", () => {
      const { store, rest, agent, site, clock } = setup();
      const t = clock.ms;
      rest.storeReadings(agent, [
        outbox("old", makeReading({ address: "10.0.0.5", serial: "S1", readAt: t - 2000 })),
        outbox("mid", makeReading({ address: "10.0.0.5", serial: "S1", readAt: t - 1000 }), "tsk_x"),
      ]);
      clock.advance(500);
      rest.storeReadings(agent, [outbox("new", makeReading({ address: "10.0.0.6", serial: "S1", readAt: t }))]);
      const [d] = store.listDevices();
      expect(store.listReadings(d.id).map((r) => r.id)).toEqual(["new", "mid", "old"]);
      expect(store.listReadings(d.id, { limit: 2 }).map((r) => r.id)).toEqual(["new", "mid"]);
      expect(store.listReadings(d.id, { limit: 0 }).map((r) => r.id)).toEqual(["new"]);
      // A window by read time: since is inclusive, until is not.
      expect(store.listReadings(d.id, { since: new Date(t - 1000) }).map((r) => r.id)).toEqual(["new", "mid"]);
      expect(store.listReadings(d.id, { until: new Date(t) }).map((r) => r.id)).toEqual(["mid", "old"]);
      expect(store.listReadings(d.id, { since: new Date(t - 2000), until: new Date(t - 1000) }).map((r) => r.id)).toEqual(["old"]);
      const mid = store.listReadings(d.id)[1];
      expect(mid).toMatchObject({ deviceId: d.id, agentId: agent.id, siteId: site.id, taskId: "tsk_x", address: "10.0.0.5", readAt: new Date(t - 1000), receivedAt: new Date(t) });
      expect(mid.reading.serialNumber).toBe("S1");
      expect(store.listReadings("dev_nope")).toEqual([]);
    });

    test("counter flags are found by device and by site, newest first", () => {
      const { store, rest, agent, site, clock, agentOn } = setup();
      const b = agentOn("Beta", "install-b");
      const t = clock.ms;
      const backwards = (who: typeof agent, serial: string, at: number) =>
        rest.storeReadings(who, [
          outbox(`${serial}-1`, makeReading({ address: "10.0.0.5", serial, readAt: at - 1000, total: 500n })),
          outbox(`${serial}-2`, makeReading({ address: "10.0.0.5", serial, readAt: at, total: 400n })),
        ]);
      backwards(agent, "S1", t - 3000);
      backwards(agent, "S2", t - 2000);
      backwards(b.agent, "S3", t - 1000);
      expect(store.listCounterFlags().map((f) => f.readingId)).toEqual(["S3-2", "S2-2", "S1-2"]);
      expect(store.listCounterFlags({ siteId: site.id }).map((f) => f.readingId)).toEqual(["S2-2", "S1-2"]);
      const s1 = store.listDevices({ siteId: site.id }).find((d) => d.serialNumber === "S1")!;
      expect(store.listCounterFlags({ deviceId: s1.id })).toEqual([
        { deviceId: s1.id, siteId: site.id, readingId: "S1-2", kind: CounterKind.TOTAL, name: "", previous: 500, value: 400, reason: "backwards", at: new Date(t - 3000) },
      ]);
      expect(store.listCounterFlags({ deviceId: s1.id, siteId: b.site.id })).toEqual([]);
    });

    test("missed reads lists devices not read within the window", () => {
      const { store, rest, agent, site, clock } = setup();
      const t = clock.ms;
      rest.storeReadings(agent, [
        outbox("m1", makeReading({ address: "10.0.0.1", serial: "FRESH", readAt: t - 3600_000 })),
        outbox("m2", makeReading({ address: "10.0.0.2", serial: "STALE", readAt: t - 2 * DAY })),
        outbox("m3", makeReading({ address: "10.0.0.3", serial: "GONE", readAt: t - 8 * DAY })),
      ]);
      expect(store.missedReads({ olderThanMs: DAY }).map((d) => d.serialNumber)).toEqual(["STALE", "GONE"]);
      expect(store.missedReads({ olderThanMs: 7 * DAY, siteId: site.id }).map((d) => d.serialNumber)).toEqual(["GONE"]);
      expect(store.missedReads({ olderThanMs: DAY, siteId: "site_other" })).toEqual([]);
    });

    test("readings are counted and their ids listed, by site and by agent", () => {
      const { store, rest, agent, site, clock, agentOn } = setup();
      const a2 = newAgent(rest, rest, site.id, "install-a2").agent;
      const b = agentOn("Beta", "install-b");
      const upload = (who: typeof agent, ...ids: string[]) => rest.storeReadings(who, ids.map((id) => outbox(id, makeReading({ address: "10.0.0.1", readAt: clock.ms }))));
      upload(agent, "r-3", "r-1");
      upload(a2, "r-2");
      upload(b.agent, "r-4");
      expect(store.countReadings()).toBe(4);
      expect(store.countReadings({ siteId: site.id })).toBe(3);
      expect(store.countReadings({ agentId: a2.id })).toBe(1);
      expect(store.countReadings({ siteId: b.site.id, agentId: agent.id })).toBe(0);
      expect(store.readingIds()).toEqual(["r-1", "r-2", "r-3", "r-4"]);
      expect(store.readingIds({ agentId: agent.id })).toEqual(["r-1", "r-3"]);
    });
  });
}
