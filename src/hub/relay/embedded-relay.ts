/**
 * The hub's own SSH relay (ssh2's Server, no listener of its own): it takes
 * byte streams from a TCP listener or the /relay WebSocket, admits agents by
 * their registered Ed25519 key (user name = agent id), and accepts exactly one
 * thing from them: an OpenSSH streamlocal remote forward of a path the
 * ForwardPolicy allows. No shell, exec, subsystem, pty, -L or TCP -R: ssh2
 * refuses every channel type and global request we do not listen for, and we
 * listen for none but the forward. The bounds are in relay-limits.ts.
 */
import { timingSafeEqual } from "node:crypto";
import type { Duplex } from "node:stream";
import { type Algorithms, type AuthContext, type Connection, Server, utils } from "ssh2";
import { clientAddressOf } from "../server/connection-guard.ts";
import { parseAgentSshKey } from "./agent-ssh-key.ts";
import { type ForwardTable, createForwardTable } from "./forward-table.ts";
import type { RelayHostKey } from "./relay-host-key.ts";
import { RELAY_LIMITS, type RelayLimits } from "./relay-limits.ts";
import type { ForwardPolicy, TunnelDialer } from "./tunnel-dialer.ts";

/** What the relay asks of the hub's agents: the key registered for an agent allowed to connect. */
export interface RelayAgents {
  /** The canonical key ("ssh-ed25519 AAAA...") of `agentId` if it exists, is enabled and current, and has one. */
  registeredKey(agentId: string): string | undefined;
}

/** A byte stream carrying SSH, with the peer's address when known (TCP socket, or WebSocket stream). */
export type RelayStream = Duplex & { remoteAddress?: string; remotePort?: number };

export interface EmbeddedRelay {
  /** Takes a new connection (or refuses it, over the bounds). */
  accept(stream: RelayStream): void;
  dialer: TunnelDialer;
  /** Drops a forward (its session ended); true if it was up. */
  endForward(agentId: string, path: string): boolean;
  close(): void;
}

export interface EmbeddedRelayOptions {
  hostKey: RelayHostKey;
  agents: RelayAgents;
  policy: ForwardPolicy;
  limits?: Partial<RelayLimits>;
  log: (line: string) => void;
}

