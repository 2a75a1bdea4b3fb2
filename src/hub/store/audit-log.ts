/**
 * The hub's audit log (docs/security.md "Audit log"): who did what, when,
 * from where, with what outcome. Append-only (an UPDATE trigger refuses
 * edits), each record hash-chained to the one before (audit-chain.ts), so
 * that an edited, deleted or inserted row shows in `verifyAudit`. Several
 * processes append (the server, the break-glass admin-local command): each
 * append reads the last hash and writes the next record in one IMMEDIATE
 * transaction, which serialises them. Retention deletes the oldest records
 * and keeps the last deleted record's seq and hash as the anchor.
 */
import { AUDIT_OUTCOMES, AUDIT_ZERO_HASH, type AuditAnchor, type AuditOutcome, type AuditRow, auditHash } from "./audit-chain.ts";
import { auditText, canonicalDetail } from "./audit-detail.ts";
import {
  AUDIT_ANCHOR_KEY,
  type AuditFilter,
  type AuditListOptions,
  type AuditRecord,
  type AuditVerifyResult,
  auditFilterSql,
  exportLine,
  readAuditAnchor,
  toAuditRecord,
  verifyAuditRows,
} from "./audit-record.ts";
import type { StoreContext } from "./store-context.ts";
import { StoreError } from "./store-error.ts";

/** Who acted, as an audit record names them (docs: actor = username or "admin-local:<os user>"; via = "session:<id>" | "token:<id>" | "admin-local" | "sso"). */
export interface AuditActor {
  actor: string;
  actorUserId?: string;
  via?: string;
  /** The remote address. */
  address?: string;
}

/** A record to append. Never put a secret in `detail`. */
export interface NewAuditRecord extends AuditActor {
  /** What was done, e.g. "UserCreated", "SignInFailed". */
  action: string;
  siteId?: string;
  /** What it was done to (an id or name). */
  target?: string;
  outcome: AuditOutcome;
  detail?: Record<string, unknown>;
}

/** What `pruneAudit` did. */
export interface AuditPruneResult {
  deleted: number;
  /** The last deleted record, now the anchor. */
  throughSeq?: number;
  /** The "AuditPruned" record appended. */
  record?: AuditRecord;
}

/** Default page of `listAudit`. */
export const AUDIT_LIST_DEFAULT = 100;
/** Largest page of `listAudit`. */
export const AUDIT_LIST_MAX = 10_000;

const DAY_MS = 86_400_000;
const INSERT =
  "INSERT INTO audit_log (seq, at, actor, actor_user_id, via, address, action, site_id, target, outcome, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/** The audit log methods of the store. */
