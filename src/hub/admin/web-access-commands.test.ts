import { describe, expect, test } from "bun:test";
import { openHubStore } from "../store/index.ts";
import { tempDataDir, testClock } from "../../../test/support/hub-store-fixtures.ts";
import { writeWebAccessSettings } from "../webaccess/web-access-settings.ts";
import { adminHarness } from "../../../test/support/admin-harness.ts";
import type { AdminClient } from "./admin-client.ts";
import { runAdminCommand } from "./index.ts";

/** A hub data folder with a site (targets on loopback), an agent, and the settings `serve` writes. */
function hub(opts: { settings?: boolean } = {}) {
  const dataDir = tempDataDir();
  const clock = testClock();
  const store = openHubStore(dataDir, { clock });
  const site = store.createSite("Acme");
  store.updateSiteConfig(site.id, (c) => void (c.targets = ["127.0.0.0/24"]));
  const r = store.activate({ code: store.createActivationCode(site.id).code, installId: "c".repeat(32), hostname: "pc", agentVersion: "0.1.0", platform: "linux-x64" });
  if (!r.ok) throw new Error(r.reason);
  store.close();
  const harness = adminHarness({ dataDir, clock });
  if (opts.settings !== false) writeWebAccessSettings(dataDir, { domain: "wa.hub.test", port: 8443 });
  /** Runs as the owner, or as the user of `api`. */
  async function runAs(api: AdminClient, ...argv: string[]) {
    let out = "";
    let err = "";
    const code = await runAdminCommand(argv, { dataDir, clock, api, out: (s) => void (out += s), err: (s) => void (err += s) });
    return { code, out, err };
  }
  const run = (...argv: string[]) => runAs(harness.api, ...argv);
  return { run, runAs, harness, agentId: r.agent.id, clock };
}

/** One line, "dca-hub web-access <verb>: what; what to do". */
const oneLine = (err: string, verb: string, text: RegExp) => {
  expect(err.trimEnd().split("\n")).toHaveLength(1);
  expect(err).toMatch(new RegExp(`^dca-hub ${verb}: `));
  expect(err.trimEnd()).toMatch(text);
};

