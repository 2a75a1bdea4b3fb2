/**
 * ListDevices with paging, sorting and filters (the portal's devices table)
 * on the fleet of test/support/fleet-views-fixture.ts: the exact order of
 * every sort both ways, each filter, the total across pages, the filters'
 * choices, the bounds, and a site's people seeing their site's rows only.
 */
import { describe, expect, test } from "bun:test";
import { DeviceHealth, DeviceSort, type ListDevicesRequest } from "../../gen/dca/v1/admin_fleet_pb.ts";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { ListDevicesRequestSchema } from "../../gen/dca/v1/admin_fleet_pb.ts";
import type { AdminClient } from "../admin/admin-client.ts";
import { fleetViewsFixture } from "../../../test/support/fleet-views-fixture.ts";
import { refused } from "./testdata/two-sites.ts";

type Req = Omit<MessageInitShape<typeof ListDevicesRequestSchema>, "$typeName">;

const f = fleetViewsFixture();
const serials = async (req: Req, api: AdminClient = f.api) => (await api.listDevices(req)).devices.map((d) => d.serialNumber);

describe("ListDevices sorts", () => {
  // North: N-001 10.0.0.9 HP M507 1200 p. 55 % ok; N-002 10.0.0.10 HP M554 5000 p. 8 % warning; N-003 10.0.0.100 Brother 777 p. error;
  // N-004 10.0.0.2 Kyocera 1500 p. no status, 1 flag. South: S-001 10.1.0.7 HP M507 42 p. 70 % ok.
  // Read (oldest first): N-003, N-001, N-002, N-004, S-001.
  const cases: [DeviceSort, string[]][] = [
    [DeviceSort.UNSPECIFIED, ["N-004", "N-001", "N-002", "N-003", "S-001"]],
    [DeviceSort.SITE, ["N-004", "N-001", "N-002", "N-003", "S-001"]],
    [DeviceSort.ADDRESS, ["N-004", "N-001", "N-002", "N-003", "S-001"]],
    [DeviceSort.SERIAL, ["N-001", "N-002", "N-003", "N-004", "S-001"]],
    [DeviceSort.LAST_READ, ["N-003", "N-001", "N-002", "N-004", "S-001"]],
    [DeviceSort.TOTAL_PAGES, ["S-001", "N-003", "N-001", "N-004", "N-002"]],
  ];
  for (const [sort, ascending] of cases) {
    test(`${DeviceSort[sort]} ascending and descending`, async () => {
      expect(await serials({ sort })).toEqual(ascending);
      const descending = await serials({ sort, descending: true });
      if (sort === DeviceSort.UNSPECIFIED || sort === DeviceSort.SITE) expect(descending).toEqual(["S-001", "N-003", "N-002", "N-001", "N-004"]);
      else expect(descending).toEqual([...ascending].reverse());
    });
  }

  test("vendor and model, any letter case (devices of one vendor or model tie, by id)", async () => {
    const values = async (sort: DeviceSort, descending: boolean, of: (d: { vendor: string; model: string }) => string) => (await f.api.listDevices({ sort, descending })).devices.map(of);
    expect(await values(DeviceSort.VENDOR, false, (d) => d.vendor)).toEqual(["Brother", "HP", "HP", "HP", "Kyocera"]);
    expect(await values(DeviceSort.VENDOR, true, (d) => d.vendor)).toEqual(["Kyocera", "HP", "HP", "HP", "Brother"]);
    const models = ["Color LaserJet M554", "ECOSYS P3155", "HL-L8360", "LaserJet M507", "LaserJet M507"];
    expect(await values(DeviceSort.MODEL, false, (d) => d.model)).toEqual(models);
    expect(await values(DeviceSort.MODEL, true, (d) => d.model)).toEqual([...models].reverse());
  });

  test("rows without the value go last both ways (no status, no supply level, no MAC); ties by id", async () => {
    // Health ok (by status text), warning, error; N-004 answered no status.
    expect(await serials({ sort: DeviceSort.STATUS })).toEqual(["N-001", "S-001", "N-002", "N-003", "N-004"]);
    expect(await serials({ sort: DeviceSort.STATUS, descending: true })).toEqual(["N-003", "N-002", "S-001", "N-001", "N-004"]);
    const last = [f.d.d3, f.d.d4].sort((a, b) => (a.id < b.id ? -1 : 1)).map((d) => d.serialNumber);
    expect(await serials({ sort: DeviceSort.LOWEST_SUPPLY })).toEqual(["N-002", "N-001", "S-001", ...last]);
    expect(await serials({ sort: DeviceSort.LOWEST_SUPPLY, descending: true })).toEqual(["S-001", "N-001", "N-002", ...last]);
    expect((await serials({ sort: DeviceSort.MAC }))[0]).toBe("N-001");
    expect((await serials({ sort: DeviceSort.MAC, descending: true }))[0]).toBe("N-001");
    expect((await serials({ sort: DeviceSort.FLAGS, descending: true }))[0]).toBe("N-004");
    expect((await serials({ sort: DeviceSort.FLAGS }))[4]).toBe("N-004");
  });
});

