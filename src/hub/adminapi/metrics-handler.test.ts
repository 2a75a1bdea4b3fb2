/**
 * GetMetrics in-process on the fleet of test/support/fleet-views-fixture.ts:
 * the exposition parses, and says exactly what the fleet is; who may read it
 * (a global admin or owner, a "metrics" token of one) and who may not.
 */
import { describe, expect, test } from "bun:test";
import { createRouterTransport } from "@connectrpc/connect";
import { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import { bearerInterceptor, createAdminClient } from "../admin/admin-client.ts";
import { NOW, fleetViewsFixture, testReading } from "../../../test/support/fleet-views-fixture.ts";
import { outbox } from "../../../test/support/hub-store-fixtures.ts";
import { parsePrometheus, sampleValue } from "../../../test/support/prometheus-parse.ts";
import { refused } from "./testdata/two-sites.ts";
import { createAdminHandlers, guardAdminService, storeAdminAuth, storeAudit } from "./index.ts";

describe("GetMetrics", () => {
  test("the hub, its agents, outboxes, devices, tasks and readings, per site; parses as the format", async () => {
    const f = fleetViewsFixture();
    f.clock.set(NOW - 10_000);
    f.store.storeReadings(f.agents.s1, [outbox("d5-r2", testReading({ address: "10.1.0.7", serial: "S-001", vendor: "HP", model: "LaserJet M507", readAt: NOW - 10_000, total: 50n }))]);
    f.clock.set(NOW);
    const r = await f.api.getMetrics({});
    expect(r.contentType).toBe("text/plain; version=0.0.4; charset=utf-8");
    const samples = parsePrometheus(r.text);
    const v = (name: string, labels: Record<string, string> = {}) => sampleValue(samples, name, labels);
    // The harness made the handlers five days before NOW.
    expect([v("dca_hub_up"), v("dca_hub_uptime_seconds"), v("dca_hub_info", { version: "0.1.0" })]).toEqual([1, 5 * 86_400, 1]);
    expect([v("dca_hub_readings_total"), v("dca_hub_readings_last_minute"), v("dca_hub_sites")]).toEqual([9, 1, 2]);
    expect([v("dca_hub_agents"), v("dca_hub_agents_connected"), v("dca_hub_outbox_readings"), v("dca_hub_devices"), v("dca_hub_tasks_queued")]).toEqual([3, 2, 12, 5, 1]);
    const north = { site: "North", site_id: f.north.id };
    expect(["dca_site_devices", "dca_site_devices_missed", "dca_site_devices_error", "dca_site_supplies_low", "dca_site_agents", "dca_site_agents_connected", "dca_site_outbox_readings"].map((n) => v(n, north))).toEqual([4, 1, 1, 2, 2, 1, 12]);
    expect([v("dca_site_tasks", { ...north, state: "pending" }), v("dca_site_tasks", { ...north, state: "running" }), v("dca_site_tasks", { site: "South", state: "pending" })]).toEqual([1, 0, 0]);
    expect(v("dca_site_devices", { site: "South" })).toBe(1);
    expect(r.text).toContain("# TYPE dca_hub_readings_total counter\n");
  });

  test("a global admin and a metrics token of an owner read them; a site's admin, a viewer, a metrics token of a viewer, a meters token do not", async () => {
    const f = fleetViewsFixture();
    expect((await f.as("admin").getMetrics({})).text).toContain("dca_hub_up 1");
    expect((await refused(f.as("admin", "North").getMetrics({}))).message).toContain("may not read the hub's metrics (hub.metrics)");
    await refused(f.as("viewer").getMetrics({}));
    const service = guardAdminService({ service: createAdminHandlers({ store: f.store }), auth: storeAdminAuth(f.store), audit: storeAudit(f.store) });
    const withToken = (username: string, role: string, scope: string) => {
      const user = f.store.createUser({ username, createdBy: "test" });
      f.store.grantRole({ userId: user.id, role });
      const { secret } = f.store.createApiToken({ userId: user.id, name: "prometheus", scope: scope as "metrics", expiresAt: new Date(NOW + 86_400_000) });
      return createAdminClient(createRouterTransport(({ service: serve }) => serve(AdminService, service), { transport: { interceptors: [bearerInterceptor(secret)] } }), "in-process hub");
    };
    const prometheus = withToken("prom", "owner", "metrics");
    expect((await prometheus.getMetrics({})).text).toContain("dca_hub_devices 5");
    // The token reads metrics and nothing else, though its user is an owner.
    await refused(prometheus.listDevices({}));
    await refused(prometheus.getFleetOverview({}));
    await refused(withToken("prom-viewer", "viewer", "metrics").getMetrics({}));
    await refused(withToken("billing-bot", "owner", "meters").getMetrics({}));
    const [denied] = f.store.listAudit({ action: "GetMetrics", limit: 1 });
    expect(denied).toMatchObject({ actor: "billing-bot", outcome: "denied" });
  });
});
