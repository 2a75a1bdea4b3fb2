/**
 * `audit list|export|verify`: the hub's audit log. `audit verify` asks the
 * hub to check its own chain, or with --file checks an export here, without
 * a hub: a copy kept elsewhere shows whether the hub's log was rewritten.
 */
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { type ParsedArgs, UsageError, flag, intFlag } from "../../common/args.ts";
import { verifyAuditExportFile } from "../audit/verify-export.ts";
import { type AdminCommand, type AdminContext, noMoreArgs, printJson, wantsJson } from "./admin-context.ts";
import { formatTable, formatTime, parseDurationMs } from "./admin-format.ts";
import { auditRecordOf } from "./people-from-proto.ts";

/** A point in time: a duration back from now ("7d", "12h") or a date ("2026-03-01", "2026-03-01T10:00:00Z"). */
export function parseSince(text: string, now: Date, option: string): Date {
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const at = Date.parse(text);
    if (Number.isNaN(at)) throw new UsageError(`--${option} must be a duration such as 7d or a date such as 2026-03-01, got "${text}"`);
    return new Date(at);
  }
  return new Date(now.getTime() - parseDurationMs(text, `--${option}`));
}

/** The time filters of a list or an export, as request fields. */
function timeFilter(ctx: AdminContext<unknown>, p: ParsedArgs) {
  const since = flag(p, "since");
  const until = flag(p, "until");
  return {
    ...(since !== undefined && { since: timestampFromDate(parseSince(since, ctx.now(), "since")) }),
    ...(until !== undefined && { until: timestampFromDate(parseSince(until, ctx.now(), "until")) }),
  };
}

/** The audit commands. */
export const AUDIT_COMMANDS: Record<string, AdminCommand<unknown>> = {
  "audit list": {
    usage: "audit list [--since 7d] [--until T] [--actor A] [--action X] [--site S] [--outcome ok|denied|failed] [--limit N] [--before SEQ] [--json]",
    valued: ["since", "until", "actor", "action", "site", "outcome", "limit", "before"],
    booleans: ["json"],
    remote: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      const limit = intFlag(p, "limit") ?? 0;
      if (limit > 10_000) throw new UsageError("--limit must be at most 10000; page with --before SEQ");
      const { records } = await ctx.api.listAudit({
        ...timeFilter(ctx, p),
        actor: flag(p, "actor") ?? "",
        action: flag(p, "action") ?? "",
        site: flag(p, "site") ?? "",
        outcome: flag(p, "outcome") ?? "",
        limit,
        beforeSeq: BigInt(intFlag(p, "before") ?? 0),
      });
      const rows = records.map(auditRecordOf);
      if (wantsJson(p)) printJson(ctx, rows);
      else if (rows.length === 0) ctx.io.out("no audit records match\n");
      else {
        ctx.io.out(
          formatTable(
            ["SEQ", "TIME", "ACTOR", "ACTION", "TARGET", "SITE", "OUTCOME", "ADDRESS"],
            rows.map((r) => [r.seq, formatTime(r.at), r.actor, r.action, r.target || "-", r.siteName || r.siteId || "-", r.outcome, r.address || "-"]),
          ),
        );
        if (rows.length > 1) ctx.io.out(`(newest first; older ones: --before ${rows.at(-1)!.seq})\n`);
      }
      return 0;
    },
  },

  "audit export": {
    usage: "audit export [--since 30d] [--until T] > audit.jsonl",
    valued: ["since", "until"],
    remote: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      for await (const chunk of ctx.api.exportAudit(timeFilter(ctx, p))) ctx.io.out(chunk.lines);
      return 0;
    },
  },

  "audit verify": {
    usage: "audit verify [--file EXPORT.jsonl]",
    valued: ["file"],
    remote: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      const file = flag(p, "file");
      return file === undefined ? await verifyHub(ctx) : await verifyFile(ctx, file);
    },
  },
};

/** The hub checks its own log; exit 1 naming the first bad record. */
async function verifyHub(ctx: AdminContext<unknown>): Promise<number> {
  const r = await ctx.api.verifyAudit({});
  if (!r.ok) {
    ctx.io.err(
      `dca-hub audit verify: the audit log fails at record ${r.badSeq}: ${r.problem}; ${r.records} records before it hold; keep the hub's database as it is for investigation and compare it with an export kept elsewhere\n`,
    );
    return 1;
  }
  const anchor = r.anchorSeq > 0n ? `; records up to ${r.anchorSeq} were deleted by retention and the chain starts at their anchor` : "";
  if (r.records === 0n) ctx.io.out(`audit log verified: no records${anchor}\n`);
  else ctx.io.out(`audit log verified: ${r.records} records (seq ${r.firstSeq} to ${r.lastSeq}), last hash ${r.lastHash}${anchor}\n`);
  return 0;
}

/** An export checked here, line by line. */
async function verifyFile(ctx: AdminContext<unknown>, file: string): Promise<number> {
  const r = await verifyAuditExportFile(file);
  if (!r.ok) {
    ctx.io.err(`dca-hub audit verify: ${file} fails at line ${r.line}${r.seq ? ` (record ${r.seq})` : ""}: ${r.problem}; this copy was changed or damaged\n`);
    return 1;
  }
  const start = r.start ? `; it starts after record ${r.start.seq} (hash ${r.start.hash}): compare with the export before it or the hub's anchor` : "";
  if (r.records === 0) ctx.io.out(`${file}: no records\n`);
  else ctx.io.out(`${file} verified: ${r.records} records (seq ${r.firstSeq} to ${r.lastSeq}), last hash ${r.lastHash}${start}\n`);
  return 0;
}
