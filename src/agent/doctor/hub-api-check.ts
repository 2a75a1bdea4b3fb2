/**
 * The hub's API answers on the agent's own client (gRPC over the transport
 * the service uses), and how far this PC's clock is from the hub's. An
 * activated agent makes an empty upload: it carries the credential, so a
 * refused agent shows, and it changes nothing on the hub (a Poll would take
 * the agent's pending tasks and overwrite what it last reported). Before
 * activation, CheckLockout, which needs no credential.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { createHubClient } from "../service/hub-client.ts";
import { type CheckContext, type CheckOutcome, fail, pass, skip } from "./check-result.ts";
import type { DoctorSetup } from "./doctor-setup.ts";

/** Beyond this, TLS validity, schedules and the hub's view of readings go wrong. */
export const MAX_CLOCK_SKEW_MS = 60_000;

/** An install id no agent has: CheckLockout only needs one that is well formed. */
const PROBE_INSTALL_ID = "0".repeat(32);

/** The hub's time as its answer said it (the Date header), and when we asked and heard. */
export interface HubTime {
  date?: string;
  sentAt: number;
  receivedAt: number;
}

/** One call to the API; `time` gets the hub's Date header. */
export async function checkHubApi(s: DoctorSetup, ctx: CheckContext, caPem: string | undefined, time: HubTime): Promise<CheckOutcome> {
  const client = createHubClient({ hubUrl: s.hubUrl, caPem, caFingerprint: s.pin, proxyUrl: s.proxyUrl }, s.identity, ctx.timeoutMs);
  const options = { signal: ctx.signal, onHeader: (h: Headers) => (time.date = h.get("date") ?? undefined) };
  time.sentAt = Date.now();
  try {
    if (s.identity) await client.uploadReadings({ readings: [] }, options);
    else await client.checkLockout({ installId: PROBE_INSTALL_ID }, options);
    time.receivedAt = Date.now();
    return s.identity
      ? pass(`the hub's API answers and accepts agent ${s.identity.agentId} (an empty upload)`)
      : pass("the hub's API answers (not activated: no credential to try)");
  } catch (e) {
    time.receivedAt = Date.now();
    const err = ConnectError.from(e);
    time.date ??= err.metadata.get("date") ?? undefined;
    if (err.code === Code.Unauthenticated || err.code === Code.PermissionDenied) {
      return fail(`the hub refuses this agent's credential: ${err.rawMessage}`, 'ask the hub admin for a new code and run "dca activate --force" (the agent was disabled or replaced)');
    }
    return fail(`the hub's API did not answer: ${err.rawMessage}`, `check that ${s.hub.authority} is a dca hub and that nothing on the way blocks gRPC (HTTP/2 POST)`);
  } finally {
    client.close();
  }
}

/** This PC's clock against the hub's Date header (1 s resolution: the hub's second is taken at its middle). */
export function checkClock(time: HubTime): CheckOutcome {
  const hubMs = time.date ? Date.parse(time.date) : Number.NaN;
  if (Number.isNaN(hubMs)) return skip("not checked: the hub's answer carried no time (Date header)");
  const skew = (time.sentAt + time.receivedAt) / 2 - (hubMs + 500);
  const shown = formatSkew(Math.abs(skew));
  if (Math.abs(skew) <= MAX_CLOCK_SKEW_MS) return pass(`within ${shown} of the hub's clock`);
  return fail(
    `this PC's clock is ${shown} ${skew > 0 ? "ahead of" : "behind"} the hub's (more than ${MAX_CLOCK_SKEW_MS / 1000} s)`,
    "set this PC's clock right and keep it synchronised (NTP, or Windows Time); certificates and schedules depend on it",
  );
}

function formatSkew(ms: number): string {
  if (ms < 2_000) return "1 s";
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}
