/**
 * `dca scan TARGET...`: sweeps the targets with the single-socket prober,
 * classifies each responder, reads every printer (a bounded number at a
 * time) and prints each reading as soon as it is done.
 */
import { toJsonString } from "@bufbuild/protobuf";
import { DeviceReadingSchema } from "../../gen/dca/v1/reading_pb.ts";
import { classifyDevice } from "../discovery/classify.ts";
import { createProbeGetter } from "../discovery/probe-getter.ts";
import { type ProbeAnswer, createProber } from "../discovery/prober.ts";
import { TargetError, resolveTargets } from "../discovery/targets.ts";
import { ReadError, readDevice } from "../reader/read-device.ts";
import type { CommunityCredential, Credential } from "../snmp/credential.ts";
import type { SnmpSession } from "../snmp/session.ts";
import { createNetSnmpSession } from "../snmp/net-snmp-session.ts";
import { parseArgs, listFlag, UsageError } from "./args.ts";
import { formatReading } from "./format-reading.ts";
import { SNMP_FLAGS, configFromArgs } from "./options.ts";
import { createProgressLine } from "./progress-line.ts";

const SCAN_FLAGS = [...SNMP_FLAGS, "exclude", "concurrency", "rate", "read-concurrency"];

/** Credentials to read a responder with: the one that answered the probe first. */
function credentialsFor(answer: ProbeAnswer, creds: readonly Credential[], communities: readonly CommunityCredential[]): Credential[] {
  if (answer.community === "v3") return creds.filter((c) => c.version === "v3");
  const hit = communities[answer.community];
  if (!hit) return [...creds];
  const first: Credential = { ...hit, version: answer.version === "v1" ? "v1" : "v2c" };
  return [first, ...creds.filter((c) => c !== hit)];
}

export async function scanCommand(argv: string[]): Promise<number> {
  const p = parseArgs(argv, SCAN_FLAGS, ["json"]);
  const config = configFromArgs(p, { targets: p.positional, exclude: listFlag(p, "exclude") });
  const targetsIn = p.positional.length ? p.positional : config.scan.targets;
  if (targetsIn.length === 0) throw new UsageError("give at least one TARGET (or scan.targets in --config)");
  const exclude = p.positional.length ? listFlag(p, "exclude") : config.scan.exclude;
  let targets;
  try {
    targets = await resolveTargets(targetsIn, { exclude, defaultPort: config.snmp.port });
  } catch (e) {
    if (e instanceof TargetError) throw new UsageError(e.message);
    throw e;
  }
  for (const err of targets.errors) process.stderr.write(`dca scan: ${err.message} (skipped)\n`);

  const communityCreds = config.credentials.filter((c): c is CommunityCredential => c.version !== "v3");
  const communities = communityCreds.map((c) => c.community);
  const hasV3 = config.credentials.some((c) => c.version === "v3");
  const prober = createProber({
    communities: communities.length ? communities : ["public"],
    // Probe both community versions: old printers answer only v1.
    versions: ["v2c", "v1"],
    v3Discovery: hasV3,
    timeoutMs: config.snmp.timeout,
    retries: config.snmp.retries,
    rate: config.snmp.rate,
    window: config.snmp.concurrency,
  });

  const json = p.flags.has("json");
  const stats = { found: 0, printers: 0, read: 0, skipped: 0, failed: 0 };
  const sweep = prober.sweep(targets);
  const progress = createProgressLine(process.stderr, () => ({ ...sweep.progress(), ...stats }));
  const started = performance.now();
  const pending = new Set<Promise<void>>();
  const limit = config.snmp.readConcurrency;

  const handle = async (answer: ProbeAnswer) => {
    const where = answer.port === 161 ? answer.address : `${answer.address}:${answer.port}`;
    let getter = createProbeGetter(prober, answer, communities);
    let v3Session: SnmpSession | undefined;
    if (!getter && hasV3) {
      const cred = config.credentials.find((c) => c.version === "v3");
      if (cred) getter = v3Session = createNetSnmpSession({ host: answer.address, port: answer.port, timeoutMs: config.snmp.timeout, retries: config.snmp.retries }, cred);
    }
    const verdict = await classifyDevice(answer, getter).finally(() => v3Session?.close());
    if (!verdict.printer) {
      stats.skipped++;
      progress.log(`skipped ${where}: ${verdict.reason}`);
      return;
    }
    stats.printers++;
    try {
      const reading = await readDevice({
        target: { host: answer.address, port: answer.port, timeoutMs: config.snmp.timeout, retries: config.snmp.retries },
        credentials: credentialsFor(answer, config.credentials, communityCreds),
      });
      stats.read++;
      progress.write(json ? `${toJsonString(DeviceReadingSchema, reading)}\n` : `${formatReading(reading)}\n`, process.stdout);
    } catch (e) {
      stats.failed++;
      progress.log(`failed ${where}: ${e instanceof ReadError ? e.message : (e as Error).stack}`);
    }
  };

  try {
    for await (const answer of sweep) {
      stats.found++;
      const job = handle(answer).finally(() => pending.delete(job));
      pending.add(job);
      if (pending.size >= limit) await Promise.race(pending);
    }
    await Promise.all(pending);
  } finally {
    progress.stop();
    prober.close();
  }
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  process.stderr.write(
    `scanned ${targets.count} addresses in ${secs} s: ${stats.found} answered SNMP, ${stats.read} printers read, ` +
      `${stats.skipped} skipped (not printers), ${stats.failed} failed\n`,
  );
  return stats.failed > 0 ? 1 : 0;
}
