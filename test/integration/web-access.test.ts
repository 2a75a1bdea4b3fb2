/**
 * Device Web Access end to end with the real processes (the shipped binaries
 * under `npm run test:binary`): `dca-hub serve` with its embedded relay, an
 * activated `dca run` with MQTT, the printer web simulator on loopback device
 * addresses, and headless Chromium trusting only the hub's CA (the session
 * hosts are *.wa.localhost, loopback without DNS). Every page of the printer's
 * site, its frames, login, cookie, settings form and redirects work through
 * the session URL; an HTTPS printer port works and its certificate is shown;
 * refusals, close, a killed agent and requests naming other hosts are tried
 * for real. The second describe does the same over the wss:// relay (the
 * hub's SSH port off). Screenshots go to test/artifacts/.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { X509Certificate } from "node:crypto";
import { type ChromiumSession, brokenImages, chromiumUnavailable, launchChromium } from "../support/chromium.ts";
import { TEST_OWNER, eventually } from "../support/service-peers.ts";
import { type OpenedSession, type WebAccessStack, startWebAccessStack } from "../support/web-access-stack.ts";
import { PUBLIC_PAGES, SESSION_COOKIE, SITE_LOGIN, SITE_SUPPLIES, SITE_TOTAL_PAGES } from "../sim/web/printer-site.ts";

const skip = chromiumUnavailable();
if (skip) console.warn(`web-access.test.ts skipped: ${skip}`);

/** The session's origin (its URL without the key). */
const originOf = (s: OpenedSession) => new URL(s.url).origin;
type Audit = { id: string; endReason: string; bytesToDevice: number; bytesFromDevice: number; requests: number; state: string };

