/**
 * `meters export`: a billing period's meters as CSV or JSON (ExportMeters,
 * page by page, then one file in the export's order). The files are the
 * ones the portal offers (src/hub/billing encoders), so a billing system
 * reads both the same.
 */
import { writeFileSync } from "node:fs";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { UsageError, flag } from "../../common/args.ts";
import { DcaError } from "../../common/errors.ts";
import type { MeterRow } from "../../gen/dca/v1/admin_billing_pb.ts";
import { compareMeterRows, meterRowsToCsv, meterRowsToJson } from "../billing/index.ts";
import { type AdminCommand, noMoreArgs } from "./admin-context.ts";

/** Pages one export asks for at most (500 devices each): a hub answering without end is not followed forever. */
const MAX_PAGES = 1000;

/**
 * A period boundary: a date ("2026-03-01", midnight UTC) or a time ("2026-03-01T08:00Z",
 * "2026-03-01 08:00:00+01:00"); without a zone, UTC.
 */
export function parseBoundary(text: string | undefined, option: string): Date {
  if (text === undefined) throw new UsageError(`--${option} is required: a date such as 2026-03-01 (the period is --from up to, not including, --to)`);
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(text.trim());
  const ms = m ? Date.parse(`${m[1]}T${m[2] ?? "00:00"}${m[3] ?? "Z"}`) : NaN;
  if (Number.isNaN(ms)) throw new UsageError(`--${option} must be a date such as 2026-03-01 or a time such as 2026-03-01T08:00Z, got "${text}"`);
  return new Date(ms);
}

/** The meters commands. */
export const METERS_COMMANDS: Record<string, AdminCommand<unknown>> = {
  "meters export": {
    usage: "meters export --from 2026-03-01 --to 2026-04-01 [--site S] [--device D] [--format csv|json] [--out FILE]",
    valued: ["from", "to", "site", "device", "format", "out"],
    booleans: ["json"],
    remote: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      const start = parseBoundary(flag(p, "from"), "from");
      const end = parseBoundary(flag(p, "to"), "to");
      const format = p.flags.has("json") ? "json" : (flag(p, "format") ?? "csv");
      if (format !== "csv" && format !== "json") throw new UsageError(`--format must be csv or json, got "${format}"`);
      if (start.getTime() >= end.getTime()) throw new UsageError("--from must be before --to (the period is --from up to, not including, --to)");

      const rows: MeterRow[] = [];
      let pageToken = "";
      for (let page = 0; ; page++) {
        if (page === MAX_PAGES) throw new DcaError("resource-exhausted", `the export ran past ${MAX_PAGES} pages; export one site at a time (--site)`);
        const r = await ctx.api.exportMeters({
          start: timestampFromDate(start),
          end: timestampFromDate(end),
          site: flag(p, "site") ?? "",
          device: flag(p, "device") ?? "",
          pageToken,
        });
        rows.push(...r.rows);
        if (r.nextPageToken === "" || r.nextPageToken === pageToken) break;
        pageToken = r.nextPageToken;
      }
      rows.sort(compareMeterRows);
      const text = format === "csv" ? meterRowsToCsv(rows) : meterRowsToJson({ start, end }, rows);

      const out = flag(p, "out");
      if (out === undefined) {
        ctx.io.out(text);
        return 0;
      }
      try {
        writeFileSync(out, text);
      } catch (e) {
        const errno = (e as NodeJS.ErrnoException).code ?? "";
        const code = errno === "ENOENT" ? "not-found" : errno === "EACCES" || errno === "EPERM" ? "permission-denied" : "unavailable";
        throw new DcaError(code, `cannot write ${out} (${errno || String(e)}); give a file in a folder that exists and you may write to`);
      }
      const devices = new Set(rows.map((r) => r.deviceId)).size;
      const estimated = rows.filter((r) => r.start?.estimated || r.end?.estimated).length;
      const resets = rows.filter((r) => r.resets.length > 0).length;
      ctx.io.out(`wrote ${rows.length} meters of ${devices} devices to ${out} (${estimated} estimated, ${resets} with a reset: see their notes)\n`);
      return 0;
    },
  },
};
