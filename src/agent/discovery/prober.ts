/**
 * The discovery prober: finds SNMP agents across large ranges through ONE
 * UDP socket per address family, multiplexing every probe by request-id,
 * under a packets/s limit and a bounded window of targets in flight.
 *
 * It only ever sends to the targets of a sweep, and to addresses that
 * answered one (for follow-up requests).
 */
import { type Pdu, PduType } from "../snmp/message.ts";
import { type Clock, systemClock } from "../../common/clock.ts";
import { type EngineCounters, createExchangeEngine, pumpSlice } from "./exchange-engine.ts";
import { type ExchangeOwner, type GiveUpReason, newExchange } from "./exchange.ts";
import { addressKey, parseIp } from "../../common/ip-address.ts";
import { PROBE_OIDS, createGetTemplate, encodeV3Discovery, sameBytes } from "./probe-packets.ts";
import { type Attempt, type ProbeAnswer, type Sweep, startSweep } from "./sweep.ts";
import { MAX_SLOTS } from "./slot-table.ts";
import type { SweepTargets } from "./target-feed.ts";
import { type SocketFactory, bunSocketFactory } from "./udp-transport.ts";
import { DcaError, type ErrorCode } from "../../common/errors.ts";

export type { ProbeAnswer, ProbeVersion, Sweep, SweepProgress } from "./sweep.ts";

/** Settings of a prober; every field has a default. */
export interface ProberOptions {
  /** Communities to try, in order (default ["public"]). One probe per community; the first to answer wins. */
  communities?: readonly string[];
  /** Community-based versions to try, in order (default ["v2c", "v1"]); they take turns by round (probe-rounds.ts). */
  versions?: readonly ("v1" | "v2c")[];
  /** Also send an unauthenticated SNMPv3 discovery, to find v3-only devices (default false). */
  v3Discovery?: boolean;
  /** Per-packet timeout of requests (default 1000 ms). */
  timeoutMs?: number;
  /**
   * A sweep's wait after each probe round (default timeoutMs). A late answer to an earlier round
   * still counts until the last round's wait ends; the sweep ends one wait after its last packet.
   */
  sweepTimeoutMs?: number;
  /** Resends after a timeout (default 1). */
  retries?: number;
  /** Packets per second, all probes and requests together (default 2000). */
  rate?: number;
  /**
   * An upper bound on targets in flight. Without it the bound follows from the rate: what the
   * rate can start while a target is in flight (inFlightBound), so silent targets never hold a
   * sweep below its rate.
   */
  window?: number;
  socketFactory?: SocketFactory;
  clock?: Clock;
  /** Source of request ids, in [0, 1) (default Math.random). */
  random?: () => number;
}

/**
 * Targets in flight a sweep needs so that only `rate` sets its pace: a silent target stays in
 * flight timeout x (retries + 1), and at the start of a sweep every packet admits a new target,
 * so up to rate x that many can be in flight at once; a quarter more absorbs late timers.
 * Never more than the sweep has targets (`count`), nor than `window`.
 */
export function inFlightBound(rate: number, timeoutMs: number, retries: number, count = Infinity, window = Infinity): number {
  const needed = Math.ceil((rate * timeoutMs * (retries + 1) * 1.25) / 1000) + 256;
  return Math.max(1, Math.min(needed, count, window, MAX_SLOTS));
}

/** The credential an address answered with. */
export interface RememberedCredential {
  community: number | "v3";
  version: "v1" | "v2c" | "v3";
}

/** A prober; close it to release its sockets. */
export interface Prober {
  /** Starts a sweep; one at a time per prober. `count` on the iterable (TargetSet has it) enables the ETA. */
  sweep(targets: SweepTargets): Sweep;
  /**
   * A single GET (or GETNEXT with `{ next: true }`) through the shared socket,
   * with the prober's timeout and retries. Only to an address:port that
   * answered a probe of this prober. Resolves with the response PDU (check
   * errorStatus); rejects with a DcaError when no reply came (`deadline-exceeded`) or
   * the address never answered a probe (`failed-precondition`).
   */
  request(
    address: string,
    port: number,
    community: string,
    version: "v1" | "v2c",
    oids: readonly string[],
    options?: { next?: boolean },
  ): Promise<Pdu>;
  /** What an address answered with, if it did. */
  credential(address: string, port: number): RememberedCredential | undefined;
  /** Packet counters: sent, resent after send errors, received, dropped by reason. */
  counters(): Readonly<EngineCounters>;
  close(): void;
}

const encoder = new TextEncoder();
/** Follow-up packet templates kept (a classifier asks a handful of OID lists). */
const MAX_TEMPLATES = 64;

