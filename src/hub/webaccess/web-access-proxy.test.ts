/**
 * The web-access proxy against the real hub on loopback (startHub in this
 * process), with a TunnelDialer that connects straight to a printer-like
 * HTTP(S) server on 127.0.0.1 (a stand-in for the agent's tunnel): key ->
 * cookie -> pages, redirects, the printer's cookies, a form POST, an HTTPS
 * printer with a self-signed certificate, the refusals, the limits and the
 * audit record.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import http from "node:http";
import https from "node:https";
import http2 from "node:http2";
import net from "node:net";
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { type RunningHub, startHub } from "../server/start-hub.ts";
import { type TunnelDialer, TunnelUnavailableError } from "../relay/tunnel-dialer.ts";
import type { WebAccessSession } from "../store/index.ts";
import { tempDataDir } from "../../../test/support/hub-store-fixtures.ts";
import { simCertificate } from "../../../test/sim/web/sim-certificate.ts";
import { openWebAccess } from "./open-web-access.ts";
import { readWebAccessSettings } from "./web-access-settings.ts";
import { SESSION_COOKIE } from "./session-gate.ts";
import { createStoreForwardPolicy } from "./store-forward-policy.ts";

const DOMAIN = "wa.localhost";
const dataDir = tempDataDir();
const cert = simCertificate({ commonName: "NPI7F00A1" });
let hub: RunningHub;
let httpPrinter: http.Server;
let httpsPrinter: https.Server;
let tunnelUp = true;
const ended: WebAccessSession[] = [];
const seen: { host?: string; cookie?: string; origin?: string }[] = [];
const BIG = Buffer.alloc(1_000_000, 7);

/** The printer: absolute self-links, a login that redirects and sets a cookie, a page behind it, a form, a big file. */
function printerApp(scheme: string, port: () => number) {
  return (req: http.IncomingMessage, res: http.ServerResponse) => {
    seen.push({ host: req.headers.host, cookie: req.headers.cookie, origin: req.headers.origin });
    const self = `${scheme}://127.0.0.1:${port()}`;
    if (req.url === "/") {
      res.writeHead(200, { "content-type": "text/html" });
      return res.end(`<html><a href="${self}/status">status</a><img src="/logo.png"><iframe src="//127.0.0.1:${port()}/frame"></iframe><a href="http://127.0.0.1:9/x">other</a></html>`);
    }
    if (req.url === "/login") {
      res.writeHead(302, { location: `${self}/home`, "set-cookie": ["sid=abc123; Domain=127.0.0.1; Path=/; HttpOnly"] });
      return res.end();
    }
    if (req.url === "/home") {
      const ok = /(^|; )sid=abc123(;|$)/.test(req.headers.cookie ?? "");
      res.writeHead(ok ? 200 : 401, { "content-type": "text/plain" });
      return res.end(ok ? "welcome, technician" : "log in first");
    }
    if (req.url === "/form" && req.method === "POST") {
      let body = "";
      req.on("data", (c) => (body += c));
      return req.on("end", () => {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end(`got ${body} from ${req.headers.origin}`);
      });
    }
    if (req.url === "/big") {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      return res.end(BIG);
    }
    res.writeHead(404);
    res.end();
  };
}

/** The tunnel stand-in: a TCP connection to the session's port on 127.0.0.1. */
const dialer: TunnelDialer = {
  async dial(_agent, forwardPath) {
    if (!tunnelUp) throw new TunnelUnavailableError("the agent has not connected");
    const s = hub.store.listWebAccessSessions({ open: true }).find((x) => x.forwardPath === forwardPath);
    if (!s) throw new TunnelUnavailableError("no such forward");
    return net.connect(s.port, "127.0.0.1");
  },
  isUp: () => tunnelUp,
};

const port = (s: http.Server) => (s.address() as net.AddressInfo).port;

beforeAll(async () => {
  httpPrinter = http.createServer(printerApp("http", () => port(httpPrinter)));
  httpsPrinter = https.createServer({ key: cert.key, cert: cert.cert }, printerApp("https", () => port(httpsPrinter)));
  await new Promise<void>((r) => httpPrinter.listen(0, "127.0.0.1", r));
  await new Promise<void>((r) => httpsPrinter.listen(0, "127.0.0.1", r));
  hub = await startHub({
    dataDir,
    host: "127.0.0.1",
    port: 0,
    log: () => {},
    webAccess: { domain: DOMAIN, dialer, onEnded: (s) => ended.push(s), sweepMs: 100, pool: { tunnelWaitMs: 800 } },
  });
  const site = hub.store.createSite("Acme");
  hub.store.updateSiteConfig(site.id, (c) => {
    c.targets = ["127.0.0.1"];
    c.webAccessPorts = [port(httpPrinter), port(httpsPrinter)];
  });
  const r = hub.store.activate({ code: hub.store.createActivationCode(site.id).code, installId: "b".repeat(32), hostname: "pc", agentVersion: "0.1.0", platform: "linux-x64" });
  if (!r.ok) throw new Error(r.reason);
});

