/**
 * The web probe against real sockets on loopback: the web simulator
 * (test/sim/web) in each of its modes, and a port nothing listens on.
 * Nothing leaves 127.0.0.0/8.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { CounterKind, CounterUnit, SupplyState } from "../../src/gen/dca/v1/reading_pb.ts";
import { MAX_WEB_PORTS, USER_AGENT, WebProbeError, probeWeb } from "../../src/agent/webprobe/index.ts";
import { freeTcpPort } from "../support/free-port.ts";
import { DESIGNJET, OFFICE_MFP } from "../sim/web/ledm-samples.ts";
import { type WebSimOptions, type WebSimulator, startWebSimulator } from "../sim/web/web-simulator.ts";

const HOST = "127.0.0.1";
const sims: WebSimulator[] = [];

async function sim(options: WebSimOptions = {}): Promise<WebSimulator> {
  const s = await startWebSimulator({ host: HOST, ...options });
  sims.push(s);
  return s;
}
afterAll(() => Promise.all(sims.map((s) => s.close())));

/** Both ports of a simulator, the HTTPS one as a TLS port. */
const both = (s: WebSimulator, more: { timeoutMs?: number; ledm?: boolean } = {}) => ({
  ports: [s.httpPort, s.httpsPort],
  tlsPorts: [s.httpsPort],
  timeoutMs: 3000,
  ...more,
});

const colonHex = (der: Uint8Array) => createHash("sha256").update(der).digest("hex").toUpperCase().match(/../g)?.join(":");

describe("a generic printer", () => {
  let s: WebSimulator;
  beforeAll(async () => {
    s = await sim();
  });

  test("status, Server, title on HTTP and HTTPS; the request is a plain GET / with Host and User-Agent", async () => {
    const { result, reading } = await probeWeb(HOST, both(s));
    expect(result.address).toBe(HOST);
    expect(result.ports.map((p) => [p.port, p.scheme, p.statusCode, p.server, p.title, p.error])).toEqual([
      [s.httpPort, "http", 200, "Generic-EWS/1.0", "Printer Home Page", ""],
      [s.httpsPort, "https", 200, "Generic-EWS/1.0", "Printer Home Page", ""],
    ]);
    expect(result.ports.every((p) => p.elapsedMs > 0 && p.elapsedMs < 3000)).toBe(true);
    expect(result.ledm).toBeUndefined();
    expect(reading).toBeUndefined();
    expect(USER_AGENT).toBe("dca/0.1.0");
    const http = s.requests.find((r) => r.scheme === "http");
    expect(http).toEqual({ scheme: "http", method: "GET", path: "/", headers: expect.objectContaining({ host: `${HOST}:${s.httpPort}`, "user-agent": USER_AGENT }) });
    expect(http?.headers.authorization).toBeUndefined();
    expect(http?.headers.cookie).toBeUndefined();
  });

  test("certificate facts of the self-signed certificate", async () => {
    const { result } = await probeWeb(HOST, both(s));
    expect(result.ports[0].certificate).toBeUndefined();
    const cert = result.ports[1].certificate;
    expect(cert).toMatchObject({
      subject: "O=dca, CN=NPI0A1B2C",
      issuer: "O=dca, CN=NPI0A1B2C",
      subjectAltNames: ["DNS:npi0a1b2c.local", "IP Address:127.0.0.1"],
      sha256Fingerprint: colonHex(s.certificate.der),
      selfSigned: true,
      expired: false,
      protocol: "TLSv1.3",
      trusted: false,
    });
    expect(cert?.trustError).not.toBe("");
    expect(Number(cert?.notBefore?.seconds) * 1000).toBe(s.certificate.notBefore.getTime());
    expect(Number(cert?.notAfter?.seconds) * 1000).toBe(s.certificate.notAfter.getTime());
  });

  test("ledm asked of a device without LEDM: not found, with the reasons", async () => {
    const { result, reading } = await probeWeb(HOST, both(s, { ledm: true }));
    expect(result.ledm?.found).toBe(false);
    expect(result.ledm?.error).toContain(`https://${HOST}:${s.httpsPort}/DevMgmt/ConsumableConfigDyn.xml: HTTP 404`);
    expect(reading).toBeUndefined();
  });
});

