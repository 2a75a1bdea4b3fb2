/**
 * The outbox bounds: how many readings, how many payload bytes and how old.
 * Beyond any of them the oldest readings go first, and the number dropped is
 * added to meta.dropped_total inside the caller's transaction, so the drop
 * and its count commit together or not at all.
 */
import type { Database } from "bun:sqlite";
import type { OutboxLimits } from "./outbox.ts";
import { OutboxError } from "./outbox-error.ts";

/** What one enforcement removed. */
export interface Dropped {
  dropped: number;
  bytes: number;
  /** The dropped readings' ids (an upload in flight may still deliver them). */
  ids: string[];
}

/** Applies bounds to the readings table; call enforce() inside a write transaction. */
export interface LimitEnforcer {
  /** Drops by age, then by count, then by bytes, given the current depth and payload bytes. */
  enforce(limits: Required<OutboxLimits>, nowMs: number, depth: number, bytes: number): Dropped;
  /** meta.dropped_total as stored. */
  droppedTotal(): bigint;
}

/**
 * The limits in force: each field of `wanted` that is absent or 0 falls
 * back to `base`. Throws OutboxError "invalid-argument" for a negative or
 * non-integer bound.
 */
export function resolveLimits(base: Required<OutboxLimits>, wanted: OutboxLimits): Required<OutboxLimits> {
  const out = { ...base };
  for (const key of ["maxReadings", "maxBytes", "maxAgeMs"] as const) {
    const v = wanted[key] || base[key];
    if (!Number.isSafeInteger(v) || v <= 0) {
      throw new OutboxError("invalid-argument", `outbox limit ${key} must be a positive whole number, got ${v}`);
    }
    out[key] = v;
  }
  return out;
}

/** Creates the enforcer over an open outbox database. */
export function createLimitEnforcer(db: Database): LimitEnforcer {
  const headRows = db.query("SELECT seq, created_at, size FROM readings WHERE seq > ? ORDER BY seq LIMIT ?").safeIntegers(true);
  const dropFirst = db.query("DELETE FROM readings WHERE seq IN (SELECT seq FROM readings ORDER BY seq LIMIT ?) RETURNING size, id");
  const dropThrough = db.query("DELETE FROM readings WHERE seq <= ? RETURNING size, id");
  const addDropped = db.query("UPDATE meta SET value = value + ? WHERE key = 'dropped_total'");
  const readDropped = db.query("SELECT value FROM meta WHERE key = 'dropped_total'").safeIntegers(true);

  const sum = (rows: unknown[]): Dropped => ({
    dropped: rows.length,
    bytes: (rows as { size: number }[]).reduce((a, r) => a + r.size, 0),
    ids: (rows as { id: string }[]).map((r) => r.id),
  });

  /**
   * The last seq of the longest run of rows from the head that `take`
   * accepts (0n if it takes none). The first look is one row, since on
   * almost every put the head is within bounds.
   */
  function prefixEnd(take: (row: { createdAt: number; size: number }) => boolean): bigint {
    let end = 0n;
    for (let chunk = 1; ; chunk = 1000) {
      const rows = headRows.all(end, chunk) as { seq: bigint; created_at: bigint; size: bigint }[];
      for (const r of rows) {
        if (!take({ createdAt: Number(r.created_at), size: Number(r.size) })) return end;
        end = r.seq;
      }
      if (rows.length < chunk) return end;
    }
  }

  return {
    enforce(limits, nowMs, depth, bytes) {
      const total: Dropped = { dropped: 0, bytes: 0, ids: [] };
      const add = (d: Dropped) => {
        total.dropped += d.dropped;
        total.bytes += d.bytes;
        total.ids.push(...d.ids);
      };
      // Age is judged in seq order, like the other bounds: no index on
      // created_at to keep up on every put, at the price that a reading stored
      // after the clock stepped back waits for the ones before it.
      const cutoff = nowMs - limits.maxAgeMs;
      const aged = prefixEnd((r) => r.createdAt < cutoff);
      if (aged > 0n) add(sum(dropThrough.all(aged)));
      if (depth - total.dropped > limits.maxReadings) add(sum(dropFirst.all(depth - total.dropped - limits.maxReadings)));
      const excess = bytes - total.bytes - limits.maxBytes;
      if (excess > 0) {
        let freed = 0;
        const end = prefixEnd((r) => {
          if (freed >= excess) return false;
          freed += r.size;
          return true;
        });
        add(sum(dropThrough.all(end)));
      }
      if (total.dropped > 0) addDropped.run(total.dropped);
      return total;
    },

    droppedTotal() {
      return (readDropped.get() as { value: bigint }).value;
    },
  };
}
