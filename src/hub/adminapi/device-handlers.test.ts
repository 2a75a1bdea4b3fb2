/**
 * The device methods as billing tools and people use them: a device's
 * readings in a time window (the meters), in the Connect JSON form curl
 * sends, with an API token of the "meters" scope; and their audit records.
 */
import { describe, expect, test } from "bun:test";
import { fromJson, toJson } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { createRouterTransport } from "@connectrpc/connect";
import { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import { ListReadingsRequestSchema, ListReadingsResponseSchema } from "../../gen/dca/v1/admin_fleet_pb.ts";
import { DcaError } from "../../common/errors.ts";
import { bearerInterceptor, createAdminClient } from "../admin/admin-client.ts";
import { fleetFixture } from "../../../test/support/fleet-fixture.ts";
import { createAdminHandlers, guardAdminService, storeAdminAuth, storeAudit } from "./index.ts";

const HOUR = 3600_000;

async function refusal(p: Promise<unknown>): Promise<DcaError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DcaError) return e;
    throw e;
  }
  throw new Error("the call worked");
}

describe("listReadings", () => {
  test("newest first, in a window of read times (since inclusive, until not), as many as asked, with the device", async () => {
    const { api, a, clock } = fleetFixture();
    const ids = async (req: { since?: number; until?: number; limit?: number }) =>
      (
        await api.listReadings({
          device: a.device.id,
          since: req.since === undefined ? undefined : timestampFromMs(req.since),
          until: req.until === undefined ? undefined : timestampFromMs(req.until),
          limit: req.limit,
        })
      ).readings.map((r) => r.id);
    const [r1, r2, r3] = a.readings;
    expect(await ids({})).toEqual([r3, r2, r1]);
    expect(await ids({ limit: 1 })).toEqual([r3]);
    expect(await ids({ since: clock.ms - 2 * HOUR })).toEqual([r3, r2]);
    expect(await ids({ until: clock.ms - 2 * HOUR })).toEqual([r1]);
    expect(await ids({ since: clock.ms - 3 * HOUR, until: clock.ms - HOUR })).toEqual([r2, r1]);
    const r = await api.listReadings({ device: a.device.id, limit: 1 });
    expect(r.device).toMatchObject({ id: a.device.id, siteName: "SiteA", serialNumber: "SERIAL-A", totalPages: 900n });
    expect(r.readings[0]).toMatchObject({ deviceId: a.device.id, agentId: a.agent.id, siteId: a.site.id, address: "10.0.0.7" });
    expect(r.readings[0]!.reading?.counters[0]?.value).toBe(900n);
  });

  test("a limit above 10000 or an empty window is refused; an unknown device is not found", async () => {
    const { api, a, clock } = fleetFixture();
    expect(await refusal(api.listReadings({ device: a.device.id, limit: 10_001 }))).toMatchObject({ code: "invalid-argument", message: expect.stringContaining("between 1 and 10000") });
    expect((await api.listReadings({ device: a.device.id, limit: 10_000 })).readings).toHaveLength(3);
    const at = timestampFromMs(clock.ms);
    expect(await refusal(api.listReadings({ device: a.device.id, since: at, until: at }))).toMatchObject({ code: "invalid-argument", message: "since must be before until" });
    expect(await refusal(api.listReadings({ device: "dev_nope" }))).toMatchObject({ code: "not-found", message: expect.stringContaining(`unknown device "dev_nope"`) });
    expect(await refusal(api.listReadings({ device: "" }))).toMatchObject({ code: "invalid-argument", message: expect.stringContaining("which device?") });
  });

  test("in the JSON form curl sends, with a meters token of a site's billing user", async () => {
    const f = fleetFixture();
    const user = f.store.createUser({ username: "billing-bot", createdBy: "test" });
    f.store.grantRole({ userId: user.id, role: "billing", siteId: f.a.site.id });
    const { secret } = f.store.createApiToken({ userId: user.id, name: "invoices", scope: "meters", expiresAt: new Date(f.clock.ms + 30 * 86_400_000) });
    const service = guardAdminService({ service: createAdminHandlers({ store: f.store }), auth: storeAdminAuth(f.store), audit: storeAudit(f.store) });
    const transport = createRouterTransport(({ service: serve }) => serve(AdminService, service), {
      transport: { useBinaryFormat: false, interceptors: [bearerInterceptor(secret)] },
    });
    const api = createAdminClient(transport, "in-process hub");

    const req = fromJson(ListReadingsRequestSchema, { device: f.a.device.id, since: "2026-03-01T05:00:00Z", limit: 2 });
    const json = toJson(ListReadingsResponseSchema, await api.listReadings(req)) as {
      device: { serialNumber: string; totalPages: string };
      readings: { id: string; readAt: string; reading: { counters: { kind: string; value: string }[] } }[];
    };
    expect(json.device).toMatchObject({ serialNumber: "SERIAL-A", totalPages: "900" });
    expect(json.readings.map((r) => [r.id, r.readAt])).toEqual([
      [f.a.readings[2], "2026-03-01T07:00:00Z"],
      [f.a.readings[1], "2026-03-01T06:00:00Z"],
    ]);
    expect(json.readings.map((r) => r.reading.counters[0])).toMatchObject([{ kind: "COUNTER_KIND_TOTAL", value: "900" }, { kind: "COUNTER_KIND_TOTAL", value: "1100" }]);
    expect((await api.listDevices({})).devices.map((d) => d.id)).toEqual([f.a.device.id]);
    expect((await refusal(api.listReadings({ device: f.b.device.id }))).code).toBe("permission-denied");
    // A meters token reads meters, nothing more, even where its user could.
    expect((await refusal(api.listAgents({}))).code).toBe("permission-denied");
    expect((await refusal(api.createActivationCode({ site: "SiteA" }))).code).toBe("permission-denied");
  });

  test("each read is in the audit log: who, which device, which window, how many", async () => {
    const f = fleetFixture();
    const billing = f.as("billing", "SiteA");
    await billing.listReadings({ device: f.a.device.id, since: timestampFromMs(f.clock.ms - 2 * HOUR) });
    await refusal(billing.listReadings({ device: f.b.device.id }));
    const [denied, read] = f.store.listAudit({ action: "ListReadings", limit: 10 });
    expect(read).toMatchObject({ actor: "billing1", siteId: f.a.site.id, target: `device ${f.a.device.id}`, outcome: "ok" });
    expect(read!.detail).toMatchObject({ since: "2026-03-01T06:00:00.000Z", limit: 100, readings: 2 });
    expect(denied).toMatchObject({ actor: "billing1", outcome: "denied" });
    expect(denied!.siteId).toBe("");
  });
});

describe("listMissedDevices and listCounterFlags", () => {
  test("devices not read for a period (a day by default); flags by site and device", async () => {
    const f = fleetFixture();
    expect((await f.api.listMissedDevices({})).devices).toEqual([]);
    expect((await f.api.listMissedDevices({ notReadForSeconds: 1800 })).devices.map((d) => d.siteName).sort()).toEqual(["SiteA", "SiteB"]);
    f.clock.advance(25 * HOUR);
    // A day later the owner's session has gone idle: a new one.
    const owner = f.as("owner");
    expect((await owner.listMissedDevices({ site: "SiteB" })).devices.map((d) => d.id)).toEqual([f.b.device.id]);
    const flags = await owner.listCounterFlags({ device: f.b.device.id });
    expect(flags.flags.map((x) => [x.deviceId, x.previous, x.value, x.reason, x.readingId])).toEqual([[f.b.device.id, 1100n, 900n, "backwards", f.b.readings[2]]]);
    expect((await owner.listCounterFlags({ site: "SiteA", device: f.b.device.id })).flags).toEqual([]);
    expect((await refusal(owner.listCounterFlags({ device: "dev_nope" }))).code).toBe("not-found");
  });
});
