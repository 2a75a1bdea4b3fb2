/**
 * One sweep over a target list: admits targets into a bounded window, sends
 * each a probe per (version, community) and optionally a v3 discovery, and
 * yields the first answer per target as soon as it arrives. Targets are
 * pulled from the iterator only when there is room, so a /8 is never in
 * memory at once.
 */
import { Tag } from "../../common/ber.ts";
import { PduType, type Pdu } from "../snmp/message.ts";
import { decodeText, toHex } from "../../common/text.ts";
import { createAsyncQueue } from "./async-queue.ts";
import type { Clock } from "../../common/clock.ts";
import type { ExchangeEngine } from "./exchange-engine.ts";
import { type Exchange, type ExchangeOwner, newExchange } from "./exchange.ts";
import { type Reply, SYS_DESCR, SYS_NAME, SYS_OBJECT_ID, sameBytes } from "./probe-packets.ts";
import type { Target } from "./targets.ts";

/** SNMP versions a probe may use. */
export type ProbeVersion = "v1" | "v2c" | "v3";

/** A device that answered. */
export interface ProbeAnswer {
  address: string;
  port: number;
  /** Index into the prober's communities, or "v3" for a device found by v3 discovery. */
  community: number | "v3";
  version: ProbeVersion;
  sysObjectId?: string;
  sysDescr?: string;
  sysName?: string;
  /** snmpEngineID in hex, for v3 answers. */
  engineId?: string;
  rttMs: number;
}

/** Progress of a sweep, for a progress line and an ETA. */
export interface SweepProgress {
  /** Targets in the sweep, when the target list says (TargetSet.count). */
  total?: number;
  /** Targets finished: answered or given up on. */
  probed: number;
  answered: number;
  inFlight: number;
  elapsedMs: number;
  /** Targets finished per second so far. */
  rate: number;
  /** Estimated milliseconds left, when total is known. */
  etaMs?: number;
}

/** A running sweep: iterate it for answers; breaking out of the loop cancels it. */
export interface Sweep extends AsyncIterable<ProbeAnswer> {
  progress(): SweepProgress;
  cancel(): void;
}

/** One way of asking a target: a version and a community (or v3 discovery). */
export interface Attempt {
  version: ProbeVersion;
  community: number | "v3";
  communityBytes?: Uint8Array;
  build(id: number): Uint8Array;
}

export interface SweepConfig {
  engine: ExchangeEngine;
  clock: Clock;
  attempts: readonly Attempt[];
  retries: number;
  window: number;
  /** The attempt that answered this address before, tried first. */
  preferred(address: string, port: number): Attempt | undefined;
  remember(answer: ProbeAnswer, attempt: Attempt): void;
  finished(): void;
}

/** A target asked several ways at once (communities x versions): its exchanges settle together. */
interface MultiState {
  multi: true;
  /** The attempts in the order tried; exchanges[i] carries order[i]. */
  order: readonly Attempt[];
  exchanges: Exchange<ExData>[];
  open: number;
  done: boolean;
}

/**
 * What an exchange carries: its Attempt when it is its target's only one
 * (the common case, and then the exchange itself is the whole per-target
 * state of a sweep), or the shared MultiState.
 */
type ExData = Attempt | MultiState;

const isMulti = (d: ExData): d is MultiState => (d as MultiState).multi === true;
const attemptOf = (ex: Exchange<ExData>): Attempt =>
  isMulti(ex.data) ? ex.data.order[ex.data.exchanges.indexOf(ex)] : ex.data;

