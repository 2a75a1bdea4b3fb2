/**
 * `dca scan TARGET...`: sweeps the targets with the single-socket prober,
 * classifies each responder, reads every printer (a bounded number at a
 * time) and prints each reading as soon as it is done.
 */
import { DeviceReadingSchema } from "../../gen/dca/v1/reading_pb.ts";
import { messageToJsonString } from "../../common/message-json.ts";
import { collectFleet } from "../collect/collect-fleet.ts";
import { TargetError } from "../discovery/targets.ts";
import { parseArgs, listFlag, UsageError } from "../../common/args.ts";
import { formatReading } from "./format-reading.ts";
import { SNMP_FLAGS, configFromArgs } from "./options.ts";
import { createProgressLine } from "./progress-line.ts";
import { DcaError } from "../../common/errors.ts";
import { batchJitPolicy } from "./batch-jit.ts";
import { plural } from "../../common/text.ts";

const SCAN_FLAGS = [...SNMP_FLAGS, "exclude", "concurrency", "rate", "read-concurrency", "sweep-timeout"];

export async function scanCommand(argv: string[]): Promise<number> {
  batchJitPolicy();
  const p = parseArgs(argv, SCAN_FLAGS, ["json"]);
  const config = configFromArgs(p, { targets: p.positional, exclude: listFlag(p, "exclude") });
  const targetsIn = p.positional.length ? p.positional : config.scan.targets;
  if (targetsIn.length === 0) throw new UsageError("give at least one TARGET (or scan.targets in --config)");
  const exclude = p.positional.length ? listFlag(p, "exclude") : config.scan.exclude;
  const json = p.flags.has("json");
  let collect: Awaited<ReturnType<typeof collectFleet>> | undefined;
  const idle = { probed: 0, answered: 0, inFlight: 0, elapsedMs: 0, rate: 0, found: 0, read: 0 };
  const progress = createProgressLine(process.stderr, () => collect?.progress() ?? idle);
  const started = performance.now();
  const unresolved: string[] = [];
  try {
    collect = await collectFleet(config, targetsIn, exclude, {
      onTargetError: (message) => unresolved.push(message),
      onSkipped: (where, reason) => progress.log(`skipped ${where}: ${reason}`),
      onFailed: (where, message) => progress.log(`failed ${where}: ${message}`),
      onReading: (reading) =>
        progress.write(json ? `${messageToJsonString(DeviceReadingSchema, reading)}\n` : `${formatReading(reading)}\n`, process.stdout),
    });
  } catch (e) {
    progress.stop();
    if (e instanceof TargetError) throw new UsageError(e.message);
    throw e;
  }
  // Nothing to sweep because no name resolved is a failure, not an empty scan; some names is a warning each.
  if (unresolved.length && collect.progress().addresses === 0) {
    progress.stop();
    await collect.done;
    throw new DcaError("unavailable", `nothing to scan: ${unresolved.join("; ")}; check the names and DNS, or give addresses`);
  }
  for (const message of unresolved) progress.log(`dca scan: ${message} (skipped)`);
  let stats;
  try {
    stats = await collect.done;
  } finally {
    progress.stop();
  }
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  process.stderr.write(
    `scanned ${plural(stats.addresses, "address", "addresses")} in ${secs} s: ${stats.found} answered SNMP, ${plural(stats.read, "printer")} read, ` +
      `${stats.skipped} skipped (not printers), ${stats.failed} failed\n`,
  );
  return stats.failed > 0 ? 1 : 0;
}
