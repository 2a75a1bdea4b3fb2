/**
 * A walk over any SnmpSession's getBulk/getNext, with the stops that real
 * printers need: endOfMibView, leaving the subtree, an OID that goes
 * backwards (agents that loop), and a row cap for runaway tables. One bad
 * value must not cost the rest of a meter table, so a corrupt varbind is
 * skipped and named, and a repeated OID is dropped rather than ending the walk.
 */
import { compareDottedOids, oidInSubtree } from "../../common/ber.ts";
import type { VarBind } from "./message.ts";
import { type WalkOptions, type WalkResult, isBudgetStop } from "./session.ts";

export interface WalkTransport {
  readonly version: 1 | 2 | 3;
  getNext(oids: readonly string[]): Promise<VarBind[]>;
  getBulk(oids: readonly string[], nonRepeaters: number, maxRepetitions: number): Promise<VarBind[]>;
  /** Used to locate a value that makes whole responses unreadable; without it such a walk stops. */
  get?(oids: readonly string[]): Promise<VarBind[]>;
}

/** A value the walk stepped over instead of stopping. */
export interface SkippedValue {
  oid: string;
  reason: string;
}

/** A WalkResult that also names the values it skipped. */
export interface WalkOutcome extends WalkResult {
  skipped?: SkippedValue[];
}

export const DEFAULT_MAX_ROWS = 10_000;
export const DEFAULT_MAX_REPETITIONS = 30;

/** A response that did not decode (net-snmp drops it and times out, naming the unreadable datagram). */
function isUnreadable(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return err?.code === "malformed" || /unreadable|ResponseInvalid|Unknown type/i.test(err?.message ?? "");
}

/** The OID right after `oid` at its last arc: the likely next row of the same column. */
function nextSibling(oid: string): string {
  const arcs = oid.split(".");
  arcs[arcs.length - 1] = String(Number(arcs[arcs.length - 1]) + 1);
  return arcs.join(".");
}

/** Walks `root` (dotted) and returns the varbinds strictly inside it. */
export async function walkSubtree(t: WalkTransport, root: string, options: WalkOptions = {}): Promise<WalkOutcome> {
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  let reps = options.maxRepetitions ?? DEFAULT_MAX_REPETITIONS;
  const out: VarBind[] = [];
  const skipped: SkippedValue[] = [];
  const result = (stopped?: string): WalkOutcome => ({
    varbinds: out,
    ...(stopped ? { stopped } : {}),
    ...(skipped.length ? { skipped } : {}),
  });
  let cursor = root;
  // After an unreadable response: rows one per request, over the span the failed
  // GETBULK covered, so the bad value is met alone.
  let narrowed = 0;
  // A skip must be followed by a readable answer before another: a dead agent is not a run of bad values.
  let skippedSinceAnswer = false;
  for (;;) {
    let batch: VarBind[];
    try {
      batch = t.version === 1 || narrowed > 0 ? await t.getNext([cursor]) : await t.getBulk([cursor], 0, reps);
    } catch (e) {
      // The read's limit: no narrowing or retry, and its words are the reason the walk ended.
      if (isBudgetStop(e)) return result((e as Error).message);
      if (t.version === 1 && ((e as { status?: number }).status === 2 || /noSuchName|NoSuchName/.test(String(e)))) {
        // v1 agents answer noSuchName at the end of their MIB view.
        return result();
      }
      if ((e as { code?: string }).code === "resource-exhausted" && reps > 1 && narrowed === 0) {
        reps = Math.max(1, Math.floor(reps / 2));
        continue;
      }
      if (isUnreadable(e) && narrowed === 0 && t.version !== 1) {
        narrowed = reps;
        continue;
      }
      if (isUnreadable(e) && t.get && cursor !== root && !skippedSinceAnswer && (await unreadableAt(t, nextSibling(cursor)))) {
        const oid = nextSibling(cursor);
        skipped.push({ oid, reason: `value did not decode (${(e as Error).message}); skipped` });
        cursor = oid;
        narrowed = 0;
        skippedSinceAnswer = true;
        continue;
      }
      // Keep what was read: one bad response must not lose the rows before it.
      return result(`request failed: ${(e as Error).message}`);
    }
    if (batch.length === 0) return result("empty response");
    skippedSinceAnswer = false;
    let progressed = false;
    for (const vb of batch) {
      if (vb.tag === 0x82) return result();
      // The OID asked for, answered back (some agents repeat a row; a hostile or
      // broken one echoes the root itself, which is not "the end of the subtree"):
      // drop it; a response of nothing else is a loop, below.
      if (vb.oid === cursor) continue;
      if (!oidInSubtree(vb.oid, root)) return result();
      const order = compareDottedOids(vb.oid, cursor);
      if (order === 0) continue;
      if (order < 0) return result(`agent loop: ${vb.oid} does not follow ${cursor}`);
      // A next-request never legitimately answers noSuchObject/noSuchInstance: a value
      // of a type we cannot read. Skip it and go on past it.
      if (vb.tag === 0x80 || vb.tag === 0x81) skipped.push({ oid: vb.oid, reason: "value of an unreadable type; skipped" });
      else out.push(vb);
      cursor = vb.oid;
      progressed = true;
      if (out.length >= maxRows) return result(`table larger than ${maxRows} rows; truncated`);
    }
    if (!progressed) {
      return result(cursor === root ? `agent loop: asked for what follows ${root}, the agent answered ${root} itself` : `agent loop: ${cursor} is answered again`);
    }
    if (narrowed > 0) narrowed--;
  }
}

/** True when a GET of exactly `oid` is unreadable too: that OID holds the corrupt value. */
async function unreadableAt(t: WalkTransport, oid: string): Promise<boolean> {
  try {
    await t.get?.([oid]);
    return false;
  } catch (e) {
    return isUnreadable(e);
  }
}
