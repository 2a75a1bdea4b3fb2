import { afterEach, describe, expect, test } from "bun:test";
import { BerWriter } from "../../common/ber.ts";
import { PduType, decodeCommunityMessage, encodeCommunityMessage, peekVersion } from "../snmp/message.ts";
import { type FakeNetwork, createFakeNetwork } from "./testdata/fake-network.ts";
import { MIN_REQUEST_ID, PROBE_OIDS } from "./probe-packets.ts";
import { type ProbeAnswer, type Prober, type ProberOptions, createProber } from "./prober.ts";
import { resolveTargets } from "./targets.ts";
import { simAnswer } from "../../../test/support/sim-devices.ts";

type Device = (request: Uint8Array) => Uint8Array | undefined;
const HP = simAnswer("hpLaserJet");
const probers: Prober[] = [];
afterEach(() => probers.splice(0).forEach((p) => p.close()));

/** A fake network where `devices` answer from their own address. */
function network(devices: Record<string, Device>, opts?: Parameters<typeof createFakeNetwork>[1]): FakeNetwork {
  return createFakeNetwork((d) => {
    const reply = devices[d.address]?.(d.bytes);
    if (reply) return [{ bytes: reply, address: d.address, port: d.port }];
  }, opts);
}

function prober(net: FakeNetwork, options: ProberOptions = {}): Prober {
  const p = createProber({ timeoutMs: 40, retries: 1, rate: 100_000, socketFactory: net.factory, ...options });
  probers.push(p);
  return p;
}

async function collect(it: AsyncIterable<ProbeAnswer>): Promise<ProbeAnswer[]> {
  const out: ProbeAnswer[] = [];
  for await (const a of it) out.push(a);
  return out.sort((a, b) => a.address.localeCompare(b.address));
}