describe("HP LEDM", () => {
  test("office MFP, found from its Server header: consumables, counters and a reading, read over HTTPS", async () => {
    const s = await sim({ hp: true });
    const { result, reading } = await probeWeb(HOST, both(s));
    expect(result.ports[0].title).toBe(`${OFFICE_MFP.model} – Embedded Web Server`);
    expect(result.ledm?.found).toBe(true);
    expect(result.ledm?.error).toBe("");
    expect(result.ledm?.consumables.map((c) => [c.color, c.type, c.percentRemaining, c.state, c.partNumber, c.serialNumber])).toEqual([
      ["K", "toner", 62, "ok", "W2030X", "SIM-K-0001"],
      ["C", "toner", 8, "low", "W2031X", "SIM-C-0001"],
      ["M", "toner", 0, "out", "W2033X", "SIM-M-0001"],
      ["Y", "toner", 100, "ok", "W2032X", "SIM-Y-0001"],
    ]);
    expect(result.ledm?.counters.map((c) => [c.kind, c.value, c.unit])).toEqual([
      [CounterKind.TOTAL, 48213n, CounterUnit.IMPRESSIONS],
      [CounterKind.MONO, 30117n, CounterUnit.IMPRESSIONS],
      [CounterKind.COLOR, 18096n, CounterUnit.IMPRESSIONS],
      [CounterKind.DUPLEX, 9120n, CounterUnit.SHEETS],
      [CounterKind.JAM, 14n, CounterUnit.UNSPECIFIED],
    ]);
    expect(reading).toMatchObject({ address: HOST, vendor: "HP", model: OFFICE_MFP.model, serialNumber: OFFICE_MFP.serial, firmware: OFFICE_MFP.firmware, profile: "ledm" });
    expect(reading?.counters).toEqual(result.ledm?.counters ?? []);
    expect(reading?.supplies.map((x) => [x.color, x.percent, x.state])).toEqual([
      ["black", 62, SupplyState.OK],
      ["cyan", 8, SupplyState.LOW],
      ["magenta", 0, SupplyState.EMPTY],
      ["yellow", 100, SupplyState.OK],
    ]);
    const ledmRequests = s.requests.filter((r) => r.path.startsWith("/DevMgmt/"));
    expect(ledmRequests.map((r) => [r.scheme, r.path])).toEqual([
      ["https", "/DevMgmt/ProductConfigDyn.xml"],
      ["https", "/DevMgmt/ConsumableConfigDyn.xml"],
      ["https", "/DevMgmt/ProductUsageDyn.xml"],
    ]);
  });

  test("DesignJet over HTTP only: inks, printhead, pages, ink used, area and length with their units", async () => {
    const s = await sim({ hp: true, largeFormat: true });
    const { result, reading } = await probeWeb(HOST, { ports: [s.httpPort], timeoutMs: 3000 });
    expect(result.ledm?.consumables.map((c) => [c.color, c.type, c.percentRemaining, c.state, c.partNumber])).toEqual([
      ["MK", "ink", 35, "ok", "F9J68A"],
      ["C", "ink", 71, "ok", "F9J63A"],
      ["M", "ink", 5, "veryLow", "F9J64A"],
      ["Y", "ink", 88, "ok", "F9J65A"],
      ["CMYK", "printhead", -1, "ok", "F9J81A"],
    ]);
    expect(result.ledm?.counters.map((c) => [c.kind, c.value, c.unit, c.name])).toEqual([
      [CounterKind.TOTAL, BigInt(DESIGNJET.counters.total), CounterUnit.IMPRESSIONS, "TotalImpressions"],
      [CounterKind.MONO, 1210n, CounterUnit.IMPRESSIONS, "MonochromeImpressions"],
      [CounterKind.COLOR, 1631n, CounterUnit.IMPRESSIONS, "ColorImpressions"],
      [CounterKind.AREA, 15_232_500n, CounterUnit.SQUARE_CENTIMETERS, "TotalMediaArea"],
      [CounterKind.LENGTH, 2417n, CounterUnit.METERS, "TotalMediaLength"],
      [CounterKind.MARKING_AGENT_USED, 1_234_500n, CounterUnit.MICROLITERS, "CumulativeMarkingAgentUsed"],
    ]);
    expect(reading).toMatchObject({ vendor: "HP", model: DESIGNJET.model, serialNumber: DESIGNJET.serial });
    expect(reading?.supplies[0]).toMatchObject({ color: "matte black", percent: 35 });
    expect(reading?.supplies[2]).toMatchObject({ color: "magenta", state: SupplyState.LOW });
  });

  test("malformed LEDM pages: not found, each page's problem named, no reading, the port results intact", async () => {
    const s = await sim({ hp: true, mode: "malformed-xml" });
    const { result, reading } = await probeWeb(HOST, both(s));
    expect(result.ports.map((p) => p.statusCode)).toEqual([200, 200]);
    expect(result.ledm?.found).toBe(false);
    const error = result.ledm?.error ?? "";
    // HTTPS first, then HTTP: both ports were tried.
    for (const base of [`https://${HOST}:${s.httpsPort}`, `http://${HOST}:${s.httpPort}`]) {
      expect(error).toContain(`${base}/DevMgmt/ProductConfigDyn.xml: document ends inside <dd:MakeAndModel>`);
      expect(error).toContain(`${base}/DevMgmt/ConsumableConfigDyn.xml: DOCTYPE and other declarations are not accepted`);
      expect(error).toContain(`${base}/DevMgmt/ProductUsageDyn.xml: elements nested deeper than 64`);
    }
    expect(error.indexOf("https://")).toBeLessThan(error.indexOf("http://"));
    expect(reading).toBeUndefined();
  });
});

