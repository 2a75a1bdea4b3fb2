/**
 * `alert channel webhook|smtp|list|rm|test`: clients of AdminService
 * (docs/alerts.md "Channels"). Secrets never come from the command line:
 * the webhook's HMAC key from --secret-file or $DCA_ALERT_SECRET (or made by
 * the hub and printed once), the SMTP password from --password-file or
 * $DCA_SMTP_PASSWORD. --channel-ca names the receiver's or relay's CA file
 * (--ca stays the hub's own, as for every remote command).
 */
import { readFileSync } from "node:fs";
import { UsageError, flag, listFlag } from "../../common/args.ts";
import { DcaError } from "../../common/errors.ts";
import { messageToJson } from "../../common/message-json.ts";
import { type AlertChannel, AlertChannelSchema } from "../../gen/dca/v1/admin_alerts_pb.ts";
import { onlyFlags } from "./alert-commands.ts";
import { type AdminCommand, type AdminContext, arg, noMoreArgs, printJson, wantsJson } from "./admin-context.ts";
import { formatTable, formatTime, parseCount } from "./admin-format.ts";
import { optionalSecret } from "./secret-input.ts";
import { timestampDate } from "@bufbuild/protobuf/wkt";

/** Where a webhook's secret may come from besides --secret-file. */
export const ALERT_SECRET_ENV = "DCA_ALERT_SECRET";
/** Where an SMTP password may come from besides --password-file. */
export const SMTP_PASSWORD_ENV = "DCA_SMTP_PASSWORD";

const WEBHOOK = ["url", "secret-file", "channel-ca"];
const SMTP = ["host", "port", "security", "username", "password-file", "from", "to", "channel-ca"];