describe("prober (fake network)", () => {
  test("sends only to the configured targets: every destination is in the set, exclusions get nothing", async () => {
    const targets = await resolveTargets(["127.77.1.0/28", "127.77.2.7:1161"], { exclude: ["127.77.1.5", "127.77.1.8-9"] });
    const net = network({ "127.77.1.3": HP });
    const answers = await collect(prober(net, { versions: ["v2c"] }).sweep(targets));
    expect(answers.map((a) => a.address)).toEqual(["127.77.1.3"]);
    for (const d of net.sent) expect(targets.has(d.address, d.port)).toBe(true);
    const destinations = new Set(net.sent.map((d) => `${d.address}:${d.port}`));
    expect(destinations.size).toBe(targets.count);
    expect(destinations.has("127.77.1.5:161")).toBe(false);
    // Silent targets: one send and one retry each; the responder: one send.
    expect(net.sent.length).toBe((targets.count - 1) * 2 + 1);
  });

  test("answers carry the system group, the community index, the version and an RTT", async () => {
    const net = network({
      "127.77.3.1": HP,
      "127.77.3.2": simAnswer("ricoh", { communities: ["s3cret"] }),
      "127.77.3.3": simAnswer("kyocera", { v1Only: true }),
    });
    const p = prober(net, { communities: ["public", "s3cret"] });
    const answers = await collect(p.sweep(await resolveTargets(["127.77.3.1-4"])));
    expect(answers.map(({ rttMs, ...a }) => a)).toEqual([
      { address: "127.77.3.1", port: 161, community: 0, version: "v2c", sysObjectId: "1.3.6.1.4.1.11.2.3.9.1", sysDescr: "HP ETHERNET MULTI-ENVIRONMENT", sysName: "hp-lj" },
      { address: "127.77.3.2", port: 161, community: 1, version: "v2c", sysObjectId: "1.3.6.1.4.1.367.1.1", sysDescr: "RICOH MP C3004 1.00 / RICOH Network Printer C model", sysName: "ricoh" },
      { address: "127.77.3.3", port: 161, community: 0, version: "v1", sysObjectId: "1.3.6.1.4.1.1347.41", sysDescr: "KYOCERA Document Solutions Printing System", sysName: "kyo" },
    ]);
    for (const a of answers) expect(a.rttMs).toBeGreaterThanOrEqual(0);
    expect(p.credential("127.77.3.2", 161)).toEqual({ community: 1, version: "v2c" });
    // One GET per probe, of the three system objects, with ids in the 31-bit range.
    const first = decodeCommunityMessage(net.sent[0].bytes);
    expect(first.pdu.varbinds.map((v) => v.oid)).toEqual([...PROBE_OIDS]);
    const ids = net.sent.filter((d) => peekVersion(d.bytes) !== 3).map((d) => decodeCommunityMessage(d.bytes).pdu.requestId);
    for (const id of ids) expect(id >= MIN_REQUEST_ID && id <= 0x7fffffff).toBe(true);
  });

  test("v3 discovery finds a v3-only device and reports its engine id", async () => {
    const engineId = Uint8Array.from([0x80, 0, 0x1f, 0x88, 4, 1, 2, 3]);
    const net = network({ "127.77.4.1": simAnswer("kyocera", { engineId, v3Only: true }) });
    const answers = await collect(prober(net, { v3Discovery: true }).sweep(await resolveTargets(["127.77.4.1-2"])));
    expect(answers.map(({ rttMs, ...a }) => a)).toEqual([
      { address: "127.77.4.1", port: 161, community: "v3", version: "v3", engineId: "80001f8804010203" },
    ]);
  });

  test("malformed packets, unknown ids, and replies from the wrong address or port are dropped", async () => {
    let net!: FakeNetwork;
    net = createFakeNetwork((d) => {
      if (d.address !== "127.77.5.1") return;
      const good = HP(d.bytes)!;
      const msg = decodeCommunityMessage(good);
      const unknown = encodeCommunityMessage({ ...msg, pdu: { ...msg.pdu, requestId: msg.pdu.requestId ^ 1 } }, new BerWriter());
      return [
        { bytes: Uint8Array.of(0x30, 0x84, 0xff), address: d.address, port: 161 },
        { bytes: good.subarray(0, good.length - 3), address: d.address, port: 161 },
        { bytes: unknown.slice(), address: d.address, port: 161 },
        { bytes: good, address: "127.77.5.99", port: 161 },
        { bytes: good, address: d.address, port: 1161 },
        { bytes: good, address: d.address, port: 161, delayMs: 10 },
      ];
    });
    const p = prober(net, { versions: ["v2c"] });
    const answers = await collect(p.sweep(await resolveTargets(["127.77.5.1"])));
    expect(answers.map((a) => a.address)).toEqual(["127.77.5.1"]);
    const c = p.counters();
    expect(c.malformed).toBe(2);
    expect(c.unknownId).toBe(1);
    expect(c.wrongSource).toBe(2);
    expect(c.matched).toBe(1);
  });

  test("survives send errors: a failed send is sent again, and the sweep finishes", async () => {
    // Every third send call fails the way Bun does after an ICMP unreachable.
    const net = network({ "127.77.6.9": HP }, { failSend: (n) => (n % 3 === 0 ? "ECONNREFUSED" : undefined), maxPerCall: 4 });
    const targets = await resolveTargets(["127.77.6.0/27"]);
    const p = prober(net, { versions: ["v2c"], retries: 0 });
    const answers = await collect(p.sweep(targets));
    expect(answers.map((a) => a.address)).toEqual(["127.77.6.9"]);
    expect(net.failures).toBeGreaterThan(0);
    expect(new Set(net.sent.map((d) => d.address)).size).toBe(targets.count);
    expect(p.counters().sendErrors).toBe(net.failures);
  });

  test("a packet that always fails is given up on, not retried forever", async () => {
    const net = network({}, { failSend: (_n, d) => (d.address === "127.77.7.2" ? "EACCES" : undefined) });
    const p = prober(net, { versions: ["v2c"], retries: 1 });
    const sweep = p.sweep(await resolveTargets(["127.77.7.1-3"]));
    expect(await collect(sweep)).toEqual([]);
    expect(sweep.progress().probed).toBe(3);
    expect(p.counters().sendFailures).toBe(2);
  });

  test("keeps the packet rate and the window", async () => {
    const net = network({});
    const p = prober(net, { versions: ["v2c"], retries: 0, rate: 2000, window: 25, timeoutMs: 30 });
    const sweep = p.sweep(await resolveTargets(["127.77.8.0/24"]));
    let maxInFlight = 0;
    const timer = setInterval(() => (maxInFlight = Math.max(maxInFlight, sweep.progress().inFlight)), 2);
    await collect(sweep);
    clearInterval(timer);
    expect(maxInFlight).toBeLessThanOrEqual(25);
    const at = net.sent.map((d) => d.at);
    // 254 packets at 2000/s with a 20-packet burst take at least ~117 ms.
    expect(at.at(-1)! - at[0]).toBeGreaterThan(100);
    for (let i = 0; i + 120 < at.length; i++) expect(at[i + 120] - at[i]).toBeGreaterThan(45);
    // Window 25 with a 30 ms timeout caps the rate below 2000/s: about 25 new targets per 30 ms.
    expect(sweep.progress()).toMatchObject({ total: 254, probed: 254, answered: 0, inFlight: 0 });
  });

  test("request() asks a device that answered, over the same socket, and refuses others", async () => {
    const net = network({ "127.77.9.1": HP });
    const p = prober(net, { versions: ["v2c"] });
    await collect(p.sweep(await resolveTargets(["127.77.9.1-2"])));
    const before = net.sent.length;
    const pdu = await p.request("127.77.9.1", 161, "public", "v2c", ["1.3.6.1.2.1.43.5.1.1.16.1"]);
    expect(pdu.type).toBe(PduType.Response);
    expect(new TextDecoder().decode(pdu.varbinds[0].value as Uint8Array)).toBe("HP LaserJet M404");
    await expect(p.request("127.77.9.2", 161, "public", "v2c", ["1.3.6.1.2.1.1.1.0"])).rejects.toThrow("has not answered");
    await expect(p.request("127.77.9.200", 161, "public", "v2c", ["1.3.6.1.2.1.1.1.0"])).rejects.toThrow("has not answered");
    expect(net.sent.slice(before).map((d) => d.address)).toEqual(["127.77.9.1"]);
    expect(net.sent.length - before).toBe(1);
  });

  test("cancelling a sweep (breaking out of the loop) stops sending", async () => {
    const net = network({ "127.77.10.1": HP });
    const p = prober(net, { versions: ["v2c"], rate: 1000, timeoutMs: 200 });
    const sweep = p.sweep(await resolveTargets(["127.77.10.0/24"]));
    for await (const a of sweep) {
      expect(a.address).toBe("127.77.10.1");
      break;
    }
    const sent = net.sent.length;
    await Bun.sleep(100);
    expect(net.sent.length).toBe(sent);
    expect(sent).toBeLessThan(254);
    // The prober is free for another sweep.
    expect(await collect(p.sweep(await resolveTargets(["127.77.10.1"])))).toHaveLength(1);
  });

  test("close() releases the sockets and ends a running sweep", async () => {
    const net = network({});
    const p = createProber({ socketFactory: net.factory, rate: 100, timeoutMs: 1000 });
    const sweep = p.sweep(await resolveTargets(["127.77.11.0/24"]));
    const done = collect(sweep);
    await Bun.sleep(30);
    expect(net.openSockets).toBe(1);
    p.close();
    expect(await done).toEqual([]);
    expect(net.openSockets).toBe(0);
  });
});
