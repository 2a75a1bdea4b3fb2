/** @jsxImportSource hono/jsx */
/**
 * The audit log (/audit): records newest first, filtered by actor, action,
 * site, outcome and days (ListAudit, a page at a time, older pages by seq),
 * a download of the log as JSON lines (ExportAudit, streamed: every record
 * of the days chosen with its hashes, so the copy verifies on its own with
 * `dca-hub audit verify --file`), and a button that has the hub check its
 * own chain (VerifyAudit). Reading the log is itself recorded.
 */
import { type Timestamp, timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { AuditRecord, VerifyAuditResponse } from "../../../gen/dca/v1/admin_people_pb.ts";
import { CsrfField, Layout, Notice } from "../layout.tsx";
import type { PortalContext, PortalCtx } from "../portal-context.ts";
import { type FormStatus, type Shown, when } from "./run-change.ts";

/** Records per page. */
export const AUDIT_PAGE = 50;
const DAY_MS = 86_400_000;

/** The filters of the page, as its query has them. */
export interface AuditQuery {
  actor: string;
  action: string;
  site: string;
  outcome: string;
  /** YYYY-MM-DD (UTC), or "". */
  from: string;
  /** YYYY-MM-DD (UTC), inclusive, or "". */
  to: string;
}

const day = (s: string | undefined) => (s && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) ? s : "");

/** The filters out of the request's query (bounded; a date that is not one is left out). */
export function auditQueryOf(c: PortalCtx): AuditQuery {
  const q = (k: string) => (c.req.query(k) ?? "").trim().slice(0, 200);
  const outcome = q("outcome");
  return { actor: q("actor"), action: q("action"), site: q("site"), outcome: ["ok", "denied", "failed"].includes(outcome) ? outcome : "", from: day(q("from")), to: day(q("to")) };
}

/** The time bounds of the filters: since midnight of `from`, until the midnight after `to`. */
export function auditTimes(q: AuditQuery): { since?: Timestamp; until?: Timestamp } {
  return {
    ...(q.from && { since: timestampFromDate(new Date(`${q.from}T00:00:00Z`)) }),
    ...(q.to && { until: timestampFromDate(new Date(Date.parse(`${q.to}T00:00:00Z`) + DAY_MS)) }),
  };
}

/** The query string of `q` (empty fields left out) with `more`. */
export function auditSearch(q: AuditQuery, more: Record<string, string> = {}): string {
  const p = new URLSearchParams(Object.entries({ ...q, ...more }).filter(([, v]) => v !== ""));
  const s = p.toString();
  return s ? `?${s}` : "";
}

function Filters(p: { q: AuditQuery }) {
  const text = (id: string, label: string, value: string) => (
    <div>
      <label for={`audit-${id}`}>{label}</label>
      <input id={`audit-${id}`} name={id} type="text" value={value} maxlength={200} />
    </div>
  );
  return (
    <form class="filters" method="get" action="/audit" role="search" aria-label="Filter the audit log">
      {text("actor", "Actor", p.q.actor)}
      {text("action", "Action", p.q.action)}
      {text("site", "Site", p.q.site)}
      <div>
        <label for="audit-outcome">Outcome</label>
        <select id="audit-outcome" name="outcome">
          {["", "ok", "denied", "failed"].map((o) => (
            <option value={o} selected={p.q.outcome === o}>
              {o || "any"}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="audit-from">From (UTC date)</label>
        <input id="audit-from" name="from" type="date" value={p.q.from} />
      </div>
      <div>
        <label for="audit-to">To (UTC date, included)</label>
        <input id="audit-to" name="to" type="date" value={p.q.to} />
      </div>
      <div class="actions">
        <button type="submit">Filter</button>
      </div>
    </form>
  );
}

/** A record's detail (JSON) as "key: value; ..." for a table cell, bounded; the export has it whole. */
export function detailText(json: string): string {
  let text: string;
  try {
    const d = JSON.parse(json || "{}") as unknown;
    text =
      d && typeof d === "object" && !Array.isArray(d)
        ? Object.entries(d)
            .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`)
            .join("; ")
        : JSON.stringify(d);
  } catch {
    text = json;
  }
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function Records(p: { records: AuditRecord[] }) {
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Seq</th>
            <th scope="col">Time</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Site</th>
            <th scope="col">Outcome</th>
            <th scope="col">From</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {p.records.length === 0 && (
            <tr>
              <td colspan={9}>No records match.</td>
            </tr>
          )}
          {p.records.map((r) => (
            <tr>
              <td class="num">{String(r.seq)}</td>
              <td class="time">{when(r.at)}</td>
              <td>{r.actor}</td>
              <td>{r.action}</td>
              <td>{r.target || "-"}</td>
              <td>{r.siteName || r.siteId || "-"}</td>
              <td>{r.outcome}</td>
              <td>{r.address || "-"}</td>
              <td class="detail">{detailText(r.detail)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The outcome of VerifyAudit in words. */
export function verifyText(r: VerifyAuditResponse): Shown {
  if (!r.ok) return { error: `The audit log fails at record ${r.badSeq}: ${r.problem}. The ${r.records} records before it hold; keep the hub's database as it is and compare it with an export kept elsewhere.` };
  const anchor = r.anchorSeq > 0n ? ` Records up to ${r.anchorSeq} were deleted by retention; the chain starts at their anchor.` : "";
  if (r.records === 0n) return { ok: `The audit log verifies: no records.${anchor}` };
  return { ok: `The audit log verifies: ${r.records} records (seq ${r.firstSeq} to ${r.lastSeq}), last hash ${r.lastHash}.${anchor}` };
}

/** The page with `shown`, read fresh. */
export async function renderAudit(c: PortalCtx, shown: Shown = {}, status: FormStatus = 200): Promise<Response> {
  const portal: PortalContext = c.get("portal");
  const q = auditQueryOf(c);
  const before = /^\d{1,15}$/.test(c.req.query("before") ?? "") ? BigInt(c.req.query("before")!) : 0n;
  const { records } = await portal.api.listAudit({ ...auditTimes(q), actor: q.actor, action: q.action, site: q.site, outcome: q.outcome, limit: AUDIT_PAGE, beforeSeq: before });
  const last = records.at(-1);
  return c.html(
    <Layout portal={portal} title="Audit log" path="/audit">
      <h1>Audit log</h1>
      {shown.ok && <Notice kind="ok">{shown.ok}</Notice>}
      {shown.error && <Notice kind="error">{shown.error}</Notice>}
      <Filters q={q} />
      <Records records={records} />
      <nav class="pager" aria-label="Pages">
        {before > 0n && <a href={`/audit${auditSearch(q)}`}>Newest</a>}
        {records.length === AUDIT_PAGE && last && <a href={`/audit${auditSearch(q, { before: String(last.seq) })}`}>Older records</a>}
      </nav>
      <section class="card" aria-labelledby="keep-h">
        <h2 id="keep-h">Keep and check</h2>
        <p>
          <a class="button secondary" href={`/audit/export.jsonl${auditSearch({ ...q, actor: "", action: "", site: "", outcome: "" })}`} download>
            Download as JSON lines
          </a>{" "}
          <span class="hint">every record of the days chosen (all of them without dates), with its hashes: a copy checks on its own with dca-hub audit verify --file</span>
        </p>
        <form method="post" action={`/audit/verify${auditSearch(q)}`}>
          <CsrfField portal={portal} />
          <button type="submit">Verify the hub's audit chain</button>
        </form>
      </section>
    </Layout>,
    status,
  );
}

/** GET /audit */
export const getAudit = (c: PortalCtx) => renderAudit(c);
