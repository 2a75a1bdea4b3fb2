/**
 * The portal's people, audit, billing and alerts pages end to end: a real
 * `dca-hub serve` holding the billing tests' hand-made fleet history (March
 * 2026: estimates, a reset, a replaced device) and headless Chromium
 * trusting only the hub's CA. The owner adds a person, verifies the audit
 * chain, exports the billing period as CSV and JSON (the downloaded files
 * are exactly `dca-hub meters export`'s) and adds an alert rule; a viewer
 * is refused an admin action with the hub's own words. No page logs a
 * console error (a CSP violation would). Screenshots go to
 * test/artifacts/portal-admin-*.png.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { billingFleet } from "../../src/hub/billing/testdata/billing-fleet.ts";
import { openHubStore } from "../../src/hub/store/index.ts";
import { type ChromiumSession, chromiumUnavailable, launchChromium } from "../support/chromium.ts";
import { type HubProcess, TEST_OWNER, ownerPasswordFile, startHubProcess } from "../support/service-peers.ts";
import { tempDir } from "../support/temp-dir.ts";

const skip = chromiumUnavailable();
if (skip) console.warn(`portal-admin.test.ts skipped: ${skip}`);

const PASSWORD = "harbour lantern quietly 58";
const MARCH = "start=2026-03-01&end=2026-04-01";

/** Submits the form holding `button` and waits for the page it leads to. */
async function submit(page: Page, button: string): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click(button)]);
}
/**
 * Console errors (a refused form's 4xx aside) and assets that did not load (one cut short by the
 * next navigation, ERR_ABORTED, aside: the pages are left quickly here).
 */
const pageErrors = (visit: { consoleErrors: string[]; failedRequests: string[] }) => [
  ...visit.consoleErrors.filter((e) => !e.startsWith("Failed to load resource: the server responded with a status of 4")),
  ...visit.failedRequests.filter((r) => r.includes("/assets/") && !r.endsWith("net::ERR_ABORTED")),
];

