/**
 * Keeps the hub's API port serving under a flood of connections: caps in
 * all, per client address, and for connections that have not authenticated
 * (the oldest of those makes room for a new one, so a flood of idle
 * connections cannot lock out an agent or an activation); closes idle ones,
 * those that never authenticate, and calls that never finish. The limits
 * are in connection-limits.ts.
 */
import { readFileSync } from "node:fs";
import type { Http2SecureServer, Http2Session, ServerHttp2Stream } from "node:http2";
import type { Socket } from "node:net";
import { constants } from "node:http2";
import { parseIp, formatIp } from "../../common/ip-address.ts";
import type { ConnectionLimits } from "./connection-limits.ts";

interface Connection {
  socket: Socket;
  address: string;
  authenticated: boolean;
  /** Handed to the MQTT broker (WebSocket), which has its own timeouts and login. */
  upgraded: boolean;
  streams: number;
  session?: Http2Session;
  timer?: ReturnType<typeof setTimeout>;
}

/** What the front door and the upgrade path tell the guard about a connection. */
export interface ConnectionGuard {
  /** A call on this connection carried a valid credential: it leaves the unauthenticated pool. */
  authenticated(peer: PeerSocket): void;
  /** A call on this connection had no valid credential: close it once its calls are done. */
  unauthenticated(peer: PeerSocket): void;
  /** The connection became MQTT over WebSocket. */
  upgraded(peer: PeerSocket): void;
  close(): void;
}

/** The parts of a socket (or of http2's socket proxy) the guard reads. */
export interface PeerSocket {
  remoteAddress?: string;
  remotePort?: number;
}

const peerKey = (s: PeerSocket) => `${s.remoteAddress}|${s.remotePort}`;

/** The address a client is counted by: IPv4 as is, IPv6 by its /64 (one subscriber's usual share). */
export function clientAddressOf(remote: string | undefined): string {
  const ip = parseIp(remote ?? "");
  if (!ip) return remote ?? "unknown";
  return ip.family === 4 ? formatIp(4, ip.value) : `${formatIp(6, (ip.value >> 64n) << 64n)}/64`;
}

/** The soft limit on open files from /proc (Linux), or undefined. */
function openFileLimit(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync("/proc/self/limits", "utf8"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Watches `server`'s connections and sessions under `limits`; logs refusals at most once a minute, with counts. */
export function guardConnections(server: Http2SecureServer, limits: ConnectionLimits, log: (line: string) => void): ConnectionGuard {
  const fdLimit = openFileLimit();
  const maxConnections = fdLimit ? Math.max(64, Math.min(limits.maxConnections, fdLimit - limits.fdReserve)) : limits.maxConnections;
  const byPeer = new Map<string, Connection>();
  const sessions = new WeakMap<Http2Session, Connection>();
  /** Unauthenticated connections in all, and per address oldest first (a Set keeps insertion order). */
  const unauthenticated = new Set<Connection>();
  const perAddress = new Map<string, { all: number; unauthenticated: Set<Connection> }>();
  const dropped = new Map<string, number>();
  const note = (why: string) => dropped.set(why, (dropped.get(why) ?? 0) + 1);
  const report = setInterval(() => {
    if (dropped.size === 0) return;
    log(`connections dropped in the last minute: ${[...dropped].map(([why, n]) => `${n} ${why}`).join(", ")} (limits: docs/security.md)`);
    dropped.clear();
  }, 60_000);
  report.unref?.();

  const countOf = (address: string) => perAddress.get(address) ?? perAddress.set(address, { all: 0, unauthenticated: new Set() }).get(address)!;
  const setTimer = (c: Connection, ms: number, why: string) => {
    clearTimeout(c.timer);
    c.timer = setTimeout(() => {
      note(why);
      // GOAWAY first, so a client starting a call learns to open a new connection; then the socket.
      c.session?.close();
      c.timer = setTimeout(() => c.socket.destroy(), 1_000);
      c.timer.unref?.();
    }, ms);
    c.timer.unref?.();
  };
  const leavePool = (c: Connection) => {
    unauthenticated.delete(c);
    countOf(c.address).unauthenticated.delete(c);
  };
  const forget = (c: Connection) => {
    if (byPeer.get(peerKey(c.socket)) !== c) return;
    byPeer.delete(peerKey(c.socket));
    clearTimeout(c.timer);
    leavePool(c);
    const n = countOf(c.address);
    if (--n.all === 0) perAddress.delete(c.address);
  };

  server.on("connection", (socket: Socket) => {
    const address = clientAddressOf(socket.remoteAddress);
    const n = countOf(address);
    const refuse = byPeer.size >= maxConnections ? "over the connection cap" : n.all >= limits.maxPerAddress ? "over the per-address cap" : n.unauthenticated.size >= limits.maxUnauthenticatedPerAddress ? "unauthenticated over the per-address cap" : undefined;
    if (refuse) {
      if (n.all === 0) perAddress.delete(address);
      note(refuse);
      socket.destroy();
      return;
    }
    if (unauthenticated.size >= limits.maxUnauthenticated) {
      // Room is made at the address holding the most, so a client with one connection keeps it
      // while a flood from fewer addresses than the pool's size churns only its own.
      let most = n.unauthenticated;
      for (const other of perAddress.values()) if (other.unauthenticated.size > most.size) most = other.unauthenticated;
      const oldest = most.values().next().value ?? unauthenticated.values().next().value!;
      note("unauthenticated, closed for a newer one");
      forget(oldest);
      oldest.socket.destroy();
    }
    const c: Connection = { socket, address, authenticated: false, upgraded: false, streams: 0 };
    byPeer.set(peerKey(socket), c);
    n.all++;
    n.unauthenticated.add(c);
    unauthenticated.add(c);
    setTimer(c, Math.min(limits.authenticateWithinMs, limits.idleTimeoutMs), "not authenticated in time");
    socket.once("close", () => forget(c));
  });

  server.on("session", (session: Http2Session) => {
    const c = session.socket && byPeer.get(peerKey(session.socket));
    if (!c) return;
    c.session = session;
    sessions.set(session, c);
  });

  server.on("stream", (stream: ServerHttp2Stream) => {
    const c = sessions.get(stream.session as Http2Session);
    if (!c) return;
    c.streams++;
    if (c.authenticated) clearTimeout(c.timer);
    const deadline = setTimeout(() => {
      note("call past its deadline");
      stream.close(constants.NGHTTP2_CANCEL);
    }, limits.streamDeadlineMs);
    deadline.unref?.();
    stream.once("close", () => {
      clearTimeout(deadline);
      if (--c.streams === 0 && c.authenticated && !c.upgraded) setTimer(c, limits.idleTimeoutMs, "idle");
    });
  });

  const find = (peer: PeerSocket) => byPeer.get(peerKey(peer));
  return {
    authenticated(peer) {
      const c = find(peer);
      if (!c || c.authenticated) return;
      c.authenticated = true;
      leavePool(c);
      if (c.streams > 0) clearTimeout(c.timer);
    },
    unauthenticated(peer) {
      const c = find(peer);
      if (!c || c.authenticated) return;
      // Its other calls may finish; it gets no new ones (GOAWAY), and goes within a second.
      setTimer(c, 0, "refused credential");
    },
    upgraded(peer) {
      const c = find(peer);
      if (!c) return;
      c.upgraded = true;
      leavePool(c);
      clearTimeout(c.timer);
    },
    close() {
      clearInterval(report);
      for (const c of byPeer.values()) clearTimeout(c.timer);
    },
  };
}
