/**
 * One sweep over a target list. Targets are pulled from the iterator only
 * when a slot is free, so a /8 is never in memory at once, and a target in
 * flight is a slot in typed arrays (slot-table.ts), never an object: the
 * slot count comes from the rate, so the window never holds the sweep
 * below its packet rate, and silent addresses cost packets, not time.
 * Each round sends a target the probes probe-rounds.ts picks; the first
 * answer per target is yielded as soon as it arrives.
 */
import { Tag } from "../../common/ber.ts";
import type { Pdu } from "../snmp/message.ts";
import { decodeText, toHex } from "../../common/text.ts";
import { createAsyncQueue } from "./async-queue.ts";
import type { Clock } from "../../common/clock.ts";
import type { BulkSource, PacketBatch } from "./bulk-source.ts";
import type { ExchangeEngine } from "./exchange-engine.ts";
import { createNumberRing } from "./number-ring.ts";
import { type Attempt, type ProbeVersion, attemptFor, probeRounds } from "./probe-rounds.ts";
import { type Reply, SYS_DESCR, SYS_NAME, SYS_OBJECT_ID } from "./probe-packets.ts";
import { QUEUED, SWEEP_ID_BIT, WAITING, createSlotTable } from "./slot-table.ts";
import { type SweepTargets, createTargetFeed } from "./target-feed.ts";

export type { Attempt, ProbeVersion } from "./probe-rounds.ts";

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
  /** Stops at once: nothing more is sent, iteration ends. */
  cancel(): void;
}

export interface SweepConfig {
  engine: ExchangeEngine;
  clock: Clock;
  attempts: readonly Attempt[];
  retries: number;
  timeoutMs: number;
  /** Targets in flight at most (the slot table's size). */
  slots: number;
  /** Most packets the engine asks for in one fill (pumpSlice). */
  pumpSlice: number;
  random: () => number;
  remember(answer: ProbeAnswer, attempt: Attempt): void;
  finished(): void;
}


/**
 * Buffers a fill writes its packets into: per attempt, views of exactly its packet's length
 * (the id is patched, the length never changes), reused by every fill, since the engine has
 * handed them to the kernel before the next one. No allocation per packet.
 */
function packetPools(attempts: readonly Attempt[], count: number): Map<Attempt, Uint8Array[]> {
  const pools = new Map<Attempt, Uint8Array[]>();
  for (const a of attempts) {
    if (a.version === "v3") continue;
    const length = a.build(SWEEP_ID_BIT).length;
    const buffer = new ArrayBuffer(length * count);
    pools.set(a, Array.from({ length: count }, (_, i) => new Uint8Array(buffer, i * length, length)));
  }
  return pools;
}

