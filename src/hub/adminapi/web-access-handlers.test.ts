import { describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { TaskSchema } from "../../gen/dca/v1/agent_service_pb.ts";
import { refused, twoSites } from "./testdata/two-sites.ts";

describe("web-access handlers: who may do what where", () => {
  test("a technician of site A opens sessions on A, as themselves, and is refused on B", async () => {
    const { h, a, b } = twoSites();
    const tech = h.as("technician", "A");
    const byAddress = await tech.openWebAccess({ device: a.deviceAddress });
    expect(byAddress.session).toMatchObject({ siteId: a.id, siteName: "A", deviceId: a.deviceId, openedBy: "technician1", state: "open" });
    expect(byAddress.url).toMatch(/^https:\/\/wa-[a-z0-9]{12}\.wa\.hub\.test:8443\/\?key=[\w-]{43}$/);
    expect(byAddress.session?.origin).toBe(byAddress.url.split("/?")[0]);
    expect(byAddress.deviceModel).toBe("Model A");
    expect((await tech.openWebAccess({ device: a.deviceId, concurrent: true })).session?.siteId).toBe(a.id);
    expect((await tech.openWebAccess({ device: "127.0.0.50", site: "A" })).session?.address).toBe("127.0.0.50");
    // Site B: by name, by device id, by an address inside its targets. Its device stays unknown to A's technician.
    await refused(tech.openWebAccess({ device: "127.0.1.50", site: "B" }));
    await refused(tech.openWebAccess({ device: b.deviceId }));
    expect((await refused(tech.openWebAccess({ device: b.deviceAddress }), "not-found")).message).toContain(`no known device at ${b.deviceAddress}`);
    expect(h.store.listWebAccessSessions({ siteId: b.id })).toHaveLength(0);
    // The owner opens on B; A's technician can neither see, wait on nor close it.
    const theirs = (await h.api.openWebAccess({ device: b.deviceId })).session!;
    expect(theirs.openedBy).toBe("owner");
    await refused(tech.listWebAccess({ session: theirs.id }));
    await refused(tech.closeWebAccess({ session: theirs.id }));
    expect(h.store.getWebAccessSession(theirs.id)?.endedAt).toBeUndefined();
  });

  test("a viewer opens nothing; closing records who closed it", async () => {
    const { h, a } = twoSites();
    await refused(h.as("viewer", "A").openWebAccess({ device: a.deviceId }));
    await refused(h.as("viewer").openWebAccess({ device: a.deviceId }));
    const opened = (await h.as("technician", "A").openWebAccess({ device: a.deviceId })).session!;
    const closer = h.as("technician", "A");
    const closed = (await closer.closeWebAccess({ session: opened.id })).session!;
    expect(closed).toMatchObject({ endReason: "closed by technician4", state: "ended: closed by technician4" });
    expect((await refused(closer.closeWebAccess({ session: opened.id }), "failed-precondition")).message).toContain("already ended");
    expect((await refused(closer.closeWebAccess({ session: "wa_nope" }), "not-found")).message).toContain('unknown web-access session "wa_nope"');
  });

  test("an API token of scope tasks queues tasks but opens no web access, even for a technician", async () => {
    const { h, a } = twoSites();
    const user = h.store.createUser({ username: "psa", createdBy: "test" });
    h.store.grantRole({ userId: user.id, role: "technician", siteId: a.id });
    const { secret } = h.store.createApiToken({ userId: user.id, name: "psa", scope: "tasks", expiresAt: new Date(h.clock.ms + 86_400_000) });
    const token = h.withBearer(secret);
    const ping = create(TaskSchema, { kind: { case: "ping", value: { address: "127.0.0.9" } } });
    expect((await token.createTask({ site: "A", task: ping })).task?.state).toBe("pending");
    expect((await token.listTasks({})).tasks).toHaveLength(1);
    await refused(token.openWebAccess({ device: a.deviceId }));
    await refused(token.listWebAccess({}));
  });

  test("listings and the audit show only the caller's sites", async () => {
    const { h, a, b } = twoSites();
    await h.api.openWebAccess({ device: a.deviceId });
    await h.api.openWebAccess({ device: b.deviceId });
    expect((await h.api.listWebAccess({})).sessions).toHaveLength(2);
    const tech = h.as("technician", "A");
    expect((await tech.listWebAccess({})).sessions.map((s) => s.siteId)).toEqual([a.id]);
    await refused(tech.listWebAccess({ site: "B" }));
    // The audit is an admin's: not a technician's, and a site's admin reads only their site.
    await refused(tech.listWebAccessAudit({}));
    const siteAdmin = h.as("admin", "A");
    expect((await siteAdmin.listWebAccessAudit({})).sessions.map((s) => s.siteId)).toEqual([a.id]);
    await refused(siteAdmin.listWebAccessAudit({ site: "B" }));
    expect((await h.api.listWebAccessAudit({ site: "B" })).sessions.map((s) => s.siteId)).toEqual([b.id]);
    await refused(h.api.listWebAccessAudit({ limit: 10_001 }), "invalid-argument");
    // An expired session leaves the open list and stays in the audit.
    h.clock.advance(31 * 60_000);
    expect((await h.api.listWebAccess({})).sessions).toHaveLength(0);
    expect((await h.api.listWebAccessAudit({})).sessions.map((s) => s.state)).toEqual(["expired", "expired"]);
  });

  test("the audit log records opening with what it reaches, never the key", async () => {
    const { h, a } = twoSites();
    const opened = await h.as("technician", "A").openWebAccess({ device: a.deviceId, port: 443 });
    await refused(h.as("technician", "A").openWebAccess({ device: "127.0.1.50", site: "B" }));
    const records = h.store.listAudit({}).filter((r) => r.action === "OpenWebAccess");
    expect(records.map((r) => [r.actor, r.outcome])).toEqual([
      ["technician2", "denied"],
      ["technician1", "ok"],
    ]);
    expect(records[1]).toMatchObject({ siteId: a.id, target: `web-access ${opened.session?.id}`, detail: { address: a.deviceAddress, port: 443, tls: true } });
    const key = opened.url.split("key=")[1]!;
    expect(JSON.stringify(h.store.listAudit({}))).not.toContain(key);
  });
});
