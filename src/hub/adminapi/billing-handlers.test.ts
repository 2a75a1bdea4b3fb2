/**
 * ExportMeters through the real door, rules and audit log (in-process):
 * the rows of the billing fixture, paging, the period's bounds, who may
 * export which sites' meters, and the JSON form curl and billing tools get.
 */
import { describe, expect, test } from "bun:test";
import { fromJson, toJson } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { createRouterTransport } from "@connectrpc/connect";
import { ExportMetersRequestSchema, ExportMetersResponseSchema, type MeterRow } from "../../gen/dca/v1/admin_billing_pb.ts";
import { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import { CounterKind } from "../../gen/dca/v1/reading_pb.ts";
import { type AdminClient, bearerInterceptor, createAdminClient } from "../admin/admin-client.ts";
import { adminHarness } from "../../../test/support/admin-harness.ts";
import { testClock } from "../../../test/support/hub-store-fixtures.ts";
import { AFTER_FIXTURE_MS, MARCH, billingFleet } from "../billing/testdata/billing-fleet.ts";
import { refused } from "./testdata/two-sites.ts";
import { createAdminHandlers, guardAdminService, storeAdminAuth, storeAudit } from "./index.ts";

const h = adminHarness({ clock: testClock(AFTER_FIXTURE_MS) });
const fleet = billingFleet(h.store);
const period = { start: timestampFromDate(MARCH.start), end: timestampFromDate(MARCH.end) };

/** Every page of an export, its rows and page count. */
async function exportAll(api: AdminClient, req: { site?: string; device?: string; pageSize?: number } = {}): Promise<{ rows: MeterRow[]; pages: number }> {
  const rows: MeterRow[] = [];
  let pageToken = "";
  for (let pages = 1; ; pages++) {
    const r = await api.exportMeters({ ...period, ...req, pageToken });
    rows.push(...r.rows);
    if (!r.nextPageToken) return { rows, pages };
    pageToken = r.nextPageToken;
  }
}

const totals = (rows: MeterRow[]) => rows.filter((r) => r.kind === CounterKind.TOTAL).map((r) => [r.serialNumber, r.difference]);

describe("ExportMeters", () => {
  test("the fleet's rows: start and end meters, differences, estimates, resets and a replacement", async () => {
    const { rows, pages } = await exportAll(h.api);
    expect(pages).toBe(1);
    // D and E share an address: by device id between them.
    const [d, e]: (string | bigint)[][] = [["SN-D", 900n], ["SN-E", 1190n]];
    const byIdOrder = fleet.device.D.localeCompare(fleet.device.E) < 0 ? [d, e] : [e, d];
    expect(totals(rows)).toEqual([["SN-A", 1000n], ["SN-B", 3140n], ["SN-C", 2050n], ...byIdOrder, ["SN-H", 310n], ["SN-X", 30n]]);
    const b = rows.find((r) => r.serialNumber === "SN-B")!;
    expect(b.start).toMatchObject({ value: 5100n, estimated: true, method: "interpolated between readings of 2026-02-28 12:00:00Z and 2026-03-02 12:00:00Z" });
    expect(b.start!.readings.map((s) => s.readingId)).toEqual(["b-1", "b-2"]);
    expect(rows.find((r) => r.serialNumber === "SN-C")!.resets.map((x) => [x.readingId, x.previous, x.value])).toEqual([["c-12", 21_100n, 150n]]);
    expect(rows.find((r) => r.serialNumber === "SN-D")).toMatchObject({ replacedBy: fleet.device.E, siteName: "Acme" });
    expect(rows.find((r) => r.serialNumber === "SN-E")).toMatchObject({ replaces: fleet.device.D });
  });

  test("by site, by device, and page by page: the same rows", async () => {
    const all = (await exportAll(h.api)).rows;
    expect(totals((await exportAll(h.api, { site: "Bravo" })).rows)).toEqual([["SN-X", 30n]]);
    expect((await exportAll(h.api, { device: fleet.device.C })).rows.map((r) => r.serialNumber)).toEqual(["SN-C"]);
    const paged = await exportAll(h.api, { pageSize: 2 });
    // 9 devices (F and G give no rows), 2 a page.
    expect(paged.pages).toBe(5);
    expect(paged.rows.map((r) => `${r.deviceId} ${r.kind}`).sort()).toEqual(all.map((r) => `${r.deviceId} ${r.kind}`).sort());
    expect((await refused(h.api.exportMeters({ ...period, site: "Bravo", device: fleet.device.C }), "invalid-argument")).message).toContain("is not at site");
  });

  test("the period and the paging are bounded, with messages that say what to do", async () => {
    const day = (iso: string) => timestampFromDate(new Date(iso));
    expect((await refused(h.api.exportMeters({}), "invalid-argument")).message).toContain("needs its period");
    expect((await refused(h.api.exportMeters({ start: period.end, end: period.start }), "invalid-argument")).message).toContain("must be before its end");
    expect((await refused(h.api.exportMeters({ start: day("2025-01-01"), end: day("2026-03-01") }), "invalid-argument")).message).toContain("at most 366 days");
    expect((await refused(h.api.exportMeters({ ...period, pageSize: 501 }), "invalid-argument")).message).toContain("between 1 and 500");
    expect((await refused(h.api.exportMeters({ ...period, pageToken: "not a token" }), "invalid-argument")).message).toContain("start again without it");
    await refused(h.api.exportMeters({ ...period, site: "Nowhere" }), "not-found");
    await refused(h.api.exportMeters({ ...period, device: "dev_nowhere" }), "not-found");
  });

  test("billing, viewer and technician people export the meters of their sites only; every export is audited", async () => {
    for (const role of ["billing", "viewer", "technician"]) {
      const api = h.as(role, "Acme");
      const { rows } = await exportAll(api);
      expect(new Set(rows.map((r) => r.siteName))).toEqual(new Set(["Acme"]));
      await refused(api.exportMeters({ ...period, site: "Bravo" }));
      await refused(api.exportMeters({ ...period, device: fleet.device.bravo }));
    }
    expect(new Set((await exportAll(h.as("billing"))).rows.map((r) => r.siteName))).toEqual(new Set(["Acme", "Bravo"]));
    // Newest first: the global billing user's export, then the technician's two refusals and export.
    const records = h.store.listAudit({ action: "ExportMeters", limit: 4 });
    expect(records.map((r) => [r.actor.replace(/\d+$/, ""), r.outcome])).toEqual([
      ["billing", "ok"],
      ["technician", "denied"],
      ["technician", "denied"],
      ["technician", "ok"],
    ]);
    const last = records[0];
    expect(last!.detail).toMatchObject({ start: "2026-03-01T00:00:00.000Z", end: "2026-04-01T00:00:00.000Z", devices: 9, rows: 8 });
  });

  test("over Connect JSON with a meters API token of a billing user, as curl sends it", async () => {
    const user = h.store.createUser({ username: "invoices-bot", createdBy: "test" });
    h.store.grantRole({ userId: user.id, role: "billing", siteId: fleet.acme.id });
    const { secret } = h.store.createApiToken({ userId: user.id, name: "invoices", scope: "meters", expiresAt: new Date(h.clock.ms + 86_400_000) });
    const service = guardAdminService({ service: createAdminHandlers({ store: h.store }), auth: storeAdminAuth(h.store), audit: storeAudit(h.store) });
    const transport = createRouterTransport(({ service: serve }) => serve(AdminService, service), { transport: { useBinaryFormat: false, interceptors: [bearerInterceptor(secret)] } });
    const api = createAdminClient(transport, "in-process hub");
    const req = fromJson(ExportMetersRequestSchema, { start: "2026-03-01T00:00:00Z", end: "2026-04-01T00:00:00Z", site: "Acme" });
    const json = toJson(ExportMetersResponseSchema, await api.exportMeters(req)) as { rows: Record<string, unknown>[] };
    expect(json.rows.find((r) => r.serialNumber === "SN-B")).toMatchObject({
      kind: "COUNTER_KIND_TOTAL",
      start: { value: "5100", estimated: true, readings: [{ readingId: "b-1", readAt: "2026-02-28T12:00:00Z", value: "5000" }, { readingId: "b-2" }] },
      end: { value: "8240", estimated: true },
      difference: "3140",
    });
    await refused(api.exportMeters({ ...period, site: "Bravo" }));
  });
});
