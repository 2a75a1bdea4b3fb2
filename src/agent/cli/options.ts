/**
 * Turns command-line flags into a validated Config: flags override the
 * config file; credentials given as flags replace the file's.
 */
import { ConfigError, loadConfig } from "../config/load-config.ts";
import type { Config, ConfigInput } from "../../common/config/index.ts";
import { type ParsedArgs, UsageError, flag, intFlag, listFlag } from "../../common/args.ts";

export const SNMP_FLAGS = [
  "community", "snmp-version", "v3-user", "v3-auth", "v3-priv", "v3-context", "port", "timeout", "retries", "read-deadline", "config",
] as const;

function credentialsFromFlags(p: ParsedArgs): NonNullable<ConfigInput["credentials"]> {
  const out: NonNullable<ConfigInput["credentials"]> = [];
  const version = flag(p, "snmp-version") ?? "2c";
  if (!["1", "2c", "v1", "v2c"].includes(version)) throw new UsageError(`--snmp-version must be 1 or 2c, got "${version}"`);
  const v = version.endsWith("1") ? "v1" : "v2c";
  listFlag(p, "community").forEach((community, i) => out.push({ name: `community-${i + 1}`, version: v, community }));
  const user = flag(p, "v3-user");
  if (user) {
    out.push({
      name: `v3-${user.replace(/[^\w.@-]/g, "_")}`,
      version: "v3",
      user,
      auth: flag(p, "v3-auth"),
      priv: flag(p, "v3-priv"),
      context: flag(p, "v3-context"),
    });
  } else if (["v3-auth", "v3-priv"].some((f) => flag(p, f) && !p.fromEnv?.has(f))) {
    throw new UsageError("--v3-auth and --v3-priv need --v3-user");
  }
  return out;
}

/** Builds the Config for a command; `scan` adds the scan section. */
export function configFromArgs(p: ParsedArgs, scan?: { targets: string[]; exclude: string[] }): Config {
  const snmp: NonNullable<ConfigInput["snmp"]> = {};
  const port = intFlag(p, "port");
  if (port !== undefined) snmp.port = port;
  const timeout = flag(p, "timeout");
  if (timeout !== undefined) snmp.timeout = /^\d+$/.test(timeout) ? Number(timeout) : timeout;
  const sweepTimeout = flag(p, "sweep-timeout");
  if (sweepTimeout !== undefined) snmp.sweepTimeout = /^\d+$/.test(sweepTimeout) ? Number(sweepTimeout) : sweepTimeout;
  const readDeadline = flag(p, "read-deadline");
  if (readDeadline !== undefined) snmp.readDeadline = /^\d+$/.test(readDeadline) ? Number(readDeadline) : readDeadline;
  const retries = intFlag(p, "retries");
  if (retries !== undefined) snmp.retries = retries;
  const concurrency = intFlag(p, "concurrency");
  if (concurrency !== undefined) snmp.concurrency = concurrency;
  const rate = intFlag(p, "rate");
  if (rate !== undefined) snmp.rate = rate;
  const readConcurrency = intFlag(p, "read-concurrency");
  if (readConcurrency !== undefined) snmp.readConcurrency = readConcurrency;
  const overrides: ConfigInput = { credentials: credentialsFromFlags(p), snmp };
  if (scan && (scan.targets.length || scan.exclude.length)) overrides.scan = scan;
  return loadConfig(flag(p, "config"), overrides);
}

export { ConfigError };
