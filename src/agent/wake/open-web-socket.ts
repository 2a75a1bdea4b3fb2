/**
 * MQTT over WebSocket on a TLS socket we already hold (the one through the
 * site's proxy, with our trust and pin checks done). The `ws` client makes
 * the upgrade and the framing: its createConnection option hands it our
 * socket instead of dialling. Under Bun, "ws" resolves to Bun's own port of
 * ws (the same API, frames parsed natively), which honours createConnection
 * and maxPayload; mqtt.js's direct wss:// line uses the same one.
 */
import { DcaError } from "../../common/errors.ts";
import type { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import WebSocket, { createWebSocketStream } from "ws";
import { cleanText } from "../../common/text.ts";

/**
 * The largest WebSocket message taken from the broker. What the broker
 * sends an agent is CONNACK, SUBACK and PINGRESP (a few bytes each) and
 * nudges: a PUBLISH of the agent's topic and `{"task":"tsk_..."}`, under
 * 100 bytes. 64 KiB leaves room for a broker that packs many packets into
 * one message, and caps what a hostile peer can make the agent buffer
 * (ws's own default is 100 MiB).
 */
export const MAX_BROKER_MESSAGE_BYTES = 64 * 1024;

/** The ws client options of both wss:// lines, direct (mqtt.js's wsOptions) and through a proxy. */
export const WS_CLIENT_OPTIONS = {
  maxPayload: MAX_BROKER_MESSAGE_BYTES,
  // Nudges are tiny: compression would only add zlib to what a hostile peer can reach.
  perMessageDeflate: false,
  followRedirects: false,
} as const;

export interface OpenWebSocketOptions {
  /** "host:port" as the server knows itself: the Host header. */
  authority: string;
  /** The request path ("/mqtt"). */
  path: string;
  /** The subprotocol to ask for ("mqtt"); the server must choose it. None: none asked for. */
  protocol?: string;
  timeoutMs: number;
  /** The largest message taken (default MAX_BROKER_MESSAGE_BYTES). */
  maxPayload?: number;
  /** Who answers, in close errors (default "the broker"). */
  peer?: string;
}

/** What ws's stream needs to end the way mqtt.js understands: an Error with a `code` (every DcaError has one) is passed on, one without is dropped. */
const closeError = (message: string) => new DcaError("unavailable", message, { reason: "websocket-closed" });

/**
 * Upgrades `socket` and resolves to a byte stream of the binary messages,
 * for mqtt.js; fails with an Error saying what the server did instead (no
 * 101, a wrong Sec-WebSocket-Accept, another subprotocol, silence) and
 * destroys the socket. Once open, a malformed or oversized frame ends the
 * stream with ws's error, and a close other than a normal one with an
 * error naming its code.
 */
export function openWebSocket(socket: TLSSocket, opts: OpenWebSocketOptions): Promise<Duplex> {
  return new Promise<Duplex>((resolve, reject) => {
    const ws = new WebSocket(`wss://${opts.authority}${opts.path}`, opts.protocol ? [opts.protocol] : [], {
      ...WS_CLIENT_OPTIONS,
      maxPayload: opts.maxPayload ?? WS_CLIENT_OPTIONS.maxPayload,
      createConnection: () => socket,
    });
    const timer = setTimeout(() => fail(`no answer to the WebSocket upgrade within ${opts.timeoutMs} ms`), opts.timeoutMs);
    function fail(why: string) {
      clearTimeout(timer);
      ws.off("open", onOpen);
      ws.off("error", onError);
      // terminate() reports the abandoned handshake as an error of its own.
      ws.on("error", () => {});
      ws.terminate();
      socket.destroy();
      reject(new DcaError("unavailable", why));
    }
    const onError = (e: Error) => fail(`the WebSocket upgrade failed: ${e.message}`);
    function onOpen() {
      clearTimeout(timer);
      ws.off("error", onError);
      // Made at once, before any message can arrive.
      const stream = createWebSocketStream(ws);
      // mqtt.js listens from when it is given the stream; an error before that must not be thrown as uncaught.
      stream.on("error", () => {});
      ws.once("close", (code: number, reason: Buffer) => {
        // 1005: a close frame without a code.
        const normal = code === 1000 || code === 1001 || code === 1005;
        if (stream.destroyed) return;
        if (normal) return stream.destroy();
        const peer = opts.peer ?? "the broker";
        const why = code === 1006 ? `the connection to ${peer} closed without a WebSocket close` : `${peer} closed the WebSocket: ${code} ${cleanText(reason.toString(), 100)}`;
        stream.destroy(closeError(why.trimEnd()));
      });
      resolve(stream);
    }
    ws.once("error", onError);
    ws.once("open", onOpen);
  });
}
