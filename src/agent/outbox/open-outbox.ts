/**
 * The outbox on SQLite: one row per reading, protobuf payload with a CRC32,
 * each put its own fsynced transaction, bounds applied in the same
 * transaction as the put that crossed them, and the count of dropped
 * readings kept beside them so it survives restarts.
 */
import type { Database } from "bun:sqlite";
import { statSync } from "node:fs";
import { create, toBinary } from "@bufbuild/protobuf";
import { OutboxReadingSchema } from "../../gen/dca/v1/agent_service_pb.ts";
import { type DeviceReading, DeviceReadingSchema } from "../../gen/dca/v1/reading_pb.ts";
import { capReading } from "../../common/reading-limits.ts";
import { openOutboxDatabase } from "./open-outbox-database.ts";
import {
  DEFAULT_MAX_AGE_MS,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_READINGS,
  type Outbox,
  type OutboxEntry,
  type OutboxLimits,
  type OutboxOptions,
  type QuarantinedEntry,
} from "./outbox.ts";
import { OutboxError } from "./outbox-error.ts";
import { createLimitEnforcer, resolveLimits } from "./outbox-limits.ts";
import { STORED_ROW_COLUMNS, type StoredRow, readStoredRow } from "./read-stored-row.ts";
import { uuidv7 } from "./uuidv7.ts";

/**
 * Opens the outbox at `path`, creating it (and a missing folder) if needed;
 * ":memory:" gives one that lives only as long as the process. Throws
 * OutboxError for a file that is not an outbox or is damaged, and leaves
 * such a file untouched.
 */