describe("web-access admin commands", () => {
  test("open prints the URL, what it reaches, until when, who opened it and how to close it", async () => {
    const { run, agentId } = hub();
    const r = await run("web-access", "open", "127.0.0.7", "--site", "Acme", "--minutes", "45");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^web-access session wa_\w{16} opened by owner\n/);
    expect(r.out).toMatch(/\nURL      https:\/\/wa-[a-z0-9]{12}\.wa\.hub\.test:8443\/\?key=[\w-]{43}\n/);
    expect(r.out).toContain(`Reaches  http://127.0.0.7:80 of site "Acme", an address in its targets, through agent ${agentId} (task tsk_`);
    expect(r.out).toMatch(/Until    .* \(45 min\); it closes after 300 s without traffic/);
    expect(r.out).toMatch(/Close    dca-hub web-access close wa_\w{16}\n$/);
    const https = await run("web-access", "open", "127.0.0.8", "--site", "Acme", "--port", "443", "--json");
    const j = JSON.parse(https.out);
    expect(j).toMatchObject({ tls: true, port: 443, address: "127.0.0.8", state: "open", url: expect.stringMatching(/^https:\/\/wa-/) });
    // The signed-in user; the hub's own forward path is not shown.
    expect(j.openedBy).toBe("owner");
    expect(j.forwardPath).toBeUndefined();
  });

  test("refusals are one line saying what to do", async () => {
    const { run } = hub();
    expect((await run("web-access", "open", "127.0.0.7", "--site", "Acme")).code).toBe(0);
    const again = await run("web-access", "open", "127.0.0.7", "--site", "Acme");
    expect(again.code).toBe(1);
    oneLine(again.err, "web-access open", /127\.0\.0\.7 already has an open session wa_\w+ .*; close it first \(dca-hub web-access close wa_\w+\) or pass --concurrent$/);
    expect((await run("web-access", "open", "127.0.0.7", "--site", "Acme", "--concurrent")).code).toBe(0);
    oneLine((await run("web-access", "open", "127.0.0.7", "--site", "Acme", "--port", "8081")).err, "web-access open", /port 8081 is not allowed .*allowed: 80, 443, 8000\); add it with "dca-hub site set-web-access SITE --ports \.\.\."/);
    oneLine((await run("web-access", "open", "127.0.0.9")).err, "web-access open", /no known device at 127\.0\.0\.9; give the device id/);
    // Outside the site's scope is refused as for every task (exit 2, the usage follows the line).
    oneLine((await run("web-access", "open", "127.0.1.9", "--site", "Acme")).err.split("\n")[0], "web-access open", /"127\.0\.1\.9" is outside this site's targets .*; add it to the site's targets first/);
    // A usage error: its line, then the usage (exit 2).
    const minutes = await run("web-access", "open", "127.0.0.7", "--site", "Acme", "--minutes", "481");
    expect(minutes.code).toBe(2);
    oneLine(minutes.err.split("\n")[0], "web-access open", /--minutes must be from 1 to 480 \(default 30\), got 481$/);
    oneLine((await run("web-access", "close", "wa_nope")).err, "web-access close", /unknown web-access session "wa_nope"; see "dca-hub web-access list"/);
    const none = hub({ settings: false });
    oneLine((await none.run("web-access", "open", "127.0.0.7", "--site", "Acme")).err, "web-access open", /has not served web access .*; start "dca-hub serve"/);
  });

  test("site set-web-access: extra ports, off and on", async () => {
    const { run } = hub();
    expect((await run("site", "set-web-access", "Acme", "--ports", "8080,9443,80")).out).toMatch(/^site "Acme": web access on, ports 80, 443, 8000, 8080, 9443; config version \d+\n$/);
    expect((await run("web-access", "open", "127.0.0.7", "--site", "Acme", "--port", "9443")).out).toContain("Reaches  http://127.0.0.7:9443");
    expect((await run("site", "set-web-access", "Acme", "--off")).out).toContain("web access off (agents refuse web-access tasks)");
    oneLine((await run("web-access", "open", "127.0.0.8", "--site", "Acme")).err, "web-access open", /web access is off for this site; .*--on"/);
    expect((await run("site", "set-web-access", "Acme", "--on")).out).toContain("web access on, ports 80, 443, 8000, 8080, 9443");
    const both = await run("site", "set-web-access", "Acme", "--on", "--off");
    expect(both.code).toBe(2);
  });

  test("list, close and the audit (JSON lines too)", async () => {
    const { run, runAs, harness, clock } = hub();
    const tech = harness.as("technician", "Acme");
    const id = /session (wa_\w+)/.exec((await runAs(tech, "web-access", "open", "127.0.0.7", "--site", "Acme")).out)![1];
    expect((await run("web-access", "list")).out).toMatch(new RegExp(`${id} +https://wa-[a-z0-9]{12}\\.wa\\.hub\\.test:8443 +http://127\\.0\\.0\\.7:80 +technician1 .* waiting +0/0`));
    clock.advance(5 * 60_000);
    const closed = await run("web-access", "close", id);
    expect(closed.out).toBe(`web-access session ${id} closed; the serving hub drops its tunnel and wakes agent ${JSON.parse((await run("web-access", "audit", "--json")).out)[0].agentId} (MQTT), which closes it; without MQTT the agent learns it at its next poll\n`);
    oneLine((await run("web-access", "close", id)).err, "web-access close", /already ended at .* \(closed by owner\); nothing to close/);
    expect((await run("web-access", "list")).out).toBe("no open web-access sessions\n");
    expect((await run("web-access", "audit")).out).toMatch(new RegExp(`${id} +technician1 +http://127\\.0\\.0\\.7:80 .* 5\\.0 +ended: closed by owner +0 +0 +0`));
    const lines = (await run("web-access", "audit", "--jsonl")).out.trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ id, openedBy: "technician1", address: "127.0.0.7", port: 80, endReason: "closed by owner", state: "ended: closed by owner", bytesToDevice: 0, bytesFromDevice: 0 });
  });
});
