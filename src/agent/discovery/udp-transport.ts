/**
 * The network boundary of the prober: one UDP socket per address family,
 * behind an interface small enough to fake in tests (which is also how the
 * tests see every destination the prober ever sends to).
 */
import { ignoreIcmpErrors } from "./ignore-icmp-errors.ts";
import type { Family } from "../../common/ip-address.ts";

/** One packet to send. */
export interface Datagram {
  bytes: Uint8Array;
  port: number;
  address: string;
}

/** What a socket reports to its owner. */
export interface SocketHandlers {
  message(bytes: Uint8Array, port: number, address: string): void;
  /** The socket can take packets again after a send returned short without an error. */
  drain(): void;
  /** An ICMP error arrived (Bun reports them because it sets IP_RECVERR, unless the factory turned that off). */
  icmpError(): void;
}

/** A bound, unconnected datagram socket. */
export interface DatagramSocket {
  /**
   * Sends packets in order and returns how many left. A short count means the
   * next packet did not go: 0 without an exception means the socket is full
   * (wait for drain); otherwise the next call throws why. Throws when the
   * first packet fails; the error carries `code` (ECONNREFUSED, EACCES, ...).
   */
  sendMany(batch: readonly Datagram[]): number;
  close(): void;
}

/** Opens the socket for one family. */
export type SocketFactory = (family: Family, handlers: SocketHandlers) => Promise<DatagramSocket>;

/** How a Bun socket treats ICMP errors. */
export interface BunSocketOptions {
  /**
   * "ignore" (the default) turns IP_RECVERR off where that works (Linux), so
   * the kernel drops ICMP errors as it does for onesixtyone's socket: each one
   * otherwise costs tens of microseconds inside Bun and fails the next send.
   * "report" keeps Bun's behaviour: each reaches `icmpError` and the send path
   * copes (see sendResilient).
   */
  icmpErrors?: "ignore" | "report";
}

/** A factory of Bun.udpSocket sockets on an ephemeral port of the wildcard address. */
export function createBunSocketFactory(options: BunSocketOptions = {}): SocketFactory {
  const ignore = (options.icmpErrors ?? "ignore") === "ignore";
  return async (family, handlers) => {
    const socket = await Bun.udpSocket({
      hostname: family === 4 ? "0.0.0.0" : "::",
      binaryType: "uint8array",
      socket: {
        data: (_s, bytes, port, address) => handlers.message(bytes, port, address),
        drain: () => handlers.drain(),
        error: () => handlers.icmpError(),
      },
    });
    // `fd` is there at run time but not in bun-types; where this fails the socket still works,
    // with ICMP errors reported as before.
    if (ignore) ignoreIcmpErrors((socket as { fd?: unknown }).fd, family);
    const flat: (Uint8Array | number | string)[] = [];
    return {
      sendMany(batch) {
        flat.length = 0;
        for (const d of batch) flat.push(d.bytes, d.port, d.address);
        return socket.sendMany(flat);
      },
      close: () => socket.close(),
    };
  };
}

/** The default factory: Bun sockets that ignore ICMP errors where the platform lets them. */
export const bunSocketFactory: SocketFactory = createBunSocketFactory();

/** Counters kept by sendResilient. */
export interface SendCounters {
  /** Packets handed to the kernel. */
  sent: number;
  /** Send calls that failed and were retried. */
  sendErrors: number;
  /** Packets given up on after repeated failures (their probe times out and retries as usual). */
  sendFailures: number;
}

/** How often one packet is tried before it is given up on. */
const TRIES_PER_PACKET = 4;
/** Errors that mean "full, try later" rather than "this send failed". */
const WOULD_BLOCK = new Set(["EAGAIN", "EWOULDBLOCK", "ENOBUFS"]);

/**
 * Sends a batch through a shared socket that may fail any send.
 *
 * Why: Bun enables IP_RECVERR (the default factory turns it off where it
 * can, see ignore-icmp-errors.ts), so after an ICMP unreachable the NEXT send on
 * the socket fails (ECONNREFUSED) whatever its destination, and sendmmsg
 * stops at the failed packet. The failure usually belongs to an earlier
 * packet, so the packet is sent again; a packet that keeps failing (a
 * broadcast address, no route) is given up on rather than looping.
 *
 * Returns the index of the first packet not handled: batch.length unless the
 * socket is full, in which case the caller waits for drain and resumes there.
 */
export function sendResilient(socket: DatagramSocket, batch: readonly Datagram[], counters: SendCounters): number {
  let i = 0;
  let failures = 0;
  while (i < batch.length) {
    let n: number;
    try {
      n = socket.sendMany(i === 0 ? batch : batch.slice(i));
    } catch (e) {
      if (WOULD_BLOCK.has((e as { code?: string }).code ?? "")) return i;
      counters.sendErrors++;
      if (++failures >= TRIES_PER_PACKET) {
        counters.sendFailures++;
        i++;
        failures = 0;
      }
      continue;
    }
    if (n <= 0) return i;
    counters.sent += n;
    i += n;
    failures = 0;
  }
  return i;
}
