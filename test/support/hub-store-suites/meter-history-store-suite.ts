/**
 * The suite of MeterHistoryStore, what a billing meter export reads: devices
 * page by page, and for each the few readings that decide its meters in a
 * period (around each boundary, and where a meter went down with the
 * reading before it), its readings in the period, flagged jumps, and the
 * device it replaced or that replaced it at the same address.
 */
import { describe, expect, test } from "bun:test";
import type { MeterHistoryStore } from "../../../src/hub/store/index.ts";
import { MAX_RESETS_FOLLOWED } from "../../../src/hub/store/index.ts";
import { makeReading, outbox } from "../hub-store-fixtures.ts";
import { type OpenStore, siteWithAgent, storesUnderTest } from "./store-under-test.ts";

const DAY = 86_400_000;
const APRIL = { start: new Date("2026-04-01T00:00:00Z"), end: new Date("2026-05-01T00:00:00Z") };
const day = (n: number) => APRIL.start.getTime() + n * DAY;

/** Runs every MeterHistoryStore test on the stores `open` makes; `name` names the implementation. */
export function describeMeterHistoryStore(name: string, open: OpenStore): void {
  describe(`${name} as MeterHistoryStore`, () => {
    const opened = storesUnderTest<MeterHistoryStore>(open);
    const setup = () => {
      const t = opened();
      t.clock.set(Date.parse("2026-06-01T00:00:00Z"));
      const acme = siteWithAgent(t.rest, t.rest, t.rest, "Acme", "install-a");
      const read = (id: string, serial: string, at: number, total: bigint, address = "10.0.0.7", agent = acme.agent) =>
        t.rest.storeReadings(agent, [outbox(id, makeReading({ address, serial, readAt: at, total }))]);
      const device = (serial: string) => {
        const d = t.rest.listDevices().find((x) => x.serialNumber === serial)!;
        return t.store.listMeterDevices({ siteIds: "all", deviceId: d.id, limit: 1 })[0]!;
      };
      return { ...t, ...acme, read, device };
    };

    test("devices page by site id then id, filtered by sites or one device", () => {
      const { store, rest, read, site } = setup();
      const beta = siteWithAgent(rest, rest, rest, "Beta", "install-b");
      for (let i = 0; i < 5; i++) read(`a${i}`, `A${i}`, day(1), 1n, `10.0.0.${i}`);
      read("b0", "B0", day(1), 1n, "10.0.0.1", beta.agent);
      const all = store.listMeterDevices({ siteIds: "all", limit: 100 });
      expect(all).toHaveLength(6);
      expect(all.map((d) => `${d.siteId} ${d.id}`)).toEqual(all.map((d) => `${d.siteId} ${d.id}`).sort());
      const paged = [];
      for (let after = undefined as { siteId: string; deviceId: string } | undefined; ; ) {
        const page = store.listMeterDevices({ siteIds: "all", after, limit: 4 });
        paged.push(...page);
        if (page.length < 4) break;
        after = { siteId: page.at(-1)!.siteId, deviceId: page.at(-1)!.id };
      }
      expect(paged).toEqual(all);
      expect(store.listMeterDevices({ siteIds: [site.id], limit: 100 }).map((d) => d.serialNumber).sort()).toEqual(["A0", "A1", "A2", "A3", "A4"]);
      expect(store.listMeterDevices({ siteIds: [beta.site.id], limit: 100 })).toMatchObject([{ serialNumber: "B0", address: "10.0.0.1", vendor: "HP", siteId: beta.site.id }]);
      expect(store.listMeterDevices({ siteIds: [], limit: 100 })).toEqual([]);
      expect(store.listMeterDevices({ siteIds: [beta.site.id], deviceId: all.find((d) => d.siteId === site.id)!.id, limit: 1 })).toEqual([]);
    });

    test("a device read neither in the period nor on both sides of it has no history for it", () => {
      const { store, read, device } = setup();
      read("old", "OLD", day(-10), 5n, "10.0.0.1");
      read("new", "NEW", day(31), 5n, "10.0.0.2");
      read("gap1", "GAP", day(-1), 5n, "10.0.0.3");
      read("gap2", "GAP", day(40), 9n, "10.0.0.3");
      expect(store.meterHistory(device("OLD"), APRIL)).toBeUndefined();
      expect(store.meterHistory(device("NEW"), APRIL)).toBeUndefined();
      expect(store.meterHistory(device("GAP"), APRIL)).toMatchObject({ readingsInPeriod: 0, readings: [{ id: "gap1" }, { id: "gap2" }] });
    });

    test("hourly readings: only those around the boundaries and each reset with the reading before it", () => {
      const { store, rest, agent, device } = setup();
      const ids: string[] = [];
      const batch = [];
      for (let h = -5; h <= 30 * 24 + 5; h++) {
        const id = `h${h + 5}`;
        ids.push(id);
        // Two resets: at hour 100 and at hour 500.
        const total = BigInt(h < 100 ? 10_000 + h : h < 500 ? h - 100 : h - 500);
        batch.push(outbox(id, makeReading({ address: "10.0.0.7", serial: "HOURLY", readAt: APRIL.start.getTime() + h * 3600_000, total })));
      }
      rest.storeReadings(agent, batch);
      const h = store.meterHistory(device("HOURLY"), APRIL)!;
      const at = (hour: number) => `h${hour + 5}`;
      expect(h.readings.map((r) => r.id)).toEqual([at(-2), at(-1), at(0), at(1), at(2), at(3), at(99), at(100), at(499), at(500), at(718), at(719), at(720), at(721), at(722), at(723)]);
      expect(h.readingsInPeriod).toBe(720);
      expect(h.readings.map((r) => r.readAt.getTime())).toEqual(h.readings.map((r) => r.readAt.getTime()).sort((x, y) => x - y));
      expect(h.readings[0]!.counters[0]!.value).toBe(9998n);
      expect(h.resetsTruncated).toBe(false);
    });

    test("a reset just after reads that missed the meter: followed back to the last reading that carried it", () => {
      const { store, rest, agent, device } = setup();
      const read = (id: string, at: number, total?: bigint) => rest.storeReadings(agent, [outbox(id, makeReading({ address: "10.0.0.7", serial: "GAPPY", readAt: at, total }))]);
      for (let d = 0; d <= 10; d++) read(`g${d}`, day(d), 1000n + 10n * BigInt(d));
      // The counter table's walk failed twice, then the meter was reset.
      read("g11", day(11));
      read("g12", day(12));
      read("g13", day(13), 5n);
      for (let d = 14; d <= 30; d++) read(`g${d}`, day(d), 5n + BigInt(d - 13));
      const h = store.meterHistory(device("GAPPY"), APRIL)!;
      expect(h.readings.map((r) => r.id)).toEqual(["g0", "g1", "g2", "g3", "g10", "g12", "g13", "g28", "g29", "g30"]);
      expect(h.readings.find((r) => r.id === "g10")!.counters[0]!.value).toBe(1100n);
    });

    test(`more than ${MAX_RESETS_FOLLOWED} resets: the first ones followed, and said`, () => {
      const { store, rest, agent, device } = setup();
      const batch = [];
      for (let i = 0; i < 2 * (MAX_RESETS_FOLLOWED + 1); i++) {
        batch.push(outbox(`z${i}`, makeReading({ address: "10.0.0.7", serial: "ZIGZAG", readAt: day(1) + i * 60_000, total: BigInt(i % 2 === 0 ? 1000 : 10) })));
      }
      rest.storeReadings(agent, batch);
      expect(store.meterHistory(device("ZIGZAG"), APRIL)!.resetsTruncated).toBe(true);
    });

    test("jumps flagged in the period are handed out with the counter's name and values", () => {
      const { store, read, device } = setup();
      read("j1", "JUMPY", day(1), 1000n);
      read("j2", "JUMPY", day(1) + 3600_000, 900_000n);
      expect(store.meterHistory(device("JUMPY"), APRIL)!.jumps).toEqual([{ readingId: "j2", at: new Date(day(1) + 3600_000), name: "", kind: 1, previous: 1000n, value: 900_000n }]);
    });

    test("a device replaced at the same address: each names the other, within the replacement gap only", () => {
      const { store, read, device } = setup();
      read("o1", "OLD", day(-3), 100n);
      read("o2", "OLD", day(9), 400n);
      read("n1", "NEW", day(10), 5n);
      read("n2", "NEW", day(35), 500n);
      expect(store.meterHistory(device("OLD"), APRIL)).toMatchObject({ successor: { deviceId: device("NEW").id, serialNumber: "NEW", at: new Date(day(10)) }, predecessor: undefined });
      expect(store.meterHistory(device("NEW"), APRIL)).toMatchObject({ predecessor: { deviceId: device("OLD").id, serialNumber: "OLD", at: new Date(day(9)) }, successor: undefined });

      // Another address, or a device gone for longer than the gap, is no replacement.
      read("x1", "ELSEWHERE", day(12), 5n, "10.0.0.8");
      read("p1", "LONG-GONE", day(-60), 5n, "10.0.0.9");
      read("q1", "LATE", day(5), 5n, "10.0.0.9");
      expect(store.meterHistory(device("ELSEWHERE"), APRIL)!.predecessor).toBeUndefined();
      expect(store.meterHistory(device("LATE"), APRIL)!.predecessor).toBeUndefined();
    });
  });
}
