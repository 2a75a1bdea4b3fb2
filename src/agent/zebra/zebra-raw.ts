/**
 * One exchange with a printer's raw port (9100): connect, send, collect a
 * bounded reply, close. Retries and schedules wrap this from outside.
 */
import net from "node:net";
import { ZebraError } from "./zebra-error.ts";

/** The raw ("JetDirect") port every Zebra with a network card listens on. */
export const ZEBRA_RAW_PORT = 9100;

/** Default bound on a reply: a status or an odometer is a few hundred bytes. */
export const MAX_REPLY_BYTES = 64 * 1024;

/** Options for one raw exchange. */
export interface ZebraRawOptions {
  /** Wait for a reply (false: send and close). Default true. */
  expectReply?: boolean;
  /** The whole exchange, connect included. Default 5000 ms. */
  timeoutMs?: number;
  /** A reply longer than this fails with `too-large`. Default 64 KB. */
  maxReplyBytes?: number;
  /**
   * Says when the reply is whole (for example: three ETX seen). Without it
   * the reply ends when the printer closes or has been quiet for `quietMs`.
   */
  complete?: (reply: Uint8Array) => boolean;
  /** Quiet time that ends a reply when there is no `complete`. Default 500 ms. */
  quietMs?: number;
}

/**
 * Sends `payload` to `host:port` and returns what the printer answered
 * (empty when `expectReply` is false). Zebras do not close the connection
 * after answering, so the end of a reply is `complete`, or quiet.
 */
export function zebraRaw(host: string, port: number, payload: Uint8Array | string, options: ZebraRawOptions = {}): Promise<Uint8Array> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const max = options.maxReplyBytes ?? MAX_REPLY_BYTES;
  const quietMs = options.quietMs ?? 500;
  const expectReply = options.expectReply ?? true;
  const target = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    return Promise.reject(new ZebraError("invalid-argument", `port must be 1-65535, got ${port}`));
  const bytes = typeof payload === "string" ? Buffer.from(payload, "latin1") : payload;

  return new Promise<Uint8Array>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    let quiet: ReturnType<typeof setTimeout> | undefined;
    const socket = net.connect({ host, port });
    const finish = (error?: ZebraError) => {
      if (done) return;
      done = true;
      clearTimeout(overall);
      clearTimeout(quiet);
      socket.destroy();
      if (error) reject(error);
      else resolve(new Uint8Array(Buffer.concat(chunks, size)));
    };
    const overall = setTimeout(() => {
      if (!expectReply) return finish(new ZebraError("deadline-exceeded", `${target}: could not send ${bytes.length} bytes within ${timeoutMs} ms`));
      const got = size === 0 ? "no reply" : `an incomplete reply (${size} bytes)`;
      finish(new ZebraError("deadline-exceeded", `${target} gave ${got} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on("connect", () => {
      socket.write(bytes, () => {
        if (!expectReply) {
          socket.end();
          finish();
        }
      });
    });
    socket.on("data", (data: Buffer) => {
      if (!expectReply || done) return;
      size += data.length;
      if (size > max) return finish(new ZebraError("resource-exhausted", `${target} sent more than ${max} bytes; reply dropped`));
      chunks.push(data);
      if (options.complete) {
        if (options.complete(Buffer.concat(chunks, size))) finish();
      } else {
        clearTimeout(quiet);
        quiet = setTimeout(() => finish(), quietMs);
      }
    });
    socket.on("end", () => {
      if (!expectReply || !options.complete) return finish();
      const whole = options.complete(Buffer.concat(chunks, size));
      finish(whole ? undefined : new ZebraError("malformed", `${target} closed the connection after ${size} bytes, before the reply was complete`));
    });
    socket.on("error", (e) => finish(ZebraError.fromSocket(e, target)));
  });
}

/** A `complete` test: the reply holds `count` ETX (0x03) bytes. */
export function etxCount(count: number): (reply: Uint8Array) => boolean {
  return (reply) => {
    let n = 0;
    for (const b of reply) if (b === 3 && ++n >= count) return true;
    return false;
  };
}
