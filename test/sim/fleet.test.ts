import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import dgram from "node:dgram";
import { join } from "node:path";
import { type Fleet, WRONG_COMMUNITY, startFleet } from "./fleet.ts";
import { communityClient, valueText } from "./net-snmp-client.ts";
import { loadSnmprec } from "./snmprec.ts";

// GPL test data from LibreNMS, read in place (see /work/shared/fixtures/printers/SOURCE.md).
const FIXTURES = join(import.meta.dir, "../../../shared/fixtures/printers");
const JETDIRECT = join(FIXTURES, "jetdirect_context.snmprec");
const OKI = join(FIXTURES, "okilan_9450g.snmprec");
const SYS_DESCR = "1.3.6.1.2.1.1.1.0";
const PRINTER_MIB = "1.3.6.1.2.1.43";

let fleet: Fleet;
let lossDraws = 0;
const device = (i: number) => fleet.devices[i];
const client = (i: number, community = "public", version: "1" | "2c" = "2c", timeoutMs = 2000) =>
  communityClient(device(i).address, community, { port: device(i).port, version, timeoutMs });

beforeAll(async () => {
  fleet = await startFleet({
    devices: [
      { address: "127.77.0.1", recording: JETDIRECT },
      { address: "127.77.0.2", recording: OKI, communities: ["public", "private"] },
      { address: "127.77.0.3", recording: OKI, silent: true },
      { address: "127.77.0.4", recording: OKI, latencyMs: 150 },
      { address: "127.77.0.5", recording: OKI, lossRate: 0.5 },
      { address: "127.77.0.6", recording: OKI, wrongCommunity: true },
      { address: "::1", recording: OKI },
    ],
    dataDir: { address: "127.77.1.1", recordings: FIXTURES },
    // Alternate draws: every other request to the lossy device is dropped.
    random: () => (lossDraws++ % 2 === 0 ? 0.1 : 0.9),
  });
});

afterAll(async () => {
  await fleet.stop();
});

describe("v2c and v1 through net-snmp", () => {
  test("GET returns the recorded values", async () => {
    const c = client(1);
    const vbs = await c.get([SYS_DESCR, "1.3.6.1.2.1.1.3.0"]);
    c.close();
    expect(valueText(vbs[0])).toStartWith("OKI OkiLAN 9450g");
    expect(vbs[1].value).toBe(53036118);
  });

  test("v1 GET of a missing OID fails with noSuchName", async () => {
    const c = client(1, "public", "1");
    await expect(c.get(["1.3.6.1.2.1.1.99.0"])).rejects.toThrow(/NoSuchName/);
    expect(valueText((await c.get([SYS_DESCR]))[0])).toStartWith("OKI");
    c.close();
  });

  test("GETNEXT and GETBULK step through the recording in order", async () => {
    const rec = loadSnmprec(OKI);
    const c = client(1);
    const next = await c.getNext(["1.3.6.1.2.1.1.1"]);
    expect(next[0].oid).toBe(SYS_DESCR);
    const bulk = await c.getBulk(["1.3.6.1.2.1.1", SYS_DESCR], 1, 5);
    c.close();
    expect(bulk.nonRepeaters[0].oid).toBe(SYS_DESCR);
    expect(bulk.columns[0].map((v) => v.oid)).toEqual(rec.oids.slice(1, 6));
  });

  test("walk and subtree of the Printer-MIB match the recording, in v2c and v1", async () => {
    const rec = loadSnmprec(OKI);
    const expected = rec.oids.filter((o) => o.startsWith(`${PRINTER_MIB}.`));
    expect(expected.length).toBe(49);
    for (const version of ["2c", "1"] as const) {
      const c = client(1, "private", version);
      expect((await c.subtree(PRINTER_MIB, 10)).map((v) => v.oid)).toEqual(expected);
      c.close();
    }
    // A full walk skips the one unreadable value (line 23) instead of stopping there.
    const c = client(1);
    const all = await c.walk("1.3", 25);
    c.close();
    expect(all.map((v) => v.oid)).toEqual(rec.oids.filter((o) => o !== "1.3.6.1.2.1.2.2.1.17.1"));
  });

  test("a context companion answers on community@Context", async () => {
    const c = client(0, "public@Jetdirect");
    const vbs = await c.get(["1.3.6.1.4.1.11.2.3.9.1.1.7.0"]);
    c.close();
    expect(valueText(vbs[0])).toContain("MDL:HP Color LaserJet M452nw");
  });

  test("IPv6 ::1 is served", async () => {
    const c = client(6);
    expect(valueText((await c.get([SYS_DESCR]))[0])).toStartWith("OKI");
    c.close();
  });

  test("data-dir mode selects the recording by community, like snmpsimd", async () => {
    const d = fleet.dataDir!;
    for (const [community, expected] of [
      ["xerox", "Xerox AltaLink C8045"],
      ["kyocera", "KYOCERA"],
    ]) {
      const c = communityClient(d.address, community, { port: d.port });
      expect(valueText((await c.get([SYS_DESCR]))[0])).toContain(expected);
      c.close();
    }
    const c = communityClient(d.address, "jetdirect_context@Jetdirect", { port: d.port });
    expect((await c.getNext(["1.3"]))[0].oid).toBe("1.3.6.1.4.1.11.2.3.9.1.1.7.0");
    c.close();
  });
});

