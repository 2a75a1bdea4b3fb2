/**
 * The portal's foundation end to end: a real `dca-hub serve` (the shipped
 * binary under `npm run test:binary`) and headless Chromium trusting only
 * the hub's CA. First-run setup of a hub with no user (the setup address
 * serve prints); sign-in with password then TOTP (enrolled on the
 * own-security page from its QR's secret); a locked-out account sees the
 * lockout as the hub words it; sign-out; a one-time sign-in link works
 * once; a POST without the CSRF token or from a foreign origin is refused;
 * single sign-on through a real OpenID Connect provider on loopback.
 * No page logs a console error (a CSP violation would). Screenshots go to
 * test/artifacts/portal-*.png.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { totpCodeAt } from "../../src/hub/accounts/index.ts";
import { type ChromiumSession, chromiumUnavailable, launchChromium } from "../support/chromium.ts";
import { type HubProcess, TEST_OWNER, eventually, hubCommand, runCommand, startHubProcess } from "../support/service-peers.ts";
import { type OidcPeer, startOidcPeer } from "../support/oidc-peer.ts";
import { tempDir } from "../support/temp-dir.ts";

const skip = chromiumUnavailable();
if (skip) console.warn(`portal.test.ts skipped: ${skip}`);

const PASSWORD = "harbour lantern quietly 58";

/** Fills a form field by its label's `for` id. */
const fill = (page: Page, id: string, value: string) => page.fill(`#${id}`, value);
/** Submits the form holding `selector`'s button and waits for the page it leads to. */
async function submit(page: Page, button = "main button[type=submit]"): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click(button)]);
}
const notice = (page: Page) => page.textContent("main .notice");
/**
 * What went wrong on a page besides the refusals it was meant to show (a refused form answers
 * 4xx, which Chromium logs): console errors such as a CSP violation, and assets that did not load.
 */
const pageErrors = (visit: { consoleErrors: string[]; failedRequests: string[] }) => [
  ...visit.consoleErrors.filter((e) => !e.startsWith("Failed to load resource: the server responded with a status of 4")),
  ...visit.failedRequests.filter((r) => r.includes("/assets/")),
];

describe.skipIf(!!skip)("portal: first-run setup on a hub with no user", () => {
  let hub: HubProcess;
  let chrome: ChromiumSession;
  beforeAll(async () => {
    hub = await startHubProcess(join(tempDir("dca-portal-"), "hub"), 0, [], hubCommand(), { owner: false });
    chrome = await launchChromium({ trustCertificates: [readFileSync(hub.caPath, "utf8")] });
  }, 60_000);
  afterAll(async () => {
    await chrome?.close();
    await hub?.stop();
  });

  test("serve prints the setup address; the page makes the first owner, signed in; it works once", async () => {
    const url = (await eventually(() => /first run: .* at (https:\/\/\S+\/setup\?code=\S+)/.exec(hub.log())?.[1], 10_000, "the setup line")).replace("localhost", "127.0.0.1");
    expect(new URL(url).origin).toBe(hub.url);
    const visit = await chrome.open(url);
    expect(visit.status).toBe(200);
    await chrome.screenshot(visit.page, "portal-setup");
    await fill(visit.page, "username", "founder");
    await fill(visit.page, "password", PASSWORD);
    await fill(visit.page, "password2", PASSWORD);
    await submit(visit.page);
    expect(new URL(visit.page.url()).pathname).toBe("/account/security");
    expect(await visit.page.textContent("header .who")).toContain("founder");
    expect(pageErrors(visit)).toEqual([]);
    // Once there is an owner, the setup page only says so, and the code is used up.
    const again = await chrome.open(url);
    expect(await notice(again.page)).toContain("already has its owner");
  });
});

