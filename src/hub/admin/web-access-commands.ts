/**
 * `web-access open|list|close|audit` and `site set-web-access`: Device Web
 * Access sessions for a technician, and who may use them where. There are no
 * hub user accounts yet: a session records the OS user running the command
 * (or --by NAME) as who opened it.
 */
import { readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { type ParsedArgs, UsageError, flag, intFlag, listFlag } from "../../common/args.ts";
import { DcaError } from "../../common/errors.ts";
import { cleanText } from "../../common/text.ts";
import { DEFAULT_WEB_ACCESS_PORTS } from "../../common/web-access.ts";
import { StoreError, type AdminStore, type SiteAdminStore, type WebAccessSession } from "../store/index.ts";
import { openWebAccess } from "../webaccess/open-web-access.ts";
import { readWebAccessSettings, sessionOrigin } from "../webaccess/web-access-settings.ts";
import { describeCertificate, sessionState } from "../webaccess/session-facts.ts";
import { type AdminCommand, type AdminContext, arg, noMoreArgs, printJson, siteArg, siteFlag, wantsJson } from "./admin-context.ts";
import { formatTable, formatTime } from "./admin-format.ts";

/** The longest `open --wait`. */
const MAX_WAIT_S = 120;

/** Who runs the command: --by NAME, else the OS user. */
function whoOpens(p: ParsedArgs): string {
  const by = flag(p, "by");
  if (by !== undefined) {
    if (!/^[\w.@-]{1,64}$/.test(by)) throw new UsageError("--by takes a name of letters, digits and . _ @ - (at most 64)");
    return by;
  }
  return osUser();
}

/** The OS user running this process. Bun's userInfo() may say "unknown" (seen as root in a container): /etc/passwd, then $USER, answer then. */
function osUser(): string {
  let name = "";
  try {
    name = userInfo().username;
  } catch {
    // No passwd entry: the fallbacks below.
  }
  if (name && name !== "unknown") return name;
  const uid = process.getuid?.();
  if (uid !== undefined) {
    try {
      const line = readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.split(":")[2] === String(uid));
      if (line) return line.split(":")[0];
    } catch {
      // No /etc/passwd.
    }
  }
  return process.env.USER || process.env.USERNAME || process.env.LOGNAME || `uid ${uid ?? "unknown"}`;
}

const sessionJson = (s: WebAccessSession, now: Date) => ({ ...s, state: sessionState(s, now) });

function sessionArg(ctx: AdminContext<AdminStore>, p: ParsedArgs): WebAccessSession {
  const id = arg(p, 0, "SESSION");
  noMoreArgs(p, 1);
  const s = ctx.store.getWebAccessSession(id);
  if (!s) throw new StoreError("not-found", `unknown web-access session "${id}"; see "dca-hub web-access list"`);
  return s;
}

/** Blocks until the proxy has reached the printer through the tunnel, or `seconds` pass. */
function waitForTunnel(ctx: AdminContext<AdminStore>, id: string, seconds: number): WebAccessSession {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    const s = ctx.store.getWebAccessSession(id)!;
    if (s.tunnelUpAt || s.endedAt || Date.now() >= until) return s;
    Bun.sleepSync(100);
  }
}

