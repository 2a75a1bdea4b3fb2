/**
 * The portal's fleet pages end to end, on a demo-like fleet: the fleet
 * simulator serving the repo's recordings (and the shared printer
 * recordings when present) on loopback, a real `dca-hub serve`, a real
 * `dca run` agent that discovers and reads them, and headless Chromium
 * trusting only the hub's CA. The owner signs in, sees the overview, sorts
 * and filters the devices table (htmx swaps the results without a reload,
 * and pushes the URL), downloads the CSV of the view, opens a device and
 * reads its chart (uPlot's canvas is drawn; the chart's data has the day's
 * point with the device's total). No page logs a console error (a CSP
 * violation would). Screenshots: test/artifacts/portal-fleet-*.png.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { type Fleet, startFleet } from "../sim/fleet.ts";
import { listRecordingFiles } from "../sim/recording-set.ts";
import { type ChromiumSession, type PageVisit, chromiumUnavailable, launchChromium } from "../support/chromium.ts";
import { type AgentProcess, type HubProcess, TEST_OWNER, activateAgent, eventually, freeUdpPort, ownerPasswordFile, startAgentProcess, startHubProcess } from "../support/service-peers.ts";
import { repoRoot } from "../support/shared-dir.ts";
import { tempDir } from "../support/temp-dir.ts";

const skip = chromiumUnavailable();
if (skip) console.warn(`portal-fleet.test.ts skipped: ${skip}`);

const NET = "127.44.0";
const SITE = "Demo Customer";
/** The repo's own mono laser: its waste toner box reports level -3. */
const MONO_SERIAL = "EXM100-000123";

interface DeviceJson {
  id: string;
  serialNumber: string;
  vendor: string;
  totalPages?: string;
}

/** Console errors and failed assets (a CSP violation is a console error). */
const pageErrors = (v: Pick<PageVisit, "consoleErrors" | "failedRequests">) => [...v.consoleErrors, ...v.failedRequests.filter((r) => r.includes("/assets/"))];
/** The devices table's cells, row by row. */
const rows = (page: Page) => page.$$eval("table.devices tbody tr", (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => (td.textContent ?? "").trim())));

