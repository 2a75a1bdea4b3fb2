/**
 * HTTP/1.1 to the printer over one tunnel stream (a Duplex, TLS-wrapped for
 * an HTTPS printer). Written by hand rather than with node:http because the
 * stream is not a socket, every byte must be counted for the audit, and the
 * response must be bounded; one request at a time, the connection kept for
 * the next one when the printer allows it.
 */
import type { Duplex } from "node:stream";
import { PassThrough } from "node:stream";

/** The largest response head a printer may send. */
export const MAX_RESPONSE_HEAD = 64 * 1024;

/** One response, its body still arriving through `body`. */
export interface UpstreamResponse {
  status: number;
  statusText: string;
  /** Header fields in order, names lower-cased, repeated ones kept apart (Set-Cookie). */
  headers: [string, string][];
  /** The decoded body (chunked framing removed). */
  body: PassThrough;
  /** Content-Length when the printer sent one. */
  length?: number;
}

/** A connection to the printer that carries one request at a time. */
export interface UpstreamConnection {
  /** Sends a request (its whole body given) and resolves with the response head. */
  send(head: string, body: Uint8Array | undefined, method: string): Promise<UpstreamResponse>;
  /** True while the connection may carry another request (the last response was read whole, keep-alive). */
  readonly reusable: boolean;
  /** Resolves when the last response's body has been read (or the connection failed). */
  readonly idle: Promise<void>;
  destroy(): void;
  /** Called with byte counts as they pass: `to` the printer and `from` it (plaintext HTTP). */
  onBytes?: (to: number, from: number) => void;
}

const NO_BODY_STATUS = (s: number) => s === 204 || s === 304 || (s >= 100 && s < 200);

/** Wraps a stream to the printer. */
export function createUpstreamConnection(stream: Duplex): UpstreamConnection {
  let buffer: Buffer = Buffer.alloc(0);
  let closed = false;
  let reusable = false;
  let idleResolve: () => void = () => {};
  let idle = Promise.resolve();
  // The current reader of incoming bytes (head parser or body decoder).
  let consume: ((chunk: Buffer) => void) | undefined;
  let onEnd: ((e?: Error) => void) | undefined;

  const conn: UpstreamConnection = {
    get reusable() {
      return reusable && !closed;
    },
    get idle() {
      return idle;
    },
    send(head, body, method) {
      if (closed) return Promise.reject(new Error("the tunnel connection closed"));
      reusable = false;
      idle = new Promise((r) => (idleResolve = r));
      return new Promise<UpstreamResponse>((resolve, reject) => {
        const fail = (e?: Error) => {
          closed = true;
          idleResolve();
          reject(e ?? new Error("the printer closed the connection before it answered"));
        };
        onEnd = fail;
        consume = () => readHead(method, resolve, fail);
        const out = Buffer.from(head, "latin1");
        stream.write(out);
        if (body?.length) stream.write(body);
        conn.onBytes?.(out.length + (body?.length ?? 0), 0);
        if (buffer.length) consume(Buffer.alloc(0));
      });
    },
    destroy() {
      closed = true;
      stream.destroy();
      idleResolve();
    },
  };

  stream.on("data", (chunk: Buffer) => {
    conn.onBytes?.(0, chunk.length);
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    if (consume) consume(chunk);
    else if (buffer.length) conn.destroy(); // Bytes nobody asked for: not HTTP we can follow.
  });
  const ended = (e?: Error) => {
    closed = true;
    const f = onEnd;
    onEnd = undefined;
    consume = undefined;
    f?.(e);
    idleResolve();
  };
  stream.on("end", () => ended());
  stream.on("close", () => ended());
  stream.on("error", (e) => ended(e));

  function readHead(method: string, resolve: (r: UpstreamResponse) => void, fail: (e?: Error) => void): void {
    const end = buffer.indexOf("\r\n\r\n");
    if (end < 0) {
      if (buffer.length > MAX_RESPONSE_HEAD) fail(new Error(`the printer's response head is over ${MAX_RESPONSE_HEAD} bytes`));
      return;
    }
    const lines = buffer.subarray(0, end).toString("latin1").split("\r\n");
    buffer = buffer.subarray(end + 4);
    const m = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/.exec(lines[0]);
    if (!m) return fail(new Error("the printer did not answer in HTTP/1.x"));
    const status = Number(m[2]);
    const headers: [string, string][] = [];
    for (const l of lines.slice(1)) {
      const i = l.indexOf(":");
      if (i > 0) headers.push([l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim()]);
    }
    if (status >= 100 && status < 200) return readHead(method, resolve, fail); // 100 Continue and the like: the real answer follows.
    const get = (n: string) => headers.find(([k]) => k === n)?.[1];
    const connection = (get("connection") ?? "").toLowerCase();
    const keepAlive = m[1] === "1" ? !connection.includes("close") : connection.includes("keep-alive");
    const chunked = (get("transfer-encoding") ?? "").toLowerCase().includes("chunked");
    const cl = get("content-length");
    const length = !chunked && cl !== undefined && /^\d+$/.test(cl) ? Number(cl) : undefined;
    const body = new PassThrough();
    onEnd = (e) => body.destroy(e ?? new Error("the printer closed the connection in the middle of the body"));
    const resume = () => stream.resume();
    const done = (keep: boolean) => {
      consume = undefined;
      onEnd = undefined;
      reusable = keep && buffer.length === 0;
      body.end();
      // An ended body emits no "drain": the connection must not stay paused for the next response.
      body.off("drain", resume);
      stream.resume();
      idleResolve();
    };
    const push = (b: Buffer) => {
      if (b.length && !body.write(b)) {
        stream.pause();
        body.off("drain", resume);
        body.once("drain", resume);
      }
    };
    resolve({ status, statusText: m[3] ?? "", headers, body, length });
    if (method === "HEAD" || NO_BODY_STATUS(status)) return done(keepAlive);
    if (length !== undefined) {
      let left = length;
      consume = () => {
        const take = buffer.subarray(0, left);
        buffer = buffer.subarray(take.length);
        left -= take.length;
        push(take);
        if (left === 0) done(keepAlive);
      };
    } else if (chunked) {
      const decoder = chunkedDecoder(push, () => done(keepAlive), (e) => fail2(e));
      consume = () => {
        const b = buffer;
        buffer = Buffer.alloc(0);
        buffer = decoder(b);
      };
    } else {
      // No length: the body runs until the printer closes the connection.
      onEnd = () => body.end();
      consume = () => {
        push(buffer);
        buffer = Buffer.alloc(0);
      };
    }
    function fail2(e: Error) {
      body.destroy(e);
      conn.destroy();
    }
    consume(Buffer.alloc(0));
  }

  return conn;
}

