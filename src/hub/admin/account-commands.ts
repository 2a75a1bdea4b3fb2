/**
 * `dca-hub account ...`: one's own account, as the signed-in user. Every
 * change of one's security (password, 2FA, recovery codes, API tokens) is
 * confirmed with the current password (--password-file F, $DCA_HUB_PASSWORD
 * or asked) or a current code (--totp CODE); the hub checks it.
 */
import { type ParsedArgs, UsageError, flag } from "../../common/args.ts";
import type { Confirmation } from "../../gen/dca/v1/admin_people_pb.ts";
import { type AdminCommand, type AdminContext, arg, noMoreArgs, printJson, wantsJson } from "./admin-context.ts";
import { formatTable, formatTime, parseDurationMs } from "./admin-format.ts";
import { dateOf } from "./from-proto.ts";
import { readSession, sessionPath, writeSession } from "./hub-session.ts";
import { rolesText, sessionOf, userOf } from "./people-from-proto.ts";
import { ask } from "./prompt.ts";
import { newPassword, optionalSecret } from "./secret-input.ts";

/** Proof that the one typing is the account's owner. */
async function confirmation(ctx: AdminContext<unknown>, p: ParsedArgs): Promise<Confirmation> {
  const totp = flag(p, "totp");
  if (totp) return { $typeName: "dca.v1.Confirmation", password: "", totpCode: totp.trim() };
  const given = optionalSecret(ctx, p, "password-file", "DCA_HUB_PASSWORD");
  const password =
    given ??
    (await (ctx.io.promptSecret ?? ((q: string) => ask(q, { secret: true, instead: "give --password-file F, $DCA_HUB_PASSWORD or --totp CODE" })))("Current password (or use --totp CODE): "));
  return { $typeName: "dca.v1.Confirmation", password, totpCode: "" };
}

const CONFIRM = ["password-file", "totp"];

/** Prints recovery codes once, with what they are for. */
function printCodes(ctx: AdminContext<unknown>, codes: string[]): void {
  ctx.io.out(`Recovery codes (each works once instead of a TOTP code; keep them offline, they are not shown again):\n${codes.map((c) => `  ${c}`).join("\n")}\n`);
}

