/**
 * The upload schedule around the one-shot upload (./upload-outbox.ts):
 * one upload at a time, started when readings were stored since the last
 * one; after a failure, backoff (its own count, apart from the poll's)
 * unless a poll gets through first, which shows the hub is back. The first
 * upload that works after failures says so, with how many readings waited.
 */
import { plural } from "../../common/text.ts";
import { DcaError } from "../../common/errors.ts";
import { type Backoff, worthLogging } from "../../common/backoff.ts";
import type { Clock } from "../../common/clock.ts";
import type { Outbox } from "../outbox/index.ts";
import type { ServiceHubClient } from "./hub-client.ts";
import { createRetrySchedule } from "./retry-schedule.ts";
import { uploadOutbox } from "./upload-outbox.ts";

/** What an uploader needs. */
export interface UploaderOptions {
  client: ServiceHubClient;
  outbox: Outbox;
  clock: Clock;
  backoff: Backoff;
  /** Readings per batch. */
  batch?: number;
  /** Once aborted, an upload under way ends after its current batch and no new one starts. */
  stopping: AbortSignal;
  /** An upload failed: `message` says why (the next poll's last_error). */
  onError(message: string): void;
  /** An upload ended, well or not. */
  onSettled(): void;
  log(line: string): void;
}

/** The upload schedule, and one upload on it. */
export interface Uploader {
  /** Readings were stored (or may wait): upload when allowed. */
  want(): void;
  /** The hub answered a poll: upload now, backoff or not. */
  retryNow(): void;
  /** Starts an upload if one is wanted, due, not under way, and the outbox holds something. */
  startIfDue(): void;
  /** Resolves when no upload is under way. */
  idle(): Promise<void>;
}

/** An uploader that starts wanting to upload: the outbox may hold readings from the last run. */
export function createUploader(opts: UploaderOptions): Uploader {
  const { outbox, log } = opts;
  const schedule = createRetrySchedule(opts.clock, opts.backoff);
  // The outbox may hold readings from the last run.
  let wanted = true;
  let running: Promise<void> | undefined;

  /** When the first of the failures in a row happened (clock.now()), for the resume line. */
  let failingSince = 0;
  /**
   * Until when (clock.now()) the hub asked us to hold uploads (its quota for
   * this agent is used up): neither a poll nor new readings end the hold.
   */
  let heldUntil = 0;

  /** The hub refused for a stated time: hold until then, said once per hold; the readings stay in the outbox. */
  function hold(err: DcaError, retryAfterMs: number): void {
    const wasHeld = heldUntil > 0;
    heldUntil = opts.clock.now() + retryAfterMs;
    const message = `upload refused: ${err.message}`;
    opts.onError(message);
    if (!wasHeld) log(`${message}; ${plural(outbox.stats().depth, "reading")} kept in the outbox; uploads wait ${Math.round(retryAfterMs / 1000)} s`);
    wanted = true;
  }

  async function upload(): Promise<void> {
    const waiting = outbox.stats().depth;
    try {
      const sent = await uploadOutbox(opts.client, outbox, { batch: opts.batch, stopping: () => opts.stopping.aborted });
      if (schedule.failures() > 0) {
        const secs = Math.round((opts.clock.now() - failingSince) / 1000);
        log(`uploads resumed after ${secs} s of failures: ${plural(waiting, "reading")} waiting, ${sent} sent, ${outbox.stats().depth} left`);
      }
      schedule.succeeded(0);
      if (heldUntil > 0) log(`uploads resumed after the hub's hold: ${sent} sent, ${outbox.stats().depth} left`);
      heldUntil = 0;
    } catch (e) {
      // Stopping: the outbox may be closed under the upload; the readings not acknowledged stay in it.
      if (opts.stopping.aborted) return;
      const err = DcaError.from(e);
      if (err.code === "resource-exhausted" && err.retryAfterMs !== undefined) return hold(err, err.retryAfterMs);
      if (schedule.failures() === 0) failingSince = opts.clock.now();
      const wait = schedule.failed();
      const message = `upload failed: ${(e as Error).message}`;
      opts.onError(message);
      if (worthLogging(schedule.failures())) {
        log(`${message}; ${plural(outbox.stats().depth, "reading")} in the outbox; retrying in ${Math.round(wait / 1000)} s`);
      }
      wanted = true;
    }
  }

  return {
    want() {
      wanted = true;
    },
    retryNow() {
      wanted = true;
      schedule.dueNow();
    },
    startIfDue() {
      if (running || !wanted || opts.stopping.aborted || !schedule.isDue() || opts.clock.now() < heldUntil || outbox.stats().depth === 0) return;
      wanted = false;
      running = upload().finally(() => {
        running = undefined;
        opts.onSettled();
      });
    },
    idle: () => running ?? Promise.resolve(),
  };
}
