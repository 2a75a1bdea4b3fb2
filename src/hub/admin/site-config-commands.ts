/**
 * The commands that change a site's agent config, as AdminService calls:
 * the options are parsed here, the hub checks and stores the change (one
 * transaction, version + 1) and says what it did.
 */
import { type ParsedArgs, UsageError, flag, listFlag } from "../../common/args.ts";
import { type ConfigField, LIMITS } from "../../common/config/index.ts";
import { parseDuration } from "../../common/duration.ts";
import type { SiteConfigChange } from "../../gen/dca/v1/admin_sites_pb.ts";
import { type AdminCommand, type AdminContext, arg, noMoreArgs } from "./admin-context.ts";
import { parseCount, parseDurationSeconds } from "./admin-format.ts";
import { CREDENTIAL_FLAGS, credentialFromArgs, credentialInputFromArgs } from "./credential-args.ts";

/** Prints what a config change did and the new version (agents pick it up on their next poll). */
function printed(ctx: AdminContext<unknown>, r: { change?: SiteConfigChange }): number {
  const c = r.change!;
  ctx.io.out(`site "${c.site?.name}": ${c.description}; config version ${c.config?.version}\n`);
  return 0;
}

/** One option's value, parsed; a refusal names the config field it sets ("snmp.port: --port ..."), as an agent would. */
function option<T>(p: ParsedArgs, f: string, field: ConfigField, parse: (value: string, what: string) => T): T | undefined {
  const value = flag(p, f);
  if (value === undefined) return undefined;
  try {
    return parse(value, `--${f}`);
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`${field}: ${e.message}`);
    throw e;
  }
}

/** Requires at least one of the flags. */
function someOf(p: ParsedArgs, flags: string[]): void {
  if (!flags.some((f) => p.flags.has(f))) throw new UsageError(`give at least one of ${flags.map((f) => `--${f}`).join(", ")}`);
}

/** The site commands that change a config. */
export const SITE_CONFIG_COMMANDS: Record<string, AdminCommand<unknown>> = {
  "site set-targets": {
    usage: "site set-targets SITE TARGET... [--exclude X,Y] [--allow-large]",
    valued: ["exclude"],
    booleans: ["allow-large"],
    remote: true,
    async run(ctx, p) {
      const site = arg(p, 0, "SITE");
      // Each entry is checked with the agents' own target rule when the hub stores the config.
      const targets = p.positional.slice(1).flatMap((t) => t.split(","));
      if (targets.length === 0) throw new UsageError("missing TARGET (an address, CIDR block, range or host name)");
      const setExclude = p.flags.has("exclude");
      const exclude = setExclude ? listFlag(p, "exclude") : [];
      return printed(ctx, await ctx.api.setSiteTargets({ site, targets, exclude, setExclude, allowLarge: p.flags.has("allow-large") }));
    },
  },

  "site add-credential": {
    usage: "site add-credential SITE --name N (--community C [--v1] | --v3-user U [--v3-auth PROTO:PASS] [--v3-priv PROTO:PASS] [--context C])",
    ...CREDENTIAL_FLAGS,
    remote: true,
    async run(ctx, p) {
      const site = arg(p, 0, "SITE");
      noMoreArgs(p, 1);
      // Checked here for a quick answer, and again by the hub as the site's next credential.
      const credential = credentialFromArgs(credentialInputFromArgs(p), 0);
      return printed(ctx, await ctx.api.addSiteCredential({ site, credential }));
    },
  },

  "site remove-credential": {
    usage: "site remove-credential SITE NAME",
    remote: true,
    async run(ctx, p) {
      const site = arg(p, 0, "SITE");
      const name = arg(p, 1, "NAME");
      noMoreArgs(p, 2);
      return printed(ctx, await ctx.api.removeSiteCredential({ site, name }));
    },
  },

  "site set-schedule": {
    usage: "site set-schedule SITE [--discovery 8h] [--read 1h] [--poll 5m]",
    valued: ["discovery", "read", "poll"],
    remote: true,
    async run(ctx, p) {
      const site = arg(p, 0, "SITE");
      noMoreArgs(p, 1);
      someOf(p, ["discovery", "read", "poll"]);
      const seconds = (f: string) => option(p, f, `schedule.${f}` as ConfigField, parseDurationSeconds);
      const req = { site, discoveryIntervalSeconds: seconds("discovery"), readIntervalSeconds: seconds("read"), pollIntervalSeconds: seconds("poll") };
      return printed(ctx, await ctx.api.setSiteSchedule(req));
    },
  },

  "site set-snmp": {
    usage: "site set-snmp SITE [--port N] [--timeout 2s] [--retries N] [--concurrency N] [--rate N] [--read-concurrency N] [--sweep-timeout 1s] [--read-deadline 60s]",
    valued: ["port", "timeout", "retries", "concurrency", "rate", "read-concurrency", "sweep-timeout", "read-deadline"],
    remote: true,
    async run(ctx, p) {
      const site = arg(p, 0, "SITE");
      noMoreArgs(p, 1);
      const names = ["port", "timeout", "retries", "concurrency", "rate", "read-concurrency", "sweep-timeout", "read-deadline"];
      someOf(p, names);
      // 0 keeps the agent's default; anything else must be inside the agents' own limits (checked again by the hub).
      const count = (f: string, field: ConfigField, { max }: { max: number }) => option(p, f, field, (v, what) => parseCount(v, what, 0, max));
      const ms = (f: string, field: ConfigField) =>
        option(p, f, field, (v, what) => {
          try {
            return parseDuration(v);
          } catch (e) {
            throw new UsageError(`${what}: ${(e as Error).message}`);
          }
        });
      return printed(
        ctx,
        await ctx.api.setSiteSnmp({
          site,
          port: count("port", "snmp.port", LIMITS.port),
          timeoutMs: ms("timeout", "snmp.timeout"),
          retries: count("retries", "snmp.retries", LIMITS.retries),
          concurrency: count("concurrency", "snmp.concurrency", LIMITS.concurrency),
          rate: count("rate", "snmp.rate", LIMITS.rate),
          readConcurrency: count("read-concurrency", "snmp.readConcurrency", LIMITS.readConcurrency),
          sweepTimeoutMs: ms("sweep-timeout", "snmp.sweepTimeout"),
          readDeadlineMs: ms("read-deadline", "snmp.readDeadline"),
        }),
      );
    },
  },

  "site set-outbox": {
    usage: "site set-outbox SITE [--max-readings N] [--max-bytes N] [--max-age 30d]",
    valued: ["max-readings", "max-bytes", "max-age"],
    remote: true,
    async run(ctx, p) {
      const site = arg(p, 0, "SITE");
      noMoreArgs(p, 1);
      someOf(p, ["max-readings", "max-bytes", "max-age"]);
      const big = (f: string, field: ConfigField, { max }: { max: number }) => option(p, f, field, (v, what) => BigInt(parseCount(v, what, 0, max)));
      return printed(
        ctx,
        await ctx.api.setSiteOutbox({
          site,
          maxReadings: big("max-readings", "outbox.maxReadings", LIMITS.maxReadings),
          maxBytes: big("max-bytes", "outbox.maxBytes", LIMITS.maxBytes),
          maxAgeSeconds: option(p, "max-age", "outbox.maxAge", parseDurationSeconds),
        }),
      );
    },
  },
};