/** The CA file's text (PEM), or "" when not given. */
function caFile(p: Parameters<AdminCommand["run"]>[1]): string {
  const path = flag(p, "channel-ca");
  if (path === undefined) return "";
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read --channel-ca ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

const where = (c: AlertChannel) =>
  c.kind === "webhook" ? `${c.webhookOrigin}${c.allowHttp ? " (http allowed)" : ""}` : `${c.smtpHost}:${c.smtpPort} ${c.smtpSecurity} -> ${c.smtpTo.join(", ")}`;
const when = (t: AlertChannel["lastOkAt"]) => (t ? formatTime(timestampDate(t)) : "-");

function printChannels(ctx: AdminContext<unknown>, channels: AlertChannel[], json: boolean): void {
  if (json) return printJson(ctx, channels.map((c) => messageToJson(AlertChannelSchema, c)));
  if (!channels.length) return ctx.io.out('no alert channels yet; add one with "dca-hub alert channel webhook NAME --url URL" or "... smtp NAME ..."\n');
  ctx.io.out(
    formatTable(
      ["NAME", "KIND", "WHERE", "SECRET", "LAST OK", "LAST ERROR", "PENDING", "FAILED"],
      channels.map((c) => [c.name, c.kind, where(c), c.secretSet ? "set" : "-", when(c.lastOkAt), c.lastError ? `${when(c.lastErrorAt)} ${c.lastError}` : "-", c.pendingDeliveries, c.failedDeliveries]),
    ),
  );
}

function printSet(ctx: AdminContext<unknown>, r: { channel?: AlertChannel; created: boolean; generatedSecret: string }, json: boolean): number {
  const c = r.channel!;
  if (json) return (printJson(ctx, { channel: messageToJson(AlertChannelSchema, c), created: r.created, ...(r.generatedSecret && { generatedSecret: r.generatedSecret }) }), 0);
  ctx.io.out(`alert channel ${c.name} ${r.created ? "added" : "changed"}: ${c.kind} ${where(c)}\n`);
  if (r.generatedSecret) ctx.io.out(`secret ${r.generatedSecret}\n  the receiver checks X-Dca-Signature with it (docs/alerts.md); it is shown only now\n`);
  return 0;
}

/** The alert channel commands. */
export const ALERT_CHANNEL_COMMANDS: Record<string, AdminCommand<unknown>> = {
  "alert channel": {
    // One usage line per sub-command; lists and --help print them under one another.
    usage: [
      "alert channel webhook NAME --url URL [--secret-file F] [--allow-http] [--channel-ca CA.pem] [--json]",
      "alert channel smtp NAME --host H [--port N] [--security starttls|tls|none] [--username U [--password-file F]] --from ADDR --to ADDR... [--channel-ca CA.pem] [--json]",
      "alert channel list [--json]",
      "alert channel rm NAME",
      "alert channel test NAME [--json]",
    ].join("\n  dca-hub "),
    valued: [...new Set([...WEBHOOK, ...SMTP])],
    booleans: ["allow-http", "json"],
    remote: true,
    async run(ctx, p) {
      const sub = arg(p, 0, "webhook, smtp, list, rm or test");
      if (sub === "webhook") {
        onlyFlags(p, "alert channel webhook", [...WEBHOOK, "allow-http", "json"]);
        const name = arg(p, 1, "the channel's name");
        noMoreArgs(p, 2);
        const url = flag(p, "url");
        if (!url) throw new UsageError("give the receiver's URL with --url https://...");
        const secret = optionalSecret(ctx, p, "secret-file", ALERT_SECRET_ENV) ?? "";
        const r = await ctx.api.setAlertChannel({ name, settings: { case: "webhook", value: { url, secret, allowHttp: p.flags.has("allow-http"), caPem: caFile(p) } } });
        return printSet(ctx, r, wantsJson(p));
      }
      if (sub === "smtp") {
        onlyFlags(p, "alert channel smtp", [...SMTP, "json"]);
        const name = arg(p, 1, "the channel's name");
        noMoreArgs(p, 2);
        const host = flag(p, "host");
        const from = flag(p, "from");
        if (!host || !from) throw new UsageError("give the relay with --host and the sender with --from");
        const port = flag(p, "port");
        const r = await ctx.api.setAlertChannel({
          name,
          settings: {
            case: "smtp",
            value: {
              host,
              port: port === undefined ? 0 : parseCount(port, "--port", 1, 65_535),
              security: flag(p, "security") ?? "starttls",
              username: flag(p, "username") ?? "",
              password: optionalSecret(ctx, p, "password-file", SMTP_PASSWORD_ENV) ?? "",
              from,
              to: listFlag(p, "to"),
              caPem: caFile(p),
            },
          },
        });
        return printSet(ctx, r, wantsJson(p));
      }
      if (sub === "list") {
        onlyFlags(p, "alert channel list", ["json"]);
        noMoreArgs(p, 1);
        printChannels(ctx, (await ctx.api.listAlertChannels({})).channels, wantsJson(p));
        return 0;
      }
      if (sub === "rm") {
        onlyFlags(p, "alert channel rm", []);
        const name = arg(p, 1, "the channel's name");
        noMoreArgs(p, 2);
        const r = await ctx.api.deleteAlertChannel({ channel: name });
        ctx.io.out(`alert channel ${r.channel!.name} deleted\n`);
        return 0;
      }
      if (sub === "test") {
        onlyFlags(p, "alert channel test", ["json"]);
        const name = arg(p, 1, "the channel's name");
        noMoreArgs(p, 2);
        const r = await ctx.api.testAlertChannel({ channel: name });
        if (wantsJson(p)) printJson(ctx, { ok: r.ok, error: r.error, durationMs: r.durationMs });
        else if (r.ok) ctx.io.out(`test notice sent to channel ${name} in ${r.durationMs} ms\n`);
        if (!r.ok) throw new DcaError("unavailable", `channel ${name}: ${r.error}`);
        return 0;
      }
      throw new UsageError(`alert channel takes webhook, smtp, list, rm or test, got "${sub}"`);
    },
  },
};
