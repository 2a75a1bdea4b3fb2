/**
 * Headless Chromium (Debian's, through test/support/chromium.ts) against
 * the simulated printer's web site on loopback device addresses, with no
 * proxy in between: the baseline the Device Web Access tests repeat through
 * the hub. Skipped, with the reason, where /usr/bin/chromium is missing.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { type ChromiumSession, brokenImages, chromiumUnavailable, launchChromium } from "../../support/chromium.ts";
import { PUBLIC_PAGES, SESSION_COOKIE, SITE_LOGIN, SITE_SUPPLIES, SITE_TOTAL_PAGES } from "./printer-site.ts";
import { downloadBytes } from "./site-assets.ts";
import { type WebSimulator, startWebSimulator } from "./web-simulator.ts";

const skip = chromiumUnavailable();
if (skip) console.warn(`printer-site.test.ts skipped: ${skip}`);

describe.skipIf(!!skip)("the simulated printer's site in Chromium", () => {
  let sim: WebSimulator; // links name its own address, 127.0.0.5
  let named: WebSimulator; // links follow the Host header; reached as printer.test
  let stranger: WebSimulator; // a certificate Chromium was not told to trust
  let chrome: ChromiumSession;

  beforeAll(async () => {
    sim = await startWebSimulator({ host: "127.0.0.5" });
    named = await startWebSimulator({ host: "127.0.0.6", linkHost: "request" });
    stranger = await startWebSimulator({ host: "127.0.0.7" });
    chrome = await launchChromium({ hostMap: { "printer.test": "127.0.0.6" }, trustCertificates: [sim.certificate.cert] });
  });
  afterAll(async () => {
    await chrome?.close();
    await Promise.all([sim, named, stranger].map((s) => s?.close()));
  });

  test("every public page loads with its style sheet, script, images and frames, and no request fails", async () => {
    for (const path of PUBLIC_PAGES) {
      const visit = await chrome.open(`${sim.httpOrigin}${path}`);
      expect(visit.status).toBe(200);
      expect(await brokenImages(visit.page)).toEqual([]);
      if (path === "/") {
        // The script ran and its fetch of /api/status.json filled the counter; the style sheet applied.
        await visit.page.waitForSelector("#live-counter[data-loaded=yes]");
        expect(await visit.page.textContent("#live-counter")).toBe(String(SITE_TOTAL_PAGES));
        expect(await visit.page.$eval("header", (h) => h.ownerDocument.defaultView?.getComputedStyle(h).backgroundColor)).toBe("rgb(35, 64, 122)");
        await chrome.screenshot(visit.page, "printer-site-home");
      }
      if (path === "/status") expect(await visit.page.$$eval("td.level", (tds) => tds.map((t) => t.textContent))).toEqual(SITE_SUPPLIES.map((s) => `${s.percent}%`));
      if (path === "/frames") {
        const main = visit.page.frame({ name: "main" });
        expect(await main?.textContent("#frame-main")).toBe("Welcome");
        expect(await visit.page.frame({ name: "menu" })?.$$eval("a", (as) => as.length)).toBe(2);
      }
      if (path === "/embed") expect(await visit.page.frameLocator("#supplies-frame").locator("td.level").count()).toBe(SITE_SUPPLIES.length);
      expect(visit.failedRequests).toEqual([]);
      expect(visit.consoleErrors).toEqual([]);
      await visit.page.close();
    }
    // Both kinds of link were followed: path-only and absolute to the device's own address.
    const images = sim.requests.filter((r) => r.path.startsWith("/images/toner-"));
    expect(images.length).toBeGreaterThanOrEqual(8);
  });

  test("login: the protected page redirects to the form; the POST sets an HttpOnly cookie and redirects to its own address; the settings form saves", async () => {
    const visit = await chrome.open(`${sim.httpOrigin}/admin/settings`);
    const page = visit.page;
    expect(new URL(page.url()).pathname).toBe("/login");
    await page.fill("input[name=user]", SITE_LOGIN.user);
    await page.fill("input[name=password]", SITE_LOGIN.password);
    await Promise.all([page.waitForURL(`${sim.httpOrigin}/admin/settings`), page.click("button[type=submit]")]);
    expect(await page.textContent("#settings")).toBe("Settings");
    const cookie = (await chrome.context.cookies(sim.httpOrigin)).find((c) => c.name === SESSION_COOKIE);
    expect(cookie).toMatchObject({ path: "/", httpOnly: true, domain: sim.host });
    const posts = sim.requests.filter((r) => r.method === "POST");
    expect(posts.map((r) => [r.path, r.headers["content-type"]])).toEqual([["/login", "application/x-www-form-urlencoded"]]);

    await page.fill("input[name=location]", "Second floor <east>");
    await Promise.all([page.waitForURL(/saved=1$/), page.click("#settings-form button")]);
    expect(await page.textContent("#saved")).toBe("Saved.");
    expect(sim.site.location).toBe("Second floor <east>");
    await chrome.screenshot(page, "printer-site-settings");
    expect(visit.failedRequests).toEqual([]);
    await page.close();
  });

  test("a wrong password stays on the form and sets no cookie", async () => {
    const visit = await chrome.open(`${stranger.httpOrigin}/login`);
    await visit.page.fill("input[name=user]", SITE_LOGIN.user);
    await visit.page.fill("input[name=password]", "wrong");
    await Promise.all([visit.page.waitForSelector("#login-error"), visit.page.click("button[type=submit]")]);
    expect((await chrome.context.cookies(stranger.httpOrigin)).map((c) => c.name)).toEqual([]);
    await visit.page.close();
  });

  test("a relative redirect lands on the status page", async () => {
    const visit = await chrome.open(`${sim.httpOrigin}/legacy/status.htm`);
    expect(visit.page.url()).toBe(`${sim.httpOrigin}/status`);
    expect(visit.responses.map((r) => r.status).slice(0, 2)).toEqual([302, 200]);
    await visit.page.close();
  });

  test("a mapped host name: the site's links follow it, so every request goes to printer.test", async () => {
    const origin = `http://printer.test:${named.httpPort}`;
    const visit = await chrome.open(`${origin}/`);
    expect(await brokenImages(visit.page)).toEqual([]);
    expect(visit.failedRequests).toEqual([]);
    expect(visit.responses.length).toBeGreaterThan(4);
    expect(visit.responses.every((r) => r.url.startsWith(`${origin}/`))).toBe(true);
    await visit.page.close();
  });

  test("HTTPS: the trusted self-signed certificate loads; an untrusted one fails unless errors are ignored", async () => {
    const trusted = await chrome.open(`${sim.httpsOrigin}/status`);
    expect(trusted.status).toBe(200);
    expect(await brokenImages(trusted.page)).toEqual([]);
    expect(trusted.failedRequests).toEqual([]);
    expect(trusted.responses.filter((r) => r.url.startsWith("http:"))).toEqual([]);
    await trusted.page.close();

    await expect(chrome.open(`${stranger.httpsOrigin}/`)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
    const ignored = await chrome.open(`${stranger.httpsOrigin}/`, { ignoreCertificateErrors: true });
    expect(ignored.status).toBe(200);
    expect(ignored.failedRequests).toEqual([]);
    await ignored.page.close();
  });

  test("the 5 MB download from the home page's link arrives with every byte", async () => {
    const visit = await chrome.open(`${sim.httpOrigin}/`);
    const [download] = await Promise.all([visit.page.waitForEvent("download"), visit.page.click("a[href='/download/5mb']")]);
    const file = await download.path();
    const bytes = readFileSync(file);
    expect(bytes.length).toBe(5 * 1024 * 1024);
    const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
    expect(sha(bytes)).toBe(sha(downloadBytes(0, 5 * 1024 * 1024)));
    await visit.page.close();
  });
});