export function openOutbox(path: string, opts: OutboxOptions = {}): Outbox {
  const now = opts.now ?? Date.now;
  const base: Required<OutboxLimits> = {
    maxReadings: opts.maxReadings || DEFAULT_MAX_READINGS,
    maxBytes: opts.maxBytes || DEFAULT_MAX_BYTES,
    maxAgeMs: opts.maxAgeMs || DEFAULT_MAX_AGE_MS,
  };
  let limits = resolveLimits(base, {});
  const db: Database = openOutboxDatabase(path, { integrityCheck: opts.integrityCheck ?? true });
  let closed = false;
  let depth = 0;
  let bytes = 0;
  let nextSeq = 1n;
  /** Sets the in-memory counters from the file (at open, and after a rolled-back transaction). */
  function reload(): void {
    const t = db.query("SELECT count(*) AS depth, coalesce(sum(size), 0) AS bytes FROM readings").get() as { depth: number; bytes: number };
    const last = db.query("SELECT seq FROM sqlite_sequence WHERE name = 'readings'").safeIntegers(true).get() as { seq: bigint } | null;
    depth = t.depth;
    bytes = t.bytes;
    nextSeq = (last?.seq ?? 0n) + 1n;
  }
  try {
    reload();
  } catch (e) {
    db.close();
    throw OutboxError.fromStorage(e, path, "open the outbox");
  }

  const insert = db.query("INSERT INTO readings(id, task_id, created_at, size, crc32, payload) VALUES (?, ?, ?, ?, ?, ?)");
  const selectFrom = db.query(`SELECT ${STORED_ROW_COLUMNS} FROM readings WHERE seq > ? ORDER BY seq LIMIT ?`).safeIntegers(true);
  const deleteById = db.query("DELETE FROM readings WHERE id = ? RETURNING size");
  const undrop = db.query("UPDATE meta SET value = value - ? WHERE key = 'dropped_total'");
  const moveToQuarantine = db.query(
    "INSERT INTO quarantine SELECT seq, id, task_id, created_at, size, crc32, payload, ?, ? FROM readings WHERE seq = ?",
  );
  const deleteBySeq = db.query("DELETE FROM readings WHERE seq = ? RETURNING size");
  const enforcer = createLimitEnforcer(db);

  /** Runs `fn`, mapping any failure to an OutboxError about this file. */
  function guard<T>(doing: string, fn: () => T): T {
    if (closed) throw new OutboxError("failed-precondition", `cannot ${doing}: the outbox ${path} is closed`, { reason: "closed" });
    try {
      return fn();
    } catch (e) {
      throw OutboxError.fromStorage(e, path, doing);
    }
  }

  /** Runs `fn` as one transaction (committed and fsynced when it returns). */
  function transaction<T>(doing: string, fn: () => T): T {
    return guard(doing, () => {
      try {
        return db.transaction(fn)();
      } catch (e) {
        // Rolled back: the counters must follow the file again.
        reload();
        throw e;
      }
    });
  }

  /**
   * Ids dropped lately. A reading can be dropped while an upload carrying it
   * is in flight; when the hub then acknowledges it, it was delivered after
   * all, and the dropped count is corrected, so the count the hub hears is
   * what was really lost.
   */
  const recentlyDropped = new Set<string>();
  const RECENT_DROPS = 10_000;

  /** Inside a transaction: drops what is beyond the bounds and counts it in meta. */
  function enforce(): number {
    const r = enforcer.enforce(limits, now(), depth, bytes);
    depth -= r.dropped;
    bytes -= r.bytes;
    for (const id of r.ids) recentlyDropped.add(id);
    if (recentlyDropped.size > RECENT_DROPS) {
      for (const id of recentlyDropped) {
        recentlyDropped.delete(id);
        if (recentlyDropped.size <= RECENT_DROPS) break;
      }
    }
    return r.dropped;
  }

  function putAll(doing: string, items: readonly { reading: DeviceReading; taskId?: string }[]): string[] {
    // Encode before the transaction: a bad message is the caller's error, not the file's.
    const payloads = items.map((item) => {
      try {
        // Within the contract's bounds, so the hub never refuses what the outbox holds.
        return toBinary(DeviceReadingSchema, capReading(item.reading));
      } catch (e) {
        throw new OutboxError("invalid-argument", `cannot ${doing}: not a dca.v1.DeviceReading (${(e as Error).message})`, { cause: e });
      }
    });
    return transaction(doing, () => {
      const createdAt = Math.floor(now());
      const ids = items.map((item, i) => {
        const payload = payloads[i];
        const id = uuidv7();
        const r = insert.run(id, item.taskId ?? "", createdAt, payload.length, Bun.hash.crc32(payload), payload);
        nextSeq = BigInt(r.lastInsertRowid) + 1n;
        depth++;
        bytes += payload.length;
        return id;
      });
      enforce();
      return ids;
    });
  }

  function quarantine(bad: QuarantinedEntry[]): void {
    const at = now();
    for (const q of bad) {
      moveToQuarantine.run(q.problem, at, q.seq);
      const gone = deleteBySeq.get(q.seq) as { size: number } | null;
      if (gone) {
        depth--;
        bytes -= gone.size;
      }
    }
  }

  const outbox: Outbox = {
    put(reading, o) {
      return putAll("store a reading", [{ reading, taskId: o?.taskId }])[0];
    },

    putMany(items) {
      if (items.length === 0) return [];
      return putAll("store readings", items);
    },

    peek(limit, maxBytes = Number.POSITIVE_INFINITY) {
      const out: OutboxEntry[] = [];
      let after = 0n;
      let total = 0;
      const max = Math.floor(limit);
      while (out.length < max) {
        const rows = guard("read readings", () => selectFrom.all(after, max - out.length) as StoredRow[]);
        if (rows.length === 0) break;
        const bad: QuarantinedEntry[] = [];
        let full = false;
        for (const row of rows) {
          after = row.seq;
          if (out.length > 0 && total + Number(row.size) > maxBytes) {
            full = true;
            break;
          }
          const r = readStoredRow(row);
          if ("bad" in r) {
            bad.push(r.bad);
            continue;
          }
          out.push(r.entry);
          total += r.entry.size;
        }
        if (bad.length > 0) {
          // Set aside rather than returned with an empty reading, which the hub
          // would store under this id as if it were real.
          transaction("set a damaged reading aside", () => quarantine(bad));
          for (const q of bad) opts.onQuarantine?.(q);
        }
        if (full) break;
      }
      return out;
    },

    peekForUpload(limit, maxBytes) {
      return outbox.peek(limit, maxBytes).map((e) => create(OutboxReadingSchema, { id: e.id, seq: e.seq, taskId: e.taskId, reading: e.reading }));
    },

    ack(ids) {
      if (ids.length === 0) return 0;
      return transaction("delete acknowledged readings", () => {
        let n = 0;
        let delivered = 0;
        for (const id of ids) {
          const gone = deleteById.get(id) as { size: number } | null;
          if (!gone) {
            if (recentlyDropped.delete(id)) delivered++;
            continue;
          }
          n++;
          depth--;
          bytes -= gone.size;
        }
        if (delivered > 0) undrop.run(delivered);
        return n;
      });
    },

    enforceLimits() {
      return transaction("apply the outbox limits", enforce);
    },

    setLimits(l) {
      limits = resolveLimits(base, l);
      outbox.enforceLimits();
    },

    stats() {
      return guard("read the outbox counters", () => {
        const oldest = (db.query("SELECT created_at AS t FROM readings ORDER BY seq LIMIT 1").get() as { t: number } | null)?.t ?? null;
        const q = db.query("SELECT count(*) AS n FROM quarantine").get() as { n: number };
        return {
          depth,
          bytes,
          droppedTotal: enforcer.droppedTotal(),
          ...(oldest === null ? {} : { oldest: new Date(oldest) }),
          nextSeq,
          quarantined: q.n,
          fileBytes: path === ":memory:" ? 0 : fileSize(path) + fileSize(`${path}-wal`),
        };
      });
    },

    close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
  return outbox;
}

function fileSize(p: string): number {
  try {
    return statSync(p).size;
  } catch {
    return 0;
  }
}
