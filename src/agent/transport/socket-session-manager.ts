/**
 * An HTTP/2 session manager for connect-node that runs each session over a
 * socket we open ourselves. connect-node's own manager opens connections
 * with a synchronous createConnection, which cannot wait for a proxy's
 * CONNECT answer; this one awaits `open()` and then hands the ready TLS
 * socket to http2.connect. One session at a time, reopened on demand after
 * it closes, fails or idles out.
 */
import * as http2 from "node:http2";
import type { Duplex } from "node:stream";
import { Code, ConnectError } from "@connectrpc/connect";
import type { GrpcTransportOptions } from "@connectrpc/connect-node";

// connect-node does not export the interface by name; it is the type of this option.
type NodeHttp2ClientSessionManager = NonNullable<GrpcTransportOptions["sessionManager"]>;

/** A session manager that can be shut. */
export interface SocketSessionManager extends NodeHttp2ClientSessionManager {
  /** Closes the session and fails later requests. */
  close(): void;
}

/** Options of createSocketSessionManager. */
export interface SocketSessionManagerOptions {
  /** The origin requests go to ("https://host:port"). */
  authority: string;
  /** Opens a connected socket that already negotiated h2. */
  open: () => Promise<Duplex>;
  /** A session without streams for this long is closed (default 60 s): proxies drop idle tunnels anyway. */
  idleTimeoutMs?: number;
}

/** Creates the manager; nothing connects before the first request. */
export function createSocketSessionManager(opts: SocketSessionManagerOptions): SocketSessionManager {
  const idleTimeoutMs = opts.idleTimeoutMs ?? 60_000;
  let session: http2.ClientHttp2Session | undefined;
  let opening: Promise<http2.ClientHttp2Session> | undefined;
  let closed = false;
  let streams = 0;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  const usable = (s: http2.ClientHttp2Session | undefined) => s !== undefined && !s.closed && !s.destroyed;

  async function connect(): Promise<http2.ClientHttp2Session> {
    const socket = await opts.open();
    if (closed) {
      socket.destroy();
      throw closedError();
    }
    const s = http2.connect(opts.authority, { createConnection: () => socket });
    await new Promise<void>((resolve, reject) => {
      s.once("connect", () => resolve());
      s.once("error", reject);
    });
    const forget = () => {
      if (session === s) session = undefined;
    };
    // A session error also fails its streams, which is where callers see it.
    s.on("error", forget);
    s.on("close", forget);
    s.on("goaway", forget);
    return s;
  }

  async function get(): Promise<http2.ClientHttp2Session> {
    if (closed) throw closedError();
    if (usable(session)) return session!;
    opening ??= connect().finally(() => (opening = undefined));
    session = await opening;
    return session;
  }

  function track(s: http2.ClientHttp2Session, stream: http2.ClientHttp2Stream): void {
    streams++;
    clearTimeout(idleTimer);
    stream.once("close", () => {
      streams--;
      // A stream reset for anything but "no error" or "cancel" (the hub's ENHANCE_YOUR_CALM after an
      // oversize request, PROTOCOL_ERROR...) can leave the session refusing every later stream: start afresh.
      const rst = stream.rstCode ?? 0;
      if (rst !== http2.constants.NGHTTP2_NO_ERROR && rst !== http2.constants.NGHTTP2_CANCEL && session === s) {
        session = undefined;
        s.close();
      }
      if (streams > 0) return;
      idleTimer = setTimeout(() => {
        if (streams === 0) s.close();
      }, idleTimeoutMs);
      idleTimer.unref?.();
    });
  }

  return {
    authority: opts.authority,
    async request(method, path, headers, options) {
      // A session can die between the check and the request (the hub restarted, a proxy dropped the tunnel): one fresh try.
      for (let attempt = 0; ; attempt++) {
        const s = await get();
        try {
          const stream = s.request({ ...headers, ":method": method, ":path": path }, options);
          track(s, stream);
          return stream;
        } catch (e) {
          if (attempt === 0 && (s.closed || s.destroyed)) {
            if (session === s) session = undefined;
            continue;
          }
          throw e;
        }
      }
    },
    notifyResponseByteRead() {
      // No keep-alive pings to postpone: idle sessions are simply closed and reopened.
    },
    close() {
      closed = true;
      clearTimeout(idleTimer);
      session?.destroy();
      session = undefined;
    },
  };
}

function closedError(): ConnectError {
  return new ConnectError("the hub transport is closed", Code.Canceled);
}
