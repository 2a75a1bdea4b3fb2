/**
 * The fleet views through the in-process admin API (real store, real door
 * rules and audit log) on the fleet of test/support/fleet-views-fixture.ts:
 * the overview's exact counts, per role; one device in full; its daily meters.
 */
import { describe, expect, test } from "bun:test";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { CounterKind, SupplyState } from "../../gen/dca/v1/reading_pb.ts";
import { DeviceHealth } from "../../gen/dca/v1/admin_fleet_pb.ts";
import { DAY, HOUR, NOW, fleetViewsFixture, testReading } from "../../../test/support/fleet-views-fixture.ts";
import { outbox } from "../../../test/support/hub-store-fixtures.ts";
import { refused } from "./testdata/two-sites.ts";

const counts = (r: { siteName: string; devices: number; devicesOnline: number; devicesMissed: number; devicesError: number; devicesWarning: number; suppliesLow: number; devicesFlagged: number; agents?: number; agentsOffline?: number; outboxDepth?: bigint }) => ({
  site: r.siteName,
  devices: r.devices,
  online: r.devicesOnline,
  missed: r.devicesMissed,
  error: r.devicesError,
  warning: r.devicesWarning,
  low: r.suppliesLow,
  flagged: r.devicesFlagged,
  agents: r.agents,
  offline: r.agentsOffline,
  outbox: r.outboxDepth,
});

describe("GetFleetOverview", () => {
  test("every site at a glance, and the totals, for the owner", async () => {
    const f = fleetViewsFixture();
    const o = await f.api.getFleetOverview({});
    expect(o.sites.map(counts)).toEqual([
      // d3 is missed (30 h) and down; d2 in warning; d2 low by 8 %, d3 by its state alone; d4 flagged; n2 silent for an hour, n3 disabled.
      { site: "North", devices: 4, online: 3, missed: 1, error: 1, warning: 1, low: 2, flagged: 1, agents: 2, offline: 1, outbox: 12n },
      { site: "South", devices: 1, online: 1, missed: 0, error: 0, warning: 0, low: 0, flagged: 0, agents: 1, offline: 0, outbox: 0n },
    ]);
    expect(counts({ ...o.totals!, siteName: "" })).toEqual({ site: "", devices: 5, online: 4, missed: 1, error: 1, warning: 1, low: 2, flagged: 1, agents: 3, offline: 1, outbox: 12n });
    expect(o.sites[0]).toMatchObject({ siteId: f.north.id, missedAfterSeconds: 86_400, offlineAfterSeconds: 900, lastReadAt: timestampFromMs(NOW - HOUR) });
    expect(o.sites[1]?.lastReadAt).toEqual(timestampFromMs(NOW - HOUR / 2));
    expect(o.totals?.lastReadAt).toEqual(timestampFromMs(NOW - HOUR / 2));
    expect(o.matchingDevices).toEqual([]);
  });

  test("thresholds follow the site's schedule; a newer reading without a low supply clears the low count", async () => {
    const f = fleetViewsFixture();
    // Reads every 2 days and polls every 30 minutes: missed after 4 days, offline after 90 minutes (n2 polled 80 minutes ago).
    f.store.updateSiteConfig(f.north.id, (c) => void ((c.readIntervalSeconds = 2 * 86_400), (c.pollIntervalSeconds = 1800)));
    // Asked once before d3's new reading: what the hub remembers of d3's old one must not stay.
    expect((await f.api.getFleetOverview({ site: "North" })).sites[0]?.suppliesLow).toBe(2);
    f.clock.set(NOW + 20 * 60_000);
    f.store.storeReadings(f.agents.n2, [outbox("d3-r2", testReading({ address: "10.0.0.100", serial: "N-003", vendor: "Brother", model: "HL-L8360", readAt: NOW, total: 800n, status: ["running", "idle"], supplies: [{ description: "Toner", level: -3, state: SupplyState.SOME_REMAINING }] }))]);
    const north = (await f.as("viewer", "North").getFleetOverview({})).sites[0]!;
    expect(counts(north)).toEqual({ site: "North", devices: 4, online: 4, missed: 0, error: 0, warning: 1, low: 1, flagged: 1, agents: 2, offline: 0, outbox: 12n });
    expect(north).toMatchObject({ missedAfterSeconds: 4 * 86_400, offlineAfterSeconds: 5400 });
  });

  test("a site's people see their site only; agents only where they may see agents", async () => {
    const f = fleetViewsFixture();
    const viewer = await f.as("viewer", "South").getFleetOverview({});
    expect(viewer.sites.map(counts)).toEqual([{ site: "South", devices: 1, online: 1, missed: 0, error: 0, warning: 0, low: 0, flagged: 0, agents: 1, offline: 0, outbox: 0n }]);
    expect(viewer.totals?.devices).toBe(1);
    const billing = await f.as("billing", "North").getFleetOverview({});
    expect(billing.sites.map(counts)).toEqual([{ site: "North", devices: 4, online: 3, missed: 1, error: 1, warning: 1, low: 2, flagged: 1, agents: undefined, offline: undefined, outbox: undefined }]);
    expect(billing.totals?.agents).toBeUndefined();
    await refused(f.as("viewer", "South").getFleetOverview({ site: "North" }));
    expect((await f.as("viewer", "South").getFleetOverview({ search: "N-00" })).matchingDevicesTotal).toBe(0);
  });

  test("a search finds sites by name and devices by serial, address, model or MAC, across the caller's sites", async () => {
    const f = fleetViewsFixture();
    const bySearch = async (search: string) => {
      const o = await f.api.getFleetOverview({ search });
      return { sites: o.matchingSites.map((s) => s.siteName), devices: o.matchingDevices.map((d) => d.serialNumber), total: o.matchingDevicesTotal };
    };
    expect(await bySearch("sou")).toEqual({ sites: ["South"], devices: [], total: 0 });
    expect(await bySearch("m507")).toEqual({ sites: [], devices: ["N-001", "S-001"], total: 2 });
    expect(await bySearch("aabbcc000001")).toEqual({ sites: [], devices: ["N-001"], total: 1 });
    expect(await bySearch("10.0.0.1")).toEqual({ sites: [], devices: ["N-002", "N-003"], total: 2 });
    await refused(f.api.getFleetOverview({ search: "x".repeat(101) }), "invalid-argument");
  });
});