afterAll(async () => {
  await hub?.close();
  httpPrinter?.close();
  httpsPrinter?.close();
  rmSync(dirname(dataDir), { recursive: true, force: true });
});

function open(opts: { tls?: boolean; concurrent?: boolean; by?: string } = {}) {
  const site = hub.store.getSite("Acme")!;
  const p = opts.tls ? port(httpsPrinter) : port(httpPrinter);
  return openWebAccess(hub.store, readWebAccessSettings(dataDir), { device: "127.0.0.1", site, port: p, tls: opts.tls, concurrent: opts.concurrent ?? true, openedBy: opts.by ?? "tester" });
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A browser-like request to a session host on the hub (the hub's CA trusted, SNI and Host set to the session's name). */
function browse(url: string, opts: { cookie?: string; method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: "127.0.0.1",
        port: hub.port,
        path: `${u.pathname}${u.search}`,
        method: opts.method ?? "GET",
        servername: u.hostname,
        ca: hub.tls.caPem,
        agent: false,
        headers: { host: u.host, ...(opts.cookie ? { cookie: opts.cookie } : {}), ...(opts.body ? { "content-type": "application/x-www-form-urlencoded", "content-length": String(opts.body.length) } : {}), ...opts.headers },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on("data", (c) => parts.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts) }));
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** Enters a session with its key; returns the origin and the session cookie. */
async function enter(url: string): Promise<{ origin: string; cookie: string }> {
  const a = await browse(url);
  expect(a.status).toBe(303);
  expect(a.headers.location).toBe("/");
  const set = a.headers["set-cookie"]![0];
  expect(set).toMatch(new RegExp(`^${SESSION_COOKIE}=[\\w-]+; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=\\d+$`));
  return { origin: new URL(url).origin, cookie: set.split(";")[0] };
}

const setDb = (sql: string, ...args: (string | number)[]) => {
  const db = new Database(join(dataDir, "hub.db"));
  db.run("PRAGMA busy_timeout = 5000");
  db.run(sql, args);
  db.close();
};

describe("a session through the proxy", () => {
  test("key -> cookie -> pages: absolute self-links rewritten, the printer addressed as itself, our cookie kept from it", async () => {
    const { url, session } = open();
    expect(url).toMatch(new RegExp(`^https://wa-[a-z0-9]{12}\\.${DOMAIN.replace(".", "\\.")}:${hub.port}/\\?key=[\\w-]{43}$`));
    const { origin, cookie } = await enter(url);
    seen.length = 0;
    const page = await browse(`${origin}/`, { cookie });
    expect(page.status).toBe(200);
    const html = page.body.toString();
    expect(html).toContain(`<a href="${origin}/status">`);
    expect(html).toContain(`<iframe src="//${new URL(origin).host}/frame">`);
    expect(html).toContain(`href="http://127.0.0.1:9/x"`); // another port of the printer is another service: left alone
    expect(seen[0].host).toBe(`127.0.0.1:${session.port}`);
    expect(seen[0].cookie ?? "").not.toContain(SESSION_COOKIE);
  });

  test("a redirect with an absolute Location, the printer's cookie (Domain dropped) and the page behind it", async () => {
    const { origin, cookie } = await enter(open().url);
    const login = await browse(`${origin}/login`, { cookie });
    expect(login.status).toBe(302);
    expect(login.headers.location).toBe(`${origin}/home`);
    expect(login.headers["set-cookie"]).toEqual(["sid=abc123; Path=/; HttpOnly"]);
    const second = await browse(`${origin}/home`, { cookie });
    expect(second.body.toString()).toBe("log in first");
    const home = await browse(`${origin}/home`, { cookie: `${cookie}; sid=abc123` });
    expect(home.status).toBe(200);
    expect(home.body.toString()).toBe("welcome, technician");
  });

  test("a form POST, its Origin pointed back at the printer", async () => {
    const { origin, cookie } = await enter(open().url);
    const r = await browse(`${origin}/form`, { cookie, method: "POST", body: "name=tray2&size=A4", headers: { origin } });
    expect(r.body.toString()).toBe(`got name=tray2&size=A4 from http://127.0.0.1:${port(httpPrinter)}`);
  });

  test("an HTTPS printer with a self-signed certificate: pages work, its facts are shown and kept", async () => {
    const { url, session } = open({ tls: true });
    expect(session.tls).toBe(true);
    const { origin, cookie } = await enter(url);
    const page = await browse(`${origin}/`, { cookie });
    expect(page.body.toString()).toContain(`<a href="${origin}/status">`);
    const info = (await browse(`${origin}/.dca-session`, { cookie })).body.toString();
    const fingerprint = new Bun.CryptoHasher("sha256").update(cert.der).digest("hex").toUpperCase().match(/../g)!.join(":");
    expect(info).toContain(fingerprint);
    expect(info).toContain("CN=NPI7F00A1");
    expect(info).toContain("self-signed");
    expect(hub.store.getWebAccessSession(session.id)!.certificate).toMatchObject({ sha256: fingerprint, selfSigned: true, validTo: cert.notAfter.toISOString() });
  });
});

