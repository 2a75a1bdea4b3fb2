/**
 * RFC 6455 framing for the wake-up line's own WebSocket client (used when
 * the broker is reached through a CONNECT proxy, where no library client
 * can take our tunnelled socket). Only what MQTT over WebSocket needs:
 * binary messages, continuation, ping/pong and close, no extensions. The
 * bytes come from the network, so the reader is strict and capped: a
 * nudge is tiny, and anything malformed ends the connection.
 */
import { randomBytes } from "node:crypto";
import { cleanText } from "../../common/text.ts";

export const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** A WebSocket the peer broke; `code` lets mqtt.js pass it on as an error instead of a bare close. */
export class WebSocketError extends Error {
  readonly code = "ERR_WEBSOCKET";
}

/** What the reader makes of the bytes, in order. */
export type WebSocketEvent =
  | { kind: "data"; payload: Buffer }
  | { kind: "ping"; payload: Buffer }
  | { kind: "pong" }
  /** `code` is absent when the close frame carried none (1005). */
  | { kind: "close"; code?: number; reason: string };

export interface FrameLimits {
  /** The largest payload of one frame. */
  maxFrameBytes: number;
  /** The largest message, its continuation frames added up. */
  maxMessageBytes: number;
}

/**
 * One frame with FIN set. `mask` is the 4-byte key: clients must mask
 * (RFC 6455 5.3), so the default is a fresh random one; null writes an
 * unmasked frame, as a server would (tests play the broker with it).
 */
export function encodeFrame(opcode: number, payload: Buffer, mask: Buffer | null = randomBytes(4)): Buffer {
  const len = payload.length;
  const lenBytes = len < 126 ? 0 : len <= 0xffff ? 2 : 8;
  const head = Buffer.alloc(2 + lenBytes + (mask ? 4 : 0));
  head[0] = 0x80 | opcode;
  head[1] = (mask ? 0x80 : 0) | (lenBytes === 0 ? len : lenBytes === 2 ? 126 : 127);
  if (lenBytes === 2) head.writeUInt16BE(len, 2);
  if (lenBytes === 8) head.writeBigUInt64BE(BigInt(len), 2);
  if (!mask) return Buffer.concat([head, payload]);
  mask.copy(head, 2 + lenBytes);
  const body = Buffer.allocUnsafe(len);
  for (let i = 0; i < len; i++) body[i] = payload[i]! ^ mask[i & 3]!;
  return Buffer.concat([head, body]);
}

/** A close frame's payload: the status code, then a reason of at most 123 bytes. */
export function closePayload(code: number, reason = ""): Buffer {
  const text = Buffer.from(reason).subarray(0, 123);
  const out = Buffer.alloc(2 + text.length);
  out.writeUInt16BE(code, 0);
  text.copy(out, 2);
  return out;
}

/**
 * A reader of frames a server sent: feed it the bytes as they come; it
 * returns the events complete so far and throws a WebSocketError at the
 * first thing RFC 6455 forbids or the limits refuse. After that it is dead.
 */
export function createFrameReader(limits: FrameLimits): (chunk: Buffer) => WebSocketEvent[] {
  let pending: Buffer = Buffer.alloc(0);
  let inMessage = false;
  let messageBytes = 0;
  let broken: WebSocketError | undefined;
  const fail = (why: string): never => {
    broken = new WebSocketError(`the broker sent a malformed WebSocket frame: ${why}`);
    throw broken;
  };

  return (chunk) => {
    if (broken) throw broken;
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    const events: WebSocketEvent[] = [];
    for (;;) {
      if (pending.length < 2) break;
      const b0 = pending[0]!;
      const b1 = pending[1]!;
      const fin = (b0 & 0x80) !== 0;
      const opcode = b0 & 0x0f;
      if (b0 & 0x70) fail("reserved bits set, but no extension was agreed");
      if (b1 & 0x80) fail("a server must not mask its frames");
      const control = opcode >= 0x8;
      if (opcode !== OPCODE.continuation && opcode !== OPCODE.binary && opcode !== OPCODE.text && opcode !== OPCODE.close && opcode !== OPCODE.ping && opcode !== OPCODE.pong) {
        fail(`unknown opcode 0x${opcode.toString(16)}`);
      }
      let len = b1 & 0x7f;
      let offset = 2;
      if (control && (!fin || len > 125)) fail("a control frame must be one frame of at most 125 bytes");
      if (len === 126) {
        if (pending.length < 4) break;
        len = pending.readUInt16BE(2);
        if (len < 126) fail("a length in 16 bits that fits in 7");
        offset = 4;
      } else if (len === 127) {
        if (pending.length < 10) break;
        const big = pending.readBigUInt64BE(2);
        if (big > BigInt(limits.maxFrameBytes)) fail(`a frame of ${big} bytes (at most ${limits.maxFrameBytes} taken)`);
        len = Number(big);
        if (len <= 0xffff) fail("a length in 64 bits that fits in 16");
        offset = 10;
      }
      if (len > limits.maxFrameBytes) fail(`a frame of ${len} bytes (at most ${limits.maxFrameBytes} taken)`);
      if (opcode === OPCODE.text) fail("a text frame, but MQTT over WebSocket is binary");
      if (opcode === OPCODE.binary && inMessage) fail("a new message before the last one ended");
      if (opcode === OPCODE.continuation && !inMessage) fail("a continuation frame without a message to continue");
      const total = control ? messageBytes : opcode === OPCODE.binary ? len : messageBytes + len;
      if (total > limits.maxMessageBytes) fail(`a message of more than ${limits.maxMessageBytes} bytes`);
      if (pending.length < offset + len) break;
      const payload = pending.subarray(offset, offset + len);
      pending = pending.subarray(offset + len);
      if (!control) {
        messageBytes = total;
        inMessage = !fin;
        events.push({ kind: "data", payload });
      } else if (opcode === OPCODE.ping) {
        events.push({ kind: "ping", payload });
      } else if (opcode === OPCODE.pong) {
        events.push({ kind: "pong" });
      } else {
        events.push(readClose(payload, fail));
        // Nothing may follow a close frame.
        pending = Buffer.alloc(0);
        break;
      }
    }
    return events;
  };
}

function readClose(payload: Buffer, fail: (why: string) => never): WebSocketEvent {
  if (payload.length === 0) return { kind: "close", reason: "" };
  if (payload.length === 1) fail("a close frame with a one-byte status code");
  const code = payload.readUInt16BE(0);
  // 1005, 1006 and 1015 are for reporting only, never for the wire (RFC 6455 7.4.1).
  if (code < 1000 || code === 1004 || code === 1005 || code === 1006 || code === 1015 || (code > 1014 && code < 3000) || code > 4999) {
    fail(`a close frame with status code ${code}`);
  }
  let reason: string;
  try {
    reason = new TextDecoder("utf-8", { fatal: true }).decode(payload.subarray(2));
  } catch {
    return fail("a close reason that is not UTF-8");
  }
  return { kind: "close", code, reason: cleanText(reason, 123) };
}