describe.skipIf(!!skip)("portal: sign-in, TOTP, lockout, sign-out, sign-in links, CSRF", () => {
  let hub: HubProcess;
  let chrome: ChromiumSession;
  let dataDir: string;
  let secret = "";

  beforeAll(async () => {
    dataDir = join(tempDir("dca-portal-"), "hub");
    hub = await startHubProcess(dataDir);
    const pw = join(tempDir("dca-portal-pw-"), "pw");
    writeFileSync(pw, `${PASSWORD}\n`, { mode: 0o600 });
    await hub.must("user", "create", "tess", "--password-file", pw);
    await hub.must("role", "grant", "tess", "viewer");
    await hub.must("user", "create", "lucy", "--password-file", pw);
    chrome = await launchChromium({ trustCertificates: [readFileSync(hub.caPath, "utf8")] });
  }, 90_000);
  afterAll(async () => {
    await chrome?.close();
    await hub?.stop();
  });

  test("tess signs in with her password, turns TOTP on from the security page, signs out", async () => {
    const visit = await chrome.open(`${hub.url}/`);
    expect(new URL(visit.page.url()).pathname).toBe("/login");
    await chrome.screenshot(visit.page, "portal-sign-in");
    await fill(visit.page, "username", "tess");
    await fill(visit.page, "password", PASSWORD);
    await submit(visit.page);
    expect(await visit.page.textContent("main h1")).toBe("Fleet overview");
    await chrome.screenshot(visit.page, "portal-home");
    // A phone's width: nothing sticks out sideways.
    await visit.page.setViewportSize({ width: 375, height: 700 });
    expect(await visit.page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(375);
    await chrome.screenshot(visit.page, "portal-home-375");
    await visit.page.setViewportSize({ width: 1024, height: 768 });
    await Promise.all([visit.page.waitForNavigation(), visit.page.click("nav a[href='/account/security']")]);
    await fill(visit.page, "begin-password", PASSWORD);
    await submit(visit.page, "form[action='/account/totp/begin'] button");
    expect(await visit.page.isVisible("img.qr")).toBe(true);
    await chrome.screenshot(visit.page, "portal-totp-enrol");
    secret = (await visit.page.textContent("main p code"))!.trim();
    await fill(visit.page, "totp-code", totpCodeAt(secret, Date.now()));
    await submit(visit.page, "form[action='/account/totp/confirm'] button");
    expect(await visit.page.textContent("main .notice.ok")).toContain("Two-factor sign-in is on");
    expect(await visit.page.$$eval("ul.codes li", (li) => li.length)).toBe(10);
    await submit(visit.page, "header .who button");
    expect(new URL(visit.page.url()).pathname).toBe("/login");
    expect(await notice(visit.page)).toContain("You are signed out");
    expect(pageErrors(visit)).toEqual([]);
  });

  test("tess signs in with her password and a TOTP code", async () => {
    const visit = await chrome.open(`${hub.url}/account/security`);
    await fill(visit.page, "username", "tess");
    await fill(visit.page, "password", PASSWORD);
    await submit(visit.page);
    expect(await visit.page.textContent("main h1")).toBe("Second factor");
    await chrome.screenshot(visit.page, "portal-second-factor");
    await fill(visit.page, "code", "000000");
    await submit(visit.page);
    expect(await notice(visit.page)).toContain("wrong or already used code");
    // The next step's code (one step either side is accepted; the one used to enrol is spent).
    await fill(visit.page, "code", totpCodeAt(secret, Date.now() + 30_000));
    await submit(visit.page);
    expect(new URL(visit.page.url()).pathname).toBe("/account/security");
    expect(await visit.page.textContent("main")).toContain("password+totp");
    await chrome.screenshot(visit.page, "portal-security");
    expect(pageErrors(visit)).toEqual([]);
    await submit(visit.page, "header .who button");
  });

  test("a locked-out account is told so, as the hub words it", async () => {
    const visit = await chrome.open(`${hub.url}/login`);
    for (let i = 0; i < 5; i++) {
      await fill(visit.page, "username", "lucy");
      await fill(visit.page, "password", "not her password at all");
      await submit(visit.page);
      expect(await notice(visit.page)).toContain("wrong username or password");
    }
    await fill(visit.page, "password", PASSWORD);
    await submit(visit.page);
    expect(await notice(visit.page)).toContain("the account is locked after too many failed attempts");
    await chrome.screenshot(visit.page, "portal-locked");
  });

  test("a POST without the CSRF token, or from another origin, is refused", async () => {
    const ca = readFileSync(hub.caPath, "utf8");
    const first = await fetch(`${hub.url}/login`, { tls: { ca } });
    const cookie = first.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const token = /name="_csrf" value="([^"]+)"/.exec(await first.text())![1]!;
    const post = (headers: Record<string, string>, form: Record<string, string>) =>
      fetch(`${hub.url}/login`, { method: "POST", redirect: "manual", tls: { ca }, headers: { cookie, "content-type": "application/x-www-form-urlencoded", ...headers }, body: new URLSearchParams(form) });
    const form = { username: "tess", password: PASSWORD };
    const noToken = await post({ origin: hub.url }, form);
    expect(noToken.status).toBe(403);
    expect(await noToken.text()).toContain("security token is missing or out of date");
    const foreign = await post({ origin: "https://evil.example" }, { ...form, _csrf: token });
    expect(foreign.status).toBe(403);
    expect(await foreign.text()).toContain("comes from https://evil.example");
    expect(foreign.headers.get("content-security-policy")).toContain("default-src 'none'");
    // The same request from the portal's own origin passes the checks (to the second-factor form).
    const own = await post({ origin: hub.url }, { ...form, _csrf: token });
    expect(own.status).toBe(200);
    expect(await own.text()).toContain("Second factor");
  });

  test("a sign-in link made by admin-local signs the owner in once", async () => {
    await hub.stop();
    const made = await runCommand([...hubCommand(), "admin-local", "--data", dataDir, "owner", "sign-in-link", TEST_OWNER, "--minutes", "5"]);
    expect(made.exitCode).toBe(0);
    const code = /\/login\/link\?code=([A-Za-z0-9_-]{43})/.exec(made.stdout)![1]!;
    hub = await startHubProcess(dataDir);
    const link = `${hub.url}/login/link?code=${code}`;
    const visit = await chrome.open(link);
    await chrome.screenshot(visit.page, "portal-sign-in-link");
    await submit(visit.page);
    expect(await visit.page.textContent("header .who")).toContain(TEST_OWNER);
    expect(pageErrors(visit)).toEqual([]);
    await submit(visit.page, "header .who button");
    const again = await chrome.open(link);
    await submit(again.page);
    expect(await notice(again.page)).toContain("unknown, used or expired");
    expect(await again.page.textContent("header")).not.toContain("Signed in as");
  });
});

