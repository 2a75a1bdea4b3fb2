/**
 * SSH over WebSocket at /relay on the hub's HTTPS port, for sites where
 * only 443 leaves: each binary message carries SSH bytes, either way. The
 * hub's server hands the upgrade here (as it does /mqtt); the stream this
 * makes goes to the relay like a TCP socket would.
 */
import type { IncomingMessage } from "node:http";
import { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import type { RelayStream } from "./embedded-relay.ts";

/** The path of the relay's WebSocket on the hub's port. */
export const RELAY_WS_PATH = "/relay";

/** Largest message taken from an agent: SSH packets are at most 35,000 bytes; ssh2 client writes them one by one. */
const MAX_MESSAGE_BYTES = 256 * 1024;

/** The upgrade handler for the hub server: false when the path is not /relay (the caller decides). */
export function createRelayUpgrade(accept: (stream: RelayStream) => void): {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  close(): void;
} {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });
  const open = new Set<WebSocket>();
  return {
    handleUpgrade(req, socket, head) {
      if ((req.url ?? "").split("?")[0] !== RELAY_WS_PATH) return false;
      socket.on("error", () => {});
      wss.handleUpgrade(req, socket, head, (ws) => {
        open.add(ws);
        ws.on("close", () => open.delete(ws));
        accept(webSocketRelayStream(ws, req.socket?.remoteAddress, req.socket?.remotePort));
      });
      return true;
    },
    close() {
      for (const ws of open) ws.terminate();
      wss.close();
    },
  };
}

/** A byte stream over `ws`: binary messages in, each write one binary message out (its callback once sent). */
export function webSocketRelayStream(ws: WebSocket, remoteAddress?: string, remotePort?: number): RelayStream {
  const stream: RelayStream = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) {
      if (ws.readyState !== ws.OPEN) return cb(new Error("the WebSocket is closed"));
      ws.send(chunk, { binary: true }, (e) => cb(e ?? null));
    },
    final(cb) {
      ws.close(1000);
      cb();
    },
    destroy(err, cb) {
      ws.terminate();
      cb(err);
    },
  });
  stream.remoteAddress = remoteAddress;
  stream.remotePort = remotePort;
  ws.on("message", (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    // SSH is binary: a text message is not ours.
    if (!isBinary) return stream.destroy();
    stream.push(Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer));
  });
  ws.on("close", () => {
    stream.push(null);
    stream.destroy();
  });
  ws.on("error", () => stream.destroy());
  return stream;
}