/** Starts a sweep; the engine pulls targets through the feed installed here. */
export function startSweep(targets: Iterable<Target> & { count?: number }, cfg: SweepConfig): Sweep {
  const { engine, clock } = cfg;
  const it = targets[Symbol.iterator]();
  const started = clock.monotonic();
  let inFlight = 0;
  let exhausted = false;
  let over = false;
  let probed = 0;
  let answered = 0;
  const answers = createAsyncQueue<ProbeAnswer>(() => cancel());

  const finish = () => {
    if (over) return;
    over = true;
    engine.setFeed(undefined);
    answers.end();
    cfg.finished();
  };

  const settle = () => {
    inFlight--;
    probed++;
    if (exhausted && inFlight === 0) finish();
    else engine.kick();
  };

  // One owner for every exchange of the sweep: no closures per packet.
  const owner: ExchangeOwner<ExData> = {
    accepts: (ex, reply) => accepts(attemptOf(ex), reply),
    onReply(ex, reply, rttMs) {
      const attempt = attemptOf(ex);
      const d = ex.data;
      if (isMulti(d)) {
        if (d.done) return;
        d.done = true;
        for (const other of d.exchanges) engine.close(other);
      }
      answered++;
      const answer = toAnswer(ex, attempt, reply, rttMs);
      cfg.remember(answer, attempt);
      answers.push(answer);
      settle();
    },
    onGiveUp(ex) {
      const d = ex.data;
      if (!isMulti(d)) return settle();
      if (--d.open === 0 && !d.done) {
        d.done = true;
        settle();
      }
    },
  };

  const admit = (target: Target) => {
    const first = cfg.preferred(target.address, target.port);
    const order = first ? [first, ...cfg.attempts.filter((a) => a !== first)] : cfg.attempts;
    const multi: MultiState | undefined =
      order.length > 1 ? { multi: true, order, exchanges: [], open: order.length, done: false } : undefined;
    for (const attempt of order) {
      const ex = newExchange<ExData>({
        family: target.family,
        address: target.address,
        port: target.port,
        build: attempt.build,
        owner,
        data: multi ?? attempt,
        retriesLeft: cfg.retries,
      });
      multi?.exchanges.push(ex);
      engine.submit(ex);
    }
    inFlight++;
  };

  engine.setFeed(() => {
    if (over || inFlight >= cfg.window) return false;
    const next = it.next();
    if (next.done) {
      exhausted = true;
      if (inFlight === 0) finish();
      return false;
    }
    admit(next.value);
    return true;
  });

  function cancel(): void {
    engine.closeAll(owner);
    inFlight = 0;
    finish();
  }

  return {
    [Symbol.asyncIterator]: () => answers[Symbol.asyncIterator](),
    cancel,
    progress() {
      const elapsedMs = clock.monotonic() - started;
      const rate = elapsedMs > 0 ? (probed * 1000) / elapsedMs : 0;
      const total = targets.count;
      const etaMs = total === undefined ? undefined : rate > 0 ? ((total - probed) * 1000) / rate : undefined;
      return { total, probed, answered, inFlight, elapsedMs, rate, etaMs };
    },
  };
}

function accepts(attempt: Attempt, reply: Reply): boolean {
  if (attempt.version === "v3") {
    return reply.kind === "v3" && reply.engineId.length > 0 && (reply.pdu === null || reply.pdu.type === PduType.Report);
  }
  return (
    reply.kind === "community" &&
    reply.version === (attempt.version === "v1" ? 0 : 1) &&
    sameBytes(reply.community, attempt.communityBytes!) &&
    reply.pdu.type === PduType.Response
  );
}

function toAnswer(target: Pick<Target, "address" | "port">, attempt: Attempt, reply: Reply, rttMs: number): ProbeAnswer {
  const base = { address: target.address, port: target.port, community: attempt.community, version: attempt.version, rttMs };
  if (reply.kind === "v3") return { ...base, engineId: toHex(reply.engineId) };
  return { ...base, ...systemFields(reply.pdu) };
}

function systemFields(pdu: Pdu): Pick<ProbeAnswer, "sysObjectId" | "sysDescr" | "sysName"> {
  const out: Pick<ProbeAnswer, "sysObjectId" | "sysDescr" | "sysName"> = {};
  for (const vb of pdu.varbinds) {
    if (vb.oid === SYS_OBJECT_ID && vb.tag === Tag.Oid) out.sysObjectId = vb.value;
    else if (vb.oid === SYS_DESCR && vb.tag === Tag.OctetString) out.sysDescr = decodeText(vb.value);
    else if (vb.oid === SYS_NAME && vb.tag === Tag.OctetString) out.sysName = decodeText(vb.value);
  }
  return out;
}
