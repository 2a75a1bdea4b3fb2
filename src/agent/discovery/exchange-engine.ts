/**
 * The shared-socket request/response engine under the prober: every probe
 * and follow-up GET is an Exchange identified by a random 31-bit id on ONE
 * socket per family. It paces sends (token bucket), times out and resends,
 * and matches replies by id, source address and port. A bad packet is
 * counted and dropped; nothing a peer sends can throw out of here.
 */
import type { Clock } from "../../common/clock.ts";
import { CLOSED, type Exchange, type ExchangeOwner, QUEUED, WAITING } from "./exchange.ts";
import { createFifo } from "./fifo.ts";
import { type Family, addressKey } from "../../common/ip-address.ts";
import { MAX_REQUEST_ID, MIN_REQUEST_ID, type Reply, decodeReply } from "./probe-packets.ts";
import { createTokenBucket } from "./token-bucket.ts";
import { type Datagram, type DatagramSocket, type SendCounters, type SocketFactory, sendResilient } from "./udp-transport.ts";

/** Packet counters of the engine. */
export interface EngineCounters extends SendCounters {
  received: number;
  /** Replies that matched a request. */
  matched: number;
  malformed: number;
  unknownId: number;
  wrongSource: number;
  mismatched: number;
  icmpErrors: number;
  retransmits: number;
}

export interface EngineOptions {
  timeoutMs: number;
  rate: number;
  burst?: number;
  clock: Clock;
  socketFactory: SocketFactory;
  random: () => number;
}

export interface ExchangeEngine {
  /** Registers an exchange under a fresh id and queues it; `urgent` goes before queued probes. */
  submit(ex: Exchange<any>, urgent?: boolean): void;
  /** Forgets an exchange: late replies to it count as unknown. */
  close(ex: Exchange<any>): void;
  /** Forgets every open exchange of `owner` (a cancelled sweep), without calling it back. */
  closeAll(owner: ExchangeOwner<any>): void;
  /** Asked for more work when the send queue runs dry; returns false when it has none now. */
  setFeed(feed: (() => boolean) | undefined): void;
  /** Asks for a pump soon (after work was added or a window slot freed). */
  kick(): void;
  readonly counters: EngineCounters;
  shutdown(): void;
}

/** Packets sent per pump before yielding to the event loop so replies are read. */
const PUMP_SLICE = 256;

