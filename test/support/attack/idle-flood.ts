/**
 * Issue 11's third attack on the hub: a flood of idle connections from many
 * loopback addresses, kept up as the hub closes them (each one it drops is
 * opened again). Raw TCP connections never start TLS; TLS ones finish the
 * handshake and then say nothing (no HTTP/2 preface).
 */
import { type Socket, connect as tcpConnect } from "node:net";
import { connect as tlsConnect } from "node:tls";

export interface IdleFloodOptions {
  port: number;
  /** Local addresses (127.0.0.0/8) to connect from. */
  addresses: readonly string[];
  perAddress: number;
  /** Which connections do TLS: none (raw TCP), every other one, or all. */
  tls?: "none" | "half" | "all";
  /** Open a connection again when the hub closes it (default true). */
  reopen?: boolean;
  /** Wait before opening again, ms (default 20). */
  reopenAfterMs?: number;
}

export interface IdleFlood {
  /** Connections open now. */
  size(): number;
  /** Connections opened so far, and closed by the hub (not by stop()). */
  readonly counts: { opened: number; closedByHub: number };
  /** Closes every connection and opens no more. */
  stop(): void;
}

export function startIdleFlood(opts: IdleFloodOptions): IdleFlood {
  const open = new Set<Socket>();
  const counts = { opened: 0, closedByHub: 0 };
  let stopped = false;
  const connect = (address: string, tls: boolean) => {
    if (stopped) return;
    const s: Socket = tls
      ? tlsConnect({ host: "127.0.0.1", port: opts.port, localAddress: address, rejectUnauthorized: false, servername: "localhost", ALPNProtocols: ["h2"] } as Parameters<typeof tlsConnect>[0])
      : tcpConnect({ host: "127.0.0.1", port: opts.port, localAddress: address });
    counts.opened++;
    s.on("error", () => {});
    open.add(s);
    s.on("close", () => {
      open.delete(s);
      if (stopped) return;
      counts.closedByHub++;
      // Keep the flood up: every connection the hub drops comes back.
      if (opts.reopen ?? true) setTimeout(() => connect(address, tls), opts.reopenAfterMs ?? 20);
    });
  };
  let i = 0;
  for (const address of opts.addresses) {
    for (let k = 0; k < opts.perAddress; k++, i++) connect(address, opts.tls === "all" || (opts.tls === "half" && i % 2 === 1));
  }
  return {
    size: () => open.size,
    counts,
    stop() {
      stopped = true;
      for (const s of open) s.destroy();
    },
  };
}

/** `n` loopback addresses from 127.`second`.0.1 on (250 per third octet). */
export function loopbackAddresses(second: number, n: number): string[] {
  return Array.from({ length: n }, (_, a) => `127.${second}.${Math.floor(a / 250)}.${(a % 250) + 1}`);
}