/** Why an exchange gave up, as an error code. */
const GIVE_UP_CODES: Readonly<Record<GiveUpReason, ErrorCode>> = { timeout: "deadline-exceeded", "no-socket": "unavailable", closed: "canceled" };

/** Creates a prober. Sockets open on the first packet of each family. */
export function createProber(options: ProberOptions = {}): Prober {
  const communities = options.communities ?? ["public"];
  if (communities.length === 0) throw new RangeError("at least one community is needed");
  const versions = options.versions ?? ["v2c", "v1"];
  const clock = options.clock ?? systemClock;
  const retries = options.retries ?? 1;
  const timeoutMs = options.timeoutMs ?? 1000;
  const sweepTimeoutMs = options.sweepTimeoutMs ?? timeoutMs;
  const rate = options.rate ?? 2000;
  const random = options.random ?? Math.random;
  if (options.window !== undefined && !(options.window >= 1)) throw new RangeError(`window must be at least 1, got ${options.window}`);
  const engine = createExchangeEngine({ timeoutMs, rate, clock, socketFactory: options.socketFactory ?? bunSocketFactory, random });

  const communityBytes = communities.map((c) => encoder.encode(c));
  const attempts: Attempt[] = [];
  for (const version of versions) {
    communityBytes.forEach((bytes, i) => {
      attempts.push({
        version,
        community: i,
        communityBytes: bytes,
        build: createGetTemplate(version === "v1" ? 0 : 1, bytes, PROBE_OIDS),
      });
    });
  }
  if (options.v3Discovery) attempts.push({ version: "v3", community: "v3", build: encodeV3Discovery });
  if (attempts.length === 0) throw new RangeError("no versions to probe with");

  // Follow-up requests ask every device the same few OIDs: their packet is encoded once per
  // community, version and OID list, not twice per request (createGetTemplate finds the id that way).
  const templates = new Map<string, { bytes: Uint8Array; build: ReturnType<typeof createGetTemplate> }>();
  const templateFor = (community: string, wire: 0 | 1, oids: readonly string[], type: number) => {
    const key = `${wire} ${type} ${community} ${oids.join(" ")}`;
    let t = templates.get(key);
    if (!t) {
      const bytes = encoder.encode(community);
      t = { bytes, build: createGetTemplate(wire, bytes, oids, type) };
      if (templates.size >= MAX_TEMPLATES) templates.clear();
      templates.set(key, t);
    }
    return t;
  };

  const remembered = new Map<string, Attempt>();
  const keyOf = (address: string, port: number) => `${addressKey(address) ?? address}|${port}`;
  let current: Sweep | undefined;
  let closed = false;

  return {
    sweep(targets) {
      if (closed) throw new DcaError("failed-precondition", "prober is closed");
      if (current) throw new DcaError("failed-precondition", "a sweep is already running on this prober");
      const sweep = startSweep(targets, {
        engine,
        clock,
        attempts,
        retries,
        timeoutMs: sweepTimeoutMs,
        slots: inFlightBound(rate, sweepTimeoutMs, retries, targets.count, options.window),
        pumpSlice: pumpSlice(rate),
        random,
        remember: (answer, attempt) => remembered.set(keyOf(answer.address, answer.port), attempt),
        finished: () => {
          current = undefined;
        },
      });
      // finished() runs from the engine's timer at the earliest, so this assignment comes first.
      current = sweep;
      return sweep;
    },

    request(address, port, community, version, oids, options = {}) {
      const known = remembered.get(keyOf(address, port));
      const ip = parseIp(address);
      if (!known || !ip) {
        return Promise.reject(new DcaError("failed-precondition", `${address}:${port} has not answered a probe; requests go only to devices that did`));
      }
      const wire = version === "v1" ? 0 : 1;
      const { bytes, build } = templateFor(community, wire, oids, options.next ? PduType.GetNext : PduType.Get);
      return new Promise<Pdu>((resolve, reject) => {
        const owner: ExchangeOwner<undefined> = {
          accepts: (_ex, r) => r.kind === "community" && r.version === wire && sameBytes(r.community, bytes) && r.pdu.type === PduType.Response,
          onReply: (_ex, r) => resolve((r as Extract<typeof r, { kind: "community" }>).pdu),
          onGiveUp: (_ex, why) => reject(new DcaError(GIVE_UP_CODES[why], `no answer from ${address}:${port} (${why})`)),
        };
        engine.submit(newExchange({ family: ip.family, address, port, build, owner, data: undefined, retriesLeft: retries }));
      });
    },

    credential(address, port) {
      const a = remembered.get(keyOf(address, port));
      return a && { community: a.community, version: a.version };
    },
    counters: () => engine.counters,
    close() {
      closed = true;
      current?.cancel();
      engine.shutdown();
    },
  };
}
