/**
 * A byte stream over an upgraded WebSocket connection, for mqtt.js: what
 * is written goes out as one masked binary frame per write; the payloads
 * of the binary messages that come in are read back as plain bytes (MQTT
 * does not care where frames split its packets). Pings are answered, a
 * close is answered and ends the stream, and a malformed frame ends it with
 * a WebSocketError.
 */
import { Duplex } from "node:stream";
import { OPCODE, WebSocketError, closePayload, createFrameReader, encodeFrame } from "./ws-frames.ts";

/** Nudges are a few dozen bytes; the broker's own packets to us (CONNACK, SUBACK, PINGRESP) fewer. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
/** How long a close we started may wait for the server's answering close before the socket is cut. */
const CLOSE_GRACE_MS = 1_000;

export interface WebSocketStreamOptions {
  /** Bytes that arrived with the handshake answer, read before the socket's. */
  head?: Buffer;
  /** Per frame and per message (default 64 KiB). */
  maxMessageBytes?: number;
}

/** Wraps `socket`, which must be right after a successful handshake; destroying the stream destroys it. */
export function createWebSocketStream(socket: Duplex, opts: WebSocketStreamOptions = {}): Duplex {
  const max = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const read = createFrameReader({ maxFrameBytes: max, maxMessageBytes: max });
  let closeSent = false;
  let finished = false;

  const sendClose = (code: number, reason?: string) => {
    if (closeSent || socket.destroyed) return;
    closeSent = true;
    socket.write(encodeFrame(OPCODE.close, closePayload(code, reason)));
  };
  /** Ends the stream once: cleanly (the reader sees the end of the bytes) or with an error. */
  const finish = (err?: Error) => {
    if (finished) return;
    finished = true;
    socket.off("data", onData);
    if (err) return stream.destroy(err);
    stream.push(null);
    // After what was pushed has been read: mqtt.js waits for 'close', which a half-open Duplex never reaches alone.
    setImmediate(() => stream.destroy());
  };

  const stream = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _enc, cb) {
      if (closeSent || finished) return cb(new WebSocketError("the WebSocket to the broker is closing"));
      socket.write(encodeFrame(OPCODE.binary, chunk), (e) => cb(e ?? undefined));
    },
    final(cb) {
      sendClose(1000);
      // The server's answering close ends the stream; one that never comes must not keep it open.
      setTimeout(() => stream.destroy(), CLOSE_GRACE_MS).unref();
      cb();
    },
    destroy(err, cb) {
      finished = true;
      socket.off("data", onData);
      if (!socket.destroyed) {
        sendClose(err ? 1011 : 1000);
        // The close frame is in the socket's queue; give the server a moment to answer it, then cut.
        socket.end();
        setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
      }
      cb(err);
    },
  });

  function onData(chunk: Buffer) {
    let events;
    try {
      events = read(chunk);
    } catch (e) {
      sendClose(1002);
      socket.destroy();
      return finish(e as Error);
    }
    for (const ev of events) {
      if (ev.kind === "data") {
        if (ev.payload.length && !stream.push(ev.payload)) socket.pause();
      } else if (ev.kind === "ping") {
        if (!closeSent) socket.write(encodeFrame(OPCODE.pong, ev.payload));
      } else if (ev.kind === "close") {
        // Answer with the same code (RFC 6455 5.5.1), then the server closes the TCP connection.
        sendClose(ev.code ?? 1000);
        socket.end();
        const normal = ev.code === undefined || ev.code === 1000 || ev.code === 1001;
        return finish(normal ? undefined : new WebSocketError(`the broker closed the WebSocket: ${ev.code} ${ev.reason}`.trimEnd()));
      }
    }
  }

  socket.on("data", onData);
  socket.on("error", (e: Error) => finish(e));
  socket.on("close", () => finish(new WebSocketError("the connection to the broker closed without a WebSocket close")));
  if (opts.head?.length) onData(opts.head);
  if (!finished) socket.resume();
  return stream;
}
