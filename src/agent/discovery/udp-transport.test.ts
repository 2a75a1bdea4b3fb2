/**
 * The Bun socket factory on loopback against the fleet simulator, in both of
 * its ICMP modes, through the same checks. Loopback answers every address
 * where nothing listens with ICMP port unreachable, which is the case the
 * modes differ on.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { startFleet } from "../../../test/sim/fleet.ts";
import { recording } from "../../../test/support/sim-devices.ts";
import { ignoreIcmpErrors } from "./ignore-icmp-errors.ts";
import { MIN_REQUEST_ID, PROBE_OIDS, createGetTemplate, decodeReply } from "./probe-packets.ts";
import { type BunSocketOptions, type Datagram, type SendCounters, createBunSocketFactory, sendResilient } from "./udp-transport.ts";

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

const LINUX = process.platform === "linux";
const get = createGetTemplate(1, new TextEncoder().encode("public"), PROBE_OIDS);

/** Sends `batch` to the end through sendResilient, waiting out a full socket. */
async function sendAll(sock: Parameters<typeof sendResilient>[0], batch: Datagram[], counters: SendCounters): Promise<void> {
  for (let i = 0; i < batch.length; await Bun.sleep(1)) i += sendResilient(sock, batch.slice(i), counters);
}

const MODES: { icmpErrors: NonNullable<BunSocketOptions["icmpErrors"]>; expectErrors: boolean }[] = [
  { icmpErrors: "ignore", expectErrors: false },
  { icmpErrors: "report", expectErrors: true },
];

describe.each(MODES)("Bun socket factory, icmpErrors: $icmpErrors", ({ icmpErrors, expectErrors }) => {
  test("a device behind 200 closed addresses answers; ICMP errors are seen only when reported", async () => {
    const fleet = await startFleet({ devices: [{ address: "127.78.5.1", port: 0, recording: recording("kyocera") }] });
    cleanup.push(() => fleet.stop());
    const port = fleet.devices[0].port;
    const replies: { id: number; address: string }[] = [];
    let icmp = 0;
    const sock = await createBunSocketFactory({ icmpErrors })(4, {
      message: (bytes, _port, address) => replies.push({ id: decodeReply(bytes).id, address }),
      drain: () => {},
      icmpError: () => icmp++,
    });
    cleanup.push(() => sock.close());

    const batch: Datagram[] = [];
    for (let i = 2; i < 202; i++) batch.push({ bytes: get(MIN_REQUEST_ID + i), port, address: `127.78.5.${i}` });
    batch.push({ bytes: get(MIN_REQUEST_ID + 1), port, address: "127.78.5.1" });
    const counters: SendCounters = { sent: 0, sendErrors: 0, sendFailures: 0 };
    await sendAll(sock, batch, counters);
    for (let t = 0; t < 100 && replies.length === 0; t++) await Bun.sleep(10);
    await Bun.sleep(30); // let any ICMP error callbacks still queued run

    expect(replies).toEqual([{ id: MIN_REQUEST_ID + 1, address: "127.78.5.1" }]);
    expect(counters.sendFailures).toBe(0);
    expect(counters.sent).toBe(batch.length);
    if (LINUX) {
      if (expectErrors) expect(icmp + counters.sendErrors).toBeGreaterThan(100);
      else expect({ icmp, sendErrors: counters.sendErrors }).toEqual({ icmp: 0, sendErrors: 0 });
    }
  });

  test("IPv6 loopback: the device answers, a closed port costs nothing when ignored", async () => {
    const fleet = await startFleet({ devices: [{ address: "::1", port: 0, recording: recording("ricoh") }] });
    cleanup.push(() => fleet.stop());
    const port = fleet.devices[0].port;
    const closed = await Bun.udpSocket({ hostname: "::1" });
    const closedPort = closed.port;
    closed.close(); // nothing listens there now: ICMPv6 port unreachable
    const replies: number[] = [];
    let icmp = 0;
    const sock = await createBunSocketFactory({ icmpErrors })(6, {
      message: (bytes) => replies.push(decodeReply(bytes).id),
      drain: () => {},
      icmpError: () => icmp++,
    });
    cleanup.push(() => sock.close());
    const batch: Datagram[] = [];
    for (let i = 0; i < 20; i++) batch.push({ bytes: get(MIN_REQUEST_ID + 100 + i), port: closedPort, address: "::1" });
    batch.push({ bytes: get(MIN_REQUEST_ID + 7), port, address: "::1" });
    const counters: SendCounters = { sent: 0, sendErrors: 0, sendFailures: 0 };
    await sendAll(sock, batch, counters);
    for (let t = 0; t < 100 && replies.length === 0; t++) await Bun.sleep(10);
    await Bun.sleep(30);

    expect(replies).toEqual([MIN_REQUEST_ID + 7]);
    expect(counters.sendFailures).toBe(0);
    if (LINUX) {
      if (expectErrors) expect(icmp + counters.sendErrors).toBeGreaterThan(0);
      else expect({ icmp, sendErrors: counters.sendErrors }).toEqual({ icmp: 0, sendErrors: 0 });
    }
  });
});

describe("ignoreIcmpErrors", () => {
  test("works on Bun's sockets of both families on Linux, refuses what is not a socket", async () => {
    for (const [family, hostname] of [[4, "0.0.0.0"], [6, "::"]] as const) {
      const s = await Bun.udpSocket({ hostname });
      cleanup.push(() => s.close());
      expect(ignoreIcmpErrors((s as { fd?: unknown }).fd, family)).toBe(LINUX);
    }
    expect(ignoreIcmpErrors(undefined, 4)).toBe(false);
    expect(ignoreIcmpErrors(-1, 4)).toBe(false);
    expect(ignoreIcmpErrors(0x7fffffff, 6)).toBe(false);
  });
});
