/**
 * SNMPv1/v2c requests to any number of devices through ONE UDP socket per
 * address family, with our own BER: what reads 250 printers at once without
 * 250 sockets, 250 net-snmp sessions and their per-packet JavaScript BER.
 *
 * Requests are told apart by a random 31-bit request-id; a reply is taken
 * only from the address and port the request went to, with the request's
 * version and community, and no more varbinds than were asked for. Anything
 * else is counted and dropped, and nothing a peer sends can throw out of
 * here. Sends made in one turn of the event loop (all the callbacks of one
 * poll) go out in one sendMany.
 */
import { type Clock, systemClock } from "../../common/clock.ts";
import { type Family, addressKey } from "../../common/ip-address.ts";
import { BerWriter, Tag } from "../../common/ber.ts";
import { type Datagram, type DatagramSocket, type SendCounters, type SocketFactory, bunSocketFactory, sendResilient } from "../discovery/udp-transport.ts";
import { type Pdu, PduType, decodeCommunityHeader, decodeCommunityMessage, encodeCommunityMessage } from "./message.ts";
import { SnmpError } from "./session.ts";

/** Where a request goes: a numeric address (resolve names first). */
export interface ClientTarget {
  address: string;
  family: Family;
  port: number;
  timeoutMs: number;
  retries: number;
}

/** One v1/v2c request. `nonRepeaters`/`maxRepetitions` are for GETBULK only. */
export interface ClientRequest {
  /** 0 = v1, 1 = v2c (the wire values). */
  version: 0 | 1;
  community: Uint8Array;
  type: typeof PduType.Get | typeof PduType.GetNext | typeof PduType.GetBulk;
  oids: readonly string[];
  nonRepeaters?: number;
  maxRepetitions?: number;
}

/** Packet counters, for tests and diagnostics. */
export interface ClientCounters extends SendCounters {
  received: number;
  matched: number;
  /** Datagrams that are not SNMP community messages (or whose varbinds do not decode). */
  malformed: number;
  unknownId: number;
  wrongSource: number;
  /** Right id and source, wrong version, community or PDU type. */
  mismatched: number;
  /** More varbinds than the request can have asked for. */
  oversized: number;
  retransmits: number;
  timeouts: number;
}

export interface SnmpClientOptions {
  socketFactory?: SocketFactory;
  clock?: Clock;
  /** Source of request ids, in [0, 1) (default Math.random). */
  random?: () => number;
}

/** A shared-socket SNMP client; close it to release its sockets. */
export interface SnmpClient {
  /** Resolves with the response PDU (errorStatus unchecked); rejects with an SnmpError. */
  request(target: ClientTarget, request: ClientRequest): Promise<Pdu>;
  readonly counters: Readonly<ClientCounters>;
  /** Pending requests fail with `canceled`; the sockets close. */
  close(): void;
}

interface Pending {
  target: ClientTarget;
  request: ClientRequest;
  bytes: Uint8Array;
  maxVarbinds: number;
  triesLeft: number;
  cancelTimer?: () => void;
  /** Why the last datagram from the target did not decode, named if the request then times out. */
  unreadable?: string;
  /** Datagrams with this request's id from another address or port: named if the request then times out. */
  wrongSource?: number;
  resolve(pdu: Pdu): void;
  reject(e: SnmpError): void;
}

interface Outgoing {
  id: number;
  datagram: Datagram;
}