describe.skipIf(!!skip)("portal: single sign-on through an OpenID Connect provider", () => {
  let hub: HubProcess;
  let oidc: OidcPeer;
  let chrome: ChromiumSession;
  beforeAll(async () => {
    const tmp = tempDir("dca-portal-sso-");
    hub = await startHubProcess(join(tmp, "hub"));
    oidc = await startOidcPeer({ redirectUris: [`${hub.url}/sso/callback`] });
    const secret = join(tmp, "client-secret");
    writeFileSync(secret, `${oidc.clientSecret}\n`, { mode: 0o600 });
    await hub.must("sso", "set-oidc", "--issuer", oidc.issuer, "--client-id", oidc.clientId, "--client-secret-file", secret, "--idp-ca", oidc.caPath, "--scopes", "openid profile email groups");
    await hub.must("sso", "map", "printadmins", "admin");
    chrome = await launchChromium({ trustCertificates: [readFileSync(hub.caPath, "utf8"), readFileSync(oidc.caPath, "utf8")] });
  }, 60_000);
  afterAll(async () => {
    await chrome?.close();
    await oidc?.stop();
    await hub?.stop();
  });

  test("the SSO button goes to the provider and back, signed in, to where the browser was headed", async () => {
    const visit = await chrome.open(`${hub.url}/account/security`);
    await chrome.screenshot(visit.page, "portal-sign-in-sso");
    await Promise.all([visit.page.waitForURL((u) => u.origin === oidc.issuer), visit.page.click("text=Sign in with single sign-on")]);
    // The provider's own (development) login and consent forms.
    await visit.page.fill("input[name=login]", "alice-sub");
    await visit.page.fill("input[name=password]", "any");
    await Promise.all([visit.page.waitForNavigation(), visit.page.click("button[type=submit]")]);
    if (new URL(visit.page.url()).origin === oidc.issuer) await visit.page.click("button[type=submit]");
    await visit.page.waitForURL((u) => u.origin === hub.url && u.pathname === "/account/security", { timeout: 15_000 });
    expect(await visit.page.textContent("header .who")).toContain("alice");
    expect(await visit.page.textContent("main")).toContain("signs in through single sign-on");
    // (No check of console errors here: the provider's development pages ask the Internet for fonts.)
  });
});
