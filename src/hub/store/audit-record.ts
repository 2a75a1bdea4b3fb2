/**
 * Reading the audit log: a stored row as the record callers see, the
 * filters of list and export, an export line, the retention anchor, and the
 * verifying pass over the table. The writes are in audit-log.ts.
 */
import type { Database } from "bun:sqlite";
import { type AuditAnchor, type AuditOutcome, type AuditProblemKind, type AuditRow, createAuditChainChecker } from "./audit-chain.ts";
import { StoreError } from "./store-error.ts";

/** An audit record as the store hands it out ("" for a field not given). */
export interface AuditRecord {
  seq: number;
  at: Date;
  actor: string;
  actorUserId: string;
  via: string;
  address: string;
  action: string;
  siteId: string;
  target: string;
  outcome: AuditOutcome;
  /** The detail as stored (bounded; `{}` for none). */
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** Which records to list or export; every field given must match. */
export interface AuditFilter {
  /** At or after. */
  since?: Date;
  /** Before. */
  until?: Date;
  actor?: string;
  action?: string;
  siteId?: string;
  /** ok, denied or failed. */
  outcome?: string;
  /** Only records of these sites (the sites the caller may see); records of no site are left out. */
  siteIds?: Iterable<string>;
}

/** A page of `listAudit`. */
export interface AuditListOptions extends AuditFilter {
  /** Default 100, at most 10000. */
  limit?: number;
  /** Only records with a lower seq (the next page: the last seq of this one). */
  beforeSeq?: number;
}

/** What `verifyAudit` found: the whole chain holds, or the first record that breaks it. */
export type AuditVerifyResult =
  | { ok: true; records: number; firstSeq: number; lastSeq: number; lastHash: string; anchor?: AuditAnchor }
  | { ok: false; seq: number; kind: AuditProblemKind; problem: string; checked: number };

/** The hub_settings key of the retention anchor (JSON {"seq": n, "hash": "<64 hex>"}). */
export const AUDIT_ANCHOR_KEY = "audit.anchor";

/** A stored row as a record. */
export function toAuditRecord(r: AuditRow): AuditRecord {
  let detail: Record<string, unknown> = {};
  if (r.detail) {
    try {
      detail = JSON.parse(r.detail);
    } catch {
      // Only a row written past the store has this; show it rather than hide it.
      detail = { _unreadable: r.detail };
    }
  }
  return {
    seq: r.seq,
    at: new Date(r.at),
    actor: r.actor,
    actorUserId: r.actor_user_id,
    via: r.via,
    address: r.address,
    action: r.action,
    siteId: r.site_id,
    target: r.target,
    outcome: r.outcome as AuditOutcome,
    detail,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** One export line: the row's fields under their column names, with `time` (ISO 8601, from `at`) after `seq`. */
export function exportLine(r: AuditRow): string {
  const { seq, at, actor, actor_user_id, via, address, action, site_id, target, outcome, detail, prev_hash, hash } = r;
  const time = new Date(at).toISOString();
  return JSON.stringify({ seq, time, at, actor, actor_user_id, via, address, action, site_id, target, outcome, detail, prev_hash, hash });
}

/** The SQL conditions of a filter (joined with AND by the caller, which may add its own). */
export function auditFilterSql(f: AuditFilter): { where: string[]; params: (string | number)[] } {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (f.since !== undefined) where.push("at >= ?"), params.push(f.since.getTime());
  if (f.until !== undefined) where.push("at < ?"), params.push(f.until.getTime());
  if (f.actor !== undefined) where.push("actor = ?"), params.push(f.actor);
  if (f.action !== undefined) where.push("action = ?"), params.push(f.action);
  if (f.siteId !== undefined) where.push("site_id = ?"), params.push(f.siteId);
  if (f.outcome !== undefined) where.push("outcome = ?"), params.push(f.outcome);
  // One JSON parameter, not one per site: a caller may see thousands of sites.
  if (f.siteIds !== undefined) {
    // "" is no site: a caller limited to some sites never sees the hub-wide records through it.
    where.push("site_id <> '' AND site_id IN (SELECT value FROM json_each(?))"), params.push(JSON.stringify([...f.siteIds]));
  }
  return { where, params };
}

/**
 * The retention anchor, if retention has run. Throws data-loss when the
 * setting is there but damaged.
 */
export function readAuditAnchor(db: Database): AuditAnchor | undefined {
  const row = db.query<{ value: string }, [string]>("SELECT value FROM hub_settings WHERE key = ?").get(AUDIT_ANCHOR_KEY);
  if (!row) return undefined;
  let a: Partial<AuditAnchor> | undefined;
  try {
    a = JSON.parse(row.value);
  } catch {}
  if (!a || !Number.isSafeInteger(a.seq) || typeof a.hash !== "string" || !/^[0-9a-f]{64}$/.test(a.hash)) {
    throw new StoreError("data-loss", `the audit log's retention anchor (hub_settings '${AUDIT_ANCHOR_KEY}') is damaged; restore the hub database from a backup`);
  }
  return { seq: a.seq as number, hash: a.hash };
}

/** Streams the whole table through the chain rule; the caller holds one read snapshot. */
export function verifyAuditRows(db: Database): AuditVerifyResult {
  let anchor: AuditAnchor | undefined;
  try {
    anchor = readAuditAnchor(db);
  } catch (e) {
    return { ok: false, seq: 0, kind: "anchor", problem: (e as Error).message, checked: 0 };
  }
  const checker = createAuditChainChecker({ anchor });
  for (const row of db.query<AuditRow, []>("SELECT * FROM audit_log ORDER BY seq").iterate()) {
    const p = checker.check(row);
    if (p) return { ok: false, ...p, checked: checker.summary().records };
  }
  const { records, last } = checker.summary();
  if (!last) {
    if (!anchor) return { ok: true, records: 0, firstSeq: 0, lastSeq: 0, lastHash: "" };
    const problem = `the log is empty, but its retention anchor says records up to ${anchor.seq} existed: the records from ${anchor.seq + 1} on were deleted`;
    return { ok: false, seq: anchor.seq + 1, kind: "missing", problem, checked: 0 };
  }
  return { ok: true, records, firstSeq: last.seq - records + 1, lastSeq: last.seq, lastHash: last.hash, ...(anchor && { anchor }) };
}