describe.skipIf(!!skip)("Device Web Access end to end: hub, agent, simulated printer, Chromium (ssh:// relay)", () => {
  let stack: WebAccessStack;
  let chrome: ChromiumSession;
  let session: OpenedSession;

  beforeAll(async () => {
    // The printer, and a second device on another address of the same site that no session of the first may reach.
    stack = await startWebAccessStack({ sims: [{ host: "127.0.0.41" }, { host: "127.0.0.42" }] });
    chrome = await launchChromium({ trustCertificates: [stack.caPem] });
    session = await stack.open("127.0.0.41", stack.sims[0]!.httpPort);
  }, 90_000);
  afterAll(async () => {
    await chrome?.close();
    await stack?.stop();
  });

  test("every page of the printer's site, its images, frames and script load through the session URL; no request fails", async () => {
    const [sim] = stack.sims;
    const origin = originOf(session);
    // The first visit trades the key for the cookie (303 to the URL without it).
    const first = await chrome.open(session.url);
    expect(first.responses[0]).toEqual({ url: session.url, status: 303 });
    expect(first.page.url()).toBe(`${origin}/`);
    await first.page.waitForSelector("#live-counter[data-loaded=yes]");
    expect(await first.page.textContent("#live-counter")).toBe(String(SITE_TOTAL_PAGES));
    await chrome.screenshot(first.page, "web-access-home");
    await first.page.close();
    for (const path of PUBLIC_PAGES) {
      const visit = await chrome.open(`${origin}${path}`);
      expect(visit.status).toBe(200);
      expect(await brokenImages(visit.page)).toEqual([]);
      if (path === "/status") expect(await visit.page.$$eval("td.level", (tds) => tds.map((t) => t.textContent))).toEqual(SITE_SUPPLIES.map((s) => `${s.percent}%`));
      if (path === "/frames") {
        expect(await visit.page.frame({ name: "main" })?.textContent("#frame-main")).toBe("Welcome");
        expect(await visit.page.frame({ name: "menu" })?.$$eval("a", (as) => as.map((a) => (a as unknown as { href: string }).href.startsWith(`${origin}/`)))).toEqual([true, true]);
        await chrome.screenshot(visit.page, "web-access-frames");
      }
      if (path === "/embed") expect(await visit.page.frameLocator("#supplies-frame").locator("td.level").count()).toBe(SITE_SUPPLIES.length);
      expect(visit.failedRequests).toEqual([]);
      expect(visit.consoleErrors).toEqual([]);
      // Links naming the printer's own address were rewritten: the browser never left the session host.
      expect(visit.responses.filter((r) => !r.url.startsWith(`${origin}/`))).toEqual([]);
      await visit.page.close();
    }
    // The printer saw its own address as Host, and never the session's cookie.
    expect(sim!.requests.length).toBeGreaterThan(30);
    expect(sim!.requests.every((r) => r.headers.host === `${sim!.host}:${sim!.httpPort}`)).toBe(true);
    expect(sim!.requests.some((r) => (r.headers.cookie ?? "").includes("__Host-dca-wa"))).toBe(false);
  });

  test("login: the protected page redirects to the form, the POST sets the printer's cookie and redirects absolutely; the settings form saves", async () => {
    const [sim] = stack.sims;
    const origin = originOf(session);
    const visit = await chrome.open(`${origin}/admin/settings`);
    const page = visit.page;
    expect(page.url()).toBe(`${origin}/login`);
    await page.fill("input[name=user]", SITE_LOGIN.user);
    await page.fill("input[name=password]", SITE_LOGIN.password);
    await Promise.all([page.waitForURL(`${origin}/admin/settings`), page.click("button[type=submit]")]);
    expect(await page.textContent("#settings")).toBe("Settings");
    // The absolute Location naming the printer became the session's; the cookie belongs to the session host only.
    expect(visit.responses.find((r) => r.url === `${origin}/login`)?.status).toBe(200);
    const cookie = (await chrome.context.cookies(origin)).find((c) => c.name === SESSION_COOKIE);
    expect(cookie).toMatchObject({ path: "/", httpOnly: true, domain: new URL(origin).hostname });
    await page.fill("input[name=location]", "Through the tunnel");
    await Promise.all([page.waitForURL(/saved=1$/), page.click("#settings-form button")]);
    expect(await page.textContent("#saved")).toBe("Saved.");
    expect(sim!.site.location).toBe("Through the tunnel");
    const posts = sim!.requests.filter((r) => r.method === "POST");
    expect(posts.map((r) => r.path)).toEqual(["/login", "/admin/settings"]);
    // The printer saw its own origin in Origin (rewritten from the session's), as it would from a local browser.
    expect(posts.every((r) => r.headers.origin === `http://${sim!.host}:${sim!.httpPort}`)).toBe(true);
    await chrome.screenshot(page, "web-access-settings");
    expect(visit.failedRequests).toEqual([]);
    await page.close();

    const legacy = await chrome.open(`${origin}/legacy/status.htm`);
    expect(legacy.page.url()).toBe(`${origin}/status`);
    expect(legacy.responses.map((r) => r.status).slice(0, 2)).toEqual([302, 200]);
    await legacy.page.close();
  });

  test("an HTTPS printer port (self-signed) through the tunnel; the technician is shown the certificate's facts", async () => {
    const [sim] = stack.sims;
    const fingerprint = new X509Certificate(sim!.certificate.cert).fingerprint256;
    const secure = await stack.open(sim!.host, sim!.httpsPort, "--tls", "--concurrent", "--wait");
    expect(secure.tls).toBe(true);
    expect(secure.certificate?.sha256).toBe(fingerprint);
    const list = await stack.hub.must("web-access", "list");
    expect(list).toContain(fingerprint);
    const visit = await chrome.open(secure.url);
    expect(visit.status).toBe(200);
    expect(await brokenImages(visit.page)).toEqual([]);
    expect(visit.failedRequests).toEqual([]);
    const facts = await visit.page.goto(`${originOf(secure)}/.dca-session`);
    expect(await facts?.text()).toContain(fingerprint);
    await chrome.screenshot(visit.page, "web-access-https-facts");
    await visit.page.close();
    expect(sim!.requests.some((r) => r.scheme === "https")).toBe(true);
    await stack.hub.must("web-access", "close", secure.id);
  });

  test("refused with 403: no key, a wrong key, another session's cookie; a port the site does not allow is refused at open", async () => {
    const origin = originOf(session);
    const none = await stack.request(`${origin}/status`);
    expect(none.status).toBe(403);
    const wrong = await stack.request(`${origin}/?key=${"A".repeat(43)}`);
    expect(wrong.status).toBe(403);
    // A second session (another device) and its cookie, offered to the first session's host.
    const other = await stack.open("127.0.0.42", stack.sims[1]!.httpPort);
    const entered = await stack.request(other.url);
    expect(entered.status).toBe(303);
    const cookie = String(entered.headers["set-cookie"]).split(";")[0]!;
    expect((await stack.request(`${originOf(other)}/`, { headers: { cookie } })).status).toBe(200);
    const foreign = await stack.request(`${origin}/`, { headers: { cookie } });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toContain("another Device Web Access session");
    await stack.hub.must("web-access", "close", other.id);
    const port = await stack.hub.admin("web-access", "open", "127.0.0.41", "--site", "WA", "--port", "9", "--concurrent");
    expect(port.exitCode).not.toBe(0);
    expect(port.stderr).toContain("dca-hub web-access open:");
  });

  test("requests naming another host or port reach only the session's device", async () => {
    const [sim, other] = stack.sims;
    const origin = originOf(session);
    const entered = await stack.request(session.url);
    // The key was used before: a new visit with it still trades it for a cookie while the session is open.
    const cookie = String(entered.headers["set-cookie"]).split(";")[0]!;
    const before = sim!.requests.length;
    const elsewhere = [`http://${other!.host}:${other!.httpPort}/status`, `http://127.0.0.41:${other!.httpPort}/info`, `http://127.0.0.42:22/`];
    for (const target of elsewhere) {
      const r = await stack.request(`${origin}/`, { path: target, headers: { cookie, "x-forwarded-host": `${other!.host}:${other!.httpPort}`, forwarded: `host=${other!.host}` } });
      expect([200, 400, 404]).toContain(r.status);
    }
    expect(other!.requests.filter((r) => r.headers.host !== `${other!.host}:${other!.httpPort}` || r.path === "/status" || r.path === "/info")).toEqual([]);
    // What did arrive went to the session's device, with its own address as Host.
    const arrived = sim!.requests.slice(before);
    expect(arrived.every((r) => r.headers.host === `${sim!.host}:${sim!.httpPort}`)).toBe(true);
  });

  test("web-access close: the URL gives 403, the agent closes its tunnel and reports the task, the audit shows bytes and why it ended", async () => {
    const origin = originOf(session);
    await stack.hub.must("web-access", "close", session.id);
    const taskDone = new RegExp(`task ${session.taskId}: done: web access to 127\\.0\\.0\\.41:${stack.sims[0]!.httpPort} closed`);
    // The hub wakes the agent (MQTT) when the session ends: well before its 300 s poll.
    await stack.agent.waitForLog(taskDone, 10_000);
    const refused = await stack.request(`${origin}/`);
    expect(refused.status).toBe(403);
    const audit: Audit[] = JSON.parse(await stack.hub.must("web-access", "audit", "--json"));
    const row = audit.find((a) => a.id === session.id)!;
    expect(row.endReason).toBe(`closed by ${TEST_OWNER}`);
    expect(row.bytesToDevice).toBeGreaterThan(1000);
    expect(row.bytesFromDevice).toBeGreaterThan(10_000);
    expect(row.requests).toBeGreaterThan(30);
    const task = await eventually(async () => {
      const tasks: { id: string; state: string; message: string }[] = JSON.parse(await stack.hub.must("task", "list", "--json"));
      const t = tasks.find((x) => x.id === session.taskId);
      return t?.state === "done" ? t : undefined;
    }, 10_000, "the task's result at the hub");
    expect(task.message).toContain("closed");
  });

  test("the agent killed (kill -9): the technician gets a 502 or 504 page saying the tunnel is gone", async () => {
    const s = await stack.open("127.0.0.41", stack.sims[0]!.httpPort, "--concurrent", "--wait");
    const entered = await stack.request(s.url);
    const cookie = String(entered.headers["set-cookie"]).split(";")[0]!;
    expect((await stack.request(`${originOf(s)}/`, { headers: { cookie } })).status).toBe(200);
    await stack.agent.kill9();
    const gone = await stack.request(`${originOf(s)}/info`, { headers: { cookie } });
    expect([502, 504]).toContain(gone.status);
    // 504 after the proxy's 20 s wait for a tunnel (the agent might reconnect), or 502 when a pooled connection broke.
    expect(gone.body).toMatch(/the printer could not be reached.*tunnel/s);
    const page = await chrome.newPage();
    await page.page.goto(`${originOf(s)}/status`).catch(() => undefined);
    await chrome.screenshot(page.page, "web-access-tunnel-gone");
    await page.page.close();
  }, 60_000);
});

describe.skipIf(!!skip)("Device Web Access over the wss:// relay (the hub's SSH port off)", () => {
  let stack: WebAccessStack;
  let chrome: ChromiumSession;

  beforeAll(async () => {
    stack = await startWebAccessStack({ sims: [{ host: "127.0.0.43" }], hubArgs: ["--relay-listen", "none"] });
    chrome = await launchChromium({ trustCertificates: [stack.caPem] });
  }, 90_000);
  afterAll(async () => {
    await chrome?.close();
    await stack?.stop();
  });

  test("the agent tunnels through wss://.../relay on the hub's port; the page and its images load", async () => {
    const s = await stack.open("127.0.0.43", stack.sims[0]!.httpPort);
    const visit = await chrome.open(s.url);
    expect(visit.status).toBe(200);
    expect(await brokenImages(visit.page)).toEqual([]);
    expect(visit.failedRequests).toEqual([]);
    await chrome.screenshot(visit.page, "web-access-wss-home");
    await visit.page.close();
    expect(stack.agent.log()).toMatch(new RegExp(`web access ${s.taskId}: forward accepted by wss://[^ ]+/relay`));
    expect(stack.hub.log()).not.toMatch(/relay: SSH on /);
  });
});
