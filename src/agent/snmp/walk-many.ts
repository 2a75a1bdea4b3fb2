/**
 * Several subtrees walked together: one GETBULK carries a cursor per
 * unfinished subtree, so small tables (a printer has a dozen) cost a share
 * of a request instead of one request each. Rows come back interleaved,
 * one per cursor per repetition. Anything unusual (an error, a response
 * with no progress, v1) hands the unfinished subtrees to the single-subtree
 * walk, which has the skip/narrow/loop handling; its result replaces ours
 * for those subtrees, so nothing is lost or doubled.
 */
import { compareDottedOids, oidInSubtree } from "../../common/ber.ts";
import type { VarBind } from "./message.ts";
import type { WalkResult } from "./session.ts";
import { DEFAULT_MAX_ROWS, type WalkOutcome } from "./walk.ts";

export interface WalkManyTransport {
  readonly version: 1 | 2 | 3;
  getBulk(oids: readonly string[], nonRepeaters: number, maxRepetitions: number): Promise<VarBind[]>;
  /** The single-subtree walk used as the fallback. */
  walk(root: string): Promise<WalkResult>;
}

export interface WalkManyOptions {
  /** Varbinds asked for per request, shared among the open cursors (default 40). */
  budget?: number;
  maxRows?: number;
}

interface Cursor {
  root: string;
  oid: string;
  out: VarBind[];
  done: boolean;
  stopped?: string;
}

/** Walks every root; the result for roots[i] is at index i. */
export async function walkMany(t: WalkManyTransport, roots: readonly string[], options: WalkManyOptions = {}): Promise<WalkOutcome[]> {
  const budget = options.budget ?? 40;
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  if (t.version === 1 || roots.length <= 1) return Promise.all(roots.map((r) => t.walk(r)));
  const cursors: Cursor[] = roots.map((root) => ({ root, oid: root, out: [], done: false }));
  const fallback = new Set<Cursor>();
  for (;;) {
    const open = cursors.filter((c) => !c.done && !fallback.has(c));
    if (open.length === 0) break;
    const reps = Math.max(1, Math.floor(budget / open.length));
    let batch: VarBind[];
    try {
      batch = await t.getBulk(
        open.map((c) => c.oid),
        0,
        reps,
      );
    } catch {
      for (const c of open) fallback.add(c);
      break;
    }
    let progressed = false;
    // Cursors answered in this batch, and those that moved: one answered only with its own OID is handed to the single walk.
    const answered = new Set<Cursor>();
    const moved = new Set<Cursor>();
    for (let i = 0; i < batch.length; i++) {
      const c = open[i % open.length]!;
      if (c.done) continue;
      const vb = batch[i]!;
      answered.add(c);
      // Its own OID back (a repeated row, or a root echoed): not the end of the subtree.
      if (vb.oid === c.oid && vb.tag !== 0x82) continue;
      moved.add(c);
      if (vb.tag === 0x82 || !oidInSubtree(vb.oid, c.root)) {
        c.done = true;
        progressed = true;
        continue;
      }
      const order = compareDottedOids(vb.oid, c.oid);
      if (order === 0) continue;
      // Going backwards, or an exception value: the single walk knows how to handle it.
      if (order < 0 || vb.tag === 0x80 || vb.tag === 0x81) {
        fallback.add(c);
        c.done = true;
        continue;
      }
      c.out.push(vb);
      c.oid = vb.oid;
      progressed = true;
      if (c.out.length >= maxRows) {
        c.done = true;
        c.stopped = `table larger than ${maxRows} rows; truncated`;
      }
    }
    if (!progressed) {
      for (const c of open) if (!c.done) fallback.add(c);
      break;
    }
    for (const c of answered) {
      if (c.done || moved.has(c)) continue;
      fallback.add(c);
      c.done = true;
    }
  }
  return Promise.all(
    cursors.map(async (c): Promise<WalkOutcome> => {
      if (fallback.has(c)) return t.walk(c.root);
      return { varbinds: c.out, ...(c.stopped ? { stopped: c.stopped } : {}) };
    }),
  );
}
