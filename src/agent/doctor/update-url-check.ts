/**
 * The update URL: where the last release offered to this agent is
 * downloaded from (the hub's own /releases/ path, or a CDN URL the hub
 * named). One byte is asked for, on the line and with the trust a download
 * uses (src/agent/transport/create-file-fetcher.ts): the hub's pinned CA
 * and credential on its own origin, the system roots elsewhere, the proxy.
 */
import { ConnectError } from "@connectrpc/connect";
import { createFileFetcher } from "../transport/index.ts";
import { createUpdateState } from "../update/update-state.ts";
import { type CheckContext, type CheckOutcome, fail, pass, skip } from "./check-result.ts";
import type { DoctorSetup } from "./doctor-setup.ts";

/** Checks the last offered release URL; `caPem` is the hub's CA as the hub's line found it. */
export async function checkUpdateUrl(s: DoctorSetup, ctx: CheckContext, caPem: string | undefined): Promise<CheckOutcome> {
  const url = createUpdateState(s.stateDir).lastOfferUrl();
  if (!url) return skip("not checked: no release has been offered to this agent yet (releases come from the hub unless it names another URL)");
  const identity = s.identity;
  if (!identity) return skip("not checked: not activated (a download needs the agent's credential)");
  const where = new URL(url);
  const fetcher = createFileFetcher({
    hubUrl: s.hubUrl,
    caPem,
    caFingerprint: s.pin,
    proxyUrl: s.proxyUrl,
    bearer: () => `Bearer ${identity.agentId}.${identity.secret}`,
    timeoutMs: ctx.timeoutMs,
  });
  try {
    const r = await fetcher.getRange(url, 0, 0, ctx.signal);
    for await (const _ of r.body) {
      // One byte at most: drained so the stream ends.
    }
    if (r.status === 206 || r.status === 200) return pass(`${where.origin} serves the offered release (HTTP ${r.status})`);
    return fail(`${where.origin}${where.pathname} answered HTTP ${r.status} for the offered release`, "ask the hub admin to check the release (dca-hub release list) and its URL");
  } catch (e) {
    return fail(
      `cannot download from ${where.origin}: ${ConnectError.from(e).rawMessage}`,
      `allow HTTPS to ${where.host}${s.proxyUrl ? " through the proxy" : ""}; updates are downloaded from there`,
    );
  } finally {
    fetcher.close();
  }
}
