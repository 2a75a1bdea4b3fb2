/**
 * ListAgents and GetAgent say whose wake line is up where the hub can tell
 * (its embedded broker's connections, given as `wakeLines`), and leave it
 * unset where it cannot (no broker, an external one, another process).
 */
import { describe, expect, test } from "bun:test";
import { createRouterTransport } from "@connectrpc/connect";
import { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import { bearerInterceptor, createAdminClient } from "../admin/admin-client.ts";
import { adminHarness } from "../../../test/support/admin-harness.ts";
import { createAdminHandlers, guardAdminService, storeAdminAuth, storeAudit } from "./index.ts";
import type { WakeLines } from "./fleet-handlers.ts";

function world(wakeLines?: WakeLines) {
  const h = adminHarness();
  const site = h.store.createSite("Acme");
  const activate = (n: string) => {
    const r = h.store.activate({ code: h.store.createActivationCode(site.id).code, installId: n.repeat(32).slice(0, 32), hostname: n, agentVersion: "0.1.0", platform: "linux-x64" });
    if (!r.ok) throw new Error(r.reason);
    return r.agent.id;
  };
  const [up, down] = [activate("a"), activate("b")];
  const service = guardAdminService({ service: createAdminHandlers({ store: h.store, wakeLines }), auth: storeAdminAuth(h.store), audit: storeAudit(h.store) });
  const user = h.store.createUser({ username: "viewer-1" });
  h.store.grantRole({ userId: user.id, role: "viewer" });
  const token = h.store.createSession({ userId: user.id, method: "password", address: "127.0.0.1", client: "test" }).token;
  const api = createAdminClient(createRouterTransport(({ service: s }) => s(AdminService, service), { transport: { interceptors: [bearerInterceptor(token)] } }), "test");
  return { api, up, down };
}

describe("wake lines in agent listings", () => {
  test("up for a connected agent, down for the others", async () => {
    const connected = new Set<string>();
    const { api, up, down } = world(() => connected);
    connected.add(up);
    const listed = (await api.listAgents({})).agents;
    expect(listed.map((a) => [a.hostname, a.wakeLineUp])).toEqual([
      ["a", true],
      ["b", false],
    ]);
    expect((await api.getAgent({ agent: down })).agent?.wakeLineUp).toBe(false);
    connected.delete(up);
    expect((await api.getAgent({ agent: up })).agent?.wakeLineUp).toBe(false);
  });

  test("unset where the hub cannot tell", async () => {
    const { api, up } = world();
    expect((await api.listAgents({})).agents.map((a) => a.wakeLineUp)).toEqual([undefined, undefined]);
    expect((await api.getAgent({ agent: up })).agent?.wakeLineUp).toBeUndefined();
  });
});
