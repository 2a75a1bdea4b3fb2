/**
 * When a device counts as missed and an agent as offline, per site: from
 * the site's own schedule, never sooner than a fixed floor, so an hourly
 * site's device is not "missed" after one late read and a site polling
 * every minute does not show its agent offline after a short hiccup. The
 * overview, the metrics (and later the alerts) read the same rule.
 */
import { DEFAULTS } from "../../common/config/index.ts";
import type { AgentConfig } from "../../gen/dca/v1/agent_service_pb.ts";
import type { SiteCut } from "../store/index.ts";

/** A device not read for this long (or 2 read intervals, if longer) is missed. */
export const MISSED_AFTER_MIN_MS = 24 * 3_600_000;
/** An agent that has not polled for this long (or 3 poll intervals, if longer) is offline. */
export const OFFLINE_AFTER_MIN_MS = 15 * 60_000;
/** A device counts as flagged while it has a counter flag this recent. */
export const FLAGGED_WINDOW_MS = 30 * 86_400_000;

/** The site's thresholds (ms) and its cut at `nowMs`. */
export interface SiteThresholds extends SiteCut {
  missedAfterMs: number;
  offlineAfterMs: number;
}

/** The thresholds of a site with this config, at `nowMs`. */
export function siteThresholds(siteId: string, config: Pick<AgentConfig, "readIntervalSeconds" | "pollIntervalSeconds">, nowMs: number): SiteThresholds {
  // 0 in the config means the agent's default.
  const readMs = config.readIntervalSeconds ? config.readIntervalSeconds * 1000 : DEFAULTS.schedule.readMs;
  const pollMs = config.pollIntervalSeconds ? config.pollIntervalSeconds * 1000 : DEFAULTS.schedule.pollMs;
  const missedAfterMs = Math.max(MISSED_AFTER_MIN_MS, 2 * readMs);
  const offlineAfterMs = Math.max(OFFLINE_AFTER_MIN_MS, 3 * pollMs);
  return { siteId, missedAfterMs, offlineAfterMs, missedBefore: nowMs - missedAfterMs, offlineBefore: nowMs - offlineAfterMs };
}
