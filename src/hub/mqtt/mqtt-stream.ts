/**
 * The byte stream aedes reads one client from, built over a WebSocket or a
 * TLS socket, with the packet size guard in between.
 *
 * Why not ws's createWebSocketStream or the socket itself: aedes reads
 * with `read(null)` on each 'readable' event and expects all buffered bytes
 * at once. Under Bun 1.4.5, with the hub's HTTP/2 server handing over
 * upgraded sockets, we saw the Readable machinery hand it only part of the
 * buffer or miss pushed data, and a CONNECT was never parsed (about one
 * connection in a few). So this stream keeps its own queue: `read(null)`
 * returns all of it, and 'readable' is emitted on the next turn of the
 * event loop after bytes arrive, the same way for both listeners.
 */
import { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import type { WebSocket } from "ws";
import { createPacketSizeGuard } from "./packet-size-guard.ts";

/** What a transport offers the stream: its bytes in, and the means to write and close. */
interface Carrier {
  onData(fn: (chunk: Buffer) => void): void;
  onClose(fn: (err?: Error) => void): void;
  /** Queues bytes in the transport (which buffers them), so that a close right after still sends them. */
  write(chunk: Buffer): void;
  /** Closes after what is queued (a refusing CONNACK must still arrive). */
  end(): void;
  destroy(): void;
}

/** How long a closing connection may take to send what is queued before it is cut. */
const CLOSE_GRACE_MS = 2_000;

function carrierStream(c: Carrier, maxPacketBytes: number, onOversize: () => void): Duplex {
  const guard = createPacketSizeGuard(maxPacketBytes);
  let ended = false;
  const queue: Buffer[] = [];
  let announced = false;
  const stream = new Duplex({
    read() {},
    // Handed on at once: aedes destroys the stream right after a refusing CONNACK, and a
    // Duplex drops writes still queued in it when destroyed.
    write(chunk: Buffer, _enc, cb) {
      c.write(chunk);
      cb();
    },
    final(cb) {
      c.end();
      cb();
    },
    destroy(err, cb) {
      c.end();
      setTimeout(() => c.destroy(), CLOSE_GRACE_MS).unref();
      cb(err);
    },
  });
  c.onData((chunk) => {
    if (ended) return;
    if (!guard(chunk)) {
      ended = true;
      onOversize();
      c.destroy();
      stream.destroy();
      return;
    }
    queue.push(chunk);
    if (announced) return;
    announced = true;
    setImmediate(() => {
      announced = false;
      if (!stream.destroyed && queue.length) stream.emit("readable");
    });
  });
  c.onClose((err) => {
    if (ended) return;
    ended = true;
    // After the chunks already announced.
    setImmediate(() => setImmediate(() => stream.destroy(err)));
  });
  // read(0) is how stream internals poke a stream; only aedes's read(null) takes the bytes.
  stream.read = (n?: number) => (n === 0 || queue.length === 0 ? null : Buffer.concat(queue.splice(0)));
  return stream;
}

/** A client on MQTT over WebSocket. */
export function webSocketStream(ws: WebSocket, maxPacketBytes: number, onOversize: () => void): Duplex {
  return carrierStream(
    {
      onData: (fn) => ws.on("message", (data: Buffer | ArrayBuffer | Buffer[]) => fn(Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer))),
      onClose: (fn) => {
        ws.on("close", () => fn());
        ws.on("error", (e: Error) => fn(e));
      },
      write: (chunk) => {
        if (ws.readyState === ws.OPEN) ws.send(chunk, { binary: true });
      },
      end: () => ws.close(),
      destroy: () => ws.terminate(),
    },
    maxPacketBytes,
    onOversize,
  );
}

/** A client on MQTT over TLS. */
export function tlsSocketStream(socket: TLSSocket, maxPacketBytes: number, onOversize: () => void): Duplex {
  return carrierStream(
    {
      onData: (fn) => socket.on("data", fn),
      onClose: (fn) => {
        socket.on("close", () => fn());
        socket.on("error", (e) => fn(e));
      },
      write: (chunk) => {
        if (!socket.destroyed) socket.write(chunk);
      },
      end: () => socket.end(),
      destroy: () => socket.destroy(),
    },
    maxPacketBytes,
    onOversize,
  );
}
