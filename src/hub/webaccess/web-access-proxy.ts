/**
 * The technician's side of Device Web Access, on the hub's HTTPS port: a
 * request whose Host is `<label>.<domain>` is checked against its session
 * (session-gate.ts) and sent to the printer through the agent's tunnel
 * (forward-request.ts over the session's pool). A sweep every second ends
 * sessions past their time or idle limit, writes the byte counts to the
 * audit record, notices sessions ended elsewhere (`web-access close` runs in
 * another process) and tells `onEnded`, where the relay drops the forward.
 */
import { type Clock, systemClock } from "../../common/clock.ts";
import type { TunnelDialer } from "../relay/tunnel-dialer.ts";
import type { CertificateFacts, WebAccessSession, WebAccessStore, WebAccessUse } from "../store/index.ts";
import { type ProxyRequest, type ProxyResponse, RequestTooLarge, forwardRequest } from "./forward-request.ts";
import { type PoolLimits, type UpstreamPool, UpstreamError, createUpstreamPool } from "./upstream-pool.ts";
import { certificateFacts } from "./session-facts.ts";
import { checkGate, closedBecause } from "./session-gate.ts";
import { SESSION_INFO_PATH, page, sessionInfoPage } from "./session-pages.ts";
import { sessionLabelOf, sessionOrigin } from "./web-access-settings.ts";

/** Options of createWebAccessProxy. */
export interface WebAccessProxyOptions {
  store: WebAccessStore;
  dialer: TunnelDialer;
  /** Sessions are `<label>.<domain>`. */
  domain: string;
  /** The HTTPS port technicians reach the hub on (for the session origin). */
  port: number;
  clock?: Clock;
  /** A session ended (here or in another process): the relay drops its forward. Called once per session. */
  onEnded?: (s: WebAccessSession) => void;
  /** How often the sweep runs (default 1000 ms). */
  sweepMs?: number;
  pool?: Partial<PoolLimits>;
  /** A request with a valid session cookie / without one (the connection guard's pools). */
  onAdmitted?: (req: ProxyRequest) => void;
  onRefused?: (req: ProxyRequest) => void;
  log?: (line: string) => void;
}

/** The proxy, as the hub's server routes to it. */
export interface WebAccessProxy {
  /** Whether a request with this Host (or :authority) is for a session. */
  handles(host: string | undefined): boolean;
  handle(req: ProxyRequest, res: ProxyResponse): void;
  /** One sweep now (tests; it also runs on its timer). */
  sweep(): Promise<void>;
  close(): void;
}

interface Live {
  pool: UpstreamPool;
  use: WebAccessUse;
  lastActivity: number;
  certificate?: CertificateFacts;
  probing?: boolean;
  upNoted?: boolean;
}

