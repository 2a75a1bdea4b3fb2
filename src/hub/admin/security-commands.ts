/** `security show` and `security set`: the hub's sign-in and audit settings (owners change them). */
import { type ParsedArgs, UsageError, flag, intFlag } from "../../common/args.ts";
import type { SecuritySettings } from "../../gen/dca/v1/admin_people_pb.ts";
import { type AdminCommand, type AdminContext, noMoreArgs, printJson, wantsJson } from "./admin-context.ts";

/** Each `security set` option, the request field it sets and the message field it fills. */
const OPTIONS = [
  ["lockout-attempts", "lockout_attempts", "lockoutAttempts"],
  ["lockout-minutes", "lockout_minutes", "lockoutMinutes"],
  ["inactivity-days", "inactivity_days", "inactivityDays"],
  ["session-hours", "session_hours", "sessionHours"],
  ["session-idle-minutes", "session_idle_minutes", "sessionIdleMinutes"],
  ["audit-retention-days", "audit_retention_days", "auditRetentionDays"],
] as const;

/** The settings as `security show --json` prints them. */
const settingsOf = (s: SecuritySettings | undefined) => ({
  require2fa: s?.require2fa ?? false,
  lockoutAttempts: s?.lockoutAttempts ?? 0,
  lockoutMinutes: s?.lockoutMinutes ?? 0,
  inactivityDays: s?.inactivityDays ?? 0,
  sessionHours: s?.sessionHours ?? 0,
  sessionIdleMinutes: s?.sessionIdleMinutes ?? 0,
  auditRetentionDays: s?.auditRetentionDays ?? 0,
});

/** The settings in words. */
function describe(s: ReturnType<typeof settingsOf>): string {
  const lock = s.lockoutMinutes === 0 ? "until an admin unlocks" : `for ${s.lockoutMinutes} minutes`;
  return (
    `Require 2FA        ${s.require2fa ? "on: every local account enrols TOTP before doing anything else" : "off"}\n` +
    `Lockout            ${s.lockoutAttempts} failed sign-ins in a row lock an account ${lock}\n` +
    `Inactivity         accounts unused for ${s.inactivityDays} days are disabled\n` +
    `Sessions           end ${s.sessionHours} hours after sign-in, or after ${s.sessionIdleMinutes} minutes unused\n` +
    `Audit retention    records older than ${s.auditRetentionDays} days are deleted (the chain stays verifiable)\n`
  );
}

/** Prints the settings as text or JSON. */
function print(ctx: AdminContext<unknown>, p: ParsedArgs, s: SecuritySettings | undefined, heading = ""): void {
  if (wantsJson(p)) printJson(ctx, settingsOf(s));
  else ctx.io.out(heading + describe(settingsOf(s)));
}

/** The security commands. */
export const SECURITY_COMMANDS: Record<string, AdminCommand<unknown>> = {
  "security show": {
    usage: "security show [--json]",
    booleans: ["json"],
    remote: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      print(ctx, p, (await ctx.api.getSecuritySettings({})).settings);
      return 0;
    },
  },

  "security set": {
    usage:
      "security set [--require-2fa on|off] [--lockout-attempts N] [--lockout-minutes N (0 = until unlocked)] [--inactivity-days N] " +
      "[--session-hours N] [--session-idle-minutes N] [--audit-retention-days N] [--json]",
    valued: ["require-2fa", ...OPTIONS.map(([option]) => option)],
    booleans: ["json"],
    remote: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      const settings: Record<string, number | boolean> = {};
      const fields: string[] = [];
      const twoFactor = flag(p, "require-2fa");
      if (twoFactor !== undefined) {
        if (twoFactor !== "on" && twoFactor !== "off") throw new UsageError(`--require-2fa must be on or off, got "${twoFactor}"`);
        settings.require2fa = twoFactor === "on";
        fields.push("require_2fa");
      }
      for (const [option, field, key] of OPTIONS) {
        const n = intFlag(p, option);
        if (n === undefined) continue;
        if (n > 0xffff_ffff) throw new UsageError(`--${option} ${n} is far out of range; see dca-hub security set --help`);
        settings[key] = n;
        fields.push(field);
      }
      if (fields.length === 0) throw new UsageError(`say what to change: --require-2fa, ${OPTIONS.map(([o]) => `--${o}`).join(", ")}`);
      const r = await ctx.api.setSecuritySettings({ settings, fields });
      print(ctx, p, r.settings, "security settings changed; they now are:\n");
      return 0;
    },
  },
};
