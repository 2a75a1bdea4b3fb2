/**
 * A fake SocketFactory for prober tests: records every datagram the prober
 * hands to a socket (so a test can prove where packets went), can fail
 * sends the way Bun does after an ICMP error, and delivers replies written
 * by the test. No packet leaves the process.
 */
import type { Family } from "../../../common/ip-address.ts";
import type { Datagram, DatagramSocket, SocketFactory, SocketHandlers } from "../udp-transport.ts";

/** A reply to deliver: from address:port, after `delayMs`. */
export interface FakeReply {
  bytes: Uint8Array;
  address: string;
  port: number;
  delayMs?: number;
}

/** Decides what comes back for one datagram sent; also sees the family and the time it was sent. */
export type FakeResponder = (sent: Datagram & { family: Family }) => FakeReply[] | void;

export interface FakeNetwork {
  factory: SocketFactory;
  /** Every datagram handed to the kernel, in order. */
  readonly sent: (Datagram & { family: Family; at: number })[];
  /** Send calls that threw. */
  failures: number;
  /** Sockets opened and still open. */
  readonly openSockets: number;
  /** Delivers a datagram to the prober's socket of `family`, as if it came from address:port. */
  inject(family: Family, bytes: Uint8Array, address: string, port: number): void;
}

export interface FakeNetworkOptions {
  /**
   * Return an error code (e.g. "ECONNREFUSED") to fail this datagram of send call number `call`.
   * Like sendmmsg, a failure at the first datagram throws, a later one cuts the batch short.
   */
  failSend?: (call: number, datagram: Datagram) => string | undefined;
  /** Accept at most this many packets per call (models a short sendmmsg). */
  maxPerCall?: number;
}

/** Creates a fake network; `respond` answers datagrams (default: silence). */
export function createFakeNetwork(respond: FakeResponder = () => {}, options: FakeNetworkOptions = {}): FakeNetwork {
  const handlers = new Map<Family, SocketHandlers>();
  let calls = 0;
  let open = 0;
  const net: FakeNetwork = {
    sent: [],
    failures: 0,
    get openSockets() {
      return open;
    },
    inject(family, bytes, address, port) {
      handlers.get(family)?.message(bytes, port, address);
    },
    factory: async (family, h) => {
      handlers.set(family, h);
      open++;
      let closed = false;
      const socket: DatagramSocket = {
        sendMany(batch) {
          if (closed) throw new Error("socket is closed");
          const call = ++calls;
          let n = Math.min(batch.length, options.maxPerCall ?? batch.length);
          for (let i = 0; i < n; i++) {
            const code = options.failSend?.(call, batch[i]);
            if (!code) continue;
            if (i > 0) n = i;
            else {
              net.failures++;
              throw Object.assign(new Error(`${code}: send failed`), { code });
            }
          }
          for (let i = 0; i < n; i++) {
            const d = { ...batch[i], bytes: batch[i].bytes.slice(), family, at: performance.now() };
            net.sent.push(d);
            for (const r of respond(d) ?? []) {
              setTimeout(() => !closed && h.message(r.bytes, r.port, r.address), r.delayMs ?? 1);
            }
          }
          return n;
        },
        close() {
          if (!closed) open--;
          closed = true;
        },
      };
      return socket;
    },
  };
  return net;
}
