/**
 * The shared-socket client against a hostile agent on loopback: before each
 * true answer it sends what an attacker or a broken device might (a reply from
 * another port, another id, another community, garbage, more varbinds than
 * asked). Each is counted and dropped, and the true answer still goes through.
 */
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { type Socket, createSocket } from "node:dgram";
import { Tag } from "../../common/ber.ts";
import { type Pdu, PduType, type VarBind, decodeCommunityMessage, encodeCommunityMessage } from "./message.ts";
import { type ClientTarget, createSnmpClient } from "./snmp-client.ts";

const OID = "1.3.6.1.2.1.1.5.0";
const public_ = new TextEncoder().encode("public");
const answer = (requestId: number, varbinds: VarBind[], community = public_, version: 0 | 1 = 1) =>
  encodeCommunityMessage({ version, community, pdu: { type: PduType.Response, requestId, errorStatus: 0, errorIndex: 0, varbinds } }).slice();
const name: VarBind = { oid: OID, tag: Tag.OctetString, value: new TextEncoder().encode("printer") };

type Reply = (pdu: Pdu, send: (bytes: Uint8Array, from?: Socket) => void) => void;
let agent: Socket;
let other: Socket;
let behaviour: Reply;
let target: ClientTarget;
beforeAll(async () => {
  const bind = (s: Socket) => new Promise<void>((r) => s.bind(0, "127.0.0.1", r));
  agent = createSocket("udp4");
  other = createSocket("udp4");
  await Promise.all([bind(agent), bind(other)]);
  agent.on("message", (buf, from) => {
    const { pdu } = decodeCommunityMessage(new Uint8Array(buf));
    behaviour(pdu, (bytes, via = agent) => via.send(bytes, from.port, from.address));
  });
  target = { address: "127.0.0.1", family: 4, port: agent.address().port, timeoutMs: 300, retries: 0 };
});
afterAll(() => {
  agent.close();
  other.close();
});
const client = createSnmpClient();
afterEach(() => {
  for (const k of Object.keys(client.counters) as (keyof typeof client.counters)[]) (client.counters as Record<string, number>)[k] = 0;
});
afterAll(() => client.close());
const get = () => client.request(target, { version: 1, community: public_, type: PduType.Get, oids: [OID] });

test("replies from another port, with another id, version, community or PDU type are dropped; the true one is taken", async () => {
  behaviour = (pdu, send) => {
    send(answer(pdu.requestId, [name]), other); // wrong source
    send(answer(pdu.requestId ^ 0x5a5a, [name])); // wrong id
    send(answer(pdu.requestId, [name], new TextEncoder().encode("private"))); // wrong community
    send(answer(pdu.requestId, [name], public_, 0)); // wrong version
    send(encodeCommunityMessage({ version: 1, community: public_, pdu: { ...pdu, type: PduType.GetNext } }).slice()); // not a response
    setTimeout(() => send(answer(pdu.requestId, [name])), 20);
  };
  const pdu = await get();
  expect(pdu.varbinds).toEqual([name]);
  expect(client.counters).toMatchObject({ wrongSource: 1, unknownId: 1, mismatched: 3, matched: 1, malformed: 0 });
});

test("garbage and a reply with more varbinds than asked are dropped; the true one is taken", async () => {
  behaviour = (pdu, send) => {
    send(Uint8Array.of(0x30, 0x82, 0xff)); // not even a header
    send(new Uint8Array(2000).fill(0x41));
    send(answer(pdu.requestId, Array.from({ length: 300 }, () => name))); // oversized
    setTimeout(() => send(answer(pdu.requestId, [name])), 20);
  };
  expect((await get()).varbinds).toEqual([name]);
  expect(client.counters).toMatchObject({ malformed: 2, oversized: 1, matched: 1 });
});

test("only garbage: a timeout that names the unreadable datagram", async () => {
  behaviour = (_pdu, send) => send(Uint8Array.of(0x30, 0x03, 0x02, 0x01));
  await expect(get()).rejects.toMatchObject({ code: "deadline-exceeded", message: expect.stringContaining("last datagram was unreadable") });
  expect(client.counters.timeouts).toBe(1);
});

test("the device's own answer with a value that does not decode fails at once as malformed", async () => {
  behaviour = (pdu, send) => {
    const bytes = answer(pdu.requestId, [name]);
    bytes[bytes.length - name.value.length - 2] = 0x47; // an unknown value tag
    send(bytes);
  };
  const t0 = performance.now();
  await expect(get()).rejects.toMatchObject({ code: "malformed" });
  expect(performance.now() - t0).toBeLessThan(250);
});

test("a lost request is sent again with the same id and answered", async () => {
  let seen = 0;
  const ids = new Set<number>();
  behaviour = (pdu, send) => {
    ids.add(pdu.requestId);
    if (seen++ > 0) send(answer(pdu.requestId, [name]));
  };
  const pdu = await client.request({ ...target, timeoutMs: 100, retries: 2 }, { version: 1, community: public_, type: PduType.Get, oids: [OID] });
  expect(pdu.varbinds).toEqual([name]);
  expect(ids.size).toBe(1);
  expect(client.counters.retransmits).toBe(1);
});

test("closing the client fails what is in flight as canceled", async () => {
  behaviour = () => {};
  const second = createSnmpClient();
  const p = second.request(target, { version: 1, community: public_, type: PduType.Get, oids: [OID] });
  second.close();
  await expect(p).rejects.toMatchObject({ code: "canceled" });
});
