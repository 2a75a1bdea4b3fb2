/**
 * The agent's line to its hub: gRPC over HTTP/2 over TLS, dialled out,
 * directly or through the site's HTTP proxy, trusting exactly the hub's CA
 * when the agent knows it. Everything on it is a plain Transport, so the
 * clients built on it do not know about proxies or pins.
 */
import { Code, ConnectError, type Interceptor, type Transport } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { normalizeFingerprint, parseHubUrl } from "./hub-endpoint.ts";
import { type HubTrust, openHubSocket } from "./hub-socket.ts";
import { type ProxyEnv, chooseProxy } from "./proxy-config.ts";
import { createSocketSessionManager } from "./socket-session-manager.ts";

/** How to reach and trust the hub. */
export interface HubTransportOptions {
  /** "https://host:port" (http:// is refused). */
  hubUrl: string;
  /** Trust exactly this CA (the hub's own); without it and without a pin, the system roots. */
  caPem?: string;
  /** "sha256:HEX": accept the hub only if its chain leads to a certificate with this fingerprint; the host name is still checked. */
  caFingerprint?: string;
  /** "http://[user:pass@]host:port"; when absent, HTTPS_PROXY / https_proxy unless NO_PROXY names the hub. */
  proxy?: { url: string };
  /** The "authorization" header for every call ("Bearer <agentId>.<secret>"); undefined sends none. */
  bearer?: () => string | undefined;
  /** Per call, including connecting; default 30 s. */
  timeoutMs?: number;
  /** The environment to read proxy variables from (default process.env). */
  env?: ProxyEnv;
}

/** A transport to the hub and the means to close its connection. */
export interface HubTransport {
  transport: Transport;
  close(): void;
}

/**
 * Creates the transport; it connects on the first call and reconnects when
 * needed. Invalid options throw here. Calls fail with a ConnectError:
 * Unavailable for anything between agent and hub (proxy, network, TLS, pin),
 * with a message naming the hub or proxy (never a password or the bearer);
 * other codes come from the hub. Call close() when done: an idle
 * connection otherwise stays open for up to a minute.
 */
export function createHubTransport(opts: HubTransportOptions): HubTransport {
  const hub = parseHubUrl(opts.hubUrl);
  const pin = opts.caFingerprint === undefined ? undefined : normalizeFingerprint(opts.caFingerprint);
  const proxy = chooseProxy(hub, opts.proxy, opts.env);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const trust: HubTrust = { kind: "verify", caPem: opts.caPem, pin };
  const sessions = createSocketSessionManager({
    authority: hub.origin,
    open: () => openHubSocket({ hub, proxy, trust, timeoutMs }),
  });
  const interceptors: Interceptor[] = [closedByHub(hub.origin)];
  const bearer = opts.bearer;
  if (bearer) {
    interceptors.push((next) => (req) => {
      const value = bearer();
      if (value) req.header.set("authorization", value);
      return next(req);
    });
  }
  const transport = createGrpcTransport({
    baseUrl: hub.baseUrl,
    // The gRPC transport is HTTP/2 only; our manager supplies the sessions.
    sessionManager: sessions,
    interceptors,
    defaultTimeoutMs: timeoutMs,
  });
  return { transport, close: () => sessions.close() };
}

/** HTTP/2's words for a connection the hub closed under a call (GOAWAY when it restarts or stops). */
const CLOSED_SESSION = /GOAWAY|session has been destroyed|ERR_HTTP2_(GOAWAY_SESSION|INVALID_SESSION)/;

/**
 * A call caught by the hub closing its connection (a restart, a stop) is
 * the hub being unavailable, and is said so, not as an internal error with
 * HTTP/2's words; the caller's next try opens a new connection.
 */
export function closedByHub(origin: string): Interceptor {
  return (next) => async (req) => {
    try {
      return await next(req);
    } catch (e) {
      const err = ConnectError.from(e);
      const cause = err.cause as NodeJS.ErrnoException | undefined;
      // The gRPC transport wraps HTTP/2's errors as Internal (Unknown when one reaches us bare).
      if ((err.code !== Code.Internal && err.code !== Code.Unknown) || !CLOSED_SESSION.test(`${err.rawMessage} ${cause?.code ?? ""}`)) throw e;
      throw new ConnectError(`the hub ${origin} closed the connection (restarting or stopping?); it is tried again`, Code.Unavailable, undefined, undefined, e);
    }
  };
}