test("IPv6 loopback: the Host header carries the address in brackets", async () => {
  const s = await sim({ host: "::1" });
  const { result } = await probeWeb("::1", { ports: [s.httpPort], timeoutMs: 3000 });
  expect(result.ports[0]).toMatchObject({ statusCode: 200, title: "Printer Home Page" });
  expect(s.requests[0].headers.host).toBe(`[::1]:${s.httpPort}`);
});

describe("TLS", () => {
  test("an expired self-signed certificate", async () => {
    const s = await sim({ expiredCert: true });
    const { result } = await probeWeb(HOST, { ports: [s.httpsPort], tlsPorts: [s.httpsPort], timeoutMs: 3000 });
    const cert = result.ports[0].certificate;
    expect(result.ports[0].statusCode).toBe(200);
    expect(cert).toMatchObject({ expired: true, selfSigned: true, trusted: false });
    expect(Number(cert?.notAfter?.seconds) * 1000).toBeLessThan(Date.now());
  });

  test("a printer that only speaks TLS 1.0 is still read", async () => {
    const s = await sim({ tlsMaxVersion: "TLSv1" });
    const { result } = await probeWeb(HOST, { ports: [s.httpsPort], tlsPorts: [s.httpsPort], timeoutMs: 3000 });
    expect(result.ports[0]).toMatchObject({ statusCode: 200, title: "Printer Home Page" });
    expect(result.ports[0].certificate?.protocol).toBe("TLSv1");
  });

  test("TLS to a plain HTTP port fails the handshake, with a clear error", async () => {
    const s = await sim();
    const { result } = await probeWeb(HOST, { ports: [s.httpPort], tlsPorts: [s.httpPort], timeoutMs: 3000 });
    expect(result.ports[0]).toMatchObject({ scheme: "https", statusCode: 0 });
    expect(result.ports[0].error).toBe(`https://${HOST}:${s.httpPort}/: TLS handshake failed (ERR_SSL_WRONG_VERSION_NUMBER); the port may not speak TLS`);
  });
});