describe("simulated faults", () => {
  test("a silent device never answers", async () => {
    const c = client(2, "public", "2c", 300);
    await expect(c.get([SYS_DESCR])).rejects.toThrow(/timed out/i);
    c.close();
    expect(device(2).stats().silenced).toBe(1);
  });

  test("latency delays each response", async () => {
    const c = client(3);
    const t0 = performance.now();
    await c.get([SYS_DESCR]);
    c.close();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(145);
  });

  test("loss drops the requests the random source picks", async () => {
    const c = client(4, "public", "2c", 250);
    const outcomes: boolean[] = [];
    for (let i = 0; i < 6; i++) outcomes.push(await c.get([SYS_DESCR]).then(() => true, () => false));
    c.close();
    expect(outcomes).toEqual([false, true, false, true, false, true]);
    expect(device(4).stats()).toMatchObject({ received: 6, lost: 3, answered: 3 });
  });

  test("a wrong-community device ignores our community and answers its own", async () => {
    const c = client(5, "public", "2c", 300);
    await expect(c.get([SYS_DESCR])).rejects.toThrow(/timed out/i);
    c.close();
    const other = client(5, WRONG_COMMUNITY);
    expect(valueText((await other.get([SYS_DESCR]))[0])).toStartWith("OKI");
    other.close();
    expect(device(5).stats().badCommunity).toBe(1);
  });

  test("malformed datagrams from a raw socket are dropped and the next request is answered", async () => {
    const d = device(1);
    const before = d.stats();
    const raw = dgram.createSocket("udp4");
    raw.on("error", () => {});
    const junk = [
      Buffer.alloc(0),
      Buffer.from("30", "hex"),
      Buffer.from("3084ffffffff", "hex"), // a 4 GiB length
      Buffer.from("3082ffff020101040670", "hex"), // longer than the datagram
      Buffer.from("302602010104067075626c6963a0190204", "hex"), // truncated GET
      Buffer.from("hello, printer"),
      Buffer.alloc(1400, 0x30),
    ];
    for (const j of junk) await new Promise<void>((r) => raw.send(j, d.port, d.address, () => r()));
    raw.close();
    const c = client(1);
    expect(valueText((await c.get([SYS_DESCR]))[0])).toStartWith("OKI");
    c.close();
    const after = d.stats();
    expect(after.malformed - before.malformed).toBe(junk.length);
    expect(after.internalErrors).toBe(0);
  });
});

describe("startFleet", () => {
  test("refuses addresses outside loopback", async () => {
    for (const address of ["10.0.0.1", "192.168.1.20", "::2", "fe80::1", "128.0.0.1", "localhost"]) {
      await expect(startFleet({ devices: [{ address, recording: OKI }] })).rejects.toThrow(/only uses 127\.0\.0\.0\/8 or ::1/);
    }
  });

  test("the node:dgram transport serves too, and stop() frees the port", async () => {
    const f = await startFleet({ devices: [{ address: "127.77.2.1", recording: OKI }], transport: "dgram" });
    const { address, port } = f.devices[0];
    const c = communityClient(address, "public", { port });
    expect(valueText((await c.get([SYS_DESCR]))[0])).toStartWith("OKI");
    c.close();
    await f.stop();
    const again = await startFleet({ devices: [{ address, port, recording: OKI }] });
    expect(again.devices[0].port).toBe(port);
    await again.stop();
  });

  test("binds a thousand addresses quickly and shares parsed recordings", async () => {
    const t0 = performance.now();
    const devices = Array.from({ length: 1000 }, (_, i) => ({
      address: `127.78.${i >> 8}.${(i & 255) + 0}`,
      recording: i % 2 ? OKI : JETDIRECT,
    })).filter((d) => !d.address.endsWith(".0"));
    const f = await startFleet({ devices });
    expect(f.devices.length).toBe(devices.length);
    expect(performance.now() - t0).toBeLessThan(5000);
    const last = f.devices[f.devices.length - 1];
    const c = communityClient(last.address, "public", { port: last.port });
    expect((await c.get([SYS_DESCR]))[0].oid).toBe(SYS_DESCR);
    c.close();
    await f.stop();
  });
});
