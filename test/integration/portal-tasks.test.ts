/**
 * The portal's sites and tasks end to end: a real `dca-hub serve` (the
 * shipped binary under `npm run test:binary`), a real `dca run` agent with
 * its MQTT wake line, and headless Chromium trusting only the hub's CA. A
 * technician signs in, sees the site with its agent (version, last poll,
 * wake line up), creates a ping task for a loopback address from the site
 * page, and sees the result arrive on the task page without reloading it
 * (server-sent events); once the agent stops, its wake line is down. No
 * page logs a console error (a CSP violation would). Screenshots: test/artifacts/portal-sites.png, portal-site.png,
 * portal-task.png, portal-tasks.png, portal-site-375.png.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { type Fleet, startFleet } from "../sim/fleet.ts";
import { type ChromiumSession, chromiumUnavailable, launchChromium } from "../support/chromium.ts";
import { type AgentProcess, type HubProcess, activateAgent, freeUdpPort, startAgentProcess, startHubProcess } from "../support/service-peers.ts";
import { repoRoot } from "../support/shared-dir.ts";
import { tempDir } from "../support/temp-dir.ts";

const skip = chromiumUnavailable();
if (skip) console.warn(`portal-tasks.test.ts skipped: ${skip}`);

const PASSWORD = "copper lantern harbour 61";
const NET = "127.50.0";
const TARGET = `${NET}.1`;
const PRINTER = `${NET}.2`;
const COMMUNITY = "portal-tasks-community-5";
/** The device page is the fleet pages' (pages/device.tsx); its actions (tasks, web access) are ours. */
const devicePage = existsSync(join(repoRoot, "src/hub/portal/pages/device.tsx"));
if (!devicePage) console.warn("portal-tasks.test.ts: no device page here (src/hub/portal/pages/device.tsx): its actions are not tried");

async function submit(page: Page, button: string): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click(button)]);
}
const pageErrors = (visit: { consoleErrors: string[]; failedRequests: string[] }) => [
  ...visit.consoleErrors.filter((e) => !e.startsWith("Failed to load resource: the server responded with a status of 4")),
  ...visit.failedRequests.filter((r) => r.includes("/assets/")),
];

