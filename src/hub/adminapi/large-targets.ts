/** The refusal of targets too large to sweep by accident (`site set-targets` without --allow-large). */
import { UsageError } from "../../common/args.ts";
import { configFromProto } from "../../common/config/index.ts";
import { LARGE_TARGET_SET, countTargetAddresses, estimateSweepMs, formatSweepTime, sweepPaceOf } from "../../common/target-ranges.ts";
import { plural } from "../../common/text.ts";
import type { AgentConfig } from "../../gen/dca/v1/agent_service_pb.ts";

/**
 * Refuses targets that cover more than LARGE_TARGET_SET addresses unless
 * `allowed`, saying how long one sweep takes at the site's pace; allowed,
 * returns that as a note for the change line ("" for a set that is not large).
 */
export function largeTargets(c: AgentConfig, allowed: boolean): string {
  let config: ReturnType<typeof configFromProto>;
  try {
    config = configFromProto(c);
  } catch {
    // Not a config agents take: the store refuses it, naming the field as the command's option.
    return "";
  }
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
