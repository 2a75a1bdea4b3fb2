import { describe, expect, test } from "bun:test";
import { buildEchoRequest, internetChecksum, parseIcmpMessage, quotedEcho } from "./icmp-packet.ts";

/** A 20-byte IPv4 header (no options) in front of `body`, protocol ICMP. */
function ipv4(body: Uint8Array, ttl: number, protocol = 1): Uint8Array {
  const out = new Uint8Array(20 + body.length);
  out[0] = 0x45;
  out[8] = ttl;
  out[9] = protocol;
  out.set(body, 20);
  return out;
}

describe("internetChecksum", () => {
  test("matches the worked example of RFC 1071 section 3", () => {
    // Sum of 0001 f203 f4f5 f6f7 is 2ddf0 -> ddf2 after the carry; the checksum is its complement.
    expect(internetChecksum(Uint8Array.of(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7))).toBe(0xffff - 0xddf2);
  });

  test("pads an odd length with a zero byte", () => {
    expect(internetChecksum(Uint8Array.of(0x12, 0x34, 0x56))).toBe(internetChecksum(Uint8Array.of(0x12, 0x34, 0x56, 0x00)));
  });
});

describe("buildEchoRequest", () => {
  test("IPv4 request checks out to zero and carries id and seq", () => {
    const p = buildEchoRequest(4, 0xbeef, 0x0102);
    expect(p.length).toBe(64);
    expect(p[0]).toBe(8);
    expect(internetChecksum(p)).toBe(0);
    expect([p[4], p[5], p[6], p[7]]).toEqual([0xbe, 0xef, 0x01, 0x02]);
  });

  test("ICMPv6 request leaves the checksum to the kernel", () => {
    const p = buildEchoRequest(6, 7, 9);
    expect(p[0]).toBe(128);
    expect([p[2], p[3]]).toEqual([0, 0]);
  });
});

describe("parseIcmpMessage", () => {
  test("reads an echo reply behind a raw socket's IP header, with its TTL", () => {
    const reply = buildEchoRequest(4, 0x1234, 42);
    reply[0] = 0;
    expect(parseIcmpMessage(4, ipv4(reply, 61), true)).toEqual({ kind: "echo-reply", type: 0, code: 0, id: 0x1234, seq: 42, ttl: 61 });
  });

  test("matches a time exceeded message to the probe it quotes", () => {
    const probe = buildEchoRequest(4, 0x4321, 7);
    const quoted = ipv4(probe.subarray(0, 8), 1);
    const error = new Uint8Array(8 + quoted.length);
    error[0] = 11;
    error.set(quoted, 8);
    expect(parseIcmpMessage(4, ipv4(error, 63), true)).toEqual({ kind: "time-exceeded", type: 11, code: 0, id: 0x4321, seq: 7, ttl: 63 });
  });

  test("ignores our own requests, other protocols' errors and truncated packets", () => {
    expect(parseIcmpMessage(4, buildEchoRequest(4, 1, 1), false)).toBeUndefined();
    const udpQuote = ipv4(new Uint8Array(8), 1, 17);
    const error = new Uint8Array(8 + udpQuote.length);
    error[0] = 3;
    error.set(udpQuote, 8);
    expect(parseIcmpMessage(4, error, false)).toBeUndefined();
    expect(parseIcmpMessage(4, Uint8Array.of(0, 0, 0), false)).toBeUndefined();
  });

  test("finds the echo request quoted behind an IPv6 header", () => {
    const original = new Uint8Array(48);
    original[0] = 0x60;
    original[6] = 58;
    original.set(buildEchoRequest(6, 0xabcd, 300).subarray(0, 8), 40);
    expect(quotedEcho(6, original)).toEqual({ id: 0xabcd, seq: 300 });
    original[6] = 17;
    expect(quotedEcho(6, original)).toBeUndefined();
  });
});
