/**
 * What a poll offers an agent for self-update: the newest release of the agent
 * for its platform on its site's channel that is newer than the version it runs,
 * inside the site's update window and never while the site is held, signed by
 * a key the newest revocation list does not name. A downgrade is never offered
 * (the agent refuses one anyway).
 */
import { create } from "@bufbuild/protobuf";
import { type ReleaseOffer, ReleaseOfferSchema } from "../../gen/dca/v1/agent_service_pb.ts";
import { compareVersions } from "../../common/release-version.ts";
import { insideUpdateWindow } from "../../common/update-window.ts";
import type { Release, UpdatePolicy } from "../store/index.ts";

/** Where the hub serves a release file it keeps, under its API origin. */
export const RELEASE_PATH = "/releases/";

/** The agent asking, as its poll describes it. */
export interface PollingAgent {
  platform: string;
  version: string;
  utcOffsetMinutes: number;
}

/** The key ids a kept revocation list (the JSON of a signed blob, checked when it was added) revokes. */
export function revokedKeyIds(list: string | undefined): Set<string> {
  if (!list) return new Set();
  const body = JSON.parse(JSON.parse(list).body) as { revoked?: { keyId: string }[] };
  return new Set((body.revoked ?? []).map((r) => r.keyId));
}

/** The offer for `agent`, or undefined when there is nothing newer for it now. */
export function releaseOffer(
  releases: readonly Release[],
  policy: UpdatePolicy,
  agent: PollingAgent,
  opts: { nowMs: number; hubOrigin: string; revokedKeyIds?: ReadonlySet<string> },
): ReleaseOffer | undefined {
  if (policy.hold || !insideUpdateWindow(policy.window, opts.nowMs, agent.utcOffsetMinutes)) return undefined;
  let best: Release | undefined;
  for (const r of releases) {
    if (r.name !== "dca" || r.target !== agent.platform || opts.revokedKeyIds?.has(r.keyId)) continue;
    if (policy.channel === "stable" && r.channel !== "stable") continue;
    if (compareVersions(r.version, agent.version) <= 0) continue;
    if (!best || compareVersions(r.version, best.version) > 0) best = r;
  }
  if (!best) return undefined;
  return create(ReleaseOfferSchema, {
    version: best.version,
    size: BigInt(best.size),
    sha256: best.sha256,
    signatureBundle: best.signature,
    url: best.url || `${opts.hubOrigin}${RELEASE_PATH}${best.sha256}`,
    window: policy.window,
    healthSeconds: policy.healthSeconds,
  });
}