export function createAuditLog(ctx: StoreContext) {
  const { db } = ctx;

  // Inside a write transaction: the record after the last one (or after the anchor).
  const appendRow = (r: NewAuditRecord): AuditRecord => {
    const actor = auditText(r.actor ?? "").trim();
    const action = auditText(r.action ?? "").trim();
    if (!actor || !action) throw new StoreError("invalid-argument", "an audit record needs an actor and an action");
    if (!AUDIT_OUTCOMES.includes(r.outcome)) throw new StoreError("invalid-argument", `audit outcome "${String(r.outcome)}" is not one of ${AUDIT_OUTCOMES.join(", ")}`);
    const last = db.query<AuditAnchor, []>("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").get() ?? readAuditAnchor(db) ?? { seq: 0, hash: AUDIT_ZERO_HASH };
    const row: Omit<AuditRow, "hash"> = {
      seq: last.seq + 1,
      at: ctx.now().getTime(),
      actor,
      actor_user_id: auditText(r.actorUserId ?? ""),
      via: auditText(r.via ?? ""),
      address: auditText(r.address ?? ""),
      action,
      site_id: auditText(r.siteId ?? ""),
      target: auditText(r.target ?? ""),
      outcome: r.outcome,
      detail: canonicalDetail(r.detail),
      prev_hash: last.hash,
    };
    const stored: AuditRow = { ...row, hash: auditHash(row) };
    db.run(INSERT, [stored.seq, stored.at, stored.actor, stored.actor_user_id, stored.via, stored.address, stored.action, stored.site_id, stored.target, stored.outcome, stored.detail, stored.prev_hash, stored.hash]);
    return toAuditRecord(stored);
  };

  return {
    /** Appends a record, chained to the last one; the record as stored, with its seq and hash. */
    appendAudit(record: NewAuditRecord): AuditRecord {
      return ctx.write(() => appendRow(record));
    },

    /**
     * Checks the whole log in seq order, streaming (any length): every record
     * against its hash and its link to the one before, the first against the
     * retention anchor. Names the first bad record.
     */
    verifyAudit(): AuditVerifyResult {
      // One read transaction: the anchor and the rows from one snapshot, even while another process prunes.
      return ctx.read(() => db.transaction(() => verifyAuditRows(db))());
    },

    /** Records matching `opts`, newest first: `limit` (default 100, at most 10000) of them with seq below `beforeSeq`. */
    listAudit(opts: AuditListOptions = {}): AuditRecord[] {
      const limit = opts.limit ?? AUDIT_LIST_DEFAULT;
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > AUDIT_LIST_MAX) {
        throw new StoreError("invalid-argument", `audit list limit ${limit} is not a whole number from 1 to ${AUDIT_LIST_MAX}`);
      }
      const { where, params } = auditFilterSql(opts);
      if (opts.beforeSeq !== undefined) where.push("seq < ?"), params.push(opts.beforeSeq);
      const sql = `SELECT * FROM audit_log${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY seq DESC LIMIT ?`;
      return ctx.read(() => db.query<AuditRow, (string | number)[]>(sql).all(...params, limit).map(toAuditRecord));
    },

    /**
     * Writes the records matching `filter` as JSON lines, oldest first, each with
     * its seq, ISO time, fields, prev_hash and hash (verifiable on its own:
     * src/hub/audit/verify-export.ts); the number written.
     */
    exportAudit(filter: AuditFilter, write: (line: string) => void): number {
      const { where, params } = auditFilterSql(filter);
      const sql = `SELECT * FROM audit_log${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY seq`;
      return ctx.read(() => {
        let n = 0;
        for (const row of db.query<AuditRow, (string | number)[]>(sql).iterate(...params)) {
          write(exportLine(row));
          n++;
        }
        return n;
      });
    },

    /**
     * Deletes the records older than `retentionDays` (the oldest records up to the
     * first one inside the retention), keeps the last deleted record as the
     * anchor and appends an "AuditPruned" record, all in one transaction.
     */
    pruneAudit(retentionDays: number, by: AuditActor = { actor: "hub", via: "retention" }): AuditPruneResult {
      if (!Number.isSafeInteger(retentionDays) || retentionDays < 1) {
        throw new StoreError("invalid-argument", `audit retention ${retentionDays} is not a whole number of days of at least 1`);
      }
      return ctx.write(() => {
        const cutoff = ctx.now().getTime() - retentionDays * DAY_MS;
        const firstKept = db.query<{ s: number | null }, [number]>("SELECT min(seq) AS s FROM audit_log WHERE at >= ?").get(cutoff)?.s ?? null;
        const through =
          firstKept === null
            ? db.query<AuditAnchor, []>("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").get()
            : db.query<AuditAnchor, [number]>("SELECT seq, hash FROM audit_log WHERE seq < ? ORDER BY seq DESC LIMIT 1").get(firstKept);
        if (!through) return { deleted: 0 };
        const deleted = db.run("DELETE FROM audit_log WHERE seq <= ?", [through.seq]).changes;
        db.run("INSERT INTO hub_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [
          AUDIT_ANCHOR_KEY,
          JSON.stringify({ seq: through.seq, hash: through.hash }),
        ]);
        const record = appendRow({ ...by, action: "AuditPruned", outcome: "ok", detail: { deleted, throughSeq: through.seq, retentionDays } });
        return { deleted, throughSeq: through.seq, record };
      });
    },
  };
}
