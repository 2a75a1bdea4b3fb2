/**
 * The simulator's hostile modes really misbehave (agent/hostile-modes.ts):
 * seen from a plain UDP socket that takes any datagram, so the reader's
 * tests that rely on them cannot pass because the simulator behaved.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import dgram from "node:dgram";
import { join } from "node:path";
import { BerWriter, Tag } from "../../src/common/ber.ts";
import { PduType, decodeCommunityMessage, encodeCommunityMessage } from "../../src/agent/snmp/message.ts";
import { type Fleet, startFleet } from "./fleet.ts";
import { parseHostileModes } from "./agent/hostile-modes.ts";
import { repoRoot } from "../support/shared-dir.ts";

const RECORDING = join(repoRoot, "test/fixtures/snmprec/mono-laser.snmprec");
const SYS_DESCR = "1.3.6.1.2.1.1.1.0";
let fleet: Fleet;

beforeAll(async () => {
  fleet = await startFleet({
    devices: [
      { address: "127.78.0.1", recording: RECORDING, hostile: ["wrong-port"] },
      { address: "127.78.0.2", recording: RECORDING, hostile: ["wrong-address"] },
      { address: "127.78.0.3", recording: RECORDING, hostile: ["echo"] },
    ],
  });
});
afterAll(() => fleet.stop());

/** Sends one v2c request from a raw socket and returns the first datagram back, whoever sent it. */
async function ask(i: number, type: number, oids: string[], reps = 0) {
  const d = fleet.devices[i]!;
  const bytes = encodeCommunityMessage(
    {
      version: 1,
      community: new TextEncoder().encode("public"),
      pdu: { type, requestId: 77, errorStatus: 0, errorIndex: reps, varbinds: oids.map((oid) => ({ oid, tag: Tag.Null, value: null })) },
    },
    new BerWriter(),
  ).slice();
  const sock = dgram.createSocket("udp4");
  try {
    const got = new Promise<{ msg: Buffer; from: dgram.RemoteInfo }>((resolve, reject) => {
      sock.once("message", (msg, from) => resolve({ msg, from }));
      setTimeout(() => reject(new Error("no answer")), 2000);
    });
    sock.send(bytes, d.port, d.address);
    const { msg, from } = await got;
    return { from, pdu: decodeCommunityMessage(msg).pdu, device: d };
  } finally {
    sock.close();
  }
}

describe("hostile modes of the fleet simulator", () => {
  test("wrong-port answers from the device's address but another port", async () => {
    const { from, pdu, device } = await ask(0, PduType.Get, [SYS_DESCR]);
    expect(from.address).toBe(device.address);
    expect(from.port).not.toBe(device.port);
    expect(pdu.varbinds[0]!.oid).toBe(SYS_DESCR);
  });

  test("wrong-address answers from another loopback address, same port", async () => {
    const { from, device } = await ask(1, PduType.Get, [SYS_DESCR]);
    expect(from.address).toBe("127.78.0.130");
    expect(from.port).toBe(device.port);
  });

  test("echo answers GETNEXT and GETBULK with the requested OIDs; GET is served", async () => {
    const root = "1.3.6.1.2.1.43.10.2.1";
    expect((await ask(2, PduType.GetNext, [root])).pdu.varbinds.map((v) => `${v.oid} ${v.tag}`)).toEqual([`${root} ${Tag.Null}`]);
    expect((await ask(2, PduType.GetBulk, [root, SYS_DESCR], 5)).pdu.varbinds.map((v) => v.oid)).toEqual([root, SYS_DESCR]);
    expect((await ask(2, PduType.Get, [SYS_DESCR])).pdu.varbinds[0]!.tag).toBe(Tag.OctetString);
  });

  test("unknown and clashing modes are refused with the list of modes", () => {
    expect(() => parseHostileModes(["loud"])).toThrow(/unknown hostile mode "loud"; use one of wrong-port, wrong-address, echo/);
    expect(() => parseHostileModes(["wrong-port", "wrong-address"])).toThrow(/exclude each other/);
  });
});