describe.skipIf(!!skip)("portal: people, audit, billing and alerts pages", () => {
  let hub: HubProcess;
  let chrome: ChromiumSession;

  beforeAll(async () => {
    const dataDir = join(tempDir("dca-portal-admin-"), "hub");
    const store = openHubStore(dataDir);
    billingFleet(store);
    store.close();
    hub = await startHubProcess(dataDir);
    const pw = join(tempDir("dca-portal-admin-pw-"), "pw");
    writeFileSync(pw, `${PASSWORD}\n`, { mode: 0o600 });
    await hub.must("user", "create", "vic", "--password-file", pw);
    await hub.must("role", "grant", "vic", "viewer");
    chrome = await launchChromium({ trustCertificates: [readFileSync(hub.caPath, "utf8")] });
  }, 90_000);
  afterAll(async () => {
    await chrome?.close();
    await hub?.stop();
  });

  /** Opens the sign-in page and signs `username` in; the visit. */
  async function signIn(username: string, password: string) {
    // Whoever the last test left signed in is signed out (the context's cookies are shared).
    await chrome.context.clearCookies();
    const visit = await chrome.open(`${hub.url}/login`);
    await visit.page.fill("#username", username);
    await visit.page.fill("#password", password);
    await submit(visit.page, "main button[type=submit]");
    expect(await visit.page.textContent("header .who")).toContain(username);
    return visit;
  }

  test("the owner adds a person, verifies the audit log, exports March's meters and adds an alert rule", async () => {
    const visit = await signIn(TEST_OWNER, readFileSync(ownerPasswordFile(hub.dataDir), "utf8").trim());
    const page = visit.page;

    await page.goto(`${hub.url}/users`);
    await page.fill("#new-username", "nina");
    await page.fill("#new-password", PASSWORD);
    await page.fill("#new-password2", PASSWORD);
    await submit(page, "form[action='/users'] button");
    expect(await page.textContent("main .notice.ok")).toBe("nina added. Without a role they may do nothing: grant one on their page.");
    await chrome.screenshot(page, "portal-admin-users");
    await submit(page, "main a:text-is('nina')");
    await page.selectOption("#grant-role", "billing");
    await page.selectOption("#grant-where", { label: "site Acme" });
    await submit(page, "form[action$='/grant-role'] button");
    expect(await page.textContent("main .notice.ok")).toBe("nina is now billing on site Acme.");
    await chrome.screenshot(page, "portal-admin-user");

    await page.goto(`${hub.url}/audit`);
    expect(await page.textContent("main table")).toContain("GrantRole");
    await submit(page, "form[action^='/audit/verify'] button");
    expect(await page.textContent("main .notice.ok")).toMatch(/^The audit log verifies: \d+ records/);
    await chrome.screenshot(page, "portal-admin-audit");

    await page.goto(`${hub.url}/billing?${MARCH}`);
    await chrome.screenshot(page, "portal-admin-billing");
    const expectedCsv = await hub.must("meters", "export", "--from", "2026-03-01", "--to", "2026-04-01");
    const [csv] = await Promise.all([page.waitForEvent("download"), page.click("text=Download CSV")]);
    expect(csv.suggestedFilename()).toBe("meters_2026-03-01_to_2026-04-01.csv");
    const csvText = readFileSync((await csv.path())!, "utf8");
    expect(csvText).toBe(expectedCsv);
    // SN-B: both ends interpolated, 3,140 used; SN-C: the reset.
    const snB = csvText.split("\r\n").find((l) => l.includes(",SN-B,") && l.includes(",total,"))!;
    expect(snB).toContain(",5100,true,interpolated between readings of 2026-02-28 12:00:00Z and 2026-03-02 12:00:00Z,");
    expect(snB).toContain(",3140,");
    const [json] = await Promise.all([page.waitForEvent("download"), page.click("text=Download JSON")]);
    expect(json.suggestedFilename()).toBe("meters_2026-03-01_to_2026-04-01.json");
    const doc = JSON.parse(readFileSync((await json.path())!, "utf8"));
    expect(doc.period).toEqual({ start: "2026-03-01T00:00:00.000Z", end: "2026-04-01T00:00:00.000Z" });
    expect(doc.rows.find((r: { serialNumber: string; kind: string }) => r.serialNumber === "SN-C" && r.kind === "COUNTER_KIND_TOTAL")?.difference).toBe("2050");

    await page.goto(`${hub.url}/alerts`);
    await page.selectOption("#rule-kind", "supply-below");
    await page.fill("#rule-percent", "15");
    await submit(page, "form[action='/alerts/rules'] button");
    expect(await page.textContent("main .notice.ok")).toBe("Rule added: supply below 15 % on every site, notifying every channel.");
    await chrome.screenshot(page, "portal-admin-alerts");

    await page.goto(`${hub.url}/settings`);
    await chrome.screenshot(page, "portal-admin-settings");
    await page.goto(`${hub.url}/account/tokens`);
    await chrome.screenshot(page, "portal-admin-tokens");
    // A phone's width: the wide tables scroll inside their box, the page does not.
    await page.setViewportSize({ width: 375, height: 700 });
    for (const path of [`/billing?${MARCH}`, "/users", "/audit", "/alerts", "/settings", "/account/tokens"]) {
      await page.goto(`${hub.url}${path}`);
      expect([path, await page.evaluate("document.documentElement.scrollWidth")]).toEqual([path, 375]);
    }
    await page.goto(`${hub.url}/billing?${MARCH}`);
    await chrome.screenshot(page, "portal-admin-billing-375");
    await page.setViewportSize({ width: 1024, height: 768 });
    expect(pageErrors(visit)).toEqual([]);
    await submit(page, "header .who button");
  }, 90_000);

  test("a viewer is refused an admin action with the hub's words", async () => {
    const visit = await signIn("vic", PASSWORD);
    const page = visit.page;
    await page.goto(`${hub.url}/alerts`);
    // The alerts are theirs to see; the channels and a rule are not.
    expect(await page.textContent("#channels-h + .notice.error")).toContain("vic may not manage alert channels (alert.channel)");
    await page.fill("#rule-percent", "5");
    await submit(page, "form[action='/alerts/rules'] button");
    expect(await page.textContent("main h1")).toBe("Not allowed");
    expect(await page.textContent("main .notice.error")).toMatch(/^permission denied: vic may not create or delete alert rules of /);
    await chrome.screenshot(page, "portal-admin-refused");
    const users = await page.goto(`${hub.url}/users`);
    expect(users?.status()).toBe(403);
    expect(await page.textContent("main .notice.error")).toBe("permission denied: vic may not see people and roles (user.read); an owner or admin can grant a role that allows it");
    expect(pageErrors(visit)).toEqual([]);
  }, 60_000);
});