/** Starts a sweep; the engine pulls its packets through the BulkSource installed here. */
export function startSweep(targets: SweepTargets, cfg: SweepConfig): Sweep {
  const { engine, clock, timeoutMs } = cfg;
  const table = createSlotTable(cfg.slots, cfg.random);
  const feed = createTargetFeed(targets);
  const rounds = probeRounds(cfg.attempts, cfg.retries);
  // Slots due to send (a retry, or put back after a full socket), ahead of new targets.
  // Sized for the table up front: grown by doubling they would leave their old buffers behind.
  const due = createNumberRing(table.capacity, Int32Array);
  // Sends in order with their deadlines: one timeout for all, so deadlines come in order too.
  // A ring holds the sends of one timeout, which the slot bound (inFlightBound) covers.
  const sentSlots = createNumberRing(table.capacity, Int32Array);
  const sentDeadlines = createNumberRing(table.capacity, Float64Array);
  // A fill adds at most a pump's slice of targets (plus one round's overshoot).
  const pools = packetPools(cfg.attempts, cfg.pumpSlice + 1);
  const started = clock.monotonic();
  let exhausted = false;
  let over = false;
  let probed = 0;
  let answered = 0;
  const answers = createAsyncQueue<ProbeAnswer>(() => cancel());

  const finish = () => {
    if (over) return;
    over = true;
    engine.setBulk(undefined);
    due.clear();
    sentSlots.clear();
    sentDeadlines.clear();
    answers.end();
    cfg.finished();
  };

  const settle = (slot: number) => {
    table.free(slot);
    probed++;
    if (exhausted && table.used === 0) finish();
    else engine.kick();
  };

  const nextDue = (): number => {
    while (due.size > 0) {
      const slot = due.shift();
      if (table.state[slot] === QUEUED) return slot;
    }
    return -1;
  };
  const nextNew = (): number => {
    if (exhausted || table.used >= table.capacity) return -1;
    const slot = feed(table);
    if (slot < 0) {
      exhausted = true;
      if (table.used === 0) finish();
    }
    return slot;
  };
  /**
   * The next slot to send, -1 for none now. Due slots and new targets take turns: retries
   * first would stop new targets for a whole timeout once the first round's retries fall due
   * (they come at the full rate), leaving the rate idle at the end while the last retries wait.
   */
  let newTurn = false;
  const nextSlot = (): number => {
    newTurn = !newTurn;
    if (newTurn) {
      const slot = nextNew();
      return slot >= 0 ? slot : nextDue();
    }
    const slot = nextDue();
    return slot >= 0 ? slot : nextNew();
  };

  const fill = (batch: PacketBatch, budget: number, now: number): number => {
    let added = 0;
    let pooled = 0;
    while (added < budget && !over) {
      const slot = nextSlot();
      if (slot < 0) break;
      const r = table.round[slot];
      const address = table.address(slot);
      const id = table.idOf(slot);
      let result: "ok" | "wait" | "fail" = "ok";
      for (const attempt of rounds[r]) {
        const bytes = attempt.build(id, pools.get(attempt)?.[pooled]);
        result = batch.add(table.family[slot] as 4 | 6, bytes, table.port[slot], address, slot);
        if (result !== "ok") break;
        added++;
      }
      pooled++;
      if (result === "wait") {
        due.unshift(slot);
        break;
      }
      if (result === "fail") {
        settle(slot);
        continue;
      }
      if (r > 0) engine.counters.retransmits += rounds[r].length;
      table.round[slot] = r + 1;
      table.state[slot] = WAITING;
      table.deadline[slot] = now + timeoutMs;
      sentSlots.push(slot);
      sentDeadlines.push(now + timeoutMs);
    }
    return added;
  };

  const bulk: BulkSource = {
    fill,
    expire(now) {
      while (sentDeadlines.size > 0 && sentDeadlines.peek() <= now) {
        const slot = sentSlots.shift();
        const deadline = sentDeadlines.shift();
        // Stale: the slot was answered (and maybe reused), or sent again since.
        if (table.state[slot] !== WAITING || table.deadline[slot] !== deadline) continue;
        if (table.round[slot] < rounds.length) {
          table.state[slot] = QUEUED;
          due.push(slot);
        } else settle(slot);
      }
    },
    unsent(slot) {
      if (table.state[slot] !== WAITING) return;
      table.state[slot] = QUEUED;
      table.round[slot]--;
      due.unshift(slot);
    },
    receive(reply, address, port, now) {
      const slot = table.slotOf(reply.id);
      if (slot < 0) return "unknownId";
      if (!table.isFrom(slot, address, port)) return "wrongSource";
      const attempt = attemptFor(cfg.attempts, reply);
      if (!attempt) return "mismatched";
      const rttMs = now - (table.deadline[slot] - timeoutMs);
      const answer = toAnswer(table.address(slot), table.port[slot], attempt, reply, rttMs);
      answered++;
      cfg.remember(answer, attempt);
      // Before settle: settling the last target ends the queue.
      answers.push(answer);
      settle(slot);
      return "matched";
    },
    nextDeadline: () => (sentDeadlines.size > 0 ? sentDeadlines.peek() : Infinity),
  };
  engine.setBulk(bulk);

  function cancel(): void {
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
      return { total, probed, answered, inFlight: over ? 0 : table.used, elapsedMs, rate, etaMs };
    },
  };
}

function toAnswer(address: string, port: number, attempt: Attempt, reply: Reply, rttMs: number): ProbeAnswer {
  const base = { address, port, community: attempt.community, version: attempt.version, rttMs };
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
