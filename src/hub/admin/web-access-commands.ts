/**
 * `web-access open|list|close|audit` and `site set-web-access`: Device Web
 * Access sessions for a technician, and who may use them where; clients of
 * AdminService. A session records the signed-in user who opened it.
 */
import { type ParsedArgs, UsageError, flag, intFlag, listFlag } from "../../common/args.ts";
import { cleanText } from "../../common/text.ts";
import { describeCertificate } from "../webaccess/session-facts.ts";
import { type AdminCommand, type AdminContext, arg, noMoreArgs, printJson, wantsJson } from "./admin-context.ts";
import { formatTable, formatTime } from "./admin-format.ts";
import { type SessionView, sessionJson, sessionOf } from "./task-from-proto.ts";

/** The longest `open --wait`. */
const MAX_WAIT_S = 120;
/** How often `open --wait` asks the hub whether the tunnel is up. */
const WAIT_POLL_MS = 200;

/** A whole-number flag that fits the API's field (the hub checks its bounds and says them). */
function u32Flag(p: ParsedArgs, name: string): number | undefined {
  const v = intFlag(p, name);
  if (v !== undefined && v > 0xffff_ffff) throw new UsageError(`--${name} is too large, got ${v}`);
  return v;
}

/** Asks the hub until the proxy has reached the printer through the tunnel, the session ended, or `seconds` pass. */
async function waitForTunnel(ctx: AdminContext<unknown>, s: SessionView, seconds: number): Promise<SessionView> {
  const until = Date.now() + seconds * 1000;
  for (let now = s; ; ) {
    if (now.tunnelUpAt || now.endedAt || Date.now() >= until) return now;
    await Bun.sleep(Math.min(WAIT_POLL_MS, Math.max(0, until - Date.now())));
    const [found] = (await ctx.api.listWebAccess({ session: s.id })).sessions;
    if (!found) return now;
    now = sessionOf(found);
  }
}