/** Key exchange, ciphers and MACs: modern ones only; no plain DH (slow under Bun, and old). */
export const RELAY_ALGORITHMS: Algorithms = {
  kex: ["curve25519-sha256", "curve25519-sha256@libssh.org", "ecdh-sha2-nistp256"],
  cipher: ["aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "aes128-ctr", "aes256-ctr"],
  hmac: ["hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com"],
  compress: ["none"],
};

const AGENT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_PATH_LENGTH = 256;

interface Peer {
  stream: RelayStream;
  address: string;
  since: number;
  authAttempts: number;
  agentId?: string;
  conn?: Connection;
  timer?: ReturnType<typeof setTimeout>;
}

export function createEmbeddedRelay(opts: EmbeddedRelayOptions): EmbeddedRelay {
  const limits = { ...RELAY_LIMITS, ...opts.limits };
  const { agents, policy, log } = opts;
  const peers = new Set<Peer>();
  const unauthenticated = new Set<Peer>();
  const byStream = new WeakMap<Duplex, Peer>();
  const keyOk = (agentId: string) => agents.registeredKey(agentId) !== undefined;
  const table: ForwardTable = createForwardTable(limits, (agentId, path) => keyOk(agentId) && policy.allows(agentId, path));
  const server = new Server({
    hostKeys: [opts.hostKey.privateKey],
    algorithms: RELAY_ALGORITHMS,
    ident: "dca-hub-relay",
    keepaliveInterval: limits.keepaliveIntervalMs,
    keepaliveCountMax: limits.keepaliveCountMax,
  });
  server.on("error", () => {});
  server.on("connection", (conn: Connection) => {
    // ssh2 names the stream it was given only as a private field; it is how we find our bookkeeping.
    const peer = byStream.get((conn as unknown as { _sock: Duplex })._sock);
    if (!peer) return conn.end();
    peer.conn = conn;
    // ssh2 only half-closes (end) on a keepalive timeout; a dead peer never answers that, so cut it.
    conn.on("error", (e: Error & { level?: string }) => {
      if (e.level === "client-timeout") peer.stream.destroy();
    });
    conn.on("authentication", (ctx) => authenticate(peer, ctx));
    conn.on("ready", () => admitted(peer));
    // ssh2's types list only the TCP requests; it emits the streamlocal ones too.
    conn.on("request", (accept, reject, kind, info) => {
      const name = kind as string;
      const path = (info as { socketPath?: unknown } | undefined)?.socketPath;
      if (name === "streamlocal-forward@openssh.com" && typeof path === "string") return forward(peer, path) ? accept?.() : reject?.();
      if (name === "cancel-streamlocal-forward@openssh.com" && typeof path === "string") {
        table.end(peer.agentId!, path, conn);
        return accept?.();
      }
      // tcpip-forward (ssh -R port): refused.
      reject?.();
    });
  });

  function authenticate(peer: Peer, ctx: AuthContext): void {
    if (++peer.authAttempts > limits.maxAuthAttempts) {
      ctx.reject();
      peer.stream.destroy();
      return;
    }
    if (ctx.method !== "publickey" || !AGENT_ID.test(ctx.username)) return ctx.reject(["publickey"]);
    const registered = agents.registeredKey(ctx.username);
    const key = registered === undefined ? undefined : parseAgentSshKey(registered);
    const blob = key && !("error" in key) ? key.blob : undefined;
    if (!blob || ctx.key.algo !== "ssh-ed25519" || ctx.key.data.length !== blob.length || !timingSafeEqual(ctx.key.data, blob)) {
      return ctx.reject(["publickey"]);
    }
    // Without a signature the client only asks whether this key would do (and then signs).
    if (!ctx.signature) return ctx.accept();
    const pub = utils.parseKey(ctx.key.data);
    if (pub instanceof Error || Array.isArray(pub) || pub.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) !== true) return ctx.reject(["publickey"]);
    peer.agentId = ctx.username;
    ctx.accept();
  }

  function admitted(peer: Peer): void {
    clearTimeout(peer.timer);
    unauthenticated.delete(peer);
    const same = [...peers].filter((p) => p !== peer && p.agentId === peer.agentId && !unauthenticated.has(p));
    // A new connection of an agent most often means its old one died unnoticed: the oldest goes.
    while (same.length >= limits.maxConnectionsPerAgent) same.shift()!.stream.destroy();
  }

  function forward(peer: Peer, path: string): boolean {
    const agentId = peer.agentId!;
    const ok = path.length <= MAX_PATH_LENGTH && table.countOf(peer.conn!) < limits.maxForwardsPerConnection && keyOk(agentId) && policy.allows(agentId, path);
    log(`relay: agent ${agentId} ${ok ? "forwards" : "was refused a forward of"} ${path.slice(0, 8)}... from ${peer.address}`);
    if (ok) table.add(agentId, path, peer.conn!);
    return ok;
  }

  function forget(peer: Peer): void {
    if (!peers.delete(peer)) return;
    unauthenticated.delete(peer);
    clearTimeout(peer.timer);
    if (peer.conn) table.dropConnection(peer.conn);
  }

  // Revoked agents and sessions that ended or expired lose their forwards (and connections) within a recheck.
  const recheck = setInterval(() => {
    try {
      for (const f of table.list()) if (!keyOk(f.agentId) || !policy.allows(f.agentId, f.path)) table.end(f.agentId, f.path);
      for (const p of peers) if (p.agentId && !unauthenticated.has(p) && !keyOk(p.agentId)) p.stream.destroy();
    } catch (e) {
      log(`relay: checking forwards failed: ${(e as Error).message}`);
    }
  }, limits.recheckIntervalMs);
  recheck.unref?.();

  return {
    accept(stream) {
      stream.on("error", () => {});
      const address = clientAddressOf(stream.remoteAddress);
      let fromThere = 0;
      for (const p of unauthenticated) if (p.address === address) fromThere++;
      if (peers.size >= limits.maxConnections || fromThere >= limits.maxUnauthenticatedPerAddress) {
        stream.destroy();
        return;
      }
      if (unauthenticated.size >= limits.maxUnauthenticated) {
        const oldest = unauthenticated.values().next().value!;
        oldest.stream.destroy();
        forget(oldest);
      }
      const peer: Peer = { stream, address, since: Date.now(), authAttempts: 0 };
      peers.add(peer);
      unauthenticated.add(peer);
      byStream.set(stream, peer);
      peer.timer = setTimeout(() => stream.destroy(), limits.authenticateWithinMs);
      peer.timer.unref?.();
      stream.once("close", () => forget(peer));
      server.injectSocket(stream as never);
    },
    dialer: table.dialer,
    endForward: (agentId, path) => table.end(agentId, path),
    close() {
      clearInterval(recheck);
      for (const p of [...peers]) {
        p.stream.destroy();
        forget(p);
      }
    },
  };
}