/**
 * A chunked-body decoder: feed it bytes, it pushes data, calls `done` after the last
 * chunk and its trailers, and returns the bytes it could not use yet (or left over).
 */
function chunkedDecoder(push: (b: Buffer) => void, done: () => void, fail: (e: Error) => void): (b: Buffer) => Buffer {
  let pending: Buffer = Buffer.alloc(0);
  let left = 0; // Bytes of the current chunk still to come, then its CRLF.
  let state: "size" | "data" | "crlf" | "trailer" | "done" = "size";
  return (input) => {
    let b: Buffer = pending.length ? Buffer.concat([pending, input]) : input;
    pending = Buffer.alloc(0);
    for (;;) {
      if (state === "done") return b;
      if (state === "data") {
        const take = b.subarray(0, left);
        b = b.subarray(take.length);
        left -= take.length;
        push(take);
        if (left > 0) return Buffer.alloc(0);
        state = "crlf";
      }
      const nl = b.indexOf("\r\n");
      if (nl < 0) {
        if (b.length > 4096) fail(new Error("bad chunked framing from the printer"));
        pending = b;
        return Buffer.alloc(0);
      }
      const line = b.subarray(0, nl).toString("latin1");
      b = b.subarray(nl + 2);
      if (state === "crlf") {
        if (line !== "") return (fail(new Error("bad chunked framing from the printer")), Buffer.alloc(0));
        state = "size";
      } else if (state === "size") {
        const size = Number.parseInt(line.split(";")[0].trim(), 16);
        if (!Number.isFinite(size) || size < 0) return (fail(new Error("bad chunk size from the printer")), Buffer.alloc(0));
        if (size === 0) state = "trailer";
        else ((left = size), (state = "data"));
      } else if (line === "") {
        state = "done";
        done();
      }
    }
  };
}
