/** @jsxImportSource hono/jsx */
/**
 * Billing (/billing): the meters of a billing period per device and
 * counter (ExportMeters, a page of devices at a time): the start and end
 * meter and the difference, an estimate marked and explained in words, a
 * reset, a device that replaced or was replaced by another, the notes; and
 * the CSV and JSON files of the same question (billing-export.ts), which
 * are the files `dca-hub meters export` writes.
 */
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { MeterRow, MeterValue } from "../../../gen/dca/v1/admin_billing_pb.ts";
import { CounterKind } from "../../../gen/dca/v1/reading_pb.ts";
import { Layout } from "../layout.tsx";
import type { PortalCtx } from "../portal-context.ts";
import { PRESETS, billingQueryOf, billingSearch, exportRequest, monthPeriod } from "./billing-query.ts";

/** Devices per page of the table. */
export const BILLING_PAGE_DEVICES = 50;

/** A counter's kind in words ("print mono"). */
export const kindWords = (k: CounterKind) => (CounterKind[k] ?? String(k)).toLowerCase().replace(/_/g, " ");

const time = (t: MeterRow["beganAt"]) => (t ? timestampDate(t).toISOString().replace("T", " ").replace(/\.000Z$/, "Z") : "");

/**
 * A meter at a boundary: its value; when estimated, marked ≈ with how in its tooltip (and for
 * screen readers), and the row's notes say it in full.
 */
function Meter(p: { v: MeterValue | undefined }) {
  const v = p.v;
  if (!v) return <td class="num">-</td>;
  if (!v.estimated) {
    return (
      <td class="num" title={v.method}>
        {String(v.value)}
      </td>
    );
  }
  return (
    <td class="num">
      <abbr class="estimated" title={`estimated: ${v.method}`}>{`≈ ${v.value}`}</abbr>
      <span class="sr-only">{` (estimated: ${v.method})`}</span>
    </td>
  );
}

function Rows(p: { rows: MeterRow[] }) {
  return (
    <div class="table-wrap">
      <table class="meters">
        <thead>
          <tr>
            <th scope="col">Site</th>
            <th scope="col">Device</th>
            <th scope="col">Counter</th>
            <th scope="col" class="num">Start</th>
            <th scope="col" class="num">End</th>
            <th scope="col" class="num">Difference</th>
            <th scope="col">Resets</th>
            <th scope="col">Replaced</th>
            <th scope="col">Notes</th>
          </tr>
        </thead>
        <tbody>
          {p.rows.length === 0 && (
            <tr>
              <td colspan={9}>No meters in this period.</td>
            </tr>
          )}
          {p.rows.map((r) => (
            <tr>
              <td>{r.siteName}</td>
              <td>
                {`${r.vendor} ${r.model}`.trim() || r.deviceId}
                <br />
                <span class="hint">{`serial ${r.serialNumber || "-"}, ${r.address}`}</span>
              </td>
              <td>{r.counterName ? `${kindWords(r.kind)} (${r.counterName})` : kindWords(r.kind)}</td>
              <Meter v={r.start} />
              <Meter v={r.end} />
              <td class="num">{String(r.difference)}</td>
              <td>{r.resets.map((x) => `${time(x.readAt)}: ${x.previous} to ${x.value}`).join("; ") || "-"}</td>
              <td>
                {[r.replaces && `replaces ${r.replaces}${r.beganAt ? ` (from ${time(r.beganAt)})` : ""}`, r.replacedBy && `replaced by ${r.replacedBy}${r.endedAt ? ` (last read ${time(r.endedAt)})` : ""}`]
                  .filter(Boolean)
                  .join("; ") || "-"}
              </td>
              <td class="notes">{r.notes.join(" ") || "-"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** GET /billing */
export async function getBilling(c: PortalCtx): Promise<Response> {
  const portal = c.get("portal");
  const now = new Date();
  const q = billingQueryOf(c, now);
  const token = (c.req.query("page") ?? "").slice(0, 500);
  const { rows, nextPageToken } = await portal.api.exportMeters(exportRequest(q, BILLING_PAGE_DEVICES, token));
  const { sites } = await portal.api.listSites({});
  return c.html(
    <Layout portal={portal} title="Billing" path="/billing">
      <h1>Meters for billing</h1>
      <form class="filters" method="get" action="/billing" aria-label="The billing period">
        <div>
          <label for="bill-start">From (UTC date, included)</label>
          <input id="bill-start" name="start" type="date" value={q.start} required />
        </div>
        <div>
          <label for="bill-end">To (UTC date, not included)</label>
          <input id="bill-end" name="end" type="date" value={q.end} required />
        </div>
        <div>
          <label for="bill-site">Site</label>
          <select id="bill-site" name="site">
            <option value="">every site</option>
            {sites.map((s) => (
              <option value={s.site?.id} selected={q.site === s.site?.id || q.site === s.site?.name}>
                {s.site?.name}
              </option>
            ))}
          </select>
        </div>
        <div class="actions">
          <button type="submit">Show</button>
        </div>
      </form>
      <p>
        {PRESETS.map((p) => {
          const m = monthPeriod(now, p.offset);
          return (
            <>
              <a href={`/billing${billingSearch({ ...q, ...m })}`}>{`${p.label} (${m.start} to ${m.end})`}</a>{" "}
            </>
          );
        })}
      </p>
      <p>
        Period <strong>{q.start}</strong> 00:00 UTC up to <strong>{q.end}</strong> 00:00 UTC. A meter not read exactly at a boundary is estimated: marked ≈ (point at it for how; the notes say it too).
      </p>
      <p class="buttons">
        <a class="button" href={`/billing/export.csv${billingSearch(q)}`} download>
          Download CSV
        </a>
        <a class="button secondary" href={`/billing/export.json${billingSearch(q)}`} download>
          Download JSON
        </a>
      </p>
      <Rows rows={rows} />
      <nav class="pager" aria-label="Pages">
        {token && <a href={`/billing${billingSearch(q)}`}>First devices</a>}
        {nextPageToken && nextPageToken !== token && <a href={`/billing${billingSearch(q, { page: nextPageToken })}`}>Next devices</a>}
      </nav>
    </Layout>,
  );
}
