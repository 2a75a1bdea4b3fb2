/**
 * The audit log's hash chain: how a record's hash is computed, and the one
 * rule that checks a run of records, shared by the store's verify and the
 * verification of an exported file. docs/security.md tells users how to
 * check a chain on their own; what it says must match this file.
 *
 * The hash of a record is the SHA-256, in lowercase hex, of the UTF-8 bytes of
 *
 *   JSON.stringify([seq, at, actor, actor_user_id, via, address, action,
 *                   site_id, target, outcome, detail, prev_hash])
 *
 * that is a JSON array with no whitespace, in that order: `seq` and `at` (ms
 * since the epoch) as integers, every other field as a JSON string exactly as
 * stored ("" when empty; `detail` is the stored canonical JSON text of the
 * detail, itself a string here, never re-encoded). Strings are written as
 * JSON.stringify does: only `"`, `\` and control characters below U+0020 are
 * escaped (\b \t \n \f \r, the others as \u00xx), everything else is raw
 * UTF-8 (Python: json.dumps(fields, separators=(",", ":"), ensure_ascii=False)).
 * `prev_hash` is the previous record's hash; the first record's is 64 zeros,
 * and after retention deleted the oldest records the first kept record's is
 * the anchor: the last deleted record's hash (hub_settings 'audit.anchor').
 */
import { createHash } from "node:crypto";

/** The prev_hash of the very first record. */
export const AUDIT_ZERO_HASH = "0".repeat(64);

/** The record outcomes. */
export const AUDIT_OUTCOMES = ["ok", "denied", "failed"] as const;

/** What became of the audited action. */
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** One record as stored (and as exported, plus `time`): the fields the hash covers, and the hash. */
export interface AuditRow {
  seq: number;
  /** Milliseconds since the epoch. */
  at: number;
  actor: string;
  actor_user_id: string;
  via: string;
  address: string;
  action: string;
  site_id: string;
  target: string;
  outcome: string;
  /** The canonical JSON of the detail, "" for none (audit-detail.ts). */
  detail: string;
  prev_hash: string;
  hash: string;
}

/** The last record retention deleted: the first kept record's prev_hash must be its hash. */
export interface AuditAnchor {
  seq: number;
  hash: string;
}

/** What is wrong: `edited` a record does not match its hash; `unlinked` its prev_hash is not the previous record's hash; `missing` a seq gap; `order` seqs not increasing; `anchor` the head does not match the anchor; `malformed` a record or the anchor does not parse. */
export type AuditProblemKind = "edited" | "unlinked" | "missing" | "order" | "anchor" | "malformed";

/** The first problem found, naming the record. */
export interface AuditProblem {
  seq: number;
  kind: AuditProblemKind;
  problem: string;
}

/** The hash of a record (see the file comment for the encoding). */
export function auditHash(r: Omit<AuditRow, "hash">): string {
  const fields = [r.seq, r.at, r.actor, r.actor_user_id, r.via, r.address, r.action, r.site_id, r.target, r.outcome, r.detail, r.prev_hash];
  return createHash("sha256").update(JSON.stringify(fields), "utf8").digest("hex");
}

/** Options of {@link createAuditChainChecker}. */
export interface AuditChainOptions {
  /** Where the chain starts; none: at seq 1 with the zero hash (unless `trustFirst`). */
  anchor?: AuditAnchor;
  /** An export on its own: the first record's prev_hash is taken as the anchor (a chain starting at seq 1 still needs the zero hash). */
  trustFirst?: boolean;
  /** A filtered export: seq gaps are allowed (links are checked only between consecutive seqs). */
  allowGaps?: boolean;
}

/**
 * Checks records fed in seq order: each against its hash, then its link to
 * the record before (or the anchor). Keeps only the previous record, so a log
 * of any length streams through it.
 */
export function createAuditChainChecker(opts: AuditChainOptions = {}) {
  let prev: AuditAnchor | undefined = opts.anchor ?? (opts.trustFirst ? undefined : { seq: 0, hash: AUDIT_ZERO_HASH });
  let first: AuditAnchor | undefined;
  let records = 0;
  let gaps = 0;
  return {
    /** Checks the next record; the first problem, or undefined. */
    check(r: AuditRow): AuditProblem | undefined {
      const seq = r.seq;
      if (!Number.isSafeInteger(seq) || seq < 1) return { seq: Number(seq) || 0, kind: "malformed", problem: `record seq ${String(seq)} is not a positive integer` };
      if (auditHash(r) !== r.hash) return { seq, kind: "edited", problem: `record ${seq} does not match its hash: it was changed after it was written` };
      if (!prev) prev = seq === 1 ? { seq: 0, hash: AUDIT_ZERO_HASH } : { seq: seq - 1, hash: r.prev_hash };
      const atHead = records === 0;
      if (seq <= prev.seq) {
        const problem = atHead ? `record ${seq} comes before the anchor (record ${prev.seq}, where retention stopped)` : `record ${seq} comes after record ${prev.seq}: records are out of order or repeated`;
        return { seq, kind: atHead ? "anchor" : "order", problem };
      }
      if (seq > prev.seq + 1 && !opts.allowGaps) return { seq, kind: "missing", problem: missingText(prev.seq, seq, atHead && !opts.anchor) };
      if (seq === prev.seq + 1 && r.prev_hash !== prev.hash) {
        const problem = atHead
          ? `record ${seq} does not follow ${prev.seq === 0 ? "the start of the log" : `the anchor (record ${prev.seq}, where retention stopped)`}: its prev_hash is wrong`
          : `record ${seq} does not follow record ${prev.seq} (its prev_hash is not record ${prev.seq}'s hash): record ${prev.seq} was replaced or a record was inserted`;
        return { seq, kind: atHead ? "anchor" : "unlinked", problem };
      }
      if (seq > prev.seq + 1) gaps++;
      if (atHead) first = { seq: seq - 1, hash: r.prev_hash };
      prev = { seq, hash: r.hash };
      records++;
      return undefined;
    },
    /** What was checked so far: the records, the start (seq and hash before the first record), the last record, the gaps allowed. */
    summary(): { records: number; start?: AuditAnchor; last?: AuditAnchor; gaps: number } {
      return { records, start: first, last: records ? prev : undefined, gaps };
    },
  };
}

function missingText(prevSeq: number, seq: number, noAnchor: boolean): string {
  const range = seq - prevSeq === 2 ? `record ${prevSeq + 1} is` : `records ${prevSeq + 1} to ${seq - 1} are`;
  return noAnchor && prevSeq === 0 ? `${range} missing before record ${seq}, and no retention anchor says they were pruned: deleted` : `${range} missing before record ${seq}: deleted`;
}