/** Requests over one HTTP/2 connection, as a browser sends them (ALPN h2, :authority the session's host). */
async function browseH2(origin: string, paths: string[], cookie: string): Promise<{ status: number; body: string; setCookie?: string[] }[]> {
  const u = new URL(origin);
  const client = http2.connect(`https://127.0.0.1:${hub.port}`, { ca: hub.tls.caPem, servername: u.hostname });
  try {
    return await Promise.all(
      paths.map(
        (path) =>
          new Promise<{ status: number; body: string; setCookie?: string[] }>((resolve, reject) => {
            const req = client.request({ ":path": path, ":authority": u.host, cookie });
            let status = 0;
            let setCookie: string[] | undefined;
            let body = "";
            req.on("response", (h) => {
              status = Number(h[":status"]);
              setCookie = h["set-cookie"] as string[] | undefined;
            });
            req.on("data", (c) => (body += c));
            req.on("end", () => resolve({ status, body, setCookie }));
            req.on("error", reject);
            req.end();
          }),
      ),
    );
  } finally {
    client.close();
  }
}

describe("HTTP/2 browsers and kept connections", () => {
  test("pages over one h2 connection; the tunnel connections are kept and reused, at most the pool's limit", async () => {
    const { url, session } = open();
    const { origin, cookie } = await enter(url);
    const answers = await browseH2(origin, ["/", "/login", "/home", "/", "/", "/", "/", "/", "/", "/", "/", "/"], `${cookie}; sid=abc123`);
    expect(answers.map((a) => a.status)).toEqual([200, 302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]);
    expect(answers[0].body).toContain(`<a href="${origin}/status">`);
    expect(answers[1].setCookie).toEqual(["sid=abc123; Path=/; HttpOnly"]);
    const again = await browseH2(origin, ["/home"], `${cookie}; sid=abc123`);
    expect(again[0].body).toBe("welcome, technician");
    await Bun.sleep(300);
    const s = hub.store.getWebAccessSession(session.id)!;
    expect(s.requests).toBe(13);
    expect(s.channels).toBeGreaterThanOrEqual(1);
    expect(s.channels).toBeLessThanOrEqual(8);
  });
});

describe("before the technician's first request", () => {
  test("the sweep notes the tunnel up and reads an HTTPS printer's certificate (what open --wait shows)", async () => {
    const { session } = open({ tls: true });
    expect(session.tunnelUpAt).toBeUndefined();
    await Bun.sleep(400);
    const s = hub.store.getWebAccessSession(session.id)!;
    expect(s.tunnelUpAt).toBeDefined();
    expect(s.certificate?.subject).toContain("CN=NPI7F00A1");
    expect(s.requests).toBe(0);
  });
});

