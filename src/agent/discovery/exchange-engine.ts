/**
 * The shared-socket engine under the prober: ONE socket per family carries
 * a sweep's probes (a BulkSource, which keeps its own compact state and ids
 * with SWEEP_ID_BIT set) and follow-up requests (an Exchange each, under a
 * random id below that bit). It paces sends (token bucket), times out and
 * resends requests, and routes replies by id; the receiver checks the
 * source address and port. A bad packet is counted and dropped; nothing a
 * peer sends can throw out of here.
 */
import type { Clock } from "../../common/clock.ts";
import { CLOSED, type Exchange, QUEUED, WAITING } from "./exchange.ts";
import { createFifo } from "./fifo.ts";
import { type Family, addressKey } from "../../common/ip-address.ts";
import { MIN_REQUEST_ID, type Reply, decodeReply } from "./probe-packets.ts";
import type { BulkSource, PacketBatch } from "./bulk-source.ts";
import { SWEEP_ID_BIT } from "./slot-table.ts";
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
  /** Registers a request under a fresh id and queues it ahead of bulk packets. */
  submit(ex: Exchange<any>): void;
  /** The bulk source sending now (one sweep at a time), or none. */
  setBulk(bulk: BulkSource | undefined): void;
  /** Asks for a pump soon (after work was added or a slot freed). */
  kick(): void;
  readonly counters: EngineCounters;
  shutdown(): void;
}

/**
 * Packets sent per pump before yielding to the event loop so that replies are read: what the
 * token bucket holds (10 ms of the rate), at least 256. A fixed 256 held a sweep below its rate
 * whenever pumps came late because the loop was busy (reading the printers found so far).
 */
export const pumpSlice = (rate: number): number => Math.max(256, Math.ceil(rate / 100));

interface FamilyBatch {
  list: Datagram[];
  /** Per datagram: its request, or a bulk token. */
  owners: (Exchange<any> | number)[];
  /** Datagram objects reused from pump to pump. */
  pool: Datagram[];
}

/** Creates the engine; sockets open on first use. */
export function createExchangeEngine(opt: EngineOptions): ExchangeEngine {
  const { clock, timeoutMs } = opt;
  const slice = pumpSlice(opt.rate);
  const bucket = createTokenBucket(opt.rate, clock, opt.burst);
  const open = new Map<number, Exchange<any>>();
  const queued = createFifo<Exchange<any>>();
  // In send order; the timeout is one constant, so deadlines are too. A request is in here at most once.
  const deadlines = createFifo<Exchange<any>>();
  const sockets = new Map<Family, DatagramSocket | "opening" | "failed">();
  const batches = new Map<Family, FamilyBatch>();
  let bulk: BulkSource | undefined;
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
    if (reply.id >= SWEEP_ID_BIT) {
      counters[bulk ? bulk.receive(reply, address, port, clock.monotonic()) : "unknownId"]++;
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
        queued.push(ex);
      } else {
        closeEx(ex);
        ex.owner.onGiveUp(ex, "timeout");
      }
    }
  };

  /** The batch of a family whose socket is open; opens it on first use. */
  const batchFor = (family: Family): FamilyBatch | "wait" | "fail" => {
    const sock = sockets.get(family);
    if (sock === "failed") return "fail";
    if (sock === undefined || sock === "opening") {
      if (sock === undefined) openSocket(family);
      return "wait";
    }
    let b = batches.get(family);
    if (!b) batches.set(family, (b = { list: [], owners: [], pool: [] }));
    return b;
  };

  const addTo = (b: FamilyBatch, bytes: Uint8Array, port: number, address: string, owner: Exchange<any> | number) => {
    const n = b.list.length;
    const d = (b.pool[n] ??= { bytes, port, address });
    d.bytes = bytes;
    d.port = port;
    d.address = address;
    b.list.push(d);
    b.owners.push(owner);
  };

  const batch: PacketBatch = {
    add(family, bytes, port, address, token) {
      const b = batchFor(family);
      if (typeof b === "string") return b;
      addTo(b, bytes, port, address, token);
      return "ok";
    },
  };

  function pump(): void {
    if (stopped) return;
    const now = clock.monotonic();
    expire(now);
    bulk?.expire(now);
    const tokens = Math.min(bucket.available(), slice);
    let budget = tokens;
    const held: Exchange<any>[] = [];
    for (const b of batches.values()) {
      b.list.length = 0;
      b.owners.length = 0;
    }
    // Requests first: a few follow-up GETs to devices that answered, ahead of the sweep's probes.
    while (budget > 0) {
      const ex = queued.shift();
      if (!ex) break;
      if (ex.state !== QUEUED) continue;
      const b = batchFor(ex.family);
      if (b === "fail") {
        closeEx(ex);
        ex.owner.onGiveUp(ex, "no-socket");
        continue;
      }
      if (b === "wait") {
        held.push(ex);
        continue;
      }
      addTo(b, ex.build(ex.id), ex.port, ex.address, ex);
      budget--;
    }
    let bulkFull = false;
    if (bulk && budget > 0) {
      const added = bulk.fill(batch, budget, now);
      bulkFull = added >= budget;
      budget -= added;
    }
    let socketFull = false;
    for (const [family, b] of batches) {
      if (b.list.length === 0) continue;
      const done = sendResilient(sockets.get(family) as DatagramSocket, b.list, counters);
      bucket.take(done);
      for (let i = 0; i < b.owners.length; i++) {
        const owner = b.owners[i];
        if (typeof owner === "number") {
          if (i >= done) bulk?.unsent(owner);
        } else if (i >= done) {
          held.push(owner);
        } else {
          owner.state = WAITING;
          owner.sentAt = now;
          owner.deadline = now + timeoutMs;
          deadlines.push(owner);
        }
      }
      // The socket is full: Bun signals drain, and the timer is the fallback if it does not.
      if (done < b.list.length) socketFull = true;
    }
    // Held requests go back to the front, in their order; whoever unblocks them schedules a pump.
    queued.unshiftAll(held);
    if (socketFull) schedule(5);
    // Out of tokens or at the slice limit: more work may be waiting.
    else if (bulkFull || (budget <= 0 && queued.size > 0)) schedule(Math.max(tokens > 0 ? 0 : 1, bucket.msUntilNext()));
    else if (tokens === 0) schedule(Math.max(1, bucket.msUntilNext()));
    const next = Math.min(deadlines.peek()?.deadline ?? Infinity, bulk?.nextDeadline() ?? Infinity);
    if (next < Infinity) schedule(Math.max(0, next - clock.monotonic()));
  }

  return {
    submit(ex) {
      let id: number;
      do id = MIN_REQUEST_ID + Math.floor(opt.random() * (SWEEP_ID_BIT - MIN_REQUEST_ID));
      while (open.has(id));
      ex.id = id;
      ex.state = QUEUED;
      open.set(id, ex);
      queued.push(ex);
      schedule(0);
    },
    setBulk(b) {
      bulk = b;
      if (b) schedule(0);
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
