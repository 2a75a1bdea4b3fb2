/**
 * A walk over any SnmpSession's getBulk/getNext, with the stops that real
 * printers need: endOfMibView, leaving the subtree, an OID that does not
 * increase (agents that loop), and a row cap for runaway tables.
 */
import { compareOids, oidInSubtree, parseOid } from "./ber.ts";
import type { VarBind } from "./message.ts";
import type { WalkOptions, WalkResult } from "./session.ts";

export interface WalkTransport {
  readonly version: 1 | 2 | 3;
  getNext(oids: readonly string[]): Promise<VarBind[]>;
  getBulk(oids: readonly string[], nonRepeaters: number, maxRepetitions: number): Promise<VarBind[]>;
}

export const DEFAULT_MAX_ROWS = 10_000;
export const DEFAULT_MAX_REPETITIONS = 30;

/** Walks `root` (dotted) and returns the varbinds strictly inside it. */
export async function walkSubtree(t: WalkTransport, root: string, options: WalkOptions = {}): Promise<WalkResult> {
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  let reps = options.maxRepetitions ?? DEFAULT_MAX_REPETITIONS;
  const out: VarBind[] = [];
  let cursor = root;
  let cursorArcs = parseOid(root);
  for (;;) {
    let batch: VarBind[];
    if (t.version === 1) {
      try {
        batch = await t.getNext([cursor]);
      } catch (e) {
        // v1 agents answer noSuchName at the end of their MIB view.
        if ((e as { status?: number; code?: string }).status === 2 || /noSuchName|NoSuchName/.test(String(e))) {
          return { varbinds: out };
        }
        return { varbinds: out, stopped: `request failed: ${(e as Error).message}` };
      }
    } else {
      try {
        batch = await t.getBulk([cursor], 0, reps);
      } catch (e) {
        if ((e as { code?: string }).code === "tooBig" && reps > 1) {
          reps = Math.max(1, Math.floor(reps / 2));
          continue;
        }
        // Keep what was read: one bad response must not lose the rows before it.
        return { varbinds: out, stopped: `request failed: ${(e as Error).message}` };
      }
    }
    if (batch.length === 0) return { varbinds: out, stopped: "empty response" };
    for (const vb of batch) {
      if (vb.tag === 0x82) return { varbinds: out };
      if (vb.tag === 0x80 || vb.tag === 0x81) return { varbinds: out };
      if (!oidInSubtree(vb.oid, root)) return { varbinds: out };
      const arcs = parseOid(vb.oid);
      if (compareOids(arcs, cursorArcs) <= 0) {
        return { varbinds: out, stopped: `agent loop: ${vb.oid} does not follow ${cursor}` };
      }
      out.push(vb);
      cursor = vb.oid;
      cursorArcs = arcs;
      if (out.length >= maxRows) return { varbinds: out, stopped: `table larger than ${maxRows} rows; truncated` };
    }
  }
}