/** Creates the engine; sockets open on first use. */
export function createExchangeEngine(opt: EngineOptions): ExchangeEngine {
  const { clock, timeoutMs } = opt;
  const bucket = createTokenBucket(opt.rate, clock, opt.burst);
  const open = new Map<number, Exchange<any>>();
  const urgent = createFifo<Exchange<any>>();
  const fresh = createFifo<Exchange<any>>();
  // In send order; the timeout is one constant, so deadlines are too. An exchange is in here at most once.
  const deadlines = createFifo<Exchange<any>>();
  const sockets = new Map<Family, DatagramSocket | "opening" | "failed">();
  let feed: (() => boolean) | undefined;
  let timer: (() => void) | undefined;
  let timerAt = Infinity;
  let stopped = false;
  const counters: EngineCounters = {
    sent: 0, sendErrors: 0, sendFailures: 0, received: 0, matched: 0, malformed: 0,
    unknownId: 0, wrongSource: 0, mismatched: 0, icmpErrors: 0, retransmits: 0,
  };

  const schedule = (ms: number) => {
    if (stopped) return;
    const at = clock.monotonic() + ms;
    if (timer && timerAt <= at) return;
    timer?.();
    timerAt = at;
    timer = clock.setTimer(() => {
      timer = undefined;
      timerAt = Infinity;
      pump();
    }, ms);
  };

  const closeEx = (ex: Exchange<any>) => {
    ex.state = CLOSED;
    open.delete(ex.id);
  };

  const openSocket = (family: Family) => {
    sockets.set(family, "opening");
    opt
      .socketFactory(family, { message: receive, drain: () => schedule(0), icmpError: () => counters.icmpErrors++ })
      .then(
        (s) => {
          if (stopped) return s.close();
          sockets.set(family, s);
          schedule(0);
        },
        () => {
          sockets.set(family, "failed");
          schedule(0);
        },
      );
  };

  function receive(bytes: Uint8Array, port: number, address: string): void {
    counters.received++;
    let reply: Reply;
    try {
      reply = decodeReply(bytes);
    } catch {
      counters.malformed++;
      return;
    }
    const ex = open.get(reply.id);
    if (!ex) return void counters.unknownId++;
    // An id is only as good as the address it was sent to: anyone can guess ids.
    if (port !== ex.port || (address !== ex.address && addressKey(address) !== addressKey(ex.address))) {
      return void counters.wrongSource++;
    }
    if (!ex.owner.accepts(ex, reply)) return void counters.mismatched++;
    counters.matched++;
    closeEx(ex);
    ex.owner.onReply(ex, reply, clock.monotonic() - ex.sentAt);
  }

  const expire = (now: number) => {
    for (let ex = deadlines.peek(); ex && ex.deadline <= now; ex = deadlines.peek()) {
      deadlines.shift();
      if (ex.state !== WAITING) continue;
      if (ex.retriesLeft > 0) {
        ex.retriesLeft--;
        ex.state = QUEUED;
        counters.retransmits++;
        urgent.push(ex);
      } else {
        closeEx(ex);
        ex.owner.onGiveUp(ex, "timeout");
      }
    }
  };

  // Next exchange to send (urgent first), skipping closed ones.
  const nextQueued = (): Exchange<any> | undefined => {
    for (let ex = urgent.shift(); ex; ex = urgent.shift()) if (ex.state === QUEUED) return ex;
    for (let ex = fresh.shift(); ex; ex = fresh.shift()) if (ex.state === QUEUED) return ex;
    return undefined;
  };

  function pump(): void {
    if (stopped) return;
    const now = clock.monotonic();
    expire(now);
    const slice = Math.min(bucket.available(), PUMP_SLICE);
    let budget = slice;
    const batches = new Map<Family, Exchange<any>[]>();
    const held: Exchange<any>[] = [];
    while (budget > 0) {
      let ex = nextQueued();
      if (!ex && feed?.()) ex = nextQueued();
      if (!ex) break;
      const sock = sockets.get(ex.family);
      if (sock === "failed") {
        closeEx(ex);
        ex.owner.onGiveUp(ex, "no-socket");
        continue;
      }
      if (sock === undefined || sock === "opening") {
        // Wait for the socket rather than pulling the whole target list into memory.
        if (sock === undefined) openSocket(ex.family);
        held.push(ex);
        break;
      }
      let b = batches.get(ex.family);
      if (!b) batches.set(ex.family, (b = []));
      b.push(ex);
      budget--;
    }
    for (const [family, list] of batches) {
      const sock = sockets.get(family) as DatagramSocket;
      const datagrams: Datagram[] = list.map((ex) => ({ bytes: ex.build(ex.id), port: ex.port, address: ex.address }));
      const done = sendResilient(sock, datagrams, counters);
      bucket.take(done);
      for (let i = 0; i < done; i++) {
        const ex = list[i];
        ex.state = WAITING;
        ex.sentAt = now;
        ex.deadline = now + timeoutMs;
        deadlines.push(ex);
      }
      if (done < list.length) {
        // The socket is full: Bun signals drain, and the timer is the fallback if it does not.
        held.push(...list.slice(done));
        schedule(5);
      }
    }
    // Held exchanges go back to the front, in their order; whoever unblocks them schedules a pump.
    urgent.unshiftAll(held);
    // Out of tokens or at the slice limit: more work may be waiting, here or in the feed.
    if (held.length === 0 && budget === 0) schedule(Math.max(slice > 0 ? 0 : 1, bucket.msUntilNext()));
    const next = deadlines.peek();
    if (next) schedule(Math.max(0, next.deadline - clock.monotonic()));
  }

  return {
    submit(ex, isUrgent = false) {
      let id: number;
      do id = MIN_REQUEST_ID + Math.floor(opt.random() * (MAX_REQUEST_ID - MIN_REQUEST_ID + 1));
      while (open.has(id));
      ex.id = id;
      ex.state = QUEUED;
      open.set(id, ex);
      (isUrgent ? urgent : fresh).push(ex);
    },
    close(ex) {
      if (ex.state !== CLOSED) closeEx(ex);
    },
    closeAll(owner) {
      for (const ex of [...open.values()]) if (ex.owner === owner) closeEx(ex);
    },
    setFeed(f) {
      feed = f;
      if (f) schedule(0);
    },
    kick: () => schedule(0),
    counters,
    shutdown() {
      stopped = true;
      timer?.();
      for (const s of sockets.values()) if (typeof s === "object") s.close();
      sockets.clear();
      for (const ex of [...open.values()]) {
        closeEx(ex);
        ex.owner.onGiveUp(ex, "closed");
      }
    },
  };
}
