/**
 * The commands that change a site's agent config. Each is one
 * `updateSiteConfig` (one transaction, version + 1) and prints the new
 * version, which agents pick up on their next poll.
 */
import { create } from "@bufbuild/protobuf";
import { type ParsedArgs, UsageError, flag, listFlag } from "../../common/args.ts";
import { type ConfigField, LIMITS, configFromProto } from "../../common/config/index.ts";
import { LARGE_TARGET_SET, countTargetAddresses, estimateSweepMs, formatSweepTime, sweepPaceOf } from "../../common/target-ranges.ts";
import { plural } from "../../common/text.ts";
import { parseDuration } from "../../common/duration.ts";
import { type AgentConfig, OutboxLimitsSchema, SnmpSettingsSchema } from "../../gen/dca/v1/agent_service_pb.ts";
import { type SiteAdminStore, StoreError } from "../store/index.ts";
import { type AdminCommand, type AdminContext, arg, noMoreArgs, siteArg } from "./admin-context.ts";
import { formatSeconds, parseCount, parseDurationSeconds } from "./admin-format.ts";
import { ADMIN_LABELS, CREDENTIAL_FLAGS, credentialFromArgs, credentialInputFromArgs } from "./credential-args.ts";
import { describeSnmpCredential } from "./redact-config.ts";