const HTML = { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" };

/** Creates the proxy and starts its sweep. */
export function createWebAccessProxy(o: WebAccessProxyOptions): WebAccessProxy {
  const clock = o.clock ?? systemClock;
  const log = o.log ?? (() => {});
  const live = new Map<string, Live>();
  const told = new Set<string>();
  let lastSweep = clock.now();
  let stopped = false;

  const fresh = (): WebAccessUse => ({ bytesToDevice: 0, bytesFromDevice: 0, channels: 0, requests: 0 });

  function liveOf(s: WebAccessSession): Live {
    let l = live.get(s.id);
    if (l) return l;
    const entry: Live = { use: fresh(), lastActivity: clock.now(), certificate: s.certificate } as Live;
    entry.pool = createUpstreamPool({
      target: { agentId: s.agentId, forwardPath: s.forwardPath, address: s.address, tls: s.tls },
      dialer: o.dialer,
      clock,
      limits: o.pool,
      ended: () => (told.has(s.id) ? "ended" : undefined),
      onConnection(c) {
        entry.use.channels++;
        if (!entry.upNoted) o.store.recordWebAccessTunnelUp(s.id, entry.certificate);
        entry.upNoted = true;
        c.onBytes = (to, from) => {
          entry.use.bytesToDevice += to;
          entry.use.bytesFromDevice += from;
          entry.lastActivity = clock.now();
        };
      },
      onCertificate(c) {
        if (entry.certificate) return;
        entry.certificate = certificateFacts(c);
        o.store.recordWebAccessTunnelUp(s.id, entry.certificate);
      },
    });
    l = entry;
    live.set(s.id, l);
    return l;
  }

  function flush(id: string): void {
    const l = live.get(id);
    if (!l || (!l.use.requests && !l.use.channels && !l.use.bytesToDevice && !l.use.bytesFromDevice)) return;
    const use = { ...l.use, lastActivityAt: new Date(l.lastActivity) };
    l.use = fresh();
    o.store.recordWebAccessUse(id, use);
  }

  function ended(s: WebAccessSession): void {
    if (told.has(s.id)) return;
    told.add(s.id);
    flush(s.id);
    live.get(s.id)?.pool.close();
    live.delete(s.id);
    log(`web-access session ${s.id} (${s.address}:${s.port}) ended: ${s.endReason}`);
    try {
      o.onEnded?.(s);
    } catch (e) {
      log(`web-access session ${s.id}: dropping its forward failed: ${(e as Error).message}`);
    }
  }

  function end(s: WebAccessSession, reason: string): void {
    const r = o.store.endWebAccessSession(s.id, reason);
    if (r) ended(r.session);
  }

  function refuse(res: ProxyResponse, status: number, why: string): void {
    res.writeHead(status, HTML);
    res.end(page(status === 403 ? "Device Web Access: refused" : "Device Web Access: the printer could not be reached", [why]));
  }

  async function serve(req: ProxyRequest, res: ProxyResponse, label: string): Promise<void> {
    const now = clock.now();
    const verdict = checkGate(o.store, label, req.url ?? "/", req.headers.cookie, now);
    if (verdict.kind === "refuse") {
      o.onRefused?.(req);
      if (verdict.session && closedBecause(verdict.session, now) && !verdict.session.endedAt) end(verdict.session, "expired");
      return refuse(res, 403, verdict.why);
    }
    o.onAdmitted?.(req);
    if (verdict.kind === "enter") {
      res.writeHead(303, { location: verdict.location, "set-cookie": verdict.setCookie, "cache-control": "no-store" });
      return void res.end();
    }
    const s = verdict.session;
    const l = liveOf(s);
    l.lastActivity = now;
    l.use.requests++;
    if (req.url === SESSION_INFO_PATH) {
      res.writeHead(200, HTML);
      return void res.end(sessionInfoPage(s, l.certificate ?? s.certificate, new Date(now)));
    }
    const abort = new AbortController();
    res.once("close", () => abort.abort());
    const origin = sessionOrigin(s.label, { domain: o.domain, port: o.port });
    try {
      await forwardRequest(req, res, l.pool, s, origin, abort.signal);
    } catch (e) {
      if (res.headersSent) return void res.destroy();
      if (e instanceof RequestTooLarge) return refuse(res, 413, e.message);
      const status = e instanceof UpstreamError ? e.status : 502;
      refuse(res, status, e instanceof UpstreamError ? `${e.message}.` : `The tunnel to the printer failed: ${(e as Error).message}.`);
    } finally {
      l.lastActivity = clock.now();
    }
  }

  async function sweep(): Promise<void> {
    const now = clock.now();
    for (const s of o.store.listWebAccessSessions({ open: true })) {
      const l = live.get(s.id);
      const lastUse = Math.max(l?.lastActivity ?? 0, s.lastActivityAt?.getTime() ?? 0, s.openedAt.getTime());
      if (s.expiresAt.getTime() <= now) end(s, "expired");
      else if (now - lastUse >= s.idleSeconds * 1000) end(s, `idle for ${s.idleSeconds} s`);
      else {
        flush(s.id);
        // The tunnel came up: note it (`web-access open --wait` waits for this) and learn an HTTPS printer's certificate.
        if (!s.tunnelUpAt && o.dialer.isUp(s.agentId, s.forwardPath)) {
          if (!s.tls) o.store.recordWebAccessTunnelUp(s.id);
          else await probeCertificate(s);
        }
      }
    }
    for (const s of o.store.listWebAccessSessions({ endedSince: lastSweep - 2_000 })) ended(s);
    lastSweep = now;
  }

  async function probeCertificate(s: WebAccessSession): Promise<void> {
    const l = liveOf(s);
    if (l.probing) return;
    l.probing = true;
    const abort = new AbortController();
    const cancel = clock.setTimer(() => abort.abort(), 5_000);
    try {
      l.pool.release(await l.pool.acquire(abort.signal));
    } catch (e) {
      log(`web-access session ${s.id}: the printer's TLS certificate could not be read: ${(e as Error).message}`);
    } finally {
      cancel();
      l.probing = false;
    }
  }

  let cancelTimer = () => {};
  const every = o.sweepMs ?? 1000;
  const loop = () => {
    if (stopped) return;
    sweep()
      .catch((e) => log(`web-access sweep failed: ${(e as Error).message}`))
      .finally(() => {
        if (!stopped) cancelTimer = clock.setTimer(loop, every);
      });
  };
  cancelTimer = clock.setTimer(loop, every);

  return {
    handles: (host) => sessionLabelOf(host, o.domain) !== undefined,
    handle(req, res) {
      const host = (req.headers[":authority"] as string | undefined) ?? req.headers.host;
      serve(req, res, sessionLabelOf(host, o.domain)!).catch((e) => {
        log(`web-access request failed: ${(e as Error).message}`);
        if (!res.headersSent) refuse(res, 502, "The proxy failed.");
        else res.destroy();
      });
    },
    sweep,
    close() {
      stopped = true;
      cancelTimer();
      for (const id of live.keys()) flush(id);
      for (const l of live.values()) l.pool.close();
      live.clear();
    },
  };
}