describe("GetDevice", () => {
  test("identity, address history, status, supplies in words, counters with OIDs, readings paged", async () => {
    const f = fleetViewsFixture();
    const d = await f.api.getDevice({ device: f.d.d1.id, readingsPageSize: 2 });
    expect(d.device).toMatchObject({ id: f.d.d1.id, siteName: "North", address: "10.0.0.9", totalPages: 1200n, health: DeviceHealth.OK, readingCount: 3n });
    expect(d.identity).toMatchObject({ vendor: "HP", model: "LaserJet M507", serialNumber: "N-001", macAddress: "AA:BB:CC:00:00:01", firmware: "2409081_001000" });
    expect(d.addresses.map((a) => [a.address, a.firstSeen, a.lastSeen, a.readings])).toEqual([
      ["10.0.0.5", timestampFromMs(NOW - 3 * DAY + HOUR), timestampFromMs(NOW - 3 * DAY + HOUR), 1n],
      ["10.0.0.9", timestampFromMs(NOW - 2 * DAY + HOUR), timestampFromMs(NOW - DAY + HOUR), 2n],
    ]);
    expect(d.status).toMatchObject({ deviceStatus: "running", printerStatus: "idle" });
    expect(d.counters.map((c) => [c.kind, c.name, c.value, c.oid])).toEqual([
      [CounterKind.TOTAL, "prtMarkerLifeCount", 1200n, "1.3.6.1.2.1.43.10.2.1.4.1.1"],
      [CounterKind.MONO, "mono", 1100n, "1.3.6.1.4.1.11.2.3.9.4.2.1.4.1.2.6.0"],
    ]);
    expect(d.latestReadingId).toBe("d1-r3");
    expect(d.readingsTotal).toBe(3n);
    expect(d.readings.map((r) => [r.id, r.address, r.totalPages, r.health])).toEqual([
      ["d1-r3", "10.0.0.9", 1200n, DeviceHealth.OK],
      ["d1-r2", "10.0.0.9", 1100n, DeviceHealth.OK],
    ]);
    const older = await f.api.getDevice({ device: f.d.d1.id, readingsPageSize: 2, readingsOffset: 2 });
    expect(older.readings.map((r) => [r.id, r.address, r.agentId])).toEqual([["d1-r1", "10.0.0.5", f.agents.n1.id]]);
  });

  test("a level of -3 is 'some remaining' with no percent; low supplies need attention; flags are listed", async () => {
    const f = fleetViewsFixture();
    const d2 = await f.api.getDevice({ device: f.d.d2.id });
    expect(d2.supplies.map((s) => [s.supply?.description, s.supply?.level, s.supply?.percent, s.stateLabel, s.attention, s.kind])).toEqual([
      ["Cyan Cartridge", 80, 8, "low", true, "toner cartridge"],
      ["Black Cartridge", -3, undefined, "some remaining (level -3)", false, "toner cartridge"],
    ]);
    expect(d2.supplies[1]?.supply?.percentBasis).toBe("level -3: some remains, amount not reported; no percent");
    expect(d2.device?.health).toBe(DeviceHealth.WARNING);
    expect(d2.status?.detectedErrors).toEqual(["lowToner"]);
    const d3 = await f.api.getDevice({ device: f.d.d3.id });
    expect(d3.supplies.map((s) => [s.stateLabel, s.attention])).toEqual([["low", true]]);
    expect(d3.device?.health).toBe(DeviceHealth.ERROR);
    const d4 = await f.api.getDevice({ device: f.d.d4.id });
    expect(d4.flags.map((x) => [x.previous, x.value, x.reason, x.readingId])).toEqual([[2000n, 1500n, "backwards", "d4-r2"]]);
    expect(d4.device?.health).toBe(DeviceHealth.UNKNOWN);
    expect(d4.status).toBeUndefined();
  });

  test("another site's device is refused like an unknown one; bounds are checked", async () => {
    const f = fleetViewsFixture();
    const viewer = f.as("viewer", "South");
    expect((await viewer.getDevice({ device: f.d.d5.id })).device?.serialNumber).toBe("S-001");
    const other = await refused(viewer.getDevice({ device: f.d.d1.id }));
    const unknown = await refused(viewer.getDevice({ device: "dev_nope" }));
    expect(other.message.replace(f.d.d1.id, "X")).toBe(unknown.message.replace("dev_nope", "X"));
    expect((await refused(f.api.getDevice({ device: "dev_nope" }), "not-found")).message).toContain(`unknown device "dev_nope"`);
    expect((await refused(f.api.getDevice({ device: f.d.d1.id, readingsPageSize: 201 }), "invalid-argument")).message).toContain("1 to 200 readings");
  });
});