/** Applies a change to the site's config and reports the new version. */
function change(ctx: AdminContext<SiteAdminStore>, p: ParsedArgs, what: (c: AgentConfig) => string): number {
  const site = siteArg(ctx, arg(p, 0, "SITE"));
  let said = "";
  const c = ctx.store.updateSiteConfig(
    site.id,
    (c) => {
      said = what(c);
    },
    { labels: ADMIN_LABELS },
  );
  ctx.io.out(`site "${site.name}": ${said}; config version ${c.version}\n`);
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

/**
 * Refuses targets that cover more than LARGE_TARGET_SET addresses unless
 * `allowed`, saying how long one sweep takes at the site's pace; allowed,
 * returns that as a note for the change line ("" for a set that is not large).
 */
function largeTargets(c: AgentConfig, allowed: boolean): string {
  const config = configFromProto(c);
  const count = countTargetAddresses(c.targets, c.exclude, config.snmp.port);
  if (count <= LARGE_TARGET_SET) return "";
  const pace = sweepPaceOf(config);
  const size = `${count.toLocaleString("en-US")} addresses`;
  const time = `one discovery takes about ${formatSweepTime(estimateSweepMs(count, pace))} at the site's ${pace.rate.toLocaleString("en-US")} packets/s`;
  if (allowed) return ` (${size}; ${time})`;
  throw new UsageError(
    `the targets cover ${size}, more than ${LARGE_TARGET_SET.toLocaleString("en-US")}; ${time} ` +
      `(${plural(pace.packetsPerSilentAddress, "packet")} to each silent address); narrow them or add --exclude, or pass --allow-large`,
  );
}

/** Requires at least one of the flags. */
function someOf(p: ParsedArgs, flags: string[]): void {
  if (!flags.some((f) => p.flags.has(f))) throw new UsageError(`give at least one of ${flags.map((f) => `--${f}`).join(", ")}`);
}

/** The site commands that change a config. */
export const SITE_CONFIG_COMMANDS: Record<string, AdminCommand<SiteAdminStore>> = {
  "site set-targets": {
    usage: "site set-targets SITE TARGET... [--exclude X,Y] [--allow-large]",
    valued: ["exclude"],
    booleans: ["allow-large"],
    run(ctx, p) {
      // Each entry is checked with the agents' own target rule when the config is stored.
      const targets = p.positional.slice(1).flatMap((t) => t.split(","));
      if (targets.length === 0) throw new UsageError("missing TARGET (an address, CIDR block, range or host name)");
      const exclude = p.flags.has("exclude") ? listFlag(p, "exclude") : undefined;
      return change(ctx, p, (c) => {
        c.targets = targets;
        if (exclude) c.exclude = exclude;
        const large = largeTargets(c, p.flags.has("allow-large"));
        return `targets ${targets.join(" ")}${c.exclude.length ? `, excluding ${c.exclude.join(" ")}` : ""}${large}`;
      });
    },
  },

  "site add-credential": {
    usage: "site add-credential SITE --name N (--community C [--v1] | --v3-user U [--v3-auth PROTO:PASS] [--v3-priv PROTO:PASS] [--context C])",
    ...CREDENTIAL_FLAGS,
    run(ctx, p) {
      noMoreArgs(p, 1);
      const input = credentialInputFromArgs(p);
      return change(ctx, p, (c) => {
        const cred = credentialFromArgs(input, c.credentials.length);
        if (c.credentials.some((x) => x.name === cred.name)) {
          throw new StoreError("already-exists", `credential "${cred.name}" already exists (remove it first)`);
        }
        c.credentials.push(cred);
        return `credential ${describeSnmpCredential(cred)} added as number ${c.credentials.length} (credentials are tried in order)`;
      });
    },
  },

  "site remove-credential": {
    usage: "site remove-credential SITE NAME",
    run(ctx, p) {
      const name = arg(p, 1, "NAME");
      noMoreArgs(p, 2);
      return change(ctx, p, (c) => {
        const i = c.credentials.findIndex((x) => x.name === name);
        if (i < 0) throw new StoreError("not-found", `no credential "${name}"; see "dca-hub site show"`);
        c.credentials.splice(i, 1);
        return `credential "${name}" removed`;
      });
    },
  },

  "site set-schedule": {
    usage: "site set-schedule SITE [--discovery 8h] [--read 1h] [--poll 5m]",
    valued: ["discovery", "read", "poll"],
    run(ctx, p) {
      noMoreArgs(p, 1);
      someOf(p, ["discovery", "read", "poll"]);
      const seconds = (f: string) => option(p, f, `schedule.${f}` as ConfigField, parseDurationSeconds);
      const [discovery, read, poll] = [seconds("discovery"), seconds("read"), seconds("poll")];
      return change(ctx, p, (c) => {
        if (discovery !== undefined) c.discoveryIntervalSeconds = discovery;
        if (read !== undefined) c.readIntervalSeconds = read;
        if (poll !== undefined) c.pollIntervalSeconds = poll;
        return `discovery ${formatSeconds(c.discoveryIntervalSeconds)}, read ${formatSeconds(c.readIntervalSeconds)}, poll ${formatSeconds(c.pollIntervalSeconds)}`;
      });
    },
  },

  "site set-snmp": {
    usage: "site set-snmp SITE [--port N] [--timeout 2s] [--retries N] [--concurrency N] [--rate N] [--read-concurrency N] [--sweep-timeout 1s] [--read-deadline 60s]",
    valued: ["port", "timeout", "retries", "concurrency", "rate", "read-concurrency", "sweep-timeout", "read-deadline"],
    run(ctx, p) {
      noMoreArgs(p, 1);
      const names = ["port", "timeout", "retries", "concurrency", "rate", "read-concurrency", "sweep-timeout", "read-deadline"];
      someOf(p, names);
      // 0 keeps the agent's default; anything else must be inside the agents' own limits (checked again on store).
      const count = (f: string, field: ConfigField, { max }: { max: number }) => option(p, f, field, (v, what) => parseCount(v, what, 0, max));
      const ms = (f: string, field: ConfigField) =>
        option(p, f, field, (v, what) => {
          try {
            return parseDuration(v);
          } catch (e) {
            throw new UsageError(`${what}: ${(e as Error).message}`);
          }
        });
      const set = {
        port: count("port", "snmp.port", LIMITS.port),
        timeoutMs: ms("timeout", "snmp.timeout"),
        retries: count("retries", "snmp.retries", LIMITS.retries),
        concurrency: count("concurrency", "snmp.concurrency", LIMITS.concurrency),
        rate: count("rate", "snmp.rate", LIMITS.rate),
        readConcurrency: count("read-concurrency", "snmp.readConcurrency", LIMITS.readConcurrency),
        sweepTimeoutMs: ms("sweep-timeout", "snmp.sweepTimeout"),
        readDeadlineMs: ms("read-deadline", "snmp.readDeadline"),
      };
      return change(ctx, p, (c) => {
        c.snmp ??= create(SnmpSettingsSchema);
        for (const [k, v] of Object.entries(set)) if (v !== undefined) c.snmp[k as keyof typeof set] = v;
        const s = c.snmp;
        return `snmp port ${s.port || "default"}, timeout ${s.timeoutMs ? `${s.timeoutMs}ms` : "default"}, retries ${s.retries || "default"}`;
      });
    },
  },

  "site set-outbox": {
    usage: "site set-outbox SITE [--max-readings N] [--max-bytes N] [--max-age 30d]",
    valued: ["max-readings", "max-bytes", "max-age"],
    run(ctx, p) {
      noMoreArgs(p, 1);
      someOf(p, ["max-readings", "max-bytes", "max-age"]);
      const big = (f: string, field: ConfigField, { max }: { max: number }) => option(p, f, field, (v, what) => BigInt(parseCount(v, what, 0, max)));
      const maxReadings = big("max-readings", "outbox.maxReadings", LIMITS.maxReadings);
      const maxBytes = big("max-bytes", "outbox.maxBytes", LIMITS.maxBytes);
      const maxAge = option(p, "max-age", "outbox.maxAge", parseDurationSeconds);
      return change(ctx, p, (c) => {
        c.outbox ??= create(OutboxLimitsSchema);
        if (maxReadings !== undefined) c.outbox.maxReadings = maxReadings;
        if (maxBytes !== undefined) c.outbox.maxBytes = maxBytes;
        if (maxAge !== undefined) c.outbox.maxAgeSeconds = maxAge;
        const o = c.outbox;
        return `outbox max readings ${o.maxReadings || "default"}, max bytes ${o.maxBytes || "default"}, max age ${formatSeconds(o.maxAgeSeconds)}`;
      });
    },
  },
};
