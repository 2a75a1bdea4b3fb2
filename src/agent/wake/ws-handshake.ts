/**
 * The client side of the WebSocket opening handshake (RFC 6455 4.1) on a
 * socket we already hold: one GET with Upgrade, and a 101 answer whose
 * Sec-WebSocket-Accept proves the server read our key. Anything else is
 * refused with what the server said, cleaned and cut short.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Duplex } from "node:stream";
import { cleanText } from "../../common/text.ts";
import { WebSocketError } from "./ws-frames.ts";

// RFC 6455 1.3: what the server appends to our key before hashing it.
const ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
// A 101 carries a few short headers; more than this is not an upgrade answer.
const MAX_HEAD_BYTES = 16 * 1024;

export interface WebSocketHandshakeOptions {
  /** The Host header: "host:port" as the server knows itself. */
  host: string;
  /** The request path ("/mqtt"). */
  path: string;
  /** The subprotocol to ask for ("mqtt"). */
  protocol: string;
  timeoutMs: number;
}

/** The value a server must send back for `key`. */
export function acceptFor(key: string): string {
  return createHash("sha1").update(key + ACCEPT_GUID).digest("base64");
}

/**
 * Sends the upgrade request and resolves, once the server agreed, to the
 * bytes that came after its answer (the first frames, if the server was
 * quick); the socket is left paused. Fails with a WebSocketError saying
 * what the server did instead; the caller destroys the socket.
 */
export function webSocketHandshake(socket: Duplex, opts: WebSocketHandshakeOptions): Promise<Buffer> {
  const key = randomBytes(16).toString("base64");
  return new Promise<Buffer>((resolve, reject) => {
    let head = Buffer.alloc(0);
    const timer = setTimeout(() => done(`no answer to the WebSocket upgrade within ${opts.timeoutMs} ms`), opts.timeoutMs);
    const onError = (e: Error) => done(`the connection failed during the WebSocket upgrade: ${e.message}`);
    const onClose = () => done("the connection closed during the WebSocket upgrade");
    function done(failure: string | undefined, rest?: Buffer) {
      clearTimeout(timer);
      socket.off("data", onData);
      socket.off("error", onError);
      socket.off("close", onClose);
      socket.off("end", onClose);
      socket.pause();
      if (failure !== undefined) reject(new WebSocketError(failure));
      else resolve(rest ?? Buffer.alloc(0));
    }
    function onData(chunk: Buffer) {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) {
        if (head.length > MAX_HEAD_BYTES) done("the answer to the WebSocket upgrade is too long to be one");
        return;
      }
      done(checkAnswer(head.subarray(0, end).toString("latin1"), key, opts.protocol), head.subarray(end + 4));
    }
    socket.on("data", onData);
    socket.on("error", onError);
    socket.on("close", onClose);
    socket.on("end", onClose);
    const request = [
      `GET ${opts.path} HTTP/1.1`,
      `Host: ${opts.host}`,
      "Upgrade: websocket",
      "Connection: Upgrade",
      `Sec-WebSocket-Key: ${key}`,
      "Sec-WebSocket-Version: 13",
      `Sec-WebSocket-Protocol: ${opts.protocol}`,
    ];
    socket.write(`${request.join("\r\n")}\r\n\r\n`);
    socket.resume();
  });
}

/** Undefined when the answer accepts the upgrade; else why not. */
function checkAnswer(head: string, key: string, protocol: string): string | undefined {
  const [statusLine = "", ...lines] = head.split("\r\n");
  const m = /^HTTP\/1\.1 (\d{3})(?: (.*))?$/.exec(statusLine);
  if (!m) return "the answer to the WebSocket upgrade is not HTTP/1.1";
  if (m[1] !== "101") return `the WebSocket upgrade was refused: ${m[1]} ${cleanText(m[2] ?? "", 100)}`.trimEnd();
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) return "the answer to the WebSocket upgrade has a malformed header";
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value);
  }
  if (headers.get("upgrade")?.toLowerCase() !== "websocket") return "the server did not upgrade to WebSocket (Upgrade header)";
  if (!/(^|,)\s*upgrade\s*(,|$)/i.test(headers.get("connection") ?? "")) return "the server did not upgrade to WebSocket (Connection header)";
  if (headers.get("sec-websocket-accept") !== acceptFor(key)) return "the server did not accept our WebSocket key (Sec-WebSocket-Accept)";
  const chosen = headers.get("sec-websocket-protocol");
  if (chosen !== undefined && chosen !== protocol) return `the server chose the WebSocket subprotocol "${cleanText(chosen, 40)}", not "${protocol}"`;
  if (headers.has("sec-websocket-extensions")) return "the server turned on a WebSocket extension that was not asked for";
  return undefined;
}