/** The web-access commands. */
export const WEB_ACCESS_COMMANDS: Record<string, AdminCommand<AdminStore>> = {
  "web-access open": {
    usage: "web-access open DEVICE [--port P] [--tls|--no-tls] [--minutes M] [--idle S] [--concurrent] [--site S] [--by NAME] [--wait [--wait-seconds N]] [--json]",
    valued: ["port", "minutes", "idle", "site", "by", "wait-seconds"],
    booleans: ["concurrent", "tls", "no-tls", "wait", "json"],
    run(ctx, p) {
      const device = arg(p, 0, "DEVICE (a device id or address)");
      noMoreArgs(p, 1);
      if (p.flags.has("tls") && p.flags.has("no-tls")) throw new UsageError("--tls and --no-tls contradict each other");
      const wait = p.flags.has("wait") ? (intFlag(p, "wait-seconds") ?? 20) : undefined;
      if (wait !== undefined && (wait < 1 || wait > MAX_WAIT_S)) throw new UsageError(`--wait-seconds takes 1-${MAX_WAIT_S}`);
      const settings = readWebAccessSettings(ctx.io.dataDir);
      const opened = openWebAccess(ctx.store, settings, {
        device,
        site: siteFlag(ctx, p),
        port: intFlag(p, "port"),
        tls: p.flags.has("tls") ? true : p.flags.has("no-tls") ? false : undefined,
        minutes: intFlag(p, "minutes"),
        idleSeconds: intFlag(p, "idle"),
        concurrent: p.flags.has("concurrent"),
        openedBy: whoOpens(p),
      });
      const s = wait === undefined ? opened.session : waitForTunnel(ctx, opened.session.id, wait);
      if (wantsJson(p)) {
        printJson(ctx, { ...sessionJson(s, ctx.now()), url: opened.url });
        return 0;
      }
      const site = ctx.store.getSite(s.siteId)?.name ?? s.siteId;
      const what = opened.device ? `device ${opened.device.id}${opened.device.model ? ` (${cleanText(opened.device.model, 80)})` : ""}` : "an address in its targets";
      const lines = [
        `web-access session ${s.id} opened by ${s.openedBy} (the OS user or --by; the hub has no user accounts yet)`,
        `URL      ${opened.url}`,
        `Reaches  ${s.tls ? "https" : "http"}://${s.address}:${s.port} of site "${site}", ${what}, through agent ${s.agentId} (task ${s.taskId}; the agent is nudged now)`,
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
    run(ctx, p) {
      noMoreArgs(p, 0);
      const site = siteFlag(ctx, p);
      const now = ctx.now();
      const open = ctx.store.listWebAccessSessions({ open: true, siteId: site?.id }).filter((s) => s.expiresAt > now);
      if (wantsJson(p)) return (printJson(ctx, open.map((s) => sessionJson(s, now))), 0);
      if (open.length === 0) return (ctx.io.out("no open web-access sessions\n"), 0);
      let domain: { domain: string; port: number } | undefined;
      try {
        domain = readWebAccessSettings(ctx.io.dataDir);
      } catch {
        domain = undefined;
      }
      ctx.io.out(
        formatTable(
          ["ID", "HOST", "REACHES", "BY", "OPENED", "EXPIRES", "TUNNEL", "BYTES TO/FROM"],
          open.map((s) => [
            s.id,
            domain ? sessionOrigin(s.label, domain) : s.label,
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
    usage: "web-access close SESSION [--by NAME]",
    valued: ["by"],
    run(ctx, p) {
      const s = sessionArg(ctx, p);
      if (s.endedAt) throw new DcaError("failed-precondition", `session ${s.id} already ended at ${formatTime(s.endedAt)} (${s.endReason}); nothing to close`);
      const r = ctx.store.endWebAccessSession(s.id, `closed by ${whoOpens(p)}`)!;
      ctx.io.out(`web-access session ${s.id} closed; the serving hub drops its tunnel and wakes agent ${s.agentId} (MQTT), which closes it; without MQTT the agent learns it at its next poll\n`);
      return r.ended ? 0 : 1;
    },
  },

  "web-access audit": {
    usage: "web-access audit [--site S] [--limit N] [--json | --jsonl]",
    valued: ["site", "limit"],
    booleans: ["json", "jsonl"],
    run(ctx, p) {
      noMoreArgs(p, 0);
      const site = siteFlag(ctx, p);
      const now = ctx.now();
      const all = ctx.store.listWebAccessSessions({ siteId: site?.id, limit: intFlag(p, "limit") ?? 1000 });
      if (p.flags.has("jsonl")) {
        ctx.io.out(all.map((s) => `${JSON.stringify(sessionJson(s, now))}\n`).join(""));
        return 0;
      }
      if (wantsJson(p)) return (printJson(ctx, all.map((s) => sessionJson(s, now))), 0);
      if (all.length === 0) return (ctx.io.out("no web-access sessions yet\n"), 0);
      ctx.io.out(
        formatTable(
          ["ID", "BY", "REACHES", "OPENED", "ENDED", "MINUTES", "STATE", "BYTES TO", "BYTES FROM", "REQUESTS"],
          all.map((s) => {
            const end = s.endedAt ?? (s.expiresAt < now ? s.expiresAt : undefined);
            return [
              s.id,
              s.openedBy,
              `${s.tls ? "https" : "http"}://${s.address}:${s.port}`,
              formatTime(s.openedAt),
              formatTime(end),
              end ? ((end.getTime() - s.openedAt.getTime()) / 60_000).toFixed(1) : "-",
              sessionState(s, now),
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
