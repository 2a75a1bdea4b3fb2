/**
 * The parts of the fleet counts that do not show through the overview's
 * handler tests: readings received in a window, found by bisection over the
 * rows the hub appends, and the one-field decode of a stored reading.
 */
import { describe, expect, test } from "bun:test";
import { toBinary } from "@bufbuild/protobuf";
import { DeviceReadingSchema, SupplyState } from "../../gen/dca/v1/reading_pb.ts";
import { testReading } from "../../../test/support/fleet-views-fixture.ts";
import { makeReading, outbox, tempDataDir, testClock } from "../../../test/support/hub-store-fixtures.ts";
import { openHubStore } from "./open-hub-store.ts";
import { countersOf, suppliesOf } from "./reading-parts.ts";

describe("readingsReceived", () => {
  test("counts the readings received since a time, however they were batched", () => {
    const clock = testClock();
    const store = openHubStore(tempDataDir(), { clock });
    expect(store.readingsReceived(0)).toEqual({ since: 0, held: 0 });
    const site = store.createSite("S");
    const r = store.activate({ code: store.createActivationCode(site.id).code, installId: "i".repeat(32), hostname: "h", agentVersion: "0", platform: "linux-x64" });
    if (!r.ok) throw new Error(r.reason);
    const start = clock.ms;
    // 10 batches a minute apart, batch i holding i + 1 readings: 55 in all.
    for (let i = 0; i < 10; i++) {
      clock.set(start + i * 60_000);
      store.storeReadings(r.agent, Array.from({ length: i + 1 }, (_, j) => outbox(`r${i}-${j}`, makeReading({ address: `10.0.${i}.${j}`, readAt: clock.ms }))));
    }
    const since = (minutes: number) => store.readingsReceived(start + minutes * 60_000).since;
    expect(store.readingsReceived(start).held).toBe(55);
    expect([since(0), since(0.5), since(8), since(9), since(9.5), since(100)]).toEqual([55, 54, 19, 10, 0, 0]);
    store.close();
  });
});

describe("reading parts", () => {
  test("supplies and counters decoded alone equal those of the whole reading", () => {
    for (const n of [0, 7, 99]) {
      const reading = testReading({ address: `10.0.0.${n}`, serial: `S${n}`, vendor: "HP", model: "M", readAt: n * 1000, total: BigInt(n * 1000), mono: BigInt(n), status: ["running", "idle"], firmware: "1.0", supplies: [
        { description: "Black", level: n, maxCapacity: 100, percent: n, state: SupplyState.OK },
        { description: "Waste", level: -3, state: SupplyState.SOME_REMAINING, receptacle: true },
      ] });
      reading.trays.push({ $typeName: "dca.v1.Tray", index: 1, name: "Tray 1", description: "", type: "other", state: 1, mediaName: "A4", mediaDimensionFeed: 0, mediaDimensionCrossFeed: 0 });
      reading.console.push("Ready");
      const data = toBinary(DeviceReadingSchema, reading);
      expect(suppliesOf(data)).toEqual(reading.supplies);
      expect(countersOf(data)).toEqual(reading.counters);
      expect(reading.supplies.length).toBeGreaterThan(0);
    }
    expect(suppliesOf(new Uint8Array())).toEqual([]);
  });
});
