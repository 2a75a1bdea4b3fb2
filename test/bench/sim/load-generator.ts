/**
 * A closed-loop SNMP load generator for the simulator benchmark: one UDP
 * socket, N requests in flight, each answer immediately replaced by the
 * next request. Requests are pre-encoded (only the request-id changes), so
 * the generator spends its CPU on the socket, not on BER.
 *
 *   bun test/bench/sim/load-generator.ts --target 127.0.0.1:11161 --community xerox \
 *       --recording FILE.snmprec [--pdu getnext|get] [--inflight 32] [--seconds 10]
 *   (or --base 127.21.0.1 --count 1000 --port 1161 to spread the slots over a fleet)
 *
 * Prints one JSON line: {"requests":..,"responses":..,"errors":..,"timeouts":..,"seconds":..,"rate":..}.
 */
import { parseArgs } from "node:util";
import { Tag } from "../../../src/common/ber.ts";
import { PduType, encodeCommunityMessage } from "../../../src/agent/snmp/message.ts";
import { loopbackRange, parseEndpoint } from "../../sim/loopback.ts";
import { readCommunityRequest } from "../../sim/agent/request-reader.ts";
import { loadSnmprec } from "../../sim/snmprec.ts";

const { values: v } = parseArgs({
  options: {
    target: { type: "string", multiple: true },
    base: { type: "string" },
    count: { type: "string", default: "1" },
    port: { type: "string", default: "161" },
    community: { type: "string", default: "public" },
    recording: { type: "string" },
    pdu: { type: "string", default: "getnext" },
    inflight: { type: "string", default: "32" },
    seconds: { type: "string", default: "10" },
    warmup: { type: "string", default: "1" },
  },
  strict: true,
});
if (!(v.target || v.base) || !v.recording) throw new Error("--target (or --base) and --recording are required");
const targets = v.base
  ? loopbackRange(v.base, Number(v.count)).map((address) => ({ address, port: Number(v.port) }))
  : (v.target ?? []).map(parseEndpoint);
const inflight = Number(v.inflight);
const seconds = Number(v.seconds);
const pduType = v.pdu === "get" ? PduType.Get : PduType.GetNext;

// One template per recorded OID; the request-id is always 4 octets so it can be patched in place.
const oids = loadSnmprec(v.recording).oids;
const templates = oids.map((oid) =>
  encodeCommunityMessage({
    version: 1,
    community: Buffer.from(v.community, "latin1"),
    pdu: { type: pduType, requestId: 0x40000000, errorStatus: 0, errorIndex: 0, varbinds: [{ oid, tag: Tag.Null, value: null }] },
  }).slice(),
);
const idOffsets = templates.map((t) => readCommunityRequest(t).pdu.requestIdStart + 2);
const counts = { requests: 0, responses: 0, errors: 0, timeouts: 0 };
let measuring = false;
let nextId = 0x40000000;
let nextTarget = 0;
// slot -> [request id, sent at]
const slotId = new Int32Array(inflight);
const slotSent = new Float64Array(inflight);
const slotOid = new Int32Array(inflight).map((_, i) => (i * 7) % oids.length);
const byId = new Map<number, number>();

const socket = await Bun.udpSocket({
  socket: {
    data(_s, buf) {
      // Response: SEQ hdr, version, community, PDU hdr; read the 4-octet request-id after them.
      let p = buf[1] & 0x80 ? 2 + (buf[1] & 0x7f) : 2;
      p += 3;
      p += 2 + buf[p + 1];
      p += buf[p + 1] & 0x80 ? 2 + (buf[p + 1] & 0x7f) : 2;
      if (buf[p] !== Tag.Integer || buf[p + 1] !== 4) return;
      const id = buf.readInt32BE(p + 2);
      const slot = byId.get(id);
      if (slot === undefined) return;
      byId.delete(id);
      const errorStatus = buf[p + 8];
      if (measuring) {
        counts.responses++;
        if (errorStatus !== 0) counts.errors++;
      }
      send(slot);
    },
    error() {},
  },
});

function send(slot: number): void {
  const i = (slotOid[slot] = (slotOid[slot] + 1) % templates.length);
  const t = templates[i];
  const idOffset = idOffsets[i];
  const id = nextId++ & 0x7fffffff;
  t[idOffset] = id >>> 24;
  t[idOffset + 1] = (id >>> 16) & 0xff;
  t[idOffset + 2] = (id >>> 8) & 0xff;
  t[idOffset + 3] = id & 0xff;
  slotId[slot] = id;
  slotSent[slot] = performance.now();
  byId.set(id, slot);
  // Rotate per request so a fleet sees load on every address.
  const target = targets[nextTarget++ % targets.length];
  if (measuring) counts.requests++;
  try {
    socket.send(t, target.port, target.address);
  } catch {
    // an ICMP error from a stopped target: the timeout below resends
  }
}

for (let s = 0; s < inflight; s++) send(s);
const sweep = setInterval(() => {
  const now = performance.now();
  for (let s = 0; s < inflight; s++) {
    if (now - slotSent[s] > 1000) {
      byId.delete(slotId[s]);
      if (measuring) counts.timeouts++;
      send(s);
    }
  }
}, 250);
await Bun.sleep(Number(v.warmup) * 1000);
measuring = true;
const t0 = performance.now();
await Bun.sleep(seconds * 1000);
measuring = false;
const elapsed = (performance.now() - t0) / 1000;
clearInterval(sweep);
socket.close();
console.log(JSON.stringify({ ...counts, seconds: Number(elapsed.toFixed(3)), rate: Math.round(counts.responses / elapsed) }));
