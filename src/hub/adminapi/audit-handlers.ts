/**
 * AdminService: the audit log (the `audit` commands). Reading it is itself
 * recorded (the door's rule). A caller who may read the log only for some
 * sites sees only those sites' records, and a site filter is checked like
 * any site. Export streams JSON lines that verify on their own
 * (src/hub/audit/verify-export.ts).
 */
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { type Timestamp, timestampDate } from "@bufbuild/protobuf/wkt";
import type { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import { DcaError } from "../../common/errors.ts";
import { AUDIT_LIST_DEFAULT, AUDIT_LIST_MAX, type AuditFilter, type AuditLogStore, type SiteAdminStore } from "../store/index.ts";
import { callerOf, note, siteFor } from "./admin-call.ts";
import { auditRecordToProto } from "./people-to-proto.ts";

type AuditMethods = "listAudit" | "exportAudit" | "verifyAudit";

/** The outcomes a record has (ListAudit's outcome filter). */
const AUDIT_OUTCOMES = ["ok", "denied", "failed"];

/** Export lines are sent in chunks of about this many characters. */
const EXPORT_CHUNK = 256 * 1024;

/** What the filters of ListAudit and ExportAudit have in common. */
interface AuditFilterRequest {
  since?: Timestamp;
  until?: Timestamp;
  actor?: string;
  action?: string;
  site?: string;
}

/** The audit methods over the store. */
export function createAuditHandlers(store: AuditLogStore & Pick<SiteAdminStore, "getSite">): Pick<ServiceImpl<typeof AdminService>, AuditMethods> {
  /** The request's filter, narrowed to the sites the caller may read the log of. */
  const filterOf = (ctx: HandlerContext, req: AuditFilterRequest): AuditFilter => {
    const caller = callerOf(ctx);
    const f: AuditFilter = {};
    if (req.since) f.since = timestampDate(req.since);
    if (req.until) f.until = timestampDate(req.until);
    if (req.actor) f.actor = req.actor;
    if (req.action) f.action = req.action;
    const sites = caller.sitesWith("audit.read");
    if (req.site) {
      // Records outlive their site: a reader of the whole log may name a deleted site by its id.
      const gone = sites === "all" && req.site.startsWith("site_") && !store.getSite(req.site);
      f.siteId = gone ? req.site : siteFor(ctx, store, "audit.read", req.site).id;
    }
    if (sites !== "all") f.siteIds = sites;
    return f;
  };

  return {
    listAudit(req, ctx) {
      const limit = req.limit === 0 ? AUDIT_LIST_DEFAULT : req.limit;
      if (limit > AUDIT_LIST_MAX) throw new DcaError("invalid-argument", `--limit must be at most ${AUDIT_LIST_MAX}; page with an earlier --before`);
      if (req.outcome && !AUDIT_OUTCOMES.includes(req.outcome)) throw new DcaError("invalid-argument", `the outcome filter must be ok, denied or failed, got "${req.outcome.slice(0, 40)}"`);
      const outcome = req.outcome ? { outcome: req.outcome } : {};
      const records = store.listAudit({ ...filterOf(ctx, req), ...outcome, limit, ...(req.beforeSeq > 0n && { beforeSeq: Number(req.beforeSeq) }) });
      const names = new Map<string, string>();
      const siteName = (id: string) => {
        if (!id) return "";
        if (!names.has(id)) names.set(id, store.getSite(id)?.name ?? "");
        return names.get(id)!;
      };
      note(ctx, { detail: { records: records.length } });
      return { records: records.map((r) => auditRecordToProto(r, siteName(r.siteId))) };
    },

    async *exportAudit(req, ctx) {
      const filter = filterOf(ctx, req);
      // The store reads one snapshot synchronously; the chunks go out after it.
      const chunks: string[] = [];
      let chunk = "";
      const records = store.exportAudit(filter, (line) => {
        chunk += `${line}\n`;
        if (chunk.length >= EXPORT_CHUNK) chunks.push(chunk), (chunk = "");
      });
      if (chunk) chunks.push(chunk);
      note(ctx, { detail: { records } });
      for (const lines of chunks) yield { lines };
    },

    verifyAudit(_req, ctx) {
      callerOf(ctx);
      const r = store.verifyAudit();
      if (!r.ok) {
        note(ctx, { outcome: "failed", detail: { ok: false, badSeq: r.seq, kind: r.kind } });
        return { ok: false, records: BigInt(r.checked), badSeq: BigInt(r.seq), problem: r.problem };
      }
      note(ctx, { detail: { ok: true, records: r.records, lastSeq: r.lastSeq } });
      return {
        ok: true,
        records: BigInt(r.records),
        firstSeq: BigInt(r.firstSeq),
        lastSeq: BigInt(r.lastSeq),
        lastHash: r.lastHash,
        anchorSeq: BigInt(r.anchor?.seq ?? 0),
      };
    },
  };
}
