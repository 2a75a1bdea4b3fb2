/**
 * The fleet views on a big fleet (a data folder from generate.ts: 10,000
 * devices, a year of daily readings): each AdminService call the portal's
 * overview, devices table and device page make, timed in-process through
 * the real guard as a signed-in owner (and a one-site viewer), the first
 * call and the median of the next ones. With --serve, the main calls
 * through a real `dca-hub serve` with curl (Connect JSON over HTTP/2 and
 * TLS), and the hub's RSS. Not a unit test:
 * run it by hand and copy the table into README.md.
 *
 *   bun test/bench/fleet/bench.ts --data DIR [--repeat 10] [--serve]
 *
 * It adds two users and their sessions (and with --serve an owner and a
 * token) to the folder; the fleet itself is only read.
 */
import { parseArgs } from "node:util";
import { createRouterTransport } from "@connectrpc/connect";
import { AdminService } from "../../../src/gen/dca/v1/admin_service_pb.ts";
import { DeviceHealth, DeviceSort } from "../../../src/gen/dca/v1/admin_fleet_pb.ts";
import { bearerInterceptor, createAdminClient, type AdminClient } from "../../../src/hub/admin/admin-client.ts";
import { createAdminHandlers, guardAdminService, storeAdminAuth, storeAudit } from "../../../src/hub/adminapi/index.ts";
import { openHubStore } from "../../../src/hub/store/index.ts";
import { serveRows } from "./serve-rows.ts";

const { values: v } = parseArgs({
  options: { data: { type: "string" }, repeat: { type: "string", default: "10" }, serve: { type: "boolean", default: false } },
  strict: true,
});
if (!v.data) throw new Error("--data DIR is required (made by generate.ts)");
const REPEAT = Number(v.repeat);

// "Now" is just after the fleet's newest reading, so missed and offline mean what they did when it was made.
const probe = openHubStore(v.data);
const newest = probe.queryDevices({ sites: "all", sort: "lastRead", descending: true, limit: 1 }).devices[0]?.lastReadAt?.getTime() ?? Date.now();
probe.close();
const now = newest + 60_000;
const clock = { now: () => now, monotonic: () => performance.now() };
const store = openHubStore(v.data, { clock });
const service = guardAdminService({ service: createAdminHandlers({ store, clock }), auth: storeAdminAuth(store), audit: storeAudit(store) });
const clientAs = (role: string, siteId?: string): AdminClient => {
  const user = store.createUser({ username: `bench-${role}-${Math.random().toString(36).slice(2, 8)}`, createdBy: "bench" });
  store.grantRole({ userId: user.id, role, siteId });
  const { token } = store.createSession({ userId: user.id, method: "password", address: "127.0.0.1", client: "bench" });
  return createAdminClient(createRouterTransport(({ service: serve }) => serve(AdminService, service), { transport: { interceptors: [bearerInterceptor(token)] } }), "in-process hub");
};
const owner = clientAs("owner");
const firstSite = store.listSites()[0]!;
const viewer = clientAs("viewer", firstSite.id);
const aDevice = (await owner.listDevices({ pageSize: 1, sort: DeviceSort.SERIAL })).devices[0]!;

interface Row {
  call: string;
  first: number;
  median: number;
  p90: number;
  rows: string;
}

async function time(call: string, run: () => Promise<string>): Promise<Row> {
  let t = performance.now();
  const rows = await run();
  const first = performance.now() - t;
  const runs: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    t = performance.now();
    await run();
    runs.push(performance.now() - t);
  }
  runs.sort((a, b) => a - b);
  return { call, first, median: runs[Math.floor(runs.length / 2)]!, p90: runs[Math.min(runs.length - 1, Math.floor(runs.length * 0.9))]!, rows };
}

const page = (r: { devices: unknown[]; total: number }) => `${r.devices.length} of ${r.total}`;
const rows: Row[] = [];
rows.push(await time("ListDevices page 1 (50), default order (site, address)", async () => page(await owner.listDevices({ pageSize: 50 }))));
rows.push(await time("ListDevices page 1, sorted by total pages, descending", async () => page(await owner.listDevices({ pageSize: 50, sort: DeviceSort.TOTAL_PAGES, descending: true }))));
rows.push(await time("ListDevices page 1, sorted by last read", async () => page(await owner.listDevices({ pageSize: 50, sort: DeviceSort.LAST_READ }))));
rows.push(await time("ListDevices page 1, vendor HP, sorted by lowest supply", async () => page(await owner.listDevices({ pageSize: 50, vendor: "HP", sort: DeviceSort.LOWEST_SUPPLY }))));
rows.push(await time("ListDevices page 1, supply <= 10 %, status sort", async () => page(await owner.listDevices({ pageSize: 50, supplyBelowPercent: 10, sort: DeviceSort.STATUS, descending: true }))));
rows.push(await time("ListDevices page 1, health error", async () => page(await owner.listDevices({ pageSize: 50, health: DeviceHealth.ERROR }))));
rows.push(await time("ListDevices page 1, search \"10.3.\"", async () => page(await owner.listDevices({ pageSize: 50, search: "10.3." }))));
rows.push(await time("ListDevices page 100 (offset 4950), sorted by serial", async () => page(await owner.listDevices({ pageSize: 50, offset: 4950, sort: DeviceSort.SERIAL }))));
rows.push(await time("ListDevices page 1 with vendor/model facets", async () => page(await owner.listDevices({ pageSize: 50, withFacets: true }))));
rows.push(await time("ListDevices page 1, a one-site viewer", async () => page(await viewer.listDevices({ pageSize: 50 }))));
rows.push(await time("ListDevices unpaged (every device: `device list`)", async () => page(await owner.listDevices({}))));
rows.push(await time("GetFleetOverview (first: every newest reading's supplies)", async () => `${(await owner.getFleetOverview({})).sites.length} sites`));
rows.push(await time("GetFleetOverview with a search", async () => `${(await owner.getFleetOverview({ search: "HP" })).matchingDevicesTotal} matches`));
rows.push(await time("GetDevice (20 readings of history)", async () => `${(await owner.getDevice({ device: aDevice.id })).readingsTotal} readings`));
rows.push(await time("GetMeterSeries (365 days)", async () => `${(await owner.getMeterSeries({ device: aDevice.id })).points.length} days`));
rows.push(await time("GetMetrics", async () => `${(await owner.getMetrics({})).text.length} bytes`));
store.close();

const ms = (n: number) => (n < 10 ? n.toFixed(1) : Math.round(n).toString());
console.log("| call (in-process, through the guard) | first ms | median ms | p90 ms | rows |");
console.log("|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.call} | ${ms(r.first)} | ${ms(r.median)} | ${ms(r.p90)} | ${r.rows} |`);
if (v.serve) for (const line of await serveRows(v.data, REPEAT, aDevice.id)) console.log(line);