describe("hostile servers", () => {
  test("a redirect is reported, not followed", async () => {
    const s = await sim({ mode: "redirect" });
    const { result } = await probeWeb(HOST, both(s));
    expect(result.ports[0]).toMatchObject({ statusCode: 301, location: `https://${HOST}:${s.httpsPort}/hp/device/DeviceStatus/Index` });
    expect(result.ports[1]).toMatchObject({ statusCode: 200, location: "" });
    expect(s.requests.some((r) => r.path.startsWith("/hp/"))).toBe(false);
  });

  test("a huge body: read up to the bound, title kept, the rest never read", async () => {
    const s = await sim({ mode: "huge", hp: true });
    const { result } = await probeWeb(HOST, { ports: [s.httpPort], timeoutMs: 3000 });
    expect(result.ports[0]).toMatchObject({ statusCode: 200, title: `${OFFICE_MFP.model} – Embedded Web Server` });
    expect(result.ports[0].error).toBe("body cut at 262144 bytes (the rest was not read)");
    await Bun.sleep(100);
    expect(s.hugeBytesSent).toBeLessThan(32 * 1024 * 1024);
  });

  test("terminal escapes and control characters in the title and Server header", async () => {
    const s = await sim({ mode: "escape-title" });
    const { result } = await probeWeb(HOST, { ports: [s.httpPort], timeoutMs: 3000 });
    const p = result.ports[0];
    expect(p.server).toBe("Generic EWS");
    expect(p.title.startsWith("HP LaserJet M404n <b>XXXX")).toBe(true);
    expect(p.title.length).toBe(200);
    expect(`${p.title}${p.server}`).not.toMatch(/[\u0000-\u001f\u007f-\u009f]|owned|\[\d/);
  });

  test("a server that accepts and never answers: timeouts, ports in parallel", async () => {
    const s = await sim({ mode: "silent" });
    const started = performance.now();
    const { result } = await probeWeb(HOST, both(s, { timeoutMs: 600 }));
    const took = performance.now() - started;
    expect(result.ports[0].error).toBe(`http://${HOST}:${s.httpPort}/: no answer within 600 ms`);
    expect(result.ports[1].error).toBe(`https://${HOST}:${s.httpsPort}/: no answer within 600 ms`);
    expect(result.ports.every((p) => p.statusCode === 0 && p.elapsedMs >= 590)).toBe(true);
    expect(took).toBeLessThan(1500); // one after the other would take 1200 ms
  });

  test("a server that is not HTTP: quoted in the error; as TLS: a handshake failure", async () => {
    const s = await sim({ mode: "not-http" });
    const { result } = await probeWeb(HOST, both(s));
    expect(result.ports[0].error).toBe(`http://${HOST}:${s.httpPort}/: not an HTTP answer; the server sent "SSH-2.0-OpenSSH_9.6.."`);
    expect(result.ports[1].error).toStartWith(`https://${HOST}:${s.httpsPort}/: TLS handshake failed`);
  });

  test("a closed port: refused", async () => {
    const port = await freeTcpPort(HOST);
    const { result } = await probeWeb(HOST, { ports: [port], timeoutMs: 3000, ledm: true });
    expect(result.ports[0]).toMatchObject({ statusCode: 0, error: `http://${HOST}:${port}/: connection refused (nothing listens)` });
    expect(result.ledm).toMatchObject({ found: false, error: "no port answered HTTP; LEDM not tried" });
  });
});

describe("requests refused", () => {
  test("ports out of range, and more than the limit", async () => {
    await expect(probeWeb(HOST, { ports: [0] })).rejects.toThrow("ports: a port must be 1-65535, got 0");
    await expect(probeWeb(HOST, { ports: [80], tlsPorts: [70000] })).rejects.toThrow(WebProbeError);
    const many = Array.from({ length: MAX_WEB_PORTS + 1 }, (_, i) => 20000 + i);
    await expect(probeWeb(HOST, { ports: many })).rejects.toThrow(`at most ${MAX_WEB_PORTS} ports per probe, got 17`);
  });
});
