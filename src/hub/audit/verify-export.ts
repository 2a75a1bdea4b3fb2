/**
 * Verifies an audit export (JSON lines, as the store's exportAudit writes
 * them) on its own, without the hub: every line against its hash and its
 * link to the line before, by the same chain rule as the store's verify
 * (src/hub/store/audit-chain.ts). For `dca-hub audit verify --file F`.
 *
 * An export that starts after seq 1 (retention ran, or it was cut by time)
 * starts from its first record's prev_hash: the result names that start so it
 * can be compared with the hub's anchor or an earlier export's last hash. A
 * filtered export (by actor, action or site) has seq gaps; pass `allowGaps`
 * and each record is still checked against its hash.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { DcaError } from "../../common/errors.ts";
import { type AuditAnchor, type AuditProblemKind, type AuditRow, createAuditChainChecker } from "../store/index.ts";

/** Options of the export verifiers. */
export interface AuditExportVerifyOptions {
  /** The export was filtered: allow seq gaps (the count is reported). */
  allowGaps?: boolean;
}

/** What verifying an export found: the whole file holds, or the first line that breaks it. */
export type AuditExportVerifyResult =
  | { ok: true; records: number; firstSeq: number; lastSeq: number; lastHash: string; start?: AuditAnchor; gaps: number }
  | { ok: false; line: number; seq: number; kind: AuditProblemKind; problem: string };

// Exactly the fields an export line has: a field the hash does not cover must not ride along unnoticed.
const NUMBER_FIELDS = ["seq", "at"] as const;
const STRING_FIELDS = ["time", "actor", "actor_user_id", "via", "address", "action", "site_id", "target", "outcome", "detail", "prev_hash", "hash"] as const;
const FIELD_COUNT = NUMBER_FIELDS.length + STRING_FIELDS.length;
// The largest time a Date holds (ECMA-262 21.4.1.1); beyond it there is no ISO form to compare.
const MAX_TIME_MS = 8.64e15;

/** A verifier fed one line at a time (blank lines are skipped), for files of any length. */
export function createAuditExportVerifier(opts: AuditExportVerifyOptions = {}) {
  const checker = createAuditChainChecker({ trustFirst: true, allowGaps: opts.allowGaps });
  let lineNo = 0;
  let failure: AuditExportVerifyResult | undefined;
  return {
    /** Checks the next line; false once a problem was found (later lines are not looked at). */
    line(text: string): boolean {
      if (failure) return false;
      lineNo++;
      if (!text.trim()) return true;
      const parsed = parseLine(text);
      if (typeof parsed === "string") {
        failure = { ok: false, line: lineNo, seq: 0, kind: "malformed", problem: `line ${lineNo}: ${parsed}` };
        return false;
      }
      const problem =
        new Date(parsed.at).toISOString() === parsed.time
          ? checker.check(parsed)
          : { seq: parsed.seq, kind: "edited" as const, problem: `record ${parsed.seq}'s time ${parsed.time} is not its at (${parsed.at}): the line was changed` };
      if (problem) failure = { ok: false, line: lineNo, ...problem };
      return !failure;
    },
    /** The result of the lines seen so far. */
    result(): AuditExportVerifyResult {
      if (failure) return failure;
      const { records, start, last, gaps } = checker.summary();
      if (!last) return { ok: true, records: 0, firstSeq: 0, lastSeq: 0, lastHash: "", gaps: 0 };
      return { ok: true, records, firstSeq: (start?.seq ?? 0) + 1, lastSeq: last.seq, lastHash: last.hash, ...(start && start.seq > 0 && { start }), gaps };
    },
  };
}

/** Verifies export lines held in memory (or any iterable of lines). */
export function verifyAuditExportLines(lines: Iterable<string>, opts: AuditExportVerifyOptions = {}): AuditExportVerifyResult {
  const v = createAuditExportVerifier(opts);
  for (const l of lines) if (!v.line(l)) break;
  return v.result();
}

/** Verifies an export file, streaming it. Throws a DcaError when the file cannot be read. */
export async function verifyAuditExportFile(path: string, opts: AuditExportVerifyOptions = {}): Promise<AuditExportVerifyResult> {
  const v = createAuditExportVerifier(opts);
  const input = createReadStream(path, { encoding: "utf8" });
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const l of lines) if (!v.line(l)) break;
  } catch (e) {
    const err = DcaError.from(e);
    throw new DcaError(err.code, `cannot read the audit export ${path}: ${err.message}`, { cause: e });
  } finally {
    lines.close();
    input.destroy();
  }
  return v.result();
}

/** The row of an export line, or what is wrong with the line. */
function parseLine(text: string): (AuditRow & { time: string }) | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return "not JSON";
  }
  if (!v || typeof v !== "object" || Array.isArray(v)) return "not a JSON object";
  const o = v as Record<string, unknown>;
  const seq = typeof o.seq === "number" ? `record ${o.seq}` : "the record";
  for (const f of NUMBER_FIELDS) if (typeof o[f] !== "number" || !Number.isSafeInteger(o[f])) return `${seq} has no whole number "${f}"`;
  for (const f of STRING_FIELDS) if (typeof o[f] !== "string") return `${seq} has no string "${f}"`;
  if (Math.abs(o.at as number) > MAX_TIME_MS) return `${seq} has an "at" outside the dates JavaScript can hold`;
  if (Object.keys(o).length !== FIELD_COUNT) {
    const known = new Set<string>([...NUMBER_FIELDS, ...STRING_FIELDS]);
    return `${seq} has a field an audit export does not write: ${Object.keys(o).filter((k) => !known.has(k)).join(", ")}`;
  }
  return o as unknown as AuditRow & { time: string };
}
