/**
 * The bench's measuring helpers against the printer web simulator directly
 * (no hub): page-load timing in Chromium through a mapped host name, and the
 * download timer over HTTPS with the certificate as the CA, redirects and
 * their cookies. The Chromium part is skipped, with the reason, where
 * /usr/bin/chromium is missing.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import http from "node:http";
import { downloadBytes } from "../sim/web/site-assets.ts";
import { type WebSimulator, startWebSimulator } from "../sim/web/web-simulator.ts";
import { type ChromiumSession, chromiumUnavailable, launchChromium } from "./chromium.ts";
import { timeDownload, timePageLoad } from "./page-timing.ts";

const DELAY_MS = 150;
const FIVE_MB = 5 * 1024 * 1024;
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

let sim: WebSimulator;
beforeAll(async () => {
  sim = await startWebSimulator({ host: "127.0.0.8", linkHost: "request", delayMs: DELAY_MS, certificateNames: ["printer.test"] });
});
afterAll(() => sim?.close());

const skip = chromiumUnavailable();
if (skip) console.warn(`page-timing.test.ts: the Chromium tests are skipped: ${skip}`);

describe.skipIf(!!skip)("timePageLoad", () => {
  let chrome: ChromiumSession;
  beforeAll(async () => {
    chrome = await launchChromium({ hostMap: { "printer.test": "127.0.0.8" } });
  });
  afterAll(() => chrome?.close());

  test("first byte after the server's delay, load after the delayed sub-resources; bytes of every request; wall-clock instants", async () => {
    const before = Date.now();
    const sentBefore = sim.siteBytesSent;
    // The relative redirect counts: navigation starts at the first request.
    const t = await timePageLoad(chrome, `http://printer.test:${sim.httpPort}/legacy/status.htm`);
    const after = Date.now();
    expect(t.url).toBe(`http://printer.test:${sim.httpPort}/status`);
    expect(t.status).toBe(200);
    expect(t.failedRequests).toEqual([]);
    // Two delayed answers (the redirect, the page) before the first byte of the document; then its sub-resources.
    expect(t.firstByteMs).toBeGreaterThanOrEqual(2 * DELAY_MS - 5);
    expect(t.loadMs).toBeGreaterThanOrEqual(t.firstByteMs + DELAY_MS - 5);
    expect(t.startEpochMs).toBeGreaterThanOrEqual(before - 5);
    expect(t.firstByteEpochMs - t.startEpochMs).toBeCloseTo(t.firstByteMs, 3);
    expect(t.loadEpochMs).toBeLessThanOrEqual(after + 5);
    // Redirect, page, style sheet, script, favicon-free images (logo, four toners) at least; each counted with its head.
    expect(t.requests).toBeGreaterThanOrEqual(8);
    const served = sim.requests.filter((r) => r.headers.host === `printer.test:${sim.httpPort}`);
    expect(served.length).toBeGreaterThanOrEqual(t.requests);
    // What the simulator wrote for them, heads included (less a favicon Chromium may fetch on its own).
    const sent = sim.siteBytesSent - sentBefore;
    expect(t.bytes).toBeLessThanOrEqual(sent);
    expect(t.bytes).toBeGreaterThan(sent - 400);
  });
});

describe("timeDownload", () => {
  test("5 MB over HTTPS through a mapped name, trusting the simulator's certificate: every byte, a time", async () => {
    const t = await timeDownload(`https://printer.test:${sim.httpsPort}/download/5mb`, { ca: sim.certificate.cert, hostMap: { "printer.test": "127.0.0.8" } });
    expect(t.bytes).toBe(FIVE_MB);
    expect(t.sha256).toBe(sha256(downloadBytes(0, FIVE_MB)));
    expect(t.seconds).toBeGreaterThan(DELAY_MS / 1000);
    expect(t.seconds).toBeLessThan(60);
  });

  test("without the CA the certificate is refused; a 404 is an error, not a download", async () => {
    await expect(timeDownload(`https://printer.test:${sim.httpsPort}/download/1kb`, { hostMap: { "printer.test": "127.0.0.8" } })).rejects.toThrow(/self.signed|certificate/i);
    await expect(timeDownload(`http://127.0.0.8:${sim.httpPort}/download/5gb`)).rejects.toThrow(/HTTP 404/);
  });

  test("a session URL that sets a cookie and redirects: the cookie goes with the next request; *.localhost resolves to loopback", async () => {
    const seen: (string | undefined)[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.headers.cookie);
      if (req.url === "/s/secret") return res.writeHead(302, { Location: "/download", "Set-Cookie": "wa=abc123; Path=/; HttpOnly" }).end();
      if (req.headers.cookie !== "wa=abc123") return res.writeHead(403).end();
      res.end(downloadBytes(0, 70_000));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    try {
      const port = (server.address() as { port: number }).port;
      const t = await timeDownload(`http://s1.wa.localhost:${port}/s/secret`);
      expect([t.bytes, t.sha256, t.url]).toEqual([70_000, sha256(downloadBytes(0, 70_000)), `http://s1.wa.localhost:${port}/download`]);
      expect(seen).toEqual([undefined, "wa=abc123"]);
    } finally {
      server.close();
    }
  });
});
