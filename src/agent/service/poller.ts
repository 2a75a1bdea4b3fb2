/**
 * The poll schedule around the one-shot poll (./poll-hub.ts): on the
 * interval the hub names (else the config's), give or take 10 % so a fleet
 * does not poll in step; after a failure, backoff (SERVICE_BACKOFF: 1 s to
 * 8 s, so a hub back from an outage is heard within seconds); a
 * nudge (MQTT) makes a poll due at once, and a nudge that arrives while a
 * poll is under way asks for one more right after it, since that poll may
 * have left the hub before whatever the nudge announces.
 */
import { plural } from "../../common/text.ts";
import type { PollResponse } from "../../gen/dca/v1/agent_service_pb.ts";
import { type Backoff, withJitter, worthLogging } from "../../common/backoff.ts";
import type { Clock } from "../../common/clock.ts";
import type { ServiceHubClient } from "./hub-client.ts";
import { type AgentStatus, describePollFailure, pollHub } from "./poll-hub.ts";
import { createRetrySchedule } from "./retry-schedule.ts";

/** Spread of the poll interval: +-10 %. */
const POLL_JITTER = 0.1;

/** What a poller needs: the hub, the clock, and the service's hands for what a poll brings. */
export interface PollerOptions {
  client: ServiceHubClient;
  clock: Clock;
  backoff: Backoff;
  /** For the jitter (default Math.random). */
  random?: () => number;
  /** What to tell the hub, read just before each poll. */
  status(): AgentStatus;
  /** Acts on the hub's answer (config, tasks, wake-up line); runs before the next poll is scheduled. */
  apply(r: PollResponse): void;
  /** The interval when the hub names none: the config's. */
  defaultPollMs(): number;
  /** What must follow a successful poll (task results waiting); if it fails, the poll counts as failed. */
  after?(): Promise<void>;
  /** A poll failed: `message` says why (the next poll's last_error). */
  onError(message: string): void;
  log(line: string): void;
}

/** The poll schedule, and one poll on it. */
export interface Poller {
  isDue(): boolean;
  msUntilDue(): number;
  /** A nudge: poll at once, and once more after a poll under way. */
  nudge(): void;
  /**
   * Polls once and schedules the next poll. Never throws: a failure is
   * logged and backed off. Once `signal` is aborted (the service stops) the
   * call is cancelled and nothing more is logged or scheduled.
   */
  pollOnce(signal?: AbortSignal): Promise<void>;
  /** The poll interval in force, in seconds (for the wake-up line's log). */
  pollSeconds(): number;
}

/** A poller whose first poll is due at once. */
export function createPoller(opts: PollerOptions): Poller {
  const { clock, log } = opts;
  const random = opts.random ?? Math.random;
  const schedule = createRetrySchedule(clock, opts.backoff);
  let nudges = 0;
  let pollSeconds = Math.round(opts.defaultPollMs() / 1000);
  return {
    isDue: schedule.isDue,
    msUntilDue: schedule.msUntilDue,
    nudge() {
      nudges++;
      schedule.dueNow();
    },
    async pollOnce(signal) {
      const nudgesBefore = nudges;
      try {
        const r = await pollHub(opts.client, opts.status(), { signal });
        if (schedule.failures() > 0) log(`the hub answers again after ${plural(schedule.failures(), "failed poll")}`);
        opts.apply(r);
        const pollMs = r.nextPollSeconds > 0 ? r.nextPollSeconds * 1000 : opts.defaultPollMs();
        pollSeconds = Math.round(pollMs / 1000);
        schedule.succeeded(nudges !== nudgesBefore ? 0 : withJitter(pollMs, POLL_JITTER, random));
        await opts.after?.();
      } catch (e) {
        if (signal?.aborted) return;
        const wait = schedule.failed();
        const message = describePollFailure(e);
        opts.onError(message);
        // A long outage is logged on the 1st, 2nd, 4th, 8th... failure, not every few seconds.
        if (worthLogging(schedule.failures())) log(`${message}; retrying in ${Math.round(wait / 1000)} s`);
      }
    },
    pollSeconds: () => pollSeconds,
  };
}