describe.skipIf(!!skip)("portal: the fleet pages on a demo-like fleet", () => {
  let hub: HubProcess;
  let fleet: Fleet;
  let agent: AgentProcess;
  let chrome: ChromiumSession;
  let devices: DeviceJson[];

  beforeAll(async () => {
    const tmp = tempDir("dca-portal-fleet-");
    const shared = join(repoRoot, "..", "shared", "fixtures", "printers");
    const files = listRecordingFiles([join(repoRoot, "test/fixtures/snmprec"), ...(existsSync(shared) ? [shared] : [])]).slice(0, 20);
    const port = await freeUdpPort();
    // Every recording at its own address, and two addresses that never answer.
    fleet = await startFleet({ devices: [...files.map((recording, i) => ({ address: `${NET}.${i + 1}`, port, recording })), ...[21, 22].map((n) => ({ address: `${NET}.${n}`, port, recording: files[0]!, silent: true }))] });
    hub = await startHubProcess(join(tmp, "hub"));
    await hub.must("site", "create", SITE);
    await hub.must("site", "set-targets", SITE, `${NET}.0/27`);
    await hub.must("site", "set-snmp", SITE, "--port", String(port), "--timeout", "500ms", "--retries", "0");
    await hub.must("site", "set-schedule", SITE, "--poll", "1s");
    const code = JSON.parse(await hub.must("code", "create", SITE, "--json")).code as string;
    const act = await activateAgent(hub, join(tmp, "agent"), code);
    if (act.exitCode !== 0) throw new Error(`activation failed: ${act.stderr}`);
    agent = startAgentProcess(join(tmp, "agent"));
    const done = await agent.waitForLog(/discovery done: .*?(\d+) printers read/, 60_000);
    const printers = Number(/(\d+) printers read/.exec(done)![1]);
    // The agent uploads as it reads: wait until the hub holds every reading of the pass (recordings that
    // share a serial are one device, so there may be fewer devices than printers read).
    await eventually(
      async () => {
        const agents = JSON.parse(await hub.must("agent", "list", "--json")) as { readingsReceived?: string }[];
        return Number(agents[0]?.readingsReceived ?? 0) >= printers || undefined;
      },
      30_000,
      `the hub to receive the ${printers} readings`,
    );
    devices = JSON.parse(await hub.must("device", "list", "--json")) as DeviceJson[];
    chrome = await launchChromium({ trustCertificates: [readFileSync(hub.caPath, "utf8")] });
  }, 120_000);
  afterAll(async () => {
    await chrome?.close();
    await agent?.stop();
    await hub?.stop();
    await fleet?.stop();
  });

  test("sign in; the overview shows the site's devices; the devices table sorts, filters and exports", async () => {
    const visit = await chrome.open(`${hub.url}/`);
    await visit.page.fill("#username", TEST_OWNER);
    await visit.page.fill("#password", readFileSync(ownerPasswordFile(hub.dataDir), "utf8").trim());
    await Promise.all([visit.page.waitForNavigation({ waitUntil: "load" }), visit.page.click("main button[type=submit]")]);
    expect(await visit.page.textContent("main h1")).toBe("Fleet overview");
    const site = await visit.page.$$eval("table.overview tbody tr", (trs) => trs.map((tr) => [...tr.querySelectorAll("th, td")].slice(0, 3).map((c) => (c.textContent ?? "").trim())));
    expect(site).toEqual([[SITE, String(devices.length), String(devices.length)]]);
    await chrome.screenshot(visit.page, "portal-fleet-overview");

    await Promise.all([visit.page.waitForNavigation(), visit.page.click("nav a[href='/devices']")]);
    expect(await rows(visit.page)).toHaveLength(devices.length);
    expect(await visit.page.textContent(".result-count")).toContain(`Devices 1-${devices.length} of ${devices.length}.`);
    // A mark on the window survives an htmx swap, not a page load.
    await visit.page.evaluate("window.__stillHere = true");
    await visit.page.click("table.devices th a:has-text('Total pages')");
    await visit.page.waitForURL((u) => u.search === "?sort=pages&dir=desc");
    await visit.page.waitForSelector("th[aria-sort='descending'] >> text=Total pages");
    expect(await visit.page.evaluate("window.__stillHere")).toBe(true);
    // The keyboard's place is kept: the focus is on the new header link.
    expect(await visit.page.evaluate("document.activeElement.id")).toBe("sort-pages");
    const pages = (await rows(visit.page)).map((r) => Number(r[7]!.replace(/,/g, "")) || 0);
    expect(pages).toEqual([...pages].sort((a, b) => b - a));
    expect(pages.length).toBe(devices.length);
    // A filter from the form: htmx again, the URL keeps the sort and adds the vendor.
    const vendors = devices.map((d) => d.vendor).filter(Boolean);
    const vendor = vendors.sort((a, b) => vendors.filter((v) => v === b).length - vendors.filter((v) => v === a).length)[0]!;
    await visit.page.selectOption("#vendor", vendor);
    await visit.page.waitForURL((u) => u.search === `?vendor=${encodeURIComponent(vendor)}&sort=pages&dir=desc`);
    const ofVendor = devices.filter((d) => d.vendor === vendor).length;
    // (Polled from here: waitForFunction with a string is an eval, which the portal's CSP refuses.)
    await eventually(async () => (await rows(visit.page)).length === ofVendor || undefined, 10_000, "the filtered rows");
    expect(new Set((await rows(visit.page)).map((r) => r[2]))).toEqual(new Set([vendor]));
    expect(await visit.page.evaluate("window.__stillHere")).toBe(true);
    await chrome.screenshot(visit.page, "portal-fleet-devices");
    await visit.page.setViewportSize({ width: 375, height: 800 });
    expect(await visit.page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(375);
    await chrome.screenshot(visit.page, "portal-fleet-devices-375");
    await visit.page.setViewportSize({ width: 1024, height: 768 });
    // The CSV of this view: the same devices, in the same order.
    const href = (await visit.page.getAttribute(".result-count a[download]", "href"))!;
    const csv = (await visit.page.evaluate(`fetch(${JSON.stringify(href)}).then((r) => r.text())`)) as string;
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toStartWith("device_id,site,site_id,address,vendor,model,serial_number");
    expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual(await visit.page.$$eval("table.devices tbody tr td:nth-child(2) a", (as) => as.map((a) => a.getAttribute("href")!.slice("/devices/".length))));
    // Without htmx (a reload of the pushed URL), the same view.
    await visit.page.reload({ waitUntil: "load" });
    expect(await visit.page.$eval("#vendor", (s) => (s as unknown as { value: string }).value)).toBe(vendor);
    expect(pageErrors(visit)).toEqual([]);
  }, 60_000);

  test("a device's page: honest supplies, counters with OIDs, and its chart drawn from the day's reading", async () => {
    const mono = devices.find((d) => d.serialNumber === MONO_SERIAL)!;
    const visit = await chrome.open(`${hub.url}/?q=${MONO_SERIAL}`);
    await Promise.all([visit.page.waitForNavigation(), visit.page.click(`#found-h ~ ul.matches a[href='/devices/${mono.id}']`)]);
    expect(await visit.page.textContent("main h1")).toContain(MONO_SERIAL);
    const waste = (await visit.page.textContent("ul.supplies li:has-text('Waste Toner Box')"))!;
    expect(waste).toContain("some remaining (level -3)");
    expect(waste).not.toContain("%");
    expect(await visit.page.textContent("table.counters")).toContain("1.3.6.1.2.1.43.10.2.1.4.1.1");
    // uPlot drew the chart: its canvas exists; its data is the day's point with the device's total.
    await visit.page.waitForSelector(".chart .uplot canvas");
    const spec = JSON.parse((await visit.page.textContent(".chart script[type='application/json']"))!);
    const today = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`) / 1000;
    expect(spec.data).toEqual([[today], [null], [Number(mono.totalPages)]]);
    await chrome.screenshot(visit.page, "portal-fleet-device");
    // A phone's width: nothing sticks out sideways.
    await visit.page.setViewportSize({ width: 375, height: 800 });
    expect(await visit.page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(375);
    await chrome.screenshot(visit.page, "portal-fleet-device-375");
    expect(pageErrors(visit)).toEqual([]);
  }, 60_000);
});
