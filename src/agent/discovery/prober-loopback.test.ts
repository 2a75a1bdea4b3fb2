/**
 * The prober on real sockets over loopback. Addresses where nothing listens
 * answer with ICMP port unreachable, which is what breaks the next send on
 * a Bun socket: these tests sweep through plenty of them.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { type DeviceOptions, type Fleet, startFleet } from "../../../test/sim/fleet.ts";
import { type ProbeAnswer, createProber } from "./prober.ts";
import { type RecordingName, recording, simAnswer } from "../../../test/support/sim-devices.ts";
import { resolveTargets } from "./targets.ts";
import { createBunSocketFactory } from "./udp-transport.ts";

const cleanup: { close(): void }[] = [];
afterEach(() => cleanup.splice(0).forEach((c) => c.close()));

function track<T extends { close(): void }>(x: T): T {
  cleanup.push(x);
  return x;
}

/** Starts simulator devices that all listen on one port (the kernel picks it for the first). */
async function fleetOnOnePort(devices: [address: string, name: RecordingName, silent?: boolean][]): Promise<{ fleet: Fleet[]; port: number }> {
  const opts = ([address, name, silent]: (typeof devices)[number], port: number): DeviceOptions => ({
    address,
    port,
    recording: recording(name),
    silent,
  });
  const first = await startFleet({ devices: [opts(devices[0], 0)] });
  track({ close: () => void first.stop() });
  const port = first.devices[0].port;
  const rest = await startFleet({ devices: devices.slice(1).map((d) => opts(d, port)) });
  track({ close: () => void rest.stop() });
  return { fleet: [first, rest], port };
}

async function collect(it: AsyncIterable<ProbeAnswer>): Promise<string[]> {
  const out: string[] = [];
  for await (const a of it) out.push(`${a.address}:${a.port}`);
  return out.sort();
}

describe("prober (loopback, fleet simulator)", () => {
  test("finds every device; a decoy on an excluded and on an out-of-range address receives nothing", async () => {
    const { fleet, port: P } = await fleetOnOnePort([
      ["127.78.0.10", "hpLaserJet"],
      ["127.78.0.20", "ricoh"],
      ["127.78.0.15", "linux", true],
      ["127.78.0.40", "linux", true],
    ]);
    const received = (address: string) => fleet.flatMap((f) => f.devices).find((d) => d.address === address)!.stats().received;
    const targets = await resolveTargets([`127.78.0.1-30:${P}`], { exclude: ["127.78.0.15"] });
    const p = track(createProber({ versions: ["v2c"], timeoutMs: 300, retries: 1, rate: 5000 }));
    expect(await collect(p.sweep(targets))).toEqual([`127.78.0.10:${P}`, `127.78.0.20:${P}`]);
    await Bun.sleep(50);
    expect(received("127.78.0.15")).toBe(0);
    expect(received("127.78.0.40")).toBe(0);
    expect(received("127.78.0.10")).toBe(1);
    // The 27 addresses where nothing listens sent ICMP unreachables; the default socket never saw them.
    if (process.platform === "linux") expect(p.counters().icmpErrors + p.counters().sendErrors).toBe(0);
    expect(p.counters().sendFailures).toBe(0);
  });

  // "report" is Bun's own behaviour, kept to prove the send path survives it where the option cannot be cleared.
  test.each(["ignore", "report"] as const)("a fast sweep through a /24 of ICMP unreachables still finds every device (icmpErrors: %s)", async (icmpErrors) => {
    const addresses = ["127.78.2.7", "127.78.2.99", "127.78.2.250"];
    const { port } = await fleetOnOnePort(addresses.map((a) => [a, "kyocera"] as [string, RecordingName]));
    const socketFactory = createBunSocketFactory({ icmpErrors });
    const p = track(createProber({ timeoutMs: 500, retries: 1, rate: 50_000, window: 1000, socketFactory }));
    const found = await collect(p.sweep(await resolveTargets([`127.78.2.0/24:${port}`])));
    expect(found).toEqual(addresses.map((a) => `${a}:${port}`).sort());
    const c = p.counters();
    expect(c.sendFailures).toBe(0);
    if (process.platform !== "linux") return;
    // Reported, Bun delivers each ICMP error through the socket (and then the next send does not
    // fail) or through the next send, depending on timing; either way every one was survived.
    if (icmpErrors === "report") expect(c.icmpErrors + c.sendErrors).toBeGreaterThan(200);
    else expect(c.icmpErrors + c.sendErrors).toBe(0);
  });

  test("a reply from another address with the right id is ignored; garbage is dropped", async () => {
    // The spoofer shares the port; the device makes it reply first, then sends garbage, then the real answer.
    const spoof = track(await Bun.udpSocket({ hostname: "127.78.1.11", binaryType: "uint8array" }));
    const device = simAnswer("hpLaserJet");
    const real = track(
      await Bun.udpSocket({
        hostname: "127.78.1.10",
        binaryType: "uint8array",
        socket: {
          data(sock, bytes, port, address) {
            const reply = device(bytes)!;
            spoof.send(reply, port, address);
            sock.send(Uint8Array.of(0x30, 0x03, 0x02, 0x01), port, address);
            setTimeout(() => sock.send(reply, port, address), 20);
          },
        },
      }),
    );
    const p = track(createProber({ versions: ["v2c"], timeoutMs: 500, retries: 0 }));
    const answers: ProbeAnswer[] = [];
    for await (const a of p.sweep(await resolveTargets([`127.78.1.10:${real.port}`]))) answers.push(a);
    expect(answers.map((a) => [a.address, a.sysName])).toEqual([["127.78.1.10", "hp-lj"]]);
    expect(p.counters().wrongSource).toBe(1);
    expect(p.counters().malformed).toBe(1);
  });

  test("IPv6 loopback uses its own socket", async () => {
    const fleet = await startFleet({ devices: [{ address: "::1", recording: recording("ricoh") }] });
    track({ close: () => void fleet.stop() });
    const port = fleet.devices[0].port;
    const p = track(createProber({ versions: ["v2c"], timeoutMs: 300, retries: 0 }));
    expect(await collect(p.sweep(await resolveTargets([`[::1]:${port}`, `127.78.3.1:${port}`])))).toEqual([`::1:${port}`]);
  });

  test("v3 discovery on a real socket: the simulator's engine answers with a Report", async () => {
    const fleet = await startFleet({ devices: [{ address: "127.78.4.1", recording: recording("kyocera"), v3Users: [{ name: "reader" }] }] });
    track({ close: () => void fleet.stop() });
    const { port, engineId } = fleet.devices[0];
    const p = track(createProber({ versions: [], v3Discovery: true, timeoutMs: 300, retries: 0 }));
    const answers: ProbeAnswer[] = [];
    for await (const a of p.sweep(await resolveTargets([`127.78.4.1:${port}`]))) answers.push(a);
    expect(answers.map((a) => [a.version, a.community, a.engineId])).toEqual([["v3", "v3", Buffer.from(engineId!).toString("hex")]]);
  });
});
