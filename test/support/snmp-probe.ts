/**
 * The few SNMP bytes the test harness needs without going through the product's own
 * SNMP code: a hand-built GET to see whether an agent answers, and reading the version
 * field of a message. Keeping them here means a bug in src/ cannot make the harness lie.
 */
import { createSocket } from "node:dgram";

/** SNMP message version field values. */
export const SnmpWireVersion = { v1: 0, v2c: 1, v3: 3 } as const;

function tlv(tag: number, body: Uint8Array): Uint8Array {
  if (body.length > 127) throw new Error("probe packet too long for short-form BER lengths");
  return Uint8Array.of(tag, body.length, ...body);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A v1/v2c GET of sysUpTime.0 (1.3.6.1.2.1.1.3.0). */
export function buildGetSysUpTime(community: string, version: 0 | 1, requestId: number): Uint8Array {
  const int = (n: number) => tlv(0x02, Uint8Array.of((n >>> 24) & 0x7f, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff));
  const oid = tlv(0x06, Uint8Array.of(0x2b, 6, 1, 2, 1, 1, 3, 0));
  const varbind = tlv(0x30, concat(oid, Uint8Array.of(0x05, 0x00)));
  const pdu = tlv(0xa0, concat(int(requestId), tlv(0x02, Uint8Array.of(0)), tlv(0x02, Uint8Array.of(0)), tlv(0x30, varbind)));
  return tlv(0x30, concat(tlv(0x02, Uint8Array.of(version)), tlv(0x04, new TextEncoder().encode(community)), pdu));
}

/** The version field of an SNMP message, or undefined when the bytes are not one. */
export function readSnmpVersion(msg: Uint8Array): number | undefined {
  if (msg.length < 5 || msg[0] !== 0x30) return undefined;
  let at = 2;
  if (msg[1] & 0x80) at = 2 + (msg[1] & 0x7f);
  if (msg[at] !== 0x02 || msg[at + 1] !== 1) return undefined;
  return msg[at + 2];
}

/** True when something on host:port answers a GET for `community` within `timeoutMs`. */
export function probeAgent(host: string, port: number, community: string, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = createSocket("udp4");
    const finish = (answered: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolvePromise(answered);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on("message", () => finish(true));
    socket.on("error", () => finish(false));
    socket.send(buildGetSysUpTime(community, 1, Math.floor(Math.random() * 0x7fffffff)), port, host);
  });
}
