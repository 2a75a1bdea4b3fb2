/**
 * The portal's "Web access" end to end: a real hub serving web access at
 * *.wa.localhost, a real agent with its wake line, a simulated printer web
 * site, and headless Chromium trusting only the hub's CA. A technician opens
 * the printer's web page from the site page: a new tab follows the session
 * URL (its key traded for the session's cookie) to the printer's own page;
 * the site page lists the open session without its key and closes it.
 * Screenshots: test/artifacts/portal-web-access.png, portal-web-access-site.png.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { SITE_TOTAL_PAGES } from "../sim/web/printer-site.ts";
import { type ChromiumSession, chromiumUnavailable, launchChromium } from "../support/chromium.ts";
import { tempDir } from "../support/temp-dir.ts";
import { WA_DOMAIN, WA_SITE, type WebAccessStack, startWebAccessStack } from "../support/web-access-stack.ts";

const skip = chromiumUnavailable();
if (skip) console.warn(`portal-web-access.test.ts skipped: ${skip}`);

const PASSWORD = "amber harbour lantern 27";
const PRINTER = "127.0.0.46";

async function submit(page: Page, button: string): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click(button)]);
}

describe.skipIf(!!skip)("portal: Device Web Access from the site page", () => {
  let stack: WebAccessStack;
  let chrome: ChromiumSession;

  beforeAll(async () => {
    stack = await startWebAccessStack({ sims: [{ host: PRINTER }] });
    const pw = join(tempDir("dca-portal-wa-"), "pw");
    writeFileSync(pw, `${PASSWORD}\n`, { mode: 0o600 });
    await stack.hub.must("user", "create", "tess", "--password-file", pw);
    await stack.hub.must("role", "grant", "tess", "technician", "--site", WA_SITE);
    chrome = await launchChromium({ trustCertificates: [stack.caPem] });
  }, 90_000);
  afterAll(async () => {
    await chrome?.close();
    await stack?.stop();
  });

  test("Web access opens the printer's page in a new tab; the site page lists the session and closes it", async () => {
    const sim = stack.sims[0]!;
    const visit = await chrome.open(`${stack.hub.url}/sites`);
    await visit.page.fill("#username", "tess");
    await visit.page.fill("#password", PASSWORD);
    await submit(visit.page, "main button[type=submit]");
    await submit(visit.page, "main table a");
    await visit.page.fill("#site-wa-address", PRINTER);
    await visit.page.selectOption("#site-wa-port", String(sim.httpPort));
    const [tab] = await Promise.all([visit.page.context().waitForEvent("page"), visit.page.click("form.web-access-open button")]);
    // The portal's answer follows the session URL at once; the hub trades its key for a cookie (303) and the printer answers.
    await tab.waitForURL((u) => u.hostname.endsWith(`.${WA_DOMAIN}`) && u.pathname === "/" && !u.search, { timeout: 30_000 });
    await tab.waitForSelector("#live-counter[data-loaded=yes]", { timeout: 30_000 });
    expect(await tab.textContent("#live-counter")).toBe(String(SITE_TOTAL_PAGES));
    await chrome.screenshot(tab, "portal-web-access");
    await tab.close();

    await visit.page.reload({ waitUntil: "load" });
    const cells = await visit.page.$$eval("#web-access table tbody tr td", (tds) => tds.map((td) => td.textContent ?? ""));
    expect(cells[0]).toContain(`http://${PRINTER}:${sim.httpPort}`);
    expect(cells[1]).toBe("tess");
    expect(cells[3]).toBe("up");
    await chrome.screenshot(visit.page, "portal-web-access-site");
    await submit(visit.page, "#web-access table button");
    expect(await visit.page.textContent("#web-access")).toContain("No open sessions.");
    const open = JSON.parse(await stack.hub.must("web-access", "list", "--json")) as unknown[];
    expect(open).toEqual([]);
    expect(visit.consoleErrors).toEqual([]);
  }, 90_000);
});
