/**
 * One session's connections to its printer, through the tunnel: kept alive
 * and reused across the browser's requests (a browser on HTTP/2 sends them
 * all on one connection, so they cannot map one to one), at most
 * `maxConnections` at once, the rest wait their turn in a bounded queue.
 * A tunnel that is not up yet is waited for a bounded time (the agent is
 * reacting to the nudge); an HTTPS printer is spoken to with TLS through
 * the stream, its certificate accepted and its facts handed to `onCertificate`.
 */
import tls from "node:tls";
import { isIP } from "node:net";
import type { Duplex } from "node:stream";
import { type Clock, sleep } from "../../common/clock.ts";
import { type TunnelDialer, TunnelUnavailableError } from "../relay/tunnel-dialer.ts";
import { type UpstreamConnection, createUpstreamConnection } from "./http1-upstream.ts";

/** Why no connection could be had; `status` is what the browser is told. */
export class UpstreamError extends Error {
  override readonly name = "UpstreamError";
  constructor(
    readonly status: 502 | 503 | 504,
    message: string,
  ) {
    super(message);
  }
}

/** What a pool needs to know of its session. */
export interface PoolTarget {
  agentId: string;
  forwardPath: string;
  address: string;
  tls: boolean;
}

/** Pool limits. */
export interface PoolLimits {
  /** Tunnel connections at once (the agent allows MAX_WEB_ACCESS_CHANNELS). */
  maxConnections: number;
  /** Requests waiting for a connection; more get 503. */
  maxWaiting: number;
  /** How long a request waits for the tunnel to come up. */
  tunnelWaitMs: number;
  /** An unused kept connection is closed after this. */
  keepIdleMs: number;
}

/** Defaults: a browser opens about six connections per host; the agent allows 32 channels. */
export const POOL_LIMITS: PoolLimits = { maxConnections: 8, maxWaiting: 64, tunnelWaitMs: 20_000, keepIdleMs: 30_000 };

/** A session's connections. */
export interface UpstreamPool {
  /** A connection for one request; give it back with `release` when its response body is read. */
  acquire(signal: AbortSignal): Promise<UpstreamConnection>;
  release(c: UpstreamConnection): void;
  /** Closes every connection; later acquires fail. */
  close(): void;
}

/** Options of createUpstreamPool. */
export interface UpstreamPoolOptions {
  target: PoolTarget;
  dialer: TunnelDialer;
  clock: Clock;
  limits?: Partial<PoolLimits>;
  onConnection?: (c: UpstreamConnection) => void;
  onCertificate?: (c: tls.PeerCertificate) => void;
  /** Why the session ended, once it has; acquire then fails with this. */
  ended?: () => string | undefined;
}

/** Creates the pool of one session. */
export function createUpstreamPool(o: UpstreamPoolOptions): UpstreamPool {
  const limits = { ...POOL_LIMITS, ...o.limits };
  const idle: { c: UpstreamConnection; cancel: () => void }[] = [];
  const all = new Set<UpstreamConnection>();
  const waiting: (() => void)[] = [];
  let closed = false;

  async function dialOnce(signal: AbortSignal): Promise<Duplex> {
    const deadline = o.clock.monotonic() + limits.tunnelWaitMs;
    for (;;) {
      const why = o.ended?.();
      if (why) throw new UpstreamError(502, `the session ended (${why})`);
      try {
        return await o.dialer.dial(o.target.agentId, o.target.forwardPath, signal);
      } catch (e) {
        if (!(e instanceof TunnelUnavailableError)) throw new UpstreamError(502, `the tunnel could not reach the printer: ${(e as Error).message}`);
        if (signal.aborted) throw new UpstreamError(502, "the request was canceled");
        if (o.clock.monotonic() >= deadline) {
          throw new UpstreamError(504, `the agent's tunnel did not come up within ${Math.round(limits.tunnelWaitMs / 1000)} s (${e.message}); the agent may be offline, or web access is off at its site`);
        }
        await sleep(o.clock, 250, signal);
      }
    }
  }

  async function open(signal: AbortSignal): Promise<UpstreamConnection> {
    let stream = await dialOnce(signal);
    if (o.target.tls) stream = await startTls(stream, o.target.address, o.onCertificate);
    const c = createUpstreamConnection(stream);
    all.add(c);
    stream.once("close", () => forget(c));
    o.onConnection?.(c);
    return c;
  }

  function forget(c: UpstreamConnection): void {
    if (!all.delete(c)) return;
    const i = idle.findIndex((x) => x.c === c);
    if (i >= 0) idle.splice(i, 1)[0].cancel();
    waiting.shift()?.();
  }

  return {
    async acquire(signal) {
      for (;;) {
        if (closed) throw new UpstreamError(502, `the session ended (${o.ended?.() ?? "closed"})`);
        const kept = idle.pop();
        if (kept) {
          kept.cancel();
          if (kept.c.reusable) return kept.c;
          kept.c.destroy();
          continue;
        }
        if (all.size < limits.maxConnections) {
          // Counted before the dial resolves, so a burst does not overshoot the limit.
          const placeholder = { destroy() {} } as UpstreamConnection;
          all.add(placeholder);
          try {
            return await open(signal);
          } finally {
            all.delete(placeholder);
          }
        }
        if (waiting.length >= limits.maxWaiting) throw new UpstreamError(503, `${waiting.length} requests are already waiting for this printer; try again`);
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
    },
    release(c) {
      if (closed || !c.reusable) {
        c.destroy();
        forget(c);
        return;
      }
      const entry = { c, cancel: o.clock.setTimer(() => (c.destroy(), forget(c)), limits.keepIdleMs) };
      idle.push(entry);
      waiting.shift()?.();
    },
    close() {
      closed = true;
      for (const c of [...all]) c.destroy();
      all.clear();
      for (const w of waiting.splice(0)) w();
      for (const x of idle.splice(0)) x.cancel();
    },
  };
}

/** TLS over the tunnel stream; the printer's certificate is accepted whoever issued it, and reported. */
function startTls(stream: Duplex, address: string, onCertificate?: (c: tls.PeerCertificate) => void): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ socket: stream as never, rejectUnauthorized: false, servername: isIP(address) ? undefined : address });
    socket.once("secureConnect", () => {
      socket.off("error", fail);
      onCertificate?.(socket.getPeerCertificate());
      resolve(socket);
    });
    const fail = (e: Error) => {
      stream.destroy();
      reject(new UpstreamError(502, `the TLS handshake with the printer failed: ${e.message}`));
    };
    socket.once("error", fail);
  });
}
