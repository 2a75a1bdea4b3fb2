/**
 * The billing page's downloads (/billing/export.csv, /billing/export.json):
 * ExportMeters for the page's question, every page of it (bounded, as
 * `dca-hub meters export` does), sorted into the export's order and written
 * by the same encoders as the CLI's files (src/hub/billing), under a name
 * that says the period.
 */
import { DcaError } from "../../../common/errors.ts";
import type { MeterRow } from "../../../gen/dca/v1/admin_billing_pb.ts";
import { MAX_EXPORT_PAGE_DEVICES, compareMeterRows, meterRowsToCsv, meterRowsToJson } from "../../billing/index.ts";
import type { PortalCtx } from "../portal-context.ts";
import { downloadHeaders } from "./download-headers.ts";
import { type BillingQuery, billingQueryOf, exportFilename, exportRequest } from "./billing-query.ts";

/** Pages one download asks for at most (MAX_EXPORT_PAGE_DEVICES devices each). */
export const MAX_EXPORT_PAGES = 1000;

/** Every row of the question, in the export's order. */
export async function allMeterRows(c: PortalCtx, q: BillingQuery): Promise<MeterRow[]> {
  const rows: MeterRow[] = [];
  let token = "";
  for (let page = 0; ; page++) {
    if (page === MAX_EXPORT_PAGES) throw new DcaError("resource-exhausted", `the export ran past ${MAX_EXPORT_PAGES} pages of ${MAX_EXPORT_PAGE_DEVICES} devices; export one site at a time`);
    const r = await c.get("portal").api.exportMeters(exportRequest(q, MAX_EXPORT_PAGE_DEVICES, token));
    rows.push(...r.rows);
    if (r.nextPageToken === "" || r.nextPageToken === token) break;
    token = r.nextPageToken;
  }
  return rows.sort(compareMeterRows);
}

/** The handler of one format. */
const download = (ext: "csv" | "json") =>
  async function (c: PortalCtx): Promise<Response> {
    const q = billingQueryOf(c, new Date());
    const rows = await allMeterRows(c, q);
    const period = { start: new Date(`${q.start}T00:00:00Z`), end: new Date(`${q.end}T00:00:00Z`) };
    const body = ext === "csv" ? meterRowsToCsv(rows) : meterRowsToJson(period, rows);
    return new Response(body, { headers: downloadHeaders(ext === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8", exportFilename(q, ext)) });
  };

/** GET /billing/export.csv */
export const getBillingCsv = download("csv");
/** GET /billing/export.json */
export const getBillingJson = download("json");
