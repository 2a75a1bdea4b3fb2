/**
 * The frame reader and writer on bytes laid out by hand from RFC 6455
 * section 5.2, so a mistake shared by both sides cannot hide: what the
 * reader accepts, however the bytes are split, and what it refuses.
 */
import { describe, expect, test } from "bun:test";
import { OPCODE, closePayload, createFrameReader, encodeFrame } from "./ws-frames.ts";

const limits = { maxFrameBytes: 64 * 1024, maxMessageBytes: 64 * 1024 };
const hex = (s: string) => Buffer.from(s.replaceAll(" ", ""), "hex");

describe("encodeFrame", () => {
  test("the RFC's own example: a masked 'Hello' (5.7)", () => {
    expect(encodeFrame(OPCODE.text, Buffer.from("Hello"), hex("37fa213d"))).toEqual(hex("81 85 37fa213d 7f9f4d5158"));
  });

  test("unmasked, 16-bit and 64-bit lengths", () => {
    expect(encodeFrame(OPCODE.binary, Buffer.from("Hello"), null)).toEqual(hex("82 05 48656c6c6f"));
    const mid = encodeFrame(OPCODE.binary, Buffer.alloc(256), null);
    expect(mid.subarray(0, 4)).toEqual(hex("82 7e 0100"));
    expect(mid.length).toBe(4 + 256);
    const big = encodeFrame(OPCODE.binary, Buffer.alloc(65536), null);
    expect(big.subarray(0, 10)).toEqual(hex("82 7f 0000000000010000"));
  });

  test("a fresh random mask per frame", () => {
    const a = encodeFrame(OPCODE.binary, Buffer.from("x"));
    const b = encodeFrame(OPCODE.binary, Buffer.from("x"));
    expect(a[1]).toBe(0x81);
    expect(a.subarray(2, 6).equals(b.subarray(2, 6))).toBe(false);
  });
});

describe("frame reader", () => {
  test("reads frames however the bytes are split, one byte at a time included", () => {
    const bytes = Buffer.concat([
      encodeFrame(OPCODE.binary, Buffer.from("ab"), null).fill(0x02, 0, 1), // FIN clear: a fragment
      encodeFrame(OPCODE.ping, Buffer.from("p"), null),
      encodeFrame(OPCODE.continuation, Buffer.from("cd"), null),
      encodeFrame(OPCODE.binary, Buffer.alloc(300, 7), null),
      encodeFrame(OPCODE.pong, Buffer.alloc(0), null),
      encodeFrame(OPCODE.close, closePayload(1000, "bye"), null),
    ]);
    const read = createFrameReader(limits);
    const events = [];
    for (const b of bytes) events.push(...read(Buffer.from([b])));
    expect(events).toEqual([
      { kind: "data", payload: Buffer.from("ab") },
      { kind: "ping", payload: Buffer.from("p") },
      { kind: "data", payload: Buffer.from("cd") },
      { kind: "data", payload: Buffer.alloc(300, 7) },
      { kind: "pong" },
      { kind: "close", code: 1000, reason: "bye" },
    ]);
    expect(createFrameReader(limits)(bytes)).toEqual(events);
  });

  test("a close without a code, and the reason cleaned of control characters", () => {
    expect(createFrameReader(limits)(hex("88 00"))).toEqual([{ kind: "close", reason: "" }]);
    expect(createFrameReader(limits)(encodeFrame(OPCODE.close, closePayload(4001, "a\u0007b"), null))).toEqual([{ kind: "close", code: 4001, reason: "ab" }]);
  });

  test("a refused length is refused from the header alone, before its payload arrives", () => {
    const read = createFrameReader({ maxFrameBytes: 1000, maxMessageBytes: 1000 });
    expect(() => read(hex("82 7e 03e9"))).toThrow("a frame of 1001 bytes (at most 1000 taken)");
  });

  test("the message limit adds up continuation frames, counting each once however it arrives", () => {
    const read = createFrameReader({ maxFrameBytes: 100, maxMessageBytes: 150 });
    const first = encodeFrame(OPCODE.binary, Buffer.alloc(80), null);
    first[0] = 0x02;
    const second = encodeFrame(OPCODE.continuation, Buffer.alloc(60), null);
    second[0] = 0x00;
    expect(read(first)).toHaveLength(1);
    // Its header alone, then the rest: the 60 bytes must not be counted twice.
    expect(read(second.subarray(0, 2))).toEqual([]);
    expect(read(second.subarray(2))).toHaveLength(1);
    expect(() => read(encodeFrame(OPCODE.continuation, Buffer.alloc(20), null))).toThrow("a message of more than 150 bytes");
  });

  test.each([
    ["masked by the server", "82 81 00000000 41", "must not mask"],
    ["a reserved bit", "c2 01 41", "reserved bits"],
    ["opcode 0x3", "83 01 41", "unknown opcode 0x3"],
    ["opcode 0xb", "8b 00", "unknown opcode 0xb"],
    ["a text frame", "81 01 41", "text frame"],
    ["a continuation out of the blue", "80 01 41", "continuation frame without a message"],
    ["a new message inside a fragmented one", "02 01 41 82 01 42", "a new message before the last one ended"],
    ["a fragmented ping", "09 00", "control frame"],
    ["a ping of 126 bytes", `89 7e 007e ${"00".repeat(126)}`, "control frame"],
    ["a 64-bit length with the top bit set", "82 7f 8000000000000000", "at most 65536 taken"],
    ["a 16-bit length that fits in 7", "82 7e 0005 0102030405", "fits in 7"],
    ["a 64-bit length that fits in 16", "82 7f 0000000000000005 0102030405", "fits in 16"],
    ["a close with a one-byte code", "88 01 03", "one-byte status code"],
    ["a close with code 1005", "88 02 03ed", "status code 1005"],
    ["a close with code 999", "88 02 03e7", "status code 999"],
    ["a close reason that is not UTF-8", "88 04 03e8 c328", "not UTF-8"],
  ])("refuses %s", (_what, bytes, why) => {
    const read = createFrameReader(limits);
    expect(() => read(hex(bytes))).toThrow(why);
    // Dead after that: the same error again, whatever comes.
    expect(() => read(hex("82 01 41"))).toThrow(why);
  });
});
