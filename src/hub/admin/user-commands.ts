/** `user create`, `user list`, `user show`: clients of AdminService. */
import { flag } from "../../common/args.ts";
import { type AdminCommand, arg, noMoreArgs, printJson, wantsJson } from "./admin-context.ts";
import { formatAgo, formatTable, formatTime, shellQuote } from "./admin-format.ts";
import { type UserView, grantWhere, rolesText, sessionOf, statusText, userOf } from "./people-from-proto.ts";
import { newPassword } from "./secret-input.ts";

/** The two-factor state of a user in words. */
const twoFactorText = (u: UserView): string =>
  u.totpEnabled ? `TOTP, ${u.recoveryCodesLeft} recovery code${u.recoveryCodesLeft === 1 ? "" : "s"} left` : "none";

/** The user commands that list and add people. */
export const USER_COMMANDS: Record<string, AdminCommand<unknown>> = {
  "user create": {
    usage: "user create NAME [--display-name N] [--email E] [--password-file F] [--json]",
    valued: ["display-name", "email", "password-file"],
    booleans: ["json"],
    remote: true,
    async run(ctx, p) {
      const username = arg(p, 0, "NAME");
      noMoreArgs(p, 1);
      const password = await newPassword(ctx, p, username);
      const { user } = await ctx.api.createUser({ username, displayName: flag(p, "display-name") ?? "", email: flag(p, "email") ?? "", password });
      const u = userOf(user);
      if (wantsJson(p)) printJson(ctx, u);
      else ctx.io.out(`user "${u.username}" created: ${u.id}\nnext: dca-hub role grant ${shellQuote(u.username)} ROLE [--site S | --group G] (without a role they may do nothing)\n`);
      return 0;
    },
  },

  "user list": {
    usage: "user list [--json]",
    booleans: ["json"],
    remote: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      const users = (await ctx.api.listUsers({})).users.map(userOf);
      if (wantsJson(p)) printJson(ctx, users);
      else {
        ctx.io.out(
          formatTable(
            ["USERNAME", "ID", "SOURCE", "ROLES", "2FA", "STATUS", "LAST SIGN-IN"],
            users.map((u) => [u.username, u.id, u.source, rolesText(u), u.totpEnabled ? "totp" : "-", statusText(u), formatTime(u.lastSignInAt)]),
          ),
        );
      }
      return 0;
    },
  },

  "user show": {
    usage: "user show USER [--json]",
    booleans: ["json"],
    remote: true,
    async run(ctx, p) {
      const name = arg(p, 0, "USER");
      noMoreArgs(p, 1);
      const answer = await ctx.api.getUser({ user: name });
      const u = userOf(answer.user);
      const sessions = answer.sessions.map(sessionOf);
      if (wantsJson(p)) {
        printJson(ctx, { ...u, sessions });
        return 0;
      }
      const now = ctx.now();
      let text =
        `User          ${u.username} (${u.id})\n` +
        `Name          ${u.displayName || "-"}\n` +
        `Email         ${u.email || "-"}\n` +
        `Source        ${u.source}${u.source === "local" && !u.hasPassword ? " (no password set)" : ""}\n` +
        `Status        ${statusText(u)}${u.failedSignIns > 0 ? `; ${u.failedSignIns} failed sign-ins in a row` : ""}\n` +
        `2FA           ${twoFactorText(u)}\n` +
        `Last sign-in  ${formatAgo(u.lastSignInAt, now)}\n` +
        `Created       ${formatTime(u.createdAt)}${u.createdBy ? ` by ${u.createdBy}` : ""}\n`;
      text += u.grants.length
        ? `\nRoles\n${indent(formatTable(["GRANT", "ROLE", "WHERE", "SOURCE"], u.grants.map((g) => [g.id, g.role, grantWhere(g), g.source])))}`
        : `\nRoles         none (dca-hub role grant ${shellQuote(u.username)} ROLE)\n`;
      text += sessions.length
        ? `\nSessions\n${indent(
            formatTable(
              ["SESSION", "METHOD", "ADDRESS", "LAST USED", "EXPIRES", "CLIENT"],
              sessions.map((s) => [`${s.id}${s.current ? " (this one)" : ""}`, s.method, s.address, formatAgo(s.lastUsedAt, now), formatTime(s.expiresAt), s.client]),
            ),
          )}`
        : "\nSessions      none\n";
      ctx.io.out(text);
      return 0;
    },
  },
};

/** A block of lines indented by two spaces. */
const indent = (text: string): string =>
  text
    .split("\n")
    .map((l) => (l ? `  ${l}` : l))
    .join("\n");