export const ACCOUNT_COMMANDS: Record<string, AdminCommand<unknown>> = {
  "account show": {
    usage: "account show [--json]",
    booleans: ["json"],
    remote: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      const me = await ctx.api.whoAmI({});
      const user = userOf(me.user);
      const view = { user, via: me.via, credentialId: me.credentialId, scope: me.scope || undefined, expiresAt: dateOf(me.expiresAt), enrolOnly: me.enrolOnly };
      if (wantsJson(p)) return (printJson(ctx, view), 0);
      const lines: [string, string][] = [
        ["User", `${user.username} (${user.id})${user.displayName ? `, ${user.displayName}` : ""}`],
        ["Source", user.source],
        ["Roles", rolesText(user) || "none"],
        ["2FA", user.totpEnabled ? `TOTP on, ${user.recoveryCodesLeft} recovery codes left` : "off"],
        ["Signed in", `${me.via} ${me.credentialId}${me.scope ? ` (scope ${me.scope})` : ""}, until ${formatTime(view.expiresAt)}`],
      ];
      if (me.enrolOnly) lines.push(["Note", "this session may only enrol TOTP: dca-hub account totp-enrol"]);
      ctx.io.out(lines.map(([k, v]) => `${k.padEnd(11)}${v}\n`).join(""));
      return 0;
    },
  },

  "account password": {
    usage: "account password [--password-file CURRENT | --totp CODE] [--new-password-file F]",
    valued: [...CONFIRM, "new-password-file"],
    remote: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      const confirm = await confirmation(ctx, p);
      const given = optionalSecret(ctx, p, "new-password-file", "DCA_HUB_NEW_PASSWORD");
      const next = given ?? (await newPassword(ctx, { ...p, flags: new Map() }, "your account"));
      const r = await ctx.api.changePassword({ confirm, newPassword: next });
      ctx.io.out(`password changed; ${r.sessionsRevoked} other session(s) ended\n`);
      return 0;
    },
  },

  "account totp-enrol": {
    usage: "account totp-enrol [--password-file CURRENT | --totp CODE]",
    valued: CONFIRM,
    remote: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      const r = await ctx.api.beginTotpEnrolment({ confirm: await confirmation(ctx, p) });
      ctx.io.out(`Scan this with an authenticator app, or type the secret ${r.secret} in by hand:\n${r.qrText}\n${r.uri}\n`);
      const interactive = process.stdin.isTTY && !ctx.io.promptSecret;
      if (!interactive) {
        ctx.io.out(`then confirm with a code from the app: dca-hub account totp-confirm CODE\n`);
        return 0;
      }
      const code = await ask("Code from the app: ", { instead: "run dca-hub account totp-confirm CODE" });
      return confirmTotp(ctx, code);
    },
  },

  "account totp-confirm": {
    usage: "account totp-confirm CODE",
    remote: true,
    async run(ctx, p) {
      const code = arg(p, 0, "CODE");
      noMoreArgs(p, 1);
      return confirmTotp(ctx, code);
    },
  },

  "account totp-disable": {
    usage: "account totp-disable [--password-file CURRENT | --totp CODE]",
    valued: CONFIRM,
    remote: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      const r = await ctx.api.disableTotp({ confirm: await confirmation(ctx, p) });
      ctx.io.out(`two-factor sign-in off; ${r.sessionsRevoked} other session(s) ended\n`);
      return 0;
    },
  },

  "account recovery-codes": {
    usage: "account recovery-codes [--password-file CURRENT | --totp CODE]   new codes; the old ones stop working",
    valued: CONFIRM,
    remote: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      printCodes(ctx, (await ctx.api.newRecoveryCodes({ confirm: await confirmation(ctx, p) })).recoveryCodes);
      return 0;
    },
  },

  "account sessions": {
    usage: "account sessions [--json]",
    booleans: ["json"],
    remote: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      const sessions = (await ctx.api.listMySessions({})).sessions.map(sessionOf);
      if (wantsJson(p)) return (printJson(ctx, sessions), 0);
      ctx.io.out(
        formatTable(
          ["ID", "HOW", "FROM", "CLIENT", "SIGNED IN", "LAST USED", "ENDS", ""],
          sessions.map((s) => [s.id, s.method, s.address, s.client, formatTime(s.createdAt), formatTime(s.lastUsedAt), formatTime(s.expiresAt), s.current ? "(this one)" : ""]),
        ),
      );
      return 0;
    },
  },

  "account revoke-sessions": {
    usage: "account revoke-sessions (SESSION_ID | --all-others)",
    booleans: ["all-others"],
    remote: true,
    async run(ctx, p) {
      const all = p.flags.has("all-others");
      const id = p.positional[0];
      if (all === (id !== undefined)) throw new UsageError("give a session id, or --all-others");
      noMoreArgs(p, all ? 0 : 1);
      const r = await ctx.api.revokeMySessions({ sessionId: id ?? "", allOthers: all });
      ctx.io.out(`${r.revoked} session(s) ended\n`);
      return 0;
    },
  },

  "account tokens": {
    usage: "account tokens [--all] [--ended] [--json]   API tokens (--all: everyone's, for an admin)",
    booleans: ["all", "ended", "json"],
    remote: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      const tokens = (await ctx.api.listApiTokens({ allUsers: p.flags.has("all"), includeEnded: p.flags.has("ended") })).tokens.map((t) => ({
        id: t.id,
        name: t.name,
        scope: t.scope,
        username: t.username,
        createdAt: dateOf(t.createdAt),
        expiresAt: dateOf(t.expiresAt),
        lastUsedAt: dateOf(t.lastUsedAt),
        lastAddress: t.lastAddress,
        revoked: t.revoked,
      }));
      if (wantsJson(p)) return (printJson(ctx, tokens), 0);
      ctx.io.out(
        tokens.length === 0
          ? "no API tokens (make one with: dca-hub account create-token NAME --scope meters|tasks|relay|broker|metrics|full)\n"
          : formatTable(
              ["ID", "NAME", "SCOPE", "USER", "EXPIRES", "LAST USED", "FROM", ""],
              tokens.map((t) => [t.id, t.name, t.scope, t.username, formatTime(t.expiresAt), formatTime(t.lastUsedAt), t.lastAddress || "-", t.revoked ? "revoked" : ""]),
            ),
      );
      return 0;
    },
  },

  "account create-token": {
    usage: "account create-token NAME --scope meters|tasks|relay|broker|metrics|full [--expires 90d] [--password-file CURRENT | --totp CODE] [--json]",
    valued: [...CONFIRM, "scope", "expires"],
    booleans: ["json"],
    remote: true,
    async run(ctx, p) {
      const name = arg(p, 0, "NAME");
      noMoreArgs(p, 1);
      const scope = flag(p, "scope");
      if (!scope) throw new UsageError("--scope is required: meters (read meters and devices), tasks (meters and tasks), relay (agents' SSH keys for sshd), broker (mosquitto's password file and ACL), metrics (the hub's /metrics for Prometheus) or full (all you may do)");
      const ttlSeconds = BigInt(Math.ceil(parseDurationMs(flag(p, "expires") ?? "90d", "--expires") / 1000));
      const r = await ctx.api.createApiToken({ confirm: await confirmation(ctx, p), name, scope, ttlSeconds });
      if (wantsJson(p)) return (printJson(ctx, { id: r.token?.id, name, scope, expiresAt: dateOf(r.token?.expiresAt), secret: r.secret }), 0);
      ctx.io.out(
        `API token ${r.token?.id} "${name}" (scope ${scope}) until ${formatTime(dateOf(r.token?.expiresAt))}; it is shown only now:\n${r.secret}\n` +
          `use it as "Authorization: Bearer <token>" (docs/api.md), or: dca-hub login --hub URL --token-file FILE\n`,
      );
      return 0;
    },
  },

  "account revoke-token": {
    usage: "account revoke-token TOKEN_ID",
    remote: true,
    async run(ctx, p) {
      const id = arg(p, 0, "TOKEN_ID");
      noMoreArgs(p, 1);
      await ctx.api.revokeApiToken({ tokenId: id });
      ctx.io.out(`API token ${id} revoked\n`);
      return 0;
    },
  },
};

/** Confirms TOTP enrolment; an enrolment-only session's upgrade replaces the saved session. */
async function confirmTotp(ctx: AdminContext<unknown>, code: string): Promise<number> {
  const r = await ctx.api.confirmTotpEnrolment({ code: code.trim() });
  ctx.io.out(`two-factor sign-in on${r.sessionsRevoked ? `; ${r.sessionsRevoked} other session(s) ended` : ""}\n`);
  printCodes(ctx, r.recoveryCodes);
  if (r.sessionToken) {
    const path = sessionPath(ctx.io.env ?? process.env);
    const saved = readSession(path);
    if (saved) writeSession(path, { ...saved, token: r.sessionToken, expiresAt: dateOf(r.expiresAt)?.toISOString() ?? saved.expiresAt });
    ctx.io.out("this session is now a full one\n");
  }
  return 0;
}
