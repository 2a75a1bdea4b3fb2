/**
 * GET /metrics on a real `dca-hub serve`, with curl as Prometheus would
 * scrape it: an API token of scope "metrics" over HTTP/2 and HTTP/1.1, the
 * text format (every line a comment or `name{labels} value`, checked by a
 * strict parser), a site name that needs escaping; the one-line refusals
 * of no token (401) and a token of another scope (403); GET only.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { openHubStore } from "../../src/hub/store/index.ts";
import { makeReading, outbox } from "../support/hub-store-fixtures.ts";
import { parsePrometheus, sampleValue } from "../support/prometheus-parse.ts";
import { type HubProcess, ownerPasswordFile, runCommand, startHubProcess } from "../support/service-peers.ts";
import { tempDir } from "../support/temp-dir.ts";

const SITE = 'Acme "North" \\ Dental';
let hub: HubProcess;

beforeAll(async () => {
  const dataDir = join(tempDir("dca-metrics-curl-"), "hub");
  const store = openHubStore(dataDir);
  const site = store.createSite(SITE);
  const r = store.activate({ code: store.createActivationCode(site.id).code, installId: "m".repeat(32), hostname: "pc", agentVersion: "0.1.0", platform: "linux-x64" });
  if (!r.ok) throw new Error(r.reason);
  store.storeReadings(r.agent, [outbox("m1", makeReading({ address: "127.0.0.7", serial: "SN1", readAt: Date.now() - 60_000, total: 1234n }))]);
  store.close();
  hub = await startHubProcess(dataDir);
}, 60_000);

afterAll(async () => {
  await hub?.kill9();
});

async function token(name: string, scope: string): Promise<string> {
  const r = await hub.admin("account", "create-token", name, "--scope", scope, "--password-file", ownerPasswordFile(hub.dataDir), "--json");
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout).secret;
}

/** curl's status, content type and body. */
async function scrape(extra: string[]): Promise<{ status: number; type: string; body: string }> {
  const r = await runCommand(["curl", "-sS", "--cacert", hub.caPath, "-w", "\n%{http_code} %{content_type}", ...extra, `${hub.url}/metrics`]);
  expect(r.exitCode, r.stderr).toBe(0);
  const at = r.stdout.lastIndexOf("\n");
  const [status, ...type] = r.stdout.slice(at + 1).split(" ");
  return { status: Number(status), type: type.join(" "), body: r.stdout.slice(0, at) };
}

describe("/metrics with curl", () => {
  test("a metrics token scrapes the text format over HTTP/2 and HTTP/1.1", async () => {
    const auth = ["-H", `Authorization: Bearer ${await token("prometheus", "metrics")}`];
    for (const version of ["--http2", "--http1.1"]) {
      const r = await scrape([version, ...auth]);
      expect({ version, status: r.status, type: r.type }).toEqual({ version, status: 200, type: "text/plain; version=0.0.4; charset=utf-8" });
      const samples = parsePrometheus(r.body);
      expect(samples.length).toBeGreaterThan(20);
      expect(sampleValue(samples, "dca_hub_up")).toBe(1);
      expect(sampleValue(samples, "dca_hub_readings_total")).toBe(1);
      expect(sampleValue(samples, "dca_site_devices", { site: SITE })).toBe(1);
      expect(sampleValue(samples, "dca_site_agents", { site: SITE })).toBe(1);
      expect(r.body).toContain(`dca_site_devices{site_id="`);
      expect(r.body).toContain(`site="Acme \\"North\\" \\\\ Dental"} 1\n`);
    }
  });

  test("no token: 401 with one line; a token of another scope: 403 saying what is missing; POST: 405", async () => {
    const none = await scrape([]);
    expect(none).toMatchObject({ status: 401, type: "text/plain; charset=utf-8" });
    expect(none.body).toMatch(/^sign in first: [^\n]+\n$/);
    const meters = await scrape(["-H", `Authorization: Bearer ${await token("billing", "meters")}`]);
    expect(meters.status).toBe(403);
    expect(meters.body).toBe("permission denied: owner may not read the hub's metrics (hub.metrics); an owner or admin can grant a role that allows it\n");
    expect((await scrape(["-X", "POST", "-H", "Authorization: Bearer x"])).status).toBe(405);
  });
});