describe("ListDevices filters and pages", () => {
  test("each filter alone, combined, and the total across pages", async () => {
    expect(await serials({ vendor: "hp" })).toEqual(["N-001", "N-002", "S-001"]);
    expect(await serials({ model: "laserjet m507" })).toEqual(["N-001", "S-001"]);
    expect(await serials({ health: DeviceHealth.ERROR })).toEqual(["N-003"]);
    expect(await serials({ health: DeviceHealth.UNKNOWN })).toEqual(["N-004"]);
    expect(await serials({ health: DeviceHealth.OK })).toEqual(["N-001", "S-001"]);
    expect(await serials({ supplyBelowPercent: 10 })).toEqual(["N-002"]);
    expect(await serials({ supplyBelowPercent: 55 })).toEqual(["N-001", "N-002"]);
    expect(await serials({ search: "10.0.0.1" })).toEqual(["N-002", "N-003"]);
    expect(await serials({ search: "aa-bb-cc-00" })).toEqual(["N-001"]);
    expect(await serials({ search: "ECOSYS" })).toEqual(["N-004"]);
    expect(await serials({ search: f.d.d5.id })).toEqual(["S-001"]);
    expect(await serials({ search: "100%" })).toEqual([]);
    expect(await serials({ site: "North", vendor: "HP", health: DeviceHealth.OK })).toEqual(["N-001"]);
    const page = (offset: number) => f.api.listDevices({ sort: DeviceSort.SERIAL, pageSize: 2, offset });
    expect([(await page(0)).total, (await page(2)).total, (await page(4)).total, (await page(6)).total]).toEqual([5, 5, 5, 5]);
    expect([...(await page(0)).devices, ...(await page(2)).devices, ...(await page(4)).devices].map((d) => d.serialNumber)).toEqual(["N-001", "N-002", "N-003", "N-004", "S-001"]);
    expect((await page(6)).devices).toEqual([]);
    const row = (await f.api.listDevices({ search: "N-004", pageSize: 1 })).devices[0];
    expect(row).toMatchObject({ serialNumber: "N-004", readingCount: 2n, flags: 1, totalPages: 1500n, health: DeviceHealth.UNKNOWN });
  });

  test("the filters' choices: vendors and models with their counts, most first", async () => {
    const r = await f.api.listDevices({ withFacets: true, pageSize: 1 });
    expect(r.vendors.map((v) => [v.value, v.count])).toEqual([["HP", 3], ["Brother", 1], ["Kyocera", 1]]);
    expect(r.models.map((v) => [v.value, v.count])).toEqual([["LaserJet M507", 2], ["Color LaserJet M554", 1], ["ECOSYS P3155", 1], ["HL-L8360", 1]]);
    const south = await f.as("viewer", "South").listDevices({ withFacets: true });
    expect(south.vendors.map((v) => [v.value, v.count])).toEqual([["HP", 1]]);
  });

  test("bounds: page size, percent, search length; without paging every device, as before", async () => {
    expect((await refused(f.api.listDevices({ pageSize: 501 }), "invalid-argument")).message).toContain("1 to 500 devices");
    await refused(f.api.listDevices({ supplyBelowPercent: 101 }), "invalid-argument");
    await refused(f.api.listDevices({ supplyBelowPercent: -1 }), "invalid-argument");
    await refused(f.api.listDevices({ search: "x".repeat(101) }), "invalid-argument");
    await refused(f.api.listDevices({ sort: 99 as DeviceSort }), "invalid-argument");
    const all = await f.api.listDevices({} as ListDevicesRequest);
    expect([all.devices.length, all.total]).toEqual([5, 5]);
  });

  test("a site's people get their site's rows and total; another site's filter is refused", async () => {
    const viewer = f.as("viewer", "South");
    const r = await viewer.listDevices({ pageSize: 10 });
    expect([r.devices.map((d) => d.serialNumber), r.total]).toEqual([["S-001"], 1]);
    expect(await serials({ vendor: "HP", search: "N-00" }, viewer)).toEqual([]);
    await refused(viewer.listDevices({ site: "North" }));
    const billing = f.as("billing", "North");
    expect((await billing.listDevices({ sort: DeviceSort.SERIAL, descending: true, pageSize: 2 })).devices.map((d) => d.serialNumber)).toEqual(["N-004", "N-003"]);
  });
});
