/**
 * `alert rule add|list|rm` and `alert list`: clients of AdminService
 * (docs/alerts.md). A rule is global unless it names a site; its one term is
 * --percent (supply-below), --state (supply-state) or --for (the others).
 */
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { UsageError, flag, listFlag, type ParsedArgs } from "../../common/args.ts";
import { messageToJson } from "../../common/message-json.ts";
import { type AlertInstance, AlertInstanceSchema, type AlertRule, AlertRuleSchema } from "../../gen/dca/v1/admin_alerts_pb.ts";
import { type AdminCommand, type AdminContext, arg, noMoreArgs, printJson, wantsJson } from "./admin-context.ts";
import { formatAgo, formatTable, formatTime, parseCount, parseDurationSeconds } from "./admin-format.ts";

/** The rule kinds, for usage lines and refusals. */
const KINDS = "supply-below|supply-state|not-read|agent-offline|counter-flagged|device-error";

/** The flags each sub-command of a dispatching command takes (besides the hub's target flags). */
export function onlyFlags(p: ParsedArgs, sub: string, allowed: readonly string[]): void {
  for (const name of p.flags.keys()) {
    if (!allowed.includes(name) && !["hub", "ca", "token-file"].includes(name)) throw new UsageError(`${sub} takes no --${name}`);
  }
}

const dateOf = (t: { seconds: bigint; nanos: number } | undefined) => (t ? timestampDate(t as never) : undefined);

function printRules(ctx: AdminContext<unknown>, rules: AlertRule[], json: boolean): void {
  if (json) return printJson(ctx, rules.map((r) => messageToJson(AlertRuleSchema, r)));
  if (!rules.length) return ctx.io.out('no alert rules yet; add one with "dca-hub alert rule add KIND"\n');
  ctx.io.out(
    formatTable(
      ["ID", "SITE", "RULE", "NAME", "CHANNELS", "OPEN"],
      rules.map((r) => [r.id, r.siteName || "(all sites)", r.description, r.name === r.description ? "" : r.name, r.channels.join(",") || "(all)", r.openAlerts]),
    ),
  );
}

/** One alert's notices in a few words: "ops sent, mail pending (2 tries)". */
const noticesOf = (a: AlertInstance) =>
  a.deliveries.map((d) => `${d.channel} ${d.event === "resolved" ? "resolved " : ""}${d.state}${d.state !== "sent" && d.attempts ? ` (${d.attempts} tries)` : ""}`).join(", ") || "-";

function printAlerts(ctx: AdminContext<unknown>, alerts: AlertInstance[], json: boolean): void {
  if (json) return printJson(ctx, alerts.map((a) => messageToJson(AlertInstanceSchema, a)));
  if (!alerts.length) return ctx.io.out("no alerts\n");
  const now = ctx.now();
  ctx.io.out(
    formatTable(
      ["OPENED", "STATE", "SITE", "RULE", "SUBJECT", "SEEN", "NOTICES"],
      alerts.map((a) => [
        formatAgo(dateOf(a.openedAt), now),
        a.resolvedAt ? `resolved ${formatTime(dateOf(a.resolvedAt))}` : "open",
        a.siteName,
        a.ruleName,
        a.subjectLabel,
        a.summary,
        noticesOf(a),
      ]),
    ),
  );
  const failed = alerts.flatMap((a) => a.deliveries.filter((d) => d.lastError).map((d) => `  alert ${a.id} to ${d.channel}: ${d.lastError}`));
  if (failed.length) ctx.io.out(`notices that failed (last error):\n${failed.join("\n")}\n`);
}

const RULE_ADD = ["site", "percent", "state", "for", "channel", "name"];

/** The alert rule and alert list commands. */
export const ALERT_COMMANDS: Record<string, AdminCommand<unknown>> = {
  "alert rule": {
    // One usage line per sub-command; lists and --help print them under one another.
    usage: `alert rule add (${KINDS}) [--site S] [--percent N | --state low|empty | --for 30m] [--channel NAME]... [--name N] [--json]
  dca-hub alert rule list [--site S] [--json]
  dca-hub alert rule rm RULE_ID`,
    valued: RULE_ADD,
    booleans: ["json"],
    remote: true,
    async run(ctx, p) {
      const sub = arg(p, 0, "add, list or rm");
      if (sub === "add") {
        onlyFlags(p, "alert rule add", [...RULE_ADD, "json"]);
        const kind = arg(p, 1, `the rule's kind (${KINDS})`);
        noMoreArgs(p, 2);
        const percent = flag(p, "percent");
        if (percent !== undefined && !/^\d+(\.\d+)?$/.test(percent)) throw new UsageError(`--percent must be a number such as 10, got "${percent}"`);
        const forText = flag(p, "for");
        const r = await ctx.api.createAlertRule({
          site: flag(p, "site") ?? "",
          kind,
          name: flag(p, "name") ?? "",
          percent: percent === undefined ? 0 : Number(percent),
          state: flag(p, "state") ?? "",
          seconds: forText === undefined ? 0 : parseDurationSeconds(forText, "--for"),
          channels: listFlag(p, "channel"),
        });
        const rule = r.rule!;
        if (wantsJson(p)) return (printJson(ctx, messageToJson(AlertRuleSchema, rule)), 0);
        ctx.io.out(`alert rule ${rule.id} added: ${rule.description} on ${rule.siteName ? `site "${rule.siteName}"` : "every site"}, notifying ${rule.channels.length ? rule.channels.join(", ") : "every channel"}\n`);
        return 0;
      }
      if (sub === "list") {
        onlyFlags(p, "alert rule list", ["site", "json"]);
        noMoreArgs(p, 1);
        printRules(ctx, (await ctx.api.listAlertRules({ site: flag(p, "site") ?? "" })).rules, wantsJson(p));
        return 0;
      }
      if (sub === "rm") {
        onlyFlags(p, "alert rule rm", []);
        const id = arg(p, 1, "the rule's id");
        noMoreArgs(p, 2);
        const r = await ctx.api.deleteAlertRule({ rule: id });
        ctx.io.out(`alert rule ${r.rule!.id} deleted${r.resolvedAlerts ? `; its ${r.resolvedAlerts} open alert(s) resolved without a notice` : ""}\n`);
        return 0;
      }
      throw new UsageError(`alert rule takes add, list or rm, got "${sub}"`);
    },
  },

  "alert list": {
    usage: "alert list [--site S] [--subject DEVICE_OR_AGENT_ID] [--open | --resolved] [--limit N] [--before TIME] [--json]",
    valued: ["site", "subject", "limit", "before"],
    booleans: ["open", "resolved", "json"],
    remote: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      if (p.flags.has("open") && p.flags.has("resolved")) throw new UsageError("give --open or --resolved, not both");
      const limit = flag(p, "limit");
      const before = flag(p, "before");
      const beforeMs = before === undefined ? undefined : Date.parse(before);
      if (beforeMs !== undefined && Number.isNaN(beforeMs)) throw new UsageError(`--before must be a time such as 2026-03-01T08:00:00Z, got "${before}"`);
      const r = await ctx.api.listAlerts({
        site: flag(p, "site") ?? "",
        subject: flag(p, "subject") ?? "",
        state: p.flags.has("open") ? "open" : p.flags.has("resolved") ? "resolved" : "",
        limit: limit === undefined ? 0 : parseCount(limit, "--limit", 1, 1000),
        before: beforeMs === undefined ? undefined : timestampFromDate(new Date(beforeMs)),
      });
      printAlerts(ctx, r.alerts, wantsJson(p));
      return 0;
    },
  },
};