const MIN_ID = 1;
const MAX_ID = 0x7fffffff;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Creates a client; its sockets open on the first request of each family. */
export function createSnmpClient(options: SnmpClientOptions = {}): SnmpClient {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const factory = options.socketFactory ?? bunSocketFactory;
  const pending = new Map<number, Pending>();
  const sockets = new Map<Family, Promise<DatagramSocket>>();
  const opened = new Map<Family, DatagramSocket>();
  const outbox = new Map<Family, Outgoing[]>();
  let flushQueued = false;
  let closed = false;
  const counters: ClientCounters = {
    sent: 0, sendErrors: 0, sendFailures: 0, received: 0, matched: 0, malformed: 0,
    unknownId: 0, wrongSource: 0, mismatched: 0, oversized: 0, retransmits: 0, timeouts: 0,
  };

  const finish = (id: number, p: Pending) => {
    pending.delete(id);
    p.cancelTimer?.();
  };

  function receive(bytes: Uint8Array, port: number, address: string): void {
    counters.received++;
    let header;
    try {
      header = decodeCommunityHeader(bytes);
    } catch (e) {
      counters.malformed++;
      // Not even its request-id decodes: name it if a request to that source then times out.
      for (const p of pending.values()) if (p.target.port === port && addressKey(p.target.address) === addressKey(address)) p.unreadable = (e as Error).message;
      return;
    }
    const p = pending.get(header.requestId);
    if (!p) return void counters.unknownId++;
    const t = p.target;
    // Anyone can guess an id: it counts only from where the request went.
    if (port !== t.port || (address !== t.address && addressKey(address) !== addressKey(t.address))) {
      counters.wrongSource++;
      p.wrongSource = (p.wrongSource ?? 0) + 1;
      return;
    }
    if (header.version !== p.request.version || header.pduType !== PduType.Response || !sameBytes(header.community, p.request.community)) {
      return void counters.mismatched++;
    }
    let pdu: Pdu;
    try {
      pdu = decodeCommunityMessage(bytes).pdu;
    } catch (e) {
      // The device's own answer, unreadable: say so now rather than after a timeout (the walk narrows on it).
      counters.malformed++;
      finish(header.requestId, p);
      return p.reject(new SnmpError("malformed", `unreadable response: ${(e as Error).message}`));
    }
    if (pdu.varbinds.length > p.maxVarbinds) return void counters.oversized++;
    counters.matched++;
    finish(header.requestId, p);
    p.resolve(pdu);
  }

  const socketFor = (family: Family): Promise<DatagramSocket> => {
    let s = sockets.get(family);
    if (!s) {
      s = factory(family, { message: receive, drain: () => scheduleFlush(), icmpError: () => {} });
      s.then((sock) => void opened.set(family, sock), () => {});
      sockets.set(family, s);
    }
    return s;
  };

  const scheduleFlush = () => {
    if (flushQueued) return;
    flushQueued = true;
    // After the callbacks of this turn of the event loop: every request that
    // the datagrams received in one poll led to leaves in one sendMany (a
    // fifth of the send calls of a 250-printer scan). The first sends wait
    // for a socket to open, through a then() that under `bun test` was seen
    // to wait for the next I/O when queued from setImmediate: a microtask.
    if (opened.size === 0) queueMicrotask(flush);
    else setImmediate(flush);
  };

  const sendOut = (family: Family, sock: DatagramSocket, list: Outgoing[]) => {
    if (closed) return;
    const live = list.filter((x) => pending.has(x.id));
    const done = sendResilient(sock, live.map((x) => x.datagram), counters);
    // Socket full: the rest wait for drain (or their timeout resends them).
    if (done < live.length) {
      const rest = outbox.get(family) ?? [];
      outbox.set(family, [...live.slice(done), ...rest]);
    }
  };

  function flush(): void {
    flushQueued = false;
    for (const [family, list] of outbox) {
      outbox.delete(family);
      // An open socket is used at once (see scheduleFlush).
      const open = opened.get(family);
      if (open) {
        sendOut(family, open, list);
        continue;
      }
      socketFor(family).then(
        (sock) => sendOut(family, sock, list),
        (e) => {
          for (const x of list) {
            const p = pending.get(x.id);
            if (!p) continue;
            finish(x.id, p);
            p.reject(new SnmpError("unavailable", `cannot open a UDP socket: ${(e as Error).message}`));
          }
        },
      );
    }
  }

  const send = (id: number, p: Pending) => {
    let list = outbox.get(p.target.family);
    if (!list) outbox.set(p.target.family, (list = []));
    list.push({ id, datagram: { bytes: p.bytes, port: p.target.port, address: p.target.address } });
    scheduleFlush();
    p.cancelTimer = clock.setTimer(() => expire(id, p), p.target.timeoutMs);
  };

  const expire = (id: number, p: Pending) => {
    if (pending.get(id) !== p) return;
    if (p.triesLeft > 0) {
      p.triesLeft--;
      counters.retransmits++;
      return send(id, p);
    }
    counters.timeouts++;
    finish(id, p);
    const notes = [
      ...(p.unreadable ? [` (last datagram was unreadable: ${p.unreadable})`] : []),
      ...(p.wrongSource ? [` (${p.wrongSource} datagram(s) from another address or port were dropped)`] : []),
    ];
    p.reject(new SnmpError("deadline-exceeded", `no response (timed out)${notes.join("")}`));
  };

  return {
    counters,
    request(target, request) {
      if (closed) return Promise.reject(new SnmpError("canceled", "session is closed"));
      let id: number;
      do id = MIN_ID + Math.floor(random() * (MAX_ID - MIN_ID + 1));
      while (pending.has(id));
      const bulk = request.type === PduType.GetBulk;
      const nonRepeaters = bulk ? (request.nonRepeaters ?? 0) : 0;
      const reps = bulk ? (request.maxRepetitions ?? 1) : 0;
      const bytes = encodeCommunityMessage(
        {
          version: request.version,
          community: request.community,
          pdu: {
            type: request.type,
            requestId: id,
            errorStatus: nonRepeaters,
            errorIndex: reps,
            varbinds: request.oids.map((oid) => ({ oid, tag: Tag.Null, value: null })),
          },
        },
        new BerWriter(64 + request.oids.length * 32),
      ).slice();
      const maxVarbinds = bulk ? nonRepeaters + Math.max(0, request.oids.length - nonRepeaters) * Math.max(1, reps) : request.oids.length;
      return new Promise<Pdu>((resolve, reject) => {
        const p: Pending = { target, request, bytes, maxVarbinds, triesLeft: target.retries, resolve, reject };
        pending.set(id, p);
        send(id, p);
      });
    },
    close() {
      if (closed) return;
      closed = true;
      for (const [id, p] of [...pending]) {
        finish(id, p);
        p.reject(new SnmpError("canceled", "session is closed"));
      }
      for (const s of sockets.values()) s.then((sock) => sock.close(), () => {});
      sockets.clear();
      opened.clear();
    },
  };
}