/** The web-access commands. */
export const WEB_ACCESS_COMMANDS: Record<string, AdminCommand<unknown>> = {
  "web-access open": {
    usage: "web-access open DEVICE [--port P] [--tls|--no-tls] [--minutes M] [--idle S] [--concurrent] [--site S] [--wait [--wait-seconds N]] [--json]",
    valued: ["port", "minutes", "idle", "site", "wait-seconds"],
    booleans: ["concurrent", "tls", "no-tls", "wait", "json"],
    remote: true,
    async run(ctx, p) {
      const device = arg(p, 0, "DEVICE (a device id or address)");
      noMoreArgs(p, 1);
      if (p.flags.has("tls") && p.flags.has("no-tls")) throw new UsageError("--tls and --no-tls contradict each other");
      const wait = p.flags.has("wait") ? (intFlag(p, "wait-seconds") ?? 20) : undefined;
      if (wait !== undefined && (wait < 1 || wait > MAX_WAIT_S)) throw new UsageError(`--wait-seconds takes 1-${MAX_WAIT_S}`);
      const opened = await ctx.api.openWebAccess({
        device,
        site: flag(p, "site") ?? "",
        port: u32Flag(p, "port"),
        tls: p.flags.has("tls") ? true : p.flags.has("no-tls") ? false : undefined,
        minutes: u32Flag(p, "minutes"),
        idleSeconds: u32Flag(p, "idle"),
        concurrent: p.flags.has("concurrent"),
      });
      const first = sessionOf(opened.session!);
      const s = wait === undefined ? first : await waitForTunnel(ctx, first, wait);
      if (wantsJson(p)) {
        printJson(ctx, { ...sessionJson(s), url: opened.url });
        return 0;
      }
      const what = s.deviceId ? `device ${s.deviceId}${opened.deviceModel ? ` (${cleanText(opened.deviceModel, 80)})` : ""}` : "an address in its targets";
      const lines = [
        `web-access session ${s.id} opened by ${s.openedBy}`,
        `URL      ${opened.url}`,
        `Reaches  ${s.tls ? "https" : "http"}://${s.address}:${s.port} of site "${s.siteName}", ${what}, through agent ${s.agentId} (task ${s.taskId}; the agent is nudged now)`,
        `Until    ${formatTime(s.expiresAt)} (${Math.round((s.expiresAt.getTime() - s.openedAt.getTime()) / 60_000)} min); it closes after ${s.idleSeconds} s without traffic`,
      ];
      if (wait !== undefined) lines.push(`Tunnel   ${s.tunnelUpAt ? `up at ${formatTime(s.tunnelUpAt)}` : s.endedAt ? `session ended: ${s.endReason}` : `not up after ${wait} s (the agent may be offline or polling slowly; the page waits for it)`}`);
      if (s.tls) lines.push(...(s.certificate ? describeCertificate(s.certificate) : ["Printer  HTTPS: its certificate's facts show on the session's /.dca-session page and in \"web-access list\" once the tunnel is up"]));
      lines.push(`Close    dca-hub web-access close ${s.id}`);
      ctx.io.out(`${lines.join("\n")}\n`);
      return 0;
    },
  },

  "web-access list": {
    usage: "web-access list [--site S] [--json]",
    valued: ["site"],
    booleans: ["json"],
    remote: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      const open = (await ctx.api.listWebAccess({ site: flag(p, "site") ?? "" })).sessions.map(sessionOf);
      if (wantsJson(p)) return (printJson(ctx, open.map(sessionJson)), 0);
      if (open.length === 0) return (ctx.io.out("no open web-access sessions\n"), 0);
      ctx.io.out(
        formatTable(
          ["ID", "HOST", "REACHES", "BY", "OPENED", "EXPIRES", "TUNNEL", "BYTES TO/FROM"],
          open.map((s) => [
            s.id,
            s.origin || s.label,
            `${s.tls ? "https" : "http"}://${s.address}:${s.port}`,
            s.openedBy,
            formatTime(s.openedAt),
            formatTime(s.expiresAt),
            s.tunnelUpAt ? "up" : "waiting",
            `${s.bytesToDevice}/${s.bytesFromDevice}`,
          ]),
        ),
      );
      for (const s of open.filter((x) => x.certificate)) ctx.io.out(`${s.id}\n${describeCertificate(s.certificate!).map((l) => `  ${l}`).join("\n")}\n`);
      return 0;
    },
  },

  "web-access close": {
    usage: "web-access close SESSION",
    remote: true,
    async run(ctx, p) {
      const id = arg(p, 0, "SESSION");
      noMoreArgs(p, 1);
      const s = sessionOf((await ctx.api.closeWebAccess({ session: id })).session!);
      ctx.io.out(`web-access session ${s.id} closed; the serving hub drops its tunnel and wakes agent ${s.agentId} (MQTT), which closes it; without MQTT the agent learns it at its next poll\n`);
      return 0;
    },
  },

  "web-access audit": {
    usage: "web-access audit [--site S] [--limit N] [--json | --jsonl]",
    valued: ["site", "limit"],
    booleans: ["json", "jsonl"],
    remote: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      const all = (await ctx.api.listWebAccessAudit({ site: flag(p, "site") ?? "", limit: u32Flag(p, "limit") ?? 0 })).sessions.map(sessionOf);
      if (p.flags.has("jsonl")) {
        ctx.io.out(all.map((s) => `${JSON.stringify(sessionJson(s))}\n`).join(""));
        return 0;
      }
      if (wantsJson(p)) return (printJson(ctx, all.map(sessionJson)), 0);
      if (all.length === 0) return (ctx.io.out("no web-access sessions yet\n"), 0);
      ctx.io.out(
        formatTable(
          ["ID", "BY", "REACHES", "OPENED", "ENDED", "MINUTES", "STATE", "BYTES TO", "BYTES FROM", "REQUESTS"],
          all.map((s) => {
            const end = s.endedAt ?? (s.state === "expired" ? s.expiresAt : undefined);
            return [
              s.id,
              s.openedBy,
              `${s.tls ? "https" : "http"}://${s.address}:${s.port}`,
              formatTime(s.openedAt),
              formatTime(end),
              end ? ((end.getTime() - s.openedAt.getTime()) / 60_000).toFixed(1) : "-",
              s.state,
              s.bytesToDevice,
              s.bytesFromDevice,
              s.requests,
            ];
          }),
        ),
      );
      return 0;
    },
  },
};

/** `site set-web-access`: the ports a site allows besides 80, 443 and 8000, or web access off/on. */
export const SITE_WEB_ACCESS_COMMANDS: Record<string, AdminCommand<unknown>> = {
  "site set-web-access": {
    usage: "site set-web-access SITE (--ports P,... | --off | --on)",
    valued: ["ports"],
    booleans: ["off", "on"],
    remote: true,
    async run(ctx, p) {
      const site = arg(p, 0, "SITE");
      noMoreArgs(p, 1);
      const given = ["ports", "off", "on"].filter((f) => p.flags.has(f));
      if (given.length !== 1) throw new UsageError("give one of --ports P,..., --off or --on");
      const ports = p.flags.has("ports")
        ? listFlag(p, "ports").map((s) => {
            const n = Number(s);
            if (!/^\d+$/.test(s) || n < 1 || n > 65535) throw new UsageError(`--ports takes ports 1-65535, got "${s}"`);
            return n;
          })
        : [];
      const r = await ctx.api.setSiteWebAccess({ site, ports, setPorts: p.flags.has("ports"), disabled: p.flags.has("off") ? true : p.flags.has("on") ? false : undefined });
      ctx.io.out(`site "${r.change?.site?.name}": ${r.change?.description}; config version ${r.change?.config?.version}\n`);
      return 0;
    },
  },
};