describe("GetMeterSeries", () => {
  test("the last reading of each day, every meter by key; days in the asked offset; audited", async () => {
    const f = fleetViewsFixture();
    // A second read on the last day: the day's point is its last reading.
    f.store.storeReadings(f.agents.n1, [outbox("d1-r4", testReading({ address: "10.0.0.9", serial: "N-001", vendor: "HP", model: "LaserJet M507", readAt: NOW - DAY + 2 * HOUR, total: 1250n, mono: 1140n }))]);
    const s = await f.as("billing", "North").getMeterSeries({ device: f.d.d1.id });
    expect(s.keys.map((k) => [k.kind, k.name])).toEqual([
      [CounterKind.TOTAL, "prtMarkerLifeCount"],
      [CounterKind.MONO, "mono"],
    ]);
    expect(s.points.map((p) => [p.day, p.readingId, p.totalPages, p.values.map((v) => [v.key, v.value])])).toEqual([
      ["2026-03-07", "d1-r1", 1000n, [[0, 1000n], [1, 900n]]],
      ["2026-03-08", "d1-r2", 1100n, [[0, 1100n], [1, 1000n]]],
      ["2026-03-09", "d1-r4", 1250n, [[0, 1250n], [1, 1140n]]],
    ]);
    // At UTC+11 a read at 13:00Z is past midnight: the next local day.
    const east = await f.api.getMeterSeries({ device: f.d.d1.id, utcOffsetMinutes: 660 });
    expect(east.points.map((p) => [p.day, p.readingId])).toEqual([
      ["2026-03-08", "d1-r1"],
      ["2026-03-09", "d1-r2"],
      ["2026-03-10", "d1-r4"],
    ]);
    const window = await f.api.getMeterSeries({ device: f.d.d1.id, since: timestampFromMs(NOW - 2 * DAY), until: timestampFromMs(NOW - DAY) });
    expect(window.points.map((p) => p.readingId)).toEqual(["d1-r2"]);
    const [audit] = f.store.listAudit({ action: "GetMeterSeries", limit: 1 });
    expect(audit).toMatchObject({ actor: "owner1", siteId: f.north.id, target: `device ${f.d.d1.id}`, outcome: "ok" });
    expect(audit!.detail).toMatchObject({ since: "2026-03-08T12:00:00.000Z", until: "2026-03-09T12:00:00.000Z", days: 1 });
  });

  test("periods longer than 732 days, empty periods and offsets past 14 h are refused; another site's device too", async () => {
    const f = fleetViewsFixture();
    const at = (ms: number) => timestampFromMs(ms);
    expect((await refused(f.api.getMeterSeries({ device: f.d.d1.id, since: at(NOW - 733 * DAY), until: at(NOW) }), "invalid-argument")).message).toContain("at most 732 days");
    expect((await f.api.getMeterSeries({ device: f.d.d1.id, since: at(NOW - 732 * DAY), until: at(NOW) })).points).toHaveLength(3);
    await refused(f.api.getMeterSeries({ device: f.d.d1.id, since: at(NOW), until: at(NOW) }), "invalid-argument");
    await refused(f.api.getMeterSeries({ device: f.d.d1.id, utcOffsetMinutes: 841 }), "invalid-argument");
    await refused(f.as("billing", "South").getMeterSeries({ device: f.d.d1.id }));
  });
});
