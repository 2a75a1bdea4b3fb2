/**
 * `user disable|enable|unlock|reset-password|reset-totp|revoke-sessions`:
 * what an admin does to someone else's account. The hub applies the owner
 * rules (only an owner acts on an owner; the last owner stays enabled).
 */
import { plural } from "../../common/text.ts";
import { type AdminCommand, type AdminContext, arg, noMoreArgs } from "./admin-context.ts";
import { newPassword } from "./secret-input.ts";
import type { ParsedArgs } from "../../common/args.ts";

/** A command on one USER (`valued`: its options); `run` returns the line to print. */
function onUser(verb: string, run: (ctx: AdminContext<unknown>, user: string, p: ParsedArgs) => Promise<string>, valued: string[] = []): AdminCommand<unknown> {
  return {
    usage: `user ${verb} USER${valued.includes("password-file") ? " [--password-file F]" : ""}`,
    valued,
    remote: true,
    async run(ctx, p) {
      const user = arg(p, 0, "USER");
      noMoreArgs(p, 1);
      ctx.io.out(`${await run(ctx, user, p)}\n`);
      return 0;
    },
  };
}

/** The user commands that change an account's state. */
export const USER_SWITCH_COMMANDS: Record<string, AdminCommand<unknown>> = {
  "user disable": onUser("disable", async (ctx, user) => {
    const r = await ctx.api.setUserDisabled({ user, disabled: true });
    const name = r.user?.username ?? user;
    return `user "${name}" disabled: they cannot sign in; ${plural(r.sessionsRevoked, "session")} and ${plural(r.tokensRevoked, "API token")} revoked`;
  }),

  "user enable": onUser("enable", async (ctx, user) => {
    const r = await ctx.api.setUserDisabled({ user, disabled: false });
    return `user "${r.user?.username ?? user}" enabled (their inactivity clock starts again now)`;
  }),

  "user unlock": onUser("unlock", async (ctx, user) => {
    const r = await ctx.api.unlockUser({ user });
    return `user "${r.user?.username ?? user}" unlocked; their failed sign-ins are forgotten`;
  }),

  "user reset-password": onUser(
    "reset-password",
    async (ctx, user, p) => {
      const newPasswordText = await newPassword(ctx, p, user);
      const r = await ctx.api.resetUserPassword({ user, newPassword: newPasswordText });
      return `password of "${user}" reset; ${plural(r.sessionsRevoked, "session")} revoked (tell them the new password by another channel)`;
    },
    ["password-file"],
  ),

  "user reset-totp": onUser("reset-totp", async (ctx, user) => {
    const r = await ctx.api.resetUserTotp({ user });
    return `two-factor sign-in of "${r.user?.username ?? user}" removed, recovery codes too; they enrol again after their next sign-in`;
  }),

  "user revoke-sessions": onUser("revoke-sessions", async (ctx, user) => {
    const r = await ctx.api.revokeUserSessions({ user });
    return `${plural(r.revoked, "session")} of "${user}" revoked; they sign in again`;
  }),
};