describe.skipIf(!!skip)("portal: sites, agents and a live ping task", () => {
  let hub: HubProcess;
  let agent: AgentProcess | undefined;
  let chrome: ChromiumSession;
  let fleet: Fleet;

  beforeAll(async () => {
    const dir = tempDir("dca-portal-tasks-");
    const simPort = await freeUdpPort();
    fleet = await startFleet({ devices: [{ address: PRINTER, port: simPort, recording: join(repoRoot, "test/fixtures/snmprec/mono-laser.snmprec"), communities: [COMMUNITY] }] });
    hub = await startHubProcess(join(dir, "hub"));
    await hub.must("site", "create", "Acme");
    await hub.must("site", "set-targets", "Acme", `${NET}.0/28`);
    await hub.must("site", "set-snmp", "Acme", "--port", String(simPort), "--timeout", "300ms", "--retries", "0");
    await hub.must("site", "add-credential", "Acme", "--name", "main", "--community", COMMUNITY);
    // Nothing but the wake line makes the agent act within the test.
    await hub.must("site", "set-schedule", "Acme", "--poll", "300s", "--discovery", "24h", "--read", "24h");
    const pw = join(dir, "pw");
    writeFileSync(pw, `${PASSWORD}\n`, { mode: 0o600 });
    await hub.must("user", "create", "tess", "--password-file", pw);
    await hub.must("role", "grant", "tess", "technician", "--site", "Acme");
    const code = JSON.parse(await hub.must("code", "create", "Acme", "--json")).code as string;
    const act = await activateAgent(hub, join(dir, "agent"), code);
    if (act.exitCode !== 0) throw new Error(`activation failed: ${act.stderr}`);
    agent = startAgentProcess(join(dir, "agent"));
    await agent.waitForLog(/wake-ups: connected/, 30_000);
    chrome = await launchChromium({ trustCertificates: [readFileSync(hub.caPath, "utf8")] });
  }, 90_000);
  afterAll(async () => {
    await chrome?.close();
    await agent?.stop();
    await hub?.stop();
    await fleet?.stop();
  });

  test("tess signs in, opens the site, pings a loopback address and sees the result arrive live", async () => {
    const visit = await chrome.open(`${hub.url}/sites`);
    await visit.page.fill("#username", "tess");
    await visit.page.fill("#password", PASSWORD);
    await submit(visit.page, "main button[type=submit]");
    expect(new URL(visit.page.url()).pathname).toBe("/sites");
    await chrome.screenshot(visit.page, "portal-sites");
    await submit(visit.page, "main table a");
    expect(await visit.page.textContent("main h1")).toBe("Acme");
    // The agent: its version, a recent poll, its wake line up.
    const cells = await visit.page.$$eval("#agents table tbody tr td", (tds) => tds.map((td) => td.textContent ?? ""));
    expect(cells[1]).toMatch(/^\d+\.\d+\.\d+/);
    expect(cells[2]).toMatch(/^\d+ s ago$/);
    expect(cells.slice(4)).toEqual(["up", "active"]);
    await chrome.screenshot(visit.page, "portal-site");
    await visit.page.setViewportSize({ width: 375, height: 700 });
    expect(await visit.page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(375);
    await chrome.screenshot(visit.page, "portal-site-375");
    await visit.page.setViewportSize({ width: 1024, height: 768 });

    // Ping from the site page: five echoes a second apart, so the page is open while it runs.
    await visit.page.click("details[data-kind=ping] summary");
    await visit.page.fill("#site-ping-address", TARGET);
    await visit.page.fill("#site-ping-count", "5");
    await submit(visit.page, "details[data-kind=ping] button[type=submit]");
    expect(new URL(visit.page.url()).pathname).toMatch(/^\/tasks\/[^/]+$/);
    const first = await visit.page.getAttribute(".task-live", "data-state");
    expect(["pending", "sent", "running"]).toContain(first!);
    await visit.page.evaluate("window.__notReloaded = true");
    await visit.page.waitForSelector(".task-live[data-state=done], .task-live[data-state=failed]", { timeout: 30_000 });
    expect(await visit.page.evaluate("window.__notReloaded")).toBe(true);
    const result = (await visit.page.textContent(".task-live"))!;
    if ((await visit.page.getAttribute(".task-live", "data-state")) === "done") {
      expect(result).toContain("5 of 5, 0% loss");
      expect(result).toMatch(/min [\d.]+ ms, average [\d.]+ ms, max [\d.]+ ms/);
    } else {
      // No ICMP socket here: the result says what to change.
      expect(result).toMatch(/not permitted.*(CAP_NET_RAW|ping_group_range)/);
    }
    expect(visit.responses.some((r) => /\/tasks\/[^/]+\/events$/.test(r.url) && r.status === 200)).toBe(true);
    await chrome.screenshot(visit.page, "portal-task");
    await visit.page.setViewportSize({ width: 375, height: 700 });
    expect(await visit.page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(375);
    await visit.page.setViewportSize({ width: 1024, height: 768 });
    await submit(visit.page, "nav a[href='/tasks']");
    expect(await visit.page.textContent("main table")).toContain(TARGET);
    await chrome.screenshot(visit.page, "portal-tasks");
    await visit.page.setViewportSize({ width: 375, height: 700 });
    expect(await visit.page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(375);
    await visit.page.setViewportSize({ width: 1024, height: 768 });
    expect(pageErrors(visit)).toEqual([]);
  }, 90_000);

  test("a scan from the site page finds the printer; from the device's page, a ping of it", async () => {
    const visit = await chrome.open(`${hub.url}/sites`);
    await submit(visit.page, "main table a");
    await visit.page.click("details[data-kind=scan] summary");
    await submit(visit.page, "details[data-kind=scan] button[type=submit]");
    await visit.page.waitForSelector(".task-live[data-state=done]", { timeout: 45_000 });
    expect(await visit.page.textContent(".task-message")).toMatch(/1 printer/);
    const [device] = JSON.parse(await hub.must("device", "list", "--json")) as { id: string; address: string }[];
    expect(device?.address).toStartWith(PRINTER);
    if (!devicePage) return;
    await visit.page.goto(`${hub.url}/devices/${device!.id}`, { waitUntil: "load" });
    await visit.page.click("#device-actions details[data-kind=ping] summary");
    await visit.page.fill("#dev-ping-count", "2");
    await submit(visit.page, "#device-actions details[data-kind=ping] button[type=submit]");
    await visit.page.waitForSelector(".task-live[data-state=done], .task-live[data-state=failed]", { timeout: 30_000 });
    expect(await visit.page.textContent(".task-live")).toMatch(/Ping 127\.50\.0\.2/);
    expect(visit.consoleErrors).toEqual([]);
  }, 90_000);

  test("an agent that stops has its wake line down on the site page", async () => {
    await agent!.stop();
    agent = undefined;
    const visit = await chrome.open(`${hub.url}/sites`);
    await submit(visit.page, "main table a");
    const wake = async () => (await visit.page.$$eval("#agents table tbody tr td", (tds) => tds.map((td) => td.textContent ?? "")))[4];
    for (let i = 0; i < 20 && (await wake()) !== "down"; i++) {
      await Bun.sleep(250);
      await visit.page.reload({ waitUntil: "load" });
    }
    expect(await wake()).toBe("down");
  }, 30_000);
});
