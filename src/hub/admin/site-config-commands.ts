/**
 * The commands that change a site's agent config. Each is one
 * `updateSiteConfig` (one transaction, version + 1) and prints the new
 * version, which agents pick up on their next poll.
 */
import { create } from "@bufbuild/protobuf";
import { type ParsedArgs, UsageError, flag, listFlag } from "../../common/args.ts";
import { TargetError, parseTargetSpec } from "../../common/target-spec.ts";
import { parseDuration } from "../../common/duration.ts";
import { type AgentConfig, OutboxLimitsSchema, SnmpSettingsSchema } from "../../gen/dca/v1/agent_service_pb.ts";
import { StoreError } from "../store/index.ts";
import { type AdminCommand, type AdminContext, arg, noMoreArgs, siteArg } from "./admin-context.ts";
import { formatSeconds, parseCount, parseDurationSeconds } from "./admin-format.ts";
import { CREDENTIAL_FLAGS, credentialFromArgs } from "./credential-args.ts";
import { describeSnmpCredential } from "./redact-config.ts";

/** Checks scan targets: no blanks, no spaces, and a form the agent's sweep understands. */
export function checkTargets(targets: string[], what: string): string[] {
  for (const t of targets) {
    if (t === "" || /\s/.test(t)) throw new UsageError(`${what} must be non-empty and without spaces`);
    try {
      parseTargetSpec(t);
    } catch (e) {
      if (e instanceof TargetError) throw new UsageError(e.message);
      throw e;
    }
  }
  return targets;
}

/** Applies a change to the site's config and reports the new version. */
function change(ctx: AdminContext, p: ParsedArgs, what: (c: AgentConfig) => string): number {
  const site = siteArg(ctx, arg(p, 0, "SITE"));
  let said = "";
  const c = ctx.store.updateSiteConfig(site.id, (c) => {
    said = what(c);
  });
  ctx.io.out(`site "${site.name}": ${said}; config version ${c.version}\n`);
  return 0;
}

/** Requires at least one of the flags. */
function someOf(p: ParsedArgs, flags: string[]): void {
  if (!flags.some((f) => p.flags.has(f))) throw new UsageError(`give at least one of ${flags.map((f) => `--${f}`).join(", ")}`);
}

/** The site commands that change a config. */
export const SITE_CONFIG_COMMANDS: Record<string, AdminCommand> = {
  "site set-targets": {
    usage: "site set-targets SITE TARGET... [--exclude X,Y]",
    valued: ["exclude"],
    run(ctx, p) {
      const targets = checkTargets(p.positional.slice(1).flatMap((t) => t.split(",")), "a target");
      if (targets.length === 0) throw new UsageError("missing TARGET (an address, CIDR block, range or host name)");
      const exclude = p.flags.has("exclude") ? checkTargets(listFlag(p, "exclude"), "an --exclude entry") : undefined;
      return change(ctx, p, (c) => {
        c.targets = targets;
        if (exclude) c.exclude = exclude;
        return `targets ${targets.join(" ")}${c.exclude.length ? `, excluding ${c.exclude.join(" ")}` : ""}`;
      });
    },
  },

  "site add-credential": {
    usage: "site add-credential SITE --name N (--community C [--v1] | --v3-user U [--v3-auth PROTO:PASS] [--v3-priv PROTO:PASS] [--context C])",
    ...CREDENTIAL_FLAGS,
    run(ctx, p) {
      noMoreArgs(p, 1);
      const cred = credentialFromArgs(p);
      return change(ctx, p, (c) => {
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
        if (i < 0) throw new StoreError("not-found", `no credential "${name}" (see "site show")`);
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
      const seconds = (f: string) => {
        const v = flag(p, f);
        return v === undefined ? undefined : parseDurationSeconds(v, `--${f}`);
      };
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
    usage: "site set-snmp SITE [--port N] [--timeout 2s] [--retries N] [--concurrency N] [--rate N] [--read-concurrency N]",
    valued: ["port", "timeout", "retries", "concurrency", "rate", "read-concurrency"],
    run(ctx, p) {
      noMoreArgs(p, 1);
      const names = ["port", "timeout", "retries", "concurrency", "rate", "read-concurrency"];
      someOf(p, names);
      const count = (f: string, min: number, max: number) => {
        const v = flag(p, f);
        return v === undefined ? undefined : parseCount(v, `--${f}`, min, max);
      };
      const t = flag(p, "timeout");
      let timeoutMs: number | undefined;
      if (t !== undefined) {
        try {
          timeoutMs = parseDuration(t);
        } catch (e) {
          throw new UsageError(`--timeout: ${(e as Error).message}`);
        }
        if (timeoutMs > 600_000) throw new UsageError("--timeout must be at most 10m");
      }
      const set = {
        port: count("port", 0, 65_535),
        timeoutMs,
        retries: count("retries", 0, 10),
        concurrency: count("concurrency", 0, 65_536),
        rate: count("rate", 0, 1_000_000),
        readConcurrency: count("read-concurrency", 0, 1024),
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
      const big = (f: string) => {
        const v = flag(p, f);
        return v === undefined ? undefined : BigInt(parseCount(v, `--${f}`, 0, Number.MAX_SAFE_INTEGER));
      };
      const [maxReadings, maxBytes] = [big("max-readings"), big("max-bytes")];
      const age = flag(p, "max-age");
      const maxAge = age === undefined ? undefined : parseDurationSeconds(age, "--max-age");
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
