/**
 * docs/api.md, run: every JSON request of its curl examples is sent with
 * curl to a real hub (a site with an agent and a device read in the
 * documented period), with a "tasks" API token, and must answer 200; the
 * documented refusal of a "meters" token is checked word for word.
 * Addresses in the docs are examples: the test swaps them for loopback ones.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { AdminService } from "../../src/gen/dca/v1/admin_service_pb.ts";
import { openHubStore } from "../../src/hub/store/index.ts";
import { makeReading, outbox } from "../support/hub-store-fixtures.ts";
import { type HubProcess, ownerPasswordFile, runCommand, startHubProcess } from "../support/service-peers.ts";
import { repoRoot } from "../support/shared-dir.ts";
import { tempDir } from "../support/temp-dir.ts";

let hub: HubProcess;
let deviceId: string;

beforeAll(async () => {
  const dataDir = join(tempDir("dca-api-curl-"), "hub");
  const store = openHubStore(dataDir);
  const site = store.createSite("Acme Dental");
  store.updateSiteConfig(site.id, (c) => void (c.targets = ["127.0.0.0/24"]));
  const r = store.activate({ code: store.createActivationCode(site.id).code, installId: "a".repeat(32), hostname: "pc", agentVersion: "0.1.0", platform: "linux-x64" });
  if (!r.ok) throw new Error(r.reason);
  store.storeReadings(r.agent, [outbox("r1", makeReading({ address: "127.0.0.7", serial: "SN1", readAt: Date.parse("2026-11-15T10:00:00Z"), total: 1234n }))]);
  deviceId = store.listDevices()[0]!.id;
  store.close();
  hub = await startHubProcess(dataDir);
}, 60_000);

afterAll(async () => {
  await hub?.kill9();
});

/** The methods and JSON bodies of docs/api.md's curl lines. */
function documentedCalls(): { method: string; body: string }[] {
  const doc = readFileSync(join(repoRoot, "docs/api.md"), "utf8");
  const calls: { method: string; body: string }[] = [];
  // A curl command may span lines ending in "\"; its body is the -d '...' and its method the URL's last part.
  for (const cmd of doc.replace(/\\\n\s*/g, " ").split("\n").filter((l) => l.startsWith("curl "))) {
    const body = /-d '([^']*)'/.exec(cmd)?.[1];
    const method = /\/dca\.v1\.AdminService\/(\w+)/.exec(cmd)?.[1];
    if (body !== undefined && method) calls.push({ method, body });
  }
  return calls;
}

async function token(scope: string): Promise<string> {
  const r = await hub.admin("account", "create-token", `${scope}-bot`, "--scope", scope, "--password-file", ownerPasswordFile(hub.dataDir), "--json");
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout).secret;
}

async function curl(secret: string, method: string, body: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await runCommand([
    "curl", "-sS", "--cacert", hub.caPath, "-w", "\n%{http_code}",
    "-H", `Authorization: Bearer ${secret}`, "-H", "Content-Type: application/json", "-d", body,
    `${hub.url}/dca.v1.AdminService/${method}`,
  ]);
  const at = r.stdout.lastIndexOf("\n");
  return { status: Number(r.stdout.slice(at + 1)), json: JSON.parse(r.stdout.slice(0, at) || "{}") };
}

describe("docs/api.md with curl", () => {
  test("every documented request answers 200 for a tasks token", async () => {
    const calls = documentedCalls();
    expect(calls.map((c) => c.method)).toEqual([
      ...["WhoAmI", "ListSites", "ListDevices", "ListReadings", "ExportMeters", "ListMissedDevices", "ListCounterFlags", "CreateTask", "GetTask"],
      ...["ListDevices", "GetFleetOverview", "GetDevice", "GetMeterSeries"],
    ]);
    const secret = await token("tasks");
    let taskId = "";
    for (const c of calls) {
      const body = c.body.replaceAll("dev_k3v9x0q2m7c1p8z4", deviceId).replaceAll("10.0.0.7", "127.0.0.7").replaceAll("tsk_...", taskId);
      const r = await curl(secret, c.method, body);
      expect({ method: c.method, status: r.status, json: r.json }).toMatchObject({ status: 200 });
      if (c.method === "CreateTask") taskId = ((r.json.task as { id: string }) ?? { id: "" }).id;
      if (c.method === "GetDevice") expect(r.json).toMatchObject({ device: { id: deviceId, serialNumber: "SN1" }, readingsTotal: "1" });
      if (c.method === "GetMeterSeries") expect(r.json).toMatchObject({ deviceId, points: [{ day: "2026-11-15", totalPages: "1234" }] });
      if (c.method === "ListReadings") {
        const readings = r.json.readings as { reading: { counters: { kind: string; value: string }[] } }[];
        expect(readings).toHaveLength(1);
        expect(readings[0]!.reading.counters[0]).toMatchObject({ kind: "COUNTER_KIND_TOTAL", value: "1234" });
      }
      if (c.method === "ExportMeters") expect(r.json.rows).toMatchObject([{ serialNumber: "SN1", kind: "COUNTER_KIND_TOTAL", start: { value: "1234", estimated: true } }]);
    }
    expect(taskId).toMatch(/^tsk_/);
  });

  test("a meters token exports meters as documented", async () => {
    const exportCall = documentedCalls().find((c) => c.method === "ExportMeters")!;
    const r = await curl(await token("meters"), "ExportMeters", exportCall.body);
    expect(r.status).toBe(200);
    expect(r.json.rows).toMatchObject([{ siteName: "Acme Dental", serialNumber: "SN1", readingsInPeriod: 1, end: { value: "1234", method: "nearest reading, 2026-11-15 10:00:00Z (none after it)" } }]);
  });

  test("a meters token asking for a task gets the documented refusal", async () => {
    const doc = readFileSync(join(repoRoot, "docs/api.md"), "utf8");
    const documented = JSON.parse(/```json\n(\{"code":"permission_denied".*\})\n```/.exec(doc)![1]!);
    const secret = await token("meters");
    const r = await curl(secret, "CreateTask", JSON.stringify({ site: "Acme Dental", task: { readDevice: { address: "127.0.0.7" } } }));
    expect(r.status).toBe(403);
    expect(r.json).toEqual({ ...documented, message: documented.message.replace("billing-bot", "owner") });
  });

  test("the same methods over gRPC and gRPC-Web, with the same token", async () => {
    const secret = await token("meters");
    const ca = await Bun.file(hub.caPath).text();
    const bearer = { headers: { authorization: `Bearer ${secret}` }, timeoutMs: 10_000 };
    for (const transport of [
      createGrpcTransport({ baseUrl: hub.url, nodeOptions: { ca } }),
      createGrpcWebTransport({ baseUrl: hub.url, httpVersion: "1.1", nodeOptions: { ca } }),
    ]) {
      const api = createClient(AdminService, transport);
      expect((await api.listDevices({ site: "Acme Dental" }, bearer)).devices.map((d) => d.id)).toEqual([deviceId]);
      expect((await api.whoAmI({}, bearer)).scope).toBe("meters");
      const refused = await api.listUsers({}, bearer).then(
        () => "allowed",
        (e: Error) => e.message,
      );
      expect(refused).toContain("permission denied");
    }
  });
});