describe("refusals", () => {
  test("no key, a wrong key, another session's cookie, an unknown session: 403 saying why", async () => {
    const a = await enter(open().url);
    const b = open();
    const bOrigin = new URL(b.url).origin;
    const none = await browse(`${bOrigin}/`);
    expect(none.status).toBe(403);
    expect(none.body.toString()).toContain("needs the session&#39;s key");
    expect((await browse(`${bOrigin}/?key=${"A".repeat(43)}`)).body.toString()).toContain("does not open this session");
    const foreign = await browse(`${bOrigin}/`, { cookie: a.cookie });
    expect(foreign.status).toBe(403);
    expect(foreign.body.toString()).toContain("belongs to another Device Web Access session");
    expect((await browse(`https://wa-000000000000.${DOMAIN}:${hub.port}/`)).status).toBe(403);
  });

  test("a closed session: 403 with its reason, and the relay is told to drop the forward", async () => {
    const { url, session } = open();
    const { origin, cookie } = await enter(url);
    expect((await browse(`${origin}/`, { cookie })).status).toBe(200);
    hub.store.endWebAccessSession(session.id, "closed by tester");
    const r = await browse(`${origin}/`, { cookie });
    expect(r.status).toBe(403);
    expect(r.body.toString()).toContain("closed by tester");
    await Bun.sleep(300);
    expect(ended.map((s) => s.id)).toContain(session.id);
  });

  test("an expired session: 403, and it is ended as expired", async () => {
    const { url, session } = open();
    const { origin, cookie } = await enter(url);
    setDb("UPDATE web_access_sessions SET expires_at = ? WHERE id = ?", Date.now() - 1000, session.id);
    const r = await browse(`${origin}/`, { cookie });
    expect(r.status).toBe(403);
    expect(r.body.toString()).toContain("expired");
    await Bun.sleep(300);
    expect(hub.store.getWebAccessSession(session.id)!.endReason).toBe("expired");
    expect(ended.map((s) => s.id)).toContain(session.id);
  });

  test("the time limit ends a session nobody is using, and the relay is told", async () => {
    const { session } = open();
    setDb("UPDATE web_access_sessions SET expires_at = ? WHERE id = ?", Date.now() - 1, session.id);
    await Bun.sleep(300);
    expect(hub.store.getWebAccessSession(session.id)!.endReason).toBe("expired");
    expect(ended.map((s) => s.id)).toContain(session.id);
  });

  test("the idle limit ends a session nobody uses", async () => {
    const { session } = open();
    setDb("UPDATE web_access_sessions SET idle_seconds = 1 WHERE id = ?", session.id);
    await Bun.sleep(1500);
    const s = hub.store.getWebAccessSession(session.id)!;
    expect(s.endReason).toBe("idle for 1 s");
    expect(ended.map((x) => x.id)).toContain(session.id);
  });

  test("a tunnel that does not come up: 504 saying so, after a bounded wait", async () => {
    const { origin, cookie } = await enter(open().url);
    tunnelUp = false;
    try {
      const t0 = Date.now();
      const r = await browse(`${origin}/`, { cookie });
      expect(r.status).toBe(504);
      expect(r.body.toString()).toContain("tunnel did not come up");
      expect(Date.now() - t0).toBeLessThan(5000);
    } finally {
      tunnelUp = true;
    }
  });

  test("one open session per device unless concurrent", () => {
    for (const s of hub.store.listWebAccessSessions({ open: true })) hub.store.endWebAccessSession(s.id, "test reset");
    open({ concurrent: false });
    expect(() => open({ concurrent: false })).toThrow(/already has an open session wa_\w+ \(opened by tester.*pass --concurrent/);
    expect(open({ concurrent: true }).session.concurrent).toBe(true);
  });
});

describe("the audit record", () => {
  test("bytes each way, requests and channels are written to the session's row", async () => {
    const { url, session } = open();
    const { origin, cookie } = await enter(url);
    const big = await browse(`${origin}/big`, { cookie });
    expect(big.body.equals(BIG)).toBe(true);
    const second = await browse(`${origin}/home`, { cookie });
    expect(second.body.toString()).toBe("log in first");
    await Bun.sleep(300);
    const s = hub.store.getWebAccessSession(session.id)!;
    expect(s.bytesFromDevice).toBeGreaterThan(BIG.length);
    expect(s.bytesFromDevice).toBeLessThan(BIG.length + 1000);
    expect(s.bytesToDevice).toBeGreaterThan(100);
    expect(s.requests).toBe(2);
    // The second request reused the kept tunnel connection.
    expect(s.channels).toBe(1);
    expect(s.tunnelUpAt).toBeDefined();
    expect(s.lastActivityAt).toBeDefined();
  });

  test("the agent learns a closed session on poll once it holds the task", () => {
    const { session } = open();
    const agent = hub.store.getAgent(session.agentId)!;
    hub.store.takePendingTasks(agent);
    expect(hub.store.endedWebAccessTasks(agent.id)).not.toContain(session.taskId);
    hub.store.endWebAccessSession(session.id, "closed by tester");
    expect(hub.store.endedWebAccessTasks(agent.id)).toContain(session.taskId);
  });
});

describe("the relay's ForwardPolicy over the sessions table", () => {
  test("allows the forward of an open session of that agent only", () => {
    const policy = createStoreForwardPolicy(hub.store);
    const { session } = open();
    expect(policy.allows(session.agentId, session.forwardPath)).toBe(true);
    expect(policy.allows("agt_other", session.forwardPath)).toBe(false);
    expect(policy.allows(session.agentId, `${session.forwardPath}x`)).toBe(false);
    hub.store.endWebAccessSession(session.id, "closed by tester");
    expect(policy.allows(session.agentId, session.forwardPath)).toBe(false);
    const late = open().session;
    setDb("UPDATE web_access_sessions SET expires_at = ? WHERE id = ?", Date.now() - 1, late.id);
    expect(policy.allows(late.agentId, late.forwardPath)).toBe(false);
  });
});
