import { describe, expect, test } from "bun:test";
import { createPacketSizeGuard } from "./packet-size-guard.ts";

/** A packet of `type` with a body of `n` bytes, its length encoded as MQTT does. */
function packet(type: number, n: number): Uint8Array {
  const len: number[] = [];
  let x = n;
  do {
    let b = x % 128;
    x = Math.floor(x / 128);
    if (x > 0) b |= 0x80;
    len.push(b);
  } while (x > 0);
  return new Uint8Array([type, ...len, ...new Uint8Array(n)]);
}
const concat = (...parts: Uint8Array[]) => new Uint8Array(parts.flatMap((p) => [...p]));

describe("packet size guard", () => {
  test("packets within the limit pass, however the bytes are cut", () => {
    const stream = concat(packet(0x10, 60), packet(0x82, 30), packet(0xc0, 0), packet(0x82, 125), packet(0x82, 200));
    for (const cut of [1, 2, 3, 7, 64, stream.length]) {
      const guard = createPacketSizeGuard(256);
      for (let i = 0; i < stream.length; i += cut) expect(guard(stream.subarray(i, i + cut))).toBe(true);
    }
  });

  test("a packet declaring more than the limit is refused at its header, before its body", () => {
    const guard = createPacketSizeGuard(256);
    expect(guard(packet(0x10, 20))).toBe(true);
    // Only the header of a 10 MB PUBLISH: refused without waiting for the body.
    expect(guard(new Uint8Array([0x30, 0x80, 0xad, 0xe2, 0x04]))).toBe(false); // 10,000,000

    // And it stays refused.
    expect(guard(packet(0xc0, 0))).toBe(false);
  });

  test("the limit counts the header too", () => {
    expect(createPacketSizeGuard(256)(packet(0x30, 254))).toBe(false); // 3-byte header + 254
    expect(createPacketSizeGuard(256)(packet(0x30, 253))).toBe(true);
    expect(createPacketSizeGuard(3 + 254)(packet(0x30, 254))).toBe(true);
    expect(createPacketSizeGuard(3 + 253)(packet(0x30, 254))).toBe(false);
  });

  test("a length of more than four bytes is malformed", () => {
    expect(createPacketSizeGuard(1 << 30)(new Uint8Array([0x30, 0x80, 0x80, 0x80, 0x80, 0x01]))).toBe(false);
  });
});
